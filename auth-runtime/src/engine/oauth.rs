//! OAuth 2 / OIDC sign-in (spec §7): the authorization request with its sealed check cookies, and
//! the callback: checks, token exchange (the `oauth2` crate), ID token validation, profile.

use std::sync::Arc;

use base64::Engine as _;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use serde_json::{Map, Value, json};
use sha2::{Digest, Sha256};
use subtle::ConstantTimeEq;
use time::OffsetDateTime;

use super::{Ctx, Out};
use crate::cookies::{CookieSpec, SameSite, SetCookie};
use crate::error::{AuthError, Endpoint, ErrorType, OAuthCheck, Reason};
use crate::http_client::{HttpClient, default_client};
use crate::jose::fill_random;
use crate::providers::oidc::{self, IdTokenExpectations};
use crate::providers::{OAuthProvider, ProviderKind, default_profile};
use crate::types::{Account, User};

const CHECK_MAX_AGE: u64 = 900;
const STATE_SALT: &str = "encodedState";

fn random_b64url() -> String {
    let mut bytes = [0u8; 32];
    fill_random(&mut bytes);
    URL_SAFE_NO_PAD.encode(bytes)
}

/// The HTTP client for a provider: its own, else the configuration's, else the default.
pub(crate) fn client_for(ctx: &Ctx<'_>, provider: &OAuthProvider) -> Arc<dyn HttpClient> {
    provider
        .http_client
        .clone()
        .or_else(|| ctx.config.http_client.clone())
        .or_else(default_client)
        .unwrap_or_else(|| std::sync::Arc::new(crate::http_client::NoClient))
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
        (Some(issuer), false) => {
            Some(oidc::discover(client, issuer, provider.has_quirk("entra-tenant-issuer")).await?)
        }
        _ => None,
    };
    let pick =
        |own: &Option<String>, found: Option<&String>| own.clone().or_else(|| found.cloned());
    let missing = |what: &str, endpoint: Endpoint| {
        AuthError::new(
            ErrorType::InvalidEndpoints,
            format!("provider `{}` has no {what} endpoint", provider.id),
        )
        .with_reason(Reason::EndpointMissing(endpoint))
    };
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
    })
}

/// The redirect proxy in force for a provider (provider's own, else the configuration's).
fn proxy_url<'p>(ctx: &'p Ctx<'_>, provider: &'p OAuthProvider) -> Option<&'p str> {
    if provider.form_post {
        return None;
    }
    provider
        .redirect_proxy_url
        .as_deref()
        .or(ctx.config.redirect_proxy_url.as_deref())
}

fn origin_of(url: &str) -> Option<String> {
    url::Url::parse(url)
        .ok()
        .map(|u| u.origin().ascii_serialization())
}

/// This deployment's callback URL for a provider, and the `redirect_uri` to send (the proxy's
/// when this deployment is not the proxy).
fn redirect_uris(ctx: &Ctx<'_>, provider: &OAuthProvider) -> (String, String) {
    let own = format!("{}/{}", ctx.action_url("callback"), provider.id);
    match proxy_url(ctx, provider) {
        Some(proxy) if origin_of(proxy).as_deref() != Some(ctx.req.origin.as_str()) => (
            own,
            format!("{}/callback/{}", proxy.trim_end_matches('/'), provider.id),
        ),
        _ => (own.clone(), own),
    }
}

fn check_cookie(
    ctx: &Ctx<'_>,
    spec: &CookieSpec,
    value: &str,
    provider_id: &str,
    form_post: bool,
) -> Result<SetCookie, AuthError> {
    let mut claims = Map::new();
    claims.insert("value".into(), value.into());
    claims.insert("provider".into(), provider_id.into());
    let sealed = ctx.codec.encode(&claims, &spec.name, CHECK_MAX_AGE)?;
    let mut cookie = SetCookie::new(spec, sealed);
    cookie.expires =
        Some(OffsetDateTime::now_utc() + time::Duration::seconds(CHECK_MAX_AGE as i64));
    if form_post {
        // The provider POSTs back cross-site: the cookie must be sent on that request.
        cookie.options.same_site = SameSite::None;
        cookie.options.secure = true;
    }
    Ok(cookie)
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
    let client = client_for(ctx, provider);
    let endpoints = endpoints(client.as_ref(), provider).await?;
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
    let mut cookies = Vec::new();
    if provider.checks.state || proxied {
        let mut state = Map::new();
        state.insert("random".into(), random_b64url().into());
        if proxied {
            state.insert("origin".into(), own_callback.clone().into());
        }
        let state_value = ctx.codec.encode(&state, STATE_SALT, CHECK_MAX_AGE)?;
        cookies.push(check_cookie(
            ctx,
            &ctx.cookies.state,
            &state_value,
            &provider.id,
            provider.form_post,
        )?);
        set(&mut params, "state", state_value);
    }
    if provider.checks.pkce {
        let verifier = random_b64url();
        let challenge = URL_SAFE_NO_PAD.encode(Sha256::digest(verifier.as_bytes()));
        cookies.push(check_cookie(
            ctx,
            &ctx.cookies.pkce_code_verifier,
            &verifier,
            &provider.id,
            false,
        )?);
        set(&mut params, "code_challenge", challenge);
        set(&mut params, "code_challenge_method", "S256".into());
    }
    if provider.checks.nonce {
        let nonce = random_b64url();
        cookies.push(check_cookie(
            ctx,
            &ctx.cookies.nonce,
            &nonce,
            &provider.id,
            provider.form_post,
        )?);
        set(&mut params, "nonce", nonce);
    }
    url.query_pairs_mut().clear().extend_pairs(params.iter());
    let mut out = Out::redirect(url.to_string());
    out.cookies = cookies;
    Ok(out)
}

