//! The axum integration over real HTTP: the session extractors, `AuthLayer` (authorized,
//! denied, redirected, sliding cookie) and the server-side actions.

#![allow(clippy::unwrap_used, clippy::expect_used)]

mod common;

use common::{Server, client, location, set_cookies};

use auth_runtime::axum::{
    AuthContext, AuthLayer, Redirected, RequireSession, SessionUpdate, SignInRedirect,
};
use auth_runtime::callbacks::{AuthorizedDecision, Callbacks, JwtTrigger};
use auth_runtime::config::AuthConfig;
use auth_runtime::engine::{AuthHandler, SignInOptions, SignOutOptions};
use auth_runtime::error::AuthError;
use auth_runtime::providers::{CredentialField, CredentialsProvider, OAuthProvider, ProviderKind};
use auth_runtime::types::{Session, User};
use axum::Json;
use axum::routing::{get, post};
use reqwest::redirect::Policy;
use serde_json::{Value, json};

const SECRET: &str = "axum-test-secret";

fn credentials() -> CredentialsProvider {
    CredentialsProvider::new()
        .field(CredentialField::new("username", "Username", "text"))
        .field(CredentialField::new("password", "Password", "password"))
        .authorize(|creds, _req| async move {
            let user = creds.get("username").and_then(Value::as_str).unwrap_or("");
            let pass = creds.get("password").and_then(Value::as_str).unwrap_or("");
            Ok(match (user, pass) {
                ("demo", "demo") => Some(User::new("1").name("Demo").email("demo@example.com")),
                ("admin", "admin") => Some(User::new("2").name("Admin").email("admin@example.com")),
                _ => None,
            })
        })
}

/// Renames the user on `update_session({"name": ..})`; only `Admin` may see `/admin/only`;
/// `/beta` redirects everyone to `/waitlist`.
fn callbacks() -> Callbacks {
    Callbacks::default()
        .jwt(|p| async move {
            let mut token = p.token;
            if p.trigger == Some(JwtTrigger::Update)
                && let Some(name) = p
                    .session
                    .as_ref()
                    .and_then(|s| s.get("name"))
                    .and_then(Value::as_str)
            {
                token.insert("name", name.to_owned());
            }
            Ok(Some(token))
        })
        .authorized(|p| async move {
            let path = p.request.uri.path().to_owned();
            if path == "/beta" {
                return Ok(AuthorizedDecision::Redirect("/waitlist".into()));
            }
            let signed_in = p.auth.is_some();
            if path.starts_with("/admin/only") {
                let is_admin = p.auth.and_then(|s| s.user.name).as_deref() == Some("Admin");
                return Ok(AuthorizedDecision::from(is_admin));
            }
            Ok(AuthorizedDecision::from(signed_in))
        })
}

fn config() -> AuthConfig {
    let mut oauth = OAuthProvider::new("example", "Example", ProviderKind::OAuth)
        .client_id("client-id")
        .client_secret("client-secret")
        .endpoints(
            "http://127.0.0.1:9/authorize",
            "http://127.0.0.1:9/token",
            "http://127.0.0.1:9/userinfo",
        );
    oauth.style.bg = Some("#222".into());
    AuthConfig::new()
        .secret(SECRET)
        .trust_host(true)
        .provider(credentials())
        .provider(oauth)
        .callbacks(callbacks())
}

async fn whoami(session: Option<Session>) -> String {
    match session {
        Some(s) => format!("hello {}", s.user.name.unwrap_or_default()),
        None => "hello stranger".into(),
    }
}

async fn api_me(session: Session) -> Json<Session> {
    Json(session)
}

async fn page(RequireSession { session, .. }: RequireSession<SignInRedirect>) -> String {
    format!("page for {}", session.user.name.unwrap_or_default())
}

async fn logout(auth: AuthContext) -> Result<Redirected, AuthError> {
    auth.sign_out(SignOutOptions::redirect_to("/bye")).await
}

async fn login(
    auth: AuthContext,
    axum::extract::Path(provider): axum::extract::Path<String>,
) -> Result<Redirected, AuthError> {
    let options = match provider.as_str() {
        "none" => SignInOptions::default(),
        id => SignInOptions::provider(id),
    };
    auth.sign_in(options.redirect_to("/after")).await
}

