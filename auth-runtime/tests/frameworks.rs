//! One integration suite, written once, run against both frameworks: the same app (routes under
//! the base path, session extractors, path protection, server-side actions, sliding sessions, a
//! custom form's CSRF token) built with axum and with actix-web, served on loopback and driven
//! over real HTTP by the same tests.

#![allow(clippy::unwrap_used, clippy::expect_used)]

mod common;

use common::{client, location, set_cookies};

use auth_runtime::callbacks::{Callbacks, JwtTrigger};
use auth_runtime::config::AuthConfig;
use auth_runtime::engine::{AuthHandler, SignInOptions, SignOutOptions};
use auth_runtime::providers::{CredentialField, CredentialsProvider, OAuthProvider, ProviderKind};
use auth_runtime::types::User;
use serde_json::{Value, json};

const SECRET: &str = "frameworks-test-secret";

/// The app's typed field: set at sign-in, exposed in the session.
#[derive(auth_runtime::prelude::AuthExtension, Debug, Clone)]
struct Tier {
    #[auth(session, default)]
    tier: String,
}

fn config() -> AuthConfig {
    let credentials = CredentialsProvider::new()
        .field(CredentialField::new("username", "Username", "text"))
        .field(CredentialField::new("password", "Password", "password"))
        .authorize(|creds, _req| async move {
            let user = creds.get("username").and_then(Value::as_str).unwrap_or("");
            let pass = creds.get("password").and_then(Value::as_str).unwrap_or("");
            Ok((user == "demo" && pass == "demo")
                .then(|| User::new("1").name("Demo").email("demo@example.com")))
        });
    let oauth = OAuthProvider::new("example", "Example", ProviderKind::OAuth)
        .client_id("client-id")
        .client_secret("client-secret")
        .endpoints(
            "http://127.0.0.1:9/authorize",
            "http://127.0.0.1:9/token",
            "http://127.0.0.1:9/userinfo",
        );
    let callbacks = Callbacks::default().jwt(|p| async move {
        let mut token = p.token;
        if p.user.is_some() {
            token.insert("tier", "gold");
        }
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
    });
    let mut config = AuthConfig::new()
        .secret(SECRET)
        .trust_host(true)
        .provider(credentials)
        .provider(oauth)
        .callbacks(callbacks)
        .extension::<Tier>();
    // Every read is due to slide, so every page shows the middleware re-issuing the cookie.
    config.session.update_age = 0;
    config
}

fn sign_in_options(provider: &str) -> SignInOptions {
    let options = match provider {
        "none" => SignInOptions::default(),
        "demo" => SignInOptions::provider("credentials")
            .credential("username", "demo")
            .credential("password", "demo"),
        id => SignInOptions::provider(id),
    };
    options.redirect_to("/after")
}

/// The app on loopback, stopped when dropped.
struct Running {
    origin: String,
    _stop: Box<dyn std::any::Any + Send>,
}

trait Framework {
    /// Serves the suite's app for `handler` on a free loopback port.
    fn serve(handler: AuthHandler) -> impl std::future::Future<Output = Running> + Send;
}

struct Axum;

