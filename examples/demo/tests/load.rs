//! A bounded load run against the demo binary on loopback: 2,000 sign-ins through the CSRF dance,
//! 200 at a time, each followed by session reads through the engine and through the app's own
//! route; then every session is read again. Zero errors and zero lost sessions, or the test
//! fails. A second run keeps the default rate limits and shows them refusing the 11th attempt
//! of one client. Everything stops by itself within two minutes.

#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::time::Duration;

use futures_util::StreamExt;
use serde_json::Value;

const SIGN_INS: usize = 2_000;
const CONCURRENCY: usize = 200;
const READS_PER_SESSION: usize = 3;

use common::{browser, start_demo};

mod common;

/// One visitor: CSRF token, credentials sign-in, then session reads. The client keeps the
/// session cookie for the final check.
async fn sign_in(origin: &str) -> Result<reqwest::Client, String> {
    let c = browser();
    let csrf: Value = c
        .get(format!("{origin}/auth/csrf"))
        .send()
        .await
        .map_err(|e| format!("csrf: {e}"))?
        .json()
        .await
        .map_err(|e| format!("csrf body: {e}"))?;
    let token = csrf["csrfToken"]
        .as_str()
        .ok_or("no csrf token")?
        .to_owned();
    let res = c
        .post(format!("{origin}/auth/callback/credentials"))
        .form(&[
            ("csrfToken", token.as_str()),
            ("username", "demo"),
            ("password", "demo"),
        ])
        .send()
        .await
        .map_err(|e| format!("sign-in: {e}"))?;
    if res.status() != 302 {
        return Err(format!("sign-in answered {}", res.status()));
    }
    for _ in 0..READS_PER_SESSION {
        read_session(&c, origin).await?;
    }
    Ok(c)
}

async fn read_session(c: &reqwest::Client, origin: &str) -> Result<(), String> {
    let session: Value = c
        .get(format!("{origin}/auth/session"))
        .send()
        .await
        .map_err(|e| format!("session: {e}"))?
        .json()
        .await
        .map_err(|e| format!("session body: {e}"))?;
    if session["user"]["name"] != "Demo User" {
        return Err(format!("lost session: {session}"));
    }
    let me = c
        .get(format!("{origin}/api/me"))
        .send()
        .await
        .map_err(|e| format!("api/me: {e}"))?;
    if me.status() != 200 {
        return Err(format!("api/me answered {}", me.status()));
    }
    Ok(())
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn thousands_of_concurrent_sign_ins_and_reads_end_with_no_error_and_no_lost_session() {
    let demo = start_demo("off");
    let origin = demo.origin.clone();
    let run = async {
        let results: Vec<Result<reqwest::Client, String>> =
            futures_util::stream::iter((0..SIGN_INS).map(|_| sign_in(&origin)))
                .buffer_unordered(CONCURRENCY)
                .collect()
                .await;
        let errors: Vec<&String> = results.iter().filter_map(|r| r.as_ref().err()).collect();
        assert!(
            errors.is_empty(),
            "{} errors, first: {:?}",
            errors.len(),
            errors.first()
        );
        // Every session is still there at the end.
        let clients: Vec<reqwest::Client> = results.into_iter().flatten().collect();
        let reads: Vec<Result<(), String>> =
            futures_util::stream::iter(clients.iter().map(|c| read_session(c, &origin)))
                .buffer_unordered(CONCURRENCY)
                .collect()
                .await;
        let lost = reads.iter().filter(|r| r.is_err()).count();
        assert_eq!(lost, 0, "sessions lost after the run");
        assert_eq!(clients.len(), SIGN_INS);
    };
    tokio::time::timeout(Duration::from_secs(120), run)
        .await
        .expect("the load run ends within two minutes");
}

#[tokio::test]
async fn the_demo_keeps_its_rate_limits_on() {
    let demo = start_demo("on");
    for i in 0..10 {
        assert!(sign_in(&demo.origin).await.is_ok(), "attempt {i}");
    }
    let refused = sign_in(&demo.origin).await.unwrap_err();
    assert_eq!(refused, "sign-in answered 429 Too Many Requests");
}
