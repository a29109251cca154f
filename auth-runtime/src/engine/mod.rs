//! The engine: every Auth.js action over `http` types, framework-agnostic (spec §0, §1).
//!
//! ```
//! use auth_runtime::engine::AuthHandler;
//! use auth_runtime::config::AuthConfig;
//! # tokio::runtime::Runtime::new().unwrap().block_on(async {
//! let handler = AuthHandler::new(AuthConfig::new().secret("s").trust_host(true)).unwrap();
//! let request = http::Request::get("http://localhost:3000/auth/csrf")
//!     .header("host", "localhost:3000")
//!     .body(bytes::Bytes::new())
//!     .unwrap();
//! let response = handler.handle(request).await;
//! assert_eq!(response.status(), 200);
//! assert!(response.headers().get("set-cookie").is_some());
//! # });
//! ```

mod callback;
mod email;
mod init;
mod login;
pub(crate) mod oauth;
mod refresh;
pub(crate) mod request;
mod response;
pub(crate) mod server;
mod session;
mod signin;
mod signout;
#[cfg(feature = "webauthn")]
mod webauthn;

use std::sync::Arc;

use bytes::Bytes;
use http::StatusCode;
use serde_json::{Value, json};

use crate::callbacks::BoxFuture;
use crate::config::AuthConfig;
use crate::cookies::Cookies;
use crate::error::{AuthError, ErrorType};
use crate::jose::JwtCodec;
pub(crate) use init::Ctx;
pub(crate) use init::Init;
use request::Action;
pub(crate) use response::Out;
pub use server::{Outcome, SignInOptions, SignOutOptions};

type LazyConfig =
    Arc<dyn Fn(&http::request::Parts) -> BoxFuture<'static, AuthConfig> + Send + Sync>;

/// A configuration made ready to serve: checked, with what every request needs (the token
/// codec, the base path, the cookie names and options) computed once instead of per request.
pub(crate) struct Prepared {
    pub(crate) config: Arc<AuthConfig>,
    pub(crate) codec: JwtCodec,
    /// The secrets as strings, newest first (the CSRF hash input).
    pub(crate) secrets: Vec<String>,
    pub(crate) base_path: String,
    plain: Cookies,
    secure: Cookies,
    origins: request::OriginCache,
    /// Session tokens already decoded.
    pub(crate) tokens: session::DecodedTokens,
}

impl Prepared {
    /// Checks `config` (Auth.js's `assertConfig`) and prepares it.
    pub(crate) fn new(config: Arc<AuthConfig>) -> Result<Self, AuthError> {
        config.assert_valid()?;
        let config = if config.email_senders_missing() {
            let mut owned = Arc::unwrap_or_clone(config);
            owned.resolve_email_senders(!cfg!(debug_assertions))?;
            Arc::new(owned)
        } else {
            config
        };
        let codec = JwtCodec::from_secrets(config.secret.clone())?;
        Ok(Self {
            codec,
            secrets: config
                .secret
                .iter()
                .map(|s| s.expose().to_owned())
                .collect(),
            base_path: config.resolved_base_path(),
            plain: Cookies::resolve(&config.cookies, false),
            secure: Cookies::resolve(&config.cookies, true),
            origins: request::OriginCache::default(),
            tokens: session::DecodedTokens::default(),
            config,
        })
    }

    /// The site origin of a request ([`request::request_origin`]), parsed once per host.
    pub(crate) fn origin(&self, parts: &http::request::Parts) -> Result<String, AuthError> {
        self.origins.origin(&self.config, parts)
    }

    /// Cookie names and options for a site: `__Secure-`/`__Host-` names on `https` origins,
    /// unless `use_secure_cookies` says otherwise.
    pub(crate) fn cookies(&self, origin: &str) -> &Cookies {
        let secure = self
            .config
            .use_secure_cookies
            .unwrap_or_else(|| origin.starts_with("https://"));
        if secure { &self.secure } else { &self.plain }
    }
}

/// A lazy configuration that failed its checks: the configuration (for the error page) and why.
pub(crate) struct Invalid {
    pub(crate) config: Arc<AuthConfig>,
    pub(crate) error: AuthError,
}

