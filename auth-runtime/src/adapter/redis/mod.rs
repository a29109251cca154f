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

mod store;

use std::time::Duration;

use redis::AsyncCommands;
use redis::aio::{ConnectionManager, ConnectionManagerConfig};
use serde::{Deserialize, Serialize};

use super::{AdapterError, AdapterResult, Authenticator};
use crate::types::User;

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
