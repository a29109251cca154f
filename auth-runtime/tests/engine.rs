//! The engine through real HTTP: an axum server on loopback, a real client with a cookie jar.

#![allow(clippy::unwrap_used, clippy::expect_used)]

mod common;

use common::{Server, client, location, set_cookies};

use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};

use auth_runtime::adapter::{Adapter, AdapterSession, MemoryAdapter, SessionAdapter};
use auth_runtime::callbacks::{Callbacks, Events, JwtTrigger, SignInDecision};
use auth_runtime::config::{AuthConfig, JwtReissue, SessionStrategy};
use auth_runtime::engine::AuthHandler;
use auth_runtime::error::AuthError;
use auth_runtime::jose::JwtCodec;
use auth_runtime::providers::{CredentialField, CredentialsProvider};
use auth_runtime::types::User;
use reqwest::redirect::Policy;
use serde_json::{Value, json};

const SECRET: &str = "engine-test-secret";

fn credentials() -> CredentialsProvider {
    CredentialsProvider::new()
        .field(CredentialField::new("username", "Username", "text"))
        .field(CredentialField::new("password", "Password", "password"))
        .authorize(|creds, _req| async move {
            let user = creds.get("username").and_then(Value::as_str).unwrap_or("");
            let pass = creds.get("password").and_then(Value::as_str).unwrap_or("");
            match (user, pass) {
                ("demo", "demo") => Ok(Some(User::new("1").name("Demo").email("demo@example.com"))),
                ("locked", _) => Err(AuthError::credentials_signin("account_locked").into()),
                ("boom", _) => Err("database exploded".into()),
                _ => Ok(None),
            }
        })
}

fn base_config() -> AuthConfig {
    AuthConfig::new()
        .secret(SECRET)
        .trust_host(true)
        .provider(credentials())
}

async fn serve(handler: AuthHandler) -> Server {
    let app: axum::Router = axum::Router::new()
        .route("/", axum::routing::get(|| async { "home" }))
        .merge(auth_runtime::axum::router(&handler));
    common::serve_router(app).await
}

async fn csrf(client: &reqwest::Client, origin: &str) -> String {
    let body: Value = client
        .get(format!("{origin}/auth/csrf"))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    body["csrfToken"].as_str().unwrap().to_owned()
}

async fn sign_in(
    client: &reqwest::Client,
    origin: &str,
    user: &str,
    pass: &str,
    callback: &str,
) -> reqwest::Response {
    let token = csrf(client, origin).await;
    client
        .post(format!("{origin}/auth/callback/credentials"))
        .form(&[
            ("csrfToken", token.as_str()),
            ("username", user),
            ("password", pass),
            ("callbackUrl", callback),
        ])
        .send()
        .await
        .unwrap()
}

async fn session(client: &reqwest::Client, origin: &str) -> Value {
    client
        .get(format!("{origin}/auth/session"))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap()
}

#[tokio::test]
async fn csrf_endpoint_sets_cookie_and_no_cache_headers() {
    let server = serve(AuthHandler::new(base_config()).unwrap()).await;
    let res = client()
        .get(format!("{}/auth/csrf", server.origin))
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 200);
    assert_eq!(
        res.headers()["cache-control"],
        "private, no-cache, no-store"
    );
    assert_eq!(res.headers()["expires"], "0");
    assert_eq!(res.headers()["pragma"], "no-cache");
    let cookies = set_cookies(&res);
    assert!(
        cookies
            .iter()
            .any(|c| c.starts_with("authjs.csrf-token=") && c.contains("%7C"))
    );
    assert!(
        cookies
            .iter()
            .any(|c| c.starts_with("authjs.callback-url="))
    );
    let body: Value = res.json().await.unwrap();
    let token = body["csrfToken"].as_str().unwrap();
    assert_eq!(token.len(), 64);
    assert!(token.bytes().all(|b| b.is_ascii_hexdigit()));
}

#[tokio::test]
async fn providers_lists_absolute_urls() {
    let server = serve(AuthHandler::new(base_config()).unwrap()).await;
    let body: Value = client()
        .get(format!("{}/auth/providers", server.origin))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    let o = &server.origin;
    assert_eq!(
        body,
        json!({"credentials": {
            "id": "credentials", "name": "Credentials", "type": "credentials",
            "signinUrl": format!("{o}/auth/signin/credentials"),
            "callbackUrl": format!("{o}/auth/callback/credentials"),
        }})
    );
}

