//! A signed-in visitor without a sign-in flow: the session cookie the engine would set.

use time::OffsetDateTime;

use crate::adapter::AdapterSession;
use crate::config::AuthConfig;
use crate::cookies::{Cookies, SessionStore, SetCookie};
use crate::error::{AuthError, ErrorType};
use crate::jose::JwtCodec;
use crate::types::Jwt;

fn cookies_for(config: &AuthConfig, origin: &str) -> Cookies {
    let secure = config
        .use_secure_cookies
        .unwrap_or_else(|| origin.starts_with("https://"));
    Cookies::resolve(&config.cookies, secure)
}

fn header(cookies: &[SetCookie]) -> String {
    cookies
        .iter()
        .map(|c| format!("{}={}", c.name, c.value))
        .collect::<Vec<_>>()
        .join("; ")
}

/// The `Cookie` header of a visitor whose JWT session holds `token`, for an app configured by
/// `config` and served at `origin` (`https://` origins get `__Secure-` cookie names unless
/// `use_secure_cookies` says otherwise). The token expires after the configured `max_age`; a
/// large one is chunked as the engine chunks it. Typed extension fields go in with
/// [`AuthExtension::write_jwt`](crate::extension::AuthExtension::write_jwt).
///
/// ```
/// use auth_runtime::config::AuthConfig;
/// use auth_runtime::testing::{Browser, jwt_session_cookie};
/// use auth_runtime::types::{Jwt, User};
///
/// # tokio::runtime::Builder::new_current_thread().enable_all().build().unwrap().block_on(async {
/// let config = AuthConfig::new().secret("test-secret").trust_host(true);
/// let token = Jwt::from_user(&User::new("42").name("Ada").email("ada@example.com"));
/// let cookie = jwt_session_cookie(&config, "https://app.test", &token).unwrap();
/// assert!(cookie.starts_with("__Secure-authjs.session-token="));
///
/// let mut browser = Browser::new(config, "https://app.test");
/// browser.set_cookie_header(&cookie);
/// assert_eq!(browser.session().await["user"]["name"], "Ada");
/// # });
/// ```
pub fn jwt_session_cookie(
    config: &AuthConfig,
    origin: &str,
    token: &Jwt,
) -> Result<String, AuthError> {
    let codec = JwtCodec::from_secrets(config.secret.clone())?;
    let cookies = cookies_for(config, origin);
    let spec = &cookies.session_token;
    let sealed = codec.encode(&token.0, &spec.name, config.session.max_age)?;
    Ok(header(&SessionStore::new(spec, &[]).write(&sealed, None)))
}

/// The `Cookie` header of a visitor with a database session for `user_id`: the session row is
/// created through the configuration's adapter, expiring after the configured `max_age`.
pub async fn database_session_cookie(
    config: &AuthConfig,
    origin: &str,
    user_id: &str,
) -> Result<String, AuthError> {
    let adapter = config.adapter.as_ref().ok_or_else(|| {
        AuthError::new(
            ErrorType::MissingAdapter,
            "database sessions need an adapter",
        )
    })?;
    let expires = OffsetDateTime::now_utc()
        + time::Duration::seconds(i64::try_from(config.session.max_age).unwrap_or(i64::MAX));
    let session = adapter
        .require_sessions()?
        .create_session(AdapterSession {
            session_token: uuid::Uuid::new_v4().to_string(),
            user_id: user_id.to_owned(),
            expires,
        })
        .await
        .map_err(AuthError::from)?;
    let cookies = cookies_for(config, origin);
    Ok(header(&[SetCookie::new(
        &cookies.session_token,
        session.session_token,
    )]))
}
