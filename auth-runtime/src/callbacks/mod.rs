//! Callbacks (`sign_in`, `redirect`, `jwt`, `session`) and events (`sign_in`, `sign_out`,
//! `create_user`, `update_user`, `link_account`, `session`): async user code with Auth.js's
//! defaults.
//!
//! A callback returns `Result<_, BoxError>`. An [`AuthError`] it returns is used as is; any other
//! error becomes the error Auth.js would raise there: `AccessDenied` from `sign_in`,
//! `InvalidCallbackUrl` from `redirect`, `CallbackRouteError` from `jwt` during a sign-in,
//! `JWTSessionError` from `jwt` or `session` when a JWT session is read, `SessionTokenError` from
//! `session` when a database session is read. An event that fails is logged as `EventError` and
//! the flow goes on.
//!
//! ```
//! use auth_runtime::callbacks::{Callbacks, SignInDecision};
//! let callbacks = Callbacks::default()
//!     .sign_in(|params| async move {
//!         let allowed = params.user.email.as_deref().is_some_and(|e| e.ends_with("@example.com"));
//!         Ok(SignInDecision::from(allowed))
//!     })
//!     .jwt(|params| async move {
//!         let mut token = params.token;
//!         if let Some(account) = &params.account {
//!             token.insert("provider", account.provider.clone());
//!         }
//!         Ok(Some(token))
//!     });
//! # let _ = callbacks;
//! ```

mod typed;

use std::future::Future;
use std::pin::Pin;
use std::sync::Arc;

use serde_json::{Map, Value};

use crate::error::AuthError;
use crate::types::{Account, Jwt, Session, User};

pub use typed::{
    ProviderProfile, TypedJwtParams, TypedSessionParams, TypedSignInParams, TypedToken,
};

/// Any error a callback or event may return.
pub type BoxError = Box<dyn std::error::Error + Send + Sync>;
/// A boxed, sendable future.
pub type BoxFuture<'a, T> = Pin<Box<dyn Future<Output = T> + Send + 'a>>;
type Callback<P, R> = Arc<dyn Fn(P) -> BoxFuture<'static, Result<R, BoxError>> + Send + Sync>;

fn boxed<P, R, F, Fut>(f: F) -> Callback<P, R>
where
    F: Fn(P) -> Fut + Send + Sync + 'static,
    Fut: Future<Output = Result<R, BoxError>> + Send + 'static,
{
    Arc::new(move |p| Box::pin(f(p)))
}

/// What the `sign_in` callback decided.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum SignInDecision {
    /// Go on signing in.
    Allow,
    /// Stop with `AccessDenied`.
    Deny,
    /// Stop and redirect here (passed through the `redirect` callback).
    Redirect(String),
}

impl From<bool> for SignInDecision {
    fn from(allowed: bool) -> Self {
        if allowed { Self::Allow } else { Self::Deny }
    }
}

/// Arguments of the `sign_in` callback.
#[derive(Debug, Clone)]
#[non_exhaustive]
pub struct SignInParams {
    /// The user signing in.
    pub user: User,
    /// The account used.
    pub account: Option<Account>,
    /// The OAuth profile.
    pub profile: Option<Value>,
    /// For email sign-in: `Some(true)` on the verification request, `None` at the callback.
    pub email_verification_request: Option<bool>,
    /// For credentials sign-in: the submitted fields.
    pub credentials: Option<Map<String, Value>>,
}

/// Arguments of the `redirect` callback.
#[derive(Debug, Clone)]
#[non_exhaustive]
pub struct RedirectParams {
    /// The URL asked for (absolute or starting with `/`).
    pub url: String,
    /// The site's origin.
    pub base_url: String,
}

/// Why the `jwt` callback runs.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum JwtTrigger {
    /// A sign-in of an existing user.
    SignIn,
    /// A sign-in that created the user.
    SignUp,
    /// `POST /session` (next-auth's `update`).
    Update,
}

