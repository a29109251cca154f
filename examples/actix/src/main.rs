//! The demo on actix-web: credentials sign-in (user `demo`, password `demo`), OAuth/OIDC providers
//! offered when their `AUTH_<ID>_ID` is set, a home page showing the session, a protected page
//! and a protected JSON API; the same as the axum demo, through `auth_runtime::actix`.
//!
//! `cargo run -p actix-demo`, then open http://127.0.0.1:3000. `PORT` changes the port;
//! `AUTH_URL` is honoured (its path, if any, becomes the base path instead of `/auth`).

use actix_web::http::header::ContentType;
use actix_web::{App, HttpResponse, HttpServer, web};
use auth_runtime::actix::{AuthContext, AuthMiddleware, Redirected};
use auth_runtime::pages::escape;
use auth_runtime::prelude::*;
use serde_json::Value;
use subtle::ConstantTimeEq;

/// The providers: GitHub, Google and Keycloak (offered when their `AUTH_<ID>_ID` is set) and a
/// credentials form.
#[auth(providers(github, google, keycloak, credentials), session = "jwt")]
pub struct Auth;

/// Accepts `demo` / `demo`, comparing in constant time.
fn authorize_demo(creds: &serde_json::Map<String, Value>) -> Option<User> {
    let field = |k: &str| {
        creds
            .get(k)
            .and_then(Value::as_str)
            .unwrap_or("")
            .to_owned()
    };
    let ok = bool::from(field("username").as_bytes().ct_eq(b"demo"))
        & bool::from(field("password").as_bytes().ct_eq(b"demo"));
    ok.then(|| {
        User::new("demo")
            .name("Demo User")
            .email("demo@example.com")
    })
}

/// The page frame: navigation with the sign-in state, then `body`.
fn page(title: &str, session: Option<&Session>, base: &str, body: &str) -> HttpResponse {
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
    HttpResponse::Ok().content_type(ContentType::html()).body(format!(
        "<!DOCTYPE html><html lang=\"en\"><head><meta charset=\"utf-8\">\
         <meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\
         <title>{title} · Auth.js for Rust on actix-web</title></head><body>\
         <header><nav aria-label=\"Main\"><a href=\"/\">Home</a> <a href=\"/protected\">Protected page</a> \
         <a href=\"/api/me\">API: /api/me</a> {account}</nav></header><main><h1>{title}</h1>{body}</main></body></html>",
        title = escape(title),
    ))
}

fn base_of(auth: &AuthContext) -> String {
    auth.handler().base_path().unwrap_or_else(|| "/auth".into())
}

async fn home(auth: AuthContext) -> HttpResponse {
    let body = match auth.session() {
        Some(s) => format!(
            "<p id=\"status\">You are signed in as <strong>{}</strong>.</p><pre id=\"session\">{}</pre>",
            escape(s.user.name.as_deref().unwrap_or("")),
            escape(&serde_json::to_string_pretty(s).unwrap_or_default()),
        ),
        None => "<p id=\"status\">You are not signed in.</p>".to_owned(),
    };
    page(
        "Auth.js for Rust on actix-web",
        auth.session(),
        &base_of(&auth),
        &body,
    )
}

/// Protected by the middleware: signed-out visitors go to the sign-in page and come back.
async fn protected(auth: AuthContext, session: Session) -> HttpResponse {
    let body = format!(
        "<p id=\"protected\">Only signed-in users see this page, {}.</p>",
        escape(session.user.name.as_deref().unwrap_or("friend"))
    );
    page("Protected page", Some(&session), &base_of(&auth), &body)
}

/// 401 JSON when signed out.
async fn api_me(session: Session) -> web::Json<Session> {
    web::Json(session)
}

/// A server-side sign-out (next-auth's `signOut()`).
async fn sign_out(auth: AuthContext) -> Result<Redirected, AuthError> {
    auth.sign_out(SignOutOptions::redirect_to("/")).await
}

#[actix_web::main]
async fn main() -> Result<(), Box<dyn std::error::Error>> {
    let mut config = Auth::builder()
        .credentials_provider(|p| {
            p.field(CredentialField::new("username", "Username", "text"))
                .field(CredentialField::new("password", "Password", "password"))
        })
        .credentials(|creds, _request| async move { Ok(authorize_demo(&creds)) })
        .into_config();
    config.providers.retain(|p| match p {
        Provider::OAuth(o) => o.client_id.is_some(),
        _ => true,
    });
    if config.generated_secret {
        eprintln!(
            "actix-demo: AUTH_SECRET is not set; using a generated development secret (sessions end at restart)"
        );
    }
    let auth = AuthHandler::new(config)?;
    let port: u16 = std::env::var("PORT")
        .ok()
        .and_then(|p| p.parse().ok())
        .unwrap_or(3000);
    let server = HttpServer::new(move || {
        App::new()
            .route("/", web::get().to(home))
            .route("/protected", web::get().to(protected))
            .route("/api/me", web::get().to(api_me))
            .route("/sign-out", web::post().to(sign_out))
            .service(auth_runtime::actix::scope(&auth))
            .wrap(AuthMiddleware::new(&auth).protect("/protected"))
    })
    .bind(("127.0.0.1", port))?;
    println!("actix-demo: listening on http://127.0.0.1:{port} (sign in as demo / demo)");
    server.run().await?;
    Ok(())
}
