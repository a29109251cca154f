use auth_runtime::prelude::*;

#[auth(providers(githb, google), session = "jwt")]
pub struct Auth;

fn main() {
    let _ = Auth::builder().build();
}
