//! A browser that talks to an [`AuthHandler`] in process: a cookie jar, forms and JSON posts,
//! and a logger that keeps every error the engine reports, so a test can say which check refused
//! a request and not only that one did.

use std::collections::BTreeMap;
use std::sync::{Arc, Mutex};

use crate::config::{AuthConfig, Logger};
use crate::engine::AuthHandler;
use crate::error::{AuthError, ErrorType, Reason};
use bytes::Bytes;
use serde_json::Value;

/// One error the engine logged.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Logged {
    /// Its type.
    pub error_type: ErrorType,
    /// The check that failed, if named.
    pub reason: Option<Reason>,
    /// The log message.
    pub message: String,
}

/// A logger that keeps what it is given.
#[derive(Debug, Clone, Default)]
pub struct Capture(
    Arc<Mutex<Vec<Logged>>>,
    Arc<Mutex<Vec<String>>>,
    Arc<Mutex<Vec<(String, String)>>>,
);

impl Logger for Capture {
    fn error(&self, error: &AuthError) {
        self.0
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
            .push(Logged {
                error_type: error.error_type(),
                reason: error.reason(),
                message: error.message().to_owned(),
            });
    }
    fn warn(&self, code: &str) {
        self.1
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
            .push(code.to_owned());
    }
    fn debug(&self, code: &str, message: &str) {
        self.2
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
            .push((code.to_owned(), message.to_owned()));
    }
}

impl Capture {
    /// Everything logged so far, and forgets it.
    pub fn take(&self) -> Vec<Logged> {
        std::mem::take(
            &mut *self
                .0
                .lock()
                .unwrap_or_else(std::sync::PoisonError::into_inner),
        )
    }

    /// The warning codes logged so far.
    #[allow(dead_code)]
    pub fn warnings(&self) -> Vec<String> {
        self.1
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
            .clone()
    }

    /// The debug lines (`code`, message) logged so far (with `debug` on).
    pub fn debugs(&self) -> Vec<(String, String)> {
        self.2
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
            .clone()
    }

    /// The reasons logged so far (forgotten afterwards).
    pub fn reasons(&self) -> Vec<Reason> {
        self.take().into_iter().filter_map(|l| l.reason).collect()
    }
}

/// A response, read.
#[derive(Debug, Clone)]
pub struct Reply {
    /// Status code.
    pub status: u16,
    /// Headers.
    pub headers: http::HeaderMap,
    /// Body.
    pub body: Bytes,
}

impl Reply {
    /// The `Location` header, or "".
    pub fn location(&self) -> String {
        self.headers
            .get("location")
            .map(|v| v.to_str().unwrap_or_default().to_owned())
            .unwrap_or_default()
    }

    /// The body as JSON.
    pub fn json(&self) -> Value {
        serde_json::from_slice(&self.body).expect("the response body is JSON")
    }

    /// The body as text.
    pub fn text(&self) -> String {
        String::from_utf8_lossy(&self.body).into_owned()
    }

    /// Every `Set-Cookie` line.
    pub fn set_cookies(&self) -> Vec<String> {
        self.headers
            .get_all("set-cookie")
            .iter()
            .map(|v| v.to_str().unwrap_or_default().to_owned())
            .collect()
    }

    /// Whether a cookie of this name is set (not deleted) by the response.
    pub fn sets(&self, name: &str) -> bool {
        self.set_cookies().iter().any(|c| {
            c.starts_with(&format!("{name}=")) && !c.contains("Max-Age=0") && !c.contains("=;")
        })
    }
}

/// The app under test with a browser in front of it.
pub struct Browser {
    /// The engine.
    pub handler: AuthHandler,
    /// `scheme://host[:port]` the browser believes it talks to.
    pub origin: String,
    /// Cookies by name.
    pub jar: BTreeMap<String, String>,
    /// Extra headers sent with every request.
    pub headers: Vec<(String, String)>,
    /// What the engine logged.
    pub log: Capture,
    /// The routes' base path (`/auth` unless configured), for the helpers.
    pub base_path: String,
}

impl Browser {
    /// A browser for `config` at `origin` (the configuration's logger is replaced by a capture).
    pub fn new(mut config: AuthConfig, origin: &str) -> Self {
        let log = Capture::default();
        config.logger = Arc::new(log.clone());
        let handler = AuthHandler::new(config).expect("valid configuration");
        let base_path = handler.base_path().unwrap_or_else(|| "/auth".to_owned());
        Self {
            handler,
            origin: origin.to_owned(),
            jar: BTreeMap::new(),
            headers: Vec::new(),
            log,
            base_path,
        }
    }

    fn absorb(&mut self, reply: &Reply) {
        for line in reply.set_cookies() {
            let pair = line.split(';').next().unwrap_or_default();
            let Some((name, value)) = pair.split_once('=') else {
                continue;
            };
            if line.contains("Max-Age=0") || value.is_empty() {
                self.jar.remove(name);
            } else {
                self.jar.insert(name.to_owned(), value.to_owned());
            }
        }
    }

