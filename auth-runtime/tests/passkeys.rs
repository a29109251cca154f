//! Passkeys through the engine (spec §1 `webauthn-options`, §6.1) on a SQLite adapter, with a
//! software authenticator: registration and sign-in, the counter and clone detection, the
//! challenge cookie, the account rules, and a passkey stored the way Auth.js stores it.

#![allow(clippy::unwrap_used, clippy::expect_used)]

mod common;

use std::sync::Arc;

use auth_runtime::adapter::sql::SqlAdapter;
use auth_runtime::adapter::{Adapter, AuthenticatorAdapter};
use auth_runtime::callbacks::{Callbacks, SignInDecision};
use auth_runtime::config::{AuthConfig, SessionStrategy};
use auth_runtime::error::{ErrorType, OAuthCheck, Reason};
use auth_runtime::providers::WebAuthnProvider;
use auth_runtime::types::{Account, User};
use base64::Engine as _;
use base64::engine::general_purpose::STANDARD;
use common::authenticator::SoftAuthenticator;
use common::browser::{Browser, Reply};
use common::databases::FreshDb;
use serde_json::Value;
use sqlx::Connection;

const ORIGIN: &str = "https://app.test";
const CHALLENGE: &str = "__Secure-authjs.challenge";

struct Setup {
    browser: Browser,
    adapter: Arc<SqlAdapter>,
    db: FreshDb,
}

async fn setup(strategy: SessionStrategy) -> Setup {
    setup_with(strategy, Callbacks::default()).await
}

async fn setup_with(strategy: SessionStrategy, callbacks: Callbacks) -> Setup {
    let db = FreshDb::sqlite();
    let adapter = Arc::new(SqlAdapter::connect(&db.url).await.unwrap());
    adapter.migrate().await.unwrap();
    let mut config = AuthConfig::new()
        .secret("passkey-secret")
        .trust_host(true)
        .provider(WebAuthnProvider::passkey())
        .adapter(adapter.clone())
        .session_strategy(strategy)
        .callbacks(callbacks);
    config.experimental.enable_webauthn = true;
    Setup {
        browser: Browser::new(config, ORIGIN),
        adapter,
        db,
    }
}

async fn options(b: &mut Browser, query: &str) -> Reply {
    b.get(&format!("/auth/webauthn-options/passkey{query}"))
        .await
}

async fn post_callback(b: &mut Browser, action: &str, data: &Value) -> Reply {
    b.post(
        "/auth/callback/passkey",
        &[("action", action), ("data", &data.to_string())],
    )
    .await
}

/// Registers `key` for `email` (a new address); the callback's reply.
async fn register(b: &mut Browser, key: &mut SoftAuthenticator, email: &str) -> Reply {
    let reply = options(b, &format!("?email={email}")).await;
    assert_eq!(reply.status, 200, "{}", reply.text());
    let answer = reply.json();
    assert_eq!(answer["action"], "register");
    let credential = key.register(&answer["options"]);
    post_callback(b, "register", &credential).await
}

/// Signs in with `key` (no address: the discoverable flow); the callback's reply.
async fn authenticate(b: &mut Browser, key: &mut SoftAuthenticator) -> Reply {
    let answer = options(b, "").await.json();
    assert_eq!(answer["action"], "authenticate");
    let assertion = key.authenticate(&answer["options"]).expect("usable");
    post_callback(b, "authenticate", &assertion).await
}

fn error_of(reply: &Reply) -> String {
    assert_eq!(reply.status, 302, "{}", reply.text());
    let location = url::Url::parse(&reply.location()).unwrap();
    location
        .query_pairs()
        .find(|(k, _)| k == "error")
        .map(|(_, v)| v.into_owned())
        .unwrap_or_default()
}

fn signed_out(b: &mut Browser) {
    b.jar.retain(|name, _| !name.contains("session-token"));
}

