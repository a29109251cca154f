//! Providers whose endpoints live on each deployment's own instance (`{issuer}/oauth/token` in the
//! registry): a whole sign-in against a server on loopback playing the instance. Mastodon signs in
//! with client_secret_basic, Mattermost with client_secret_post; both with PKCE. The instance
//! checks what a real one checks (client, code, redirect URI, code verifier, bearer token) and
//! logs every request, so an endpoint left as `{issuer}/...`, or written with a doubled `/`, fails
//! the test. Without `AUTH_<ID>_ISSUER` the build fails naming the variable.

#![allow(clippy::unwrap_used, clippy::expect_used)]

mod common;

use std::collections::HashMap;
use std::sync::{Arc, Mutex};

use auth_runtime::prelude::*;
use auth_runtime::testing::Browser;
use axum::extract::{Query, State};
use axum::http::{HeaderMap, Method, StatusCode, Uri};
use axum::response::{IntoResponse, Redirect, Response};
use axum::routing::{get, post};
use axum::{Form, Json, Router};
use base64::Engine as _;
use base64::engine::general_purpose::{STANDARD, URL_SAFE_NO_PAD};
use serde_json::{Value, json};
use sha2::{Digest, Sha256};

#[auth(providers(mastodon, mattermost))]
pub struct Instances;

const CODE: &str = "one-time-code-6f1d";
const ACCESS_TOKEN: &str = "instance-access-token-93ab";

/// What differs between the two instances.
#[derive(Clone, Copy)]
struct Flavor {
    id: &'static str,
    scope: &'static str,
    token_path: &'static str,
    userinfo_path: &'static str,
    /// client_secret_post (else client_secret_basic).
    secret_in_body: bool,
}

const MASTODON: Flavor = Flavor {
    id: "mastodon",
    scope: "read",
    token_path: "/oauth/token",
    userinfo_path: "/api/v1/accounts/verify_credentials",
    secret_in_body: false,
};

const MATTERMOST: Flavor = Flavor {
    id: "mattermost",
    scope: "openid profile email",
    token_path: "/oauth/access_token",
    userinfo_path: "/api/v4/users/me",
    secret_in_body: true,
};

fn client_id(id: &str) -> String {
    format!("{id}-client")
}

fn client_secret(id: &str) -> String {
    format!("{id}-secret-0c7e")
}

#[derive(Default)]
struct Log {
    /// `METHOD /path` of every request.
    requests: Vec<String>,
    /// What the instance refused, and why.
    problems: Vec<String>,
    challenge: Option<String>,
    redirect_uri: Option<String>,
}

#[derive(Clone)]
struct Instance {
    flavor: Flavor,
    profile: Value,
    log: Arc<Mutex<Log>>,
}

impl Instance {
    fn seen(&self, method: &Method, uri: &Uri) {
        let line = format!("{method} {}", uri.path());
        self.log.lock().unwrap().requests.push(line);
    }

    fn refuse(&self, status: StatusCode, why: String) -> Response {
        self.log.lock().unwrap().problems.push(why.clone());
        (
            status,
            Json(json!({"error": "invalid_request", "error_description": why})),
        )
            .into_response()
    }

    fn requests(&self) -> Vec<String> {
        self.log.lock().unwrap().requests.clone()
    }

    fn problems(&self) -> Vec<String> {
        self.log.lock().unwrap().problems.clone()
    }
}

/// `GET /oauth/authorize`: the user consents at once; back to the app with a code and the state.
async fn authorize(
    State(instance): State<Instance>,
    method: Method,
    uri: Uri,
    Query(query): Query<HashMap<String, String>>,
) -> Response {
    instance.seen(&method, &uri);
    let flavor = instance.flavor;
    let param = |name: &str| query.get(name).map(String::as_str);
    let expected = [
        ("client_id", client_id(flavor.id)),
        ("response_type", "code".to_owned()),
        ("scope", flavor.scope.to_owned()),
        ("code_challenge_method", "S256".to_owned()),
    ];
    for (name, want) in expected {
        if param(name) != Some(want.as_str()) {
            return instance.refuse(
                StatusCode::BAD_REQUEST,
                format!("authorize: {name} is {:?}, not {want:?}", param(name)),
            );
        }
    }
    let (Some(challenge), Some(redirect_uri)) = (param("code_challenge"), param("redirect_uri"))
    else {
        return instance.refuse(
            StatusCode::BAD_REQUEST,
            format!("authorize: no code_challenge or redirect_uri in {query:?}"),
        );
    };
    {
        let mut log = instance.log.lock().unwrap();
        log.challenge = Some(challenge.to_owned());
        log.redirect_uri = Some(redirect_uri.to_owned());
    }
    let mut back = url::Url::parse(redirect_uri).expect("an absolute redirect_uri");
    back.query_pairs_mut().append_pair("code", CODE);
    if let Some(state) = param("state") {
        back.query_pairs_mut().append_pair("state", state);
    }
    Redirect::to(back.as_str()).into_response()
}