#[derive(Clone)]
enum ConfigSource {
    Static(Arc<Prepared>),
    /// The configuration per request, and the path the routes are mounted under.
    Lazy(LazyConfig, Option<String>),
}

/// Serves Auth.js's routes, and answers server code in process (next-auth's `auth`, `signIn`,
/// `signOut` and `unstable_update`: [`AuthHandler::auth`], [`AuthHandler::sign_in`],
/// [`AuthHandler::sign_out`], [`AuthHandler::update_session`]). Cheap to clone.
#[derive(Clone)]
pub struct AuthHandler {
    source: ConfigSource,
}

impl std::fmt::Debug for AuthHandler {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("AuthHandler").finish_non_exhaustive()
    }
}

/// next-auth's client asks for a redirect as JSON `{url}` with this header.
const X_AUTH_RETURN_REDIRECT: http::HeaderName =
    http::HeaderName::from_static("x-auth-return-redirect");

const CONFIG_ERROR_MESSAGE: &str = "There was a problem with the server configuration. Check the server logs for more information.";

impl AuthHandler {
    /// A handler for a fixed configuration, checked now: a misconfiguration is an error here
    /// instead of at the first request.
    pub fn new(config: AuthConfig) -> Result<Self, AuthError> {
        Ok(Self {
            source: ConfigSource::Static(Arc::new(Prepared::new(Arc::new(config))?)),
        })
    }

    /// A handler whose configuration is built for each request from the request (next-auth's
    /// lazy initialisation). The configuration is checked on every request; a failure answers as
    /// Auth.js does (500, or the error page).
    pub fn lazy<F, Fut>(f: F) -> Self
    where
        F: Fn(&http::request::Parts) -> Fut + Send + Sync + 'static,
        Fut: std::future::Future<Output = AuthConfig> + Send + 'static,
    {
        Self {
            source: ConfigSource::Lazy(Arc::new(move |parts| Box::pin(f(parts))), None),
        }
    }

    /// For a lazy handler: the base path its routes are mounted under by the integrations'
    /// routers (default `/auth`); the configurations it builds should have the same. A static
    /// handler keeps its configuration's.
    pub fn mounted_at(mut self, base_path: impl Into<String>) -> Self {
        if let ConfigSource::Lazy(_, mount) = &mut self.source {
            *mount = Some(base_path.into());
        }
        self
    }

    /// The configuration for a request.
    pub async fn config_for(&self, parts: &http::request::Parts) -> Arc<AuthConfig> {
        match &self.source {
            ConfigSource::Static(p) => p.config.clone(),
            ConfigSource::Lazy(f, _) => Arc::new(f(parts).await),
        }
    }

    /// The checked, prepared configuration for a request.
    pub(crate) async fn prepare(
        &self,
        parts: &http::request::Parts,
    ) -> Result<Arc<Prepared>, Invalid> {
        match &self.source {
            ConfigSource::Static(p) => Ok(p.clone()),
            ConfigSource::Lazy(f, _) => {
                let config = Arc::new(f(parts).await);
                Prepared::new(config.clone())
                    .map(Arc::new)
                    .map_err(|error| Invalid { config, error })
            }
        }
    }

    /// The base path the routes live under: a static configuration's, or where a lazy handler
    /// is [mounted](AuthHandler::mounted_at).
    pub fn base_path(&self) -> Option<String> {
        match &self.source {
            ConfigSource::Static(p) => Some(p.base_path.clone()),
            ConfigSource::Lazy(_, mount) => mount.clone(),
        }
    }

    /// Handles one request under the base path.
    pub async fn handle(&self, request: http::Request<Bytes>) -> http::Response<Bytes> {
        let (parts, body) = request.into_parts();
        let prepared = self.prepare(&parts).await;
        route(prepared, parts, &body).await
    }
}

