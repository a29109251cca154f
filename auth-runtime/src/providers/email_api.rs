//! The HTTP-API senders of Auth.js's email catalogue: Resend, SendGrid, Postmark, Mailgun,
//! Forward Email and Loops. Each posts the default message (or, for Loops, the link to a
//! transactional template) to its service's API with `AUTH_<ID>_KEY`; the base URL can be
//! changed (a regional endpoint, a proxy, a test server).

use std::sync::Arc;

use base64::Engine as _;
use serde_json::json;

use super::email::{
    DEFAULT_BRAND_COLOR, EmailSender, VerificationRequest, default_html, default_subject,
    default_text,
};
use crate::callbacks::{BoxError, BoxFuture};
use crate::http_client::{HttpClient, HttpRequest};

/// Which service, with what it needs beyond the key.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum EmailApi {
    /// `resend`: `POST /emails`, bearer key, JSON.
    Resend,
    /// `sendgrid`: `POST /v3/mail/send`, bearer key, JSON.
    SendGrid,
    /// `postmark`: `POST /email`, `X-Postmark-Server-Token`, JSON.
    Postmark,
    /// `mailgun`: `POST /v3/<domain of from>/messages`, basic `api:<key>`, a form.
    Mailgun,
    /// `forwardemail`: `POST /v1/emails`, basic `<key>:`, JSON.
    ForwardEmail,
    /// `loops`: `POST /api/v1/transactional` with the link as the template's `url` variable.
    Loops {
        /// The transactional template's id.
        transactional_id: String,
    },
}

impl EmailApi {
    /// The service of a provider id of Auth.js's catalogue; Loops without its template id.
    pub fn for_provider(id: &str) -> Option<Self> {
        Some(match id {
            "resend" => Self::Resend,
            "sendgrid" => Self::SendGrid,
            "postmark" => Self::Postmark,
            "mailgun" => Self::Mailgun,
            "forwardemail" => Self::ForwardEmail,
            "loops" => Self::Loops {
                transactional_id: String::new(),
            },
            _ => return None,
        })
    }

    /// The service's public API origin.
    pub fn default_base_url(&self) -> &'static str {
        match self {
            Self::Resend => "https://api.resend.com",
            Self::SendGrid => "https://api.sendgrid.com",
            Self::Postmark => "https://api.postmarkapp.com",
            Self::Mailgun => "https://api.mailgun.net",
            Self::ForwardEmail => "https://api.forwardemail.net",
            Self::Loops { .. } => "https://app.loops.so",
        }
    }

    fn name(&self) -> &'static str {
        match self {
            Self::Resend => "Resend",
            Self::SendGrid => "SendGrid",
            Self::Postmark => "Postmark",
            Self::Mailgun => "Mailgun",
            Self::ForwardEmail => "Forward Email",
            Self::Loops { .. } => "Loops",
        }
    }
}

/// Sends sign-in links through an email service's HTTP API.
#[derive(Clone)]
pub struct ApiSender {
    api: EmailApi,
    key: String,
    base_url: String,
    http: Arc<dyn HttpClient>,
    brand_color: String,
}

impl std::fmt::Debug for ApiSender {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("ApiSender")
            .field("api", &self.api)
            .field("key", &"<redacted>")
            .field("base_url", &self.base_url)
            .finish_non_exhaustive()
    }
}

fn basic(credentials: &str) -> String {
    format!(
        "Basic {}",
        base64::engine::general_purpose::STANDARD.encode(credentials)
    )
}

impl ApiSender {
    /// A sender for `api` with its key, through `http`, at the service's public address.
    pub fn new(api: EmailApi, key: impl Into<String>, http: Arc<dyn HttpClient>) -> Self {
        Self {
            base_url: api.default_base_url().to_owned(),
            api,
            key: key.into(),
            http,
            brand_color: DEFAULT_BRAND_COLOR.to_owned(),
        }
    }

    /// Another origin for the API (`https://api.eu.mailgun.net`, a test server).
    pub fn base_url(mut self, url: impl Into<String>) -> Self {
        self.base_url = url.into().trim_end_matches('/').to_owned();
        self
    }

