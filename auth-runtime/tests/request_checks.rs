//! The checks every request meets before an action runs, each pinned to its reason: CSRF on every
//! POST action (forged cookie and forged body token), callback URLs and hostile redirects, host
//! trust with and without `X-Forwarded-*`, and database sessions that expired or were revoked.

#![allow(clippy::unwrap_used, clippy::expect_used)]

mod common;

use std::sync::Arc;

use common::browser::Browser;
use common::idp::MockIdp;

use auth_runtime::adapter::{Adapter, AdapterSession, MemoryAdapter, SessionAdapter};
use auth_runtime::config::{AuthConfig, SessionStrategy};
use auth_runtime::error::{ErrorType, Reason};
use auth_runtime::providers::{CredentialField, CredentialsProvider};
use auth_runtime::types::User;
use serde_json::{Value, json};
use time::{Duration, OffsetDateTime};

const ORIGIN: &str = "http://app.test";
const SECRET: &str = "request-checks-secret";

fn credentials() -> CredentialsProvider {
    CredentialsProvider::new()
        .field(CredentialField::new("username", "Username", "text"))
        .field(CredentialField::new("password", "Password", "password"))
        .authorize(|creds, _req| async move {
            let user = creds.get("username").and_then(Value::as_str).unwrap_or("");
            let pass = creds.get("password").and_then(Value::as_str).unwrap_or("");
            Ok((user == "demo" && pass == "demo")
                .then(|| User::new("1").name("Demo").email("demo@example.com")))
        })
}

fn config() -> AuthConfig {
    AuthConfig::new()
        .secret(SECRET)
        .trust_host(true)
        .provider(credentials())
}

async fn signed_in(config: AuthConfig) -> Browser {
    let mut b = Browser::new(config, ORIGIN);
    let token = b.csrf().await;
    let reply = b
        .post(
            "/auth/callback/credentials",
            &[
                ("csrfToken", &token),
                ("username", "demo"),
                ("password", "demo"),
            ],
        )
        .await;
    assert_eq!(reply.status, 302);
    assert!(b.jar.contains_key("authjs.session-token"));
    b
}

/// How a POST's CSRF proof is broken.
#[derive(Debug, Clone, Copy)]
enum Forgery {
    /// No CSRF cookie at all; a token from another visitor in the body.
    NoCookie,
    /// A cookie whose hash was not made with the secret, and its token in the body.
    ForgedCookie,
    /// A valid cookie, no token in the body.
    NoBodyToken,
    /// A valid cookie, another token in the body.
    WrongBodyToken,
}

impl Forgery {
    const ALL: [Forgery; 4] = [
        Forgery::NoCookie,
        Forgery::ForgedCookie,
        Forgery::NoBodyToken,
        Forgery::WrongBodyToken,
    ];

    fn reason(self) -> Reason {
        match self {
            Forgery::NoCookie | Forgery::ForgedCookie => Reason::CsrfCookieInvalid,
            Forgery::NoBodyToken | Forgery::WrongBodyToken => Reason::CsrfTokenMismatch,
        }
    }

    /// Prepares the jar and returns the body token to send (if any).
    async fn apply(self, b: &mut Browser) -> Option<String> {
        let token = b.csrf().await;
        match self {
            Forgery::NoCookie => {
                b.jar.remove("authjs.csrf-token");
                Some("a".repeat(64))
            }
            Forgery::ForgedCookie => {
                let forged = "b".repeat(64);
                b.jar.insert(
                    "authjs.csrf-token".into(),
                    format!("{forged}%7C{}", "0".repeat(64)),
                );
                Some(forged)
            }
            Forgery::NoBodyToken => None,
            Forgery::WrongBodyToken => {
                let last = if token.ends_with('0') { '1' } else { '0' };
                Some(format!("{}{last}", &token[..63]))
            }
        }
    }
}

fn form_with(
    token: &Option<String>,
    rest: &[(&'static str, &'static str)],
) -> Vec<(String, String)> {
    let mut form: Vec<(String, String)> = rest
        .iter()
        .map(|(k, v)| ((*k).to_owned(), (*v).to_owned()))
        .collect();
    if let Some(t) = token {
        form.push(("csrfToken".into(), t.clone()));
    }
    form
}

async fn post_owned(
    b: &mut Browser,
    url: &str,
    form: &[(String, String)],
) -> common::browser::Reply {
    let borrowed: Vec<(&str, &str)> = form.iter().map(|(k, v)| (k.as_str(), v.as_str())).collect();
    b.post(url, &borrowed).await
}

