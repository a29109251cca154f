//! Per-request setup (Auth.js's `init`): cookie names, the CSRF token, the callback URL; and the
//! small actions that only read it (`/csrf`, `/providers`, `/error`, `/verify-request`).

use http::StatusCode;
use serde_json::{Map, Value, json};

use super::request::AuthRequest;
use super::{Out, Prepared, user_error};
use crate::callbacks::RedirectParams;
use crate::config::AuthConfig;
use crate::cookies::{Cookies, SetCookie};
use crate::csrf::CsrfToken;
use crate::error::{AuthError, ErrorType, Reason};
use crate::jose::JwtCodec;

/// Everything an action needs about the request and the configuration.
pub struct Ctx<'a> {
    /// The configuration.
    pub config: &'a AuthConfig,
    /// The request.
    pub req: AuthRequest,
    /// Cookie names and options for this request.
    pub cookies: &'a Cookies,
    /// The token codec.
    pub codec: &'a JwtCodec,
    /// Session tokens already decoded (this configuration's).
    pub(crate) tokens: &'a super::session::DecodedTokens,
    /// The secrets as strings (CSRF hash input).
    pub secrets: &'a [String],
    /// The base path.
    pub base_path: &'a str,
    /// The CSRF token (None when checks are skipped).
    pub csrf: Option<CsrfToken>,
    /// Whether this POST carried the right CSRF token.
    pub csrf_verified: bool,
    /// The resolved callback URL.
    pub callback_url: String,
    /// Cookies set by init, sent before the action's own.
    pub set_cookies: Vec<SetCookie>,
}

/// How much of Auth.js's `init` a request runs.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct Init {
    /// Read (or create) the CSRF token and verify a POST's. Off for trusted in-process calls,
    /// which forge no token (next-auth's `skipCSRFCheck`).
    pub(crate) csrf: bool,
    /// Resolve the callback URL (query, body, cookie) through the `redirect` callback and
    /// remember it in its cookie. Off for session reads, which never redirect.
    pub(crate) callback_url: bool,
}

impl Init {
    /// A request from a browser to one of the routes.
    pub(crate) const ROUTE: Self = Self {
        csrf: true,
        callback_url: true,
    };
    /// A server-side action (sign-in, sign-out, update): trusted, so no CSRF token.
    pub(crate) const TRUSTED: Self = Self {
        csrf: false,
        callback_url: true,
    };
    /// A session read by server code (next-auth's `auth()`).
    pub(crate) const SESSION_READ: Self = Self {
        csrf: false,
        callback_url: false,
    };
}

fn is_http_url(url: &str, origin: &str) -> bool {
    let base = url::Url::parse(origin).ok();
    url::Url::options()
        .base_url(base.as_ref())
        .parse(url)
        .is_ok_and(|u| matches!(u.scheme(), "http" | "https"))
}

impl<'a> Ctx<'a> {
    /// Runs init for a request.
    pub(crate) async fn new(
        prepared: &'a Prepared,
        req: AuthRequest,
        init: Init,
    ) -> Result<Self, AuthError> {
        let mut ctx = Self::begin(prepared, req, init)?;
        if init.callback_url {
            ctx.resolve_callback_url().await?;
        }
        Ok(ctx)
    }

    /// The synchronous part of init: everything but the callback URL, which runs the `redirect`
    /// callback. A session read ([`Init::SESSION_READ`]) needs nothing more, and keeps its
    /// future small by not awaiting at all here.
    pub(crate) fn begin(
        prepared: &'a Prepared,
        req: AuthRequest,
        init: Init,
    ) -> Result<Self, AuthError> {
        let config = &*prepared.config;
        let cookies = prepared.cookies(&req.origin);
        let secrets = prepared.secrets.as_slice();
        let mut ctx = Self {
            config,
            base_path: &prepared.base_path,
            callback_url: req.origin.clone(),
            req,
            cookies,
            codec: &prepared.codec,
            tokens: &prepared.tokens,
            secrets,
            csrf: None,
            csrf_verified: true,
            set_cookies: Vec::new(),
        };
        if init.callback_url {
            ctx.check_callback_urls()?;
        }
        if init.csrf && !config.skip_csrf_check {
            let token = CsrfToken::from_cookie_or_generate(
                ctx.req.cookie(&cookies.csrf_token.name),
                secrets,
            );
            if token.is_new {
                ctx.set_cookies
                    .push(SetCookie::new(&cookies.csrf_token, token.cookie_value()));
            }
            ctx.csrf_verified = ctx.req.is_post
                && ctx
                    .req
                    .body_str("csrfToken")
                    .is_some_and(|t| token.matches(t));
            ctx.csrf = Some(token);
        }
        Ok(ctx)
    }

