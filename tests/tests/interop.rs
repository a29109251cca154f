//! Interop between `auth-runtime` and the real `@auth/core` 0.41.3 (Auth.js) under Node.
//!
//! Every test runs Auth.js through the peer scripts in `tests/peers/`; they need Node.js 20+
//! and `npm ci --prefix tests`. Spec references are to `authjs-v5.md` §2–§4 and Appendix A.

#![allow(clippy::unwrap_used)]

use std::time::{SystemTime, UNIX_EPOCH};

use auth_runtime::cookies::{CHUNK_SIZE, chunk_session_cookie, join_session_chunks};
use auth_runtime::csrf::csrf_hash;
use auth_runtime::jose::{DEFAULT_MAX_AGE, JwtCodec};
use auth_tests::{AuthServer, peer, peer_json, run_peer};
use base64::Engine as _;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use serde_json::{Map, Value, json};

const SESSION: &str = "authjs.session-token";
const SECURE_SESSION: &str = "__Secure-authjs.session-token";
const SESSION_SALTS: [&str; 2] = [SESSION, SECURE_SESSION];

// ---------------------------------------------------------------------------------------------
// helpers

fn now() -> i64 {
    i64::try_from(
        SystemTime::now()
            .duration_since(UNIX_EPOCH)
            .unwrap()
            .as_secs(),
    )
    .unwrap()
}

fn obj(value: Value) -> Map<String, Value> {
    match value {
        Value::Object(map) => map,
        other => panic!("expected a JSON object, got {other}"),
    }
}

fn codec(secrets: &[&str]) -> JwtCodec {
    JwtCodec::new(secrets.iter().copied()).unwrap()
}

/// Auth.js's own `encode` from `@auth/core/jwt`.
fn authjs_encode(secret: Value, salt: &str, token: &Value) -> String {
    peer(
        "jwt.mjs",
        &["encode"],
        &json!({"secret": secret, "salt": salt, "token": token}),
    )
}

/// Auth.js's own `decode` from `@auth/core/jwt`: `Ok(claims)` or `Err(error code)`.
fn authjs_decode(secret: Value, salt: &str, token: &str) -> Result<Map<String, Value>, String> {
    authjs_decode_input(json!({"secret": secret, "salt": salt, "token": token}))
}

/// Auth.js's `decode` with jose's clock frozen at `now`.
fn authjs_decode_at(
    secret: Value,
    salt: &str,
    token: &str,
    now: i64,
) -> Result<Map<String, Value>, String> {
    authjs_decode_input(json!({"secret": secret, "salt": salt, "token": token, "now": now}))
}

fn authjs_decode_input(input: Value) -> Result<Map<String, Value>, String> {
    let out = run_peer("jwt.mjs", &["decode"], &input.to_string());
    if out.success() {
        Ok(obj(serde_json::from_str(out.stdout.trim()).unwrap()))
    } else {
        assert!(
            !out.stderr.trim().is_empty(),
            "Auth.js decode failed silently"
        );
        Err(out.stderr.trim().to_owned())
    }
}

/// A `dir` JWE minted with jose directly (claims verbatim, no iat/exp/jti added).
fn jose_token(secret: &str, salt: &str, enc: &str, kid: bool, claims: &Value) -> String {
    peer(
        "jwt.mjs",
        &["encode-raw"],
        &json!({"secret": secret, "salt": salt, "enc": enc, "kid": kid, "claims": claims}),
    )
}

fn header_of(token: &str) -> Map<String, Value> {
    let segment = token.split('.').next().unwrap();
    obj(serde_json::from_slice(&URL_SAFE_NO_PAD.decode(segment).unwrap()).unwrap())
}

fn without_registered(mut claims: Map<String, Value>) -> Map<String, Value> {
    for key in ["iat", "exp", "jti"] {
        claims.shift_remove(key);
    }
    claims
}

fn is_uuid_v4(s: &str) -> bool {
    let groups: Vec<&str> = s.split('-').collect();
    groups.iter().map(|g| g.len()).collect::<Vec<_>>() == [8, 4, 4, 4, 12]
        && s.chars()
            .all(|c| c == '-' || (c.is_ascii_hexdigit() && !c.is_ascii_uppercase()))
        && groups[2].starts_with('4')
        && matches!(groups[3].chars().next(), Some('8' | '9' | 'a' | 'b'))
}

/// Claims with things that break naive JSON handling. Floats are ones that print and parse the
/// same in JavaScript and serde_json; integers stay within ±(2^53 - 1), the range JS keeps exact.
fn awkward_claims() -> Value {
    json!({
        "name": "Zoë 😀 𝄞 日本語 한국어 e\u{301} a\u{30a} ﷽",
        "family": "👨‍👩‍👧‍👦 🏳️‍🌈",
        "picture": null,
        "nested": {
            "list": [1, {"b": null, "c": ["x", {"d": "深い"}]}, [], {}],
            "deeper": {"and": {"deeper": {"still": true}}}
        },
        "max_safe": 9_007_199_254_740_991_i64,
        "min_safe": -9_007_199_254_740_991_i64,
        "zero": 0,
        "float": 0.1,
        "pi": std::f64::consts::PI,
        "tiny": -1.5e-10,
        "huge": 1e21,
        "flag": false,
        "escapes": "quote \" backslash \\ slash / newline \n tab \t nul \u{0} del \u{7f} ls \u{2028} ps \u{2029}",
        "sub": "user-1"
    })
}