impl Framework for Axum {
    async fn serve(handler: AuthHandler) -> Running {
        use auth_runtime::axum::{AuthContext, AuthLayer, Redirected, SessionUpdate};
        use auth_runtime::error::AuthError;
        use auth_runtime::types::Session;
        use axum::routing::{get, post};

        async fn home(session: Option<Session>) -> String {
            match session {
                Some(s) => format!("hello {}", s.user.name.unwrap_or_default()),
                None => "hello stranger".into(),
            }
        }
        async fn tier(session: auth_runtime::extension::TypedSession<crate::Tier>) -> String {
            session.user.tier.clone()
        }
        async fn me(session: Session) -> axum::Json<Session> {
            axum::Json(session)
        }
        async fn login(
            auth: AuthContext,
            axum::extract::Path(provider): axum::extract::Path<String>,
        ) -> Result<Redirected, AuthError> {
            auth.sign_in(sign_in_options(&provider)).await
        }
        async fn logout(auth: AuthContext) -> Result<Redirected, AuthError> {
            auth.sign_out(SignOutOptions::redirect_to("/bye")).await
        }
        async fn rename(
            auth: AuthContext,
            axum::Json(data): axum::Json<Value>,
        ) -> Result<SessionUpdate, AuthError> {
            auth.update_session(data).await
        }
        async fn my_csrf(
            auth: AuthContext,
        ) -> Result<impl axum::response::IntoResponse, AuthError> {
            let outcome = auth.csrf_token().await?;
            let token = outcome.value.clone();
            Ok((outcome, axum::Json(json!({ "csrfToken": token }))))
        }

        let app = axum::Router::new()
            .route("/", get(home))
            .route("/api/me", get(me))
            .route("/api/tier", get(tier))
            .route("/admin/{*rest}", get(|| async { "admin area" }))
            .route("/api/private", get(|| async { "private api" }))
            .route(
                "/cached",
                get(|| async { ([("cache-control", "public, max-age=600")], "cached") }),
            )
            .route("/login/{provider}", post(login))
            .route("/logout", post(logout))
            .route("/rename", post(rename))
            .route("/my-csrf", get(my_csrf))
            .merge(auth_runtime::axum::router(&handler))
            .layer(
                AuthLayer::new(&handler)
                    .protect("/admin")
                    .protect_api("/api/private"),
            );
        let server = common::serve_router(app).await;
        Running {
            origin: server.origin.clone(),
            _stop: Box::new(server),
        }
    }
}

struct Actix;

/// Stops an actix-web server (the command is sent at once; its completion is not awaited).
struct ActixStop(actix_web::dev::ServerHandle);

impl Drop for ActixStop {
    fn drop(&mut self) {
        drop(self.0.stop(false));
    }
}

impl Framework for Actix {
    async fn serve(handler: AuthHandler) -> Running {
        use actix_web::{HttpResponse, web};
        use auth_runtime::actix::{
            AuthContext, AuthMiddleware, Redirected, SessionUpdate, append_set_cookies,
        };
        use auth_runtime::error::AuthError;
        use auth_runtime::types::Session;

        async fn home(session: Option<Session>) -> String {
            match session {
                Some(s) => format!("hello {}", s.user.name.unwrap_or_default()),
                None => "hello stranger".into(),
            }
        }
        async fn tier(session: auth_runtime::extension::TypedSession<crate::Tier>) -> String {
            session.user.tier.clone()
        }
        async fn me(session: Session) -> web::Json<Session> {
            web::Json(session)
        }
        async fn login(
            auth: AuthContext,
            provider: web::Path<String>,
        ) -> Result<Redirected, AuthError> {
            auth.sign_in(sign_in_options(&provider)).await
        }
        async fn logout(auth: AuthContext) -> Result<Redirected, AuthError> {
            auth.sign_out(SignOutOptions::redirect_to("/bye")).await
        }
        async fn rename(
            auth: AuthContext,
            data: web::Json<Value>,
        ) -> Result<SessionUpdate, AuthError> {
            auth.update_session(data.into_inner()).await
        }
        async fn my_csrf(auth: AuthContext) -> Result<HttpResponse, AuthError> {
            let outcome = auth.csrf_token().await?;
            let mut response = HttpResponse::Ok().json(json!({ "csrfToken": outcome.value }));
            append_set_cookies(response.headers_mut(), &outcome);
            Ok(response)
        }

        let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
        let origin = format!("http://{}", listener.local_addr().unwrap());
        let (send, receive) = std::sync::mpsc::channel();
        std::thread::spawn(move || {
            actix_web::rt::System::new().block_on(async move {
                let server = actix_web::HttpServer::new(move || {
                    actix_web::App::new()
                        .route("/", web::get().to(home))
                        .route("/api/me", web::get().to(me))
                        .route("/api/tier", web::get().to(tier))
                        .route("/admin/{rest:.*}", web::get().to(|| async { "admin area" }))
                        .route("/api/private", web::get().to(|| async { "private api" }))
                        .route(
                            "/cached",
                            web::get().to(|| async {
                                HttpResponse::Ok()
                                    .insert_header(("cache-control", "public, max-age=600"))
                                    .body("cached")
                            }),
                        )
                        .route("/login/{provider}", web::post().to(login))
                        .route("/logout", web::post().to(logout))
                        .route("/rename", web::post().to(rename))
                        .route("/my-csrf", web::get().to(my_csrf))
                        .service(auth_runtime::actix::scope(&handler))
                        .wrap(
                            AuthMiddleware::new(&handler)
                                .protect("/admin")
                                .protect_api("/api/private"),
                        )
                })
                .workers(1)
                .disable_signals()
                .listen(listener)
                .unwrap()
                .run();
                send.send(server.handle()).unwrap();
                server.await.unwrap();
            });
        });
        let handle = receive.recv().unwrap();
        Running {
            origin,
            _stop: Box::new(ActixStop(handle)),
        }
    }
}

