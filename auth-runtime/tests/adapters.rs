//! The adapter conformance suite: every method of the contract and its edges (missing rows,
//! expired sessions, token reuse, unlink, delete-user cascades, unicode, long values, races),
//! run on every adapter: memory, SQLite files, and this machine's PostgreSQL and MariaDB.

#![allow(clippy::unwrap_used, clippy::expect_used)]

mod common;

use std::sync::Arc;

use auth_runtime::adapter::redis::RedisAdapter;
use auth_runtime::adapter::sql::{Schema, SqlAdapter, SqlOptions};
use auth_runtime::adapter::{
    Adapter, AdapterError, AdapterSession, Authenticator, FullAdapter, MemoryAdapter,
    VerificationToken,
};
use auth_runtime::types::{Account, User};
use common::databases::FreshDb;
use time::{Duration, OffsetDateTime};

/// Now, to the millisecond (what every store keeps).
fn now_ms() -> OffsetDateTime {
    let now = OffsetDateTime::now_utc();
    now.replace_nanosecond(now.nanosecond() / 1_000_000 * 1_000_000)
        .unwrap()
}

fn unique(prefix: &str) -> String {
    format!("{prefix}-{}", uuid::Uuid::new_v4().simple())
}

fn account(provider: &str, id: &str, user_id: Option<String>) -> Account {
    Account {
        provider: provider.to_owned(),
        kind: "oidc".to_owned(),
        provider_account_id: id.to_owned(),
        user_id,
        access_token: Some("at-1".to_owned()),
        refresh_token: Some("rt-1".to_owned()),
        id_token: Some("id.token.sig".to_owned()),
        expires_at: Some(1_900_000_000),
        scope: Some("openid email".to_owned()),
        token_type: Some("bearer".to_owned()),
        session_state: None,
        extra: Default::default(),
    }
}

fn authenticator(credential_id: &str, user_id: &str) -> Authenticator {
    Authenticator {
        credential_id: credential_id.to_owned(),
        user_id: user_id.to_owned(),
        provider_account_id: credential_id.to_owned(),
        credential_public_key: "pQECAyYgASFYIA==".to_owned(),
        counter: 0,
        credential_device_type: "multiDevice".to_owned(),
        credential_backed_up: true,
        transports: Some("internal,hybrid".to_owned()),
    }
}

async fn new_user<A: FullAdapter>(adapter: &A, email: &str) -> User {
    adapter
        .create_user(User::new("ignored").name("Ada").email(email))
        .await
        .unwrap()
}

async fn users(adapter: &impl FullAdapter) {
    let email = format!("{}@example.com", unique("ada"));
    let verified = now_ms() - Duration::days(1);
    let mut user = User::new("an-id-the-adapter-ignores")
        .name("Ada")
        .email(&email)
        .image("https://example.com/ada.png");
    user.email_verified = Some(verified);
    let created = adapter.create_user(user).await.unwrap();
    let id = created.id.clone().expect("an id");
    assert_ne!(id, "an-id-the-adapter-ignores");
    assert_eq!(created.email.as_deref(), Some(email.as_str()));

    let read = adapter.get_user(&id).await.unwrap().expect("the user");
    assert_eq!(read, created);
    assert_eq!(read.email_verified, Some(verified));
    assert_eq!(
        adapter.get_user_by_email(&email).await.unwrap(),
        Some(created.clone())
    );
    assert_eq!(
        adapter
            .get_user_by_email("nobody@example.com")
            .await
            .unwrap(),
        None
    );
    assert_eq!(adapter.get_user("999999999").await.unwrap(), None);
    assert_eq!(
        adapter
            .get_user("not-an-id-of-this-database")
            .await
            .unwrap(),
        None
    );

    // Only the fields that are set change.
    let mut change = User::new(id.clone()).name("Ada Lovelace");
    change.email_verified = Some(verified + Duration::hours(1));
    let updated = adapter.update_user(change).await.unwrap();
    assert_eq!(updated.name.as_deref(), Some("Ada Lovelace"));
    assert_eq!(updated.email.as_deref(), Some(email.as_str()));
    assert_eq!(
        updated.image.as_deref(),
        Some("https://example.com/ada.png")
    );
    assert_eq!(updated.email_verified, Some(verified + Duration::hours(1)));
    assert_eq!(adapter.get_user(&id).await.unwrap(), Some(updated));

    for unknown in ["999999999", "not-an-id"] {
        let err = adapter
            .update_user(User::new(unknown).name("x"))
            .await
            .unwrap_err();
        assert!(matches!(err, AdapterError::NotFound("user")), "{err:?}");
    }
    let err = adapter.update_user(User::default()).await.unwrap_err();
    assert!(matches!(err, AdapterError::Invalid(_)), "{err:?}");
}