// ---------------------------------------------------------------------------------------------
// 1. tokens cross between Auth.js and Rust

#[test]
fn authjs_minted_token_decodes_in_rust_for_both_session_salts() {
    let claims =
        json!({"name": "Alice", "email": "alice@example.com", "picture": null, "sub": "user-1"});
    for salt in SESSION_SALTS {
        let token = authjs_encode(json!("secret"), salt, &claims);
        let decoded = codec(&["secret"]).decode(&token, salt).unwrap();
        assert_eq!(
            without_registered(decoded.clone()),
            obj(claims.clone()),
            "salt {salt}"
        );
        let (iat, exp) = (
            decoded["iat"].as_i64().unwrap(),
            decoded["exp"].as_i64().unwrap(),
        );
        assert_eq!(exp - iat, 2_592_000, "Auth.js default maxAge, salt {salt}");
        assert!(is_uuid_v4(decoded["jti"].as_str().unwrap()));
        // The salt is part of the key: the other cookie name must not decrypt it.
        let other = SESSION_SALTS.iter().find(|s| **s != salt).unwrap();
        assert!(
            codec(&["secret"]).decode(&token, other).is_err(),
            "salt {salt} decoded as {other}"
        );
    }
}

#[test]
fn rust_minted_token_decodes_in_authjs_for_both_session_salts() {
    let claims =
        obj(json!({"name": "Bob", "email": "bob@example.com", "picture": null, "sub": "7"}));
    for salt in SESSION_SALTS {
        let token = codec(&["secret"]).encode(&claims, salt, 3600).unwrap();
        let decoded = authjs_decode(json!("secret"), salt, &token).unwrap();
        assert_eq!(without_registered(decoded.clone()), claims, "salt {salt}");
        let (iat, exp) = (
            decoded["iat"].as_i64().unwrap(),
            decoded["exp"].as_i64().unwrap(),
        );
        assert_eq!(exp - iat, 3600);
        assert!((iat - now()).abs() <= 5, "iat {iat} is not now");
        assert!(is_uuid_v4(decoded["jti"].as_str().unwrap()));
        let other = SESSION_SALTS.iter().find(|s| **s != salt).unwrap();
        assert!(authjs_decode(json!("secret"), other, &token).is_err());
    }
}

#[test]
fn unicode_null_nested_and_large_number_claims_round_trip_both_ways() {
    let claims = awkward_claims();
    // Auth.js -> Rust
    let token = authjs_encode(json!("s3cr3t"), SESSION, &claims);
    let decoded = codec(&["s3cr3t"]).decode(&token, SESSION).unwrap();
    assert_eq!(Value::Object(without_registered(decoded)), claims);
    // Rust -> Auth.js
    let token = codec(&["s3cr3t"])
        .encode(&obj(claims.clone()), SESSION, DEFAULT_MAX_AGE)
        .unwrap();
    let decoded = authjs_decode(json!("s3cr3t"), SESSION, &token).unwrap();
    assert_eq!(Value::Object(without_registered(decoded)), claims);
}

#[test]
fn claim_order_is_token_fields_then_iat_exp_jti_in_rust_and_authjs() {
    let claims = json!({"name": "A", "email": "a@example.com", "picture": null, "sub": "1"});
    let expected = ["name", "email", "picture", "sub", "iat", "exp", "jti"];
    let rust_token = codec(&["secret"])
        .encode(&obj(claims.clone()), SESSION, 60)
        .unwrap();
    let seen_by_authjs = authjs_decode(json!("secret"), SESSION, &rust_token).unwrap();
    assert_eq!(seen_by_authjs.keys().collect::<Vec<_>>(), expected);
    let authjs_token = authjs_encode(json!("secret"), SESSION, &claims);
    let seen_by_rust = codec(&["secret"]).decode(&authjs_token, SESSION).unwrap();
    assert_eq!(seen_by_rust.keys().collect::<Vec<_>>(), expected);
}

#[test]
fn encode_overwrites_incoming_iat_exp_jti_in_rust_as_in_authjs() {
    let claims = json!({"iat": 1, "exp": 2, "jti": "stale", "sub": "1"});
    let rust_token = codec(&["secret"])
        .encode(&obj(claims.clone()), SESSION, 120)
        .unwrap();
    let authjs_token = peer(
        "jwt.mjs",
        &["encode"],
        &json!({"secret": "secret", "salt": SESSION, "maxAge": 120, "token": claims}),
    );
    for (who, token) in [("rust", rust_token), ("authjs", authjs_token)] {
        let decoded = authjs_decode(json!("secret"), SESSION, &token).unwrap();
        let (iat, exp) = (
            decoded["iat"].as_i64().unwrap(),
            decoded["exp"].as_i64().unwrap(),
        );
        assert!(
            (iat - now()).abs() <= 5,
            "{who}: iat {iat} was not overwritten"
        );
        assert_eq!(exp - iat, 120, "{who}: exp was not overwritten");
        assert!(
            is_uuid_v4(decoded["jti"].as_str().unwrap()),
            "{who}: jti was not overwritten"
        );
        assert_eq!(decoded["sub"], "1");
        // An overwritten claim keeps its place (JS property assignment, IndexMap insert).
        assert_eq!(
            decoded.keys().collect::<Vec<_>>(),
            ["iat", "exp", "jti", "sub"],
            "{who}"
        );
    }
}

