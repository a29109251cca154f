//! The engine for server code: next-auth's `auth()`, `signIn`, `signOut`, `unstable_update` and
//! `getCsrfToken`, called in process with the structured result (the session, where to send the
//! browser, the cookies to set). Every integration (the axum layer and extractors, actix-web, an
//! app's own handlers) goes through these; none of them forges a request or a CSRF token, and
//! none re-parses a response.
//!
//! These calls forge no CSRF token, like next-auth's server actions (`skipCSRFCheck`). What
//! protects them instead is what protects Next.js server actions: `sign_in`, `sign_out` and
//! `update_session` refuse a request with an unsafe method (anything but `GET`, `HEAD`,
//! `OPTIONS`) that a browser marks as coming from another site: `Sec-Fetch-Site` other than
//! `same-origin` or `none`, or else an `Origin` that is not the site's. A request with neither
//! header comes from a client that is not a browser, or from a browser that would have sent
//! them on a cross-site request, and is served. Call actions from `POST` routes; a `GET` route
//! that signs out can be triggered by any page that links to it.

use http::HeaderValue;
use http::header::{self, HeaderMap};
use http::request::Parts;
use serde_json::{Map, Value};

use super::init::{Ctx, Init};
use super::request::{self, Action};
use super::{AuthHandler, Out, Prepared, callback, oauth, session, signout};
use crate::config::AuthConfig;
use crate::cookies::{SetCookie, encode_uri_component};
use crate::error::{AuthError, ErrorType, Reason};
use crate::providers::Provider;
use crate::types::Session;

/// What an in-process call produced, and the cookies the response must set for it to hold
/// (a slid or rotated session, the OAuth check cookies, a cleared session).
#[derive(Debug, Clone, PartialEq)]
#[must_use = "the cookies must reach the response"]
pub struct Outcome<T> {
    /// The result.
    pub value: T,
    /// Cookies to set or delete, in order.
    pub cookies: Vec<SetCookie>,
}

impl<T> Outcome<T> {
    fn new(value: T, cookies: Vec<SetCookie>) -> Self {
        Self { value, cookies }
    }

    /// The `Set-Cookie` header values.
    pub fn set_cookie_headers(&self) -> impl Iterator<Item = HeaderValue> + '_ {
        self.cookies
            .iter()
            .filter_map(|c| HeaderValue::from_str(&c.to_header_value()).ok())
    }

    /// Appends the `Set-Cookie` headers to a response's headers.
    pub fn write_cookies(&self, headers: &mut HeaderMap) {
        for value in self.set_cookie_headers() {
            headers.append(header::SET_COOKIE, value);
        }
    }

    /// The value, dropping the cookies (a read that does not answer the browser).
    pub fn into_value(self) -> T {
        self.value
    }
}

/// What to sign in with (next-auth's `signIn(provider, options, authorizationParams)`).
///
/// ```
/// use auth_runtime::engine::SignInOptions;
/// let github = SignInOptions::provider("github")
///     .redirect_to("/dashboard")
///     .authorization_param("prompt", "login");
/// let credentials = SignInOptions::provider("credentials")
///     .credential("username", "demo")
///     .credential("password", "demo");
/// let page = SignInOptions::default(); // the sign-in page
/// # let _ = (github, credentials, page);
/// ```
#[derive(Debug, Clone, Default, PartialEq)]
#[non_exhaustive]
pub struct SignInOptions {
    /// The provider id; `None` (or an id no provider has) sends the browser to the sign-in page.
    pub provider: Option<String>,
    /// Where the user lands afterwards; default: the page they came from (`Referer`), else `/`.
    pub redirect_to: Option<String>,
    /// Extra authorization parameters for an OAuth/OIDC provider. Parameters that bind the flow
    /// to this client (`redirect_uri`, `client_id`, `state`, ...) are ignored.
    pub authorization_params: Vec<(String, String)>,
    /// The values a credentials provider's `authorize` receives.
    pub credentials: Map<String, Value>,
}

impl SignInOptions {
    /// Sign in with this provider.
    pub fn provider(id: impl Into<String>) -> Self {
        Self {
            provider: Some(id.into()),
            ..Self::default()
        }
    }

    /// Where to land afterwards.
    pub fn redirect_to(mut self, url: impl Into<String>) -> Self {
        self.redirect_to = Some(url.into());
        self
    }

