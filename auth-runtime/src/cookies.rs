//! Cookie names, options, parsing, serialisation and session-cookie chunking, as Auth.js v5 does
//! them.
//!
//! ```
//! use auth_runtime::cookies::{chunk_session_cookie, join_session_chunks, CHUNK_SIZE};
//! let token = "x".repeat(7049);
//! let chunks = chunk_session_cookie("authjs.session-token", &token);
//! assert_eq!(chunks[0].0, "authjs.session-token.0");
//! assert_eq!(chunks[0].1.len(), CHUNK_SIZE);
//! assert_eq!(join_session_chunks("authjs.session-token", &chunks).as_deref(), Some(token.as_str()));
//! ```

use percent_encoding::{AsciiSet, NON_ALPHANUMERIC, percent_decode_str, utf8_percent_encode};
use std::borrow::Cow;

use time::OffsetDateTime;

/// Characters of a session cookie value per chunk: 4096 minus an estimated 160 for the rest of the
/// `Set-Cookie` line.
pub const CHUNK_SIZE: usize = 4096 - 160;

/// Lifetime of the OAuth check cookies (state, PKCE, nonce, WebAuthn challenge), in seconds.
pub const CHECK_COOKIE_MAX_AGE: i64 = 900;

/// `SameSite` attribute of a cookie.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum SameSite {
    /// `SameSite=Lax`, the Auth.js default.
    #[default]
    Lax,
    /// `SameSite=Strict`.
    Strict,
    /// `SameSite=None` (requires `Secure`).
    None,
}

/// Attributes of a cookie that Auth.js sets.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CookieOptions {
    /// `HttpOnly`.
    pub http_only: bool,
    /// `SameSite`.
    pub same_site: SameSite,
    /// `Path`.
    pub path: String,
    /// `Secure`.
    pub secure: bool,
    /// `Domain`, absent by default.
    pub domain: Option<String>,
    /// `Max-Age` in seconds, absent by default.
    pub max_age: Option<i64>,
    /// `Partitioned` (CHIPS).
    pub partitioned: bool,
}

impl CookieOptions {
    /// The Auth.js defaults: `HttpOnly`, `SameSite=Lax`, `Path=/`, `Secure` when `secure`.
    pub fn defaults(secure: bool) -> Self {
        Self {
            http_only: true,
            same_site: SameSite::Lax,
            path: "/".into(),
            secure,
            domain: None,
            max_age: None,
            partitioned: false,
        }
    }
}

/// A cookie's name and options.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CookieSpec {
    /// Cookie name, prefix included.
    pub name: String,
    /// Attributes.
    pub options: CookieOptions,
}

/// The cookies Auth.js uses, with their names and options.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Cookies {
    /// The session token (a JWE, or a database session id).
    pub session_token: CookieSpec,
    /// Where to go after sign-in.
    pub callback_url: CookieSpec,
    /// The double-submit CSRF token.
    pub csrf_token: CookieSpec,
    /// The sealed PKCE code verifier.
    pub pkce_code_verifier: CookieSpec,
    /// The sealed OAuth state.
    pub state: CookieSpec,
    /// The sealed OIDC nonce.
    pub nonce: CookieSpec,
    /// The sealed WebAuthn challenge.
    pub webauthn_challenge: CookieSpec,
}

impl Cookies {
    /// Auth.js's default cookies: `__Secure-` names (and `__Host-` for CSRF) when `secure`.
    pub fn defaults(secure: bool) -> Self {
        let prefix = if secure { "__Secure-" } else { "" };
        let spec = |name: &str, max_age: Option<i64>| CookieSpec {
            name: format!("{prefix}authjs.{name}"),
            options: CookieOptions {
                max_age,
                ..CookieOptions::defaults(secure)
            },
        };
        Self {
            session_token: spec("session-token", None),
            callback_url: spec("callback-url", None),
            csrf_token: CookieSpec {
                name: format!("{}authjs.csrf-token", if secure { "__Host-" } else { "" }),
                options: CookieOptions::defaults(secure),
            },
            pkce_code_verifier: spec("pkce.code_verifier", Some(CHECK_COOKIE_MAX_AGE)),
            state: spec("state", Some(CHECK_COOKIE_MAX_AGE)),
            nonce: spec("nonce", None),
            webauthn_challenge: spec("challenge", Some(CHECK_COOKIE_MAX_AGE)),
        }
    }

