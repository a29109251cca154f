use auth_runtime::prelude::*;

#[auth(providers(github) session = "jwt")]
pub struct Auth;

fn main() {
    let _ = Auth::builder().build();
}
