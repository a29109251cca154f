// Every mistake is reported, each at its own token.
use auth_runtime::prelude::*;

#[auth(providers(gogle, credentials, credentials), session = "databse", base_path = "/auth//x")]
pub struct Auth;

fn main() {
    let _ = Auth::builder().credentials(|_, _| async { Ok(None) }).build();
}