async fn login_demo(auth: AuthContext) -> Result<Redirected, AuthError> {
    auth.sign_in(
        SignInOptions::provider("credentials")
            .credential("username", "demo")
            .credential("password", "demo")
            .redirect_to("/after"),
    )
    .await
}

async fn rename(auth: AuthContext, Json(body): Json<Value>) -> Result<SessionUpdate, AuthError> {
    auth.update_session(body).await
}

fn app(handler: &AuthHandler) -> axum::Router {
    axum::Router::new()
        .route("/", get(whoami))
        .route("/api/me", get(api_me))
        .route("/page", get(page))
        .route("/admin/{*rest}", get(|| async { "admin area" }))
        .route("/administrator", get(|| async { "not protected" }))
        .route("/api/private", get(|| async { "private api" }))
        .route("/beta", get(|| async { "beta" }))
        .route("/logout", post(logout))
        .route("/login/{provider}", post(login))
        .route("/login-demo", post(login_demo))
        .route("/rename", post(rename))
        .merge(auth_runtime::axum::router(handler))
        .layer(
            AuthLayer::new(handler)
                .protect("/admin")
                .protect("/beta")
                .protect_api("/api/private"),
        )
}

async fn serve(router: axum::Router) -> Server {
    common::serve_router(router).await
}

fn enc(s: &str) -> String {
    auth_runtime::cookies::encode_uri_component(s)
}

async fn sign_in(c: &reqwest::Client, o: &str, user: &str) {
    let body: Value = c
        .get(format!("{o}/auth/csrf"))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    let token = body["csrfToken"].as_str().unwrap().to_owned();
    let res = c
        .post(format!("{o}/auth/callback/credentials"))
        .form(&[
            ("csrfToken", token.as_str()),
            ("username", user),
            ("password", user),
        ])
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 302);
    assert!(
        set_cookies(&res)
            .iter()
            .any(|c| c.starts_with("authjs.session-token="))
    );
}

async fn fetch(c: &reqwest::Client, url: String) -> reqwest::Response {
    c.get(url).send().await.unwrap()
}

#[tokio::test]
async fn session_extractors_read_the_session_or_answer_401_json() {
    let handler = AuthHandler::new(config()).unwrap();
    let server = serve(app(&handler)).await;
    let o = &server.origin;
    let c = client();
    assert_eq!(
        fetch(&c, format!("{o}/")).await.text().await.unwrap(),
        "hello stranger"
    );
    let res = fetch(&c, format!("{o}/api/me")).await;
    assert_eq!(res.status(), 401);
    assert_eq!(res.headers()["content-type"], "application/json");
    let body: Value = res.json().await.unwrap();
    assert!(body["message"].as_str().unwrap().contains("sign in"));

    sign_in(&c, o, "demo").await;
    assert_eq!(
        fetch(&c, format!("{o}/")).await.text().await.unwrap(),
        "hello Demo"
    );
    let me: Value = fetch(&c, format!("{o}/api/me")).await.json().await.unwrap();
    assert_eq!(
        me["user"],
        json!({"name": "Demo", "email": "demo@example.com"})
    );
    assert_eq!(
        fetch(&c, format!("{o}/page")).await.text().await.unwrap(),
        "page for Demo"
    );
}

#[tokio::test]
async fn require_session_sends_pages_to_sign_in_and_back() {
    let handler = AuthHandler::new(config()).unwrap();
    let server = serve(app(&handler)).await;
    let o = &server.origin;
    let res = fetch(&client(), format!("{o}/page?tab=2")).await;
    assert_eq!(res.status(), 303);
    assert_eq!(
        location(&res),
        format!(
            "{o}/auth/signin?callbackUrl={}",
            enc(&format!("{o}/page?tab=2"))
        )
    );
}

#[tokio::test]
async fn extractors_without_the_layer_answer_500() {
    let handler = AuthHandler::new(config()).unwrap();
    let router = axum::Router::new()
        .route("/", get(whoami))
        .merge(auth_runtime::axum::router(&handler));
    let server = serve(router).await;
    assert_eq!(
        fetch(&client(), format!("{}/", server.origin))
            .await
            .status(),
        500
    );
}

