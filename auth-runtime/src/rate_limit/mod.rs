//! Rate limiting of the sign-in endpoints, on by default (Auth.js has none).
//!
//! | endpoint | per client (address) | per identifier |
//! |---|---|---|
//! | `POST /signin/:provider` (OAuth) | 20 per minute | |
//! | `GET\|POST /callback/:provider` (OAuth) | 20 per minute | |
//! | `POST /callback/credentials` | 10 per minute | 10 failed sign-ins per 15 minutes per `username`/`email` |
//! | `POST /signin/:email-provider` | 10 per minute | 5 emails per 15 minutes per address |
//!
//! A refused request gets `429 Too Many Requests` with `Retry-After` (seconds). Counters are
//! fixed windows, kept in memory ([`MemoryStore`], one instance) or in Redis (`RedisStore`,
//! feature `redis`, for several instances). A store that fails lets the request through and
//! logs `rate-limit-store-unavailable`: sign-in stays up when Redis is down.
//!
//! The client is the connection's address ([`ClientAddr`], which the axum and actix-web
//! integrations provide; with axum, serve with `into_make_service_with_connect_info`), IPv6
//! counted per /64. Behind a proxy, [`ClientAddress`] names the header to trust instead. A
//! request whose address is unknown is limited per identifier only.
//!
//! ```
//! use std::time::Duration;
//! use auth_runtime::config::AuthConfig;
//! use auth_runtime::rate_limit::{ClientAddress, Limit, RateLimits};
//!
//! let config = AuthConfig::new().rate_limit(
//!     RateLimits::default()
//!         .credentials(Limit::new(5, Duration::from_secs(60)))
//!         .client_address(ClientAddress::XForwardedFor { trusted_hops: 1 }),
//! );
//! ```

mod memory;
#[cfg(feature = "redis")]
mod redis;

use std::net::{IpAddr, Ipv6Addr, SocketAddr};
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::Duration;

use http::HeaderMap;
use sha2::{Digest, Sha256};

use crate::callbacks::BoxFuture;

pub use memory::MemoryStore;
#[cfg(feature = "redis")]
pub use redis::RedisStore;

/// How many requests a window allows. `max == 0` turns the rule off.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Limit {
    /// Requests allowed per window.
    pub max: u32,
    /// The window.
    pub window: Duration,
}

impl Limit {
    /// `max` requests per `window`.
    pub const fn new(max: u32, window: Duration) -> Self {
        Self { max, window }
    }

    /// No limit.
    pub const OFF: Self = Self::new(0, Duration::ZERO);

    fn is_on(self) -> bool {
        self.max > 0 && !self.window.is_zero()
    }
}

/// Where the client's address comes from.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub enum ClientAddress {
    /// The connection's peer address (the default): right unless a proxy is in front.
    #[default]
    Connection,
    /// The `n`-th address from the right of `X-Forwarded-For`, for `n` proxies you run (1 =
    /// the address your closest proxy saw). Anything further left is the client's to forge.
    XForwardedFor {
        /// Proxies of yours in front of the app.
        trusted_hops: usize,
    },
    /// A header your proxy sets to the client address (`CF-Connecting-IP`, `X-Real-IP`).
    Header(http::HeaderName),
}

/// The connection's peer address, as a request extension. The axum integration reads axum's
/// `ConnectInfo<SocketAddr>` itself; other servers insert this.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ClientAddr(pub IpAddr);

/// A counter after one more hit.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Hits {
    /// Hits in the current window, this one included.
    pub count: u64,
    /// Time until the window ends.
    pub reset_in: Duration,
}

/// Why a store could not count.
#[derive(Debug, thiserror::Error)]
#[error("rate limit store: {0}")]
pub struct StoreError(pub String);

/// Where counters live. Keys are hashes, never an address or an identifier in clear.
pub trait RateLimitStore: Send + Sync {
    /// Adds one hit to `key`'s window (starting one of `window` if there is none).
    fn hit<'a>(&'a self, key: &'a str, window: Duration)
    -> BoxFuture<'a, Result<Hits, StoreError>>;
    /// The hits of `key`'s current window, without adding one.
    fn peek<'a>(&'a self, key: &'a str) -> BoxFuture<'a, Result<Hits, StoreError>>;
}