fn config_error_response(
    req_get_page: bool,
    config: &AuthConfig,
    origin: Option<&str>,
    err: &AuthError,
) -> http::Response<Bytes> {
    config.logger.error(err);
    if req_get_page {
        if let (Some(page), Some(origin)) = (&config.pages.error, origin) {
            return Out::redirect(format!("{origin}{page}?error=Configuration"))
                .into_response(false);
        }
        return Out::html(
            StatusCode::INTERNAL_SERVER_ERROR,
            crate::pages::error_page(config, "Configuration", origin.unwrap_or("")),
        )
        .into_response(false);
    }
    Out::json(
        StatusCode::INTERNAL_SERVER_ERROR,
        json!({ "message": CONFIG_ERROR_MESSAGE }),
    )
    .into_response(false)
}

/// Serves one request under the base path with a prepared configuration (or the reason the
/// configuration is unusable).
async fn route(
    prepared: Result<Arc<Prepared>, Invalid>,
    parts: http::request::Parts,
    body: &[u8],
) -> http::Response<Bytes> {
    let prepared = match prepared {
        Ok(p) => p,
        Err(invalid) => return unusable(&invalid, &parts),
    };
    let (action, provider_id) =
        match request::parse_route(&parts.method, parts.uri.path(), &prepared.base_path) {
            Ok(route) => route,
            Err(bad) => return bad_request(&bad),
        };
    // One span per action: what was asked, how it ended. Never a token, cookie or secret.
    let span = tracing::info_span!(
        target: "auth",
        "auth",
        action = action.as_str(),
        provider = provider_id.as_deref().unwrap_or(""),
        method = %parts.method,
        status = tracing::field::Empty,
        error_type = tracing::field::Empty,
    );
    let mut failed = None;
    let response = tracing::Instrument::instrument(
        serve_action(&prepared, parts, body, action, provider_id, &mut failed),
        span.clone(),
    )
    .await;
    if let Some(error_type) = failed {
        span.record("error_type", error_type.as_str());
    }
    span.record("status", response.status().as_u16());
    response
}

async fn serve_action(
    prepared: &Prepared,
    parts: http::request::Parts,
    body: &[u8],
    action: Action,
    provider_id: Option<String>,
    failed: &mut Option<ErrorType>,
) -> http::Response<Bytes> {
    let config = &*prepared.config;
    let is_page = is_page(&parts, action, provider_id.as_deref());
    let origin = match prepared.origin(&parts) {
        Ok(o) => o,
        Err(err) => {
            *failed = Some(err.error_type());
            return config_error_response(is_page, config, None, &err);
        }
    };
    if config.debug {
        config.logger.warn("debug-enabled");
        config.logger.debug(
            "request",
            &format!(
                "{} {}{}",
                parts.method,
                action.as_str(),
                provider_id
                    .as_deref()
                    .map(|p| format!(" {p}"))
                    .unwrap_or_default()
            ),
        );
    }
    let client = config.rate_limit.client_of(&parts);
    let req = request::build(parts, body, action, provider_id, origin.clone());
    let return_redirect = req.headers.contains_key(X_AUTH_RETURN_REDIRECT);
    let is_session_post = req.is_post && action == Action::Session;
    let gate = rate_gate(config, client, &req);
    let store_error = |err: &crate::rate_limit::StoreError| {
        tracing::error!(target: "auth", error = %err, "rate limit store unavailable: the request passes");
        config.logger.warn("rate-limit-store-unavailable");
    };
    if let Some(gate) = &gate
        && let Err(refused) = gate.admit(store_error).await
    {
        return too_many_requests(refused, &req.headers);
    }
    let mut ctx = match Ctx::new(prepared, req, Init::ROUTE).await {
        Ok(ctx) => ctx,
        Err(err) => {
            *failed = Some(err.error_type());
            return config_error_response(is_page, config, Some(&origin), &err);
        }
    };
    match dispatch(&mut ctx).await {
        Ok(out) => out
            .with_cookies(std::mem::take(&mut ctx.set_cookies))
            .into_response(return_redirect),
        Err(err) => {
            *failed = Some(err.error_type());
            config.logger.error(&err);
            if let Some(gate) = &gate
                && err.error_type() == ErrorType::CredentialsSignin
            {
                gate.failed(store_error).await;
            }
            if is_session_post {
                return Out::json(StatusCode::BAD_REQUEST, Value::Null).into_response(false);
            }
            let url = format!("{origin}{}", error_location(&ctx, &err));
            let mut out = Out::redirect(url);
            if action == Action::Callback {
                out.cookies = spent_check_cookies(&ctx);
            }
            out.into_response(return_redirect)
        }
    }
}