#[test]
fn default_max_age_is_30_days_like_authjs() {
    assert_eq!(DEFAULT_MAX_AGE, 2_592_000);
    let token = codec(&["secret"])
        .encode(&Map::new(), SESSION, DEFAULT_MAX_AGE)
        .unwrap();
    let decoded = authjs_decode(json!("secret"), SESSION, &token).unwrap();
    assert_eq!(
        decoded["exp"].as_i64().unwrap() - decoded["iat"].as_i64().unwrap(),
        2_592_000
    );
}

#[test]
fn rust_token_header_and_segments_match_authjs_byte_for_byte() {
    let rust_token = codec(&["secret"])
        .encode(&obj(json!({"a": 1})), SESSION, 60)
        .unwrap();
    let authjs_token = authjs_encode(json!("secret"), SESSION, &json!({"a": 1}));
    let rust: Vec<&str> = rust_token.split('.').collect();
    let authjs: Vec<&str> = authjs_token.split('.').collect();
    assert_eq!(rust.len(), 5);
    assert_eq!(
        rust[0], authjs[0],
        "protected header segment differs from Auth.js's"
    );
    let header = URL_SAFE_NO_PAD.decode(rust[0]).unwrap();
    assert!(
        String::from_utf8(header)
            .unwrap()
            .starts_with(r#"{"alg":"dir","enc":"A256CBC-HS512","kid":""#),
        "header key order is alg, enc, kid"
    );
    assert_eq!(rust[0].len(), 174);
    assert_eq!(rust[1], "", "dir has an empty encrypted-key segment");
    assert_eq!(rust[2].len(), 22, "16-byte IV");
    assert_eq!(rust[4].len(), 43, "32-byte tag");
    // Same plaintext length (same claims, same-length iat/exp/jti) gives the same ciphertext length.
    assert_eq!(rust[3].len(), authjs[3].len());
    assert_ne!(rust[2], authjs[2], "IVs must be random");
}

// ---------------------------------------------------------------------------------------------
// rotated secrets

#[test]
fn rust_encrypts_with_first_secret_and_authjs_picks_the_secret_by_kid() {
    let claims = obj(json!({"sub": "rotated"}));
    let token = codec(&["new", "old"]).encode(&claims, SESSION, 60).unwrap();
    assert_eq!(
        header_of(&token)["kid"],
        header_of(&authjs_encode(json!("new"), SESSION, &json!({})))["kid"],
        "kid must be the thumbprint of the first secret's key"
    );
    for secrets in [json!(["new", "old"]), json!(["x", "new"]), json!("new")] {
        let decoded = authjs_decode(secrets.clone(), SESSION, &token)
            .unwrap_or_else(|e| panic!("Auth.js with {secrets} rejected the token: {e}"));
        assert_eq!(decoded["sub"], "rotated");
    }
    let err = authjs_decode(json!(["old", "x"]), SESSION, &token).unwrap_err();
    assert!(err.contains("no matching decryption secret"), "{err}");
}

#[test]
fn authjs_token_from_old_secret_decodes_in_rust_after_rotation() {
    let token = authjs_encode(json!(["old"]), SESSION, &json!({"sub": "before-rotation"}));
    let decoded = codec(&["new", "old"]).decode(&token, SESSION).unwrap();
    assert_eq!(decoded["sub"], "before-rotation");
    let also = codec(&["a", "b", "old", "c"])
        .decode(&token, SESSION)
        .unwrap();
    assert_eq!(also["sub"], "before-rotation");
    assert!(
        codec(&["new"]).decode(&token, SESSION).is_err(),
        "a retired secret must not be guessed"
    );
}

#[test]
fn kidless_token_decodes_only_with_the_first_secret_in_rust_and_authjs() {
    let token = jose_token(
        "secret",
        SESSION,
        "A256CBC-HS512",
        false,
        &json!({"sub": "no-kid", "exp": 4_102_444_800_i64}),
    );
    assert!(!header_of(&token).contains_key("kid"));
    // Appendix A: kid-less → only secrets[0] is tried.
    assert_eq!(
        codec(&["secret"]).decode(&token, SESSION).unwrap()["sub"],
        "no-kid"
    );
    assert_eq!(
        codec(&["secret", "other"]).decode(&token, SESSION).unwrap()["sub"],
        "no-kid"
    );
    assert!(codec(&["other", "secret"]).decode(&token, SESSION).is_err());
    // Auth.js agrees.
    assert_eq!(
        authjs_decode(json!(["secret"]), SESSION, &token).unwrap()["sub"],
        "no-kid"
    );
    let err = authjs_decode(json!(["other", "secret"]), SESSION, &token).unwrap_err();
    assert!(err.starts_with("ERR_JWE_DECRYPTION_FAILED"), "{err}");
}

#[test]
fn kidless_a256gcm_token_from_jose_decodes_in_rust() {
    let claims = json!({"name": "GCM ✓", "sub": "gcm", "exp": now() + 600});
    let token = peer(
        "jwt.mjs",
        &["encode-gcm"],
        &json!({"secret": "secret", "salt": SESSION, "claims": claims}),
    );
    let header = header_of(&token);
    assert_eq!(
        Value::Object(header),
        json!({"alg": "dir", "enc": "A256GCM"})
    );
    assert_eq!(
        Value::Object(codec(&["secret"]).decode(&token, SESSION).unwrap()),
        claims
    );
    assert_eq!(
        Value::Object(codec(&["secret", "x"]).decode(&token, SESSION).unwrap()),
        claims
    );
    assert!(
        codec(&["x", "secret"]).decode(&token, SESSION).is_err(),
        "kid-less: first secret only"
    );
    assert!(
        codec(&["secret"]).decode(&token, SECURE_SESSION).is_err(),
        "wrong salt"
    );
    assert_eq!(
        Value::Object(authjs_decode(json!("secret"), SESSION, &token).unwrap()),
        claims
    );
}

#[test]
fn a256gcm_token_with_sha256_kid_picks_the_rotated_secret_in_rust() {
    let token = jose_token(
        "secret",
        SESSION,
        "A256GCM",
        true,
        &json!({"sub": "gcm-kid", "exp": 4_102_444_800_i64}),
    );
    let kid = header_of(&token)["kid"].as_str().unwrap().to_owned();
    assert_eq!(kid.len(), 43, "SHA-256 thumbprint of the 32-byte key");
    assert_eq!(
        authjs_decode(json!(["other", "secret"]), SESSION, &token).unwrap()["sub"],
        "gcm-kid"
    );
    assert_eq!(
        codec(&["other", "secret"]).decode(&token, SESSION).unwrap()["sub"],
        "gcm-kid"
    );
    assert!(codec(&["other"]).decode(&token, SESSION).is_err());
}

// ---------------------------------------------------------------------------------------------
// time claims (jose clockTolerance 15 s: `exp <= now - 15` and `nbf > now + 15` fail)

#[test]
fn exp_10s_past_is_accepted_and_20s_past_rejected_by_rust() {
    let t = now();
    for (offset, ok) in [(10, true), (20, false)] {
        let token = jose_token(
            "secret",
            SESSION,
            "A256CBC-HS512",
            true,
            &json!({"exp": t - offset}),
        );
        assert_eq!(
            codec(&["secret"]).decode(&token, SESSION).is_ok(),
            ok,
            "exp now-{offset}"
        );
        assert_eq!(
            authjs_decode(json!("secret"), SESSION, &token).is_ok(),
            ok,
            "Auth.js, exp now-{offset}"
        );
    }
}

#[test]
fn exp_tolerance_boundary_is_14s_accepted_15s_rejected_in_rust_and_authjs() {
    let exp = 1_700_000_000_i64;
    let token = jose_token(
        "secret",
        SESSION,
        "A256CBC-HS512",
        true,
        &json!({"exp": exp, "sub": "t"}),
    );
    for (offset, ok) in [
        (-3600, true),
        (0, true),
        (10, true),
        (14, true),
        (15, false),
        (20, false),
    ] {
        let at = exp + offset;
        let rust = codec(&["secret"]).decode_at(&token, SESSION, at);
        let authjs = authjs_decode_at(json!("secret"), SESSION, &token, at);
        assert_eq!(rust.is_ok(), ok, "Rust at exp{offset:+}: {rust:?}");
        assert_eq!(authjs.is_ok(), ok, "Auth.js at exp{offset:+}: {authjs:?}");
        if let Err(code) = authjs {
            assert!(code.starts_with("ERR_JWT_EXPIRED"), "{code}");
        }
    }
}

#[test]
fn nbf_tolerance_is_15s_in_rust_and_authjs() {
    let nbf = 1_700_000_000_i64;
    let token = jose_token(
        "secret",
        SESSION,
        "A256CBC-HS512",
        true,
        &json!({"nbf": nbf, "exp": 4_102_444_800_i64}),
    );
    for (offset, ok) in [
        (-16, false),
        (-15, true),
        (-10, true),
        (0, true),
        (3600, true),
    ] {
        let at = nbf + offset;
        let rust = codec(&["secret"]).decode_at(&token, SESSION, at);
        let authjs = authjs_decode_at(json!("secret"), SESSION, &token, at);
        assert_eq!(rust.is_ok(), ok, "Rust at nbf{offset:+}: {rust:?}");
        assert_eq!(authjs.is_ok(), ok, "Auth.js at nbf{offset:+}: {authjs:?}");
    }
}

#[test]
fn future_iat_and_fractional_exp_are_accepted_in_rust_and_authjs() {
    let t = 1_700_000_000_i64;
    let cases = [
        json!({"iat": t + 86_400, "exp": t + 3600}),
        json!({"exp": t as f64 + 0.5}),
        json!({"exp": t as f64 - 14.5}),
    ];
    for claims in cases {
        let token = jose_token("secret", SESSION, "A256CBC-HS512", true, &claims);
        assert!(
            authjs_decode_at(json!("secret"), SESSION, &token, t).is_ok(),
            "Auth.js {claims}"
        );
        assert!(
            codec(&["secret"]).decode_at(&token, SESSION, t).is_ok(),
            "Rust {claims}"
        );
    }
}

/// Difference 37: Auth.js accepts a token without `exp` (it never expires); Rust refuses it.
#[test]
fn a_token_without_exp_is_accepted_by_authjs_and_refused_in_rust() {
    let t = 1_700_000_000_i64;
    let token = jose_token(
        "secret",
        SESSION,
        "A256CBC-HS512",
        true,
        &json!({"sub": "forever"}),
    );
    assert!(authjs_decode_at(json!("secret"), SESSION, &token, t).is_ok());
    assert!(codec(&["secret"]).decode_at(&token, SESSION, t).is_err());
}

#[test]
fn non_numeric_time_claims_are_rejected_by_rust_and_authjs() {
    let t = 1_700_000_000_i64;
    let cases = [
        json!({"exp": "4102444800"}),
        json!({"exp": null}),
        json!({"iat": "now"}),
        json!({"iat": null}),
        json!({"nbf": true}),
        json!({"nbf": [1]}),
    ];
    for claims in cases {
        let token = jose_token("secret", SESSION, "A256CBC-HS512", true, &claims);
        let authjs = authjs_decode_at(json!("secret"), SESSION, &token, t);
        assert!(
            authjs
                .as_ref()
                .is_err_and(|e| e.starts_with("ERR_JWT_CLAIM_VALIDATION_FAILED")),
            "Auth.js {claims}: {authjs:?}"
        );
        let rust = codec(&["secret"]).decode_at(&token, SESSION, t);
        assert!(rust.is_err(), "Rust accepted {claims}: {rust:?}");
    }
}

#[test]
fn unsupported_content_encryption_is_rejected_by_rust_and_authjs() {
    for enc in ["A128GCM", "A128CBC-HS256"] {
        let token = jose_token("secret", SESSION, enc, false, &json!({"sub": "1"}));
        let authjs = authjs_decode(json!("secret"), SESSION, &token);
        assert!(
            authjs
                .as_ref()
                .is_err_and(|e| e.starts_with("ERR_JOSE_ALG_NOT_ALLOWED")),
            "{enc}: {authjs:?}"
        );
        assert!(
            codec(&["secret"]).decode(&token, SESSION).is_err(),
            "Rust accepted enc {enc}"
        );
    }
}

// ---------------------------------------------------------------------------------------------
// 2. Appendix A vectors

const APPENDIX_A_TOKEN: &str = "eyJhbGciOiJkaXIiLCJlbmMiOiJBMjU2Q0JDLUhTNTEyIiwia2lkIjoiN3g5RFVNVmFFVTZnaWFiMGwwT1dEdDRlNFNzUkhfY2J3TW9mMkV6RXl5Nm9uSzVvOHhTUFBCNzk5UlZvcW0ydjZ6Njc0a1FDdjlqb20yVDhTLWExZFEifQ..1vw7m3GbLGQUn1fGdes0rw.Pod6RDp1RNWXwB2NFJwT6WGmK6x7qnIAf8UVqWx64wvhb4R5OJb9Q7M2qs6Bqhw9l9-ISOFAUOrzd0ab0Gq6yyBLuvnX1XqUTDdQRJlvy3rskotgcQ7ireKSFp5I5TASvxs8dbSGHjjKasVJZ4OGU-7roI7hFLHCdDUBiWVU3R-n1TRFGQIXwod2UPFCZdb-UMCdXYcGjUE51kmb2fbI8Q.P1qy00FCRaj0UXFU5GopoPmJmcbPUMadAooRb8g9Wn8";
const APPENDIX_A_PAYLOAD: &str = r#"{"name":"Alice","email":"alice@example.com","picture":null,"sub":"user-1","iat":1700000000,"exp":4102444800,"jti":"00000000-0000-4000-8000-000000000000"}"#;

#[test]
fn appendix_a_token_decodes_with_single_and_rotated_secrets_to_the_exact_payload() {
    for secrets in [&["secret"][..], &["other", "secret"][..]] {
        let decoded = codec(secrets).decode(APPENDIX_A_TOKEN, SESSION).unwrap();
        assert_eq!(
            serde_json::to_string(&decoded).unwrap(),
            APPENDIX_A_PAYLOAD,
            "secrets {secrets:?}"
        );
        // The spec's vector is also what Auth.js itself reads.
        let authjs = authjs_decode(json!(secrets), SESSION, APPENDIX_A_TOKEN).unwrap();
        assert_eq!(serde_json::to_string(&authjs).unwrap(), APPENDIX_A_PAYLOAD);
    }
    assert!(codec(&["other"]).decode(APPENDIX_A_TOKEN, SESSION).is_err());
    assert!(
        codec(&["secret"])
            .decode(APPENDIX_A_TOKEN, SECURE_SESSION)
            .is_err()
    );
}

#[test]
fn token_segments_are_174_0_22_padded_ciphertext_43_in_rust_and_the_appendix_a_vector() {
    let lengths: Vec<usize> = APPENDIX_A_TOKEN.split('.').map(str::len).collect();
    assert_eq!(
        lengths,
        [174, 0, 22, 214, 43],
        "Appendix A token (160-byte ciphertext)"
    );
    for pad in [0, 1, 15, 16, 17, 100] {
        let token = codec(&["secret"])
            .encode(&obj(json!({"p": "x".repeat(pad)})), SESSION, 60)
            .unwrap();
        // The plaintext as Auth.js reads it back (same JSON text: ASCII, no floats).
        let claims = authjs_decode(json!("secret"), SESSION, &token).unwrap();
        let plaintext_len = serde_json::to_string(&claims).unwrap().len();
        // AES-CBC with PKCS#7: the ciphertext is the plaintext rounded up to the next full block.
        let ct_bytes = (plaintext_len / 16 + 1) * 16;
        let lengths: Vec<usize> = token.split('.').map(str::len).collect();
        assert_eq!(
            lengths,
            [174, 0, 22, (ct_bytes * 4).div_ceil(3), 43],
            "plaintext of {plaintext_len} bytes"
        );
    }
}

#[test]
fn appendix_a_hkdf_key_matches_authjs_derivation() {
    let derived = peer_json(
        "jwt.mjs",
        &["derive"],
        &json!({"secret": "secret", "salt": SESSION}),
    );
    assert_eq!(
        derived["key"],
        "b1ef6cdd915c44c0a71232574a6a70546a5e16d12bb38df4638e3b96bdd32025\
         131e90695ff072a9d148f1511c7a4981a85b63a628311da1fa7ccfc49c47c2bb"
    );
}

#[test]
fn appendix_a_kid_thumbprints_for_listed_salts() {
    let vectors = [
        (
            SESSION,
            "7x9DUMVaEU6giab0l0OWDt4e4SsRH_cbwMof2EzEyy6onK5o8xSPPB799RVoqm2v6z674kQCv9jom2T8S-a1dQ",
        ),
        (
            SECURE_SESSION,
            "7E3YIGAxRtn6djTGy1UjZrFvXELHKzM9vfWl0nQ4b88EsnrmmX0grN0VKis7G3fjgB626TXm_lEtBG1N0E7Xyg",
        ),
        (
            "__Secure-authjs.pkce.code_verifier",
            "BJQxB720o6qxYTYA-9rLKUhxW_7oEJJNHj3f5bCS2BzOUffdS-lq-GyRzApH9jvr594LLMzj0luRr5t96isIOg",
        ),
        (
            "__Secure-authjs.state",
            "fcl0Y4hjz4MvY3nH8v6WQIuRiyVVgF4fftOsRWlIr7-W0AUbygzUwuXi29OM_BBqx9zGDcIHKGpOu2QFT9Mp0g",
        ),
        (
            "encodedState",
            "ze1rGMPGVDubcXDnXo8NkdIqeDyuSSG3mI5gRPgxRiRlgDu9MMjrpKw4-pNomgcTqiQZlith1dCysR6uVPfKfg",
        ),
    ];
    let codec = codec(&["secret"]);
    for (salt, kid) in vectors {
        let token = codec.encode(&Map::new(), salt, 60).unwrap();
        assert_eq!(header_of(&token)["kid"], kid, "Rust kid for salt {salt}");
        let authjs = authjs_encode(json!("secret"), salt, &json!({}));
        assert_eq!(
            header_of(&authjs)["kid"],
            kid,
            "Auth.js kid for salt {salt}"
        );
    }
}

#[test]
fn appendix_a_csrf_vector() {
    let token = "a".repeat(64);
    let expected = "903c1490e042a075338b0e597cd889260f671063edb09ab070d2634e8277cf9c";
    assert_eq!(csrf_hash(&token, &["secret".to_owned()]), expected);
    let verdict = peer_json(
        "csrf.mjs",
        &["verify"],
        &json!({"secret": "secret", "token": token, "hash": expected}),
    );
    assert_eq!(
        verdict["accepted"], true,
        "Auth.js must accept the Appendix A CSRF cookie"
    );
}

// ---------------------------------------------------------------------------------------------
// 3. CSRF hashes

#[test]
fn csrf_hash_matches_authjs_for_a_single_secret() {
    let minted = peer_json("csrf.mjs", &["mint"], &json!({"secret": "secret"}));
    let (token, hash) = (
        minted["token"].as_str().unwrap(),
        minted["hash"].as_str().unwrap(),
    );
    assert_eq!(token.len(), 64);
    assert!(
        token
            .chars()
            .all(|c| c.is_ascii_hexdigit() && !c.is_ascii_uppercase())
    );
    assert_eq!(csrf_hash(token, &["secret".to_owned()]), hash);
    // And Auth.js trusts a cookie hashed by Rust.
    let own = "0123456789abcdef".repeat(4);
    let rust_hash = csrf_hash(&own, &["secret".to_owned()]);
    let verdict = peer_json(
        "csrf.mjs",
        &["verify"],
        &json!({"secret": "secret", "token": own, "hash": rust_hash}),
    );
    assert_eq!(verdict["accepted"], true);
}

#[test]
fn csrf_hash_matches_authjs_for_a_secret_list_joined_with_commas() {
    let secrets = vec!["s1".to_owned(), "s2".to_owned(), "s3".to_owned()];
    let minted = peer_json("csrf.mjs", &["mint"], &json!({"secret": secrets}));
    let (token, hash) = (
        minted["token"].as_str().unwrap(),
        minted["hash"].as_str().unwrap(),
    );
    assert_eq!(csrf_hash(token, &secrets), hash);
    assert_eq!(
        csrf_hash(token, &["s1,s2,s3".to_owned()]),
        hash,
        "the list is comma-joined"
    );
    assert_ne!(csrf_hash(token, &secrets[..1]), hash);

    let own = "f".repeat(64);
    let rust_hash = csrf_hash(&own, &secrets);
    let accepted = peer_json(
        "csrf.mjs",
        &["verify"],
        &json!({"secret": secrets, "token": own, "hash": rust_hash}),
    );
    assert_eq!(accepted["accepted"], true);
    let first_only = csrf_hash(&own, &secrets[..1]);
    let rejected = peer_json(
        "csrf.mjs",
        &["verify"],
        &json!({"secret": secrets, "token": own, "hash": first_only}),
    );
    assert_eq!(
        rejected["accepted"], false,
        "hashing only the first secret must not pass Auth.js"
    );
}

// ---------------------------------------------------------------------------------------------
// 4. chunked session cookies

fn pairs(list: &[(&str, &str)]) -> Vec<(String, String)> {
    list.iter()
        .map(|(n, v)| ((*n).to_owned(), (*v).to_owned()))
        .collect()
}

fn cookie_header(cookies: &[(String, String)]) -> String {
    cookies
        .iter()
        .map(|(n, v)| format!("{n}={v}"))
        .collect::<Vec<_>>()
        .join("; ")
}

#[test]
fn chunking_a_7000_char_token_gives_3936_then_the_rest() {
    assert_eq!(CHUNK_SIZE, 3936);
    let value: String = (0..7000)
        .map(|i| char::from(b'a' + (i % 26) as u8))
        .collect();
    let chunks = chunk_session_cookie(SESSION, &value);
    let names: Vec<&str> = chunks.iter().map(|(n, _)| n.as_str()).collect();
    assert_eq!(names, ["authjs.session-token.0", "authjs.session-token.1"]);
    assert_eq!(chunks[0].1.len(), 3936);
    assert_eq!(chunks[1].1.len(), 7000 - 3936);
    assert_eq!(format!("{}{}", chunks[0].1, chunks[1].1), value);
    assert_eq!(
        join_session_chunks(SESSION, &chunks).as_deref(),
        Some(value.as_str())
    );
}

#[test]
fn chunk_count_is_ceil_of_length_over_3936_and_one_chunk_keeps_the_plain_name() {
    for (len, expected) in [
        (1, 1),
        (3935, 1),
        (3936, 1),
        (3937, 2),
        (7872, 2),
        (7873, 3),
        (12_000, 4),
    ] {
        let value = "x".repeat(len);
        let chunks = chunk_session_cookie(SECURE_SESSION, &value);
        assert_eq!(chunks.len(), expected, "length {len}");
        if expected == 1 {
            assert_eq!(chunks[0].0, SECURE_SESSION);
        } else {
            for (i, (name, chunk)) in chunks.iter().enumerate() {
                assert_eq!(name, &format!("{SECURE_SESSION}.{i}"));
                assert!(chunk.len() == CHUNK_SIZE || i == expected - 1);
            }
        }
        assert_eq!(
            join_session_chunks(SECURE_SESSION, &chunks).as_deref(),
            Some(value.as_str())
        );
    }
}

#[test]
fn join_session_chunks_reads_cookies_like_authjs_get_token() {
    let cases: Vec<Vec<(String, String)>> = vec![
        pairs(&[("authjs.session-token", "PLAIN")]),
        pairs(&[
            ("authjs.session-token.1", "B"),
            ("authjs.session-token.0", "A"),
        ]),
        // Numeric, not lexicographic: .10 after .2.
        pairs(&[
            ("authjs.session-token.10", "K"),
            ("authjs.session-token.2", "C"),
            ("other", "zzz"),
            ("authjs.session-token.0", "A"),
            ("authjs.session-token.1", "B"),
        ]),
        // Empty values (deleted chunks) are skipped; foreign cookies are ignored.
        pairs(&[
            ("authjs.session-token.0", "A"),
            ("authjs.session-token.1", ""),
            ("authjs.session-token.2", "C"),
            ("authjs.callback-url", "http%3A%2F%2Flocalhost"),
            ("authjs.csrf-token", "t%7Ch"),
        ]),
        pairs(&[("authjs.callback-url", "x"), ("authjs.session-token.0", "")]),
        pairs(&[]),
    ];
    for cookies in cases {
        let authjs: Value = serde_json::from_str(&peer(
            "jwt.mjs",
            &["read-cookie"],
            &json!({"cookie": cookie_header(&cookies)}),
        ))
        .unwrap();
        let rust = join_session_chunks(SESSION, &cookies);
        assert_eq!(rust.as_deref(), authjs.as_str(), "cookies {cookies:?}");
    }
}

fn http() -> reqwest::Client {
    reqwest::Client::builder()
        .redirect(reqwest::redirect::Policy::none())
        .timeout(std::time::Duration::from_secs(30))
        .build()
        .unwrap()
}

fn set_cookies(response: &reqwest::Response) -> Vec<(String, String)> {
    response
        .headers()
        .get_all(reqwest::header::SET_COOKIE)
        .iter()
        .map(|line| {
            let line = line.to_str().unwrap();
            let pair = line.split(';').next().unwrap();
            let (name, value) = pair.split_once('=').unwrap();
            (name.to_owned(), value.to_owned())
        })
        .collect()
}

/// Merges `new` into a hand-kept cookie jar: a cookie with an empty value is a deletion.
fn update_jar(jar: &mut Vec<(String, String)>, new: &[(String, String)]) {
    for (name, value) in new {
        jar.retain(|(n, _)| n != name);
        if !value.is_empty() {
            jar.push((name.clone(), value.clone()));
        }
    }
}

fn session_chunks(cookies: &[(String, String)]) -> Vec<(String, String)> {
    cookies
        .iter()
        .filter(|(n, v)| n.starts_with(SESSION) && !v.is_empty())
        .cloned()
        .collect()
}

/// Signs in through Auth.js's credentials flow and returns the jar afterwards.
async fn sign_in(server: &AuthServer, username: &str) -> Vec<(String, String)> {
    let client = http();
    let mut jar = Vec::new();
    let csrf = client.get(server.url("/auth/csrf")).send().await.unwrap();
    assert_eq!(csrf.status(), 200);
    update_jar(&mut jar, &set_cookies(&csrf));
    let csrf_token = csrf.json::<Value>().await.unwrap()["csrfToken"]
        .as_str()
        .unwrap()
        .to_owned();
    let body = format!("csrfToken={csrf_token}&username={username}");
    let response = client
        .post(server.url("/auth/callback/credentials"))
        .header(reqwest::header::COOKIE, cookie_header(&jar))
        .header(
            reqwest::header::CONTENT_TYPE,
            "application/x-www-form-urlencoded",
        )
        .body(body)
        .send()
        .await
        .unwrap();
    assert_eq!(
        response.status(),
        302,
        "credentials sign-in should redirect"
    );
    let location = response.headers()[reqwest::header::LOCATION]
        .to_str()
        .unwrap()
        .to_owned();
    assert!(!location.contains("error="), "sign-in failed: {location}");
    update_jar(&mut jar, &set_cookies(&response));
    jar
}

#[tokio::test]
async fn authjs_chunked_session_cookie_joins_and_decodes_in_rust() {
    let server = AuthServer::start(&["secret"]);
    let username = "u".repeat(2500);
    let jar = sign_in(&server, &username).await;
    let chunks = session_chunks(&jar);
    let names: Vec<&str> = chunks.iter().map(|(n, _)| n.as_str()).collect();
    assert_eq!(
        names,
        ["authjs.session-token.0", "authjs.session-token.1"],
        "Auth.js should chunk"
    );
    assert_eq!(chunks[0].1.len(), CHUNK_SIZE);

    let token = join_session_chunks(SESSION, &jar).unwrap();
    assert_eq!(
        chunk_session_cookie(SESSION, &token),
        chunks,
        "Rust splits exactly where Auth.js did"
    );
    let claims = codec(&["secret"]).decode(&token, SESSION).unwrap();
    assert_eq!(claims["name"], username.as_str());
    assert_eq!(claims["email"], format!("{username}@example.com"));
    assert_eq!(claims["sub"], "1");
    assert_eq!(
        claims["exp"].as_i64().unwrap() - claims["iat"].as_i64().unwrap(),
        2_592_000
    );
}

#[tokio::test]
async fn rust_chunked_session_cookie_is_read_by_authjs_session_endpoint() {
    let server = AuthServer::start(&["secret"]);
    let name = format!("Ünïcødé {}", "n".repeat(3000));
    let claims = obj(json!({
        "name": name,
        "email": "long@example.com",
        "picture": null,
        "sub": "42"
    }));
    let token = codec(&["secret"])
        .encode(&claims, SESSION, DEFAULT_MAX_AGE)
        .unwrap();
    let chunks = chunk_session_cookie(SESSION, &token);
    assert!(
        chunks.len() >= 2,
        "token of {} chars should be chunked",
        token.len()
    );

    let response = http()
        .get(server.url("/auth/session"))
        .header(reqwest::header::COOKIE, cookie_header(&chunks))
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), 200);
    let refreshed = set_cookies(&response);
    let session: Value = response.json().await.unwrap();
    assert_eq!(
        session["user"]["name"],
        name.as_str(),
        "Auth.js session: {session}"
    );
    assert_eq!(session["user"]["email"], "long@example.com");
    assert!(session["expires"].is_string());

    // Auth.js re-issues the session; Rust reads its refreshed chunks back.
    let rolled = join_session_chunks(SESSION, &refreshed)
        .expect("Auth.js should refresh the session cookie");
    let decoded = codec(&["secret"]).decode(&rolled, SESSION).unwrap();
    assert_eq!(decoded["name"], name.as_str());
    assert_eq!(decoded["sub"], "42");
}

