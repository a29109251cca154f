//! [`AuthMiddleware`]: next-auth's middleware for actix-web.

use std::future::{Future, Ready, ready};
use std::pin::Pin;
use std::rc::Rc;
use std::sync::Arc;

use actix_web::body::{BoxBody, EitherBody};
use actix_web::dev::{Service, ServiceRequest, ServiceResponse, Transform, forward_ready};
use actix_web::http::StatusCode;
use actix_web::http::header;
use actix_web::{Error, HttpMessage, HttpResponse, ResponseError};
use http::request::Parts;
use serde_json::json;

use super::{append_cookies, parts_of};
use crate::engine::AuthHandler;
use crate::integration::{
    AUTHORIZATION_FAILED, Denial, DenyResponse, FORBIDDEN, Matcher, RequestAuth, Rules,
    SessionRejection, request_head,
};

#[derive(Clone)]
struct Shared {
    handler: AuthHandler,
    rules: Rules,
}

/// The authentication middleware: makes the session available to the extractors, protects paths
/// with the `authorized` callback, and re-issues the session cookie on every response so sliding
/// sessions stay alive. Requests under the base path go straight to the engine. The rules work as
/// in [`crate::axum::AuthLayer`] (first match wins; a signed-in denial is `403`).
///
/// ```
/// use auth_runtime::actix::{AuthMiddleware, DenyResponse};
/// use auth_runtime::config::AuthConfig;
/// use auth_runtime::engine::AuthHandler;
/// let handler = AuthHandler::new(AuthConfig::new().secret("s").trust_host(true)).unwrap();
/// let middleware = AuthMiddleware::new(&handler)
///     .protect("/dashboard")        // signed out: to the sign-in page and back
///     .protect_api("/api/private")  // signed out: 401 JSON
///     .protect_if(|parts| parts.method == http::Method::DELETE, DenyResponse::Unauthorized);
/// let app = actix_web::App::new()
///     .service(auth_runtime::actix::scope(&handler))
///     .wrap(middleware);
/// # let _ = app;
/// ```
#[derive(Clone)]
pub struct AuthMiddleware {
    shared: Arc<Shared>,
}

impl std::fmt::Debug for AuthMiddleware {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("AuthMiddleware")
            .field("rules", &self.shared.rules.len())
            .finish_non_exhaustive()
    }
}

impl AuthMiddleware {
    /// A middleware for a handler, protecting nothing yet.
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
    pub fn protect(self, prefix: impl Into<String>) -> Self {
        self.rule(
            Matcher::prefix(&prefix.into()),
            DenyResponse::SignInRedirect,
        )
    }

    /// Like [`AuthMiddleware::protect`], but a denied signed-out request gets 401 JSON.
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

impl<S, B> Transform<S, ServiceRequest> for AuthMiddleware
where
    S: Service<ServiceRequest, Response = ServiceResponse<B>, Error = Error> + 'static,
    B: 'static,
{
    type Response = ServiceResponse<EitherBody<B>>;
    type Error = Error;
    type InitError = ();
    type Transform = AuthMiddlewareService<S>;
    type Future = Ready<Result<Self::Transform, Self::InitError>>;

    fn new_transform(&self, service: S) -> Self::Future {
        ready(Ok(AuthMiddlewareService {
            service: Rc::new(service),
            shared: self.shared.clone(),
        }))
    }
}

/// The service [`AuthMiddleware`] wraps around an app or scope.
pub struct AuthMiddlewareService<S> {
    service: Rc<S>,
    shared: Arc<Shared>,
}

impl<S> std::fmt::Debug for AuthMiddlewareService<S> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("AuthMiddlewareService")
            .finish_non_exhaustive()
    }
}

type LocalFuture<T> = Pin<Box<dyn Future<Output = T>>>;

impl<S, B> Service<ServiceRequest> for AuthMiddlewareService<S>
where
    S: Service<ServiceRequest, Response = ServiceResponse<B>, Error = Error> + 'static,
    B: 'static,
{
    type Response = ServiceResponse<EitherBody<B>>;
    type Error = Error;
    type Future = LocalFuture<Result<Self::Response, Self::Error>>;

    forward_ready!(service);

    fn call(&self, request: ServiceRequest) -> Self::Future {
        let service = self.service.clone();
        let shared = self.shared.clone();
        Box::pin(async move {
            let Some(parts) = parts_of(request.request()) else {
                let response = HttpResponse::BadRequest().json("Bad request.");
                return Ok(request.into_response(response).map_into_right_body());
            };
            let mut auth = RequestAuth::new(&shared.handler, &parts).await;
            if auth.is_engine_route(parts.uri.path()) {
                // The engine's own routes slide the session themselves.
                request.extensions_mut().insert(auth);
                return Ok(service.call(request).await?.map_into_left_body());
            }
            let refresh = auth.load_session(&parts).await;
            if let Some(deny) = shared.rules.find(&parts, None)
                && let Some(denial) = auth.authorize(request_head(&parts, &parts.uri), deny).await
            {
                let mut response = denial_response(denial);
                append_cookies(response.headers_mut(), &refresh);
                return Ok(request.into_response(response).map_into_right_body());
            }
            let check = (!refresh.is_empty()).then(|| auth.response_check());
            request.extensions_mut().insert(auth);
            let mut response = service.call(request).await?;
            // A response that writes the session cookie itself (sign-out, update) wins.
            if let Some(check) = check {
                let own = response.headers().get_all(header::SET_COOKIE);
                if !check.writes_session_cookie(own.map(|v| v.as_bytes())) {
                    append_cookies(response.headers_mut(), &refresh);
                }
            }
            Ok(response.map_into_left_body())
        })
    }
}

fn denial_response(denial: Denial) -> HttpResponse<BoxBody> {
    match denial {
        Denial::Redirect(location) => HttpResponse::SeeOther()
            .insert_header((header::LOCATION, location))
            .finish(),
        Denial::SignIn(location) => SessionRejection::SignIn { location }.error_response(),
        Denial::Unauthorized => SessionRejection::Unauthorized.error_response(),
        Denial::Forbidden => {
            HttpResponse::build(StatusCode::FORBIDDEN).json(json!({ "message": FORBIDDEN }))
        }
        Denial::Failed => HttpResponse::build(StatusCode::INTERNAL_SERVER_ERROR)
            .json(json!({ "message": AUTHORIZATION_FAILED })),
    }
}