/// The rate-limit rules of a request ([`crate::rate_limit`]): sign-in and callback actions,
/// by the kind of their provider.
pub(crate) fn rate_gate<'a>(
    config: &'a AuthConfig,
    client: Option<std::net::IpAddr>,
    req: &request::AuthRequest,
) -> Option<crate::rate_limit::Gate<'a>> {
    use crate::providers::ProviderKind;
    use crate::rate_limit::{Gate, Rule, identifier};
    if !config.rate_limit.enabled {
        return None;
    }
    let id = req.provider_id.as_deref()?;
    let kind = config.providers.iter().find(|p| p.id() == id)?.kind();
    let (per_client, per_identifier) = match (req.action, req.is_post, kind) {
        (Action::SignIn, true, ProviderKind::OAuth | ProviderKind::Oidc) => (Rule::SignIn, None),
        (Action::SignIn, true, ProviderKind::Email) => (Rule::Email, Some(Rule::EmailAddress)),
        (Action::Callback, true, ProviderKind::Credentials) => {
            (Rule::Credentials, Some(Rule::CredentialsFailures))
        }
        (
            Action::Callback,
            _,
            ProviderKind::OAuth | ProviderKind::Oidc | ProviderKind::Email | ProviderKind::WebAuthn,
        ) => (Rule::Callback, None),
        // Each options request stores nothing but costs a database read and a challenge.
        (Action::WebAuthnOptions, false, ProviderKind::WebAuthn) => (Rule::SignIn, None),
        _ => return None,
    };
    let subject = per_identifier.and_then(|_| identifier(&req.body));
    Some(Gate::new(
        &config.rate_limit,
        client,
        subject,
        Some(per_client),
        per_identifier,
    ))
}

/// `429 Too Many Requests` with `Retry-After`: JSON, or a short page for a browser's form post.
fn too_many_requests(
    refused: crate::rate_limit::Refused,
    headers: &http::HeaderMap,
) -> http::Response<Bytes> {
    let seconds = refused.retry_after_secs();
    let message = format!("Too many attempts: try again in {seconds} seconds.");
    let wants_html = headers
        .get(http::header::ACCEPT)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|v| v.contains("text/html"));
    let out = if wants_html {
        Out::html(
            StatusCode::TOO_MANY_REQUESTS,
            format!(
                "<!DOCTYPE html><html lang=\"en\"><head><meta charset=\"utf-8\"><title>Too many attempts</title></head><body><p>{message}</p></body></html>"
            ),
        )
    } else {
        Out::json(
            StatusCode::TOO_MANY_REQUESTS,
            json!({ "error": "RateLimited", "message": message, "retryAfter": seconds }),
        )
    };
    let mut response = out.into_response(false);
    if let Ok(value) = http::HeaderValue::from_str(&seconds.to_string()) {
        response
            .headers_mut()
            .insert(http::header::RETRY_AFTER, value);
    }
    response
}

/// Deletions of the OAuth check cookies a failed callback came with: they belong to a sign-in
/// that is over, whatever step refused it (Auth.js leaves them until they expire).
fn spent_check_cookies(ctx: &Ctx<'_>) -> Vec<crate::cookies::SetCookie> {
    let cookies = ctx.cookies;
    [&cookies.state, &cookies.pkce_code_verifier, &cookies.nonce]
        .into_iter()
        .filter(|spec| ctx.req.cookie(&spec.name).is_some())
        .map(|spec| crate::cookies::SetCookie::delete(&spec.name, &spec.options))
        .collect()
}

/// A request to a lazy configuration that failed its checks: `400` for what is not an Auth.js
/// route, else the configuration error.
fn unusable(invalid: &Invalid, parts: &http::request::Parts) -> http::Response<Bytes> {
    let config = &*invalid.config;
    let base_path = config.resolved_base_path();
    match request::parse_route(&parts.method, parts.uri.path(), &base_path) {
        Ok((action, provider_id)) => {
            let is_page = is_page(parts, action, provider_id.as_deref());
            let origin = request::request_origin(config, parts).ok();
            config_error_response(is_page, config, origin.as_deref(), &invalid.error)
        }
        Err(bad) => bad_request(&bad),
    }
}

