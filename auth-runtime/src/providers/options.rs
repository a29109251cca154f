//! [`ProviderOptions`]: what the builder of an `#[auth]` type sets on one of its OAuth/OIDC
//! providers, typed by the provider's profile `P` (the profile mapping receives a `P`), with the
//! options of a few providers of their own (GitHub Enterprise, the Microsoft Entra ID tenant).

use std::marker::PhantomData;
use std::sync::Arc;

use serde::de::DeserializeOwned;
use serde_json::Value;

use super::{
    Checks, ClientKey, OAuthProvider, ProfileFn, ProviderStyle, TokenAuthMethod, TokenSet,
};
use crate::callbacks::BoxError;
use crate::http_client::HttpClient;
use crate::jose::Secret;
use crate::types::User;

type Edit = Arc<dyn Fn(OAuthProvider) -> OAuthProvider + Send + Sync>;

/// Options of one OAuth/OIDC provider, as Auth.js's `GitHub({ clientId, clientSecret, issuer,
/// authorization, checks, profile, ... })`. What is left unset comes from `AUTH_<ID>_*`, then the
/// registry. `P` is the provider's typed profile (`auth_runtime::profiles::GitHubProfile`, ...):
/// [`ProviderOptions::profile`] maps it to a user.
///
/// ```
/// use auth_runtime::prelude::*;
/// use auth_runtime::profiles::GitHubProfile;
///
/// #[auth(providers(github), session = "jwt")]
/// pub struct Auth;
///
/// let config = Auth::builder_with_env(|key| (key == "AUTH_SECRET").then(|| "s".to_owned()))
///     .github(|p| {
///         p.client_id("an-id")
///             .scope("read:user user:email read:org")
///             .refresh_access_token(true)
///             .profile(|profile: GitHubProfile, _tokens| {
///                 Ok(User::new(profile.id.to_string()).name(profile.login))
///             })
///     })
///     .into_config();
/// # let _ = config;
/// ```
pub struct ProviderOptions<P = Value> {
    client_id: Option<String>,
    client_secret: Option<Secret>,
    issuer: Option<String>,
    allow_dangerous_email_account_linking: Option<bool>,
    redirect_proxy_url: Option<String>,
    scope: Option<String>,
    authorization_params: Vec<(String, String)>,
    checks: Option<Checks>,
    token_auth_method: Option<TokenAuthMethod>,
    profile: Option<ProfileFn>,
    refresh_access_token: Option<bool>,
    http_client: Option<Arc<dyn HttpClient>>,
    style: Option<ProviderStyle>,
    edits: Vec<Edit>,
    profile_type: PhantomData<fn() -> P>,
}

impl<P> Default for ProviderOptions<P> {
    fn default() -> Self {
        Self {
            client_id: None,
            client_secret: None,
            issuer: None,
            allow_dangerous_email_account_linking: None,
            redirect_proxy_url: None,
            scope: None,
            authorization_params: Vec::new(),
            checks: None,
            token_auth_method: None,
            profile: None,
            refresh_access_token: None,
            http_client: None,
            style: None,
            edits: Vec::new(),
            profile_type: PhantomData,
        }
    }
}

impl<P> Clone for ProviderOptions<P> {
    fn clone(&self) -> Self {
        Self {
            client_id: self.client_id.clone(),
            client_secret: self.client_secret.clone(),
            issuer: self.issuer.clone(),
            allow_dangerous_email_account_linking: self.allow_dangerous_email_account_linking,
            redirect_proxy_url: self.redirect_proxy_url.clone(),
            scope: self.scope.clone(),
            authorization_params: self.authorization_params.clone(),
            checks: self.checks,
            token_auth_method: self.token_auth_method,
            profile: self.profile.clone(),
            refresh_access_token: self.refresh_access_token,
            http_client: self.http_client.clone(),
            style: self.style.clone(),
            edits: self.edits.clone(),
            profile_type: PhantomData,
        }
    }
}

