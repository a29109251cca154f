//! The callback (`GET|POST /callback/:provider`) up to the profile: the redirect proxy's hop, the
//! checks, the RFC 9207 `iss` parameter, the token exchange, ID-token validation, userinfo, the
//! provider's quirks and the profile mapping.

use serde_json::{Map, Value};

use super::super::{Ctx, Out};
use super::authorize::{origin_of, proxy_url, redirect_uris};
use super::{checks, discovery, token};
use crate::error::{AuthError, Endpoint, ErrorType, Reason};
use crate::providers::oidc::{self, IdTokenExpectations};
use crate::providers::quirks::{self, Quirk};
use crate::providers::{OAuthProvider, ProviderKind};
use crate::redirect_proxy as proxy;
use crate::types::{Account, User};

/// The outcome of a successful OAuth callback, before account rules.
pub struct OAuthResult {
    /// The user built from the profile (`id` = provider account id).
    pub user: User,
    /// The account with the token set.
    pub account: Account,
    /// The raw profile.
    pub profile: Value,
}

/// The callback's parameters: the query, or the POST body for form_post providers.
pub(super) fn callback_params(ctx: &Ctx<'_>, provider: &OAuthProvider) -> Map<String, Value> {
    if ctx.req.is_post && provider.form_post {
        ctx.req.body.clone()
    } else {
        ctx.req.query.clone()
    }
}

/// When this deployment is the redirect proxy and the state names another origin, the redirect
/// that forwards the callback there, if the configuration allows that origin
/// ([`super::proxy`]); `Ok(None)` when the callback is this deployment's own.
pub fn proxy_hop(ctx: &Ctx<'_>, provider: &OAuthProvider) -> Result<Option<Out>, AuthError> {
    let Some(proxy) = proxy_url(ctx, provider) else {
        return Ok(None);
    };
    if origin_of(proxy).as_deref() != Some(ctx.req.origin.as_str()) {
        return Ok(None);
    }
    let params = callback_params(ctx, provider);
    let Some(state) = params.get("state").and_then(Value::as_str) else {
        return Ok(None);
    };
    let Ok(decoded) = ctx.codec.decode(state, checks::STATE_SALT) else {
        return Ok(None);
    };
    let Some(target) = decoded.get("origin").and_then(Value::as_str) else {
        return Ok(None);
    };
    if origin_of(target).as_deref() == Some(ctx.req.origin.as_str()) {
        return Ok(None);
    }
    let mut url = proxy::allowed_target(&ctx.config.redirect_proxy_targets, target, &provider.id)?;
    url.query_pairs_mut().extend_pairs(
        params
            .iter()
            .filter_map(|(k, v)| v.as_str().map(|v| (k.as_str(), v))),
    );
    Ok(Some(Out::redirect(url.to_string())))
}

