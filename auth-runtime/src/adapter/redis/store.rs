//! The adapter traits on [`RedisAdapter`].

use redis::AsyncCommands;
use time::OffsetDateTime;

use super::{RedisAdapter, StoredAuthenticator, failed, json, parse};
use crate::adapter::{
    Adapter, AdapterError, AdapterResult, AdapterSession, Authenticator, AuthenticatorAdapter,
    SessionAdapter, VerificationToken, VerificationTokenAdapter, epoch_millis as millis,
    from_epoch_millis as from_millis,
};
use crate::callbacks::BoxFuture;
use crate::types::{Account, User};

impl Adapter for RedisAdapter {
    fn create_user(&self, user: User) -> BoxFuture<'_, AdapterResult<User>> {
        Box::pin(async move {
            let id = uuid::Uuid::new_v4().to_string();
            let user = User {
                id: Some(id.clone()),
                ..user
            };
            let mut pipe = redis::pipe();
            pipe.atomic().set(self.key(&["user", &id]), json(&user)?);
            if let Some(email) = &user.email {
                pipe.set(self.key(&["user", "email", email]), &id);
            }
            pipe.query_async::<()>(&mut self.conn())
                .await
                .map_err(failed)?;
            Ok(user)
        })
    }

    fn get_user(&self, id: &str) -> BoxFuture<'_, AdapterResult<Option<User>>> {
        let id = id.to_owned();
        Box::pin(async move { self.user(&id).await })
    }

    fn get_user_by_email(&self, email: &str) -> BoxFuture<'_, AdapterResult<Option<User>>> {
        let key = self.key(&["user", "email", email]);
        Box::pin(async move {
            let id: Option<String> = self.conn().get(key).await.map_err(failed)?;
            match id {
                Some(id) => self.user(&id).await,
                None => Ok(None),
            }
        })
    }

    fn get_user_by_account(
        &self,
        provider: &str,
        provider_account_id: &str,
    ) -> BoxFuture<'_, AdapterResult<Option<User>>> {
        let (provider, account_id) = (provider.to_owned(), provider_account_id.to_owned());
        Box::pin(async move {
            match self.get_account(&account_id, &provider).await? {
                Some(Account {
                    user_id: Some(id), ..
                }) => self.user(&id).await,
                _ => Ok(None),
            }
        })
    }

    fn update_user(&self, user: User) -> BoxFuture<'_, AdapterResult<User>> {
        Box::pin(async move {
            let id = user
                .id
                .clone()
                .ok_or(AdapterError::Invalid("update_user needs an id"))?;
            let mut stored = self
                .user(&id)
                .await?
                .ok_or(AdapterError::NotFound("user"))?;
            let old_email = stored.email.clone();
            stored.apply_update(user);
            let mut pipe = redis::pipe();
            pipe.atomic().set(self.key(&["user", &id]), json(&stored)?);
            if stored.email != old_email {
                if let Some(old) = &old_email {
                    pipe.del(self.key(&["user", "email", old]));
                }
                if let Some(new) = &stored.email {
                    pipe.set(self.key(&["user", "email", new]), &id);
                }
            }
            pipe.query_async::<()>(&mut self.conn())
                .await
                .map_err(failed)?;
            Ok(stored)
        })
    }

    fn delete_user(&self, id: &str) -> BoxFuture<'_, AdapterResult<()>> {
        let id = id.to_owned();
        Box::pin(async move {
            let mut conn = self.conn();
            let sets = [
                self.key(&["account", "by-user", &id]),
                self.key(&["session", "by-user", &id]),
                self.key(&["authenticator", "by-user", &id]),
            ];
            let mut doomed: Vec<String> = Vec::new();
            for set in &sets {
                let members: Vec<String> = conn.smembers(set).await.map_err(failed)?;
                doomed.extend(members);
                doomed.push(set.clone());
            }
            if let Some(user) = self.user(&id).await?
                && let Some(email) = &user.email
            {
                doomed.push(self.key(&["user", "email", email]));
            }
            doomed.push(self.key(&["user", &id]));
            redis::pipe()
                .atomic()
                .del(doomed)
                .query_async::<()>(&mut conn)
                .await
                .map_err(failed)
        })
    }

    fn link_account(&self, account: Account) -> BoxFuture<'_, AdapterResult<()>> {
        Box::pin(async move {
            let user_id = account
                .user_id
                .clone()
                .ok_or(AdapterError::Invalid("link_account needs a user id"))?;
            let key = self.key(&["account", &account.provider, &account.provider_account_id]);
            let set = self.key(&["account", "by-user", &user_id]);
            if self.add_new(key, set, json(&account)?).await? {
                Ok(())
            } else {
                Err(AdapterError::Conflict("account"))
            }
        })
    }

    fn unlink_account(
        &self,
        provider: &str,
        provider_account_id: &str,
    ) -> BoxFuture<'_, AdapterResult<()>> {
        let (provider, account_id) = (provider.to_owned(), provider_account_id.to_owned());
        Box::pin(async move {
            let key = self.key(&["account", &provider, &account_id]);
            let Some(account) = self.get_account(&account_id, &provider).await? else {
                return Ok(());
            };
            let mut pipe = redis::pipe();
            pipe.atomic().del(&key);
            if let Some(user_id) = &account.user_id {
                pipe.srem(self.key(&["account", "by-user", user_id]), &key);
            }
            pipe.query_async::<()>(&mut self.conn())
                .await
                .map_err(failed)
        })
    }

    fn get_account(
        &self,
        provider_account_id: &str,
        provider: &str,
    ) -> BoxFuture<'_, AdapterResult<Option<Account>>> {
        let key = self.key(&["account", provider, provider_account_id]);
        Box::pin(async move {
            let stored: Option<String> = self.conn().get(key).await.map_err(failed)?;
            stored.map(|s| parse(&s, "account")).transpose()
        })
    }

    fn get_accounts_by_user(&self, user_id: &str) -> BoxFuture<'_, AdapterResult<Vec<Account>>> {
        let set = self.key(&["account", "by-user", user_id]);
        Box::pin(async move {
            self.all(set)
                .await?
                .iter()
                .map(|s| parse(s, "account"))
                .collect()
        })
    }

    fn update_account(&self, account: Account) -> BoxFuture<'_, AdapterResult<()>> {
        Box::pin(async move {
            let key = self.key(&["account", &account.provider, &account.provider_account_id]);
            let Some(stored) = self
                .get_account(&account.provider_account_id, &account.provider)
                .await?
            else {
                return Ok(());
            };
            let updated = Account {
                user_id: stored.user_id,
                ..account
            };
            // XX: an account unlinked meanwhile stays unlinked.
            redis::cmd("SET")
                .arg(&key)
                .arg(json(&updated)?)
                .arg("XX")
                .query_async::<Option<String>>(&mut self.conn())
                .await
                .map_err(failed)?;
            Ok(())
        })
    }

    fn create_user_with_account(
        &self,
        user: User,
        account: Account,
    ) -> BoxFuture<'_, AdapterResult<User>> {
        Box::pin(async move {
            let id = uuid::Uuid::new_v4().to_string();
            let user = User {
                id: Some(id.clone()),
                ..user
            };
            let account = Account {
                user_id: Some(id.clone()),
                ..account
            };
            let email = user.email.clone().unwrap_or_default();
            let created: i64 = self
                .create_with_account
                .key(self.key(&["user", &id]))
                .key(self.key(&["user", "email", &email]))
                .key(self.key(&["account", &account.provider, &account.provider_account_id]))
                .key(self.key(&["account", "by-user", &id]))
                .arg(json(&user)?)
                .arg(&id)
                .arg(if user.email.is_some() { "1" } else { "0" })
                .arg(json(&account)?)
                .invoke_async(&mut self.conn())
                .await
                .map_err(failed)?;
            if created == 1 {
                Ok(user)
            } else {
                Err(AdapterError::Conflict("account"))
            }
        })
    }
}