    /// The button colour of the message.
    pub fn brand_color(mut self, color: impl Into<String>) -> Self {
        self.brand_color = color.into();
        self
    }

    /// The request the service's API expects for `request`.
    pub fn request(&self, request: &VerificationRequest) -> Result<HttpRequest, BoxError> {
        let (subject, text) = (default_subject(request), default_text(request));
        let html = default_html(request, &self.brand_color);
        let to = &request.identifier;
        let from = &request.from;
        let json_body = |value: serde_json::Value| value.to_string().into_bytes();
        let (path, auth, content_type, body): (String, (&str, String), &str, Vec<u8>) =
            match &self.api {
                EmailApi::Resend => (
                    "/emails".into(),
                    ("authorization", format!("Bearer {}", self.key)),
                    "application/json",
                    json_body(json!({
                        "from": from, "to": to, "subject": subject, "html": html, "text": text,
                    })),
                ),
                EmailApi::SendGrid => (
                    "/v3/mail/send".into(),
                    ("authorization", format!("Bearer {}", self.key)),
                    "application/json",
                    json_body(json!({
                        "personalizations": [{"to": [{"email": to}]}],
                        "from": {"email": from},
                        "subject": subject,
                        "content": [
                            {"type": "text/plain", "value": text},
                            {"type": "text/html", "value": html},
                        ],
                    })),
                ),
                EmailApi::Postmark => (
                    "/email".into(),
                    ("x-postmark-server-token", self.key.clone()),
                    "application/json",
                    json_body(json!({
                        "From": from, "To": to, "Subject": subject, "TextBody": text,
                        "HtmlBody": html, "MessageStream": "outbound",
                    })),
                ),
                EmailApi::Mailgun => {
                    let domain = from
                        .rsplit('@')
                        .next()
                        .filter(|_| from.contains('@'))
                        .map(|d| d.trim_end_matches('>'))
                        .ok_or("Mailgun needs a `from` address with a domain")?;
                    let form = form_urlencoded::Serializer::new(String::new())
                        .append_pair("from", from)
                        .append_pair("to", to)
                        .append_pair("subject", &subject)
                        .append_pair("html", &html)
                        .append_pair("text", &text)
                        .finish();
                    (
                        format!("/v3/{domain}/messages"),
                        ("authorization", basic(&format!("api:{}", self.key))),
                        "application/x-www-form-urlencoded",
                        form.into_bytes(),
                    )
                }
                EmailApi::ForwardEmail => (
                    "/v1/emails".into(),
                    ("authorization", basic(&format!("{}:", self.key))),
                    "application/json",
                    json_body(json!({
                        "from": from, "to": to, "subject": subject, "html": html, "text": text,
                    })),
                ),
                EmailApi::Loops { transactional_id } => {
                    if transactional_id.is_empty() {
                        return Err("Loops needs the transactional template's id".into());
                    }
                    (
                        "/api/v1/transactional".into(),
                        ("authorization", format!("Bearer {}", self.key)),
                        "application/json",
                        json_body(json!({
                            "transactionalId": transactional_id,
                            "email": to,
                            "dataVariables": {"url": request.url},
                        })),
                    )
                }
            };
        Ok(http::Request::builder()
            .method("POST")
            .uri(format!("{}{path}", self.base_url))
            .header(auth.0, auth.1)
            .header("content-type", content_type)
            .header("accept", "application/json")
            .body(body)?)
    }
}

impl EmailSender for ApiSender {
    fn send<'a>(&'a self, request: &'a VerificationRequest) -> BoxFuture<'a, Result<(), BoxError>> {
        Box::pin(async move {
            let http_request = self.request(request)?;
            let response = self.http.send(http_request).await?;
            if !response.status().is_success() {
                return Err(format!(
                    "{} answered {}",
                    self.api.name(),
                    response.status().as_u16()
                )
                .into());
            }
            Ok(())
        })
    }
}
