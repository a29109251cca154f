//! OAuth 2 / OIDC provider settings.

use std::sync::Arc;

use serde_json::Value;

use super::ProviderKind;
use crate::callbacks::BoxError;
use crate::http_client::HttpClient;
use crate::jose::Secret;
use crate::types::User;

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

/// Which checks protect the authorization response.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Checks {
    /// PKCE with S256.
    pub pkce: bool,
    /// An encrypted `state` parameter.
    pub state: bool,
    /// An OIDC `nonce`.
    pub nonce: bool,
}

impl Default for Checks {
    /// Auth.js's default: PKCE only.
    fn default() -> Self {
        Self {
            pkce: true,
            state: false,
            nonce: false,
        }
    }
}

impl Checks {
    /// Checks from Auth.js names (`pkce`, `state`, `nonce`, `none`).
    pub fn from_names<'a>(names: impl IntoIterator<Item = &'a str>) -> Self {
        let mut checks = Self {
            pkce: false,
            state: false,
            nonce: false,
        };
        for name in names {
            match name {
                "pkce" => checks.pkce = true,
                "state" => checks.state = true,
                "nonce" => checks.nonce = true,
                _ => {}
            }
        }
        checks
    }
}

/// The placeholder an endpoint URL may hold for the provider's issuer (`{issuer}/oauth/token`).
pub const ISSUER_PLACEHOLDER: &str = "{issuer}";

/// How the client authenticates at the token endpoint.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum TokenAuthMethod {
    /// HTTP Basic with the client id and secret (the default).
    #[default]
    ClientSecretBasic,
    /// Client id and secret in the form body.
    ClientSecretPost,
    /// A JWT signed with the client secret (HS256) in `client_assertion`, its audience the
    /// issuer (RFC 7523, OpenID Connect Core §9).
    ClientSecretJwt,
    /// A JWT signed with the client's private key ([`OAuthProvider::client_private_key`]) in
    /// `client_assertion`, its audience the issuer and the token endpoint, as Auth.js sends it.
    PrivateKeyJwt,
    /// Only the client id (public clients, PKCE).
    None,
}

impl TokenAuthMethod {
    /// From the OAuth metadata name.
    pub fn from_name(name: &str) -> Option<Self> {
        Some(match name {
            "client_secret_basic" => Self::ClientSecretBasic,
            "client_secret_post" => Self::ClientSecretPost,
            "client_secret_jwt" => Self::ClientSecretJwt,
            "private_key_jwt" => Self::PrivateKeyJwt,
            "none" => Self::None,
            _ => return None,
        })
    }

    /// The OAuth metadata name (`client_secret_basic`).
    pub fn name(self) -> &'static str {
        match self {
            Self::ClientSecretBasic => "client_secret_basic",
            Self::ClientSecretPost => "client_secret_post",
            Self::ClientSecretJwt => "client_secret_jwt",
            Self::PrivateKeyJwt => "private_key_jwt",
            Self::None => "none",
        }
    }
}

/// The private key a client signs its `private_key_jwt` assertions with (next-auth's
/// `token.clientPrivateKey`): RS256 from an RSA key, ES256 from a P-256 key or EdDSA from an
/// Ed25519 key, each as PEM, with the key id the provider knows it by. `Debug` hides the key.
#[derive(Clone)]
pub struct ClientKey {
    key: Arc<jsonwebtoken::EncodingKey>,
    algorithm: jsonwebtoken::Algorithm,
    kid: Option<String>,
}

impl std::fmt::Debug for ClientKey {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("ClientKey")
            .field("algorithm", &self.algorithm)
            .field("kid", &self.kid)
            .field("key", &"<redacted>")
            .finish()
    }
}

impl ClientKey {
    fn from_pem(
        algorithm: jsonwebtoken::Algorithm,
        pem: &[u8],
        kid: Option<&str>,
        read: fn(&[u8]) -> jsonwebtoken::errors::Result<jsonwebtoken::EncodingKey>,
    ) -> Result<Self, crate::error::AuthError> {
        // The parser's message may quote the input: it is not passed on.
        let key = read(pem).map_err(|_| {
            crate::error::AuthError::new(
                crate::error::ErrorType::InvalidProvider,
                format!("the client's private key is not a {algorithm:?} key in PEM"),
            )
        })?;
        Ok(Self {
            key: Arc::new(key),
            algorithm,
            kid: kid.map(str::to_owned),
        })
    }

