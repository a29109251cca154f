//! Turning an `http::Request` into the engine's view of it: action, provider, query, body,
//! cookies and origin (spec §0 item 2).

use std::borrow::Cow;
use std::sync::RwLock;

use http::{HeaderMap, HeaderName, Method};
use serde_json::{Map, Value};

use crate::config::AuthConfig;
use crate::cookies::parse_cookie_header;
use crate::error::{AuthError, ErrorType, Reason};

/// The actions Auth.js serves under its base path.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Action {
    /// `/providers`
    Providers,
    /// `/session`
    Session,
    /// `/csrf`
    Csrf,
    /// `/signin[/:provider]`
    SignIn,
    /// `/signout`
    SignOut,
    /// `/callback/:provider`
    Callback,
    /// `/verify-request`
    VerifyRequest,
    /// `/error`
    Error,
    /// `/webauthn-options/:provider`
    WebAuthnOptions,
}

impl Action {
    fn parse(segment: &str) -> Option<Self> {
        Some(match segment {
            "providers" => Self::Providers,
            "session" => Self::Session,
            "csrf" => Self::Csrf,
            "signin" => Self::SignIn,
            "signout" => Self::SignOut,
            "callback" => Self::Callback,
            "verify-request" => Self::VerifyRequest,
            "error" => Self::Error,
            "webauthn-options" => Self::WebAuthnOptions,
            _ => return None,
        })
    }

    /// The path segment.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Providers => "providers",
            Self::Session => "session",
            Self::Csrf => "csrf",
            Self::SignIn => "signin",
            Self::SignOut => "signout",
            Self::Callback => "callback",
            Self::VerifyRequest => "verify-request",
            Self::Error => "error",
            Self::WebAuthnOptions => "webauthn-options",
        }
    }

    fn takes_provider(self) -> bool {
        matches!(self, Self::SignIn | Self::Callback | Self::WebAuthnOptions)
    }
}

/// A parsed request.
#[derive(Debug, Clone)]
pub struct AuthRequest {
    /// `GET` or `POST`.
    pub is_post: bool,
    /// The action.
    pub action: Action,
    /// The provider segment, if any.
    pub provider_id: Option<String>,
    /// Query parameters (last duplicate wins).
    pub query: Map<String, Value>,
    /// The raw query string, without `?`.
    pub raw_query: String,
    /// The body of a POST: JSON object or form fields (last duplicate wins).
    pub body: Map<String, Value>,
    /// Request cookies (first occurrence wins).
    pub cookies: Vec<(String, String)>,
    /// Request headers.
    pub headers: HeaderMap,
    /// `scheme://host[:port]` of the site.
    pub origin: String,
    /// The request path.
    pub path: String,
}

impl AuthRequest {
    /// A cookie's value.
    pub fn cookie(&self, name: &str) -> Option<&str> {
        self.cookies
            .iter()
            .find(|(n, _)| n == name)
            .map(|(_, v)| v.as_str())
    }

    /// A body field as a string.
    pub fn body_str(&self, key: &str) -> Option<&str> {
        self.body.get(key).and_then(Value::as_str)
    }

    /// A query parameter.
    pub fn query_str(&self, key: &str) -> Option<&str> {
        self.query.get(key).and_then(Value::as_str)
    }

    /// The full request URL.
    pub fn url(&self) -> String {
        if self.raw_query.is_empty() {
            format!("{}{}", self.origin, self.path)
        } else {
            format!("{}{}?{}", self.origin, self.path, self.raw_query)
        }
    }
}

/// Why a request is not an Auth.js request: answered with 400 `"Bad request."`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct BadRequest(pub &'static str);

/// Parses the routing part of a request.
pub fn parse_route(
    method: &Method,
    path: &str,
    base_path: &str,
) -> Result<(Action, Option<String>), BadRequest> {
    if method != Method::GET && method != Method::POST {
        return Err(BadRequest("method not allowed"));
    }
    let rest = path
        .strip_prefix(base_path)
        .ok_or(BadRequest("path is outside the base path"))?;
    if !rest.starts_with('/') {
        return Err(BadRequest("path is outside the base path"));
    }
    let segments: Vec<&str> = rest.split('/').filter(|s| !s.is_empty()).collect();
    let (action, provider) = match segments.as_slice() {
        [action] => (*action, None),
        [action, provider] => (*action, Some(*provider)),
        _ => return Err(BadRequest("expected /<action>[/<provider>]")),
    };
    let action = Action::parse(action).ok_or(BadRequest("unknown action"))?;
    let provider = provider.filter(|p| *p != "undefined");
    if provider.is_some() && !action.takes_provider() {
        return Err(BadRequest("this action takes no provider"));
    }
    let provider = provider
        .map(|p| {
            percent_encoding::percent_decode_str(p)
                .decode_utf8()
                .map(|s| s.into_owned())
                .map_err(|_| BadRequest("provider id is not UTF-8"))
        })
        .transpose()?;
    Ok((action, provider))
}

