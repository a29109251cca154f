//! OpenID Connect: discovery (cached with a bounded lifetime), JWKS (cached, refetched once on an
//! unknown `kid` for key rotation), and ID token validation: signature, `iss`, `aud`, `azp`,
//! `exp`, `iat`, `nonce`. Unlike Auth.js, the signature is verified.

use std::collections::HashMap;
use std::sync::{Arc, LazyLock, Mutex};
use std::time::{Duration, Instant};

use jsonwebtoken::jwk::JwkSet;
use jsonwebtoken::{Algorithm, DecodingKey, Validation};
use serde::Deserialize;
use serde_json::{Map, Value};
use subtle::ConstantTimeEq;

use crate::error::{AuthError, Endpoint, ErrorType, Reason};
use crate::http_client::HttpClient;

/// How long discovery documents and key sets are reused.
pub const METADATA_TTL: Duration = Duration::from_secs(600);
const CACHE_LIMIT: usize = 256;

/// The parts of an OpenID Provider's metadata the engine uses.
#[derive(Debug, Clone, Deserialize, PartialEq, Eq)]
pub struct Metadata {
    /// `issuer`.
    pub issuer: String,
    /// `authorization_endpoint`.
    pub authorization_endpoint: Option<String>,
    /// `token_endpoint`.
    pub token_endpoint: Option<String>,
    /// `userinfo_endpoint`.
    pub userinfo_endpoint: Option<String>,
    /// `jwks_uri`.
    pub jwks_uri: Option<String>,
    /// `id_token_signing_alg_values_supported`.
    #[serde(default)]
    pub id_token_signing_alg_values_supported: Vec<String>,
    /// `authorization_response_iss_parameter_supported`.
    #[serde(default)]
    pub authorization_response_iss_parameter_supported: bool,
}

type Cache<T> = Mutex<HashMap<String, (Instant, Arc<T>)>>;
static DISCOVERY: LazyLock<Cache<Metadata>> = LazyLock::new(|| Mutex::new(HashMap::new()));
static JWKS: LazyLock<Cache<JwkSet>> = LazyLock::new(|| Mutex::new(HashMap::new()));

/// The entry under `key` when it is younger than [`METADATA_TTL`] at `now`.
fn cached<T>(cache: &Cache<T>, key: &str, now: Instant) -> Option<Arc<T>> {
    let guard = cache.lock().ok()?;
    let (at, value) = guard.get(key)?;
    (now.saturating_duration_since(*at) < METADATA_TTL).then(|| value.clone())
}

/// Keeps `value` under `key` as fetched at `now`; a full cache first drops what expired, and
/// starts over when everything in it is still fresh.
fn store<T>(cache: &Cache<T>, key: &str, value: Arc<T>, now: Instant) {
    if let Ok(mut guard) = cache.lock() {
        if guard.len() >= CACHE_LIMIT {
            guard.retain(|_, (at, _)| now.saturating_duration_since(*at) < METADATA_TTL);
            if guard.len() >= CACHE_LIMIT {
                guard.clear();
            }
        }
        guard.insert(key.to_owned(), (now, value));
    }
}

fn callback_error(message: impl Into<String>, reason: Reason) -> AuthError {
    AuthError::new(ErrorType::CallbackRouteError, message).with_reason(reason)
}

/// GETs a JSON document from one of a provider's endpoints.
pub async fn get_json(
    client: &dyn HttpClient,
    url: &str,
    bearer: Option<&str>,
    endpoint: Endpoint,
) -> Result<Value, AuthError> {
    let mut builder = http::Request::get(url).header(http::header::ACCEPT, "application/json");
    if let Some(token) = bearer {
        builder = builder.header(http::header::AUTHORIZATION, format!("Bearer {token}"));
    }
    let request = builder.body(Vec::new()).map_err(|_| {
        callback_error(
            format!("invalid URL {url}"),
            Reason::EndpointMissing(endpoint),
        )
    })?;
    let response = client.send(request).await.map_err(|e| {
        callback_error(e.to_string(), Reason::EndpointUnreachable(endpoint)).with_source(e)
    })?;
    if !response.status().is_success() {
        return Err(callback_error(
            format!("{url} answered HTTP {}", response.status().as_u16()),
            Reason::EndpointStatus(endpoint),
        ));
    }
    serde_json::from_slice(response.body()).map_err(|_| {
        callback_error(
            format!("{url} did not answer JSON"),
            Reason::EndpointResponseInvalid(endpoint),
        )
    })
}

