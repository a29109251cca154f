//! The demo: credentials sign-in (user `demo`, password `demo`), email sign-in links (printed on
//! standard output unless `AUTH_EMAIL_SERVER` names an SMTP server), passkeys (a new address
//! registers one; open the demo at http://localhost:3000, as browsers refuse passkeys for an IP
//! address), OAuth/OIDC providers offered
//! when their `AUTH_<ID>_ID` is set (GitHub, Google, and Keycloak with `AUTH_KEYCLOAK_ISSUER`), a
//! home page showing the session, a protected page, a protected JSON API, and an admin page.
//!
//! Typed fields: `Claims` gives every session a `role` (`admin` for the `demo` user, exposed as
//! `user.role` in `GET /auth/session` and `/api/me`) and a token-only `signed_in_with` (the
//! provider id; `auth jwt decode` shows it in the cookie, `GET /auth/session` never does).
//!
//! `cargo run -p demo`, then open http://127.0.0.1:3000 (`cargo run -p demo -- auth doctor` lists
//! the providers, their variables and the callback URLs to register). `PORT` changes the port; `AUTH_URL` is
//! honoured (its path, if any, becomes the base path instead of `/auth`).
//!
//! Users and accounts live in a database: the SQLite file `auth-demo.db` in the working
//! directory (created and migrated at start), or the database at `DATABASE_URL` (`postgres://`,
//! `mysql://` or another `sqlite://` file). A user who signs in, restarts the demo and comes
//! back is the same user. `DEMO_SESSION=database` keeps sessions in the database too (Auth.js's
//! database strategy; it needs an OAuth provider configured besides credentials, and credentials
//! sign-in still issues a session token, as in Auth.js).

use std::sync::Arc;

use auth_runtime::adapter::Adapter;
use auth_runtime::adapter::sql::{Dialect, Schema, SqlAdapter, SqlOptions, UserColumn};
use auth_runtime::axum::{AuthContext, AuthLayer, Redirected, RequireSession, SignInRedirect};
use auth_runtime::engine::SignOutOptions;
use auth_runtime::pages::escape;
use auth_runtime::prelude::*;
use axum::Json;
use axum::response::Html;
use axum::routing::{get, post};
use serde_json::Value;
use subtle::ConstantTimeEq;

/// The providers: the registry's GitHub, Google and Keycloak (offered when their `AUTH_<ID>_ID` is
/// set), a credentials form, email links and passkeys. `Claims` are the demo's typed fields.
#[auth(
    providers(github, google, keycloak, credentials, email, passkey),
    session = "jwt",
    adapter,
    experimental(enable_webauthn),
    extension = Claims
)]
pub struct Auth;

/// The demo's own fields of the session, declared once.
#[derive(AuthExtension, Debug, Clone)]
pub struct Claims {
    /// Taken from the user at sign-in (`authorize` gives the demo user `admin`; everyone else
    /// reads as `user`), exposed to the client as `session.user.role`.
    #[auth(user, session, default)]
    pub role: Role,
    /// The provider the session was signed in with: in the token only (`auth jwt decode` shows
    /// it), never in `GET /auth/session`.
    pub signed_in_with: Option<String>,
}

/// What a user may do in the demo.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Role {
    /// Everyone.
    #[default]
    User,
    /// The `demo` user.
    Admin,
}

/// The database when `DATABASE_URL` is not set.
const DEFAULT_DATABASE: &str = "sqlite://auth-demo.db";

/// Accepts `demo` / `demo`, with constant-time comparisons so the check does not leak how much
/// of a guess matched. Credentials sign-in writes nothing itself (as in Auth.js, the app's
/// `authorize` reads its own users): the user is the database's `demo@example.com` row.
async fn authorize_demo(
    adapter: &SqlAdapter,
    creds: serde_json::Map<String, Value>,
) -> Result<Option<User>, auth_runtime::adapter::AdapterError> {
    let field = |k: &str| {
        creds
            .get(k)
            .and_then(Value::as_str)
            .unwrap_or("")
            .to_owned()
    };
    let ok = bool::from(field("username").as_bytes().ct_eq(b"demo"))
        & bool::from(field("password").as_bytes().ct_eq(b"demo"));
    if !ok {
        return Ok(None);
    }
    let Some(mut user) = adapter.get_user_by_email(DEMO_EMAIL).await? else {
        return Ok(None);
    };
    user.extra
        .insert("role".into(), serde_json::json!(Role::Admin));
    Ok(Some(user))
}

