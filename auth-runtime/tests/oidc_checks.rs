//! Every check of the OAuth/OIDC callback, each refused for its own reason: the relying-party
//! negative cases (OpenID Foundation RP certification, RFC 9700, RFC 9207) against a provider
//! that misbehaves one fault at a time. The engine runs in process; the provider answers through
//! the engine's HTTP client.

#![allow(clippy::unwrap_used, clippy::expect_used)]

mod common;

use common::browser::{Browser, Reply};
use common::idp::{Behaviour, CLIENT_ID, Key, MockIdp, StateReply};

use auth_runtime::config::AuthConfig;
use auth_runtime::error::{Endpoint, ErrorType, OAuthCheck, Reason};
use auth_runtime::providers::{Checks, OAuthProvider};
use serde_json::{Value, json};

const ORIGIN: &str = "http://app.test";
const SECRET: &str = "oidc-checks-secret";

fn config(providers: impl IntoIterator<Item = OAuthProvider>) -> AuthConfig {
    let mut config = AuthConfig::new().secret(SECRET).trust_host(true);
    for p in providers {
        config = config.provider(p);
    }
    config
}

fn browser(idp: &MockIdp) -> Browser {
    Browser::new(config([idp.provider("mock")]), ORIGIN)
}

/// Starts a sign-in, lets the provider answer, and delivers the answer to the callback.
async fn sign_in(b: &mut Browser, idp: &MockIdp, provider: &str) -> Reply {
    let start = b.start_sign_in(provider).await;
    assert_eq!(start.status, 302, "sign-in start: {}", start.text());
    let back = idp.authorize(&start.location());
    b.get(&back).await
}

const CONFIGURATION: &str = "http://app.test/auth/error?error=Configuration";

/// Runs one sign-in against a provider with `fault`, and asserts it is refused with
/// `error=Configuration`, no session, and `reason` in the log.
async fn refused_for(fault: impl FnOnce(&mut Behaviour), reason: Reason) {
    let idp = MockIdp::new();
    idp.set(fault);
    let mut b = browser(&idp);
    let reply = sign_in(&mut b, &idp, "mock").await;
    assert_eq!(reply.location(), CONFIGURATION, "{reason:?}");
    assert!(
        !b.jar.contains_key("authjs.session-token"),
        "{reason:?}: no session"
    );
    assert_eq!(b.log.reasons(), [reason]);
    for check in ["authjs.state", "authjs.pkce.code_verifier", "authjs.nonce"] {
        assert!(
            !b.jar.contains_key(check),
            "{reason:?}: the {check} cookie is cleared"
        );
    }
}

fn claims(pairs: Value) -> serde_json::Map<String, Value> {
    pairs.as_object().unwrap().clone()
}

#[tokio::test]
async fn a_well_behaved_provider_signs_the_user_in_with_pkce_state_and_nonce() {
    let idp = MockIdp::new();
    let mut b = browser(&idp);
    let reply = sign_in(&mut b, &idp, "mock").await;
    assert_eq!(reply.location(), "http://app.test/after");
    let sent: std::collections::BTreeMap<_, _> = idp.last_authorize().into_iter().collect();
    assert_eq!(sent["response_type"], "code");
    assert_eq!(sent["client_id"], CLIENT_ID);
    assert_eq!(sent["redirect_uri"], "http://app.test/auth/callback/mock");
    assert_eq!(sent["code_challenge_method"], "S256");
    for param in ["state", "nonce", "code_challenge"] {
        assert!(sent.contains_key(param), "{param} sent");
    }
    let session = b.session().await;
    assert_eq!(session["user"]["email"], "alice@example.com");
    assert!(b.log.take().is_empty());
    assert_eq!(
        idp.count("/userinfo"),
        0,
        "the profile comes from the ID token"
    );
    for cookie in ["authjs.state", "authjs.pkce.code_verifier", "authjs.nonce"] {
        assert!(!b.jar.contains_key(cookie), "{cookie} consumed");
    }
}

#[tokio::test]
async fn state_nonce_and_pkce_values_are_fresh_for_every_sign_in() {
    let idp = MockIdp::new();
    let mut seen: Vec<std::collections::BTreeMap<String, String>> = Vec::new();
    for _ in 0..2 {
        let mut b = browser(&idp);
        let start = b.start_sign_in("mock").await;
        let url = url::Url::parse(&start.location()).unwrap();
        seen.push(url.query_pairs().into_owned().collect());
    }
    for param in ["state", "nonce", "code_challenge"] {
        assert_ne!(seen[0][param], seen[1][param], "{param} repeats");
        assert!(
            seen[0][param].len() >= 43,
            "{param} is too short to be unguessable"
        );
    }
}

#[tokio::test]
async fn a_provider_error_goes_to_the_sign_in_page_as_oauth_callback_error() {
    let idp = MockIdp::new();
    idp.set(|b| b.authorize_error = Some("access_denied".into()));
    let mut b = browser(&idp);
    let reply = sign_in(&mut b, &idp, "mock").await;
    assert_eq!(
        reply.location(),
        "http://app.test/auth/signin?error=OAuthCallbackError"
    );
    let logged = b.log.take();
    assert_eq!(logged[0].error_type, ErrorType::OAuthCallbackError);
    assert_eq!(logged[0].reason, Some(Reason::ProviderError));

    // What the provider says reaches the log as one line: no forged entries, no escapes.
    let idp = MockIdp::new();
    idp.set(|b| b.authorize_error = Some("denied\nERROR auth: forged\u{1b}[2J".into()));
    let mut b = browser(&idp);
    sign_in(&mut b, &idp, "mock").await;
    let logged = b.log.take();
    assert!(
        logged[0]
            .message
            .starts_with("denied\\nERROR auth: forged\\u{1b}[2J: "),
        "{}",
        logged[0].message
    );
}

#[tokio::test]
async fn a_forged_state_is_refused() {
    refused_for(
        |b| b.state = StateReply::Replace("forged".into()),
        Reason::StateMismatch,
    )
    .await;
}

#[tokio::test]
async fn a_missing_state_is_refused() {
    refused_for(|b| b.state = StateReply::Omit, Reason::StateMissing).await;
}

#[tokio::test]
async fn each_missing_check_cookie_is_refused() {
    for (cookie, check) in [
        ("authjs.state", OAuthCheck::State),
        ("authjs.pkce.code_verifier", OAuthCheck::Pkce),
        ("authjs.nonce", OAuthCheck::Nonce),
    ] {
        let idp = MockIdp::new();
        let mut b = browser(&idp);
        let start = b.start_sign_in("mock").await;
        let back = idp.authorize(&start.location());
        b.jar.remove(cookie);
        let reply = b.get(&back).await;
        assert_eq!(reply.location(), CONFIGURATION, "{cookie}");
        assert_eq!(b.log.reasons(), [Reason::CheckCookieMissing(check)]);
    }
}