/// Arguments of the `jwt` callback.
#[derive(Debug, Clone)]
#[non_exhaustive]
pub struct JwtParams {
    /// The token so far: at sign-in `{name, email, picture, sub}`, later the decoded claims.
    pub token: Jwt,
    /// At sign-in: the user.
    pub user: Option<User>,
    /// At sign-in: the account.
    pub account: Option<Account>,
    /// At OAuth sign-in: the profile.
    pub profile: Option<Value>,
    /// Why the callback runs; `None` on a plain session read.
    pub trigger: Option<JwtTrigger>,
    /// Whether an adapter just created the user.
    pub is_new_user: bool,
    /// On update: the `data` the client sent. Validate it before use.
    pub session: Option<Value>,
}

/// Arguments of the `session` callback.
#[derive(Debug, Clone)]
#[non_exhaustive]
pub struct SessionParams {
    /// The default session: `{user: {name, email, image}, expires}`.
    pub session: Session,
    /// JWT strategy: the token (after the `jwt` callback).
    pub token: Option<Jwt>,
    /// Database strategy: the user.
    pub user: Option<User>,
    /// Database strategy, on update: the data the client sent.
    pub new_session: Option<Value>,
    /// `Some(JwtTrigger::Update)` on `POST /session`.
    pub trigger: Option<JwtTrigger>,
}

/// Arguments of the `authorized` callback (next-auth's middleware).
#[derive(Debug, Clone)]
#[non_exhaustive]
pub struct AuthorizedParams {
    /// The request being authorized: method, URI and headers.
    pub request: http::request::Parts,
    /// The session, if signed in.
    pub auth: Option<Session>,
}

/// What the `authorized` callback decided.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum AuthorizedDecision {
    /// Let the request through.
    Allow,
    /// Refuse: signed-out users are sent to the sign-in page, signed-in ones get 403.
    Deny,
    /// Redirect to this URL.
    Redirect(String),
}

impl From<bool> for AuthorizedDecision {
    fn from(allowed: bool) -> Self {
        if allowed { Self::Allow } else { Self::Deny }
    }
}

/// The callbacks; unset ones use Auth.js's defaults.
#[derive(Clone, Default)]
pub struct Callbacks {
    pub(crate) sign_in: Option<Callback<SignInParams, SignInDecision>>,
    pub(crate) authorized: Option<Callback<AuthorizedParams, AuthorizedDecision>>,
    pub(crate) redirect: Option<Callback<RedirectParams, String>>,
    pub(crate) jwt: Option<Callback<JwtParams, Option<Jwt>>>,
    pub(crate) session: Option<Callback<SessionParams, Session>>,
}

impl std::fmt::Debug for Callbacks {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Callbacks")
            .field("sign_in", &self.sign_in.is_some())
            .field("redirect", &self.redirect.is_some())
            .field("jwt", &self.jwt.is_some())
            .field("session", &self.session.is_some())
            .finish()
    }
}

impl Callbacks {
    /// Controls whether a user may sign in. Default: allow.
    pub fn sign_in<F, Fut>(mut self, f: F) -> Self
    where
        F: Fn(SignInParams) -> Fut + Send + Sync + 'static,
        Fut: Future<Output = Result<SignInDecision, BoxError>> + Send + 'static,
    {
        self.sign_in = Some(boxed(f));
        self
    }

    /// Chooses where to redirect. Default: [`default_redirect`].
    pub fn redirect<F, Fut>(mut self, f: F) -> Self
    where
        F: Fn(RedirectParams) -> Fut + Send + Sync + 'static,
        Fut: Future<Output = Result<String, BoxError>> + Send + 'static,
    {
        self.redirect = Some(boxed(f));
        self
    }

    /// Shapes the session token; `None` signs the user out. Default: the token unchanged.
    pub fn jwt<F, Fut>(mut self, f: F) -> Self
    where
        F: Fn(JwtParams) -> Fut + Send + Sync + 'static,
        Fut: Future<Output = Result<Option<Jwt>, BoxError>> + Send + 'static,
    {
        self.jwt = Some(boxed(f));
        self
    }

