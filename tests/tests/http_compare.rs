//! The same requests sent to the Rust engine and to the real `@auth/core` server
//! (`peers/server.mjs`), configured alike (base path `/auth`, a trusted host, one credentials
//! provider that takes any non-empty username), and the answers compared: status, `Location`,
//! `Set-Cookie` names and attributes, content type and JSON bodies, for every action. Values
//! that are random or time-dependent (CSRF tokens, token values, dates) are masked; pages are
//! compared by status and type only (their wording differs on purpose: docs/differences.md row
//! 25). Each deliberate difference that shows up here is asserted as such, with its row.
//! Finally, each side's real session cookie is accepted by the other.

#![allow(clippy::unwrap_used, clippy::expect_used)]

use auth_runtime::config::AuthConfig;
use auth_runtime::engine::AuthHandler;
use auth_runtime::providers::{CredentialField, CredentialsProvider};
use auth_runtime::types::User;
use auth_tests::AuthServer;
use serde_json::Value;

const SECRET: &str = "http-compare-secret";

/// One side of the comparison: a base URL and a hand-kept cookie jar.
struct Side {
    name: &'static str,
    origin: String,
    jar: Vec<(String, String)>,
    client: reqwest::Client,
}

/// A response with what may differ masked.
#[derive(Debug, Clone, PartialEq)]
struct Seen {
    status: u16,
    location: Option<String>,
    content_type: Option<String>,
    /// `name=<value or empty>; attributes...` with dates and values masked, in order.
    cookies: Vec<String>,
    /// JSON bodies (masked); `None` for other bodies.
    json: Option<Value>,
}

fn mask_json(value: &mut Value, origin: &str) {
    match value {
        Value::Object(map) => {
            for (k, v) in map.iter_mut() {
                match k.as_str() {
                    "csrfToken" | "expires" => *v = Value::String(format!("<{k}>")),
                    _ => mask_json(v, origin),
                }
            }
        }
        Value::Array(items) => items.iter_mut().for_each(|v| mask_json(v, origin)),
        Value::String(text) => *text = text.replace(origin, "<origin>"),
        _ => {}
    }
}

impl Side {
    fn new(name: &'static str, origin: String) -> Self {
        Self {
            name,
            origin,
            jar: Vec::new(),
            client: reqwest::Client::builder()
                .redirect(reqwest::redirect::Policy::none())
                .timeout(std::time::Duration::from_secs(30))
                .build()
                .unwrap(),
        }
    }

    fn cookie_header(&self) -> String {
        self.jar
            .iter()
            .map(|(k, v)| format!("{k}={v}"))
            .collect::<Vec<_>>()
            .join("; ")
    }

    fn cookie(&self, name: &str) -> Option<String> {
        self.jar
            .iter()
            .find(|(n, _)| n == name)
            .map(|(_, v)| v.clone())
    }

    async fn send(&mut self, request: reqwest::RequestBuilder) -> Seen {
        let request = if self.jar.is_empty() {
            request
        } else {
            request.header("cookie", self.cookie_header())
        };
        let response = request.send().await.unwrap();
        let status = response.status().as_u16();
        let header = |name: &str| {
            response
                .headers()
                .get(name)
                .map(|v| v.to_str().unwrap().to_owned())
        };
        let location = header("location").map(|l| l.replace(&self.origin, "<origin>"));
        let content_type = header("content-type").map(|t| t.split(';').next().unwrap().to_owned());
        let mut cookies = Vec::new();
        for line in response.headers().get_all("set-cookie") {
            let line = line.to_str().unwrap();
            let mut attributes = line.split("; ");
            let (name, value) = attributes.next().unwrap().split_once('=').unwrap();
            self.jar.retain(|(n, _)| n != name);
            if !value.is_empty() && !line.contains("Max-Age=0") {
                self.jar.push((name.to_owned(), value.to_owned()));
            }
            let shown = if value.is_empty() { "" } else { "<value>" };
            let rest: Vec<String> = attributes
                .map(|a| {
                    if a.starts_with("Expires=") {
                        "Expires=<date>".to_owned()
                    } else {
                        a.to_owned()
                    }
                })
                .collect();
            cookies.push(format!("{name}={shown}; {}", rest.join("; ")));
        }
        let bytes = response.bytes().await.unwrap();
        let json = if content_type.as_deref() == Some("application/json") {
            let mut value: Value = serde_json::from_slice(&bytes).unwrap();
            mask_json(&mut value, &self.origin);
            Some(value)
        } else {
            None
        };
        Seen {
            status,
            location,
            content_type,
            cookies,
            json,
        }
    }

    async fn get(&mut self, path: &str) -> Seen {
        let request = self.client.get(format!("{}{path}", self.origin));
        self.send(request).await
    }

