//! [`AuthConfig`]: every option of next-auth's `NextAuthConfig`, with Auth.js's defaults.
//!
//! ```
//! use auth_runtime::config::{AuthConfig, SessionStrategy};
//! use auth_runtime::providers::CredentialsProvider;
//! use auth_runtime::types::User;
//!
//! let config = AuthConfig::new()
//!     .secret("a-long-random-secret")
//!     .provider(CredentialsProvider::new().authorize(|_, _| async { Ok(Some(User::new("1"))) }));
//! assert_eq!(config.session.max_age, 2_592_000);
//! assert_eq!(config.resolved_strategy(), SessionStrategy::Jwt);
//! ```

use std::sync::Arc;

use crate::callbacks::{Callbacks, Events};
use crate::cookies::CookiesOverride;
use crate::env;
use crate::error::{AuthError, ErrorType};
use crate::jose::{DEFAULT_MAX_AGE, Secret};
use crate::providers::{Provider, ProviderKind, TokenAuthMethod};

/// Where sessions live.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SessionStrategy {
    /// An encrypted token in the cookie.
    Jwt,
    /// A session id in the cookie, the session in the adapter's store.
    Database,
}

/// Session options.
#[derive(Clone)]
#[non_exhaustive]
pub struct SessionOptions {
    /// The strategy; default `Database` when an adapter is set, else `Jwt`.
    pub strategy: Option<SessionStrategy>,
    /// Idle lifetime in seconds (default 30 days).
    pub max_age: u64,
    /// How often a session's expiry slides, in seconds (default 1 day; 0 = on every read): a
    /// database session's row is written, a JWT session's cookie re-issued ([`JwtReissue`]).
    pub update_age: u64,
    /// Makes database session tokens; default a random UUID.
    pub generate_session_token: Option<Arc<dyn Fn() -> String + Send + Sync>>,
}

impl std::fmt::Debug for SessionOptions {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("SessionOptions")
            .field("strategy", &self.strategy)
            .field("max_age", &self.max_age)
            .field("update_age", &self.update_age)
            .finish_non_exhaustive()
    }
}

impl Default for SessionOptions {
    fn default() -> Self {
        Self {
            strategy: None,
            max_age: DEFAULT_MAX_AGE,
            update_age: 86_400,
            generate_session_token: None,
        }
    }
}

/// Session token options (next-auth's `jwt`).
#[derive(Clone, Default)]
#[non_exhaustive]
pub struct JwtOptions {
    /// Token lifetime in seconds; default `session.max_age`.
    pub max_age: Option<u64>,
    /// When a session read writes the session cookie again (sliding its expiry). Default
    /// [`JwtReissue::AfterUpdateAge`]; [`JwtReissue::EveryRead`] is Auth.js's behaviour.
    pub reissue: JwtReissue,
    /// Replaces the Auth.js JWE for session tokens (next-auth's `jwt.encode` / `jwt.decode`).
    /// A token another Auth.js app must read should keep the default.
    pub codec: Option<Arc<dyn crate::jose::SessionTokenCodec>>,
}

impl std::fmt::Debug for JwtOptions {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("JwtOptions")
            .field("max_age", &self.max_age)
            .field("reissue", &self.reissue)
            .field("codec", &self.codec.as_ref().map(|_| "custom"))
            .finish()
    }
}

/// When a JWT session read re-encodes the token and sets the session cookie again.
///
/// Auth.js re-encrypts the token and re-sets the cookie on every `GET /session` (and every
/// `auth()`), so the expiry slides on each read. Here, by default, that happens once
/// `session.update_age` (default 1 day) has passed since the token was issued, as Auth.js already
/// does for database sessions; a token the `jwt` callback changed, a refreshed access token and
/// an update are always written. Reads in between cost a decryption instead of a decryption and
/// an encryption, and send no `Set-Cookie`. A deliberate difference from Auth.js, which re-issues on every read.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
#[non_exhaustive]
pub enum JwtReissue {
    /// Re-issue when the token is older than `session.update_age`, or changed.
    #[default]
    AfterUpdateAge,
    /// Re-issue on every read, as Auth.js does.
    EveryRead,
}

/// URLs of custom pages that replace the built-in ones.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
#[non_exhaustive]
pub struct Pages {
    /// Sign-in page.
    pub sign_in: Option<String>,
    /// Sign-out page.
    pub sign_out: Option<String>,
    /// Error page.
    pub error: Option<String>,
    /// "Check your email" page.
    pub verify_request: Option<String>,
    /// Page new users are sent to after their first sign-in.
    pub new_user: Option<String>,
}

impl Pages {
    /// The sign-in page.
    pub fn sign_in(mut self, url: impl Into<String>) -> Self {
        self.sign_in = Some(url.into());
        self
    }

    /// The sign-out page.
    pub fn sign_out(mut self, url: impl Into<String>) -> Self {
        self.sign_out = Some(url.into());
        self
    }

    /// The error page.
    pub fn error(mut self, url: impl Into<String>) -> Self {
        self.error = Some(url.into());
        self
    }

    /// The "check your email" page.
    pub fn verify_request(mut self, url: impl Into<String>) -> Self {
        self.verify_request = Some(url.into());
        self
    }

    /// The page new users are sent to after their first sign-in.
    pub fn new_user(mut self, url: impl Into<String>) -> Self {
        self.new_user = Some(url.into());
        self
    }
}

/// Colour scheme of the built-in pages.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum ColorScheme {
    /// Follow the browser.
    #[default]
    Auto,
    /// Dark.
    Dark,
    /// Light.
    Light,
}

/// Theme of the built-in pages.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
#[non_exhaustive]
pub struct Theme {
    /// Colour scheme.
    pub color_scheme: ColorScheme,
    /// Logo URL.
    pub logo: Option<String>,
    /// Brand colour (CSS).
    pub brand_color: Option<String>,
    /// Button text colour (CSS).
    pub button_text: Option<String>,
}

impl Theme {
    /// The colour scheme.
    pub fn color_scheme(mut self, scheme: ColorScheme) -> Self {
        self.color_scheme = scheme;
        self
    }

    /// The logo URL.
    pub fn logo(mut self, url: impl Into<String>) -> Self {
        self.logo = Some(url.into());
        self
    }

    /// The brand colour (CSS).
    pub fn brand_color(mut self, color: impl Into<String>) -> Self {
        self.brand_color = Some(color.into());
        self
    }

    /// The button text colour (CSS).
    pub fn button_text(mut self, color: impl Into<String>) -> Self {
        self.button_text = Some(color.into());
        self
    }
}

/// Experimental features.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
#[non_exhaustive]
pub struct Experimental {
    /// Enables WebAuthn (passkeys).
    pub enable_webauthn: bool,
}

/// Receives Auth.js's log lines. The default writes to `tracing`.
pub trait Logger: Send + Sync {
    /// An error, with its type (`JWTSessionError`, ...).
    fn error(&self, error: &AuthError);
    /// A warning code (`debug-enabled`, `csrf-disabled`, ...).
    fn warn(&self, code: &str);
    /// A debug message (only when `debug` is on).
    fn debug(&self, code: &str, message: &str);
}

/// The default logger: `tracing` events with target `auth`; while no `tracing` subscriber is
/// installed, errors and warnings go to standard error instead (`[auth][error] ...`, as Auth.js
/// writes them to the console), so an app without one still sees them. Refused sign-ins the
/// visitor caused (wrong credentials, a denied sign-in, a used link) are warnings, not errors.
#[derive(Debug, Clone, Copy, Default)]
pub struct TracingLogger;

