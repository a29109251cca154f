//! OAuth 2 / OIDC sign-in end to end: a real OpenID Provider (`oidc-provider` from npm) on
//! loopback, a misbehaving provider for the negative cases, and a GitHub-shaped OAuth 2 server.
//! Requests go through the engine over real HTTP with a hand-kept cookie jar.

#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::collections::BTreeMap;
use std::sync::Arc;
use std::time::Duration;

use auth_runtime::adapter::{Adapter, AdapterError, Adapters, MemoryAdapter, SessionAdapter};
use auth_runtime::callbacks::{BoxFuture, Callbacks};
use auth_runtime::config::AuthConfig;
use auth_runtime::engine::AuthHandler;
use auth_runtime::http_client::{
    HttpClient, HttpError, HttpRequest, HttpResponse, ReqwestHttpClient,
};
use auth_runtime::providers::{Checks, OAuthProvider, ProviderKind};
use auth_runtime::types::User;
use serde_json::Value;

const SECRET: &str = "oauth-test-secret";

use auth_tests::NodePeer as Peer;

/// The app under test: an axum server with the engine on a loopback port.
struct App {
    origin: String,
    task: tokio::task::JoinHandle<()>,
}

impl Drop for App {
    fn drop(&mut self) {
        self.task.abort();
    }
}

async fn bind() -> (tokio::net::TcpListener, String) {
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let origin = format!("http://{}", listener.local_addr().unwrap());
    (listener, origin)
}

fn serve(listener: tokio::net::TcpListener, origin: String, config: AuthConfig) -> App {
    let handler = AuthHandler::new(config).expect("valid configuration");
    let app: axum::Router = axum::Router::new().merge(auth_runtime::axum::router(&handler));
    let task = tokio::spawn(async move {
        axum::serve(listener, app).await.unwrap();
    });
    App { origin, task }
}

fn base_config() -> AuthConfig {
    AuthConfig::new().secret(SECRET).trust_host(true)
}

/// A cookie jar by name for the app under test. Cookies of other servers (the providers, a second
/// deployment) are kept apart by origin, as if each ran on its own host.
#[derive(Default, Debug, Clone)]
struct Jar(BTreeMap<String, String>);

impl Jar {
    fn absorb(&mut self, res: &reqwest::Response) {
        for v in res.headers().get_all("set-cookie") {
            let line = v.to_str().unwrap();
            let pair = line.split(';').next().unwrap();
            let (name, value) = pair.split_once('=').unwrap();
            if line.contains("Max-Age=0") || value.is_empty() {
                self.0.remove(name);
            } else {
                self.0.insert(name.to_owned(), value.to_owned());
            }
        }
    }

    fn header(&self) -> String {
        self.0
            .iter()
            .map(|(k, v)| format!("{k}={v}"))
            .collect::<Vec<_>>()
            .join("; ")
    }
}

struct Browser {
    client: reqwest::Client,
    /// The jar of the first app origin the browser talked to (what the tests inspect).
    jar: Jar,
    main_origin: Option<String>,
    others: BTreeMap<String, Jar>,
}

fn origin_of(url: &str) -> String {
    url::Url::parse(url).unwrap().origin().ascii_serialization()
}

impl Browser {
    fn new() -> Self {
        Self {
            client: reqwest::Client::builder()
                .redirect(reqwest::redirect::Policy::none())
                .build()
                .unwrap(),
            jar: Jar::default(),
            main_origin: None,
            others: BTreeMap::new(),
        }
    }

    fn jar_for(&mut self, url: &str) -> &mut Jar {
        let origin = origin_of(url);
        let main = self
            .main_origin
            .get_or_insert_with(|| origin.clone())
            .clone();
        if origin == main {
            &mut self.jar
        } else {
            self.others.entry(origin).or_default()
        }
    }

    async fn get(&mut self, url: &str) -> reqwest::Response {
        let cookie = self.jar_for(url).header();
        let res = self
            .client
            .get(url)
            .header("cookie", cookie)
            .send()
            .await
            .unwrap();
        self.jar_for(url).absorb(&res);
        res
    }

    async fn post(&mut self, url: &str, form: &[(&str, &str)]) -> reqwest::Response {
        let cookie = self.jar_for(url).header();
        let res = self
            .client
            .post(url)
            .header("cookie", cookie)
            .form(form)
            .send()
            .await
            .unwrap();
        self.jar_for(url).absorb(&res);
        res
    }

    async fn csrf(&mut self, origin: &str) -> String {
        let res = self.get(&format!("{origin}/auth/csrf")).await;
        let body: Value = res.json().await.unwrap();
        body["csrfToken"].as_str().unwrap().to_owned()
    }

    /// POST /signin/<id>; returns the authorization URL.
    async fn start_sign_in(&mut self, origin: &str, provider: &str) -> String {
        let token = self.csrf(origin).await;
        let res = self
            .post(
                &format!("{origin}/auth/signin/{provider}"),
                &[("csrfToken", &token), ("callbackUrl", "/after")],
            )
            .await;
        assert_eq!(res.status(), 302, "sign-in start");
        location(&res)
    }

    async fn session(&mut self, origin: &str) -> Value {
        self.get(&format!("{origin}/auth/session"))
            .await
            .json()
            .await
            .unwrap()
    }
}

fn location(res: &reqwest::Response) -> String {
    res.headers()
        .get("location")
        .map(|v| v.to_str().unwrap().to_owned())
        .unwrap_or_default()
}

fn absolute(base: &str, location: &str) -> String {
    url::Url::parse(base)
        .unwrap()
        .join(location)
        .unwrap()
        .to_string()
}