    /// Applies user overrides over these cookies (Auth.js deep-merges `config.cookies`).
    pub fn apply(&mut self, overrides: &CookiesOverride) {
        let pairs: [(&mut CookieSpec, &Option<CookieOverride>); 7] = [
            (&mut self.session_token, &overrides.session_token),
            (&mut self.callback_url, &overrides.callback_url),
            (&mut self.csrf_token, &overrides.csrf_token),
            (&mut self.pkce_code_verifier, &overrides.pkce_code_verifier),
            (&mut self.state, &overrides.state),
            (&mut self.nonce, &overrides.nonce),
            (&mut self.webauthn_challenge, &overrides.webauthn_challenge),
        ];
        for (spec, over) in pairs {
            if let Some(over) = over {
                over.apply(spec);
            }
        }
    }

    /// The cookies in force: the defaults for `secure` with `overrides` applied. The one place
    /// cookie names and options are decided; the engine computes both variants once per
    /// configuration.
    pub fn resolve(overrides: &CookiesOverride, secure: bool) -> Self {
        let mut cookies = Self::defaults(secure);
        cookies.apply(overrides);
        cookies
    }
}

/// A partial override of one cookie: every field left `None` keeps the default.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct CookieOverride {
    /// New name.
    pub name: Option<String>,
    /// `HttpOnly`.
    pub http_only: Option<bool>,
    /// `SameSite`.
    pub same_site: Option<SameSite>,
    /// `Path`.
    pub path: Option<String>,
    /// `Secure`.
    pub secure: Option<bool>,
    /// `Domain`.
    pub domain: Option<String>,
    /// `Max-Age`.
    pub max_age: Option<i64>,
    /// `Partitioned`.
    pub partitioned: Option<bool>,
}

impl CookieOverride {
    fn apply(&self, spec: &mut CookieSpec) {
        if let Some(name) = &self.name {
            spec.name.clone_from(name);
        }
        let o = &mut spec.options;
        if let Some(v) = self.http_only {
            o.http_only = v;
        }
        if let Some(v) = self.same_site {
            o.same_site = v;
        }
        if let Some(v) = &self.path {
            o.path.clone_from(v);
        }
        if let Some(v) = self.secure {
            o.secure = v;
        }
        if let Some(v) = &self.domain {
            o.domain = Some(v.clone());
        }
        if let Some(v) = self.max_age {
            o.max_age = Some(v);
        }
        if let Some(v) = self.partitioned {
            o.partitioned = v;
        }
    }
}

/// Overrides for any of the Auth.js cookies (next-auth's `cookies` option).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
#[allow(missing_docs)]
pub struct CookiesOverride {
    pub session_token: Option<CookieOverride>,
    pub callback_url: Option<CookieOverride>,
    pub csrf_token: Option<CookieOverride>,
    pub pkce_code_verifier: Option<CookieOverride>,
    pub state: Option<CookieOverride>,
    pub nonce: Option<CookieOverride>,
    pub webauthn_challenge: Option<CookieOverride>,
}

/// One `Set-Cookie` to send.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SetCookie {
    /// Cookie name.
    pub name: String,
    /// Raw value (percent-encoded when serialised).
    pub value: String,
    /// Attributes.
    pub options: CookieOptions,
    /// `Expires`, if any.
    pub expires: Option<OffsetDateTime>,
}

impl SetCookie {
    /// A cookie with the spec's name and options.
    pub fn new(spec: &CookieSpec, value: impl Into<String>) -> Self {
        Self {
            name: spec.name.clone(),
            value: value.into(),
            options: spec.options.clone(),
            expires: None,
        }
    }