#[tokio::test]
async fn authjs_server_with_rotated_secrets_reads_rust_session_minted_with_the_old_secret() {
    let server = AuthServer::start(&["new", "old"]);
    let claims = obj(json!({"name": "Rotated", "email": "r@example.com", "sub": "9"}));
    let token = codec(&["old"]).encode(&claims, SESSION, 3600).unwrap();
    let response = http()
        .get(server.url("/auth/session"))
        .header(reqwest::header::COOKIE, format!("{SESSION}={token}"))
        .send()
        .await
        .unwrap();
    let refreshed = set_cookies(&response);
    let session: Value = response.json().await.unwrap();
    assert_eq!(
        session["user"]["name"], "Rotated",
        "Auth.js session: {session}"
    );
    // The refreshed cookie is encrypted with the new secret, which Rust with ["new"] alone reads.
    let rolled = join_session_chunks(SESSION, &refreshed).unwrap();
    assert_eq!(
        codec(&["new"]).decode(&rolled, SESSION).unwrap()["name"],
        "Rotated"
    );
    assert!(codec(&["old"]).decode(&rolled, SESSION).is_err());
}

#[tokio::test]
async fn authjs_session_endpoint_rejects_a_rust_token_with_the_wrong_salt() {
    let server = AuthServer::start(&["secret"]);
    let claims = obj(json!({"name": "Salty", "sub": "1"}));
    let token = codec(&["secret"])
        .encode(&claims, SECURE_SESSION, 3600)
        .unwrap();
    let response = http()
        .get(server.url("/auth/session"))
        .header(reqwest::header::COOKIE, format!("{SESSION}={token}"))
        .send()
        .await
        .unwrap();
    let cleared = set_cookies(&response);
    let session: Value = response.json().await.unwrap();
    assert_eq!(
        session,
        Value::Null,
        "a token for another cookie name must not give a session"
    );
    assert!(
        cleared.iter().any(|(n, v)| n == SESSION && v.is_empty()),
        "Auth.js clears the bad cookie: {cleared:?}"
    );
}
