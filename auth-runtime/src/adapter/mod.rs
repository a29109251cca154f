//! Database adapters: where users, accounts, database sessions, verification tokens and
//! passkey authenticators live.
//!
//! Auth.js has one `Adapter` interface whose methods are all optional, and checks at the first
//! request that the configuration's methods are there (`MissingAdapterMethods`). Here the
//! interface is four traits, each one capability:
//!
//! - [`Adapter`]: users and accounts, which every adapter stores;
//! - [`SessionAdapter`]: database sessions (`session = "database"`);
//! - [`VerificationTokenAdapter`]: email sign-in tokens (`providers(email)`);
//! - [`AuthenticatorAdapter`]: passkeys (`providers(passkey)`).
//!
//! The builder `#[auth]` generates asks for exactly the traits its configuration needs, so an
//! adapter without sessions given to an app with database sessions does not compile.
//! [`Adapters`] carries the capabilities at run time.

mod memory;
#[cfg(feature = "redis")]
pub mod redis;
#[cfg(any(feature = "sqlite", feature = "postgres", feature = "mysql"))]
pub mod sql;

pub use memory::MemoryAdapter;

use std::sync::Arc;

use time::OffsetDateTime;

use crate::callbacks::{BoxError, BoxFuture};
use crate::types::{Account, User};

/// A database session row. `Debug` hides the session token (it is the cookie's value).
#[derive(Clone, PartialEq, Eq)]
pub struct AdapterSession {
    /// The cookie value.
    pub session_token: String,
    /// The user's id.
    pub user_id: String,
    /// When the session expires.
    pub expires: OffsetDateTime,
}

impl std::fmt::Debug for AdapterSession {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("AdapterSession")
            .field("session_token", &"<redacted>")
            .field("user_id", &self.user_id)
            .field("expires", &self.expires)
            .finish()
    }
}

/// An email sign-in token; `token` is the hash, never the raw token.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct VerificationToken {
    /// The email address.
    pub identifier: String,
    /// SHA-256 hex of token + secret.
    pub token: String,
    /// When it expires.
    pub expires: OffsetDateTime,
}

/// A passkey (WebAuthn credential) of a user, as Auth.js stores it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Authenticator {
    /// The credential id, standard base64 (not base64url), as Auth.js stores it.
    pub credential_id: String,
    /// The user's id.
    pub user_id: String,
    /// The id of the `webauthn` account this credential signs in to.
    pub provider_account_id: String,
    /// The public key, base64.
    pub credential_public_key: String,
    /// The signature counter; a counter that goes backwards means a cloned authenticator.
    pub counter: u32,
    /// `singleDevice` or `multiDevice`.
    pub credential_device_type: String,
    /// Whether the credential is backed up (synced).
    pub credential_backed_up: bool,
    /// Transports, comma-joined (`internal,hybrid`).
    pub transports: Option<String>,
}

