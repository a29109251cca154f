//! Sign in with Apple's client secret: not a fixed string but a JWT the app signs with its
//! private key (ES256), valid at most six months, as Apple's documentation and Auth.js's Apple
//! provider describe. Make one at start-up and pass it as the provider's client secret.

use base64::Engine as _;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use p256::ecdsa::signature::Signer as _;
use p256::ecdsa::{Signature, SigningKey};
use p256::pkcs8::DecodePrivateKey as _;

use crate::error::{AuthError, ErrorType};

/// The longest validity Apple accepts: 15777000 seconds (six months).
const MAX_VALIDITY: u64 = 15_777_000;

/// Apple's client secret for `client_id` (the Services ID): a JWT signed with the private key
/// `private_key_pem` (the `.p8` file Apple gives, PKCS#8 PEM) under `key_id`, issued by
/// `team_id`, valid for `valid_for_seconds` (at most six months). Feature `apple`.
///
/// ```
/// # let pem = p256::SecretKey::random(&mut p256::elliptic_curve::rand_core::OsRng)
/// #     .to_pkcs8_pem(Default::default()).unwrap();
/// # use p256::pkcs8::EncodePrivateKey as _;
/// use auth_runtime::providers::apple_client_secret;
/// let secret = apple_client_secret("TEAM123456", "KEY1234567", "com.example.web", &pem, 86_400)?;
/// assert_eq!(secret.split('.').count(), 3);
/// # Ok::<(), auth_runtime::error::AuthError>(())
/// ```
pub fn apple_client_secret(
    team_id: &str,
    key_id: &str,
    client_id: &str,
    private_key_pem: &str,
    valid_for_seconds: u64,
) -> Result<String, AuthError> {
    if valid_for_seconds == 0 || valid_for_seconds > MAX_VALIDITY {
        return Err(AuthError::new(
            ErrorType::InvalidProvider,
            format!("Apple's client secret is valid for 1 to {MAX_VALIDITY} seconds (six months)"),
        ));
    }
    let key = SigningKey::from_pkcs8_pem(private_key_pem).map_err(|_| {
        AuthError::new(
            ErrorType::InvalidProvider,
            "Apple's signing key is not a P-256 private key in PKCS#8 PEM (the .p8 file)",
        )
    })?;
    let now = crate::jose::now_unix();
    let header = serde_json::json!({"alg": "ES256", "kid": key_id, "typ": "JWT"});
    let claims = serde_json::json!({
        "iss": team_id,
        "iat": now,
        "exp": now.saturating_add(i64::try_from(valid_for_seconds).unwrap_or(0)),
        "aud": "https://appleid.apple.com",
        "sub": client_id,
    });
    let signing_input = format!(
        "{}.{}",
        URL_SAFE_NO_PAD.encode(header.to_string()),
        URL_SAFE_NO_PAD.encode(claims.to_string())
    );
    let signature: Signature = key.sign(signing_input.as_bytes());
    Ok(format!(
        "{signing_input}.{}",
        URL_SAFE_NO_PAD.encode(signature.to_bytes())
    ))
}

#[cfg(test)]
mod tests {
    use super::*;
    use p256::ecdsa::VerifyingKey;
    use p256::ecdsa::signature::Verifier as _;
    use p256::pkcs8::EncodePrivateKey as _;

    fn pem() -> (String, VerifyingKey) {
        let secret = p256::SecretKey::random(&mut p256::elliptic_curve::rand_core::OsRng);
        let pem = secret
            .to_pkcs8_pem(Default::default())
            .map(|p| p.to_string())
            .unwrap_or_default();
        (pem, VerifyingKey::from(&SigningKey::from(&secret)))
    }

    #[test]
    fn the_secret_is_an_es256_jwt_apple_can_verify() {
        let (pem, verifying) = pem();
        let jwt =
            apple_client_secret("TEAM", "KID", "com.example.web", &pem, 3600).expect("a secret");
        let parts: Vec<&str> = jwt.split('.').collect();
        assert_eq!(parts.len(), 3);
        let decode = |s: &str| URL_SAFE_NO_PAD.decode(s).unwrap_or_default();
        let header: serde_json::Value =
            serde_json::from_slice(&decode(parts[0])).unwrap_or_default();
        let claims: serde_json::Value =
            serde_json::from_slice(&decode(parts[1])).unwrap_or_default();
        assert_eq!(header["alg"], "ES256");
        assert_eq!(header["kid"], "KID");
        assert_eq!(claims["iss"], "TEAM");
        assert_eq!(claims["sub"], "com.example.web");
        assert_eq!(claims["aud"], "https://appleid.apple.com");
        assert_eq!(
            claims["exp"].as_i64().unwrap_or_default() - claims["iat"].as_i64().unwrap_or_default(),
            3600
        );
        let signature = Signature::from_slice(&decode(parts[2])).expect("64 bytes r||s");
        let input = format!("{}.{}", parts[0], parts[1]);
        assert!(verifying.verify(input.as_bytes(), &signature).is_ok());
    }

    #[test]
    fn a_bad_key_or_validity_is_refused() {
        let (pem, _) = pem();
        assert!(apple_client_secret("T", "K", "c", "not a key", 60).is_err());
        assert!(apple_client_secret("T", "K", "c", &pem, 0).is_err());
        assert!(apple_client_secret("T", "K", "c", &pem, MAX_VALIDITY + 1).is_err());
        assert!(apple_client_secret("T", "K", "c", &pem, MAX_VALIDITY).is_ok());
    }
}
