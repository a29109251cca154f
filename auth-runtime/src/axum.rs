//! The axum integration: the routes, mounted under the base path.
//!
//! ```
//! use auth_runtime::config::AuthConfig;
//! use auth_runtime::engine::AuthHandler;
//! let handler = AuthHandler::new(AuthConfig::new().secret("s").trust_host(true)).unwrap();
//! let app: axum::Router = axum::Router::new()
//!     .route("/", axum::routing::get(|| async { "home" }))
//!     .merge(auth_runtime::axum::router(&handler));
//! # let _ = app;
//! ```

use axum::body::Body;
use axum::extract::Request;
use axum::response::{IntoResponse, Response};
use axum::routing::any;
use axum::Router;

use crate::engine::AuthHandler;

/// Largest request body the routes read (forms and JSON are small).
pub const BODY_LIMIT: usize = 64 * 1024;

/// A router serving every Auth.js action under the handler's base path (`/auth` by default; for
/// a lazy configuration, `/auth`).
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
            return (http::StatusCode::PAYLOAD_TOO_LARGE, "request body too large").into_response();
        }
    };
    let response = handler.handle(http::Request::from_parts(parts, bytes)).await;
    response.map(Body::from)
}
