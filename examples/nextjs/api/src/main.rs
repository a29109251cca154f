//! The Rust API behind `examples/nextjs`: a Next.js app signs users in with next-auth, and this
//! axum service knows who calls it from the same session cookie. Nothing is shared but
//! `AUTH_SECRET` and the cookie: the token format and cookie names are Auth.js's.
//!
//! - `GET /api/me`: the signed-in user, with the `role` the Next.js app's `jwt` callback put in
//!   the token (a typed extension field here), or 401.
//! - `POST /api/signout`: ends the session (clears the cookie), as next-auth's `signOut` does.
//!
//! Environment: `AUTH_SECRET` (the Next.js app's), `PORT` (3301), `AUTH_URL` (the address the
//! browser sees, the Next.js app's `/api/auth`: the Next.js app forwards `/api/rust/*` here).

use auth_runtime::axum::{AuthContext, AuthLayer, Redirected, RequireSession};
use auth_runtime::callbacks::{Callbacks, SessionParams};
use auth_runtime::config::AuthConfig;
use auth_runtime::engine::SignOutOptions;
use auth_runtime::prelude::*;
use axum::Json;
use axum::routing::{get, post};
use serde_json::{Value, json};

/// What the Next.js app adds to the token (its `jwt` callback), read typed.
#[derive(AuthExtension, Debug, Clone, PartialEq)]
struct Claims {
    role: String,
}

/// The session as next-auth's `session` callback in the Next.js app shapes it: `role` under
/// `session.user`.
async fn with_role(params: SessionParams) -> Result<Session, auth_runtime::callbacks::BoxError> {
    let mut session = params.session;
    if let Some(claims) = params.token.as_ref().and_then(|t| Claims::from_jwt(t).ok()) {
        session.user.extra.insert("role".into(), claims.role.into());
    }
    Ok(session)
}

async fn me(RequireSession { session, .. }: RequireSession) -> Json<Value> {
    Json(json!({
        "name": session.user.name,
        "email": session.user.email,
        "role": session.user.extra.get("role"),
        "source": "rust",
    }))
}

async fn sign_out(auth: AuthContext) -> Result<Redirected, AuthError> {
    auth.sign_out(SignOutOptions::redirect_to("/")).await
}

#[tokio::main]
async fn main() {
    let Ok(secret) = std::env::var("AUTH_SECRET") else {
        eprintln!("nextjs-api: set AUTH_SECRET to the Next.js app's secret");
        std::process::exit(1);
    };
    let port: u16 = std::env::var("PORT")
        .ok()
        .and_then(|p| p.parse().ok())
        .unwrap_or(3301);
    let mut config = AuthConfig::new()
        .secret(secret)
        .base_path("/api/auth")
        .callbacks(Callbacks::default().session(with_role));
    config.apply_env(&|key| std::env::var(key).ok());
    if config.url.is_none() {
        config = config.trust_host(true);
    }
    let auth = match AuthHandler::new(config) {
        Ok(auth) => auth,
        Err(err) => {
            eprintln!("nextjs-api: {err}");
            std::process::exit(1);
        }
    };
    let app = axum::Router::new()
        .route("/api/me", get(me))
        .route("/api/signout", post(sign_out))
        .layer(AuthLayer::new(&auth));
    let listener = match tokio::net::TcpListener::bind(("127.0.0.1", port)).await {
        Ok(listener) => listener,
        Err(err) => {
            eprintln!("nextjs-api: cannot listen on 127.0.0.1:{port}: {err}");
            std::process::exit(1);
        }
    };
    println!("nextjs-api: listening on http://127.0.0.1:{port}");
    if let Err(err) = axum::serve(listener, app).await {
        eprintln!("nextjs-api: {err}");
        std::process::exit(1);
    }
}
