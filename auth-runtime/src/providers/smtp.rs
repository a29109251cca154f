//! Sign-in links through an SMTP server (feature `smtp`): lettre on rustls, configured by a URL
//! as Auth.js's email provider is by its `server` setting.

use lettre::message::header::{ContentTransferEncoding, ContentType};
use lettre::message::{Mailbox, MultiPart, SinglePart};
use lettre::{AsyncSmtpTransport, AsyncTransport, Message, Tokio1Executor};

use super::email::{
    DEFAULT_BRAND_COLOR, EmailSender, VerificationRequest, default_html, default_subject,
    default_text,
};
use crate::callbacks::{BoxError, BoxFuture};

/// Sends the default message (HTML and plain text) through an SMTP server.
#[derive(Clone)]
pub struct SmtpSender {
    transport: AsyncSmtpTransport<Tokio1Executor>,
    brand_color: String,
}

impl std::fmt::Debug for SmtpSender {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("SmtpSender").finish_non_exhaustive()
    }
}

/// Whether `host` is this machine.
fn loopback(host: &str) -> bool {
    host == "localhost"
        || host
            .trim_matches(['[', ']'])
            .parse::<std::net::IpAddr>()
            .is_ok_and(|ip| ip.is_loopback())
}

impl SmtpSender {
    /// A sender for the server at `url`: `smtps://user:pass@host:465` (TLS),
    /// `smtp://user:pass@host:587?tls=required` (STARTTLS), or `smtp://host:port` (plain, for a
    /// relay on this machine). A password is never sent in clear to another machine: plain
    /// `smtp://` with credentials is refused unless the host is loopback.
    pub fn from_url(url: &str) -> Result<Self, BoxError> {
        let parsed = url::Url::parse(url).map_err(|_| "the SMTP server setting is not a URL")?;
        let plain = parsed.scheme() == "smtp"
            && !parsed
                .query_pairs()
                .any(|(k, v)| k == "tls" && (v == "required" || v == "opportunistic"));
        let host = parsed.host_str().unwrap_or_default();
        if plain && parsed.password().is_some() && !loopback(host) {
            return Err(
                "a plain smtp:// server would get the password in clear: use smtps:// or ?tls=required"
                    .into(),
            );
        }
        let transport = AsyncSmtpTransport::<Tokio1Executor>::from_url(url)
            .map_err(|e| format!("the SMTP server setting is not usable: {e}"))?
            .build();
        Ok(Self {
            transport,
            brand_color: DEFAULT_BRAND_COLOR.to_owned(),
        })
    }

    /// The button colour of the message (the theme's `brandColor`).
    pub fn brand_color(mut self, color: impl Into<String>) -> Self {
        self.brand_color = color.into();
        self
    }

    fn message(&self, request: &VerificationRequest) -> Result<Message, BoxError> {
        let from: Mailbox = request
            .from
            .parse()
            .map_err(|_| "the provider's `from` is not an address")?;
        let to: Mailbox = request
            .identifier
            .parse()
            .map_err(|_| "the identifier is not an address")?;
        let part = |kind: ContentType, body: String| {
            SinglePart::builder()
                .header(kind)
                .header(ContentTransferEncoding::QuotedPrintable)
                .body(body)
        };
        Ok(Message::builder()
            .from(from)
            .to(to)
            .subject(default_subject(request))
            .multipart(
                MultiPart::alternative()
                    .singlepart(part(ContentType::TEXT_PLAIN, default_text(request)))
                    .singlepart(part(
                        ContentType::TEXT_HTML,
                        default_html(request, &self.brand_color),
                    )),
            )?)
    }
}

impl EmailSender for SmtpSender {
    fn send<'a>(&'a self, request: &'a VerificationRequest) -> BoxFuture<'a, Result<(), BoxError>> {
        Box::pin(async move {
            let message = self.message(request)?;
            self.transport
                .send(message)
                .await
                .map_err(|e| format!("the SMTP server refused the message: {e}"))?;
            Ok(())
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_password_never_goes_in_clear_to_another_machine() {
        assert!(SmtpSender::from_url("smtp://user:pw@mail.example.com:25").is_err());
        assert!(SmtpSender::from_url("smtp://user:pw@127.0.0.1:2525").is_ok());
        assert!(SmtpSender::from_url("smtp://user:pw@mail.example.com:587?tls=required").is_ok());
        assert!(SmtpSender::from_url("smtps://user:pw@mail.example.com").is_ok());
        assert!(SmtpSender::from_url("smtp://mail.example.com:25").is_ok());
        assert!(SmtpSender::from_url("not a url").is_err());
        assert!(SmtpSender::from_url("http://mail.example.com").is_err());
    }
}