fn assert_missing_csrf(b: &Browser, reply: &common::browser::Reply, forgery: Forgery) {
    assert_eq!(
        reply.location(),
        "http://app.test/auth/signin?error=MissingCSRF",
        "{forgery:?}"
    );
    let logged = b.log.take();
    assert_eq!(logged.len(), 1, "{forgery:?}: {logged:?}");
    assert_eq!(logged[0].error_type, ErrorType::MissingCSRF);
    assert_eq!(logged[0].reason, Some(forgery.reason()), "{forgery:?}");
}

#[tokio::test]
async fn credentials_sign_in_refuses_every_csrf_forgery() {
    for forgery in Forgery::ALL {
        let mut b = Browser::new(config(), ORIGIN);
        let token = forgery.apply(&mut b).await;
        let form = form_with(&token, &[("username", "demo"), ("password", "demo")]);
        let reply = post_owned(&mut b, "/auth/callback/credentials", &form).await;
        assert_missing_csrf(&b, &reply, forgery);
        assert!(!b.jar.contains_key("authjs.session-token"), "{forgery:?}");
    }
}

#[tokio::test]
async fn oauth_sign_in_refuses_every_csrf_forgery() {
    for forgery in Forgery::ALL {
        let idp = MockIdp::new();
        let mut b = Browser::new(config().provider(idp.provider("mock")), ORIGIN);
        let token = forgery.apply(&mut b).await;
        let form = form_with(&token, &[("callbackUrl", "/after")]);
        let reply = post_owned(&mut b, "/auth/signin/mock", &form).await;
        assert_missing_csrf(&b, &reply, forgery);
        assert!(idp.last_authorize().is_empty());
        assert!(!b.jar.contains_key("authjs.state"), "{forgery:?}");
        assert_eq!(idp.requests(), Vec::<String>::new(), "{forgery:?}");
    }
}

#[tokio::test]
async fn sign_out_refuses_every_csrf_forgery_and_keeps_the_session() {
    for forgery in Forgery::ALL {
        let mut b = signed_in(config()).await;
        let token = forgery.apply(&mut b).await;
        let reply = post_owned(&mut b, "/auth/signout", &form_with(&token, &[])).await;
        assert_missing_csrf(&b, &reply, forgery);
        assert_eq!(b.session().await["user"]["name"], "Demo", "{forgery:?}");
    }
}

#[tokio::test]
async fn session_update_refuses_every_csrf_forgery_and_changes_nothing() {
    let renaming = || {
        config().callbacks(
            auth_runtime::callbacks::Callbacks::default().jwt(|p| async move {
                let mut token = p.token;
                if let Some(name) = p.session.as_ref().and_then(|s| s.get("name")).cloned() {
                    token.insert("name", name);
                }
                Ok(Some(token))
            }),
        )
    };
    for forgery in Forgery::ALL {
        let mut b = signed_in(renaming()).await;
        let token = forgery.apply(&mut b).await;
        let mut body = json!({"data": {"name": "Mallory"}});
        if let Some(t) = token {
            body["csrfToken"] = t.into();
        }
        let reply = b.post_json("/auth/session", &body).await;
        assert_eq!(reply.status, 400, "{forgery:?}");
        assert_eq!(reply.json(), Value::Null);
        let logged = b.log.take();
        assert_eq!(logged[0].reason, Some(forgery.reason()), "{forgery:?}");
        assert_eq!(b.session().await["user"]["name"], "Demo", "{forgery:?}");
    }
    // The genuine update goes through.
    let mut b = signed_in(renaming()).await;
    let token = b.csrf().await;
    let reply = b
        .post_json(
            "/auth/session",
            &json!({"csrfToken": token, "data": {"name": "Renamed"}}),
        )
        .await;
    assert_eq!(reply.json()["user"]["name"], "Renamed");
}

#[tokio::test]
async fn skip_csrf_check_is_the_only_way_around_csrf() {
    let mut config = config();
    config.skip_csrf_check = true;
    let mut b = Browser::new(config, ORIGIN);
    let reply = b
        .post(
            "/auth/callback/credentials",
            &[("username", "demo"), ("password", "demo")],
        )
        .await;
    assert_eq!(reply.location(), "http://app.test");
    assert!(b.jar.contains_key("authjs.session-token"));
    assert_eq!(b.get("/auth/csrf").await.status, 404);
}

