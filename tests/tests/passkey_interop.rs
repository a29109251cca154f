//! Passkeys shared with the real `@auth/core` (its Passkey provider on `@simplewebauthn/server`)
//! over one PostgreSQL database with `@auth/drizzle-adapter`'s default tables: a passkey that
//! Auth.js registered signs in through this engine, and one this engine registered signs in
//! through Auth.js. Both serve `localhost` (the relying party id) on their own port.

#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::sync::Arc;

use auth_runtime::AuthHandler;
use auth_runtime::adapter::AuthenticatorAdapter;
use auth_runtime::adapter::sql::{Schema, SqlAdapter, SqlOptions};
use auth_runtime::config::{AuthConfig, SessionStrategy};
use auth_runtime::providers::WebAuthnProvider;
use auth_tests::NodePeer;
use base64::Engine as _;
use base64::engine::general_purpose::STANDARD;
use serde_json::Value;

#[allow(dead_code)]
#[path = "../../auth-runtime/tests/common/databases.rs"]
mod databases;

use auth_runtime::testing::SoftAuthenticator;

const SECRET: &str = "passkey-interop-secret";

/// A client for one side: its own cookies (both sides are `localhost`), no redirects followed,
/// `localhost` pinned to IPv4 loopback where both listen.
fn client() -> reqwest::Client {
    reqwest::Client::builder()
        .cookie_store(true)
        .redirect(reqwest::redirect::Policy::none())
        .resolve("localhost", "127.0.0.1:0".parse().unwrap())
        .build()
        .unwrap()
}

async fn options(client: &reqwest::Client, origin: &str, query: &str) -> Value {
    let reply = client
        .get(format!("{origin}/auth/webauthn-options/passkey{query}"))
        .send()
        .await
        .unwrap();
    assert_eq!(reply.status(), 200, "{origin}");
    reply.json().await.unwrap()
}

/// Posts the ceremony's result and checks that it signed in (a redirect that is no error page).
async fn finish(client: &reqwest::Client, origin: &str, action: &str, data: &Value) {
    let reply = client
        .post(format!("{origin}/auth/callback/passkey"))
        .form(&[("action", action), ("data", &data.to_string())])
        .send()
        .await
        .unwrap();
    let status = reply.status();
    let location = reply
        .headers()
        .get("location")
        .map(|l| l.to_str().unwrap().to_owned())
        .unwrap_or_default();
    assert_eq!(
        status,
        302,
        "{origin} {action}: {}",
        reply.text().await.unwrap()
    );
    assert!(
        !location.contains("error="),
        "{origin} {action}: {location}"
    );
}

async fn session_email(client: &reqwest::Client, origin: &str) -> Value {
    let session: Value = client
        .get(format!("{origin}/auth/session"))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    session["user"]["email"].clone()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn passkeys_registered_on_either_side_sign_in_on_the_other() {
    let db = databases::FreshDb::postgres().await;
    let adapter = SqlAdapter::connect_with(
        &db.url,
        SqlOptions {
            schema: Some(Schema::drizzle()),
            ..SqlOptions::default()
        },
    )
    .await
    .unwrap();
    adapter.migrate().await.unwrap();
    let adapter = Arc::new(adapter);

    let authjs = NodePeer::start(
        "server.mjs",
        &[
            ("AUTH_SECRET", SECRET.to_owned()),
            ("PASSKEY_DATABASE_URL", db.url.clone()),
        ],
    );
    let authjs_origin = format!("http://localhost:{}", authjs.port());

    let mut config = AuthConfig::new()
        .secret(SECRET)
        .trust_host(true)
        .provider(WebAuthnProvider::passkey())
        .adapter(adapter.clone())
        .session_strategy(SessionStrategy::Jwt);
    config.experimental.enable_webauthn = true;
    let handler = AuthHandler::new(config).unwrap();
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let rust_origin = format!("http://localhost:{}", listener.local_addr().unwrap().port());
    let app: axum::Router = auth_runtime::axum::router(&handler);
    let server = tokio::spawn(async move { axum::serve(listener, app).await.unwrap() });

    // Auth.js registers a passkey for a new address ...
    let node = client();
    let answer = options(&node, &authjs_origin, "?email=first@example.com").await;
    assert_eq!(answer["action"], "register", "{answer}");
    let mut first = SoftAuthenticator::new(&authjs_origin);
    let credential = first.register(&answer["options"]);
    finish(&node, &authjs_origin, "register", &credential).await;
    assert_eq!(
        session_email(&node, &authjs_origin).await,
        "first@example.com"
    );
    let first_id = STANDARD.encode(&first.credential_id);
    let stored = adapter.get_authenticator(&first_id).await.unwrap();
    assert!(
        stored.is_some(),
        "Auth.js stored the authenticator where we read it"
    );

    // ... which signs in here.
    let rust = client();
    first.origin = rust_origin.clone();
    let answer = options(&rust, &rust_origin, "").await;
    assert_eq!(answer["action"], "authenticate");
    let assertion = first.authenticate(&answer["options"]).unwrap();
    finish(&rust, &rust_origin, "authenticate", &assertion).await;
    assert_eq!(
        session_email(&rust, &rust_origin).await,
        "first@example.com"
    );
    let stored = adapter.get_authenticator(&first_id).await.unwrap().unwrap();
    assert_eq!(
        stored.counter, first.counter,
        "the counter this engine stored"
    );

    // This engine registers one for another address ...
    let rust = client();
    let answer = options(&rust, &rust_origin, "?email=second@example.com").await;
    assert_eq!(answer["action"], "register");
    let mut second = SoftAuthenticator::new(&rust_origin);
    let credential = second.register(&answer["options"]);
    finish(&rust, &rust_origin, "register", &credential).await;
    assert_eq!(
        session_email(&rust, &rust_origin).await,
        "second@example.com"
    );

    // ... which signs in through Auth.js, and so does the first one again.
    for (key, email) in [
        (&mut second, "second@example.com"),
        (&mut first, "first@example.com"),
    ] {
        let node = client();
        key.origin = authjs_origin.clone();
        let answer = options(&node, &authjs_origin, "").await;
        assert_eq!(answer["action"], "authenticate", "{answer}");
        let assertion = key.authenticate(&answer["options"]).unwrap();
        finish(&node, &authjs_origin, "authenticate", &assertion).await;
        assert_eq!(session_email(&node, &authjs_origin).await, email);
    }

    server.abort();
    adapter.close().await;
    drop(authjs);
    db.drop_now().await;
}
