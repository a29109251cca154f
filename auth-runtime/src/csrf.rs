//! Double-submit CSRF tokens: the cookie holds `token|sha256_hex(token + secret)`, and a
//! POST is verified when its body field `csrfToken` equals the cookie's token.
//!
//! ```
//! use auth_runtime::csrf::{csrf_hash, CsrfToken};
//! let secrets = vec!["secret".to_owned()];
//! assert_eq!(
//!     csrf_hash(&"a".repeat(64), &secrets),
//!     "903c1490e042a075338b0e597cd889260f671063edb09ab070d2634e8277cf9c"
//! );
//! let fresh = CsrfToken::generate(&secrets);
//! let again = CsrfToken::from_cookie(&fresh.cookie_value(), &secrets).unwrap();
//! assert!(again.matches(fresh.token()));
//! ```

use sha2::{Digest, Sha256};
use subtle::ConstantTimeEq;

/// The hash Auth.js stores beside the token: lowercase SHA-256 hex of `token` followed by the
/// secrets joined with `,` (Auth.js stringifies its secret array that way).
pub fn csrf_hash(token: &str, secrets: &[String]) -> String {
    let mut hasher = Sha256::new();
    hasher.update(token.as_bytes());
    for (i, secret) in secrets.iter().enumerate() {
        if i > 0 {
            hasher.update(b",");
        }
        hasher.update(secret.as_bytes());
    }
    lower_hex(&hasher.finalize())
}

/// 32 random bytes as 64 lowercase hex characters (Auth.js's `randomString(32)`).
///
/// The bytes come from the thread's ChaCha12 generator (`rand::rng()`), seeded from the operating
/// system and reseeded every 64 KiB, as Node's `crypto.getRandomValues` serves Auth.js's tokens
/// from a user-space generator: a CSRF token is made for every visitor without one, and a system
/// call for each is measurable. Keys, IVs and the OAuth checks still read the system's source.
pub fn random_hex_32() -> String {
    let mut bytes = [0u8; 32];
    rand::Rng::fill_bytes(&mut rand::rng(), &mut bytes);
    lower_hex(&bytes)
}

/// Lowercase hex, two characters per byte.
fn lower_hex(bytes: &[u8]) -> String {
    const DIGITS: &[u8; 16] = b"0123456789abcdef";
    let mut out = String::with_capacity(bytes.len() * 2);
    for b in bytes {
        out.push(char::from(DIGITS[usize::from(b >> 4)]));
        out.push(char::from(DIGITS[usize::from(b & 0x0f)]));
    }
    out
}

/// A CSRF token known to be ours: generated here, or read from a cookie whose hash verified.
#[derive(Clone, PartialEq, Eq)]
pub struct CsrfToken {
    token: String,
    hash: String,
    /// True when the token was just generated and its cookie must be set.
    pub is_new: bool,
}

impl std::fmt::Debug for CsrfToken {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("CsrfToken")
            .field("is_new", &self.is_new)
            .finish_non_exhaustive()
    }
}

impl CsrfToken {
    /// A fresh random token.
    pub fn generate(secrets: &[String]) -> Self {
        let token = random_hex_32();
        let hash = csrf_hash(&token, secrets);
        Self {
            token,
            hash,
            is_new: true,
        }
    }

    /// The token in a cookie value `token|hash`, if the hash verifies (constant-time).
    pub fn from_cookie(value: &str, secrets: &[String]) -> Option<Self> {
        let (token, hash) = value.split_once('|')?;
        let expected = csrf_hash(token, secrets);
        if bool::from(expected.as_bytes().ct_eq(hash.as_bytes())) {
            Some(Self {
                token: token.to_owned(),
                hash: expected,
                is_new: false,
            })
        } else {
            None
        }
    }

    /// The cookie's token, or a new one when the cookie is missing or forged.
    pub fn from_cookie_or_generate(value: Option<&str>, secrets: &[String]) -> Self {
        value
            .and_then(|v| Self::from_cookie(v, secrets))
            .unwrap_or_else(|| Self::generate(secrets))
    }

    /// The token sent to the client (`GET /csrf`, hidden form fields).
    pub fn token(&self) -> &str {
        &self.token
    }

    /// The cookie value `token|hash`.
    pub fn cookie_value(&self) -> String {
        format!("{}|{}", self.token, self.hash)
    }

    /// Whether a submitted token equals this one (constant-time). A freshly generated token never
    /// matches: the request carried no valid cookie.
    pub fn matches(&self, submitted: &str) -> bool {
        !self.is_new && bool::from(self.token.as_bytes().ct_eq(submitted.as_bytes()))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn secrets() -> Vec<String> {
        vec!["s1".into(), "s2".into()]
    }

    #[test]
    fn secret_list_is_joined_with_commas() {
        assert_eq!(
            csrf_hash("t", &secrets()),
            hex::encode(Sha256::digest(b"ts1,s2"))
        );
    }

    #[test]
    fn forged_cookie_is_replaced_by_a_new_token() {
        let good = CsrfToken::generate(&secrets());
        let forged = format!("{}|{}", good.token(), "0".repeat(64));
        let got = CsrfToken::from_cookie_or_generate(Some(&forged), &secrets());
        assert!(got.is_new);
        assert_ne!(got.token(), good.token());
        assert!(!got.matches(good.token()));
    }

    #[test]
    fn fresh_token_never_verifies_a_post() {
        let t = CsrfToken::generate(&secrets());
        let token = t.token().to_owned();
        assert!(!t.matches(&token));
        let read = CsrfToken::from_cookie(&t.cookie_value(), &secrets()).unwrap();
        assert!(read.matches(&token));
        assert!(!read.matches("nope"));
        assert!(CsrfToken::from_cookie("garbage", &secrets()).is_none());
    }

    #[test]
    fn tokens_are_32_random_bytes_and_debug_shows_neither_half() {
        let a = CsrfToken::generate(&secrets());
        let b = CsrfToken::generate(&secrets());
        assert_ne!(a.token(), b.token());
        assert_eq!(a.token().len(), 64);
        assert!(a.token().bytes().all(|c| c.is_ascii_hexdigit()));
        assert_eq!(
            a.cookie_value(),
            format!("{}|{}", a.token(), csrf_hash(a.token(), &secrets()))
        );
        let shown = format!("{a:?}");
        assert!(
            shown.starts_with("CsrfToken") && shown.contains("is_new: true"),
            "{shown}"
        );
        assert!(!shown.contains(a.token()), "{shown}");
        assert!(
            !shown.contains(&csrf_hash(a.token(), &secrets())),
            "{shown}"
        );
    }

    #[test]
    fn a_cookie_read_back_keeps_its_token_and_its_hash() {
        let fresh = CsrfToken::generate(&secrets());
        let read = CsrfToken::from_cookie_or_generate(Some(&fresh.cookie_value()), &secrets());
        assert!(!read.is_new);
        assert_eq!(read.token(), fresh.token());
        assert_eq!(read.cookie_value(), fresh.cookie_value());
        // Another secret list does not verify it.
        assert!(CsrfToken::from_cookie(&fresh.cookie_value(), &["other".into()]).is_none());
        assert!(CsrfToken::from_cookie_or_generate(None, &secrets()).is_new);
    }
}
