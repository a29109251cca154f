//! What every framework integration shares, so that axum and actix-web differ only in how they
//! plug in: the per-request view (configuration, origin, the session read once), the protection
//! rules and the `authorized` decision. Everything here speaks the `http` crate's types and calls
//! the engine in process ([`crate::engine::server`]).

use std::borrow::Cow;
use std::sync::Arc;

use http::request::Parts;

use crate::callbacks::{AuthorizedDecision, AuthorizedParams};
use crate::config::AuthConfig;
use crate::cookies::{SetCookie, is_session_chunk};
use crate::engine::request::request_origin;
use crate::engine::{AuthHandler, Outcome, Prepared, SignInOptions, SignOutOptions, server};
use crate::error::{AuthError, ErrorType};
use crate::types::Session;

/// The JSON message of a `401`.
pub(crate) const UNAUTHORIZED: &str = "Unauthorized: sign in to access this resource.";
/// The JSON message of a `403`.
pub(crate) const FORBIDDEN: &str = "Forbidden: you do not have access to this resource.";
/// The JSON message when the `authorized` callback fails.
pub(crate) const AUTHORIZATION_FAILED: &str = "Server error: authorization failed.";
/// The JSON message when a session extractor runs without the middleware.
pub(crate) const MISSING_MIDDLEWARE: &str =
    "Server error: the authentication layer is not installed.";

/// What a protected route answers when the `authorized` callback denies a signed-out request.
/// (A signed-in request that is denied gets `403 Forbidden`: sending it to sign in again would
/// loop.)
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum DenyResponse {
    /// A redirect to the sign-in page with `callbackUrl` set to the request URL (for pages).
    SignInRedirect,
    /// `401 Unauthorized` with a JSON message (for APIs).
    Unauthorized,
}

type Predicate = Arc<dyn Fn(&Parts) -> bool + Send + Sync>;

/// Which requests a protection rule covers.
#[derive(Clone)]
pub(crate) enum Matcher {
    /// A path prefix, kept in [`canonical_path`] form.
    Prefix(String),
    Predicate(Predicate),
}

impl Matcher {
    /// A rule for `prefix` and everything below it, compared in canonical form.
    pub(crate) fn prefix(prefix: &str) -> Self {
        Self::Prefix(canonical_path(prefix).into_owned())
    }

    pub(crate) fn predicate(f: impl Fn(&Parts) -> bool + Send + Sync + 'static) -> Self {
        Self::Predicate(Arc::new(f))
    }

    fn matches(&self, parts: &Parts, paths: &[Cow<'_, str>]) -> bool {
        match self {
            Self::Prefix(prefix) => paths.iter().any(|path| path_has_prefix(path, prefix)),
            Self::Predicate(f) => f(parts),
        }
    }
}

/// Protection rules, checked in the order they were added.
#[derive(Clone, Default)]
pub(crate) struct Rules(Vec<(Matcher, DenyResponse)>);

impl Rules {
    pub(crate) fn push(&mut self, matcher: Matcher, deny: DenyResponse) {
        self.0.push((matcher, deny));
    }

    pub(crate) fn len(&self) -> usize {
        self.0.len()
    }

    /// How the first rule that covers the request answers a signed-out denial. A prefix rule
    /// covers the request when the canonical form of its path is under the prefix, or that of
    /// `outer_path`: the path before a router stripped a nesting prefix (axum's `OriginalUri`),
    /// so a rule written with the full path works inside `Router::nest` too.
    pub(crate) fn find(&self, parts: &Parts, outer_path: Option<&str>) -> Option<DenyResponse> {
        if self.0.is_empty() {
            return None;
        }
        let mut paths = vec![canonical_path(parts.uri.path())];
        if let Some(outer) = outer_path.filter(|outer| *outer != parts.uri.path()) {
            paths.push(canonical_path(outer));
        }
        self.0
            .iter()
            .find(|(m, _)| m.matches(parts, &paths))
            .map(|(_, d)| *d)
    }
}

/// The path a protection rule compares, as the most liberal handler would read it: every
/// percent-escape decoded (`%2F` and `%5C` included, and again while escapes remain, so double
/// encoding does not hide a segment), `\` read as `/`, empty and `.` segments dropped, `..`
/// resolved, ASCII letters lower-cased (a case-insensitive file system serves `/ADMIN` as
/// `/admin`). Covering a request under any of its readings can only protect more, never less.
pub(crate) fn canonical_path(raw: &str) -> Cow<'_, str> {
    let plain = !raw
        .bytes()
        .any(|b| b == b'%' || b == b'\\' || b.is_ascii_uppercase())
        && !raw.contains("//")
        && !raw
            .split('/')
            .any(|segment| segment == "." || segment == "..");
    if plain {
        return Cow::Borrowed(raw);
    }
    let mut decoded = raw.to_owned();
    // Each round removes at least one escape; a few rounds cover every double encoding a
    // server or proxy applies, and bound the work.
    for _ in 0..4 {
        if !decoded.contains('%') {
            break;
        }
        let next = percent_encoding::percent_decode_str(&decoded)
            .decode_utf8_lossy()
            .into_owned();
        if next == decoded {
            break;
        }
        decoded = next;
    }
    let decoded = decoded.replace('\\', "/").to_ascii_lowercase();
    let mut segments: Vec<&str> = Vec::new();
    for segment in decoded.split('/') {
        match segment {
            "" | "." => {}
            ".." => {
                segments.pop();
            }
            other => segments.push(other),
        }
    }
    Cow::Owned(format!("/{}", segments.join("/")))
}