#[tokio::test]
async fn credentials_sign_in_session_update_and_sign_out() {
    // Re-issued on every read, as Auth.js does (the default waits for update_age: differences
    // row 30).
    let config =
        base_config()
            .jwt_reissue(JwtReissue::EveryRead)
            .callbacks(Callbacks::default().jwt(|p| async move {
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
            }));
    let server = serve(AuthHandler::new(config).unwrap()).await;
    let o = &server.origin;
    let c = client();
    let res = sign_in(&c, o, "demo", "demo", "/dashboard").await;
    assert_eq!(res.status(), 302);
    assert_eq!(location(&res), format!("{o}/dashboard"));
    let cookie = set_cookies(&res)
        .into_iter()
        .find(|c| c.starts_with("authjs.session-token="))
        .expect("session cookie");
    assert!(cookie.contains("; Path=/; Expires="), "{cookie}");
    assert!(cookie.ends_with("; HttpOnly; SameSite=Lax"), "{cookie}");

    let s = session(&c, o).await;
    assert_eq!(
        s["user"],
        json!({"name": "Demo", "email": "demo@example.com"})
    );
    assert!(s["expires"].as_str().unwrap().ends_with('Z'));

    // The session slides: every read re-sets the cookie.
    let res = c.get(format!("{o}/auth/session")).send().await.unwrap();
    assert!(
        set_cookies(&res)
            .iter()
            .any(|c| c.starts_with("authjs.session-token="))
    );

    // next-auth's update(): POST /session with data runs jwt with trigger update.
    let token = csrf(&c, o).await;
    let updated: Value = c
        .post(format!("{o}/auth/session"))
        .json(&json!({"csrfToken": token, "data": {"name": "Renamed"}}))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(updated["user"]["name"], "Renamed");
    assert_eq!(session(&c, o).await["user"]["name"], "Renamed");

    let token = csrf(&c, o).await;
    let res = c
        .post(format!("{o}/auth/signout"))
        .form(&[("csrfToken", token.as_str())])
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 302);
    // The callback-url cookie still holds /dashboard from the sign-in.
    assert_eq!(location(&res), format!("{o}/dashboard"));
    assert!(
        set_cookies(&res)
            .iter()
            .any(|c| c.starts_with("authjs.session-token=; Max-Age=0"))
    );
    assert_eq!(session(&c, o).await, Value::Null);
}

#[tokio::test]
async fn sign_out_without_callback_goes_to_origin_without_trailing_slash() {
    let server = serve(AuthHandler::new(base_config()).unwrap()).await;
    let c = client();
    let token = csrf(&c, &server.origin).await;
    let res = c
        .post(format!("{}/auth/signout", server.origin))
        .form(&[("csrfToken", token.as_str())])
        .send()
        .await
        .unwrap();
    assert_eq!(location(&res), server.origin);
}

#[tokio::test]
async fn wrong_password_redirects_with_credentials_signin_code() {
    let server = serve(AuthHandler::new(base_config()).unwrap()).await;
    let o = &server.origin;
    let res = sign_in(&client(), o, "demo", "nope", "/").await;
    assert_eq!(
        location(&res),
        format!("{o}/auth/signin?error=CredentialsSignin&code=credentials")
    );
    let res = sign_in(&client(), o, "locked", "x", "/").await;
    assert_eq!(
        location(&res),
        format!("{o}/auth/signin?error=CredentialsSignin&code=account_locked")
    );
    let res = sign_in(&client(), o, "boom", "x", "/").await;
    assert_eq!(
        location(&res),
        format!("{o}/auth/error?error=Configuration")
    );
}

