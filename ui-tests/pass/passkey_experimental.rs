use std::sync::Arc;

use auth_runtime::adapter::MemoryAdapter;
use auth_runtime::prelude::*;

#[auth(providers(github, passkey), adapter, experimental(enable_webauthn))]
pub struct Auth;

fn main() {
    let config = Auth::builder_with_env(|key| (key == "AUTH_SECRET").then(|| "s".to_owned()))
        .adapter(Arc::new(MemoryAdapter::new()))
        .into_config();
    assert!(config.experimental.enable_webauthn);
    assert!(config.providers.iter().any(|p| p.id() == "passkey"));
}