/// Signs in with `callbackUrl` and returns where the browser is sent.
async fn redirect_after_sign_in(callback_url: &str) -> (u16, String, Vec<Reason>) {
    let mut b = Browser::new(config(), ORIGIN);
    let token = b.csrf().await;
    let reply = b
        .post(
            "/auth/callback/credentials",
            &[
                ("csrfToken", &token),
                ("username", "demo"),
                ("password", "demo"),
                ("callbackUrl", callback_url),
            ],
        )
        .await;
    (reply.status, reply.location(), b.log.reasons())
}

#[tokio::test]
async fn hostile_callback_urls_end_on_the_origin() {
    for hostile in [
        "http://app.test@evil.example/",
        "http://app.test:80@evil.example/",
        "http://app.test.evil.example/",
        "http://app.testevil.example/",
        "http://app.test:8080/",
        "https://app.test/",
        "http://evil.example/?next=http://app.test/",
        "http://evil.example/http://app.test",
        "http://аpp.test/",
        "javascript:alert(1)",
        "data:text/html,<script>alert(1)</script>",
        "http:evil.example",
    ] {
        let (status, location, reasons) = redirect_after_sign_in(hostile).await;
        assert_eq!(status, 302, "{hostile}");
        assert_eq!(location, ORIGIN, "{hostile}");
        assert!(reasons.is_empty(), "{hostile}: {reasons:?}");
    }
}

#[tokio::test]
async fn same_origin_callback_urls_are_kept() {
    for (asked, expected) in [
        ("/dashboard?tab=1", "http://app.test/dashboard?tab=1"),
        ("http://app.test/x", "http://app.test/x"),
        // Kept as asked, as Auth.js does, once its origin is ours.
        ("http://app.test:80/x", "http://app.test:80/x"),
        ("HTTP://APP.TEST/x", "HTTP://APP.TEST/x"),
        // A path that looks like another host stays on this origin.
        ("//evil.example/x", "http://app.test//evil.example/x"),
    ] {
        let (status, location, _) = redirect_after_sign_in(asked).await;
        assert_eq!(status, 302, "{asked}");
        assert_eq!(location, expected, "{asked}");
    }
}

#[tokio::test]
async fn callback_urls_that_are_not_http_urls_are_refused_with_their_reason() {
    let mut b = Browser::new(config(), ORIGIN);
    let reply = b
        .get("/auth/signin?callbackUrl=javascript%3Aalert(1)")
        .await;
    assert_eq!(reply.status, 500);
    assert_eq!(b.log.reasons(), [Reason::CallbackUrlQueryInvalid]);

    // A bad callback-url cookie is ignored and replaced, never an error of every endpoint.
    for planted in ["ftp://evil.example/", "javascript:alert(1)", "%%%"] {
        let mut b = Browser::new(config(), ORIGIN);
        b.jar.insert("authjs.callback-url".into(), planted.into());
        assert_eq!(b.get("/auth/providers").await.status, 200, "{planted}");
        assert_eq!(b.get("/auth/session").await.status, 200, "{planted}");
        let reply = b.get("/auth/signin").await;
        assert_eq!(reply.status, 200, "{planted}");
        assert_eq!(
            b.jar["authjs.callback-url"], "http%3A%2F%2Fapp.test",
            "{planted}"
        );
        assert!(b.log.reasons().is_empty(), "{planted}");
    }

    // In the body it reaches the redirect callback, which cannot parse it.
    let (status, _, reasons) = redirect_after_sign_in("http://[::1").await;
    assert_eq!(status, 500);
    assert_eq!(reasons, [Reason::RedirectUrlInvalid]);
}

/// The origin the engine builds URLs with, read from `GET /providers`.
async fn seen_origin(b: &mut Browser) -> Result<String, Vec<Reason>> {
    let reply = b.get("/auth/providers").await;
    if reply.status != 200 {
        return Err(b.log.reasons());
    }
    let url = reply.json()["credentials"]["signinUrl"]
        .as_str()
        .unwrap()
        .to_owned();
    Ok(url.trim_end_matches("/auth/signin/credentials").to_owned())
}

fn forwarded(b: &mut Browser, host: &str, proto: &str) {
    b.headers = vec![
        ("x-forwarded-host".into(), host.into()),
        ("x-forwarded-proto".into(), proto.into()),
    ];
}

