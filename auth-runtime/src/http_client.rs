//! Outbound HTTP (next-auth's `customFetch`): a trait the engine sends every provider request
//! through, so an application can add a proxy, logging or a test double, per provider or for all.
//! The default client uses reqwest on rustls with a timeout on every call.
//!
//! ```
//! use auth_runtime::http_client::{HttpClient, HttpError, HttpRequest, HttpResponse};
//! use auth_runtime::callbacks::BoxFuture;
//!
//! /// Answers every request with 503: e.g. to test how sign-in fails when a provider is down.
//! struct Down;
//! impl HttpClient for Down {
//!     fn send(&self, _request: HttpRequest) -> BoxFuture<'_, Result<HttpResponse, HttpError>> {
//!         Box::pin(async {
//!             Ok(http::Response::builder().status(503).body(Vec::new()).unwrap())
//!         })
//!     }
//! }
//! ```

use std::sync::Arc;
#[cfg(feature = "reqwest")]
use std::time::Duration;

use crate::callbacks::BoxFuture;

/// A request: `http::Request` with a byte body.
pub type HttpRequest = http::Request<Vec<u8>>;
/// A response: `http::Response` with a byte body.
pub type HttpResponse = http::Response<Vec<u8>>;

/// Why an outbound request got no response.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum HttpError {
    /// The request did not complete within the timeout.
    #[error("request to {0} timed out")]
    Timeout(String),
    /// Connection, TLS or protocol failure.
    #[error("request to {host} failed: {reason}")]
    Transport {
        /// Host of the request.
        host: String,
        /// What went wrong.
        reason: String,
    },
    /// The response body was larger than the client accepts.
    #[error("response from {0} is too large")]
    TooLarge(String),
}

/// Sends provider requests. Implement it to replace the default client.
pub trait HttpClient: Send + Sync {
    /// Sends one request and returns the whole response.
    fn send(&self, request: HttpRequest) -> BoxFuture<'_, Result<HttpResponse, HttpError>>;
}

/// Largest response body accepted from a provider (discovery, JWKS, tokens, profiles).
pub const MAX_RESPONSE_BYTES: usize = 1024 * 1024;

/// The default client: reqwest on rustls, no redirects followed, a connect timeout and a total
/// timeout per request.
#[cfg(feature = "reqwest")]
#[derive(Debug, Clone)]
pub struct ReqwestHttpClient {
    client: reqwest::Client,
    timeout: Duration,
}

#[cfg(feature = "reqwest")]
impl ReqwestHttpClient {
    /// A client with a 10 s total and 5 s connect timeout.
    pub fn new() -> Self {
        Self::with_timeout(Duration::from_secs(10))
    }

    /// A client with the given total timeout per request.
    pub fn with_timeout(timeout: Duration) -> Self {
        let client = reqwest::Client::builder()
            .redirect(reqwest::redirect::Policy::none())
            .connect_timeout(timeout.min(Duration::from_secs(5)))
            .timeout(timeout)
            .user_agent(concat!("auth-runtime/", env!("CARGO_PKG_VERSION")))
            .build()
            .unwrap_or_else(|_| reqwest::Client::new());
        Self { client, timeout }
    }
}

#[cfg(feature = "reqwest")]
impl Default for ReqwestHttpClient {
    fn default() -> Self {
        Self::new()
    }
}

#[cfg(feature = "reqwest")]
impl HttpClient for ReqwestHttpClient {
    fn send(&self, request: HttpRequest) -> BoxFuture<'_, Result<HttpResponse, HttpError>> {
        Box::pin(async move {
            let host = request.uri().host().unwrap_or("").to_owned();
            let (parts, body) = request.into_parts();
            let mut builder = self
                .client
                .request(parts.method, parts.uri.to_string())
                .headers(parts.headers)
                .body(body);
            builder = builder.timeout(self.timeout);
            let work = async {
                let mut response = builder.send().await.map_err(|e| {
                    if e.is_timeout() {
                        HttpError::Timeout(host.clone())
                    } else {
                        HttpError::Transport {
                            host: host.clone(),
                            reason: e.without_url().to_string(),
                        }
                    }
                })?;
                let mut out = http::Response::builder().status(response.status());
                if let Some(headers) = out.headers_mut() {
                    *headers = response.headers().clone();
                }
                let mut body = Vec::new();
                while let Some(chunk) =
                    response.chunk().await.map_err(|e| HttpError::Transport {
                        host: host.clone(),
                        reason: e.without_url().to_string(),
                    })?
                {
                    if body.len() + chunk.len() > MAX_RESPONSE_BYTES {
                        return Err(HttpError::TooLarge(host.clone()));
                    }
                    body.extend_from_slice(&chunk);
                }
                out.body(body).map_err(|e| HttpError::Transport {
                    host: host.clone(),
                    reason: e.to_string(),
                })
            };
            // The reqwest timeout covers the body too; this outer bound guards a slow trickle.
            match tokio::time::timeout(self.timeout + Duration::from_secs(1), work).await {
                Ok(result) => result,
                Err(_) => Err(HttpError::Timeout(host)),
            }
        })
    }
}

/// The process-wide default client: reqwest with the `reqwest` feature, else none (the
/// configuration check then asks for `AuthConfig::http_client` when a provider needs one).
pub fn default_client() -> Option<Arc<dyn HttpClient>> {
    #[cfg(feature = "reqwest")]
    {
        static CLIENT: std::sync::LazyLock<Arc<dyn HttpClient>> =
            std::sync::LazyLock::new(|| Arc::new(ReqwestHttpClient::new()));
        Some(CLIENT.clone())
    }
    #[cfg(not(feature = "reqwest"))]
    None
}

/// Answers every request with an error: what a provider request gets when no client exists
/// (unreachable after the configuration check, kept so that no path can panic).
pub(crate) struct NoClient;

impl HttpClient for NoClient {
    fn send(&self, request: HttpRequest) -> BoxFuture<'_, Result<HttpResponse, HttpError>> {
        let host = request.uri().host().unwrap_or("").to_owned();
        Box::pin(async move {
            Err(HttpError::Transport {
                host,
                reason: "no HTTP client: enable auth-runtime's `reqwest` feature or set `AuthConfig::http_client`".into(),
            })
        })
    }
}