fn parse_pairs(input: &[u8]) -> Map<String, Value> {
    let mut map = Map::new();
    for (k, v) in form_urlencoded::parse(input) {
        map.insert(k.into_owned(), Value::String(v.into_owned()));
    }
    map
}

/// Parses a POST body by content type: JSON objects and url-encoded forms; anything else is no
/// body.
pub fn parse_body(headers: &HeaderMap, body: &[u8]) -> Map<String, Value> {
    let content_type = headers
        .get(http::header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .unwrap_or("")
        .to_ascii_lowercase();
    if content_type.contains("application/json") {
        match serde_json::from_slice::<Value>(body) {
            Ok(Value::Object(map)) => map,
            _ => Map::new(),
        }
    } else if content_type.contains("application/x-www-form-urlencoded") {
        parse_pairs(body)
    } else {
        Map::new()
    }
}

/// The site origin for this request: the configured URL's origin when set; else the forwarded or
/// `Host` header (the host is trusted, or the configuration would have failed).
pub fn request_origin(
    config: &AuthConfig,
    parts: &http::request::Parts,
) -> Result<String, AuthError> {
    match origin_source(config, parts)? {
        OriginSource::Configured(url) => configured_origin(url),
        OriginSource::Headers { proto, host } => header_origin(proto, &host),
    }
}

const X_FORWARDED_HOST: HeaderName = HeaderName::from_static("x-forwarded-host");
const X_FORWARDED_PROTO: HeaderName = HeaderName::from_static("x-forwarded-proto");

/// Where a request's origin comes from, before any parsing.
enum OriginSource<'a> {
    Configured(&'a str),
    Headers { proto: &'a str, host: Cow<'a, str> },
}

fn origin_source<'a>(
    config: &'a AuthConfig,
    parts: &'a http::request::Parts,
) -> Result<OriginSource<'a>, AuthError> {
    if let Some(url) = &config.url {
        return Ok(OriginSource::Configured(url));
    }
    let header = |name: &HeaderName| {
        parts
            .headers
            .get(name)
            .and_then(|v| v.to_str().ok())
            .map(|v| v.split(',').next().unwrap_or("").trim())
            .filter(|v| !v.is_empty())
    };
    let host = match header(&X_FORWARDED_HOST).or_else(|| header(&http::header::HOST)) {
        Some(host) => Cow::Borrowed(host),
        None => Cow::Owned(
            parts
                .uri
                .authority()
                .map(|a| a.to_string())
                .ok_or_else(|| {
                    AuthError::new(ErrorType::UntrustedHost, "the request has no Host header")
                        .with_reason(Reason::HostMissing)
                })?,
        ),
    };
    let proto = header(&X_FORWARDED_PROTO)
        .or_else(|| parts.uri.scheme_str())
        .unwrap_or("http");
    Ok(OriginSource::Headers { proto, host })
}

fn configured_origin(url: &str) -> Result<String, AuthError> {
    let parsed = url::Url::parse(url).map_err(|_| {
        AuthError::new(ErrorType::InvalidCallbackUrl, "AUTH_URL is not a valid URL")
            .with_reason(Reason::ConfiguredUrlInvalid)
    })?;
    Ok(parsed.origin().ascii_serialization())
}

fn header_origin(proto: &str, host: &str) -> Result<String, AuthError> {
    if proto != "http" && proto != "https" {
        return Err(
            AuthError::new(ErrorType::UntrustedHost, "unsupported forwarded protocol")
                .with_reason(Reason::ForwardedProtoInvalid),
        );
    }
    if host.contains(['/', '\\', '@', '?', '#', ' ']) {
        return Err(
            AuthError::new(ErrorType::UntrustedHost, "the Host header is not a host")
                .with_reason(Reason::HostInvalid),
        );
    }
    let parsed = url::Url::parse(&format!("{proto}://{host}")).map_err(|_| {
        AuthError::new(ErrorType::UntrustedHost, "the Host header is not a host")
            .with_reason(Reason::HostInvalid)
    })?;
    Ok(parsed.origin().ascii_serialization())
}

