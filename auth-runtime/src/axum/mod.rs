//! The axum integration: the routes, a layer, extractors and server-side actions.
//!
//! - [`router`] serves every Auth.js action under the base path (`/auth` by default).
//! - [`AuthLayer`] makes the [`AuthHandler`] available to extractors, runs the `authorized`
//!   callback on the routes it protects, and keeps sliding sessions alive by re-issuing the
//!   session cookie on every response (next-auth's middleware).
//! - [`Session`] and `Option<Session>` are extractors (next-auth's `auth()`); a missing session
//!   answers 401 JSON. [`RequireSession<SignInRedirect>`](RequireSession) sends pages to the
//!   sign-in page instead.
//! - [`AuthContext`] is the extractor for server-side actions: [`AuthContext::sign_in`],
//!   [`AuthContext::sign_out`] and [`AuthContext::update_session`] (next-auth's `signIn`,
//!   `signOut` and `unstable_update`).
//!
//! The extractors read what the layer put in the request extensions; this keeps them free of any
//! application state type (an app's `State` stays its own). A handler extracting a session on a
//! router without the layer answers 500 and logs why.
//!
//! ```
//! use auth_runtime::axum::{AuthContext, AuthLayer, Redirected, RequireSession, SignInRedirect};
//! use auth_runtime::prelude::*;
//! use axum::routing::{get, post};
//!
//! async fn home(session: Option<Session>) -> String {
//!     match session {
//!         Some(s) => format!("Hello {}", s.user.name.unwrap_or_default()),
//!         None => "Hello stranger".into(),
//!     }
//! }
//!
//! async fn api_me(session: Session) -> axum::Json<Session> {
//!     axum::Json(session) // 401 JSON when signed out
//! }
//!
//! async fn dashboard(RequireSession { session, .. }: RequireSession<SignInRedirect>) -> String {
//!     format!("Welcome back, {}", session.user.email.unwrap_or_default())
//! }
//!
//! async fn logout(auth: AuthContext) -> Result<Redirected, AuthError> {
//!     auth.sign_out(SignOutOptions::redirect_to("/")).await
//! }
//!
//! let handler = AuthHandler::new(AuthConfig::new().secret("s").trust_host(true)).unwrap();
//! let app: axum::Router = axum::Router::new()
//!     .route("/", get(home))
//!     .route("/api/me", get(api_me))
//!     .route("/dashboard", get(dashboard))
//!     .route("/logout", post(logout))
//!     .merge(auth_runtime::axum::router(&handler))
//!     .layer(AuthLayer::new(&handler).protect("/admin").protect_api("/api/admin"));
//! # let _ = app;
//! ```
//!
//! # Other frameworks
//!
//! The engine speaks the `http` crate's types, so any framework can serve Auth.js by handing the
//! requests under the base path to [`AuthHandler::handle`] and reading sessions with
//! [`AuthHandler::session`]:
//!
//! ```
//! use auth_runtime::config::AuthConfig;
//! use auth_runtime::engine::AuthHandler;
//! # tokio::runtime::Runtime::new().unwrap().block_on(async {
//! let handler = AuthHandler::new(AuthConfig::new().secret("s").trust_host(true)).unwrap();
//!
//! // In the framework's route for `/auth/*`: convert its request into `http::Request<Bytes>`
//! // (read the body fully; forms and JSON are small), and its answer back.
//! let request = http::Request::get("/auth/session")
//!     .header("host", "localhost:3000")
//!     .body(bytes::Bytes::new())
//!     .unwrap();
//! let response: http::Response<bytes::Bytes> = handler.handle(request).await;
//! assert_eq!(response.status(), 200);
//! assert_eq!(response.body().as_ref(), b"null"); // signed out
//!
//! // Anywhere else: the session of a request, from its headers (next-auth's `auth()`).
//! let (parts, _) = http::Request::get("/dashboard").header("host", "localhost:3000").body(()).unwrap().into_parts();
//! assert!(handler.session(&parts).await.is_none());
//! # });
//! ```

mod actions;
mod extract;
mod layer;

pub use actions::{AuthContext, Redirected, SessionUpdate};
pub use extract::{
    MissingSession, RequestAuthView, RequireSession, SessionRejection, SignInRedirect, Unauthorized,
};
pub use layer::{AuthLayer, AuthService, DenyResponse, RequireAuth, RequireAuthService};

use axum::Router;
use axum::body::Body;
use axum::extract::Request;
use axum::response::{IntoResponse, Response};
use axum::routing::any;

use crate::engine::AuthHandler;
pub use crate::types::Session;

/// The request's URI as the client sent it: inside a nested router axum strips the prefix from
/// `parts.uri` and keeps the original in an extension.
pub(crate) fn original_uri(parts: &http::request::Parts) -> &http::Uri {
    parts
        .extensions
        .get::<axum::extract::OriginalUri>()
        .map_or(&parts.uri, |original| &original.0)
}

/// Largest request body the routes read (forms and JSON are small).
pub const BODY_LIMIT: usize = 64 * 1024;

/// A router serving every Auth.js action under the handler's base path (`/auth` by default; for
/// a lazy configuration, `/auth`).
///
/// ```
/// use auth_runtime::config::AuthConfig;
/// use auth_runtime::engine::AuthHandler;
/// let handler = AuthHandler::new(AuthConfig::new().secret("s").trust_host(true)).unwrap();
/// let app: axum::Router = axum::Router::new()
///     .route("/", axum::routing::get(|| async { "home" }))
///     .merge(auth_runtime::axum::router(&handler));
/// # let _ = app;
/// ```
pub fn router<S: Clone + Send + Sync + 'static>(handler: &AuthHandler) -> Router<S> {
    let base = handler.base_path().unwrap_or_else(|| "/auth".into());
    let handler = handler.clone();
    let serve = move |request: Request| {
        let handler = handler.clone();
        async move { serve(&handler, request).await }
    };
    Router::new()
        .route(&format!("{base}/{{*rest}}"), any(serve.clone()))
        .route(&base, any(serve))
}

/// Runs one axum request through the engine.
pub async fn serve(handler: &AuthHandler, request: Request) -> Response {
    let (parts, body) = request.into_parts();
    let bytes = match axum::body::to_bytes(body, BODY_LIMIT).await {
        Ok(b) => b,
        Err(_) => {
            return (
                http::StatusCode::PAYLOAD_TOO_LARGE,
                "request body too large",
            )
                .into_response();
        }
    };
    let response = handler
        .handle(http::Request::from_parts(parts, bytes))
        .await;
    response.map(Body::from)
}
