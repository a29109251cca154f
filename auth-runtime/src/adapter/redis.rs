//! The Redis adapter (feature `redis`): users, accounts, sessions, verification tokens and
//! authenticators in Redis, for apps that keep sessions there. Sessions and verification tokens
//! carry their expiry as a Redis TTL, so Redis drops them when they end.
//!
//! Keys, under a prefix (default `auth:`):
//!
//! | key | value |
//! |---|---|
//! | `user:{id}` | the user, JSON |
//! | `user:email:{email}` | the user id |
//! | `account:{provider}:{providerAccountId}` | the account, JSON |
//! | `account:by-user:{id}` | set of the user's account keys |
//! | `session:{token}` | hash `userId`, `expires` (epoch ms); TTL to `expires` |
//! | `session:by-user:{id}` | set of the user's session keys |
//! | `token:{identifier}:{hash}` | `expires` (epoch ms); TTL to `expires` |
//! | `authenticator:{credentialID}` | the authenticator, JSON |
//! | `authenticator:by-user:{id}` | set of the user's authenticator keys |
//!
//! Every change that touches several keys is one script or one `MULTI`, so a crash between
//! two writes leaves nothing half-written.

use std::time::Duration;

use redis::AsyncCommands;
use redis::aio::{ConnectionManager, ConnectionManagerConfig};
use serde::{Deserialize, Serialize};
use time::OffsetDateTime;

use super::{
    Adapter, AdapterError, AdapterResult, AdapterSession, Authenticator, AuthenticatorAdapter,
    SessionAdapter, VerificationToken, VerificationTokenAdapter,
};
use crate::callbacks::BoxFuture;
use crate::types::{Account, User};

/// Sets a key only when it is new and adds it to a set: `link_account`, `create_authenticator`.
const ADD_NEW: &str = r"
if not redis.call('SET', KEYS[1], ARGV[1], 'NX') then return 0 end
redis.call('SADD', KEYS[2], KEYS[1])
return 1
";

/// A first sign-in: the user, its email index and its account, or nothing when the account is
/// taken.
const CREATE_WITH_ACCOUNT: &str = r"
if redis.call('EXISTS', KEYS[3]) == 1 then return 0 end
redis.call('SET', KEYS[1], ARGV[1])
if ARGV[3] == '1' then redis.call('SET', KEYS[2], ARGV[2]) end
redis.call('SET', KEYS[3], ARGV[4])
redis.call('SADD', KEYS[4], KEYS[3])
return 1
";

/// A new session: its hash with a TTL, and the user's set, which lives as long as the latest
/// session.
const CREATE_SESSION: &str = r"
if redis.call('EXISTS', KEYS[1]) == 1 then return 0 end
redis.call('HSET', KEYS[1], 'userId', ARGV[1], 'expires', ARGV[2])
redis.call('PEXPIREAT', KEYS[1], ARGV[2])
redis.call('SADD', KEYS[2], KEYS[1])
if redis.call('PTTL', KEYS[2]) == -1 then
  redis.call('PEXPIREAT', KEYS[2], ARGV[2])
else
  redis.call('PEXPIREAT', KEYS[2], ARGV[2], 'GT')
end
return 1
";

/// Moves a session's expiry, only when it still exists; returns its user id.
const UPDATE_SESSION: &str = r"
if redis.call('EXISTS', KEYS[1]) == 0 then return false end
redis.call('HSET', KEYS[1], 'expires', ARGV[1])
redis.call('PEXPIREAT', KEYS[1], ARGV[1])
return redis.call('HGET', KEYS[1], 'userId')
";

/// Users, accounts, sessions, verification tokens and authenticators in Redis.
#[derive(Clone)]
pub struct RedisAdapter {
    connection: ConnectionManager,
    prefix: String,
    add_new: redis::Script,
    create_with_account: redis::Script,
    create_session: redis::Script,
    update_session: redis::Script,
}

impl std::fmt::Debug for RedisAdapter {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("RedisAdapter")
            .field("prefix", &self.prefix)
            .finish_non_exhaustive()
    }
}

fn failed(err: redis::RedisError) -> AdapterError {
    if err.is_io_error()
        || err.is_connection_refusal()
        || err.is_timeout()
        || err.is_connection_dropped()
        || err.is_unrecoverable_error()
    {
        AdapterError::Unavailable(Box::new(err))
    } else {
        AdapterError::Database(Box::new(err))
    }
}

fn millis(at: OffsetDateTime) -> i64 {
    i64::try_from(at.unix_timestamp_nanos() / 1_000_000).unwrap_or(i64::MAX)
}

fn from_millis(ms: i64) -> AdapterResult<OffsetDateTime> {
    OffsetDateTime::from_unix_timestamp_nanos(i128::from(ms) * 1_000_000)
        .map_err(|_| AdapterError::Corrupt("timestamp"))
}