/// Whether `path` is `prefix` or below it, segment-wise: `/admin` covers `/admin` and
/// `/admin/users`, not `/administrator`.
pub(crate) fn path_has_prefix(path: &str, prefix: &str) -> bool {
    let prefix = prefix.trim_end_matches('/');
    if prefix.is_empty() {
        return true;
    }
    path.strip_prefix(prefix)
        .is_some_and(|rest| rest.is_empty() || rest.starts_with('/'))
}

/// Why a protected request does not reach its handler.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum Denial {
    /// The `authorized` callback sent it elsewhere.
    Redirect(String),
    /// Signed in, denied: `403`.
    Forbidden,
    /// Signed out, on an API: `401`.
    Unauthorized,
    /// Signed out, on a page: to the sign-in page.
    SignIn(String),
    /// The callback failed: `500` (logged).
    Failed,
}

/// Why a handler that needs a session did not get one. As a response (axum or actix-web): `401`
/// JSON for [`SessionRejection::Unauthorized`], a redirect for [`SessionRejection::SignIn`],
/// `500` JSON (and a log line that says what to do) for [`SessionRejection::MissingLayer`].
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum SessionRejection {
    /// Signed out, on an API: `401 Unauthorized`.
    Unauthorized,
    /// Signed out, on a page: to the sign-in page, which comes back afterwards.
    SignIn {
        /// The sign-in page URL with `callbackUrl` set.
        location: String,
    },
    /// The middleware (axum's `AuthLayer`, actix-web's `AuthMiddleware`) is not installed: a
    /// programming error.
    MissingLayer,
}

impl SessionRejection {
    pub(crate) fn missing_layer() -> Self {
        tracing::error!(
            target: "auth",
            "a session extractor ran on a route without the authentication middleware: add `.layer(AuthLayer::new(&handler))` (axum) or `.wrap(AuthMiddleware::new(&handler))` (actix-web)"
        );
        Self::MissingLayer
    }
}

impl std::fmt::Display for SessionRejection {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Self::Unauthorized => f.write_str("signed out"),
            Self::SignIn { .. } => f.write_str("signed out: sign in first"),
            Self::MissingLayer => f.write_str("the authentication layer is not installed"),
        }
    }
}

impl std::error::Error for SessionRejection {}

/// The status of an [`AuthError`] answered to a handler that called a server-side action: `401`
/// for a refused sign-in, `403` for a denied one, `400` for a bad request, `500` otherwise; and
/// the JSON body, `{"error": <type a client may see>}` (plus `code` for `CredentialsSignin`).
pub(crate) fn error_answer(err: &AuthError) -> (u16, serde_json::Value) {
    let status = match err.error_type() {
        ErrorType::CredentialsSignin => 401,
        ErrorType::AccessDenied | ErrorType::MissingCSRF => 403,
        ErrorType::InvalidCallbackUrl | ErrorType::InvalidProvider | ErrorType::UnknownAction => {
            400
        }
        _ => 500,
    };
    if status == 500 {
        tracing::error!(target: "auth", error = %err, "a server-side action failed");
    }
    let mut body = serde_json::json!({ "error": err.client_type() });
    if let Some(code) = err.code() {
        body["code"] = serde_json::Value::String(code.to_owned());
    }
    (status, body)
}