/// The rate limits of a configuration ([`crate::config::AuthConfig::rate_limit`]).
#[derive(Clone)]
pub struct RateLimits {
    /// All rules on or off.
    pub enabled: bool,
    /// `POST /signin/:provider` for OAuth providers, per client.
    pub sign_in: Limit,
    /// OAuth callbacks, per client.
    pub callback: Limit,
    /// Credentials sign-ins, per client.
    pub credentials: Limit,
    /// Failed credentials sign-ins, per identifier (the `username` or `email` field).
    pub credentials_failures: Limit,
    /// Email sign-in requests, per client.
    pub email: Limit,
    /// Email sign-in requests, per address.
    pub email_address: Limit,
    /// Where the client address comes from.
    pub client_address: ClientAddress,
    /// The counters.
    pub store: Arc<dyn RateLimitStore>,
}

impl std::fmt::Debug for RateLimits {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("RateLimits")
            .field("enabled", &self.enabled)
            .field("sign_in", &self.sign_in)
            .field("callback", &self.callback)
            .field("credentials", &self.credentials)
            .field("credentials_failures", &self.credentials_failures)
            .field("email", &self.email)
            .field("email_address", &self.email_address)
            .field("client_address", &self.client_address)
            .finish_non_exhaustive()
    }
}

const MINUTE: Duration = Duration::from_secs(60);
const QUARTER_HOUR: Duration = Duration::from_secs(15 * 60);

impl Default for RateLimits {
    fn default() -> Self {
        Self {
            enabled: true,
            sign_in: Limit::new(20, MINUTE),
            callback: Limit::new(20, MINUTE),
            credentials: Limit::new(10, MINUTE),
            credentials_failures: Limit::new(10, QUARTER_HOUR),
            email: Limit::new(10, MINUTE),
            email_address: Limit::new(5, QUARTER_HOUR),
            client_address: ClientAddress::Connection,
            store: Arc::new(MemoryStore::default()),
        }
    }
}

impl RateLimits {
    /// No rate limiting at all.
    pub fn off() -> Self {
        Self {
            enabled: false,
            ..Self::default()
        }
    }

    /// Sets the OAuth sign-in limit.
    pub fn sign_in(mut self, limit: Limit) -> Self {
        self.sign_in = limit;
        self
    }

    /// Sets the OAuth callback limit.
    pub fn callback(mut self, limit: Limit) -> Self {
        self.callback = limit;
        self
    }

    /// Sets the credentials limit per client.
    pub fn credentials(mut self, limit: Limit) -> Self {
        self.credentials = limit;
        self
    }

    /// Sets the failed-credentials limit per identifier.
    pub fn credentials_failures(mut self, limit: Limit) -> Self {
        self.credentials_failures = limit;
        self
    }

    /// Sets the email limits, per client and per address.
    pub fn email(mut self, per_client: Limit, per_address: Limit) -> Self {
        self.email = per_client;
        self.email_address = per_address;
        self
    }

    /// Sets where the client address comes from.
    pub fn client_address(mut self, source: ClientAddress) -> Self {
        self.client_address = source;
        self
    }

    /// Keeps the counters in `store` (for example a `RedisStore` shared by several instances).
    pub fn store(mut self, store: Arc<dyn RateLimitStore>) -> Self {
        self.store = store;
        self
    }

    /// The client address of a request, per [`ClientAddress`]; IPv6 reduced to its /64.
    pub fn client_of(&self, parts: &http::request::Parts) -> Option<IpAddr> {
        let connection = || {
            parts
                .extensions
                .get::<ClientAddr>()
                .map(|c| c.0)
                .or_else(|| connect_info(parts))
        };
        let address = match &self.client_address {
            ClientAddress::Connection => connection(),
            ClientAddress::XForwardedFor { trusted_hops } => {
                forwarded_for(&parts.headers, *trusted_hops).or_else(connection)
            }
            ClientAddress::Header(name) => parts
                .headers
                .get(name)
                .and_then(|v| v.to_str().ok())
                .and_then(|v| v.trim().parse().ok())
                .or_else(connection),
        };
        address.map(normalise)
    }
}

