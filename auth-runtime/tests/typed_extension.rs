//! Typed extensions end to end: fields declared once with `#[derive(AuthExtension)]`, tied to the
//! app with `#[auth(extension = ..)]`, through the real callbacks, the axum extractors, a
//! credentials sign-in, a GitHub sign-in against the mock (the typed profile), database sessions
//! on the memory adapter, and tokens of an older schema.

#![allow(clippy::unwrap_used, clippy::expect_used)]

mod common;

use std::sync::{Arc, Mutex};

use auth_runtime::adapter::MemoryAdapter;
use auth_runtime::axum::{RequireSession, SignInRedirect};
use auth_runtime::callbacks::SignInDecision;
use auth_runtime::config::{AuthConfig, SessionStrategy};
use auth_runtime::prelude::*;
use auth_runtime::testing::{Browser, GithubUser, MockGithub, jwt_session_cookie};
use axum::body::Body;
use axum::http::{Request, StatusCode};
use serde_json::{Value, json};
use tower::ServiceExt;

/// What the app keeps in its sessions.
#[derive(AuthExtension, Debug, Clone, PartialEq)]
pub struct Claims {
    /// On the user, exposed.
    #[auth(user, session, default)]
    pub role: String,
    /// Exposed, set by the `jwt` callback.
    #[auth(session)]
    pub plan: Option<String>,
    /// In the token only.
    pub login: Option<String>,
    /// On the user, not exposed.
    #[auth(user, default)]
    pub tenant: u32,
}

#[auth(providers(github, credentials), session = "jwt", extension = Claims)]
pub struct Auth;

fn env(key: &str) -> Option<String> {
    let value = match key {
        "AUTH_SECRET" => "typed-secret",
        "AUTH_GITHUB_ID" => "gh-client",
        "AUTH_GITHUB_SECRET" => "gh-secret",
        _ => return None,
    };
    Some(value.to_owned())
}

/// The user the credentials form signs in as, with the `#[auth(user)]` fields set.
fn form_user(tenant: Option<u32>) -> User {
    let mut user = User::new("7").name("Form User").email("form@example.com");
    user.extra.insert("role".into(), json!("admin"));
    if let Some(tenant) = tenant {
        user.extra.insert("tenant".into(), json!(tenant));
    }
    user
}

/// What the typed callbacks saw: the profile variant and the typed token at sign-in.
#[derive(Default, Clone)]
struct Seen(Arc<Mutex<Vec<String>>>);

impl Seen {
    fn push(&self, line: String) {
        self.0.lock().unwrap().push(line);
    }
    fn all(&self) -> Vec<String> {
        self.0.lock().unwrap().clone()
    }
}

fn config(github: &MockGithub, seen: &Seen, tenant: Option<u32>) -> AuthConfig {
    let (jwt_seen, sign_in_seen) = (seen.clone(), seen.clone());
    let mut config = Auth::builder_with_env(env)
        .credentials(move |_creds, _| async move { Ok(Some(form_user(tenant))) })
        .sign_in(move |params| {
            let seen = sign_in_seen.clone();
            async move {
                if let Some(AuthProfile::GitHub(profile)) = &params.profile {
                    seen.push(format!("sign_in: github login {}", profile.login));
                }
                Ok(SignInDecision::Allow)
            }
        })
        .jwt(move |mut params| {
            let seen = jwt_seen.clone();
            async move {
                if params.trigger.is_some() {
                    seen.push(format!(
                        "jwt: role {} tenant {}",
                        params.token.role, params.token.tenant
                    ));
                    params.token.plan = Some("pro".into());
                }
                if let Some(AuthProfile::GitHub(profile)) = &params.profile {
                    params.token.login = Some(profile.login.clone());
                    // A GitHub user has no tenant on the user: the callback sets it.
                    params.token.tenant = u32::try_from(profile.id).unwrap_or_default();
                }
                Ok(Some(params.token))
            }
        })
        .into_config()
        .trust_host(true);
    config.http_client = Some(Arc::new(github.clone()));
    config
}