fn json<T: Serialize>(value: &T) -> AdapterResult<String> {
    serde_json::to_string(value).map_err(|_| AdapterError::Invalid("a value that is not JSON"))
}

fn parse<T: for<'de> Deserialize<'de>>(text: &str, what: &'static str) -> AdapterResult<T> {
    serde_json::from_str(text).map_err(|_| AdapterError::Corrupt(what))
}

/// An authenticator as stored: Auth.js's field names.
#[derive(Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
struct StoredAuthenticator {
    #[serde(rename = "credentialID")]
    credential_id: String,
    user_id: String,
    provider_account_id: String,
    credential_public_key: String,
    counter: u32,
    credential_device_type: String,
    credential_backed_up: bool,
    transports: Option<String>,
}

impl From<Authenticator> for StoredAuthenticator {
    fn from(a: Authenticator) -> Self {
        Self {
            credential_id: a.credential_id,
            user_id: a.user_id,
            provider_account_id: a.provider_account_id,
            credential_public_key: a.credential_public_key,
            counter: a.counter,
            credential_device_type: a.credential_device_type,
            credential_backed_up: a.credential_backed_up,
            transports: a.transports,
        }
    }
}

impl From<StoredAuthenticator> for Authenticator {
    fn from(a: StoredAuthenticator) -> Self {
        Self {
            credential_id: a.credential_id,
            user_id: a.user_id,
            provider_account_id: a.provider_account_id,
            credential_public_key: a.credential_public_key,
            counter: a.counter,
            credential_device_type: a.credential_device_type,
            credential_backed_up: a.credential_backed_up,
            transports: a.transports,
        }
    }
}

impl RedisAdapter {
    /// An adapter for the Redis at `url` (`redis://127.0.0.1:6379`), keys under `auth:`.
    /// Connects lazily and reconnects by itself; a call that gets no answer within 2 s fails
    /// with [`AdapterError::Unavailable`]. Must be called inside a Tokio runtime.
    pub fn new(url: &str) -> AdapterResult<Self> {
        Self::with_prefix(url, "auth:")
    }

    /// An adapter whose keys start with `prefix` (several apps on one Redis).
    pub fn with_prefix(url: &str, prefix: &str) -> AdapterResult<Self> {
        let client = redis::Client::open(url)
            .map_err(|_| AdapterError::Invalid("not a Redis URL: use redis://host:port"))?;
        let config = ConnectionManagerConfig::new()
            .set_connection_timeout(Some(Duration::from_secs(1)))
            .set_response_timeout(Some(Duration::from_secs(2)))
            .set_number_of_retries(1)
            .set_max_delay(Duration::from_millis(200));
        let connection = client.get_connection_manager_lazy(config).map_err(failed)?;
        Ok(Self {
            connection,
            prefix: prefix.to_owned(),
            add_new: redis::Script::new(ADD_NEW),
            create_with_account: redis::Script::new(CREATE_WITH_ACCOUNT),
            create_session: redis::Script::new(CREATE_SESSION),
            update_session: redis::Script::new(UPDATE_SESSION),
        })
    }

    fn key(&self, parts: &[&str]) -> String {
        let mut key = self.prefix.clone();
        key.push_str(&parts.join(":"));
        key
    }

    fn conn(&self) -> ConnectionManager {
        self.connection.clone()
    }

    async fn user(&self, id: &str) -> AdapterResult<Option<User>> {
        let stored: Option<String> = self
            .conn()
            .get(self.key(&["user", id]))
            .await
            .map_err(failed)?;
        stored.map(|s| parse(&s, "user")).transpose()
    }

    /// The values of the keys in `set`.
    async fn all(&self, set: String) -> AdapterResult<Vec<String>> {
        let mut conn = self.conn();
        let keys: Vec<String> = conn.smembers(&set).await.map_err(failed)?;
        if keys.is_empty() {
            return Ok(Vec::new());
        }
        let values: Vec<Option<String>> = conn.mget(&keys).await.map_err(failed)?;
        Ok(values.into_iter().flatten().collect())
    }

    async fn add_new(&self, key: String, set: String, value: String) -> AdapterResult<bool> {
        let added: i64 = self
            .add_new
            .key(key)
            .key(set)
            .arg(value)
            .invoke_async(&mut self.conn())
            .await
            .map_err(failed)?;
        Ok(added == 1)
    }
}

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
            if user.name.is_some() {
                stored.name = user.name;
            }
            if user.email.is_some() {
                stored.email = user.email;
            }
            if user.image.is_some() {
                stored.image = user.image;
            }
            if user.email_verified.is_some() {
                stored.email_verified = user.email_verified;
            }
            stored.extra.extend(user.extra);
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
