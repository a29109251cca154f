use auth_runtime::prelude::*;

#[auth(providers(acme), registry = "../registries/no-endpoints.toml")]
pub struct Auth;

fn main() {
    let _ = Auth::builder().build();
}