/// The app's routes behind the layer, as a handler author writes them.
fn app(auth: &AuthHandler) -> axum::Router {
    async fn me(session: AuthSession) -> String {
        format!(
            "{} role={} plan={:?} login={:?} tenant={} id={:?}",
            session.user.name.as_deref().unwrap_or("?"),
            session.user.role,
            session.user.plan,
            session.user.login,
            session.user.tenant,
            session.user.id,
        )
    }
    async fn maybe(session: Option<AuthSession>) -> String {
        session.map_or("signed out".into(), |s| s.user.role.clone())
    }
    async fn page(
        RequireSession { session, .. }: RequireSession<SignInRedirect, AuthSession>,
    ) -> String {
        session.user.role.clone()
    }
    axum::Router::new()
        .route("/me", axum::routing::get(me))
        .route("/maybe", axum::routing::get(maybe))
        .route("/page", axum::routing::get(page))
        .layer(auth_runtime::axum::AuthLayer::new(auth))
}

async fn get(app: &axum::Router, path: &str, cookie: &str) -> (StatusCode, String) {
    let request = Request::get(path)
        .header("host", "app.test")
        .header("x-forwarded-proto", "https")
        .header("cookie", cookie)
        .body(Body::empty())
        .unwrap();
    let response = app.clone().oneshot(request).await.unwrap();
    let status = response.status();
    let location = response
        .headers()
        .get("location")
        .map(|l| l.to_str().unwrap().to_owned());
    let body = axum::body::to_bytes(response.into_body(), 1 << 20)
        .await
        .unwrap();
    let text = String::from_utf8_lossy(&body).into_owned();
    (status, location.unwrap_or(text))
}

#[tokio::test]
async fn a_credentials_sign_in_exposes_only_the_session_fields_and_handlers_read_all_typed() {
    let (github, seen) = (MockGithub::new(), Seen::default());
    let mut browser = Browser::new(config(&github, &seen, Some(12)), "https://app.test");
    browser.sign_in_with_credentials("credentials", &[]).await;
    let session = browser.session().await;
    assert_eq!(
        session["user"],
        json!({"name": "Form User", "email": "form@example.com", "role": "admin", "plan": "pro"}),
        "{session}"
    );
    assert!(session.get("tenant").is_none() && session.get("login").is_none());
    assert_eq!(seen.all(), ["jwt: role admin tenant 12"]);

    let app = app(&browser.handler);
    let cookie = browser.cookie_header();
    let (status, body) = get(&app, "/me", &cookie).await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(
        body,
        "Form User role=admin plan=Some(\"pro\") login=None tenant=12 id=Some(\"7\")"
    );
    assert_eq!(get(&app, "/maybe", &cookie).await.1, "admin");
    assert_eq!(get(&app, "/page", &cookie).await.1, "admin");

    // Signed out: 401, None, and a redirect to sign in.
    assert_eq!(get(&app, "/me", "").await.0, StatusCode::UNAUTHORIZED);
    assert_eq!(get(&app, "/maybe", "").await.1, "signed out");
    let (status, location) = get(&app, "/page", "").await;
    assert_eq!(status, StatusCode::SEE_OTHER);
    assert!(
        location.starts_with("https://app.test/auth/signin?callbackUrl="),
        "{location}"
    );
}

#[tokio::test]
async fn a_github_sign_in_gives_the_callbacks_the_typed_profile() {
    let (github, seen) = (MockGithub::new(), Seen::default());
    github.sign_in_as(GithubUser::new(42, "ada"));
    let mut browser = Browser::new(config(&github, &seen, None), "https://app.test");
    let to_github = browser.start_sign_in("github").await.location();
    let back = github.authorize(&to_github);
    let reply = browser.get(&back).await;
    assert_eq!(
        reply.location(),
        "https://app.test/after",
        "{}",
        reply.text()
    );
    assert_eq!(
        seen.all(),
        ["sign_in: github login ada", "jwt: role  tenant 0"],
        "the profile is GitHub's type, the token starts from the defaults"
    );
    let app = app(&browser.handler);
    let (status, body) = get(&app, "/me", &browser.cookie_header()).await;
    assert_eq!(status, StatusCode::OK);
    assert!(
        body.starts_with(
            "User ada role= plan=Some(\"pro\") login=Some(\"ada\") tenant=42 id=Some("
        ),
        "{body}"
    );
}

/// An extension with a required field nobody sets.
mod required {
    use super::*;

    #[derive(AuthExtension, Debug, Clone, PartialEq)]
    pub struct Org {
        #[auth(user)]
        pub org: String,
    }

    #[auth(providers(credentials), session = "jwt", extension = Org)]
    pub struct OrgAuth;

