//! Database sessions (spec §5) through the engine on real databases: several app instances on one
//! database, `update_age`, expiry and deletion, sign-out, a custom session token, and JWT
//! sessions that still store users and accounts.

#![allow(clippy::unwrap_used, clippy::expect_used)]

mod common;

use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};

use auth_runtime::adapter::redis::RedisAdapter;
use auth_runtime::adapter::sql::SqlAdapter;
use auth_runtime::adapter::{
    Adapter, AdapterResult, AdapterSession, Authenticator, AuthenticatorAdapter, FullAdapter,
    SessionAdapter, VerificationToken, VerificationTokenAdapter,
};
use auth_runtime::callbacks::BoxFuture;
use auth_runtime::callbacks::{Events, SignOutMessage};
use auth_runtime::config::{AuthConfig, SessionStrategy};
use auth_runtime::types::{Account, User};
use common::browser::Browser;
use common::databases::FreshDb;
use common::idp::MockIdp;
use time::{Duration, OffsetDateTime};

const ORIGIN: &str = "http://app.test";
const SESSION: &str = "authjs.session-token";

async fn adapter(url: &str) -> Arc<SqlAdapter> {
    let adapter = SqlAdapter::connect(url).await.unwrap();
    adapter.migrate().await.unwrap();
    Arc::new(adapter)
}

fn config<A: FullAdapter + 'static>(idp: &MockIdp, adapter: Arc<A>) -> AuthConfig {
    AuthConfig::new()
        .secret("database-sessions-secret")
        .trust_host(true)
        .provider(idp.provider("mock"))
        .adapter(adapter)
        .session_strategy(SessionStrategy::Database)
}

async fn sign_in(b: &mut Browser, idp: &MockIdp) {
    let start = b.start_sign_in("mock").await;
    let back = idp.authorize(&start.location());
    assert_eq!(b.get(&back).await.location(), "http://app.test/after");
}

async fn stored(adapter: &impl SessionAdapter, token: &str) -> Option<AdapterSession> {
    adapter
        .get_session_and_user(token)
        .await
        .unwrap()
        .map(|(session, _)| session)
}

/// Instance A signs in; B reads the session, moves its expiry (`update_age` 0) and signs out;
/// then A sees no session.
async fn instances_share_sessions<A: FullAdapter + 'static>(one: Arc<A>, two: Arc<A>) {
    let idp = MockIdp::new();
    let mut a = Browser::new(config(&idp, one.clone()), ORIGIN);
    let mut updating = config(&idp, two.clone());
    updating.session.update_age = 0;
    let mut b = Browser::new(updating, ORIGIN);

    sign_in(&mut a, &idp).await;
    let token = a.jar[SESSION].clone();
    let created = stored(one.as_ref(), &token).await.expect("the row");
    b.jar = a.jar.clone();
    assert_eq!(b.session().await["user"]["name"], "User alice");
    let moved = stored(one.as_ref(), &token).await.unwrap();
    assert!(
        moved.expires >= created.expires,
        "B's write is what A reads"
    );
    assert_eq!(a.session().await["user"]["name"], "User alice");

    let csrf = b.csrf().await;
    b.post("/auth/signout", &[("csrfToken", &csrf)]).await;
    assert!(!b.jar.contains_key(SESSION));
    assert_eq!(
        stored(one.as_ref(), &token).await,
        None,
        "sign-out deletes the row"
    );
    assert_eq!(a.session().await, serde_json::Value::Null);
}

