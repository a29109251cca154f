//! Email sign-in through the engine (spec §8) on a SQLite adapter: the link is sent, only the
//! token's hash is stored, the link signs in once, and a reused, expired or re-addressed link
//! fails with `Verification`.

#![allow(clippy::unwrap_used, clippy::expect_used)]

mod common;

use std::sync::{Arc, Mutex};

use auth_runtime::adapter::Adapter;
use auth_runtime::adapter::sql::SqlAdapter;
use auth_runtime::callbacks::{BoxError, BoxFuture, Callbacks, SignInDecision};
use auth_runtime::config::{AuthConfig, SessionStrategy};
use auth_runtime::providers::{EmailProvider, EmailSender, VerificationRequest};
use common::browser::Browser;
use common::databases::FreshDb;
use sqlx::Connection;

const ORIGIN: &str = "http://app.test";
const SECRET: &str = "email-secret";

/// Keeps every request it is asked to send.
#[derive(Clone, Default)]
struct Outbox(Arc<Mutex<Vec<VerificationRequest>>>);

impl Outbox {
    fn last(&self) -> VerificationRequest {
        self.0.lock().unwrap().last().cloned().expect("a sent link")
    }
}

impl EmailSender for Outbox {
    fn send<'a>(&'a self, request: &'a VerificationRequest) -> BoxFuture<'a, Result<(), BoxError>> {
        self.0.lock().unwrap().push(request.clone());
        Box::pin(std::future::ready(Ok(())))
    }
}

struct Setup {
    browser: Browser,
    outbox: Outbox,
    adapter: Arc<SqlAdapter>,
    db: FreshDb,
}

async fn setup(
    provider: impl FnOnce(EmailProvider) -> EmailProvider,
    callbacks: Callbacks,
) -> Setup {
    let db = FreshDb::sqlite();
    let adapter = Arc::new(SqlAdapter::connect(&db.url).await.unwrap());
    adapter.migrate().await.unwrap();
    let outbox = Outbox::default();
    let config = AuthConfig::new()
        .secret(SECRET)
        .trust_host(true)
        .provider(provider(
            EmailProvider::new("email", "Email").sender(outbox.clone()),
        ))
        .adapter(adapter.clone())
        .session_strategy(SessionStrategy::Database)
        .callbacks(callbacks);
    Setup {
        browser: Browser::new(config, ORIGIN),
        outbox,
        adapter,
        db,
    }
}