    async fn refused(config: AuthConfig) {
        let mut browser = Browser::new(config.trust_host(true), "https://app.test");
        let csrf = browser.csrf().await;
        let reply = browser
            .post(
                "https://app.test/auth/callback/credentials",
                &[("csrfToken", csrf.as_str())],
            )
            .await;
        assert_eq!(
            reply.location(),
            "https://app.test/auth/error?error=Configuration",
            "{}",
            reply.text()
        );
        assert!(!reply.sets("authjs.session-token"));
        assert_eq!(browser.session().await, Value::Null);
        let logged = format!("{:?}", browser.log.take());
        assert!(
            logged.contains("`org` is missing"),
            "the log names the field: {logged}"
        );
    }

    #[tokio::test]
    async fn a_sign_in_whose_token_lacks_a_required_field_fails_with_configuration() {
        let authorize = |_, _| async move { Ok(Some(User::new("1").name("No Org"))) };
        // Without a `jwt` callback: the new token is checked before it is issued.
        refused(
            OrgAuth::builder_with_env(env)
                .credentials(authorize)
                .into_config(),
        )
        .await;
        // With a typed one: the token it would start from does not read.
        let typed = OrgAuth::builder_with_env(env)
            .credentials(authorize)
            .jwt(|params| async move { Ok(Some(params.token)) })
            .into_config();
        refused(typed).await;
        // The user carries it: signed in, `org` in the token.
        let config = OrgAuth::builder_with_env(env)
            .credentials(|_, _| async move {
                let mut user = User::new("1");
                Org { org: "acme".into() }.write_user(&mut user);
                Ok(Some(user))
            })
            .into_config();
        let mut browser = Browser::new(config.trust_host(true), "https://app.test");
        browser.sign_in_with_credentials("credentials", &[]).await;
        let (parts, ()) = Request::get("/")
            .header("host", "app.test")
            .header("x-forwarded-proto", "https")
            .header("cookie", browser.cookie_header())
            .body(())
            .unwrap()
            .into_parts();
        let typed = OrgAuthSession::new(browser.handler.session(&parts).await.unwrap()).unwrap();
        assert_eq!(typed.user.org, "acme");
        assert_eq!(
            browser.session().await["user"].get("org"),
            None,
            "not exposed"
        );
    }
}

#[tokio::test]
async fn a_token_of_an_older_schema_reads_as_signed_out_with_the_cookie_kept() {
    let (github, seen) = (MockGithub::new(), Seen::default());
    let config = config(&github, &seen, Some(1));
    let mut browser = Browser::new(config, "https://app.test");
    let mut old = Jwt::from_user(&User::new("9").name("Old"));
    old.insert("tenant", "not a number");
    let cookie = jwt_session_cookie(
        &AuthConfig::new().secret("typed-secret"),
        "https://app.test",
        &old,
    )
    .unwrap();
    browser.set_cookie_header(&cookie);
    let reply = browser.get("https://app.test/auth/session").await;
    assert_eq!(reply.status, 200);
    assert_eq!(reply.json(), Value::Null);
    assert!(
        !reply
            .set_cookies()
            .iter()
            .any(|c| c.contains("session-token")),
        "the cookie is left alone: {:?}",
        reply.set_cookies()
    );
    assert!(seen.all().is_empty(), "no callback saw the token");
    let logged = format!("{:?}", browser.log.take());
    assert!(
        logged.contains("JWTSessionError")
            && logged.contains("tenant")
            && logged.contains("typed_extension::Claims"),
        "the log names the type and the field: {logged}"
    );
    // Read again (the decoded token is cached, with the outcome of the check): the same answer,
    // logged again.
    let again = browser.get("https://app.test/auth/session").await;
    assert_eq!(again.json(), Value::Null);
    assert!(seen.all().is_empty(), "no callback saw the token");
    assert!(format!("{:?}", browser.log.take()).contains("JWTSessionError"));

    let app = app(&browser.handler);
    assert_eq!(get(&app, "/me", &cookie).await.0, StatusCode::UNAUTHORIZED);
    assert_eq!(get(&app, "/maybe", &cookie).await.1, "signed out");
}

/// With database sessions the fields come from the stored user.
mod database {
    use super::*;
    use auth_runtime::adapter::FullAdapter;
    use auth_runtime::adapter::sql::{Schema, SqlAdapter, SqlOptions, UserColumn};
    use common::databases::FreshDb;

    #[derive(AuthExtension, Debug, Clone, PartialEq)]
    pub struct Stored {
        #[auth(user, session)]
        pub role: String,
        pub note: Option<String>,
    }

    #[auth(providers(github), session = "database", adapter, extension = Stored)]
    pub struct DbAuth;

