//! Refresh-token rotation, once per token: concurrent session reads that carry the same expired
//! access token share one refresh (single-flight), a read that comes just after it (a browser's
//! parallel requests still send the old cookie) gets the same new tokens, and after a failure
//! the provider is not asked again until a back-off has passed (30 s, doubling to 15 min).
//!
//! Auth.js leaves rotation to the app; its documented recipe refreshes on every request while
//! the access token is expired, failed or not, and concurrent requests race on a refresh token
//! that the provider may rotate (and then revoke as replayed).

use std::collections::HashMap;
use std::sync::{Arc, Mutex, OnceLock};
use std::time::{Duration, Instant};

use futures_util::FutureExt;
use futures_util::future::Shared;
use sha2::{Digest, Sha256};

use crate::callbacks::BoxFuture;
use crate::error::AuthError;
use crate::http_client::HttpClient;
use crate::providers::OAuthProvider;
use crate::types::Account;

/// How long a successful refresh is handed to later reads of the same refresh token.
pub(crate) const REUSE_SUCCESS: Duration = Duration::from_secs(60);
/// The wait after a first failure; it doubles with each failure that follows.
pub(crate) const FIRST_BACKOFF: Duration = Duration::from_secs(30);
/// The longest wait between two attempts.
pub(crate) const MAX_BACKOFF: Duration = Duration::from_secs(15 * 60);
/// Refresh tokens remembered at most; past it, finished entries are dropped first.
const CAPACITY: usize = 4096;

/// What a refresh ended with. A failure was logged by the read that ran it.
#[derive(Clone)]
pub(crate) enum Refreshed {
    Tokens(Arc<Account>),
    Failed,
}

#[derive(Clone)]
struct Finished {
    outcome: Refreshed,
    at: Instant,
}

type Flight = Shared<BoxFuture<'static, Finished>>;

struct Entry {
    flight: Flight,
    /// Failures before this attempt (the back-off of the next one grows with it).
    failures_before: u32,
}

impl Entry {
    /// Whether the finished attempt still answers a read at `now`; `None` while it runs.
    fn still_answers(&self, now: Instant) -> Option<bool> {
        let finished = self.flight.peek()?;
        let window = match finished.outcome {
            Refreshed::Tokens(_) => REUSE_SUCCESS,
            Refreshed::Failed => backoff(self.failures_before + 1),
        };
        Some(now.duration_since(finished.at) < window)
    }

    fn failures_after(&self) -> u32 {
        match self.flight.peek().map(|f| &f.outcome) {
            Some(Refreshed::Failed) => self.failures_before + 1,
            _ => 0,
        }
    }
}

/// The wait after `failures` consecutive failures.
pub(crate) fn backoff(failures: u32) -> Duration {
    let doublings = failures.saturating_sub(1).min(16);
    FIRST_BACKOFF
        .saturating_mul(1 << doublings)
        .min(MAX_BACKOFF)
}

/// In-flight and recent refreshes, keyed by a hash of provider and refresh token (never the
/// token itself). One per process, so lazy configurations share it too.
#[derive(Default)]
pub(crate) struct RefreshGate {
    entries: Mutex<HashMap<[u8; 32], Entry>>,
}

