// JWT sessions with an adapter that stores users and accounts only: nothing more is asked.
use std::sync::Arc;

use auth_runtime::prelude::*;
use ui_tests::UsersOnly;

#[auth(providers(github), session = "jwt", adapter)]
pub struct Auth;

fn main() {
    let auth = Auth::builder_with_env(|key| (key == "AUTH_SECRET").then(|| "s".to_owned()))
        .adapter(Arc::new(UsersOnly::default()))
        .build()
        .expect("valid configuration");
    let _ = auth.into_handler();
}