    /// Another visitor of the same app: the same handler and log, an empty jar.
    pub fn another(&self) -> Self {
        Self {
            handler: self.handler.clone(),
            origin: self.origin.clone(),
            jar: BTreeMap::new(),
            headers: Vec::new(),
            log: self.log.clone(),
            base_path: self.base_path.clone(),
        }
    }

    /// The `Cookie` header the jar sends.
    pub fn cookie_header(&self) -> String {
        self.jar
            .iter()
            .map(|(k, v)| format!("{k}={v}"))
            .collect::<Vec<_>>()
            .join("; ")
    }

    /// Puts the cookies of a `Cookie` header (`a=1; b=2`) in the jar, as from
    /// [`jwt_session_cookie`](super::jwt_session_cookie).
    pub fn set_cookie_header(&mut self, header: &str) {
        for pair in header.split(';') {
            if let Some((name, value)) = pair.trim().split_once('=') {
                self.jar.insert(name.to_owned(), value.to_owned());
            }
        }
    }

    fn absolute(&self, url: &str) -> String {
        if url.starts_with('/') {
            format!("{}{url}", self.origin)
        } else {
            url.to_owned()
        }
    }

    /// Sends a request with the jar's cookies and keeps the cookies of the answer.
    pub async fn send(
        &mut self,
        method: &str,
        url: &str,
        content_type: Option<&str>,
        body: Vec<u8>,
    ) -> Reply {
        let url = self.absolute(url);
        let host = url::Url::parse(&url).expect("a request URL");
        let host = match host.port() {
            Some(port) => format!("{}:{port}", host.host_str().unwrap_or_default()),
            None => host.host_str().unwrap_or_default().to_owned(),
        };
        let mut builder = http::Request::builder()
            .method(method)
            .uri(&url)
            .header("host", host);
        if !self.jar.is_empty() {
            builder = builder.header("cookie", self.cookie_header());
        }
        if let Some(ct) = content_type {
            builder = builder.header("content-type", ct);
        }
        for (k, v) in &self.headers {
            builder = builder.header(k, v);
        }
        let response = self
            .handler
            .handle(
                builder
                    .body(Bytes::from(body))
                    .expect("a request the test built"),
            )
            .await;
        let (parts, body) = response.into_parts();
        let reply = Reply {
            status: parts.status.as_u16(),
            headers: parts.headers,
            body,
        };
        self.absorb(&reply);
        reply
    }

    /// GET.
    pub async fn get(&mut self, url: &str) -> Reply {
        self.send("GET", url, None, Vec::new()).await
    }

    /// POST a form.
    pub async fn post(&mut self, url: &str, form: &[(&str, &str)]) -> Reply {
        let body = form_urlencoded::Serializer::new(String::new())
            .extend_pairs(form)
            .finish();
        self.send(
            "POST",
            url,
            Some("application/x-www-form-urlencoded"),
            body.into_bytes(),
        )
        .await
    }

    /// POST JSON.
    pub async fn post_json(&mut self, url: &str, body: &Value) -> Reply {
        self.send(
            "POST",
            url,
            Some("application/json"),
            body.to_string().into_bytes(),
        )
        .await
    }

    /// `GET <base>/csrf` (`/auth` unless configured): the token (its cookie is now in the jar).
    pub async fn csrf(&mut self) -> String {
        let url = format!("{}/csrf", self.base_path);
        self.get(&url).await.json()["csrfToken"]
            .as_str()
            .expect("`GET /auth/csrf` answers a token")
            .to_owned()
    }

    /// `GET <base>/session` as JSON.
    pub async fn session(&mut self) -> Value {
        let url = format!("{}/session", self.base_path);
        self.get(&url).await.json()
    }

    /// `POST <base>/signin/<provider>` with a valid CSRF token; the reply (a redirect to the
    /// provider when all is well).
    pub async fn start_sign_in(&mut self, provider: &str) -> Reply {
        let token = self.csrf().await;
        self.post(
            &format!("{}/signin/{provider}", self.base_path),
            &[("csrfToken", &token), ("callbackUrl", "/after")],
        )
        .await
    }

    /// Signs in with a credentials provider as its form would: the CSRF token, then the fields
    /// posted to `<base>/callback/<provider>`. The reply redirects to `callbackUrl` (`/after`) on
    /// success and to the sign-in page with `error=CredentialsSignin` otherwise.
    pub async fn sign_in_with_credentials(
        &mut self,
        provider: &str,
        fields: &[(&str, &str)],
    ) -> Reply {
        let token = self.csrf().await;
        let mut form = vec![("csrfToken", token.as_str()), ("callbackUrl", "/after")];
        form.extend_from_slice(fields);
        self.post(&format!("/auth/callback/{provider}"), &form)
            .await
    }
}
