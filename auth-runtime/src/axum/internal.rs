//! What the layer learns about a request, and the engine requests the integration makes on the
//! user's behalf (the session read that slides the cookie, the CSRF-protected POSTs of the
//! server-side actions).

use std::sync::Arc;

use bytes::Bytes;
use http::header::{self, HeaderMap, HeaderValue};
use http::request::Parts;

use crate::config::AuthConfig;
use crate::cookies::{Cookies, encode_uri_component, parse_cookie_header};
use crate::engine::{AuthHandler, handle_with, request::request_origin};
use crate::types::Session;

/// What the layer resolved for one request; the extractors read it from the extensions.
#[derive(Clone)]
pub(crate) struct RequestAuth {
    pub(crate) handler: AuthHandler,
    pub(crate) config: Arc<AuthConfig>,
    /// `scheme://host[:port]`, when the request has a usable host.
    pub(crate) origin: Option<String>,
    /// The session, read once by the layer.
    pub(crate) session: Option<Session>,
}

impl RequestAuth {
    /// The layer's view of a request: the configuration for it (built now for a lazy
    /// configuration), no session read yet.
    pub(crate) async fn new(handler: &AuthHandler, parts: &Parts) -> Self {
        let config = handler.config_for(parts).await;
        let origin = request_origin(&config, parts).ok();
        Self {
            handler: handler.clone(),
            config,
            origin,
            session: None,
        }
    }

    /// When the request carries a session cookie, reads the session through the engine's
    /// `GET /session` (as next-auth's middleware does) and returns the `Set-Cookie`s that slide
    /// it.
    pub(crate) async fn load_session(&mut self, parts: &Parts) -> Vec<HeaderValue> {
        if !self.has_session_cookie(&parts.headers) {
            return Vec::new();
        }
        let response = self
            .engine(
                parts,
                http::Method::GET,
                "session",
                None,
                Bytes::new(),
                None,
            )
            .await;
        if response.status().is_success() {
            self.session = serde_json::from_slice::<Option<Session>>(response.body())
                .ok()
                .flatten();
        }
        self.session_set_cookies(response.headers())
    }

    /// Cookie names and options for this request (the `__Secure-` prefix follows the origin).
    pub(crate) fn cookies(&self) -> Cookies {
        let secure = self.config.use_secure_cookies.unwrap_or_else(|| {
            self.origin
                .as_deref()
                .is_some_and(|o| o.starts_with("https://"))
        });
        let mut cookies = Cookies::defaults(secure);
        cookies.apply(&self.config.cookies);
        cookies
    }

    fn is_session_cookie(&self, name: &str, session_name: &str) -> bool {
        name == session_name
            || name
                .strip_prefix(session_name)
                .and_then(|rest| rest.strip_prefix('.'))
                .is_some_and(|n| !n.is_empty() && n.bytes().all(|b| b.is_ascii_digit()))
    }

    fn has_session_cookie(&self, headers: &HeaderMap) -> bool {
        let name = self.cookies().session_token.name;
        request_cookies(headers)
            .iter()
            .any(|(n, v)| !v.is_empty() && self.is_session_cookie(n, &name))
    }

    /// The `Set-Cookie` values of `headers` that write the session cookie (or its chunks).
    pub(crate) fn session_set_cookies(&self, headers: &HeaderMap) -> Vec<HeaderValue> {
        let name = self.cookies().session_token.name;
        headers
            .get_all(header::SET_COOKIE)
            .iter()
            .filter(|v| {
                v.to_str()
                    .ok()
                    .and_then(|s| s.split_once('='))
                    .is_some_and(|(n, _)| self.is_session_cookie(n.trim(), &name))
            })
            .cloned()
            .collect()
    }

    /// The base path in force.
    pub(crate) fn base_path(&self) -> String {
        self.config.resolved_base_path()
    }

    /// `<origin><path and query>` of the request: the URL to come back to after signing in.
    pub(crate) fn request_url(&self, parts: &Parts) -> String {
        let path = parts
            .uri
            .path_and_query()
            .map(|p| p.as_str())
            .unwrap_or("/");
        format!("{}{path}", self.origin.as_deref().unwrap_or(""))
    }

    /// The sign-in page (custom or built-in) with `callbackUrl` set to `callback_url`.
    pub(crate) fn sign_in_url(&self, callback_url: &str) -> String {
        let page = match &self.config.pages.sign_in {
            Some(page) => page.clone(),
            None => format!("{}/signin", self.base_path()),
        };
        let page = if page.starts_with('/') {
            format!("{}{page}", self.origin.as_deref().unwrap_or(""))
        } else {
            page
        };
        let sep = if page.contains('?') { '&' } else { '?' };
        format!(
            "{page}{sep}callbackUrl={}",
            encode_uri_component(callback_url)
        )
    }

    /// Runs `<method> <base>/<action>` through the engine with the headers of `parts` (host,
    /// forwarding, cookies). `cookies` replaces the request's cookies when given.
    pub(crate) async fn engine(
        &self,
        parts: &Parts,
        method: http::Method,
        action: &str,
        content_type: Option<&'static str>,
        body: Bytes,
        cookies: Option<Vec<(String, String)>>,
    ) -> http::Response<Bytes> {
        let path = format!("{}/{action}", self.base_path());
        let uri = match (parts.uri.scheme_str(), parts.uri.authority()) {
            (Some(scheme), Some(authority)) => format!("{scheme}://{authority}{path}"),
            _ => path,
        };
        let mut request = http::Request::new(());
        *request.method_mut() = method;
        if let Ok(uri) = uri.parse() {
            *request.uri_mut() = uri;
        }
        let headers = request.headers_mut();
        for (name, value) in &parts.headers {
            let skip = [
                header::COOKIE,
                header::CONTENT_TYPE,
                header::CONTENT_LENGTH,
                header::TRANSFER_ENCODING,
            ]
            .contains(name)
                || name.as_str() == "x-auth-return-redirect";
            if !skip {
                headers.append(name.clone(), value.clone());
            }
        }
        if let Some(ct) = content_type {
            headers.insert(header::CONTENT_TYPE, HeaderValue::from_static(ct));
        }
        let cookies = cookies.unwrap_or_else(|| request_cookies(&parts.headers));
        if !cookies.is_empty() {
            let line = cookies
                .iter()
                .map(|(n, v)| format!("{n}={}", encode_uri_component(v)))
                .collect::<Vec<_>>()
                .join("; ");
            if let Ok(value) = HeaderValue::from_str(&line) {
                headers.insert(header::COOKIE, value);
            }
        }
        let (request_parts, ()) = request.into_parts();
        handle_with(&self.config, &request_parts, &body).await
    }
}

/// The cookies of a request, decoded.
pub(crate) fn request_cookies(headers: &HeaderMap) -> Vec<(String, String)> {
    parse_cookie_header(
        headers
            .get_all(header::COOKIE)
            .iter()
            .filter_map(|v| v.to_str().ok()),
    )
}