/// The token endpoint: the code, the redirect URI, the PKCE verifier and the client's credentials,
/// where the flavor says they go.
async fn token(
    State(instance): State<Instance>,
    method: Method,
    uri: Uri,
    headers: HeaderMap,
    Form(form): Form<HashMap<String, String>>,
) -> Response {
    instance.seen(&method, &uri);
    let flavor = instance.flavor;
    let field = |name: &str| form.get(name).map(String::as_str);
    let (challenge, redirect_uri) = {
        let log = instance.log.lock().unwrap();
        (log.challenge.clone(), log.redirect_uri.clone())
    };
    let verifier_digest = field("code_verifier")
        .map(|verifier| URL_SAFE_NO_PAD.encode(Sha256::digest(verifier.as_bytes())));
    let authorization = headers
        .get("authorization")
        .and_then(|v| v.to_str().ok())
        .map(str::to_owned);
    let basic = format!(
        "Basic {}",
        STANDARD.encode(format!(
            "{}:{}",
            client_id(flavor.id),
            client_secret(flavor.id)
        ))
    );
    let client_ok = if flavor.secret_in_body {
        authorization.is_none()
            && field("client_id") == Some(client_id(flavor.id).as_str())
            && field("client_secret") == Some(client_secret(flavor.id).as_str())
    } else {
        authorization.as_deref() == Some(basic.as_str()) && field("client_secret").is_none()
    };
    let checks = [
        (
            "grant_type",
            field("grant_type") == Some("authorization_code"),
        ),
        ("code", field("code") == Some(CODE)),
        (
            "redirect_uri",
            redirect_uri.is_some() && field("redirect_uri") == redirect_uri.as_deref(),
        ),
        (
            "code_verifier",
            challenge.is_some() && verifier_digest == challenge,
        ),
        ("client authentication", client_ok),
    ];
    if let Some((what, _)) = checks.iter().find(|(_, ok)| !ok) {
        return instance.refuse(
            StatusCode::BAD_REQUEST,
            format!("token: wrong {what} (form {form:?}, authorization {authorization:?})"),
        );
    }
    Json(json!({
        "access_token": ACCESS_TOKEN,
        "token_type": "Bearer",
        "scope": flavor.scope,
        "created_at": 1_764_320_000,
    }))
    .into_response()
}

/// The account of the bearer token.
async fn userinfo(
    State(instance): State<Instance>,
    method: Method,
    uri: Uri,
    headers: HeaderMap,
) -> Response {
    instance.seen(&method, &uri);
    let bearer = headers.get("authorization").and_then(|v| v.to_str().ok());
    if bearer != Some(format!("Bearer {ACCESS_TOKEN}").as_str()) {
        return instance.refuse(
            StatusCode::UNAUTHORIZED,
            format!("userinfo: authorization {bearer:?}"),
        );
    }
    Json(instance.profile.clone()).into_response()
}

/// Any other path: logged (the test's request list shows it) and not found.
async fn elsewhere(State(instance): State<Instance>, method: Method, uri: Uri) -> Response {
    instance.seen(&method, &uri);
    instance.refuse(StatusCode::NOT_FOUND, format!("no {method} {uri} here"))
}

async fn start(flavor: Flavor, profile: Value) -> (Instance, common::Server) {
    let instance = Instance {
        flavor,
        profile,
        log: Arc::default(),
    };
    let router = Router::new()
        .route("/oauth/authorize", get(authorize))
        .route(flavor.token_path, post(token))
        .route(flavor.userinfo_path, get(userinfo))
        .fallback(elsewhere)
        .with_state(instance.clone());
    (instance, common::serve_router(router).await)
}

/// The app's environment: both providers' clients, and the instances' URLs given.
fn env(issuers: &[(&str, String)]) -> impl Fn(&str) -> Option<String> + use<> {
    let mut vars: HashMap<String, String> = HashMap::from([(
        "AUTH_SECRET".to_owned(),
        "instance-providers-test-secret".to_owned(),
    )]);
    for flavor in [MASTODON, MATTERMOST] {
        let upper = flavor.id.to_ascii_uppercase();
        vars.insert(format!("AUTH_{upper}_ID"), client_id(flavor.id));
        vars.insert(format!("AUTH_{upper}_SECRET"), client_secret(flavor.id));
    }
    for (name, value) in issuers {
        vars.insert((*name).to_owned(), value.clone());
    }
    move |key| vars.get(key).cloned()
}

