// The form DESIGN.md opens with: OAuth, OIDC and credentials with JWT sessions.
use auth_runtime::prelude::*;

#[auth(providers(github, google, credentials), session = "jwt")]
pub struct Auth;

fn env(key: &str) -> Option<String> {
    match key {
        "AUTH_SECRET" => Some("a-secret-for-the-ui-test".into()),
        "AUTH_GITHUB_ID" => Some("github-client".into()),
        _ => None,
    }
}

fn main() {
    let auth = Auth::builder_with_env(env)
        .github(|p| {
            p.client_secret("from-code")
                .allow_dangerous_email_account_linking(true)
        })
        .google(|p| p.client_id("google-client"))
        .credentials(|creds, _req| async move {
            let ok = creds.get("password").and_then(|v| v.as_str()) == Some("demo");
            Ok(ok.then(|| User::new("1").name("Demo")))
        })
        .credentials_provider(|p| p.field(CredentialField::new("password", "Password", "password")))
        .callbacks(Callbacks::default())
        .events(Events::default())
        .configure(|config| config.trust_host(true))
        .build()
        .expect("valid configuration");
    let _app: axum::Router = axum::Router::new()
        .route("/", axum::routing::get(|| async { "home" }))
        .merge(auth.router())
        .layer(auth.layer());
    assert_eq!(auth.handler().base_path().as_deref(), Some("/auth"));
    assert_eq!(Auth::PROVIDER_IDS, ["github", "google", "credentials"]);
    let _profile: Option<GitHubProfile> = None;
    let _profile: Option<GoogleProfile> = None;
}
