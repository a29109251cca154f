//! A typed extension read by the real `@auth/core`: the Rust side declares `role` (exposed) and
//! `signed_in_with` (token only) with `#[derive(AuthExtension)]`; the Node peer is the
//! TypeScript app that keeps the same members with its own `jwt` and `session` callbacks
//! (`TYPED_FIELDS=1`). Each side's session cookie, read by the other, gives the same
//! `GET /auth/session` JSON, and the token-only member shows on neither.

#![allow(clippy::unwrap_used, clippy::expect_used)]

use auth_runtime::prelude::*;
use auth_runtime::testing::Browser;
use auth_tests::NodePeer;
use serde_json::Value;

const SECRET: &str = "typed-interop-secret";

/// The members both apps keep.
#[derive(AuthExtension, Debug, Clone, PartialEq)]
pub struct Claims {
    /// From the user, exposed as `session.user.role`.
    #[auth(user, session)]
    pub role: String,
    /// The provider id, in the token only.
    pub signed_in_with: Option<String>,
}

/// The Rust app.
#[auth(providers(credentials), session = "jwt", extension = Claims)]
pub struct Auth;

fn rust_browser() -> Browser {
    let config = Auth::builder_with_env(|key| (key == "AUTH_SECRET").then(|| SECRET.to_owned()))
        .credentials(|creds, _| async move {
            let name = creds
                .get("username")
                .and_then(Value::as_str)
                .unwrap_or("")
                .to_owned();
            let mut user = User::new("1")
                .name(name.clone())
                .email(format!("{name}@example.com"));
            user.extra.insert("role".into(), "admin".into());
            Ok(Some(user))
        })
        .jwt(|mut params| async move {
            if let Some(account) = &params.account {
                params.token.signed_in_with = Some(account.provider.clone());
            }
            Ok(Some(params.token))
        })
        .into_config()
        .trust_host(true);
    Browser::new(config, "http://127.0.0.1:3000")
}

/// The session JSON without its expiry (each side computes its own).
fn without_expiry(mut session: Value) -> Value {
    session.as_object_mut().unwrap().remove("expires");
    session
}

#[tokio::test]
async fn each_sides_typed_session_reads_the_same_on_the_other() {
    let peer = NodePeer::start(
        "server.mjs",
        &[
            ("AUTH_SECRET", SECRET.to_owned()),
            ("TYPED_FIELDS", "1".to_owned()),
        ],
    );
    let client = reqwest::Client::builder()
        .cookie_store(true)
        .redirect(reqwest::redirect::Policy::none())
        .build()
        .unwrap();

    // Auth.js signs in; Rust reads its cookie.
    let csrf: Value = client
        .get(peer.url("/auth/csrf"))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    let signed_in = client
        .post(peer.url("/auth/callback/credentials"))
        .form(&[
            ("csrfToken", csrf["csrfToken"].as_str().unwrap()),
            ("username", "grace"),
        ])
        .send()
        .await
        .unwrap();
    assert_eq!(signed_in.status(), 302);
    let authjs_cookie = signed_in
        .headers()
        .get_all("set-cookie")
        .iter()
        .filter_map(|v| v.to_str().ok())
        .find(|v| v.starts_with("authjs.session-token="))
        .map(|v| v.split(';').next().unwrap().to_owned())
        .expect("Auth.js set a session cookie");
    let authjs_own: Value = client
        .get(peer.url("/auth/session"))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    let mut rust = rust_browser();
    rust.set_cookie_header(&authjs_cookie);
    let rust_reads = rust.session().await;
    assert_eq!(rust_reads["user"]["role"], "admin", "{rust_reads}");
    assert_eq!(
        without_expiry(rust_reads),
        without_expiry(authjs_own.clone())
    );
    assert!(!authjs_own.to_string().contains("signed_in_with"));

    // Rust signs in; Auth.js reads its cookie.
    let mut rust = rust_browser();
    rust.sign_in_with_credentials("credentials", &[("username", "linus")])
        .await;
    let rust_own = rust.session().await;
    let rust_cookie = rust.cookie_header();
    let authjs_reads: Value = reqwest::Client::new()
        .get(peer.url("/auth/session"))
        .header("cookie", &rust_cookie)
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(authjs_reads["user"]["role"], "admin", "{authjs_reads}");
    assert_eq!(
        without_expiry(authjs_reads),
        without_expiry(rust_own.clone())
    );
    assert!(!rust_own.to_string().contains("signed_in_with"));
}