    /// A deletion: empty value and `Max-Age=0`, with the spec's other options.
    pub fn delete(name: &str, options: &CookieOptions) -> Self {
        Self {
            name: name.to_owned(),
            value: String::new(),
            options: CookieOptions {
                max_age: Some(0),
                ..options.clone()
            },
            expires: None,
        }
    }

    /// Serialises in Auth.js's attribute order: `Max-Age`, `Domain`, `Path`, `Expires`,
    /// `HttpOnly`, `Secure`, `Partitioned`, `SameSite`.
    pub fn to_header_value(&self) -> String {
        use std::fmt::Write as _;
        let o = &self.options;
        let mut out = String::with_capacity(self.name.len() + self.value.len() + 96);
        out.push_str(&self.name);
        out.push('=');
        // `write!` into a String cannot fail.
        let _ = write!(out, "{}", utf8_percent_encode(&self.value, URI_COMPONENT));
        if let Some(max_age) = o.max_age {
            let _ = write!(out, "; Max-Age={max_age}");
        }
        if let Some(domain) = &o.domain {
            out.push_str("; Domain=");
            out.push_str(domain);
        }
        if !o.path.is_empty() {
            out.push_str("; Path=");
            out.push_str(&o.path);
        }
        if let Some(expires) = self.expires
            && o.max_age != Some(0)
        {
            out.push_str("; Expires=");
            out.push_str(&http_date(expires));
        }
        if o.http_only {
            out.push_str("; HttpOnly");
        }
        if o.secure {
            out.push_str("; Secure");
        }
        if o.partitioned {
            out.push_str("; Partitioned");
        }
        out.push_str(match o.same_site {
            SameSite::Lax => "; SameSite=Lax",
            SameSite::Strict => "; SameSite=Strict",
            SameSite::None => "; SameSite=None",
        });
        out
    }
}

/// The characters JavaScript's `encodeURIComponent` leaves alone: `A-Z a-z 0-9 - _ . ! ~ * ' ( )`.
const URI_COMPONENT: &AsciiSet = &NON_ALPHANUMERIC
    .remove(b'-')
    .remove(b'_')
    .remove(b'.')
    .remove(b'!')
    .remove(b'~')
    .remove(b'*')
    .remove(b'\'')
    .remove(b'(')
    .remove(b')');

/// JavaScript's `encodeURIComponent`.
pub fn encode_uri_component(value: &str) -> String {
    utf8_percent_encode(value, URI_COMPONENT).to_string()
}

/// An RFC 7231 date, as JavaScript's `Date.prototype.toUTCString` prints it.
pub fn http_date(at: OffsetDateTime) -> String {
    let at = at.to_offset(time::UtcOffset::UTC);
    const DAYS: [&str; 7] = ["Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun"];
    const MONTHS: [&str; 12] = [
        "Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec",
    ];
    format!(
        "{}, {:02} {} {} {:02}:{:02}:{:02} GMT",
        DAYS[at.weekday().number_days_from_monday() as usize],
        at.day(),
        MONTHS[at.month() as usize - 1],
        at.year(),
        at.hour(),
        at.minute(),
        at.second()
    )
}

/// The most `name=value` pairs read from one request's `Cookie` headers; later pairs are
/// ignored. Browsers keep at most 180 cookies per domain, so only a forged header goes past it.
pub const MAX_COOKIE_PAIRS: usize = 256;

/// The most chunks a session cookie is read from (`name.0` to `name.31`, 126 KB of token, far
/// beyond what any server accepts in headers); a higher chunk number is not a session chunk, so
/// junk chunk cookies can neither grow the token nor multiply the `Set-Cookie`s that delete them.
pub const MAX_SESSION_CHUNKS: u32 = 32;