    /// Shapes the session the client sees. Default: `{user: {name, email, image}, expires}`.
    pub fn session<F, Fut>(mut self, f: F) -> Self
    where
        F: Fn(SessionParams) -> Fut + Send + Sync + 'static,
        Fut: Future<Output = Result<Session, BoxError>> + Send + 'static,
    {
        self.session = Some(boxed(f));
        self
    }

    /// Decides whether a request may reach a protected route (next-auth's `authorized`, run by
    /// the middleware layer). Default: allow when signed in.
    pub fn authorized<F, Fut>(mut self, f: F) -> Self
    where
        F: Fn(AuthorizedParams) -> Fut + Send + Sync + 'static,
        Fut: Future<Output = Result<AuthorizedDecision, BoxError>> + Send + 'static,
    {
        self.authorized = Some(boxed(f));
        self
    }

    /// Runs the `authorized` callback (default: allow when signed in).
    pub async fn run_authorized(
        &self,
        params: AuthorizedParams,
    ) -> Result<AuthorizedDecision, BoxError> {
        match &self.authorized {
            Some(f) => f(params).await,
            None => Ok(AuthorizedDecision::from(params.auth.is_some())),
        }
    }

    pub(crate) async fn run_sign_in(
        &self,
        params: SignInParams,
    ) -> Result<SignInDecision, BoxError> {
        match &self.sign_in {
            Some(f) => f(params).await,
            None => Ok(SignInDecision::Allow),
        }
    }

    pub(crate) async fn run_redirect(&self, params: RedirectParams) -> Result<String, BoxError> {
        match &self.redirect {
            Some(f) => f(params).await,
            None => default_redirect(&params.url, &params.base_url).map_err(Into::into),
        }
    }

    /// Whether a `jwt` callback is set (the default returns the token unchanged).
    pub(crate) fn has_jwt(&self) -> bool {
        self.jwt.is_some()
    }

    /// Whether a `session` callback is set (the default returns the default session).
    pub(crate) fn has_session(&self) -> bool {
        self.session.is_some()
    }

    pub(crate) async fn run_jwt(&self, params: JwtParams) -> Result<Option<Jwt>, BoxError> {
        match &self.jwt {
            Some(f) => f(params).await,
            None => Ok(Some(params.token)),
        }
    }

    pub(crate) async fn run_session(&self, params: SessionParams) -> Result<Session, BoxError> {
        match &self.session {
            Some(f) => f(params).await,
            None => Ok(params.session),
        }
    }
}

/// Auth.js's default `redirect`: a path starting with `/` is joined to `base_url`, an absolute URL
/// on the same origin is kept, anything else gives `base_url`. An unparsable absolute URL is an
/// error, as in Auth.js.
///
/// Characters a URL cannot hold (spaces, line breaks) are percent-encoded or dropped, as a
/// browser would, so the result is always usable in a `Location` header.
pub fn default_redirect(url: &str, base_url: &str) -> Result<String, AuthError> {
    if url == base_url {
        // The site itself (what a request without any callback URL asks for): nothing to parse.
        return Ok(url.to_owned());
    }
    let joined;
    let candidate = if url.starts_with('/') {
        // String concatenation, as Auth.js: `//evil.example` stays a path on this origin.
        joined = format!("{base_url}{url}");
        joined.as_str()
    } else {
        url
    };
    let parsed = url::Url::parse(candidate).map_err(|_| {
        AuthError::new(
            crate::error::ErrorType::InvalidCallbackUrl,
            "the callback URL is not a valid URL",
        )
        .with_reason(crate::error::Reason::RedirectUrlInvalid)
    })?;
    if parsed.origin().ascii_serialization() != base_url {
        return Ok(base_url.to_owned());
    }
    let clean = candidate.chars().all(|c| c.is_ascii_graphic() && c != '\\');
    Ok(if clean {
        candidate.to_owned()
    } else {
        parsed.to_string()
    })
}

/// Message of the `sign_in` event.
#[derive(Debug, Clone)]
#[non_exhaustive]
pub struct SignInMessage {
    /// The user.
    pub user: User,
    /// The account.
    pub account: Option<Account>,
    /// The OAuth profile.
    pub profile: Option<Value>,
    /// Whether the user was just created.
    pub is_new_user: bool,
}