/// Whether log lines should go to standard error: no `tracing` subscriber was installed.
fn no_subscriber() -> bool {
    !tracing::dispatcher::has_been_set()
}

/// A warning at start-up (the configuration), through `tracing` or on standard error.
pub(crate) fn startup_warning(message: &str) {
    if no_subscriber() {
        eprintln!("[auth][warn] {message}");
    } else {
        tracing::warn!(target: "auth", "{message}");
    }
}

impl Logger for TracingLogger {
    fn error(&self, error: &AuthError) {
        let visitor_caused = matches!(
            error.error_type(),
            ErrorType::CredentialsSignin | ErrorType::AccessDenied | ErrorType::Verification
        );
        match (no_subscriber(), visitor_caused) {
            (true, true) => eprintln!("[auth][warn] {error}"),
            (true, false) => eprintln!("[auth][error] {error}"),
            (false, true) => {
                tracing::warn!(target: "auth", error_type = %error.error_type(), "{}", error.message());
            }
            (false, false) => {
                tracing::error!(target: "auth", error_type = %error.error_type(), "{}", error.message());
            }
        }
    }
    fn warn(&self, code: &str) {
        if no_subscriber() {
            eprintln!("[auth][warn] {code}");
        } else {
            tracing::warn!(target: "auth", code, "auth warning");
        }
    }
    fn debug(&self, code: &str, message: &str) {
        // Called only with `debug` on, as in Auth.js: visible without a subscriber too.
        if no_subscriber() {
            eprintln!("[auth][debug] {code}: {message}");
        } else {
            tracing::debug!(target: "auth", code, "{message}");
        }
    }
}

/// The whole configuration. Build it with [`AuthConfig::new`] and the setters, or fill the public
/// fields; [`AuthConfig::from_env`] starts from the environment.
#[derive(Clone)]
#[non_exhaustive]
pub struct AuthConfig {
    /// Providers, in the order the sign-in page lists them.
    pub providers: Vec<Provider>,
    /// Secrets, newest first; the first encrypts. Empty = infer from `AUTH_SECRET*`.
    pub secret: Vec<Secret>,
    /// Base path of the routes; default `/auth`, or `AUTH_URL`'s path.
    pub base_path: Option<String>,
    /// The public URL of the app (`AUTH_URL`); when set, its origin is used for every URL.
    pub url: Option<String>,
    /// Trust the `Host` / `X-Forwarded-*` headers; see [`env::trust_host_from_env`].
    pub trust_host: Option<bool>,
    /// Force `Secure` cookies on or off; default by the request's scheme.
    pub use_secure_cookies: Option<bool>,
    /// Session options.
    pub session: SessionOptions,
    /// Token options.
    pub jwt: JwtOptions,
    /// Cookie overrides.
    pub cookies: CookiesOverride,
    /// Callbacks.
    pub callbacks: Callbacks,
    /// Events.
    pub events: Events,
    /// Custom pages.
    pub pages: Pages,
    /// Theme of the built-in pages.
    pub theme: Theme,
    /// Drop the OAuth/OIDC providers that have no client id once the environment is read
    /// ([`AuthConfig::apply_env`]): a deployment offers the providers it configured.
    pub offer_configured_only: bool,
    /// The app's typed fields ([`crate::extension`]): copied from the user into the token at
    /// sign-in, the exposed ones into `session.user`, and checked on every read.
    pub extension: Option<crate::extension::ExtensionSchema>,
    /// Debug logging.
    pub debug: bool,
    /// Where log lines go.
    pub logger: Arc<dyn Logger>,
    /// Experimental features.
    pub experimental: Experimental,
    /// Redirect proxy for OAuth callbacks (preview deployments).
    pub redirect_proxy_url: Option<String>,
    /// On the redirect proxy: the origins it forwards callbacks to (`https://app.example`, or
    /// `https://*.preview.example` for subdomains); `AUTH_REDIRECT_PROXY_TARGETS`. Empty: none.
    pub redirect_proxy_targets: Vec<String>,
    /// Turns CSRF checks off; only for framework glue that checks requests itself.
    pub skip_csrf_check: bool,
    /// Rate limits of the sign-in endpoints; on by default ([`crate::rate_limit`]).
    /// `AUTH_RATE_LIMIT=off` turns them off.
    pub rate_limit: crate::rate_limit::RateLimits,
    /// Database adapter.
    pub adapter: Option<crate::adapter::Adapters>,
    /// HTTP client for every provider request (next-auth's `customFetch`); default reqwest.
    pub http_client: Option<Arc<dyn crate::http_client::HttpClient>>,
    /// True when [`AuthConfig::apply_env`] generated a development secret because none was set.
    pub generated_secret: bool,
}

impl std::fmt::Debug for AuthConfig {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("AuthConfig")
            .field("providers", &self.providers)
            .field("secret", &self.secret)
            .field("base_path", &self.base_path)
            .field("url", &self.url)
            .field("trust_host", &self.trust_host)
            .field("session", &self.session)
            .field("pages", &self.pages)
            .field("adapter", &self.adapter.is_some())
            .field("rate_limit", &self.rate_limit)
            .field("extension", &self.extension)
            .finish_non_exhaustive()
    }
}

impl Default for AuthConfig {
    fn default() -> Self {
        Self::new()
    }
}

impl AuthConfig {
    /// An empty configuration with Auth.js's defaults and nothing read from the environment.
    pub fn new() -> Self {
        Self {
            providers: Vec::new(),
            secret: Vec::new(),
            base_path: None,
            url: None,
            trust_host: None,
            use_secure_cookies: None,
            session: SessionOptions::default(),
            jwt: JwtOptions::default(),
            cookies: CookiesOverride::default(),
            callbacks: Callbacks::default(),
            events: Events::default(),
            pages: Pages::default(),
            theme: Theme::default(),
            debug: false,
            logger: Arc::new(TracingLogger),
            experimental: Experimental::default(),
            redirect_proxy_url: None,
            redirect_proxy_targets: Vec::new(),
            skip_csrf_check: false,
            rate_limit: crate::rate_limit::RateLimits::default(),
            adapter: None,
            http_client: None,
            generated_secret: false,
            offer_configured_only: false,
            extension: None,
        }
    }

    /// A configuration whose secret, URL, trust and proxy settings come from the process
    /// environment (see [`AuthConfig::apply_env`]).
    pub fn from_env() -> Self {
        let mut config = Self::new();
        config.apply_env(&env::process_env);
        config
    }