#[tokio::test]
async fn a_new_address_registers_a_passkey_then_signs_in_with_it() {
    for strategy in [SessionStrategy::Database, SessionStrategy::Jwt] {
        let Setup {
            mut browser,
            adapter,
            db: _db,
        } = setup(strategy).await;
        let b = &mut browser;
        let mut key = SoftAuthenticator::new(ORIGIN);

        // The options: Auth.js's shape, this relying party, a 15-minute sealed challenge.
        let reply = options(b, "?email=New@Example.com").await;
        let answer = reply.json();
        let opts = &answer["options"];
        assert_eq!(answer["action"], "register");
        assert_eq!(opts["rp"]["id"], "app.test");
        assert_eq!(opts["user"]["name"], "new@example.com");
        assert_eq!(opts["authenticatorSelection"]["residentKey"], "required");
        assert_eq!(
            opts["authenticatorSelection"]["userVerification"],
            "required"
        );
        assert_eq!(opts["timeout"], 300_000);
        let cookie = reply
            .set_cookies()
            .into_iter()
            .find(|c| c.starts_with(CHALLENGE))
            .expect("challenge cookie");
        assert!(
            cookie.contains("Max-Age=900") && cookie.contains("HttpOnly"),
            "{cookie}"
        );
        let expires = cookie
            .split("; ")
            .find_map(|a| a.strip_prefix("Expires="))
            .expect("Expires");
        let format = time::macros::format_description!(
            "[weekday repr:short], [day] [month repr:short] [year] [hour]:[minute]:[second] GMT"
        );
        let expires = time::PrimitiveDateTime::parse(expires, format)
            .unwrap()
            .assume_utc();
        let ahead = expires - time::OffsetDateTime::now_utc();
        assert!(
            (time::Duration::seconds(890)..=time::Duration::seconds(900)).contains(&ahead),
            "{cookie}"
        );

        let credential = key.register(opts);
        let reply = post_callback(b, "register", &credential).await;
        assert_eq!(reply.status, 302, "{}", reply.text());
        assert_eq!(reply.location(), format!("{ORIGIN}"), "{strategy:?}");
        assert!(!b.jar.contains_key(CHALLENGE), "the challenge is used once");
        let session = b.session().await;
        assert_eq!(session["user"]["email"], "new@example.com", "{strategy:?}");

        // Stored as Auth.js stores it.
        let user = adapter
            .get_user_by_email("new@example.com")
            .await
            .unwrap()
            .unwrap();
        let credential_id = STANDARD.encode(&key.credential_id);
        let stored = adapter
            .get_authenticator(&credential_id)
            .await
            .unwrap()
            .expect("authenticator");
        assert_eq!(stored.user_id, user.id.clone().unwrap());
        assert_eq!(stored.provider_account_id, credential_id);
        assert_eq!(
            stored.credential_public_key,
            STANDARD.encode(key.cose_key())
        );
        assert_eq!(stored.credential_device_type, "singleDevice");
        assert_eq!(stored.transports.as_deref(), Some("internal,hybrid"));
        let account = adapter
            .get_account(&credential_id, "passkey")
            .await
            .unwrap()
            .expect("account");
        assert_eq!(account.kind, "webauthn");

        // Signed out, the passkey signs back in, and the counter is kept.
        signed_out(b);
        assert!(b.session().await.is_null());
        let reply = authenticate(b, &mut key).await;
        assert_eq!(reply.status, 302, "{}", reply.text());
        assert_eq!(b.session().await["user"]["email"], "new@example.com");
        let stored = adapter
            .get_authenticator(&credential_id)
            .await
            .unwrap()
            .unwrap();
        assert_eq!(stored.counter, 1);
    }
}