impl<P> std::fmt::Debug for ProviderOptions<P> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("ProviderOptions")
            .field("client_id", &self.client_id)
            .field("client_secret", &self.client_secret)
            .field("issuer", &self.issuer)
            .field("scope", &self.scope)
            .field("authorization_params", &self.authorization_params)
            .field("checks", &self.checks)
            .field("token_auth_method", &self.token_auth_method)
            .field("profile", &self.profile.is_some())
            .field("refresh_access_token", &self.refresh_access_token)
            .field("edits", &self.edits.len())
            .finish_non_exhaustive()
    }
}

impl<P> ProviderOptions<P> {
    /// `clientId`; default `AUTH_<ID>_ID`.
    pub fn client_id(mut self, client_id: impl Into<String>) -> Self {
        self.client_id = Some(client_id.into());
        self
    }

    /// `clientSecret`; default `AUTH_<ID>_SECRET`.
    pub fn client_secret(mut self, client_secret: impl Into<String>) -> Self {
        self.client_secret = Some(Secret::new(client_secret));
        self
    }

    /// `issuer`; default `AUTH_<ID>_ISSUER`, else the registry's.
    pub fn issuer(mut self, issuer: impl Into<String>) -> Self {
        self.issuer = Some(issuer.into());
        self
    }

    /// `allowDangerousEmailAccountLinking`.
    pub fn allow_dangerous_email_account_linking(mut self, allow: bool) -> Self {
        self.allow_dangerous_email_account_linking = Some(allow);
        self
    }

    /// `redirectProxyUrl` of this provider.
    pub fn redirect_proxy_url(mut self, url: impl Into<String>) -> Self {
        self.redirect_proxy_url = Some(url.into());
        self
    }

    /// The scope asked for (`authorization.params.scope`); replaces the registry's.
    pub fn scope(mut self, scope: impl Into<String>) -> Self {
        self.scope = Some(scope.into());
        self
    }

    /// One more parameter of the authorization URL (`authorization.params`), e.g.
    /// `("prompt", "consent")` or `("access_type", "offline")`; a registry default of the same
    /// name is replaced.
    pub fn authorization_param(
        mut self,
        name: impl Into<String>,
        value: impl Into<String>,
    ) -> Self {
        self.authorization_params.push((name.into(), value.into()));
        self
    }

    /// The checks (`checks: ["pkce", "state", "nonce"]`).
    pub fn checks(mut self, checks: Checks) -> Self {
        self.checks = Some(checks);
        self
    }

    /// How the client authenticates at the token endpoint (`client.token_endpoint_auth_method`).
    pub fn token_auth_method(mut self, method: TokenAuthMethod) -> Self {
        self.token_auth_method = Some(method);
        self
    }

    /// Authenticates at the token endpoint with `private_key_jwt`, signing with `key`
    /// (next-auth's `token.clientPrivateKey`).
    pub fn client_private_key(self, key: ClientKey) -> Self {
        self.customize(move |provider| provider.client_private_key(key.clone()))
    }

    /// Refresh-token rotation: an expired access token is refreshed when the session is read.
    pub fn refresh_access_token(mut self, on: bool) -> Self {
        self.refresh_access_token = Some(on);
        self
    }

    /// The HTTP client of this provider's requests (next-auth's `customFetch`).
    pub fn http_client(mut self, client: Arc<dyn HttpClient>) -> Self {
        self.http_client = Some(client);
        self
    }

    /// The sign-in button's style.
    pub fn style(mut self, style: ProviderStyle) -> Self {
        self.style = Some(style);
        self
    }

    /// Anything else an [`OAuthProvider`] has, applied last (endpoints, the display name, ...).
    pub fn customize(
        mut self,
        edit: impl Fn(OAuthProvider) -> OAuthProvider + Send + Sync + 'static,
    ) -> Self {
        self.edits.push(Arc::new(edit));
        self
    }