impl SessionAdapter for RedisAdapter {
    fn create_session(
        &self,
        session: AdapterSession,
    ) -> BoxFuture<'_, AdapterResult<AdapterSession>> {
        Box::pin(async move {
            let created: i64 = self
                .create_session
                .key(self.key(&["session", &session.session_token]))
                .key(self.key(&["session", "by-user", &session.user_id]))
                .arg(&session.user_id)
                .arg(millis(session.expires))
                .invoke_async(&mut self.conn())
                .await
                .map_err(failed)?;
            if created == 1 {
                Ok(session)
            } else {
                Err(AdapterError::Conflict("session"))
            }
        })
    }

    fn get_session_and_user(
        &self,
        session_token: &str,
    ) -> BoxFuture<'_, AdapterResult<Option<(AdapterSession, User)>>> {
        let (token, key) = (
            session_token.to_owned(),
            self.key(&["session", session_token]),
        );
        Box::pin(async move {
            let (user_id, expires): (Option<String>, Option<i64>) = redis::cmd("HMGET")
                .arg(&key)
                .arg("userId")
                .arg("expires")
                .query_async(&mut self.conn())
                .await
                .map_err(failed)?;
            let (Some(user_id), Some(expires)) = (user_id, expires) else {
                return Ok(None);
            };
            let Some(user) = self.user(&user_id).await? else {
                return Ok(None);
            };
            let session = AdapterSession {
                session_token: token,
                user_id,
                expires: from_millis(expires)?,
            };
            Ok(Some((session, user)))
        })
    }

    fn update_session(
        &self,
        session_token: &str,
        expires: OffsetDateTime,
    ) -> BoxFuture<'_, AdapterResult<Option<AdapterSession>>> {
        let (token, key) = (
            session_token.to_owned(),
            self.key(&["session", session_token]),
        );
        Box::pin(async move {
            let user_id: Option<String> = self
                .update_session
                .key(key)
                .arg(millis(expires))
                .invoke_async(&mut self.conn())
                .await
                .map_err(failed)?;
            Ok(user_id.map(|user_id| AdapterSession {
                session_token: token,
                user_id,
                expires,
            }))
        })
    }

    fn delete_session(&self, session_token: &str) -> BoxFuture<'_, AdapterResult<()>> {
        let key = self.key(&["session", session_token]);
        Box::pin(async move {
            let mut conn = self.conn();
            let user_id: Option<String> = conn.hget(&key, "userId").await.map_err(failed)?;
            let mut pipe = redis::pipe();
            pipe.atomic().del(&key);
            if let Some(user_id) = user_id {
                pipe.srem(self.key(&["session", "by-user", &user_id]), &key);
            }
            pipe.query_async::<()>(&mut conn).await.map_err(failed)
        })
    }
}