    async fn post(&mut self, path: &str, form: &[(&str, &str)]) -> Seen {
        let request = self
            .client
            .post(format!("{}{path}", self.origin))
            .form(form);
        self.send(request).await
    }

    async fn csrf(&mut self) -> String {
        let response = self
            .client
            .get(format!("{}/auth/csrf", self.origin))
            .header("cookie", self.cookie_header())
            .send()
            .await
            .unwrap();
        for line in response.headers().get_all("set-cookie") {
            let pair = line.to_str().unwrap().split(';').next().unwrap();
            let (name, value) = pair.split_once('=').unwrap();
            self.jar.retain(|(n, _)| n != name);
            self.jar.push((name.to_owned(), value.to_owned()));
        }
        response.json::<Value>().await.unwrap()["csrfToken"]
            .as_str()
            .unwrap()
            .to_owned()
    }

    async fn sign_in(&mut self, username: &str) -> Seen {
        let token = self.csrf().await;
        self.post(
            "/auth/callback/credentials",
            &[
                ("csrfToken", &token),
                ("username", username),
                ("callbackUrl", "/dashboard"),
            ],
        )
        .await
    }
}

struct Pair {
    _authjs: AuthServer,
    _rust: tokio::task::JoinHandle<()>,
    authjs_origin: String,
    rust_origin: String,
}

impl Pair {
    async fn start() -> Self {
        let authjs = AuthServer::start(&[SECRET]);
        // Re-issued on every read, as Auth.js does (the default waits for update_age).
        let config = AuthConfig::new()
            .secret(SECRET)
            .trust_host(true)
            .jwt_reissue(auth_runtime::config::JwtReissue::EveryRead)
            .provider(
                CredentialsProvider::new()
                    .field(CredentialField::new("username", "Username", "text"))
                    .authorize(|creds, _| async move {
                        let username = creds
                            .get("username")
                            .and_then(Value::as_str)
                            .unwrap_or("")
                            .to_owned();
                        Ok((!username.is_empty()).then(|| {
                            User::new("1")
                                .name(username.clone())
                                .email(format!("{username}@example.com"))
                        }))
                    }),
            );
        let handler = AuthHandler::new(config).unwrap();
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
        let rust_origin = format!("http://{}", listener.local_addr().unwrap());
        let app: axum::Router = auth_runtime::axum::router(&handler);
        let rust = tokio::spawn(async move { axum::serve(listener, app).await.unwrap() });
        Self {
            authjs_origin: authjs.url(""),
            _authjs: authjs,
            _rust: rust,
            rust_origin,
        }
    }

    fn sides(&self) -> (Side, Side) {
        (
            Side::new("Auth.js", self.authjs_origin.clone()),
            Side::new("Rust", self.rust_origin.clone()),
        )
    }
}

fn assert_same(what: &str, authjs: &Seen, rust: &Seen) {
    assert_eq!(
        authjs, rust,
        "{what}: Auth.js (left) and Rust (right) differ"
    );
}

#[tokio::test]
async fn read_only_actions_answer_alike() {
    let pair = Pair::start().await;
    let mut differences = Vec::new();
    for path in [
        "/auth/csrf",
        "/auth/providers",
        "/auth/session",
        "/auth/signin",
        "/auth/signout",
        "/auth/error",
        "/auth/error?error=AccessDenied",
        "/auth/error?error=Verification",
        "/auth/error?error=Configuration",
        "/auth/error?error=Whatever",
        "/auth/verify-request",
        "/auth/nope",
        "/auth/session/extra",
        "/auth/signin?callbackUrl=%2Fdashboard",
        "/auth/signin?callbackUrl=https%3A%2F%2Fevil.example%2F",
        "/auth/signin?error=CredentialsSignin",
    ] {
        let (mut a, mut r) = pair.sides();
        let authjs = a.get(path).await;
        let rust = r.get(path).await;
        if authjs != rust {
            differences.push(format!(
                "GET {path}\n  {}: {authjs:?}\n  {}: {rust:?}",
                a.name, r.name
            ));
        }
    }
    assert!(differences.is_empty(), "{}", differences.join("\n"));
}

#[tokio::test]
async fn a_garbage_session_cookie_is_cleared_alike() {
    let pair = Pair::start().await;
    let (mut a, mut r) = pair.sides();
    for side in [&mut a, &mut r] {
        side.jar
            .push(("authjs.session-token".into(), "not-a-token".into()));
    }
    assert_same(
        "GET /session with garbage",
        &a.get("/auth/session").await,
        &r.get("/auth/session").await,
    );
}

