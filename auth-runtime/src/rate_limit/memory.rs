//! Counters in this process's memory: right for one instance.

use std::collections::HashMap;
use std::sync::Mutex;
use std::time::{Duration, Instant};

use super::{Hits, RateLimitStore, StoreError};
use crate::callbacks::BoxFuture;

/// Keys kept at most. When full, finished windows are dropped first; if none has finished, a
/// new key is not tracked (its requests pass) while every existing counter keeps counting, so
/// flooding the store with new keys cannot reset the counter of a key under attack.
pub const MEMORY_STORE_CAPACITY: usize = 100_000;

struct Window {
    started: Instant,
    length: Duration,
    count: u64,
}

impl Window {
    fn remaining(&self, now: Instant) -> Option<Duration> {
        self.length
            .checked_sub(now.duration_since(self.started))
            .filter(|left| !left.is_zero())
    }
}

/// Fixed-window counters in memory.
pub struct MemoryStore {
    windows: Mutex<HashMap<String, Window>>,
    capacity: usize,
}

impl Default for MemoryStore {
    fn default() -> Self {
        Self::with_capacity(MEMORY_STORE_CAPACITY)
    }
}

impl MemoryStore {
    /// A store that keeps at most `capacity` keys.
    pub fn with_capacity(capacity: usize) -> Self {
        Self {
            windows: Mutex::new(HashMap::new()),
            capacity,
        }
    }

    fn hit_at(&self, key: &str, window: Duration, now: Instant) -> Hits {
        let mut windows = self.windows.lock().unwrap_or_else(|e| e.into_inner());
        if let Some(current) = windows.get_mut(key) {
            if let Some(reset_in) = current.remaining(now) {
                current.count += 1;
                return Hits {
                    count: current.count,
                    reset_in,
                };
            }
            *current = Window {
                started: now,
                length: window,
                count: 1,
            };
            return Hits {
                count: 1,
                reset_in: window,
            };
        }
        if windows.len() >= self.capacity {
            windows.retain(|_, w| w.remaining(now).is_some());
        }
        if windows.len() < self.capacity {
            windows.insert(
                key.to_owned(),
                Window {
                    started: now,
                    length: window,
                    count: 1,
                },
            );
        }
        Hits {
            count: 1,
            reset_in: window,
        }
    }

    fn peek_at(&self, key: &str, now: Instant) -> Hits {
        let windows = self.windows.lock().unwrap_or_else(|e| e.into_inner());
        windows
            .get(key)
            .and_then(|w| {
                w.remaining(now).map(|reset_in| Hits {
                    count: w.count,
                    reset_in,
                })
            })
            .unwrap_or(Hits {
                count: 0,
                reset_in: Duration::ZERO,
            })
    }
}

impl RateLimitStore for MemoryStore {
    fn hit<'a>(
        &'a self,
        key: &'a str,
        window: Duration,
    ) -> BoxFuture<'a, Result<Hits, StoreError>> {
        let hits = self.hit_at(key, window, Instant::now());
        Box::pin(std::future::ready(Ok(hits)))
    }

    fn peek<'a>(&'a self, key: &'a str) -> BoxFuture<'a, Result<Hits, StoreError>> {
        let hits = self.peek_at(key, Instant::now());
        Box::pin(std::future::ready(Ok(hits)))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const MINUTE: Duration = Duration::from_secs(60);

    #[test]
    fn a_window_counts_until_it_ends_then_starts_over() {
        let store = MemoryStore::default();
        let t0 = Instant::now();
        assert_eq!(store.hit_at("k", MINUTE, t0).count, 1);
        let second = store.hit_at("k", MINUTE, t0 + Duration::from_secs(20));
        assert_eq!(second.count, 2);
        assert_eq!(second.reset_in, Duration::from_secs(40));
        assert_eq!(store.peek_at("k", t0 + Duration::from_secs(30)).count, 2);
        assert_eq!(store.hit_at("k", MINUTE, t0 + MINUTE).count, 1);
        assert_eq!(store.peek_at("other", t0).count, 0);
        assert_eq!(store.peek_at("k", t0 + 3 * MINUTE).count, 0);
    }

    #[test]
    fn a_full_store_keeps_its_counters_and_drops_finished_windows_first() {
        let store = MemoryStore::with_capacity(2);
        let t0 = Instant::now();
        store.hit_at("victim", MINUTE, t0);
        store.hit_at("victim", MINUTE, t0);
        store.hit_at("short", Duration::from_secs(1), t0);
        // Full: "short" has finished and goes; the newcomer takes its place.
        store.hit_at("new", MINUTE, t0 + Duration::from_secs(2));
        // Full of live windows: a newcomer is not tracked, the victim's counter stays.
        for i in 0..100 {
            store.hit_at(&format!("flood-{i}"), MINUTE, t0 + Duration::from_secs(3));
        }
        assert_eq!(
            store
                .hit_at("victim", MINUTE, t0 + Duration::from_secs(4))
                .count,
            3
        );
        assert_eq!(store.peek_at("new", t0 + Duration::from_secs(4)).count, 1);
        for flood in ["flood-0", "flood-1"] {
            assert_eq!(store.peek_at(flood, t0 + Duration::from_secs(4)).count, 0);
        }
        let kept = store.windows.lock().map(|w| w.len()).unwrap_or_default();
        assert_eq!(kept, 2, "never more keys than the capacity");
    }
}