/// What the middleware resolved for one request; the extractors and actions read it.
#[derive(Clone)]
pub(crate) struct RequestAuth {
    pub(crate) handler: AuthHandler,
    pub(crate) config: Arc<AuthConfig>,
    /// The prepared configuration; the reason when a lazy configuration failed its checks.
    pub(crate) prepared: Result<Arc<Prepared>, Arc<AuthError>>,
    /// `scheme://host[:port]`, when the request has a usable host.
    pub(crate) origin: Option<String>,
    /// The session, read once by the middleware.
    pub(crate) session: Option<Session>,
}

impl RequestAuth {
    /// The view of a request: the configuration for it (built now for a lazy configuration), no
    /// session read yet.
    pub(crate) async fn new(handler: &AuthHandler, parts: &Parts) -> Self {
        let (config, origin, prepared) = match handler.prepare(parts).await {
            Ok(p) => (p.config.clone(), p.origin(parts).ok(), Ok(p)),
            Err(invalid) => {
                let origin = request_origin(&invalid.config, parts).ok();
                (invalid.config, origin, Err(Arc::new(invalid.error)))
            }
        };
        Self {
            handler: handler.clone(),
            config,
            prepared,
            origin,
            session: None,
        }
    }

    /// The prepared configuration, or why there is none.
    pub(crate) fn prepared(&self) -> Result<&Prepared, AuthError> {
        self.prepared.as_deref().map_err(|e| {
            let copy = AuthError::new(e.error_type(), e.message());
            match e.reason() {
                Some(reason) => copy.with_reason(reason),
                None => copy,
            }
        })
    }

    /// Whether the request is for one of the engine's own routes (which slide the session
    /// themselves).
    pub(crate) fn is_engine_route(&self, path: &str) -> bool {
        match &self.prepared {
            Ok(p) => path_has_prefix(path, &p.base_path),
            Err(_) => path_has_prefix(path, &self.config.resolved_base_path()),
        }
    }

    /// When the request carries a session cookie, reads the session (the engine's one session
    /// read) and returns the cookies that slide it. A failure is logged and reads as signed out.
    pub(crate) async fn load_session(&mut self, parts: &Parts) -> Vec<SetCookie> {
        if !self.has_session_cookie(parts) {
            return Vec::new();
        }
        let (Ok(prepared), Some(origin)) = (&self.prepared, &self.origin) else {
            return Vec::new();
        };
        match server::auth_at(prepared, parts, origin.clone()).await {
            Ok(outcome) => {
                self.session = outcome.value;
                outcome.cookies
            }
            Err(err) => {
                self.config.logger.error(&err);
                Vec::new()
            }
        }
    }

    /// The session as `V` (the session itself or a typed view), `None` when signed out. Typed
    /// fields that do not read (the handler asks for another extension than the configured
    /// one) are logged and read as signed out, never a 500.
    pub(crate) fn session_as<V: crate::extension::FromSession>(&self) -> Option<V> {
        let session = self.session.as_ref()?;
        match V::from_session(session) {
            Ok(view) => Some(view),
            Err(err) => {
                self.config.logger.error(&AuthError::new(
                    ErrorType::JWTSessionError,
                    format!("the session's typed fields do not read ({err}); read as signed out"),
                ));
                None
            }
        }
    }

    /// The session cookie's name for this request.
    fn session_cookie_name(&self) -> Option<&str> {
        let prepared = self.prepared.as_ref().ok()?;
        let origin = self.origin.as_deref().unwrap_or("");
        Some(&prepared.cookies(origin).session_token.name)
    }

    fn has_session_cookie(&self, parts: &Parts) -> bool {
        let Some(name) = self.session_cookie_name() else {
            return false;
        };
        has_cookie(&parts.headers, |n| is_session_chunk(name, n))
    }

    /// What the middleware needs after the handler ran, without keeping the request's view:
    /// the session cookie's name, to leave alone a response that writes it.
    pub(crate) fn response_check(&self) -> ResponseCheck {
        let secure = self
            .origin
            .as_deref()
            .is_some_and(|o| o.starts_with("https://"));
        ResponseCheck {
            prepared: self.prepared.as_ref().ok().cloned(),
            https: secure,
        }
    }

    /// The base path in force.
    pub(crate) fn base_path(&self) -> String {
        match &self.prepared {
            Ok(p) => p.base_path.clone(),
            Err(_) => self.config.resolved_base_path(),
        }
    }

