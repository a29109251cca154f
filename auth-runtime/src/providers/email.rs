//! Email (magic-link) providers: the address normalisation, the token, and the sender
//! that delivers the sign-in link.

use std::sync::Arc;

use time::OffsetDateTime;
use unicode_normalization::UnicodeNormalization;

use crate::callbacks::{BoxError, BoxFuture};

/// What a sender delivers: the sign-in link for one address. `Debug` hides the link and the
/// token (whoever has them signs in).
#[derive(Clone)]
pub struct VerificationRequest {
    /// The normalised address.
    pub identifier: String,
    /// The sign-in link: `<origin><base>/callback/<id>?callbackUrl=..&token=..&email=..`.
    pub url: String,
    /// The raw token (only its hash is stored).
    pub token: String,
    /// When the link stops working.
    pub expires: OffsetDateTime,
    /// The provider's id.
    pub provider: String,
    /// The sender address (`from`).
    pub from: String,
    /// The site's host, for the subject line.
    pub host: String,
}

impl std::fmt::Debug for VerificationRequest {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("VerificationRequest")
            .field("identifier", &self.identifier)
            .field("url", &"<redacted>")
            .field("token", &"<redacted>")
            .field("expires", &self.expires)
            .field("provider", &self.provider)
            .finish()
    }
}

/// Delivers sign-in links (Auth.js's `sendVerificationRequest`).
pub trait EmailSender: Send + Sync {
    /// Sends the link; an error fails the sign-in with `EmailSignInError`.
    fn send<'a>(&'a self, request: &'a VerificationRequest) -> BoxFuture<'a, Result<(), BoxError>>;
}

/// Prints each sign-in link on standard output, one line: for development without a mail server.
#[derive(Debug, Clone, Copy, Default)]
pub struct StdoutSender;

impl EmailSender for StdoutSender {
    fn send<'a>(&'a self, request: &'a VerificationRequest) -> BoxFuture<'a, Result<(), BoxError>> {
        use std::io::Write as _;
        // A closed standard output fails the sign-in instead of panicking.
        let written = writeln!(
            std::io::stdout().lock(),
            "auth: sign-in link for {}: {}",
            request.identifier,
            request.url
        )
        .map_err(|e| BoxError::from(format!("cannot print the sign-in link: {e}")));
        Box::pin(std::future::ready(written))
    }
}

/// The subject of the default message: `Sign in to <host>`.
pub fn default_subject(request: &VerificationRequest) -> String {
    format!("Sign in to {}", request.host)
}

/// The plain-text part of the default message, as Auth.js writes it.
pub fn default_text(request: &VerificationRequest) -> String {
    format!("Sign in to {}\n{}\n\n", request.host, request.url)
}

/// The HTML part of the default message, themed like Auth.js's: the host (its dots broken with a
/// zero-width space so mail clients do not turn it into a link), a button in `brand_color`.
pub fn default_html(request: &VerificationRequest, brand_color: &str) -> String {
    let escape = crate::html::escape;
    let host = escape(&request.host).replace('.', "&#8203;.");
    let brand = escape(brand_color);
    let url = escape(&request.url);
    format!(
        r#"<!DOCTYPE html><html><body style="margin:0;padding:24px;background:#f4f4f5;font-family:Helvetica,Arial,sans-serif;color:#1f2937"><div style="max-width:560px;margin:0 auto;background:#ffffff;border-radius:8px;padding:32px;text-align:center"><p style="font-size:20px;margin:0 0 24px">Sign in to <strong>{host}</strong></p><p style="margin:0 0 24px"><a href="{url}" style="display:inline-block;padding:12px 24px;border-radius:6px;background:{brand};color:#ffffff;font-weight:bold;text-decoration:none">Sign in</a></p><p style="font-size:14px;color:#6b7280;margin:0">The link works once, for a limited time. If you did not ask for it, ignore this message.</p></div></body></html>"#
    )
}

/// Auth.js's default button colour.
pub const DEFAULT_BRAND_COLOR: &str = "#346df1";

/// Turns a typed address into the identifier tokens are stored under.
pub type NormalizeIdentifier = Arc<dyn Fn(&str) -> Result<String, BoxError> + Send + Sync>;

