//! Property tests: no input to the codec, the cookie parser, the CSRF reader or the engine
//! panics; every one gets an answer or a typed error. (The invariants of the answers are in
//! `properties.rs`.)

#![allow(clippy::unwrap_used, clippy::expect_used)]

use auth_runtime::config::AuthConfig;
use auth_runtime::cookies::{join_session_chunks, parse_cookie_header};
use auth_runtime::csrf::CsrfToken;
use auth_runtime::engine::AuthHandler;
use auth_runtime::jose::JwtCodec;
use auth_runtime::providers::CredentialsProvider;
use auth_runtime::types::User;
use base64::Engine as _;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use proptest::prelude::*;

fn codec() -> JwtCodec {
    JwtCodec::new(["secret", "old"]).unwrap()
}

fn b64_segment() -> impl Strategy<Value = String> {
    prop::collection::vec(any::<u8>(), 0..96).prop_map(|b| URL_SAFE_NO_PAD.encode(b))
}

fn header_segment() -> impl Strategy<Value = String> {
    prop_oneof![
        Just(r#"{"alg":"dir","enc":"A256CBC-HS512"}"#.to_owned()),
        Just(r#"{"alg":"dir","enc":"A256GCM"}"#.to_owned()),
        Just(r#"{"alg":"dir","enc":"A256CBC-HS512","kid":7}"#.to_owned()),
        Just(r#"{"alg":"none"}"#.to_owned()),
        Just(r#"[1,2]"#.to_owned()),
        ".*",
    ]
    .prop_map(|h| URL_SAFE_NO_PAD.encode(h))
}

const NOT_IN_QUERY: &percent_encoding::AsciiSet = &percent_encoding::CONTROLS
    .add(b' ')
    .add(b'"')
    .add(b'#')
    .add(b'<')
    .add(b'>')
    .add(b'`')
    .add(b'{')
    .add(b'}')
    .add(b'|')
    .add(b'\\')
    .add(b'^');
const NOT_IN_PATH: &percent_encoding::AsciiSet = &NOT_IN_QUERY.add(b'?');

proptest! {
    #![proptest_config(ProptestConfig { cases: 512, .. ProptestConfig::default() })]

    #[test]
    fn decode_never_panics_on_arbitrary_text(token in ".{0,600}") {
        let _ = codec().decode(&token, "authjs.session-token");
    }

    #[test]
    fn decode_never_panics_on_well_shaped_garbage(
        header in header_segment(),
        key in prop_oneof![Just(String::new()), b64_segment()],
        iv in b64_segment(),
        ct in b64_segment(),
        tag in b64_segment(),
    ) {
        let token = format!("{header}.{key}.{iv}.{ct}.{tag}");
        prop_assert!(codec().decode(&token, "authjs.session-token").is_err());
    }

    #[test]
    fn cookie_parser_never_panics(header in ".{0,300}") {
        let parsed = parse_cookie_header([header.as_str()]);
        let _ = join_session_chunks("authjs.session-token", &parsed);
        for (_, v) in &parsed {
            let _ = CsrfToken::from_cookie(v, &["s".to_owned()]);
        }
    }

    #[test]
    fn engine_answers_every_request(
        method in prop_oneof![Just("GET"), Just("POST"), Just("PUT"), Just("DELETE")],
        path in prop_oneof![
            "/auth/[a-z/-]{0,30}",
            Just("/auth/callback/credentials".to_owned()),
            Just("/auth/session".to_owned()),
            "/[ -~]{0,40}",
        ],
        query in "[ -~]{0,60}",
        cookie in "[ -~]{0,200}",
        content_type in prop_oneof![
            Just("application/json"),
            Just("application/x-www-form-urlencoded"),
            Just("multipart/form-data"),
            Just("text/plain"),
        ],
        body in prop::collection::vec(any::<u8>(), 0..200),
        host in prop_oneof![Just("localhost:3000".to_owned()), "[ -~]{0,30}"],
    ) {
        let runtime = tokio::runtime::Builder::new_current_thread().build().unwrap();
        let handler = AuthHandler::new(
            AuthConfig::new()
                .secret("s")
                .trust_host(true)
                .provider(CredentialsProvider::new().authorize(|_, _| async { Ok(Some(User::new("1"))) })),
        )
        .unwrap();
        // Every generated case is a request: what a URI cannot hold is percent-encoded.
        let uri = format!(
            "{}?{}",
            percent_encoding::utf8_percent_encode(&path, NOT_IN_PATH),
            percent_encoding::utf8_percent_encode(&query, NOT_IN_QUERY),
        );
        let request = http::Request::builder()
            .method(method)
            .uri(uri)
            .header("host", host)
            .header("cookie", cookie)
            .header("content-type", content_type)
            .body(bytes::Bytes::from(body));
        prop_assert!(request.is_ok(), "{:?}", request.err());
        let request = request.unwrap();
        let response = runtime.block_on(handler.handle(request));
        prop_assert!(response.status().as_u16() >= 200);
    }
}
