//! The deliberate differences from Auth.js (docs/differences.md) that no other test pins, each
//! under its row number. The others are pinned where their behaviour lives; docs/differences.md
//! names the test of every row.

#![allow(clippy::unwrap_used, clippy::expect_used)]

mod common;

use std::sync::{Arc, Mutex};

use common::browser::Browser;
use common::idp::MockIdp;

use auth_runtime::adapter::{Adapter, MemoryAdapter};
use auth_runtime::callbacks::Events;
use auth_runtime::config::{AuthConfig, SessionStrategy};
use auth_runtime::error::{ErrorType, Reason};
use auth_runtime::providers::Checks;
use auth_runtime::types::User;
use serde_json::json;

const ORIGIN: &str = "http://app.test";
const SECRET: &str = "differences-secret";

fn config() -> AuthConfig {
    AuthConfig::new().secret(SECRET).trust_host(true)
}

async fn sign_in(b: &mut Browser, idp: &MockIdp, provider: &str) -> String {
    let start = b.start_sign_in(provider).await;
    let back = idp.authorize(&start.location());
    b.get(&back).await.location()
}

#[tokio::test]
async fn row_16_pkce_is_sent_only_when_the_provider_asks_for_it() {
    let idp = MockIdp::new();
    let provider = idp.provider("mock").checks(Checks {
        pkce: false,
        state: true,
        nonce: true,
    });
    let mut b = Browser::new(config().provider(provider), ORIGIN);
    let start = b.start_sign_in("mock").await;
    assert!(
        !start.location().contains("code_challenge"),
        "{}",
        start.location()
    );
    assert!(!b.jar.contains_key("authjs.pkce.code_verifier"));
    let back = idp.authorize(&start.location());
    assert_eq!(b.get(&back).await.location(), "http://app.test/after");
}

#[tokio::test]
async fn row_19_dangerous_email_linking_fires_link_account_and_not_create_user() {
    let idp = MockIdp::new();
    let adapter = Arc::new(MemoryAdapter::new());
    adapter
        .create_user(User::default().email("alice@example.com").name("Existing"))
        .await
        .unwrap();
    let fired = Arc::new(Mutex::new(Vec::new()));
    let (a, b2) = (fired.clone(), fired.clone());
    let mut config = config()
        .provider(
            idp.provider("mock")
                .allow_dangerous_email_account_linking(true),
        )
        .adapter(adapter.clone())
        .events(
            Events::default()
                .create_user(move |_| {
                    a.lock().unwrap().push("createUser");
                    async { Ok(()) }
                })
                .link_account(move |_| {
                    b2.lock().unwrap().push("linkAccount");
                    async { Ok(()) }
                }),
        );
    config.session.strategy = Some(SessionStrategy::Jwt);
    let mut b = Browser::new(config, ORIGIN);
    // Row 34: only an address the provider says is verified links.
    assert_eq!(
        sign_in(&mut b, &idp, "mock").await,
        "http://app.test/auth/signin?error=OAuthAccountNotLinked"
    );
    assert_eq!(b.log.reasons(), [Reason::EmailNotVerified]);
    assert!(fired.lock().unwrap().is_empty());
    idp.set(|b| {
        b.id_token_claims
            .insert("email_verified".into(), json!(true));
    });
    assert_eq!(sign_in(&mut b, &idp, "mock").await, "http://app.test/after");
    assert_eq!(*fired.lock().unwrap(), ["linkAccount"]);
}

#[tokio::test]
async fn row_20_a_failing_profile_mapping_is_a_profile_parse_error_on_the_error_page() {
    let idp = MockIdp::new();
    let provider = idp
        .provider("mock")
        .profile(|_, _| Err("the profile has no login".into()));
    let mut b = Browser::new(config().provider(provider), ORIGIN);
    assert_eq!(
        sign_in(&mut b, &idp, "mock").await,
        "http://app.test/auth/error?error=Configuration"
    );
    assert_eq!(
        b.log.take()[0].error_type,
        ErrorType::OAuthProfileParseError
    );

    // A profile without any id is the same error, with its reason.
    let idp = MockIdp::new();
    let mut p = idp.oauth2_provider("plain");
    p.id_token = false;
    idp.set(|b| {
        b.userinfo_claims = json!({"sub": null}).as_object().unwrap().clone();
    });
    let mut b = Browser::new(config().provider(p), ORIGIN);
    assert_eq!(
        sign_in(&mut b, &idp, "plain").await,
        "http://app.test/auth/error?error=Configuration"
    );
    let logged = b.log.take();
    assert_eq!(logged[0].error_type, ErrorType::OAuthProfileParseError);
    assert_eq!(logged[0].reason, Some(Reason::ProfileIdMissing));
}