/// An email provider.
#[derive(Clone)]
pub struct EmailProvider {
    /// Id in URLs (`email`).
    pub id: String,
    /// Display name.
    pub name: String,
    /// The sender address.
    pub from: String,
    /// How long a link works, in seconds (Auth.js: 24 hours).
    pub max_age: u64,
    /// Who delivers the link. Unset, the handler uses the SMTP server of `server` (feature
    /// `smtp`), or in a development build prints links on standard output ([`StdoutSender`]).
    pub sender: Option<Arc<dyn EmailSender>>,
    /// The SMTP server's URL (Auth.js's `server`; `AUTH_<ID>_SERVER`), used when no sender is
    /// set.
    pub server: Option<String>,
    /// The API key of an HTTP-API sender (`resend`, `sendgrid`, `postmark`, `mailgun`,
    /// `forwardemail`, `loops`; `AUTH_<ID>_KEY`). `Debug` never shows it.
    pub api_key: Option<String>,
    /// Another origin for that API (a region, a proxy, a test server).
    pub api_base_url: Option<String>,
    /// Loops: the transactional template's id (`AUTH_LOOPS_TRANSACTIONAL_ID`).
    pub transactional_id: Option<String>,
    /// Replaces [`normalize_identifier`].
    pub normalize_identifier: Option<NormalizeIdentifier>,
    /// Replaces the default token (32 random bytes, hex).
    pub generate_verification_token: Option<Arc<dyn Fn() -> String + Send + Sync>>,
}

impl std::fmt::Debug for EmailProvider {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("EmailProvider")
            .field("id", &self.id)
            .field("name", &self.name)
            .field("from", &self.from)
            .field("max_age", &self.max_age)
            .field("sender", &self.sender.is_some())
            .finish_non_exhaustive()
    }
}

/// Auth.js's default sender address.
pub const DEFAULT_FROM: &str = "Auth.js <no-reply@authjs.dev>";
/// Auth.js's default link lifetime: 24 hours.
pub const DEFAULT_MAX_AGE: u64 = 24 * 60 * 60;

impl EmailProvider {
    /// A provider with Auth.js's defaults (`from`, 24 hours) and no sender yet: the handler gives
    /// it the SMTP server of `AUTH_<ID>_SERVER`, or in a development build prints each link on
    /// standard output; a release build without either refuses to start.
    pub fn new(id: impl Into<String>, name: impl Into<String>) -> Self {
        Self {
            id: id.into(),
            name: name.into(),
            from: DEFAULT_FROM.to_owned(),
            max_age: DEFAULT_MAX_AGE,
            sender: None,
            server: None,
            api_key: None,
            api_base_url: None,
            transactional_id: None,
            normalize_identifier: None,
            generate_verification_token: None,
        }
    }

    /// Sets the sender.
    pub fn sender(mut self, sender: impl EmailSender + 'static) -> Self {
        self.sender = Some(Arc::new(sender));
        self
    }

    /// Sets the SMTP server (`smtps://user:pass@host`), used when no sender is set.
    pub fn server(mut self, url: impl Into<String>) -> Self {
        self.server = Some(url.into());
        self
    }

    /// Sets the API key of an HTTP-API sender.
    pub fn api_key(mut self, key: impl Into<String>) -> Self {
        self.api_key = Some(key.into());
        self
    }

    /// Sets the origin of an HTTP-API sender's API.
    pub fn api_base_url(mut self, url: impl Into<String>) -> Self {
        self.api_base_url = Some(url.into());
        self
    }

    /// Sets Loops' transactional template id.
    pub fn transactional_id(mut self, id: impl Into<String>) -> Self {
        self.transactional_id = Some(id.into());
        self
    }

    /// Sets the sender address.
    pub fn from(mut self, from: impl Into<String>) -> Self {
        self.from = from.into();
        self
    }

    /// Sets how long a link works, in seconds.
    pub fn max_age(mut self, seconds: u64) -> Self {
        self.max_age = seconds;
        self
    }

    /// Replaces the address normalisation (next-auth's `normalizeIdentifier`).
    pub fn normalize_identifier(
        mut self,
        f: impl Fn(&str) -> Result<String, BoxError> + Send + Sync + 'static,
    ) -> Self {
        self.normalize_identifier = Some(Arc::new(f));
        self
    }