/// The demo user's address.
const DEMO_EMAIL: &str = "demo@example.com";

/// Creates the demo user at start when the database does not have it yet, and makes it an
/// admin (also in a database from before the `role` column).
async fn ensure_demo_user(adapter: &SqlAdapter) -> Result<(), auth_runtime::adapter::AdapterError> {
    let admin = serde_json::json!(Role::Admin);
    match adapter.get_user_by_email(DEMO_EMAIL).await? {
        None => {
            let mut user = User::default().name("Demo User").email(DEMO_EMAIL);
            user.extra.insert("role".into(), admin);
            adapter.create_user(user).await?;
        }
        Some(user) if user.extra.get("role") != Some(&admin) => {
            let mut change = User {
                id: user.id,
                ..User::default()
            };
            change.extra.insert("role".into(), admin);
            adapter.update_user(change).await?;
        }
        Some(_) => {}
    }
    Ok(())
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
    RequireSession { session, .. }: RequireSession<SignInRedirect>,
) -> Html<String> {
    let base = auth.handler().base_path().unwrap_or_else(|| "/auth".into());
    let body = format!(
        "<p id=\"protected\">Only signed-in users see this page, {}.</p>",
        escape(session.user.name.as_deref().unwrap_or("friend"))
    );
    page("Protected page", Some(&session), &base, &body)
}

/// The session as JSON (`user.role` included); 401 JSON when signed out.
async fn api_me(session: AuthSession) -> Json<Session> {
    Json(session.into_session())
}

/// For admins only: `session.user.role` is a `Role`, read from the token with no fallible call.
/// Signed out: to the sign-in page and back; signed in without the role: 403.
async fn admin(
    auth: AuthContext,
    RequireSession { session, .. }: RequireSession<SignInRedirect, AuthSession>,
) -> Result<Html<String>, axum::http::StatusCode> {
    if session.user.role != Role::Admin {
        return Err(axum::http::StatusCode::FORBIDDEN);
    }
    let base = auth.handler().base_path().unwrap_or_else(|| "/auth".into());
    let body = format!(
        "<p id=\"admin\">Hello {}, you are an admin (signed in with {}).</p>",
        escape(session.user.name.as_deref().unwrap_or("admin")),
        escape(
            session
                .user
                .signed_in_with
                .as_deref()
                .unwrap_or("an unknown provider")
        ),
    );
    Ok(page("Admin", auth.session(), &base, &body))
}

/// What the engine sends to a custom sign-in page (see docs/custom-pages.md).
#[derive(serde::Deserialize)]
struct SignInQuery {
    #[serde(rename = "callbackUrl")]
    callback_url: Option<String>,
    error: Option<String>,
    code: Option<String>,
}

/// The demo's own sign-in page, built on `csrf_token()` (next-auth's `getCsrfToken()`): the same
/// forms as the built-in page, posted to the same engine routes. The engine sends signed-out
/// visitors here when `DEMO_SIGNIN_PAGE=custom`; it is always reachable at `/login`.
async fn custom_sign_in(
    auth: AuthContext,
    axum::extract::Query(query): axum::extract::Query<SignInQuery>,
) -> Result<impl axum::response::IntoResponse, AuthError> {
    let base = auth.handler().base_path().unwrap_or_else(|| "/auth".into());
    let csrf = auth.csrf_token().await?;
    let callback_url = escape(query.callback_url.as_deref().unwrap_or("/"));
    let token = escape(&csrf.value);
    let error = match query.error.as_deref() {
        Some("CredentialsSignin") => format!(
            "<p role=\"alert\" id=\"error\">Wrong username or password ({}).</p>",
            escape(query.code.as_deref().unwrap_or("credentials"))
        ),
        Some(other) => format!(
            "<p role=\"alert\" id=\"error\">Sign-in failed: {}.</p>",
            escape(other)
        ),
        None => String::new(),
    };
    let providers: String = auth
        .config()
        .providers
        .iter()
        .filter_map(|p| match p {
            Provider::OAuth(o) => Some(format!(
                "<form method=\"post\" action=\"{base}/signin/{id}\"><input type=\"hidden\" name=\"csrfToken\" value=\"{token}\">\
                 <input type=\"hidden\" name=\"callbackUrl\" value=\"{callback_url}\"><button type=\"submit\">Continue with {name}</button></form>",
                id = escape(&o.id),
                name = escape(&o.name),
            )),
            _ => None,
        })
        .collect();
    let body = format!(
        "{error}<form method=\"post\" action=\"{base}/callback/credentials\" id=\"custom-sign-in\">\
         <input type=\"hidden\" name=\"csrfToken\" value=\"{token}\"><input type=\"hidden\" name=\"callbackUrl\" value=\"{callback_url}\">\
         <p><label>Username <input name=\"username\" autocomplete=\"username\" required></label></p>\
         <p><label>Password <input name=\"password\" type=\"password\" autocomplete=\"current-password\" required></label></p>\
         <button type=\"submit\">Sign in</button></form>{providers}"
    );
    Ok((csrf, page("Sign in (custom page)", None, &base, &body)))
}