    /// A GitHub sign-in with database sessions: the fields come from the user the adapter
    /// stores.
    async fn sessions_read_the_fields_from_the_stored_user<A: FullAdapter + 'static>(
        adapter: Arc<A>,
    ) {
        let github = MockGithub::new();
        github.sign_in_as(GithubUser::new(5, "grace"));
        let mut config = DbAuth::builder_with_env(env)
            .adapter(adapter.clone())
            .into_config()
            .trust_host(true);
        config.http_client = Some(Arc::new(github.clone()));
        assert_eq!(config.session.strategy, Some(SessionStrategy::Database));
        let mut browser = Browser::new(config, "https://app.test");

        // The user the adapter would create has no role: the sign-in is refused, nothing half done.
        let to_github = browser.start_sign_in("github").await.location();
        let reply = browser.get(&github.authorize(&to_github)).await;
        assert_eq!(
            reply.location(),
            "https://app.test/auth/error?error=Configuration"
        );
        let user = adapter
            .get_user_by_email("grace@example.com")
            .await
            .unwrap();
        let mut user = user.expect("the user and account were stored before the check");

        // The app gives the user a role; the next sign-in has a session with it.
        user.extra.insert("role".into(), json!("editor"));
        adapter.update_user(user).await.unwrap();
        let to_github = browser.start_sign_in("github").await.location();
        let reply = browser.get(&github.authorize(&to_github)).await;
        assert_eq!(
            reply.location(),
            "https://app.test/after",
            "{}",
            reply.text()
        );
        let session = browser.session().await;
        assert_eq!(session["user"]["role"], "editor", "{session}");

        let (parts, ()) = Request::get("/")
            .header("host", "app.test")
            .header("x-forwarded-proto", "https")
            .header("cookie", browser.cookie_header())
            .body(())
            .unwrap()
            .into_parts();
        let typed = DbAuthSession::new(browser.handler.session(&parts).await.unwrap()).unwrap();
        assert_eq!(typed.user.role, "editor");
        assert_eq!(typed.user.note, None);
        assert!(typed.user.id.is_some());
    }

    async fn sql(url: &str) -> Arc<SqlAdapter> {
        let adapter = SqlAdapter::connect_with(
            url,
            SqlOptions {
                schema: Some(
                    Schema::default_for(
                        auth_runtime::adapter::sql::Dialect::from_url(url).unwrap(),
                    )
                    .with_user_column(UserColumn::text("role")),
                ),
                ..SqlOptions::default()
            },
        )
        .await
        .unwrap();
        adapter.migrate().await.unwrap();
        Arc::new(adapter)
    }

    #[tokio::test]
    async fn on_the_memory_adapter() {
        sessions_read_the_fields_from_the_stored_user(Arc::new(MemoryAdapter::new())).await;
    }

    #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
    async fn on_sqlite() {
        let db = FreshDb::sqlite();
        sessions_read_the_fields_from_the_stored_user(sql(&db.url).await).await;
    }

    #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
    async fn on_postgres() {
        let db = FreshDb::postgres().await;
        let adapter = sql(&db.url).await;
        sessions_read_the_fields_from_the_stored_user(adapter.clone()).await;
        adapter.close().await;
        db.drop_now().await;
    }

    #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
    async fn on_mysql() {
        let db = FreshDb::mysql().await;
        let adapter = sql(&db.url).await;
        sessions_read_the_fields_from_the_stored_user(adapter.clone()).await;
        adapter.close().await;
        db.drop_now().await;
    }

    /// A SQL schema without a column for an `#[auth(user)]` field would lose it at every
    /// sign-in: the configuration is refused before the first request, naming the field.
    #[tokio::test]
    async fn a_sql_schema_without_the_column_is_refused() {
        let adapter = SqlAdapter::connect("sqlite::memory:").await.unwrap();
        adapter.migrate().await.unwrap();
        let config = DbAuth::builder_with_env(env)
            .adapter(Arc::new(adapter))
            .into_config()
            .trust_host(true);
        let err = config.assert_valid().unwrap_err();
        assert_eq!(
            err.error_type(),
            auth_runtime::error::ErrorType::MissingAdapterMethods
        );
        assert!(
            err.to_string()
                .contains("the adapter's users have no `role`")
                && err.to_string().contains("UserColumn::text(\"role\")"),
            "{err}"
        );
        // Memory and Redis keep whole users: nothing to declare.
        let config = DbAuth::builder_with_env(env)
            .adapter(Arc::new(MemoryAdapter::new()))
            .into_config()
            .trust_host(true);
        config.assert_valid().unwrap();
    }
}

