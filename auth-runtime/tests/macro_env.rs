//! `#[auth]` at crate level: the builder reads AUTH_* through an injected lookup into the
//! providers the attribute declares.

use std::collections::HashMap;

use auth_runtime::config::SessionStrategy;
use auth_runtime::prelude::*;

#[auth(providers(github, google, keycloak, credentials))]
pub struct Auth;

fn env(pairs: &[(&str, &str)]) -> impl Fn(&str) -> Option<String> + Send + Sync + 'static {
    let map: HashMap<String, String> = pairs
        .iter()
        .map(|(k, v)| (k.to_string(), v.to_string()))
        .collect();
    move |key| map.get(key).cloned()
}

fn test_env() -> impl Fn(&str) -> Option<String> + Send + Sync + 'static {
    env(&[
        ("AUTH_SECRET", "a-test-secret-of-enough-length"),
        ("AUTH_URL", "https://app.example/api/auth"),
        ("AUTH_GITHUB_ID", "gh-id"),
        ("AUTH_GITHUB_SECRET", "gh-secret"),
        ("AUTH_GOOGLE_ID", "google-id"),
        ("AUTH_KEYCLOAK_ID", "kc-id"),
        ("AUTH_KEYCLOAK_ISSUER", "http://127.0.0.1:8080/realms/test"),
    ])
}

fn oauth<'a>(config: &'a AuthConfig, id: &str) -> &'a OAuthProvider {
    config
        .providers
        .iter()
        .find_map(|p| match p {
            Provider::OAuth(p) if p.id == id => Some(p),
            _ => None,
        })
        .unwrap_or_else(|| panic!("provider {id} missing"))
}

#[test]
fn env_vars_fill_client_ids_issuers_and_secret() {
    let config = Auth::builder_with_env(test_env())
        .credentials(|_, _| async { Ok(None) })
        .into_config();
    assert_eq!(
        config.providers.iter().map(|p| p.id()).collect::<Vec<_>>(),
        ["github", "google", "keycloak", "credentials"]
    );
    let github = oauth(&config, "github");
    assert_eq!(github.client_id.as_deref(), Some("gh-id"));
    assert_eq!(
        github.client_secret.as_ref().map(|s| s.expose()),
        Some("gh-secret")
    );
    assert_eq!(
        github.issuer.as_deref(),
        Some("https://github.com/login/oauth")
    );
    assert_eq!(
        github.token_url.as_deref(),
        Some("https://github.com/login/oauth/access_token")
    );
    assert_eq!(github.style.bg.as_deref(), Some("#24292f"));
    let google = oauth(&config, "google");
    assert_eq!(google.kind, ProviderKind::Oidc);
    assert_eq!(google.client_id.as_deref(), Some("google-id"));
    assert_eq!(
        google.issuer.as_deref(),
        Some("https://accounts.google.com")
    );
    let keycloak = oauth(&config, "keycloak");
    assert_eq!(keycloak.client_id.as_deref(), Some("kc-id"));
    assert_eq!(
        keycloak.issuer.as_deref(),
        Some("http://127.0.0.1:8080/realms/test")
    );
    assert_eq!(config.secret.len(), 1);
    assert_eq!(config.resolved_base_path(), "/api/auth");
    assert_eq!(config.resolved_strategy(), SessionStrategy::Jwt);
}

#[test]
fn builder_options_win_over_the_environment() {
    let config = Auth::builder_with_env(test_env())
        .github(|p| {
            p.client_id("from-code")
                .allow_dangerous_email_account_linking(true)
        })
        .keycloak(|p| p.issuer("https://sso.example/realms/prod"))
        .credentials(|_, _| async { Ok(None) })
        .into_config();
    let github = oauth(&config, "github");
    assert_eq!(github.client_id.as_deref(), Some("from-code"));
    assert_eq!(
        github.client_secret.as_ref().map(|s| s.expose()),
        Some("gh-secret")
    );
    assert!(github.allow_dangerous_email_account_linking);
    assert_eq!(
        oauth(&config, "keycloak").issuer.as_deref(),
        Some("https://sso.example/realms/prod")
    );
}

#[test]
fn build_checks_the_configuration() {
    let auth = Auth::builder_with_env(test_env())
        .credentials(|_, _| async { Ok(None) })
        .build()
        .expect("valid configuration");
    assert_eq!(auth.handler().base_path().as_deref(), Some("/api/auth"));
    let _router: axum::Router = axum::Router::new().merge(auth.router()).layer(auth.layer());

    let missing_issuer = Auth::builder_with_env(env(&[("AUTH_SECRET", "s")]))
        .credentials(|_, _| async { Ok(None) })
        .configure(|c| c.trust_host(true))
        .build()
        .expect_err("keycloak has no issuer");
    assert_eq!(missing_issuer.error_type(), ErrorType::InvalidEndpoints);
}