async fn start<F: Framework>() -> Running {
    F::serve(AuthHandler::new(config()).unwrap()).await
}

async fn get(c: &reqwest::Client, url: String) -> reqwest::Response {
    c.get(url).send().await.unwrap()
}

async fn post(c: &reqwest::Client, url: String) -> reqwest::Response {
    c.post(url).send().await.unwrap()
}

/// Posts the demo's credentials through the engine's own routes, as a browser does.
async fn post_demo_credentials(c: &reqwest::Client, o: &str) -> reqwest::Response {
    let csrf: Value = get(c, format!("{o}/auth/csrf")).await.json().await.unwrap();
    c.post(format!("{o}/auth/callback/credentials"))
        .form(&[
            ("csrfToken", csrf["csrfToken"].as_str().unwrap()),
            ("username", "demo"),
            ("password", "demo"),
        ])
        .send()
        .await
        .unwrap()
}

/// Signs in through the engine's own routes, as a browser does.
async fn sign_in_as_demo(c: &reqwest::Client, o: &str) {
    let res = post_demo_credentials(c, o).await;
    assert_eq!(res.status(), 302);
    assert_eq!(location(&res), *o);
}

fn session_cookie(res: &reqwest::Response) -> Option<String> {
    set_cookies(res)
        .into_iter()
        .find(|c| c.starts_with("authjs.session-token="))
}

async fn signed_out_requests_are_answered_per_route<F: Framework>() {
    let app = start::<F>().await;
    let (o, c) = (&app.origin, client());
    assert_eq!(
        get(&c, format!("{o}/")).await.text().await.unwrap(),
        "hello stranger"
    );
    let res = get(&c, format!("{o}/api/me")).await;
    assert_eq!(res.status(), 401);
    let body: Value = res.json().await.unwrap();
    assert!(body["message"].as_str().unwrap().contains("sign in"));
    let res = get(&c, format!("{o}/admin/users?tab=2")).await;
    assert_eq!(res.status(), 303);
    assert_eq!(
        location(&res),
        format!(
            "{o}/auth/signin?callbackUrl={}",
            auth_runtime::cookies::encode_uri_component(&format!("{o}/admin/users?tab=2"))
        )
    );
    assert_eq!(get(&c, format!("{o}/api/private")).await.status(), 401);
    // Other spellings of a protected path are protected too (actix-web routes `%61dmin` to the
    // admin handler).
    for path in [
        "/%61dmin/users",
        "/ADMIN/users",
        "//admin/users",
        "/api/%70rivate",
    ] {
        let res = get(&c, format!("{o}{path}")).await;
        assert!(matches!(res.status().as_u16(), 303 | 401), "{path}");
    }
    // The engine's routes are served under the base path.
    let providers: Value = get(&c, format!("{o}/auth/providers"))
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(providers["credentials"]["type"], "credentials");
    assert_eq!(
        get(&c, format!("{o}/auth/session"))
            .await
            .text()
            .await
            .unwrap(),
        "null"
    );
    assert_eq!(get(&c, format!("{o}/auth/nope")).await.status(), 400);
}