/// Drives oidc-provider's login and consent interactions until it redirects to our callback;
/// returns the callback URL.
async fn interact(
    browser: &mut Browser,
    authorize_url: &str,
    app_origin: &str,
    login: &str,
) -> String {
    let mut url = authorize_url.to_owned();
    for _ in 0..20 {
        if url.starts_with(app_origin) {
            return url;
        }
        let res = browser.get(&url).await;
        if res.status().is_redirection() {
            url = absolute(&url, &location(&res));
            continue;
        }
        let page = res.text().await.unwrap();
        let action = page
            .split("action=\"")
            .nth(1)
            .and_then(|s| s.split('"').next())
            .unwrap_or_else(|| panic!("no form on {url}: {page}"))
            .to_owned();
        let action = absolute(&url, &action);
        let res = if page.contains("value=\"login\"") {
            browser
                .post(
                    &action,
                    &[("prompt", "login"), ("login", login), ("password", "any")],
                )
                .await
        } else {
            browser.post(&action, &[("prompt", "consent")]).await
        };
        assert!(
            res.status().is_redirection(),
            "interaction answered {}",
            res.status()
        );
        url = absolute(&action, &location(&res));
    }
    panic!("the provider never redirected back");
}

fn expose_tokens() -> Callbacks {
    Callbacks::default().session(|p| async move {
        let mut s = p.session;
        if let Some(t) = &p.token {
            for key in ["sub", "access_token", "error"] {
                if let Some(v) = t.get(key) {
                    s.extra.insert(key.into(), v.clone());
                }
            }
        }
        Ok(s)
    })
}

fn keycloak(issuer: &str) -> OAuthProvider {
    OAuthProvider::new("keycloak", "Keycloak", ProviderKind::Oidc)
        .issuer(issuer)
        .client_id("rust-client")
        .client_secret("rust-secret")
        .checks(Checks {
            pkce: true,
            state: true,
            nonce: true,
        })
}

#[tokio::test]
async fn oidc_sign_in_against_a_real_provider_then_sign_out() {
    let (listener, origin) = bind().await;
    let idp = Peer::start(
        "idp.mjs",
        &[("REDIRECT_URIS", format!("{origin}/auth/callback/keycloak"))],
    );
    let config = base_config()
        .provider(keycloak(&idp.url("")))
        .callbacks(expose_tokens());
    let app = serve(listener, origin.clone(), config);
    let mut browser = Browser::new();

    let authorize = browser.start_sign_in(&app.origin, "keycloak").await;
    let parsed = url::Url::parse(&authorize).unwrap();
    let params: BTreeMap<_, _> = parsed.query_pairs().into_owned().collect();
    assert_eq!(params["code_challenge_method"], "S256");
    assert_eq!(
        params["redirect_uri"],
        format!("{origin}/auth/callback/keycloak")
    );
    assert_eq!(params["scope"], "openid profile email");
    assert!(params.contains_key("state") && params.contains_key("nonce"));
    for cookie in ["authjs.state", "authjs.pkce.code_verifier", "authjs.nonce"] {
        assert!(browser.jar.0.contains_key(cookie), "{cookie} missing");
    }

    let callback = interact(&mut browser, &authorize, &app.origin, "alice").await;
    let res = browser.get(&callback).await;
    assert_eq!(location(&res), format!("{origin}/after"));
    for cookie in ["authjs.state", "authjs.pkce.code_verifier", "authjs.nonce"] {
        assert!(!browser.jar.0.contains_key(cookie), "{cookie} not consumed");
    }
    let session = browser.session(&app.origin).await;
    assert_eq!(session["user"]["name"], "User alice");
    assert_eq!(session["user"]["email"], "alice@example.com");

    let token = browser.csrf(&app.origin).await;
    let res = browser
        .post(&format!("{origin}/auth/signout"), &[("csrfToken", &token)])
        .await;
    assert_eq!(res.status(), 302);
    assert_eq!(browser.session(&app.origin).await, Value::Null);
}

#[tokio::test]
async fn refresh_token_rotation_against_a_real_provider() {
    let (listener, origin) = bind().await;
    let idp = Peer::start(
        "idp.mjs",
        &[
            ("REDIRECT_URIS", format!("{origin}/auth/callback/keycloak")),
            ("ACCESS_TOKEN_TTL", "2".into()),
        ],
    );
    let provider = keycloak(&idp.url("")).refresh_access_token(true);
    let app = serve(
        listener,
        origin.clone(),
        base_config().provider(provider).callbacks(expose_tokens()),
    );
    let mut browser = Browser::new();
    let authorize = browser.start_sign_in(&app.origin, "keycloak").await;
    let callback = interact(&mut browser, &authorize, &app.origin, "bob").await;
    browser.get(&callback).await;
    let first = browser.session(&app.origin).await;
    let first_token = first["access_token"]
        .as_str()
        .expect("access token in session")
        .to_owned();
    tokio::time::sleep(Duration::from_millis(3200)).await;
    let second = browser.session(&app.origin).await;
    assert!(second.get("error").is_none(), "{second}");
    let second_token = second["access_token"].as_str().unwrap();
    assert_ne!(
        first_token, second_token,
        "the expired access token was not refreshed"
    );
}

