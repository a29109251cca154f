//! Properties that can fail: the engine over generated, valid requests keeps its invariants (no
//! 5xx for a client's mistake, no session without a valid token or a valid sign-in, every
//! redirect on the site's origin); a token changed in any way is refused; chunked session cookies
//! and the codec round-trip whatever they carry.

#![allow(clippy::unwrap_used, clippy::expect_used)]

mod common;

use common::browser::{Browser, Reply};

use auth_runtime::config::AuthConfig;
use auth_runtime::cookies::{chunk_session_cookie, join_session_chunks};
use auth_runtime::csrf::CsrfToken;
use auth_runtime::error::Reason;
use auth_runtime::jose::JwtCodec;
use auth_runtime::providers::{CredentialField, CredentialsProvider};
use auth_runtime::types::User;
use proptest::prelude::*;
use serde_json::{Map, Value};

const ORIGIN: &str = "http://app.test";
const SECRET: &str = "property-secret";
const SESSION: &str = "authjs.session-token";

fn config() -> AuthConfig {
    AuthConfig::new().secret(SECRET).trust_host(true).provider(
        CredentialsProvider::new()
            .field(CredentialField::new("username", "Username", "text"))
            .field(CredentialField::new("password", "Password", "password"))
            .authorize(|creds, _| async move {
                let ok = creds.get("username").and_then(Value::as_str) == Some("demo")
                    && creds.get("password").and_then(Value::as_str) == Some("demo");
                Ok(ok.then(|| User::new("1").name("Demo")))
            }),
    )
}

/// A value for a query or body field: plain, hostile or random.
fn field_value() -> impl Strategy<Value = String> {
    prop_oneof![
        Just("/dashboard".to_owned()),
        Just("http://app.test/x".to_owned()),
        Just("https://evil.example/".to_owned()),
        Just("http://app.test@evil.example/".to_owned()),
        Just("//evil.example".to_owned()),
        Just("javascript:alert(1)".to_owned()),
        Just("demo".to_owned()),
        "\\PC{0,24}",
    ]
}

#[derive(Debug, Clone)]
struct Generated {
    post: bool,
    path: String,
    query: Vec<(String, String)>,
    body: Vec<(String, String)>,
    json_body: bool,
    /// 0: none, 1: valid, 2: forged, 3: random text.
    csrf_cookie: u8,
    /// 0: none, 1: the cookie's token, 2: random.
    csrf_field: u8,
    /// 0: none, 1: valid session, 2: expired, 3: random text, 4: chunked valid.
    session_cookie: u8,
    random_cookie: String,
    correct_credentials: bool,
}

fn generated() -> impl Strategy<Value = Generated> {
    let segment = prop_oneof![
        Just("csrf"),
        Just("providers"),
        Just("session"),
        Just("signin"),
        Just("signin/credentials"),
        Just("signin/nope"),
        Just("signout"),
        Just("callback/credentials"),
        Just("callback/nope"),
        Just("error"),
        Just("verify-request"),
        Just("webauthn-options/passkey"),
        Just("nope"),
        Just("session/extra/segments"),
    ];
    let key = || {
        prop_oneof![
            Just("callbackUrl".to_owned()),
            Just("error".to_owned()),
            Just("code".to_owned()),
            Just("state".to_owned()),
            Just("csrfToken".to_owned()),
            Just("username".to_owned()),
            Just("password".to_owned()),
            Just("data".to_owned()),
            "[a-z]{1,8}",
        ]
    };
    let pairs = || prop::collection::vec((key(), field_value()), 0..4);
    (
        any::<bool>(),
        segment,
        pairs(),
        pairs(),
        any::<bool>(),
        0u8..4,
        0u8..3,
        0u8..5,
        "[ -~]{0,40}",
        any::<bool>(),
    )
        .prop_map(
            |(
                post,
                segment,
                query,
                body,
                json_body,
                csrf_cookie,
                csrf_field,
                session_cookie,
                random_cookie,
                correct_credentials,
            )| Generated {
                post,
                path: format!("/auth/{segment}"),
                query,
                body,
                json_body,
                csrf_cookie,
                csrf_field,
                session_cookie,
                random_cookie,
                correct_credentials,
            },
        )
}

fn session_claims() -> Map<String, Value> {
    let mut claims = Map::new();
    claims.insert("name".into(), "Demo".into());
    claims.insert("sub".into(), "1".into());
    claims
}

