//! Passkey (WebAuthn) providers: Auth.js's `webauthn` and `passkey` ids. The ceremonies run in
//! the engine (feature `webauthn`, through `webauthn-rs`); this is what a deployment configures.

use std::time::Duration;

/// The relying party a passkey is bound to. By default it is the request's origin: `id` its
/// host name, `name` its host, `origin` the origin itself (Auth.js's defaults).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RelyingParty {
    /// The RP id: a registrable domain the origin belongs to (`example.com`).
    pub id: String,
    /// The name authenticators show.
    pub name: String,
    /// The origin the browser reports in `clientDataJSON` (`https://app.example.com`).
    pub origin: String,
}

/// A passkey provider.
///
/// ```
/// use auth_runtime::providers::{RelyingParty, WebAuthnProvider};
///
/// let passkey = WebAuthnProvider::passkey().relying_party(RelyingParty {
///     id: "example.com".into(),
///     name: "Example".into(),
///     origin: "https://app.example.com".into(),
/// });
/// assert_eq!(passkey.id, "passkey");
/// assert!(passkey.require_resident_key);
/// ```
#[derive(Debug, Clone)]
#[non_exhaustive]
pub struct WebAuthnProvider {
    /// Provider id in URLs: `passkey` or `webauthn`.
    pub id: String,
    /// Display name ("Sign in with Passkey").
    pub name: String,
    /// Asks for a discoverable credential (a passkey the authenticator keeps with the user's
    /// name), so the user can sign in without typing an address. On for `passkey`.
    pub require_resident_key: bool,
    /// The relying party; `None` derives it from each request's origin.
    pub relying_party: Option<RelyingParty>,
    /// How long the browser waits for the authenticator (Auth.js: 5 minutes).
    pub timeout: Duration,
    /// Offers stored passkeys in the email field's autofill (conditional mediation) on the
    /// built-in sign-in page.
    pub enable_conditional_ui: bool,
}

impl WebAuthnProvider {
    /// A provider with Auth.js's defaults for its kind.
    pub fn new(id: impl Into<String>, name: impl Into<String>) -> Self {
        Self {
            id: id.into(),
            name: name.into(),
            require_resident_key: false,
            relying_party: None,
            timeout: Duration::from_secs(300),
            enable_conditional_ui: true,
        }
    }

    /// Auth.js's `Passkey` provider: id `passkey`, resident keys required.
    pub fn passkey() -> Self {
        Self {
            require_resident_key: true,
            ..Self::new("passkey", "Passkey")
        }
    }

    /// Auth.js's `WebAuthn` provider: id `webauthn`.
    pub fn webauthn() -> Self {
        Self::new("webauthn", "WebAuthn")
    }

    /// Sets the relying party (default: the request's origin).
    pub fn relying_party(mut self, relying_party: RelyingParty) -> Self {
        self.relying_party = Some(relying_party);
        self
    }

    /// Sets the display name.
    pub fn name(mut self, name: impl Into<String>) -> Self {
        self.name = name.into();
        self
    }

    /// Sets the authenticator timeout.
    pub fn timeout(mut self, timeout: Duration) -> Self {
        self.timeout = timeout;
        self
    }

    /// Turns the autofill offer (conditional UI) on or off.
    pub fn conditional_ui(mut self, enable: bool) -> Self {
        self.enable_conditional_ui = enable;
        self
    }

    /// The relying party for a request from `origin`.
    pub fn relying_party_for(&self, origin: &str) -> Option<RelyingParty> {
        if let Some(rp) = &self.relying_party {
            return Some(rp.clone());
        }
        let url = url::Url::parse(origin).ok()?;
        let host = url.host_str()?.to_owned();
        let name = match url.port() {
            Some(port) => format!("{host}:{port}"),
            None => host.clone(),
        };
        Some(RelyingParty {
            id: host,
            name,
            origin: url.origin().ascii_serialization(),
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_relying_party_defaults_to_the_request_origin() {
        let rp = WebAuthnProvider::passkey()
            .relying_party_for("http://localhost:3000")
            .unwrap();
        assert_eq!(
            rp,
            RelyingParty {
                id: "localhost".into(),
                name: "localhost:3000".into(),
                origin: "http://localhost:3000".into(),
            }
        );
        let rp = WebAuthnProvider::webauthn()
            .relying_party_for("https://app.example.com")
            .unwrap();
        assert_eq!(
            (rp.id.as_str(), rp.name.as_str()),
            ("app.example.com", "app.example.com")
        );
        assert!(
            WebAuthnProvider::webauthn()
                .relying_party_for("not a url")
                .is_none()
        );
    }

    #[test]
    fn passkey_requires_resident_keys_and_webauthn_does_not() {
        assert!(WebAuthnProvider::passkey().require_resident_key);
        assert!(!WebAuthnProvider::webauthn().require_resident_key);
        assert_eq!(
            WebAuthnProvider::passkey().timeout,
            Duration::from_secs(300)
        );
    }
}
