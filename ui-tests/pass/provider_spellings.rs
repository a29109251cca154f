// Ids with `-` are written with `_`, or as a string.
use auth_runtime::prelude::*;

#[auth(providers(microsoft_entra_id, "auth0"))]
pub struct Auth;

fn main() {
    let config = Auth::builder_with_env(|key| match key {
        "AUTH_SECRET" => Some("s".to_owned()),
        "AUTH_AUTH0_ISSUER" => Some("https://tenant.auth0.test".to_owned()),
        _ => None,
    })
    .microsoft_entra_id(|p| p.client_id("entra-client"))
    .into_config();
    assert_eq!(config.providers[0].id(), "microsoft-entra-id");
    assert_eq!(config.providers[1].id(), "auth0");
    config.assert_valid().expect("valid configuration");
    let _profile: Option<MicrosoftEntraIDProfile> = None;
}
