//! The actix-web 4 integration (feature `actix`), with the same capabilities as the axum one:
//!
//! - [`scope`] serves every Auth.js action under the base path (`/auth` by default).
//! - [`AuthMiddleware`] reads the session once per request for the extractors, runs the
//!   `authorized` callback on the paths it protects, and re-issues the session cookie on every
//!   response so sliding sessions stay alive (next-auth's middleware).
//! - [`Session`] is an extractor (next-auth's `auth()`); a signed-out request answers `401` JSON.
//!   `Option<Session>` is `None` when signed out.
//! - [`AuthContext`] is the extractor for server-side actions: [`AuthContext::sign_in`],
//!   [`AuthContext::sign_out`], [`AuthContext::update_session`] and
//!   [`AuthContext::csrf_token`].
//!
//! Both integrations call the engine in process (`engine::server`); nothing here
//! re-implements a rule of the engine.
//!
//! ```no_run
//! use auth_runtime::actix::{AuthContext, AuthMiddleware, Redirected};
//! use auth_runtime::prelude::{AuthConfig, AuthError, AuthHandler, Session, SignOutOptions};
//! use actix_web::{App, HttpServer, web};
//!
//! async fn me(session: Session) -> web::Json<Session> {
//!     web::Json(session) // 401 JSON when signed out
//! }
//!
//! async fn logout(auth: AuthContext) -> Result<Redirected, AuthError> {
//!     auth.sign_out(SignOutOptions::redirect_to("/")).await
//! }
//!
//! # async fn run() -> std::io::Result<()> {
//! let handler = AuthHandler::new(AuthConfig::new().secret("s").trust_host(true)).unwrap();
//! HttpServer::new(move || {
//!     App::new()
//!         .route("/api/me", web::get().to(me))
//!         .route("/logout", web::post().to(logout))
//!         .service(auth_runtime::actix::scope(&handler))
//!         .wrap(AuthMiddleware::new(&handler).protect("/admin"))
//! })
//! .bind(("127.0.0.1", 3000))?
//! .run()
//! .await
//! # }
//! ```

mod middleware;

use std::future::{Ready, ready};

use actix_web::body::BoxBody;
use actix_web::dev::Payload;
use actix_web::http::StatusCode;
use actix_web::http::header::{self, HeaderValue};
use actix_web::{
    FromRequest, HttpMessage, HttpRequest, HttpResponse, Responder, ResponseError, web,
};
use bytes::Bytes;
use serde_json::{Value, json};

pub use middleware::{AuthMiddleware, AuthMiddlewareService};

use crate::engine::{AuthHandler, Outcome, SignInOptions, SignOutOptions};
use crate::error::AuthError;
pub use crate::integration::{DenyResponse, SessionRejection};
use crate::integration::{MISSING_MIDDLEWARE, RequestAuth, UNAUTHORIZED, error_answer};
pub use crate::types::Session;

/// Largest request body the routes read (forms and JSON are small).
pub const BODY_LIMIT: usize = 64 * 1024;

/// A scope serving every Auth.js action under the handler's base path (`/auth` by default; for a
/// lazy configuration, `/auth`). Register it with `App::service`.
pub fn scope(handler: &AuthHandler) -> actix_web::Scope {
    let base = handler.base_path().unwrap_or_else(|| "/auth".into());
    web::scope(&base)
        .app_data(web::Data::new(handler.clone()))
        .app_data(web::PayloadConfig::new(BODY_LIMIT))
        .default_service(web::to(serve))
}

/// Runs one actix-web request through the engine.
async fn serve(request: HttpRequest, body: Bytes, handler: web::Data<AuthHandler>) -> HttpResponse {
    let Some(parts) = parts_of(&request) else {
        return HttpResponse::BadRequest().json("Bad request.");
    };
    let response = handler.handle(http::Request::from_parts(parts, body)).await;
    response_of(response)
}

/// The request head in the `http` crate's types (actix-web 4 has its own).
pub(crate) fn parts_of(request: &HttpRequest) -> Option<http::request::Parts> {
    let mut builder = http::Request::builder()
        .method(request.method().as_str())
        .uri(request.uri().to_string());
    for (name, value) in request.headers() {
        builder = builder.header(name.as_str(), value.as_bytes());
    }
    let mut parts = builder.body(()).ok().map(|r| r.into_parts().0)?;
    if let Some(peer) = request.peer_addr() {
        parts
            .extensions
            .insert(crate::rate_limit::ClientAddr(peer.ip()));
    }
    Some(parts)
}

/// An engine response as an actix-web response.
fn response_of(response: http::Response<Bytes>) -> HttpResponse {
    let (parts, body) = response.into_parts();
    let status =
        StatusCode::from_u16(parts.status.as_u16()).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR);
    let mut out = HttpResponse::build(status);
    for (name, value) in &parts.headers {
        out.append_header((name.as_str(), value.as_bytes()));
    }
    out.body(body)
}

/// Appends the `Set-Cookie` headers of an [`Outcome`] (e.g. of [`AuthContext::csrf_token`]) to
/// a response's headers.
pub fn append_set_cookies<T>(
    headers: &mut actix_web::http::header::HeaderMap,
    outcome: &Outcome<T>,
) {
    append_cookies(headers, &outcome.cookies);
}

