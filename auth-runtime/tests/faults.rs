//! Faults while the app serves: the identity provider slow, down or answering garbage over real
//! loopback HTTP (through the default reqwest client and its timeout), the database gone, and
//! Redis gone mid-run behind a proxy that is cut and restored. Each is a clear error; the app
//! keeps serving other requests and recovers when the dependency does.

#![allow(clippy::unwrap_used, clippy::expect_used)]

mod common;

use std::net::SocketAddr;
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, AtomicU8, Ordering};
use std::time::Duration;

use common::browser::Browser;
use common::idp::MockIdp;

use auth_runtime::adapter::FullAdapter;
use auth_runtime::adapter::redis::RedisAdapter;
use auth_runtime::adapter::sql::{SqlAdapter, SqlOptions};
use auth_runtime::callbacks::BoxFuture;
use auth_runtime::config::{AuthConfig, SessionStrategy};
use auth_runtime::error::{Endpoint, ErrorType, Reason};
use auth_runtime::http_client::{
    HttpClient, HttpError, HttpRequest, HttpResponse, ReqwestHttpClient,
};
use auth_runtime::rate_limit::{ClientAddress, Limit, RateLimits, RedisStore};
use auth_runtime::types::User;
use common::databases::FreshDb;
use tokio::net::{TcpListener, TcpStream};

const ORIGIN: &str = "http://app.test";
const CONFIGURATION: &str = "http://app.test/auth/error?error=Configuration";

const NORMAL: u8 = 0;
const SLOW: u8 = 1;
const GARBAGE: u8 = 2;

/// The mock provider served over loopback HTTP, in a mode that can change, and stopped and
/// started again on the same port.
struct ProviderServer {
    address: SocketAddr,
    mode: Arc<AtomicU8>,
    idp: MockIdp,
    task: Option<tokio::task::JoinHandle<()>>,
}

impl ProviderServer {
    async fn start(idp: MockIdp) -> Self {
        let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
        let address = listener.local_addr().unwrap();
        let mut server = Self {
            address,
            mode: Arc::new(AtomicU8::new(NORMAL)),
            idp,
            task: None,
        };
        server.serve(listener);
        server
    }

    fn serve(&mut self, listener: TcpListener) {
        let (mode, idp) = (self.mode.clone(), self.idp.clone());
        let app = axum::Router::new().fallback(move |request: axum::extract::Request| {
            let (mode, idp) = (mode.clone(), idp.clone());
            async move {
                let (parts, body) = request.into_parts();
                let body = axum::body::to_bytes(body, 1 << 20).await.unwrap().to_vec();
                match mode.load(Ordering::SeqCst) {
                    GARBAGE => {
                        return http::Response::builder()
                            .status(200)
                            .header("content-type", "application/json")
                            .body(axum::body::Body::from("<html>\u{0}garbage{{{"))
                            .unwrap();
                    }
                    SLOW => tokio::time::sleep(Duration::from_secs(3)).await,
                    _ => {}
                }
                let uri = format!("{}{}", idp.issuer(), parts.uri.path_and_query().unwrap());
                let mut forwarded = http::Request::builder().method(parts.method).uri(uri);
                for (name, value) in &parts.headers {
                    forwarded = forwarded.header(name, value);
                }
                let answer = idp.send(forwarded.body(body).unwrap()).await.unwrap();
                answer.map(axum::body::Body::from)
            }
        });
        self.task = Some(tokio::spawn(async move {
            axum::serve(listener, app).await.unwrap();
        }));
    }

    /// The provider goes away: its port refuses connections.
    async fn stop(&mut self) {
        if let Some(task) = self.task.take() {
            task.abort();
            let _ = task.await;
        }
    }

    /// The provider comes back on the same port.
    async fn restart(&mut self) {
        let listener = TcpListener::bind(self.address).await.unwrap();
        self.serve(listener);
    }

    fn set(&self, mode: u8) {
        self.mode.store(mode, Ordering::SeqCst);
    }
}