#[tokio::test]
async fn trust_host_off_without_a_url_refuses_every_request() {
    let mut config = config();
    config.trust_host = Some(false);
    let log = common::browser::Capture::default();
    config.logger = Arc::new(log.clone());
    // The handler cannot even be built.
    let err = auth_runtime::engine::AuthHandler::new(config.clone()).unwrap_err();
    assert_eq!(err.error_type(), ErrorType::UntrustedHost);
    assert_eq!(err.reason(), Some(Reason::HostNotTrusted));
    // A lazy configuration answers 500 on every request.
    let handler = auth_runtime::engine::AuthHandler::lazy(move |_| {
        let config = config.clone();
        async move { config }
    });
    for path in ["/auth/session", "/auth/csrf", "/auth/signin"] {
        let request = http::Request::get(format!("{ORIGIN}{path}"))
            .header("host", "app.test")
            .body(bytes::Bytes::new())
            .unwrap();
        let response = handler.handle(request).await;
        assert_eq!(response.status(), 500, "{path}");
    }
    assert_eq!(
        log.reasons(),
        [
            Reason::HostNotTrusted,
            Reason::HostNotTrusted,
            Reason::HostNotTrusted
        ]
    );
}

#[tokio::test]
async fn a_configured_url_wins_over_every_header_whatever_trust_host_says() {
    for trust in [Some(false), Some(true), None] {
        let mut config = config();
        config.trust_host = trust;
        config.url = Some("https://app.example/auth".into());
        let mut b = Browser::new(config, ORIGIN);
        forwarded(&mut b, "evil.example", "http");
        assert_eq!(
            seen_origin(&mut b).await.unwrap(),
            "https://app.example",
            "{trust:?}"
        );
    }
}

#[tokio::test]
async fn a_trusted_host_takes_the_forwarded_headers_and_refuses_malformed_ones() {
    let mut b = Browser::new(config(), ORIGIN);
    assert_eq!(seen_origin(&mut b).await.unwrap(), "http://app.test");
    forwarded(&mut b, "proxy.example, inner.example", "https");
    assert_eq!(seen_origin(&mut b).await.unwrap(), "https://proxy.example");
    for (host, proto, reason) in [
        ("proxy.example", "ftp", Reason::ForwardedProtoInvalid),
        ("user@evil.example", "https", Reason::HostInvalid),
        ("evil.example/path", "https", Reason::HostInvalid),
        ("evil.example?x", "https", Reason::HostInvalid),
        ("evil.example#x", "https", Reason::HostInvalid),
        ("evil example", "https", Reason::HostInvalid),
        ("evil\\example", "https", Reason::HostInvalid),
        ("[::1", "https", Reason::HostInvalid),
    ] {
        let mut b = Browser::new(config(), ORIGIN);
        forwarded(&mut b, host, proto);
        assert_eq!(
            seen_origin(&mut b).await,
            Err(vec![reason]),
            "{host} {proto}"
        );
    }
}

#[tokio::test]
async fn unset_trust_host_in_development_trusts_the_host_header() {
    // Debug builds are development (no AUTH_ENV/NODE_ENV=production in the test environment).
    let mut config = config();
    config.trust_host = None;
    let mut b = Browser::new(config, ORIGIN);
    forwarded(&mut b, "proxy.example", "https");
    assert_eq!(seen_origin(&mut b).await.unwrap(), "https://proxy.example");
}

#[tokio::test]
async fn a_request_without_any_host_is_refused() {
    let log = common::browser::Capture::default();
    let mut config = config();
    config.logger = Arc::new(log.clone());
    let handler = auth_runtime::engine::AuthHandler::new(config).unwrap();
    let request = http::Request::get("/auth/session")
        .body(bytes::Bytes::new())
        .unwrap();
    assert_eq!(handler.handle(request).await.status(), 500);
    assert_eq!(log.reasons(), [Reason::HostMissing]);
}

fn database_config(adapter: Arc<MemoryAdapter>) -> AuthConfig {
    let idp_free = AuthConfig::new()
        .secret(SECRET)
        .trust_host(true)
        .provider(credentials())
        .provider(MockIdp::new().provider("mock"))
        .adapter(adapter);
    let mut config = idp_free;
    config.session.strategy = Some(SessionStrategy::Database);
    config
}

async fn stored_session(adapter: &MemoryAdapter, expires: OffsetDateTime) -> String {
    let user = adapter
        .create_user(User::default().name("Stored").email("stored@example.com"))
        .await
        .unwrap();
    let token = format!("session-{}", expires.unix_timestamp());
    adapter
        .create_session(AdapterSession {
            session_token: token.clone(),
            user_id: user.id.unwrap(),
            expires,
        })
        .await
        .unwrap();
    token
}