#[tokio::test]
async fn csrf_failures_are_missing_csrf_or_400_null() {
    let server = serve(AuthHandler::new(base_config()).unwrap()).await;
    let o = &server.origin;
    let c = client();
    csrf(&c, o).await;
    let res = c
        .post(format!("{o}/auth/signout"))
        .form(&[("csrfToken", "0".repeat(64))])
        .send()
        .await
        .unwrap();
    assert_eq!(location(&res), format!("{o}/auth/signin?error=MissingCSRF"));
    let res = c
        .post(format!("{o}/auth/callback/credentials"))
        .form(&[("username", "demo"), ("password", "demo")])
        .send()
        .await
        .unwrap();
    assert_eq!(location(&res), format!("{o}/auth/signin?error=MissingCSRF"));
    let res = c
        .post(format!("{o}/auth/session"))
        .json(&json!({"data": {}}))
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 400);
    assert_eq!(res.text().await.unwrap(), "null");
}

#[tokio::test]
async fn tampered_and_expired_cookies_give_null_and_are_cleared() {
    let server = serve(AuthHandler::new(base_config()).unwrap()).await;
    let o = &server.origin;
    let codec = JwtCodec::new([SECRET]).unwrap();
    let mut claims = serde_json::Map::new();
    claims.insert("name".into(), "x".into());
    let good = codec.encode(&claims, "authjs.session-token", 60).unwrap();
    let mut tampered = good.clone().into_bytes();
    let i = tampered.len() - 5;
    tampered[i] = if tampered[i] == b'A' { b'B' } else { b'A' };
    let tampered = String::from_utf8(tampered).unwrap();
    let now = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .unwrap()
        .as_secs() as i64;
    let expired = codec
        .encode_at(&claims, "authjs.session-token", 10, now - 100)
        .unwrap();
    for cookie in [
        tampered.as_str(),
        expired.as_str(),
        "garbage",
        "a.b.c.d.e",
        "%%%",
    ] {
        let res = reqwest::Client::new()
            .get(format!("{o}/auth/session"))
            .header("cookie", format!("authjs.session-token={cookie}"))
            .send()
            .await
            .unwrap();
        assert_eq!(res.status(), 200);
        assert!(
            set_cookies(&res)
                .iter()
                .any(|c| c.starts_with("authjs.session-token=; Max-Age=0")),
            "{cookie}"
        );
        assert_eq!(res.text().await.unwrap(), "null");
    }
    let res = reqwest::Client::new()
        .get(format!("{o}/auth/session"))
        .header("cookie", format!("authjs.session-token={good}"))
        .send()
        .await
        .unwrap();
    let body: Value = res.json().await.unwrap();
    assert_eq!(body["user"]["name"], "x");
}

#[tokio::test]
async fn unknown_action_and_methods_are_bad_requests() {
    let server = serve(AuthHandler::new(base_config()).unwrap()).await;
    let o = &server.origin;
    for (method, path) in [
        ("GET", "/auth/nope"),
        ("GET", "/auth/session/extra"),
        ("PUT", "/auth/session"),
        ("GET", "/auth/a/b/c"),
    ] {
        let res = reqwest::Client::new()
            .request(method.parse().unwrap(), format!("{o}{path}"))
            .send()
            .await
            .unwrap();
        assert_eq!(res.status(), 400, "{method} {path}");
        assert_eq!(res.text().await.unwrap(), "\"Bad request.\"");
    }
    let res = client()
        .get(format!("{o}/auth/signin/credentials"))
        .send()
        .await
        .unwrap();
    assert_eq!(
        location(&res),
        format!("{o}/auth/error?error=Configuration")
    );
}

#[tokio::test]
async fn hostile_callback_urls_stay_on_the_origin() {
    let server = serve(AuthHandler::new(base_config()).unwrap()).await;
    let o = &server.origin;
    for hostile in [
        "https://evil.example/steal",
        "//evil.example/x",
        "http://127.0.0.1.evil.example/",
        "/\\evil.example",
    ] {
        let res = sign_in(&client(), o, "demo", "demo", hostile).await;
        let loc = location(&res);
        let parsed = url::Url::parse(&loc).unwrap();
        assert_eq!(
            parsed.origin().ascii_serialization(),
            *o,
            "{hostile} -> {loc}"
        );
    }
    let res = client()
        .get(format!("{o}/auth/signin?callbackUrl=javascript:alert(1)"))
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 500);
}

