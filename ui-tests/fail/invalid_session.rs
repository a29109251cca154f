use auth_runtime::prelude::*;

#[auth(providers(github), session = "jtw")]
pub struct Auth;

fn main() {
    let _ = Auth::builder().build();
}