    /// Writes the options that were set into `provider` (a registry provider). The issuer is
    /// this option's, else `AUTH_<ID>_ISSUER` from `env`, else the registry's: a deployment pins
    /// a tenant (Microsoft Entra ID) or an instance through the environment.
    pub fn apply(self, provider: &mut OAuthProvider, env: &dyn Fn(&str) -> Option<String>) {
        if let Some(v) = self.client_id {
            provider.client_id = Some(v);
        }
        if let Some(v) = self.client_secret {
            provider.client_secret = Some(v);
        }
        let from_env = || {
            env(&format!(
                "AUTH_{}_ISSUER",
                crate::env::env_provider_id(&provider.id)
            ))
            .filter(|v| !v.trim().is_empty())
        };
        if let Some(v) = self.issuer.or_else(from_env) {
            provider.issuer = Some(v);
        }
        if let Some(v) = self.allow_dangerous_email_account_linking {
            provider.allow_dangerous_email_account_linking = v;
        }
        if let Some(v) = self.redirect_proxy_url {
            provider.redirect_proxy_url = Some(v);
        }
        if let Some(scope) = self.scope {
            provider.authorization_params.retain(|(k, _)| k != "scope");
            provider.scope = Some(scope);
        }
        for (name, value) in self.authorization_params {
            provider.authorization_params.retain(|(k, _)| *k != name);
            if name == "scope" {
                provider.scope = Some(value);
            } else {
                provider.authorization_params.push((name, value));
            }
        }
        if let Some(v) = self.checks {
            provider.checks = v;
        }
        if let Some(v) = self.token_auth_method {
            provider.token_auth_method = v;
        }
        if let Some(v) = self.profile {
            provider.profile = Some(v);
        }
        if let Some(v) = self.refresh_access_token {
            provider.refresh_access_token = v;
        }
        if let Some(v) = self.http_client {
            provider.http_client = Some(v);
        }
        if let Some(v) = self.style {
            provider.style = v;
        }
        for edit in self.edits {
            *provider = edit(std::mem::replace(
                provider,
                OAuthProvider::new("", "", provider.kind),
            ));
        }
    }
}

impl<P: DeserializeOwned + 'static> ProviderOptions<P> {
    /// The profile mapping (Auth.js's `profile(profile, tokens)`), over the provider's typed
    /// profile. A profile that does not parse as `P` fails the sign-in with
    /// `OAuthProfileParseError`.
    pub fn profile<F>(mut self, mapping: F) -> Self
    where
        F: Fn(P, &TokenSet) -> Result<User, BoxError> + Send + Sync + 'static,
    {
        self.profile = Some(Arc::new(move |value: &Value, tokens: &TokenSet| {
            let typed = P::deserialize(value)
                .map_err(|e| format!("the profile does not read as its provider's type: {e}"))?;
            mapping(typed, tokens)
        }));
        self
    }
}

impl ProviderOptions<crate::profiles::GitHubProfile> {
    /// GitHub Enterprise Server at `base_url` (`https://github.example.com`): the sign-in and the
    /// token exchange go to `<base>/login/oauth/...`, the API to `<base>/api/v3`.
    pub fn enterprise_url(self, base_url: impl Into<String>) -> Self {
        let base = base_url.into().trim_end_matches('/').to_owned();
        self.customize(move |provider| {
            let api = format!("{base}/api/v3");
            let mut provider = provider.endpoints(
                format!("{base}/login/oauth/authorize"),
                format!("{base}/login/oauth/access_token"),
                format!("{api}/user"),
            );
            provider.issuer = Some(format!("{base}/login/oauth"));
            provider
        })
    }
}

impl ProviderOptions<crate::profiles::MicrosoftEntraIDProfile> {
    /// The tenant (a directory id, a domain, or `organizations` / `consumers` / `common`): the
    /// issuer becomes `https://login.microsoftonline.com/<tenant>/v2.0`, as
    /// `AUTH_MICROSOFT_ENTRA_ID_ISSUER` would set it.
    pub fn tenant_id(self, tenant: impl AsRef<str>) -> Self {
        let issuer = format!(
            "https://login.microsoftonline.com/{}/v2.0",
            tenant.as_ref().trim_matches('/')
        );
        self.issuer(issuer)
    }
}