    /// An RSA private key (PKCS#1 or PKCS#8 PEM), signing with RS256.
    pub fn rsa_pem(pem: &str, kid: Option<&str>) -> Result<Self, crate::error::AuthError> {
        Self::from_pem(
            jsonwebtoken::Algorithm::RS256,
            pem.as_bytes(),
            kid,
            jsonwebtoken::EncodingKey::from_rsa_pem,
        )
    }

    /// A P-256 private key (PKCS#8 PEM), signing with ES256.
    pub fn ec_pem(pem: &str, kid: Option<&str>) -> Result<Self, crate::error::AuthError> {
        Self::from_pem(
            jsonwebtoken::Algorithm::ES256,
            pem.as_bytes(),
            kid,
            jsonwebtoken::EncodingKey::from_ec_pem,
        )
    }

    /// An Ed25519 private key (PKCS#8 PEM), signing with EdDSA.
    pub fn ed_pem(pem: &str, kid: Option<&str>) -> Result<Self, crate::error::AuthError> {
        Self::from_pem(
            jsonwebtoken::Algorithm::EdDSA,
            pem.as_bytes(),
            kid,
            jsonwebtoken::EncodingKey::from_ed_pem,
        )
    }

    /// Signs `claims` into a compact JWT.
    pub(crate) fn sign(&self, claims: &Value) -> Result<String, crate::error::AuthError> {
        let mut header = jsonwebtoken::Header::new(self.algorithm);
        header.kid.clone_from(&self.kid);
        jsonwebtoken::encode(&header, claims, &self.key).map_err(|_| {
            crate::error::AuthError::new(
                crate::error::ErrorType::CallbackRouteError,
                "the client assertion could not be signed",
            )
        })
    }
}

/// The tokens of a token response. `Debug` shows the tokens as `<redacted>`.
#[derive(Clone, Default, PartialEq)]
pub struct TokenSet {
    /// The whole token response as JSON.
    pub raw: serde_json::Map<String, Value>,
}

impl std::fmt::Debug for TokenSet {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("TokenSet")
            .field("raw", &crate::types::Redacted(&self.raw))
            .finish()
    }
}

impl TokenSet {
    /// A string field.
    pub fn get_str(&self, key: &str) -> Option<&str> {
        self.raw.get(key).and_then(Value::as_str)
    }
}

/// Maps a provider profile to a [`User`]. `id` becomes the account's `providerAccountId`.
pub type ProfileFn = Arc<dyn Fn(&Value, &TokenSet) -> Result<User, BoxError> + Send + Sync>;

/// An OAuth 2 or OIDC provider's settings. `client_id`, `client_secret` and `issuer` are read from
/// `AUTH_<ID>_ID`, `AUTH_<ID>_SECRET` and `AUTH_<ID>_ISSUER` when not set here.
#[derive(Clone)]
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
    /// Issuer (discovery base for OIDC, and the expected `iss`).
    pub issuer: Option<String>,
    /// Authorization endpoint, when not discovered.
    pub authorization_url: Option<String>,
    /// Token endpoint, when not discovered.
    pub token_url: Option<String>,
    /// Userinfo endpoint, when not discovered.
    pub userinfo_url: Option<String>,
    /// JWKS endpoint, when not discovered.
    pub jwks_url: Option<String>,
    /// `scope` of the authorization request; default `openid profile email`.
    pub scope: Option<String>,
    /// Other authorization request parameters.
    pub authorization_params: Vec<(String, String)>,
    /// Checks; default PKCE.
    pub checks: Checks,
    /// Token endpoint client authentication.
    pub token_auth_method: TokenAuthMethod,
    /// The key of [`TokenAuthMethod::PrivateKeyJwt`].
    pub client_private_key: Option<ClientKey>,
    /// The provider answers with `response_mode=form_post` (a POST to the callback).
    pub form_post: bool,
    /// OIDC: take the profile from the ID token (true) or from userinfo (false).
    pub id_token: bool,
    /// Named behaviours from the registry (`github-emails`, `apple-form-post-user`, ...).
    pub quirks: Vec<String>,
    /// Profile mapping; default `id = sub ?? id`, `name = name ?? nickname ?? preferred_username`,
    /// `email`, `image = picture`.
    pub profile: Option<ProfileFn>,
    /// Refresh the access token with the refresh token when it has expired (opt-in).
    pub refresh_access_token: bool,
    /// Link an account to an existing user with the same email without asking.
    pub allow_dangerous_email_account_linking: bool,
    /// Per-provider redirect proxy.
    pub redirect_proxy_url: Option<String>,
    /// Per-provider HTTP client (next-auth's `customFetch`).
    pub http_client: Option<Arc<dyn HttpClient>>,
    /// Button style.
    pub style: ProviderStyle,
}