#[tokio::test]
async fn each_forged_check_cookie_is_refused() {
    for (cookie, check) in [
        ("authjs.state", OAuthCheck::State),
        ("authjs.pkce.code_verifier", OAuthCheck::Pkce),
        ("authjs.nonce", OAuthCheck::Nonce),
    ] {
        let idp = MockIdp::new();
        let mut b = browser(&idp);
        let start = b.start_sign_in("mock").await;
        let back = idp.authorize(&start.location());
        // A well-formed token sealed with another secret.
        let other = auth_runtime::jose::JwtCodec::new(["another secret"]).unwrap();
        let mut claims = serde_json::Map::new();
        claims.insert("value".into(), "attacker".into());
        claims.insert("provider".into(), "mock".into());
        b.jar
            .insert(cookie.into(), other.encode(&claims, cookie, 900).unwrap());
        let reply = b.get(&back).await;
        assert_eq!(reply.location(), CONFIGURATION, "{cookie}");
        assert_eq!(b.log.reasons(), [Reason::CheckCookieInvalid(check)]);
    }
}

#[tokio::test]
async fn check_cookies_sealed_for_another_provider_are_refused() {
    let idp = MockIdp::new();
    let mut b = Browser::new(config([idp.provider("one"), idp.provider("two")]), ORIGIN);
    // Sign-in started with `one`, its answer delivered to `two`'s callback.
    let start = b.start_sign_in("one").await;
    let back = idp
        .authorize(&start.location())
        .replace("/callback/one", "/callback/two");
    let reply = b.get(&back).await;
    assert_eq!(reply.location(), CONFIGURATION);
    assert_eq!(
        b.log.reasons(),
        [Reason::CheckCookieOtherProvider(OAuthCheck::State)]
    );

    // The same with PKCE alone, then nonce alone: each cookie carries its provider.
    for (checks, check) in [
        (
            Checks {
                pkce: true,
                state: false,
                nonce: false,
            },
            OAuthCheck::Pkce,
        ),
        (
            Checks {
                pkce: false,
                state: false,
                nonce: true,
            },
            OAuthCheck::Nonce,
        ),
    ] {
        let idp = MockIdp::new();
        let mut b = Browser::new(
            config([
                idp.provider("one").checks(checks),
                idp.provider("two").checks(checks),
            ]),
            ORIGIN,
        );
        let start = b.start_sign_in("one").await;
        let back = idp
            .authorize(&start.location())
            .replace("/callback/one", "/callback/two");
        let reply = b.get(&back).await;
        assert_eq!(reply.location(), CONFIGURATION);
        assert_eq!(b.log.reasons(), [Reason::CheckCookieOtherProvider(check)]);
    }
}

#[tokio::test]
async fn an_iss_parameter_naming_another_issuer_is_refused_and_the_right_one_accepted() {
    refused_for(
        |b| b.iss_param = Some("https://evil.example".into()),
        Reason::IssuerParamMismatch,
    )
    .await;
    // Compared as a plain string: a trailing slash is another issuer.
    let idp = MockIdp::new();
    let issuer = idp.issuer().to_owned();
    idp.set(|b| b.iss_param = Some(format!("{issuer}/")));
    let mut b = browser(&idp);
    assert_eq!(
        sign_in(&mut b, &idp, "mock").await.location(),
        CONFIGURATION
    );
    assert_eq!(b.log.reasons(), [Reason::IssuerParamMismatch]);
    // A provider that advertises the parameter must send it.
    refused_for(|b| b.advertise_iss_param = true, Reason::IssuerParamMissing).await;
    for advertised in [false, true] {
        let idp = MockIdp::new();
        let issuer = idp.issuer().to_owned();
        idp.set(|b| {
            b.iss_param = Some(issuer);
            b.advertise_iss_param = advertised;
        });
        let mut b = browser(&idp);
        assert_eq!(
            sign_in(&mut b, &idp, "mock").await.location(),
            "http://app.test/after"
        );
    }
}

#[tokio::test]
async fn an_id_token_without_the_nonce_that_was_sent_is_refused() {
    refused_for(|b| b.omit_nonce = true, Reason::IdTokenNonceMissing).await;
}

#[tokio::test]
async fn an_id_token_with_another_nonce_is_refused() {
    refused_for(
        |b| b.id_token_claims = claims(json!({"nonce": "not-the-nonce"})),
        Reason::IdTokenNonceMismatch,
    )
    .await;
    refused_for(
        |b| b.id_token_claims = claims(json!({"nonce": 42})),
        Reason::IdTokenNonceMismatch,
    )
    .await;
}

#[tokio::test]
async fn a_nonce_nobody_sent_is_refused() {
    let idp = MockIdp::new();
    idp.set(|b| b.id_token_claims = claims(json!({"nonce": "injected"})));
    let provider = idp.provider("mock").checks(Checks {
        pkce: true,
        state: true,
        nonce: false,
    });
    let mut b = Browser::new(config([provider]), ORIGIN);
    assert_eq!(
        sign_in(&mut b, &idp, "mock").await.location(),
        CONFIGURATION
    );
    assert_eq!(b.log.reasons(), [Reason::IdTokenNonceUnexpected]);
}

#[tokio::test]
async fn id_token_claims_are_each_checked() {
    let now = time::OffsetDateTime::now_utc().unix_timestamp();
    for (bad, reason) in [
        (
            json!({"iss": "https://evil.example"}),
            Reason::IdTokenIssuer,
        ),
        (json!({"aud": "someone-else"}), Reason::IdTokenAudience),
        (
            json!({"exp": now - 60, "iat": now - 600}),
            Reason::IdTokenExpired,
        ),
        (json!({"nbf": now + 600}), Reason::IdTokenNotYetValid),
        (json!({"iat": null}), Reason::IdTokenClaimMissing),
        (json!({"iat": now + 600}), Reason::IdTokenIssuedInFuture),
        (json!({"iat": "yesterday"}), Reason::IdTokenClaimMissing),
        (json!({"sub": null}), Reason::IdTokenClaimMissing),
        (json!({"exp": null}), Reason::IdTokenClaimMissing),
        (json!({"azp": "another-client"}), Reason::IdTokenAzpMismatch),
        (
            json!({"aud": [CLIENT_ID, "another-client"]}),
            Reason::IdTokenAzpMissing,
        ),
    ] {
        refused_for(|b| b.id_token_claims = claims(bad.clone()), reason).await;
    }
}

#[tokio::test]
async fn the_exp_and_nbf_checks_allow_15_seconds_of_clock_skew() {
    let now = time::OffsetDateTime::now_utc().unix_timestamp();
    for ok in [
        json!({"exp": now - 5}),
        json!({"nbf": now + 5}),
        json!({"aud": [CLIENT_ID, "another-client"], "azp": CLIENT_ID}),
        json!({"azp": CLIENT_ID}),
    ] {
        let idp = MockIdp::new();
        idp.set(|b| b.id_token_claims = claims(ok.clone()));
        let mut b = browser(&idp);
        assert_eq!(
            sign_in(&mut b, &idp, "mock").await.location(),
            "http://app.test/after",
            "{ok}"
        );
    }
}

#[tokio::test]
async fn signatures_are_verified() {
    refused_for(|b| b.tamper_signature = true, Reason::IdTokenSignature).await;
    refused_for(|b| b.alg_none = true, Reason::IdTokenMalformed).await;
    // A key of the right kid but the wrong private half.
    refused_for(
        |b| {
            b.published = vec![Key::K1];
            b.signing_key = Key::K2;
            b.omit_kid = true;
        },
        Reason::IdTokenSignature,
    )
    .await;
}

