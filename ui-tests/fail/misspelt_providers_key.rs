use auth_runtime::prelude::*;

#[auth(provders(github, credentials), session = "jwt")]
pub struct Auth;

fn main() {
    let _ = Auth::builder().credentials(|_, _| async { Ok(None) }).build();
}
