use auth_runtime::prelude::*;

#[auth(providers(github))]
pub struct Auth {
    handler: AuthHandler,
}

fn main() {
    let _ = Auth::builder().build();
}