#[tokio::test]
async fn return_redirect_header_turns_redirects_into_json() {
    let server = serve(AuthHandler::new(base_config()).unwrap()).await;
    let o = &server.origin;
    let c = client();
    let token = csrf(&c, o).await;
    let res = c
        .post(format!("{o}/auth/callback/credentials"))
        .header("x-auth-return-redirect", "1")
        .form(&[
            ("csrfToken", token.as_str()),
            ("username", "demo"),
            ("password", "demo"),
            ("callbackUrl", "/x"),
        ])
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 200);
    assert_eq!(location(&res), format!("{o}/x"));
    assert!(
        set_cookies(&res)
            .iter()
            .any(|c| c.starts_with("authjs.session-token="))
    );
    let body: Value = res.json().await.unwrap();
    assert_eq!(body, json!({"url": format!("{o}/x")}));
}

#[tokio::test]
async fn large_sessions_are_chunked_and_read_back() {
    let config = base_config().callbacks(
        Callbacks::default()
            .jwt(|p| async move {
                let mut token = p.token;
                if p.trigger == Some(JwtTrigger::SignIn) {
                    token.insert("blob", "x".repeat(6000));
                }
                Ok(Some(token))
            })
            .session(|p| async move {
                let mut s = p.session;
                if let Some(t) = &p.token {
                    s.extra.insert(
                        "blobLen".into(),
                        t.get("blob").and_then(Value::as_str).map(str::len).into(),
                    );
                }
                Ok(s)
            }),
    );
    let server = serve(AuthHandler::new(config).unwrap()).await;
    let c = client();
    let res = sign_in(&c, &server.origin, "demo", "demo", "/").await;
    let names: Vec<String> = set_cookies(&res)
        .iter()
        .map(|c| c.split('=').next().unwrap().to_owned())
        .filter(|n| n.starts_with("authjs.session-token"))
        .collect();
    assert_eq!(
        names,
        [
            "authjs.session-token.0",
            "authjs.session-token.1",
            "authjs.session-token.2"
        ]
    );
    assert_eq!(session(&c, &server.origin).await["blobLen"], 6000);
}

#[tokio::test]
async fn sign_in_callback_denial_and_failing_events() {
    let fired = Arc::new(AtomicUsize::new(0));
    let seen = fired.clone();
    let config = base_config()
        .callbacks(Callbacks::default().sign_in(|p| async move {
            Ok(SignInDecision::from(p.user.name.as_deref() == Some("Demo")))
        }))
        .events(Events::default().sign_in(move |_| {
            let seen = seen.clone();
            async move {
                seen.fetch_add(1, Ordering::SeqCst);
                Err("audit log is down".into())
            }
        }));
    let server = serve(AuthHandler::new(config).unwrap()).await;
    let c = client();
    let res = sign_in(&c, &server.origin, "demo", "demo", "/").await;
    assert_eq!(location(&res), format!("{}/", server.origin));
    assert_eq!(fired.load(Ordering::SeqCst), 1);
    assert_eq!(session(&c, &server.origin).await["user"]["name"], "Demo");
}