    /// assertConfig's request check of `callbackUrl` in the query. (Auth.js checks the
    /// callback-url cookie too and answers 500 to every request while it is bad; here a bad
    /// cookie is ignored and replaced: see [`Self::callback_url_cookie`].)
    fn check_callback_urls(&self) -> Result<(), AuthError> {
        let req = &self.req;
        if let Some(url) = req.query_str("callbackUrl")
            && !url.trim().is_empty()
            && !is_http_url(url, &req.origin)
        {
            return Err(AuthError::new(
                ErrorType::InvalidCallbackUrl,
                "callbackUrl query is not an http(s) URL",
            )
            .with_reason(Reason::CallbackUrlQueryInvalid));
        }
        Ok(())
    }

    /// The callback-url cookie when it holds an absolute http(s) URL, as this engine writes it.
    /// Anything else (a cookie planted by a sibling subdomain, or left by an older version) is
    /// treated as absent, so it cannot break every endpoint; the next callback URL replaces it.
    fn callback_url_cookie(&self) -> Option<&str> {
        self.req
            .cookie(&self.cookies.callback_url.name)
            .filter(|url| {
                url::Url::parse(url).is_ok_and(|u| matches!(u.scheme(), "http" | "https"))
            })
    }

    /// The callback URL: the body's, else the query's (when not empty), else the cookie's, else
    /// the origin, through the `redirect` callback; remembered in its cookie when it changed.
    async fn resolve_callback_url(&mut self) -> Result<(), AuthError> {
        let cookie_value = self.callback_url_cookie().map(str::to_owned);
        let req = &self.req;
        // An empty value (`?callbackUrl=`, an empty form field) is no value: Auth.js falls back
        // to the cookie or the origin.
        let given = |v: &&str| !v.trim().is_empty();
        let asked = req
            .body_str("callbackUrl")
            .filter(given)
            .or_else(|| req.query_str("callbackUrl").filter(given))
            .map(str::to_owned)
            .or_else(|| cookie_value.clone())
            .unwrap_or_else(|| req.origin.clone());
        let callback_url = self.redirect(asked).await?;
        if cookie_value.as_deref() != Some(callback_url.as_str()) {
            self.set_cookies.push(SetCookie::new(
                &self.cookies.callback_url,
                callback_url.clone(),
            ));
        }
        self.callback_url = callback_url;
        Ok(())
    }

    /// `<origin><base path>/<action>`.
    pub fn action_url(&self, action: &str) -> String {
        format!("{}{}/{}", self.req.origin, self.base_path, action)
    }

    /// Encodes session-token claims with the configured codec (`jwt.codec`, else the Auth.js
    /// JWE), the session cookie's name as salt and `jwt.max_age`.
    pub fn encode_session(
        &self,
        claims: &serde_json::Map<String, Value>,
    ) -> Result<String, AuthError> {
        let salt = &self.cookies.session_token.name;
        let max_age = self.config.jwt_max_age();
        let encoded = match &self.config.jwt.codec {
            Some(custom) => custom.encode(claims, salt, max_age, self.codec),
            None => self.codec.encode(claims, salt, max_age),
        };
        encoded.map_err(|e| AuthError::new(ErrorType::JWTSessionError, e.to_string()))
    }

    /// Decodes a session token with the configured codec.
    pub fn decode_session(
        &self,
        token: &str,
    ) -> Result<serde_json::Map<String, Value>, crate::jose::JoseError> {
        let salt = &self.cookies.session_token.name;
        match &self.config.jwt.codec {
            Some(custom) => custom.decode(token, salt, self.codec),
            None => self.codec.decode(token, salt),
        }
    }

    /// The provider with this id, cloned so no borrow of the configuration lives across an
    /// await; `InvalidProvider` when there is none.
    pub fn provider(&self, provider_id: &str) -> Result<crate::providers::Provider, AuthError> {
        self.config
            .providers
            .iter()
            .find(|p| p.id() == provider_id)
            .cloned()
            .ok_or_else(|| {
                AuthError::new(
                    ErrorType::InvalidProvider,
                    format!("no provider with id `{provider_id}`"),
                )
            })
    }

