//! The demo remembers: a user who signs in, restarts the demo and comes back is the same user,
//! on the default SQLite file and on PostgreSQL and MariaDB through `DATABASE_URL`.

#![allow(clippy::unwrap_used, clippy::expect_used)]

use auth_runtime::jose::JwtCodec;
use common::{browser, database_url, start_demo_with};
use serde_json::Value;

mod common;
#[allow(dead_code)]
#[path = "../../../auth-runtime/tests/common/databases.rs"]
mod databases;

const SECRET: &str = "load-test-secret-load-test-secret";

/// Signs in as demo / demo and returns the `sub` of the session token: the database user id.
async fn sign_in_sub(origin: &str) -> String {
    let c = browser();
    let csrf: Value = c
        .get(format!("{origin}/auth/csrf"))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    let res = c
        .post(format!("{origin}/auth/callback/credentials"))
        .form(&[
            ("csrfToken", csrf["csrfToken"].as_str().unwrap()),
            ("username", "demo"),
            ("password", "demo"),
        ])
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 302);
    let token = res
        .headers()
        .get_all("set-cookie")
        .iter()
        .filter_map(|v| v.to_str().ok())
        .find_map(|v| v.strip_prefix("authjs.session-token="))
        .and_then(|v| v.split(';').next())
        .expect("a session cookie")
        .to_owned();
    let claims = JwtCodec::new(vec![SECRET.to_owned()])
        .unwrap()
        .decode(&token, "authjs.session-token")
        .unwrap();
    claims["sub"].as_str().unwrap().to_owned()
}

async fn same_user_after_a_restart(database_url: &str) {
    let first = {
        let demo = start_demo_with("off", database_url);
        sign_in_sub(&demo.origin).await
    };
    assert!(
        !first.is_empty() && first != "demo",
        "a database id: {first}"
    );
    let demo = start_demo_with("off", database_url);
    assert_eq!(sign_in_sub(&demo.origin).await, first);
}

#[tokio::test]
async fn the_demo_remembers_its_users_in_sqlite() {
    same_user_after_a_restart(&database_url()).await;
}

#[tokio::test]
async fn the_demo_remembers_its_users_in_postgres() {
    let db = databases::FreshDb::postgres().await;
    same_user_after_a_restart(&db.url).await;
    db.drop_now().await;
}

#[tokio::test]
async fn the_demo_remembers_its_users_in_mariadb() {
    let db = databases::FreshDb::mysql().await;
    same_user_after_a_restart(&db.url).await;
    db.drop_now().await;
}

#[tokio::test]
async fn the_demo_prints_an_email_link_that_signs_in_once() {
    let mut demo = start_demo_with("off", &database_url());
    let origin = demo.origin.clone();
    let c = browser();
    let csrf: Value = c
        .get(format!("{origin}/auth/csrf"))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    let res = c
        .post(format!("{origin}/auth/signin/email"))
        .form(&[
            ("csrfToken", csrf["csrfToken"].as_str().unwrap()),
            ("email", "Mail.Reader@Example.com"),
            ("callbackUrl", "/api/me"),
        ])
        .send()
        .await
        .unwrap();
    assert_eq!(
        res.headers()["location"],
        format!("{origin}/auth/verify-request?provider=email&type=email").as_str()
    );
    // One line on standard output, with the link.
    let line = tokio::task::spawn_blocking(move || {
        let line = demo.line_containing("mail.reader@example.com");
        (demo, line)
    })
    .await
    .unwrap();
    let (_demo, line) = line;
    let link = line
        .split_whitespace()
        .find(|w| w.starts_with("http://"))
        .expect("a URL on the line")
        .to_owned();
    let signed_in = c.get(&link).send().await.unwrap();
    assert_eq!(signed_in.status(), 302);
    let me: Value = c
        .get(format!("{origin}/api/me"))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(me["user"]["email"], "mail.reader@example.com");
    // The link works once.
    let again = browser().get(&link).send().await.unwrap();
    assert_eq!(
        again.headers()["location"],
        format!("{origin}/auth/error?error=Verification").as_str()
    );
}
