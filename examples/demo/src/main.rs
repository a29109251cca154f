//! The demo: credentials sign-in (user `demo`, password `demo`), OAuth providers offered when
//! their `AUTH_<ID>_ID` is set, a home page showing the session, and a protected page.
//!
//! `cargo run -p demo`, then open http://127.0.0.1:3000. `PORT` changes the port; `AUTH_URL` is
//! honoured.

use auth_runtime::prelude::*;
use axum::extract::State;
use axum::http::request::Parts;
use axum::response::{Html, IntoResponse, Redirect, Response};
use axum::routing::get;
use serde_json::Value;
use subtle::ConstantTimeEq;

fn demo_credentials() -> CredentialsProvider {
    CredentialsProvider::new()
        .field(CredentialField::new("username", "Username", "text"))
        .field(CredentialField::new("password", "Password", "password"))
        .authorize(|creds, _req| async move {
            let field = |k: &str| creds.get(k).and_then(Value::as_str).unwrap_or("").to_owned();
            // Constant-time comparisons, so the check does not leak how much of a guess matched.
            let ok = bool::from(field("username").as_bytes().ct_eq(b"demo"))
                & bool::from(field("password").as_bytes().ct_eq(b"demo"));
            Ok(ok.then(|| User::new("demo").name("Demo User").email("demo@example.com")))
        })
}

fn oauth_providers() -> Vec<Provider> {
    let mut out = Vec::new();
    let env = |k: &str| std::env::var(k).ok().filter(|v| !v.is_empty());
    let mut github = OAuthProvider::new("github", "GitHub", ProviderKind::OAuth);
    github.authorization_url = Some("https://github.com/login/oauth/authorize".into());
    github.token_url = Some("https://github.com/login/oauth/access_token".into());
    github.userinfo_url = Some("https://api.github.com/user".into());
    let mut google = OAuthProvider::new("google", "Google", ProviderKind::Oidc);
    google.issuer = Some("https://accounts.google.com".into());
    let keycloak = OAuthProvider::new("keycloak", "Keycloak", ProviderKind::Oidc);
    for p in [github, google, keycloak] {
        if env(&format!("AUTH_{}_ID", auth_runtime::env::env_provider_id(&p.id))).is_some() {
            out.push(p.into());
        }
    }
    out
}

async fn home(State(auth): State<AuthHandler>, parts: Parts) -> Html<String> {
    let session = auth.session(&parts).await;
    let body = match session {
        Some(s) => format!(
            "<p>Signed in as <strong>{}</strong> ({})</p><pre>{}</pre>\
             <p><a href=\"/protected\">Protected page</a> · <a href=\"/auth/signout\">Sign out</a></p>",
            auth_runtime::pages::escape(s.user.name.as_deref().unwrap_or("")),
            auth_runtime::pages::escape(s.user.email.as_deref().unwrap_or("")),
            auth_runtime::pages::escape(&serde_json::to_string_pretty(&s).unwrap_or_default()),
        ),
        None => "<p>Not signed in.</p><p><a href=\"/auth/signin\">Sign in</a> · \
                 <a href=\"/protected\">Protected page</a></p>"
            .to_owned(),
    };
    Html(format!(
        "<!DOCTYPE html><html lang=\"en\"><head><meta charset=\"utf-8\"><title>Auth.js for Rust demo</title></head>\
         <body><h1>Auth.js for Rust demo</h1>{body}</body></html>"
    ))
}

async fn protected(State(auth): State<AuthHandler>, parts: Parts) -> Response {
    match auth.session(&parts).await {
        Some(s) => Html(format!(
            "<!DOCTYPE html><html lang=\"en\"><head><meta charset=\"utf-8\"><title>Protected</title></head>\
             <body><h1>Protected page</h1><p>Only signed-in users see this, {}.</p><p><a href=\"/\">Home</a></p></body></html>",
            auth_runtime::pages::escape(s.user.name.as_deref().unwrap_or(""))
        ))
        .into_response(),
        None => Redirect::to("/auth/signin?callbackUrl=%2Fprotected").into_response(),
    }
}

#[tokio::main]
async fn main() -> Result<(), Box<dyn std::error::Error>> {
    let mut config = AuthConfig::new().provider(demo_credentials());
    config.providers.extend(oauth_providers());
    config.base_path = Some("/auth".into());
    config.apply_env(&auth_runtime::env::process_env);
    if config.generated_secret {
        eprintln!("demo: AUTH_SECRET is not set; using a generated development secret (sessions end at restart)");
    }
    let auth = AuthHandler::new(config)?;
    let port: u16 = std::env::var("PORT").ok().and_then(|p| p.parse().ok()).unwrap_or(3000);
    let app = axum::Router::new()
        .route("/", get(home))
        .route("/protected", get(protected))
        .with_state(auth.clone())
        .merge(auth_runtime::axum::router(&auth));
    let listener = tokio::net::TcpListener::bind(("127.0.0.1", port)).await?;
    println!("demo: listening on http://127.0.0.1:{port} (sign in as demo / demo)");
    axum::serve(listener, app).await?;
    Ok(())
}