async fn request_link(b: &mut Browser, email: &str) -> common::browser::Reply {
    let csrf = b.csrf().await;
    b.post(
        "/auth/signin/email",
        &[
            ("csrfToken", &csrf),
            ("email", email),
            ("callbackUrl", "/after"),
        ],
    )
    .await
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_link_signs_in_once_and_only_its_hash_is_stored() {
    let mut s = setup(|p| p, Callbacks::default()).await;
    let sent = request_link(&mut s.browser, "  Ada@Example.com ").await;
    assert_eq!(sent.status, 302);
    assert_eq!(
        sent.location(),
        "http://app.test/auth/verify-request?provider=email&type=email"
    );
    let link = s.outbox.last();
    assert_eq!(link.identifier, "ada@example.com");
    assert_eq!(link.token.len(), 64);
    assert!(
        link.url
            .starts_with("http://app.test/auth/callback/email?callbackUrl=")
    );
    let url = url::Url::parse(&link.url).unwrap();
    let query: std::collections::HashMap<_, _> = url.query_pairs().into_owned().collect();
    assert_eq!(query["token"], link.token);
    assert_eq!(query["email"], "ada@example.com");
    assert_eq!(query["callbackUrl"], "http://app.test/after");

    // The database holds the hash, never the token.
    let path = s.db.url.trim_start_matches("sqlite://");
    let mut conn = sqlx::SqliteConnection::connect(&format!("sqlite://{path}"))
        .await
        .unwrap();
    let (stored,): (String,) = sqlx::query_as("SELECT token FROM verification_token")
        .fetch_one(&mut conn)
        .await
        .unwrap();
    assert_ne!(stored, link.token);
    let expected = {
        use sha2::Digest;
        hex::encode(sha2::Sha256::digest(format!("{}{SECRET}", link.token)))
    };
    assert_eq!(stored, expected);

    // The link signs in: a new, verified user and a database session.
    let done = s.browser.get(&link.url).await;
    assert_eq!(done.location(), "http://app.test/after");
    assert_eq!(
        s.browser.session().await["user"]["email"],
        "ada@example.com"
    );
    let user = s
        .adapter
        .get_user_by_email("ada@example.com")
        .await
        .unwrap()
        .unwrap();
    assert!(user.email_verified.is_some());

    // Once.
    let mut other = s.browser.another();
    let again = other.get(&link.url).await;
    assert_eq!(
        again.location(),
        "http://app.test/auth/error?error=Verification"
    );
    assert!(!other.jar.contains_key("authjs.session-token"));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_expired_or_readdressed_link_fails_with_verification() {
    let mut s = setup(|p| p.max_age(0), Callbacks::default()).await;
    request_link(&mut s.browser, "bob@example.com").await;
    let link = s.outbox.last();
    tokio::time::sleep(std::time::Duration::from_millis(20)).await;
    let expired = s.browser.get(&link.url).await;
    assert_eq!(
        expired.location(),
        "http://app.test/auth/error?error=Verification"
    );

    let mut s = setup(|p| p, Callbacks::default()).await;
    request_link(&mut s.browser, "bob@example.com").await;
    let link = s.outbox.last();
    let readdressed = link.url.replace("bob%40example.com", "eve%40example.com");
    assert_ne!(readdressed, link.url);
    let answer = s.browser.get(&readdressed).await;
    assert_eq!(
        answer.location(),
        "http://app.test/auth/error?error=Verification"
    );
    // The right address still works: a wrong guess does not burn the link.
    assert_eq!(
        s.browser.get(&link.url).await.location(),
        "http://app.test/after"
    );
    // No token at all.
    let bare = s
        .browser
        .get("/auth/callback/email?email=bob%40example.com")
        .await;
    assert_eq!(
        bare.location(),
        "http://app.test/auth/error?error=Verification"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_sign_in_callback_sees_the_request_and_can_refuse_it() {
    let seen = Arc::new(Mutex::new(Vec::new()));
    let log = seen.clone();
    let callbacks = Callbacks::default().sign_in(move |params| {
        let log = log.clone();
        async move {
            let email = params.user.email.clone().unwrap_or_default();
            // A new address gets an id already at the request, as in Auth.js.
            assert!(params.user.id.is_some(), "{email}: a user id");
            log.lock()
                .unwrap()
                .push((email.clone(), params.email_verification_request));
            Ok(if email.ends_with("@blocked.example") {
                SignInDecision::Deny
            } else {
                SignInDecision::Allow
            })
        }
    });
    let mut s = setup(|p| p, callbacks).await;
    let refused = request_link(&mut s.browser, "mallory@blocked.example").await;
    assert_eq!(
        refused.location(),
        "http://app.test/auth/error?error=AccessDenied"
    );
    assert!(
        s.outbox.0.lock().unwrap().is_empty(),
        "no link for a refused address"
    );
    request_link(&mut s.browser, "carol@example.com").await;
    s.browser.get(&s.outbox.last().url).await;
    let seen = seen.lock().unwrap().clone();
    assert_eq!(
        seen,
        [
            ("mallory@blocked.example".to_owned(), Some(true)),
            ("carol@example.com".to_owned(), Some(true)),
            ("carol@example.com".to_owned(), None),
        ]
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_malformed_address_sends_nothing() {
    let mut s = setup(|p| p, Callbacks::default()).await;
    for bad in ["", "not-an-address", "a@b@example.com", "\"q\"@example.com"] {
        let answer = request_link(&mut s.browser, bad).await;
        assert_eq!(
            answer.location(),
            "http://app.test/auth/signin?error=Configuration",
            "{bad:?}"
        );
    }
    assert!(s.outbox.0.lock().unwrap().is_empty());
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_sign_in_page_offers_the_email_form() {
    let mut s = setup(|p| p, Callbacks::default()).await;
    let page = s.browser.get("/auth/signin").await.text();
    assert!(
        page.contains(r#"action="http://app.test/auth/signin/email""#),
        "{page}"
    );
    assert!(page.contains(r#"name="email""#) && page.contains(r#"type="email""#));
}

/// An SMTP sink on loopback: it answers like a server and keeps each message it receives.
struct SmtpSink {
    port: u16,
    messages: Arc<Mutex<Vec<String>>>,
}

impl SmtpSink {
    async fn start() -> Self {
        use tokio::io::{AsyncBufReadExt, AsyncWriteExt, BufReader};
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
        let port = listener.local_addr().unwrap().port();
        let messages: Arc<Mutex<Vec<String>>> = Arc::default();
        let kept = messages.clone();
        tokio::spawn(async move {
            while let Ok((stream, _)) = listener.accept().await {
                let kept = kept.clone();
                tokio::spawn(async move {
                    let (read, mut write) = stream.into_split();
                    let mut lines = BufReader::new(read).lines();
                    let _ = write.write_all(b"220 sink ready\r\n").await;
                    let mut data: Option<String> = None;
                    while let Ok(Some(line)) = lines.next_line().await {
                        if let Some(body) = data.as_mut() {
                            if line == "." {
                                kept.lock().unwrap().push(std::mem::take(body));
                                data = None;
                                let _ = write.write_all(b"250 kept\r\n").await;
                            } else {
                                body.push_str(line.strip_prefix('.').unwrap_or(&line));
                                body.push('\n');
                            }
                            continue;
                        }
                        let verb = line.split(' ').next().unwrap_or("").to_ascii_uppercase();
                        let reply: &[u8] = match verb.as_str() {
                            "EHLO" | "HELO" => b"250-sink\r\n250 8BITMIME\r\n",
                            "DATA" => {
                                data = Some(String::new());
                                b"354 go on\r\n"
                            }
                            "QUIT" => {
                                let _ = write.write_all(b"221 bye\r\n").await;
                                return;
                            }
                            _ => b"250 ok\r\n",
                        };
                        let _ = write.write_all(reply).await;
                    }
                });
            }
        });
        Self { port, messages }
    }

    fn last(&self) -> String {
        self.messages
            .lock()
            .unwrap()
            .last()
            .cloned()
            .expect("a delivered message")
    }
}

/// Undoes quoted-printable: soft line breaks and `=XX` escapes.
fn unquote(text: &str) -> String {
    let joined = text.replace("=\n", "");
    let bytes = joined.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        if bytes[i] == b'='
            && i + 2 < bytes.len()
            && let Ok(b) = u8::from_str_radix(&joined[i + 1..i + 3], 16)
        {
            out.push(b);
            i += 3;
            continue;
        }
        out.push(bytes[i]);
        i += 1;
    }
    String::from_utf8(out).unwrap()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_link_arrives_by_smtp_and_signs_in() {
    use auth_runtime::providers::smtp::SmtpSender;
    let sink = SmtpSink::start().await;
    let db = FreshDb::sqlite();
    let adapter = Arc::new(SqlAdapter::connect(&db.url).await.unwrap());
    adapter.migrate().await.unwrap();
    let sender = SmtpSender::from_url(&format!("smtp://127.0.0.1:{}", sink.port)).unwrap();
    let config = AuthConfig::new()
        .secret(SECRET)
        .trust_host(true)
        .provider(
            EmailProvider::new("email", "Email")
                .from("Sign-in <no-reply@app.test>")
                .sender(sender),
        )
        .adapter(adapter.clone())
        .session_strategy(SessionStrategy::Database);
    let mut b = Browser::new(config, ORIGIN);
    let sent = request_link(&mut b, "dora@example.com").await;
    assert_eq!(
        sent.location(),
        "http://app.test/auth/verify-request?provider=email&type=email",
        "{:?}",
        b.log.take()
    );
    let message = unquote(&sink.last());
    assert!(
        message.contains("Subject: Sign in to app.test"),
        "{message}"
    );
    assert!(message.contains("To: dora@example.com"), "{message}");
    assert!(
        message.contains("From: \"Sign-in\" <no-reply@app.test>")
            || message.contains("From: Sign-in <no-reply@app.test>"),
        "{message}"
    );
    assert!(message.contains("Content-Type: text/html"), "{message}");
    let link = message
        .lines()
        .find(|l| l.starts_with("http://app.test/auth/callback/email?"))
        .expect("the link on a line of its own (the text part)")
        .to_owned();
    assert_eq!(b.get(&link).await.location(), "http://app.test/after");
    assert_eq!(b.session().await["user"]["email"], "dora@example.com");
    // Once.
    b.jar.clear();
    assert_eq!(
        b.get(&link).await.location(),
        "http://app.test/auth/error?error=Verification"
    );
}

mod declared {
    use auth_runtime::prelude::*;

    /// Email sign-in declared in the attribute; database sessions by default with the adapter.
    #[auth(providers(email), adapter)]
    pub struct Auth;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_attribute_declares_email_sign_in() {
    let outbox = Outbox::default();
    let db = FreshDb::sqlite();
    let adapter = Arc::new(SqlAdapter::connect(&db.url).await.unwrap());
    adapter.migrate().await.unwrap();
    let sent = outbox.clone();
    let config =
        declared::Auth::builder_with_env(|key| (key == "AUTH_SECRET").then(|| SECRET.to_owned()))
            .adapter(adapter)
            .email(move |p| p.sender(sent).max_age(600))
            .into_config();
    let config = config.trust_host(true);
    let mut b = Browser::new(config, ORIGIN);
    request_link(&mut b, "erin@example.com").await;
    let link = outbox.last();
    assert!(link.expires <= time::OffsetDateTime::now_utc() + time::Duration::seconds(600));
    assert_eq!(b.get(&link.url).await.location(), "http://app.test/after");
    assert_eq!(b.session().await["user"]["email"], "erin@example.com");
}

/// What a local stand-in for an email service received.
#[derive(Debug, Clone)]
struct Received {
    path: String,
    headers: http::HeaderMap,
    body: Vec<u8>,
}

/// An HTTP server on loopback that answers `status` and keeps every request.
async fn email_api(status: u16) -> (String, Arc<Mutex<Vec<Received>>>) {
    let kept: Arc<Mutex<Vec<Received>>> = Arc::default();
    let log = kept.clone();
    let app = axum::Router::new().fallback(move |req: axum::extract::Request| {
        let log = log.clone();
        async move {
            let (parts, body) = req.into_parts();
            let body = axum::body::to_bytes(body, 1 << 20).await.unwrap().to_vec();
            log.lock().unwrap().push(Received {
                path: parts.uri.path().to_owned(),
                headers: parts.headers,
                body,
            });
            (
                http::StatusCode::from_u16(status).unwrap(),
                axum::Json(serde_json::json!({"id": "sent"})),
            )
        }
    });
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let origin = format!("http://{}", listener.local_addr().unwrap());
    tokio::spawn(async move {
        axum::serve(listener, app).await.unwrap();
    });
    (origin, kept)
}

async fn sign_in_through(
    id: &str,
    name: &str,
    base: &str,
    customise: impl FnOnce(EmailProvider) -> EmailProvider,
) -> (Browser, common::browser::Reply, FreshDb) {
    let db = FreshDb::sqlite();
    let adapter = Arc::new(SqlAdapter::connect(&db.url).await.unwrap());
    adapter.migrate().await.unwrap();
    let provider = customise(
        EmailProvider::new(id, name)
            .from("Sign-in <no-reply@mail.app.test>")
            .api_key("key-123")
            .api_base_url(base),
    );
    let config = AuthConfig::new()
        .secret(SECRET)
        .trust_host(true)
        .provider(provider)
        .adapter(adapter)
        .session_strategy(SessionStrategy::Database);
    let mut b = Browser::new(config, ORIGIN);
    let csrf = b.csrf().await;
    let reply = b
        .post(
            &format!("/auth/signin/{id}"),
            &[("csrfToken", &csrf), ("email", "fay@example.com")],
        )
        .await;
    (b, reply, db)
}

fn json_of(received: &Received) -> serde_json::Value {
    serde_json::from_slice(&received.body).unwrap()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn each_http_sender_makes_the_request_its_api_expects() {
    use base64::Engine as _;
    let basic = |s: &str| {
        format!(
            "Basic {}",
            base64::engine::general_purpose::STANDARD.encode(s)
        )
    };
    for (id, name) in [
        ("resend", "Resend"),
        ("sendgrid", "SendGrid"),
        ("postmark", "Postmark"),
        ("mailgun", "Mailgun"),
        ("forwardemail", "Forward Email"),
        ("loops", "Loops"),
    ] {
        let (base, kept) = email_api(200).await;
        let (_, reply, _db) =
            sign_in_through(id, name, &base, |p| p.transactional_id("tmpl-1")).await;
        assert_eq!(
            reply.location(),
            format!("http://app.test/auth/verify-request?provider={id}&type=email"),
            "{id}"
        );
        let got = kept.lock().unwrap().pop().expect("one request");
        let header = |name: &str| {
            got.headers
                .get(name)
                .and_then(|v| v.to_str().ok())
                .unwrap_or("")
                .to_owned()
        };
        let link_in =
            |text: &str| text.contains("http://app.test/auth/callback/") && text.contains("token=");
        match id {
            "resend" | "forwardemail" => {
                assert_eq!(
                    got.path,
                    if id == "resend" {
                        "/emails"
                    } else {
                        "/v1/emails"
                    }
                );
                let expected = if id == "resend" {
                    "Bearer key-123".to_owned()
                } else {
                    basic("key-123:")
                };
                assert_eq!(header("authorization"), expected, "{id}");
                let body = json_of(&got);
                assert_eq!(body["to"], "fay@example.com");
                assert_eq!(body["from"], "Sign-in <no-reply@mail.app.test>");
                assert_eq!(body["subject"], "Sign in to app.test");
                assert!(
                    link_in(body["html"].as_str().unwrap())
                        && link_in(body["text"].as_str().unwrap())
                );
            }
            "sendgrid" => {
                assert_eq!(got.path, "/v3/mail/send");
                assert_eq!(header("authorization"), "Bearer key-123");
                let body = json_of(&got);
                assert_eq!(
                    body["personalizations"][0]["to"][0]["email"],
                    "fay@example.com"
                );
                assert_eq!(body["from"]["email"], "Sign-in <no-reply@mail.app.test>");
                assert_eq!(body["content"][0]["type"], "text/plain");
                assert_eq!(body["content"][1]["type"], "text/html");
                assert!(link_in(body["content"][0]["value"].as_str().unwrap()));
            }
            "postmark" => {
                assert_eq!(got.path, "/email");
                assert_eq!(header("x-postmark-server-token"), "key-123");
                let body = json_of(&got);
                assert_eq!(body["To"], "fay@example.com");
                assert_eq!(body["MessageStream"], "outbound");
                assert!(link_in(body["TextBody"].as_str().unwrap()));
                assert!(link_in(body["HtmlBody"].as_str().unwrap()));
            }
            "mailgun" => {
                assert_eq!(got.path, "/v3/mail.app.test/messages");
                assert_eq!(header("authorization"), basic("api:key-123"));
                assert_eq!(header("content-type"), "application/x-www-form-urlencoded");
                let form: std::collections::HashMap<String, String> =
                    url::form_urlencoded::parse(&got.body)
                        .into_owned()
                        .collect();
                assert_eq!(form["to"], "fay@example.com");
                assert_eq!(form["subject"], "Sign in to app.test");
                assert!(link_in(&form["text"]) && link_in(&form["html"]));
            }
            "loops" => {
                assert_eq!(got.path, "/api/v1/transactional");
                assert_eq!(header("authorization"), "Bearer key-123");
                let body = json_of(&got);
                assert_eq!(body["transactionalId"], "tmpl-1");
                assert_eq!(body["email"], "fay@example.com");
                assert!(link_in(body["dataVariables"]["url"].as_str().unwrap()));
            }
            _ => unreachable!(),
        }
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_service_that_refuses_fails_the_sign_in_and_keys_are_required() {
    let (base, _) = email_api(401).await;
    let (b, reply, _db) = sign_in_through("resend", "Resend", &base, |p| p).await;
    assert_eq!(
        reply.location(),
        "http://app.test/auth/signin?error=Configuration"
    );
    let logged = b.log.take();
    assert!(
        logged.iter().any(
            |e| e.error_type == auth_runtime::error::ErrorType::EmailSignInError
                && e.message.contains("Resend answered 401")
        ),
        "{logged:?}"
    );
    // No key, no handler: the error names the variable.
    let config = AuthConfig::new()
        .secret(SECRET)
        .trust_host(true)
        .provider(EmailProvider::new("sendgrid", "SendGrid"))
        .adapter(Arc::new(auth_runtime::adapter::MemoryAdapter::new()));
    let err = auth_runtime::AuthHandler::new(config).unwrap_err();
    assert!(err.message().contains("AUTH_SENDGRID_KEY"), "{err}");
    // Loops needs its template.
    let config = AuthConfig::new()
        .secret(SECRET)
        .trust_host(true)
        .provider(EmailProvider::new("loops", "Loops").api_key("k"))
        .adapter(Arc::new(auth_runtime::adapter::MemoryAdapter::new()));
    let err = auth_runtime::AuthHandler::new(config).unwrap_err();
    assert!(
        err.message().contains("AUTH_LOOPS_TRANSACTIONAL_ID"),
        "{err}"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn eight_browsers_racing_with_one_link_make_one_session() {
    let mut s = setup(|p| p, Callbacks::default()).await;
    request_link(&mut s.browser, "gus@example.com").await;
    let link = s.outbox.last().url;
    let mut browsers: Vec<Browser> = (0..8).map(|_| s.browser.another()).collect();
    let answers = futures_util::future::join_all(browsers.iter_mut().map(|b| {
        let link = link.clone();
        async move { b.get(&link).await.location() }
    }))
    .await;
    let signed_in = answers
        .iter()
        .filter(|l| *l == "http://app.test/after")
        .count();
    assert_eq!(signed_in, 1, "{answers:?}");
    assert_eq!(
        answers
            .iter()
            .filter(|l| *l == "http://app.test/auth/error?error=Verification")
            .count(),
        7
    );
    assert_eq!(
        browsers
            .iter()
            .filter(|b| b.jar.contains_key("authjs.session-token"))
            .count(),
        1
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_known_address_signs_in_as_its_user_who_is_marked_verified() {
    let seen = Arc::new(Mutex::new(Vec::new()));
    let log = seen.clone();
    let callbacks = Callbacks::default().sign_in(move |params| {
        let log = log.clone();
        async move {
            let account = params.account.clone().unwrap();
            log.lock().unwrap().push((
                params.user.id.clone(),
                account.provider,
                account.kind,
                account.provider_account_id,
                account.user_id,
            ));
            Ok(SignInDecision::Allow)
        }
    });
    let signed_in = Arc::new(Mutex::new(Vec::new()));
    let events_log = signed_in.clone();
    let mut s = setup(|p| p, callbacks).await;
    let config = s
        .browser
        .handler
        .config_for(&http::Request::new(()).into_parts().0)
        .await;
    let mut config = (*config).clone();
    config.events = auth_runtime::callbacks::Events::default().sign_in(move |message| {
        let log = events_log.clone();
        async move {
            log.lock()
                .unwrap()
                .push(message.account.and_then(|a| a.user_id));
            Ok(())
        }
    });
    s.browser = Browser::new(config, ORIGIN);
    let hal = s
        .adapter
        .create_user(
            auth_runtime::types::User::default()
                .name("Hal")
                .email("hal@example.com"),
        )
        .await
        .unwrap();
    assert_eq!(hal.email_verified, None);
    request_link(&mut s.browser, "HAL@example.com").await;
    assert_eq!(
        s.browser.get(&s.outbox.last().url).await.location(),
        "http://app.test/after"
    );
    assert_eq!(s.browser.session().await["user"]["name"], "Hal");
    let stored = s
        .adapter
        .get_user_by_email("hal@example.com")
        .await
        .unwrap()
        .unwrap();
    assert_eq!(stored.id, hal.id, "the same user, not a new one");
    assert!(stored.email_verified.is_some());
    let expected = (
        hal.id.clone(),
        "email".to_owned(),
        "email".to_owned(),
        "hal@example.com".to_owned(),
        hal.id.clone(),
    );
    assert_eq!(*seen.lock().unwrap(), [expected.clone(), expected]);
    // The signIn event gets the account linked to the user.
    assert_eq!(*signed_in.lock().unwrap(), std::slice::from_ref(&hal.id));
}