async fn a_signed_in_session_reaches_extractors_and_slides<F: Framework>() {
    let app = start::<F>().await;
    let (o, c) = (&app.origin, client());
    sign_in_as_demo(&c, o).await;
    let res = get(&c, format!("{o}/")).await;
    let slid = session_cookie(&res).expect("the session cookie is re-issued on a page");
    assert!(slid.contains("Expires="), "{slid}");
    assert_eq!(res.text().await.unwrap(), "hello Demo");
    // A response the app marked cacheable gets the cookie only with shared caches kept out.
    let res = get(&c, format!("{o}/cached")).await;
    assert!(session_cookie(&res).is_some());
    assert_eq!(res.headers()["cache-control"], "private, max-age=600");
    let me: Value = get(&c, format!("{o}/api/me")).await.json().await.unwrap();
    assert_eq!(me["user"]["email"], "demo@example.com");
    // The typed extractor reads the exposed field as its type; signed out it answers 401.
    assert_eq!(me["user"]["tier"], "gold");
    assert_eq!(
        get(&c, format!("{o}/api/tier")).await.text().await.unwrap(),
        "gold"
    );
    assert_eq!(get(&client(), format!("{o}/api/tier")).await.status(), 401);
    assert_eq!(
        get(&c, format!("{o}/admin/x")).await.text().await.unwrap(),
        "admin area"
    );
    assert_eq!(
        get(&c, format!("{o}/api/private"))
            .await
            .text()
            .await
            .unwrap(),
        "private api"
    );
    // A cookie that does not decode is cleared and reads as signed out.
    let res = reqwest::Client::new()
        .get(format!("{o}/api/me"))
        .header("cookie", "authjs.session-token=garbage")
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 401);
    assert!(session_cookie(&res).unwrap().contains("Max-Age=0"));
}

async fn server_side_actions_need_no_csrf_token<F: Framework>() {
    let app = start::<F>().await;
    let (o, c) = (&app.origin, client());
    // Without a provider: the sign-in page, coming back to the target.
    let res = post(&c, format!("{o}/login/none")).await;
    assert_eq!(res.status(), 302);
    assert_eq!(
        location(&res),
        format!(
            "{o}/auth/signin?callbackUrl={}",
            auth_runtime::cookies::encode_uri_component("/after")
        )
    );
    // OAuth: to the provider, with the check cookies.
    let res = post(&client(), format!("{o}/login/example")).await;
    assert_eq!(res.status(), 302);
    assert!(location(&res).starts_with("http://127.0.0.1:9/authorize?"));
    assert!(
        set_cookies(&res)
            .iter()
            .any(|c| c.starts_with("authjs.state=") || c.starts_with("authjs.pkce.code_verifier="))
    );
    // Credentials refused, then accepted.
    let res = post(&c, format!("{o}/login/credentials")).await;
    assert_eq!(res.status(), 401);
    assert_eq!(
        res.json::<Value>().await.unwrap(),
        json!({"error": "CredentialsSignin", "code": "credentials"})
    );
    let res = post(&c, format!("{o}/login/demo")).await;
    assert_eq!(res.status(), 302);
    assert_eq!(location(&res), format!("{o}/after"));
    assert!(session_cookie(&res).is_some());
    assert_eq!(
        get(&c, format!("{o}/")).await.text().await.unwrap(),
        "hello Demo"
    );
    // Update: the jwt callback renames, the new cookie is the one the response keeps.
    let res = c
        .post(format!("{o}/rename"))
        .json(&json!({"name": "Renamed"}))
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 200);
    let written: Vec<String> = set_cookies(&res)
        .into_iter()
        .filter(|c| c.starts_with("authjs.session-token="))
        .collect();
    assert_eq!(
        written.len(),
        1,
        "the update's cookie, not the layer's too: {written:?}"
    );
    let session: Value = res.json().await.unwrap();
    assert_eq!(session["user"]["name"], "Renamed");
    assert_eq!(
        get(&c, format!("{o}/")).await.text().await.unwrap(),
        "hello Renamed"
    );
    // Sign-out clears the session.
    let res = post(&c, format!("{o}/logout")).await;
    assert_eq!(res.status(), 302);
    assert_eq!(location(&res), format!("{o}/bye"));
    assert!(session_cookie(&res).unwrap().contains("Max-Age=0"));
    assert_eq!(
        get(&c, format!("{o}/")).await.text().await.unwrap(),
        "hello stranger"
    );
}