    /// Fills every unset option that the environment can give, as Auth.js's `setEnvDefaults`:
    /// secrets, `url`, `base_path` (from `AUTH_URL`'s path), `trust_host`, `redirect_proxy_url`,
    /// and each OAuth provider's client id, secret and issuer.
    pub fn apply_env(&mut self, env: &dyn Fn(&str) -> Option<String>) {
        if self.secret.is_empty() {
            self.secret = env::secrets_from_env(env);
        }
        if self.secret.is_empty() && !env::is_production(env) {
            // Development only: a fresh secret per process, so sessions end at every restart.
            startup_warning(
                "AUTH_SECRET is not set: using a generated development secret (sessions end when \
                 the process exits); set AUTH_SECRET (`auth secret` prints one) before deploying",
            );
            self.secret.push(Secret::new(crate::csrf::random_hex_32()));
            self.generated_secret = true;
        }
        if self.url.is_none() {
            self.url = env::url_from_env(env);
        }
        if self.base_path.is_none()
            && let Some(url) = &self.url
            && let Ok(parsed) = url::Url::parse(url)
            && parsed.path() != "/"
        {
            self.base_path = Some(parsed.path().trim_end_matches('/').to_owned());
        }
        if self.trust_host.is_none() {
            self.trust_host = Some(env::trust_host_from_env(env));
        }
        if self.redirect_proxy_url.is_none() {
            self.redirect_proxy_url = env::redirect_proxy_url_from_env(env);
        }
        // Only an explicit "off" (false, 0, no) turns the limits off: an empty value, as a
        // deployment template leaves it, does not.
        if env("AUTH_RATE_LIMIT")
            .is_some_and(|v| !v.trim().is_empty() && env::parse_bool(&v) == Some(false))
        {
            self.rate_limit.enabled = false;
        }
        if self.redirect_proxy_targets.is_empty() {
            self.redirect_proxy_targets = env::redirect_proxy_targets_from_env(env);
        }
        for provider in &mut self.providers {
            if let Provider::Email(p) = provider {
                let prefix = env::provider_prefix(&p.id);
                let var =
                    |suffix: &str| env(&format!("{prefix}_{suffix}")).filter(|v| !v.is_empty());
                if p.server.is_none() {
                    p.server = var("SERVER");
                }
                if p.api_key.is_none() {
                    p.api_key = var("KEY");
                }
                if p.transactional_id.is_none() {
                    p.transactional_id = var("TRANSACTIONAL_ID");
                }
            }
            if let Provider::OAuth(p) = provider {
                let vars = env::provider_env(&p.id, env);
                if p.client_id.is_none() {
                    p.client_id = vars.client_id;
                }
                if p.client_secret.is_none() {
                    p.client_secret = vars.client_secret.map(Secret::new);
                }
                if p.issuer.is_none() {
                    p.issuer = vars.issuer;
                }
            }
        }
        if self.offer_configured_only {
            // Only the OAuth/OIDC providers whose client id is now known stay offered.
            self.providers
                .retain(|p| !matches!(p, Provider::OAuth(o) if o.client_id.is_none()));
        }
    }

    /// Adds a secret (the first one added encrypts).
    pub fn secret(mut self, secret: impl Into<String>) -> Self {
        self.secret.push(Secret::new(secret));
        self
    }

    /// Adds a provider.
    pub fn provider(mut self, provider: impl Into<Provider>) -> Self {
        self.providers.push(provider.into());
        self
    }

    /// Sets the base path.
    pub fn base_path(mut self, base_path: impl Into<String>) -> Self {
        self.base_path = Some(base_path.into());
        self
    }

    /// Sets the callbacks.
    pub fn callbacks(mut self, callbacks: Callbacks) -> Self {
        self.callbacks = callbacks;
        self
    }

    /// Sets the events.
    pub fn events(mut self, events: Events) -> Self {
        self.events = events;
        self
    }

    /// Sets when a JWT session read re-issues the cookie ([`JwtReissue`]).
    pub fn jwt_reissue(mut self, reissue: JwtReissue) -> Self {
        self.jwt.reissue = reissue;
        self
    }

    /// Sets the public URL of the app (`AUTH_URL`): its origin makes every absolute URL, whatever
    /// the request's headers say.
    pub fn url(mut self, url: impl Into<String>) -> Self {
        self.url = Some(url.into());
        self
    }

    /// Sets the rate limits ([`crate::rate_limit::RateLimits::off`] turns them off).
    pub fn rate_limit(mut self, limits: crate::rate_limit::RateLimits) -> Self {
        self.rate_limit = limits;
        self
    }

    /// On a redirect proxy: allows forwarding callbacks to `origin`, an origin
    /// (`https://app.example`) or a subdomain pattern (`https://*.preview.example`).
    pub fn redirect_proxy_target(mut self, origin: impl Into<String>) -> Self {
        self.redirect_proxy_targets.push(origin.into());
        self
    }

    /// Offers only the OAuth/OIDC providers whose client id is configured (in code or by
    /// `AUTH_<ID>_ID`); the others are dropped when the environment is read.
    pub fn offer_configured_only(mut self, only: bool) -> Self {
        self.offer_configured_only = only;
        self
    }

    /// The app's typed fields, `E` ([`crate::extension`]); `#[auth(extension = E)]` sets it.
    pub fn extension<E: crate::extension::AuthExtension>(mut self) -> Self {
        self.extension = Some(crate::extension::ExtensionSchema::of::<E>());
        self
    }

    /// The built-in pages' theme.
    pub fn theme(mut self, theme: Theme) -> Self {
        self.theme = theme;
        self
    }

    /// Custom pages instead of the built-in ones (paths on this site).
    pub fn pages(mut self, pages: Pages) -> Self {
        self.pages = pages;
        self
    }

    /// `__Secure-`/`__Host-` cookie names and the `Secure` attribute: `Some(true)` always,
    /// `Some(false)` never, `None` (the default) on `https` origins.
    pub fn use_secure_cookies(mut self, secure: Option<bool>) -> Self {
        self.use_secure_cookies = secure;
        self
    }

    /// Sets `trust_host`: whether the `Host` and `X-Forwarded-*` headers decide the origin when
    /// no URL is configured. Unset: trusted in a debug build, untrusted in a release build.
    pub fn trust_host(mut self, trust: bool) -> Self {
        self.trust_host = Some(trust);
        self
    }

    /// Sets the session strategy.
    pub fn session_strategy(mut self, strategy: SessionStrategy) -> Self {
        self.session.strategy = Some(strategy);
        self
    }

    /// Sets the adapter: an `Arc` of an adapter with every capability, or [`Adapters`] naming
    /// what a partial one stores (`assert_valid` then checks that the configuration needs no more).
    ///
    /// [`Adapters`]: crate::adapter::Adapters
    pub fn adapter(mut self, adapter: impl Into<crate::adapter::Adapters>) -> Self {
        self.adapter = Some(adapter.into());
        self
    }

    /// Whether an email provider has no sender yet.
    pub(crate) fn email_senders_missing(&self) -> bool {
        self.providers
            .iter()
            .any(|p| matches!(p, Provider::Email(e) if e.sender.is_none()))
    }

