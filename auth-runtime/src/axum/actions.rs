//! Server-side actions for handlers: next-auth's `signIn`, `signOut` and `unstable_update`.
//!
//! Each runs the engine's own endpoint internally, so a lazy configuration, the callbacks and
//! the events apply exactly as for a browser. The POSTs carry a fresh CSRF token with its cookie:
//! the handler calling them is the one that must be protected against cross-site requests
//! (accept them on POST routes only, or check the `Origin`).

use axum::extract::FromRequestParts;
use axum::response::{IntoResponse, IntoResponseParts, Redirect, Response, ResponseParts};
use bytes::Bytes;
use http::StatusCode;
use http::header::{self, HeaderValue};
use http::request::Parts;
use serde_json::{Value, json};

use super::extract::{layer_state, missing_layer};
use super::internal::{RequestAuth, request_cookies};
use crate::csrf::CsrfToken;
use crate::engine::AuthHandler;
use crate::providers::Provider;
use crate::types::Session;

/// The request's authentication: its session and the server-side actions. An extractor; needs
/// [`crate::axum::AuthLayer`] on the router.
///
/// ```
/// use auth_runtime::axum::AuthContext;
/// use axum::response::{IntoResponse, Response};
///
/// async fn sign_in_with_github(auth: AuthContext) -> Response {
///     auth.sign_in(Some("github"), Some("/dashboard")).await
/// }
/// async fn sign_out(auth: AuthContext) -> Response {
///     auth.sign_out(Some("/")).await
/// }
/// async fn rename(auth: AuthContext) -> Response {
///     auth.update_session(serde_json::json!({ "name": "New name" })).await.into_response()
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
    type Rejection = Response;

    async fn from_request_parts(parts: &mut Parts, _: &S) -> Result<Self, Self::Rejection> {
        let Some(auth) = layer_state(parts).cloned() else {
            return Err(missing_layer());
        };
        let mut head = http::Request::new(()).into_parts().0;
        head.method = parts.method.clone();
        head.uri = parts.uri.clone();
        head.version = parts.version;
        head.headers = parts.headers.clone();
        Ok(Self { auth, parts: head })
    }
}

/// The result of [`AuthContext::update_session`]: the new session and the `Set-Cookie`s that
/// store it. As a response it is the session JSON with the cookies; as response parts (in a
/// tuple before your own body) it adds just the cookies.
#[derive(Debug, Clone)]
pub struct SessionUpdate {
    /// The session after the update; `None` when the request was signed out or the update failed.
    pub session: Option<Session>,
    /// The `Set-Cookie` headers to send.
    pub set_cookies: Vec<HeaderValue>,
    status: StatusCode,
}

impl IntoResponseParts for SessionUpdate {
    type Error = std::convert::Infallible;

    fn into_response_parts(self, mut res: ResponseParts) -> Result<ResponseParts, Self::Error> {
        for cookie in self.set_cookies {
            res.headers_mut().append(header::SET_COOKIE, cookie);
        }
        Ok(res)
    }
}

