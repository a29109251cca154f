use std::sync::Arc;

use auth_runtime::adapter::MemoryAdapter;
use auth_runtime::prelude::*;

#[auth(providers(github, passkey), adapter)]
pub struct Auth;

fn main() {
    let _ = Auth::builder().adapter(Arc::new(MemoryAdapter::new())).build();
}
