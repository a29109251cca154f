//! Whole requests to the engine: method, route, query, `Cookie`, `Content-Type`, forwarding
//! headers and body (forms and JSON) from the input. Every request gets a response with valid
//! headers; nothing panics.
#![no_main]

use std::sync::LazyLock;

use auth_runtime::config::AuthConfig;
use auth_runtime::engine::AuthHandler;
use auth_runtime::providers::{CredentialField, CredentialsProvider};
use auth_runtime::types::User;
use libfuzzer_sys::fuzz_target;

static HANDLER: LazyLock<AuthHandler> = LazyLock::new(|| {
    let credentials = CredentialsProvider::new()
        .field(CredentialField::new("username", "Username", "text"))
        .field(CredentialField::new("password", "Password", "password"))
        .authorize(|creds, _| async move {
            let name = creds.get("username").and_then(|v| v.as_str()).unwrap_or("");
            Ok((name == "demo").then(|| User::new("1").name("Demo")))
        });
    let config = AuthConfig::new()
        .secret("fuzz-secret")
        .trust_host(true)
        .provider(credentials);
    AuthHandler::new(config).expect("a valid configuration")
});

static RUNTIME: LazyLock<tokio::runtime::Runtime> = LazyLock::new(|| {
    tokio::runtime::Builder::new_current_thread()
        .build()
        .expect("a runtime")
});

const ROUTES: [&str; 10] = [
    "/auth/session",
    "/auth/csrf",
    "/auth/providers",
    "/auth/signin",
    "/auth/signin/credentials",
    "/auth/callback/credentials",
    "/auth/signout",
    "/auth/error",
    "/auth/verify-request",
    "/auth/webauthn-options/passkey",
];

const CONTENT_TYPES: [&str; 4] = [
    "application/x-www-form-urlencoded",
    "application/json",
    "text/plain",
    "multipart/form-data; boundary=x",
];

fuzz_target!(|data: &[u8]| {
    if data.len() < 2 {
        return;
    }
    let (head, rest) = data.split_at(2);
    let method = if head[0] & 1 == 0 { "GET" } else { "POST" };
    let route = ROUTES[usize::from(head[0] >> 1) % ROUTES.len()];
    let content_type = CONTENT_TYPES[usize::from(head[1]) % CONTENT_TYPES.len()];
    // The rest: query, cookie, forwarded host, origin and body, separated by newlines.
    let text = String::from_utf8_lossy(rest);
    let mut fields = text.splitn(5, '\n');
    let mut field = || fields.next().unwrap_or("");
    let (query, cookie, forwarded, origin, body) = (field(), field(), field(), field(), field());
    let uri = if query.is_empty() {
        route.to_owned()
    } else {
        format!("{route}?{query}")
    };
    let mut builder = http::Request::builder()
        .method(method)
        .uri(uri.as_str())
        .header("host", "app.test")
        .header("content-type", content_type);
    for (name, value) in [
        ("cookie", cookie),
        ("x-forwarded-host", forwarded),
        ("origin", origin),
    ] {
        if !value.is_empty() {
            builder = builder.header(name, value);
        }
    }
    let Ok(request) = builder.body(bytes::Bytes::from(body.as_bytes().to_vec())) else {
        return;
    };
    let response = RUNTIME.block_on(HANDLER.handle(request));
    for value in response.headers().values() {
        assert!(!value.as_bytes().contains(&b'\n'));
    }
});
