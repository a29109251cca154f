//! Rate limits of the sign-in endpoints: per client and per identifier, `429` with
//! `Retry-After`, off when asked, the client address from the connection unless a proxy is
//! trusted, and counters in memory or in a real Redis (127.0.0.1:6379) shared by instances.

#![allow(clippy::unwrap_used, clippy::expect_used)]

mod common;

use std::sync::Arc;
use std::time::Duration;

use common::browser::{Browser, Reply};
use common::idp::MockIdp;

use auth_runtime::config::AuthConfig;
use auth_runtime::engine::{AuthHandler, SignInOptions};
use auth_runtime::error::{ErrorType, Reason};
use auth_runtime::providers::{CredentialField, CredentialsProvider};
use auth_runtime::rate_limit::{ClientAddress, Limit, RateLimits, RedisStore};
use auth_runtime::types::User;
use serde_json::Value;

const ORIGIN: &str = "http://app.test";

fn credentials() -> CredentialsProvider {
    CredentialsProvider::new()
        .field(CredentialField::new("username", "Username", "text"))
        .field(CredentialField::new("password", "Password", "password"))
        .authorize(|creds, _req| async move {
            let user = creds.get("username").and_then(Value::as_str).unwrap_or("");
            let pass = creds.get("password").and_then(Value::as_str).unwrap_or("");
            Ok((pass == "right").then(|| User::new(user).name(user)))
        })
}

/// Limits that trust one proxy, so each test browser can be its own client.
fn behind_proxy() -> RateLimits {
    RateLimits::default().client_address(ClientAddress::XForwardedFor { trusted_hops: 1 })
}

fn config(limits: RateLimits) -> AuthConfig {
    AuthConfig::new()
        .secret("rate-limit-secret")
        .trust_host(true)
        .provider(credentials())
        .rate_limit(limits)
}

fn browser_from(config: AuthConfig, address: &str) -> Browser {
    let mut b = Browser::new(config, ORIGIN);
    b.headers
        .push(("x-forwarded-for".into(), address.to_owned()));
    b
}

async fn attempt(b: &mut Browser, user: &str, password: &str) -> Reply {
    let token = b.csrf().await;
    b.post(
        "/auth/callback/credentials",
        &[
            ("csrfToken", &token),
            ("username", user),
            ("password", password),
        ],
    )
    .await
}

fn assert_refused(reply: &Reply, within: u64) {
    assert_eq!(reply.status, 429, "{}", reply.text());
    let retry: u64 = reply.headers["retry-after"]
        .to_str()
        .unwrap()
        .parse()
        .unwrap();
    assert!((1..=within).contains(&retry), "Retry-After {retry}");
    assert_eq!(reply.json()["error"], "RateLimited");
}

#[tokio::test]
async fn credentials_attempts_are_limited_per_client() {
    let handler_config = config(behind_proxy());
    let mut first = browser_from(handler_config, "192.0.2.1");
    for i in 0..10 {
        let reply = attempt(&mut first, &format!("user{i}"), "right").await;
        assert_eq!(reply.status, 302, "attempt {i}");
    }
    assert_refused(&attempt(&mut first, "user10", "right").await, 60);

    // Another client of the same app is not affected: the handler is shared.
    let mut second = first.another();
    second.headers = vec![("x-forwarded-for".into(), "192.0.2.2".into())];
    assert_eq!(attempt(&mut second, "user11", "right").await.status, 302);
}

#[tokio::test]
async fn failed_sign_ins_are_limited_per_identifier_whatever_the_client() {
    let limits = behind_proxy().credentials(Limit::new(1000, Duration::from_secs(60)));
    let handler = AuthHandler::new(config(limits)).unwrap();
    let from = |address: &str| Browser {
        handler: handler.clone(),
        origin: ORIGIN.into(),
        jar: Default::default(),
        headers: vec![("x-forwarded-for".into(), address.to_owned())],
        log: Default::default(),
        base_path: "/auth".into(),
    };
    // Successful sign-ins do not count.
    for _ in 0..12 {
        assert_eq!(
            attempt(&mut from("198.51.100.1"), "alice", "right")
                .await
                .status,
            302
        );
    }
    // Ten wrong passwords for alice from ten addresses.
    for i in 0..10 {
        let reply = attempt(
            &mut from(&format!("198.51.100.{}", 10 + i)),
            "Alice ",
            "wrong",
        )
        .await;
        assert_eq!(
            reply.location(),
            "http://app.test/auth/signin?error=CredentialsSignin&code=credentials"
        );
    }
    // Then even the right password waits, from anywhere; bob is not affected.
    assert_refused(
        &attempt(&mut from("198.51.100.99"), "alice", "right").await,
        900,
    );
    assert_eq!(
        attempt(&mut from("198.51.100.99"), "bob", "right")
            .await
            .status,
        302
    );
}