#[tokio::test]
async fn a_known_address_is_offered_its_passkeys_and_a_signed_in_user_adds_one() {
    let Setup {
        mut browser,
        adapter,
        db: _db,
    } = setup(SessionStrategy::Database).await;
    let b = &mut browser;
    let mut first = SoftAuthenticator::new(ORIGIN);
    register(b, &mut first, "ada@example.com").await;
    let first_id = common_b64url(&first.credential_id);

    // Signed in: no action is not enough, `register` adds a passkey, the first one excluded.
    let reply = options(b, "").await;
    assert_eq!(
        (reply.status, reply.json()),
        (400, serde_json::json!({"error": "Invalid request"}))
    );
    let answer = options(b, "?action=register").await.json();
    assert_eq!(answer["action"], "register");
    let excluded: Vec<&str> = answer["options"]["excludeCredentials"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| c["id"].as_str().unwrap())
        .collect();
    assert_eq!(excluded, [first_id.as_str()]);
    let mut second = SoftAuthenticator::new(ORIGIN);
    let credential = second.register(&answer["options"]);
    let reply = post_callback(b, "register", &credential).await;
    assert_eq!(reply.status, 302, "{}", reply.text());
    let user = adapter
        .get_user_by_email("ada@example.com")
        .await
        .unwrap()
        .unwrap();
    let keys = adapter
        .list_authenticators_by_user_id(user.id.as_deref().unwrap())
        .await
        .unwrap();
    assert_eq!(keys.len(), 2);

    // Signed out, the address gets both offered.
    signed_out(b);
    let answer = options(b, "?email=ada@example.com").await.json();
    assert_eq!(answer["action"], "authenticate");
    let allowed = answer["options"]["allowCredentials"].as_array().unwrap();
    assert_eq!(allowed.len(), 2);
    assert!(allowed.iter().any(|c| c["id"] == first_id.as_str()));
    for credential in allowed {
        assert_eq!(credential["type"], "public-key");
        assert_eq!(
            credential["transports"],
            serde_json::json!(["internal", "hybrid"])
        );
    }
    let assertion = second.authenticate(&answer["options"]).unwrap();
    let reply = post_callback(b, "authenticate", &assertion).await;
    assert_eq!(reply.status, 302);
    assert_eq!(b.session().await["user"]["email"], "ada@example.com");
}

fn common_b64url(bytes: &[u8]) -> String {
    base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(bytes)
}

#[tokio::test]
async fn a_cloned_authenticator_is_refused() {
    let Setup {
        mut browser,
        adapter,
        db: _db,
    } = setup(SessionStrategy::Database).await;
    let b = &mut browser;
    let mut key = SoftAuthenticator::new(ORIGIN);
    register(b, &mut key, "clone@example.com").await;
    let mut clone = key.clone();
    signed_out(b);
    assert_eq!(authenticate(b, &mut key).await.status, 302);
    signed_out(b);
    assert_eq!(authenticate(b, &mut key).await.status, 302);
    signed_out(b);
    // The copy still counts from where it was copied: its counter goes backwards.
    let reply = authenticate(b, &mut clone).await;
    assert_eq!(error_of(&reply), "WebAuthnVerificationError");
    assert_eq!(b.log.reasons(), [Reason::AuthenticatorCloned]);
    assert!(b.session().await.is_null());
    let stored = adapter
        .get_authenticator(&STANDARD.encode(&key.credential_id))
        .await
        .unwrap()
        .unwrap();
    assert_eq!(
        stored.counter, 2,
        "a refused assertion does not move the counter"
    );

    // A passkey that keeps no counter (synced) signs in again and again.
    let mut synced = SoftAuthenticator::new(ORIGIN);
    synced.counter_step = 0;
    synced.synced = true;
    register(b, &mut synced, "synced@example.com").await;
    for _ in 0..3 {
        signed_out(b);
        assert_eq!(authenticate(b, &mut synced).await.status, 302);
        assert_eq!(b.session().await["user"]["email"], "synced@example.com");
    }
    let stored = adapter
        .get_authenticator(&STANDARD.encode(&synced.credential_id))
        .await
        .unwrap()
        .unwrap();
    assert_eq!(
        (
            stored.credential_device_type.as_str(),
            stored.credential_backed_up
        ),
        ("multiDevice", true)
    );
}