/// Why an adapter call failed. Messages never carry row values: they are logged.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum AdapterError {
    /// The store could not be reached: connection refused or lost, the pool timed out.
    #[error("the database is unavailable: {0}")]
    Unavailable(#[source] BoxError),
    /// The store refused or failed a statement.
    #[error("the database failed: {0}")]
    Database(#[source] BoxError),
    /// A row the call works on does not exist (`update_user` of an unknown id, ...).
    #[error("no such {0}")]
    NotFound(&'static str),
    /// The row exists already: an account linked twice, a session token reused.
    #[error("the {0} exists already")]
    Conflict(&'static str),
    /// A stored value could not be read back (a bad timestamp, an id of the wrong type).
    #[error("unreadable {0} in the database")]
    Corrupt(&'static str),
    /// The call lacks something it needs (a user without id), or a value does not fit where
    /// it goes (a user member of another JSON type than its column holds).
    #[error("invalid call: {0}")]
    Invalid(&'static str),
    /// The configured schema cannot be used: a name that is not a plain identifier, a user
    /// column declared twice. The message names the table or column, never a value.
    #[error("invalid schema: {0}")]
    Schema(String),
}

impl From<AdapterError> for crate::error::AuthError {
    /// Auth.js's `AdapterError`: not client-safe, so visitors see `Configuration`.
    fn from(err: AdapterError) -> Self {
        Self::new(crate::error::ErrorType::AdapterError, err.to_string())
    }
}

impl From<BoxError> for AdapterError {
    fn from(err: BoxError) -> Self {
        Self::Database(err)
    }
}

/// Epoch milliseconds, as the SQL and Redis adapters store timestamps.
#[cfg(any(
    feature = "sqlite",
    feature = "postgres",
    feature = "mysql",
    feature = "redis"
))]
pub(crate) fn epoch_millis(at: OffsetDateTime) -> i64 {
    i64::try_from(at.unix_timestamp_nanos() / 1_000_000).unwrap_or(i64::MAX)
}

/// The time at `ms` epoch milliseconds; [`AdapterError::Corrupt`] out of range.
#[cfg(any(
    feature = "sqlite",
    feature = "postgres",
    feature = "mysql",
    feature = "redis"
))]
pub(crate) fn from_epoch_millis(ms: i64) -> AdapterResult<OffsetDateTime> {
    OffsetDateTime::from_unix_timestamp_nanos(i128::from(ms) * 1_000_000)
        .map_err(|_| AdapterError::Corrupt("timestamp"))
}

/// Result of an adapter call.
pub type AdapterResult<T> = Result<T, AdapterError>;

/// Users and accounts: what every adapter stores. Methods mirror Auth.js's `Adapter` interface;
/// user ids are strings whatever the database uses.
pub trait Adapter: Send + Sync {
    /// Creates a user (the database assigns the id; one given is ignored) and returns it.
    fn create_user(&self, user: User) -> BoxFuture<'_, AdapterResult<User>>;
    /// A user by id; `None` for an unknown id or one the database cannot hold.
    fn get_user(&self, id: &str) -> BoxFuture<'_, AdapterResult<Option<User>>>;
    /// A user by email.
    fn get_user_by_email(&self, email: &str) -> BoxFuture<'_, AdapterResult<Option<User>>>;
    /// The user an account is linked to.
    fn get_user_by_account(
        &self,
        provider: &str,
        provider_account_id: &str,
    ) -> BoxFuture<'_, AdapterResult<Option<User>>>;
    /// Updates the fields of `user` that are set (`id` names the user) and returns the user;
    /// [`AdapterError::NotFound`] for an unknown id.
    fn update_user(&self, user: User) -> BoxFuture<'_, AdapterResult<User>>;
    /// Deletes a user with its accounts, sessions and authenticators.
    fn delete_user(&self, id: &str) -> BoxFuture<'_, AdapterResult<()>>;
    /// Links an account to `account.user_id`; [`AdapterError::Conflict`] when the provider
    /// account is linked already.
    fn link_account(&self, account: Account) -> BoxFuture<'_, AdapterResult<()>>;
    /// Unlinks an account; unlinking an unknown account does nothing.
    fn unlink_account(
        &self,
        provider: &str,
        provider_account_id: &str,
    ) -> BoxFuture<'_, AdapterResult<()>>;
    /// An account by provider account id and provider (Auth.js's argument order).
    fn get_account(
        &self,
        provider_account_id: &str,
        provider: &str,
    ) -> BoxFuture<'_, AdapterResult<Option<Account>>>;
    /// The accounts linked to a user (refresh-token rotation with database sessions).
    fn get_accounts_by_user(&self, user_id: &str) -> BoxFuture<'_, AdapterResult<Vec<Account>>>;
    /// Replaces the stored tokens of the account with the same provider and provider account id.
    fn update_account(&self, account: Account) -> BoxFuture<'_, AdapterResult<()>>;
    /// Whether the users this adapter returns keep `member`, one beyond Auth.js's five
    /// (`role`). The configuration refuses an `#[auth(user)]` extension field the adapter would
    /// lose. The default says yes: an adapter that stores the whole user (memory, Redis) keeps
    /// every member; the SQL adapter keeps the members its schema has columns for.
    fn keeps_user_member(&self, member: &str) -> bool {
        let _ = member;
        true
    }