#[tokio::test]
async fn layer_protects_prefixes_segment_wise() {
    let handler = AuthHandler::new(config()).unwrap();
    let server = serve(app(&handler)).await;
    let o = &server.origin;
    let c = client();
    // Denied while signed out: to the sign-in page, coming back afterwards.
    let res = fetch(&c, format!("{o}/admin/users?page=1")).await;
    assert_eq!(res.status(), 303);
    assert_eq!(
        location(&res),
        format!(
            "{o}/auth/signin?callbackUrl={}",
            enc(&format!("{o}/admin/users?page=1"))
        )
    );
    // An API prefix answers 401 JSON instead.
    let res = fetch(&c, format!("{o}/api/private")).await;
    assert_eq!(res.status(), 401);
    assert_eq!(res.headers()["content-type"], "application/json");
    // A path that merely starts with the same letters is not protected.
    assert_eq!(
        fetch(&c, format!("{o}/administrator"))
            .await
            .text()
            .await
            .unwrap(),
        "not protected"
    );
    // The auth routes themselves are never protected.
    assert_eq!(fetch(&c, format!("{o}/auth/session")).await.status(), 200);

    sign_in(&c, o, "demo").await;
    assert_eq!(
        fetch(&c, format!("{o}/admin/users"))
            .await
            .text()
            .await
            .unwrap(),
        "admin area"
    );
    assert_eq!(
        fetch(&c, format!("{o}/api/private"))
            .await
            .text()
            .await
            .unwrap(),
        "private api"
    );
}

/// [`config`] with every session read due to re-issue the cookie (`update_age` 0).
fn sliding_config() -> AuthConfig {
    let mut config = config();
    config.session.update_age = 0;
    config
}

#[tokio::test]
async fn authorized_callback_can_redirect_or_forbid_signed_in_users() {
    let handler = AuthHandler::new(sliding_config()).unwrap();
    let server = serve(app(&handler)).await;
    let o = &server.origin;
    let c = client();
    let res = fetch(&c, format!("{o}/beta")).await;
    assert_eq!(res.status(), 303);
    assert_eq!(location(&res), "/waitlist");

    sign_in(&c, o, "demo").await;
    // Signed in but denied: 403, not another trip to the sign-in page.
    let res = fetch(&c, format!("{o}/admin/only")).await;
    assert_eq!(res.status(), 403);
    // The denial still slides the session.
    assert!(
        set_cookies(&res)
            .iter()
            .any(|c| c.starts_with("authjs.session-token="))
    );

    let admin = client();
    sign_in(&admin, o, "admin").await;
    assert_eq!(
        fetch(&admin, format!("{o}/admin/only"))
            .await
            .text()
            .await
            .unwrap(),
        "admin area"
    );
}

#[tokio::test]
async fn layer_reissues_the_session_cookie_on_app_responses() {
    // By default a token younger than update_age is not written again.
    let handler = AuthHandler::new(config()).unwrap();
    let server = serve(app(&handler)).await;
    let c = client();
    sign_in(&c, &server.origin, "demo").await;
    let res = fetch(&c, format!("{}/", server.origin)).await;
    assert!(set_cookies(&res).is_empty());
    assert_eq!(res.text().await.unwrap(), "hello Demo");

    let handler = AuthHandler::new(sliding_config()).unwrap();
    let server = serve(app(&handler)).await;
    let o = &server.origin;
    let c = client();
    // Signed out: the layer writes no cookie.
    assert!(set_cookies(&fetch(&c, format!("{o}/")).await).is_empty());
    sign_in(&c, o, "demo").await;
    let res = fetch(&c, format!("{o}/")).await;
    let cookies = set_cookies(&res);
    assert_eq!(cookies.len(), 1, "{cookies:?}");
    assert!(
        cookies[0].starts_with("authjs.session-token="),
        "{cookies:?}"
    );
    assert!(cookies[0].contains("; Expires="), "{cookies:?}");
    assert!(cookies[0].contains("; HttpOnly"), "{cookies:?}");
    // A forged cookie is cleared rather than kept.
    let forged = reqwest::Client::builder()
        .redirect(Policy::none())
        .build()
        .unwrap();
    let res = forged
        .get(format!("{o}/"))
        .header("cookie", "authjs.session-token=garbage")
        .send()
        .await
        .unwrap();
    assert!(
        set_cookies(&res)
            .iter()
            .any(|c| c.starts_with("authjs.session-token=; Max-Age=0"))
    );
    assert_eq!(res.text().await.unwrap(), "hello stranger");
}