#[tokio::test]
async fn failed_refresh_surfaces_refresh_token_error() {
    let fake = Peer::start("fake-idp.mjs", &[]);
    let (listener, origin) = bind().await;
    let provider = keycloak(&fake.url("/ok")).refresh_access_token(true);
    let app = serve(
        listener,
        origin,
        base_config().provider(provider).callbacks(expose_tokens()),
    );
    let mut browser = Browser::new();
    let authorize = browser.start_sign_in(&app.origin, "keycloak").await;
    let back = location(&browser.get(&authorize).await);
    browser.get(&back).await;
    // Force expiry: rewrite the token with an access token that expired.
    let codec = auth_runtime::jose::JwtCodec::new([SECRET]).unwrap();
    let mut claims = codec
        .decode(
            &browser.jar.0["authjs.session-token"],
            "authjs.session-token",
        )
        .unwrap();
    claims.insert("expires_at".into(), 1.into());
    browser.jar.0.insert(
        "authjs.session-token".into(),
        codec.encode(&claims, "authjs.session-token", 3600).unwrap(),
    );
    let session = browser.session(&app.origin).await;
    assert_eq!(session["error"], "RefreshTokenError");
    assert_eq!(session["user"]["name"], "Alice");
}

fn github(base: &str) -> OAuthProvider {
    let mut p = OAuthProvider::new("github", "GitHub", ProviderKind::OAuth)
        .endpoints(
            format!("{base}/gh/login/oauth/authorize"),
            format!("{base}/gh/login/oauth/access_token"),
            format!("{base}/gh/user"),
        )
        .client_id("gh-client")
        .client_secret("gh-secret")
        .scope("read:user user:email")
        .profile(|profile, _tokens| {
            let text = |k: &str| profile.get(k).and_then(Value::as_str).map(str::to_owned);
            Ok(User {
                id: profile.get("id").map(|v| v.to_string()),
                name: text("name").or_else(|| text("login")),
                email: text("email"),
                image: text("avatar_url"),
                ..User::default()
            })
        });
    p.issuer = None;
    p.quirks.push("github-emails".into());
    p
}

#[tokio::test]
async fn github_shaped_oauth2_provider_with_separate_emails_endpoint() {
    let fake = Peer::start("fake-idp.mjs", &[]);
    let (listener, origin) = bind().await;
    let app = serve(
        listener,
        origin.clone(),
        base_config()
            .provider(github(&fake.url("")))
            .callbacks(expose_tokens()),
    );
    let mut browser = Browser::new();
    let authorize = browser.start_sign_in(&app.origin, "github").await;
    assert!(
        authorize.contains("scope=read%3Auser+user%3Aemail"),
        "{authorize}"
    );
    assert!(!authorize.contains("nonce="), "{authorize}");
    let back = location(&browser.get(&authorize).await);
    let res = browser.get(&back).await;
    assert_eq!(location(&res), format!("{origin}/after"));
    let session = browser.session(&app.origin).await;
    assert_eq!(session["user"]["name"], "octocat");
    assert_eq!(session["user"]["email"], "octo@example.com");
    assert_eq!(session["user"]["image"], "https://avatars.example/u/42");

    // Without an adapter the subject is stable for the same provider account.
    let first_sub = session["sub"].clone();
    let mut again = Browser::new();
    let authorize = again.start_sign_in(&app.origin, "github").await;
    let back = location(&again.get(&authorize).await);
    again.get(&back).await;
    assert_eq!(again.session(&app.origin).await["sub"], first_sub);
}

/// Signs in through the fake provider in `mode`; returns the final redirect.
async fn fake_flow(
    mode: &str,
    tweak: impl FnOnce(OAuthProvider) -> OAuthProvider,
    drop_cookie: Option<&str>,
) -> (String, String) {
    let fake = Peer::start("fake-idp.mjs", &[]);
    let (listener, origin) = bind().await;
    let provider = tweak(keycloak(&fake.url(&format!("/{mode}"))));
    let app = serve(listener, origin.clone(), base_config().provider(provider));
    let mut browser = Browser::new();
    let authorize = browser.start_sign_in(&app.origin, "keycloak").await;
    if authorize.starts_with(&origin) {
        // Sign-in failed before reaching the provider.
        return (authorize, origin);
    }
    let back = location(&browser.get(&authorize).await);
    if let Some(name) = drop_cookie {
        browser.jar.0.remove(name);
    }
    let res = browser.get(&back).await;
    (location(&res), origin)
}

#[tokio::test]
async fn provider_errors_and_broken_checks_redirect_like_authjs() {
    let configuration = |origin: &str| format!("{origin}/auth/error?error=Configuration");
    let (loc, origin) = fake_flow("ok", |p| p, None).await;
    assert_eq!(
        loc,
        format!("{origin}/after"),
        "the fake provider's happy path works"
    );

    // An ID token signed with the client secret (HS256, LINE's way), when the provider
    // advertises it; refused without a client secret to verify it with.
    let (loc, origin) = fake_flow("hs256", |p| p, None).await;
    assert_eq!(
        loc,
        format!("{origin}/after"),
        "HS256 with the client secret"
    );
    let (loc, origin) = fake_flow(
        "hs256",
        |mut p| {
            p.client_secret = None;
            p.token_auth_method = auth_runtime::providers::TokenAuthMethod::None;
            p
        },
        None,
    )
    .await;
    assert_eq!(loc, configuration(&origin), "HS256 without a secret");

    let (loc, origin) = fake_flow("access-denied", |p| p, None).await;
    assert_eq!(
        loc,
        format!("{origin}/auth/signin?error=OAuthCallbackError")
    );

    for (mode, drop_cookie) in [
        ("wrong-state", None),
        ("no-state", None),
        ("ok", Some("authjs.state")),
        ("ok", Some("authjs.pkce.code_verifier")),
        ("ok", Some("authjs.nonce")),
        ("nonce-mismatch", None),
        ("wrong-iss", None),
        ("wrong-aud", None),
        ("expired", None),
        ("bad-signature", None),
        ("alg-none", None),
        ("unknown-kid", None),
        ("token-500", None),
        ("token-garbage", None),
        ("hs256-wrong-secret", None),
        ("hs256-unadvertised", None),
    ] {
        let (loc, origin) = fake_flow(mode, |p| p, drop_cookie).await;
        assert_eq!(loc, configuration(&origin), "{mode} {drop_cookie:?}");
    }

    let (loc, origin) = fake_flow(
        "userinfo-down",
        |mut p| {
            p.id_token = false;
            p
        },
        None,
    )
    .await;
    assert_eq!(loc, configuration(&origin), "userinfo unreachable");
}