    /// Replaces the token generator (next-auth's `generateVerificationToken`).
    pub fn generate_verification_token(
        mut self,
        f: impl Fn() -> String + Send + Sync + 'static,
    ) -> Self {
        self.generate_verification_token = Some(Arc::new(f));
        self
    }

    /// The identifier of `raw`: the provider's normalisation, else [`normalize_identifier`].
    pub fn identifier(&self, raw: &str) -> Result<String, BoxError> {
        match &self.normalize_identifier {
            Some(f) => f(raw),
            None => normalize_identifier(raw).map_err(Into::into),
        }
    }
}

/// Auth.js's default normalisation: Unicode NFKC, lowercase, trimmed; no `"`; exactly one `@`
/// between a non-empty local part and domain; the domain cut at its first `,`. The domain must
/// also be a name IDNA can write in ASCII (punycode); it is kept as typed, as Auth.js keeps it,
/// so a Next.js app sharing the database stores the same identifier.
pub fn normalize_identifier(raw: &str) -> Result<String, &'static str> {
    let text: String = raw.nfkc().collect::<String>().to_lowercase();
    let text = text.trim();
    if text.is_empty() {
        return Err("no email address");
    }
    if text.contains('"') {
        return Err("an email address cannot contain a quote");
    }
    let mut parts = text.split('@');
    let (Some(local), Some(domain), None) = (parts.next(), parts.next(), parts.next()) else {
        return Err("an email address has exactly one @");
    };
    let domain = domain.split(',').next().unwrap_or_default();
    if local.is_empty() || domain.is_empty() {
        return Err("an email address needs a name and a domain");
    }
    match url::Host::parse(domain) {
        Ok(url::Host::Domain(ascii)) if ascii.contains('.') || ascii == "localhost" => {}
        _ => return Err("the domain of the email address is not a domain name"),
    }
    Ok(format!("{local}@{domain}"))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn addresses_are_normalised_as_authjs_does() {
        for (raw, expected) in [
            ("  Ada@Example.COM ", "ada@example.com"),
            ("ada@example.com,evil.com", "ada@example.com"),
            ("ＡＤＡ@ｅｘａｍｐｌｅ.com", "ada@example.com"),
            ("zoë@例え.jp", "zoë@例え.jp"),
            ("a+tag@sub.example.org", "a+tag@sub.example.org"),
        ] {
            assert_eq!(normalize_identifier(raw).as_deref(), Ok(expected), "{raw}");
        }
    }

    #[test]
    fn malformed_addresses_are_refused() {
        for raw in [
            "",
            "   ",
            "ada",
            "ada@",
            "@example.com",
            "a@b@example.com",
            "\"ada\"@example.com",
            "ada@exa mple.com",
            "ada@[127.0.0.1]",
            "ada@nodot",
        ] {
            assert!(normalize_identifier(raw).is_err(), "{raw:?} was accepted");
        }
    }

    #[test]
    fn defaults_are_authjs_and_debug_hides_the_api_key() {
        let provider = EmailProvider::new("resend", "Resend").api_key("re_secret_key");
        assert_eq!(provider.max_age, 86_400, "24 hours");
        assert_eq!(provider.from, "Auth.js <no-reply@authjs.dev>");
        let shown = format!("{provider:?}");
        assert!(
            shown.contains("resend") && shown.contains("86400"),
            "{shown}"
        );
        assert!(!shown.contains("re_secret_key"), "{shown}");
    }

    #[test]
    fn debug_hides_the_link() {
        let request = VerificationRequest {
            identifier: "ada@example.com".into(),
            url: "http://app.test/auth/callback/email?token=secret-token".into(),
            token: "secret-token".into(),
            expires: OffsetDateTime::UNIX_EPOCH,
            provider: "email".into(),
            from: DEFAULT_FROM.into(),
            host: "app.test".into(),
        };
        let shown = format!("{request:?}");
        assert!(!shown.contains("secret-token"), "{shown}");
        assert!(
            shown.contains("ada@example.com") && shown.contains("<redacted>"),
            "{shown}"
        );
    }
}
