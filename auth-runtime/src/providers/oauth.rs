//! OAuth 2 / OIDC provider settings.

use super::ProviderKind;
use crate::jose::Secret;

/// Colours and logo of a provider's sign-in button.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ProviderStyle {
    /// Logo file name or URL.
    pub logo: Option<String>,
    /// Button background.
    pub bg: Option<String>,
    /// Button text colour.
    pub text: Option<String>,
    /// Brand colour.
    pub brand_color: Option<String>,
}

/// An OAuth 2 or OIDC provider's settings. `client_id`, `client_secret` and `issuer` are read from
/// `AUTH_<ID>_ID`, `AUTH_<ID>_SECRET` and `AUTH_<ID>_ISSUER` when not set here.
#[derive(Debug, Clone)]
pub struct OAuthProvider {
    /// Provider id (`github`).
    pub id: String,
    /// Display name (`GitHub`).
    pub name: String,
    /// `OAuth` or `Oidc`.
    pub kind: ProviderKind,
    /// OAuth client id.
    pub client_id: Option<String>,
    /// OAuth client secret.
    pub client_secret: Option<Secret>,
    /// Issuer (discovery base for OIDC).
    pub issuer: Option<String>,
    /// Authorization endpoint, when not discovered.
    pub authorization_url: Option<String>,
    /// Token endpoint, when not discovered.
    pub token_url: Option<String>,
    /// Userinfo endpoint, when not discovered.
    pub userinfo_url: Option<String>,
    /// Link an account to an existing user with the same email without asking.
    pub allow_dangerous_email_account_linking: bool,
    /// Per-provider redirect proxy.
    pub redirect_proxy_url: Option<String>,
    /// Button style.
    pub style: ProviderStyle,
}

impl OAuthProvider {
    /// A provider with an id, a name and a kind; everything else unset.
    pub fn new(id: impl Into<String>, name: impl Into<String>, kind: ProviderKind) -> Self {
        Self {
            id: id.into(),
            name: name.into(),
            kind,
            client_id: None,
            client_secret: None,
            issuer: None,
            authorization_url: None,
            token_url: None,
            userinfo_url: None,
            allow_dangerous_email_account_linking: false,
            redirect_proxy_url: None,
            style: ProviderStyle::default(),
        }
    }

    /// Whether the endpoints are known: an issuer (discovery) or all three URLs. Auth.js's
    /// `InvalidEndpoints` otherwise.
    pub fn has_endpoints(&self) -> bool {
        self.issuer.is_some()
            || (self.authorization_url.is_some() && self.token_url.is_some() && self.userinfo_url.is_some())
    }
}