/// Counts requests and delegates to a short-timeout reqwest client.
struct Counting(Arc<std::sync::atomic::AtomicUsize>, ReqwestHttpClient);

impl HttpClient for Counting {
    fn send(&self, request: HttpRequest) -> BoxFuture<'_, Result<HttpResponse, HttpError>> {
        self.0.fetch_add(1, std::sync::atomic::Ordering::SeqCst);
        self.1.send(request)
    }
}

#[tokio::test]
async fn a_hanging_token_endpoint_times_out_through_the_custom_client() {
    let count = Arc::new(std::sync::atomic::AtomicUsize::new(0));
    let client = Arc::new(Counting(
        count.clone(),
        ReqwestHttpClient::with_timeout(Duration::from_millis(800)),
    ));
    let started = std::time::Instant::now();
    let (loc, origin) = fake_flow("token-hang", |p| p.http_client(client), None).await;
    assert_eq!(loc, format!("{origin}/auth/error?error=Configuration"));
    assert!(started.elapsed() < Duration::from_secs(20));
    assert!(
        count.load(std::sync::atomic::Ordering::SeqCst) >= 2,
        "discovery and token went through the client"
    );
}

#[tokio::test]
async fn request_query_cannot_override_redirect_uri_or_client_id() {
    let fake = Peer::start("fake-idp.mjs", &[]);
    let (listener, origin) = bind().await;
    let app = serve(
        listener,
        origin.clone(),
        base_config().provider(keycloak(&fake.url("/ok"))),
    );
    let mut browser = Browser::new();
    let token = browser.csrf(&app.origin).await;
    let res = browser
        .post(
            &format!("{origin}/auth/signin/keycloak?redirect_uri=https://evil.example/cb&client_id=evil&prompt=login"),
            &[("csrfToken", &token)],
        )
        .await;
    let authorize = url::Url::parse(&location(&res)).unwrap();
    let params: BTreeMap<_, _> = authorize.query_pairs().into_owned().collect();
    assert_eq!(
        params["redirect_uri"],
        format!("{origin}/auth/callback/keycloak")
    );
    assert_eq!(params["client_id"], "rust-client");
    assert_eq!(params["prompt"], "login", "other params pass through");
}

#[tokio::test]
async fn account_rules_with_an_adapter() {
    let fake = Peer::start("fake-idp.mjs", &[]);
    let adapter = Arc::new(MemoryAdapter::new());
    let existing = adapter
        .create_user(
            User::default()
                .email("alice@example.com")
                .name("Existing Alice"),
        )
        .await
        .unwrap();

    // A user with the same email exists: not linked without the dangerous flag.
    let (listener, origin) = bind().await;
    let mut config = base_config()
        .provider(keycloak(&fake.url("/ok")))
        .adapter(adapter.clone());
    config.session.strategy = Some(auth_runtime::config::SessionStrategy::Jwt);
    let app = serve(listener, origin.clone(), config);
    let mut browser = Browser::new();
    let authorize = browser.start_sign_in(&app.origin, "keycloak").await;
    let back = location(&browser.get(&authorize).await);
    let res = browser.get(&back).await;
    assert_eq!(
        location(&res),
        format!("{origin}/auth/signin?error=OAuthAccountNotLinked")
    );
    drop(app);

    // With allow_dangerous_email_account_linking the account links to the existing user.
    let (listener, origin) = bind().await;
    let provider = keycloak(&fake.url("/ok")).allow_dangerous_email_account_linking(true);
    let app = serve(
        listener,
        origin.clone(),
        base_config().provider(provider).adapter(adapter.clone()),
    );
    let mut browser = Browser::new();
    let authorize = browser.start_sign_in(&app.origin, "keycloak").await;
    let back = location(&browser.get(&authorize).await);
    let res = browser.get(&back).await;
    assert_eq!(location(&res), format!("{origin}/after"));
    let linked = adapter
        .get_user_by_account("keycloak", "alice")
        .await
        .unwrap()
        .expect("linked");
    assert_eq!(linked.id, existing.id);
    // Database strategy: the cookie is a session id the adapter knows.
    let session_id = browser.jar.0["authjs.session-token"].clone();
    let (_, user) = adapter
        .get_session_and_user(&session_id)
        .await
        .unwrap()
        .expect("db session");
    assert_eq!(user.name.as_deref(), Some("Existing Alice"));
    assert_eq!(
        browser.session(&app.origin).await["user"]["name"],
        "Existing Alice"
    );
}