#[tokio::test]
async fn sign_out_action_clears_the_session_without_the_layer_resurrecting_it() {
    let handler = AuthHandler::new(config()).unwrap();
    let server = serve(app(&handler)).await;
    let o = &server.origin;
    let c = client();
    sign_in(&c, o, "demo").await;
    let res = c.post(format!("{o}/logout")).send().await.unwrap();
    assert_eq!(res.status(), 302);
    assert_eq!(location(&res), format!("{o}/bye"));
    let cookies = set_cookies(&res);
    assert!(
        cookies
            .iter()
            .any(|c| c.starts_with("authjs.session-token=; Max-Age=0")),
        "{cookies:?}"
    );
    assert!(
        !cookies
            .iter()
            .any(|c| c.starts_with("authjs.session-token=") && !c.contains("Max-Age=0")),
        "{cookies:?}"
    );
    assert_eq!(
        fetch(&c, format!("{o}/")).await.text().await.unwrap(),
        "hello stranger"
    );
}

#[tokio::test]
async fn update_session_action_runs_the_jwt_update_and_sets_the_cookie() {
    let handler = AuthHandler::new(config()).unwrap();
    let server = serve(app(&handler)).await;
    let o = &server.origin;
    let c = client();
    sign_in(&c, o, "demo").await;
    let res = c
        .post(format!("{o}/rename"))
        .json(&json!({"name": "Renamed"}))
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 200);
    let cookies = set_cookies(&res);
    assert_eq!(
        cookies
            .iter()
            .filter(|c| c.starts_with("authjs.session-token="))
            .count(),
        1,
        "{cookies:?}"
    );
    let body: Value = res.json().await.unwrap();
    assert_eq!(body["user"]["name"], "Renamed");
    assert_eq!(
        fetch(&c, format!("{o}/")).await.text().await.unwrap(),
        "hello Renamed"
    );

    // Signed out: nothing to update.
    let res = client()
        .post(format!("{o}/rename"))
        .json(&json!({"name": "x"}))
        .send()
        .await
        .unwrap();
    assert_eq!(res.text().await.unwrap(), "null");
}

#[tokio::test]
async fn sign_in_action_redirects_to_the_page_or_starts_oauth() {
    let handler = AuthHandler::new(config()).unwrap();
    let server = serve(app(&handler)).await;
    let o = &server.origin;
    let c = client();
    // No provider, or an unknown one: the sign-in page, coming back to the target.
    for provider in ["nowhere", "none"] {
        let res = c
            .post(format!("{o}/login/{provider}"))
            .send()
            .await
            .unwrap();
        assert_eq!(res.status(), 302);
        assert_eq!(
            location(&res),
            format!("{o}/auth/signin?callbackUrl={}", enc("/after"))
        );
    }
    // Credentials without the right values: refused, as next-auth's signIn throws.
    let res = c
        .post(format!("{o}/login/credentials"))
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 401);
    assert_eq!(
        res.json::<Value>().await.unwrap(),
        json!({"error": "CredentialsSignin", "code": "credentials"})
    );
    // With them: signed in, sent to the target with the session cookie, no CSRF token needed.
    let res = c.post(format!("{o}/login-demo")).send().await.unwrap();
    assert_eq!(res.status(), 302);
    assert_eq!(location(&res), format!("{o}/after"));
    assert!(
        set_cookies(&res)
            .iter()
            .any(|c| c.starts_with("authjs.session-token=ey"))
    );
    // OAuth: the engine's sign-in, trusted (no CSRF pair forged), answered with its redirect.
    let res = client()
        .post(format!("{o}/login/example"))
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 302);
    let to = location(&res);
    assert!(to.starts_with("http://127.0.0.1:9/authorize?"), "{to}");
    assert!(to.contains("client_id=client-id"), "{to}");
    assert!(!to.contains("error=MissingCSRF"), "{to}");
    assert!(
        set_cookies(&res)
            .iter()
            .any(|c| c.starts_with("authjs.callback-url="))
    );
}