async fn accounts(adapter: &impl FullAdapter) {
    let user = new_user(adapter, &format!("{}@example.com", unique("acc"))).await;
    let id = user.id.clone().unwrap();
    let account_id = unique("sub");
    let linked = account("idp", &account_id, Some(id.clone()));
    adapter.link_account(linked.clone()).await.unwrap();

    assert_eq!(
        adapter
            .get_user_by_account("idp", &account_id)
            .await
            .unwrap(),
        Some(user.clone())
    );
    assert_eq!(
        adapter
            .get_user_by_account("other", &account_id)
            .await
            .unwrap(),
        None
    );
    assert_eq!(
        adapter.get_account(&account_id, "idp").await.unwrap(),
        Some(linked.clone())
    );
    assert_eq!(
        adapter.get_account(&account_id, "other").await.unwrap(),
        None
    );
    assert_eq!(
        adapter.get_accounts_by_user(&id).await.unwrap(),
        vec![linked.clone()]
    );
    assert_eq!(
        adapter.get_accounts_by_user("999999999").await.unwrap(),
        vec![]
    );

    // The same provider account twice: a conflict, and the first link stays.
    let err = adapter
        .link_account(account("idp", &account_id, Some(id.clone())))
        .await
        .unwrap_err();
    assert!(matches!(err, AdapterError::Conflict("account")), "{err:?}");
    // Provider account ids compare exactly: another case is another account.
    let upper = account_id.to_uppercase();
    adapter
        .link_account(account("idp", &upper, Some(id.clone())))
        .await
        .unwrap();
    assert_eq!(adapter.get_accounts_by_user(&id).await.unwrap().len(), 2);
    adapter.unlink_account("idp", &upper).await.unwrap();

    let mut rotated = linked.clone();
    rotated.access_token = Some("at-2".to_owned());
    rotated.refresh_token = Some("rt-2".to_owned());
    rotated.expires_at = Some(1_900_003_600);
    rotated.session_state = Some("state".to_owned());
    adapter.update_account(rotated.clone()).await.unwrap();
    assert_eq!(
        adapter.get_account(&account_id, "idp").await.unwrap(),
        Some(rotated)
    );

    adapter.unlink_account("idp", &account_id).await.unwrap();
    assert_eq!(
        adapter
            .get_user_by_account("idp", &account_id)
            .await
            .unwrap(),
        None
    );
    assert_eq!(adapter.get_account(&account_id, "idp").await.unwrap(), None);
    // Unlinking what is not linked does nothing.
    adapter.unlink_account("idp", &account_id).await.unwrap();
    assert!(adapter.get_user(&id).await.unwrap().is_some());
}

async fn first_sign_in(adapter: &impl FullAdapter) {
    let email = format!("{}@example.com", unique("first"));
    let account_id = unique("sub");
    let created = adapter
        .create_user_with_account(
            User::new("x").name("First").email(&email),
            account("idp", &account_id, None),
        )
        .await
        .unwrap();
    let id = created.id.clone().unwrap();
    let stored = adapter
        .get_account(&account_id, "idp")
        .await
        .unwrap()
        .unwrap();
    assert_eq!(stored.user_id.as_deref(), Some(id.as_str()));

    // The account is taken: nothing is written, not even the user.
    let other = format!("{}@example.com", unique("second"));
    let err = adapter
        .create_user_with_account(
            User::new("x").email(&other),
            account("idp", &account_id, None),
        )
        .await
        .unwrap_err();
    assert!(matches!(err, AdapterError::Conflict("account")), "{err:?}");
    assert_eq!(adapter.get_user_by_email(&other).await.unwrap(), None);
}

async fn sessions(adapter: &impl FullAdapter) {
    let user = new_user(adapter, &format!("{}@example.com", unique("ses"))).await;
    let id = user.id.clone().unwrap();
    let token = unique("token");
    let expires = now_ms() + Duration::days(30);
    let session = AdapterSession {
        session_token: token.clone(),
        user_id: id.clone(),
        expires,
    };
    assert_eq!(
        adapter.create_session(session.clone()).await.unwrap(),
        session
    );
    assert_eq!(
        adapter.get_session_and_user(&token).await.unwrap(),
        Some((session.clone(), user.clone()))
    );
    assert_eq!(adapter.get_session_and_user("unknown").await.unwrap(), None);
    // Tokens compare exactly.
    assert_eq!(
        adapter
            .get_session_and_user(&token.to_uppercase())
            .await
            .unwrap(),
        None
    );

    let err = adapter.create_session(session.clone()).await.unwrap_err();
    assert!(matches!(err, AdapterError::Conflict("session")), "{err:?}");

    let later = expires + Duration::days(1);
    let moved = adapter
        .update_session(&token, later)
        .await
        .unwrap()
        .unwrap();
    assert_eq!(moved.expires, later);
    assert_eq!(moved.user_id, id);
    assert_eq!(
        adapter.update_session("unknown", later).await.unwrap(),
        None
    );

    // An expired session is either returned, and the engine deletes it, or already gone
    // (Redis drops it at its TTL); never returned as valid.
    let expired = AdapterSession {
        session_token: unique("expired"),
        user_id: id.clone(),
        expires: now_ms() - Duration::seconds(5),
    };
    adapter.create_session(expired.clone()).await.unwrap();
    if let Some((found, _)) = adapter
        .get_session_and_user(&expired.session_token)
        .await
        .unwrap()
    {
        assert!(found.expires < OffsetDateTime::now_utc());
    }

    adapter.delete_session(&token).await.unwrap();
    assert_eq!(adapter.get_session_and_user(&token).await.unwrap(), None);
    adapter.delete_session(&token).await.unwrap();
}

