// The struct may carry derives and docs of its own; #[auth] adds only what is missing.
use auth_runtime::prelude::*;

/// Sign-in for the admin console.
#[auth(providers(okta))]
#[derive(Debug)]
pub struct AdminAuth;

fn main() {
    let auth = AdminAuth::builder_with_env(|key| (key == "AUTH_SECRET").then(|| "s".to_owned()))
        .okta(|p| p.issuer("https://tenant.okta.test"))
        .build()
        .expect("valid configuration");
    let _: AdminAuth = auth.clone();
    assert!(format!("{auth:?}").starts_with("AdminAuth"));
}