    /// Adds an authorization parameter (OAuth/OIDC).
    pub fn authorization_param(
        mut self,
        name: impl Into<String>,
        value: impl Into<String>,
    ) -> Self {
        self.authorization_params.push((name.into(), value.into()));
        self
    }

    /// Adds a credential (credentials providers).
    pub fn credential(mut self, name: impl Into<String>, value: impl Into<Value>) -> Self {
        self.credentials.insert(name.into(), value.into());
        self
    }
}

/// Where to go after signing out (next-auth's `signOut({ redirectTo })`).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
#[non_exhaustive]
pub struct SignOutOptions {
    /// Where the user lands; default: the page they came from (`Referer`), else `/`.
    pub redirect_to: Option<String>,
}

impl SignOutOptions {
    /// Land on `url` afterwards.
    pub fn redirect_to(url: impl Into<String>) -> Self {
        Self {
            redirect_to: Some(url.into()),
        }
    }
}

impl AuthHandler {
    /// The session of a request (next-auth's `auth()`): the same read as `GET /session`, with
    /// refresh-token rotation, the `jwt` and `session` callbacks, the `session` event and the
    /// sliding expiry. Send the returned cookies with the response, or the session stops sliding
    /// (and a rotated access token is read again next time). `value` is `None` when signed out.
    pub async fn auth(&self, parts: &Parts) -> Result<Outcome<Option<Session>>, AuthError> {
        let prepared = self.prepare(parts).await.map_err(|i| i.error)?;
        auth(&prepared, parts).await
    }

    /// The session of a request, without the cookies that slide it: [`AuthHandler::auth`] for
    /// code that cannot answer the browser. `None` when signed out or on any error (logged).
    pub async fn session(&self, parts: &Parts) -> Option<Session> {
        match self.auth(parts).await {
            Ok(outcome) => outcome.value,
            Err(err) => {
                tracing::debug!(target: "auth", error = %err, "no session");
                None
            }
        }
    }

    /// Starts a sign-in (next-auth's `signIn`). `value` is where to send the browser: the
    /// provider's authorization URL for OAuth/OIDC (with the check cookies to set), the callback
    /// URL after a credentials sign-in (with the session cookie), or the sign-in page when no
    /// provider (or an unknown one) is given. A refused credentials sign-in is an error
    /// (`CredentialsSignin`), as next-auth throws it.
    pub async fn sign_in(
        &self,
        parts: &Parts,
        options: SignInOptions,
    ) -> Result<Outcome<String>, AuthError> {
        let prepared = self.prepare(parts).await.map_err(|i| i.error)?;
        sign_in(&prepared, parts, options).await
    }

    /// Signs out (next-auth's `signOut`): deletes a database session, emits `signOut`, and
    /// returns where to send the browser with the cookies that clear the session.
    pub async fn sign_out(
        &self,
        parts: &Parts,
        options: SignOutOptions,
    ) -> Result<Outcome<String>, AuthError> {
        let prepared = self.prepare(parts).await.map_err(|i| i.error)?;
        sign_out(&prepared, parts, options).await
    }

    /// Updates the session (next-auth's `unstable_update`): the `jwt` callback runs with
    /// `trigger: Update` and `session: data` (a database session's `session` callback gets
    /// `new_session`). Returns the new session and the cookies that store it.
    pub async fn update_session(
        &self,
        parts: &Parts,
        data: Value,
    ) -> Result<Outcome<Option<Session>>, AuthError> {
        let prepared = self.prepare(parts).await.map_err(|i| i.error)?;
        update_session(&prepared, parts, data).await
    }

    /// A CSRF token for the visitor of `parts` (next-auth's `getCsrfToken()`), for an app's own
    /// sign-in or sign-out form: post it as `csrfToken` with the form, and set the returned
    /// cookie (present when the visitor had no valid CSRF cookie yet). Empty when CSRF checks are
    /// disabled (`skip_csrf_check`).
    pub async fn csrf_token(&self, parts: &Parts) -> Result<Outcome<String>, AuthError> {
        let prepared = self.prepare(parts).await.map_err(|i| i.error)?;
        csrf_token(&prepared, parts).await
    }
}