fn bad_request(bad: &request::BadRequest) -> http::Response<Bytes> {
    tracing::debug!(target: "auth", reason = bad.0, "bad request");
    Out::json(
        StatusCode::BAD_REQUEST,
        Value::String("Bad request.".into()),
    )
    .into_response(false)
}

/// Whether a request is for one of the built-in pages (errors answer it with HTML).
fn is_page(parts: &http::request::Parts, action: Action, provider_id: Option<&str>) -> bool {
    parts.method == http::Method::GET
        && matches!(
            action,
            Action::SignIn | Action::SignOut | Action::Error | Action::VerifyRequest
        )
        && provider_id.is_none()
}

/// The page an error sends the browser to, without the origin: the sign-in page for sign-in
/// errors, else the error page, with the client's query (`error=...`, `code=...`).
fn error_location(ctx: &Ctx<'_>, err: &AuthError) -> String {
    let page = if err.kind().is_sign_in() {
        ctx.config
            .pages
            .sign_in
            .clone()
            .unwrap_or_else(|| format!("{}/signin", ctx.base_path))
    } else {
        ctx.config
            .pages
            .error
            .clone()
            .unwrap_or_else(|| format!("{}/error", ctx.base_path))
    };
    format!("{page}?{}", err.client_query())
}

async fn dispatch(ctx: &mut Ctx<'_>) -> Result<Out, AuthError> {
    let action = ctx.req.action;
    let provider = ctx.req.provider_id.clone();
    match (ctx.req.is_post, action, provider) {
        (false, Action::Csrf, None) => Ok(init::csrf(ctx)),
        (false, Action::Providers, None) => Ok(init::providers(ctx)),
        (_, Action::Session, None) => session::session(ctx).await,
        (false, Action::SignIn, None) => Ok(signin::page(ctx)),
        (true, Action::SignIn, None) => Ok(Out::redirect(ctx.action_url("signin"))),
        (true, Action::SignIn, Some(id)) => signin::sign_in(ctx, &id).await,
        (false, Action::SignOut, None) => Ok(signout::page(ctx)),
        (true, Action::SignOut, None) => signout::sign_out(ctx).await,
        (_, Action::Callback, Some(id)) => callback::callback(ctx, &id).await,
        (false, Action::Error, None) => Ok(init::error_page(ctx)),
        (false, Action::VerifyRequest, None) => Ok(init::verify_request(ctx)),
        #[cfg(feature = "webauthn")]
        (false, Action::WebAuthnOptions, Some(id)) => webauthn::options(ctx, &id).await,
        _ => Err(AuthError::new(
            ErrorType::UnknownAction,
            format!(
                "cannot {} {}",
                if ctx.req.is_post { "POST" } else { "GET" },
                ctx.req.path
            ),
        )),
    }
}

