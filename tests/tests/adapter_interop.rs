//! One PostgreSQL database shared with the real `@auth/pg-adapter` and the real
//! `@auth/drizzle-adapter` (default tables, on `drizzle-orm` and `pg`): a user, account, session
//! and verification token written by either side is read by the other. Our migrations create
//! the tables both Node adapters then use.

#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::sync::Arc;

use auth_runtime::adapter::sql::{Schema, SqlAdapter, SqlOptions};
use auth_runtime::adapter::{
    Adapter, AdapterSession, Authenticator, AuthenticatorAdapter, SessionAdapter,
    VerificationToken, VerificationTokenAdapter,
};
use auth_runtime::types::{Account, User};
use auth_tests::peer_json;
use serde_json::{Value, json};
use time::OffsetDateTime;
use time::format_description::well_known::Rfc3339;

#[allow(dead_code)]
#[path = "../../auth-runtime/tests/common/databases.rs"]
mod databases;

fn at(seconds: i64) -> OffsetDateTime {
    OffsetDateTime::from_unix_timestamp(seconds).unwrap()
}

fn iso(t: OffsetDateTime) -> String {
    t.format(&Rfc3339).unwrap()
}

fn parse(value: &Value) -> OffsetDateTime {
    OffsetDateTime::parse(value.as_str().unwrap(), &Rfc3339).unwrap()
}

async fn adapter(url: &str, schema: Schema) -> Arc<SqlAdapter> {
    let adapter = SqlAdapter::connect_with(
        url,
        SqlOptions {
            schema: Some(schema),
            ..SqlOptions::default()
        },
    )
    .await
    .unwrap();
    adapter.migrate().await.unwrap();
    Arc::new(adapter)
}

const VERIFIED: i64 = 1_767_225_600; // 2026-01-01T00:00:00Z
const EXPIRES: i64 = 1_893_456_000; // 2030-01-01T00:00:00Z

/// Node writes; Rust reads every record back.
async fn node_writes_rust_reads(kind: &str, rust: &SqlAdapter, url: &str) {
    let with_authenticator = kind == "drizzle";
    let mut input = json!({
        "url": url,
        "user": {"name": "Zoë Node", "email": format!("node-{kind}@example.com"),
                 "emailVerified": iso(at(VERIFIED)), "image": "https://example.com/n.png"},
        "account": {"type": "oidc", "provider": "idp", "providerAccountId": format!("node-{kind}"),
                    "access_token": "at-node", "refresh_token": "rt-node", "id_token": "id.node",
                    "expires_at": 1_900_000_000, "scope": "openid", "token_type": "bearer",
                    "session_state": "state-node"},
        "session": {"sessionToken": format!("session-node-{kind}"), "expires": iso(at(EXPIRES))},
        "token": {"identifier": format!("node-{kind}@example.com"), "token": "a".repeat(64),
                  "expires": iso(at(EXPIRES))},
    });
    if with_authenticator {
        input["authenticator"] = json!({
            "credentialID": "Y3JlZC1ub2Rl", "providerAccountId": "Y3JlZC1ub2Rl",
            "credentialPublicKey": "cHVibGlj", "counter": 7,
            "credentialDeviceType": "multiDevice", "credentialBackedUp": true,
            "transports": "internal,hybrid"
        });
    }
    let written = peer_json("adapter.mjs", &[kind, "write"], &input);
    let id = written["user"]["id"]
        .to_string()
        .trim_matches('"')
        .to_owned();

    let user = rust.get_user(&id).await.unwrap().expect("Node's user");
    assert_eq!(user.name.as_deref(), Some("Zoë Node"));
    assert_eq!(user.email_verified, Some(at(VERIFIED)));
    assert_eq!(user.image.as_deref(), Some("https://example.com/n.png"));
    let email = format!("node-{kind}@example.com");
    assert_eq!(
        rust.get_user_by_email(&email).await.unwrap(),
        Some(user.clone())
    );
    let account_id = format!("node-{kind}");
    assert_eq!(
        rust.get_user_by_account("idp", &account_id).await.unwrap(),
        Some(user.clone())
    );
    let account = rust.get_account(&account_id, "idp").await.unwrap().unwrap();
    assert_eq!(account.user_id.as_deref(), Some(id.as_str()));
    assert_eq!(account.kind, "oidc");
    assert_eq!(account.access_token.as_deref(), Some("at-node"));
    assert_eq!(account.refresh_token.as_deref(), Some("rt-node"));
    assert_eq!(account.expires_at, Some(1_900_000_000));
    assert_eq!(account.session_state.as_deref(), Some("state-node"));
    let (session, session_user) = rust
        .get_session_and_user(&format!("session-node-{kind}"))
        .await
        .unwrap()
        .expect("Node's session");
    assert_eq!(session.expires, at(EXPIRES));
    assert_eq!(session.user_id, id);
    assert_eq!(session_user, user);
    let token = rust
        .use_verification_token(&email, &"a".repeat(64))
        .await
        .unwrap()
        .expect("Node's token");
    assert_eq!(token.expires, at(EXPIRES));
    if with_authenticator {
        let authenticator = rust
            .get_authenticator("Y3JlZC1ub2Rl")
            .await
            .unwrap()
            .unwrap();
        assert_eq!(authenticator.user_id, id);
        assert_eq!(authenticator.counter, 7);
        assert!(authenticator.credential_backed_up);
        assert_eq!(authenticator.transports.as_deref(), Some("internal,hybrid"));
    }
}