#[tokio::test]
async fn credentials_sign_in_session_update_and_sign_out_answer_alike() {
    let pair = Pair::start().await;
    let (mut a, mut r) = pair.sides();

    let (sa, sr) = (a.sign_in("ada").await, r.sign_in("ada").await);
    assert_same("sign-in", &sa, &sr);
    assert_eq!(sa.location.as_deref(), Some("<origin>/dashboard"));

    assert_same(
        "session after sign-in",
        &a.get("/auth/session").await,
        &r.get("/auth/session").await,
    );

    let (ta, tr) = (a.csrf().await, r.csrf().await);
    let update = |side: &Side, token: &str| {
        side.client
            .post(format!("{}/auth/session", side.origin))
            .json(&serde_json::json!({"csrfToken": token, "data": {"name": "x"}}))
    };
    let (ua, ur) = (update(&a, &ta), update(&r, &tr));
    assert_same("session update", &a.send(ua).await, &r.send(ur).await);

    let (ta, tr) = (a.csrf().await, r.csrf().await);
    let (oa, or) = (
        a.post("/auth/signout", &[("csrfToken", &ta)]).await,
        r.post("/auth/signout", &[("csrfToken", &tr)]).await,
    );
    assert_same("sign-out", &oa, &or);
    assert_same(
        "session after sign-out",
        &a.get("/auth/session").await,
        &r.get("/auth/session").await,
    );
}

#[tokio::test]
async fn refused_posts_answer_alike() {
    let pair = Pair::start().await;

    // Wrong credentials.
    let (mut a, mut r) = pair.sides();
    assert_same("empty username", &a.sign_in("").await, &r.sign_in("").await);

    // No CSRF token on each POST action.
    for path in [
        "/auth/callback/credentials",
        "/auth/signin/credentials",
        "/auth/signout",
    ] {
        let (mut a, mut r) = pair.sides();
        a.csrf().await;
        r.csrf().await;
        let form = [("username", "ada")];
        assert_same(
            &format!("POST {path} without csrfToken"),
            &a.post(path, &form).await,
            &r.post(path, &form).await,
        );
    }

    // A POST to /signin without a provider, and to an unknown provider.
    for path in ["/auth/signin", "/auth/signin/nope", "/auth/callback/nope"] {
        let (mut a, mut r) = pair.sides();
        let (ta, tr) = (a.csrf().await, r.csrf().await);
        assert_same(
            &format!("POST {path}"),
            &a.post(path, &[("csrfToken", &ta)]).await,
            &r.post(path, &[("csrfToken", &tr)]).await,
        );
    }
}

#[tokio::test]
async fn x_auth_return_redirect_answers_alike() {
    let pair = Pair::start().await;
    let (mut a, mut r) = pair.sides();
    let (ta, tr) = (a.csrf().await, r.csrf().await);
    let signout = |side: &Side, token: &str| {
        side.client
            .post(format!("{}/auth/signout", side.origin))
            .header("x-auth-return-redirect", "1")
            .form(&[("csrfToken", token)])
    };
    let (oa, or) = (signout(&a, &ta), signout(&r, &tr));
    let (oa, or) = (a.send(oa).await, r.send(or).await);
    // Row 12: without a session cookie, Rust still sends a deletion of it.
    let mut or_without_row_12 = or.clone();
    or_without_row_12
        .cookies
        .retain(|c| !c.starts_with("authjs.session-token="));
    assert_same(
        "sign-out with X-Auth-Return-Redirect",
        &oa,
        &or_without_row_12,
    );
    assert!(
        or.cookies
            .iter()
            .any(|c| c.starts_with("authjs.session-token=; Max-Age=0")),
        "row 12"
    );
}

#[tokio::test]
async fn each_sides_real_session_cookie_is_accepted_by_the_other() {
    let pair = Pair::start().await;
    let (mut a, mut r) = pair.sides();
    a.sign_in("grace").await;
    r.sign_in("linus").await;
    let from_authjs = a.cookie("authjs.session-token").unwrap();
    let from_rust = r.cookie("authjs.session-token").unwrap();

    let (mut a2, mut r2) = pair.sides();
    r2.jar
        .push(("authjs.session-token".into(), from_authjs.clone()));
    a2.jar
        .push(("authjs.session-token".into(), from_rust.clone()));
    let rust_reads = r2.get("/auth/session").await.json.unwrap();
    let authjs_reads = a2.get("/auth/session").await.json.unwrap();
    assert_eq!(rust_reads["user"]["name"], "grace");
    assert_eq!(rust_reads["user"]["email"], "grace@example.com");
    assert_eq!(authjs_reads["user"]["name"], "linus");
    assert_eq!(authjs_reads["user"]["email"], "linus@example.com");
}
