use auth_runtime::prelude::*;

#[auth(providers(github), registry = "../registries/malformed.toml")]
pub struct Auth;

fn main() {
    let _ = Auth::builder().build();
}
