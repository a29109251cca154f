//! The test kit as an app uses it (`auth_runtime::testing`): the app's own `#[auth]` type with
//! `providers(github)` signs in against the GitHub mock, a credentials form through the browser's
//! CSRF dance, and minted sessions (JWT and database) are signed-in visitors.

#![allow(clippy::unwrap_used, clippy::expect_used)]

mod common;

use std::sync::Arc;

use auth_runtime::adapter::Adapter;
use auth_runtime::adapter::sql::SqlAdapter;
use auth_runtime::config::{AuthConfig, SessionStrategy};
use auth_runtime::prelude::*;
use auth_runtime::testing::{
    Browser, GithubUser, MockGithub, database_session_cookie, jwt_session_cookie,
};
use common::databases::FreshDb;

#[auth(providers(github, credentials), session = "jwt")]
struct Auth;

/// The app's typed extension field.
#[derive(AuthExtension, Debug, Clone, PartialEq)]
struct Claims {
    role: String,
}

fn app_config(github: &MockGithub) -> AuthConfig {
    let env = |key: &str| {
        let value = match key {
            "AUTH_SECRET" => "kit-secret",
            "AUTH_GITHUB_ID" => "gh-client",
            "AUTH_GITHUB_SECRET" => "gh-secret",
            _ => return None,
        };
        Some(value.to_owned())
    };
    let mut config = Auth::builder_with_env(env)
        .credentials(|creds, _| async move {
            let ok = creds.get("password").and_then(|v| v.as_str()) == Some("right");
            Ok(ok.then(|| User::new("7").name("Form User").email("form@example.com")))
        })
        .into_config()
        .trust_host(true);
    config.http_client = Some(Arc::new(github.clone()));
    config
}

#[tokio::test]
async fn the_apps_github_provider_signs_in_against_the_mock() {
    let github = MockGithub::new();
    // A user who keeps the address private: the engine reads the primary one.
    github.sign_in_as(GithubUser {
        public_email: None,
        emails: vec![
            ("old@example.com".into(), false, true),
            ("ada@example.com".into(), true, true),
        ],
        ..GithubUser::new(42, "ada")
    });
    let mut browser = Browser::new(app_config(&github), "https://app.test");
    let to_github = browser.start_sign_in("github").await.location();
    assert!(to_github.starts_with("https://github.com/login/oauth/authorize?"));
    let back = github.authorize(&to_github);
    let reply = browser.get(&back).await;
    assert_eq!(
        reply.location(),
        "https://app.test/after",
        "{}",
        reply.text()
    );
    let session = browser.session().await;
    assert_eq!(session["user"]["email"], "ada@example.com");
    assert_eq!(session["user"]["name"], "User ada");
    assert_eq!(
        github.requests(),
        [
            "POST https://github.com/login/oauth/access_token",
            "GET https://api.github.com/user",
            "GET https://api.github.com/user/emails",
        ]
    );

    // The code works once.
    let mut other = browser.another();
    other.jar = browser.jar.clone();
    let reply = other.get(&back).await;
    assert!(reply.location().contains("error="), "{}", reply.location());
}

#[tokio::test]
async fn the_credentials_form_through_the_csrf_dance() {
    let github = MockGithub::new();
    let mut browser = Browser::new(app_config(&github), "https://app.test");
    let wrong = browser
        .sign_in_with_credentials("credentials", &[("password", "wrong")])
        .await;
    assert!(
        wrong
            .location()
            .ends_with("error=CredentialsSignin&code=credentials")
    );
    let right = browser
        .sign_in_with_credentials("credentials", &[("password", "right")])
        .await;
    assert_eq!(right.location(), "https://app.test/after");
    assert_eq!(browser.session().await["user"]["name"], "Form User");
}

#[tokio::test]
async fn minted_sessions_are_signed_in_visitors() {
    // JWT: the cookie the engine would set, the app's typed extension fields included; the app's
    // `session` callback exposes them as it would after a real sign-in.
    let github = MockGithub::new();
    let mut config = app_config(&github);
    config.callbacks = config.callbacks.session(|params| async move {
        let mut session = params.session;
        if let Some(claims) = params.token.as_ref().and_then(|t| Claims::from_jwt(t).ok()) {
            session.user.extra.insert("role".into(), claims.role.into());
        }
        Ok(session)
    });
    let mut token = Jwt::from_user(&User::new("9").name("Minted").email("m@example.com"));
    Claims {
        role: "admin".into(),
    }
    .write_jwt(&mut token);
    let cookie = jwt_session_cookie(&config, "https://app.test", &token).unwrap();
    let mut browser = Browser::new(config, "https://app.test");
    browser.set_cookie_header(&cookie);
    let session = browser.session().await;
    assert_eq!(session["user"]["name"], "Minted");
    assert_eq!(session["user"]["role"], "admin");

    // Database: a session row for a stored user.
    let db = FreshDb::sqlite();
    let adapter = Arc::new(SqlAdapter::connect(&db.url).await.unwrap());
    adapter.migrate().await.unwrap();
    let user = adapter
        .create_user(User::default().name("Stored").email("s@example.com"))
        .await
        .unwrap();
    let config = AuthConfig::new()
        .secret("kit-secret")
        .trust_host(true)
        .adapter(adapter.clone())
        .session_strategy(SessionStrategy::Database);
    let cookie = database_session_cookie(&config, "http://app.test", user.id.as_deref().unwrap())
        .await
        .unwrap();
    assert!(cookie.starts_with("authjs.session-token="), "{cookie}");
    let mut browser = Browser::new(config, "http://app.test");
    browser.set_cookie_header(&cookie);
    assert_eq!(browser.session().await["user"]["email"], "s@example.com");
}

#[tokio::test]
async fn the_browser_follows_a_configured_base_path() {
    let config = AuthConfig::new()
        .secret("kit-secret")
        .trust_host(true)
        .base_path("/api/auth");
    let mut browser = Browser::new(config, "http://app.test");
    assert_eq!(browser.base_path, "/api/auth");
    assert!(!browser.csrf().await.is_empty());
    assert!(browser.session().await.is_null());
}
