//! [`AuthLayer`]: next-auth's middleware as a tower layer, and [`RequireAuth`], a guard for
//! `Router::route_layer`.

use std::sync::Arc;
use std::task::{Context, Poll};

use axum::extract::Request;
use axum::response::{IntoResponse, Redirect, Response};
use http::StatusCode;
use http::header::{self, HeaderValue};
use http::request::Parts;
use serde_json::json;
use tower::{Layer, Service};

use super::extract::{SessionRejection, unauthorized_json};
use super::original_uri;
use crate::callbacks::BoxFuture;
use crate::cookies::SetCookie;
use crate::engine::AuthHandler;
pub use crate::integration::DenyResponse;
use crate::integration::{
    AUTHORIZATION_FAILED, Denial, FORBIDDEN, Matcher, RequestAuth, Rules, private_cache_control,
    request_head,
};

#[derive(Clone)]
struct Shared {
    handler: AuthHandler,
    rules: Rules,
}

/// The authentication layer: makes the session available to the extractors, protects routes with
/// the `authorized` callback, and re-issues the session cookie on every response so sliding
/// sessions stay alive. Requests under the base path go straight to the engine.
///
/// Protection rules are checked in the order they were added; the first that matches a request
/// runs the `authorized` callback (default: allow when signed in) and decides how a signed-out
/// denial answers. A signed-in denial is `403`; [`AuthorizedDecision::Redirect`](crate::callbacks::AuthorizedDecision::Redirect) redirects.
///
/// ```
/// use auth_runtime::axum::{AuthLayer, DenyResponse};
/// use auth_runtime::config::AuthConfig;
/// use auth_runtime::engine::AuthHandler;
/// let handler = AuthHandler::new(AuthConfig::new().secret("s").trust_host(true)).unwrap();
/// let layer = AuthLayer::new(&handler)
///     .protect("/dashboard")                 // signed out: to the sign-in page and back
///     .protect_api("/api/private")           // signed out: 401 JSON
///     .protect_if(|parts| parts.method == http::Method::DELETE, DenyResponse::Unauthorized);
/// let app: axum::Router = axum::Router::new()
///     .merge(auth_runtime::axum::router(&handler))
///     .layer(layer);
/// # let _ = app;
/// ```
#[derive(Clone)]
pub struct AuthLayer {
    shared: Arc<Shared>,
}

impl std::fmt::Debug for AuthLayer {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("AuthLayer")
            .field("rules", &self.shared.rules.len())
            .finish_non_exhaustive()
    }
}

impl AuthLayer {
    /// A layer for a handler, protecting nothing yet.
    pub fn new(handler: &AuthHandler) -> Self {
        Self {
            shared: Arc::new(Shared {
                handler: handler.clone(),
                rules: Rules::default(),
            }),
        }
    }

    fn rule(mut self, matcher: Matcher, deny: DenyResponse) -> Self {
        Arc::make_mut(&mut self.shared).rules.push(matcher, deny);
        self
    }

    /// Runs the `authorized` callback on `prefix` and the paths below it; a signed-out request
    /// that is denied is redirected to the sign-in page.
    ///
    /// The request's path is compared in canonical form, as the most liberal handler would read
    /// it: percent-escapes decoded (`%2F` included), doubled slashes collapsed, `.` and `..`
    /// resolved, letters compared case-insensitively. So `/%61dmin`, `//admin` and
    /// `/x/../admin` are all covered by `protect("/admin")`.
    ///
    /// Inside `Router::nest` the prefix may be written relative to the nested router or with
    /// the full path: both are compared.
    pub fn protect(self, prefix: impl Into<String>) -> Self {
        self.rule(
            Matcher::prefix(&prefix.into()),
            DenyResponse::SignInRedirect,
        )
    }

    /// Like [`AuthLayer::protect`], but a denied signed-out request gets 401 JSON.
    pub fn protect_api(self, prefix: impl Into<String>) -> Self {
        self.rule(Matcher::prefix(&prefix.into()), DenyResponse::Unauthorized)
    }

    /// Runs the `authorized` callback on the requests `predicate` selects. The predicate sees the
    /// request as it came, raw path included: to protect paths, prefer [`Self::protect`], which
    /// compares every spelling of a path.
    pub fn protect_if<F>(self, predicate: F, deny: DenyResponse) -> Self
    where
        F: Fn(&Parts) -> bool + Send + Sync + 'static,
    {
        self.rule(Matcher::predicate(predicate), deny)
    }
}

impl<S> Layer<S> for AuthLayer {
    type Service = AuthService<S>;

    fn layer(&self, inner: S) -> Self::Service {
        AuthService {
            inner,
            shared: self.shared.clone(),
        }
    }
}

/// The service [`AuthLayer`] wraps around a router or handler.
#[derive(Clone)]
pub struct AuthService<S> {
    inner: S,
    shared: Arc<Shared>,
}

impl<S> std::fmt::Debug for AuthService<S> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("AuthService").finish_non_exhaustive()
    }
}