fn parts_with_cookie(cookie: &str) -> http::request::Parts {
    http::Request::get(format!("{ORIGIN}/"))
        .header("host", "app.test")
        .header("cookie", cookie)
        .body(())
        .unwrap()
        .into_parts()
        .0
}

#[tokio::test]
async fn an_expired_database_session_is_neither_served_nor_extended_and_is_deleted() {
    let adapter = Arc::new(MemoryAdapter::new());
    let expired = OffsetDateTime::now_utc() - Duration::seconds(1);
    let token = stored_session(&adapter, expired).await;
    let mut b = Browser::new(database_config(adapter.clone()), ORIGIN);

    let handler = b.handler.clone();
    let cookie = format!("authjs.session-token={token}");
    assert!(handler.session(&parts_with_cookie(&cookie)).await.is_none());

    b.jar.insert("authjs.session-token".into(), token.clone());
    let reply = b.get("/auth/session").await;
    assert_eq!(reply.json(), Value::Null);
    assert!(
        reply
            .set_cookies()
            .iter()
            .any(|c| c.starts_with("authjs.session-token=; Max-Age=0")),
        "the cookie is cleared"
    );
    assert!(
        adapter
            .get_session_and_user(&token)
            .await
            .unwrap()
            .is_none(),
        "the row is deleted"
    );
}

#[tokio::test]
async fn a_revoked_database_session_signs_the_user_out() {
    let adapter = Arc::new(MemoryAdapter::new());
    let token = stored_session(&adapter, OffsetDateTime::now_utc() + Duration::days(1)).await;
    let mut b = Browser::new(database_config(adapter.clone()), ORIGIN);
    b.jar.insert("authjs.session-token".into(), token.clone());
    assert_eq!(b.session().await["user"]["name"], "Stored");

    adapter.delete_session(&token).await.unwrap();
    let handler = b.handler.clone();
    let cookie = format!("authjs.session-token={token}");
    assert!(handler.session(&parts_with_cookie(&cookie)).await.is_none());
    let reply = b.get("/auth/session").await;
    assert_eq!(reply.json(), Value::Null);
    assert!(
        !b.jar.contains_key("authjs.session-token"),
        "cookie cleared"
    );
}

#[tokio::test]
async fn a_database_session_is_extended_only_once_update_age_has_passed() {
    let adapter = Arc::new(MemoryAdapter::new());
    let max_age = Duration::days(30);
    // Written just now: not due (update_age is a day).
    let fresh = OffsetDateTime::now_utc() + max_age - Duration::seconds(10);
    let token = stored_session(&adapter, fresh).await;
    let mut b = Browser::new(database_config(adapter.clone()), ORIGIN);
    b.jar.insert("authjs.session-token".into(), token.clone());
    b.session().await;
    let (row, _) = adapter.get_session_and_user(&token).await.unwrap().unwrap();
    assert_eq!(row.expires, fresh, "not extended before update_age");

    // Written two days ago: due.
    let old = OffsetDateTime::now_utc() + max_age - Duration::days(2);
    let token = stored_session(&adapter, old).await;
    b.jar.insert("authjs.session-token".into(), token.clone());
    let session = b.session().await;
    let (row, _) = adapter.get_session_and_user(&token).await.unwrap().unwrap();
    assert!(row.expires > old + Duration::days(1), "extended");
    assert_eq!(
        session["expires"],
        auth_runtime_iso(row.expires),
        "the response reports the expiry in force"
    );
}

fn auth_runtime_iso(at: OffsetDateTime) -> String {
    let f = time::format_description::well_known::Rfc3339;
    let text = at
        .replace_nanosecond(at.millisecond() as u32 * 1_000_000)
        .unwrap()
        .format(&f)
        .unwrap();
    // JavaScript's toISOString: always three fraction digits.
    match text.split_once('.') {
        Some((head, frac)) => format!("{head}.{:0<3}Z", frac.trim_end_matches('Z')),
        None => format!("{}.000Z", text.trim_end_matches('Z')),
    }
}