/// Refuses a server-side action that a browser asked for from another site (see the module
/// documentation).
fn check_same_site(parts: &Parts, origin: &str) -> Result<(), AuthError> {
    use http::Method;
    if matches!(parts.method, Method::GET | Method::HEAD | Method::OPTIONS) {
        return Ok(());
    }
    let header = |name: &str| parts.headers.get(name).and_then(|v| v.to_str().ok());
    let same_site = match (header("sec-fetch-site"), header("origin")) {
        (Some(site), _) => site == "same-origin" || site == "none",
        (None, Some(from)) => from == origin,
        (None, None) => true,
    };
    if same_site {
        Ok(())
    } else {
        Err(AuthError::new(
            ErrorType::MissingCSRF,
            "a request from another site asked for a server-side action",
        )
        .with_reason(crate::error::Reason::CrossSiteRequest))
    }
}

/// The engine's view of an in-process call.
async fn context<'a>(
    prepared: &'a Prepared,
    parts: &Parts,
    init: Init,
    action: Action,
    provider: Option<String>,
    body: Map<String, Value>,
) -> Result<Ctx<'a>, AuthError> {
    let origin = prepared.origin(parts)?;
    let is_post = init != Init::SESSION_READ;
    if init == Init::TRUSTED {
        check_same_site(parts, &origin)?;
    }
    let mut req = request::internal(
        parts,
        is_post,
        action,
        provider,
        body,
        origin,
        &prepared.base_path,
    );
    if is_post {
        // Actions hand the request's headers to callbacks (a credentials `authorize`); a session
        // read has no use for them.
        req.headers = parts.headers.clone();
    }
    Ctx::new(prepared, req, init).await
}

/// Runs an action's result down to the redirect and the cookies, init's first.
fn redirect_of(mut ctx: Ctx<'_>, out: Out) -> Result<Outcome<String>, AuthError> {
    let out = out.with_cookies(std::mem::take(&mut ctx.set_cookies));
    let location = out
        .redirect
        .ok_or_else(|| AuthError::new(ErrorType::UnknownAction, "the action did not redirect"))?;
    Ok(Outcome::new(location, out.cookies))
}

/// Where the user lands: what the caller asked, else the `Referer`, else `/`.
fn landing(parts: &Parts, asked: Option<String>) -> String {
    asked
        .or_else(|| {
            parts
                .headers
                .get(header::REFERER)
                .and_then(|v| v.to_str().ok())
                .map(str::to_owned)
        })
        .unwrap_or_else(|| "/".to_owned())
}

pub(crate) async fn auth(
    prepared: &Prepared,
    parts: &Parts,
) -> Result<Outcome<Option<Session>>, AuthError> {
    auth_at(prepared, parts, prepared.origin(parts)?).await
}

/// [`auth`] for a request whose origin is known already.
pub(crate) async fn auth_at(
    prepared: &Prepared,
    parts: &Parts,
    origin: String,
) -> Result<Outcome<Option<Session>>, AuthError> {
    let req = request::internal(parts, false, Action::Session, None, Map::new(), origin, "");
    let mut ctx = Ctx::begin(prepared, req, Init::SESSION_READ)?;
    let session = session::resolve(&mut ctx, None).await?;
    Ok(Outcome::new(session, ctx.set_cookies))
}

pub(crate) async fn update_session(
    prepared: &Prepared,
    parts: &Parts,
    data: Value,
) -> Result<Outcome<Option<Session>>, AuthError> {
    check_same_site(parts, &prepared.origin(parts)?)?;
    let mut ctx = context(
        prepared,
        parts,
        Init::SESSION_READ,
        Action::Session,
        None,
        Map::new(),
    )
    .await?;
    let session = session::resolve(&mut ctx, Some(Some(data))).await?;
    Ok(Outcome::new(session, ctx.set_cookies))
}

/// The sign-in page (custom or built-in) with `callbackUrl`: where a signed-out visitor of a
/// protected page goes, and where `sign_in` without a provider sends the browser.
pub(crate) fn sign_in_page(
    config: &AuthConfig,
    base_path: &str,
    origin: &str,
    callback_url: &str,
) -> String {
    let page = match &config.pages.sign_in {
        Some(page) if page.starts_with('/') => format!("{origin}{page}"),
        Some(page) => page.clone(),
        None => format!("{origin}{base_path}/signin"),
    };
    let sep = if page.contains('?') { '&' } else { '?' };
    format!(
        "{page}{sep}callbackUrl={}",
        encode_uri_component(callback_url)
    )
}