#[test]
fn typed_profile_maps_to_a_user() {
    let profile: GitHubProfile = serde_json::from_value(serde_json::json!({
        "login": "octocat",
        "id": 583231,
        "name": null,
        "email": "Octo@GitHub.com",
        "avatar_url": "https://avatars.example/u/583231",
        "type": "User",
        "not_in_registry": 7
    }))
    .expect("profile parses");
    assert_eq!(profile.login, "octocat");
    assert_eq!(profile.r#type.as_deref(), Some("User"));
    assert_eq!(profile.extra["not_in_registry"], 7);
    let user = profile.to_user();
    assert_eq!(user.id.as_deref(), Some("583231"));
    assert_eq!(user.name.as_deref(), Some("octocat"));
    assert_eq!(user.email.as_deref(), Some("octo@github.com"));
    assert_eq!(
        user.image.as_deref(),
        Some("https://avatars.example/u/583231")
    );
    assert_eq!(
        Auth::PROVIDER_IDS,
        ["github", "google", "keycloak", "credentials"]
    );
}

#[tokio::test]
async fn declared_providers_are_served_by_the_engine() {
    let auth = Auth::builder_with_env(test_env())
        .credentials(|_, _| async { Ok(None) })
        .build()
        .expect("valid configuration");
    let request = http::Request::get("https://app.example/api/auth/providers")
        .header("host", "app.example")
        .body(bytes::Bytes::new())
        .expect("request");
    let response = auth.handler().handle(request).await;
    assert_eq!(response.status(), 200);
    let body: serde_json::Value = serde_json::from_slice(response.body()).expect("json");
    assert_eq!(body["github"]["name"], "GitHub");
    assert_eq!(body["github"]["type"], "oauth");
    assert_eq!(body["google"]["type"], "oidc");
    assert_eq!(
        body["keycloak"]["signinUrl"],
        "https://app.example/api/auth/signin/keycloak"
    );
    assert_eq!(body["credentials"]["type"], "credentials");
}

#[test]
fn registry_settings_reach_the_runtime_provider() {
    let config = Auth::builder_with_env(test_env())
        .credentials(|_, _| async { Ok(None) })
        .into_config();
    let github = oauth(&config, "github");
    assert_eq!(github.scope.as_deref(), Some("read:user user:email"));
    assert!(github.has_quirk("github-emails"));
    assert!(github.checks.pkce && !github.checks.nonce);
    let profile = serde_json::json!({"id": 42, "login": "octocat", "name": null, "avatar_url": "https://a.example/42"});
    let map = github.profile.as_ref().expect("registry mapping");
    let user = map(&profile, &Default::default()).expect("maps");
    assert_eq!(user.id.as_deref(), Some("42"));
    assert_eq!(user.name.as_deref(), Some("octocat"));
    assert_eq!(user.image.as_deref(), Some("https://a.example/42"));
    let google = oauth(&config, "google");
    assert!(google.id_token);
    assert!(google.profile.is_some());
}

mod entra {
    use auth_runtime::prelude::*;

    #[auth(providers(microsoft_entra_id, github))]
    pub struct Auth;
}

#[test]
fn an_issuer_from_the_environment_overrides_the_registry_and_the_builder_overrides_both() {
    const TENANT: &str =
        "https://login.microsoftonline.com/0f1e2d3c-4b5a-6978-8796-a5b4c3d2e1f0/v2.0";
    let with = |pairs: &[(&str, &str)]| {
        let map: HashMap<String, String> =
            [("AUTH_SECRET", "s"), ("AUTH_MICROSOFT_ENTRA_ID_ID", "id")]
                .iter()
                .chain(pairs)
                .map(|(k, v)| (k.to_string(), v.to_string()))
                .collect();
        move |key: &str| map.get(key).cloned()
    };
    // The registry's default.
    let config = entra::Auth::builder_with_env(with(&[])).into_config();
    assert_eq!(
        oauth(&config, "microsoft-entra-id").issuer.as_deref(),
        Some("https://login.microsoftonline.com/common/v2.0")
    );
    // Pinned to a tenant by the environment; an empty value pins nothing.
    let config = entra::Auth::builder_with_env(with(&[("AUTH_MICROSOFT_ENTRA_ID_ISSUER", TENANT)]))
        .into_config();
    assert_eq!(
        oauth(&config, "microsoft-entra-id").issuer.as_deref(),
        Some(TENANT)
    );
    let config = entra::Auth::builder_with_env(with(&[("AUTH_MICROSOFT_ENTRA_ID_ISSUER", "")]))
        .into_config();
    assert_eq!(
        oauth(&config, "microsoft-entra-id").issuer.as_deref(),
        Some("https://login.microsoftonline.com/common/v2.0")
    );
    // The builder's setting wins over both.
    let config = entra::Auth::builder_with_env(with(&[("AUTH_MICROSOFT_ENTRA_ID_ISSUER", TENANT)]))
        .microsoft_entra_id(|o| o.issuer("https://login.microsoftonline.com/other/v2.0"))
        .into_config();
    assert_eq!(
        oauth(&config, "microsoft-entra-id").issuer.as_deref(),
        Some("https://login.microsoftonline.com/other/v2.0")
    );
}

#[test]
fn only_the_configured_providers_are_offered_when_asked() {
    let only_github = || {
        env(&[
            ("AUTH_SECRET", "s"),
            ("AUTH_GITHUB_ID", "gh-id"),
            ("AUTH_GITHUB_SECRET", "gh-secret"),
        ])
    };
    let ids = |config: &AuthConfig| -> Vec<String> {
        config.providers.iter().map(|p| p.id().to_owned()).collect()
    };
    let all = Auth::builder_with_env(only_github())
        .credentials(|_, _| async { Ok(None) })
        .into_config();
    assert_eq!(ids(&all), ["github", "google", "keycloak", "credentials"]);
    let offered = Auth::builder_with_env(only_github())
        .credentials(|_, _| async { Ok(None) })
        .offer_configured_only()
        .into_config();
    assert_eq!(ids(&offered), ["github", "credentials"]);
}