#[test]
fn the_configuration_carries_the_declared_schema() {
    let config = Auth::builder_with_env(env)
        .credentials(|_, _| async move { Ok(None) })
        .into_config();
    let schema = config.extension.expect("extension = Claims");
    let fields: Vec<_> = schema
        .fields()
        .iter()
        .map(|f| (f.name(), f.exposed(), f.on_user()))
        .collect();
    assert_eq!(
        fields,
        [
            ("role", true, true),
            ("plan", true, false),
            ("login", false, false),
            ("tenant", false, true)
        ]
    );
}

/// Every provider option reaches the provider, and the profile mapping gets the typed profile.
mod provider_options {
    use super::*;
    use auth_runtime::providers::{Checks, ProviderStyle, TokenAuthMethod};

    #[auth(providers(github, microsoft_entra_id), session = "jwt")]
    pub struct Options;

    fn oauth(config: &AuthConfig, id: &str) -> OAuthProvider {
        config
            .providers
            .iter()
            .find_map(|p| match p {
                Provider::OAuth(o) if o.id == id => Some(o.clone()),
                _ => None,
            })
            .unwrap()
    }

    #[test]
    fn every_option_of_the_builder_reaches_the_provider() {
        let config = Options::builder_with_env(env)
            .github(|p| {
                p.scope("read:user read:org")
                    .authorization_param("allow_signup", "false")
                    .checks(Checks {
                        pkce: true,
                        state: true,
                        nonce: false,
                    })
                    .token_auth_method(TokenAuthMethod::ClientSecretPost)
                    .refresh_access_token(true)
                    .style(ProviderStyle {
                        brand_color: Some("#000000".into()),
                        ..ProviderStyle::default()
                    })
                    .enterprise_url("https://ghe.example/")
                    .customize(|provider| OAuthProvider {
                        name: "GitHub Enterprise".into(),
                        ..provider
                    })
            })
            .microsoft_entra_id(|p| p.tenant_id("contoso.onmicrosoft.com"))
            .into_config();
        let github = oauth(&config, "github");
        assert_eq!(github.scope.as_deref(), Some("read:user read:org"));
        assert!(
            github
                .authorization_params
                .contains(&("allow_signup".into(), "false".into()))
        );
        assert!(github.checks.pkce && github.checks.state && !github.checks.nonce);
        assert_eq!(github.token_auth_method, TokenAuthMethod::ClientSecretPost);
        assert!(github.refresh_access_token);
        assert_eq!(github.style.brand_color.as_deref(), Some("#000000"));
        assert_eq!(github.name, "GitHub Enterprise");
        assert_eq!(
            github.authorization_url.as_deref(),
            Some("https://ghe.example/login/oauth/authorize")
        );
        assert_eq!(
            github.token_url.as_deref(),
            Some("https://ghe.example/login/oauth/access_token")
        );
        assert_eq!(
            github.userinfo_url.as_deref(),
            Some("https://ghe.example/api/v3/user")
        );
        assert_eq!(
            github.issuer.as_deref(),
            Some("https://ghe.example/login/oauth")
        );
        assert_eq!(
            oauth(&config, "microsoft-entra-id").issuer.as_deref(),
            Some("https://login.microsoftonline.com/contoso.onmicrosoft.com/v2.0")
        );
    }

    #[auth(providers(keycloak), session = "jwt")]
    pub struct NeedsIssuer;

    #[auth(providers(apple), session = "jwt")]
    pub struct WithApple;