/// Parses `Cookie` header values the way Auth.js's vendored parser does: pairs split on `;`,
/// names and values trimmed of spaces and tabs, the first occurrence of a name wins, and a value
/// is percent-decoded only when it holds a `%` (an invalid encoding is kept as it came).
/// Pairs without `=` are skipped. Never fails; linear in the size of the headers, and at most
/// [`MAX_COOKIE_PAIRS`] pairs are read.
pub fn parse_cookie_header<'a>(
    headers: impl IntoIterator<Item = &'a str>,
) -> Vec<(String, String)> {
    let mut out: Vec<(String, String)> = Vec::new();
    // A request has a handful of cookies: those are compared in place; past a few, a set keeps
    // the pass linear.
    let mut seen: Vec<&'a str> = Vec::new();
    let mut names: std::collections::HashSet<&'a str> = std::collections::HashSet::new();
    let mut pairs = headers
        .into_iter()
        .flat_map(|header| header.split(';'))
        .filter_map(|pair| pair.split_once('='))
        .take(MAX_COOKIE_PAIRS);
    for (name, value) in &mut pairs {
        let name = name.trim_matches([' ', '\t']);
        if name.is_empty() {
            continue;
        }
        let repeated = if seen.len() < 8 {
            seen.contains(&name)
        } else {
            if names.is_empty() {
                names.extend(seen.iter().copied());
            }
            !names.insert(name)
        };
        if repeated {
            continue;
        }
        seen.push(name);
        let mut value = value.trim_matches([' ', '\t']);
        if value.len() >= 2 && value.starts_with('"') && value.ends_with('"') {
            value = &value[1..value.len() - 1];
        }
        let value = if value.contains('%') {
            percent_decode_str(value)
                .decode_utf8()
                .map(|v| v.into_owned())
                .unwrap_or_else(|_| value.to_owned())
        } else {
            value.to_owned()
        };
        out.push((name.to_owned(), value));
    }
    out
}

/// Splits a session cookie value into chunks of [`CHUNK_SIZE`] characters: one cookie named
/// `name` when it fits, else `name.0`, `name.1`, ...
pub fn chunk_session_cookie(name: &str, value: &str) -> Vec<(String, String)> {
    if value.len() <= CHUNK_SIZE {
        return vec![(name.to_owned(), value.to_owned())];
    }
    // Token values are ASCII (base64url and dots); for anything else split on char boundaries.
    let mut chunks = Vec::new();
    let mut rest = value;
    let mut index = 0;
    while !rest.is_empty() {
        let mut cut = CHUNK_SIZE.min(rest.len());
        while !rest.is_char_boundary(cut) {
            cut -= 1;
        }
        let (head, tail) = rest.split_at(cut);
        chunks.push((format!("{name}.{index}"), head.to_owned()));
        rest = tail;
        index += 1;
    }
    chunks
}

/// The chunk index of `cookie_name` for the session cookie `name`: `Some(None)` for the plain
/// name, `Some(Some(i))` for `name.i`, `None` for any other cookie.
fn chunk_index(name: &str, cookie_name: &str) -> Option<Option<u32>> {
    let rest = cookie_name.strip_prefix(name)?;
    if rest.is_empty() {
        return Some(None);
    }
    let digits = rest.strip_prefix('.')?;
    // Canonical decimal only ("01" would be a second name for chunk 1), below the cap.
    if digits.is_empty()
        || !digits.bytes().all(|b| b.is_ascii_digit())
        || (digits.len() > 1 && digits.starts_with('0'))
    {
        return None;
    }
    digits
        .parse()
        .ok()
        .filter(|i| *i < MAX_SESSION_CHUNKS)
        .map(Some)
}

/// Whether `cookie_name` is the session cookie `name` or one of its chunks (`name.<n>`).
pub fn is_session_chunk(name: &str, cookie_name: &str) -> bool {
    chunk_index(name, cookie_name).is_some()
}

/// Reassembles a possibly chunked session cookie from request cookies: the plain `name` and every
/// `name.<n>` with a non-empty value, in numeric order. `None` when there is none.
pub fn join_session_chunks(name: &str, cookies: &[(String, String)]) -> Option<String> {
    let mut parts: Vec<(Option<u32>, &str)> = cookies
        .iter()
        .filter(|(_, v)| !v.is_empty())
        .filter_map(|(n, v)| chunk_index(name, n).map(|i| (i, v.as_str())))
        .collect();
    if parts.is_empty() {
        return None;
    }
    parts.sort_by_key(|(i, _)| *i);
    Some(parts.into_iter().map(|(_, v)| v).collect())
}

