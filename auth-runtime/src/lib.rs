//! Auth.js v5 (next-auth) for Rust: sign-in with OAuth/OIDC providers and credentials, JWT or
//! database sessions, callbacks and events, built-in pages, and the same session cookie, token
//! format, endpoints and CSRF scheme as Auth.js, so a Rust service and a Next.js app can share
//! users.
//!
//! ```no_run
//! use auth_runtime::prelude::*;
//!
//! /// The app's own session fields, declared once with where each lives.
//! #[derive(AuthExtension, Clone, Debug)]
//! pub struct Claims {
//!     #[auth(user, session, default)] // from the user at sign-in, shown as session.user.role
//!     pub role: String,
//!     pub signed_in_with: Option<String>, // in the token only
//! }
//!
//! #[auth(providers(github, credentials), session = "jwt", extension = Claims)]
//! pub struct Auth;
//!
//! // `AuthSession` is generated: the session with the typed fields (401 when signed out).
//! async fn me(session: AuthSession) -> String {
//!     format!("{} is {}", session.user.name.as_deref().unwrap_or("?"), session.user.role)
//! }
//!
//! async fn home(session: Option<Session>) -> String {
//!     match session {
//!         Some(s) => format!("Hello {}", s.user.name.unwrap_or_default()),
//!         None => "Hello stranger".into(),
//!     }
//! }
//!
//! #[tokio::main]
//! async fn main() -> Result<(), Box<dyn std::error::Error>> {
//!     // AUTH_SECRET, AUTH_URL, AUTH_GITHUB_ID and AUTH_GITHUB_SECRET come from the environment.
//!     let auth = Auth::builder()
//!         .credentials(|creds, _request| async move {
//!             let ok = creds.get("password").and_then(|p| p.as_str()) == Some("let me in");
//!             Ok(ok.then(|| User::new("1").name("Alice")))
//!         })
//!         .jwt(|mut params| async move {
//!             // Typed: the token's fields, and at sign-in the account and the typed profile.
//!             if let Some(account) = &params.account {
//!                 params.token.signed_in_with = Some(account.provider.clone());
//!             }
//!             Ok(Some(params.token))
//!         })
//!         .build()?; // a credentials provider without authorize does not compile
//!     let app = axum::Router::new()
//!         .route("/", axum::routing::get(home))
//!         .route("/me", axum::routing::get(me))
//!         .merge(auth.router()) // GET/POST /auth/*
//!         .layer(auth.layer()); // sessions for the extractors, sliding expiry
//!     let listener = tokio::net::TcpListener::bind("127.0.0.1:3000").await?;
//!     axum::serve(listener, app).await?;
//!     Ok(())
//! }
//! ```
//!
//! The typed fields are declared once ([`extension`]): the sign-in copies `#[auth(user)]` fields
//! from the user into the token, the session shows `#[auth(session)]` fields under
//! `session.user`, handlers read them as their Rust types, and the `jwt`, `session` and `sign_in`
//! callbacks of the builder get typed values.
//!
//! Without the macro, build an [`config::AuthConfig`] and an [`AuthHandler`]. The integrations
//! (`axum`, default; `actix`) serve the routes and give handlers the session; any other framework
//! hands the requests under the base path to [`AuthHandler::handle`]. Server code calls the engine
//! in process, as next-auth's helpers do: [`AuthHandler::auth`], [`AuthHandler::sign_in`],
//! [`AuthHandler::sign_out`], [`AuthHandler::update_session`], [`AuthHandler::csrf_token`].
//! Where this crate deliberately differs from Auth.js (stricter checks, fixed Auth.js bugs), the
//! item's documentation says so; the repository lists every difference in one table.
#[cfg(feature = "actix")]
pub mod actix;
pub mod adapter;
#[cfg(feature = "axum")]
pub mod axum;
pub mod builder;
pub mod callbacks;
pub mod config;
pub mod cookies;
pub mod csrf;
pub mod doctor;
pub mod engine;
pub mod env;
pub mod error;
pub mod extension;
mod html;
pub mod http_client;
#[cfg(any(feature = "axum", feature = "actix"))]
mod integration;
pub mod jose;
pub mod pages;
pub mod profiles;
pub mod providers;
pub mod rate_limit;
mod redirect_proxy;
#[cfg(test)]
mod test_support;
#[cfg(feature = "testing")]
pub mod testing;
pub mod types;
pub mod wire;

