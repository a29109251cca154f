//! An in-memory adapter, for tests and single-process demos. Nothing survives a restart.

use std::collections::HashMap;
use std::sync::Mutex;

use time::OffsetDateTime;

use super::{
    Adapter, AdapterError, AdapterResult, AdapterSession, Authenticator, AuthenticatorAdapter,
    SessionAdapter, VerificationToken, VerificationTokenAdapter,
};
use crate::callbacks::BoxFuture;
use crate::types::{Account, User};

#[derive(Default)]
struct Store {
    users: HashMap<String, User>,
    accounts: Vec<Account>,
    sessions: HashMap<String, AdapterSession>,
    tokens: Vec<VerificationToken>,
    authenticators: Vec<Authenticator>,
}

impl Store {
    fn account_index(&self, provider: &str, provider_account_id: &str) -> Option<usize> {
        self.accounts
            .iter()
            .position(|a| a.provider == provider && a.provider_account_id == provider_account_id)
    }

    fn link(&mut self, account: Account) -> AdapterResult<()> {
        let user_id = account
            .user_id
            .as_deref()
            .ok_or(AdapterError::Invalid("link_account needs a user id"))?;
        if !self.users.contains_key(user_id) {
            return Err(AdapterError::NotFound("user"));
        }
        if self
            .account_index(&account.provider, &account.provider_account_id)
            .is_some()
        {
            return Err(AdapterError::Conflict("account"));
        }
        self.accounts.push(account);
        Ok(())
    }

    fn insert_user(&mut self, mut user: User) -> User {
        let id = uuid::Uuid::new_v4().to_string();
        user.id = Some(id.clone());
        self.users.insert(id, user.clone());
        user
    }
}

/// Users, accounts, sessions, tokens and authenticators in a mutex-guarded map. It keeps the
/// whole adapter contract, the unique keys of the SQL schemas included.
#[derive(Default)]
pub struct MemoryAdapter {
    store: Mutex<Store>,
}

impl std::fmt::Debug for MemoryAdapter {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("MemoryAdapter").finish_non_exhaustive()
    }
}

impl MemoryAdapter {
    /// An empty store.
    pub fn new() -> Self {
        Self::default()
    }

    fn with<T>(&self, f: impl FnOnce(&mut Store) -> AdapterResult<T>) -> AdapterResult<T> {
        let mut store = self
            .store
            .lock()
            .map_err(|_| AdapterError::Unavailable("memory adapter lock poisoned".into()))?;
        f(&mut store)
    }
}

fn ready<T: Send + 'static>(value: T) -> BoxFuture<'static, T> {
    Box::pin(std::future::ready(value))
}

impl Adapter for MemoryAdapter {
    fn create_user(&self, user: User) -> BoxFuture<'_, AdapterResult<User>> {
        ready(self.with(|s| Ok(s.insert_user(user))))
    }

    fn get_user(&self, id: &str) -> BoxFuture<'_, AdapterResult<Option<User>>> {
        ready(self.with(|s| Ok(s.users.get(id).cloned())))
    }

    fn get_user_by_email(&self, email: &str) -> BoxFuture<'_, AdapterResult<Option<User>>> {
        ready(self.with(|s| {
            Ok(s.users
                .values()
                .find(|u| u.email.as_deref() == Some(email))
                .cloned())
        }))
    }

    fn get_user_by_account(
        &self,
        provider: &str,
        provider_account_id: &str,
    ) -> BoxFuture<'_, AdapterResult<Option<User>>> {
        ready(self.with(|s| {
            Ok(s.account_index(provider, provider_account_id)
                .and_then(|i| s.accounts[i].user_id.as_ref())
                .and_then(|id| s.users.get(id).cloned()))
        }))
    }

    fn update_user(&self, user: User) -> BoxFuture<'_, AdapterResult<User>> {
        ready(self.with(|s| {
            let id = user
                .id
                .as_deref()
                .ok_or(AdapterError::Invalid("update_user needs an id"))?;
            let stored = s.users.get_mut(id).ok_or(AdapterError::NotFound("user"))?;
            stored.apply_update(user);
            Ok(stored.clone())
        }))
    }

    fn delete_user(&self, id: &str) -> BoxFuture<'_, AdapterResult<()>> {
        ready(self.with(|s| {
            s.users.remove(id);
            s.accounts.retain(|a| a.user_id.as_deref() != Some(id));
            s.sessions.retain(|_, session| session.user_id != id);
            s.authenticators.retain(|a| a.user_id != id);
            Ok(())
        }))
    }

    fn link_account(&self, account: Account) -> BoxFuture<'_, AdapterResult<()>> {
        ready(self.with(|s| s.link(account)))
    }

    fn unlink_account(
        &self,
        provider: &str,
        provider_account_id: &str,
    ) -> BoxFuture<'_, AdapterResult<()>> {
        ready(self.with(|s| {
            if let Some(i) = s.account_index(provider, provider_account_id) {
                s.accounts.remove(i);
            }
            Ok(())
        }))
    }

    fn get_account(
        &self,
        provider_account_id: &str,
        provider: &str,
    ) -> BoxFuture<'_, AdapterResult<Option<Account>>> {
        ready(self.with(|s| {
            Ok(s.account_index(provider, provider_account_id)
                .map(|i| s.accounts[i].clone()))
        }))
    }

    fn get_accounts_by_user(&self, user_id: &str) -> BoxFuture<'_, AdapterResult<Vec<Account>>> {
        ready(self.with(|s| {
            Ok(s.accounts
                .iter()
                .filter(|a| a.user_id.as_deref() == Some(user_id))
                .cloned()
                .collect())
        }))
    }

    fn update_account(&self, account: Account) -> BoxFuture<'_, AdapterResult<()>> {
        ready(self.with(|s| {
            if let Some(i) = s.account_index(&account.provider, &account.provider_account_id) {
                let user_id = s.accounts[i].user_id.clone();
                s.accounts[i] = Account { user_id, ..account };
            }
            Ok(())
        }))
    }

    fn create_user_with_account(
        &self,
        user: User,
        account: Account,
    ) -> BoxFuture<'_, AdapterResult<User>> {
        ready(self.with(|s| {
            if s.account_index(&account.provider, &account.provider_account_id)
                .is_some()
            {
                return Err(AdapterError::Conflict("account"));
            }
            let created = s.insert_user(user);
            s.accounts.push(Account {
                user_id: created.id.clone(),
                ..account
            });
            Ok(created)
        }))
    }
}