/// The last origin worked out, by what it was worked out from: most deployments see one host,
/// so the URL parse runs once instead of on every request. Only successes are kept; any other
/// input is parsed (and checked) as it comes.
#[derive(Debug, Default)]
pub(crate) struct OriginCache(RwLock<Option<CachedOrigin>>);

#[derive(Debug)]
struct CachedOrigin {
    /// `None` for the configured URL.
    proto: Option<String>,
    host: String,
    origin: String,
}

impl OriginCache {
    /// [`request_origin`], remembered.
    pub(crate) fn origin(
        &self,
        config: &AuthConfig,
        parts: &http::request::Parts,
    ) -> Result<String, AuthError> {
        let source = origin_source(config, parts)?;
        let (proto, host) = match &source {
            OriginSource::Configured(url) => (None, *url),
            OriginSource::Headers { proto, host } => (Some(*proto), host.as_ref()),
        };
        if let Ok(guard) = self.0.read()
            && let Some(hit) = guard.as_ref()
            && hit.proto.as_deref() == proto
            && hit.host == host
        {
            return Ok(hit.origin.clone());
        }
        let origin = match proto {
            None => configured_origin(host)?,
            Some(proto) => header_origin(proto, host)?,
        };
        if let Ok(mut guard) = self.0.write() {
            *guard = Some(CachedOrigin {
                proto: proto.map(str::to_owned),
                host: host.to_owned(),
                origin: origin.clone(),
            });
        }
        Ok(origin)
    }
}

/// Builds the engine's request from parts and body.
pub fn build(
    parts: http::request::Parts,
    body: &[u8],
    action: Action,
    provider_id: Option<String>,
    origin: String,
) -> AuthRequest {
    let raw_query = parts.uri.query().unwrap_or("").to_owned();
    let is_post = parts.method == Method::POST;
    AuthRequest {
        is_post,
        action,
        provider_id,
        query: parse_pairs(raw_query.as_bytes()),
        raw_query,
        body: if is_post {
            parse_body(&parts.headers, body)
        } else {
            Map::new()
        },
        cookies: request_cookies(&parts.headers),
        path: parts.uri.path().to_owned(),
        headers: parts.headers,
        origin,
    }
}

/// The engine's request for a trusted in-process call (a session read or a server-side action):
/// the app request's cookies, none of its query or headers, and `body` as the action's input.
pub(crate) fn internal(
    parts: &http::request::Parts,
    is_post: bool,
    action: Action,
    provider_id: Option<String>,
    body: Map<String, Value>,
    origin: String,
    base_path: &str,
) -> AuthRequest {
    // A session read names no path (nothing reads it); an action names its route.
    let path = match &provider_id {
        _ if !is_post => String::new(),
        Some(id) => format!("{base_path}/{}/{id}", action.as_str()),
        None => format!("{base_path}/{}", action.as_str()),
    };
    AuthRequest {
        is_post,
        action,
        provider_id,
        query: Map::new(),
        raw_query: String::new(),
        body,
        cookies: request_cookies(&parts.headers),
        headers: HeaderMap::new(),
        origin,
        path,
    }
}

