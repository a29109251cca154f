//! Session token cost: decode and encode through the codec, against the raw AES-256-CBC +
//! HMAC-SHA-512 work on the same bytes (the floor: no HKDF, no JSON, no base64).
//!
//! `cargo bench -p auth-runtime --bench session`

#![allow(missing_docs)]

use std::hint::black_box;

use auth_runtime::config::JwtReissue;
use auth_runtime::jose::{JwtCodec, aes_cbc_hmac_sha512_decrypt, aes_cbc_hmac_sha512_encrypt};
use auth_runtime::types::Session;
use criterion::{Criterion, criterion_group, criterion_main};
use serde_json::{Map, Value, json};
use tower::ServiceExt as _;

const SALT: &str = "authjs.session-token";

fn claims() -> Map<String, Value> {
    let Value::Object(map) = json!({
        "name": "Alice Example",
        "email": "alice@example.com",
        "picture": "https://avatars.example.com/u/1234567?v=4",
        "sub": "5f0c6b0e-2d1a-4c9e-9a43-2f3b1c9d7e10",
    }) else {
        unreachable!()
    };
    map
}

fn bench(c: &mut Criterion) {
    let codec = JwtCodec::new(["bench-secret-1", "bench-secret-0"]).expect("secret");
    let claims = claims();
    let token = codec.encode(&claims, SALT, 2_592_000).expect("encode");
    // Same plaintext size as the token carries (claims plus iat, exp and jti).
    let plaintext = serde_json::to_vec(&codec.decode(&token, SALT).expect("decode")).expect("json");
    let aad = token.split('.').next().expect("header").as_bytes().to_vec();
    let key = [7u8; 64];
    let iv = [9u8; 16];
    let (ciphertext, tag) = aes_cbc_hmac_sha512_encrypt(&key, &iv, &aad, &plaintext);

    let mut group = c.benchmark_group("session");
    group.bench_function("decode", |b| {
        b.iter(|| codec.decode(black_box(&token), SALT).expect("decode"))
    });
    group.bench_function("encode", |b| {
        b.iter(|| {
            codec
                .encode(black_box(&claims), SALT, 2_592_000)
                .expect("encode")
        })
    });
    group.bench_function("floor_decrypt", |b| {
        b.iter(|| {
            aes_cbc_hmac_sha512_decrypt(&key, &iv, black_box(&aad), black_box(&ciphertext), &tag)
                .expect("tag")
        })
    });
    group.bench_function("floor_encrypt", |b| {
        b.iter(|| aes_cbc_hmac_sha512_encrypt(&key, &iv, black_box(&aad), black_box(&plaintext)))
    });
    group.finish();

    // The whole engine for `GET /auth/session` with a valid cookie: parsing, CSRF and callback-url
    // init, decode, callbacks, Set-Cookie. The codec work above is its floor.
    let runtime = tokio::runtime::Builder::new_current_thread()
        .build()
        .expect("runtime");
    let config = || {
        auth_runtime::config::AuthConfig::new()
            .secret("bench-secret-1")
            .trust_host(true)
    };
    let cookie_token = codec.encode(&claims, SALT, 2_592_000).expect("encode");
    // A returning browser: session, CSRF and callback-url cookies all present and valid.
    let csrf = auth_runtime::csrf::CsrfToken::generate(&["bench-secret-1".to_owned()]);
    let cookie = format!(
        "authjs.session-token={cookie_token}; authjs.csrf-token={}; authjs.callback-url=http%3A%2F%2Flocalhost%3A3000",
        auth_runtime::cookies::encode_uri_component(&csrf.cookie_value())
    );
    let get_session = || {
        http::Request::get("http://localhost:3000/auth/session")
            .header("host", "localhost:3000")
            .header("cookie", cookie.as_str())
            .body(bytes::Bytes::new())
            .expect("request")
    };
    for (name, reissue, rewritten) in [
        // The default: a token younger than update_age is read, not written again.
        ("engine/get_session", JwtReissue::AfterUpdateAge, 0),
        // Auth.js's behaviour: re-encrypted and re-set on every read.
        ("engine/get_session_every_read", JwtReissue::EveryRead, 1),
    ] {
        let handler =
            auth_runtime::AuthHandler::new(config().jwt_reissue(reissue)).expect("handler");
        let probe = runtime.block_on(handler.handle(get_session()));
        assert!(
            probe.body().starts_with(b"{\"user\""),
            "the bench must read a real session"
        );
        assert_eq!(
            probe.headers().get_all("set-cookie").iter().count(),
            rewritten,
            "{name}: only the session cookie may be rewritten"
        );
        c.bench_function(name, |b| {
            b.iter(|| {
                let response = runtime.block_on(handler.handle(get_session()));
                assert_eq!(response.status(), 200);
                response
            })
        });
    }

    // What the load script sends: only the session cookie, so every answer makes a new CSRF token
    // and callback-url cookie, as Auth.js does.
    let handler = auth_runtime::AuthHandler::new(config()).expect("handler");
    let new_visitor = || {
        http::Request::get("http://localhost:3000/auth/session")
            .header("host", "localhost:3000")
            .header("cookie", format!("authjs.session-token={cookie_token}"))
            .body(bytes::Bytes::new())
            .expect("request")
    };
    let probe = runtime.block_on(handler.handle(new_visitor()));
    assert!(probe.body().starts_with(b"{\"user\""));
    assert_eq!(probe.headers().get_all("set-cookie").iter().count(), 2);
    c.bench_function("engine/get_session_new_visitor", |b| {
        b.iter(|| {
            let response = runtime.block_on(handler.handle(new_visitor()));
            assert_eq!(response.status(), 200);
            response
        })
    });

    // A protected JSON route behind the axum layer and the Session extractor, in process (no
    // sockets), against the same route returning the same JSON without authentication.
    let handler = auth_runtime::AuthHandler::new(config()).expect("handler");
    let body = runtime.block_on(handler.handle(get_session())).into_body();
    let fixed: &'static [u8] = Vec::leak(body.to_vec());
    let protected = axum::Router::new()
        .route(
            "/api/me",
            axum::routing::get(|s: Session| async move { axum::Json(s) }),
        )
        .merge(auth_runtime::axum::router(&handler))
        .layer(auth_runtime::axum::AuthLayer::new(&handler));
    let bare = axum::Router::new().route(
        "/api/me",
        axum::routing::get(move || async move {
            ([(http::header::CONTENT_TYPE, "application/json")], fixed)
        }),
    );
    let api_me = || {
        http::Request::get("http://localhost:3000/api/me")
            .header("host", "localhost:3000")
            .header("cookie", format!("authjs.session-token={cookie_token}"))
            .body(axum::body::Body::empty())
            .expect("request")
    };
    for (name, router) in [("layer/api_me", protected), ("layer/bare_api_me", bare)] {
        let probe = runtime
            .block_on(router.clone().oneshot(api_me()))
            .expect("infallible");
        assert_eq!(probe.status(), 200, "{name}");
        c.bench_function(name, |b| {
            b.iter(|| {
                runtime
                    .block_on(router.clone().oneshot(api_me()))
                    .expect("infallible")
            })
        });
    }
}

criterion_group!(benches, bench);
criterion_main!(benches);
