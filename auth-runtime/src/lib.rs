//! Auth.js v5 for Rust.
pub mod adapter;
pub mod axum;
pub mod callbacks;
pub mod config;
pub mod cookies;
pub mod csrf;
pub mod engine;
pub mod env;
pub mod error;
pub mod http_client;
pub mod jose;
pub mod pages;
pub mod providers;
pub mod types;

pub use engine::AuthHandler;

/// Everything an application needs: `use auth_runtime::prelude::*;`.
pub mod prelude {
    pub use crate::callbacks::{Callbacks, Events, JwtTrigger, SignInDecision};
    pub use crate::config::{AuthConfig, Pages, SessionStrategy, Theme};
    pub use crate::engine::AuthHandler;
    pub use crate::error::{AuthError, ErrorType};
    pub use crate::providers::{
        CredentialField, CredentialsProvider, OAuthProvider, Provider, ProviderKind,
    };
    pub use crate::registry_support::{AuthExtension, ExtensionError, ProviderOptions};
    pub use crate::types::{Account, Jwt, Session, SessionUser, User};
    pub use auth_macros::{AuthExtension, auth};
}

/// Paths the generated code of `#[auth]` uses. Not a public API.
#[doc(hidden)]
pub mod __private {
    pub use crate::registry_support::AuthExtension;
    pub use crate::registry_support::{
        AdapterGiven, AuthorizeGiven, EnvLookup, Given, Missing, ProviderOptions, StaticOAuth,
        UserMapping, read_field, user_from_profile, write_field,
    };
    pub use ::axum::Router;
    pub use serde;
    pub use serde_json;
}

#[doc(hidden)]
pub mod registry_support;
