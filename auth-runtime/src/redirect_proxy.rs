//! The redirect proxy: one deployment registered at the provider receives every
//! callback and forwards it to the deployment that started the sign-in, whose callback URL is
//! sealed in `state`.
//!
//! Auth.js forwards to any origin sealed in `state`, and seals the request's origin, which may
//! come from `X-Forwarded-Host`. A sign-in started with a spoofed header then sends a victim's
//! authorization code to the attacker's origin. Here both ends are closed:
//!
//! - a deployment behind a proxy seals only its configured origin (`AUTH_URL`): without one, the
//!   proxied sign-in is refused;
//! - the proxy forwards only to origins its configuration allows
//!   (`AuthConfig::redirect_proxy_targets`, `AUTH_REDIRECT_PROXY_TARGETS`), exactly or by a
//!   `*.` subdomain pattern.

use url::{Host, Url};

use crate::error::{AuthError, ErrorType, Reason};

/// An origin a redirect proxy may forward callbacks to: `https://app.example`, or
/// `https://*.preview.example` for any subdomain of `preview.example` (not the domain itself).
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct OriginPattern {
    scheme: String,
    host: HostPattern,
    port: Option<u16>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
enum HostPattern {
    Exact(String),
    SubdomainsOf(String),
}

impl OriginPattern {
    /// Parses a pattern; the error says what is wrong with it.
    pub(crate) fn parse(text: &str) -> Result<Self, String> {
        let text = text.trim();
        let (wildcard, url_text) = match text.split_once("://*.") {
            Some((scheme, rest)) => (true, format!("{scheme}://{rest}")),
            None => (false, text.to_owned()),
        };
        let url = Url::parse(&url_text).map_err(|e| format!("`{text}` is not a URL: {e}"))?;
        if !matches!(url.scheme(), "http" | "https") {
            return Err(format!("`{text}` is not an http(s) origin"));
        }
        if url.path() != "/"
            || url.query().is_some()
            || url.fragment().is_some()
            || !url.username().is_empty()
            || url.password().is_some()
        {
            return Err(format!(
                "`{text}` is not an origin: write only scheme://host[:port]"
            ));
        }
        let host = match url.host() {
            Some(Host::Domain(domain)) if wildcard => HostPattern::SubdomainsOf(domain.to_owned()),
            Some(_) if wildcard => {
                return Err(format!("`{text}`: `*.` goes before a domain name only"));
            }
            Some(host) => HostPattern::Exact(host.to_string()),
            None => return Err(format!("`{text}` has no host")),
        };
        Ok(Self {
            scheme: url.scheme().to_owned(),
            host,
            port: url.port_or_known_default(),
        })
    }

    /// Whether `url`'s origin is one this pattern allows.
    pub(crate) fn allows(&self, url: &Url) -> bool {
        if url.scheme() != self.scheme || url.port_or_known_default() != self.port {
            return false;
        }
        match (&self.host, url.host()) {
            (HostPattern::Exact(expected), Some(host)) => host.to_string() == *expected,
            (HostPattern::SubdomainsOf(parent), Some(Host::Domain(domain))) => domain
                .strip_suffix(parent.as_str())
                .and_then(|label| label.strip_suffix('.'))
                .is_some_and(|label| !label.is_empty()),
            _ => false,
        }
    }
}

/// Checks the configured patterns, naming the first bad one.
pub(crate) fn check_patterns(patterns: &[String]) -> Result<(), AuthError> {
    for pattern in patterns {
        OriginPattern::parse(pattern).map_err(|why| {
            AuthError::new(
                ErrorType::InvalidCallbackUrl,
                format!("redirect proxy target: {why}"),
            )
            .with_reason(Reason::ProxyTargetInvalid)
        })?;
    }
    Ok(())
}

/// The callback URL sealed in `state` when it may receive a forwarded callback for `provider`:
/// an allowed origin and the callback path of that provider, nothing else.
pub(crate) fn allowed_target(
    patterns: &[String],
    target: &str,
    provider_id: &str,
) -> Result<Url, AuthError> {
    let refused = |why: &str| {
        AuthError::new(
            ErrorType::InvalidCallbackUrl,
            format!("the redirect proxy does not forward to this origin: {why}"),
        )
        .with_reason(Reason::ProxyTargetNotAllowed)
    };
    let url = Url::parse(target).map_err(|_| refused("the sealed target is not a URL"))?;
    let callback_path = url
        .path()
        .strip_suffix(provider_id)
        .is_some_and(|head| head.ends_with("/callback/"));
    if !callback_path || url.query().is_some() || url.fragment().is_some() {
        return Err(refused("the sealed target is not a callback URL"));
    }
    let allowed = patterns
        .iter()
        .filter_map(|p| OriginPattern::parse(p).ok())
        .any(|p| p.allows(&url));
    if !allowed {
        return Err(refused(
            "add it to redirect_proxy_targets (AUTH_REDIRECT_PROXY_TARGETS)",
        ));
    }
    Ok(url)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn allows(pattern: &str, url: &str) -> bool {
        OriginPattern::parse(pattern)
            .unwrap()
            .allows(&Url::parse(url).unwrap())
    }

    #[test]
    fn exact_origins_match_scheme_host_and_port() {
        assert!(allows("https://app.example", "https://app.example/auth/x"));
        assert!(allows("https://app.example:443", "https://APP.example/"));
        assert!(allows("http://127.0.0.1:3000", "http://127.0.0.1:3000/"));
        for other in [
            "http://app.example/",
            "https://app.example:8443/",
            "https://app.example.evil/",
            "https://evil-app.example/",
            "https://sub.app.example/",
        ] {
            assert!(!allows("https://app.example", other), "{other}");
        }
    }

    #[test]
    fn a_subdomain_pattern_covers_subdomains_only() {
        let p = "https://*.preview.example";
        assert!(allows(p, "https://pr-1.preview.example/"));
        assert!(allows(p, "https://a.b.preview.example/"));
        for other in [
            "https://preview.example/",
            "https://evilpreview.example/",
            "https://pr-1.preview.example.evil/",
            "http://pr-1.preview.example/",
            "https://pr-1.preview.example:8443/",
        ] {
            assert!(!allows(p, other), "{other}");
        }
    }

    #[test]
    fn patterns_that_are_not_origins_are_refused() {
        for bad in [
            "app.example",
            "ftp://app.example",
            "https://app.example/auth",
            "https://user@app.example",
            "https://app.example?x",
            "https://*.127.0.0.1",
            "https://*.[::1]",
            "https://",
        ] {
            assert!(OriginPattern::parse(bad).is_err(), "{bad}");
            assert_eq!(
                check_patterns(&[bad.to_owned()]).unwrap_err().reason(),
                Some(Reason::ProxyTargetInvalid)
            );
        }
        check_patterns(&["https://a.example".into(), " https://*.b.example ".into()]).unwrap();
    }

    #[test]
    fn a_target_must_be_an_allowed_callback_url_of_the_provider() {
        let patterns = ["https://*.preview.example".to_owned()];
        let ok = "https://pr-1.preview.example/auth/callback/github";
        assert!(allowed_target(&patterns, ok, "github").is_ok());
        for bad in [
            "https://evil.example/auth/callback/github",
            "https://pr-1.preview.example/auth/callback/google",
            "https://pr-1.preview.example/auth/callback/github?x=1",
            "https://pr-1.preview.example/auth/signin/github",
            "https://pr-1.preview.example/auth/callback/xgithub",
            "not a url",
        ] {
            assert_eq!(
                allowed_target(&patterns, bad, "github")
                    .unwrap_err()
                    .reason(),
                Some(Reason::ProxyTargetNotAllowed),
                "{bad}"
            );
        }
        assert!(allowed_target(&[], ok, "github").is_err());
    }
}