async fn verification_tokens(adapter: &impl FullAdapter) {
    let identifier = format!("{}@example.com", unique("vt"));
    let token = VerificationToken {
        identifier: identifier.clone(),
        token: "a".repeat(64),
        expires: now_ms() + Duration::hours(24),
    };
    adapter
        .create_verification_token(token.clone())
        .await
        .unwrap();
    assert_eq!(
        adapter
            .use_verification_token(&identifier, &"b".repeat(64))
            .await
            .unwrap(),
        None
    );
    assert_eq!(
        adapter
            .use_verification_token("other@example.com", &token.token)
            .await
            .unwrap(),
        None
    );
    assert_eq!(
        adapter
            .use_verification_token(&identifier, &token.token)
            .await
            .unwrap(),
        Some(token.clone())
    );
    // Once only.
    assert_eq!(
        adapter
            .use_verification_token(&identifier, &token.token)
            .await
            .unwrap(),
        None
    );
    // An expired token is returned too (the engine refuses it) and deleted, or already gone
    // (Redis drops it at its TTL).
    let expired = VerificationToken {
        expires: now_ms() - Duration::minutes(1),
        token: "c".repeat(64),
        ..token
    };
    adapter
        .create_verification_token(expired.clone())
        .await
        .unwrap();
    let used = adapter
        .use_verification_token(&identifier, &expired.token)
        .await
        .unwrap();
    assert!(used.is_none() || used == Some(expired.clone()), "{used:?}");
    assert_eq!(
        adapter
            .use_verification_token(&identifier, &expired.token)
            .await
            .unwrap(),
        None
    );
}

async fn authenticators(adapter: &impl FullAdapter) {
    let user = new_user(adapter, &format!("{}@example.com", unique("pk"))).await;
    let id = user.id.clone().unwrap();
    let credential = unique("cred");
    let stored = authenticator(&credential, &id);
    assert_eq!(
        adapter.create_authenticator(stored.clone()).await.unwrap(),
        stored
    );
    assert_eq!(
        adapter.get_authenticator(&credential).await.unwrap(),
        Some(stored.clone())
    );
    assert_eq!(adapter.get_authenticator("unknown").await.unwrap(), None);
    let mut second = authenticator(&unique("cred"), &id);
    second.credential_backed_up = false;
    second.credential_device_type = "singleDevice".to_owned();
    second.transports = None;
    adapter.create_authenticator(second.clone()).await.unwrap();
    let mut listed = adapter.list_authenticators_by_user_id(&id).await.unwrap();
    listed.sort_by(|a, b| a.credential_id.cmp(&b.credential_id));
    let mut expected = vec![stored.clone(), second];
    expected.sort_by(|a, b| a.credential_id.cmp(&b.credential_id));
    assert_eq!(listed, expected);
    assert_eq!(
        adapter
            .list_authenticators_by_user_id("999999999")
            .await
            .unwrap(),
        vec![]
    );

    let err = adapter
        .create_authenticator(stored.clone())
        .await
        .unwrap_err();
    assert!(
        matches!(err, AdapterError::Conflict("authenticator")),
        "{err:?}"
    );

    // The largest counter every schema holds (Drizzle's and Prisma's columns are INTEGER).
    let high = u32::try_from(i32::MAX).unwrap();
    let counted = adapter
        .update_authenticator_counter(&credential, high)
        .await
        .unwrap();
    assert_eq!(counted.counter, high);
    assert_eq!(
        adapter
            .get_authenticator(&credential)
            .await
            .unwrap()
            .unwrap()
            .counter,
        high
    );
    let err = adapter
        .update_authenticator_counter("unknown", 1)
        .await
        .unwrap_err();
    assert!(
        matches!(err, AdapterError::NotFound("authenticator")),
        "{err:?}"
    );
}

async fn delete_user_cascades(adapter: &impl FullAdapter) {
    let user = new_user(adapter, &format!("{}@example.com", unique("del"))).await;
    let keep = new_user(adapter, &format!("{}@example.com", unique("keep"))).await;
    let (id, keep_id) = (user.id.clone().unwrap(), keep.id.clone().unwrap());
    let account_id = unique("sub");
    adapter
        .link_account(account("idp", &account_id, Some(id.clone())))
        .await
        .unwrap();
    let kept_account = unique("sub");
    adapter
        .link_account(account("idp", &kept_account, Some(keep_id.clone())))
        .await
        .unwrap();
    let token = unique("token");
    adapter
        .create_session(AdapterSession {
            session_token: token.clone(),
            user_id: id.clone(),
            expires: now_ms() + Duration::days(1),
        })
        .await
        .unwrap();
    let kept_token = unique("token");
    adapter
        .create_session(AdapterSession {
            session_token: kept_token.clone(),
            user_id: keep_id.clone(),
            expires: now_ms() + Duration::days(1),
        })
        .await
        .unwrap();
    let credential = unique("cred");
    adapter
        .create_authenticator(authenticator(&credential, &id))
        .await
        .unwrap();

    adapter.delete_user(&id).await.unwrap();
    assert_eq!(adapter.get_user(&id).await.unwrap(), None);
    assert_eq!(adapter.get_account(&account_id, "idp").await.unwrap(), None);
    assert_eq!(adapter.get_session_and_user(&token).await.unwrap(), None);
    assert_eq!(adapter.get_authenticator(&credential).await.unwrap(), None);
    // The other user keeps everything.
    assert!(adapter.get_user(&keep_id).await.unwrap().is_some());
    assert!(
        adapter
            .get_account(&kept_account, "idp")
            .await
            .unwrap()
            .is_some()
    );
    assert!(
        adapter
            .get_session_and_user(&kept_token)
            .await
            .unwrap()
            .is_some()
    );
    // Deleting an unknown user does nothing.
    adapter.delete_user(&id).await.unwrap();
    adapter.delete_user("not-an-id").await.unwrap();
}

