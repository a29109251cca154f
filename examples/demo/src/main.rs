//! The demo: credentials sign-in (user `demo`, password `demo`), OAuth/OIDC providers offered when
//! their `AUTH_<ID>_ID` is set (GitHub, Google, and Keycloak with `AUTH_KEYCLOAK_ISSUER`), a home
//! page showing the session, a protected page and a protected JSON API.
//!
//! `cargo run -p demo`, then open http://127.0.0.1:3000. `PORT` changes the port; `AUTH_URL` is
//! honoured (its path, if any, becomes the base path instead of `/auth`).

use auth_runtime::axum::{AuthContext, AuthLayer, RequireSession, SignInRedirect};
use auth_runtime::pages::escape;
use auth_runtime::prelude::*;
use auth_runtime::providers::ProviderStyle;
use axum::Json;
use axum::response::{Html, Response};
use axum::routing::{get, post};
use serde_json::Value;
use subtle::ConstantTimeEq;

fn demo_credentials() -> CredentialsProvider {
    CredentialsProvider::new()
        .field(CredentialField::new("username", "Username", "text"))
        .field(CredentialField::new("password", "Password", "password"))
        .authorize(|creds, _req| async move {
            let field = |k: &str| {
                creds
                    .get(k)
                    .and_then(Value::as_str)
                    .unwrap_or("")
                    .to_owned()
            };
            // Constant-time comparisons, so the check does not leak how much of a guess matched.
            let ok = bool::from(field("username").as_bytes().ct_eq(b"demo"))
                & bool::from(field("password").as_bytes().ct_eq(b"demo"));
            Ok(ok.then(|| {
                User::new("demo")
                    .name("Demo User")
                    .email("demo@example.com")
            }))
        })
}

fn style(logo: &str, bg: Option<&str>, text: Option<&str>, brand: Option<&str>) -> ProviderStyle {
    ProviderStyle {
        logo: Some(logo.into()),
        bg: bg.map(Into::into),
        text: text.map(Into::into),
        brand_color: brand.map(Into::into),
    }
}

/// GitHub, Google and Keycloak, each only when its client id is in the environment.
fn oauth_providers() -> Vec<Provider> {
    let env = |k: &str| std::env::var(k).ok().filter(|v| !v.is_empty());
    let mut github = OAuthProvider::new("github", "GitHub", ProviderKind::OAuth)
        .endpoints(
            "https://github.com/login/oauth/authorize",
            "https://github.com/login/oauth/access_token",
            "https://api.github.com/user",
        )
        .scope("read:user user:email");
    github.quirks.push("github-emails".into());
    github.style = style("github.svg", Some("#24292f"), Some("#fff"), None);
    let mut google = OAuthProvider::new("google", "Google", ProviderKind::Oidc)
        .issuer("https://accounts.google.com");
    google.style = style("google.svg", None, None, Some("#1a73e8"));
    // The issuer comes from AUTH_KEYCLOAK_ISSUER (AuthConfig::apply_env).
    let mut keycloak = OAuthProvider::new("keycloak", "Keycloak", ProviderKind::Oidc);
    keycloak.style = style("keycloak.svg", None, None, Some("#428bca"));
    [github, google, keycloak]
        .into_iter()
        .filter(|p| {
            env(&format!(
                "AUTH_{}_ID",
                auth_runtime::env::env_provider_id(&p.id)
            ))
            .is_some()
        })
        .map(Provider::from)
        .collect()
}

const STYLE: &str = "body{font-family:system-ui,sans-serif;max-width:44rem;margin:2rem auto;padding:0 1rem;\
line-height:1.5;color:#111827;background:#f9fafb}nav{display:flex;gap:1rem;align-items:center;flex-wrap:wrap}\
pre{background:#111827;color:#f3f4f6;padding:1rem;border-radius:.5rem;overflow:auto}\
button{font:inherit;padding:.35rem .9rem;border-radius:.35rem;border:1px solid #374151;background:#fff;color:#111827;cursor:pointer}\
a{color:#1d4ed8}:focus-visible{outline:3px solid #1d4ed8;outline-offset:2px}";

