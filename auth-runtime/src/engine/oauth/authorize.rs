//! The authorization request (`POST /signin/:provider`): the provider's authorization URL with
//! this client's parameters, the caller's extra ones, and the checks; and where the provider
//! sends the browser back (this deployment, or the redirect proxy).

use super::super::{Ctx, Out};
use super::{checks, discovery};
use crate::error::{AuthError, Endpoint, ErrorType, Reason};
use crate::providers::OAuthProvider;

/// The redirect proxy in force for a provider (provider's own, else the configuration's).
pub(super) fn proxy_url<'p>(ctx: &'p Ctx<'_>, provider: &'p OAuthProvider) -> Option<&'p str> {
    if provider.form_post {
        return None;
    }
    provider
        .redirect_proxy_url
        .as_deref()
        .or(ctx.config.redirect_proxy_url.as_deref())
}

pub(super) fn origin_of(url: &str) -> Option<String> {
    url::Url::parse(url)
        .ok()
        .map(|u| u.origin().ascii_serialization())
}

/// This deployment's callback URL for a provider, and the `redirect_uri` to send (the proxy's
/// when this deployment is not the proxy).
pub(super) fn redirect_uris(ctx: &Ctx<'_>, provider: &OAuthProvider) -> (String, String) {
    let own = format!("{}/{}", ctx.action_url("callback"), provider.id);
    match proxy_url(ctx, provider) {
        Some(proxy) if origin_of(proxy).as_deref() != Some(ctx.req.origin.as_str()) => (
            own,
            format!("{}/callback/{}", proxy.trim_end_matches('/'), provider.id),
        ),
        _ => (own.clone(), own),
    }
}

/// Parameters an application may not override on the authorization request.
const RESERVED_PARAMS: &[&str] = &[
    "redirect_uri",
    "client_id",
    "response_type",
    "state",
    "nonce",
    "code_challenge",
    "code_challenge_method",
];

/// `POST /signin/:id` for an OAuth/OIDC provider: 302 to the authorization URL.
pub async fn sign_in(ctx: &mut Ctx<'_>, provider: &OAuthProvider) -> Result<Out, AuthError> {
    let client = discovery::client_for(ctx, provider);
    let endpoints = discovery::endpoints(client.as_ref(), provider).await?;
    let client_id = provider.client_id.clone().ok_or_else(|| {
        AuthError::new(
            ErrorType::InvalidEndpoints,
            format!(
                "provider `{}` has no client id: set AUTH_{}_ID",
                provider.id,
                crate::env::env_provider_id(&provider.id)
            ),
        )
    })?;
    let mut url = url::Url::parse(&endpoints.authorization).map_err(|_| {
        AuthError::new(
            ErrorType::InvalidEndpoints,
            "authorization endpoint is not a URL",
        )
        .with_reason(Reason::EndpointMissing(Endpoint::Authorization))
    })?;
    let (own_callback, redirect_uri) = redirect_uris(ctx, provider);
    let proxied = own_callback != redirect_uri;
    let mut params: Vec<(String, String)> = url.query_pairs().into_owned().collect();
    let set = |params: &mut Vec<(String, String)>, key: &str, value: String| {
        params.retain(|(k, _)| k != key);
        params.push((key.to_owned(), value));
    };
    set(&mut params, "response_type", "code".into());
    set(&mut params, "client_id", client_id);
    set(&mut params, "redirect_uri", redirect_uri);
    for (k, v) in &provider.authorization_params {
        set(&mut params, k, v.clone());
    }
    // Caller-supplied params (next-auth's `authorizationParams`, the request query) may add or
    // change provider params, never the ones that bind the flow to this client.
    let extra: Vec<(String, String)> = ctx
        .req
        .query
        .iter()
        .filter_map(|(k, v)| v.as_str().map(|v| (k.clone(), v.to_owned())))
        .filter(|(k, _)| !RESERVED_PARAMS.contains(&k.as_str()))
        .collect();
    for (k, v) in extra {
        set(&mut params, &k, v);
    }
    let has_scope = params.iter().any(|(k, _)| k == "scope");
    if !has_scope {
        set(
            &mut params,
            "scope",
            provider
                .scope
                .clone()
                .unwrap_or_else(|| "openid profile email".into()),
        );
    }
    if proxied && ctx.config.url.is_none() {
        // The origin sealed in `state` receives the authorization code: it must be the one this
        // deployment was configured with, never one the request's headers named.
        return Err(AuthError::new(
            ErrorType::InvalidCallbackUrl,
            "a deployment behind a redirect proxy needs its URL configured: set AUTH_URL",
        )
        .with_reason(Reason::ProxyOriginNotConfigured));
    }
    let proxied_origin = proxied.then_some(own_callback.as_str());
    let started = checks::start(ctx, provider, proxied_origin)?;
    for (k, v) in started.params {
        set(&mut params, k, v);
    }
    let cookies = started.cookies;
    url.query_pairs_mut().clear().extend_pairs(params.iter());
    let mut out = Out::redirect(url.to_string());
    out.cookies = cookies;
    Ok(out)
}