impl<S> Service<Request> for AuthService<S>
where
    S: Service<Request, Response = Response> + Clone + Send + 'static,
    S::Future: Send + 'static,
{
    type Response = Response;
    type Error = S::Error;
    type Future = BoxFuture<'static, Result<Response, S::Error>>;

    fn poll_ready(&mut self, cx: &mut Context<'_>) -> Poll<Result<(), Self::Error>> {
        self.inner.poll_ready(cx)
    }

    fn call(&mut self, request: Request) -> Self::Future {
        // The clone that was made ready is the one to call; keep a fresh clone for next time.
        let fresh = self.inner.clone();
        let mut inner = std::mem::replace(&mut self.inner, fresh);
        let shared = self.shared.clone();
        Box::pin(async move {
            let (mut parts, body) = request.into_parts();
            let mut auth = RequestAuth::new(&shared.handler, &parts).await;
            if auth.is_engine_route(parts.uri.path()) {
                // The engine's own routes slide the session themselves.
                parts.extensions.insert(auth);
                return inner.call(Request::from_parts(parts, body)).await;
            }
            let refresh = auth.load_session(&parts).await;
            if let Some(deny) = shared.rules.find(&parts, Some(original_uri(&parts).path()))
                && let Some(response) = authorize(&auth, &parts, deny).await
            {
                return Ok(with_cookies(response, &refresh));
            }
            let check = (!refresh.is_empty()).then(|| auth.response_check());
            parts.extensions.insert(auth);
            let mut response = inner.call(Request::from_parts(parts, body)).await?;
            // A response that writes the session cookie itself (sign-out, update) wins.
            if let Some(check) = check {
                let own = response.headers().get_all(header::SET_COOKIE);
                if !check.writes_session_cookie(own.iter().map(HeaderValue::as_bytes)) {
                    response = with_cookies(response, &refresh);
                }
            }
            Ok(response)
        })
    }
}

/// A guard for the routes of a router, for [`axum::Router::route_layer`] (like axum-login's
/// `login_required!`): runs the `authorized` callback (default: allow when signed in) on every
/// request that matched one of those routes, and answers a denial as [`AuthLayer::protect`]
/// does. Because it runs after routing, it sees exactly the requests the handlers see, whatever
/// their path looks like, and it works in nested routers. Needs [`AuthLayer`] outside it.
///
/// ```
/// use auth_runtime::axum::{AuthLayer, RequireAuth};
/// use auth_runtime::config::AuthConfig;
/// use auth_runtime::engine::AuthHandler;
/// use axum::routing::get;
/// let handler = AuthHandler::new(AuthConfig::new().secret("s").trust_host(true)).unwrap();
/// let admin = axum::Router::new()
///     .route("/users", get(|| async { "users" }))
///     .route_layer(RequireAuth::pages()); // signed out: to the sign-in page and back
/// let api = axum::Router::new()
///     .route("/me", get(|| async { "me" }))
///     .route_layer(RequireAuth::api()); // signed out: 401 JSON
/// let app: axum::Router = axum::Router::new()
///     .nest("/admin", admin)
///     .nest("/api", api)
///     .merge(auth_runtime::axum::router(&handler))
///     .layer(AuthLayer::new(&handler));
/// # let _ = app;
/// ```
#[derive(Debug, Clone, Copy)]
pub struct RequireAuth {
    deny: DenyResponse,
}

impl RequireAuth {
    /// A guard whose signed-out denials answer with `deny`.
    pub fn new(deny: DenyResponse) -> Self {
        Self { deny }
    }

    /// For pages: a signed-out visitor goes to the sign-in page and comes back.
    pub fn pages() -> Self {
        Self::new(DenyResponse::SignInRedirect)
    }

    /// For APIs: a signed-out request gets `401` JSON.
    pub fn api() -> Self {
        Self::new(DenyResponse::Unauthorized)
    }
}

impl<S> Layer<S> for RequireAuth {
    type Service = RequireAuthService<S>;

    fn layer(&self, inner: S) -> Self::Service {
        RequireAuthService {
            inner,
            deny: self.deny,
        }
    }
}

/// The service [`RequireAuth`] wraps around routes.
#[derive(Debug, Clone)]
pub struct RequireAuthService<S> {
    inner: S,
    deny: DenyResponse,
}

impl<S> Service<Request> for RequireAuthService<S>
where
    S: Service<Request, Response = Response> + Clone + Send + 'static,
    S::Future: Send + 'static,
{
    type Response = Response;
    type Error = S::Error;
    type Future = BoxFuture<'static, Result<Response, S::Error>>;

    fn poll_ready(&mut self, cx: &mut Context<'_>) -> Poll<Result<(), Self::Error>> {
        self.inner.poll_ready(cx)
    }

    fn call(&mut self, request: Request) -> Self::Future {
        let fresh = self.inner.clone();
        let mut inner = std::mem::replace(&mut self.inner, fresh);
        let deny = self.deny;
        Box::pin(async move {
            let (parts, body) = request.into_parts();
            let Some(auth) = parts.extensions.get::<RequestAuth>() else {
                return Ok(SessionRejection::missing_layer().into_response());
            };
            if let Some(response) = authorize(auth, &parts, deny).await {
                return Ok(response);
            }
            inner.call(Request::from_parts(parts, body)).await
        })
    }
}