pub(crate) async fn sign_in(
    prepared: &Prepared,
    parts: &Parts,
    options: SignInOptions,
) -> Result<Outcome<String>, AuthError> {
    let target = landing(parts, options.redirect_to);
    let provider = options.provider.as_deref().and_then(|id| {
        prepared
            .config
            .providers
            .iter()
            .find(|p| p.id() == id)
            .cloned()
    });
    // A passkey ceremony runs in the browser: like no provider, the answer is the sign-in page.
    let Some(provider) = provider.filter(|p| !matches!(p, Provider::WebAuthn(_))) else {
        let origin = prepared.origin(parts)?;
        check_same_site(parts, &origin)?;
        return Ok(Outcome::new(
            sign_in_page(&prepared.config, &prepared.base_path, &origin, &target),
            Vec::new(),
        ));
    };
    let mut body = options.credentials;
    body.insert("callbackUrl".into(), Value::String(target));
    match &provider {
        Provider::OAuth(p) => {
            let mut ctx = context(
                prepared,
                parts,
                Init::TRUSTED,
                Action::SignIn,
                Some(p.id.clone()),
                body,
            )
            .await?;
            ctx.req.query = options
                .authorization_params
                .into_iter()
                .map(|(k, v)| (k, Value::String(v)))
                .collect();
            admit(prepared, parts, &ctx).await?;
            let out = oauth::sign_in(&mut ctx, p).await?;
            redirect_of(ctx, out)
        }
        Provider::Credentials(p) => {
            let mut ctx = context(
                prepared,
                parts,
                Init::TRUSTED,
                Action::Callback,
                Some(p.id.clone()),
                body,
            )
            .await?;
            let gate = admit(prepared, parts, &ctx).await?;
            let out = match callback::callback(&mut ctx, &p.id).await {
                Ok(out) => out,
                Err(err) => {
                    if let Some(gate) = &gate
                        && err.error_type() == ErrorType::CredentialsSignin
                    {
                        gate.failed(log_store_error).await;
                    }
                    return Err(err);
                }
            };
            redirect_of(ctx, out)
        }
        // next-auth's `signIn("email", { email })`: the link goes out, the answer is the
        // verify-request page.
        Provider::Email(p) => {
            let mut ctx = context(
                prepared,
                parts,
                Init::TRUSTED,
                Action::SignIn,
                Some(p.id.clone()),
                body,
            )
            .await?;
            admit(prepared, parts, &ctx).await?;
            let out = super::email::sign_in(&mut ctx, p).await?;
            redirect_of(ctx, out)
        }
        // Answered with the sign-in page above; kept as an error should that change.
        Provider::WebAuthn(p) => Err(AuthError::new(
            ErrorType::InvalidProvider,
            format!("`{}` signs in from the browser", p.id),
        )),
    }
}

fn log_store_error(err: &crate::rate_limit::StoreError) {
    tracing::error!(target: "auth", error = %err, "rate limit store unavailable: the request passes");
}

/// The route's rate limits, for a server-side sign-in: a refusal is the error the route would
/// answer with (`CredentialsSignin` for credentials, `OAuthSignInError` otherwise), with
/// [`Reason::RateLimited`] and the wait in its message.
async fn admit<'a>(
    prepared: &'a Prepared,
    parts: &Parts,
    ctx: &Ctx<'_>,
) -> Result<Option<crate::rate_limit::Gate<'a>>, AuthError> {
    let client = prepared.config.rate_limit.client_of(parts);
    let Some(gate) = super::rate_gate(&prepared.config, client, &ctx.req) else {
        return Ok(None);
    };
    match gate.admit(log_store_error).await {
        Ok(()) => Ok(Some(gate)),
        Err(refused) => {
            let error_type = if ctx.req.action == Action::Callback {
                ErrorType::CredentialsSignin
            } else {
                ErrorType::OAuthSignInError
            };
            Err(AuthError::new(
                error_type,
                format!(
                    "too many attempts: try again in {} seconds",
                    refused.retry_after_secs()
                ),
            )
            .with_reason(Reason::RateLimited))
        }
    }
}