#[tokio::test]
async fn expired_and_tampered_jwt_sessions_read_as_signed_out_and_are_cleared() {
    let codec = auth_runtime::jose::JwtCodec::new([SECRET]).unwrap();
    let mut claims = serde_json::Map::new();
    claims.insert("name".into(), "Old".into());
    claims.insert("sub".into(), "1".into());
    // exp 20 s ago: beyond the 15 s tolerance.
    let now = OffsetDateTime::now_utc().unix_timestamp();
    let expired = codec
        .encode_at(&claims, "authjs.session-token", 80, now - 100)
        .unwrap();
    let valid = codec.encode(&claims, "authjs.session-token", 60).unwrap();
    let tampered = {
        let mut parts: Vec<String> = valid.split('.').map(str::to_owned).collect();
        let tag = parts[4].clone();
        let flipped = if tag.starts_with('A') { "B" } else { "A" };
        parts[4] = format!("{flipped}{}", &tag[1..]);
        parts.join(".")
    };
    for token in [expired, tampered] {
        let mut b = Browser::new(config(), ORIGIN);
        let handler = b.handler.clone();
        let cookie = format!("authjs.session-token={token}");
        assert!(handler.session(&parts_with_cookie(&cookie)).await.is_none());
        b.jar.insert("authjs.session-token".into(), token);
        let reply = b.get("/auth/session").await;
        assert_eq!(reply.json(), Value::Null);
        assert!(!b.jar.contains_key("authjs.session-token"));
        let logged = b.log.take();
        assert_eq!(logged[0].error_type, ErrorType::JWTSessionError);
    }
}

fn parse_iso(text: &str) -> OffsetDateTime {
    OffsetDateTime::parse(text, &time::format_description::well_known::Rfc3339).unwrap()
}

#[tokio::test]
async fn sessions_report_and_set_an_expiry_max_age_from_now() {
    // JWT, re-issued on every read as Auth.js does: the session's expiry and the cookie's.
    let mut b = signed_in(config().jwt_reissue(auth_runtime::config::JwtReissue::EveryRead)).await;
    let now = OffsetDateTime::now_utc();
    let thirty_days = Duration::days(30);
    let reply = b.get("/auth/session").await;
    let expires = parse_iso(reply.json()["expires"].as_str().unwrap());
    assert!(
        (expires - (now + thirty_days)).abs() < Duration::seconds(5),
        "{expires}"
    );
    let cookie = reply
        .set_cookies()
        .into_iter()
        .find(|c| c.starts_with("authjs.session-token="))
        .unwrap();
    assert!(
        cookie.contains(&auth_runtime::cookies::http_date(expires)[..16]),
        "{cookie}"
    );

    // next-auth's auth(): the same read, the same expiry, and the cookie that slides it.
    let handler = b.handler.clone();
    let outcome = handler
        .auth(&parts_with_cookie(&b.cookie_header()))
        .await
        .unwrap();
    let session = outcome.value.clone().unwrap();
    let expires = parse_iso(&session.expires);
    assert!((expires - (now + thirty_days)).abs() < Duration::seconds(5));
    assert!(
        outcome
            .cookies
            .iter()
            .any(|c| c.name == "authjs.session-token" && c.expires.is_some())
    );

    // Database: auth() slides a session that is due, as GET /session does (update_age 24 h),
    // and a session that is not due keeps its stored expiry.
    let adapter = Arc::new(MemoryAdapter::new());
    let due = OffsetDateTime::now_utc() + Duration::hours(5);
    let token = stored_session(&adapter, due).await;
    let b = Browser::new(database_config(adapter.clone()), ORIGIN);
    let session = b
        .handler
        .session(&parts_with_cookie(&format!("authjs.session-token={token}")))
        .await
        .expect("a live database session");
    assert_eq!(session.user.name.as_deref(), Some("Stored"));
    let slid = now + thirty_days;
    assert!((parse_iso(&session.expires) - slid).abs() < Duration::seconds(5));
    let (stored, _) = adapter.get_session_and_user(&token).await.unwrap().unwrap();
    assert!((stored.expires - slid).abs() < Duration::seconds(5));

    let fresh = OffsetDateTime::now_utc() + thirty_days - Duration::hours(1);
    let token = stored_session(&adapter, fresh).await;
    let session = b
        .handler
        .session(&parts_with_cookie(&format!("authjs.session-token={token}")))
        .await
        .unwrap();
    assert!((parse_iso(&session.expires) - fresh).abs() < Duration::seconds(1));
}

#[tokio::test]
async fn webauthn_options_needs_a_passkey_provider() {
    let mut b = Browser::new(config(), ORIGIN);
    // No such provider, and a provider that is not a passkey one.
    for path in [
        "/auth/webauthn-options/passkey",
        "/auth/webauthn-options/credentials",
    ] {
        let reply = b.get(path).await;
        assert_eq!(
            reply.location(),
            "http://app.test/auth/error?error=Configuration",
            "{path}"
        );
        assert_eq!(
            b.log.take()[0].error_type,
            ErrorType::InvalidProvider,
            "{path}"
        );
    }
    // POST is not an action there, and a misspelled action is not a route.
    let reply = b.post("/auth/webauthn-options/passkey", &[]).await;
    assert_eq!(
        b.log.take()[0].error_type,
        ErrorType::UnknownAction,
        "{}",
        reply.status
    );
    assert_eq!(b.get("/auth/webauthn-option/passkey").await.status, 400);
}

