//! Callbacks and events reach the flow: a custom `redirect` decides every redirect, each event
//! fires once with its message, and the configuration's Debug output says which callbacks are set
//! without showing anything else.

#![allow(clippy::unwrap_used, clippy::expect_used)]

mod common;

use std::sync::{Arc, Mutex};

use common::browser::Browser;
use common::idp::MockIdp;

use auth_runtime::adapter::MemoryAdapter;
use auth_runtime::callbacks::{Callbacks, Events, SignInDecision, SignOutMessage};
use auth_runtime::config::{AuthConfig, SessionStrategy};
use auth_runtime::providers::{CredentialField, CredentialsProvider};
use auth_runtime::types::User;
use serde_json::Value;

const ORIGIN: &str = "http://app.test";
const SECRET: &str = "callbacks-secret";

fn credentials() -> CredentialsProvider {
    CredentialsProvider::new()
        .field(CredentialField::new("username", "Username", "text"))
        .authorize(|creds, _| async move {
            let ok = creds.get("username").and_then(Value::as_str) == Some("demo");
            Ok(ok.then(|| User::new("1").name("Demo")))
        })
}

async fn credentials_sign_in(b: &mut Browser, callback_url: &str) -> common::browser::Reply {
    let token = b.csrf().await;
    b.post(
        "/auth/callback/credentials",
        &[
            ("csrfToken", &token),
            ("username", "demo"),
            ("callbackUrl", callback_url),
        ],
    )
    .await
}

#[tokio::test]
async fn a_custom_redirect_callback_decides_every_redirect() {
    let asked = Arc::new(Mutex::new(Vec::new()));
    let seen = asked.clone();
    let config = AuthConfig::new()
        .secret(SECRET)
        .trust_host(true)
        .provider(credentials())
        .callbacks(Callbacks::default().redirect(move |p| {
            seen.lock()
                .unwrap()
                .push((p.url.clone(), p.base_url.clone()));
            async move { Ok(format!("{}/landing", p.base_url)) }
        }));
    let mut b = Browser::new(config, ORIGIN);
    let reply = credentials_sign_in(&mut b, "https://anywhere.example/").await;
    assert_eq!(reply.location(), "http://app.test/landing");
    assert!(
        asked
            .lock()
            .unwrap()
            .contains(&("https://anywhere.example/".into(), ORIGIN.into()))
    );
}

#[tokio::test]
async fn a_sign_in_callback_redirect_goes_through_the_redirect_callback() {
    let config =
        AuthConfig::new()
            .secret(SECRET)
            .trust_host(true)
            .provider(credentials())
            .callbacks(Callbacks::default().sign_in(|_| async {
                Ok(SignInDecision::Redirect("https://evil.example/".into()))
            }));
    let mut b = Browser::new(config, ORIGIN);
    let reply = credentials_sign_in(&mut b, "/x").await;
    assert_eq!(
        reply.location(),
        ORIGIN,
        "the default redirect keeps it on the site"
    );
    assert!(!b.jar.contains_key("authjs.session-token"));

    let config = AuthConfig::new()
        .secret(SECRET)
        .trust_host(true)
        .provider(credentials())
        .callbacks(Callbacks::default().sign_in(|_| async { Ok(SignInDecision::Deny) }));
    let mut b = Browser::new(config, ORIGIN);
    let reply = credentials_sign_in(&mut b, "/x").await;
    assert_eq!(
        reply.location(),
        "http://app.test/auth/error?error=AccessDenied"
    );
}

#[derive(Default, Clone)]
struct Fired(Arc<Mutex<Vec<String>>>);

impl Fired {
    fn push(&self, what: String) {
        self.0.lock().unwrap().push(what);
    }
    fn take(&self) -> Vec<String> {
        std::mem::take(&mut *self.0.lock().unwrap())
    }
}

fn recording_events(fired: &Fired) -> Events {
    let (a, b, c, d, e, f) = (
        fired.clone(),
        fired.clone(),
        fired.clone(),
        fired.clone(),
        fired.clone(),
        fired.clone(),
    );
    Events::default()
        .sign_in(move |m| {
            a.push(format!(
                "signIn {} new={}",
                m.user.email.unwrap_or_default(),
                m.is_new_user
            ));
            async { Ok(()) }
        })
        .sign_out(move |m| {
            b.push(match m {
                SignOutMessage::Token(t) => format!("signOut token={}", t.is_some()),
                SignOutMessage::Session(s) => format!("signOut session={}", s.is_some()),
            });
            async { Ok(()) }
        })
        .create_user(move |u| {
            c.push(format!("createUser {}", u.email.unwrap_or_default()));
            async { Ok(()) }
        })
        .update_user(move |u| {
            d.push(format!("updateUser {}", u.email.unwrap_or_default()));
            async { Ok(()) }
        })
        .link_account(move |m| {
            e.push(format!("linkAccount {}", m.account.provider));
            async { Ok(()) }
        })
        .session(move |m| {
            f.push(format!("session token={}", m.token.is_some()));
            async { Ok(()) }
        })
}

async fn oauth_sign_in(b: &mut Browser, idp: &MockIdp) {
    let start = b.start_sign_in("mock").await;
    let back = idp.authorize(&start.location());
    assert_eq!(b.get(&back).await.location(), "http://app.test/after");
}

#[tokio::test]
async fn each_event_fires_once_with_its_message() {
    // JWT sessions without adapter.
    let fired = Fired::default();
    let idp = MockIdp::new();
    let config = AuthConfig::new()
        .secret(SECRET)
        .trust_host(true)
        .provider(idp.provider("mock"))
        .events(recording_events(&fired));
    let mut b = Browser::new(config, ORIGIN);
    oauth_sign_in(&mut b, &idp).await;
    assert_eq!(fired.take(), ["signIn alice@example.com new=false"]);
    b.session().await;
    assert_eq!(fired.take(), ["session token=true"]);
    let token = b.csrf().await;
    b.post("/auth/signout", &[("csrfToken", &token)]).await;
    assert_eq!(fired.take(), ["signOut token=true"]);

    // Database sessions with an adapter: the user is created and the account linked.
    let fired = Fired::default();
    let idp = MockIdp::new();
    let mut config = AuthConfig::new()
        .secret(SECRET)
        .trust_host(true)
        .provider(idp.provider("mock"))
        .adapter(Arc::new(MemoryAdapter::new()))
        .events(recording_events(&fired));
    config.session.strategy = Some(SessionStrategy::Database);
    let mut b = Browser::new(config, ORIGIN);
    oauth_sign_in(&mut b, &idp).await;
    assert_eq!(
        fired.take(),
        [
            "createUser alice@example.com",
            "linkAccount mock",
            "signIn alice@example.com new=true"
        ]
    );
    b.session().await;
    assert_eq!(fired.take(), ["session token=false"]);
    let token = b.csrf().await;
    b.post("/auth/signout", &[("csrfToken", &token)]).await;
    assert_eq!(fired.take(), ["signOut session=true"]);
}

#[test]
fn debug_output_names_the_callbacks_that_are_set_and_nothing_else() {
    let callbacks = Callbacks::default().jwt(|p| async move { Ok(Some(p.token)) });
    let text = format!("{callbacks:?}");
    assert!(text.contains("Callbacks"), "{text}");
    assert!(text.contains("jwt: true"), "{text}");
    assert!(text.contains("sign_in: false"), "{text}");
    let text = format!("{:?}", Events::default());
    assert!(text.starts_with("Events"), "{text}");
}