#[tokio::test]
async fn lazy_configuration_works_through_the_layer_and_actions() {
    let handler = AuthHandler::lazy(|parts| {
        let tenant = parts
            .headers
            .get("x-tenant")
            .and_then(|v| v.to_str().ok())
            .unwrap_or("")
            .to_owned();
        async move {
            let mut config = config();
            if tenant == "b" {
                config.secret = vec![auth_runtime::jose::Secret::new("tenant-b-secret")];
            }
            config
        }
    });
    let server = serve(app(&handler)).await;
    let o = &server.origin;
    let c = client();
    sign_in(&c, o, "demo").await;
    assert_eq!(
        fetch(&c, format!("{o}/")).await.text().await.unwrap(),
        "hello Demo"
    );
    let res = c.post(format!("{o}/logout")).send().await.unwrap();
    assert_eq!(location(&res), format!("{o}/bye"));
    assert_eq!(
        fetch(&c, format!("{o}/")).await.text().await.unwrap(),
        "hello stranger"
    );
    // Another tenant's secret cannot read this tenant's cookie.
    sign_in(&c, o, "demo").await;
    let res = c
        .get(format!("{o}/"))
        .header("x-tenant", "b")
        .send()
        .await
        .unwrap();
    assert_eq!(res.text().await.unwrap(), "hello stranger");
}

/// `RequireAuth` on `Router::route_layer`: it guards exactly the routes of the router it is on,
/// nested or not, runs the `authorized` callback with the path the client sent, and comes back
/// to that path after signing in.
#[tokio::test]
async fn route_layer_guards_protect_nested_routes() {
    use auth_runtime::axum::RequireAuth;
    let handler = AuthHandler::new(config()).unwrap();
    let admin = axum::Router::new()
        .route("/only", get(|| async { "admins only" }))
        .route("/users", get(|| async { "users" }))
        .route_layer(RequireAuth::pages());
    let api = axum::Router::new()
        .route("/private", get(|| async { "private" }))
        .route_layer(RequireAuth::api());
    let app = axum::Router::new()
        .route("/", get(whoami))
        .nest("/admin", admin)
        .nest("/v1", api)
        .merge(auth_runtime::axum::router(&handler))
        .layer(AuthLayer::new(&handler));
    let server = serve(app).await;
    let o = &server.origin;
    let c = client();

    // Signed out: a page goes to the sign-in page and back to the path the client sent.
    let res = fetch(&c, format!("{o}/admin/users?tab=2")).await;
    assert_eq!(res.status(), 303);
    assert_eq!(
        location(&res),
        format!(
            "{o}/auth/signin?callbackUrl={}",
            enc(&format!("{o}/admin/users?tab=2"))
        )
    );
    let res = fetch(&c, format!("{o}/v1/private")).await;
    assert_eq!(res.status(), 401);
    // Routes without the guard stay open; unknown paths are not routed at all.
    assert_eq!(fetch(&c, format!("{o}/")).await.status(), 200);
    assert_eq!(fetch(&c, format!("{o}/admin/%75sers")).await.status(), 404);

    sign_in(&c, o, "demo").await;
    assert_eq!(
        fetch(&c, format!("{o}/admin/users"))
            .await
            .text()
            .await
            .unwrap(),
        "users"
    );
    assert_eq!(
        fetch(&c, format!("{o}/v1/private"))
            .await
            .text()
            .await
            .unwrap(),
        "private"
    );
    // The authorized callback saw `/admin/only` (not the nested `/only`): only Admin passes.
    assert_eq!(fetch(&c, format!("{o}/admin/only")).await.status(), 403);
    let admin_client = client();
    sign_in(&admin_client, o, "admin").await;
    assert_eq!(
        fetch(&admin_client, format!("{o}/admin/only"))
            .await
            .text()
            .await
            .unwrap(),
        "admins only"
    );

    // Without AuthLayer the guard cannot know the session: a 500 that says so.
    let bare: axum::Router = axum::Router::new()
        .route("/x", get(|| async { "x" }))
        .route_layer(RequireAuth::api());
    let server = serve(bare).await;
    assert_eq!(
        fetch(&c, format!("{}/x", server.origin)).await.status(),
        500
    );
}