/// The session cookie of one request: its chunks as they came, and the `Set-Cookie`s that
/// replace them.
#[derive(Debug, Clone)]
pub struct SessionStore<'a> {
    spec: &'a CookieSpec,
    seen: Vec<&'a str>,
    value: Option<Cow<'a, str>>,
}

impl<'a> SessionStore<'a> {
    /// Reads the session cookie `spec.name` (chunked or not) from the request cookies.
    pub fn new(spec: &'a CookieSpec, cookies: &'a [(String, String)]) -> Self {
        let seen: Vec<&str> = cookies
            .iter()
            .filter(|(n, v)| !v.is_empty() && chunk_index(&spec.name, n).is_some())
            .map(|(n, _)| n.as_str())
            .collect();
        // One unchunked cookie, the common case, is borrowed as it is.
        let value = match seen.as_slice() {
            [] => None,
            [only] if *only == spec.name => cookies
                .iter()
                .find(|(n, v)| n == only && !v.is_empty())
                .map(|(_, v)| Cow::Borrowed(v.as_str())),
            _ => join_session_chunks(&spec.name, cookies).map(Cow::Owned),
        };
        Self { spec, seen, value }
    }

    /// The reassembled value, if the request had one.
    pub fn value(&self) -> Option<&str> {
        self.value.as_deref()
    }

    /// `Set-Cookie`s that write `value`: deletions for every chunk the request had that the new
    /// value does not reuse, then the new chunk(s) with `expires`.
    pub fn write(&self, value: &str, expires: Option<OffsetDateTime>) -> Vec<SetCookie> {
        let chunks = chunk_session_cookie(&self.spec.name, value);
        let mut out: Vec<SetCookie> = self
            .seen
            .iter()
            .filter(|seen| !chunks.iter().any(|(n, _)| n == **seen))
            .map(|seen| SetCookie::delete(seen, &self.spec.options))
            .collect();
        out.extend(chunks.into_iter().map(|(name, value)| SetCookie {
            name,
            value,
            options: self.spec.options.clone(),
            expires,
        }));
        out
    }

    /// Deletions for every chunk the request had (and for the plain name when it had none).
    pub fn clean(&self) -> Vec<SetCookie> {
        if self.seen.is_empty() {
            return vec![SetCookie::delete(&self.spec.name, &self.spec.options)];
        }
        self.seen
            .iter()
            .map(|n| SetCookie::delete(n, &self.spec.options))
            .collect()
    }
}

#[cfg(test)]
mod tests {

    #[test]
    fn chunks_never_split_a_character() {
        // One ASCII byte, then two-byte characters: the chunk size falls inside one.
        let value = format!("a{}", "é".repeat(3000));
        let chunks = chunk_session_cookie("s", &value);
        assert_eq!(chunks[0].1.len(), CHUNK_SIZE - 1);
        assert!(chunks.iter().all(|(_, c)| c.len() <= CHUNK_SIZE));
        let joined: String = chunks.iter().map(|(_, c)| c.as_str()).collect();
        assert_eq!(joined, value);
    }
    use super::*;

    fn pairs(list: &[(&str, &str)]) -> Vec<(String, String)> {
        list.iter()
            .map(|(a, b)| ((*a).to_owned(), (*b).to_owned()))
            .collect()
    }

    #[test]
    fn default_names_use_secure_and_host_prefixes() {
        let c = Cookies::defaults(true);
        assert_eq!(c.session_token.name, "__Secure-authjs.session-token");
        assert_eq!(c.csrf_token.name, "__Host-authjs.csrf-token");
        assert_eq!(
            c.pkce_code_verifier.name,
            "__Secure-authjs.pkce.code_verifier"
        );
        assert_eq!(c.state.options.max_age, Some(900));
        assert_eq!(c.nonce.options.max_age, None);
        let c = Cookies::defaults(false);
        assert_eq!(c.session_token.name, "authjs.session-token");
        assert_eq!(c.csrf_token.name, "authjs.csrf-token");
        assert!(!c.csrf_token.options.secure);
    }