/// Reads and consumes a sealed check cookie; `InvalidCheck` when it is missing, undecryptable or
/// for another provider.
fn take_check(
    ctx: &mut Ctx<'_>,
    spec: &CookieSpec,
    provider_id: &str,
    check: OAuthCheck,
) -> Result<String, AuthError> {
    let invalid = |why: &str, reason: Reason| {
        AuthError::new(ErrorType::InvalidCheck, format!("{check:?} cookie {why}"))
            .with_reason(reason)
    };
    let raw = ctx
        .req
        .cookie(&spec.name)
        .ok_or_else(|| invalid("is missing", Reason::CheckCookieMissing(check)))?
        .to_owned();
    ctx.set_cookies
        .push(SetCookie::delete(&spec.name, &spec.options));
    let claims = ctx
        .codec
        .decode(&raw, &spec.name)
        .map_err(|_| invalid("could not be decrypted", Reason::CheckCookieInvalid(check)))?;
    if claims.get("provider").and_then(Value::as_str) != Some(provider_id) {
        return Err(invalid(
            "belongs to another provider",
            Reason::CheckCookieOtherProvider(check),
        ));
    }
    claims
        .get("value")
        .and_then(Value::as_str)
        .map(str::to_owned)
        .ok_or_else(|| invalid("has no value", Reason::CheckCookieInvalid(check)))
}

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
fn callback_params(ctx: &Ctx<'_>, provider: &OAuthProvider) -> Map<String, Value> {
    if ctx.req.is_post && provider.form_post {
        ctx.req.body.clone()
    } else {
        ctx.req.query.clone()
    }
}

/// When this deployment is the redirect proxy and the state names another origin, the redirect
/// that forwards the callback there.
pub fn proxy_hop(ctx: &Ctx<'_>, provider: &OAuthProvider) -> Option<Out> {
    let proxy = proxy_url(ctx, provider)?;
    if origin_of(proxy).as_deref() != Some(ctx.req.origin.as_str()) {
        return None;
    }
    let params = callback_params(ctx, provider);
    let state = params.get("state")?.as_str()?;
    let decoded = ctx.codec.decode(state, STATE_SALT).ok()?;
    let target = decoded.get("origin")?.as_str()?;
    if origin_of(target)? == ctx.req.origin {
        return None;
    }
    let query = form_urlencoded::Serializer::new(String::new())
        .extend_pairs(
            params
                .iter()
                .filter_map(|(k, v)| v.as_str().map(|v| (k.as_str(), v))),
        )
        .finish();
    Some(Out::redirect(format!("{target}?{query}")))
}