#[tokio::test]
async fn error_page_statuses_follow_authjs() {
    let server = serve(AuthHandler::new(base_config()).unwrap()).await;
    for (error, status) in [
        ("Configuration", 500),
        ("AccessDenied", 403),
        ("Verification", 403),
        ("Other", 200),
    ] {
        let res = client()
            .get(format!("{}/auth/error?error={error}", server.origin))
            .send()
            .await
            .unwrap();
        assert_eq!(res.status(), status, "{error}");
        assert!(
            res.headers()["content-type"]
                .to_str()
                .unwrap()
                .starts_with("text/html")
        );
    }
    let page = client()
        .get(format!(
            "{}/auth/signin?error=CredentialsSignin",
            server.origin
        ))
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(page.contains("Check the details you provided are correct."));
    assert!(page.contains(r#"name="password""#));
    let res = client()
        .get(format!("{}/auth/signout", server.origin))
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 200);
    let page = res.text().await.unwrap();
    assert!(page.contains("Are you sure you want to sign out?"));
    assert!(page.contains(r#"name="csrfToken""#));
    let res = client()
        .get(format!("{}/auth/verify-request", server.origin))
        .send()
        .await
        .unwrap();
    assert!(res.text().await.unwrap().contains("Check your email"));
}

#[tokio::test]
async fn lazy_configuration_is_built_per_request() {
    let handler = AuthHandler::lazy(|parts| {
        let tenant = parts
            .headers
            .get("x-tenant")
            .and_then(|v| v.to_str().ok())
            .unwrap_or("none")
            .to_owned();
        async move {
            let mut config = base_config();
            if tenant == "broken" {
                config.secret.clear();
            }
            config.base_path = Some("/auth".into());
            config
        }
    });
    let server = serve(handler).await;
    let ok = reqwest::Client::new()
        .get(format!("{}/auth/csrf", server.origin))
        .send()
        .await
        .unwrap();
    assert_eq!(ok.status(), 200);
    let broken = reqwest::Client::new()
        .get(format!("{}/auth/session", server.origin))
        .header("x-tenant", "broken")
        .send()
        .await
        .unwrap();
    assert_eq!(broken.status(), 500);
    let body: Value = broken.json().await.unwrap();
    assert_eq!(
        body["message"],
        "There was a problem with the server configuration. Check the server logs for more information."
    );
}

#[tokio::test]
async fn database_sessions_read_and_sign_out_through_the_adapter() {
    let adapter = Arc::new(MemoryAdapter::new());
    let user = adapter
        .create_user(User::default().name("Db User").email("db@example.com"))
        .await
        .unwrap();
    let expires = time::OffsetDateTime::now_utc() + time::Duration::days(1);
    adapter
        .create_session(AdapterSession {
            session_token: "db-session-1".into(),
            user_id: user.id.clone().unwrap(),
            expires,
        })
        .await
        .unwrap();
    let mut config = base_config().adapter(adapter.clone());
    config.providers.push(
        auth_runtime::providers::OAuthProvider::new(
            "idp",
            "IdP",
            auth_runtime::providers::ProviderKind::Oidc,
        )
        .into(),
    );
    if let auth_runtime::providers::Provider::OAuth(p) = &mut config.providers[1] {
        p.issuer = Some("http://127.0.0.1:1/".into());
    }
    assert_eq!(config.resolved_strategy(), SessionStrategy::Database);
    let server = serve(AuthHandler::new(config).unwrap()).await;
    let o = &server.origin;
    let c = reqwest::Client::builder()
        .redirect(Policy::none())
        .build()
        .unwrap();
    let res = c
        .get(format!("{o}/auth/session"))
        .header("cookie", "authjs.session-token=db-session-1")
        .send()
        .await
        .unwrap();
    assert!(
        set_cookies(&res)
            .iter()
            .any(|c| c.starts_with("authjs.session-token=db-session-1;"))
    );
    let body: Value = res.json().await.unwrap();
    assert_eq!(body["user"]["name"], "Db User");
    // Unknown session ids are cleared.
    let res = c
        .get(format!("{o}/auth/session"))
        .header("cookie", "authjs.session-token=unknown")
        .send()
        .await
        .unwrap();
    assert!(
        set_cookies(&res)
            .iter()
            .any(|c| c.starts_with("authjs.session-token=; Max-Age=0"))
    );
    // Sign out deletes the row.
    let csrf_res = c.get(format!("{o}/auth/csrf")).send().await.unwrap();
    let csrf_cookie = set_cookies(&csrf_res)
        .into_iter()
        .find(|c| c.starts_with("authjs.csrf-token="))
        .unwrap();
    let csrf_pair = csrf_cookie.split(';').next().unwrap().to_owned();
    let token: Value = csrf_res.json().await.unwrap();
    let res = c
        .post(format!("{o}/auth/signout"))
        .header(
            "cookie",
            format!("{csrf_pair}; authjs.session-token=db-session-1"),
        )
        .form(&[("csrfToken", token["csrfToken"].as_str().unwrap())])
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 302);
    assert!(
        adapter
            .get_session_and_user("db-session-1")
            .await
            .unwrap()
            .is_none()
    );
}

#[tokio::test]
async fn secure_origin_uses_prefixed_cookie_names() {
    let mut config = base_config();
    config.url = Some("https://app.example.com/auth".into());
    let server = serve(AuthHandler::new(config).unwrap()).await;
    let res = reqwest::Client::new()
        .get(format!("{}/auth/csrf", server.origin))
        .send()
        .await
        .unwrap();
    let cookies = set_cookies(&res);
    assert!(
        cookies
            .iter()
            .any(|c| c.starts_with("__Host-authjs.csrf-token=") && c.contains("; Secure"))
    );
    assert!(
        cookies
            .iter()
            .any(|c| c.starts_with("__Secure-authjs.callback-url=https%3A%2F%2Fapp.example.com;"))
    );
}

/// Wraps the default token in a versioned envelope, as a custom `jwt.encode`/`jwt.decode` would.
struct Versioned;

impl auth_runtime::jose::SessionTokenCodec for Versioned {
    fn encode(
        &self,
        claims: &serde_json::Map<String, Value>,
        salt: &str,
        max_age: u64,
        default: &JwtCodec,
    ) -> Result<String, auth_runtime::jose::JoseError> {
        Ok(format!("v2.{}", default.encode(claims, salt, max_age)?))
    }

    fn decode(
        &self,
        token: &str,
        salt: &str,
        default: &JwtCodec,
    ) -> Result<serde_json::Map<String, Value>, auth_runtime::jose::JoseError> {
        let inner = token
            .strip_prefix("v2.")
            .ok_or(auth_runtime::jose::JoseError::Malformed(
                "missing v2 prefix",
            ))?;
        default.decode(inner, salt)
    }
}

#[tokio::test]
async fn custom_session_codec_replaces_the_token_format() {
    let mut config = base_config();
    config.jwt.codec = Some(Arc::new(Versioned));
    let server = serve(AuthHandler::new(config).unwrap()).await;
    let c = client();
    let res = sign_in(&c, &server.origin, "demo", "demo", "/").await;
    assert!(
        set_cookies(&res)
            .iter()
            .any(|c| c.starts_with("authjs.session-token=v2.")),
        "{:?}",
        set_cookies(&res)
    );
    assert_eq!(session(&c, &server.origin).await["user"]["name"], "Demo");
}

#[tokio::test]
async fn credentials_users_stay_signed_in_when_oauth_users_have_database_sessions() {
    let mut config = base_config().adapter(Arc::new(MemoryAdapter::new()));
    config.providers.push(
        auth_runtime::providers::OAuthProvider::new(
            "idp",
            "IdP",
            auth_runtime::providers::ProviderKind::Oidc,
        )
        .issuer("http://127.0.0.1:1/")
        .into(),
    );
    assert_eq!(config.resolved_strategy(), SessionStrategy::Database);
    let server = serve(AuthHandler::new(config).unwrap()).await;
    let c = client();
    let res = sign_in(&c, &server.origin, "demo", "demo", "/").await;
    assert_eq!(location(&res), format!("{}/", server.origin));
    assert_eq!(session(&c, &server.origin).await["user"]["name"], "Demo");
}

#[tokio::test]
async fn sign_in_callback_can_deny_or_redirect() {
    let deny = base_config()
        .callbacks(Callbacks::default().sign_in(|_| async { Ok(SignInDecision::Deny) }));
    let server = serve(AuthHandler::new(deny).unwrap()).await;
    let c = client();
    let res = sign_in(&c, &server.origin, "demo", "demo", "/").await;
    assert_eq!(
        location(&res),
        format!("{}/auth/error?error=AccessDenied", server.origin)
    );
    assert!(
        !set_cookies(&res)
            .iter()
            .any(|c| c.starts_with("authjs.session-token=e")),
        "no session for a denied sign-in"
    );
    assert_eq!(session(&c, &server.origin).await, Value::Null);

    let elsewhere = base_config().callbacks(
        Callbacks::default().sign_in(|_| async { Ok(SignInDecision::Redirect("/not-yet".into())) }),
    );
    let server = serve(AuthHandler::new(elsewhere).unwrap()).await;
    let res = sign_in(&client(), &server.origin, "demo", "demo", "/").await;
    assert_eq!(location(&res), format!("{}/not-yet", server.origin));

    let failing = base_config()
        .callbacks(Callbacks::default().sign_in(|_| async { Err("policy service down".into()) }));
    let server = serve(AuthHandler::new(failing).unwrap()).await;
    let res = sign_in(&client(), &server.origin, "demo", "demo", "/").await;
    assert_eq!(
        location(&res),
        format!("{}/auth/error?error=AccessDenied", server.origin)
    );
}