async fn unicode_and_long_values(adapter: &impl FullAdapter) {
    let name = "Zoë Ñúñez 山田太郎 🚀 ".repeat(10);
    let email = format!("{}@例え.jp", unique("zoë"));
    let image = format!("https://example.com/{}.png", "a".repeat(2000));
    let created = adapter
        .create_user(User::new("x").name(&name).email(&email).image(&image))
        .await
        .unwrap();
    let id = created.id.clone().unwrap();
    let read = adapter.get_user_by_email(&email).await.unwrap().unwrap();
    assert_eq!(read.name.as_deref(), Some(name.as_str()));
    assert_eq!(read.image.as_deref(), Some(image.as_str()));

    let account_id = format!("ü-{}", unique("sub"));
    let mut long = account("idp", &account_id, Some(id.clone()));
    long.access_token = Some("t".repeat(16_000));
    long.id_token = Some("i".repeat(8_000));
    adapter.link_account(long.clone()).await.unwrap();
    assert_eq!(
        adapter.get_account(&account_id, "idp").await.unwrap(),
        Some(long)
    );
}

async fn races(adapter: Arc<impl FullAdapter + 'static>) {
    // Two first sign-ins with one provider account: one user, one account.
    let account_id = unique("race");
    let email = format!("{}@example.com", unique("race"));
    let attempts = (0..2).map(|_| {
        let adapter = adapter.clone();
        let (account_id, email) = (account_id.clone(), email.clone());
        tokio::spawn(async move {
            adapter
                .create_user_with_account(
                    User::new("x").email(&email),
                    account("idp", &account_id, None),
                )
                .await
        })
    });
    let results: Vec<_> = futures_util::future::join_all(attempts)
        .await
        .into_iter()
        .map(Result::unwrap)
        .collect();
    assert_eq!(
        results.iter().filter(|r| r.is_ok()).count(),
        1,
        "{results:?}"
    );
    // A conflict on the account, or on the email where the schema makes it unique (Drizzle).
    assert!(
        results
            .iter()
            .any(|r| matches!(r, Err(AdapterError::Conflict(_))))
    );
    let winner = results.into_iter().find_map(Result::ok).unwrap();
    assert_eq!(
        adapter
            .get_user_by_account("idp", &account_id)
            .await
            .unwrap(),
        Some(winner.clone())
    );
    assert_eq!(
        adapter.get_user_by_email(&email).await.unwrap(),
        Some(winner.clone())
    );

    // One verification token, eight requests racing: one of them signs in.
    let identifier = format!("{}@example.com", unique("vt-race"));
    adapter
        .create_verification_token(VerificationToken {
            identifier: identifier.clone(),
            token: "d".repeat(64),
            expires: now_ms() + Duration::hours(1),
        })
        .await
        .unwrap();
    let uses = (0..8).map(|_| {
        let adapter = adapter.clone();
        let identifier = identifier.clone();
        tokio::spawn(async move {
            adapter
                .use_verification_token(&identifier, &"d".repeat(64))
                .await
                .unwrap()
        })
    });
    let used = futures_util::future::join_all(uses).await;
    assert_eq!(
        used.into_iter()
            .filter(|r| r.as_ref().unwrap().is_some())
            .count(),
        1
    );

    // Concurrent reads and updates of one session: every read sees it, the last write stays.
    let id = winner.id.unwrap();
    let token = unique("busy");
    let base = now_ms() + Duration::days(1);
    adapter
        .create_session(AdapterSession {
            session_token: token.clone(),
            user_id: id,
            expires: base,
        })
        .await
        .unwrap();
    let work = (0..16).map(|i| {
        let adapter = adapter.clone();
        let token = token.clone();
        tokio::spawn(async move {
            if i % 2 == 0 {
                adapter
                    .update_session(&token, base + Duration::seconds(i))
                    .await
                    .unwrap()
                    .is_some()
            } else {
                adapter
                    .get_session_and_user(&token)
                    .await
                    .unwrap()
                    .is_some()
            }
        })
    });
    for done in futures_util::future::join_all(work).await {
        assert!(done.unwrap());
    }
    let last = base + Duration::seconds(30);
    adapter.update_session(&token, last).await.unwrap();
    let (read, _) = adapter.get_session_and_user(&token).await.unwrap().unwrap();
    assert_eq!(read.expires, last);
}