/// The layer leaves the engine's own routes to the engine: `GET /auth/session` reads the session
/// once (one `session` event), not once in the layer and again in the route.
#[tokio::test]
async fn the_engines_routes_are_read_once() {
    use std::sync::atomic::{AtomicUsize, Ordering};
    let reads = std::sync::Arc::new(AtomicUsize::new(0));
    let counter = reads.clone();
    let events = auth_runtime::callbacks::Events::default().session(move |_| {
        counter.fetch_add(1, Ordering::SeqCst);
        async { Ok(()) }
    });
    let handler = AuthHandler::new(config().events(events)).unwrap();
    let server = serve(app(&handler)).await;
    let (o, c) = (&server.origin, client());
    sign_in(&c, o, "demo").await;
    let before = reads.load(Ordering::SeqCst);
    let session: Value = fetch(&c, format!("{o}/auth/session"))
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(session["user"]["name"], "Demo");
    assert_eq!(reads.load(Ordering::SeqCst) - before, 1);
    // An app route: the layer's read, once.
    fetch(&c, format!("{o}/")).await;
    assert_eq!(reads.load(Ordering::SeqCst) - before, 2);
}

/// A lazy configuration that fails its checks answers with the error page on the request's own
/// origin.
#[tokio::test]
async fn a_broken_lazy_configuration_sends_pages_to_the_error_page_of_this_site() {
    let handler = AuthHandler::lazy(|_| async {
        let mut config = config();
        config.secret.clear();
        config.pages.error = Some("/oops".into());
        config
    });
    let server = serve(app(&handler)).await;
    let o = &server.origin;
    let res = fetch(&client(), format!("{o}/auth/signin")).await;
    assert_eq!(res.status(), 302);
    assert_eq!(location(&res), format!("{o}/oops?error=Configuration"));
    let res = fetch(&client(), format!("{o}/auth/session")).await;
    assert_eq!(res.status(), 500);
}

/// Sends `uri` exactly as written (no client normalises it) and returns the status and body.
async fn raw_get(router: &axum::Router, uri: &str) -> (u16, String) {
    use tower::ServiceExt;
    let request = http::Request::get(uri)
        .header("host", "app.test")
        .body(axum::body::Body::empty())
        .unwrap();
    let response = router.clone().oneshot(request).await.unwrap();
    let status = response.status().as_u16();
    let body = axum::body::to_bytes(response.into_body(), 1 << 16)
        .await
        .unwrap();
    (status, String::from_utf8_lossy(&body).into_owned())
}

#[tokio::test]
async fn protection_covers_encoded_doubled_and_dotted_paths() {
    let handler = AuthHandler::new(config()).unwrap();
    // A wildcard handler reads its path decoded, as file services do.
    let files = axum::Router::new()
        .route(
            "/files/{*path}",
            get(
                |axum::extract::Path(path): axum::extract::Path<String>| async move {
                    format!("served {path}")
                },
            ),
        )
        .layer(AuthLayer::new(&handler).protect("/files/private"));
    assert_eq!(
        raw_get(&files, "/files/public/a").await,
        (200, "served public/a".to_owned())
    );
    // Without the canonical comparison each of these reached the handler as `private/...`.
    for uri in [
        "/files/private/a",
        "/files/%70rivate/a",
        "/files/%2570rivate/a",
        "/files//private/a",
        "/files/./private/a",
        "/files/x/../private/a",
        "/files/x%2F..%2Fprivate/a",
        "/files/PRIVATE/a",
        "/files/private%2Fa",
    ] {
        let (status, body) = raw_get(&files, uri).await;
        assert_eq!(status, 303, "{uri}: {body}");
    }
}

#[tokio::test]
async fn protection_works_inside_a_nested_router_with_either_path() {
    let handler = AuthHandler::new(config()).unwrap();
    for prefix in ["/app/admin", "/admin"] {
        let inner = axum::Router::new()
            .route("/admin/{*rest}", get(|| async { "admin area" }))
            .route("/open", get(|| async { "open" }))
            .layer(AuthLayer::new(&handler).protect(prefix));
        let router = axum::Router::new()
            .nest("/app", inner)
            .merge(auth_runtime::axum::router(&handler));
        let (status, _) = raw_get(&router, "/app/admin/x").await;
        assert_eq!(status, 303, "{prefix}");
        assert_eq!(
            raw_get(&router, "/app/open").await,
            (200, "open".to_owned())
        );
    }
}
