//! Compile tests of `#[auth]`: see `tests/ui.rs`. The library holds what the cases share.

use auth_runtime::adapter::{Adapter, AdapterResult, MemoryAdapter};
use auth_runtime::callbacks::BoxFuture;
use auth_runtime::types::{Account, User};

/// An adapter that stores users and accounts only: no sessions, email tokens or passkeys.
#[derive(Debug, Default)]
pub struct UsersOnly(MemoryAdapter);

impl Adapter for UsersOnly {
    fn create_user(&self, user: User) -> BoxFuture<'_, AdapterResult<User>> {
        self.0.create_user(user)
    }
    fn get_user(&self, id: &str) -> BoxFuture<'_, AdapterResult<Option<User>>> {
        self.0.get_user(id)
    }
    fn get_user_by_email(&self, email: &str) -> BoxFuture<'_, AdapterResult<Option<User>>> {
        self.0.get_user_by_email(email)
    }
    fn get_user_by_account(
        &self,
        provider: &str,
        provider_account_id: &str,
    ) -> BoxFuture<'_, AdapterResult<Option<User>>> {
        self.0.get_user_by_account(provider, provider_account_id)
    }
    fn update_user(&self, user: User) -> BoxFuture<'_, AdapterResult<User>> {
        self.0.update_user(user)
    }
    fn delete_user(&self, id: &str) -> BoxFuture<'_, AdapterResult<()>> {
        self.0.delete_user(id)
    }
    fn link_account(&self, account: Account) -> BoxFuture<'_, AdapterResult<()>> {
        self.0.link_account(account)
    }
    fn unlink_account(
        &self,
        provider: &str,
        provider_account_id: &str,
    ) -> BoxFuture<'_, AdapterResult<()>> {
        self.0.unlink_account(provider, provider_account_id)
    }
    fn get_account(
        &self,
        provider_account_id: &str,
        provider: &str,
    ) -> BoxFuture<'_, AdapterResult<Option<Account>>> {
        self.0.get_account(provider_account_id, provider)
    }
    fn get_accounts_by_user(&self, user_id: &str) -> BoxFuture<'_, AdapterResult<Vec<Account>>> {
        self.0.get_accounts_by_user(user_id)
    }
    fn update_account(&self, account: Account) -> BoxFuture<'_, AdapterResult<()>> {
        self.0.update_account(account)
    }
}
