//! The Rust peer: axum-login 0.18 over tower-sessions 0.14's `MemoryStore`.
//! `POST /login` logs in a fixed user; `GET /api/me` (behind `login_required!`) returns it as
//! `{"user":{"name","email"},"expires"}`, serialised per request.
//!
//!   PORT=37414 axum-login-peer

use std::convert::Infallible;

use axum::{
    Json, Router,
    http::StatusCode,
    routing::{get, post},
};
use axum_login::{AuthManagerLayerBuilder, AuthUser, AuthnBackend, UserId, login_required};
use serde::Serialize;
use tower_sessions::{MemoryStore, SessionManagerLayer};

const EXPIRES: &str = "2026-12-28T04:32:09.330Z";

#[derive(Debug, Clone, Serialize)]
struct User {
    #[serde(skip)]
    id: i64,
    name: String,
    email: String,
}

impl User {
    fn demo() -> Self {
        Self {
            id: 1,
            name: "Demo User".into(),
            email: "demo@example.com".into(),
        }
    }
}

impl AuthUser for User {
    type Id = i64;

    fn id(&self) -> i64 {
        self.id
    }

    fn session_auth_hash(&self) -> &[u8] {
        self.email.as_bytes()
    }
}

/// One user, held in memory: no database, no password hashing.
#[derive(Debug, Clone)]
struct Backend {
    user: User,
}

impl AuthnBackend for Backend {
    type User = User;
    type Credentials = ();
    type Error = Infallible;

    async fn authenticate(&self, (): ()) -> Result<Option<User>, Infallible> {
        Ok(Some(self.user.clone()))
    }

    async fn get_user(&self, id: &UserId<Self>) -> Result<Option<User>, Infallible> {
        Ok((*id == self.user.id).then(|| self.user.clone()))
    }
}

type AuthSession = axum_login::AuthSession<Backend>;

#[derive(Serialize)]
struct Me {
    user: User,
    expires: &'static str,
}

async fn login(mut auth_session: AuthSession) -> StatusCode {
    match auth_session.login(&User::demo()).await {
        Ok(()) => StatusCode::NO_CONTENT,
        Err(_) => StatusCode::INTERNAL_SERVER_ERROR,
    }
}

async fn me(auth_session: AuthSession) -> Result<Json<Me>, StatusCode> {
    let user = auth_session.user.ok_or(StatusCode::UNAUTHORIZED)?;
    Ok(Json(Me {
        user,
        expires: EXPIRES,
    }))
}

#[tokio::main]
async fn main() -> std::io::Result<()> {
    let port: u16 = std::env::var("PORT")
        .ok()
        .and_then(|p| p.parse().ok())
        .unwrap_or(3002);
    // Plain HTTP on loopback: the session cookie must not be `Secure`.
    let sessions = SessionManagerLayer::new(MemoryStore::default()).with_secure(false);
    let auth = AuthManagerLayerBuilder::new(Backend { user: User::demo() }, sessions).build();
    let app = Router::new()
        .route("/api/me", get(me))
        .route_layer(login_required!(Backend))
        .route("/login", post(login))
        .layer(auth);
    let listener = tokio::net::TcpListener::bind(("127.0.0.1", port)).await?;
    println!("axum-login-peer: listening on http://127.0.0.1:{port}");
    axum::serve(listener, app).await
}