#[tokio::test]
async fn responses_that_do_not_verify_fail_each_for_its_reason() {
    let Setup {
        mut browser,
        db: _db,
        ..
    } = setup(SessionStrategy::Database).await;
    let b = &mut browser;
    let mut key = SoftAuthenticator::new(ORIGIN);
    register(b, &mut key, "checks@example.com").await;
    signed_out(b);
    b.log.take();

    type Spoil = fn(&mut SoftAuthenticator, &mut Value);
    let cases: [(Spoil, Reason); 5] = [
        (
            |k, _| k.origin = "https://evil.test".into(),
            Reason::WebAuthnOriginMismatch,
        ),
        (
            |k, _| k.user_verified = false,
            Reason::WebAuthnUserNotVerified,
        ),
        (
            |_, o| o["rpId"] = "evil.test".into(),
            Reason::WebAuthnRpIdMismatch,
        ),
        (
            |_, o| o["challenge"] = "AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA".into(),
            Reason::WebAuthnChallengeMismatch,
        ),
        (|_, _| {}, Reason::WebAuthnSignatureInvalid),
    ];
    for (i, (spoil, reason)) in cases.into_iter().enumerate() {
        let mut k = key.clone();
        let mut opts = options(b, "").await.json()["options"].clone();
        spoil(&mut k, &mut opts);
        let mut assertion = k.authenticate(&opts).unwrap();
        if reason == Reason::WebAuthnSignatureInvalid {
            // Signed by another key: the stored public key does not verify it.
            let mut other = SoftAuthenticator::new(ORIGIN);
            other.credential_id = k.credential_id.clone();
            other.counter = 10 + u32::try_from(i).unwrap();
            assertion = other.authenticate(&opts).unwrap();
        }
        let reply = post_callback(b, "authenticate", &assertion).await;
        assert_eq!(error_of(&reply), "WebAuthnVerificationError", "case {i}");
        assert_eq!(b.log.reasons(), [reason], "case {i}");
        b.log.take();
        assert!(b.session().await.is_null(), "case {i}");
    }

    // An unknown credential, a malformed answer, a bad action.
    let opts = options(b, "").await.json()["options"].clone();
    let stranger = SoftAuthenticator::new(ORIGIN).authenticate(&opts).unwrap();
    let reply = post_callback(b, "authenticate", &stranger).await;
    assert_eq!(error_of(&reply), "WebAuthnVerificationError");
    assert_eq!(b.log.reasons(), [Reason::AuthenticatorUnknown]);
    b.log.take();
    for (action, data, reason) in [
        (
            "authenticate",
            "{not json",
            Reason::WebAuthnResponseMalformed,
        ),
        ("register", "[]", Reason::WebAuthnResponseMalformed),
        ("sign-in", "{}", Reason::WebAuthnActionInvalid),
    ] {
        let reply = b
            .post(
                "/auth/callback/passkey",
                &[("action", action), ("data", data)],
            )
            .await;
        assert_eq!(
            error_of(&reply),
            "WebAuthnVerificationError",
            "{action} {data}"
        );
        assert_eq!(b.log.reasons(), [reason], "{action} {data}");
        b.log.take();
    }
}

#[tokio::test]
async fn the_challenge_cookie_is_needed_once_for_its_ceremony_and_provider() {
    let Setup {
        mut browser,
        db: _db,
        ..
    } = setup(SessionStrategy::Database).await;
    let b = &mut browser;
    let mut key = SoftAuthenticator::new(ORIGIN);
    register(b, &mut key, "once@example.com").await;
    signed_out(b);
    b.log.take();

    // Replayed: the first use spent the cookie.
    let opts = options(b, "").await.json()["options"].clone();
    let assertion = key.authenticate(&opts).unwrap();
    assert_eq!(
        post_callback(b, "authenticate", &assertion).await.status,
        302
    );
    signed_out(b);
    let reply = post_callback(b, "authenticate", &assertion).await;
    assert_eq!(error_of(&reply), "Configuration");
    let check = OAuthCheck::WebAuthnChallenge;
    assert_eq!(b.log.reasons(), [Reason::CheckCookieMissing(check)]);
    b.log.take();

    // A registration's cookie does not authenticate.
    let answer = options(b, "?email=someone-new@example.com").await.json();
    assert_eq!(answer["action"], "register");
    let mut opts = answer["options"].clone();
    opts["rpId"] = opts["rp"]["id"].clone();
    let assertion = key.authenticate(&opts).unwrap();
    let reply = post_callback(b, "authenticate", &assertion).await;
    assert_eq!(error_of(&reply), "Configuration");
    assert_eq!(b.log.reasons(), [Reason::WebAuthnCeremonyMismatch]);
    b.log.take();

    // A cookie sealed with another secret, or for another provider, is refused.
    let opts = options(b, "").await.json()["options"].clone();
    let sealed = b.jar.get(CHALLENGE).unwrap().clone();
    b.jar.insert(CHALLENGE.into(), format!("{sealed}x"));
    let assertion = key.authenticate(&opts).unwrap();
    let reply = post_callback(b, "authenticate", &assertion).await;
    assert_eq!(error_of(&reply), "Configuration");
    assert_eq!(b.log.reasons(), [Reason::CheckCookieInvalid(check)]);
    assert!(b.session().await.is_null());
}

