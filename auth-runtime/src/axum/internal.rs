//! What the layer learns about a request, read once and shared with the extractors and the
//! server-side actions through the request extensions.

use std::sync::Arc;

use http::header::{self, HeaderMap, HeaderValue};
use http::request::Parts;

use crate::config::AuthConfig;
use crate::cookies::is_session_chunk;
use crate::engine::request::{request_cookies, request_origin};
use crate::engine::{AuthHandler, Prepared, server};
use crate::error::AuthError;
use crate::types::Session;

/// What the layer resolved for one request; the extractors read it from the extensions.
#[derive(Clone)]
pub(crate) struct RequestAuth {
    pub(crate) handler: AuthHandler,
    pub(crate) config: Arc<AuthConfig>,
    /// The prepared configuration; the reason when a lazy configuration failed its checks.
    pub(crate) prepared: Result<Arc<Prepared>, Arc<AuthError>>,
    /// `scheme://host[:port]`, when the request has a usable host.
    pub(crate) origin: Option<String>,
    /// The session, read once by the layer.
    pub(crate) session: Option<Session>,
}

impl RequestAuth {
    /// The layer's view of a request: the configuration for it (built now for a lazy
    /// configuration), no session read yet.
    pub(crate) async fn new(handler: &AuthHandler, parts: &Parts) -> Self {
        let (config, prepared) = match handler.prepare(parts).await {
            Ok(p) => (p.config.clone(), Ok(p)),
            Err(invalid) => (invalid.config, Err(Arc::new(invalid.error))),
        };
        let origin = request_origin(&config, parts).ok();
        Self {
            handler: handler.clone(),
            config,
            prepared,
            origin,
            session: None,
        }
    }

    /// The prepared configuration, or why there is none.
    pub(crate) fn prepared(&self) -> Result<&Prepared, AuthError> {
        self.prepared.as_deref().map_err(|e| {
            let copy = AuthError::new(e.error_type(), e.message());
            match e.reason() {
                Some(reason) => copy.with_reason(reason),
                None => copy,
            }
        })
    }

    /// When the request carries a session cookie, reads the session (the engine's one session
    /// read) and returns the `Set-Cookie`s that slide it. A failure is logged and reads as
    /// signed out.
    pub(crate) async fn load_session(&mut self, parts: &Parts) -> Vec<HeaderValue> {
        if !self.has_session_cookie(&parts.headers) {
            return Vec::new();
        }
        let Ok(prepared) = &self.prepared else {
            return Vec::new();
        };
        match server::auth(prepared, parts).await {
            Ok(outcome) => {
                let cookies = outcome.set_cookie_headers().collect();
                self.session = outcome.into_value();
                cookies
            }
            Err(err) => {
                self.config.logger.error(&err);
                Vec::new()
            }
        }
    }

    /// The session cookie's name for this request.
    fn session_cookie_name(&self) -> Option<&str> {
        let prepared = self.prepared.as_ref().ok()?;
        let origin = self.origin.as_deref().unwrap_or("");
        Some(&prepared.cookies(origin).session_token.name)
    }

    fn has_session_cookie(&self, headers: &HeaderMap) -> bool {
        let Some(name) = self.session_cookie_name() else {
            return false;
        };
        request_cookies(headers)
            .iter()
            .any(|(n, v)| !v.is_empty() && is_session_chunk(name, n))
    }

    /// Whether a response writes the session cookie (or one of its chunks) itself.
    pub(crate) fn writes_session_cookie(&self, headers: &HeaderMap) -> bool {
        let Some(name) = self.session_cookie_name() else {
            return false;
        };
        headers.get_all(header::SET_COOKIE).iter().any(|v| {
            v.to_str()
                .ok()
                .and_then(|s| s.split_once('='))
                .is_some_and(|(n, _)| is_session_chunk(name, n.trim()))
        })
    }

    /// The base path in force.
    pub(crate) fn base_path(&self) -> String {
        match &self.prepared {
            Ok(p) => p.base_path.clone(),
            Err(_) => self.config.resolved_base_path(),
        }
    }

    /// `<origin><path and query>` of the request: the URL to come back to after signing in.
    pub(crate) fn request_url(&self, parts: &Parts) -> String {
        let path = original_uri(parts)
            .path_and_query()
            .map(|p| p.as_str())
            .unwrap_or("/");
        format!("{}{path}", self.origin.as_deref().unwrap_or(""))
    }

    /// The sign-in page (custom or built-in) with `callbackUrl` set to `callback_url`.
    pub(crate) fn sign_in_url(&self, callback_url: &str) -> String {
        server::sign_in_page(
            &self.config,
            &self.base_path(),
            self.origin.as_deref().unwrap_or(""),
            callback_url,
        )
    }
}

/// The request's URI as the client sent it: inside a nested router axum strips the prefix from
/// `parts.uri` and keeps the original in an extension.
pub(crate) fn original_uri(parts: &Parts) -> &http::Uri {
    parts
        .extensions
        .get::<axum::extract::OriginalUri>()
        .map_or(&parts.uri, |original| &original.0)
}