async fn run(g: &Generated) -> (Reply, Browser, bool) {
    let mut b = Browser::new(config(), ORIGIN);
    let codec = JwtCodec::new([SECRET]).unwrap();
    let secrets = vec![SECRET.to_owned()];
    let csrf = CsrfToken::generate(&secrets);
    match g.csrf_cookie {
        1 => {
            b.jar
                .insert("authjs.csrf-token".into(), csrf.cookie_value());
        }
        2 => {
            b.jar.insert(
                "authjs.csrf-token".into(),
                format!("{}|{}", csrf.token(), "0".repeat(64)),
            );
        }
        3 => {
            b.jar
                .insert("authjs.csrf-token".into(), g.random_cookie.clone());
        }
        _ => {}
    }
    let mut valid_session = false;
    match g.session_cookie {
        1 => {
            b.jar.insert(
                SESSION.into(),
                codec.encode(&session_claims(), SESSION, 3600).unwrap(),
            );
            valid_session = true;
        }
        2 => {
            let now = time::OffsetDateTime::now_utc().unix_timestamp();
            b.jar.insert(
                SESSION.into(),
                codec
                    .encode_at(&session_claims(), SESSION, 10, now - 3600)
                    .unwrap(),
            );
        }
        3 => {
            b.jar.insert(SESSION.into(), g.random_cookie.clone());
        }
        4 => {
            let mut claims = session_claims();
            claims.insert("padding".into(), "p".repeat(6000).into());
            let token = codec.encode(&claims, SESSION, 3600).unwrap();
            for (name, value) in chunk_session_cookie(SESSION, &token) {
                b.jar.insert(name, value);
            }
            valid_session = true;
        }
        _ => {}
    }
    let mut body = g.body.clone();
    match g.csrf_field {
        1 => body.push(("csrfToken".into(), csrf.token().to_owned())),
        2 => body.push(("csrfToken".into(), "f".repeat(64))),
        _ => {}
    }
    if g.correct_credentials {
        body.push(("username".into(), "demo".into()));
        body.push(("password".into(), "demo".into()));
    }
    let query = form_urlencoded::Serializer::new(String::new())
        .extend_pairs(&g.query)
        .finish();
    let url = if query.is_empty() {
        g.path.clone()
    } else {
        format!("{}?{query}", g.path)
    };
    let reply = if !g.post {
        b.get(&url).await
    } else if g.json_body {
        let object: Map<String, Value> = body
            .iter()
            .map(|(k, v)| (k.clone(), Value::String(v.clone())))
            .collect();
        b.post_json(&url, &Value::Object(object)).await
    } else {
        let pairs: Vec<(&str, &str)> = body.iter().map(|(k, v)| (k.as_str(), v.as_str())).collect();
        b.post(&url, &pairs).await
    };
    (reply, b, valid_session)
}