/// Every part of the suite on one adapter.
async fn conformance<A: FullAdapter + 'static>(adapter: Arc<A>) {
    users(adapter.as_ref()).await;
    accounts(adapter.as_ref()).await;
    first_sign_in(adapter.as_ref()).await;
    sessions(adapter.as_ref()).await;
    verification_tokens(adapter.as_ref()).await;
    authenticators(adapter.as_ref()).await;
    delete_user_cascades(adapter.as_ref()).await;
    unicode_and_long_values(adapter.as_ref()).await;
    races(adapter).await;
}

async fn migrated(url: &str, schema: Option<Schema>) -> Arc<SqlAdapter> {
    let adapter = SqlAdapter::connect_with(
        url,
        SqlOptions {
            schema,
            ..SqlOptions::default()
        },
    )
    .await
    .unwrap();
    let applied = adapter.migrate().await.unwrap();
    assert_eq!(applied.len(), 3, "{applied:?}");
    // Idempotent: a second run applies nothing.
    assert!(adapter.migrate().await.unwrap().is_empty());
    Arc::new(adapter)
}

#[tokio::test]
async fn memory_adapter_conforms() {
    conformance(Arc::new(MemoryAdapter::new())).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn sqlite_adapter_conforms() {
    let db = FreshDb::sqlite();
    conformance(migrated(&db.url, None).await).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn postgres_adapter_conforms_on_the_pg_adapter_schema() {
    let db = FreshDb::postgres().await;
    let adapter = migrated(&db.url, None).await;
    conformance(adapter.clone()).await;
    adapter.close().await;
    db.drop_now().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn postgres_adapter_conforms_with_text_ids() {
    let db = FreshDb::postgres().await;
    let adapter = migrated(&db.url, Some(Schema::embedded())).await;
    conformance(adapter.clone()).await;
    adapter.close().await;
    db.drop_now().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn postgres_adapter_conforms_on_the_drizzle_schema() {
    let db = FreshDb::postgres().await;
    let adapter = migrated(&db.url, Some(Schema::drizzle())).await;
    conformance(adapter.clone()).await;
    adapter.close().await;
    db.drop_now().await;
}

/// `@auth/prisma-adapter`'s documented PostgreSQL schema as `prisma migrate` creates it (the
/// Prisma engine cannot be installed here, so the SQL is written out).
const PRISMA_SCHEMA: &[&str] = &[
    r#"CREATE TABLE "User" ("id" TEXT NOT NULL, "name" TEXT, "email" TEXT NOT NULL, "emailVerified" TIMESTAMP(3), "image" TEXT, "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP, "updatedAt" TIMESTAMP(3) NOT NULL, CONSTRAINT "User_pkey" PRIMARY KEY ("id"))"#,
    r#"CREATE TABLE "Account" ("userId" TEXT NOT NULL, "type" TEXT NOT NULL, "provider" TEXT NOT NULL, "providerAccountId" TEXT NOT NULL, "refresh_token" TEXT, "access_token" TEXT, "expires_at" INTEGER, "token_type" TEXT, "scope" TEXT, "id_token" TEXT, "session_state" TEXT, "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP, "updatedAt" TIMESTAMP(3) NOT NULL, CONSTRAINT "Account_pkey" PRIMARY KEY ("provider","providerAccountId"))"#,
    r#"CREATE TABLE "Session" ("sessionToken" TEXT NOT NULL, "userId" TEXT NOT NULL, "expires" TIMESTAMP(3) NOT NULL, "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP, "updatedAt" TIMESTAMP(3) NOT NULL)"#,
    r#"CREATE TABLE "VerificationToken" ("identifier" TEXT NOT NULL, "token" TEXT NOT NULL, "expires" TIMESTAMP(3) NOT NULL, CONSTRAINT "VerificationToken_pkey" PRIMARY KEY ("identifier","token"))"#,
    r#"CREATE TABLE "Authenticator" ("credentialID" TEXT NOT NULL, "userId" TEXT NOT NULL, "providerAccountId" TEXT NOT NULL, "credentialPublicKey" TEXT NOT NULL, "counter" INTEGER NOT NULL, "credentialDeviceType" TEXT NOT NULL, "credentialBackedUp" BOOLEAN NOT NULL, "transports" TEXT, CONSTRAINT "Authenticator_pkey" PRIMARY KEY ("userId","credentialID"))"#,
    r#"CREATE UNIQUE INDEX "User_email_key" ON "User"("email")"#,
    r#"CREATE UNIQUE INDEX "Session_sessionToken_key" ON "Session"("sessionToken")"#,
    r#"CREATE UNIQUE INDEX "Authenticator_credentialID_key" ON "Authenticator"("credentialID")"#,
    r#"ALTER TABLE "Account" ADD CONSTRAINT "Account_userId_fkey" FOREIGN KEY ("userId") REFERENCES "User"("id") ON DELETE CASCADE ON UPDATE CASCADE"#,
    r#"ALTER TABLE "Session" ADD CONSTRAINT "Session_userId_fkey" FOREIGN KEY ("userId") REFERENCES "User"("id") ON DELETE CASCADE ON UPDATE CASCADE"#,
    r#"ALTER TABLE "Authenticator" ADD CONSTRAINT "Authenticator_userId_fkey" FOREIGN KEY ("userId") REFERENCES "User"("id") ON DELETE CASCADE ON UPDATE CASCADE"#,
];

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn postgres_adapter_conforms_on_the_prisma_schema() {
    use sqlx::{Connection, Executor};
    let db = FreshDb::postgres().await;
    let mut conn = sqlx::PgConnection::connect(&db.url).await.unwrap();
    for statement in PRISMA_SCHEMA {
        conn.execute(*statement).await.unwrap();
    }
    // Our migrations find Prisma's tables and keep them.
    let adapter = migrated(&db.url, Some(Schema::prisma())).await;
    conformance(adapter.clone()).await;
    // `updatedAt` is written with every row, as Prisma's client does.
    let (stale,): (i64,) = sqlx::query_as(
        r#"SELECT COUNT(*) FROM "User" WHERE "updatedAt" < NOW() AT TIME ZONE 'UTC' - INTERVAL '1 minute' OR "updatedAt" > NOW() AT TIME ZONE 'UTC' + INTERVAL '1 minute'"#,
    )
    .fetch_one(&mut conn)
    .await
    .unwrap();
    assert_eq!(stale, 0, "updatedAt holds the UTC time of the write");
    let (users,): (i64,) = sqlx::query_as(r#"SELECT COUNT(*) FROM "User""#)
        .fetch_one(&mut conn)
        .await
        .unwrap();
    assert!(users > 0);
    conn.close().await.unwrap();
    adapter.close().await;
    db.drop_now().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn postgres_migrations_create_the_prisma_tables_too() {
    let db = FreshDb::postgres().await;
    let adapter = migrated(&db.url, Some(Schema::prisma())).await;
    conformance(adapter.clone()).await;
    adapter.close().await;
    db.drop_now().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn mysql_adapter_conforms() {
    let db = FreshDb::mysql().await;
    let adapter = migrated(&db.url, None).await;
    conformance(adapter.clone()).await;
    adapter.close().await;
    db.drop_now().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn mysql_adapter_conforms_with_serial_ids() {
    let db = FreshDb::mysql().await;
    let adapter = migrated(&db.url, Some(Schema::pg_adapter())).await;
    conformance(adapter.clone()).await;
    adapter.close().await;
    db.drop_now().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn redis_adapter_conforms() {
    // Keys of their own for this run: the server is shared.
    let prefix = format!("{}:", unique("auth-test"));
    let adapter = RedisAdapter::with_prefix("redis://127.0.0.1:6379", &prefix).unwrap();
    // The server must answer: a missing Redis fails here, it is not skipped.
    adapter
        .get_user("probe")
        .await
        .expect("Redis on 127.0.0.1:6379 (the adapter tests need it)");
    conformance(Arc::new(adapter)).await;
    // Sessions and tokens expire with Redis TTLs.
    let redis = redis::Client::open("redis://127.0.0.1:6379").unwrap();
    let mut conn = redis.get_multiplexed_async_connection().await.unwrap();
    let keys: Vec<String> = redis::cmd("KEYS")
        .arg(format!("{prefix}session:*"))
        .query_async(&mut conn)
        .await
        .unwrap();
    assert!(!keys.is_empty());
    for key in keys {
        let ttl: i64 = redis::cmd("PTTL")
            .arg(&key)
            .query_async(&mut conn)
            .await
            .unwrap();
        assert!(ttl > 0, "{key} has a TTL");
    }
    let _: () = redis::cmd("EVAL")
        .arg("for _, k in ipairs(redis.call('KEYS', ARGV[1])) do redis.call('DEL', k) end")
        .arg(0)
        .arg(format!("{prefix}*"))
        .query_async(&mut conn)
        .await
        .unwrap();
}

#[tokio::test]
async fn bad_urls_and_names_are_clear_errors() {
    let err = SqlAdapter::connect("mongodb://127.0.0.1/x")
        .await
        .unwrap_err();
    assert!(
        err.to_string().contains("sqlite:, postgres: or mysql:"),
        "{err}"
    );
    let mut schema = Schema::pg_adapter();
    schema.users[0] = "users; DROP TABLE accounts".to_owned();
    let err = SqlAdapter::connect_with(
        "sqlite::memory:",
        SqlOptions {
            schema: Some(schema),
            ..SqlOptions::default()
        },
    )
    .await
    .unwrap_err();
    assert!(
        matches!(&err, AdapterError::Schema(m) if m.contains("`users; DROP TABLE accounts` is not a plain identifier")),
        "{err:?}"
    );
    // Nothing listens on port 1: unavailable, quickly.
    let err = SqlAdapter::connect_with(
        "postgres://postgres@127.0.0.1:1/x",
        SqlOptions {
            acquire_timeout: std::time::Duration::from_secs(2),
            ..SqlOptions::default()
        },
    )
    .await
    .unwrap_err();
    assert!(matches!(err, AdapterError::Unavailable(_)), "{err:?}");
    // The password of a URL never shows in an error.
    for url in [
        "postgres://app:s3cr3t-pw@127.0.0.1:1/x",
        "postgres://app:s3cr3t-pw@127.0.0.1:notaport/x",
        "mysql://app:s3cr3t-pw@127.0.0.1:1/x",
        "sqlite://app:s3cr3t-pw@/nonexistent-dir/x.db",
    ] {
        let err = SqlAdapter::connect_with(
            url,
            SqlOptions {
                acquire_timeout: std::time::Duration::from_secs(1),
                ..SqlOptions::default()
            },
        )
        .await
        .unwrap_err();
        assert!(
            !format!("{err} {err:?}").contains("s3cr3t"),
            "{url}: {err:?}"
        );
    }
}

/// The app's members beyond Auth.js's five (`#[auth(user)]` extension fields), each in a column
/// of its kind: written by `create_user`, read back by every call that returns a user, left as
/// they are by an `update_user` that lacks them, refused when of another kind.
mod user_columns {
    use super::*;
    use auth_runtime::adapter::SessionAdapter;
    use auth_runtime::adapter::sql::{ColumnKind, UserColumn};
    use serde_json::json;

    fn with_columns(schema: Schema) -> Schema {
        schema
            .with_user_column(UserColumn::text("role"))
            .with_user_column(UserColumn::integer("credits"))
            .with_user_column(UserColumn::boolean("beta").stored_in("is_beta"))
            .with_user_column(UserColumn::json("prefs"))
    }

    async fn connect(url: &str, schema: Schema) -> SqlAdapter {
        SqlAdapter::connect_with(
            url,
            SqlOptions {
                schema: Some(schema),
                ..SqlOptions::default()
            },
        )
        .await
        .unwrap()
    }

    async fn holds_the_members(adapter: &SqlAdapter) {
        assert!(adapter.keeps_user_member("role"));
        assert!(adapter.keeps_user_member("beta"));
        assert!(
            !adapter.keeps_user_member("is_beta"),
            "by member, not column"
        );
        assert!(!adapter.keeps_user_member("undeclared"));

        let email = format!("{}@example.com", unique("cols"));
        let mut user = User::new("x").name("Ada").email(&email);
        for (member, value) in [
            ("role", json!("admin")),
            ("credits", json!(3)),
            ("beta", json!(true)),
            ("prefs", json!({"theme": "dark", "langs": ["en", "fr"]})),
            ("undeclared", json!("not kept")),
        ] {
            user.extra.insert(member.into(), value);
        }
        let created = adapter.create_user(user).await.unwrap();
        let id = created.id.clone().unwrap();
        let expected = json!({
            "role": "admin",
            "credits": 3,
            "beta": true,
            "prefs": {"theme": "dark", "langs": ["en", "fr"]}
        });
        assert_eq!(json!(created.extra), expected, "what the row holds");
        let read = adapter.get_user(&id).await.unwrap().unwrap();
        assert_eq!(read, created);
        assert_eq!(adapter.get_user_by_email(&email).await.unwrap(), Some(read));

        let provider_id = unique("p");
        adapter
            .link_account(account("oidc-test", &provider_id, Some(id.clone())))
            .await
            .unwrap();
        let by_account = adapter
            .get_user_by_account("oidc-test", &provider_id)
            .await
            .unwrap()
            .unwrap();
        assert_eq!(json!(by_account.extra), expected);
        let token = unique("st");
        adapter
            .create_session(AdapterSession {
                session_token: token.clone(),
                user_id: id.clone(),
                expires: now_ms() + Duration::days(1),
            })
            .await
            .unwrap();
        let (_, user) = adapter.get_session_and_user(&token).await.unwrap().unwrap();
        assert_eq!(json!(user.extra), expected);

        // An update without a member keeps its column; one with it changes it.
        let mut change = User::new(id.clone());
        change.extra.insert("credits".into(), json!(5));
        change.extra.insert("beta".into(), json!(false));
        let updated = adapter.update_user(change).await.unwrap();
        assert_eq!(
            json!(updated.extra),
            json!({
                "role": "admin",
                "credits": 5,
                "beta": false,
                "prefs": {"theme": "dark", "langs": ["en", "fr"]}
            })
        );
        assert_eq!(updated.name.as_deref(), Some("Ada"));

        // A user without the members has none (NULL columns), not defaults.
        let bare_email = format!("{}@example.com", unique("bare"));
        let bare = adapter
            .create_user(User::new("x").email(&bare_email))
            .await
            .unwrap();
        let bare = adapter
            .get_user(bare.id.as_deref().unwrap())
            .await
            .unwrap()
            .unwrap();
        assert!(bare.extra.is_empty(), "{:?}", bare.extra);

        // A member of another kind than its column: refused, and no user is written.
        for (member, value) in [
            ("role", json!(5)),
            ("credits", json!("many")),
            ("credits", json!(1.5)),
            ("beta", json!("yes")),
        ] {
            let email = format!("{}@example.com", unique("bad"));
            let mut user = User::new("x").email(&email);
            user.extra.insert(member.into(), value.clone());
            let err = adapter.create_user(user).await.unwrap_err();
            assert!(
                matches!(err, AdapterError::Invalid(m) if m.contains("kind")),
                "{member} = {value}: {err:?}"
            );
            assert_eq!(adapter.get_user_by_email(&email).await.unwrap(), None);
            let mut change = User::new(id.clone());
            change.extra.insert(member.into(), value);
            assert!(matches!(
                adapter.update_user(change).await.unwrap_err(),
                AdapterError::Invalid(_)
            ));
        }
        assert_eq!(
            json!(adapter.get_user(&id).await.unwrap().unwrap().extra["credits"]),
            json!(5),
            "a refused update changed nothing"
        );
    }

    /// `migrate` adds the columns the table lacks, once; one the app made itself is kept.
    async fn run(url: &str, base: Schema, app_made_role: &str) {
        // The tables of an earlier deploy, without the app's columns.
        let plain = connect(url, base.clone()).await;
        assert_eq!(plain.migrate().await.unwrap().len(), 3);
        let users = &base.users[0];
        let quote = |name: &str| match plain.dialect() {
            auth_runtime::adapter::sql::Dialect::MySql => format!("`{name}`"),
            _ => format!("\"{name}\""),
        };
        let alter = format!(
            "ALTER TABLE {} ADD COLUMN {} {app_made_role}",
            quote(users),
            quote("role")
        );
        let pool = sqlx::AnyPool::connect(url).await.unwrap();
        sqlx::query(sqlx::AssertSqlSafe(alter))
            .execute(&pool)
            .await
            .unwrap();
        plain.close().await;

        let adapter = connect(url, with_columns(base)).await;
        assert_eq!(adapter.migrate().await.unwrap(), ["user columns"]);
        assert!(adapter.migrate().await.unwrap().is_empty(), "idempotent");
        holds_the_members(&adapter).await;
        adapter.close().await;
        pool.close().await;
    }

    #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
    async fn on_sqlite() {
        sqlx::any::install_default_drivers();
        let db = FreshDb::sqlite();
        run(&db.url, Schema::embedded(), "TEXT").await;
    }

    #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
    async fn on_postgres_with_serial_ids() {
        sqlx::any::install_default_drivers();
        let db = FreshDb::postgres().await;
        run(&db.url, Schema::pg_adapter(), "VARCHAR(32)").await;
        db.drop_now().await;
    }

    #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
    async fn on_postgres_with_the_prisma_schema() {
        sqlx::any::install_default_drivers();
        let db = FreshDb::postgres().await;
        run(&db.url, Schema::prisma(), "TEXT").await;
        db.drop_now().await;
    }

    #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
    async fn on_mysql() {
        sqlx::any::install_default_drivers();
        let db = FreshDb::mysql().await;
        run(&db.url, Schema::embedded(), "VARCHAR(32)").await;
        db.drop_now().await;
    }

    #[tokio::test]
    async fn a_schema_that_cannot_hold_them_is_refused() {
        let cases = [
            (
                Schema::embedded().with_user_column(UserColumn::text("email")),
                "`email` is a member of every user already",
            ),
            (
                Schema::embedded()
                    .with_user_column(UserColumn::text("role"))
                    .with_user_column(UserColumn::integer("role").stored_in("role2")),
                "the user member `role` has two columns",
            ),
            (
                Schema::embedded()
                    .with_user_column(UserColumn::text("role"))
                    .with_user_column(UserColumn::text("tier").stored_in("role")),
                "the users column `role` is declared twice",
            ),
            (
                Schema::embedded().with_user_column(UserColumn::text("nick").stored_in("image")),
                "the users column `image` is declared twice",
            ),
            (
                Schema::embedded()
                    .with_user_column(UserColumn::new("x", ColumnKind::Text).stored_in("a b")),
                "`a b` is not a plain identifier",
            ),
        ];
        for (schema, message) in cases {
            let err = connect_err(schema).await;
            assert!(
                matches!(&err, AdapterError::Schema(m) if m.contains(message)),
                "{message}: {err:?}"
            );
        }
    }

    async fn connect_err(schema: Schema) -> AdapterError {
        SqlAdapter::connect_with(
            "sqlite::memory:",
            SqlOptions {
                schema: Some(schema),
                ..SqlOptions::default()
            },
        )
        .await
        .unwrap_err()
    }
}

/// A declared user column the table lacks (`migrate` not run since it was declared) fails the
/// read; SQLite does not read its name as a string.
#[tokio::test]
async fn a_missing_user_column_fails_the_read_on_sqlite() {
    use auth_runtime::adapter::sql::UserColumn;
    let db = FreshDb::sqlite();
    let plain = SqlAdapter::connect(&db.url).await.unwrap();
    plain.migrate().await.unwrap();
    let user = new_user(&plain, "missing-column@example.com").await;
    plain.close().await;
    let adapter = SqlAdapter::connect_with(
        &db.url,
        SqlOptions {
            schema: Some(Schema::embedded().with_user_column(UserColumn::text("role"))),
            ..SqlOptions::default()
        },
    )
    .await
    .unwrap();
    let err = adapter
        .get_user(user.id.as_deref().unwrap())
        .await
        .unwrap_err();
    assert!(matches!(err, AdapterError::Database(_)), "{err:?}");
    assert_eq!(adapter.migrate().await.unwrap(), ["user columns"]);
    let read = adapter.get_user(user.id.as_deref().unwrap()).await.unwrap();
    assert_eq!(read.unwrap().extra.get("role"), None);
}
