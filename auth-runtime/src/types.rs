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
    /// When the email address was verified (email sign-in), as the adapter stores it.
    #[serde(
        rename = "emailVerified",
        default,
        skip_serializing_if = "Option::is_none",
        with = "time::serde::rfc3339::option"
    )]
    pub email_verified: Option<time::OffsetDateTime>,
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

    /// The user as a JSON object (`id`, `name`, ..., and its extra fields): what a database
    /// session's typed fields are read from.
    pub(crate) fn to_fields(&self) -> Map<String, Value> {
        match serde_json::to_value(self) {
            Ok(Value::Object(fields)) => fields,
            _ => Map::new(),
        }
    }

    /// Applies an adapter's `update_user`: the fields `change` sets replace these, its extra
    /// fields are added; the id is kept.
    pub fn apply_update(&mut self, change: User) {
        if change.name.is_some() {
            self.name = change.name;
        }
        if change.email.is_some() {
            self.email = change.email;
        }
        if change.image.is_some() {
            self.image = change.image;
        }
        if change.email_verified.is_some() {
            self.email_verified = change.email_verified;
        }
        self.extra.extend(change.extra);
    }
}

/// How a user signed in with a provider: the provider, the account id there, and for OAuth the
/// token set. `Debug` shows the tokens as `<redacted>`.
#[derive(Clone, Default, PartialEq, Serialize, Deserialize)]
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

impl std::fmt::Debug for Account {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let hidden = |t: &Option<String>| t.as_ref().map(|_| REDACTED);
        f.debug_struct("Account")
            .field("provider", &self.provider)
            .field("kind", &self.kind)
            .field("provider_account_id", &self.provider_account_id)
            .field("user_id", &self.user_id)
            .field("access_token", &hidden(&self.access_token))
            .field("refresh_token", &hidden(&self.refresh_token))
            .field("id_token", &hidden(&self.id_token))
            .field("expires_at", &self.expires_at)
            .field("scope", &self.scope)
            .field("token_type", &self.token_type)
            .field("session_state", &self.session_state)
            .field("extra", &Redacted(&self.extra))
            .finish()
    }
}

const REDACTED: &str = "<redacted>";

/// Members of token responses, token claims and sessions that are secrets: `Debug` never shows
/// their values.
const SECRET_MEMBERS: [&str; 9] = [
    "access_token",
    "refresh_token",
    "id_token",
    "accessToken",
    "refreshToken",
    "idToken",
    "sessionToken",
    "session_token",
    "code_verifier",
];

/// A JSON object in `Debug` output, with the values of [`SECRET_MEMBERS`] hidden.
pub(crate) struct Redacted<'a>(pub(crate) &'a Map<String, Value>);

impl std::fmt::Debug for Redacted<'_> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let mut map = f.debug_map();
        for (key, value) in self.0 {
            if SECRET_MEMBERS.contains(&key.as_str()) {
                map.entry(key, &REDACTED);
            } else {
                map.entry(key, value);
            }
        }
        map.finish()
    }
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
/// `Debug` hides token values a `session` callback copied in (`accessToken`, ...).
#[derive(Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct Session {
    /// The signed-in user.
    #[serde(default)]
    pub user: SessionUser,
    /// When the session expires, e.g. `2026-12-27T10:00:00.000Z`.
    pub expires: String,
    /// Fields a `session` callback added (e.g. `accessToken`, `error`).
    #[serde(flatten)]
    pub extra: Map<String, Value>,
    /// What the engine read the session from, for [`Session::extension`].
    #[serde(skip)]
    pub(crate) source: SessionSource,
}

/// What a session was read from, kept beside it for typed reads
/// ([`Session::extension`]): the token's claims after the `jwt` callback (JWT strategy) or the
/// user's fields (database strategy). Not serialised, and not part of a session's equality.
#[derive(Clone, Default)]
pub(crate) struct SessionSource(pub(crate) Option<std::sync::Arc<Map<String, Value>>>);

impl PartialEq for SessionSource {
    fn eq(&self, _: &Self) -> bool {
        true
    }
}

/// The claims of a session token. Auth.js sets `name`, `email`, `picture` and `sub` at sign-in,
/// and `iat`, `exp`, `jti` when encoding; a `jwt` callback may add anything. `Debug` hides the
/// provider tokens kept for refresh rotation.
#[derive(Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(transparent)]
pub struct Jwt(pub Map<String, Value>);

impl std::fmt::Debug for Jwt {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_tuple("Jwt").field(&Redacted(&self.0)).finish()
    }
}

impl std::fmt::Debug for Session {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Session")
            .field("user", &self.user)
            .field("expires", &self.expires)
            .field("extra", &Redacted(&self.extra))
            .finish()
    }
}

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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn debug_output_never_shows_a_provider_or_session_token() {
        let secret = "tok-SECRET-1234";
        let mut extra = Map::new();
        extra.insert("refreshToken".into(), secret.into());
        extra.insert("plan".into(), "pro".into());
        let account = Account {
            provider: "github".into(),
            access_token: Some(secret.into()),
            refresh_token: Some(secret.into()),
            id_token: Some(secret.into()),
            extra: extra.clone(),
            ..Account::default()
        };
        let mut claims = extra.clone();
        claims.insert("access_token".into(), secret.into());
        let session = Session {
            extra: extra.clone(),
            ..Session::default()
        };
        let tokens = crate::providers::TokenSet {
            raw: claims.clone(),
        };
        let row = crate::adapter::AdapterSession {
            session_token: secret.into(),
            user_id: "1".into(),
            expires: time::OffsetDateTime::UNIX_EPOCH,
        };
        for shown in [
            format!("{account:?}"),
            format!("{:?}", Jwt(claims)),
            format!("{session:?}"),
            format!("{tokens:?}"),
            format!("{row:?}"),
        ] {
            assert!(!shown.contains(secret), "{shown}");
            assert!(shown.contains("<redacted>"), "{shown}");
        }
        assert!(format!("{account:?}").contains("\"pro\""));
    }
}