/// `len` characters from a seed: mostly ASCII, some two- and three-byte characters, so chunk
/// boundaries fall inside multi-byte characters too.
fn varied_text(len: usize, mut seed: u64) -> String {
    (0..len)
        .map(|_| {
            seed = seed
                .wrapping_mul(6_364_136_223_846_793_005)
                .wrapping_add(1_442_695_040_888_963_407);
            let pick = (seed >> 33) as u32;
            match pick % 8 {
                0 => char::from_u32(0xa0 + pick % 0x700).unwrap_or('é'),
                1 => char::from_u32(0x3040 + pick % 0x60).unwrap_or('日'),
                _ => char::from(b'!' + (pick % 94) as u8),
            }
        })
        .collect()
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 384, .. ProptestConfig::default() })]

    #[test]
    fn the_engine_keeps_its_invariants_over_generated_requests(g in generated()) {
        let runtime = tokio::runtime::Builder::new_current_thread().build().unwrap();
        let (reply, b, valid_session) = runtime.block_on(run(&g));

        // No 5xx for a client's mistake: a 500 only for a callback URL Auth.js refuses too.
        let logged = b.log.take();
        if reply.status >= 500 {
            prop_assert!(
                logged.iter().any(|l| matches!(
                    l.reason,
                    Some(Reason::CallbackUrlQueryInvalid | Reason::RedirectUrlInvalid)
                )),
                "{} for {g:?}: {logged:?}", reply.status
            );
        }
        // Every redirect stays on the site.
        if let Some(location) = reply.headers.get("location") {
            let location = location.to_str().unwrap();
            let parsed = url::Url::parse(location).or_else(|_| url::Url::parse(ORIGIN).unwrap().join(location));
            prop_assert!(parsed.is_ok(), "unusable Location {location:?}");
            prop_assert_eq!(parsed.unwrap().origin().ascii_serialization(), ORIGIN, "{:?}", g);
        }
        // A session cookie is written only for a valid session or a valid sign-in.
        let writes_session = reply
            .set_cookies()
            .iter()
            .any(|c| c.starts_with(SESSION) && !c.contains("Max-Age=0"));
        let signed_in_now = g.post
            && g.path == "/auth/callback/credentials"
            && g.csrf_cookie == 1
            && g.csrf_field == 1
            && g.correct_credentials;
        if writes_session {
            prop_assert!(valid_session || signed_in_now, "session written for {g:?}");
        }
        // And the session JSON is only ever a valid session's.
        if g.path == "/auth/session" && reply.status == 200 {
            let body = reply.json();
            prop_assert!(body.is_null() || valid_session, "session {body} for {g:?}");
        }
    }

    #[test]
    fn a_token_changed_in_any_way_is_refused(index in 0usize..2000, bit in 0u8..8) {
        let codec = JwtCodec::new(["secret", "old"]).unwrap();
        let mut claims = Map::new();
        claims.insert("sub".into(), "user".into());
        let token = codec.encode(&claims, "salt", 60).unwrap();
        let mut bytes = token.clone().into_bytes();
        let i = index % bytes.len();
        bytes[i] ^= 1 << bit;
        if let Ok(tampered) = String::from_utf8(bytes) {
            prop_assert!(tampered != token);
            prop_assert!(codec.decode(&tampered, "salt").is_err(), "accepted a change at {i}");
        }
    }

    #[test]
    fn a_token_with_any_segment_replaced_is_refused(
        segment in 0usize..5,
        replacement in "[A-Za-z0-9_-]{0,60}",
    ) {
        let codec = JwtCodec::new(["secret"]).unwrap();
        let token = codec.encode(&Map::new(), "salt", 60).unwrap();
        let mut parts: Vec<String> = token.split('.').map(str::to_owned).collect();
        prop_assume!(parts[segment] != replacement);
        parts[segment] = replacement;
        prop_assert!(codec.decode(&parts.join("."), "salt").is_err());
    }

    #[test]
    fn chunked_session_cookies_round_trip_whatever_they_carry(
        text in (0usize..9000, any::<u64>()).prop_map(|(len, seed)| varied_text(len, seed)),
        order in prop::collection::vec(any::<u8>(), 0..8),
        foreign in prop::collection::vec(("authjs\\.session-token\\.[a-z]{1,3}", "[a-z]{0,5}"), 0..3),
    ) {
        let chunks = chunk_session_cookie(SESSION, &text);
        prop_assert_eq!(chunks.len() > 1, text.len() > auth_runtime::cookies::CHUNK_SIZE);
        for (_, value) in &chunks {
            prop_assert!(value.len() <= auth_runtime::cookies::CHUNK_SIZE);
        }
        let mut cookies: Vec<(String, String)> = chunks;
        // Any order the browser sends them in, with look-alike cookies beside them.
        for (i, k) in order.iter().enumerate() {
            let len = cookies.len();
            cookies.swap(i % len, usize::from(*k) % len);
        }
        cookies.extend(foreign);
        let joined = join_session_chunks(SESSION, &cookies);
        if text.is_empty() {
            prop_assert_eq!(joined, None);
        } else {
            prop_assert_eq!(joined.as_deref(), Some(text.as_str()));
        }
    }

    #[test]
    fn the_codec_round_trips_any_claims(
        claims in prop::collection::btree_map(
            "[a-z]{1,8}",
            prop_oneof![
                any::<i64>().prop_map(Value::from),
                any::<bool>().prop_map(Value::from),
                "\\PC{0,40}".prop_map(Value::from),
                prop::collection::vec("\\PC{0,8}", 0..4).prop_map(Value::from),
            ],
            0..8,
        ),
        secrets in prop::collection::vec("[ -~]{1,20}", 1..4),
        salt in "[ -~]{0,30}",
    ) {
        let codec = JwtCodec::new(secrets.clone()).unwrap();
        let mut map: Map<String, Value> = claims.into_iter().collect();
        for reserved in ["iat", "exp", "jti", "nbf"] {
            map.remove(reserved);
        }
        let token = codec.encode(&map, &salt, 600).unwrap();
        let decoded = codec.decode(&token, &salt).unwrap();
        for (k, v) in &map {
            prop_assert_eq!(decoded.get(k), Some(v));
        }
        prop_assert_eq!(decoded.len(), map.len() + 3);
        // Every older secret's tokens still decode under rotation; another salt never does.
        let rotated = JwtCodec::new(
            std::iter::once("a brand new secret".to_owned()).chain(secrets),
        )
        .unwrap();
        prop_assert!(rotated.decode(&token, &salt).is_ok());
        let other_salt = format!("{salt}x");
        prop_assert!(codec.decode(&token, &other_salt).is_err());
    }
}