#[tokio::test]
async fn oauth_sign_in_and_callback_are_limited_per_client_and_forms_get_a_page() {
    let idp = MockIdp::new();
    let limits = behind_proxy()
        .sign_in(Limit::new(3, Duration::from_secs(60)))
        .callback(Limit::new(2, Duration::from_secs(60)));
    let mut b = browser_from(config(limits).provider(idp.provider("mock")), "203.0.113.5");
    for _ in 0..3 {
        assert_eq!(b.start_sign_in("mock").await.status, 302);
    }
    assert_refused(&b.start_sign_in("mock").await, 60);
    for _ in 0..2 {
        assert_ne!(
            b.get("/auth/callback/mock?code=x&state=y").await.status,
            429
        );
    }
    // A browser's form post gets a short page instead of JSON.
    b.headers.push(("accept".into(), "text/html".into()));
    let page = b.get("/auth/callback/mock?code=x&state=y").await;
    assert_eq!(page.status, 429);
    assert!(page.text().contains("Too many attempts"), "{}", page.text());
    assert!(page.headers.contains_key("retry-after"));
}

#[tokio::test]
async fn limits_can_be_turned_off_and_forged_forwarding_headers_are_ignored_by_default() {
    let mut off = browser_from(config(RateLimits::off()), "192.0.2.50");
    for i in 0..30 {
        assert_eq!(attempt(&mut off, "carol", "wrong").await.status, 302, "{i}");
    }
    let mut from_env = config(RateLimits::default());
    from_env.apply_env(&|k| (k == "AUTH_RATE_LIMIT").then(|| "off".to_owned()));
    assert!(!from_env.rate_limit.enabled);
    // An empty or unreadable value leaves them on.
    for value in ["", "  ", "maybe"] {
        let mut kept = config(RateLimits::default());
        kept.apply_env(&|k| (k == "AUTH_RATE_LIMIT").then(|| value.to_owned()));
        assert!(kept.rate_limit.enabled, "{value:?}");
    }

    // Without a trusted proxy the address is the connection's: a request that names another
    // client in X-Forwarded-For is still counted as the connection (here: no connection, so
    // only per identifier).
    let handler = AuthHandler::new(config(RateLimits::default())).unwrap();
    let parts = |forwarded: &str| {
        let mut parts = http::Request::post("/login")
            .header("host", "app.test")
            .header("x-forwarded-for", forwarded)
            .body(())
            .unwrap()
            .into_parts()
            .0;
        parts
            .extensions
            .insert(auth_runtime::rate_limit::ClientAddr(
                "192.0.2.77".parse().unwrap(),
            ));
        parts
    };
    for i in 0..10 {
        let options = SignInOptions::provider("credentials")
            .credential("username", format!("u{i}"))
            .credential("password", "right");
        let signed_in = handler
            .sign_in(&parts(&format!("10.0.0.{i}")), options)
            .await
            .unwrap();
        assert!(!signed_in.cookies.is_empty());
    }
    // The 11th in-process sign-in from that connection is refused like the route's.
    let options = SignInOptions::provider("credentials")
        .credential("username", "u11")
        .credential("password", "right");
    let err = handler
        .sign_in(&parts("10.9.9.9"), options)
        .await
        .unwrap_err();
    assert_eq!(err.error_type(), ErrorType::CredentialsSignin);
    assert_eq!(err.reason(), Some(Reason::RateLimited));
}

/// A client address no earlier run used, so counters a previous run left in Redis do not count.
fn fresh_address() -> String {
    let nanos = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .unwrap()
        .subsec_nanos();
    format!("2001:db8:{:x}:{:x}::1", nanos >> 16, nanos & 0xffff)
}

#[tokio::test]
async fn instances_sharing_redis_share_the_counters() {
    let store = Arc::new(RedisStore::new("redis://127.0.0.1:6379").unwrap());
    let limits = || {
        behind_proxy()
            .credentials(Limit::new(4, Duration::from_secs(60)))
            .store(store.clone())
    };
    let address = fresh_address();
    let mut one = browser_from(config(limits()), &address);
    let mut two = browser_from(config(limits()), &address);
    for i in 0..2 {
        assert_eq!(
            attempt(&mut one, &format!("a{i}"), "right").await.status,
            302
        );
        assert_eq!(
            attempt(&mut two, &format!("b{i}"), "right").await.status,
            302
        );
    }
    assert_refused(&attempt(&mut one, "a9", "right").await, 60);
    assert_refused(&attempt(&mut two, "b9", "right").await, 60);
    assert!(one.log.take().is_empty(), "no store error");
}

#[tokio::test]
async fn an_unreachable_redis_lets_sign_in_through_and_says_so() {
    let store = Arc::new(RedisStore::new("redis://127.0.0.1:1").unwrap());
    let limits = behind_proxy()
        .credentials(Limit::new(1, Duration::from_secs(60)))
        .store(store);
    let mut b = browser_from(config(limits), "192.0.2.200");
    for _ in 0..3 {
        assert_eq!(attempt(&mut b, "dave", "right").await.status, 302);
    }
    assert!(
        b.log
            .warnings()
            .contains(&"rate-limit-store-unavailable".to_owned())
    );
}