impl RefreshGate {
    /// The process's gate.
    pub(crate) fn global() -> &'static RefreshGate {
        static GATE: OnceLock<RefreshGate> = OnceLock::new();
        GATE.get_or_init(RefreshGate::default)
    }

    /// Refreshes `refresh_token` at `provider`, or joins the refresh already running for it, or
    /// answers with the one that finished within its window. `log` receives the error of a
    /// refresh this call ran (once, however many reads share it).
    pub(crate) async fn refresh(
        &self,
        http: Arc<dyn HttpClient>,
        provider: &OAuthProvider,
        refresh_token: &str,
        log: impl Fn(&AuthError),
    ) -> Refreshed {
        let key = key(provider, refresh_token);
        let (flight, ran_here) = {
            let mut entries = self.entries.lock().unwrap_or_else(|e| e.into_inner());
            let now = Instant::now();
            let current = entries.get(&key);
            if let Some(entry) = current.filter(|e| e.still_answers(now) != Some(false)) {
                // Running, or finished within its window: its outcome is this read's.
                (entry.flight.clone(), Arc::default())
            } else {
                Self::launch(&mut entries, key, now, http, provider, refresh_token)
            }
        };
        let finished = flight.await;
        if let Some(err) = ran_here.lock().unwrap_or_else(|e| e.into_inner()).take() {
            log(&err);
        }
        finished.outcome
    }

    /// Starts a refresh and records it, its failures counted on from the previous attempt.
    fn launch(
        entries: &mut HashMap<[u8; 32], Entry>,
        key: [u8; 32],
        now: Instant,
        http: Arc<dyn HttpClient>,
        provider: &OAuthProvider,
        refresh_token: &str,
    ) -> (Flight, Arc<Mutex<Option<AuthError>>>) {
        let failures_before = entries.get(&key).map_or(0, Entry::failures_after);
        if entries.len() >= CAPACITY {
            entries.retain(|_, e| e.still_answers(now) != Some(false));
        }
        let errors: Arc<Mutex<Option<AuthError>>> = Arc::default();
        let flight = start(
            http,
            provider.clone(),
            refresh_token.to_owned(),
            errors.clone(),
        );
        if entries.len() < CAPACITY || entries.contains_key(&key) {
            let entry = Entry {
                flight: flight.clone(),
                failures_before,
            };
            entries.insert(key, entry);
        }
        (flight, errors)
    }
}

/// The entry of a refresh token at a provider: the provider as this configuration knows it (id,
/// client, issuer, token endpoint), so two apps in one process never share an entry.
fn key(provider: &OAuthProvider, refresh_token: &str) -> [u8; 32] {
    let mut hash = Sha256::new();
    for part in [
        provider.id.as_str(),
        provider.client_id.as_deref().unwrap_or(""),
        provider.issuer.as_deref().unwrap_or(""),
        provider.token_url.as_deref().unwrap_or(""),
        refresh_token,
    ] {
        hash.update((part.len() as u64).to_be_bytes());
        hash.update(part.as_bytes());
    }
    hash.finalize().into()
}