#[tokio::test]
async fn row_21_an_empty_github_email_list_leaves_the_user_without_email() {
    let idp = MockIdp::new();
    idp.set(|b| {
        b.userinfo_claims = json!({"email": null}).as_object().unwrap().clone();
        b.emails = Some(json!([]));
    });
    let mut p = idp.oauth2_provider("plain");
    p.quirks.push("github-emails".into());
    let mut b = Browser::new(config().provider(p), ORIGIN);
    assert_eq!(
        sign_in(&mut b, &idp, "plain").await,
        "http://app.test/after"
    );
    assert_eq!(b.session().await["user"].get("email"), None);
}

#[tokio::test]
async fn rows_25_and_26_page_wording_and_the_error_pages_sign_in_link() {
    let mut b = Browser::new(config(), ORIGIN);
    let page = b.get("/auth/signout").await.text();
    assert!(page.contains("<h1>Sign out</h1>"), "{page}");
    let page = b.get("/auth/error?error=Verification&x=1").await.text();
    assert!(
        page.contains(r#"href="http://app.test/auth/signin""#),
        "{page}"
    );
}

#[tokio::test]
async fn row_29_a_custom_error_page_gets_the_error_url_encoded() {
    let mut config = config();
    config.pages.error = Some("/oops".into());
    let mut b = Browser::new(config, ORIGIN);
    let reply = b.get("/auth/error?error=a%20b%26c%0Ad").await;
    assert_eq!(reply.location(), "/oops?error=a+b%26c%0Ad");
}

#[tokio::test]
async fn row_30_a_jwt_session_is_re_issued_after_update_age_not_on_every_read() {
    use auth_runtime::config::JwtReissue;
    use auth_runtime::jose::JwtCodec;
    use auth_runtime::providers::{CredentialField, CredentialsProvider};

    let credentials = || {
        CredentialsProvider::new()
            .field(CredentialField::new("username", "Username", "text"))
            .authorize(|_, _| async move { Ok(Some(User::new("1").name("Ada"))) })
    };
    let codec = JwtCodec::new([SECRET]).unwrap();
    let salt = "authjs.session-token";
    let now = time::OffsetDateTime::now_utc().unix_timestamp();
    // A token as a sign-in `age` seconds ago wrote it.
    let token = |age: i64| {
        let claims = json!({"name": "Ada", "sub": "1"});
        codec
            .encode_at(claims.as_object().unwrap(), salt, 2_592_000, now - age)
            .unwrap()
    };
    let read = |config: AuthConfig, token: String| async move {
        let mut b = Browser::new(config, ORIGIN);
        b.jar.insert(salt.into(), token);
        let reply = b.get("/auth/session").await;
        let expires = reply.json()["expires"].as_str().unwrap().to_owned();
        let expires =
            time::OffsetDateTime::parse(&expires, &time::format_description::well_known::Rfc3339)
                .unwrap()
                .unix_timestamp();
        (reply.sets(salt), expires)
    };
    let config = || config().provider(credentials());
    let thirty_days = 2_592_000;

    // An hour old: read, not written; the expiry reported is the cookie's, issued an hour ago.
    let (written, expires) = read(config(), token(3600)).await;
    assert!(!written);
    assert!(
        (expires - (now - 3600 + thirty_days)).abs() <= 2,
        "{expires}"
    );
    // Older than update_age (1 day): written again, sliding the expiry to now + max_age.
    let (written, expires) = read(config(), token(86_400 + 60)).await;
    assert!(written);
    assert!((expires - (now + thirty_days)).abs() <= 2);
    // Auth.js's behaviour on request: every read.
    let (written, _) = read(config().jwt_reissue(JwtReissue::EveryRead), token(3600)).await;
    assert!(written);
    // A jwt callback that changes the token always has it written.
    let changing = config().callbacks(auth_runtime::callbacks::Callbacks::default().jwt(
        |p| async move {
            let mut token = p.token;
            token.insert("seen", true);
            Ok(Some(token))
        },
    ));
    let (written, _) = read(changing, token(3600)).await;
    assert!(written);
    // One that leaves it alone does not.
    let same = config().callbacks(
        auth_runtime::callbacks::Callbacks::default().jwt(|p| async move { Ok(Some(p.token)) }),
    );
    let (written, _) = read(same, token(3600)).await;
    assert!(!written);
}