/// The provider's discovery document, from the cache or `<issuer>/.well-known/openid-configuration`.
/// The document's `issuer` must equal the configured one.
///
/// With `tenant_template` (Microsoft Entra ID's multi-tenant endpoints), a document whose issuer
/// holds the `{tenantid}` placeholder is accepted too; the ID token's `tid` fills it in later.
pub async fn discover(
    client: &dyn HttpClient,
    issuer: &str,
    tenant_template: bool,
) -> Result<Arc<Metadata>, AuthError> {
    let issuer_key = issuer.trim_end_matches('/');
    if let Some(hit) = cached(&DISCOVERY, issuer_key, Instant::now()) {
        return Ok(hit);
    }
    let url = format!("{issuer_key}/.well-known/openid-configuration");
    let value = get_json(client, &url, None, Endpoint::Discovery).await?;
    let metadata: Metadata = serde_json::from_value(value).map_err(|e| {
        callback_error(
            format!("discovery document of {issuer_key} is invalid: {e}"),
            Reason::EndpointResponseInvalid(Endpoint::Discovery),
        )
    })?;
    let templated = tenant_template && metadata.issuer.contains(TENANT_PLACEHOLDER);
    if metadata.issuer.trim_end_matches('/') != issuer_key && !templated {
        return Err(callback_error(
            format!(
                "discovery issuer {} does not match the configured issuer {issuer_key}",
                metadata.issuer
            ),
            Reason::DiscoveryIssuerMismatch,
        ));
    }
    let metadata = Arc::new(metadata);
    store(&DISCOVERY, issuer_key, metadata.clone(), Instant::now());
    Ok(metadata)
}

/// The placeholder Microsoft's multi-tenant discovery documents put in `issuer`.
pub const TENANT_PLACEHOLDER: &str = "{tenantid}";

/// The issuer an Entra ID token must carry: the template with the token's own `tid`. The `tid` is
/// read before the signature check only to choose the expected issuer; the token is then
/// verified against it, so a forged `tid` cannot pass.
pub fn tenant_issuer(template: &str, id_token: &str) -> Result<String, AuthError> {
    use base64::Engine as _;
    let payload = id_token
        .split('.')
        .nth(1)
        .and_then(|p| {
            base64::engine::general_purpose::URL_SAFE_NO_PAD
                .decode(p)
                .ok()
        })
        .and_then(|bytes| serde_json::from_slice::<Value>(&bytes).ok())
        .ok_or_else(|| callback_error("ID token payload is not JSON", Reason::IdTokenMalformed))?;
    let tid = payload
        .get("tid")
        .and_then(Value::as_str)
        .filter(|t| !t.is_empty() && t.chars().all(|c| c.is_ascii_alphanumeric() || c == '-'))
        .ok_or_else(|| {
            callback_error(
                "Entra ID token has no valid tid",
                Reason::IdTokenTenantInvalid,
            )
        })?;
    Ok(template.replace(TENANT_PLACEHOLDER, tid))
}

async fn key_set(
    client: &dyn HttpClient,
    uri: &str,
    refresh: bool,
) -> Result<Arc<JwkSet>, AuthError> {
    if !refresh && let Some(hit) = cached(&JWKS, uri, Instant::now()) {
        return Ok(hit);
    }
    let value = get_json(client, uri, None, Endpoint::Jwks).await?;
    let set: JwkSet = serde_json::from_value(value).map_err(|e| {
        callback_error(
            format!("JWKS is invalid: {e}"),
            Reason::EndpointResponseInvalid(Endpoint::Jwks),
        )
    })?;
    let set = Arc::new(set);
    store(&JWKS, uri, set.clone(), Instant::now());
    Ok(set)
}