impl IntoResponse for SessionUpdate {
    fn into_response(self) -> Response {
        let body = json!(self.session);
        let status = self.status;
        (status, self, axum::Json(body)).into_response()
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

    /// Where to go after an action: `redirect_to`, else the page the user came from, else `/`.
    fn target(&self, redirect_to: Option<&str>) -> String {
        redirect_to
            .map(str::to_owned)
            .or_else(|| {
                self.parts
                    .headers
                    .get(header::REFERER)
                    .and_then(|v| v.to_str().ok())
                    .map(str::to_owned)
            })
            .unwrap_or_else(|| "/".to_owned())
    }

    /// The request's cookies with a fresh CSRF cookie, and the token to post with it.
    fn with_fresh_csrf(&self) -> (Vec<(String, String)>, String) {
        let name = self.auth.cookies().csrf_token.name;
        let secrets: Vec<String> = self
            .auth
            .config
            .secret
            .iter()
            .map(|s| s.expose().to_owned())
            .collect();
        let token = CsrfToken::generate(&secrets);
        let mut cookies: Vec<(String, String)> = request_cookies(&self.parts.headers)
            .into_iter()
            .filter(|(n, _)| *n != name)
            .collect();
        cookies.push((name, token.cookie_value()));
        (cookies, token.token().to_owned())
    }

    async fn post(
        &self,
        action: &str,
        content_type: &'static str,
        body: Vec<u8>,
        cookies: Vec<(String, String)>,
    ) -> http::Response<Bytes> {
        self.auth
            .engine(
                &self.parts,
                http::Method::POST,
                action,
                Some(content_type),
                Bytes::from(body),
                Some(cookies),
            )
            .await
    }

    /// Starts a sign-in (next-auth's `signIn`). With an OAuth/OIDC provider id, it posts to the
    /// engine's `POST <base>/signin/<id>` and answers with the engine's redirect (to the
    /// provider) and cookies. Without a provider, or for a credentials provider, it redirects to
    /// the sign-in page. `redirect_to` is where the user lands afterwards; default: the page they
    /// came from (`Referer`), else `/`.
    pub async fn sign_in(&self, provider: Option<&str>, redirect_to: Option<&str>) -> Response {
        self.sign_in_with_params(provider, redirect_to, &[]).await
    }

    /// [`AuthContext::sign_in`] with extra authorization parameters for the provider
    /// (next-auth's third `signIn` argument), e.g. `[("prompt", "login"), ("login_hint", email)]`.
    /// Parameters that bind the flow to this client (`redirect_uri`, `client_id`, `state`, ...)
    /// are ignored.
    pub async fn sign_in_with_params(
        &self,
        provider: Option<&str>,
        redirect_to: Option<&str>,
        authorization_params: &[(&str, &str)],
    ) -> Response {
        let target = self.target(redirect_to);
        let oauth = provider.and_then(|id| {
            self.auth
                .config
                .providers
                .iter()
                .find(|p| p.id() == id)
                .filter(|p| matches!(p, Provider::OAuth(_)))
        });
        let Some(oauth) = oauth else {
            return Redirect::to(&self.auth.sign_in_url(&target)).into_response();
        };
        let (cookies, token) = self.with_fresh_csrf();
        let form = form_urlencoded::Serializer::new(String::new())
            .append_pair("csrfToken", &token)
            .append_pair("callbackUrl", &target)
            .finish();
        let query = form_urlencoded::Serializer::new(String::new())
            .extend_pairs(authorization_params.iter())
            .finish();
        let action = if query.is_empty() {
            format!("signin/{}", oauth.id())
        } else {
            format!("signin/{}?{query}", oauth.id())
        };
        let response = self
            .post(
                &action,
                "application/x-www-form-urlencoded",
                form.into_bytes(),
                cookies,
            )
            .await;
        redirect_of(response)
    }

    /// Signs the user out (next-auth's `signOut`): runs the engine's `POST <base>/signout` and
    /// answers with its redirect and the cookies that clear the session. `redirect_to` as for
    /// [`AuthContext::sign_in`].
    pub async fn sign_out(&self, redirect_to: Option<&str>) -> Response {
        let target = self.target(redirect_to);
        let (cookies, token) = self.with_fresh_csrf();
        let form = form_urlencoded::Serializer::new(String::new())
            .append_pair("csrfToken", &token)
            .append_pair("callbackUrl", &target)
            .finish();
        redirect_of(
            self.post(
                "signout",
                "application/x-www-form-urlencoded",
                form.into_bytes(),
                cookies,
            )
            .await,
        )
    }

    /// Updates the session (next-auth's `unstable_update`): runs the engine's `POST <base>/session`
    /// with `{"data": data}`, so the `jwt` callback sees `trigger: Update` (database sessions: the
    /// `session` callback sees `new_session`). Send the returned [`SessionUpdate`]'s cookies with
    /// the response.
    pub async fn update_session(&self, data: Value) -> SessionUpdate {
        let (cookies, token) = self.with_fresh_csrf();
        let body = json!({ "csrfToken": token, "data": data });
        let response = self
            .post(
                "session",
                "application/json",
                serde_json::to_vec(&body).unwrap_or_default(),
                cookies,
            )
            .await;
        let session = response
            .status()
            .is_success()
            .then(|| {
                serde_json::from_slice::<Option<Session>>(response.body())
                    .ok()
                    .flatten()
            })
            .flatten();
        SessionUpdate {
            set_cookies: self.auth.session_set_cookies(response.headers()),
            status: if response.status().is_success() {
                StatusCode::OK
            } else {
                response.status()
            },
            session,
        }
    }
}

/// An engine response as the redirect a browser should follow: status, `Location` and every
/// `Set-Cookie`, without the body.
fn redirect_of(engine: http::Response<Bytes>) -> Response {
    let mut response = Response::new(axum::body::Body::empty());
    *response.status_mut() = engine.status();
    for name in [header::LOCATION, header::SET_COOKIE, header::CACHE_CONTROL] {
        for value in engine.headers().get_all(&name) {
            response.headers_mut().append(name.clone(), value.clone());
        }
    }
    response
}
