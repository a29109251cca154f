use auth_runtime::prelude::*;

#[auth(providers(github), session = "database", adapter)]
pub struct Auth;

fn main() {
    let _ = Auth::builder().build();
}