#[tokio::test]
async fn an_address_that_has_a_user_cannot_take_a_passkey_without_signing_in() {
    let Setup {
        mut browser,
        adapter,
        db: _db,
    } = setup(SessionStrategy::Database).await;
    let b = &mut browser;
    adapter
        .create_user(User {
            email: Some("taken@example.com".into()),
            ..User::default()
        })
        .await
        .unwrap();
    // The options say authenticate for a known address, and refuse to register it.
    let answer = options(b, "?email=taken@example.com").await.json();
    assert_eq!(answer["action"], "authenticate");
    let reply = options(b, "?email=taken@example.com&action=register").await;
    assert_eq!(
        (reply.status, reply.json()),
        (400, serde_json::json!({"error": "Invalid request"}))
    );
    let reply = options(b, "?action=bogus").await;
    assert_eq!(
        (reply.status, reply.json()),
        (400, serde_json::json!({"error": "Invalid action"}))
    );

    // The address is taken between the options and the callback: AccountNotLinked, nothing
    // stored.
    let answer = options(b, "?email=late@example.com").await.json();
    adapter
        .create_user(User {
            email: Some("late@example.com".into()),
            ..User::default()
        })
        .await
        .unwrap();
    let mut key = SoftAuthenticator::new(ORIGIN);
    let credential = key.register(&answer["options"]);
    let reply = post_callback(b, "register", &credential).await;
    assert_eq!(error_of(&reply), "AccountNotLinked");
    let id = STANDARD.encode(&key.credential_id);
    assert!(adapter.get_authenticator(&id).await.unwrap().is_none());
    assert!(adapter.get_account(&id, "passkey").await.unwrap().is_none());

    // Signed in as one user, another user's passkey does not switch accounts.
    let mut mine = SoftAuthenticator::new(ORIGIN);
    register(b, &mut mine, "mine@example.com").await;
    signed_out(b);
    let mut theirs = SoftAuthenticator::new(ORIGIN);
    register(b, &mut theirs, "theirs@example.com").await;
    let mut answer = options(b, "?action=authenticate").await.json();
    // The browser offers only the signed-in user's passkeys; a client that ignores that list
    // still gets no switch.
    answer["options"]["allowCredentials"] = serde_json::json!([]);
    let assertion = mine.authenticate(&answer["options"]).unwrap();
    let reply = post_callback(b, "authenticate", &assertion).await;
    assert_eq!(error_of(&reply), "AccountNotLinked");
    assert_eq!(b.session().await["user"]["email"], "theirs@example.com");
}

#[tokio::test]
async fn a_passkey_stored_by_auth_js_signs_in_here() {
    let Setup {
        mut browser,
        adapter,
        db: _db,
    } = setup(SessionStrategy::Jwt).await;
    let b = &mut browser;
    // The rows a Next.js app writes: user, `webauthn` account, authenticator (standard base64
    // credential id and COSE key).
    let key = SoftAuthenticator::new(ORIGIN);
    let credential_id = STANDARD.encode(&key.credential_id);
    let user = adapter
        .create_user(User {
            email: Some("next@example.com".into()),
            ..User::default()
        })
        .await
        .unwrap();
    let user_id = user.id.clone().unwrap();
    adapter
        .link_account(Account {
            user_id: Some(user_id.clone()),
            kind: "webauthn".into(),
            provider: "passkey".into(),
            provider_account_id: credential_id.clone(),
            ..Account::default()
        })
        .await
        .unwrap();
    adapter
        .create_authenticator(auth_runtime::adapter::Authenticator {
            credential_id: credential_id.clone(),
            user_id,
            provider_account_id: credential_id.clone(),
            credential_public_key: STANDARD.encode(key.cose_key()),
            counter: 0,
            credential_device_type: "singleDevice".into(),
            credential_backed_up: false,
            transports: Some("internal".into()),
        })
        .await
        .unwrap();
    let mut key = key;
    let reply = authenticate(b, &mut key).await;
    assert_eq!(reply.status, 302, "{}", reply.text());
    assert_eq!(b.session().await["user"]["email"], "next@example.com");
}