impl VerificationTokenAdapter for RedisAdapter {
    fn create_verification_token(
        &self,
        token: VerificationToken,
    ) -> BoxFuture<'_, AdapterResult<()>> {
        Box::pin(async move {
            let expires = millis(token.expires);
            redis::cmd("SET")
                .arg(self.key(&["token", &token.identifier, &token.token]))
                .arg(expires)
                .arg("PXAT")
                .arg(expires)
                .query_async::<()>(&mut self.conn())
                .await
                .map_err(failed)
        })
    }

    fn use_verification_token(
        &self,
        identifier: &str,
        token: &str,
    ) -> BoxFuture<'_, AdapterResult<Option<VerificationToken>>> {
        let (identifier, token) = (identifier.to_owned(), token.to_owned());
        Box::pin(async move {
            // GETDEL: of two racing calls, one gets the token.
            let expires: Option<i64> = self
                .conn()
                .get_del(self.key(&["token", &identifier, &token]))
                .await
                .map_err(failed)?;
            expires
                .map(|ms| {
                    Ok(VerificationToken {
                        identifier,
                        token,
                        expires: from_millis(ms)?,
                    })
                })
                .transpose()
        })
    }
}

impl AuthenticatorAdapter for RedisAdapter {
    fn create_authenticator(
        &self,
        authenticator: Authenticator,
    ) -> BoxFuture<'_, AdapterResult<Authenticator>> {
        Box::pin(async move {
            let key = self.key(&["authenticator", &authenticator.credential_id]);
            let set = self.key(&["authenticator", "by-user", &authenticator.user_id]);
            let value = json(&StoredAuthenticator::from(authenticator.clone()))?;
            if self.add_new(key, set, value).await? {
                Ok(authenticator)
            } else {
                Err(AdapterError::Conflict("authenticator"))
            }
        })
    }

    fn get_authenticator(
        &self,
        credential_id: &str,
    ) -> BoxFuture<'_, AdapterResult<Option<Authenticator>>> {
        let key = self.key(&["authenticator", credential_id]);
        Box::pin(async move {
            let stored: Option<String> = self.conn().get(key).await.map_err(failed)?;
            stored
                .map(|s| parse::<StoredAuthenticator>(&s, "authenticator").map(Into::into))
                .transpose()
        })
    }

    fn list_authenticators_by_user_id(
        &self,
        user_id: &str,
    ) -> BoxFuture<'_, AdapterResult<Vec<Authenticator>>> {
        let set = self.key(&["authenticator", "by-user", user_id]);
        Box::pin(async move {
            self.all(set)
                .await?
                .iter()
                .map(|s| parse::<StoredAuthenticator>(s, "authenticator").map(Into::into))
                .collect()
        })
    }

    fn update_authenticator_counter(
        &self,
        credential_id: &str,
        counter: u32,
    ) -> BoxFuture<'_, AdapterResult<Authenticator>> {
        let credential_id = credential_id.to_owned();
        Box::pin(async move {
            let mut stored = self
                .get_authenticator(&credential_id)
                .await?
                .ok_or(AdapterError::NotFound("authenticator"))?;
            stored.counter = counter;
            let written: Option<String> = redis::cmd("SET")
                .arg(self.key(&["authenticator", &credential_id]))
                .arg(json(&StoredAuthenticator::from(stored.clone()))?)
                .arg("XX")
                .query_async(&mut self.conn())
                .await
                .map_err(failed)?;
            written
                .map(|_| stored)
                .ok_or(AdapterError::NotFound("authenticator"))
        })
    }
}
