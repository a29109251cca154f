//! Where a provider's endpoints are: configured, else discovered (OpenID Connect Discovery), and
//! the HTTP client its requests go through.

use std::sync::Arc;

use super::super::Ctx;
use crate::error::{AuthError, Endpoint, ErrorType, Reason};
use crate::http_client::{HttpClient, NoClient, default_client};
use crate::providers::oidc;
use crate::providers::quirks::Quirk;
use crate::providers::{OAuthProvider, ProviderKind};

/// The HTTP client for a provider: its own, else the configuration's, else the default.
pub(crate) fn client_for(ctx: &Ctx<'_>, provider: &OAuthProvider) -> Arc<dyn HttpClient> {
    provider
        .http_client
        .clone()
        .or_else(|| ctx.config.http_client.clone())
        .or_else(default_client)
        .unwrap_or_else(|| Arc::new(NoClient))
}

/// Endpoints in force for a provider: configured, else discovered.
pub(crate) struct Endpoints {
    pub issuer: Option<String>,
    pub authorization: String,
    pub token: String,
    pub userinfo: Option<String>,
    pub jwks: Option<String>,
    pub algorithms: Vec<String>,
    /// The discovery document's issuer when it is a `{tenantid}` template (Entra ID).
    pub tenant_template: Option<String>,
    /// The issuer an RFC 9207 `iss` parameter must equal, character for character: the
    /// discovery document's, else the configured one; none for a tenant template.
    pub response_issuer: Option<String>,
    /// The provider advertises `authorization_response_iss_parameter_supported`: a response
    /// without `iss` is refused.
    pub iss_param_required: bool,
}

pub(crate) async fn endpoints(
    client: &dyn HttpClient,
    provider: &OAuthProvider,
) -> Result<Endpoints, AuthError> {
    let configured = provider.authorization_url.is_some() && provider.token_url.is_some();
    let metadata = match (
        &provider.issuer,
        configured && provider.kind == ProviderKind::OAuth,
    ) {
        (Some(issuer), false) => Some(
            oidc::discover(
                client,
                issuer,
                Quirk::EntraTenantIssuer.applies_to(provider),
            )
            .await?,
        ),
        _ => None,
    };
    let pick = |own: &Option<String>, found: Option<&String>| {
        provider
            .endpoint_url(own.as_deref())
            .or_else(|| found.cloned())
    };
    let missing = |what: &str, endpoint: Endpoint| {
        AuthError::new(
            ErrorType::InvalidEndpoints,
            format!("provider `{}` has no {what} endpoint", provider.id),
        )
        .with_reason(Reason::EndpointMissing(endpoint))
    };
    let discovered = metadata.iter().flat_map(|m| {
        [
            &m.authorization_endpoint,
            &m.token_endpoint,
            &m.userinfo_endpoint,
            &m.jwks_uri,
        ]
        .into_iter()
        .flatten()
    });
    for url in discovered {
        if crate::config::AuthConfig::plain_http_refused(url, !cfg!(debug_assertions)) {
            return Err(AuthError::new(
                ErrorType::InvalidEndpoints,
                format!(
                    "provider `{}`: the discovered {url} is plain http",
                    provider.id
                ),
            )
            .with_reason(Reason::PlainHttpEndpoint));
        }
    }
    Ok(Endpoints {
        issuer: provider.issuer.clone(),
        authorization: pick(
            &provider.authorization_url,
            metadata
                .as_ref()
                .and_then(|m| m.authorization_endpoint.as_ref()),
        )
        .ok_or_else(|| missing("authorization", Endpoint::Authorization))?,
        token: pick(
            &provider.token_url,
            metadata.as_ref().and_then(|m| m.token_endpoint.as_ref()),
        )
        .ok_or_else(|| missing("token", Endpoint::Token))?,
        userinfo: pick(
            &provider.userinfo_url,
            metadata.as_ref().and_then(|m| m.userinfo_endpoint.as_ref()),
        ),
        jwks: pick(
            &provider.jwks_url,
            metadata.as_ref().and_then(|m| m.jwks_uri.as_ref()),
        ),
        algorithms: metadata
            .as_ref()
            .map(|m| m.id_token_signing_alg_values_supported.clone())
            .unwrap_or_default(),
        tenant_template: metadata
            .as_ref()
            .map(|m| m.issuer.clone())
            .filter(|i| i.contains(oidc::TENANT_PLACEHOLDER)),
        response_issuer: match &metadata {
            Some(m) if m.issuer.contains(oidc::TENANT_PLACEHOLDER) => None,
            Some(m) => Some(m.issuer.clone()),
            None => provider.issuer.clone(),
        },
        iss_param_required: metadata
            .as_ref()
            .is_some_and(|m| m.authorization_response_iss_parameter_supported),
    })
}