    /// Gives every email provider without a sender one: the SMTP server of its `server`
    /// setting, else, outside a `production_build`, the standard output. A production build
    /// never prints sign-in links (whoever reads the logs would sign in).
    pub(crate) fn resolve_email_senders(
        &mut self,
        production_build: bool,
    ) -> Result<(), AuthError> {
        for provider in &mut self.providers {
            let Provider::Email(p) = provider else {
                continue;
            };
            if p.sender.is_some() {
                continue;
            }
            if let Some(api) = crate::providers::email_api::EmailApi::for_provider(&p.id) {
                p.sender = Some(Arc::new(Self::api_sender(
                    p,
                    api,
                    self.http_client.clone(),
                )?));
                continue;
            }
            let var = format!("{}_SERVER", env::provider_prefix(&p.id));
            match &p.server {
                Some(server) => {
                    #[cfg(feature = "smtp")]
                    {
                        let sender =
                            crate::providers::smtp::SmtpSender::from_url(server).map_err(|e| {
                                AuthError::new(
                                    ErrorType::InvalidEndpoints,
                                    format!("provider `{}`: {e} ({var})", p.id),
                                )
                            })?;
                        p.sender = Some(Arc::new(sender));
                    }
                    #[cfg(not(feature = "smtp"))]
                    {
                        let _ = server;
                        return Err(AuthError::new(
                            ErrorType::InvalidEndpoints,
                            format!(
                                "provider `{}` has an SMTP server: enable auth-runtime's `smtp` feature",
                                p.id
                            ),
                        ));
                    }
                }
                None if production_build => {
                    return Err(AuthError::new(
                        ErrorType::InvalidEndpoints,
                        format!(
                            "provider `{}` has no way to send its links: set {var} (an SMTP server URL) or give it a sender",
                            p.id
                        ),
                    ));
                }
                None => {
                    tracing::warn!(
                        target: "auth",
                        "provider `{}` has no SMTP server ({var}): sign-in links are printed on standard output (development only)",
                        p.id
                    );
                    p.sender = Some(Arc::new(crate::providers::StdoutSender));
                }
            }
        }
        Ok(())
    }

    /// The HTTP-API sender of an email provider of Auth.js's catalogue.
    fn api_sender(
        p: &crate::providers::EmailProvider,
        api: crate::providers::email_api::EmailApi,
        http: Option<Arc<dyn crate::http_client::HttpClient>>,
    ) -> Result<crate::providers::email_api::ApiSender, AuthError> {
        use crate::providers::email_api::{ApiSender, EmailApi};
        let prefix = env::provider_prefix(&p.id);
        let refuse = |message: String| {
            AuthError::new(
                ErrorType::InvalidEndpoints,
                format!("provider `{}`: {message}", p.id),
            )
        };
        let key = p
            .api_key
            .clone()
            .ok_or_else(|| refuse(format!("set {prefix}_KEY (the service's API key)")))?;
        let api = match api {
            EmailApi::Loops { .. } => EmailApi::Loops {
                transactional_id: p.transactional_id.clone().ok_or_else(|| {
                    refuse(format!(
                        "set {prefix}_TRANSACTIONAL_ID (the Loops template)"
                    ))
                })?,
            },
            other => other,
        };
        let http = http
            .or_else(crate::http_client::default_client)
            .ok_or_else(|| {
                refuse("needs an HTTP client: enable auth-runtime's `reqwest` feature or set `http_client`".into())
            })?;
        let mut sender = ApiSender::new(api, key, http);
        if let Some(base) = &p.api_base_url {
            // The key travels with every request: never in clear to another machine.
            if Self::plain_http_refused(base, !cfg!(debug_assertions)) {
                return Err(refuse(format!(
                    "{base} is plain http; use https (http is accepted only on loopback or in a debug build)"
                )));
            }
            sender = sender.base_url(base);
        }
        Ok(sender)
    }

    /// Whether `provider` can reach its endpoints: through its own client, the configuration's,
    /// or the default one (`default`: the `reqwest` feature is on).
    fn has_http_client(&self, provider: &crate::providers::OAuthProvider, default: bool) -> bool {
        provider.http_client.is_some() || self.http_client.is_some() || default
    }

    /// The strategy in force: the explicit one, else `Database` with an adapter, else `Jwt`.
    pub fn resolved_strategy(&self) -> SessionStrategy {
        self.session.strategy.unwrap_or(if self.adapter.is_some() {
            SessionStrategy::Database
        } else {
            SessionStrategy::Jwt
        })
    }

    /// Token lifetime: `jwt.max_age`, else `session.max_age`.
    pub fn jwt_max_age(&self) -> u64 {
        self.jwt.max_age.unwrap_or(self.session.max_age)
    }

    /// The base path in force, normalised (leading `/`, no trailing `/`).
    pub fn resolved_base_path(&self) -> String {
        let raw = self.base_path.as_deref().unwrap_or("/auth");
        let trimmed = raw.trim_end_matches('/');
        if trimmed.starts_with('/') {
            trimmed.to_owned()
        } else {
            format!("/{trimmed}")
        }
    }

    /// Whether the `Host` and `X-Forwarded-*` headers may decide the origin. An unset
    /// `trust_host` is what an empty environment says ([`env::trust_host_from_env`]): trusted in a
    /// development build, untrusted in a `production_build` (a release build), as Auth.js trusts
    /// the host only when `NODE_ENV` is not `production`.
    pub(crate) fn host_is_trusted(&self, production_build: bool) -> bool {
        self.trust_host.unwrap_or(!production_build)
    }

    /// A passkey provider needs the experimental flag (Auth.js's `enableWebAuthn`), the
    /// `webauthn` feature, and a relying-party origin that parses.
    fn check_webauthn(&self, p: &crate::providers::WebAuthnProvider) -> Result<(), AuthError> {
        if !self.experimental.enable_webauthn {
            return Err(AuthError::new(
                ErrorType::ExperimentalFeatureNotEnabled,
                format!(
                    "provider `{}`: WebAuthn is an experimental feature; set experimental.enable_webauthn",
                    p.id
                ),
            ));
        }
        if !cfg!(feature = "webauthn") {
            return Err(AuthError::new(
                ErrorType::InvalidProvider,
                format!(
                    "provider `{}` needs auth-runtime's `webauthn` feature",
                    p.id
                ),
            ));
        }
        if let Some(rp) = &p.relying_party
            && (url::Url::parse(&rp.origin).is_err() || rp.id.is_empty())
        {
            return Err(AuthError::new(
                ErrorType::InvalidProvider,
                format!(
                    "provider `{}`: the relying party needs an id and an origin URL",
                    p.id
                ),
            ));
        }
        Ok(())
    }

    /// Whether `url` must be refused as a provider endpoint: plain `http` to a host other than
    /// loopback, in a `production_build`. Tokens, codes and client secrets travel there.
    pub(crate) fn plain_http_refused(url: &str, production_build: bool) -> bool {
        let Ok(parsed) = url::Url::parse(url) else {
            return false;
        };
        let loopback = match parsed.host() {
            Some(url::Host::Domain(domain)) => domain.eq_ignore_ascii_case("localhost"),
            Some(url::Host::Ipv4(ip)) => ip.is_loopback(),
            Some(url::Host::Ipv6(ip)) => ip.is_loopback(),
            None => false,
        };
        production_build && parsed.scheme() == "http" && !loopback
    }

    /// Auth.js's `assertConfig` for what does not depend on the request: untrusted host,
    /// missing secret, provider endpoints, credentials rules and adapter requirements. Every
    /// problem is reported at once: the error has the type (and reason) of the first, and its
    /// message lists them all.
    pub fn assert_valid(&self) -> Result<(), AuthError> {
        let problems: Vec<AuthError> = [
            self.check_host(),
            crate::redirect_proxy::check_patterns(&self.redirect_proxy_targets),
            self.check_secret(),
            self.check_base_path(),
            self.check_providers(),
        ]
        .into_iter()
        .filter_map(Result::err)
        .collect();
        AuthError::all(problems)
    }

    fn check_host(&self) -> Result<(), AuthError> {
        if !self.host_is_trusted(!cfg!(debug_assertions)) && self.url.is_none() {
            return Err(AuthError::new(
                ErrorType::UntrustedHost,
                "Host must be trusted: set AUTH_URL or AUTH_TRUST_HOST=true, or trust_host(true)",
            )
            .with_reason(crate::error::Reason::HostNotTrusted));
        }
        Ok(())
    }