    /// `<origin><path and query>`: the URL to come back to after signing in.
    pub(crate) fn request_url(&self, uri: &http::Uri) -> String {
        let path = uri.path_and_query().map(|p| p.as_str()).unwrap_or("/");
        format!("{}{path}", self.origin.as_deref().unwrap_or(""))
    }

    /// The sign-in page (custom or built-in) with `callbackUrl` set to `callback_url`.
    pub(crate) fn sign_in_url(&self, callback_url: &str) -> String {
        server::sign_in_page(
            &self.config,
            &self.base_path(),
            self.origin.as_deref().unwrap_or(""),
            callback_url,
        )
    }

    /// The server-side sign-in of this request ([`crate::AuthHandler::sign_in`]), for the
    /// frameworks' `AuthContext`.
    pub(crate) async fn sign_in(
        &self,
        parts: &Parts,
        options: SignInOptions,
    ) -> Result<Outcome<String>, AuthError> {
        server::sign_in(self.prepared()?, parts, options).await
    }

    /// The server-side sign-out ([`crate::AuthHandler::sign_out`]).
    pub(crate) async fn sign_out(
        &self,
        parts: &Parts,
        options: SignOutOptions,
    ) -> Result<Outcome<String>, AuthError> {
        server::sign_out(self.prepared()?, parts, options).await
    }

    /// The session update ([`crate::AuthHandler::update_session`]).
    pub(crate) async fn update_session(
        &self,
        parts: &Parts,
        data: serde_json::Value,
    ) -> Result<Outcome<Option<Session>>, AuthError> {
        server::update_session(self.prepared()?, parts, data).await
    }

    /// The visitor's CSRF token ([`crate::AuthHandler::csrf_token`]).
    pub(crate) async fn csrf_token(&self, parts: &Parts) -> Result<Outcome<String>, AuthError> {
        server::csrf_token(self.prepared()?, parts).await
    }

    /// Runs the `authorized` callback for a protected request (`request` carries the URI the
    /// client sent); `Some` stops the request.
    pub(crate) async fn authorize(&self, request: Parts, deny: DenyResponse) -> Option<Denial> {
        let url = self.request_url(&request.uri);
        let params = AuthorizedParams {
            request,
            auth: self.session.clone(),
        };
        match self.config.callbacks.run_authorized(params).await {
            Ok(AuthorizedDecision::Allow) => None,
            Ok(AuthorizedDecision::Redirect(url)) => Some(Denial::Redirect(url)),
            Ok(AuthorizedDecision::Deny) if self.session.is_some() => Some(Denial::Forbidden),
            Ok(AuthorizedDecision::Deny) => Some(match deny {
                DenyResponse::Unauthorized => Denial::Unauthorized,
                DenyResponse::SignInRedirect => Denial::SignIn(self.sign_in_url(&url)),
            }),
            Err(err) => {
                tracing::error!(target: "auth", error = %err, "the authorized callback failed");
                Some(Denial::Failed)
            }
        }
    }
}

/// See [`RequestAuth::response_check`].
pub(crate) struct ResponseCheck {
    prepared: Option<Arc<Prepared>>,
    https: bool,
}

impl ResponseCheck {
    /// Whether one of these `Set-Cookie` values writes the session cookie (or a chunk of it).
    pub(crate) fn writes_session_cookie<'a>(
        &self,
        set_cookies: impl IntoIterator<Item = &'a [u8]>,
    ) -> bool {
        let Some(prepared) = &self.prepared else {
            return false;
        };
        let origin = if self.https { "https://" } else { "http://" };
        let name = &prepared.cookies(origin).session_token.name;
        set_cookies.into_iter().any(|value| {
            std::str::from_utf8(value)
                .ok()
                .and_then(|s| s.split_once('='))
                .is_some_and(|(n, _)| is_session_chunk(name, n.trim()))
        })
    }
}