/// The peer address axum records when served with `into_make_service_with_connect_info`.
fn connect_info(parts: &http::request::Parts) -> Option<IpAddr> {
    #[cfg(feature = "axum")]
    let address = parts
        .extensions
        .get::<axum::extract::ConnectInfo<SocketAddr>>()
        .map(|c| c.0.ip());
    #[cfg(not(feature = "axum"))]
    let address = {
        let _ = parts;
        None
    };
    address
}

/// The `hops`-th address from the right of every `X-Forwarded-For` header taken together.
fn forwarded_for(headers: &HeaderMap, hops: usize) -> Option<IpAddr> {
    if hops == 0 {
        return None;
    }
    let list: Vec<&str> = headers
        .get_all("x-forwarded-for")
        .iter()
        .filter_map(|v| v.to_str().ok())
        .flat_map(|v| v.split(','))
        .map(str::trim)
        .collect();
    let entry = list.len().checked_sub(hops).and_then(|i| list.get(i))?;
    entry
        .parse::<IpAddr>()
        .ok()
        .or_else(|| entry.parse::<SocketAddr>().ok().map(|s| s.ip()))
}

/// IPv4-mapped addresses as IPv4; other IPv6 addresses by their /64, which one subscriber
/// usually holds whole.
fn normalise(address: IpAddr) -> IpAddr {
    match address {
        IpAddr::V6(v6) => match v6.to_ipv4_mapped() {
            Some(v4) => IpAddr::V4(v4),
            None => {
                let s = v6.segments();
                IpAddr::V6(Ipv6Addr::new(s[0], s[1], s[2], s[3], 0, 0, 0, 0))
            }
        },
        v4 => v4,
    }
}

/// What a rule counts.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Rule {
    SignIn,
    Callback,
    Credentials,
    CredentialsFailures,
    Email,
    EmailAddress,
}

impl Rule {
    fn name(self) -> &'static str {
        match self {
            Self::SignIn => "signin",
            Self::Callback => "callback",
            Self::Credentials => "credentials",
            Self::CredentialsFailures => "credentials-failures",
            Self::Email => "email",
            Self::EmailAddress => "email-address",
        }
    }

    fn limit(self, limits: &RateLimits) -> Limit {
        match self {
            Self::SignIn => limits.sign_in,
            Self::Callback => limits.callback,
            Self::Credentials => limits.credentials,
            Self::CredentialsFailures => limits.credentials_failures,
            Self::Email => limits.email,
            Self::EmailAddress => limits.email_address,
        }
    }
}

/// The store key of a rule for a client or an identifier: hashed, so an address or a user name
/// never lands in Redis in clear.
fn key(rule: Rule, subject: &str) -> String {
    let digest = Sha256::digest(subject.as_bytes());
    let mut hex = String::with_capacity(32);
    for byte in &digest[..16] {
        hex.push_str(&format!("{byte:02x}"));
    }
    format!("authjs:rl:{}:{hex}", rule.name())
}

/// The identifier a credentials or email request names, normalised (trimmed, lower case).
pub(crate) fn identifier(body: &serde_json::Map<String, serde_json::Value>) -> Option<String> {
    ["email", "username"]
        .iter()
        .find_map(|field| body.get(*field).and_then(|v| v.as_str()))
        .map(|v| v.trim().to_lowercase())
        .filter(|v| !v.is_empty())
}

/// A request the limits refused: retry after this long.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Refused {
    /// How long until the window that refused it ends.
    pub retry_after: Duration,
}

impl Refused {
    /// `Retry-After` in whole seconds, at least 1.
    pub fn retry_after_secs(self) -> u64 {
        (self.retry_after.as_secs() + u64::from(self.retry_after.subsec_nanos() > 0)).max(1)
    }
}

/// The rules that apply to one request, checked before the action and, for failures, counted
/// after it.
pub(crate) struct Gate<'a> {
    limits: &'a RateLimits,
    client: Option<String>,
    identifier: Option<String>,
    per_client: Option<Rule>,
    per_identifier: Option<Rule>,
}