fn with_cookies(mut response: Response, cookies: &[SetCookie]) -> Response {
    let headers = response.headers_mut();
    for cookie in cookies {
        if let Ok(value) = HeaderValue::from_str(&cookie.to_header_value()) {
            headers.append(header::SET_COOKIE, value);
        }
    }
    let current = headers
        .get(header::CACHE_CONTROL)
        .map(HeaderValue::as_bytes);
    if !cookies.is_empty()
        && let Some(private) = private_cache_control(current)
        && let Ok(value) = HeaderValue::from_str(&private)
    {
        headers.insert(header::CACHE_CONTROL, value);
    }
    response
}

/// Runs the `authorized` callback; `Some(response)` stops the request.
async fn authorize(auth: &RequestAuth, parts: &Parts, deny: DenyResponse) -> Option<Response> {
    let head = request_head(parts, original_uri(parts));
    let denial = auth.authorize(head, deny).await?;
    Some(match denial {
        Denial::Redirect(url) | Denial::SignIn(url) => Redirect::to(&url).into_response(),
        Denial::Unauthorized => unauthorized_json(),
        Denial::Forbidden => (
            StatusCode::FORBIDDEN,
            axum::Json(json!({ "message": FORBIDDEN })),
        )
            .into_response(),
        Denial::Failed => (
            StatusCode::INTERNAL_SERVER_ERROR,
            axum::Json(json!({ "message": AUTHORIZATION_FAILED })),
        )
            .into_response(),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    /// An inner service that refuses a call it was not made ready for, as tower requires.
    #[derive(Clone, Default)]
    struct NeedsReady {
        ready: bool,
    }

    impl Service<Request> for NeedsReady {
        type Response = Response;
        type Error = std::convert::Infallible;
        type Future = std::future::Ready<Result<Response, Self::Error>>;

        fn poll_ready(&mut self, _: &mut Context<'_>) -> Poll<Result<(), Self::Error>> {
            self.ready = true;
            Poll::Ready(Ok(()))
        }

        fn call(&mut self, _: Request) -> Self::Future {
            let status = if self.ready {
                StatusCode::OK
            } else {
                StatusCode::INTERNAL_SERVER_ERROR
            };
            std::future::ready(Ok(status.into_response()))
        }
    }

    fn handler() -> AuthHandler {
        AuthHandler::new(
            crate::config::AuthConfig::new()
                .secret("s")
                .trust_host(true),
        )
        .unwrap_or_else(|_| unreachable!("a valid configuration"))
    }

    #[tokio::test]
    async fn the_inner_service_is_made_ready_before_it_is_called() {
        use tower::ServiceExt as _;
        let service = AuthLayer::new(&handler()).layer(NeedsReady::default());
        let request = http::Request::get("http://localhost/page")
            .header("host", "localhost")
            .body(axum::body::Body::empty())
            .unwrap_or_else(|_| unreachable!());
        let response = service
            .oneshot(request)
            .await
            .unwrap_or_else(|e| match e {});
        assert_eq!(response.status(), StatusCode::OK);
    }

    #[tokio::test]
    async fn the_guard_makes_its_inner_service_ready_too() {
        use tower::ServiceExt as _;
        // AuthLayer outside, RequireAuth inside: the guard must pass readiness through.
        let guarded = RequireAuth::api().layer(NeedsReady::default());
        let service = AuthLayer::new(&handler()).layer(guarded);
        let request = http::Request::get("http://localhost/page")
            .header("host", "localhost")
            .body(axum::body::Body::empty())
            .unwrap_or_else(|_| unreachable!());
        let response = service
            .oneshot(request)
            .await
            .unwrap_or_else(|e| match e {});
        // Signed out: the guard answers 401 without calling the inner service at all.
        assert_eq!(response.status(), StatusCode::UNAUTHORIZED);
        // Signed in through an allowing callback, the inner service is called, ready.
        let allow = AuthHandler::new(
            crate::config::AuthConfig::new()
                .secret("s")
                .trust_host(true)
                .callbacks(
                    crate::callbacks::Callbacks::default()
                        .authorized(|_| async { Ok(crate::callbacks::AuthorizedDecision::Allow) }),
                ),
        )
        .unwrap_or_else(|_| unreachable!("a valid configuration"));
        let service = AuthLayer::new(&allow).layer(RequireAuth::api().layer(NeedsReady::default()));
        let request = http::Request::get("http://localhost/page")
            .header("host", "localhost")
            .body(axum::body::Body::empty())
            .unwrap_or_else(|_| unreachable!());
        let response = service
            .oneshot(request)
            .await
            .unwrap_or_else(|e| match e {});
        assert_eq!(response.status(), StatusCode::OK);
    }

    #[test]
    fn debug_output_says_what_the_layer_holds() {
        let layer = AuthLayer::new(&handler()).protect("/a").protect_api("/b");
        assert_eq!(format!("{layer:?}"), "AuthLayer { rules: 2, .. }");
        let service = layer.layer(NeedsReady::default());
        assert_eq!(format!("{service:?}"), "AuthService { .. }");
    }
}