    #[test]
    fn overrides_merge_over_defaults() {
        let mut c = Cookies::defaults(true);
        c.apply(&CookiesOverride {
            session_token: Some(CookieOverride {
                name: Some("my-session".into()),
                domain: Some("example.com".into()),
                ..Default::default()
            }),
            ..Default::default()
        });
        assert_eq!(c.session_token.name, "my-session");
        assert_eq!(
            c.session_token.options.domain.as_deref(),
            Some("example.com")
        );
        assert!(c.session_token.options.secure);
        assert!(c.session_token.options.http_only);
    }

    #[test]
    fn set_cookie_serialises_in_authjs_order() {
        let spec = Cookies::defaults(true).csrf_token;
        let cookie = SetCookie::new(&spec, "abc|def");
        assert_eq!(
            cookie.to_header_value(),
            "__Host-authjs.csrf-token=abc%7Cdef; Path=/; HttpOnly; Secure; SameSite=Lax"
        );
        let del = SetCookie::delete(
            "__Secure-authjs.session-token",
            &CookieOptions::defaults(true),
        );
        assert_eq!(
            del.to_header_value(),
            "__Secure-authjs.session-token=; Max-Age=0; Path=/; HttpOnly; Secure; SameSite=Lax"
        );
        let mut expiring = SetCookie::new(&Cookies::defaults(false).state, "v");
        expiring.expires = Some(time::macros::datetime!(2024-01-02 03:04:05 UTC));
        assert_eq!(
            expiring.to_header_value(),
            "authjs.state=v; Max-Age=900; Path=/; Expires=Tue, 02 Jan 2024 03:04:05 GMT; HttpOnly; SameSite=Lax"
        );
    }

    #[test]
    fn parser_keeps_first_occurrence_and_decodes_leniently() {
        let parsed = parse_cookie_header(["a=1; b = %7C ; a=2;\tc=%E0%A4%A; novalue; d=\"q\""]);
        assert_eq!(
            parsed,
            pairs(&[("a", "1"), ("b", "|"), ("c", "%E0%A4%A"), ("d", "q")])
        );
    }

    #[test]
    fn chunking_splits_at_3936_and_rejoins_in_numeric_order() {
        let value: String = (0..7049)
            .map(|i| char::from(b'a' + (i % 26) as u8))
            .collect();
        let chunks = chunk_session_cookie("s", &value);
        assert_eq!(chunks.len(), 2);
        assert_eq!(chunks[0].1.len(), 3936);
        assert_eq!(chunks[1].1.len(), 3113);
        let mut shuffled = chunks.clone();
        shuffled.reverse();
        shuffled.push(("s.x".into(), "junk".into()));
        shuffled.push(("other".into(), "junk".into()));
        assert_eq!(
            join_session_chunks("s", &shuffled).as_deref(),
            Some(value.as_str())
        );
        let many = "z".repeat(CHUNK_SIZE * 11 + 1);
        let chunks = chunk_session_cookie("s", &many);
        assert_eq!(chunks.len(), 12);
        let mut rev = chunks.clone();
        rev.reverse();
        assert_eq!(
            join_session_chunks("s", &rev).as_deref(),
            Some(many.as_str())
        );
    }

    #[test]
    fn writing_unchunked_value_deletes_stale_chunks() {
        let spec = Cookies::defaults(false).session_token;
        let cookies = pairs(&[
            ("authjs.session-token.0", "aaa"),
            ("authjs.session-token.1", "bbb"),
        ]);
        let store = SessionStore::new(&spec, &cookies);
        assert_eq!(store.value(), Some("aaabbb"));
        let out = store.write("new", None);
        let names: Vec<_> = out
            .iter()
            .map(|c| (c.name.as_str(), c.options.max_age))
            .collect();
        assert_eq!(
            names,
            [
                ("authjs.session-token.0", Some(0)),
                ("authjs.session-token.1", Some(0)),
                ("authjs.session-token", None)
            ]
        );
        let cleaned = store.clean();
        assert_eq!(cleaned.len(), 2);
    }