    /// Creates a user and links its first account as one change: either both exist afterwards or
    /// neither does. [`AdapterError::Conflict`] when the account was linked meanwhile (two first
    /// sign-ins racing); the engine then reads the user the other one created.
    ///
    /// The default creates, links, and deletes the user again when linking fails; SQL adapters
    /// use a transaction.
    fn create_user_with_account(
        &self,
        user: User,
        account: Account,
    ) -> BoxFuture<'_, AdapterResult<User>> {
        Box::pin(async move {
            let created = self.create_user(user).await?;
            let id = created.id.clone().ok_or(AdapterError::Invalid(
                "create_user returned a user without id",
            ))?;
            let mut account = account;
            account.user_id = Some(id.clone());
            if let Err(err) = self.link_account(account).await {
                self.delete_user(&id).await?;
                return Err(err);
            }
            Ok(created)
        })
    }
}

/// Database sessions.
#[diagnostic::on_unimplemented(
    message = "`{Self}` does not store sessions, which database sessions need",
    label = "this adapter has no `SessionAdapter` implementation",
    note = "use an adapter that implements `auth_runtime::adapter::SessionAdapter`, or declare `session = \"jwt\"` in #[auth]"
)]
pub trait SessionAdapter: Adapter {
    /// Creates a session; [`AdapterError::Conflict`] when the token exists.
    fn create_session(
        &self,
        session: AdapterSession,
    ) -> BoxFuture<'_, AdapterResult<AdapterSession>>;
    /// A session and its user, expired or not (the engine decides).
    fn get_session_and_user(
        &self,
        session_token: &str,
    ) -> BoxFuture<'_, AdapterResult<Option<(AdapterSession, User)>>>;
    /// Moves a session's expiry; `None` when there is no such session.
    fn update_session(
        &self,
        session_token: &str,
        expires: OffsetDateTime,
    ) -> BoxFuture<'_, AdapterResult<Option<AdapterSession>>>;
    /// Deletes a session; deleting an unknown session does nothing.
    fn delete_session(&self, session_token: &str) -> BoxFuture<'_, AdapterResult<()>>;
}

/// Email sign-in tokens.
#[diagnostic::on_unimplemented(
    message = "`{Self}` does not store verification tokens, which email sign-in needs",
    label = "this adapter has no `VerificationTokenAdapter` implementation",
    note = "use an adapter that implements `auth_runtime::adapter::VerificationTokenAdapter`"
)]
pub trait VerificationTokenAdapter: Adapter {
    /// Stores a verification token.
    fn create_verification_token(
        &self,
        token: VerificationToken,
    ) -> BoxFuture<'_, AdapterResult<()>>;
    /// Returns and deletes a verification token, at most once: of two racing calls for one
    /// token, one gets it.
    fn use_verification_token(
        &self,
        identifier: &str,
        token: &str,
    ) -> BoxFuture<'_, AdapterResult<Option<VerificationToken>>>;
}

/// Passkey authenticators.
#[diagnostic::on_unimplemented(
    message = "`{Self}` does not store authenticators, which passkeys need",
    label = "this adapter has no `AuthenticatorAdapter` implementation",
    note = "use an adapter that implements `auth_runtime::adapter::AuthenticatorAdapter`"
)]
pub trait AuthenticatorAdapter: Adapter {
    /// Stores an authenticator; [`AdapterError::Conflict`] when the credential id exists.
    fn create_authenticator(
        &self,
        authenticator: Authenticator,
    ) -> BoxFuture<'_, AdapterResult<Authenticator>>;
    /// An authenticator by credential id.
    fn get_authenticator(
        &self,
        credential_id: &str,
    ) -> BoxFuture<'_, AdapterResult<Option<Authenticator>>>;
    /// A user's authenticators.
    fn list_authenticators_by_user_id(
        &self,
        user_id: &str,
    ) -> BoxFuture<'_, AdapterResult<Vec<Authenticator>>>;
    /// Sets an authenticator's counter; [`AdapterError::NotFound`] for an unknown credential.
    fn update_authenticator_counter(
        &self,
        credential_id: &str,
        counter: u32,
    ) -> BoxFuture<'_, AdapterResult<Authenticator>>;
}