#[tokio::test]
async fn new_users_are_created_and_sent_to_the_new_user_page() {
    let fake = Peer::start("fake-idp.mjs", &[]);
    let adapter = Arc::new(MemoryAdapter::new());
    let (listener, origin) = bind().await;
    let mut config = base_config()
        .provider(keycloak(&fake.url("/ok")))
        .adapter(adapter.clone());
    config.pages.new_user = Some("/welcome".into());
    let app = serve(listener, origin.clone(), config);
    let mut browser = Browser::new();
    let authorize = browser.start_sign_in(&app.origin, "keycloak").await;
    let back = location(&browser.get(&authorize).await);
    let res = browser.get(&back).await;
    assert_eq!(
        location(&res),
        format!(
            "/welcome?callbackUrl={}",
            auth_runtime::cookies::encode_uri_component(&format!("{origin}/after"))
        )
    );
    let user = adapter
        .get_user_by_email("alice@example.com")
        .await
        .unwrap()
        .expect("created");
    assert_eq!(user.name.as_deref(), Some("Alice"));
}

#[tokio::test]
async fn redirect_proxy_forwards_the_callback_to_the_preview_deployment() {
    let fake = Peer::start("fake-idp.mjs", &[]);
    let (proxy_listener, proxy_origin) = bind().await;
    let (preview_listener, preview_origin) = bind().await;
    let provider = |proxy: &str| {
        let mut p = keycloak(&fake.url("/ok"));
        p.redirect_proxy_url = Some(format!("{proxy}/auth"));
        p
    };
    // The proxy forwards only to the origins it lists; the preview seals only its AUTH_URL.
    let _proxy = serve(
        proxy_listener,
        proxy_origin.clone(),
        base_config()
            .provider(provider(&proxy_origin))
            .redirect_proxy_target(preview_origin.clone()),
    );
    let preview = serve(
        preview_listener,
        preview_origin.clone(),
        base_config()
            .provider(provider(&proxy_origin))
            .url(preview_origin.clone()),
    );
    let mut browser = Browser::new();
    let authorize = browser.start_sign_in(&preview.origin, "keycloak").await;
    let params: BTreeMap<_, _> = url::Url::parse(&authorize)
        .unwrap()
        .query_pairs()
        .into_owned()
        .collect();
    assert_eq!(
        params["redirect_uri"],
        format!("{proxy_origin}/auth/callback/keycloak")
    );
    // The provider sends the browser to the proxy, which forwards to the preview deployment.
    let at_proxy = location(&browser.get(&authorize).await);
    assert!(at_proxy.starts_with(&proxy_origin), "{at_proxy}");
    let hop = location(&browser.get(&at_proxy).await);
    assert!(
        hop.starts_with(&format!("{preview_origin}/auth/callback/keycloak?")),
        "{hop}"
    );
    let done = browser.get(&hop).await;
    assert_eq!(location(&done), format!("{preview_origin}/after"));
    assert_eq!(
        browser.session(&preview.origin).await["user"]["name"],
        "Alice"
    );
}

#[tokio::test]
async fn signing_in_with_a_second_provider_while_signed_in_links_the_account() {
    let fake = Peer::start("fake-idp.mjs", &[]);
    let adapter = Arc::new(MemoryAdapter::new());
    let (listener, origin) = bind().await;
    let mut config = base_config()
        .provider(github(&fake.url("")))
        .provider(keycloak(&fake.url("/ok")))
        .adapter(adapter.clone());
    config.session.strategy = Some(auth_runtime::config::SessionStrategy::Jwt);
    let app = serve(listener, origin, config);
    let mut browser = Browser::new();
    for provider in ["github", "keycloak"] {
        let authorize = browser.start_sign_in(&app.origin, provider).await;
        let back = location(&browser.get(&authorize).await);
        let res = browser.get(&back).await;
        assert!(
            location(&res).ends_with("/after"),
            "{provider}: {}",
            location(&res)
        );
    }
    let by_github = adapter
        .get_user_by_account("github", "42")
        .await
        .unwrap()
        .expect("github user");
    let by_keycloak = adapter
        .get_user_by_account("keycloak", "alice")
        .await
        .unwrap()
        .expect("linked");
    assert_eq!(by_github.id, by_keycloak.id);
    assert!(
        adapter
            .get_user_by_email("alice@example.com")
            .await
            .unwrap()
            .is_none(),
        "no second user"
    );
}

#[tokio::test]
async fn form_post_response_mode_with_apples_user_field() {
    let fake = Peer::start("fake-idp.mjs", &[]);
    let (listener, origin) = bind().await;
    let mut provider = keycloak(&fake.url("/form-post"))
        .checks(Checks {
            pkce: false,
            state: true,
            nonce: true,
        })
        .profile(|profile, _| {
            let first = profile
                .pointer("/user/name/firstName")
                .and_then(Value::as_str);
            Ok(User {
                id: profile
                    .get("sub")
                    .and_then(Value::as_str)
                    .map(str::to_owned),
                name: first.map(str::to_owned),
                email: profile
                    .get("email")
                    .and_then(Value::as_str)
                    .map(str::to_owned),
                ..User::default()
            })
        });
    provider.form_post = true;
    provider.quirks.push("apple-form-post-user".into());
    provider
        .authorization_params
        .push(("response_mode".into(), "form_post".into()));
    let app = serve(listener, origin.clone(), base_config().provider(provider));
    let mut browser = Browser::new();
    let authorize = browser.start_sign_in(&app.origin, "keycloak").await;
    let page = browser.get(&authorize).await.text().await.unwrap();
    let fields: Vec<(String, String)> = page
        .split("<input ")
        .skip(1)
        .map(|input| {
            let name = input
                .split("name=\"")
                .nth(1)
                .unwrap()
                .split('"')
                .next()
                .unwrap()
                .to_owned();
            let value = input
                .split("value='")
                .nth(1)
                .unwrap()
                .split('\'')
                .next()
                .unwrap()
                .replace("&#39;", "'");
            (name, value)
        })
        .collect();
    let form: Vec<(&str, &str)> = fields
        .iter()
        .map(|(k, v)| (k.as_str(), v.as_str()))
        .collect();
    let res = browser
        .post(&format!("{origin}/auth/callback/keycloak"), &form)
        .await;
    assert_eq!(location(&res), format!("{origin}/after"));
    assert_eq!(browser.session(&app.origin).await["user"]["name"], "Ada");
}

