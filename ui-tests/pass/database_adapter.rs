// Database sessions: `adapter` makes the builder require `.adapter(..)`.
use std::sync::Arc;

use auth_runtime::adapter::MemoryAdapter;
use auth_runtime::prelude::*;

#[auth(providers(github, credentials), session = "database", adapter)]
pub struct Auth;

fn main() {
    let builder = Auth::builder_with_env(|key| (key == "AUTH_SECRET").then(|| "s".to_owned()));
    // Either order: adapter then credentials, or the other way round.
    let auth = builder
        .adapter(Arc::new(MemoryAdapter::new()))
        .credentials(|_, _| async { Ok(None) })
        .build()
        .expect("valid configuration");
    let _ = auth.into_handler();
}
