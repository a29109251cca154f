//! Session extractors: [`Session`], `Option<Session>`, the typed [`TypedSession`] and
//! [`RequireSession`].

use std::marker::PhantomData;

use axum::extract::{FromRequestParts, OptionalFromRequestParts};
use axum::response::{IntoResponse, Redirect, Response};
use http::StatusCode;
use http::request::Parts;
use serde_json::json;

use crate::extension::{AuthExtension, FromSession, TypedSession};
pub use crate::integration::SessionRejection;
use crate::integration::{MISSING_MIDDLEWARE, RequestAuth, UNAUTHORIZED};
use crate::types::Session;

impl IntoResponse for SessionRejection {
    fn into_response(self) -> Response {
        match self {
            Self::Unauthorized => unauthorized_json(),
            Self::SignIn { location } => Redirect::to(&location).into_response(),
            Self::MissingLayer => (
                StatusCode::INTERNAL_SERVER_ERROR,
                axum::Json(json!({ "message": MISSING_MIDDLEWARE })),
            )
                .into_response(),
        }
    }
}

pub(crate) fn layer_state(parts: &Parts) -> Option<&RequestAuth> {
    parts.extensions.get::<RequestAuth>()
}

/// What a handler answers when it needs a session and the request has none. Implemented by the
/// marker types [`Unauthorized`] (for APIs) and [`SignInRedirect`] (for pages).
pub trait MissingSession {
    /// The rejection of a signed-out request.
    fn rejection(parts: &Parts, auth: &RequestAuthView<'_>) -> SessionRejection;
}

/// What [`MissingSession`] implementations may read about the request.
#[derive(Clone, Copy)]
pub struct RequestAuthView<'a>(pub(crate) &'a RequestAuth);

impl RequestAuthView<'_> {
    /// The sign-in page URL that comes back to `callback_url` afterwards.
    pub fn sign_in_url(&self, callback_url: &str) -> String {
        self.0.sign_in_url(callback_url)
    }

    /// The absolute URL of the request.
    pub fn request_url(&self, parts: &Parts) -> String {
        self.0.request_url(super::original_uri(parts))
    }
}

impl std::fmt::Debug for RequestAuthView<'_> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("RequestAuthView").finish_non_exhaustive()
    }
}

/// Signed out: `401 Unauthorized` with `{"message": …}`. What the [`Session`] extractor does.
#[derive(Debug, Clone, Copy, Default)]
pub struct Unauthorized;

impl MissingSession for Unauthorized {
    fn rejection(_: &Parts, _: &RequestAuthView<'_>) -> SessionRejection {
        SessionRejection::Unauthorized
    }
}

pub(crate) fn unauthorized_json() -> Response {
    (
        StatusCode::UNAUTHORIZED,
        axum::Json(json!({ "message": UNAUTHORIZED })),
    )
        .into_response()
}

/// Signed out: a redirect to the sign-in page, which comes back here afterwards
/// (`<base>/signin?callbackUrl=<this URL>`, or the custom sign-in page).
#[derive(Debug, Clone, Copy, Default)]
pub struct SignInRedirect;

impl MissingSession for SignInRedirect {
    fn rejection(parts: &Parts, auth: &RequestAuthView<'_>) -> SessionRejection {
        SessionRejection::SignIn {
            location: auth.sign_in_url(&auth.request_url(parts)),
        }
    }
}

/// The session of a signed-in request (next-auth's `auth()`); a signed-out request answers `401`
/// JSON. Use `Option<Session>` when both are fine, and [`RequireSession<SignInRedirect>`] on pages.
///
/// Needs [`crate::axum::AuthLayer`] on the router.
impl<S: Send + Sync> FromRequestParts<S> for Session {
    type Rejection = SessionRejection;

    async fn from_request_parts(parts: &mut Parts, _: &S) -> Result<Self, Self::Rejection> {
        required(parts)
    }
}

/// `Option<Session>`: `None` when signed out.
impl<S: Send + Sync> OptionalFromRequestParts<S> for Session {
    type Rejection = SessionRejection;

    async fn from_request_parts(parts: &mut Parts, _: &S) -> Result<Option<Self>, Self::Rejection> {
        optional(parts)
    }
}

/// The session with the app's typed fields (`session.user.role`); a signed-out request answers
/// `401` JSON, as does one whose typed fields do not read (see [`crate::extension`]).
/// `#[auth(extension = Claims)]` names it `AuthSession` (for `struct Auth`).
impl<S: Send + Sync, E: AuthExtension> FromRequestParts<S> for TypedSession<E> {
    type Rejection = SessionRejection;

    async fn from_request_parts(parts: &mut Parts, _: &S) -> Result<Self, Self::Rejection> {
        required(parts)
    }
}

/// `Option<TypedSession<E>>`: `None` when signed out.
impl<S: Send + Sync, E: AuthExtension> OptionalFromRequestParts<S> for TypedSession<E> {
    type Rejection = SessionRejection;

    async fn from_request_parts(parts: &mut Parts, _: &S) -> Result<Option<Self>, Self::Rejection> {
        optional(parts)
    }
}

fn required<V: FromSession>(parts: &Parts) -> Result<V, SessionRejection> {
    optional(parts)?.ok_or(SessionRejection::Unauthorized)
}

fn optional<V: FromSession>(parts: &Parts) -> Result<Option<V>, SessionRejection> {
    match layer_state(parts) {
        Some(auth) => Ok(auth.session_as()),
        None => Err(SessionRejection::missing_layer()),
    }
}

/// A session, or the response `R` when signed out: [`Unauthorized`] (401 JSON, the default) or
/// [`SignInRedirect`] (to the sign-in page and back). `V` is what the handler reads: the
/// [`Session`] (the default) or a [`TypedSession`] with the app's fields.
///
/// ```
/// use auth_runtime::axum::{RequireSession, SignInRedirect};
/// async fn dashboard(RequireSession { session, .. }: RequireSession<SignInRedirect>) -> String {
///     format!("Hello {}", session.user.name.unwrap_or_default())
/// }
/// let _: axum::routing::MethodRouter = axum::routing::get(dashboard);
/// ```
pub struct RequireSession<R = Unauthorized, V = Session> {
    /// The session.
    pub session: V,
    missing: PhantomData<R>,
}

impl<R, V> RequireSession<R, V> {
    /// The session.
    pub fn into_inner(self) -> V {
        self.session
    }
}

impl<R, V> std::ops::Deref for RequireSession<R, V> {
    type Target = V;
    fn deref(&self) -> &V {
        &self.session
    }
}

impl<R, V: std::fmt::Debug> std::fmt::Debug for RequireSession<R, V> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("RequireSession")
            .field("session", &self.session)
            .finish()
    }
}

impl<S: Send + Sync, R: MissingSession, V: FromSession> FromRequestParts<S>
    for RequireSession<R, V>
{
    type Rejection = SessionRejection;

    async fn from_request_parts(parts: &mut Parts, _: &S) -> Result<Self, Self::Rejection> {
        let Some(auth) = layer_state(parts) else {
            return Err(SessionRejection::missing_layer());
        };
        match auth.session_as() {
            Some(session) => Ok(Self {
                session,
                missing: PhantomData,
            }),
            None => Err(R::rejection(parts, &RequestAuthView(auth))),
        }
    }
}
