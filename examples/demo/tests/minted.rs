//! The test kit against the demo binary: a session minted with `auth_runtime::testing` (no
//! sign-in flow) is a signed-in visitor of the running demo, on its API and its protected page;
//! without it the API answers 401.

#![allow(clippy::unwrap_used, clippy::expect_used)]

use auth_runtime::config::AuthConfig;
use auth_runtime::testing::jwt_session_cookie;
use auth_runtime::types::{Jwt, User};
use common::{database_url, start_demo_with};
use serde_json::Value;

mod common;

/// The secret `common::start_demo_with` gives the demo.
const SECRET: &str = "load-test-secret-load-test-secret";

#[tokio::test]
async fn a_minted_session_is_signed_in_at_the_demo() {
    let demo = start_demo_with("off", &database_url());
    let client = reqwest::Client::builder()
        .redirect(reqwest::redirect::Policy::none())
        .build()
        .unwrap();
    let me = format!("{}/api/me", demo.origin);
    assert_eq!(client.get(&me).send().await.unwrap().status(), 401);

    let config = AuthConfig::new().secret(SECRET);
    let token = Jwt::from_user(
        &User::new("minted-1")
            .name("Minted Ada")
            .email("ada@example.com"),
    );
    let cookie = jwt_session_cookie(&config, &demo.origin, &token).unwrap();
    let answer = client
        .get(&me)
        .header("cookie", &cookie)
        .send()
        .await
        .unwrap();
    assert_eq!(answer.status(), 200);
    let body: Value = answer.json().await.unwrap();
    assert_eq!(body["user"]["name"], "Minted Ada", "{body}");

    let protected = client
        .get(format!("{}/protected", demo.origin))
        .header("cookie", &cookie)
        .send()
        .await
        .unwrap();
    assert_eq!(protected.status(), 200);
    assert!(protected.text().await.unwrap().contains("Minted Ada"));

    // Minted with another secret: not a session.
    let forged =
        jwt_session_cookie(&AuthConfig::new().secret("another"), &demo.origin, &token).unwrap();
    let answer = client
        .get(&me)
        .header("cookie", forged)
        .send()
        .await
        .unwrap();
    assert_eq!(answer.status(), 401);
}