/// An adapter with every capability.
pub trait FullAdapter: SessionAdapter + VerificationTokenAdapter + AuthenticatorAdapter {}
impl<A: SessionAdapter + VerificationTokenAdapter + AuthenticatorAdapter> FullAdapter for A {}

/// The adapter of a configuration, with the capabilities it was given.
#[derive(Clone)]
pub struct Adapters {
    users: Arc<dyn Adapter>,
    sessions: Option<Arc<dyn SessionAdapter>>,
    verification_tokens: Option<Arc<dyn VerificationTokenAdapter>>,
    authenticators: Option<Arc<dyn AuthenticatorAdapter>>,
}

impl std::fmt::Debug for Adapters {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Adapters")
            .field("sessions", &self.sessions.is_some())
            .field("verification_tokens", &self.verification_tokens.is_some())
            .field("authenticators", &self.authenticators.is_some())
            .finish()
    }
}

impl Adapters {
    /// Users and accounts only; add capabilities with the `with_*` methods.
    pub fn users_only<A: Adapter + 'static>(adapter: Arc<A>) -> Self {
        Self {
            users: adapter,
            sessions: None,
            verification_tokens: None,
            authenticators: None,
        }
    }

    /// Every capability of one adapter.
    pub fn full<A: FullAdapter + 'static>(adapter: Arc<A>) -> Self {
        Self::users_only(adapter.clone())
            .with_sessions(adapter.clone())
            .with_verification_tokens(adapter.clone())
            .with_authenticators(adapter)
    }

    /// Database sessions in `adapter`.
    pub fn with_sessions<A: SessionAdapter + 'static>(mut self, adapter: Arc<A>) -> Self {
        self.sessions = Some(adapter);
        self
    }

    /// Email tokens in `adapter`.
    pub fn with_verification_tokens<A: VerificationTokenAdapter + 'static>(
        mut self,
        adapter: Arc<A>,
    ) -> Self {
        self.verification_tokens = Some(adapter);
        self
    }

    /// Passkeys in `adapter`.
    pub fn with_authenticators<A: AuthenticatorAdapter + 'static>(
        mut self,
        adapter: Arc<A>,
    ) -> Self {
        self.authenticators = Some(adapter);
        self
    }

    /// Users and accounts.
    pub fn users(&self) -> &dyn Adapter {
        self.users.as_ref()
    }

    /// Database sessions, when given.
    pub fn sessions(&self) -> Option<&dyn SessionAdapter> {
        self.sessions.as_deref()
    }

    /// Database sessions, or `MissingAdapterMethods`: `AuthConfig::assert_valid` refuses a
    /// configuration with database sessions and no session store, and `#[auth]` does not
    /// compile one.
    pub(crate) fn require_sessions(&self) -> Result<&dyn SessionAdapter, crate::error::AuthError> {
        self.sessions().ok_or_else(|| {
            crate::error::AuthError::new(
                crate::error::ErrorType::MissingAdapterMethods,
                "database sessions need an adapter that stores sessions",
            )
        })
    }

    /// Email tokens, when given.
    pub fn verification_tokens(&self) -> Option<&dyn VerificationTokenAdapter> {
        self.verification_tokens.as_deref()
    }

    /// Passkeys, when given.
    pub fn authenticators(&self) -> Option<&dyn AuthenticatorAdapter> {
        self.authenticators.as_deref()
    }
}

impl<A: FullAdapter + 'static> From<Arc<A>> for Adapters {
    fn from(adapter: Arc<A>) -> Self {
        Self::full(adapter)
    }
}