/// Message of the `sign_out` event: the token (JWT strategy) or the session (database strategy).
#[derive(Debug, Clone)]
pub enum SignOutMessage {
    /// JWT strategy: the decoded token, if it decoded.
    Token(Option<Jwt>),
    /// Database strategy: the session token that was deleted.
    Session(Option<String>),
}

/// Message of the `session` event.
#[derive(Debug, Clone)]
#[non_exhaustive]
pub struct SessionMessage {
    /// The session returned to the client.
    pub session: Session,
    /// JWT strategy: the token.
    pub token: Option<Jwt>,
}

/// Message of the `link_account` event.
#[derive(Debug, Clone)]
#[non_exhaustive]
pub struct LinkAccountMessage {
    /// The user.
    pub user: User,
    /// The account linked.
    pub account: Account,
    /// The profile.
    pub profile: Option<Value>,
}

type Event<M> = Arc<dyn Fn(M) -> BoxFuture<'static, Result<(), BoxError>> + Send + Sync>;

/// Event handlers: for audit logs and side effects; they cannot change the flow.
#[derive(Clone, Default)]
pub struct Events {
    pub(crate) sign_in: Option<Event<SignInMessage>>,
    pub(crate) sign_out: Option<Event<SignOutMessage>>,
    pub(crate) create_user: Option<Event<User>>,
    pub(crate) update_user: Option<Event<User>>,
    pub(crate) link_account: Option<Event<LinkAccountMessage>>,
    pub(crate) session: Option<Event<SessionMessage>>,
}

impl std::fmt::Debug for Events {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Events").finish_non_exhaustive()
    }
}

macro_rules! event_setters {
    ($($(#[$doc:meta])* $name:ident: $msg:ty;)*) => {
        impl Events {
            $(
                $(#[$doc])*
                pub fn $name<F, Fut>(mut self, f: F) -> Self
                where
                    F: Fn($msg) -> Fut + Send + Sync + 'static,
                    Fut: Future<Output = Result<(), BoxError>> + Send + 'static,
                {
                    self.$name = Some(boxed(f));
                    self
                }
            )*
        }
    };
}

event_setters! {
    /// After a successful sign-in.
    sign_in: SignInMessage;
    /// At sign-out.
    sign_out: SignOutMessage;
    /// When an adapter created a user.
    create_user: User;
    /// When an adapter updated a user.
    update_user: User;
    /// When an account was linked to a user.
    link_account: LinkAccountMessage;
    /// When a session was read.
    session: SessionMessage;
}

impl Events {
    /// Runs an event handler; a failure is logged as `EventError` and otherwise ignored.
    pub(crate) async fn emit<M>(handler: Option<Event<M>>, name: &'static str, message: M) {
        if let Some(handler) = handler
            && let Err(err) = handler(message).await
        {
            tracing::error!(error_type = "EventError", event = name, error = %err, "event handler failed");
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn default_redirect_keeps_same_origin_only() {
        let base = "http://localhost:3000";
        assert_eq!(
            default_redirect("/x?y=1", base).unwrap(),
            "http://localhost:3000/x?y=1"
        );
        assert_eq!(
            default_redirect("http://localhost:3000/a", base).unwrap(),
            "http://localhost:3000/a"
        );
        for hostile in [
            "https://evil.example/",
            "http://localhost.evil.example:3000/",
            "javascript:alert(1)",
            "http://user@evil.example",
            "https://localhost:3000/",
        ] {
            assert_eq!(default_redirect(hostile, base).unwrap(), base, "{hostile}");
        }
        assert!(default_redirect("not a url", base).is_err());
        assert_eq!(
            default_redirect("//evil.example/x", base).unwrap(),
            "http://localhost:3000//evil.example/x"
        );
        assert_eq!(
            default_redirect("/a b\r\nSet-Cookie: x=1", base).unwrap(),
            "http://localhost:3000/a%20bSet-Cookie:%20x=1"
        );
        assert_eq!(default_redirect(base, base).unwrap(), base);
    }
}
