use auth_runtime::prelude::*;

#[auth(providers(github), base_path = "api/auth/")]
pub struct Auth;

fn main() {
    let _ = Auth::builder().build();
}
