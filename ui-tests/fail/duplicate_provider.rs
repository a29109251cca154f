use auth_runtime::prelude::*;

#[auth(providers(github, google, github))]
pub struct Auth;

fn main() {
    let _ = Auth::builder().build();
}