/// The key of the set that can verify a token signed with `alg`: the one named by `kid`, else
/// the only key of the right type. A key of another type (an RSA key for an ES256 token), whose
/// own `alg` is another, or meant for encryption (`use: enc`), is never picked.
fn pick_key<'a>(
    set: &'a JwkSet,
    kid: Option<&str>,
    alg: Algorithm,
) -> Option<&'a jsonwebtoken::jwk::Jwk> {
    use jsonwebtoken::jwk::AlgorithmParameters;
    let fits = |jwk: &&jsonwebtoken::jwk::Jwk| {
        let family = matches!(
            (&jwk.algorithm, alg),
            (
                AlgorithmParameters::RSA(_),
                Algorithm::RS256
                    | Algorithm::RS384
                    | Algorithm::RS512
                    | Algorithm::PS256
                    | Algorithm::PS384
                    | Algorithm::PS512
            ) | (
                AlgorithmParameters::EllipticCurve(_),
                Algorithm::ES256 | Algorithm::ES384
            ) | (AlgorithmParameters::OctetKeyPair(_), Algorithm::EdDSA)
        );
        let own_alg_fits = jwk
            .common
            .key_algorithm
            .is_none_or(|a| a.to_string().parse::<Algorithm>().ok() == Some(alg));
        let for_signing = !matches!(
            jwk.common.public_key_use,
            Some(jsonwebtoken::jwk::PublicKeyUse::Encryption)
        );
        family && own_alg_fits && for_signing
    };
    match kid {
        Some(kid) => set.find(kid).filter(fits),
        None => {
            let mut candidates = set.keys.iter().filter(fits);
            match (candidates.next(), candidates.next()) {
                (Some(only), None) => Some(only),
                _ => None,
            }
        }
    }
}

/// Whether an `iat` is later than `now` beyond the 15 s of clock skew allowed for `exp` and
/// `nbf`: a token minted ahead to outlive its `exp`, or a provider with a broken clock.
fn issued_in_future(iat: f64, now: i64) -> bool {
    iat > (now + 15) as f64
}

/// Which check a `jsonwebtoken` rejection stands for.
fn rejection_reason(err: &jsonwebtoken::errors::Error) -> Reason {
    use jsonwebtoken::errors::ErrorKind;
    match err.kind() {
        ErrorKind::InvalidSignature => Reason::IdTokenSignature,
        ErrorKind::ExpiredSignature => Reason::IdTokenExpired,
        ErrorKind::ImmatureSignature => Reason::IdTokenNotYetValid,
        ErrorKind::InvalidIssuer => Reason::IdTokenIssuer,
        ErrorKind::InvalidAudience => Reason::IdTokenAudience,
        ErrorKind::MissingRequiredClaim(_) => Reason::IdTokenClaimMissing,
        ErrorKind::InvalidAlgorithm => Reason::IdTokenAlgorithm,
        _ => Reason::IdTokenMalformed,
    }
}

/// What the ID token must satisfy.
#[derive(Debug, Clone)]
pub struct IdTokenExpectations<'a> {
    /// Expected `iss`.
    pub issuer: &'a str,
    /// The client id (`aud`, `azp`).
    pub client_id: &'a str,
    /// The nonce sent, if the nonce check is on; else the token must carry none.
    pub nonce: Option<&'a str>,
    /// Accepted signing algorithms (default RS256).
    pub algorithms: &'a [String],
    /// JWKS endpoint.
    pub jwks_uri: &'a str,
    /// The client secret: the key of an ID token the provider signs with HMAC (HS256, HS384,
    /// HS512), which is accepted only when the provider advertises the algorithm and a secret is
    /// configured (OpenID Connect Core §10.1).
    pub client_secret: Option<&'a str>,
}

fn is_symmetric(alg: Algorithm) -> bool {
    matches!(alg, Algorithm::HS256 | Algorithm::HS384 | Algorithm::HS512)
}

