use auth_runtime::prelude::*;

#[auth(providers(discord), base_path = "/api/auth")]
pub struct Auth;

fn main() {
    let auth = Auth::builder_with_env(|key| (key == "AUTH_SECRET").then(|| "s".to_owned()))
        .build()
        .expect("valid configuration");
    assert_eq!(auth.handler().base_path().as_deref(), Some("/api/auth"));
}