#[tokio::test]
async fn es256_signatures_are_verified_like_rs256_ones() {
    let es256 = |b: &mut Behaviour| {
        b.published = vec![Key::K1, Key::E1];
        b.signing_key = Key::E1;
    };
    let idp = MockIdp::new();
    idp.set(es256);
    let mut b = browser(&idp);
    assert_eq!(
        sign_in(&mut b, &idp, "mock").await.location(),
        "http://app.test/after"
    );
    // Without kid, the one key of the token's type is used.
    let idp = MockIdp::new();
    idp.set(|b| {
        es256(b);
        b.omit_kid = true;
    });
    let mut b = browser(&idp);
    assert_eq!(
        sign_in(&mut b, &idp, "mock").await.location(),
        "http://app.test/after"
    );
    refused_for(
        |b| {
            es256(b);
            b.tamper_signature = true;
        },
        Reason::IdTokenSignature,
    )
    .await;
    // Signed by another P-256 key than the one published.
    refused_for(
        |b| {
            b.published = vec![Key::E1];
            b.signing_key = Key::E2;
            b.omit_kid = true;
        },
        Reason::IdTokenSignature,
    )
    .await;
    // An ES256 token and only RSA keys: no key can verify it.
    refused_for(
        |b| {
            b.published = vec![Key::K1];
            b.signing_key = Key::E1;
            b.omit_kid = true;
        },
        Reason::IdTokenUnknownKey,
    )
    .await;
}

#[tokio::test]
async fn discovered_plain_http_endpoints_are_refused_only_in_a_release_build() {
    let idp = MockIdp::new();
    idp.set(|b| b.http_endpoints = true);
    let mut b = browser(&idp);
    let start = b.start_sign_in("mock").await;
    if cfg!(debug_assertions) {
        assert!(
            start.location().starts_with("http://idp-"),
            "{}",
            start.location()
        );
    } else {
        assert_eq!(start.location(), CONFIGURATION);
        assert_eq!(b.log.reasons(), [Reason::PlainHttpEndpoint]);
    }
}

#[tokio::test]
async fn a_token_response_needs_a_bearer_token_type() {
    refused_for(
        |b| b.token_type = Some(Value::Null),
        Reason::EndpointResponseInvalid(Endpoint::Token),
    )
    .await;
    refused_for(
        |b| b.token_type = Some(json!("MAC")),
        Reason::EndpointResponseInvalid(Endpoint::Token),
    )
    .await;
    // The type is case-insensitive (RFC 6749 §5.1).
    let idp = MockIdp::new();
    idp.set(|b| b.token_type = Some(json!("bearer")));
    let mut b = browser(&idp);
    assert_eq!(
        sign_in(&mut b, &idp, "mock").await.location(),
        "http://app.test/after"
    );
}

#[tokio::test]
async fn an_unknown_kid_is_refused_after_one_refetch_of_the_key_set() {
    let idp = MockIdp::new();
    idp.set(|b| b.signing_key = Key::Rogue);
    let mut b = browser(&idp);
    assert_eq!(
        sign_in(&mut b, &idp, "mock").await.location(),
        CONFIGURATION
    );
    assert_eq!(b.log.reasons(), [Reason::IdTokenUnknownKey]);
    assert_eq!(idp.count("/jwks"), 2, "fetched, then refetched once");
}

#[tokio::test]
async fn a_rotated_signing_key_is_picked_up_and_the_key_set_is_cached_otherwise() {
    let idp = MockIdp::new();
    let mut b = browser(&idp);
    assert_eq!(
        sign_in(&mut b, &idp, "mock").await.location(),
        "http://app.test/after"
    );
    assert_eq!(idp.count("/jwks"), 1);
    let mut b = browser(&idp);
    sign_in(&mut b, &idp, "mock").await;
    assert_eq!(idp.count("/jwks"), 1, "the key set is cached");
    assert_eq!(
        idp.count("/.well-known/openid-configuration"),
        1,
        "discovery is cached"
    );

    // The provider rotates to a new key and stops publishing the old one.
    idp.set(|b| {
        b.published = vec![Key::K2];
        b.signing_key = Key::K2;
    });
    let mut b = browser(&idp);
    assert_eq!(
        sign_in(&mut b, &idp, "mock").await.location(),
        "http://app.test/after"
    );
    assert!(b.log.take().is_empty());
    assert_eq!(idp.count("/jwks"), 2, "refetched once for the new kid");
}

#[tokio::test]
async fn a_token_without_kid_needs_a_key_set_of_exactly_one_key() {
    let idp = MockIdp::new();
    idp.set(|b| b.omit_kid = true);
    let mut b = browser(&idp);
    assert_eq!(
        sign_in(&mut b, &idp, "mock").await.location(),
        "http://app.test/after"
    );
    refused_for(
        |b| {
            b.omit_kid = true;
            b.published = vec![Key::K1, Key::K2];
        },
        Reason::IdTokenUnknownKey,
    )
    .await;
}

#[tokio::test]
async fn a_discovery_document_for_another_issuer_is_refused() {
    let idp = MockIdp::new();
    idp.set(|b| b.discovery_issuer = Some("https://evil.example".into()));
    let mut b = browser(&idp);
    let start = b.start_sign_in("mock").await;
    assert_eq!(start.location(), CONFIGURATION);
    assert_eq!(b.log.reasons(), [Reason::DiscoveryIssuerMismatch]);
}