async fn a_custom_form_posts_with_the_token_the_app_got<F: Framework>() {
    let app = start::<F>().await;
    let (o, c) = (&app.origin, client());
    let res = get(&c, format!("{o}/my-csrf")).await;
    assert!(
        set_cookies(&res)
            .iter()
            .any(|c| c.starts_with("authjs.csrf-token="))
    );
    let token = res.json::<Value>().await.unwrap()["csrfToken"]
        .as_str()
        .unwrap()
        .to_owned();
    // The cookie is kept: asking again gives the same token and sets nothing.
    let again = get(&c, format!("{o}/my-csrf")).await;
    assert!(set_cookies(&again).is_empty());
    assert_eq!(again.json::<Value>().await.unwrap()["csrfToken"], token);
    let res = c
        .post(format!("{o}/auth/callback/credentials"))
        .form(&[
            ("csrfToken", token.as_str()),
            ("username", "demo"),
            ("password", "demo"),
        ])
        .send()
        .await
        .unwrap();
    assert_eq!(location(&res), *o);
    // Without the cookie the same token is refused.
    let res = client()
        .post(format!("{o}/auth/callback/credentials"))
        .form(&[
            ("csrfToken", token.as_str()),
            ("username", "demo"),
            ("password", "demo"),
        ])
        .send()
        .await
        .unwrap();
    assert!(
        location(&res).contains("error=MissingCSRF"),
        "{}",
        location(&res)
    );
}

async fn actions_refuse_requests_from_other_sites<F: Framework>() {
    let app = start::<F>().await;
    let (o, c) = (&app.origin, client());
    sign_in_as_demo(&c, o).await;
    // A form on another site posting to the app's sign-out route: refused, still signed in.
    for (header, value) in [
        ("origin", "https://evil.example"),
        ("sec-fetch-site", "cross-site"),
        ("sec-fetch-site", "same-site"),
    ] {
        let res = c
            .post(format!("{o}/logout"))
            .header(header, value)
            .send()
            .await
            .unwrap();
        assert_eq!(res.status(), 403, "{header}: {value}");
        assert_eq!(
            res.json::<Value>().await.unwrap(),
            json!({"error": "MissingCSRF"})
        );
        let res = c
            .post(format!("{o}/rename"))
            .header(header, value)
            .json(&json!({"name": "Mallory"}))
            .send()
            .await
            .unwrap();
        assert_eq!(res.status(), 403, "{header}: {value}");
        assert_eq!(
            get(&c, format!("{o}/")).await.text().await.unwrap(),
            "hello Demo"
        );
    }
    // Sign-in too (login CSRF into the attacker's account).
    let res = client()
        .post(format!("{o}/login/demo"))
        .header("origin", "https://evil.example")
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 403);
    // The site's own form, and a client that is not a browser, are served.
    let res = c
        .post(format!("{o}/logout"))
        .header("origin", o.as_str())
        .header("sec-fetch-site", "same-origin")
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 302);
    assert_eq!(
        get(&c, format!("{o}/")).await.text().await.unwrap(),
        "hello stranger"
    );
}

/// The connection's address reaches the rate limits (axum's `ConnectInfo`, actix-web's peer
/// address): the 11th credentials attempt within a minute from one connection gets 429.
async fn sign_in_attempts_are_limited_per_connection<F: Framework>() {
    let app = start::<F>().await;
    let (o, c) = (&app.origin, client());
    for _ in 0..10 {
        sign_in_as_demo(&c, o).await;
    }
    let res = post_demo_credentials(&c, o).await;
    assert_eq!(res.status(), 429);
    assert!(res.headers().contains_key("retry-after"));
}

macro_rules! suite {
    ($($test:ident),* $(,)?) => {
        mod axum_app {
            $(#[tokio::test]
            async fn $test() {
                super::$test::<super::Axum>().await;
            })*
        }
        mod actix_app {
            $(#[tokio::test]
            async fn $test() {
                super::$test::<super::Actix>().await;
            })*
        }
    };
}

suite!(
    signed_out_requests_are_answered_per_route,
    a_signed_in_session_reaches_extractors_and_slides,
    server_side_actions_need_no_csrf_token,
    a_custom_form_posts_with_the_token_the_app_got,
    actions_refuse_requests_from_other_sites,
    sign_in_attempts_are_limited_per_connection,
);