impl SessionAdapter for MemoryAdapter {
    fn create_session(
        &self,
        session: AdapterSession,
    ) -> BoxFuture<'_, AdapterResult<AdapterSession>> {
        ready(self.with(|s| {
            if s.sessions.contains_key(&session.session_token) {
                return Err(AdapterError::Conflict("session"));
            }
            s.sessions
                .insert(session.session_token.clone(), session.clone());
            Ok(session)
        }))
    }

    fn get_session_and_user(
        &self,
        session_token: &str,
    ) -> BoxFuture<'_, AdapterResult<Option<(AdapterSession, User)>>> {
        ready(self.with(|s| {
            Ok(s.sessions.get(session_token).and_then(|session| {
                let user = s.users.get(&session.user_id)?.clone();
                Some((session.clone(), user))
            }))
        }))
    }

    fn update_session(
        &self,
        session_token: &str,
        expires: OffsetDateTime,
    ) -> BoxFuture<'_, AdapterResult<Option<AdapterSession>>> {
        ready(self.with(|s| {
            Ok(s.sessions.get_mut(session_token).map(|session| {
                session.expires = expires;
                session.clone()
            }))
        }))
    }

    fn delete_session(&self, session_token: &str) -> BoxFuture<'_, AdapterResult<()>> {
        ready(self.with(|s| {
            s.sessions.remove(session_token);
            Ok(())
        }))
    }
}

impl VerificationTokenAdapter for MemoryAdapter {
    fn create_verification_token(
        &self,
        token: VerificationToken,
    ) -> BoxFuture<'_, AdapterResult<()>> {
        ready(self.with(|s| {
            s.tokens
                .retain(|t| !(t.identifier == token.identifier && t.token == token.token));
            s.tokens.push(token);
            Ok(())
        }))
    }

    fn use_verification_token(
        &self,
        identifier: &str,
        token: &str,
    ) -> BoxFuture<'_, AdapterResult<Option<VerificationToken>>> {
        ready(self.with(|s| {
            Ok(s.tokens
                .iter()
                .position(|t| t.identifier == identifier && t.token == token)
                .map(|i| s.tokens.swap_remove(i)))
        }))
    }
}

impl AuthenticatorAdapter for MemoryAdapter {
    fn create_authenticator(
        &self,
        authenticator: Authenticator,
    ) -> BoxFuture<'_, AdapterResult<Authenticator>> {
        ready(self.with(|s| {
            if s.authenticators
                .iter()
                .any(|a| a.credential_id == authenticator.credential_id)
            {
                return Err(AdapterError::Conflict("authenticator"));
            }
            if !s.users.contains_key(&authenticator.user_id) {
                return Err(AdapterError::NotFound("user"));
            }
            s.authenticators.push(authenticator.clone());
            Ok(authenticator)
        }))
    }

    fn get_authenticator(
        &self,
        credential_id: &str,
    ) -> BoxFuture<'_, AdapterResult<Option<Authenticator>>> {
        ready(self.with(|s| {
            Ok(s.authenticators
                .iter()
                .find(|a| a.credential_id == credential_id)
                .cloned())
        }))
    }

    fn list_authenticators_by_user_id(
        &self,
        user_id: &str,
    ) -> BoxFuture<'_, AdapterResult<Vec<Authenticator>>> {
        ready(self.with(|s| {
            Ok(s.authenticators
                .iter()
                .filter(|a| a.user_id == user_id)
                .cloned()
                .collect())
        }))
    }

    fn update_authenticator_counter(
        &self,
        credential_id: &str,
        counter: u32,
    ) -> BoxFuture<'_, AdapterResult<Authenticator>> {
        ready(self.with(|s| {
            let stored = s
                .authenticators
                .iter_mut()
                .find(|a| a.credential_id == credential_id)
                .ok_or(AdapterError::NotFound("authenticator"))?;
            stored.counter = counter;
            Ok(stored.clone())
        }))
    }
}
