//! Counters in Redis, shared by every instance of an app (feature `redis`).

use std::time::Duration;

use redis::aio::{ConnectionManager, ConnectionManagerConfig};

use super::{Hits, RateLimitStore, StoreError};
use crate::callbacks::BoxFuture;

/// One hit, atomically: count, start the window on the first hit, and say when it ends. A key
/// without expiry (written by hand) gets one, so no counter lives forever.
const HIT: &str = r"
local count = redis.call('INCR', KEYS[1])
if count == 1 then redis.call('PEXPIRE', KEYS[1], ARGV[1]) end
local ttl = redis.call('PTTL', KEYS[1])
if ttl < 0 then
  redis.call('PEXPIRE', KEYS[1], ARGV[1])
  ttl = tonumber(ARGV[1])
end
return {count, ttl}
";

/// Fixed-window counters in Redis. Connects lazily and reconnects by itself; each command
/// waits at most 500 ms, after which the request passes and the failure is logged.
#[derive(Clone)]
pub struct RedisStore {
    connection: ConnectionManager,
    hit: redis::Script,
}

impl std::fmt::Debug for RedisStore {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("RedisStore").finish_non_exhaustive()
    }
}

impl RedisStore {
    /// A store for the Redis at `url` (`redis://127.0.0.1:6379`). Nothing is connected yet:
    /// an unreachable server shows as logged failures, not here. Must be called inside a Tokio
    /// runtime.
    pub fn new(url: &str) -> Result<Self, StoreError> {
        let client = redis::Client::open(url).map_err(|e| StoreError(e.to_string()))?;
        let config = ConnectionManagerConfig::new()
            .set_connection_timeout(Some(Duration::from_millis(500)))
            .set_response_timeout(Some(Duration::from_millis(500)))
            .set_number_of_retries(1)
            .set_max_delay(Duration::from_millis(200));
        let connection = client
            .get_connection_manager_lazy(config)
            .map_err(|e| StoreError(e.to_string()))?;
        Ok(Self {
            connection,
            hit: redis::Script::new(HIT),
        })
    }
}

fn millis(duration: Duration) -> u64 {
    u64::try_from(duration.as_millis())
        .unwrap_or(u64::MAX)
        .max(1)
}

fn reset_in(ttl_ms: i64) -> Duration {
    Duration::from_millis(u64::try_from(ttl_ms).unwrap_or(0))
}

impl RateLimitStore for RedisStore {
    fn hit<'a>(
        &'a self,
        key: &'a str,
        window: Duration,
    ) -> BoxFuture<'a, Result<Hits, StoreError>> {
        Box::pin(async move {
            let mut connection = self.connection.clone();
            let (count, ttl): (u64, i64) = self
                .hit
                .key(key)
                .arg(millis(window))
                .invoke_async(&mut connection)
                .await
                .map_err(|e| StoreError(e.to_string()))?;
            Ok(Hits {
                count,
                reset_in: reset_in(ttl),
            })
        })
    }

    fn peek<'a>(&'a self, key: &'a str) -> BoxFuture<'a, Result<Hits, StoreError>> {
        Box::pin(async move {
            let mut connection = self.connection.clone();
            let (count, ttl): (Option<u64>, i64) = redis::pipe()
                .get(key)
                .pttl(key)
                .query_async(&mut connection)
                .await
                .map_err(|e| StoreError(e.to_string()))?;
            Ok(Hits {
                count: count.unwrap_or(0),
                reset_in: reset_in(ttl),
            })
        })
    }
}