static WARNED_NO_ADDRESS: AtomicBool = AtomicBool::new(false);

impl<'a> Gate<'a> {
    /// The gate of a request for `per_client`/`per_identifier` rules.
    pub(crate) fn new(
        limits: &'a RateLimits,
        client: Option<IpAddr>,
        identifier: Option<String>,
        per_client: Option<Rule>,
        per_identifier: Option<Rule>,
    ) -> Self {
        if client.is_none()
            && per_client.is_some()
            && limits.enabled
            && !WARNED_NO_ADDRESS.swap(true, Ordering::Relaxed)
        {
            tracing::warn!(
                target: "auth",
                "rate limiting per client is off: requests carry no connection address (with axum, serve with into_make_service_with_connect_info::<SocketAddr>)"
            );
        }
        Self {
            limits,
            client: client.map(|c| c.to_string()),
            identifier,
            per_client,
            per_identifier,
        }
    }

    /// The rules and the identifier this gate applies (tests).
    #[cfg(test)]
    pub(crate) fn rules(&self) -> (Option<Rule>, Option<Rule>, Option<&str>) {
        (
            self.per_client,
            self.per_identifier,
            self.identifier.as_deref(),
        )
    }

    /// Counts this request against the per-client rule and checks the per-identifier one (a
    /// failure rule is only read here; [`Gate::failed`] counts).
    pub(crate) async fn admit(&self, on_store_error: impl Fn(&StoreError)) -> Result<(), Refused> {
        if !self.limits.enabled {
            return Ok(());
        }
        if let (Some(rule), Some(client)) = (self.per_client, &self.client) {
            self.count(rule, client, true, &on_store_error).await?;
        }
        if let (Some(rule), Some(id)) = (self.per_identifier, &self.identifier) {
            let counts_every_request = rule != Rule::CredentialsFailures;
            self.count(rule, id, counts_every_request, &on_store_error)
                .await?;
        }
        Ok(())
    }

    /// Counts a failed sign-in against the identifier.
    pub(crate) async fn failed(&self, on_store_error: impl Fn(&StoreError)) {
        if !self.limits.enabled || self.per_identifier != Some(Rule::CredentialsFailures) {
            return;
        }
        let Some(id) = &self.identifier else { return };
        let limit = Rule::CredentialsFailures.limit(self.limits);
        if limit.is_on()
            && let Err(err) = self
                .limits
                .store
                .hit(&key(Rule::CredentialsFailures, id), limit.window)
                .await
        {
            on_store_error(&err);
        }
    }