/// The default reqwest client with a 1 s timeout, sending the provider's URLs to the loopback
/// server.
struct ToLoopback {
    inner: ReqwestHttpClient,
    issuer: String,
    address: SocketAddr,
}

impl HttpClient for ToLoopback {
    fn send(&self, request: HttpRequest) -> BoxFuture<'_, Result<HttpResponse, HttpError>> {
        let (mut parts, body) = request.into_parts();
        let uri =
            parts
                .uri
                .to_string()
                .replacen(&self.issuer, &format!("http://{}", self.address), 1);
        parts.uri = uri.parse().unwrap();
        self.inner.send(HttpRequest::from_parts(parts, body))
    }
}

fn provider_config(server: &ProviderServer) -> AuthConfig {
    let mut provider = server.idp.provider("mock");
    provider.http_client = Some(Arc::new(ToLoopback {
        inner: ReqwestHttpClient::with_timeout(Duration::from_secs(1)),
        issuer: server.idp.issuer().to_owned(),
        address: server.address,
    }));
    AuthConfig::new()
        .secret("faults-secret")
        .trust_host(true)
        .provider(provider)
}

/// One whole sign-in; where it ends.
async fn sign_in(b: &mut Browser, idp: &MockIdp) -> String {
    let start = b.start_sign_in("mock").await;
    if start.status != 302 || !start.location().starts_with(idp.issuer()) {
        return start.location();
    }
    let back = idp.authorize(&start.location());
    b.get(&back).await.location()
}

#[tokio::test]
async fn a_slow_down_or_garbage_provider_is_a_clear_error_and_sign_in_recovers() {
    let idp = MockIdp::new();
    let mut server = ProviderServer::start(idp.clone()).await;
    let mut b = Browser::new(provider_config(&server), ORIGIN);
    assert_eq!(sign_in(&mut b, &idp).await, "http://app.test/after");
    let signed_in = b.jar.clone();

    // Slow: the token request times out after 1 s; meanwhile the app answers others at once.
    server.set(SLOW);
    let mut slow = Browser::new(provider_config(&server), ORIGIN);
    slow.handler = b.handler.clone();
    let start = slow.start_sign_in("mock").await;
    let back = idp.authorize(&start.location());
    let pending = tokio::spawn(async move {
        let reply = slow.get(&back).await;
        (reply.location(), slow.log.reasons())
    });
    let mut reader = Browser::new(provider_config(&server), ORIGIN);
    reader.handler = b.handler.clone();
    reader.jar = signed_in.clone();
    assert_eq!(reader.session().await["user"]["name"], "User alice");
    assert!(
        !pending.is_finished(),
        "the session read did not wait for the provider"
    );
    let (location, _) = pending.await.unwrap();
    assert_eq!(location, CONFIGURATION);
    let logged = b.log.take();
    assert!(
        logged
            .iter()
            .any(|l| l.reason == Some(Reason::EndpointUnreachable(Endpoint::Token))),
        "{logged:?}"
    );

    // Garbage: named as an invalid answer.
    server.set(GARBAGE);
    assert_eq!(sign_in(&mut b, &idp).await, CONFIGURATION);
    assert_eq!(
        b.log.reasons(),
        [Reason::EndpointResponseInvalid(Endpoint::Token)]
    );

    // Down: connection refused.
    server.set(NORMAL);
    server.stop().await;
    assert_eq!(sign_in(&mut b, &idp).await, CONFIGURATION);
    assert_eq!(
        b.log.reasons(),
        [Reason::EndpointUnreachable(Endpoint::Token)]
    );

    // Back: sign-in works again, with nothing to restart in the app.
    server.restart().await;
    assert_eq!(sign_in(&mut b, &idp).await, "http://app.test/after");
    assert!(b.log.take().is_empty());
}