#[tokio::test]
async fn authorize_sees_the_request_url_and_headers() {
    let seen = Arc::new(std::sync::Mutex::new(None));
    let keep = seen.clone();
    let provider = CredentialsProvider::new().authorize(move |_, request| {
        *keep.lock().unwrap() = Some((
            request.url.clone(),
            request
                .headers
                .get("x-test")
                .map(|v| v.to_str().unwrap().to_owned()),
        ));
        async { Ok(None) }
    });
    let mut b = Browser::new(
        AuthConfig::new()
            .secret(SECRET)
            .trust_host(true)
            .provider(provider),
        ORIGIN,
    );
    b.headers.push(("x-test".into(), "yes".into()));
    let token = b.csrf().await;
    b.post(
        "/auth/callback/credentials?from=test",
        &[("csrfToken", &token)],
    )
    .await;
    assert_eq!(
        seen.lock().unwrap().clone(),
        Some((
            "http://app.test/auth/callback/credentials?from=test".to_owned(),
            Some("yes".to_owned())
        ))
    );
}

#[tokio::test]
async fn built_in_forms_carry_the_visitors_csrf_token() {
    let mut b = Browser::new(config(), ORIGIN);
    let token = b.csrf().await;
    for page in ["/auth/signin", "/auth/signout"] {
        let html = b.get(page).await.text();
        assert!(
            html.contains(&format!(r#"name="csrfToken" value="{token}""#)),
            "{page}: {html}"
        );
    }
}

#[tokio::test]
async fn a_custom_verify_request_page_gets_the_query_as_it_came() {
    let mut config = config();
    config.pages.verify_request = Some("/check-email".into());
    let mut b = Browser::new(config, ORIGIN);
    assert_eq!(
        b.get("/auth/verify-request?provider=email&type=email")
            .await
            .location(),
        "/check-email?provider=email&type=email"
    );
    assert_eq!(
        b.get("/auth/verify-request").await.location(),
        "/check-email"
    );
}

#[tokio::test]
async fn a_cookie_header_of_junk_chunks_gets_a_bounded_answer() {
    let handler = auth_runtime::engine::AuthHandler::new(config()).unwrap();
    // 50,000 junk session chunks and repeated names: what used to cost seconds of CPU.
    let junk: String = (0..50_000)
        .map(|i| format!("authjs.session-token.{i}=x; a{}=1; ", i % 7))
        .collect();
    for path in ["/auth/session", "/auth/nowhere"] {
        let request = http::Request::get(path)
            .header("host", "app.test")
            .header("cookie", junk.as_str())
            .body(bytes::Bytes::new())
            .unwrap();
        let response = handler.handle(request).await;
        let set_cookies = response
            .headers()
            .get_all("set-cookie")
            .iter()
            .filter(|v| v.as_bytes().starts_with(b"authjs.session-token"))
            .count();
        assert!(
            set_cookies <= auth_runtime::cookies::MAX_SESSION_CHUNKS as usize,
            "{path}: {set_cookies} Set-Cookie headers"
        );
        assert_ne!(response.status(), 500, "{path}");
    }
}

#[tokio::test]
async fn pages_and_cookie_answers_are_private_and_pages_cannot_be_framed() {
    let mut b = Browser::new(config(), ORIGIN);
    for path in [
        "/auth/signin",
        "/auth/signout",
        "/auth/error",
        "/auth/verify-request",
    ] {
        let reply = b.get(path).await;
        assert_eq!(reply.status, 200, "{path}");
        let header = |name: &str| {
            reply
                .headers
                .get(name)
                .map(|v| v.to_str().unwrap().to_owned())
                .unwrap_or_default()
        };
        assert!(header("cache-control").contains("no-store"), "{path}");
        assert!(header("cache-control").contains("private"), "{path}");
        assert_eq!(header("x-frame-options"), "DENY", "{path}");
        assert_eq!(
            header("content-security-policy"),
            "frame-ancestors 'none'",
            "{path}"
        );
        assert_eq!(header("x-content-type-options"), "nosniff", "{path}");
    }
    // A JSON answer that sets a cookie is private too, and so is a redirect that signs in.
    let mut fresh = Browser::new(config(), ORIGIN);
    let reply = fresh.get("/auth/csrf").await;
    assert!(reply.sets("authjs.csrf-token"));
    assert!(
        reply.headers["cache-control"]
            .to_str()
            .unwrap()
            .contains("private")
    );
    let token = fresh.csrf().await;
    let signed_in = fresh
        .post(
            "/auth/callback/credentials",
            &[
                ("csrfToken", &token),
                ("username", "demo"),
                ("password", "demo"),
            ],
        )
        .await;
    assert!(signed_in.sets("authjs.session-token"));
    assert!(
        signed_in.headers["cache-control"]
            .to_str()
            .unwrap()
            .contains("private")
    );
    // An answer that is neither a page nor sets a cookie says nothing about caching.
    let providers = fresh.get("/auth/providers").await;
    assert!(providers.set_cookies().is_empty());
    assert!(!providers.headers.contains_key("cache-control"));
}

#[tokio::test]
async fn the_error_page_answers_with_the_status_of_its_error_and_a_bare_sign_in_post_goes_to_the_page()
 {
    let mut b = Browser::new(config(), ORIGIN);
    for (error, status) in [
        ("Configuration", 500),
        ("AccessDenied", 403),
        ("Verification", 403),
        ("OAuthSignin", 200),
    ] {
        let page = b.get(&format!("/auth/error?error={error}")).await;
        assert_eq!(page.status, status, "{error}");
        assert!(page.text().contains("<html"), "{error}: an HTML page");
    }
    // POST /signin without a provider: back to the sign-in page (Auth.js's answer).
    let token = b.csrf().await;
    let reply = b.post("/auth/signin", &[("csrfToken", &token)]).await;
    assert_eq!(reply.status, 302);
    assert_eq!(reply.location(), "http://app.test/auth/signin");
}

#[tokio::test]
async fn the_handler_shows_itself_and_hands_out_its_configuration() {
    let handler = auth_runtime::AuthHandler::new(config()).unwrap();
    let shown = format!("{handler:?}");
    assert!(shown.contains("AuthHandler"), "{shown}");
    assert!(!shown.contains(SECRET), "{shown}");
    let parts = http::Request::builder()
        .uri("http://app.test/")
        .body(())
        .unwrap()
        .into_parts()
        .0;
    let config = handler.config_for(&parts).await;
    assert_eq!(config.providers.len(), 1);
    assert_eq!(config.providers[0].id(), "credentials");
}

#[tokio::test]
async fn an_empty_callback_url_falls_back_to_the_cookie_or_the_origin() {
    let mut b = Browser::new(config(), ORIGIN);
    // The sign-in page with `?callbackUrl=` is the page.
    assert_eq!(b.get("/auth/signin?callbackUrl=").await.status, 200);
    // The credentials callback with an empty field lands on the origin.
    let token = b.csrf().await;
    let reply = b
        .post(
            "/auth/callback/credentials",
            &[
                ("csrfToken", &token),
                ("username", "demo"),
                ("password", "demo"),
                ("callbackUrl", ""),
            ],
        )
        .await;
    assert_eq!(reply.location(), ORIGIN);
    // Sign-out with an empty field goes back to the remembered callback URL.
    b.get("/auth/signin?callbackUrl=%2Fremembered").await;
    let token = b.csrf().await;
    let reply = b
        .post(
            "/auth/signout",
            &[("csrfToken", &token), ("callbackUrl", "")],
        )
        .await;
    assert_eq!(reply.location(), format!("{ORIGIN}/remembered"));
    assert!(b.log.take().is_empty());
}

#[tokio::test]
async fn debug_on_logs_each_request_and_warns() {
    let mut loud = config();
    loud.debug = true;
    let mut b = Browser::new(loud, ORIGIN);
    b.get("/auth/session").await;
    b.get("/auth/signin/credentials").await;
    let debugs = b.log.debugs();
    assert!(
        debugs.contains(&("request".into(), "GET session".into())),
        "{debugs:?}"
    );
    assert!(debugs.contains(&("request".into(), "GET signin credentials".into())));
    assert!(b.log.warnings().contains(&"debug-enabled".to_owned()));
    // Off (the default): nothing.
    let mut quiet = Browser::new(config(), ORIGIN);
    quiet.get("/auth/session").await;
    assert!(quiet.log.debugs().is_empty());
}