    async fn count(
        &self,
        rule: Rule,
        subject: &str,
        hit: bool,
        on_store_error: &impl Fn(&StoreError),
    ) -> Result<(), Refused> {
        let limit = rule.limit(self.limits);
        if !limit.is_on() {
            return Ok(());
        }
        let key = key(rule, subject);
        let hits = if hit {
            self.limits.store.hit(&key, limit.window).await
        } else {
            self.limits.store.peek(&key).await
        };
        match hits {
            Ok(hits)
                if hits.count > u64::from(limit.max)
                    || (!hit && hits.count >= u64::from(limit.max)) =>
            {
                Err(Refused {
                    retry_after: hits.reset_in,
                })
            }
            Ok(_) => Ok(()),
            Err(err) => {
                on_store_error(&err);
                Ok(())
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parts(headers: &[(&str, &str)], peer: Option<&str>) -> http::request::Parts {
        let mut builder = http::Request::get("/");
        for (k, v) in headers {
            builder = builder.header(*k, *v);
        }
        let mut parts = builder
            .body(())
            .map(|r| r.into_parts().0)
            .unwrap_or_else(|_| unreachable!());
        if let Some(peer) = peer {
            parts
                .extensions
                .insert(ClientAddr(peer.parse().unwrap_or_else(|_| unreachable!())));
        }
        parts
    }

    fn ip(s: &str) -> Option<IpAddr> {
        s.parse().ok()
    }

    #[test]
    fn the_client_is_the_connection_unless_a_proxy_is_trusted() {
        let limits = RateLimits::default();
        let forged = [("x-forwarded-for", "6.6.6.6"), ("x-real-ip", "7.7.7.7")];
        assert_eq!(
            limits.client_of(&parts(&forged, Some("10.0.0.1"))),
            ip("10.0.0.1")
        );
        assert_eq!(limits.client_of(&parts(&forged, None)), None);

        let one_proxy =
            RateLimits::default().client_address(ClientAddress::XForwardedFor { trusted_hops: 1 });
        let chain = [("x-forwarded-for", "6.6.6.6, 1.2.3.4")];
        assert_eq!(
            one_proxy.client_of(&parts(&chain, Some("10.0.0.1"))),
            ip("1.2.3.4")
        );
        let two =
            RateLimits::default().client_address(ClientAddress::XForwardedFor { trusted_hops: 2 });
        assert_eq!(
            two.client_of(&parts(&chain, Some("10.0.0.1"))),
            ip("6.6.6.6")
        );
        let split = [
            ("x-forwarded-for", "6.6.6.6"),
            ("x-forwarded-for", "1.2.3.4:5555"),
        ];
        assert_eq!(one_proxy.client_of(&parts(&split, None)), ip("1.2.3.4"));
        // Fewer entries than trusted hops: the connection.
        let three =
            RateLimits::default().client_address(ClientAddress::XForwardedFor { trusted_hops: 3 });
        assert_eq!(
            three.client_of(&parts(&chain, Some("10.0.0.1"))),
            ip("10.0.0.1")
        );

        let header = RateLimits::default().client_address(ClientAddress::Header(
            http::HeaderName::from_static("x-real-ip"),
        ));
        assert_eq!(
            header.client_of(&parts(&forged, Some("10.0.0.1"))),
            ip("7.7.7.7")
        );
    }

    #[test]
    fn ipv6_clients_count_per_64_and_mapped_ipv4_as_ipv4() {
        let limits = RateLimits::default();
        assert_eq!(
            limits.client_of(&parts(&[], Some("2001:db8:1:2:aaaa:bbbb:cccc:dddd"))),
            ip("2001:db8:1:2::")
        );
        assert_eq!(
            limits.client_of(&parts(&[], Some("::ffff:192.0.2.7"))),
            ip("192.0.2.7")
        );
    }

    #[test]
    fn the_documented_defaults() {
        let d = RateLimits::default();
        assert!(d.enabled);
        assert_eq!(d.sign_in, Limit::new(20, Duration::from_secs(60)));
        assert_eq!(d.callback, Limit::new(20, Duration::from_secs(60)));
        assert_eq!(d.credentials, Limit::new(10, Duration::from_secs(60)));
        assert_eq!(
            d.credentials_failures,
            Limit::new(10, Duration::from_secs(900))
        );
        assert_eq!(d.email, Limit::new(10, Duration::from_secs(60)));
        assert_eq!(d.email_address, Limit::new(5, Duration::from_secs(900)));
        assert_eq!(d.client_address, ClientAddress::Connection);
        assert!(!RateLimits::off().enabled);
        let email = RateLimits::default().email(Limit::new(3, Duration::from_secs(1)), Limit::OFF);
        assert_eq!(email.email, Limit::new(3, Duration::from_secs(1)));
        assert_eq!(email.email_address, Limit::OFF);
        let shown = format!(
            "{:?}",
            d.client_address(ClientAddress::XForwardedFor { trusted_hops: 2 })
        );
        assert!(shown.starts_with("RateLimits {"), "{shown}");
        for field in [
            "enabled: true",
            "credentials_failures: Limit { max: 10",
            "trusted_hops: 2",
        ] {
            assert!(shown.contains(field), "{field} in {shown}");
        }
    }

    #[test]
    fn a_limit_with_no_requests_or_no_window_is_off() {
        assert!(!Limit::OFF.is_on());
        assert!(!Limit::new(0, Duration::from_secs(60)).is_on());
        assert!(!Limit::new(5, Duration::ZERO).is_on());
        assert!(Limit::new(1, Duration::from_millis(1)).is_on());
    }

    fn gate_for<'a>(limits: &'a RateLimits, client: &str) -> Gate<'a> {
        Gate::new(
            limits,
            client.parse().ok(),
            Some("alice".into()),
            Some(Rule::Credentials),
            Some(Rule::CredentialsFailures),
        )
    }

    #[tokio::test]
    async fn the_n_plus_first_request_is_refused_and_an_off_rule_never_is() {
        let limits = RateLimits::default().credentials(Limit::new(2, Duration::from_secs(60)));
        let gate = gate_for(&limits, "192.0.2.1");
        assert!(gate.admit(|_| {}).await.is_ok());
        assert!(gate.admit(|_| {}).await.is_ok());
        let refused = gate.admit(|_| {}).await.unwrap_err();
        assert!(refused.retry_after <= Duration::from_secs(60));
        assert!(refused.retry_after > Duration::from_secs(58));
        // Another client has its own counter.
        assert!(gate_for(&limits, "192.0.2.2").admit(|_| {}).await.is_ok());

        let off = RateLimits::default().credentials(Limit::OFF);
        let gate = gate_for(&off, "192.0.2.1");
        for _ in 0..30 {
            assert!(gate.admit(|_| {}).await.is_ok());
        }
        let disabled = RateLimits {
            credentials: Limit::new(1, Duration::from_secs(60)),
            ..RateLimits::off()
        };
        let gate = gate_for(&disabled, "192.0.2.1");
        for _ in 0..3 {
            assert!(gate.admit(|_| {}).await.is_ok());
            gate.failed(|_| {}).await;
        }
    }

    #[tokio::test]
    async fn failures_are_counted_only_when_reported_and_refuse_at_the_limit() {
        let limits =
            RateLimits::default().credentials_failures(Limit::new(2, Duration::from_secs(60)));
        // Different clients, one identifier.
        for _ in 0..5 {
            assert!(
                gate_for(&limits, "198.51.100.1")
                    .admit(|_| {})
                    .await
                    .is_ok()
            );
        }
        gate_for(&limits, "198.51.100.2").failed(|_| {}).await;
        assert!(
            gate_for(&limits, "198.51.100.3")
                .admit(|_| {})
                .await
                .is_ok()
        );
        gate_for(&limits, "198.51.100.4").failed(|_| {}).await;
        assert!(
            gate_for(&limits, "198.51.100.5")
                .admit(|_| {})
                .await
                .is_err()
        );
        // A gate without the failure rule records nothing.
        let other = Gate::new(
            &limits,
            None,
            Some("bob".into()),
            Some(Rule::Credentials),
            None,
        );
        for _ in 0..3 {
            other.failed(|_| {}).await;
        }
        let bob = Gate::new(
            &limits,
            None,
            Some("bob".into()),
            None,
            Some(Rule::CredentialsFailures),
        );
        assert!(bob.admit(|_| {}).await.is_ok());
    }

    #[test]
    fn keys_hide_the_subject() {
        let k = key(Rule::CredentialsFailures, "alice@example.com");
        assert!(k.starts_with("authjs:rl:credentials-failures:"));
        assert!(!k.contains("alice"));
        assert_ne!(k, key(Rule::EmailAddress, "alice@example.com"));
    }

    #[test]
    fn retry_after_rounds_up_to_whole_seconds() {
        let refused = |ms| Refused {
            retry_after: Duration::from_millis(ms),
        };
        assert_eq!(refused(0).retry_after_secs(), 1);
        assert_eq!(refused(1).retry_after_secs(), 1);
        assert_eq!(refused(59_001).retry_after_secs(), 60);
        assert_eq!(refused(60_000).retry_after_secs(), 60);
    }

    #[test]
    fn the_identifier_is_the_email_or_username_normalised() {
        let body = |v: serde_json::Value| v.as_object().cloned().unwrap_or_default();
        assert_eq!(
            identifier(&body(serde_json::json!({"username": " Alice "}))).as_deref(),
            Some("alice")
        );
        assert_eq!(
            identifier(&body(
                serde_json::json!({"email": "A@X.org", "username": "b"})
            ))
            .as_deref(),
            Some("a@x.org")
        );
        assert_eq!(
            identifier(&body(serde_json::json!({"username": "  "}))),
            None
        );
    }
}