/// A server-side sign-out (next-auth's `signOut()` in a server action).
async fn sign_out(auth: AuthContext) -> Result<Redirected, AuthError> {
    auth.sign_out(SignOutOptions::redirect_to("/")).await
}

#[tokio::main]
async fn main() -> Result<std::process::ExitCode, Box<dyn std::error::Error>> {
    // `demo auth doctor`: the providers, the variables each reads and whether they are set, and
    // the callback URLs to register.
    if let Some(code) = auth_runtime::doctor::run_from_args(std::env::args()) {
        return Ok(code);
    }
    let database_url =
        std::env::var("DATABASE_URL").unwrap_or_else(|_| DEFAULT_DATABASE.to_owned());
    // The users table also holds the `#[auth(user)]` field of `Claims` (`role`), which a sign-in
    // copies from the stored user into the token.
    let schema = Dialect::from_url(&database_url)
        .map(Schema::default_for)
        .map(|schema| schema.with_user_column(UserColumn::text("role")));
    let options = SqlOptions {
        schema,
        ..SqlOptions::default()
    };
    let adapter = Arc::new(SqlAdapter::connect_with(&database_url, options).await?);
    let applied = adapter.migrate().await?;
    if !applied.is_empty() {
        eprintln!("demo: database migrated ({})", applied.join("; "));
    }
    ensure_demo_user(&adapter).await?;
    let users = adapter.clone();
    let sessions = adapter.clone();
    let mut config = Auth::builder()
        .adapter(adapter)
        .credentials_provider(|p| {
            p.field(CredentialField::new("username", "Username", "text"))
                .field(CredentialField::new("password", "Password", "password"))
        })
        .credentials(move |creds, _request| {
            let users = users.clone();
            async move { Ok(authorize_demo(&users, creds).await?) }
        })
        // Email links go to the SMTP server of AUTH_EMAIL_SERVER; without one, the demo prints
        // each link on its standard output, one line (a demo may; an app in production may not).
        .email(|p| {
            if std::env::var("AUTH_EMAIL_SERVER").is_ok_and(|v| !v.is_empty()) {
                p
            } else {
                p.sender(auth_runtime::providers::StdoutSender)
            }
        })
        // The provider a session was signed in with, kept in the token only.
        .jwt(|mut params| async move {
            if let Some(account) = &params.account {
                params.token.signed_in_with = Some(account.provider.clone());
            }
            Ok(Some(params.token))
        })
        // Offer an OAuth/OIDC provider only when its client id is configured.
        .offer_configured_only()
        .into_config();
    if std::env::var("DEMO_SESSION").is_ok_and(|v| v == "database") {
        config.session.strategy = Some(auth_runtime::config::SessionStrategy::Database);
        config.adapter = Some(auth_runtime::adapter::Adapters::full(sessions));
    }
    if std::env::var("DEMO_SIGNIN_PAGE").is_ok_and(|v| v == "custom") {
        config.pages.sign_in = Some("/login".into());
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
        .route("/admin", get(admin))
        .route("/sign-out", post(sign_out))
        .route("/login", get(custom_sign_in))
        .merge(auth_runtime::axum::router(&auth))
        .layer(AuthLayer::new(&auth).protect("/protected"));
    let listener = tokio::net::TcpListener::bind(("127.0.0.1", port)).await?;
    println!("demo: listening on http://127.0.0.1:{port} (sign in as demo / demo)");
    // The connection's address is what the sign-in rate limits count (on by default).
    let service = app.into_make_service_with_connect_info::<std::net::SocketAddr>();
    axum::serve(listener, service).await?;
    Ok(std::process::ExitCode::SUCCESS)
}