    /// How to read this session cookie value: the configured strategy, except that a JWE under
    /// the database strategy is read as a JWT session. Credentials sign-ins always mint a JWT
    /// (as in Auth.js), and this keeps them signed in when OAuth users have database sessions.
    pub fn strategy_for(&self, cookie_value: Option<&str>) -> crate::config::SessionStrategy {
        use crate::config::SessionStrategy;
        match self.config.resolved_strategy() {
            SessionStrategy::Database
                if cookie_value.is_some_and(|v| v.split('.').count() == 5) =>
            {
                SessionStrategy::Jwt
            }
            configured => configured,
        }
    }

    /// The CSRF token to render into forms.
    pub fn csrf_token(&self) -> &str {
        self.csrf.as_ref().map(CsrfToken::token).unwrap_or("")
    }

    /// Fails with `MissingCSRF` unless this POST is verified.
    pub fn require_csrf(&self) -> Result<(), AuthError> {
        if self.csrf_verified {
            return Ok(());
        }
        // A token generated for this request means the cookie was missing or forged.
        let reason = if self.csrf.as_ref().is_none_or(|t| t.is_new) {
            Reason::CsrfCookieInvalid
        } else {
            Reason::CsrfTokenMismatch
        };
        Err(AuthError::new(
            ErrorType::MissingCSRF,
            "CSRF token was missing during an action",
        )
        .with_reason(reason))
    }

    /// Runs the `redirect` callback on a URL.
    pub async fn redirect(&self, url: String) -> Result<String, AuthError> {
        self.config
            .callbacks
            .run_redirect(RedirectParams {
                url,
                base_url: self.req.origin.clone(),
            })
            .await
            .map_err(|e| user_error(e, ErrorType::InvalidCallbackUrl))
    }
}

/// `GET /csrf`.
pub fn csrf(ctx: &mut Ctx<'_>) -> Out {
    match &ctx.csrf {
        Some(token) => Out::json(StatusCode::OK, json!({ "csrfToken": token.token() })).no_cache(),
        None => {
            ctx.config.logger.warn("csrf-disabled");
            let mut out = Out::empty(StatusCode::NOT_FOUND);
            out.cookies.push(SetCookie::delete(
                &ctx.cookies.csrf_token.name,
                &ctx.cookies.csrf_token.options,
            ));
            out
        }
    }
}

/// `GET /providers`. Auth.js answers it without the init cookies (no CSRF or callback-url
/// cookie), as the HTTP comparison with `@auth/core` shows.
pub fn providers(ctx: &mut Ctx<'_>) -> Out {
    ctx.set_cookies.clear();
    let mut map = Map::new();
    for p in &ctx.config.providers {
        map.insert(
            p.id().to_owned(),
            json!({
                "id": p.id(),
                "name": p.name(),
                "type": p.kind().as_str(),
                "signinUrl": format!("{}/{}", ctx.action_url("signin"), p.id()),
                "callbackUrl": format!("{}/{}", ctx.action_url("callback"), p.id()),
            }),
        );
    }
    Out::json(StatusCode::OK, Value::Object(map))
}

/// `GET /error`.
pub fn error_page(ctx: &mut Ctx<'_>) -> Out {
    let error = ctx.req.query_str("error").unwrap_or("default").to_owned();
    if let Some(page) = &ctx.config.pages.error {
        // Encoded, unlike Auth.js: the raw value could break the Location header.
        let query = form_urlencoded::Serializer::new(String::new())
            .append_pair("error", &error)
            .finish();
        return Out::redirect(format!("{page}?{query}"));
    }
    let status = match error.as_str() {
        "Configuration" => StatusCode::INTERNAL_SERVER_ERROR,
        "AccessDenied" | "Verification" => StatusCode::FORBIDDEN,
        _ => StatusCode::OK,
    };
    let signin = ctx.action_url("signin");
    Out::html(
        status,
        crate::pages::error_page_with_signin(ctx.config, &error, &ctx.req.origin, &signin),
    )
}

/// `GET /verify-request`.
pub fn verify_request(ctx: &mut Ctx<'_>) -> Out {
    if let Some(page) = &ctx.config.pages.verify_request {
        let search = if ctx.req.raw_query.is_empty() {
            String::new()
        } else {
            format!("?{}", ctx.req.raw_query)
        };
        return Out::redirect(format!("{page}{search}"));
    }
    Out::html(
        StatusCode::OK,
        crate::pages::verify_request_page(ctx.config, &ctx.req.origin),
    )
}