#[tokio::test]
async fn client_secret_post_authentication_at_the_token_endpoint() {
    let (listener, origin) = bind().await;
    let idp = Peer::start(
        "idp.mjs",
        &[("REDIRECT_URIS", format!("{origin}/auth/callback/keycloak"))],
    );
    let mut provider = keycloak(&idp.url("")).client_id("rust-client-post");
    provider.token_auth_method = auth_runtime::providers::TokenAuthMethod::ClientSecretPost;
    let app = serve(listener, origin.clone(), base_config().provider(provider));
    let mut browser = Browser::new();
    let authorize = browser.start_sign_in(&app.origin, "keycloak").await;
    let callback = interact(&mut browser, &authorize, &app.origin, "carol").await;
    let res = browser.get(&callback).await;
    assert_eq!(location(&res), format!("{origin}/after"));
    assert_eq!(
        browser.session(&app.origin).await["user"]["email"],
        "carol@example.com"
    );
}

#[tokio::test]
async fn entra_multi_tenant_issuer_comes_from_the_tokens_tid() {
    let with_quirk = |mut p: OAuthProvider| {
        p.quirks.push("entra-tenant-issuer".into());
        p
    };
    let (loc, origin) = fake_flow("entra", with_quirk, None).await;
    assert_eq!(loc, format!("{origin}/after"));
    let (loc, origin) = fake_flow("entra-forged-tid", with_quirk, None).await;
    assert_eq!(
        loc,
        format!("{origin}/auth/error?error=Configuration"),
        "tid and iss disagree"
    );
    let (loc, origin) = fake_flow("entra", |p| p, None).await;
    assert_eq!(
        loc,
        format!("{origin}/auth/error?error=Configuration"),
        "a templated issuer is only accepted for Entra"
    );
}

#[tokio::test]
async fn server_side_sign_in_passes_authorization_params_but_not_reserved_ones() {
    use auth_runtime::axum::{AuthContext, AuthLayer};
    let fake = Peer::start("fake-idp.mjs", &[]);
    let (listener, origin) = bind().await;
    let handler = AuthHandler::new(base_config().provider(keycloak(&fake.url("/ok")))).unwrap();
    let app: axum::Router = axum::Router::new()
        .route(
            "/login",
            axum::routing::post(|auth: AuthContext| async move {
                auth.sign_in(
                    auth_runtime::engine::SignInOptions::provider("keycloak")
                        .redirect_to("/after")
                        .authorization_param("prompt", "login")
                        .authorization_param("login_hint", "ada@example.com")
                        .authorization_param("redirect_uri", "https://evil.example/"),
                )
                .await
            }),
        )
        .merge(auth_runtime::axum::router(&handler))
        .layer(AuthLayer::new(&handler));
    let task = tokio::spawn(async move { axum::serve(listener, app).await.unwrap() });
    let mut browser = Browser::new();
    let res = browser.post(&format!("{origin}/login"), &[]).await;
    assert_eq!(res.status(), 302);
    let authorize = location(&res);
    let params: BTreeMap<_, _> = url::Url::parse(&authorize)
        .unwrap()
        .query_pairs()
        .into_owned()
        .collect();
    assert_eq!(params["prompt"], "login");
    assert_eq!(params["login_hint"], "ada@example.com");
    assert_eq!(
        params["redirect_uri"],
        format!("{origin}/auth/callback/keycloak")
    );
    // The flow completes: the check cookies came back with the redirect.
    let back = location(&browser.get(&authorize).await);
    let done = browser.get(&back).await;
    assert_eq!(location(&done), format!("{origin}/after"));
    task.abort();
}

#[tokio::test]
async fn refresh_rotation_with_database_sessions_updates_the_stored_account() {
    let (listener, origin) = bind().await;
    let idp = Peer::start(
        "idp.mjs",
        &[
            ("REDIRECT_URIS", format!("{origin}/auth/callback/keycloak")),
            ("ACCESS_TOKEN_TTL", "2".into()),
        ],
    );
    let adapter = Arc::new(MemoryAdapter::new());
    let provider = keycloak(&idp.url("")).refresh_access_token(true);
    let app = serve(
        listener,
        origin.clone(),
        base_config().provider(provider).adapter(adapter.clone()),
    );
    let mut browser = Browser::new();
    let authorize = browser.start_sign_in(&app.origin, "keycloak").await;
    let callback = interact(&mut browser, &authorize, &app.origin, "dora").await;
    browser.get(&callback).await;
    let user = adapter
        .get_user_by_email("dora@example.com")
        .await
        .unwrap()
        .expect("user");
    let user_id = user.id.unwrap();
    let before = adapter
        .get_accounts_by_user(&user_id)
        .await
        .unwrap()
        .remove(0);
    tokio::time::sleep(Duration::from_millis(3200)).await;
    let session = browser.session(&app.origin).await;
    assert_eq!(session["user"]["name"], "User dora");
    assert!(session.get("error").is_none(), "{session}");
    let after = adapter
        .get_accounts_by_user(&user_id)
        .await
        .unwrap()
        .remove(0);
    assert_ne!(
        before.access_token, after.access_token,
        "the stored access token was refreshed"
    );
    assert!(after.expires_at > before.expires_at);

    // A refresh token the provider no longer knows: the session says RefreshTokenError.
    let mut broken = after.clone();
    broken.refresh_token = Some("revoked".into());
    broken.expires_at = Some(1);
    adapter.update_account(broken).await.unwrap();
    let session = browser.session(&app.origin).await;
    assert_eq!(session["error"], "RefreshTokenError");
}

