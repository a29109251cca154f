//! The OAuth checks (spec §7): `state`, the PKCE verifier and the OIDC nonce, each sealed in a
//! short-lived cookie bound to its provider when the flow starts, and taken back (once) at the
//! callback.

use base64::Engine as _;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use serde_json::{Map, Value};
use sha2::{Digest, Sha256};
use subtle::ConstantTimeEq;
use time::OffsetDateTime;

use super::super::Ctx;
use crate::cookies::{CookieSpec, SameSite, SetCookie};
use crate::error::{AuthError, ErrorType, OAuthCheck, Reason};
use crate::jose::fill_random;
use crate::providers::OAuthProvider;

/// Lifetime of the check cookies and of the sealed `state`, in seconds.
pub(super) const CHECK_MAX_AGE: u64 = 900;
/// The salt `state` values are sealed with.
pub(super) const STATE_SALT: &str = "encodedState";

pub(super) fn random_b64url() -> String {
    let mut bytes = [0u8; 32];
    fill_random(&mut bytes);
    URL_SAFE_NO_PAD.encode(bytes)
}

pub(super) fn check_cookie(
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

/// The checks of a new authorization request.
pub(super) struct Started {
    /// Parameters for the authorization URL.
    pub(super) params: Vec<(&'static str, String)>,
    /// The cookies that keep their secrets.
    pub(super) cookies: Vec<SetCookie>,
}

/// The checks of a new authorization request: the parameters to send and the cookies that keep
/// their secrets. `proxied_origin` is this deployment's callback when a redirect proxy carries the
/// flow (the state then names where to come back).
pub(super) fn start(
    ctx: &Ctx<'_>,
    provider: &OAuthProvider,
    proxied_origin: Option<&str>,
) -> Result<Started, AuthError> {
    let mut params = Vec::new();
    let mut cookies = Vec::new();
    if provider.checks.state || proxied_origin.is_some() {
        let mut state = Map::new();
        state.insert("random".into(), random_b64url().into());
        if let Some(origin) = proxied_origin {
            state.insert("origin".into(), origin.into());
        }
        let state_value = ctx.codec.encode(&state, STATE_SALT, CHECK_MAX_AGE)?;
        cookies.push(check_cookie(
            ctx,
            &ctx.cookies.state,
            &state_value,
            &provider.id,
            provider.form_post,
        )?);
        params.push(("state", state_value));
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
        params.push(("code_challenge", challenge));
        params.push(("code_challenge_method", "S256".into()));
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
        params.push(("nonce", nonce));
    }
    Ok(Started { params, cookies })
}

/// Reads and consumes a sealed check cookie; `InvalidCheck` when it is missing, undecryptable or
/// for another provider.
pub(super) fn take_check(
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

/// The values the checks of a callback hold: the state compared with the callback's (when state
/// is used), and the PKCE verifier and nonce to use, each cookie consumed.
pub(super) struct Taken {
    pub(super) verifier: Option<String>,
    pub(super) nonce: Option<String>,
}

/// Verifies `state` against its cookie (constant-time).
pub(super) fn verify_state(
    ctx: &mut Ctx<'_>,
    provider: &OAuthProvider,
    got: Option<String>,
) -> Result<(), AuthError> {
    let expected = take_check(
        ctx,
        &ctx.cookies.state.clone(),
        &provider.id,
        OAuthCheck::State,
    )?;
    let got = got.ok_or_else(|| {
        AuthError::new(ErrorType::InvalidCheck, "state parameter is missing")
            .with_reason(Reason::StateMissing)
    })?;
    if !bool::from(expected.as_bytes().ct_eq(got.as_bytes())) {
        return Err(
            AuthError::new(ErrorType::InvalidCheck, "state parameter does not match")
                .with_reason(Reason::StateMismatch),
        );
    }
    Ok(())
}

/// Takes the PKCE verifier and the nonce the provider's checks call for.
pub(super) fn take_secrets(
    ctx: &mut Ctx<'_>,
    provider: &OAuthProvider,
) -> Result<Taken, AuthError> {
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
    Ok(Taken { verifier, nonce })
}
