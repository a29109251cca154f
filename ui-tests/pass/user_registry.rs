// An in-house provider from a registry file of the app's own, beside a built-in one.
use auth_runtime::prelude::*;

#[auth(providers(acme, github), registry = "../registries/acme.toml")]
pub struct Auth;

fn main() {
    let auth = Auth::builder_with_env(|key| match key {
        "AUTH_SECRET" => Some("s".to_owned()),
        "AUTH_ACME_ID" => Some("acme-client".to_owned()),
        _ => None,
    })
    .acme(|p| p.client_secret("acme-secret"))
    .build()
    .expect("valid configuration");
    let _ = auth;
    let profile: AcmeSSOProfile = serde_json::from_value(serde_json::json!({
        "sub": "42", "email": "Ada@Acme.test", "displayName": null, "team": "r&d"
    }))
    .expect("profile parses");
    let user = profile.to_user();
    assert_eq!(user.id.as_deref(), Some("42"));
    assert_eq!(user.name.as_deref(), Some("Ada@Acme.test"));
    assert_eq!(user.email.as_deref(), Some("ada@acme.test"));
    assert_eq!(profile.extra["team"], "r&d");
    assert!(profile.display_name.is_none());
}