/// The memory adapter, except that linking an account fails (a database that goes away midway).
struct LinkFails(MemoryAdapter);

impl Adapter for LinkFails {
    fn create_user(&self, user: User) -> BoxFuture<'_, auth_runtime::adapter::AdapterResult<User>> {
        self.0.create_user(user)
    }
    fn get_user(
        &self,
        id: &str,
    ) -> BoxFuture<'_, auth_runtime::adapter::AdapterResult<Option<User>>> {
        self.0.get_user(id)
    }
    fn get_user_by_email(
        &self,
        email: &str,
    ) -> BoxFuture<'_, auth_runtime::adapter::AdapterResult<Option<User>>> {
        self.0.get_user_by_email(email)
    }
    fn get_user_by_account(
        &self,
        provider: &str,
        provider_account_id: &str,
    ) -> BoxFuture<'_, auth_runtime::adapter::AdapterResult<Option<User>>> {
        self.0.get_user_by_account(provider, provider_account_id)
    }
    fn delete_user(&self, id: &str) -> BoxFuture<'_, auth_runtime::adapter::AdapterResult<()>> {
        self.0.delete_user(id)
    }
    fn update_user(&self, user: User) -> BoxFuture<'_, auth_runtime::adapter::AdapterResult<User>> {
        self.0.update_user(user)
    }
    fn link_account(
        &self,
        _account: auth_runtime::types::Account,
    ) -> BoxFuture<'_, auth_runtime::adapter::AdapterResult<()>> {
        Box::pin(async { Err(AdapterError::Unavailable("connection reset by peer".into())) })
    }
    fn get_accounts_by_user(
        &self,
        user_id: &str,
    ) -> BoxFuture<'_, auth_runtime::adapter::AdapterResult<Vec<auth_runtime::types::Account>>>
    {
        self.0.get_accounts_by_user(user_id)
    }
    fn update_account(
        &self,
        account: auth_runtime::types::Account,
    ) -> BoxFuture<'_, auth_runtime::adapter::AdapterResult<()>> {
        self.0.update_account(account)
    }
    fn unlink_account(
        &self,
        provider: &str,
        provider_account_id: &str,
    ) -> BoxFuture<'_, auth_runtime::adapter::AdapterResult<()>> {
        self.0.unlink_account(provider, provider_account_id)
    }
    fn get_account(
        &self,
        provider_account_id: &str,
        provider: &str,
    ) -> BoxFuture<'_, auth_runtime::adapter::AdapterResult<Option<auth_runtime::types::Account>>>
    {
        self.0.get_account(provider_account_id, provider)
    }
    // `create_user_with_account` is the trait's default: create, link, and on a failed link
    // delete the user again.
}

#[tokio::test]
async fn a_failed_account_link_leaves_no_half_written_user() {
    let fake = Peer::start("fake-idp.mjs", &[]);
    let adapter = Arc::new(LinkFails(MemoryAdapter::new()));
    let (listener, origin) = bind().await;
    let app = serve(
        listener,
        origin.clone(),
        base_config()
            .provider(keycloak(&fake.url("/ok")))
            .session_strategy(auth_runtime::config::SessionStrategy::Jwt)
            .adapter(Adapters::users_only(adapter.clone())),
    );
    let mut browser = Browser::new();
    let authorize = browser.start_sign_in(&app.origin, "keycloak").await;
    let back = location(&browser.get(&authorize).await);
    let res = browser.get(&back).await;
    assert_eq!(
        location(&res),
        format!("{origin}/auth/error?error=Configuration")
    );
    assert!(
        !browser.jar.0.contains_key("authjs.session-token"),
        "no session"
    );
    assert!(
        adapter
            .get_user_by_email("alice@example.com")
            .await
            .unwrap()
            .is_none(),
        "the user created before the failed link was removed"
    );
}

/// A P-256 key pair: the private key as PKCS#8 PEM, the public key as a JWK set.
fn client_key_pair(kid: &str) -> (String, String) {
    use base64::Engine as _;
    use p256::elliptic_curve::sec1::ToEncodedPoint as _;
    use p256::pkcs8::EncodePrivateKey as _;
    let secret = p256::SecretKey::random(&mut p256::elliptic_curve::rand_core::OsRng);
    let pem = secret
        .to_pkcs8_pem(p256::pkcs8::LineEnding::LF)
        .unwrap()
        .to_string();
    let point = secret.public_key().to_encoded_point(false);
    let b64 = |bytes: &[u8]| base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(bytes);
    let jwks = serde_json::json!({"keys": [{
        "kty": "EC", "crv": "P-256", "kid": kid, "use": "sig", "alg": "ES256",
        "x": b64(point.x().unwrap()), "y": b64(point.y().unwrap()),
    }]});
    (pem, jwks.to_string())
}

