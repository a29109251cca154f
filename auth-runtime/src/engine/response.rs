//! The engine's response and its conversion to `http::Response` (spec §0 items 3 and 4).

use bytes::Bytes;
use http::{HeaderValue, StatusCode, header};
use serde_json::{Value, json};

use crate::cookies::SetCookie;

/// A response body.
#[derive(Debug, Clone)]
pub enum Body {
    /// JSON.
    Json(Value),
    /// JSON, serialised already.
    JsonBytes(Vec<u8>),
    /// HTML.
    Html(String),
    /// Nothing.
    Empty,
}

/// What an action answers, before it becomes an `http::Response`.
#[derive(Debug, Clone)]
pub struct Out {
    /// Status (302 for redirects).
    pub status: StatusCode,
    /// Body.
    pub body: Body,
    /// Redirect target.
    pub redirect: Option<String>,
    /// Cookies to set or delete.
    pub cookies: Vec<SetCookie>,
    /// Send `Cache-Control: private, no-cache, no-store`, `Expires: 0`, `Pragma: no-cache`.
    pub no_cache: bool,
}

impl Out {
    /// A JSON response.
    pub fn json(status: StatusCode, value: Value) -> Self {
        Self {
            status,
            body: Body::Json(value),
            redirect: None,
            cookies: Vec::new(),
            no_cache: false,
        }
    }

    /// A JSON response of a serialisable value, serialised straight to bytes.
    pub fn json_of<T: serde::Serialize>(status: StatusCode, value: &T) -> Self {
        let bytes = serde_json::to_vec(value).unwrap_or_else(|_| b"null".to_vec());
        Self {
            status,
            body: Body::JsonBytes(bytes),
            redirect: None,
            cookies: Vec::new(),
            no_cache: false,
        }
    }

    /// An HTML response.
    pub fn html(status: StatusCode, html: String) -> Self {
        Self {
            status,
            body: Body::Html(html),
            redirect: None,
            cookies: Vec::new(),
            no_cache: false,
        }
    }

    /// A 302 redirect.
    pub fn redirect(url: impl Into<String>) -> Self {
        Self {
            status: StatusCode::FOUND,
            body: Body::Empty,
            redirect: Some(url.into()),
            cookies: Vec::new(),
            no_cache: false,
        }
    }

    /// An empty response.
    pub fn empty(status: StatusCode) -> Self {
        Self {
            status,
            body: Body::Empty,
            redirect: None,
            cookies: Vec::new(),
            no_cache: false,
        }
    }

    /// Adds cookies after the action's own (the init cookies come first in Auth.js).
    pub fn with_cookies(mut self, mut init: Vec<SetCookie>) -> Self {
        init.append(&mut self.cookies);
        self.cookies = init;
        self
    }

    /// Marks the response uncacheable.
    pub fn no_cache(mut self) -> Self {
        self.no_cache = true;
        self
    }

    /// The `http::Response`. With `return_redirect` (the `X-Auth-Return-Redirect` header) a
    /// redirect becomes 200 JSON `{"url": location}`, keeping its headers and cookies.
    pub fn into_response(self, return_redirect: bool) -> http::Response<Bytes> {
        let mut status = self.status;
        let mut body = self.body;
        if return_redirect && let Some(location) = &self.redirect {
            status = StatusCode::OK;
            body = Body::Json(json!({ "url": location }));
        }
        let mut builder = http::Response::builder().status(status);
        let headers = builder.headers_mut();
        if let Some(headers) = headers {
            if let Some(location) = &self.redirect
                && let Ok(v) = HeaderValue::from_str(location)
            {
                headers.insert(header::LOCATION, v);
            }
            // A page carries the visitor's CSRF token, and a cookie is the visitor's: neither
            // may be kept by a shared cache.
            let html = matches!(body, Body::Html(_));
            if self.no_cache || html || !self.cookies.is_empty() {
                headers.insert(
                    header::CACHE_CONTROL,
                    HeaderValue::from_static("private, no-cache, no-store"),
                );
                headers.insert(header::EXPIRES, HeaderValue::from_static("0"));
                headers.insert(header::PRAGMA, HeaderValue::from_static("no-cache"));
            }
            for cookie in &self.cookies {
                if let Ok(v) = HeaderValue::from_str(&cookie.to_header_value()) {
                    headers.append(header::SET_COOKIE, v);
                }
            }
            match &body {
                Body::Json(_) | Body::JsonBytes(_) => {
                    headers.insert(
                        header::CONTENT_TYPE,
                        HeaderValue::from_static("application/json"),
                    );
                }
                Body::Html(_) => {
                    headers.insert(
                        header::CONTENT_TYPE,
                        HeaderValue::from_static("text/html; charset=utf-8"),
                    );
                    // The forms post credentials: no other site may frame them (clickjacking).
                    headers.insert(header::X_FRAME_OPTIONS, HeaderValue::from_static("DENY"));
                    headers.insert(
                        header::CONTENT_SECURITY_POLICY,
                        HeaderValue::from_static("frame-ancestors 'none'"),
                    );
                    headers.insert(
                        header::X_CONTENT_TYPE_OPTIONS,
                        HeaderValue::from_static("nosniff"),
                    );
                }
                Body::Empty => {}
            }
        }
        let bytes = match body {
            Body::Json(v) => {
                Bytes::from(serde_json::to_vec(&v).unwrap_or_else(|_| b"null".to_vec()))
            }
            Body::JsonBytes(b) => Bytes::from(b),
            Body::Html(h) => Bytes::from(h),
            Body::Empty => Bytes::new(),
        };
        builder.body(bytes).unwrap_or_else(|_| {
            let mut fallback = http::Response::new(Bytes::new());
            *fallback.status_mut() = StatusCode::INTERNAL_SERVER_ERROR;
            fallback
        })
    }
}
