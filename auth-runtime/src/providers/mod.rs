//! Providers: how a user proves who they are. Credentials work end to end; OAuth/OIDC providers
//! carry their client settings (inferred from `AUTH_<ID>_*`) for the sign-in flow.

#[cfg(feature = "apple")]
mod apple;
mod credentials;
pub mod email;
pub mod email_api;
mod oauth;
pub mod oidc;
mod options;
pub mod quirks;
#[cfg(feature = "smtp")]
pub mod smtp;
mod webauthn;

#[cfg(feature = "apple")]
pub use apple::apple_client_secret;
pub use credentials::{Authorize, AuthorizeRequest, CredentialField, CredentialsProvider};
pub use email::{EmailProvider, EmailSender, StdoutSender, VerificationRequest};
pub use oauth::{
    Checks, ClientKey, ISSUER_PLACEHOLDER, OAuthProvider, ProfileFn, ProviderStyle,
    TokenAuthMethod, TokenSet, default_profile, user_from_profile,
};
pub use options::ProviderOptions;
pub use webauthn::{RelyingParty, WebAuthnProvider};

use serde::Serialize;

/// The kind of a provider, as Auth.js names it in `type`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum ProviderKind {
    /// OAuth 2.
    OAuth,
    /// OpenID Connect.
    Oidc,
    /// Magic links by email.
    Email,
    /// A form checked by `authorize`.
    Credentials,
    /// Passkeys.
    WebAuthn,
}

impl ProviderKind {
    /// The name Auth.js uses: `oauth`, `oidc`, `email`, `credentials`, `webauthn`.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::OAuth => "oauth",
            Self::Oidc => "oidc",
            Self::Email => "email",
            Self::Credentials => "credentials",
            Self::WebAuthn => "webauthn",
        }
    }
}

/// A configured provider.
#[derive(Debug, Clone)]
#[non_exhaustive]
// A configuration holds a handful of providers; boxing would only add indirection.
#[allow(clippy::large_enum_variant)]
pub enum Provider {
    /// Username/password or any other form checked by user code.
    Credentials(CredentialsProvider),
    /// An OAuth 2 or OIDC provider.
    OAuth(OAuthProvider),
    /// Magic links by email.
    Email(EmailProvider),
    /// Passkeys (WebAuthn).
    WebAuthn(WebAuthnProvider),
}

impl Provider {
    /// The provider id used in URLs (`/signin/<id>`).
    pub fn id(&self) -> &str {
        match self {
            Self::Credentials(p) => &p.id,
            Self::OAuth(p) => &p.id,
            Self::Email(p) => &p.id,
            Self::WebAuthn(p) => &p.id,
        }
    }

    /// The display name.
    pub fn name(&self) -> &str {
        match self {
            Self::Credentials(p) => &p.name,
            Self::OAuth(p) => &p.name,
            Self::Email(p) => &p.name,
            Self::WebAuthn(p) => &p.name,
        }
    }

    /// The kind.
    pub fn kind(&self) -> ProviderKind {
        match self {
            Self::Credentials(_) => ProviderKind::Credentials,
            Self::OAuth(p) => p.kind,
            Self::Email(_) => ProviderKind::Email,
            Self::WebAuthn(_) => ProviderKind::WebAuthn,
        }
    }
}

impl From<CredentialsProvider> for Provider {
    fn from(p: CredentialsProvider) -> Self {
        Self::Credentials(p)
    }
}

impl From<EmailProvider> for Provider {
    fn from(p: EmailProvider) -> Self {
        Self::Email(p)
    }
}

impl From<OAuthProvider> for Provider {
    fn from(p: OAuthProvider) -> Self {
        Self::OAuth(p)
    }
}

impl From<WebAuthnProvider> for Provider {
    fn from(p: WebAuthnProvider) -> Self {
        Self::WebAuthn(p)
    }
}