/// `client_secret_jwt` and `private_key_jwt` against the real provider: the code exchange and a
/// refresh each authenticate with a fresh signed assertion; a key the provider does not know, or
/// a wrong secret, is refused at the token endpoint and the sign-in fails with `Configuration`.
#[tokio::test]
async fn jwt_client_authentication_against_a_real_provider() {
    use auth_runtime::providers::{ClientKey, TokenAuthMethod};
    let (listener, origin) = bind().await;
    let (pem, jwks) = client_key_pair("rust-key-1");
    let (stranger_pem, _) = client_key_pair("rust-key-1");
    let idp = Peer::start(
        "idp.mjs",
        &[
            (
                "REDIRECT_URIS",
                ["secret-jwt", "key-jwt", "wrong-key", "wrong-secret"]
                    .map(|id| format!("{origin}/auth/callback/{id}"))
                    .join(","),
            ),
            ("CLIENT_JWKS", jwks),
            ("ACCESS_TOKEN_TTL", "2".into()),
        ],
    );
    let issuer = idp.url("");
    let provider = |id: &str, client: &str| {
        OAuthProvider::new(id, id, ProviderKind::Oidc)
            .issuer(&issuer)
            .client_id(client)
            .refresh_access_token(true)
    };
    let secret_jwt = |id: &str, secret: &str| {
        let mut p = provider(id, "rust-client-secret-jwt").client_secret(secret);
        p.token_auth_method = TokenAuthMethod::ClientSecretJwt;
        p
    };
    let key = |pem: &str| ClientKey::ec_pem(pem, Some("rust-key-1")).unwrap();
    let config = base_config()
        .provider(secret_jwt(
            "secret-jwt",
            "rust-secret-for-client-secret-jwt-0123456789",
        ))
        .provider(provider("key-jwt", "rust-client-key-jwt").client_private_key(key(&pem)))
        .provider(
            provider("wrong-key", "rust-client-key-jwt").client_private_key(key(&stranger_pem)),
        )
        .provider(secret_jwt(
            "wrong-secret",
            "not-the-secret-of-this-client-0123456789",
        ))
        .callbacks(expose_tokens());
    let app = serve(listener, origin.clone(), config);

    for id in ["secret-jwt", "key-jwt"] {
        let mut browser = Browser::new();
        let authorize = browser.start_sign_in(&app.origin, id).await;
        let callback = interact(&mut browser, &authorize, &app.origin, "carol").await;
        let res = browser.get(&callback).await;
        assert_eq!(location(&res), format!("{origin}/after"), "{id}");
        let first = browser.session(&app.origin).await;
        assert_eq!(first["user"]["email"], "carol@example.com", "{id}: {first}");
        let first_token = first["access_token"].as_str().unwrap().to_owned();
        // The refresh authenticates with a new assertion (the provider refuses a replayed jti).
        tokio::time::sleep(Duration::from_millis(3200)).await;
        let second = browser.session(&app.origin).await;
        assert!(second.get("error").is_none(), "{id}: {second}");
        assert_ne!(
            second["access_token"].as_str().unwrap(),
            first_token,
            "{id}"
        );
    }
    for id in ["wrong-key", "wrong-secret"] {
        let mut browser = Browser::new();
        let authorize = browser.start_sign_in(&app.origin, id).await;
        let callback = interact(&mut browser, &authorize, &app.origin, "carol").await;
        let res = browser.get(&callback).await;
        assert_eq!(
            location(&res),
            format!("{origin}/auth/error?error=Configuration"),
            "{id}"
        );
        assert_eq!(browser.session(&app.origin).await, Value::Null, "{id}");
    }
}

/// A public client (`token_endpoint_auth_method: none`): no secret is sent, and PKCE, which the
/// provider requires of such a client, is what binds the code to this browser. Without PKCE the
/// provider refuses the authorization request itself.
#[tokio::test]
async fn a_public_client_signs_in_with_pkce_only() {
    use auth_runtime::providers::TokenAuthMethod;
    let (listener, origin) = bind().await;
    let idp = Peer::start(
        "idp.mjs",
        &[(
            "REDIRECT_URIS",
            format!("{origin}/auth/callback/public,{origin}/auth/callback/no-pkce"),
        )],
    );
    let public = |id: &str, pkce: bool| {
        let mut p = OAuthProvider::new(id, id, ProviderKind::Oidc)
            .issuer(idp.url(""))
            .client_id("rust-client-public")
            .checks(Checks {
                pkce,
                state: true,
                nonce: true,
            });
        p.token_auth_method = TokenAuthMethod::None;
        p
    };
    let config = base_config()
        .provider(public("public", true))
        .provider(public("no-pkce", false));
    let app = serve(listener, origin.clone(), config);

    let mut browser = Browser::new();
    let authorize = browser.start_sign_in(&app.origin, "public").await;
    assert!(authorize.contains("code_challenge="), "{authorize}");
    let callback = interact(&mut browser, &authorize, &app.origin, "dave").await;
    let res = browser.get(&callback).await;
    assert_eq!(location(&res), format!("{origin}/after"));
    assert_eq!(
        browser.session(&app.origin).await["user"]["email"],
        "dave@example.com"
    );

    // Without a code challenge the provider answers with an error, back at our callback.
    let mut browser = Browser::new();
    let authorize = browser.start_sign_in(&app.origin, "no-pkce").await;
    assert!(!authorize.contains("code_challenge="), "{authorize}");
    let callback = interact(&mut browser, &authorize, &app.origin, "dave").await;
    assert!(callback.contains("error=invalid_request"), "{callback}");
    let res = browser.get(&callback).await;
    assert_eq!(
        location(&res),
        format!("{origin}/auth/signin?error=OAuthCallbackError")
    );
}