/// Converts a callback's error: an [`AuthError`] as is, anything else as `fallback`.
pub(crate) fn user_error(err: crate::callbacks::BoxError, fallback: ErrorType) -> AuthError {
    match err.downcast::<AuthError>() {
        Ok(auth) => *auth,
        Err(other) => AuthError::new(fallback, other.to_string()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::providers::{CredentialsProvider, OAuthProvider, ProviderKind};
    use crate::rate_limit::Rule;

    fn request(method: &str, path: &str, body: &str) -> request::AuthRequest {
        let parts = http::Request::builder()
            .method(method)
            .uri(path)
            .header("content-type", "application/x-www-form-urlencoded")
            .body(())
            .map(|r| r.into_parts().0)
            .unwrap_or_else(|_| unreachable!("a valid test request"));
        let (action, provider) = request::parse_route(&parts.method, path, "/auth")
            .unwrap_or_else(|_| unreachable!("a route"));
        request::build(
            parts,
            body.as_bytes(),
            action,
            provider,
            "http://app.test".into(),
        )
    }

    #[test]
    fn each_action_has_a_span_with_its_outcome_and_no_secret() {
        let events = crate::test_support::Events::default();
        let config = AuthConfig::new()
            .secret("span-secret")
            .trust_host(true)
            .provider(CredentialsProvider::new().authorize(|_, _| async { Ok(None) }));
        let handler = AuthHandler::new(config).expect("a valid configuration");
        let send = |method: &str, path: &str| {
            http::Request::builder()
                .method(method)
                .uri(format!("http://app.test{path}"))
                .header("host", "app.test")
                .header("cookie", "authjs.session-token=not-a-token")
                .body(Bytes::new())
                .expect("a request")
        };
        tracing::subscriber::with_default(events.clone(), || {
            let runtime = tokio::runtime::Builder::new_current_thread()
                .enable_all()
                .build()
                .expect("a runtime");
            runtime.block_on(handler.handle(send("GET", "/auth/session")));
            runtime.block_on(handler.handle(send("POST", "/auth/callback/credentials")));
        });
        let seen = events.0.lock().map(|v| v.clone()).unwrap_or_default();
        let text = seen.join("\n");
        assert!(
            text.contains(r#"SPAN auth action="session" provider="" method=GET"#),
            "{text}"
        );
        assert!(text.contains("RECORD status=200"), "{text}");
        assert!(
            text.contains(r#"SPAN auth action="callback" provider="credentials" method=POST"#),
            "{text}"
        );
        assert!(
            text.contains(r#"RECORD error_type="MissingCSRF""#),
            "{text}"
        );
        assert!(text.contains("RECORD status=302"), "{text}");
        assert!(
            !text.contains("not-a-token") && !text.contains("span-secret"),
            "{text}"
        );
    }

    #[test]
    fn each_sign_in_route_gets_its_rate_limit_rules() {
        let config = AuthConfig::new()
            .secret("s")
            .provider(OAuthProvider::new("gh", "GitHub", ProviderKind::OAuth))
            .provider(OAuthProvider::new("idp", "IdP", ProviderKind::Oidc))
            .provider(OAuthProvider::new("mail", "Email", ProviderKind::Email))
            .provider(CredentialsProvider::new());
        let rules = |method: &str, path: &str, body: &str| {
            rate_gate(&config, None, &request(method, path, body)).map(|g| {
                let (client, id, subject) = g.rules();
                (client, id, subject.map(str::to_owned))
            })
        };
        assert_eq!(
            rules("POST", "/auth/signin/gh", ""),
            Some((Some(Rule::SignIn), None, None))
        );
        assert_eq!(
            rules("POST", "/auth/signin/idp", ""),
            Some((Some(Rule::SignIn), None, None))
        );
        assert_eq!(
            rules("POST", "/auth/signin/mail", "email=Ann%40Example.org"),
            Some((
                Some(Rule::Email),
                Some(Rule::EmailAddress),
                Some("ann@example.org".into())
            ))
        );
        assert_eq!(
            rules("POST", "/auth/callback/credentials", "username=Bob"),
            Some((
                Some(Rule::Credentials),
                Some(Rule::CredentialsFailures),
                Some("bob".into())
            ))
        );
        for (method, path) in [
            ("GET", "/auth/callback/gh"),
            ("POST", "/auth/callback/idp"),
            ("GET", "/auth/callback/mail"),
        ] {
            assert_eq!(
                rules(method, path, ""),
                Some((Some(Rule::Callback), None, None)),
                "{path}"
            );
        }
        for (method, path) in [
            ("GET", "/auth/signin/gh"),
            ("GET", "/auth/session"),
            ("POST", "/auth/signout"),
            ("GET", "/auth/callback/credentials"),
            ("POST", "/auth/signin/nobody"),
        ] {
            assert_eq!(rules(method, path, ""), None, "{method} {path}");
        }
        let off = AuthConfig::new()
            .secret("s")
            .provider(CredentialsProvider::new())
            .rate_limit(crate::rate_limit::RateLimits::off());
        assert!(
            rate_gate(
                &off,
                None,
                &request("POST", "/auth/callback/credentials", "")
            )
            .is_none()
        );
    }
}