/// Signs in with `flavor` against its instance (whose URL the environment gives with a trailing
/// `/`, which the endpoints must not double) and answers the session.
async fn sign_in(flavor: Flavor, profile: Value) -> (Instance, String, Value) {
    let (instance, server) = start(flavor, profile).await;
    let other = "https://other-instance.example".to_owned();
    let issuers = match flavor.id {
        "mastodon" => [
            ("AUTH_MASTODON_ISSUER", format!("{}/", server.origin)),
            ("AUTH_MATTERMOST_ISSUER", other),
        ],
        _ => [
            ("AUTH_MASTODON_ISSUER", other),
            ("AUTH_MATTERMOST_ISSUER", format!("{}/", server.origin)),
        ],
    };
    let config = Instances::builder_with_env(env(&issuers))
        .into_config()
        .trust_host(true);
    let mut browser = Browser::new(config, "https://app.test");

    let to_instance = browser.start_sign_in(flavor.id).await.location();
    assert!(
        to_instance.starts_with(&format!("{}/oauth/authorize?", server.origin)),
        "the authorization request goes to the instance: {to_instance}"
    );
    let consent = common::client().get(&to_instance).send().await.unwrap();
    let back = common::location(&consent);
    assert!(
        back.starts_with(&format!("https://app.test/auth/callback/{}?", flavor.id)),
        "the instance sends the browser back to the app: {back} ({:?})",
        instance.problems()
    );
    let reply = browser.get(&back).await;
    assert_eq!(
        reply.location(),
        "https://app.test/after",
        "{} {:?}",
        reply.text(),
        instance.problems()
    );
    assert!(instance.problems().is_empty(), "{:?}", instance.problems());
    let session = browser.session().await;
    (instance, server.origin.clone(), session)
}

#[tokio::test]
async fn a_mastodon_sign_in_talks_to_the_configured_instance() {
    let account = json!({
        "id": "110523784412980127",
        "username": "ferreira",
        "acct": "ferreira",
        "display_name": "Inês Ferreira",
        "locked": false,
        "bot": false,
        "created_at": "2023-06-12T00:00:00.000Z",
        "note": "<p>Tide tables and ferry timetables.</p>",
        "url": "https://estuary.social.example/@ferreira",
        "avatar": "https://files.estuary.social.example/avatars/original/ferreira.gif",
        "avatar_static": "https://files.estuary.social.example/avatars/static/ferreira.png",
        "header": "https://files.estuary.social.example/headers/original/ferreira.jpg",
        "header_static": "https://files.estuary.social.example/headers/static/ferreira.jpg",
        "followers_count": 58,
        "following_count": 91,
        "statuses_count": 640,
        "last_status_at": "2026-11-26"
    });
    let (instance, _, session) = sign_in(MASTODON, account).await;
    assert_eq!(
        instance.requests(),
        [
            "GET /oauth/authorize",
            "POST /oauth/token",
            "GET /api/v1/accounts/verify_credentials",
        ]
    );
    // Mastodon's mapping: the username (not the display name), the static avatar, no email.
    let user = &session["user"];
    assert_eq!(user["name"], "ferreira", "{session}");
    assert_eq!(
        user["image"],
        "https://files.estuary.social.example/avatars/static/ferreira.png"
    );
    assert!(user["email"].is_null(), "{session}");
}

#[tokio::test]
async fn a_mattermost_sign_in_posts_the_client_secret_to_the_instance() {
    let me = json!({
        "id": "u7w1x9cq3jf8pkd2ybn5rmza4h",
        "create_at": 1_700_000_000_000_i64,
        "update_at": 1_760_000_000_000_i64,
        "delete_at": 0,
        "username": "hana.sato",
        "auth_service": "",
        "email": "Hana.Sato@Riverside-Labs.example",
        "nickname": "",
        "first_name": "Hana",
        "last_name": "Sato",
        "position": "Firmware",
        "roles": "system_user",
        "locale": "ja",
        "timezone": {"automaticTimezone": "Asia/Tokyo", "manualTimezone": "", "useAutomaticTimezone": "true"},
        "disable_welcome_email": false
    });
    let (instance, _, session) = sign_in(MATTERMOST, me).await;
    assert_eq!(
        instance.requests(),
        [
            "GET /oauth/authorize",
            "POST /oauth/access_token",
            "GET /api/v4/users/me",
        ]
    );
    let user = &session["user"];
    assert_eq!(user["name"], "hana.sato", "{session}");
    assert_eq!(user["email"], "hana.sato@riverside-labs.example");
    assert!(user["image"].is_null(), "{session}");
}

#[test]
fn without_the_instance_the_build_fails_naming_its_variable() {
    let only_mattermost = [("AUTH_MATTERMOST_ISSUER", "https://chat.example".to_owned())];
    let error = Instances::builder_with_env(env(&only_mattermost))
        .build()
        .expect_err("Mastodon has no instance built in");
    assert!(
        error.to_string().contains("set AUTH_MASTODON_ISSUER"),
        "{error}"
    );
    let built = Instances::builder_with_env(env(&only_mattermost))
        .mastodon(|p| p.issuer("https://social.example"))
        .build();
    assert!(built.is_ok(), "{:?}", built.err());
}