/// The cookies of a request, decoded.
pub(crate) fn request_cookies(headers: &HeaderMap) -> Vec<(String, String)> {
    parse_cookie_header(
        headers
            .get_all(http::header::COOKIE)
            .iter()
            .filter_map(|v| v.to_str().ok()),
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_action_parses_from_its_own_segment() {
        for action in [
            Action::Providers,
            Action::Session,
            Action::Csrf,
            Action::SignIn,
            Action::SignOut,
            Action::Callback,
            Action::VerifyRequest,
            Action::Error,
            Action::WebAuthnOptions,
        ] {
            assert_eq!(Action::parse(action.as_str()), Some(action));
            let path = format!("/auth/{}", action.as_str());
            let provider = action.takes_provider().then(|| "p".to_owned());
            let full = match &provider {
                Some(p) => format!("{path}/{p}"),
                None => path,
            };
            assert_eq!(
                parse_route(&Method::GET, &full, "/auth"),
                Ok((action, provider))
            );
        }
        assert_eq!(Action::parse("nope"), None);
        assert!(parse_route(&Method::POST, "/auth/session", "/auth").is_ok());
        assert!(parse_route(&Method::GET, "/auth/csrf/p", "/auth").is_err());
        assert_eq!(
            parse_route(&Method::GET, "/auth/signin/a%20b", "/auth"),
            Ok((Action::SignIn, Some("a b".into())))
        );
        assert!(parse_route(&Method::GET, "/auth/signin/%FF", "/auth").is_err());
    }

    #[test]
    fn bodies_are_read_by_content_type() {
        let headers = |ct: &str| {
            let mut h = HeaderMap::new();
            h.insert(
                http::header::CONTENT_TYPE,
                http::HeaderValue::from_str(ct).unwrap_or_else(|_| unreachable!()),
            );
            h
        };
        let json = parse_body(&headers("application/json; charset=utf-8"), br#"{"a":"1"}"#);
        assert_eq!(json.get("a").and_then(Value::as_str), Some("1"));
        assert!(parse_body(&headers("application/json"), b"[1]").is_empty());
        let form = parse_body(
            &headers("application/x-www-form-urlencoded"),
            b"a=1&b=x%20y&a=2",
        );
        assert_eq!(
            form.get("a").and_then(Value::as_str),
            Some("2"),
            "last wins"
        );
        assert_eq!(form.get("b").and_then(Value::as_str), Some("x y"));
        assert!(parse_body(&headers("text/plain"), b"a=1").is_empty());
        assert!(parse_body(&HeaderMap::new(), b"a=1").is_empty());
    }

    #[test]
    fn the_origin_cache_answers_each_host_with_its_own_origin() {
        let config = AuthConfig::new().secret("s").trust_host(true);
        let cache = OriginCache::default();
        let parts = |host: &str, proto: Option<&str>| {
            let mut b = http::Request::get("/").header("host", host);
            if let Some(proto) = proto {
                b = b.header("x-forwarded-proto", proto);
            }
            b.body(())
                .map(|r| r.into_parts().0)
                .unwrap_or_else(|_| unreachable!("a valid test request"))
        };
        // Alternating hosts and schemes: every answer is the request's own, cached or not.
        for _ in 0..2 {
            for (host, proto, origin) in [
                ("a.test", None, "http://a.test"),
                ("b.test", None, "http://b.test"),
                ("b.test", Some("https"), "https://b.test"),
                ("B.TEST:443", Some("https"), "https://b.test"),
            ] {
                let got = cache.origin(&config, &parts(host, proto)).ok();
                assert_eq!(got.as_deref(), Some(origin), "{host} {proto:?}");
                assert_eq!(
                    request_origin(&config, &parts(host, proto)).ok().as_deref(),
                    Some(origin)
                );
            }
        }
        // A refused host is refused every time, and never cached.
        assert!(cache.origin(&config, &parts("evil.test/x", None)).is_err());
        assert!(cache.origin(&config, &parts("evil.test/x", None)).is_err());
        // The configured URL wins over any header.
        let mut configured = AuthConfig::new().secret("s");
        configured.url = Some("https://app.example/auth".into());
        let cache = OriginCache::default();
        for host in ["a.test", "b.test"] {
            assert_eq!(
                cache
                    .origin(&configured, &parts(host, None))
                    .ok()
                    .as_deref(),
                Some("https://app.example")
            );
        }
    }

    #[test]
    fn routes_parse_like_authjs() {
        let get = Method::GET;
        assert_eq!(
            parse_route(&get, "/auth/session", "/auth"),
            Ok((Action::Session, None))
        );
        assert_eq!(
            parse_route(&get, "/auth/signin/github/", "/auth"),
            Ok((Action::SignIn, Some("github".into())))
        );
        assert_eq!(
            parse_route(&get, "/auth/signin/undefined", "/auth"),
            Ok((Action::SignIn, None))
        );
        assert!(parse_route(&get, "/auth/nope", "/auth").is_err());
        assert!(parse_route(&get, "/auth/session/x", "/auth").is_err());
        assert!(parse_route(&get, "/auth/a/b/c", "/auth").is_err());
        assert!(parse_route(&get, "/authx/session", "/auth").is_err());
        assert!(parse_route(&Method::PUT, "/auth/session", "/auth").is_err());
        assert!(parse_route(&get, "/auth", "/auth").is_err());
    }
}