/// Validates an ID token and returns its claims.
pub async fn validate_id_token(
    client: &dyn HttpClient,
    id_token: &str,
    expect: &IdTokenExpectations<'_>,
) -> Result<Map<String, Value>, AuthError> {
    let header = jsonwebtoken::decode_header(id_token).map_err(|e| {
        callback_error(
            format!("ID token header is invalid or its alg is not allowed: {e}"),
            Reason::IdTokenMalformed,
        )
    })?;
    let secret = expect.client_secret.filter(|s| !s.is_empty());
    let allowed: Vec<Algorithm> = if expect.algorithms.is_empty() {
        vec![Algorithm::RS256]
    } else {
        expect
            .algorithms
            .iter()
            .filter_map(|a| a.parse::<Algorithm>().ok())
            // HMAC only with a client secret to verify it with.
            .filter(|a| !is_symmetric(*a) || secret.is_some())
            .collect()
    };
    if !allowed.contains(&header.alg) {
        return Err(callback_error(
            format!("ID token algorithm {:?} is not accepted", header.alg),
            Reason::IdTokenAlgorithm,
        ));
    }
    let key = match secret {
        // The client secret's octets are the key; the JWKS (public keys) plays no part, so a
        // public key can never be used as an HMAC secret.
        Some(secret) if is_symmetric(header.alg) => DecodingKey::from_secret(secret.as_bytes()),
        _ => {
            let mut set = key_set(client, expect.jwks_uri, false).await?;
            if pick_key(&set, header.kid.as_deref(), header.alg).is_none() {
                // The provider may have rotated its keys since the set was cached.
                set = key_set(client, expect.jwks_uri, true).await?;
            }
            let jwk = pick_key(&set, header.kid.as_deref(), header.alg).ok_or_else(|| {
                callback_error(
                    "ID token is signed with an unknown key (kid)",
                    Reason::IdTokenUnknownKey,
                )
            })?;
            DecodingKey::from_jwk(jwk).map_err(|e| {
                callback_error(
                    format!("unusable JWK: {e}"),
                    Reason::EndpointResponseInvalid(Endpoint::Jwks),
                )
            })?
        }
    };
    let mut validation = Validation::new(header.alg);
    validation.set_issuer(&[expect.issuer]);
    validation.set_audience(&[expect.client_id]);
    validation.leeway = 15;
    validation.validate_nbf = true;
    validation.set_required_spec_claims(&["exp", "iss", "aud", "sub"]);
    let data = jsonwebtoken::decode::<Map<String, Value>>(id_token, &key, &validation)
        .map_err(|e| callback_error(format!("ID token rejected: {e}"), rejection_reason(&e)))?;
    let claims = data.claims;
    let Some(iat) = claims.get("iat").and_then(Value::as_f64) else {
        return Err(callback_error(
            "ID token has no numeric iat",
            Reason::IdTokenClaimMissing,
        ));
    };
    if issued_in_future(iat, crate::jose::now_unix()) {
        return Err(callback_error(
            "ID token iat is in the future",
            Reason::IdTokenIssuedInFuture,
        ));
    }
    let multiple_audiences = matches!(claims.get("aud"), Some(Value::Array(a)) if a.len() > 1);
    match claims.get("azp") {
        Some(Value::String(azp)) if azp != expect.client_id => {
            return Err(callback_error(
                "ID token azp is another client",
                Reason::IdTokenAzpMismatch,
            ));
        }
        None if multiple_audiences => {
            return Err(callback_error(
                "ID token with several audiences has no azp",
                Reason::IdTokenAzpMissing,
            ));
        }
        _ => {}
    }
    match (expect.nonce, claims.get("nonce")) {
        (Some(sent), Some(Value::String(got)))
            if bool::from(sent.as_bytes().ct_eq(got.as_bytes())) => {}
        (Some(_), None) => {
            return Err(
                AuthError::new(ErrorType::InvalidCheck, "ID token has no nonce")
                    .with_reason(Reason::IdTokenNonceMissing),
            );
        }
        (Some(_), Some(_)) => {
            return Err(
                AuthError::new(ErrorType::InvalidCheck, "ID token nonce does not match")
                    .with_reason(Reason::IdTokenNonceMismatch),
            );
        }
        (None, Some(_)) => {
            return Err(AuthError::new(
                ErrorType::InvalidCheck,
                "ID token carries an unexpected nonce",
            )
            .with_reason(Reason::IdTokenNonceUnexpected));
        }
        (None, None) => {}
    }
    Ok(claims)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn iat_may_be_15_seconds_ahead_and_no_more() {
        assert!(!issued_in_future(1_000.0, 1_000));
        assert!(!issued_in_future(1_015.0, 1_000));
        assert!(issued_in_future(1_015.5, 1_000));
        assert!(issued_in_future(1_016.0, 1_000));
    }

    #[test]
    fn only_a_signing_key_of_the_tokens_type_and_alg_is_picked() {
        let n = "sVS7tRtSrdfBF1N9E6vK8yfJZHnA3Y0V7d8lJmQ7mKsR3w7S8dQ4c9K6ZkJ0pK2y5bY1vJ3hZ5W9tQ0rM8uF1w";
        let rsa = |kid: &str, extra: serde_json::Value| {
            let mut key = serde_json::json!({"kty": "RSA", "kid": kid, "n": n, "e": "AQAB"});
            if let (Some(key), Some(extra)) = (key.as_object_mut(), extra.as_object()) {
                key.extend(extra.clone());
            }
            key
        };
        let set = |keys: Vec<serde_json::Value>| -> JwkSet {
            serde_json::from_value(serde_json::json!({ "keys": keys }))
                .unwrap_or_else(|e| unreachable!("{e}"))
        };
        let picked = |set: &JwkSet, kid: Option<&str>, alg| {
            pick_key(set, kid, alg).and_then(|k| k.common.key_id.clone())
        };
        let keys = set(vec![
            rsa("enc", serde_json::json!({"use": "enc"})),
            rsa("ps", serde_json::json!({"alg": "PS256"})),
            rsa("rs", serde_json::json!({"alg": "RS256", "use": "sig"})),
        ]);
        assert_eq!(
            picked(&keys, Some("rs"), Algorithm::RS256).as_deref(),
            Some("rs")
        );
        assert_eq!(picked(&keys, Some("enc"), Algorithm::RS256), None);
        assert_eq!(picked(&keys, Some("ps"), Algorithm::RS256), None);
        assert_eq!(picked(&keys, Some("rs"), Algorithm::ES256), None);
        // Without kid: the one key that fits, or none when several do.
        assert_eq!(picked(&keys, None, Algorithm::RS256).as_deref(), Some("rs"));
        assert_eq!(picked(&keys, None, Algorithm::PS256).as_deref(), Some("ps"));
        let two = set(vec![
            rsa("a", serde_json::json!({})),
            rsa("b", serde_json::json!({})),
        ]);
        assert_eq!(picked(&two, None, Algorithm::RS256), None);
    }

    #[test]
    fn a_full_cache_drops_expired_entries_and_keeps_fresh_ones() {
        let cache: Cache<u32> = Mutex::new(HashMap::new());
        let start = Instant::now();
        for i in 0..CACHE_LIMIT - 1 {
            store(&cache, &format!("old-{i}"), Arc::new(0), start);
        }
        // Ten minutes later, to the nanosecond: the old entries have just expired, one fetched a
        // minute ago has not.
        let now = start + METADATA_TTL;
        store(&cache, "fresh", Arc::new(1), now - Duration::from_secs(60));
        store(&cache, "new", Arc::new(2), now);
        assert_eq!(cached(&cache, "fresh", now).as_deref(), Some(&1));
        assert_eq!(cached(&cache, "new", now).as_deref(), Some(&2));
        assert_eq!(cached(&cache, "old-0", now), None);
        let len = cache.lock().map(|g| g.len()).unwrap_or_default();
        assert_eq!(len, 2, "expired entries were dropped");
    }

    #[test]
    fn an_entry_expires_after_ten_minutes() {
        let cache: Cache<u32> = Mutex::new(HashMap::new());
        let start = Instant::now();
        store(&cache, "k", Arc::new(7), start);
        let almost = start + METADATA_TTL - Duration::from_millis(1);
        assert_eq!(cached(&cache, "k", almost).as_deref(), Some(&7));
        assert_eq!(cached(&cache, "k", start + METADATA_TTL), None);
    }

    #[test]
    fn each_rejection_names_its_check() {
        use jsonwebtoken::errors::{Error, ErrorKind};
        for (kind, reason) in [
            (ErrorKind::InvalidSignature, Reason::IdTokenSignature),
            (ErrorKind::ExpiredSignature, Reason::IdTokenExpired),
            (ErrorKind::ImmatureSignature, Reason::IdTokenNotYetValid),
            (ErrorKind::InvalidIssuer, Reason::IdTokenIssuer),
            (ErrorKind::InvalidAudience, Reason::IdTokenAudience),
            (
                ErrorKind::MissingRequiredClaim("sub".into()),
                Reason::IdTokenClaimMissing,
            ),
            (ErrorKind::InvalidAlgorithm, Reason::IdTokenAlgorithm),
            (ErrorKind::InvalidToken, Reason::IdTokenMalformed),
        ] {
            assert_eq!(
                rejection_reason(&Error::from(kind.clone())),
                reason,
                "{kind:?}"
            );
        }
    }

    #[test]
    fn a_cache_full_of_fresh_entries_starts_over() {
        let cache: Cache<u32> = Mutex::new(HashMap::new());
        let now = Instant::now();
        for i in 0..CACHE_LIMIT {
            store(&cache, &format!("k{i}"), Arc::new(0), now);
        }
        assert!(
            cached(&cache, "k0", now).is_some(),
            "below the limit nothing is dropped"
        );
        store(&cache, "one-more", Arc::new(1), now);
        let len = cache.lock().map(|g| g.len()).unwrap_or_default();
        assert_eq!(len, 1);
        assert_eq!(cached(&cache, "one-more", now).as_deref(), Some(&1));
    }
}