/// Rust writes; Node reads every record back.
async fn rust_writes_node_reads(kind: &str, rust: &SqlAdapter, url: &str) {
    let email = format!("rust-{kind}@example.com");
    let mut new = User::default()
        .name("Zoë Rust")
        .email(&email)
        .image("https://example.com/r.png");
    new.email_verified = Some(at(VERIFIED));
    let user = rust.create_user(new).await.unwrap();
    let id = user.id.clone().unwrap();
    let account_id = format!("rust-{kind}");
    rust.link_account(Account {
        provider: "idp".into(),
        kind: "oauth".into(),
        provider_account_id: account_id.clone(),
        user_id: Some(id.clone()),
        access_token: Some("at-rust".into()),
        refresh_token: Some("rt-rust".into()),
        expires_at: Some(1_900_000_001),
        scope: Some("read".into()),
        token_type: Some("bearer".into()),
        ..Account::default()
    })
    .await
    .unwrap();
    let session_token = format!("session-rust-{kind}");
    rust.create_session(AdapterSession {
        session_token: session_token.clone(),
        user_id: id.clone(),
        expires: at(EXPIRES),
    })
    .await
    .unwrap();
    rust.create_verification_token(VerificationToken {
        identifier: email.clone(),
        token: "b".repeat(64),
        expires: at(EXPIRES),
    })
    .await
    .unwrap();
    let with_authenticator = kind == "drizzle";
    if with_authenticator {
        rust.create_authenticator(Authenticator {
            credential_id: "Y3JlZC1ydXN0".into(),
            user_id: id.clone(),
            provider_account_id: "Y3JlZC1ydXN0".into(),
            credential_public_key: "cHVibGlj".into(),
            counter: 3,
            credential_device_type: "singleDevice".into(),
            credential_backed_up: false,
            transports: None,
        })
        .await
        .unwrap();
    }

    let mut input = json!({
        "url": url, "userId": id, "email": email, "provider": "idp",
        "providerAccountId": account_id, "sessionToken": session_token,
        "identifier": email, "token": "b".repeat(64),
    });
    if with_authenticator {
        input["credentialID"] = json!("Y3JlZC1ydXN0");
    }
    let read = peer_json("adapter.mjs", &[kind, "read"], &input);
    let node_id = |v: &Value| v["id"].to_string().trim_matches('"').to_owned();
    assert_eq!(node_id(&read["user"]), id);
    assert_eq!(read["user"]["name"], "Zoë Rust");
    assert_eq!(parse(&read["user"]["emailVerified"]), at(VERIFIED));
    assert_eq!(node_id(&read["byEmail"]), id);
    assert_eq!(node_id(&read["byAccount"]), id);
    if !read["account"].is_null() {
        assert_eq!(read["account"]["access_token"], "at-rust");
        assert_eq!(read["account"]["expires_at"], 1_900_000_001);
    }
    assert_eq!(
        read["session"]["session"]["sessionToken"],
        session_token.as_str()
    );
    assert_eq!(parse(&read["session"]["session"]["expires"]), at(EXPIRES));
    assert_eq!(node_id(&read["session"]["user"]), id);
    assert_eq!(parse(&read["used"]["expires"]), at(EXPIRES));
    assert_eq!(read["used"]["identifier"], email.as_str());
    // Used once: the row is gone for Rust too.
    assert_eq!(
        rust.use_verification_token(&email, &"b".repeat(64))
            .await
            .unwrap(),
        None
    );
    if with_authenticator {
        assert_eq!(read["authenticator"]["counter"], 3);
        assert_eq!(node_id(&json!({"id": read["authenticator"]["userId"]})), id);
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn one_database_with_auth_pg_adapter() {
    let db = databases::FreshDb::postgres().await;
    let rust = adapter(&db.url, Schema::pg_adapter()).await;
    let url = db.url.clone();
    let reader = rust.clone();
    tokio::task::spawn_blocking({
        let url = url.clone();
        move || {
            tokio::runtime::Handle::current().block_on(node_writes_rust_reads("pg", &reader, &url))
        }
    })
    .await
    .unwrap();
    rust_writes_node_reads("pg", &rust, &url).await;
    rust.close().await;
    db.drop_now().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn one_database_with_auth_drizzle_adapter() {
    let db = databases::FreshDb::postgres().await;
    let rust = adapter(&db.url, Schema::drizzle()).await;
    let url = db.url.clone();
    let reader = rust.clone();
    tokio::task::spawn_blocking({
        let url = url.clone();
        move || {
            tokio::runtime::Handle::current()
                .block_on(node_writes_rust_reads("drizzle", &reader, &url))
        }
    })
    .await
    .unwrap();
    rust_writes_node_reads("drizzle", &rust, &url).await;
    rust.close().await;
    db.drop_now().await;
}
