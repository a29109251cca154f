//! The data Auth.js passes around: [`User`], [`Account`], [`Session`] and the session token's
//! claims, [`Jwt`]. Field names serialise as Auth.js writes them (`providerAccountId`,
//! `emailVerified`, ...); unknown fields are kept in `extra`.

use serde::{Deserialize, Serialize};
use serde_json::{Map, Value};

/// A user, as returned by `authorize`, a provider's profile mapping, or an adapter.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct User {
    /// Stable user id (`sub` of the session token).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub id: Option<String>,
    /// Display name.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub name: Option<String>,
    /// Email address.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub email: Option<String>,
    /// Avatar URL.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub image: Option<String>,
    /// Any other fields.
    #[serde(flatten)]
    pub extra: Map<String, Value>,
}

impl User {
    /// A user with an id.
    pub fn new(id: impl Into<String>) -> Self {
        Self {
            id: Some(id.into()),
            ..Self::default()
        }
    }

    /// Sets the name.
    pub fn name(mut self, name: impl Into<String>) -> Self {
        self.name = Some(name.into());
        self
    }

    /// Sets the email.
    pub fn email(mut self, email: impl Into<String>) -> Self {
        self.email = Some(email.into());
        self
    }

    /// Sets the image.
    pub fn image(mut self, image: impl Into<String>) -> Self {
        self.image = Some(image.into());
        self
    }
}

/// How a user signed in with a provider: the provider, the account id there, and for OAuth the
/// token set.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct Account {
    /// Provider id, e.g. `github`.
    pub provider: String,
    /// Provider type: `oauth`, `oidc`, `email`, `credentials` or `webauthn`.
    #[serde(rename = "type")]
    pub kind: String,
    /// The user's id at the provider.
    #[serde(rename = "providerAccountId")]
    pub provider_account_id: String,
    /// The local user id, when known.
    #[serde(rename = "userId", default, skip_serializing_if = "Option::is_none")]
    pub user_id: Option<String>,
    /// OAuth access token.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub access_token: Option<String>,
    /// OAuth refresh token.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub refresh_token: Option<String>,
    /// OIDC ID token.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub id_token: Option<String>,
    /// Absolute expiry of the access token, seconds since the epoch.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub expires_at: Option<i64>,
    /// Granted scope.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub scope: Option<String>,
    /// Token type, usually `bearer`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub token_type: Option<String>,
    /// OIDC session state.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub session_state: Option<String>,
    /// Any other token-response fields.
    #[serde(flatten)]
    pub extra: Map<String, Value>,
}

/// The user part of a [`Session`].
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct SessionUser {
    /// Display name.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub name: Option<String>,
    /// Email address.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub email: Option<String>,
    /// Avatar URL.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub image: Option<String>,
    /// Fields a `session` callback added.
    #[serde(flatten)]
    pub extra: Map<String, Value>,
}

/// What `GET /session` returns and what handlers read: the user and the expiry (ISO 8601).
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct Session {
    /// The signed-in user.
    #[serde(default)]
    pub user: SessionUser,
    /// When the session expires, e.g. `2026-12-27T10:00:00.000Z`.
    pub expires: String,
    /// Fields a `session` callback added (e.g. `accessToken`, `error`).
    #[serde(flatten)]
    pub extra: Map<String, Value>,
}

/// The claims of a session token. Auth.js sets `name`, `email`, `picture` and `sub` at sign-in,
/// and `iat`, `exp`, `jti` when encoding; a `jwt` callback may add anything.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(transparent)]
pub struct Jwt(pub Map<String, Value>);

impl Jwt {
    /// The default token of a sign-in: `{name, email, picture, sub}`, absent values left out.
    pub fn from_user(user: &User) -> Self {
        let mut claims = Map::new();
        let mut put = |key: &str, value: &Option<String>| {
            if let Some(v) = value {
                claims.insert(key.into(), Value::String(v.clone()));
            }
        };
        put("name", &user.name);
        put("email", &user.email);
        put("picture", &user.image);
        put("sub", &user.id);
        Self(claims)
    }

    fn string(&self, key: &str) -> Option<&str> {
        self.0.get(key).and_then(Value::as_str)
    }

    /// `sub`: the user id.
    pub fn sub(&self) -> Option<&str> {
        self.string("sub")
    }

    /// `name`.
    pub fn name(&self) -> Option<&str> {
        self.string("name")
    }

    /// `email`.
    pub fn email(&self) -> Option<&str> {
        self.string("email")
    }

    /// `picture`.
    pub fn picture(&self) -> Option<&str> {
        self.string("picture")
    }

    /// `exp`, seconds since the epoch.
    pub fn exp(&self) -> Option<i64> {
        self.0.get("exp").and_then(Value::as_i64)
    }

    /// Any claim.
    pub fn get(&self, key: &str) -> Option<&Value> {
        self.0.get(key)
    }

    /// Sets a claim.
    pub fn insert(&mut self, key: impl Into<String>, value: impl Into<Value>) {
        self.0.insert(key.into(), value.into());
    }
}