impl std::fmt::Debug for OAuthProvider {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("OAuthProvider")
            .field("id", &self.id)
            .field("kind", &self.kind)
            .field("client_id", &self.client_id)
            .field("client_secret", &self.client_secret)
            .field("issuer", &self.issuer)
            .field("checks", &self.checks)
            .finish_non_exhaustive()
    }
}

impl OAuthProvider {
    /// A provider with an id, a name and a kind; everything else at Auth.js's defaults.
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
            jwks_url: None,
            scope: None,
            authorization_params: Vec::new(),
            checks: Checks::default(),
            token_auth_method: TokenAuthMethod::default(),
            client_private_key: None,
            form_post: false,
            id_token: kind == ProviderKind::Oidc,
            quirks: Vec::new(),
            profile: None,
            refresh_access_token: false,
            allow_dangerous_email_account_linking: false,
            redirect_proxy_url: None,
            http_client: None,
            style: ProviderStyle::default(),
        }
    }

    /// Sets the client id.
    pub fn client_id(mut self, id: impl Into<String>) -> Self {
        self.client_id = Some(id.into());
        self
    }

    /// Sets the client secret.
    pub fn client_secret(mut self, secret: impl Into<String>) -> Self {
        self.client_secret = Some(Secret::new(secret));
        self
    }

    /// Authenticates at the token endpoint with `private_key_jwt`, signing with `key`.
    pub fn client_private_key(mut self, key: ClientKey) -> Self {
        self.client_private_key = Some(key);
        self.token_auth_method = TokenAuthMethod::PrivateKeyJwt;
        self
    }

    /// Sets the issuer.
    pub fn issuer(mut self, issuer: impl Into<String>) -> Self {
        self.issuer = Some(issuer.into());
        self
    }

    /// Sets the three endpoints of a provider without discovery.
    pub fn endpoints(
        mut self,
        authorization: impl Into<String>,
        token: impl Into<String>,
        userinfo: impl Into<String>,
    ) -> Self {
        self.authorization_url = Some(authorization.into());
        self.token_url = Some(token.into());
        self.userinfo_url = Some(userinfo.into());
        self
    }

    /// Sets the scope.
    pub fn scope(mut self, scope: impl Into<String>) -> Self {
        self.scope = Some(scope.into());
        self
    }

    /// Sets the checks.
    pub fn checks(mut self, checks: Checks) -> Self {
        self.checks = checks;
        self
    }

    /// Sets the profile mapping.
    pub fn profile<F>(mut self, f: F) -> Self
    where
        F: Fn(&Value, &TokenSet) -> Result<User, BoxError> + Send + Sync + 'static,
    {
        self.profile = Some(Arc::new(f));
        self
    }

    /// Turns on refresh-token rotation.
    pub fn refresh_access_token(mut self, on: bool) -> Self {
        self.refresh_access_token = on;
        self
    }

    /// Sets a per-provider HTTP client.
    pub fn http_client(mut self, client: Arc<dyn HttpClient>) -> Self {
        self.http_client = Some(client);
        self
    }

    /// Allows linking to an existing user with the same email.
    pub fn allow_dangerous_email_account_linking(mut self, on: bool) -> Self {
        self.allow_dangerous_email_account_linking = on;
        self
    }

    /// Whether a named quirk is on.
    pub fn has_quirk(&self, name: &str) -> bool {
        self.quirks.iter().any(|q| q == name)
    }

    /// A configured endpoint with `{issuer}` replaced by the issuer (without a trailing `/`):
    /// providers whose endpoints live on each deployment's own instance (Mastodon, Nextcloud)
    /// name them relative to `AUTH_<ID>_ISSUER`. `None` when the endpoint is not set, or is a
    /// template and the issuer is not.
    pub fn endpoint_url(&self, url: Option<&str>) -> Option<String> {
        let url = url?;
        if !url.contains(ISSUER_PLACEHOLDER) {
            return Some(url.to_owned());
        }
        let issuer = self.issuer.as_deref()?.trim_end_matches('/');
        Some(url.replace(ISSUER_PLACEHOLDER, issuer))
    }

    /// The user a profile signs in as, as the callback makes it: the provider's mapping (or
    /// Auth.js's default mapping followed by the provider's profile quirks), the email
    /// lower-cased. A mapping of the app's own replaces the quirks, as a custom `profile`
    /// replaces the provider's in Auth.js.
    pub fn user_of(&self, profile: &Value, tokens: &TokenSet) -> Result<User, BoxError> {
        let mut user = match &self.profile {
            Some(map) => map(profile, tokens)?,
            None => {
                let mut user = default_profile(profile);
                super::quirks::apply_profile_quirks(self, profile, &mut user);
                user
            }
        };
        user.email = user.email.map(|e| e.to_lowercase());
        Ok(user)
    }

    /// Whether the endpoints are known: an issuer (discovery) or all three URLs. Auth.js's
    /// `InvalidEndpoints` otherwise.
    pub fn has_endpoints(&self) -> bool {
        self.issuer.is_some()
            || (self.authorization_url.is_some()
                && self.token_url.is_some()
                && self.userinfo_url.is_some())
    }
}