    #[test]
    fn writing_chunked_value_replaces_plain_cookie() {
        let spec = Cookies::defaults(false).session_token;
        let cookies = pairs(&[("authjs.session-token", "old")]);
        let store = SessionStore::new(&spec, &cookies);
        let out = store.write(&"v".repeat(5000), None);
        let names: Vec<_> = out.iter().map(|c| c.name.as_str()).collect();
        assert_eq!(
            names,
            [
                "authjs.session-token",
                "authjs.session-token.0",
                "authjs.session-token.1"
            ]
        );
        assert_eq!(out[0].options.max_age, Some(0));
    }

    #[test]
    fn only_a_fully_quoted_value_loses_its_quotes() {
        let parsed = parse_cookie_header([r#"a="; b=x"; c="x; d=""; e="q""#]);
        assert_eq!(
            parsed,
            pairs(&[
                ("a", "\""),
                ("b", "x\""),
                ("c", "\"x"),
                ("d", ""),
                ("e", "q")
            ])
        );
    }

    #[test]
    fn the_parser_reads_at_most_256_pairs_and_skips_repeated_names_in_one_pass() {
        let header: String = (0..100_000).map(|i| format!("c{}=v; ", i % 5000)).collect();
        let parsed = parse_cookie_header([header.as_str(), "late=1"]);
        assert_eq!(parsed.len(), MAX_COOKIE_PAIRS);
        assert_eq!(parsed[0], ("c0".to_owned(), "v".to_owned()));
        assert_eq!(parsed[255].0, "c255");
        // Repeats count towards the cap: a session cookie behind them is not read.
        let repeated = "a=1; ".repeat(300) + "b=2";
        assert_eq!(
            parse_cookie_header([repeated.as_str()]),
            pairs(&[("a", "1")])
        );
        // Pairs without `=` do not count.
        let bare = "x; ".repeat(1000) + "b=2";
        assert_eq!(parse_cookie_header([bare.as_str()]), pairs(&[("b", "2")]));
    }

    #[test]
    fn junk_chunk_numbers_neither_join_the_token_nor_multiply_deletions() {
        let spec = CookieSpec {
            name: "s".into(),
            options: CookieOptions::defaults(false),
        };
        let mut cookies = pairs(&[("s.0", "a"), ("s.01", "dup"), ("s.1", "b")]);
        cookies.extend((2..200).map(|i| (format!("s.{i}"), "j".to_owned())));
        cookies.push(("s.4294967296".into(), "overflow".into()));
        let store = SessionStore::new(&spec, &cookies);
        let expected = format!("ab{}", "j".repeat(MAX_SESSION_CHUNKS as usize - 2));
        assert_eq!(store.value(), Some(expected.as_str()));
        assert_eq!(store.clean().len(), MAX_SESSION_CHUNKS as usize);
        assert_eq!(
            store.write("new", None).len(),
            MAX_SESSION_CHUNKS as usize + 1
        );
        assert!(is_session_chunk("s", "s.31"));
        assert!(!is_session_chunk("s", "s.32"));
        assert!(!is_session_chunk("s", "s.00"));
        assert!(is_session_chunk("s", "s.0"));
    }

    #[test]
    fn chunk_names_are_digits_only() {
        let cookies = pairs(&[
            ("s", "plain"),
            ("s.0", "zero"),
            ("s.+1", "plus"),
            ("s.-1", "minus"),
            ("s. 2", "space"),
            ("s.", "empty"),
            ("s.1x", "suffix"),
            ("s0", "glued"),
        ]);
        assert_eq!(
            join_session_chunks("s", &cookies).as_deref(),
            Some("plainzero")
        );
        let spec = CookieSpec {
            name: "s".into(),
            options: CookieOptions::defaults(false),
        };
        let store = SessionStore::new(&spec, &cookies);
        let cleaned: Vec<String> = store.clean().into_iter().map(|c| c.name).collect();
        assert_eq!(cleaned, ["s", "s.0"]);
    }
}