/// Runs the callback up to the profile.
pub async fn callback(
    ctx: &mut Ctx<'_>,
    provider: &OAuthProvider,
) -> Result<OAuthResult, AuthError> {
    let params = callback_params(ctx, provider);
    let param = |k: &str| params.get(k).and_then(Value::as_str).map(str::to_owned);
    let client = client_for(ctx, provider);
    let endpoints = endpoints(client.as_ref(), provider).await?;
    let (_, redirect_uri) = redirect_uris(ctx, provider);
    let proxied = proxy_url(ctx, provider).is_some()
        && redirect_uri != format!("{}/{}", ctx.action_url("callback"), provider.id);

    if provider.checks.state || proxied {
        let expected = take_check(
            ctx,
            &ctx.cookies.state.clone(),
            &provider.id,
            OAuthCheck::State,
        )?;
        let got = param("state").ok_or_else(|| {
            AuthError::new(ErrorType::InvalidCheck, "state parameter is missing")
                .with_reason(Reason::StateMissing)
        })?;
        if !bool::from(expected.as_bytes().ct_eq(got.as_bytes())) {
            return Err(
                AuthError::new(ErrorType::InvalidCheck, "state parameter does not match")
                    .with_reason(Reason::StateMismatch),
            );
        }
    }
    if let (Some(iss), Some(expected)) = (param("iss"), endpoints.issuer.as_deref())
        && iss.trim_end_matches('/') != expected.trim_end_matches('/')
    {
        return Err(AuthError::new(
            ErrorType::CallbackRouteError,
            "iss parameter is another issuer",
        )
        .with_reason(Reason::IssuerParamMismatch));
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
    let verifier = if provider.checks.pkce {
        Some(take_check(
            ctx,
            &ctx.cookies.pkce_code_verifier.clone(),
            &provider.id,
            OAuthCheck::Pkce,
        )?)
    } else {
        None
    };
    let nonce = if provider.checks.nonce {
        Some(take_check(
            ctx,
            &ctx.cookies.nonce.clone(),
            &provider.id,
            OAuthCheck::Nonce,
        )?)
    } else {
        None
    };

    let tokens = super::token::exchange_code(
        client.clone(),
        super::token::ClientSettings::of(provider),
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
        if provider.has_quirk("github-emails") && profile.get("email").is_none_or(Value::is_null) {
            let emails = oidc::get_json(
                client.as_ref(),
                &format!("{userinfo_url}/emails"),
                Some(&access_token),
                Endpoint::Emails,
            )
            .await?;
            if let Some(list) = emails.as_array() {
                let chosen = list
                    .iter()
                    .find(|e| e.get("primary").and_then(Value::as_bool) == Some(true))
                    .or_else(|| list.first());
                if let (Some(email), Some(obj)) = (
                    chosen.and_then(|e| e.get("email")).cloned(),
                    profile.as_object_mut(),
                ) {
                    obj.insert("email".into(), email);
                }
            }
        }
    }
    if provider.has_quirk("apple-form-post-user")
        && let Some(user) = ctx.req.body.get("user").and_then(Value::as_str)
        && let Ok(parsed) = serde_json::from_str::<Value>(user)
        && let Some(obj) = profile.as_object_mut()
    {
        obj.insert("user".into(), parsed);
    }
    if !profile.is_object() {
        return Err(AuthError::new(
            ErrorType::OAuthProfileParseError,
            "the profile is not a JSON object",
        )
        .with_reason(Reason::ProfileNotObject));
    }
    let mut user = match &provider.profile {
        Some(map) => map(&profile, &tokens)
            .map_err(|e| AuthError::new(ErrorType::OAuthProfileParseError, e.to_string()))?,
        None => default_profile(&profile),
    };
    let provider_account_id = user.id.clone().ok_or_else(|| {
        AuthError::new(
            ErrorType::OAuthProfileParseError,
            "the profile has no id or sub",
        )
        .with_reason(Reason::ProfileIdMissing)
    })?;
    user.email = user.email.map(|e| e.to_lowercase());
    crate::providers::quirks::apply_profile_quirks(&provider.quirks, &profile, &mut user);
    let account = super::token::account_from_tokens(provider, &tokens, provider_account_id);
    Ok(OAuthResult {
        user,
        account,
        profile,
    })
}

/// A stable user id for a provider account when there is no database: a UUID-shaped hash of the
/// provider and the account id (Auth.js uses a random UUID per sign-in; spec Appendix B.5).
pub fn stable_sub(provider: &str, provider_account_id: &str) -> String {
    let digest = Sha256::digest(format!("{provider}\u{0}{provider_account_id}").as_bytes());
    let mut b = [0u8; 16];
    b.copy_from_slice(&digest[..16]);
    b[6] = (b[6] & 0x0f) | 0x50;
    b[8] = (b[8] & 0x3f) | 0x80;
    uuid::Uuid::from_bytes(b).hyphenated().to_string()
}

/// JSON of an account for the token when refresh rotation is on.
pub fn rotation_claims(account: &Account) -> Value {
    json!({
        "provider": account.provider,
        "access_token": account.access_token,
        "refresh_token": account.refresh_token,
        "expires_at": account.expires_at,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn stable_sub_is_a_version_5_shaped_uuid_of_provider_and_account() {
        // SHA-256("github\0" + "42"), first 16 bytes, version nibble 5, RFC 4122 variant.
        assert_eq!(
            stable_sub("github", "42"),
            "c3f03387-3a39-5d31-9105-d607b4e85812"
        );
        assert_eq!(stable_sub("github", "42"), stable_sub("github", "42"));
        assert_ne!(stable_sub("github", "42"), stable_sub("gitlab", "42"));
        assert_ne!(stable_sub("github", "4"), stable_sub("github4", ""));
    }
}
