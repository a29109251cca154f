//! The demo's typed fields through its real endpoints and the `auth` command: the demo user's
//! exposed `role` is `admin` in `GET /auth/session` and `/api/me`, the token-only
//! `signed_in_with` is in the cookie (`auth jwt decode` shows it) and never in the session JSON,
//! the admin page reads the role as a Rust type, and a cookie from an older schema reads as
//! signed out without an error.

#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::path::PathBuf;
use std::process::Command;

use auth_runtime::config::AuthConfig;
use auth_runtime::testing::jwt_session_cookie;
use auth_runtime::types::{Jwt, User};
use common::{browser, database_url, start_demo_with};
use serde_json::{Value, json};

mod common;

/// The secret `common::start_demo_with` gives the demo.
const SECRET: &str = "load-test-secret-load-test-secret";

/// The `auth` command of this workspace: built beside the test binaries by a workspace build,
/// else built now.
fn auth_command() -> Command {
    let dir: PathBuf = std::env::current_exe()
        .unwrap()
        .parent()
        .and_then(|deps| deps.parent())
        .unwrap()
        .to_path_buf();
    let built = dir.join(format!("auth{}", std::env::consts::EXE_SUFFIX));
    if built.exists() {
        return Command::new(built);
    }
    let mut cargo = Command::new(env!("CARGO"));
    cargo.args(["run", "-q", "-p", "auth-runtime", "--bin", "auth", "--"]);
    cargo
}

#[tokio::test]
async fn the_demo_user_is_an_admin_and_the_provider_stays_in_the_token() {
    let demo = start_demo_with("off", &database_url());
    let origin = demo.origin.clone();
    let c = browser();
    let csrf: Value = c
        .get(format!("{origin}/auth/csrf"))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    let signed_in = c
        .post(format!("{origin}/auth/callback/credentials"))
        .form(&[
            ("csrfToken", csrf["csrfToken"].as_str().unwrap()),
            ("username", "demo"),
            ("password", "demo"),
        ])
        .send()
        .await
        .unwrap();
    assert_eq!(signed_in.status(), 302);
    let cookie = signed_in
        .headers()
        .get_all("set-cookie")
        .iter()
        .filter_map(|v| v.to_str().ok())
        .find_map(|v| v.strip_prefix("authjs.session-token="))
        .map(|v| v.split(';').next().unwrap_or("").to_owned())
        .expect("a session cookie");

    for path in ["/auth/session", "/api/me"] {
        let body: Value = c
            .get(format!("{origin}{path}"))
            .send()
            .await
            .unwrap()
            .json()
            .await
            .unwrap();
        assert_eq!(body["user"]["role"], "admin", "{path}: {body}");
        assert_eq!(body["user"]["name"], "Demo User", "{path}: {body}");
        assert!(
            !body.to_string().contains("signed_in_with"),
            "{path} shows a token-only field: {body}"
        );
    }

    let admin = c.get(format!("{origin}/admin")).send().await.unwrap();
    assert_eq!(admin.status(), 200);
    assert!(
        admin
            .text()
            .await
            .unwrap()
            .contains("you are an admin (signed in with credentials)")
    );

    let decoded = auth_command()
        .args(["jwt", "decode", "--secret", SECRET, &cookie])
        .output()
        .expect("the auth command runs");
    assert!(decoded.status.success(), "{decoded:?}");
    let claims: Value = serde_json::from_slice(&decoded.stdout).unwrap();
    assert_eq!(claims["signed_in_with"], "credentials", "{claims}");
    assert_eq!(claims["role"], "admin", "{claims}");
}

#[tokio::test]
async fn an_old_or_foreign_cookie_reads_by_the_documented_rule() {
    let demo = start_demo_with("off", &database_url());
    let origin = demo.origin.clone();
    let client = reqwest::Client::builder()
        .redirect(reqwest::redirect::Policy::none())
        .build()
        .unwrap();
    let config = AuthConfig::new().secret(SECRET);
    let mint = |extra: Value| {
        let mut token = Jwt::from_user(&User::new("u-1").name("Old Cookie"));
        if let Value::Object(extra) = extra {
            token.0.extend(extra);
        }
        jwt_session_cookie(&config, &origin, &token).unwrap()
    };

    // Issued before the demo had a role: the role reads as its default, `user`.
    let before = mint(json!({}));
    let me: Value = client
        .get(format!("{origin}/api/me"))
        .header("cookie", &before)
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(me["user"]["name"], "Old Cookie", "{me}");
    let admin = client
        .get(format!("{origin}/admin"))
        .header("cookie", &before)
        .send()
        .await
        .unwrap();
    assert_eq!(admin.status(), 403);

    // A role of another type (a schema that changed): signed out, never a 500 or a loop.
    let changed = mint(json!({"role": 42}));
    let me = client
        .get(format!("{origin}/api/me"))
        .header("cookie", &changed)
        .send()
        .await
        .unwrap();
    assert_eq!(me.status(), 401, "{:?}", me.headers());
    let session = client
        .get(format!("{origin}/auth/session"))
        .header("cookie", &changed)
        .send()
        .await
        .unwrap();
    assert_eq!(session.status(), 200);
    assert_eq!(session.json::<Value>().await.unwrap(), Value::Null);
    let admin = client
        .get(format!("{origin}/admin"))
        .header("cookie", &changed)
        .send()
        .await
        .unwrap();
    assert_eq!(admin.status(), 303);
    let location = admin.headers()["location"].to_str().unwrap().to_owned();
    assert!(location.contains("/auth/signin"), "{location}");
    // The sign-in page itself is served: the visitor can sign in again.
    let sign_in = client
        .get(format!("{origin}/auth/signin"))
        .header("cookie", &changed)
        .send()
        .await
        .unwrap();
    assert_eq!(sign_in.status(), 200);
}

#[test]
fn demo_auth_doctor_lists_the_providers_their_variables_and_callback_urls() {
    let output = Command::new(env!("CARGO_BIN_EXE_demo"))
        .args(["auth", "doctor"])
        .env_clear()
        .env("AUTH_SECRET", "set-but-never-printed")
        .env("AUTH_URL", "https://demo.example")
        .env("AUTH_GITHUB_ID", "gh-id")
        .output()
        .expect("the demo runs");
    let text = String::from_utf8(output.stdout).unwrap();
    assert!(
        text.starts_with("auth doctor: 1 #[auth] type in this binary"),
        "{text}"
    );
    assert!(
        text.contains("demo::Auth (routes under /auth, typed fields Claims)"),
        "{text}"
    );
    assert!(
        text.contains("AUTH_GITHUB_ID                 set"),
        "{text}"
    );
    assert!(
        text.contains("AUTH_GITHUB_SECRET             not set  required"),
        "{text}"
    );
    assert!(
        text.contains("AUTH_KEYCLOAK_ISSUER           not set  required"),
        "{text}"
    );
    assert!(
        text.contains("callback URL to register: https://demo.example/auth/callback/github"),
        "{text}"
    );
    assert!(
        text.contains("passkey (Passkey, webauthn)\n    no environment variables"),
        "{text}"
    );
    assert!(!text.contains("set-but-never-printed") && !text.contains("gh-id"));
    // Required variables are missing: a failure, for scripts.
    assert_eq!(output.status.code(), Some(1));
}