pub use engine::AuthHandler;

// The generated code names this crate `::auth_runtime`, inside it too (`profiles`).
extern crate self as auth_runtime;

/// The framework crates this build integrates with, re-exported for apps that want exactly the
/// versions it was built against: axum 0.8 (feature `axum`) and actix-web 4 (feature `actix`).
/// Another major version of axum in the app gives type errors that name two `axum` crates.
pub mod reexports {
    #[cfg(feature = "actix")]
    pub use actix_web;
    #[cfg(feature = "axum")]
    pub use axum;
    pub use http;
}

/// Everything an application needs: `use auth_runtime::prelude::*;`.
pub mod prelude {
    #[cfg(feature = "axum")]
    pub use crate::axum::{
        AuthContext, AuthLayer, Redirected, RequireAuth, RequireSession, SessionRejection,
        SignInRedirect, Unauthorized,
    };
    pub use crate::callbacks::{
        AuthorizedDecision, AuthorizedParams, Callbacks, Events, JwtTrigger, SignInDecision,
    };
    pub use crate::config::{AuthConfig, ColorScheme, JwtReissue, Pages, SessionStrategy, Theme};
    pub use crate::engine::{AuthHandler, Outcome, SignInOptions, SignOutOptions};
    pub use crate::error::{AuthError, ErrorType};
    pub use crate::extension::{AuthExtension, ExtensionError, TypedSession};
    /// The built-in providers' typed profiles (`GitHubProfile`, `GoogleProfile`, ...).
    pub use crate::profiles::*;
    pub use crate::providers::{
        CredentialField, CredentialsProvider, OAuthProvider, Provider, ProviderKind,
        ProviderOptions,
    };
    pub use crate::types::{Account, Jwt, Session, SessionUser, User};
    pub use auth_macros::{AuthExtension, auth};
}

/// Paths the generated code of `#[auth]` uses. Not a public API.
#[doc(hidden)]
pub mod __private {
    pub use crate::extension::{
        AuthExtension, ExtensionCodec, ExtensionError, ExtensionField, ExtensionSchema,
        TypedSession, extension_codec, read_field, read_field_or_default, write_field,
    };
    pub use crate::providers::quirks::apply_named_profile_quirks;
    pub use crate::registry_support::{
        AdapterGiven, AuthorizeGiven, EnvLookup, Given, Missing, ProviderOptions, StaticOAuth,
        UserMapping, user_from_profile,
    };
    pub use crate::registry_support::{Features, webauthn_provider};
    #[cfg(feature = "axum")]
    pub use ::axum::Router;
    pub use inventory;
    pub use serde;
    pub use serde_json;
}

#[doc(hidden)]
pub mod registry_support;

/// What `#[auth]` and `#[derive(AuthExtension)]` generate, expanded here for the API docs (this
/// module exists only in the documentation). The source is:
///
/// ```ignore
/// #[derive(AuthExtension, Debug, Clone)]
/// pub struct Claims {
///     #[auth(user, session, default)]
///     pub role: String,
///     pub signed_in_with: Option<String>,
/// }
///
/// #[auth(providers(github, google, credentials), session = "jwt", extension = Claims)]
/// pub struct Auth;
/// ```
///
/// It gives [`example::Auth`] (the handler type, with `builder()`, `lazy(..)`, `router()`,
/// `layer()`), [`example::AuthBuilder`] (one method per provider, the typed callbacks,
/// `build()`), [`example::AuthSession`] (the typed session extractor) and
/// [`example::AuthProfile`] (the providers' typed profiles).
#[cfg(doc)]
pub mod example {
    use crate::prelude::*;