/// The `Cache-Control` an app's response needs once the middleware adds the visitor's session
/// cookie to it, or `None` when it already keeps shared caches out (`private`, `no-store`).
/// `public`, `s-maxage` and `proxy-revalidate` go and `private` comes first; what the app said
/// to the browser (`max-age`, `must-revalidate`, ...) stays. Without `Cache-Control` the answer
/// is `private`: a shared cache must never hand one visitor's cookie to another.
pub(crate) fn private_cache_control(current: Option<&[u8]>) -> Option<String> {
    let Some(current) = current else {
        return Some("private".to_owned());
    };
    let current = String::from_utf8_lossy(current);
    let directives: Vec<&str> = current
        .split(',')
        .map(str::trim)
        .filter(|d| !d.is_empty())
        .collect();
    let name = |d: &str| {
        d.split('=')
            .next()
            .unwrap_or("")
            .trim()
            .to_ascii_lowercase()
    };
    if directives
        .iter()
        .any(|d| matches!(name(d).as_str(), "private" | "no-store"))
    {
        return None;
    }
    let kept = directives
        .into_iter()
        .filter(|d| !matches!(name(d).as_str(), "public" | "s-maxage" | "proxy-revalidate"));
    Some(
        std::iter::once("private")
            .chain(kept)
            .collect::<Vec<_>>()
            .join(", "),
    )
}

/// Whether the request has a non-empty cookie whose name `wanted` accepts; allocates nothing.
fn has_cookie(headers: &http::HeaderMap, wanted: impl Fn(&str) -> bool) -> bool {
    headers
        .get_all(http::header::COOKIE)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .flat_map(|line| line.split(';'))
        .filter_map(|pair| pair.split_once('='))
        .any(|(name, value)| {
            let value = value.trim_matches([' ', '\t']);
            !value.is_empty() && value != "\"\"" && wanted(name.trim_matches([' ', '\t']))
        })
}