async fn sql_instances_share_sessions(url: &str) {
    let (one, two) = (adapter(url).await, adapter(url).await);
    instances_share_sessions(one.clone(), two.clone()).await;
    one.close().await;
    two.close().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn two_instances_on_one_sqlite_file_share_sessions() {
    let db = FreshDb::sqlite();
    sql_instances_share_sessions(&db.url).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn two_instances_on_one_postgres_database_share_sessions() {
    let db = FreshDb::postgres().await;
    sql_instances_share_sessions(&db.url).await;
    db.drop_now().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn two_instances_on_one_mariadb_database_share_sessions() {
    let db = FreshDb::mysql().await;
    sql_instances_share_sessions(&db.url).await;
    db.drop_now().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn two_instances_on_one_redis_share_sessions() {
    let prefix = format!("auth-test-{}:", uuid::Uuid::new_v4().simple());
    let redis = |prefix: &str| {
        Arc::new(RedisAdapter::with_prefix("redis://127.0.0.1:6379", prefix).unwrap())
    };
    instances_share_sessions(redis(&prefix), redis(&prefix)).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_row_is_written_at_most_once_per_update_age_and_expired_rows_are_deleted() {
    let db = FreshDb::postgres().await;
    let store = adapter(&db.url).await;
    let idp = MockIdp::new();
    let mut b = Browser::new(config(&idp, store.clone()), ORIGIN);
    sign_in(&mut b, &idp).await;
    let token = b.jar[SESSION].clone();
    let first = stored(store.as_ref(), &token).await.unwrap();
    // Default update_age (a day): reads do not write.
    for _ in 0..3 {
        assert_eq!(b.session().await["user"]["name"], "User alice");
    }
    assert_eq!(
        stored(store.as_ref(), &token).await.unwrap().expires,
        first.expires
    );

    // A row last written more than update_age ago is written again, once.
    let old = OffsetDateTime::now_utc() + Duration::days(28);
    store.update_session(&token, old).await.unwrap();
    b.session().await;
    let renewed = stored(store.as_ref(), &token).await.unwrap().expires;
    assert!(renewed > old + Duration::days(1), "{renewed} after {old}");
    b.session().await;
    assert_eq!(
        stored(store.as_ref(), &token).await.unwrap().expires,
        renewed
    );

    // Expired: the read deletes the row and clears the cookie.
    store
        .update_session(&token, OffsetDateTime::now_utc() - Duration::seconds(1))
        .await
        .unwrap();
    assert_eq!(b.session().await, serde_json::Value::Null);
    assert!(!b.jar.contains_key(SESSION));
    assert_eq!(stored(store.as_ref(), &token).await, None);
    store.close().await;
    db.drop_now().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_custom_session_token_and_the_sign_out_event() {
    let db = FreshDb::sqlite();
    let store = adapter(&db.url).await;
    let idp = MockIdp::new();
    let signed_out = Arc::new(AtomicUsize::new(0));
    let seen = signed_out.clone();
    let mut config =
        config(&idp, store.clone()).events(Events::default().sign_out(move |message| {
            let seen = seen.clone();
            async move {
                if let SignOutMessage::Session(Some(token)) = message {
                    assert!(token.starts_with("custom-"));
                    seen.fetch_add(1, Ordering::SeqCst);
                }
                Ok(())
            }
        }));
    let counter = Arc::new(AtomicUsize::new(0));
    config.session.generate_session_token = Some(Arc::new(move || {
        format!("custom-{}", counter.fetch_add(1, Ordering::SeqCst))
    }));
    let mut b = Browser::new(config, ORIGIN);
    sign_in(&mut b, &idp).await;
    assert_eq!(b.jar[SESSION], "custom-0");
    assert!(stored(store.as_ref(), "custom-0").await.is_some());
    let csrf = b.csrf().await;
    b.post("/auth/signout", &[("csrfToken", &csrf)]).await;
    assert_eq!(signed_out.load(Ordering::SeqCst), 1);
    assert_eq!(stored(store.as_ref(), "custom-0").await, None);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn jwt_sessions_with_an_adapter_still_store_users_and_accounts() {
    let db = FreshDb::sqlite();
    let store = adapter(&db.url).await;
    let idp = MockIdp::new();
    let mut b = Browser::new(
        config(&idp, store.clone()).session_strategy(SessionStrategy::Jwt),
        ORIGIN,
    );
    sign_in(&mut b, &idp).await;
    let token = b.jar[SESSION].clone();
    assert_eq!(token.split('.').count(), 5, "a JWE, not a session id");
    let user = store
        .get_user_by_account("mock", "alice")
        .await
        .unwrap()
        .expect("the user is stored");
    let claims = auth_runtime::jose::JwtCodec::new(["database-sessions-secret"])
        .unwrap()
        .decode(&token, SESSION)
        .unwrap();
    assert_eq!(
        claims["sub"].as_str(),
        user.id.as_deref(),
        "sub is the stored id"
    );
    assert_eq!(stored(store.as_ref(), &token).await, None, "no session row");
}

/// Two first sign-ins with one provider account at the same moment, through the engine: both
/// succeed, as one user with one account.
async fn racing_first_sign_ins<A: FullAdapter + 'static>(store: Arc<A>) {
    let idp = MockIdp::new();
    let mut a = Browser::new(config(&idp, store.clone()), ORIGIN);
    let mut b = a.another();
    let (start_a, start_b) = (a.start_sign_in("mock").await, b.start_sign_in("mock").await);
    let (back_a, back_b) = (
        idp.authorize(&start_a.location()),
        idp.authorize(&start_b.location()),
    );
    let (done_a, done_b) = tokio::join!(a.get(&back_a), b.get(&back_b));
    assert_eq!(
        done_a.location(),
        "http://app.test/after",
        "{:?}",
        a.log.take()
    );
    assert_eq!(
        done_b.location(),
        "http://app.test/after",
        "{:?}",
        b.log.take()
    );
    let user = store
        .get_user_by_account("mock", "alice")
        .await
        .unwrap()
        .expect("alice");
    let id = user.id.clone().unwrap();
    assert_eq!(store.get_accounts_by_user(&id).await.unwrap().len(), 1);
    assert_eq!(
        store.get_user_by_email("alice@example.com").await.unwrap(),
        Some(user)
    );
    let (_, first) = store
        .get_session_and_user(&a.jar[SESSION])
        .await
        .unwrap()
        .unwrap();
    let (_, second) = store
        .get_session_and_user(&b.jar[SESSION])
        .await
        .unwrap()
        .unwrap();
    assert_eq!(first.id, second.id, "both signed in as the one user");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn racing_first_sign_ins_make_one_user_on_postgres() {
    let db = FreshDb::postgres().await;
    let store = adapter(&db.url).await;
    racing_first_sign_ins(store.clone()).await;
    store.close().await;
    db.drop_now().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn racing_first_sign_ins_make_one_user_on_mariadb() {
    let db = FreshDb::mysql().await;
    let store = adapter(&db.url).await;
    racing_first_sign_ins(store.clone()).await;
    store.close().await;
    db.drop_now().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn racing_first_sign_ins_make_one_user_on_redis() {
    let prefix = format!("auth-test-{}:", uuid::Uuid::new_v4().simple());
    let store = Arc::new(RedisAdapter::with_prefix("redis://127.0.0.1:6379", &prefix).unwrap());
    racing_first_sign_ins(store).await;
}

/// The memory adapter, except that the first `hidden` lookups of an account miss it: what a
/// sign-in sees when another first sign-in with the same account commits in between.
struct LateLink {
    inner: auth_runtime::adapter::MemoryAdapter,
    hidden: AtomicUsize,
}

macro_rules! forward {
    ($($name:ident($($arg:ident: $ty:ty),*) -> $out:ty;)*) => {
        $(fn $name(&self, $($arg: $ty),*) -> BoxFuture<'_, AdapterResult<$out>> {
            self.inner.$name($($arg),*)
        })*
    };
}

impl Adapter for LateLink {
    forward! {
        create_user(user: User) -> User;
        get_user(id: &str) -> Option<User>;
        get_user_by_email(email: &str) -> Option<User>;
        delete_user(id: &str) -> ();
        update_user(user: User) -> User;
        link_account(account: Account) -> ();
        unlink_account(provider: &str, provider_account_id: &str) -> ();
        get_account(provider_account_id: &str, provider: &str) -> Option<Account>;
        get_accounts_by_user(user_id: &str) -> Vec<Account>;
        update_account(account: Account) -> ();
        create_user_with_account(user: User, account: Account) -> User;
    }

    fn get_user_by_account(
        &self,
        provider: &str,
        provider_account_id: &str,
    ) -> BoxFuture<'_, AdapterResult<Option<User>>> {
        let hide = self
            .hidden
            .fetch_update(Ordering::SeqCst, Ordering::SeqCst, |n| n.checked_sub(1))
            .is_ok();
        if hide {
            return Box::pin(std::future::ready(Ok(None)));
        }
        self.inner
            .get_user_by_account(provider, provider_account_id)
    }
}

impl SessionAdapter for LateLink {
    forward! {
        create_session(session: AdapterSession) -> AdapterSession;
        get_session_and_user(session_token: &str) -> Option<(AdapterSession, User)>;
        update_session(session_token: &str, expires: OffsetDateTime) -> Option<AdapterSession>;
        delete_session(session_token: &str) -> ();
    }
}

impl VerificationTokenAdapter for LateLink {
    forward! {
        create_verification_token(token: VerificationToken) -> ();
        use_verification_token(identifier: &str, token: &str) -> Option<VerificationToken>;
    }
}

impl AuthenticatorAdapter for LateLink {
    forward! {
        create_authenticator(authenticator: Authenticator) -> Authenticator;
        get_authenticator(credential_id: &str) -> Option<Authenticator>;
        list_authenticators_by_user_id(user_id: &str) -> Vec<Authenticator>;
        update_authenticator_counter(credential_id: &str, counter: u32) -> Authenticator;
    }
}

#[tokio::test]
async fn the_loser_of_a_first_sign_in_race_reads_the_link_again_before_refusing() {
    let store = Arc::new(LateLink {
        inner: auth_runtime::adapter::MemoryAdapter::new(),
        hidden: AtomicUsize::new(0),
    });
    // The winner's work: alice's user and her linked account.
    let alice = store
        .create_user_with_account(
            User::default().email("alice@example.com"),
            Account {
                provider: "mock".into(),
                kind: "oidc".into(),
                provider_account_id: "alice".into(),
                ..Account::default()
            },
        )
        .await
        .unwrap();
    // The loser looked the account up twice before the winner committed.
    store.hidden.store(2, Ordering::SeqCst);
    let idp = MockIdp::new();
    let mut b = Browser::new(config(&idp, store.clone()), ORIGIN);
    sign_in(&mut b, &idp).await;
    let (_, user) = store
        .get_session_and_user(&b.jar[SESSION])
        .await
        .unwrap()
        .unwrap();
    assert_eq!(user.id, alice.id);
}
