use auth_runtime::prelude::*;

#[auth(providers(github, credentials))]
pub struct Auth;

fn main() {
    let _ = Auth::builder().github(|p| p.client_id("id")).build();
}
