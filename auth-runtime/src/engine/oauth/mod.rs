//! OAuth 2 / OIDC sign-in (spec §7), one module per step, as Auth.js splits its actions:
//!
//! - [`discovery`]: the endpoints in force (configured or discovered) and the HTTP client;
//! - [`checks`]: `state`, PKCE and nonce, sealed in cookies;
//! - [`authorize`]: the authorization request (`POST /signin/:provider`);
//! - [`callback`]: the callback up to the profile;
//! - [`token`]: the token exchange and refresh (the `oauth2` crate).
//!
//! Provider quirks are hooks in [`crate::providers::quirks`], run only for the providers whose
//! registry entry names them.

mod authorize;
mod callback;
mod checks;
mod discovery;
pub(crate) mod token;

use serde_json::{Value, json};
use sha2::{Digest, Sha256};

use crate::types::Account;
pub use authorize::sign_in;
pub use callback::{callback, proxy_hop};
pub(crate) use discovery::client_for;

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
