// No `session`: with `adapter` the strategy is database (Auth.js's default); email needs the adapter.
use std::sync::Arc;

use auth_runtime::adapter::MemoryAdapter;
use auth_runtime::prelude::*;

#[auth(providers(github, email), adapter)]
pub struct Auth;

fn main() {
    let config = Auth::builder_with_env(|key| (key == "AUTH_SECRET").then(|| "s".to_owned()))
        .adapter(Arc::new(MemoryAdapter::new()))
        .into_config();
    assert_eq!(config.resolved_strategy(), SessionStrategy::Database);
}