/// Sign-in and sessions on a real database that goes away and comes back, behind a proxy: reads
/// sign nobody out for good, a sign-in fails with the Configuration page, nothing is
/// half-written, and everything works again without a restart.
async fn sql_goes_away_and_comes_back(server: &'static str, db: FreshDb) {
    let proxy = TcpProxy::start(server).await;
    let through_proxy = db.url.replacen(server, &proxy.address.to_string(), 1);
    assert_ne!(through_proxy, db.url);
    let database = Arc::new(
        SqlAdapter::connect_with(
            &through_proxy,
            SqlOptions {
                // A call waits this long for a connection while the database is away.
                acquire_timeout: Duration::from_secs(1),
                ..SqlOptions::default()
            },
        )
        .await
        .unwrap(),
    );
    database.migrate().await.unwrap();
    database_goes_away_and_comes_back(&proxy, database.clone()).await;
    database.close().await;
    db.drop_now().await;
}

async fn database_goes_away_and_comes_back<A: FullAdapter + 'static>(
    proxy: &TcpProxy,
    database: Arc<A>,
) {
    let idp = MockIdp::new();
    let config = AuthConfig::new()
        .secret("faults-secret")
        .trust_host(true)
        .provider(idp.provider("mock"))
        .adapter(database.clone())
        .session_strategy(SessionStrategy::Database);
    let mut b = Browser::new(config, ORIGIN);
    assert_eq!(sign_in(&mut b, &idp).await, "http://app.test/after");
    assert_eq!(b.session().await["user"]["name"], "User alice");

    proxy.cut();
    // Reads: signed out for now, the error logged, the cookie kept for when it is back.
    let cookie = b.jar["authjs.session-token"].clone();
    assert_eq!(b.session().await, serde_json::Value::Null);
    assert_eq!(b.jar.get("authjs.session-token"), Some(&cookie));
    let logged = b.log.take();
    assert_eq!(logged[0].error_type, ErrorType::SessionTokenError);
    assert!(
        logged[0].message.contains("unavailable"),
        "{}",
        logged[0].message
    );
    // A new user's sign-in fails cleanly.
    idp.sign_in_as("bob");
    let mut newcomer = b.another();
    assert_eq!(
        sign_in(&mut newcomer, &idp).await,
        "http://app.test/auth/error?error=Configuration"
    );
    assert!(!newcomer.jar.contains_key("authjs.session-token"));
    assert!(
        b.log
            .take()
            .iter()
            .any(|e| e.error_type == ErrorType::AdapterError),
        "the failed sign-in is an AdapterError"
    );

    proxy.restore();
    // Back: the kept cookie works again, and bob signs in once, with one user and one account.
    assert_eq!(b.session().await["user"]["name"], "User alice");
    assert_eq!(sign_in(&mut newcomer, &idp).await, "http://app.test/after");
    assert_eq!(newcomer.session().await["user"]["name"], "User bob");
    let bob = database
        .get_user_by_account("mock", "bob")
        .await
        .unwrap()
        .expect("bob exists");
    assert_eq!(
        database
            .get_accounts_by_user(bob.id.as_deref().unwrap())
            .await
            .unwrap()
            .len(),
        1
    );
    assert!(
        database
            .get_user_by_email("bob@example.com")
            .await
            .unwrap()
            .is_some_and(|u| u.id == bob.id),
        "no second, half-made bob"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn postgres_that_goes_away_signs_nobody_out_and_leaves_nothing_half_written() {
    sql_goes_away_and_comes_back("127.0.0.1:5432", FreshDb::postgres().await).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn mariadb_that_goes_away_signs_nobody_out_and_leaves_nothing_half_written() {
    sql_goes_away_and_comes_back("127.0.0.1:3306", FreshDb::mysql().await).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn redis_adapter_that_goes_away_signs_nobody_out_and_leaves_nothing_half_written() {
    let proxy = TcpProxy::start("127.0.0.1:6379").await;
    let prefix = format!("auth-test-{}:", uuid::Uuid::new_v4().simple());
    let database = Arc::new(
        RedisAdapter::with_prefix(&format!("redis://{}", proxy.address), &prefix).unwrap(),
    );
    database_goes_away_and_comes_back(&proxy, database).await;
}

/// A TCP proxy in front of a real server on loopback (Redis, PostgreSQL, MariaDB), which can be
/// cut and restored: the server going away and coming back, as the app sees it.
struct TcpProxy {
    address: SocketAddr,
    open: Arc<AtomicBool>,
    connections: Arc<std::sync::Mutex<Vec<tokio::task::JoinHandle<()>>>>,
}

impl TcpProxy {
    async fn start(target: &'static str) -> Self {
        let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
        let address = listener.local_addr().unwrap();
        let open = Arc::new(AtomicBool::new(true));
        let connections: Arc<std::sync::Mutex<Vec<tokio::task::JoinHandle<()>>>> = Arc::default();
        let (gate, tasks) = (open.clone(), connections.clone());
        tokio::spawn(async move {
            loop {
                let Ok((mut client, _)) = listener.accept().await else {
                    return;
                };
                if !gate.load(Ordering::SeqCst) {
                    drop(client);
                    continue;
                }
                let task = tokio::spawn(async move {
                    let Ok(mut server) = TcpStream::connect(target).await else {
                        return;
                    };
                    let _ = tokio::io::copy_bidirectional(&mut client, &mut server).await;
                });
                tasks.lock().unwrap().push(task);
            }
        });
        Self {
            address,
            open,
            connections,
        }
    }

    /// The server goes away: open connections are cut and new ones are closed at once.
    fn cut(&self) {
        self.open.store(false, Ordering::SeqCst);
        for task in self.connections.lock().unwrap().drain(..) {
            task.abort();
        }
    }

    fn restore(&self) {
        self.open.store(true, Ordering::SeqCst);
    }
}

/// One credentials sign-in; its status.
async fn attempt(b: &mut Browser) -> u16 {
    let token = b.csrf().await;
    b.post("/auth/callback/credentials", &[("csrfToken", &token)])
        .await
        .status
}

#[tokio::test]
async fn redis_gone_mid_run_lets_sign_in_through_and_limits_resume_when_it_is_back() {
    // Redis must be there to begin with: the test needs the real one.
    TcpStream::connect("127.0.0.1:6379")
        .await
        .expect("Redis on 127.0.0.1:6379 (the rate-limit tests need it)");
    let proxy = TcpProxy::start("127.0.0.1:6379").await;
    let store = Arc::new(RedisStore::new(&format!("redis://{}", proxy.address)).unwrap());
    let limits = RateLimits::default()
        .client_address(ClientAddress::XForwardedFor { trusted_hops: 1 })
        .credentials(Limit::new(3, Duration::from_secs(60)))
        .store(store);
    let config = AuthConfig::new()
        .secret("faults-secret")
        .trust_host(true)
        .provider(
            auth_runtime::providers::CredentialsProvider::new()
                .authorize(|_, _| async { Ok(Some(User::new("1").name("One"))) }),
        )
        .rate_limit(limits);
    let nanos = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .unwrap()
        .subsec_nanos();
    let client = |b: &mut Browser, last: u32| {
        b.headers = vec![(
            "x-forwarded-for".into(),
            format!("2001:db8:{:x}:{last:x}::1", nanos >> 16),
        )];
    };
    let mut b = Browser::new(config, ORIGIN);
    client(&mut b, 1);
    for _ in 0..3 {
        assert_eq!(attempt(&mut b).await, 302);
    }
    assert_eq!(attempt(&mut b).await, 429, "counted in Redis");

    proxy.cut();
    client(&mut b, 2);
    for _ in 0..5 {
        assert_eq!(attempt(&mut b).await, 302, "Redis is gone: sign-in passes");
    }
    assert!(
        b.log
            .warnings()
            .contains(&"rate-limit-store-unavailable".to_owned())
    );

    proxy.restore();
    client(&mut b, 3);
    let mut statuses = Vec::new();
    for _ in 0..8 {
        statuses.push(attempt(&mut b).await);
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    assert!(
        statuses.ends_with(&[429, 429]),
        "the limits count again once Redis is back: {statuses:?}"
    );
}
