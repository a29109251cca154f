//! Server-side actions for handlers: next-auth's `signIn`, `signOut`, `unstable_update` and
//! `getCsrfToken`, through the engine's in-process API ([`crate::engine::server`]).
//!
//! No CSRF token is involved. As for Next.js server actions, a `POST` (or other unsafe method)
//! that a browser marks as cross-site (`Sec-Fetch-Site`, else `Origin`) is refused with `403`
//! (`MissingCSRF`); call the actions from `POST` routes.

use axum::extract::FromRequestParts;
use axum::response::{IntoResponse, IntoResponseParts, Response, ResponseParts};
use http::StatusCode;
use http::header::{self, HeaderValue};
use http::request::Parts;
use serde_json::{Value, json};

use super::extract::{SessionRejection, layer_state};
use crate::engine::{AuthHandler, Outcome, SignInOptions, SignOutOptions};
use crate::error::AuthError;
use crate::integration::{RequestAuth, error_answer};
use crate::types::Session;

/// The request's authentication: its session and the server-side actions. An extractor; needs
/// [`crate::axum::AuthLayer`] on the router.
///
/// ```
/// use auth_runtime::axum::{AuthContext, Redirected, SessionUpdate};
/// use auth_runtime::engine::{SignInOptions, SignOutOptions};
/// use auth_runtime::error::AuthError;
///
/// async fn sign_in_with_github(auth: AuthContext) -> Result<Redirected, AuthError> {
///     auth.sign_in(SignInOptions::provider("github").redirect_to("/dashboard")).await
/// }
/// async fn sign_out(auth: AuthContext) -> Result<Redirected, AuthError> {
///     auth.sign_out(SignOutOptions::redirect_to("/")).await
/// }
/// async fn rename(auth: AuthContext) -> Result<SessionUpdate, AuthError> {
///     auth.update_session(serde_json::json!({ "name": "New name" })).await
/// }
/// let app: axum::Router = axum::Router::new()
///     .route("/login", axum::routing::post(sign_in_with_github))
///     .route("/logout", axum::routing::post(sign_out))
///     .route("/rename", axum::routing::post(rename));
/// # let _ = app;
/// ```
#[derive(Clone)]
pub struct AuthContext {
    auth: RequestAuth,
    parts: Parts,
}

impl std::fmt::Debug for AuthContext {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("AuthContext")
            .field("session", &self.auth.session)
            .finish_non_exhaustive()
    }
}

impl<S: Send + Sync> FromRequestParts<S> for AuthContext {
    type Rejection = SessionRejection;

    async fn from_request_parts(parts: &mut Parts, _: &S) -> Result<Self, Self::Rejection> {
        let Some(auth) = layer_state(parts).cloned() else {
            return Err(SessionRejection::missing_layer());
        };
        let mut head = http::Request::new(()).into_parts().0;
        head.method = parts.method.clone();
        head.uri = parts.uri.clone();
        head.version = parts.version;
        head.headers = parts.headers.clone();
        Ok(Self { auth, parts: head })
    }
}

/// Where to send the browser after a server-side sign-in or sign-out, with the cookies that must
/// go with it. As a response: `302 Found` with `Location` and the `Set-Cookie`s.
#[derive(Debug, Clone, PartialEq)]
pub struct Redirected(pub Outcome<String>);

impl Redirected {
    /// The URL to send the browser to.
    pub fn location(&self) -> &str {
        &self.0.value
    }
}

impl IntoResponse for Redirected {
    fn into_response(self) -> Response {
        let mut response = StatusCode::FOUND.into_response();
        if let Ok(location) = HeaderValue::from_str(&self.0.value) {
            response.headers_mut().insert(header::LOCATION, location);
        }
        self.0.write_cookies(response.headers_mut());
        response
    }
}

/// The result of [`AuthContext::update_session`]: the new session and the cookies that store it.
/// As a response it is the session JSON with the cookies; as response parts (in a tuple before
/// your own body) it adds just the cookies.
#[derive(Debug, Clone, PartialEq)]
pub struct SessionUpdate(pub Outcome<Option<Session>>);

impl SessionUpdate {
    /// The session after the update; `None` when the request was signed out.
    pub fn session(&self) -> Option<&Session> {
        self.0.value.as_ref()
    }
}

impl IntoResponseParts for SessionUpdate {
    type Error = std::convert::Infallible;

    fn into_response_parts(self, mut res: ResponseParts) -> Result<ResponseParts, Self::Error> {
        self.0.write_cookies(res.headers_mut());
        Ok(res)
    }
}

impl IntoResponse for SessionUpdate {
    fn into_response(self) -> Response {
        let body = json!(self.0.value);
        (self, axum::Json(body)).into_response()
    }
}

/// An outcome's cookies as response parts: `(outcome, body)` sends the body with the cookies.
impl<T> IntoResponseParts for Outcome<T> {
    type Error = std::convert::Infallible;

    fn into_response_parts(self, mut res: ResponseParts) -> Result<ResponseParts, Self::Error> {
        self.write_cookies(res.headers_mut());
        Ok(res)
    }
}

/// An engine error as an answer to a handler that called a server-side action: JSON
/// `{"error": <type a client may see>}` (`Configuration` for server-side problems, which are
/// logged), with `401` for a refused sign-in, `403` for a denied one, `400` for a bad request and
/// `500` otherwise.
impl IntoResponse for AuthError {
    fn into_response(self) -> Response {
        let (status, body) = error_answer(&self);
        let status = StatusCode::from_u16(status).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR);
        (status, axum::Json(body)).into_response()
    }
}

impl AuthContext {
    /// The session, if signed in.
    pub fn session(&self) -> Option<&Session> {
        self.auth.session.as_ref()
    }

    /// The handler serving this request.
    pub fn handler(&self) -> &AuthHandler {
        &self.auth.handler
    }

    /// The configuration in force for this request (for a custom page: the providers to offer,
    /// the base path).
    pub fn config(&self) -> &crate::config::AuthConfig {
        &self.auth.config
    }

    /// Starts a sign-in (next-auth's `signIn`): to the provider for OAuth/OIDC, straight to the
    /// landing page with a session for credentials, or to the sign-in page without a provider.
    /// See [`AuthHandler::sign_in`].
    pub async fn sign_in(&self, options: SignInOptions) -> Result<Redirected, AuthError> {
        self.auth
            .sign_in(&self.parts, options)
            .await
            .map(Redirected)
    }

    /// Signs the user out (next-auth's `signOut`). See [`AuthHandler::sign_out`].
    pub async fn sign_out(&self, options: SignOutOptions) -> Result<Redirected, AuthError> {
        self.auth
            .sign_out(&self.parts, options)
            .await
            .map(Redirected)
    }

    /// Updates the session (next-auth's `unstable_update`). See [`AuthHandler::update_session`].
    pub async fn update_session(&self, data: Value) -> Result<SessionUpdate, AuthError> {
        self.auth
            .update_session(&self.parts, data)
            .await
            .map(SessionUpdate)
    }

    /// A CSRF token for this visitor and the cookie to set with it (next-auth's
    /// `getCsrfToken()`), for an app's own sign-in or sign-out form. See
    /// [`AuthHandler::csrf_token`].
    pub async fn csrf_token(&self) -> Result<Outcome<String>, AuthError> {
        self.auth.csrf_token(&self.parts).await
    }
}