#[tokio::test]
async fn token_endpoint_failures_are_refused() {
    refused_for(
        |b| b.token_reply = Some((500, "<html>internal error</html>".into())),
        Reason::EndpointResponseInvalid(Endpoint::Token),
    )
    .await;
    refused_for(
        |b| b.token_reply = Some((200, "this is not json".into())),
        Reason::EndpointResponseInvalid(Endpoint::Token),
    )
    .await;
    refused_for(
        |b| b.token_reply = Some((400, r#"{"error":"invalid_grant"}"#.into())),
        Reason::EndpointStatus(Endpoint::Token),
    )
    .await;
    refused_for(|b| b.omit_id_token = true, Reason::IdTokenMissing).await;
}

#[tokio::test]
async fn an_endpoint_that_cannot_be_reached_is_named() {
    for (path, endpoint) in [("/token", Endpoint::Token), ("/jwks", Endpoint::Jwks)] {
        refused_for(
            |b| b.down = Some(path),
            Reason::EndpointUnreachable(endpoint),
        )
        .await;
    }
    // An OAuth 2 provider reads the profile from userinfo.
    let idp = MockIdp::new();
    idp.set(|b| b.down = Some("/userinfo"));
    let mut b = Browser::new(config([idp.oauth2_provider("plain")]), ORIGIN);
    assert_eq!(
        sign_in(&mut b, &idp, "plain").await.location(),
        CONFIGURATION
    );
    assert_eq!(
        b.log.reasons(),
        [Reason::EndpointUnreachable(Endpoint::Userinfo)]
    );
}

#[tokio::test]
async fn the_pkce_verifier_and_redirect_uri_reach_the_token_endpoint() {
    // The provider refuses a code without the right verifier or redirect URI; a sign-in that
    // succeeds shows both were sent. A replayed code is refused by the provider too, and the
    // check cookies are gone anyway.
    let idp = MockIdp::new();
    let mut b = browser(&idp);
    let start = b.start_sign_in("mock").await;
    let back = idp.authorize(&start.location());
    let saved = b.jar.clone();
    assert_eq!(b.get(&back).await.location(), "http://app.test/after");
    b.jar = saved;
    b.jar.remove("authjs.session-token");
    assert_eq!(b.get(&back).await.location(), CONFIGURATION);
    assert_eq!(
        b.log.reasons(),
        [Reason::EndpointStatus(Endpoint::Token)],
        "the replayed code"
    );
}

#[tokio::test]
async fn userinfo_is_checked_when_the_profile_comes_from_it() {
    let from_userinfo = |idp: &MockIdp| {
        let mut p = idp.provider("mock");
        p.id_token = false;
        p
    };
    let idp = MockIdp::new();
    let mut b = Browser::new(config([from_userinfo(&idp)]), ORIGIN);
    assert_eq!(
        sign_in(&mut b, &idp, "mock").await.location(),
        "http://app.test/after"
    );
    assert_eq!(idp.count("/userinfo"), 1);

    for (fault, reason) in [
        (
            Behaviour {
                userinfo_status: Some(500),
                ..Behaviour::default()
            },
            Reason::EndpointStatus(Endpoint::Userinfo),
        ),
        (
            Behaviour {
                userinfo_claims: claims(json!({"sub": "mallory"})),
                ..Behaviour::default()
            },
            Reason::UserinfoSubMismatch,
        ),
    ] {
        let idp = MockIdp::new();
        idp.set(|b| *b = fault);
        let mut b = Browser::new(config([from_userinfo(&idp)]), ORIGIN);
        assert_eq!(
            sign_in(&mut b, &idp, "mock").await.location(),
            CONFIGURATION
        );
        assert_eq!(b.log.reasons(), [reason]);
    }
}

#[tokio::test]
async fn an_oauth2_provider_needs_a_successful_userinfo_answer() {
    let idp = MockIdp::new();
    let mut b = Browser::new(config([idp.oauth2_provider("plain")]), ORIGIN);
    assert_eq!(
        sign_in(&mut b, &idp, "plain").await.location(),
        "http://app.test/after"
    );
    assert_eq!(b.session().await["user"]["name"], "User alice");

    for status in [401, 500] {
        let idp = MockIdp::new();
        idp.set(|b| b.userinfo_status = Some(status));
        let mut b = Browser::new(config([idp.oauth2_provider("plain")]), ORIGIN);
        assert_eq!(
            sign_in(&mut b, &idp, "plain").await.location(),
            CONFIGURATION
        );
        assert_eq!(
            b.log.reasons(),
            [Reason::EndpointStatus(Endpoint::Userinfo)]
        );
    }
}

#[tokio::test]
async fn the_request_cannot_override_any_parameter_that_binds_the_flow() {
    let idp = MockIdp::new();
    let mut b = browser(&idp);
    let token = b.csrf().await;
    let hostile = [
        ("redirect_uri", "https://evil.example/cb"),
        ("client_id", "evil"),
        ("response_type", "token"),
        ("state", "chosen"),
        ("nonce", "chosen"),
        ("code_challenge", "chosen"),
        ("code_challenge_method", "plain"),
    ];
    let query = form_urlencoded::Serializer::new(String::new())
        .extend_pairs(hostile)
        .append_pair("prompt", "login")
        .finish();
    let start = b
        .post(
            &format!("/auth/signin/mock?{query}"),
            &[("csrfToken", &token)],
        )
        .await;
    let sent: Vec<(String, String)> = url::Url::parse(&start.location())
        .unwrap()
        .query_pairs()
        .into_owned()
        .collect();
    for (key, value) in hostile {
        let values: Vec<&str> = sent
            .iter()
            .filter(|(k, _)| k == key)
            .map(|(_, v)| v.as_str())
            .collect();
        assert_eq!(values.len(), 1, "{key} sent once");
        assert_ne!(values[0], value, "{key} was overridden");
    }
    assert!(sent.contains(&("prompt".into(), "login".into())));
    // And the flow still completes (no callbackUrl was given: back to the origin).
    let back = idp.authorize(&start.location());
    assert_eq!(b.get(&back).await.location(), "http://app.test");
}

#[tokio::test]
async fn a_callback_without_a_code_is_refused() {
    let idp = MockIdp::new();
    let mut b = browser(&idp);
    let start = b.start_sign_in("mock").await;
    let back = idp.authorize(&start.location());
    let mut url = url::Url::parse(&back).unwrap();
    let kept: Vec<(String, String)> = url
        .query_pairs()
        .into_owned()
        .filter(|(k, _)| k != "code")
        .collect();
    url.query_pairs_mut().clear().extend_pairs(kept);
    assert_eq!(b.get(url.as_str()).await.location(), CONFIGURATION);
    assert_eq!(b.log.reasons(), [Reason::CodeMissing]);
}

#[tokio::test]
async fn configured_endpoints_and_discovery_combine_as_documented() {
    // OIDC with every endpoint configured still discovers: the key set comes from discovery.
    let idp = MockIdp::new();
    let i = idp.issuer().to_owned();
    let mut p = idp.provider("mock");
    p.authorization_url = Some(format!("{i}/authorize"));
    p.token_url = Some(format!("{i}/token"));
    let mut b = Browser::new(config([p]), ORIGIN);
    assert_eq!(
        sign_in(&mut b, &idp, "mock").await.location(),
        "http://app.test/after"
    );
    assert_eq!(idp.count("/.well-known/openid-configuration"), 1);

    // OAuth 2 with an issuer and both endpoints configured: no discovery at all.
    let idp = MockIdp::new();
    idp.set(|b| b.discovery_issuer = Some("https://not-used.example".into()));
    let mut p = idp.oauth2_provider("plain");
    p.issuer = Some(idp.issuer().to_owned());
    let mut b = Browser::new(config([p]), ORIGIN);
    assert_eq!(
        sign_in(&mut b, &idp, "plain").await.location(),
        "http://app.test/after"
    );
    assert_eq!(idp.count("/.well-known/openid-configuration"), 0);

    // OAuth 2 with an issuer and only the authorization endpoint: the rest is discovered.
    let idp = MockIdp::new();
    let mut p = idp.oauth2_provider("plain");
    p.issuer = Some(idp.issuer().to_owned());
    p.token_url = None;
    p.userinfo_url = None;
    let mut b = Browser::new(config([p]), ORIGIN);
    assert_eq!(
        sign_in(&mut b, &idp, "plain").await.location(),
        "http://app.test/after"
    );
    assert_eq!(idp.count("/.well-known/openid-configuration"), 1);
    assert_eq!(idp.count("/token"), 1);
}

#[tokio::test]
async fn check_cookies_live_fifteen_minutes_and_are_http_only() {
    let idp = MockIdp::new();
    let mut b = browser(&idp);
    let start = b.start_sign_in("mock").await;
    let now = time::OffsetDateTime::now_utc();
    for name in ["authjs.state", "authjs.pkce.code_verifier", "authjs.nonce"] {
        let line = start
            .set_cookies()
            .into_iter()
            .find(|c| c.starts_with(&format!("{name}=")))
            .unwrap_or_else(|| panic!("{name} set"));
        assert!(line.contains("; Path=/"), "{line}");
        assert!(line.contains("; HttpOnly"), "{line}");
        assert!(line.contains("; SameSite=Lax"), "{line}");
        let expires = line
            .split("; ")
            .find_map(|a| a.strip_prefix("Expires="))
            .unwrap_or_else(|| panic!("{name} has an expiry: {line}"));
        let expires = time::PrimitiveDateTime::parse(
            expires,
            time::macros::format_description!(
                "[weekday repr:short], [day] [month repr:short] [year] [hour]:[minute]:[second] GMT"
            ),
        )
        .unwrap()
        .assume_utc();
        let left = (expires - now).whole_seconds();
        assert!((890..=905).contains(&left), "{name} expires in {left}s");
    }
}

#[tokio::test]
async fn the_scope_is_the_default_the_providers_or_the_callers() {
    let scope_of = |reply: &Reply| {
        url::Url::parse(&reply.location())
            .unwrap()
            .query_pairs()
            .filter(|(k, _)| k == "scope")
            .map(|(_, v)| v.into_owned())
            .collect::<Vec<_>>()
    };
    let idp = MockIdp::new();
    let mut b = browser(&idp);
    let start = b.start_sign_in("mock").await;
    assert_eq!(scope_of(&start), ["openid profile email"]);

    let mut b = Browser::new(
        config([idp.provider("mock").scope("openid groups")]),
        ORIGIN,
    );
    assert_eq!(scope_of(&b.start_sign_in("mock").await), ["openid groups"]);

    let mut b = browser(&idp);
    let token = b.csrf().await;
    let start = b
        .post(
            "/auth/signin/mock?scope=openid%20offline_access",
            &[("csrfToken", &token)],
        )
        .await;
    assert_eq!(scope_of(&start), ["openid offline_access"]);
}

#[tokio::test]
async fn form_post_answers_are_read_from_the_body_and_others_from_the_query() {
    let idp = MockIdp::new();
    let mut p = idp.provider("mock");
    p.form_post = true;
    let mut b = Browser::new(config([p]), ORIGIN);
    let start = b.start_sign_in("mock").await;
    let back = url::Url::parse(&idp.authorize(&start.location())).unwrap();
    let fields: Vec<(String, String)> = back.query_pairs().into_owned().collect();
    let form: Vec<(&str, &str)> = fields
        .iter()
        .map(|(k, v)| (k.as_str(), v.as_str()))
        .collect();
    let reply = b.post("/auth/callback/mock", &form).await;
    assert_eq!(reply.location(), "http://app.test/after");

    // The answer of a provider that does not use form_post is never read from a POST body.
    let idp = MockIdp::new();
    let mut b = browser(&idp);
    let start = b.start_sign_in("mock").await;
    let back = url::Url::parse(&idp.authorize(&start.location())).unwrap();
    let fields: Vec<(String, String)> = back.query_pairs().into_owned().collect();
    let form: Vec<(&str, &str)> = fields
        .iter()
        .map(|(k, v)| (k.as_str(), v.as_str()))
        .collect();
    let reply = b.post("/auth/callback/mock", &form).await;
    assert_eq!(reply.location(), CONFIGURATION);
    assert_eq!(b.log.reasons(), [Reason::StateMissing]);
}

/// Two deployments of one app: `proxy` is registered at the provider and forwards callbacks to
/// `preview` (an allowed target), which started the sign-in.
fn proxied_pair(idp: &MockIdp, state_check: bool) -> (Browser, Browser) {
    proxied_pair_with(
        idp,
        state_check,
        "http://*.test",
        Some("http://preview.test"),
    )
}

fn proxied_pair_with(
    idp: &MockIdp,
    state_check: bool,
    target: &str,
    preview_url: Option<&str>,
) -> (Browser, Browser) {
    let provider = || {
        let mut p = idp.provider("mock");
        p.redirect_proxy_url = Some("http://proxy.test/auth".into());
        p.checks.state = state_check;
        p
    };
    let mut preview = config([provider()]);
    preview.url = preview_url.map(str::to_owned);
    (
        Browser::new(
            config([provider()]).redirect_proxy_target(target),
            "http://proxy.test",
        ),
        Browser::new(preview, "http://preview.test"),
    )
}

#[tokio::test]
async fn a_deployment_behind_the_proxy_seals_only_its_configured_origin() {
    // The attack: the preview trusts its host and has no AUTH_URL; a sign-in started with a
    // spoofed X-Forwarded-Host would seal the attacker's origin, and the proxy would forward the
    // victim's code there. Such a sign-in is refused before anything is sealed.
    let idp = MockIdp::new();
    let (_, mut preview) = proxied_pair_with(&idp, true, "http://*.test", None);
    preview
        .headers
        .push(("x-forwarded-host".into(), "attacker.test".into()));
    let reply = preview.start_sign_in("mock").await;
    assert_eq!(
        reply.location(),
        "http://attacker.test/auth/error?error=Configuration"
    );
    assert_eq!(preview.log.reasons(), [Reason::ProxyOriginNotConfigured]);
    assert!(!preview.jar.contains_key("authjs.state"));
}

#[tokio::test]
async fn the_proxy_forwards_only_to_the_origins_it_allows() {
    // A deployment whose configured origin the proxy does not list (or a state sealed by any
    // other holder of the secret) gets nothing forwarded: the code stays at the proxy.
    for target in [
        "http://other.test",
        "https://*.test",
        "http://*.preview.test",
    ] {
        let idp = MockIdp::new();
        let (mut proxy, mut preview) =
            proxied_pair_with(&idp, true, target, Some("http://preview.test"));
        let start = preview.start_sign_in("mock").await;
        let at_proxy = idp.authorize(&start.location());
        let hop = proxy.get(&at_proxy).await;
        assert_eq!(
            hop.location(),
            "http://proxy.test/auth/error?error=Configuration",
            "{target}"
        );
        assert_eq!(
            proxy.log.reasons(),
            [Reason::ProxyTargetNotAllowed],
            "{target}"
        );
    }
    // A bad pattern is a configuration error when the handler is built.
    let err = auth_runtime::engine::AuthHandler::new(
        config([]).redirect_proxy_target("http://proxy.test/auth"),
    )
    .unwrap_err();
    assert_eq!(err.reason(), Some(Reason::ProxyTargetInvalid));
}

#[tokio::test]
async fn the_redirect_proxy_forwards_the_callback_to_the_deployment_that_started_it() {
    for state_check in [true, false] {
        let idp = MockIdp::new();
        let (mut proxy, mut preview) = proxied_pair(&idp, state_check);
        let start = preview.start_sign_in("mock").await;
        assert!(
            preview.jar.contains_key("authjs.state"),
            "state is forced on"
        );
        let sent: std::collections::BTreeMap<_, _> = url::Url::parse(&start.location())
            .unwrap()
            .query_pairs()
            .into_owned()
            .collect();
        assert_eq!(sent["redirect_uri"], "http://proxy.test/auth/callback/mock");
        let at_proxy = idp.authorize(&start.location());
        assert!(at_proxy.starts_with("http://proxy.test/auth/callback/mock?"));
        let hop = proxy.get(&at_proxy).await;
        assert!(
            hop.location()
                .starts_with("http://preview.test/auth/callback/mock?"),
            "{}",
            hop.location()
        );
        assert!(!proxy.jar.contains_key("authjs.session-token"));
        let done = preview.get(&hop.location()).await;
        assert_eq!(
            done.location(),
            "http://preview.test/after",
            "{state_check}"
        );
        assert_eq!(preview.session().await["user"]["name"], "User alice");
    }
}

#[tokio::test]
async fn the_proxy_signs_in_its_own_users_and_a_deployment_without_proxy_is_not_proxied() {
    // At the proxy itself, sign-in is an ordinary one: no state unless the provider asks.
    let idp = MockIdp::new();
    let (mut proxy, _) = proxied_pair(&idp, false);
    let start = proxy.start_sign_in("mock").await;
    let back = idp.authorize(&start.location());
    assert_eq!(proxy.get(&back).await.location(), "http://proxy.test/after");
    assert_eq!(proxy.session().await["user"]["name"], "User alice");

    // At the deployment behind the proxy the state is checked even when the provider does not
    // ask for it: it carries the origin the code goes back to.
    let idp = MockIdp::new();
    let (_, mut preview) = proxied_pair(&idp, false);
    let start = preview.start_sign_in("mock").await;
    let at_proxy = idp.authorize(&start.location());
    let forged = at_proxy
        .replace("http://proxy.test", "http://preview.test")
        .replace("state=", "state=x");
    assert_eq!(
        preview.get(&forged).await.location(),
        "http://preview.test/auth/error?error=Configuration"
    );
    assert_eq!(preview.log.reasons(), [Reason::StateMismatch]);

    // At the proxy's own origin the deployment's own callback is the redirect_uri, even when
    // the proxy URL is written with another path.
    let idp = MockIdp::new();
    let mut p = idp.provider("mock");
    p.redirect_proxy_url = Some("http://proxy.test/elsewhere/auth".into());
    let mut proxy = Browser::new(config([p]), "http://proxy.test");
    let start = proxy.start_sign_in("mock").await;
    let sent: std::collections::BTreeMap<_, _> = url::Url::parse(&start.location())
        .unwrap()
        .query_pairs()
        .into_owned()
        .collect();
    assert_eq!(sent["redirect_uri"], "http://proxy.test/auth/callback/mock");

    // A state that names no other origin is not forwarded: the proxy handles the callback.
    let idp = MockIdp::new();
    let (mut proxy, mut preview) = proxied_pair(&idp, true);
    let start = preview.start_sign_in("mock").await;
    let at_proxy = idp.authorize(&start.location());
    let forged = {
        let mut url = url::Url::parse(&at_proxy).unwrap();
        let kept: Vec<(String, String)> = url
            .query_pairs()
            .into_owned()
            .map(|(k, v)| {
                if k == "state" {
                    (k, "forged".into())
                } else {
                    (k, v)
                }
            })
            .collect();
        url.query_pairs_mut().clear().extend_pairs(kept);
        url.to_string()
    };
    let reply = proxy.get(&forged).await;
    assert_eq!(
        reply.location(),
        "http://proxy.test/auth/error?error=Configuration"
    );
    assert_eq!(
        proxy.log.reasons(),
        [Reason::CheckCookieMissing(OAuthCheck::State)]
    );
}

#[tokio::test]
async fn the_github_emails_quirk_fills_a_missing_email_with_the_primary_address() {
    let github_like = |idp: &MockIdp| {
        let mut p = idp.oauth2_provider("plain");
        p.quirks.push("github-emails".into());
        p
    };
    let idp = MockIdp::new();
    idp.set(|b| b.userinfo_claims = claims(json!({"email": null})));
    let mut b = Browser::new(config([github_like(&idp)]), ORIGIN);
    sign_in(&mut b, &idp, "plain").await;
    assert_eq!(
        b.session().await["user"]["email"],
        "primary.alice@example.com"
    );
    assert_eq!(idp.count("/userinfo/emails"), 1);

    // An unverified address is never taken: the first verified one is, or none.
    for (emails, expected) in [
        (
            json!([
                {"email": "primary@example.com", "primary": true, "verified": false},
                {"email": "checked@example.com", "primary": false, "verified": true},
            ]),
            json!("checked@example.com"),
        ),
        (
            json!([{"email": "only@example.com", "primary": true, "verified": false}]),
            Value::Null,
        ),
    ] {
        let idp = MockIdp::new();
        idp.set(|b| {
            b.userinfo_claims = claims(json!({"email": null}));
            b.emails = Some(emails);
        });
        let mut b = Browser::new(config([github_like(&idp)]), ORIGIN);
        sign_in(&mut b, &idp, "plain").await;
        let session = b.session().await;
        assert_eq!(
            session["user"].get("email").cloned().unwrap_or(Value::Null),
            expected
        );
    }

    // A profile with an email needs no second call.
    let idp = MockIdp::new();
    let mut b = Browser::new(config([github_like(&idp)]), ORIGIN);
    sign_in(&mut b, &idp, "plain").await;
    assert_eq!(b.session().await["user"]["email"], "alice@example.com");
    assert_eq!(idp.count("/userinfo/emails"), 0);

    // Without the quirk, no email stays no email.
    let idp = MockIdp::new();
    idp.set(|b| b.userinfo_claims = claims(json!({"email": null})));
    let mut b = Browser::new(config([idp.oauth2_provider("plain")]), ORIGIN);
    sign_in(&mut b, &idp, "plain").await;
    assert_eq!(b.session().await["user"].get("email"), None);
    assert_eq!(idp.count("/userinfo/emails"), 0);
}

#[tokio::test]
async fn refresh_rotation_keeps_the_token_set_in_the_jwt_and_refreshes_it_when_expired() {
    let idp = MockIdp::new();
    let provider = idp.provider("mock").refresh_access_token(true);
    let mut b = Browser::new(config([provider]), ORIGIN);
    sign_in(&mut b, &idp, "mock").await;
    let codec = auth_runtime::jose::JwtCodec::new([SECRET]).unwrap();
    let read = |b: &Browser| {
        codec
            .decode(&b.jar["authjs.session-token"], "authjs.session-token")
            .unwrap()
    };
    let claims = read(&b);
    assert_eq!(claims["provider"], "mock");
    assert_eq!(claims["access_token"], "at-alice");
    assert_eq!(claims["refresh_token"], "rt-alice");
    let now = time::OffsetDateTime::now_utc().unix_timestamp();
    let expires_at = claims["expires_at"].as_i64().unwrap();
    assert!((now + 3590..=now + 3610).contains(&expires_at));

    // Not expired: no refresh.
    b.session().await;
    assert_eq!(read(&b)["access_token"], "at-alice");
    assert_eq!(idp.count("/token"), 1);

    // Expired: refreshed once, the new token set stored.
    let mut expired = read(&b);
    expired.insert("expires_at".into(), (now - 1).into());
    b.jar.insert(
        "authjs.session-token".into(),
        codec
            .encode(&expired, "authjs.session-token", 3600)
            .unwrap(),
    );
    let session = b.session().await;
    assert!(session.get("error").is_none(), "{session}");
    let claims = read(&b);
    assert_eq!(claims["access_token"], "at-alice-1");
    assert_eq!(
        claims["refresh_token"], "rt-alice",
        "kept when none is returned"
    );
    assert!(claims["expires_at"].as_i64().unwrap() > now + 3000);
    assert_eq!(idp.count("/token"), 2);

    // A refresh the provider refuses: RefreshTokenError on the session, the token marked.
    let mut broken = read(&b);
    broken.insert("expires_at".into(), (now - 1).into());
    broken.insert("refresh_token".into(), "revoked".into());
    b.jar.insert(
        "authjs.session-token".into(),
        codec.encode(&broken, "authjs.session-token", 3600).unwrap(),
    );
    assert_eq!(b.session().await["error"], "RefreshTokenError");
    assert_eq!(read(&b)["error"], "RefreshTokenError");
}

/// An Entra-shaped provider: multi-tenant discovery whose issuer is a `{tenantid}` template.
fn entra(idp: &MockIdp, quirk: bool) -> OAuthProvider {
    let mut p = idp.provider("entra");
    if quirk {
        p.quirks.push("entra-tenant-issuer".into());
    }
    p
}

fn entra_idp(tid: Value, iss_tenant: &str) -> MockIdp {
    let idp = MockIdp::new();
    let issuer = idp.issuer().to_owned();
    let iss = format!("{issuer}/{iss_tenant}/v2.0");
    idp.set(move |b| {
        b.discovery_issuer = Some(format!("{issuer}/{{tenantid}}/v2.0"));
        b.id_token_claims = claims(json!({"iss": iss, "tid": tid}));
    });
    idp
}

#[tokio::test]
async fn entra_tenant_issuers_come_from_the_tokens_tid_and_nothing_else() {
    let idp = entra_idp(json!("TENANT-1"), "TENANT-1");
    let mut b = Browser::new(config([entra(&idp, true)]), ORIGIN);
    assert_eq!(
        sign_in(&mut b, &idp, "entra").await.location(),
        "http://app.test/after"
    );
    // A tenant's `iss` parameter is not compared with the `{tenantid}` template (the ID token's
    // issuer is checked against the tenant instead).
    let idp = entra_idp(json!("TENANT-1"), "TENANT-1");
    let tenant_issuer = format!("{}/TENANT-1/v2.0", idp.issuer());
    idp.set(|b| b.iss_param = Some(tenant_issuer));
    let mut b = Browser::new(config([entra(&idp, true)]), ORIGIN);
    assert_eq!(
        sign_in(&mut b, &idp, "entra").await.location(),
        "http://app.test/after"
    );

    for (tid, iss_tenant, reason) in [
        (json!("OTHER-TENANT"), "TENANT-1", Reason::IdTokenIssuer),
        (
            json!("TENANT/../1"),
            "TENANT/../1",
            Reason::IdTokenTenantInvalid,
        ),
        (json!(""), "", Reason::IdTokenTenantInvalid),
        (json!(null), "TENANT-1", Reason::IdTokenTenantInvalid),
        (json!(7), "7", Reason::IdTokenTenantInvalid),
    ] {
        let idp = entra_idp(tid.clone(), iss_tenant);
        let mut b = Browser::new(config([entra(&idp, true)]), ORIGIN);
        assert_eq!(
            sign_in(&mut b, &idp, "entra").await.location(),
            CONFIGURATION,
            "{tid}"
        );
        assert_eq!(b.log.reasons(), [reason], "{tid}");
    }

    // A templated issuer is only accepted for Entra, and Entra accepts no other issuer.
    let idp = entra_idp(json!("TENANT-1"), "TENANT-1");
    let mut b = Browser::new(config([entra(&idp, false)]), ORIGIN);
    assert_eq!(b.start_sign_in("entra").await.location(), CONFIGURATION);
    assert_eq!(b.log.reasons(), [Reason::DiscoveryIssuerMismatch]);
    let idp = MockIdp::new();
    idp.set(|b| b.discovery_issuer = Some("https://evil.example/v2.0".into()));
    let mut b = Browser::new(config([entra(&idp, true)]), ORIGIN);
    assert_eq!(b.start_sign_in("entra").await.location(), CONFIGURATION);
    assert_eq!(b.log.reasons(), [Reason::DiscoveryIssuerMismatch]);
}

#[tokio::test]
async fn database_sessions_refresh_the_stored_account_when_its_token_expired() {
    use auth_runtime::adapter::{Adapter, MemoryAdapter};
    let idp = MockIdp::new();
    let adapter = std::sync::Arc::new(MemoryAdapter::new());
    let mut with_rotation = config([
        idp.provider("mock").refresh_access_token(true),
        idp.provider("other"),
    ])
    .adapter(adapter.clone());
    with_rotation.session.strategy = Some(auth_runtime::config::SessionStrategy::Database);
    let mut b = Browser::new(with_rotation, ORIGIN);
    sign_in(&mut b, &idp, "mock").await;
    let user = adapter
        .get_user_by_email("alice@example.com")
        .await
        .unwrap()
        .unwrap();
    let user_id = user.id.unwrap();
    let account = || async {
        adapter
            .get_accounts_by_user(&user_id)
            .await
            .unwrap()
            .into_iter()
            .find(|a| a.provider == "mock")
            .unwrap()
    };
    assert_eq!(account().await.access_token.as_deref(), Some("at-alice"));

    // Not expired: nothing is refreshed.
    b.session().await;
    assert_eq!(idp.count("/token"), 1);

    // Expiring this very second counts as expired: refreshed and stored.
    let mut expired = account().await;
    expired.expires_at = Some(time::OffsetDateTime::now_utc().unix_timestamp());
    adapter.update_account(expired).await.unwrap();
    let session = b.session().await;
    assert!(session.get("error").is_none(), "{session}");
    let refreshed = account().await;
    assert_eq!(refreshed.access_token.as_deref(), Some("at-alice-1"));
    assert_eq!(refreshed.refresh_token.as_deref(), Some("rt-alice"));
    assert!(
        refreshed.expires_at.unwrap() > time::OffsetDateTime::now_utc().unix_timestamp() + 3000
    );

    // A refresh token the provider refuses: RefreshTokenError on the session.
    let mut broken = account().await;
    broken.expires_at = Some(1);
    broken.refresh_token = Some("revoked".into());
    adapter.update_account(broken).await.unwrap();
    assert_eq!(b.session().await["error"], "RefreshTokenError");

    // No refresh token at all: the same.
    let mut none = account().await;
    none.expires_at = Some(1);
    none.refresh_token = None;
    adapter.update_account(none).await.unwrap();
    assert_eq!(b.session().await["error"], "RefreshTokenError");
}

#[tokio::test]
async fn only_providers_that_ask_for_rotation_are_refreshed() {
    let idp = MockIdp::new();
    let mut b = browser(&idp);
    sign_in(&mut b, &idp, "mock").await;
    let codec = auth_runtime::jose::JwtCodec::new([SECRET]).unwrap();
    let mut claims = codec
        .decode(&b.jar["authjs.session-token"], "authjs.session-token")
        .unwrap();
    claims.insert("provider".into(), "mock".into());
    claims.insert("refresh_token".into(), "rt-alice".into());
    claims.insert("expires_at".into(), 1.into());
    b.jar.insert(
        "authjs.session-token".into(),
        codec.encode(&claims, "authjs.session-token", 3600).unwrap(),
    );
    let session = b.session().await;
    assert!(session.get("error").is_none(), "{session}");
    assert_eq!(
        idp.count("/token"),
        1,
        "no refresh without refresh_access_token"
    );
}

#[tokio::test]
async fn database_sessions_leave_accounts_of_providers_without_rotation_alone() {
    use auth_runtime::adapter::{Adapter, MemoryAdapter};
    let idp = MockIdp::new();
    let adapter = std::sync::Arc::new(MemoryAdapter::new());
    let mut config = config([
        idp.provider("mock").refresh_access_token(true),
        idp.provider("other"),
    ])
    .adapter(adapter.clone());
    config.session.strategy = Some(auth_runtime::config::SessionStrategy::Database);
    let mut b = Browser::new(config, ORIGIN);
    sign_in(&mut b, &idp, "other").await;
    let user = adapter
        .get_user_by_email("alice@example.com")
        .await
        .unwrap()
        .unwrap();
    let mut account = adapter
        .get_accounts_by_user(&user.id.unwrap())
        .await
        .unwrap()
        .remove(0);
    assert_eq!(account.provider, "other");
    account.expires_at = Some(1);
    adapter.update_account(account).await.unwrap();
    let session = b.session().await;
    assert!(session.get("error").is_none(), "{session}");
    assert_eq!(idp.count("/token"), 1, "only the sign-in's code exchange");
}

/// The session of a request is read by one function, whoever asks: `GET /session`, the axum
/// layer with an extractor, `AuthHandler::auth` and `AuthHandler::session` all rotate an expired
/// access token and all report a refresh the provider refuses.
#[tokio::test]
async fn every_reader_rotates_the_access_token_the_same_way() {
    use auth_runtime::axum::AuthLayer;
    use auth_runtime::types::Session;
    use tower::ServiceExt;

    let idp = MockIdp::new();
    let mut b = Browser::new(
        config([idp.provider("mock").refresh_access_token(true)]),
        ORIGIN,
    );
    sign_in(&mut b, &idp, "mock").await;
    let codec = auth_runtime::jose::JwtCodec::new([SECRET]).unwrap();
    let salt = "authjs.session-token";
    let signed_in = codec.decode(&b.jar[salt], salt).unwrap();
    let now = time::OffsetDateTime::now_utc().unix_timestamp();
    // A cookie whose access token has expired, and one whose refresh token was revoked too.
    let cookie = |revoked: bool| {
        let mut claims = signed_in.clone();
        claims.insert("expires_at".into(), (now - 1).into());
        if revoked {
            claims.insert("refresh_token".into(), "revoked".into());
        }
        format!("{salt}={}", codec.encode(&claims, salt, 3600).unwrap())
    };
    let parts = |cookie: &str| {
        http::Request::get(format!("{ORIGIN}/me"))
            .header("host", "app.test")
            .header("cookie", cookie)
            .body(())
            .unwrap()
            .into_parts()
            .0
    };
    // The access token a written session cookie carries.
    let written = |set_cookies: Vec<String>| {
        let line = set_cookies
            .into_iter()
            .find(|c| c.starts_with("authjs.session-token="))
            .expect("the session cookie is written again");
        let value = line.split(';').next().unwrap().split_once('=').unwrap().1;
        codec.decode(value, salt).unwrap()["access_token"].clone()
    };
    let app = axum::Router::new()
        .route(
            "/me",
            axum::routing::get(|s: Session| async move { axum::Json(s) }),
        )
        .merge(auth_runtime::axum::router(&b.handler))
        .layer(AuthLayer::new(&b.handler));

    for revoked in [false, true] {
        let error = revoked.then(|| json!("RefreshTokenError"));
        let before = idp.count("/token");

        // GET /session.
        b.jar.insert(
            salt.into(),
            cookie(revoked).split_once('=').unwrap().1.into(),
        );
        let reply = b.get("/auth/session").await;
        assert_eq!(reply.json().get("error").cloned(), error, "GET /session");
        // Refreshed: a new access token from the provider; refused: the old one, marked.
        let fresh = |token: Value, who: &str| {
            let token = token.as_str().unwrap().to_owned();
            if revoked {
                assert_eq!(token, "at-alice", "{who}");
            } else {
                assert!(token.starts_with("at-alice-"), "{who}: {token}");
            }
        };
        fresh(written(reply.set_cookies()), "GET /session");

        // The layer and the Session extractor.
        let response = app
            .clone()
            .oneshot(http::Request::from_parts(
                parts(&cookie(revoked)),
                axum::body::Body::empty(),
            ))
            .await
            .unwrap();
        let set: Vec<String> = response
            .headers()
            .get_all("set-cookie")
            .iter()
            .map(|v| v.to_str().unwrap().to_owned())
            .collect();
        let body = axum::body::to_bytes(response.into_body(), 1 << 20)
            .await
            .unwrap();
        let body: Value = serde_json::from_slice(&body).unwrap();
        assert_eq!(body.get("error").cloned(), error, "layer and extractor");
        fresh(written(set), "layer and extractor");

        // AuthHandler::auth, with the cookies to set.
        let outcome = b.handler.auth(&parts(&cookie(revoked))).await.unwrap();
        let session = outcome.value.clone().unwrap();
        assert_eq!(session.extra.get("error").cloned(), error, "auth()");
        let set = outcome
            .set_cookie_headers()
            .map(|v| v.to_str().unwrap().to_owned())
            .collect();
        fresh(written(set), "auth()");

        // AuthHandler::session.
        let session = b.handler.session(&parts(&cookie(revoked))).await.unwrap();
        assert_eq!(session.extra.get("error").cloned(), error, "session()");

        // The four readers carried the same refresh token: the provider was asked once, and the
        // others got the same new token set (or, refused, did not ask again during the back-off).
        assert_eq!(idp.count("/token") - before, 1);
    }
}

/// A browser sends several requests at once with the same expired cookie: they share one refresh
/// (a provider that rotates refresh tokens would revoke a second use of the old one). After a
/// refused refresh the provider is left alone until the back-off has passed.
#[tokio::test]
async fn concurrent_reads_refresh_once_and_a_refused_refresh_backs_off() {
    let idp = MockIdp::new();
    let mut b = Browser::new(
        config([idp.provider("mock").refresh_access_token(true)]),
        ORIGIN,
    );
    sign_in(&mut b, &idp, "mock").await;
    let codec = auth_runtime::jose::JwtCodec::new([SECRET]).unwrap();
    let salt = "authjs.session-token";
    let signed_in = codec.decode(&b.jar[salt], salt).unwrap();
    let now = time::OffsetDateTime::now_utc().unix_timestamp();
    let cookie = |refresh_token: &str| {
        let mut claims = signed_in.clone();
        claims.insert("expires_at".into(), (now - 1).into());
        claims.insert("refresh_token".into(), refresh_token.into());
        let value = codec.encode(&claims, salt, 3600).unwrap();
        http::Request::get(format!("{ORIGIN}/me"))
            .header("host", "app.test")
            .header("cookie", format!("{salt}={value}"))
            .body(())
            .unwrap()
            .into_parts()
            .0
    };
    let reads = |parts: http::request::Parts| {
        let handler = b.handler.clone();
        futures_util::future::join_all((0..16).map(move |_| {
            let handler = handler.clone();
            let parts = parts.clone();
            async move { handler.auth(&parts).await.unwrap().value.unwrap() }
        }))
    };

    let before = idp.count("/token");
    let sessions = reads(cookie("rt-alice")).await;
    assert_eq!(idp.count("/token") - before, 1);
    assert!(sessions.iter().all(|s| s.extra.get("error").is_none()));

    let before = idp.count("/token");
    b.log.take();
    let sessions = reads(cookie("revoked")).await;
    assert_eq!(idp.count("/token") - before, 1);
    assert!(
        sessions
            .iter()
            .all(|s| s.extra.get("error") == Some(&json!("RefreshTokenError")))
    );
    assert_eq!(b.log.take().len(), 1, "the refused refresh is logged once");
    // Later reads within the back-off still say RefreshTokenError, without asking.
    let again = b
        .handler
        .auth(&cookie("revoked"))
        .await
        .unwrap()
        .value
        .unwrap();
    assert_eq!(again.extra["error"], "RefreshTokenError");
    assert_eq!(idp.count("/token") - before, 1);
}