    #[test]
    fn options_replace_registry_parameters_and_keep_the_others() {
        let client: Arc<dyn auth_runtime::http_client::HttpClient> = Arc::new(MockGithub::new());
        let options = auth_runtime::providers::ProviderOptions::<AppleProfile>::default()
            .scope("name email openid")
            .authorization_param("response_mode", "query")
            .authorization_param("prompt", "consent")
            .client_id("apple-id")
            .client_secret("apple-s3cret")
            .redirect_proxy_url("https://proxy.example/auth")
            .http_client(client);
        let shown = format!("{options:?}");
        assert!(
            shown.contains("apple-id") && !shown.contains("apple-s3cret"),
            "{shown}"
        );
        // A clone applies the same as the original.
        let config = WithApple::builder_with_env(env)
            .apple(|_| options.clone())
            .into_config();
        let apple = oauth(&config, "apple");
        assert_eq!(apple.scope.as_deref(), Some("name email openid"));
        let params = &apple.authorization_params;
        assert_eq!(
            params
                .iter()
                .filter(|(k, _)| k == "response_mode")
                .collect::<Vec<_>>(),
            [&("response_mode".to_owned(), "query".to_owned())],
            "the registry's form_post is replaced, once: {params:?}"
        );
        assert!(params.contains(&("prompt".into(), "consent".into())));
        assert!(apple.http_client.is_some());
        assert_eq!(apple.client_id.as_deref(), Some("apple-id"));
        assert_eq!(
            apple.client_secret.as_ref().map(|s| s.expose()),
            Some("apple-s3cret")
        );
        assert_eq!(
            apple.redirect_proxy_url.as_deref(),
            Some("https://proxy.example/auth")
        );

        // A scope given as a parameter is the scope; setting the scope keeps the other params.
        let config = WithApple::builder_with_env(env)
            .apple(|p| p.authorization_param("scope", "name").scope("email"))
            .into_config();
        let apple = oauth(&config, "apple");
        assert_eq!(
            apple.scope.as_deref(),
            Some("name"),
            "a `scope` parameter is the scope"
        );
        assert!(!apple.authorization_params.iter().any(|(k, _)| k == "scope"));
        assert!(
            apple
                .authorization_params
                .contains(&("response_mode".into(), "form_post".into()))
        );
    }

    #[test]
    fn a_required_issuer_missing_is_a_build_error_naming_the_variable() {
        let error = NeedsIssuer::builder_with_env(env)
            .build()
            .expect_err("keycloak has no issuer built in");
        assert!(
            error.to_string().contains("set AUTH_KEYCLOAK_ISSUER"),
            "{error}"
        );
        let built = NeedsIssuer::builder_with_env(env)
            .keycloak(|p| p.issuer("https://sso.example/realms/staff"))
            .build();
        assert!(built.is_ok());
    }

    #[tokio::test]
    async fn the_profile_mapping_receives_the_typed_profile() {
        let github = MockGithub::new();
        github.sign_in_as(GithubUser::new(77, "octo"));
        let mut config = Options::builder_with_env(env)
            .github(|p| {
                p.profile(|profile: GitHubProfile, _tokens| {
                    Ok(User::new(format!("gh-{}", profile.id))
                        .name(format!("@{}", profile.login))
                        .email(format!("{}@users.example", profile.login)))
                })
            })
            .into_config()
            .trust_host(true);
        config.http_client = Some(Arc::new(github.clone()));
        let mut browser = Browser::new(config, "https://app.test");
        let to_github = browser.start_sign_in("github").await.location();
        let reply = browser.get(&github.authorize(&to_github)).await;
        assert_eq!(
            reply.location(),
            "https://app.test/after",
            "{}",
            reply.text()
        );
        let session = browser.session().await;
        assert_eq!(session["user"]["name"], "@octo", "{session}");
        assert_eq!(session["user"]["email"], "octo@users.example");
    }
}

/// `NextAuth(req => config)` from the generated type, mounted at the declared base path.
mod lazy {
    use super::*;

    #[auth(providers(credentials), session = "jwt", base_path = "/api/auth")]
    pub struct PerRequest;

    #[tokio::test]
    async fn a_lazy_configuration_is_built_per_request_under_the_declared_base_path() {
        let auth = PerRequest::lazy(|parts| {
            let tenant = parts
                .headers
                .get("x-tenant")
                .and_then(|v| v.to_str().ok())
                .unwrap_or("none")
                .to_owned();
            async move {
                PerRequest::builder_with_env(env)
                    .credentials_provider(move |p| p.name(format!("Sign in to {tenant}")))
                    .credentials(|_, _| async move { Ok(None) })
            }
        });
        assert_eq!(auth.handler().base_path().as_deref(), Some("/api/auth"));
        let app: axum::Router = auth.router();
        for tenant in ["acme", "globex"] {
            let request = Request::get("/api/auth/providers")
                .header("host", "app.test")
                .header("x-tenant", tenant)
                .body(Body::empty())
                .unwrap();
            let response = app.clone().oneshot(request).await.unwrap();
            assert_eq!(response.status(), StatusCode::OK);
            let body = axum::body::to_bytes(response.into_body(), 1 << 16)
                .await
                .unwrap();
            let providers: Value = serde_json::from_slice(&body).unwrap();
            assert_eq!(
                providers["credentials"]["name"],
                format!("Sign in to {tenant}"),
                "{providers}"
            );
        }
    }
}