/// Appends `Set-Cookie` headers for `cookies`.
pub(crate) fn append_cookies(
    headers: &mut actix_web::http::header::HeaderMap,
    cookies: &[crate::cookies::SetCookie],
) {
    for cookie in cookies {
        if let Ok(value) = HeaderValue::from_str(&cookie.to_header_value()) {
            headers.append(header::SET_COOKIE, value);
        }
    }
    let current = headers
        .get(header::CACHE_CONTROL)
        .map(HeaderValue::as_bytes);
    if !cookies.is_empty()
        && let Some(private) = crate::integration::private_cache_control(current)
        && let Ok(value) = HeaderValue::from_str(&private)
    {
        headers.insert(header::CACHE_CONTROL, value);
    }
}

fn json_response(status: StatusCode, body: Value) -> HttpResponse {
    HttpResponse::build(status).json(body)
}

impl ResponseError for SessionRejection {
    fn status_code(&self) -> StatusCode {
        match self {
            Self::Unauthorized => StatusCode::UNAUTHORIZED,
            Self::SignIn { .. } => StatusCode::SEE_OTHER,
            Self::MissingLayer => StatusCode::INTERNAL_SERVER_ERROR,
        }
    }

    fn error_response(&self) -> HttpResponse<BoxBody> {
        match self {
            Self::Unauthorized => {
                json_response(StatusCode::UNAUTHORIZED, json!({ "message": UNAUTHORIZED }))
            }
            Self::SignIn { location } => HttpResponse::SeeOther()
                .insert_header((header::LOCATION, location.as_str()))
                .finish(),
            Self::MissingLayer => json_response(
                StatusCode::INTERNAL_SERVER_ERROR,
                json!({ "message": MISSING_MIDDLEWARE }),
            ),
        }
    }
}

/// An engine error as an answer to a handler that called a server-side action, as in the axum
/// integration: JSON `{"error": ...}` with `401`, `403`, `400` or `500`.
impl ResponseError for AuthError {
    fn status_code(&self) -> StatusCode {
        StatusCode::from_u16(error_answer(self).0).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR)
    }

    fn error_response(&self) -> HttpResponse<BoxBody> {
        let (status, body) = error_answer(self);
        json_response(
            StatusCode::from_u16(status).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR),
            body,
        )
    }
}

fn request_auth(request: &HttpRequest) -> Result<RequestAuth, SessionRejection> {
    request
        .extensions()
        .get::<RequestAuth>()
        .cloned()
        .ok_or_else(SessionRejection::missing_layer)
}

/// The session of a signed-in request (next-auth's `auth()`); a signed-out request answers `401`
/// JSON. `Option<Session>` is `None` when signed out. Needs [`AuthMiddleware`].
impl FromRequest for Session {
    type Error = SessionRejection;
    type Future = Ready<Result<Self, SessionRejection>>;

    fn from_request(request: &HttpRequest, _: &mut Payload) -> Self::Future {
        ready(
            request_auth(request)
                .and_then(|auth| auth.session.ok_or(SessionRejection::Unauthorized)),
        )
    }
}

/// The session with the app's typed fields (`session.user.role`); a signed-out request answers
/// `401` JSON, as does one whose typed fields do not read. `Option<TypedSession<E>>` is `None`
/// then. Needs [`AuthMiddleware`].
impl<E: crate::extension::AuthExtension> FromRequest for crate::extension::TypedSession<E> {
    type Error = SessionRejection;
    type Future = Ready<Result<Self, SessionRejection>>;

    fn from_request(request: &HttpRequest, _: &mut Payload) -> Self::Future {
        ready(request_auth(request).and_then(|auth| {
            auth.session_as::<Self>()
                .ok_or(SessionRejection::Unauthorized)
        }))
    }
}

/// The request's authentication: its session and the server-side actions. An extractor; needs
/// [`AuthMiddleware`].
#[derive(Clone)]
pub struct AuthContext {
    auth: RequestAuth,
    parts: http::request::Parts,
}

impl std::fmt::Debug for AuthContext {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("AuthContext")
            .field("session", &self.auth.session)
            .finish_non_exhaustive()
    }
}

impl FromRequest for AuthContext {
    type Error = SessionRejection;
    type Future = Ready<Result<Self, SessionRejection>>;

    fn from_request(request: &HttpRequest, _: &mut Payload) -> Self::Future {
        ready(request_auth(request).and_then(|auth| {
            let parts = parts_of(request).ok_or(SessionRejection::Unauthorized)?;
            Ok(Self { auth, parts })
        }))
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

    /// Starts a sign-in (next-auth's `signIn`). See [`AuthHandler::sign_in`].
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
    /// `getCsrfToken()`). See [`AuthHandler::csrf_token`].
    pub async fn csrf_token(&self) -> Result<Outcome<String>, AuthError> {
        self.auth.csrf_token(&self.parts).await
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

impl Responder for Redirected {
    type Body = BoxBody;

    fn respond_to(self, _: &HttpRequest) -> HttpResponse {
        let mut response = HttpResponse::Found()
            .insert_header((header::LOCATION, self.0.value.as_str()))
            .finish();
        append_cookies(response.headers_mut(), &self.0.cookies);
        response
    }
}

/// The result of [`AuthContext::update_session`]: the new session and the cookies that store it.
/// As a response it is the session JSON with the cookies.
#[derive(Debug, Clone, PartialEq)]
pub struct SessionUpdate(pub Outcome<Option<Session>>);

impl SessionUpdate {
    /// The session after the update; `None` when the request was signed out.
    pub fn session(&self) -> Option<&Session> {
        self.0.value.as_ref()
    }
}

impl Responder for SessionUpdate {
    type Body = BoxBody;

    fn respond_to(self, _: &HttpRequest) -> HttpResponse {
        let mut response = HttpResponse::Ok().json(&self.0.value);
        append_cookies(response.headers_mut(), &self.0.cookies);
        response
    }
}