    /// The example app's typed fields.
    #[derive(AuthExtension, Debug, Clone)]
    pub struct Claims {
        /// Taken from the user at sign-in, exposed as `session.user.role`.
        #[auth(user, session, default)]
        pub role: String,
        /// In the token only.
        pub signed_in_with: Option<String>,
    }

    #[auth(providers(github, google, credentials), session = "jwt", extension = Claims)]
    pub struct Auth;
}

/// Internals the fuzz targets under `fuzz/` drive (feature `fuzzing`). Not a public API.
#[cfg(all(feature = "fuzzing", feature = "axum"))]
#[doc(hidden)]
pub mod __fuzz {
    use crate::integration::{DenyResponse, Matcher, Rules, canonical_path};

    /// The canonical form of a request path, as protection rules compare it.
    pub fn canonical(path: &str) -> String {
        canonical_path(path).into_owned()
    }

    /// Whether `protect(prefix)` covers a request for `path`, seen under `outer` (the path
    /// before a nesting router stripped its prefix).
    pub fn protected(prefix: &str, path: &str, outer: Option<&str>) -> bool {
        let Ok(request) = http::Request::get(path).body(()) else {
            return false;
        };
        let (parts, ()) = request.into_parts();
        let mut rules = Rules::default();
        rules.push(Matcher::prefix(prefix), DenyResponse::Unauthorized);
        rules.find(&parts, outer).is_some()
    }
}

/// The framework methods of an `#[auth]` type: `router()` and `layer()` with the `axum` feature.
#[doc(hidden)]
#[cfg(feature = "axum")]
#[macro_export]
macro_rules! __framework_methods_axum {
    () => {
        /// An axum router serving every Auth.js route under the base path.
        pub fn router<S>(&self) -> $crate::__private::Router<S>
        where
            S: ::core::clone::Clone + ::core::marker::Send + ::core::marker::Sync + 'static,
        {
            $crate::axum::router(self.handler())
        }

        /// The axum layer that makes the session available to handlers (and protects the
        /// paths its `protect*` methods name).
        pub fn layer(&self) -> $crate::axum::AuthLayer {
            $crate::axum::AuthLayer::new(self.handler())
        }
    };
}

#[doc(hidden)]
#[cfg(not(feature = "axum"))]
#[macro_export]
macro_rules! __framework_methods_axum {
    () => {};
}

/// Every framework method of an `#[auth]` type, for the features enabled.
#[doc(hidden)]
#[macro_export]
macro_rules! __framework_methods {
    () => {
        $crate::__framework_methods_axum!();
    };
}

/// The guides under `docs/guides/`, compiled as doc tests: every Rust snippet in them builds
/// (and runs, unless marked `no_run`) with `cargo test --doc`.
#[cfg(doctest)]
pub mod guides {
    #[doc = include_str!("../../README.md")]
    pub struct Readme;
    #[doc = include_str!("../../docs/guides/getting-started.md")]
    pub struct GettingStarted;
    #[doc = include_str!("../../docs/guides/providers.md")]
    pub struct Providers;
    #[doc = include_str!("../../docs/guides/sessions.md")]
    pub struct Sessions;
    #[doc = include_str!("../../docs/guides/callbacks-events.md")]
    pub struct CallbacksEvents;
    #[doc = include_str!("../../docs/guides/pages-theming.md")]
    pub struct PagesTheming;
    #[doc = include_str!("../../docs/guides/adapters.md")]
    pub struct Adapters;
    #[doc = include_str!("../../docs/guides/deploying.md")]
    pub struct Deploying;
    #[doc = include_str!("../../docs/guides/nextjs.md")]
    pub struct Nextjs;
    #[doc = include_str!("../../docs/guides/migrating.md")]
    pub struct Migrating;
    #[doc = include_str!("../../docs/guides/testing.md")]
    pub struct Testing;
}
