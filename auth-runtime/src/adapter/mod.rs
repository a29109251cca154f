//! Database adapters (spec §6): where users, accounts, database sessions and verification tokens
//! live. Every method Auth.js requires for database sessions is a required trait method, so an
//! adapter that lacks one does not compile (Auth.js's `MissingAdapterMethods` at run time).

mod memory;

pub use memory::MemoryAdapter;

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

/// Result of an adapter call.
pub type AdapterResult<T> = Result<T, BoxError>;

/// Storage for users, accounts, sessions and verification tokens. Methods mirror Auth.js's
/// `Adapter` interface; user ids are strings whatever the database uses.
pub trait Adapter: Send + Sync {
    /// Creates a user (its `id` may be replaced by the database's) and returns it.
    fn create_user(&self, user: User) -> BoxFuture<'_, AdapterResult<User>>;
    /// A user by id.
    fn get_user(&self, id: &str) -> BoxFuture<'_, AdapterResult<Option<User>>>;
    /// A user by email.
    fn get_user_by_email(&self, email: &str) -> BoxFuture<'_, AdapterResult<Option<User>>>;
    /// The user an account is linked to.
    fn get_user_by_account(
        &self,
        provider: &str,
        provider_account_id: &str,
    ) -> BoxFuture<'_, AdapterResult<Option<User>>>;
    /// Deletes a user with its accounts and sessions.
    fn delete_user(&self, id: &str) -> BoxFuture<'_, AdapterResult<()>>;
    /// Updates a user's fields that are set and returns the user.
    fn update_user(&self, user: User) -> BoxFuture<'_, AdapterResult<User>>;
    /// Links an account to `account.user_id`.
    fn link_account(&self, account: Account) -> BoxFuture<'_, AdapterResult<()>>;
    /// The accounts linked to a user (for refresh-token rotation with database sessions).
    fn get_accounts_by_user(&self, user_id: &str) -> BoxFuture<'_, AdapterResult<Vec<Account>>>;
    /// Replaces the stored tokens of the account with the same provider and provider account id.
    fn update_account(&self, account: Account) -> BoxFuture<'_, AdapterResult<()>>;
    /// Creates a session.
    fn create_session(
        &self,
        session: AdapterSession,
    ) -> BoxFuture<'_, AdapterResult<AdapterSession>>;
    /// A session and its user.
    fn get_session_and_user(
        &self,
        session_token: &str,
    ) -> BoxFuture<'_, AdapterResult<Option<(AdapterSession, User)>>>;
    /// Moves a session's expiry.
    fn update_session(
        &self,
        session_token: &str,
        expires: OffsetDateTime,
    ) -> BoxFuture<'_, AdapterResult<Option<AdapterSession>>>;
    /// Deletes a session.
    fn delete_session(&self, session_token: &str) -> BoxFuture<'_, AdapterResult<()>>;
    /// Stores a verification token.
    fn create_verification_token(
        &self,
        token: VerificationToken,
    ) -> BoxFuture<'_, AdapterResult<()>>;
    /// Returns and deletes a verification token.
    fn use_verification_token(
        &self,
        identifier: &str,
        token: &str,
    ) -> BoxFuture<'_, AdapterResult<Option<VerificationToken>>>;
}
