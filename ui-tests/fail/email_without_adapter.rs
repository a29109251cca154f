use auth_runtime::prelude::*;

#[auth(providers(github, email))]
pub struct Auth;

fn main() {
    let _ = Auth::builder().build();
}
