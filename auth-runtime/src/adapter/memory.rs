//! An in-memory adapter, for tests and single-process demos. Nothing survives a restart.

use std::collections::HashMap;
use std::sync::Mutex;

use time::OffsetDateTime;

use super::{Adapter, AdapterResult, AdapterSession, VerificationToken};
use crate::callbacks::BoxFuture;
use crate::types::{Account, User};

#[derive(Default)]
struct Store {
    users: HashMap<String, User>,
    accounts: Vec<Account>,
    sessions: HashMap<String, AdapterSession>,
    tokens: Vec<VerificationToken>,
}

/// Users, accounts, sessions and tokens in a mutex-guarded map.
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

    fn with<T>(&self, f: impl FnOnce(&mut Store) -> T) -> AdapterResult<T> {
        let mut store = self
            .store
            .lock()
            .map_err(|_| "memory adapter lock poisoned")?;
        Ok(f(&mut store))
    }
}

fn ready<T: Send + 'static>(value: T) -> BoxFuture<'static, T> {
    Box::pin(std::future::ready(value))
}

impl Adapter for MemoryAdapter {
    fn create_user(&self, mut user: User) -> BoxFuture<'_, AdapterResult<User>> {
        let id = uuid::Uuid::new_v4().to_string();
        user.id = Some(id.clone());
        ready(self.with(|s| {
            s.users.insert(id, user.clone());
            user
        }))
    }

    fn get_user(&self, id: &str) -> BoxFuture<'_, AdapterResult<Option<User>>> {
        ready(self.with(|s| s.users.get(id).cloned()))
    }

    fn get_user_by_email(&self, email: &str) -> BoxFuture<'_, AdapterResult<Option<User>>> {
        ready(self.with(|s| {
            s.users
                .values()
                .find(|u| u.email.as_deref() == Some(email))
                .cloned()
        }))
    }

    fn get_user_by_account(
        &self,
        provider: &str,
        provider_account_id: &str,
    ) -> BoxFuture<'_, AdapterResult<Option<User>>> {
        ready(self.with(|s| {
            s.accounts
                .iter()
                .find(|a| a.provider == provider && a.provider_account_id == provider_account_id)
                .and_then(|a| a.user_id.as_ref())
                .and_then(|id| s.users.get(id).cloned())
        }))
    }

    fn delete_user(&self, id: &str) -> BoxFuture<'_, AdapterResult<()>> {
        ready(self.with(|s| {
            s.users.remove(id);
            s.accounts.retain(|a| a.user_id.as_deref() != Some(id));
            s.sessions.retain(|_, session| session.user_id != id);
        }))
    }

    fn update_user(&self, user: User) -> BoxFuture<'_, AdapterResult<User>> {
        ready(
            self.with(|s| {
                let id = user.id.clone().ok_or("update_user needs an id")?;
                let stored = s.users.get_mut(&id).ok_or("no such user")?;
                if user.name.is_some() {
                    stored.name = user.name;
                }
                if user.email.is_some() {
                    stored.email = user.email;
                }
                if user.image.is_some() {
                    stored.image = user.image;
                }
                stored.extra.extend(user.extra);
                Ok(stored.clone())
            })
            .and_then(|r: Result<User, &str>| r.map_err(Into::into)),
        )
    }

    fn link_account(&self, account: Account) -> BoxFuture<'_, AdapterResult<()>> {
        ready(self.with(|s| s.accounts.push(account)))
    }

    fn get_accounts_by_user(&self, user_id: &str) -> BoxFuture<'_, AdapterResult<Vec<Account>>> {
        ready(self.with(|s| {
            s.accounts
                .iter()
                .filter(|a| a.user_id.as_deref() == Some(user_id))
                .cloned()
                .collect()
        }))
    }

    fn update_account(&self, account: Account) -> BoxFuture<'_, AdapterResult<()>> {
        ready(self.with(|s| {
            if let Some(stored) = s.accounts.iter_mut().find(|a| {
                a.provider == account.provider
                    && a.provider_account_id == account.provider_account_id
            }) {
                *stored = account;
            }
        }))
    }

    fn create_session(
        &self,
        session: AdapterSession,
    ) -> BoxFuture<'_, AdapterResult<AdapterSession>> {
        ready(self.with(|s| {
            s.sessions
                .insert(session.session_token.clone(), session.clone());
            session
        }))
    }

    fn get_session_and_user(
        &self,
        session_token: &str,
    ) -> BoxFuture<'_, AdapterResult<Option<(AdapterSession, User)>>> {
        ready(self.with(|s| {
            let session = s.sessions.get(session_token)?.clone();
            let user = s.users.get(&session.user_id)?.clone();
            Some((session, user))
        }))
    }

    fn update_session(
        &self,
        session_token: &str,
        expires: OffsetDateTime,
    ) -> BoxFuture<'_, AdapterResult<Option<AdapterSession>>> {
        ready(self.with(|s| {
            s.sessions.get_mut(session_token).map(|session| {
                session.expires = expires;
                session.clone()
            })
        }))
    }

    fn delete_session(&self, session_token: &str) -> BoxFuture<'_, AdapterResult<()>> {
        ready(self.with(|s| {
            s.sessions.remove(session_token);
        }))
    }

    fn create_verification_token(
        &self,
        token: VerificationToken,
    ) -> BoxFuture<'_, AdapterResult<()>> {
        ready(self.with(|s| s.tokens.push(token)))
    }

    fn use_verification_token(
        &self,
        identifier: &str,
        token: &str,
    ) -> BoxFuture<'_, AdapterResult<Option<VerificationToken>>> {
        ready(self.with(|s| {
            let index = s
                .tokens
                .iter()
                .position(|t| t.identifier == identifier && t.token == token)?;
            Some(s.tokens.swap_remove(index))
        }))
    }
}