/// Auth.js's default profile mapping: `id = sub ?? id`, `name = name ?? nickname ??
/// preferred_username`, `email`, `image = picture` (the shared vocabulary's, which the registry
/// uses for a provider without a mapping of its own).
pub fn default_profile(profile: &Value) -> User {
    user_from_profile(profile, auth_vocabulary::DEFAULT_USER_MAPPING)
}

/// Maps a profile to a [`User`] the way the registry's `[<id>.user]` says: each field takes the
/// first alternative that is present and not null; numbers and booleans become strings; the
/// email is lower-cased, as Auth.js's core does.
///
/// ```
/// use auth_runtime::providers::user_from_profile;
/// let profile = serde_json::json!({"id": 1, "login": "octo", "name": null, "email": "A@B.C"});
/// let user = user_from_profile(&profile, &[
///     ("id", &[&["id"]]),
///     ("name", &[&["name"], &["login"]]),
///     ("email", &[&["email"]]),
/// ]);
/// assert_eq!(user.id.as_deref(), Some("1"));
/// assert_eq!(user.name.as_deref(), Some("octo"));
/// assert_eq!(user.email.as_deref(), Some("a@b.c"));
/// ```
pub fn user_from_profile(profile: &Value, mapping: auth_vocabulary::UserMapping) -> User {
    let mut user = User::default();
    for (field, alternatives) in mapping {
        let value = alternatives.iter().find_map(|path| {
            let found = path.iter().try_fold(profile, |value, key| value.get(key))?;
            match found {
                Value::Null => None,
                Value::String(s) => Some(s.clone()),
                Value::Number(n) => Some(n.to_string()),
                Value::Bool(b) => Some(b.to_string()),
                other => Some(other.to_string()),
            }
        });
        match *field {
            "id" => user.id = value,
            "name" => user.name = value,
            "email" => user.email = value.map(|e| e.to_lowercase()),
            "image" => user.image = value,
            _ => {}
        }
    }
    user
}