/// Runs the callback up to the profile.
pub async fn callback(
    ctx: &mut Ctx<'_>,
    provider: &OAuthProvider,
) -> Result<OAuthResult, AuthError> {
    let params = callback_params(ctx, provider);
    let param = |k: &str| params.get(k).and_then(Value::as_str).map(str::to_owned);
    let client = discovery::client_for(ctx, provider);
    let endpoints = discovery::endpoints(client.as_ref(), provider).await?;
    let (_, redirect_uri) = redirect_uris(ctx, provider);
    let proxied = proxy_url(ctx, provider).is_some()
        && redirect_uri != format!("{}/{}", ctx.action_url("callback"), provider.id);

    if provider.checks.state || proxied {
        checks::verify_state(ctx, provider, param("state"))?;
    }
    // RFC 9207: the `iss` parameter is compared as a plain string, and required when the
    // provider says it sends one (a response without it may come from another provider).
    match (param("iss"), endpoints.response_issuer.as_deref()) {
        (Some(iss), Some(expected)) if iss != expected => {
            return Err(AuthError::new(
                ErrorType::CallbackRouteError,
                "iss parameter is another issuer",
            )
            .with_reason(Reason::IssuerParamMismatch));
        }
        (None, _) if endpoints.iss_param_required => {
            return Err(AuthError::new(
                ErrorType::CallbackRouteError,
                "the provider sends an iss parameter and this response has none",
            )
            .with_reason(Reason::IssuerParamMissing));
        }
        _ => {}
    }
    if let Some(error) = param("error") {
        let description = param("error_description").unwrap_or_default();
        return Err(AuthError::new(
            ErrorType::OAuthCallbackError,
            format!("{error}: {description}"),
        )
        .with_reason(Reason::ProviderError));
    }
    let code = param("code").ok_or_else(|| {
        AuthError::new(ErrorType::CallbackRouteError, "the callback has no code")
            .with_reason(Reason::CodeMissing)
    })?;
    let checks::Taken { verifier, nonce } = checks::take_secrets(ctx, provider)?;

    let tokens = token::exchange_code(
        client.clone(),
        token::ClientSettings::of(provider, endpoints.issuer.as_deref()),
        endpoints.token.clone(),
        redirect_uri.clone(),
        code,
        verifier,
    )
    .await?;
    let client_id = provider.client_id.clone().unwrap_or_default();
    let mut profile = Value::Null;
    if provider.kind == ProviderKind::Oidc {
        let id_token = tokens.get_str("id_token").ok_or_else(|| {
            AuthError::new(
                ErrorType::CallbackRouteError,
                "the token response has no id_token",
            )
            .with_reason(Reason::IdTokenMissing)
        })?;
        let issuer = match &endpoints.tenant_template {
            Some(template) => oidc::tenant_issuer(template, id_token)?,
            None => endpoints.issuer.clone().unwrap_or_default(),
        };
        let jwks = endpoints.jwks.clone().ok_or_else(|| {
            AuthError::new(
                ErrorType::InvalidEndpoints,
                "no jwks_uri to verify the ID token",
            )
            .with_reason(Reason::EndpointMissing(Endpoint::Jwks))
        })?;
        let claims = oidc::validate_id_token(
            client.as_ref(),
            id_token,
            &IdTokenExpectations {
                issuer: &issuer,
                client_id: &client_id,
                nonce: nonce.as_deref(),
                algorithms: &endpoints.algorithms,
                jwks_uri: &jwks,
                client_secret: provider.client_secret.as_ref().map(|s| s.expose()),
            },
        )
        .await?;
        profile = Value::Object(claims);
    }
    if provider.kind == ProviderKind::OAuth || !provider.id_token {
        let userinfo_url = endpoints.userinfo.clone().ok_or_else(|| {
            AuthError::new(ErrorType::InvalidEndpoints, "no userinfo endpoint")
                .with_reason(Reason::EndpointMissing(Endpoint::Userinfo))
        })?;
        let access_token = tokens
            .get_str("access_token")
            .unwrap_or_default()
            .to_owned();
        let info = oidc::get_json(
            client.as_ref(),
            &userinfo_url,
            Some(&access_token),
            Endpoint::Userinfo,
        )
        .await?;
        if let (Some(sub), Some(info_sub)) = (profile.get("sub"), info.get("sub"))
            && sub != info_sub
        {
            return Err(AuthError::new(
                ErrorType::CallbackRouteError,
                "userinfo sub differs from the ID token",
            )
            .with_reason(Reason::UserinfoSubMismatch));
        }
        profile = info;
        if Quirk::GithubEmails.applies_to(provider) {
            quirks::github_primary_email(
                client.as_ref(),
                &userinfo_url,
                &access_token,
                &mut profile,
            )
            .await?;
        }
    }
    if Quirk::AppleFormPostUser.applies_to(provider) {
        quirks::apple_form_post_user(&ctx.req.body, &mut profile);
    }
    if !profile.is_object() {
        return Err(AuthError::new(
            ErrorType::OAuthProfileParseError,
            "the profile is not a JSON object",
        )
        .with_reason(Reason::ProfileNotObject));
    }
    let user = provider
        .user_of(&profile, &tokens)
        .map_err(|e| AuthError::new(ErrorType::OAuthProfileParseError, e.to_string()))?;
    let provider_account_id = user.id.clone().ok_or_else(|| {
        AuthError::new(
            ErrorType::OAuthProfileParseError,
            "the profile has no id or sub",
        )
        .with_reason(Reason::ProfileIdMissing)
    })?;
    let account = token::account_from_tokens(provider, &tokens, provider_account_id);
    Ok(OAuthResult {
        user,
        account,
        profile,
    })
}