pub(crate) async fn sign_out(
    prepared: &Prepared,
    parts: &Parts,
    options: SignOutOptions,
) -> Result<Outcome<String>, AuthError> {
    let mut body = Map::new();
    body.insert(
        "callbackUrl".into(),
        Value::String(landing(parts, options.redirect_to)),
    );
    let mut ctx = context(prepared, parts, Init::TRUSTED, Action::SignOut, None, body).await?;
    let out = signout::sign_out(&mut ctx).await?;
    redirect_of(ctx, out)
}

pub(crate) async fn csrf_token(
    prepared: &Prepared,
    parts: &Parts,
) -> Result<Outcome<String>, AuthError> {
    let init = Init {
        csrf: true,
        callback_url: false,
    };
    let mut ctx = context(prepared, parts, init, Action::Csrf, None, Map::new()).await?;
    let token = ctx.csrf_token().to_owned();
    Ok(Outcome::new(token, std::mem::take(&mut ctx.set_cookies)))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parts(method: &str, headers: &[(&str, &str)]) -> Parts {
        let mut builder = http::Request::builder()
            .method(method)
            .uri("http://app.test/x");
        for (k, v) in headers {
            builder = builder.header(*k, *v);
        }
        builder
            .body(())
            .map(|r| r.into_parts().0)
            .unwrap_or_else(|_| unreachable!("a valid test request"))
    }

    #[tokio::test]
    async fn a_server_side_credentials_sign_in_hands_authorize_the_callback_route() {
        use std::sync::{Arc, Mutex};
        let seen = Arc::new(Mutex::new(None));
        let record = seen.clone();
        let provider = crate::providers::CredentialsProvider::new().authorize(move |_, req| {
            if let Ok(mut slot) = record.lock() {
                *slot = Some((req.url.clone(), req.headers.contains_key("x-app")));
            }
            async { Ok(Some(crate::types::User::new("1"))) }
        });
        let handler = AuthHandler::new(
            crate::config::AuthConfig::new()
                .secret("s")
                .trust_host(true)
                .provider(provider),
        )
        .unwrap_or_else(|_| unreachable!("a valid configuration"));
        let request = parts("POST", &[("host", "app.test"), ("x-app", "1")]);
        let outcome = handler
            .sign_in(
                &request,
                SignInOptions::provider("credentials").redirect_to("/home"),
            )
            .await
            .unwrap_or_else(|e| unreachable!("{e}"));
        assert_eq!(outcome.value, "http://app.test/home");
        let seen = seen.lock().map(|s| s.clone()).unwrap_or_default();
        assert_eq!(
            seen,
            Some(("http://app.test/auth/callback/credentials".to_owned(), true))
        );
    }

    #[test]
    fn only_unsafe_requests_a_browser_marks_as_cross_site_are_refused() {
        let site = "http://app.test";
        let refused = |method: &str, headers: &[(&str, &str)]| {
            check_same_site(&parts(method, headers), site)
                .err()
                .and_then(|e| e.reason())
        };
        for method in ["GET", "HEAD", "OPTIONS"] {
            assert_eq!(refused(method, &[("sec-fetch-site", "cross-site")]), None);
        }
        for method in ["POST", "PUT", "PATCH", "DELETE"] {
            assert_eq!(
                refused(method, &[("sec-fetch-site", "cross-site")]),
                Some(crate::error::Reason::CrossSiteRequest),
                "{method}"
            );
        }
        for site_header in ["same-origin", "none"] {
            // Sec-Fetch-Site decides when present, whatever Origin says.
            assert_eq!(
                refused(
                    "POST",
                    &[
                        ("sec-fetch-site", site_header),
                        ("origin", "https://evil.example")
                    ]
                ),
                None
            );
        }
        assert_eq!(
            refused("POST", &[("sec-fetch-site", "same-site")]),
            Some(crate::error::Reason::CrossSiteRequest)
        );
        assert_eq!(refused("POST", &[("origin", site)]), None);
        for other in [
            "https://app.test",
            "http://app.test:8080",
            "null",
            "http://evil.example",
        ] {
            assert_eq!(
                refused("POST", &[("origin", other)]),
                Some(crate::error::Reason::CrossSiteRequest),
                "{other}"
            );
        }
        assert_eq!(refused("POST", &[]), None, "not a browser");
    }
}