    fn check_secret(&self) -> Result<(), AuthError> {
        if self.secret.is_empty() {
            return Err(AuthError::new(
                ErrorType::MissingSecret,
                "Please define a secret: set AUTH_SECRET (generate one with `auth secret`)",
            ));
        }
        if self.secret.iter().any(|s| s.expose().is_empty()) {
            return Err(AuthError::new(
                ErrorType::MissingSecret,
                "a configured secret is empty",
            ));
        }
        Ok(())
    }

    fn check_base_path(&self) -> Result<(), AuthError> {
        let base_path = self.base_path.as_deref().unwrap_or("/auth");
        if base_path.contains(['?', '#', ' ']) || base_path.contains("//") {
            return Err(AuthError::new(
                ErrorType::UnknownAction,
                "base_path must be a plain path such as /auth",
            ));
        }
        Ok(())
    }

    /// Providers, the credentials rules and what the adapter must store.
    fn check_providers(&self) -> Result<(), AuthError> {
        let mut has_credentials = false;
        let mut only_credentials = !self.providers.is_empty();
        let mut conditional_ui = 0;
        for provider in &self.providers {
            match provider {
                Provider::Email(_) => only_credentials = false,
                Provider::WebAuthn(p) => {
                    only_credentials = false;
                    self.check_webauthn(p)?;
                    conditional_ui += usize::from(p.enable_conditional_ui);
                    if conditional_ui > 1 {
                        return Err(AuthError::new(
                            ErrorType::DuplicateConditionalUI,
                            "only one passkey provider may offer conditional UI (autofill)",
                        ));
                    }
                }
                Provider::OAuth(p) => {
                    only_credentials = false;
                    let default = crate::http_client::default_client().is_some();
                    if !self.has_http_client(p, default) {
                        return Err(AuthError::new(
                            ErrorType::InvalidEndpoints,
                            format!(
                                "provider `{}` needs an HTTP client: enable auth-runtime's `reqwest` feature or set `http_client`",
                                p.id
                            ),
                        ));
                    }
                    let endpoints = [&p.authorization_url, &p.token_url]
                        .into_iter()
                        .chain([&p.userinfo_url, &p.jwks_url])
                        .flatten();
                    let templated = endpoints
                        .clone()
                        .any(|url| url.contains(crate::providers::ISSUER_PLACEHOLDER));
                    if templated && p.issuer.is_none() {
                        return Err(AuthError::new(
                            ErrorType::InvalidEndpoints,
                            format!(
                                "provider `{}` has its endpoints on each deployment's instance: set AUTH_{}_ISSUER to the instance's URL (or `issuer(..)` in its options)",
                                p.id,
                                env::env_provider_id(&p.id)
                            ),
                        ));
                    }
                    let configured = p
                        .issuer
                        .iter()
                        .cloned()
                        .chain(endpoints.filter_map(|url| p.endpoint_url(Some(url))));
                    for url in configured {
                        let url = url.as_str();
                        if Self::plain_http_refused(url, !cfg!(debug_assertions)) {
                            return Err(AuthError::new(
                                ErrorType::InvalidEndpoints,
                                format!(
                                    "provider `{}`: {url} is plain http; use https (http is accepted only on loopback or in a debug build)",
                                    p.id
                                ),
                            )
                            .with_reason(crate::error::Reason::PlainHttpEndpoint));
                        }
                    }
                    let method = p.token_auth_method;
                    let signing = match method {
                        TokenAuthMethod::PrivateKeyJwt if p.client_private_key.is_none() => Some(
                            "a private key: set `client_private_key(ClientKey::..)`".to_owned(),
                        ),
                        TokenAuthMethod::ClientSecretJwt
                            if p.client_secret
                                .as_ref()
                                .is_none_or(|s| s.expose().is_empty()) =>
                        {
                            Some(format!(
                                "a client secret: set AUTH_{}_SECRET",
                                env::env_provider_id(&p.id)
                            ))
                        }
                        _ => None,
                    };
                    if let Some(needed) = signing {
                        return Err(AuthError::new(
                            ErrorType::InvalidProvider,
                            format!(
                                "provider `{}` authenticates with {} and needs {needed}",
                                p.id,
                                method.name()
                            ),
                        ));
                    }
                    if !p.has_endpoints() {
                        return Err(AuthError::new(
                            ErrorType::InvalidEndpoints,
                            format!(
                                "provider `{}` has neither an issuer nor authorization, token and userinfo URLs: set AUTH_{}_ISSUER (or `issuer(..)` in its options)",
                                p.id,
                                env::env_provider_id(&p.id)
                            ),
                        ));
                    }
                }
                Provider::Credentials(p) => {
                    has_credentials = true;
                    if !p.has_authorize() {
                        return Err(AuthError::new(
                            ErrorType::MissingAuthorize,
                            format!(
                                "credentials provider `{}` needs an authorize callback",
                                p.id
                            ),
                        ));
                    }
                }
            }
        }
        let database = self.session.strategy == Some(SessionStrategy::Database);
        if has_credentials && only_credentials && database {
            return Err(AuthError::new(
                ErrorType::UnsupportedStrategy,
                "the credentials provider cannot be the only provider with database sessions",
            ));
        }
        let has_email = self
            .providers
            .iter()
            .any(|p| p.kind() == ProviderKind::Email);
        let has_webauthn = self
            .providers
            .iter()
            .any(|p| p.kind() == ProviderKind::WebAuthn);
        let Some(adapter) = &self.adapter else {
            if has_email || database || has_webauthn {
                return Err(AuthError::new(
                    ErrorType::MissingAdapter,
                    if has_email {
                        "Email login requires an adapter"
                    } else if has_webauthn {
                        "Passkeys require an adapter"
                    } else {
                        "Database session requires an adapter"
                    },
                ));
            }
            return Ok(());
        };
        let missing = [
            (database && adapter.sessions().is_none(), "sessions"),
            (
                has_email && adapter.verification_tokens().is_none(),
                "verification tokens",
            ),
            (
                has_webauthn && adapter.authenticators().is_none(),
                "authenticators",
            ),
        ];
        let missing: Vec<&str> = missing
            .iter()
            .filter(|(lacking, _)| *lacking)
            .map(|(_, what)| *what)
            .collect();
        if !missing.is_empty() {
            return Err(AuthError::new(
                ErrorType::MissingAdapterMethods,
                format!(
                    "the adapter does not store {}, which this configuration needs",
                    missing.join(" or ")
                ),
            ));
        }
        let lost: Vec<&str> = self
            .extension
            .iter()
            .flat_map(|extension| extension.fields())
            .filter(|field| field.on_user() && !adapter.users().keeps_user_member(field.name()))
            .map(|field| field.name())
            .collect();
        if !lost.is_empty() {
            return Err(AuthError::new(
                ErrorType::MissingAdapterMethods,
                format!(
                    "the adapter's users have no `{}`, which the extension reads from the user \
                     (#[auth(user)]): give the SQL schema a column for it \
                     (Schema::with_user_column(UserColumn::text(\"{}\")) or the kind it holds)",
                    lost.join("`, `"),
                    lost[0]
                ),
            ));
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::providers::{CredentialsProvider, OAuthProvider};
    use crate::types::User;

    fn creds() -> CredentialsProvider {
        CredentialsProvider::new().authorize(|_, _| async { Ok(Some(User::new("1"))) })
    }

    #[test]
    fn every_problem_is_reported_at_once_and_readably() {
        let mut config = AuthConfig::new().trust_host(false).base_path("/a b");
        config.url = None;
        let err = config.assert_valid().unwrap_err();
        if !cfg!(debug_assertions) {
            // Release builds: the host is untrusted too.
            assert_eq!(err.error_type(), ErrorType::UntrustedHost);
        }
        let text = format!("{err:?}");
        assert!(
            text.contains("MissingSecret: Please define a secret"),
            "{text}"
        );
        assert!(
            text.contains("UnknownAction: base_path must be a plain path"),
            "{text}"
        );
        assert!(!text.contains("AuthError {"), "{text}");
        // One problem is itself.
        let one = AuthConfig::new()
            .trust_host(true)
            .assert_valid()
            .unwrap_err();
        assert_eq!(one.error_type(), ErrorType::MissingSecret);
        assert!(!one.to_string().contains("configuration problems"));
    }

    #[test]
    fn missing_secret_is_reported() {
        let err = AuthConfig::new()
            .trust_host(true)
            .assert_valid()
            .unwrap_err();
        assert_eq!(err.error_type(), ErrorType::MissingSecret);
    }

    #[test]
    fn development_generates_a_secret_and_production_does_not() {
        let mut dev = AuthConfig::new();
        dev.apply_env(&|k| (k == "AUTH_ENV").then(|| "development".to_owned()));
        assert!(dev.generated_secret);
        assert_eq!(dev.secret.len(), 1);
        let mut prod = AuthConfig::new().trust_host(true);
        prod.apply_env(&|k| (k == "AUTH_ENV").then(|| "production".to_owned()));
        assert_eq!(
            prod.assert_valid().unwrap_err().error_type(),
            ErrorType::MissingSecret
        );
    }

    #[test]
    fn an_unset_trust_host_is_untrusted_in_a_production_build() {
        let unset = AuthConfig::new().secret("s");
        assert!(!unset.host_is_trusted(true));
        assert!(unset.host_is_trusted(false));
        assert!(!unset.clone().trust_host(false).host_is_trusted(false));
        assert!(unset.clone().trust_host(true).host_is_trusted(true));
        // The build this test runs in decides; a configured URL makes the host irrelevant.
        assert_eq!(
            unset.assert_valid().map_err(|e| e.reason()),
            if cfg!(debug_assertions) {
                Ok(())
            } else {
                Err(Some(crate::error::Reason::HostNotTrusted))
            }
        );
        unset.url("https://app.example").assert_valid().unwrap();
    }

    #[test]
    fn plain_http_endpoints_are_refused_in_a_production_build_except_on_loopback() {
        let refused = |url| AuthConfig::plain_http_refused(url, true);
        assert!(refused("http://idp.example/realms/x"));
        assert!(refused("http://10.0.0.8:8080/"));
        for allowed in [
            "https://idp.example",
            "http://localhost:8080",
            "http://127.0.0.1:9000/realms/x",
            "http://[::1]:9000",
        ] {
            assert!(!refused(allowed), "{allowed}");
        }
        assert!(!AuthConfig::plain_http_refused("http://idp.example", false));
        // The build this test runs in decides for a whole configuration.
        let config = AuthConfig::new().secret("s").trust_host(true).provider(
            crate::providers::OAuthProvider::new("p", "P", ProviderKind::Oidc)
                .issuer("http://idp.example"),
        );
        assert_eq!(
            config.assert_valid().err().and_then(|e| e.reason()),
            (!cfg!(debug_assertions)).then_some(crate::error::Reason::PlainHttpEndpoint)
        );
    }

    #[test]
    fn credentials_rules() {
        let err = AuthConfig::new()
            .secret("s")
            .trust_host(true)
            .provider(CredentialsProvider::new())
            .assert_valid()
            .unwrap_err();
        assert_eq!(err.error_type(), ErrorType::MissingAuthorize);
        let mut config = AuthConfig::new()
            .secret("s")
            .trust_host(true)
            .provider(creds());
        config.session.strategy = Some(SessionStrategy::Database);
        assert_eq!(
            config.assert_valid().unwrap_err().error_type(),
            ErrorType::UnsupportedStrategy
        );
    }

    #[test]
    fn oauth_provider_needs_endpoints_and_reads_env() {
        let mut config =
            AuthConfig::new()
                .secret("s")
                .trust_host(true)
                .provider(OAuthProvider::new(
                    "keycloak",
                    "Keycloak",
                    ProviderKind::Oidc,
                ));
        assert_eq!(
            config.assert_valid().unwrap_err().error_type(),
            ErrorType::InvalidEndpoints
        );
        config.apply_env(&|k| match k {
            "AUTH_KEYCLOAK_ISSUER" => Some("http://127.0.0.1:8080/realms/x".into()),
            "AUTH_KEYCLOAK_ID" => Some("client".into()),
            "AUTH_URL" => Some("https://app.example/api/auth".into()),
            _ => None,
        });
        config.assert_valid().unwrap();
        assert_eq!(config.resolved_base_path(), "/api/auth");
        let Provider::OAuth(p) = &config.providers[0] else {
            unreachable!()
        };
        assert_eq!(p.client_id.as_deref(), Some("client"));
    }

    #[test]
    fn assertions_do_not_leak_between_configurations() {
        let mut with_db = AuthConfig::new()
            .secret("s")
            .trust_host(true)
            .provider(creds());
        with_db.session.strategy = Some(SessionStrategy::Database);
        assert!(with_db.assert_valid().is_err());
        assert!(
            AuthConfig::new()
                .secret("s")
                .trust_host(true)
                .provider(creds())
                .assert_valid()
                .is_ok()
        );
    }

    #[test]
    fn email_providers_get_a_sender_from_their_server_or_stdout_in_development_only() {
        let email = || crate::providers::EmailProvider::new("email", "Email");
        let with = |p: crate::providers::EmailProvider| AuthConfig::new().provider(p);
        let sender_of = |c: &AuthConfig| match &c.providers[0] {
            Provider::Email(p) => p.sender.is_some(),
            _ => false,
        };
        // Development: printed on stdout.
        let mut dev = with(email());
        assert!(dev.email_senders_missing());
        dev.resolve_email_senders(false).unwrap();
        assert!(sender_of(&dev) && !dev.email_senders_missing());
        // Production: no server, no sign-in; the error names the variable.
        let err = with(email()).resolve_email_senders(true).unwrap_err();
        assert_eq!(err.error_type(), ErrorType::InvalidEndpoints);
        assert!(err.message().contains("AUTH_EMAIL_SERVER"), "{err}");
        // A server from the environment.
        let mut from_env = with(email());
        from_env.apply_env(&|k| (k == "AUTH_EMAIL_SERVER").then(|| "smtp://127.0.0.1:2525".into()));
        from_env.resolve_email_senders(true).unwrap();
        assert!(sender_of(&from_env));
        // A server that would get a password in clear is refused.
        let err = with(email().server("smtp://u:p@mail.example.com"))
            .resolve_email_senders(true)
            .unwrap_err();
        assert!(err.message().contains("in clear"), "{err}");
    }

    #[test]
    fn a_provider_needs_an_http_client_from_somewhere() {
        let client = || -> Arc<dyn crate::http_client::HttpClient> {
            Arc::new(crate::http_client::NoClient)
        };
        let bare = OAuthProvider::new("idp", "IdP", ProviderKind::Oidc);
        let mut own = bare.clone();
        own.http_client = Some(client());
        let config = AuthConfig::new();
        let mut shared = AuthConfig::new();
        shared.http_client = Some(client());
        // Without the default client (no `reqwest` feature), only a configured one will do.
        assert!(!config.has_http_client(&bare, false));
        assert!(config.has_http_client(&own, false));
        assert!(shared.has_http_client(&bare, false));
        assert!(config.has_http_client(&bare, true));
    }

    #[test]
    fn endpoints_on_the_deployments_instance_need_its_issuer() {
        let instance = || {
            let mut p = OAuthProvider::new("mastodon", "Mastodon", ProviderKind::OAuth);
            p.authorization_url = Some("{issuer}/oauth/authorize".into());
            p.token_url = Some("{issuer}/oauth/token".into());
            p.userinfo_url = Some("{issuer}/api/v1/accounts/verify_credentials".into());
            p
        };
        let base = || AuthConfig::new().secret("s").trust_host(true);
        let err = base().provider(instance()).assert_valid().unwrap_err();
        assert_eq!(err.error_type(), ErrorType::InvalidEndpoints);
        assert!(err.message().contains("set AUTH_MASTODON_ISSUER"), "{err}");
        let p = instance().issuer("https://social.example/");
        assert_eq!(
            p.endpoint_url(p.token_url.as_deref()).as_deref(),
            Some("https://social.example/oauth/token")
        );
        assert_eq!(
            p.endpoint_url(Some("https://fixed.example/x")).as_deref(),
            Some("https://fixed.example/x")
        );
        assert_eq!(instance().endpoint_url(Some("{issuer}/x")), None);
        base().provider(p).assert_valid().unwrap();
        // The expanded endpoints get the plain-http check.
        if !cfg!(debug_assertions) {
            let err = base()
                .provider(instance().issuer("http://social.example"))
                .assert_valid()
                .unwrap_err();
            assert_eq!(err.error_type(), ErrorType::InvalidEndpoints);
        }
        assert!(AuthConfig::plain_http_refused(
            "http://social.example/oauth/token",
            true
        ));
    }

    #[test]
    fn jwt_client_authentication_needs_its_key_or_secret() {
        let base = || AuthConfig::new().secret("s").trust_host(true);
        let with = |method: TokenAuthMethod, secret: Option<&str>| {
            let mut p =
                OAuthProvider::new("idp", "IdP", ProviderKind::Oidc).issuer("https://idp.example");
            p.token_auth_method = method;
            if let Some(secret) = secret {
                p = p.client_secret(secret);
            }
            base().provider(p)
        };
        let err = with(TokenAuthMethod::PrivateKeyJwt, Some("s"))
            .assert_valid()
            .unwrap_err();
        assert_eq!(err.error_type(), ErrorType::InvalidProvider);
        assert!(
            err.message()
                .contains("private_key_jwt and needs a private key"),
            "{err}"
        );
        for secret in [None, Some("")] {
            let err = with(TokenAuthMethod::ClientSecretJwt, secret)
                .assert_valid()
                .unwrap_err();
            assert_eq!(err.error_type(), ErrorType::InvalidProvider);
            assert!(err.message().contains("set AUTH_IDP_SECRET"), "{err}");
        }
        with(TokenAuthMethod::ClientSecretJwt, Some("s"))
            .assert_valid()
            .unwrap();
        with(TokenAuthMethod::ClientSecretBasic, None)
            .assert_valid()
            .unwrap();
    }

    #[test]
    fn every_misconfiguration_is_named() {
        let oidc = || OAuthProvider::new("idp", "IdP", ProviderKind::Oidc);
        let adapter = || Arc::new(crate::adapter::MemoryAdapter::new());
        let users_only = || crate::adapter::Adapters::users_only(adapter());
        let webauthn = crate::providers::WebAuthnProvider::passkey;
        let base = || {
            let mut config = AuthConfig::new().secret("s").trust_host(true);
            config.experimental.enable_webauthn = true;
            config
        };
        let cases: Vec<(AuthConfig, Option<ErrorType>)> = vec![
            (base(), None),
            (
                AuthConfig::new().secret("s").trust_host(false),
                Some(ErrorType::UntrustedHost),
            ),
            (
                {
                    let mut c = AuthConfig::new().secret("s").trust_host(false);
                    c.url = Some("https://app.example".into());
                    c
                },
                None,
            ),
            (
                AuthConfig::new().secret("s"),
                (!cfg!(debug_assertions)).then_some(ErrorType::UntrustedHost),
            ),
            (
                AuthConfig::new().trust_host(true),
                Some(ErrorType::MissingSecret),
            ),
            (base().secret(""), Some(ErrorType::MissingSecret)),
            (base().base_path("/api/auth"), None),
            (base().base_path("/auth?x"), Some(ErrorType::UnknownAction)),
            (base().base_path("/auth#x"), Some(ErrorType::UnknownAction)),
            (base().base_path("/a uth"), Some(ErrorType::UnknownAction)),
            (base().base_path("//auth"), Some(ErrorType::UnknownAction)),
            (base().provider(oidc()), Some(ErrorType::InvalidEndpoints)),
            (base().provider(oidc().issuer("https://idp.example")), None),
            (
                base().provider(oidc().endpoints(
                    "https://a.example",
                    "https://t.example",
                    "https://u.example",
                )),
                None,
            ),
            (
                base().provider({
                    let mut p = oidc();
                    p.authorization_url = Some("https://a.example".into());
                    p.token_url = Some("https://t.example".into());
                    p
                }),
                Some(ErrorType::InvalidEndpoints),
            ),
            (
                base().provider(CredentialsProvider::new()),
                Some(ErrorType::MissingAuthorize),
            ),
            (base().provider(creds()), None),
            (
                base()
                    .provider(creds())
                    .session_strategy(SessionStrategy::Database),
                Some(ErrorType::UnsupportedStrategy),
            ),
            (
                base()
                    .provider(creds())
                    .provider(oidc().issuer("https://idp.example"))
                    .session_strategy(SessionStrategy::Database)
                    .adapter(adapter()),
                None,
            ),
            (
                base()
                    .provider(oidc().issuer("https://idp.example"))
                    .session_strategy(SessionStrategy::Database),
                Some(ErrorType::MissingAdapter),
            ),
            (
                base().session_strategy(SessionStrategy::Database),
                Some(ErrorType::MissingAdapter),
            ),
            (
                base().provider(
                    OAuthProvider::new("email", "Email", ProviderKind::Email).issuer("x"),
                ),
                Some(ErrorType::MissingAdapter),
            ),
            (
                base()
                    .provider(OAuthProvider::new("email", "Email", ProviderKind::Email).issuer("x"))
                    .adapter(adapter()),
                None,
            ),
            // An adapter that stores less than the configuration needs (Auth.js's
            // MissingAdapterMethods; `#[auth]` refuses it at compile time).
            (
                base()
                    .session_strategy(SessionStrategy::Database)
                    .adapter(users_only()),
                Some(ErrorType::MissingAdapterMethods),
            ),
            (
                base()
                    .provider(OAuthProvider::new("email", "Email", ProviderKind::Email).issuer("x"))
                    .session_strategy(SessionStrategy::Jwt)
                    .adapter(users_only().with_sessions(adapter())),
                Some(ErrorType::MissingAdapterMethods),
            ),
            (
                base()
                    .provider(webauthn())
                    .session_strategy(SessionStrategy::Jwt)
                    .adapter(users_only().with_verification_tokens(adapter())),
                Some(ErrorType::MissingAdapterMethods),
            ),
            (
                base()
                    .provider(webauthn())
                    .session_strategy(SessionStrategy::Jwt)
                    .adapter(users_only().with_authenticators(adapter())),
                None,
            ),
            (
                base()
                    .session_strategy(SessionStrategy::Jwt)
                    .adapter(users_only()),
                None,
            ),
        ];
        for (i, (config, expected)) in cases.into_iter().enumerate() {
            let got = config.assert_valid().err().map(|e| e.error_type());
            assert_eq!(got, expected, "case {i}: {config:?}");
        }
    }

    #[test]
    fn from_env_is_new_plus_the_process_environment() {
        let from_env = AuthConfig::from_env();
        let mut expected = AuthConfig::new();
        expected.apply_env(&env::process_env);
        assert_eq!(from_env.trust_host, expected.trust_host);
        assert!(
            from_env.trust_host.is_some(),
            "the environment step always decides trust"
        );
        assert_eq!(from_env.url, expected.url);
        assert_eq!(from_env.secret.len(), expected.secret.len());
        assert_eq!(from_env.generated_secret, expected.generated_secret);
    }

    #[test]
    fn resolved_settings_follow_authjs_defaults() {
        let config = AuthConfig::new();
        assert_eq!(config.resolved_strategy(), SessionStrategy::Jwt);
        assert_eq!(config.jwt_max_age(), DEFAULT_MAX_AGE);
        assert_eq!(config.resolved_base_path(), "/auth");
        let mut config = AuthConfig::new()
            .adapter(Arc::new(crate::adapter::MemoryAdapter::new()))
            .base_path("api/auth/");
        assert_eq!(config.resolved_strategy(), SessionStrategy::Database);
        assert_eq!(config.resolved_base_path(), "/api/auth");
        config.session.max_age = 60;
        assert_eq!(config.jwt_max_age(), 60);
        config.jwt.max_age = Some(30);
        assert_eq!(config.jwt_max_age(), 30);
        let config = config.session_strategy(SessionStrategy::Jwt);
        assert_eq!(config.resolved_strategy(), SessionStrategy::Jwt);
    }

    #[test]
    fn the_environment_fills_only_what_is_unset() {
        let env = |k: &str| match k {
            "AUTH_SECRET" => Some("from-env".to_owned()),
            "AUTH_URL" => Some("https://app.example/api/auth/".to_owned()),
            "AUTH_TRUST_HOST" => Some("false".to_owned()),
            "AUTH_REDIRECT_PROXY_URL" => Some("https://proxy.example/api/auth".to_owned()),
            "AUTH_REDIRECT_PROXY_TARGETS" => {
                Some(" https://a.example,https://*.b.example  https://c.example".to_owned())
            }
            _ => None,
        };
        let mut config = AuthConfig::new();
        config.apply_env(&env);
        assert_eq!(config.secret.len(), 1);
        assert_eq!(config.secret[0].expose(), "from-env");
        assert!(!config.generated_secret);
        assert_eq!(config.url.as_deref(), Some("https://app.example/api/auth/"));
        assert_eq!(config.base_path.as_deref(), Some("/api/auth"));
        assert_eq!(
            config.trust_host,
            Some(true),
            "AUTH_URL makes the host trusted"
        );
        assert_eq!(
            config.redirect_proxy_url.as_deref(),
            Some("https://proxy.example/api/auth")
        );
        assert_eq!(
            config.redirect_proxy_targets,
            [
                "https://a.example",
                "https://*.b.example",
                "https://c.example"
            ]
        );

        let mut config = AuthConfig::new()
            .secret("mine")
            .base_path("/mine")
            .trust_host(true);
        config.url = Some("https://own.example/".into());
        config.redirect_proxy_url = Some("https://own-proxy.example".into());
        config.apply_env(&env);
        assert_eq!(config.secret.len(), 1);
        assert_eq!(config.secret[0].expose(), "mine");
        assert_eq!(config.base_path.as_deref(), Some("/mine"));
        assert_eq!(config.trust_host, Some(true));
        assert_eq!(config.url.as_deref(), Some("https://own.example/"));
        assert_eq!(
            config.redirect_proxy_url.as_deref(),
            Some("https://own-proxy.example")
        );

        let mut config = AuthConfig::new().secret("s");
        config.apply_env(&|k| (k == "AUTH_TRUST_HOST").then(|| "false".to_owned()));
        assert_eq!(config.trust_host, Some(false));
        // A URL at the root sets no base path.
        let mut config = AuthConfig::new().secret("s");
        config.apply_env(&|k| (k == "AUTH_URL").then(|| "https://app.example/".to_owned()));
        assert_eq!(config.base_path, None);
        // Production without a secret generates none.
        let mut config = AuthConfig::new();
        config.apply_env(&|k| (k == "AUTH_ENV").then(|| "production".to_owned()));
        assert!(config.secret.is_empty() && !config.generated_secret);
    }

    #[test]
    fn debug_output_never_shows_a_secret() {
        let mut config = AuthConfig::new()
            .secret("top-secret-value")
            .provider(
                OAuthProvider::new("idp", "IdP", ProviderKind::Oidc)
                    .client_secret("client-secret-value"),
            )
            .trust_host(true);
        config.jwt.max_age = Some(60);
        let text = format!("{config:?}");
        assert!(text.starts_with("AuthConfig"), "{text}");
        assert!(text.contains("trust_host: Some(true)"), "{text}");
        assert!(text.contains("SessionOptions"), "{text}");
        assert!(!text.contains("top-secret-value"), "{text}");
        assert!(!text.contains("client-secret-value"), "{text}");
        let text = format!("{:?}", config.jwt);
        assert!(
            text.contains("JwtOptions") && text.contains("max_age: Some(60)"),
            "{text}"
        );
        let text = format!("{:?}", config.session);
        assert!(text.contains("update_age: 86400"), "{text}");
    }

    use crate::test_support::Events;

    #[test]
    fn the_default_logger_writes_to_tracing_under_the_auth_target() {
        let events = Events::default();
        tracing::subscriber::with_default(events.clone(), || {
            let logger = TracingLogger;
            logger.error(&AuthError::new(ErrorType::AdapterError, "db down"));
            logger.warn("debug-enabled");
            logger.debug("code", "details");
            logger.error(&AuthError::credentials_signin("credentials"));
        });
        let seen = events.0.lock().map(|v| v.clone()).unwrap_or_default();
        assert_eq!(seen.len(), 4, "{seen:?}");
        // A wrong password is the visitor's doing: a warning that says what happened.
        assert!(seen[3].starts_with("WARN auth") && seen[3].contains("credentials were refused"));
        assert!(seen[0].starts_with("ERROR auth") && seen[0].contains("error_type=AdapterError"));
        assert!(seen[0].contains("db down"), "{seen:?}");
        assert!(seen[1].starts_with("WARN auth") && seen[1].contains("debug-enabled"));
        assert!(seen[2].starts_with("DEBUG auth") && seen[2].contains("details"));
    }
}
