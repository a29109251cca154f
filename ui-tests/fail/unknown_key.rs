use auth_runtime::prelude::*;

#[auth(providers(github), sesion = "jwt")]
pub struct Auth;

fn main() {
    let _ = Auth::builder().build();
}
