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

use auth_runtime::adapter::{
    Adapter, AdapterError, AdapterResult, AdapterSession, Authenticator, AuthenticatorAdapter,
    MemoryAdapter, SessionAdapter, VerificationToken, VerificationTokenAdapter,
};
use auth_runtime::callbacks::BoxFuture;
use auth_runtime::config::{AuthConfig, SessionStrategy};
use auth_runtime::error::{Endpoint, ErrorType, Reason};
use auth_runtime::http_client::{
    HttpClient, HttpError, HttpRequest, HttpResponse, ReqwestHttpClient,
};
use auth_runtime::rate_limit::{ClientAddress, Limit, RateLimits, RedisStore};
use auth_runtime::types::{Account, User};
use time::OffsetDateTime;
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

/// The memory adapter behind a switch: while `down`, every call fails as a lost database
/// connection does.
struct Switchable {
    inner: MemoryAdapter,
    down: AtomicBool,
}

impl Switchable {
    fn check(&self) -> AdapterResult<()> {
        if self.down.load(Ordering::SeqCst) {
            Err(AdapterError::Unavailable(
                "connection to the database lost".into(),
            ))
        } else {
            Ok(())
        }
    }
}

macro_rules! forward {
    ($($name:ident($($arg:ident: $ty:ty),*) -> $out:ty;)*) => {
        $(fn $name(&self, $($arg: $ty),*) -> BoxFuture<'_, AdapterResult<$out>> {
            if let Err(err) = self.check() {
                return Box::pin(async move { Err(err) });
            }
            self.inner.$name($($arg),*)
        })*
    };
}

impl Adapter for Switchable {
    forward! {
        create_user(user: User) -> User;
        get_user(id: &str) -> Option<User>;
        get_user_by_email(email: &str) -> Option<User>;
        get_user_by_account(provider: &str, provider_account_id: &str) -> Option<User>;
        delete_user(id: &str) -> ();
        update_user(user: User) -> User;
        link_account(account: Account) -> ();
        unlink_account(provider: &str, provider_account_id: &str) -> ();
        get_account(provider_account_id: &str, provider: &str) -> Option<Account>;
        get_accounts_by_user(user_id: &str) -> Vec<Account>;
        update_account(account: Account) -> ();
        create_user_with_account(user: User, account: Account) -> User;
    }
}

impl SessionAdapter for Switchable {
    forward! {
        create_session(session: AdapterSession) -> AdapterSession;
        get_session_and_user(session_token: &str) -> Option<(AdapterSession, User)>;
        update_session(session_token: &str, expires: OffsetDateTime) -> Option<AdapterSession>;
        delete_session(session_token: &str) -> ();
    }
}

impl VerificationTokenAdapter for Switchable {
    forward! {
        create_verification_token(token: VerificationToken) -> ();
        use_verification_token(identifier: &str, token: &str) -> Option<VerificationToken>;
    }
}

impl AuthenticatorAdapter for Switchable {
    forward! {
        create_authenticator(authenticator: Authenticator) -> Authenticator;
        get_authenticator(credential_id: &str) -> Option<Authenticator>;
        list_authenticators_by_user_id(user_id: &str) -> Vec<Authenticator>;
        update_authenticator_counter(credential_id: &str, counter: u32) -> Authenticator;
    }
}

#[tokio::test]
async fn a_database_that_goes_away_signs_nobody_out_and_leaves_nothing_half_written() {
    let idp = MockIdp::new();
    let database = Arc::new(Switchable {
        inner: MemoryAdapter::new(),
        down: AtomicBool::new(false),
    });
    let config = AuthConfig::new()
        .secret("faults-secret")
        .trust_host(true)
        .provider(idp.provider("mock"))
        .adapter(database.clone())
        .session_strategy(SessionStrategy::Database);
    let mut b = Browser::new(config, ORIGIN);
    assert_eq!(sign_in(&mut b, &idp).await, "http://app.test/after");
    assert_eq!(b.session().await["user"]["name"], "User alice");

    database.down.store(true, Ordering::SeqCst);
    // Reads: signed out for now, the error logged, the cookie kept for when it is back.
    let cookie = b.jar["authjs.session-token"].clone();
    assert_eq!(b.session().await, serde_json::Value::Null);
    assert_eq!(b.jar.get("authjs.session-token"), Some(&cookie));
    assert_eq!(b.log.take()[0].error_type, ErrorType::SessionTokenError);
    // A new user's sign-in fails cleanly.
    idp.sign_in_as("bob");
    let mut newcomer = Browser {
        handler: b.handler.clone(),
        origin: ORIGIN.into(),
        jar: Default::default(),
        headers: Vec::new(),
        log: b.log.clone(),
    };
    assert_eq!(
        sign_in(&mut newcomer, &idp).await,
        "http://app.test/auth/error?error=Configuration"
    );
    assert!(!newcomer.jar.contains_key("authjs.session-token"));

    database.down.store(false, Ordering::SeqCst);
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

/// A TCP proxy in front of the real Redis on 127.0.0.1:6379, which can be cut and restored.
struct RedisProxy {
    address: SocketAddr,
    open: Arc<AtomicBool>,
    connections: Arc<std::sync::Mutex<Vec<tokio::task::JoinHandle<()>>>>,
}

impl RedisProxy {
    async fn start() -> Self {
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
                    let Ok(mut redis) = TcpStream::connect("127.0.0.1:6379").await else {
                        return;
                    };
                    let _ = tokio::io::copy_bidirectional(&mut client, &mut redis).await;
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

    /// Redis goes away: open connections are cut and new ones are closed at once.
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
    let proxy = RedisProxy::start().await;
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