#[tokio::test]
async fn a_failed_authenticator_write_leaves_no_user_or_account() {
    let Setup {
        mut browser,
        adapter,
        db,
    } = setup(SessionStrategy::Database).await;
    let b = &mut browser;
    let answer = options(b, "?email=half@example.com").await.json();
    let mut conn = sqlx::SqliteConnection::connect(&db.url).await.unwrap();
    sqlx::query(
        "CREATE TRIGGER no_keys BEFORE INSERT ON authenticators BEGIN SELECT RAISE(ABORT, 'disk full'); END",
    )
        .execute(&mut conn)
        .await
        .unwrap();
    let mut key = SoftAuthenticator::new(ORIGIN);
    let credential = key.register(&answer["options"]);
    let reply = post_callback(b, "register", &credential).await;
    assert_eq!(error_of(&reply), "Configuration");
    assert_eq!(b.log.take()[0].error_type, ErrorType::AdapterError);
    assert!(
        adapter
            .get_user_by_email("half@example.com")
            .await
            .unwrap()
            .is_none(),
        "the user made for the passkey is gone"
    );
    let id = STANDARD.encode(&key.credential_id);
    assert!(adapter.get_account(&id, "passkey").await.unwrap().is_none());
    assert!(b.session().await.is_null());
}

#[tokio::test]
async fn a_signed_in_user_without_an_address_cannot_register_a_passkey() {
    let Setup {
        mut browser,
        adapter,
        db: _db,
    } = setup(SessionStrategy::Jwt).await;
    // A user an OAuth provider gave no address (Auth.js: registration needs `email`).
    let user = adapter
        .create_user(User {
            name: Some("No Mail".into()),
            ..User::default()
        })
        .await
        .unwrap();
    let config = AuthConfig::new().secret("passkey-secret");
    let token = auth_runtime::types::Jwt::from_user(&user);
    let cookie = auth_runtime::testing::jwt_session_cookie(&config, ORIGIN, &token).unwrap();
    browser.set_cookie_header(&cookie);
    let reply = options(&mut browser, "?action=register").await;
    assert_eq!(
        (reply.status, reply.json()),
        (400, serde_json::json!({"error": "Invalid request"}))
    );
    assert!(!reply.sets(CHALLENGE));
}

#[tokio::test]
async fn the_sign_in_callback_sees_passkey_sign_ins_and_can_refuse_them() {
    // Refuses one address, and records what it saw.
    let seen = std::sync::Arc::new(std::sync::Mutex::new(Vec::new()));
    let record = seen.clone();
    let callbacks = Callbacks::default().sign_in(move |params| {
        let record = record.clone();
        async move {
            let account = params.account.expect("the passkey account");
            record.lock().unwrap().push((
                params.user.email.clone().unwrap_or_default(),
                account.kind.clone(),
                account.provider.clone(),
            ));
            Ok(SignInDecision::from(
                params.user.email.as_deref() != Some("blocked@example.com"),
            ))
        }
    });
    let Setup {
        mut browser,
        adapter,
        db: _db,
    } = setup_with(SessionStrategy::Database, callbacks).await;
    let b = &mut browser;

    // Registration refused: nothing stored.
    let mut blocked = SoftAuthenticator::new(ORIGIN);
    let reply = register(b, &mut blocked, "blocked@example.com").await;
    assert_eq!(error_of(&reply), "AccessDenied");
    assert!(
        adapter
            .get_user_by_email("blocked@example.com")
            .await
            .unwrap()
            .is_none()
    );
    assert!(b.session().await.is_null());

    // Allowed: registration, then authentication, each seen by the callback.
    let mut key = SoftAuthenticator::new(ORIGIN);
    assert_eq!(register(b, &mut key, "fine@example.com").await.status, 302);
    signed_out(b);
    assert_eq!(authenticate(b, &mut key).await.status, 302);
    let seen = seen.lock().unwrap().clone();
    let expected = |email: &str| {
        (
            email.to_owned(),
            "webauthn".to_owned(),
            "passkey".to_owned(),
        )
    };
    assert_eq!(
        seen,
        [
            expected("blocked@example.com"),
            expected("fine@example.com"),
            expected("fine@example.com"),
        ]
    );
}