/// The shared refresh: polled by every read that waits for it, so it completes even when the
/// read that started it goes away.
fn start(
    http: Arc<dyn HttpClient>,
    provider: OAuthProvider,
    refresh_token: String,
    errors: Arc<Mutex<Option<AuthError>>>,
) -> Flight {
    let run: BoxFuture<'static, Finished> = Box::pin(async move {
        let outcome = match super::oauth::token::refresh(http, &provider, &refresh_token).await {
            Ok(account) => Refreshed::Tokens(Arc::new(account)),
            Err(err) => {
                *errors.lock().unwrap_or_else(|e| e.into_inner()) = Some(err);
                Refreshed::Failed
            }
        };
        Finished {
            outcome,
            at: Instant::now(),
        }
    });
    run.shared()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_backoff_doubles_from_30s_to_at_most_15min() {
        assert_eq!(backoff(1), Duration::from_secs(30));
        assert_eq!(backoff(2), Duration::from_secs(60));
        assert_eq!(backoff(5), Duration::from_secs(480));
        assert_eq!(backoff(6), MAX_BACKOFF);
        assert_eq!(backoff(u32::MAX), MAX_BACKOFF);
    }

    #[test]
    fn keys_separate_providers_clients_and_tokens() {
        let provider = |id: &str, client: &str| {
            OAuthProvider::new(id, id, crate::providers::ProviderKind::OAuth).client_id(client)
        };
        assert_ne!(
            key(&provider("a", "c"), "bc"),
            key(&provider("ab", "c"), "c")
        );
        assert_ne!(
            key(&provider("a", "c1"), "t"),
            key(&provider("a", "c2"), "t")
        );
        assert_eq!(key(&provider("a", "c"), "t"), key(&provider("a", "c"), "t"));
    }

    fn finished(outcome: Refreshed, ago: Duration, failures_before: u32) -> (Entry, Instant) {
        let now = Instant::now() + Duration::from_secs(3600);
        let done = Finished {
            outcome,
            at: now - ago,
        };
        let flight: BoxFuture<'static, Finished> = Box::pin(std::future::ready(done));
        let flight = flight.shared();
        assert!(flight.clone().now_or_never().is_some());
        (
            Entry {
                flight,
                failures_before,
            },
            now,
        )
    }

    struct NoHttp;

    impl HttpClient for NoHttp {
        fn send(
            &self,
            _: crate::http_client::HttpRequest,
        ) -> BoxFuture<'_, Result<crate::http_client::HttpResponse, crate::http_client::HttpError>>
        {
            unreachable!("a flight that is never awaited sends nothing")
        }
    }

    fn running() -> Entry {
        let flight: BoxFuture<'static, Finished> = Box::pin(std::future::pending());
        Entry {
            flight: flight.shared(),
            failures_before: 0,
        }
    }

    #[test]
    fn a_full_gate_drops_finished_windows_first_and_never_a_running_refresh() {
        let provider = OAuthProvider::new("p", "P", crate::providers::ProviderKind::OAuth);
        let http: Arc<dyn HttpClient> = Arc::new(NoHttp);
        let token = |i: usize| format!("t{i}");
        let mut entries: HashMap<[u8; 32], Entry> = (0..CAPACITY)
            .map(|i| (key(&provider, &token(i)), running()))
            .collect();
        // A failed refresh whose back-off is over, in the full gate.
        let (failed, now) = finished(Refreshed::Failed, Duration::from_secs(31), 2);
        let retried = key(&provider, &token(0));
        entries.insert(retried, failed);

        // Its retry replaces it and counts on from its failures.
        let _flight = RefreshGate::launch(
            &mut entries,
            retried,
            now,
            http.clone(),
            &provider,
            &token(0),
        );
        assert_eq!(entries.len(), CAPACITY);
        assert_eq!(entries[&retried].failures_before, 3);
        assert_eq!(entries[&retried].still_answers(now), None);

        // Full of running refreshes: a newcomer runs but is not recorded; none is dropped.
        let newcomer = key(&provider, "new");
        let _flight =
            RefreshGate::launch(&mut entries, newcomer, now, http.clone(), &provider, "new");
        assert_eq!(entries.len(), CAPACITY);
        assert!(!entries.contains_key(&newcomer));

        // One finished window in the gate: it goes, and the newcomer takes its place.
        let (done, _) = finished(Refreshed::Failed, Duration::from_secs(31), 0);
        let finished_key = key(&provider, &token(1));
        entries.insert(finished_key, done);
        let _flight = RefreshGate::launch(&mut entries, newcomer, now, http, &provider, "new");
        assert_eq!(entries.len(), CAPACITY);
        assert!(entries.contains_key(&newcomer));
        assert!(!entries.contains_key(&finished_key));
    }

    #[test]
    fn a_success_answers_for_a_minute_and_a_failure_for_its_backoff() {
        let tokens = || Refreshed::Tokens(Arc::new(Account::default()));
        let (entry, now) = finished(tokens(), Duration::from_secs(59), 0);
        assert_eq!(entry.still_answers(now), Some(true));
        assert_eq!(entry.failures_after(), 0);
        // The window is half-open: at exactly 60 s it is over.
        let (entry, now) = finished(tokens(), REUSE_SUCCESS, 0);
        assert_eq!(entry.still_answers(now), Some(false));
        let (entry, now) = finished(tokens(), Duration::from_secs(61), 3);
        assert_eq!(entry.still_answers(now), Some(false));
        assert_eq!(entry.failures_after(), 0, "a success resets the count");

        let (entry, now) = finished(Refreshed::Failed, Duration::from_secs(29), 0);
        assert_eq!(entry.still_answers(now), Some(true));
        let (entry, now) = finished(Refreshed::Failed, Duration::from_secs(31), 0);
        assert_eq!(entry.still_answers(now), Some(false));
        assert_eq!(entry.failures_after(), 1);
        // The third failure in a row waits 2 minutes.
        let (entry, now) = finished(Refreshed::Failed, Duration::from_secs(119), 2);
        assert_eq!(entry.still_answers(now), Some(true));
        assert_eq!(entry.failures_after(), 3);

        let running: BoxFuture<'static, Finished> = Box::pin(std::future::pending());
        let entry = Entry {
            flight: running.shared(),
            failures_before: 0,
        };
        assert_eq!(entry.still_answers(Instant::now()), None);
    }
}
