//! A test kit for apps (feature `testing`): run an app's sign-in flows offline, in process, with
//! no Node and no network.
//!
//! - [`Browser`]: a browser in front of an [`AuthHandler`](crate::AuthHandler): a cookie jar,
//!   form and JSON posts, the CSRF dance ([`Browser::csrf`], [`Browser::start_sign_in`]), and a
//!   logger that keeps each error with its [`Reason`](crate::error::Reason), so a test can say
//!   which check refused a request.
//! - [`MockOidc`]: an OpenID Provider (discovery, JWKS, authorize, token, userinfo) the engine
//!   reaches through its [`HttpClient`](crate::http_client::HttpClient); the test picks the user
//!   it signs in and can make it misbehave ([`Behaviour`]). [`MockGithub`] answers for
//!   `github.com` and `api.github.com` the way GitHub does, so an app's `providers(github)` signs
//!   in unchanged.
//! - [`jwt_session_cookie`] and [`database_session_cookie`]: a signed-in visitor without any
//!   sign-in flow.
//! - [`SoftAuthenticator`]: a passkey, for the `webauthn-options` and callback endpoints.
//!
//! ```
//! use auth_runtime::config::AuthConfig;
//! use auth_runtime::testing::{Browser, MockOidc};
//!
//! # tokio::runtime::Builder::new_current_thread().enable_all().build().unwrap().block_on(async {
//! let idp = MockOidc::new();
//! idp.sign_in_as("ada");
//! let config = AuthConfig::new()
//!     .secret("test-secret")
//!     .trust_host(true)
//!     .provider(idp.provider("acme"));
//! let mut browser = Browser::new(config, "https://app.test");
//! let to_provider = browser.start_sign_in("acme").await.location();
//! let back = idp.authorize(&to_provider);
//! browser.get(&back).await;
//! assert_eq!(browser.session().await["user"]["email"], "ada@example.com");
//! # });
//! ```

mod browser;
mod github;
mod keys;
mod mint;
mod oidc;
#[cfg(feature = "webauthn")]
mod passkey;

pub use browser::{Browser, Capture, Logged, Reply};
pub use github::{GithubUser, MockGithub};
pub use mint::{database_session_cookie, jwt_session_cookie};
pub use oidc::{Behaviour, CLIENT_ID, CLIENT_SECRET, Key, MockOidc, StateReply};
#[cfg(feature = "webauthn")]
pub use passkey::SoftAuthenticator;