/// A copy of a request head for the `authorized` callback, with `uri` as the client sent it.
pub(crate) fn request_head(parts: &Parts, uri: &http::Uri) -> Parts {
    let mut head = http::Request::new(()).into_parts().0;
    head.method = parts.method.clone();
    head.uri = uri.clone();
    head.version = parts.version;
    head.headers = parts.headers.clone();
    head
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn action_errors_answer_with_their_status_and_a_client_safe_type() {
        use crate::error::{AuthError, ErrorType};
        for (error, status, body) in [
            (
                AuthError::credentials_signin("bad-password"),
                401,
                serde_json::json!({"error": "CredentialsSignin", "code": "bad-password"}),
            ),
            (
                AuthError::new(ErrorType::AccessDenied, "no"),
                403,
                serde_json::json!({"error": "AccessDenied"}),
            ),
            (
                AuthError::new(ErrorType::MissingCSRF, "no"),
                403,
                serde_json::json!({"error": "MissingCSRF"}),
            ),
            (
                AuthError::new(ErrorType::InvalidCallbackUrl, "no"),
                400,
                serde_json::json!({"error": "Configuration"}),
            ),
            (
                AuthError::new(ErrorType::InvalidProvider, "no"),
                400,
                serde_json::json!({"error": "Configuration"}),
            ),
            (
                AuthError::new(ErrorType::UnknownAction, "no"),
                400,
                serde_json::json!({"error": "Configuration"}),
            ),
            (
                AuthError::new(ErrorType::AdapterError, "db down"),
                500,
                serde_json::json!({"error": "Configuration"}),
            ),
        ] {
            let events = crate::test_support::Events::default();
            let answer = tracing::subscriber::with_default(events.clone(), || error_answer(&error));
            assert_eq!(answer, (status, body), "{error}");
            // Only what the server must look into is logged.
            let logged = events.0.lock().map(|v| v.len()).unwrap_or_default();
            assert_eq!(logged, usize::from(status == 500), "{error}");
        }
    }

    #[test]
    fn rejections_say_what_happened() {
        assert_eq!(SessionRejection::Unauthorized.to_string(), "signed out");
        assert_eq!(
            SessionRejection::SignIn {
                location: "/x".into()
            }
            .to_string(),
            "signed out: sign in first"
        );
        assert_eq!(
            SessionRejection::MissingLayer.to_string(),
            "the authentication layer is not installed"
        );
    }

    #[test]
    fn a_prefix_covers_itself_and_what_is_below_it_segment_wise() {
        for (path, prefix, covered) in [
            ("/admin", "/admin", true),
            ("/admin/", "/admin", true),
            ("/admin/users", "/admin", true),
            ("/admin/users", "/admin/", true),
            ("/administrator", "/admin", false),
            ("/admi", "/admin", false),
            ("/", "/admin", false),
            ("/public/admin", "/admin", false),
            ("/anything", "/", true),
            ("/anything", "", true),
            ("/", "/", true),
        ] {
            assert_eq!(
                path_has_prefix(path, prefix),
                covered,
                "{path} under {prefix}"
            );
        }
    }

    #[test]
    fn rules_match_by_prefix_or_predicate_first_rule_first() {
        let parts = |method: &str, uri: &str| {
            http::Request::builder()
                .method(method)
                .uri(uri)
                .body(())
                .map(|r| r.into_parts().0)
                .unwrap_or_else(|_| unreachable!("a valid test request"))
        };
        let one = |matcher: Matcher, p: &Parts| {
            let mut rules = Rules::default();
            rules.push(matcher, DenyResponse::Unauthorized);
            rules.find(p, None).is_some()
        };
        assert!(one(
            Matcher::prefix("/admin"),
            &parts("GET", "/admin/x?y=1")
        ));
        assert!(!one(Matcher::prefix("/admin"), &parts("GET", "/adminx")));
        let delete = || Matcher::predicate(|p: &Parts| p.method == http::Method::DELETE);
        assert!(one(delete(), &parts("DELETE", "/x")));
        assert!(!one(delete(), &parts("GET", "/x")));

        let mut rules = Rules::default();
        rules.push(Matcher::prefix("/api"), DenyResponse::Unauthorized);
        rules.push(Matcher::prefix("/"), DenyResponse::SignInRedirect);
        assert_eq!(rules.len(), 2);
        assert_eq!(
            rules.find(&parts("GET", "/api/x"), None),
            Some(DenyResponse::Unauthorized)
        );
        assert_eq!(
            rules.find(&parts("GET", "/page"), None),
            Some(DenyResponse::SignInRedirect)
        );
        assert_eq!(Rules::default().find(&parts("GET", "/page"), None), None);
    }

    #[test]
    fn a_response_that_gets_the_session_cookie_is_kept_from_shared_caches() {
        let private = |v: Option<&str>| private_cache_control(v.map(str::as_bytes));
        assert_eq!(private(None).as_deref(), Some("private"));
        assert_eq!(
            private(Some("public, max-age=600, s-maxage=3600")).as_deref(),
            Some("private, max-age=600")
        );
        assert_eq!(
            private(Some("max-age=60,must-revalidate, proxy-revalidate")).as_deref(),
            Some("private, max-age=60, must-revalidate")
        );
        assert_eq!(private(Some("Private, max-age=60")), None);
        assert_eq!(private(Some("no-store")), None);
        assert_eq!(private(Some("private=\"x\"")), None);
    }

    #[test]
    fn a_prefix_covers_every_reading_of_the_path() {
        let parts = |uri: &str| {
            http::Request::builder()
                .uri(uri)
                .body(())
                .map(|r| r.into_parts().0)
                .unwrap_or_else(|_| unreachable!("a valid test request"))
        };
        let mut rules = Rules::default();
        rules.push(Matcher::prefix("/Admin/"), DenyResponse::Unauthorized);
        for covered in [
            "/admin",
            "/admin/",
            "/ADMIN/users",
            "/%61dmin/users",
            "/%2561dmin/users",
            "//admin//users",
            "/./admin/users",
            "/x/../admin/users",
            "/x/..%2Fadmin/users",
            "/x%2F..%2Fadmin",
            "/x/%2e%2e/admin",
            "/x\\..\\admin",
            "/admin%2Fusers",
            "/../../admin",
        ] {
            assert!(rules.find(&parts(covered), None).is_some(), "{covered}");
        }
        for free in [
            "/",
            "/administrator",
            "/adm/in",
            "/admin/../public",
            "/%2Fpublic",
        ] {
            assert!(rules.find(&parts(free), None).is_none(), "{free}");
        }
        // Inside a nested router the path has lost its prefix; the outer one still counts.
        let mut nested = Rules::default();
        nested.push(Matcher::prefix("/app/admin"), DenyResponse::Unauthorized);
        assert!(
            nested
                .find(&parts("/admin/x"), Some("/app/admin/x"))
                .is_some()
        );
        assert!(nested.find(&parts("/admin/x"), None).is_none());
        // A path already canonical is compared as it came, without a copy.
        for plain in ["/plain/path", "/", "/a-b_c.d/e~f"] {
            assert!(
                matches!(canonical_path(plain), Cow::Borrowed(p) if p == plain),
                "{plain}"
            );
        }
        for needs_work in ["/a%41", "/a\\b", "/A", "//a", "/./a", "/a/.."] {
            assert!(
                matches!(canonical_path(needs_work), Cow::Owned(_)),
                "{needs_work}"
            );
        }
    }
}