/// The page frame: a header with navigation and the sign-in state, then `body`.
fn page(title: &str, session: Option<&Session>, base: &str, body: &str) -> Html<String> {
    let account = match session {
        Some(s) => format!(
            "<span>Signed in as <strong id=\"user-name\">{}</strong></span>\
             <form method=\"post\" action=\"/sign-out\"><button type=\"submit\">Sign out</button></form>",
            escape(
                s.user
                    .name
                    .as_deref()
                    .or(s.user.email.as_deref())
                    .unwrap_or("you")
            )
        ),
        None => format!("<a href=\"{base}/signin\">Sign in</a>"),
    };
    Html(format!(
        "<!DOCTYPE html><html lang=\"en\"><head><meta charset=\"utf-8\">\
         <meta name=\"viewport\" content=\"width=device-width, initial-scale=1\"><title>{title} · Auth.js for Rust demo</title>\
         <style>{STYLE}</style></head><body><header><nav aria-label=\"Main\"><a href=\"/\">Home</a>\
         <a href=\"/protected\">Protected page</a><a href=\"/api/me\">API: /api/me</a>{account}</nav></header>\
         <main><h1>{title}</h1>{body}</main></body></html>",
        title = escape(title),
    ))
}

async fn home(auth: AuthContext) -> Html<String> {
    let base = auth.handler().base_path().unwrap_or_else(|| "/auth".into());
    let body = match auth.session() {
        Some(s) => format!(
            "<p id=\"status\">You are signed in as <strong>{}</strong> ({}).</p><h2>Your session</h2><pre id=\"session\">{}</pre>",
            escape(s.user.name.as_deref().unwrap_or("")),
            escape(s.user.email.as_deref().unwrap_or("")),
            escape(&serde_json::to_string_pretty(s).unwrap_or_default()),
        ),
        None => format!(
            "<p id=\"status\">You are not signed in.</p><p><a href=\"{base}/signin\">Sign in</a> as \
             <code>demo</code> / <code>demo</code>.</p>"
        ),
    };
    page("Auth.js for Rust demo", auth.session(), &base, &body)
}

/// Protected twice over: the layer's `authorized` check sends signed-out visitors to the sign-in
/// page, and the extractor would too.
async fn protected(
    auth: AuthContext,
    RequireSession(session, ..): RequireSession<SignInRedirect>,
) -> Html<String> {
    let base = auth.handler().base_path().unwrap_or_else(|| "/auth".into());
    let body = format!(
        "<p id=\"protected\">Only signed-in users see this page, {}.</p>",
        escape(session.user.name.as_deref().unwrap_or("friend"))
    );
    page("Protected page", Some(&session), &base, &body)
}

/// 401 JSON when signed out.
async fn api_me(session: Session) -> Json<Session> {
    Json(session)
}

/// A server-side sign-out (next-auth's `signOut()` in a server action).
async fn sign_out(auth: AuthContext) -> Response {
    auth.sign_out(Some("/")).await
}

#[tokio::main]
async fn main() -> Result<(), Box<dyn std::error::Error>> {
    let mut config = AuthConfig::new().provider(demo_credentials());
    config.providers.extend(oauth_providers());
    config.apply_env(&auth_runtime::env::process_env);
    if config.base_path.is_none() {
        config.base_path = Some("/auth".into());
    }
    if config.generated_secret {
        eprintln!(
            "demo: AUTH_SECRET is not set; using a generated development secret (sessions end at restart)"
        );
    }
    let auth = AuthHandler::new(config)?;
    let port: u16 = std::env::var("PORT")
        .ok()
        .and_then(|p| p.parse().ok())
        .unwrap_or(3000);
    let app = axum::Router::new()
        .route("/", get(home))
        .route("/protected", get(protected))
        .route("/api/me", get(api_me))
        .route("/sign-out", post(sign_out))
        .merge(auth_runtime::axum::router(&auth))
        .layer(AuthLayer::new(&auth).protect("/protected"));
    let listener = tokio::net::TcpListener::bind(("127.0.0.1", port)).await?;
    println!("demo: listening on http://127.0.0.1:{port} (sign in as demo / demo)");
    axum::serve(listener, app).await?;
    Ok(())
}
