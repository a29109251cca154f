//! A controllable OpenID Provider that lives inside the test process: the engine reaches it
//! through [`HttpClient`] (discovery, JWKS, token, userinfo), and the test plays the browser's
//! part at its authorization endpoint with [`MockOidc::authorize`]. It checks what a real provider
//! checks (the code, the PKCE verifier, the redirect URI, the client) and misbehaves on demand, one
//! fault at a time, so each relying-party check can be shown to refuse its own fault.

use std::collections::HashMap;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};

use crate::callbacks::BoxFuture;
use crate::http_client::{HttpClient, HttpError, HttpRequest, HttpResponse};
use crate::providers::{Checks, OAuthProvider, ProviderKind};
use base64::Engine as _;
use base64::engine::general_purpose::{STANDARD, URL_SAFE_NO_PAD};
use serde_json::{Map, Value, json};
use sha2::{Digest, Sha256};

use super::keys;

/// The client registered at the provider.
pub const CLIENT_ID: &str = "rp-client";
/// Its secret.
pub const CLIENT_SECRET: &str = "rp-secret";

/// A signing key of the provider.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Key {
    /// The key published from the start.
    K1,
    /// The key the provider rotates to.
    K2,
    /// A key the provider never publishes.
    Rogue,
    /// An ES256 (P-256) key.
    E1,
    /// Another ES256 key, never published.
    E2,
}

impl Key {
    fn kid(self) -> &'static str {
        match self {
            Key::K1 => "k1",
            Key::K2 => "k2",
            Key::Rogue => "rogue",
            Key::E1 => "e1",
            Key::E2 => "e2",
        }
    }

    fn alg(self) -> jsonwebtoken::Algorithm {
        match self {
            Key::E1 | Key::E2 => jsonwebtoken::Algorithm::ES256,
            _ => jsonwebtoken::Algorithm::RS256,
        }
    }

    fn encoding_key(self) -> jsonwebtoken::EncodingKey {
        match self {
            Key::E1 | Key::E2 => jsonwebtoken::EncodingKey::from_ec_der(&self.der()),
            _ => jsonwebtoken::EncodingKey::from_rsa_der(&self.der()),
        }
    }

    fn der(self) -> Vec<u8> {
        let b64 = match self {
            Key::K1 => keys::K1_DER,
            Key::K2 => keys::K2_DER,
            Key::Rogue => keys::ROGUE_DER,
            Key::E1 => keys::E1_DER,
            Key::E2 => keys::E2_DER,
        };
        STANDARD.decode(b64).expect("the kit's keys are base64")
    }

    fn jwk(self) -> Value {
        let (x, y) = match self {
            Key::E1 => (keys::E1_X, keys::E1_Y),
            Key::E2 => (keys::E2_X, keys::E2_Y),
            _ => ("", ""),
        };
        if !x.is_empty() {
            return json!({"kty": "EC", "crv": "P-256", "kid": self.kid(), "use": "sig", "alg": "ES256", "x": x, "y": y});
        }
        let n = match self {
            Key::K1 => keys::K1_N,
            Key::K2 => keys::K2_N,
            _ => keys::ROGUE_N,
        };
        json!({"kty": "RSA", "kid": self.kid(), "use": "sig", "alg": "RS256", "n": n, "e": "AQAB"})
    }
}

/// What the `state` of the authorization response is.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum StateReply {
    /// The one received (a well-behaved provider).
    Echo,
    /// None.
    Omit,
    /// Another value.
    Replace(String),
}

/// How the provider behaves. The default is a well-behaved OpenID Provider.
#[derive(Debug, Clone)]
pub struct Behaviour {
    /// Answer the authorization request with this `error` instead of a code.
    pub authorize_error: Option<String>,
    /// The `state` sent back.
    pub state: StateReply,
    /// An RFC 9207 `iss` parameter on the authorization response.
    pub iss_param: Option<String>,
    /// Advertise `authorization_response_iss_parameter_supported` in discovery.
    pub advertise_iss_param: bool,
    /// Advertise the endpoints in discovery with `http://` instead of `https://`.
    pub http_endpoints: bool,
    /// The `token_type` of the token response instead of `Bearer` (`null`: none).
    pub token_type: Option<Value>,
    /// The issuer named in the discovery document (default: the real one).
    pub discovery_issuer: Option<String>,
    /// Keys published in the JWKS.
    pub published: Vec<Key>,
    /// The key ID tokens are signed with.
    pub signing_key: Key,
    /// Put no `kid` in the ID token header.
    pub omit_kid: bool,
    /// ID tokens with `alg: none` and no signature.
    pub alg_none: bool,
    /// Flip a bit of the ID token's signature.
    pub tamper_signature: bool,
    /// Claims set on (or, with `null`, removed from) every ID token.
    pub id_token_claims: Map<String, Value>,
    /// Leave the nonce out of the ID token even when one was sent.
    pub omit_nonce: bool,
    /// No `id_token` in the token response.
    pub omit_id_token: bool,
    /// The token endpoint answers with this status and body instead.
    pub token_reply: Option<(u16, String)>,
    /// The userinfo endpoint answers with this status (and an error body) instead.
    pub userinfo_status: Option<u16>,
    /// Claims set on the userinfo answer.
    pub userinfo_claims: Map<String, Value>,
    /// The answer of `/userinfo/emails` instead of GitHub's usual list.
    pub emails: Option<Value>,
    /// A path of the provider that cannot be reached (the connection fails).
    pub down: Option<&'static str>,
}

impl Default for Behaviour {
    fn default() -> Self {
        Self {
            authorize_error: None,
            state: StateReply::Echo,
            iss_param: None,
            advertise_iss_param: false,
            token_type: None,
            http_endpoints: false,
            discovery_issuer: None,
            published: vec![Key::K1],
            signing_key: Key::K1,
            omit_kid: false,
            alg_none: false,
            tamper_signature: false,
            id_token_claims: Map::new(),
            omit_nonce: false,
            omit_id_token: false,
            token_reply: None,
            userinfo_status: None,
            userinfo_claims: Map::new(),
            emails: None,
            down: None,
        }
    }
}

/// What an authorization request asked for, kept until its code is redeemed.
#[derive(Debug, Clone)]
struct Grant {
    client_id: String,
    redirect_uri: String,
    nonce: Option<String>,
    code_challenge: Option<String>,
}

#[derive(Debug, Default)]
struct State {
    behaviour: Behaviour,
    grants: HashMap<String, Grant>,
    /// `METHOD path` of every back-channel request, in order.
    log: Vec<String>,
    /// Parameters of the last authorization request.
    last_authorize: Vec<(String, String)>,
    /// The user signed in at the provider.
    subject: String,
    /// Refresh-token grants answered.
    refreshes: usize,
}

/// The provider. Cheap to clone; clones share state.
#[derive(Clone)]
pub struct MockOidc {
    issuer: String,
    state: Arc<Mutex<State>>,
}

static NEXT: AtomicUsize = AtomicUsize::new(0);

impl Default for MockOidc {
    fn default() -> Self {
        Self::new()
    }
}

impl MockOidc {
    /// A well-behaved provider with an issuer of its own (discovery and JWKS caches are
    /// process-wide, so no two providers share one).
    pub fn new() -> Self {
        let n = NEXT.fetch_add(1, Ordering::SeqCst);
        Self {
            issuer: format!("https://idp-{}-{n}.test", std::process::id()),
            state: Arc::new(Mutex::new(State {
                subject: "alice".into(),
                ..State::default()
            })),
        }
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, State> {
        self.state
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
    }

    /// The issuer URL.
    pub fn issuer(&self) -> &str {
        &self.issuer
    }

    /// Changes how the provider behaves from now on.
    pub fn set(&self, f: impl FnOnce(&mut Behaviour)) {
        f(&mut self.lock().behaviour);
    }

    /// The user the next authorization signs in.
    pub fn sign_in_as(&self, subject: &str) {
        self.lock().subject = subject.to_owned();
    }

    /// `METHOD path` of every back-channel request so far.
    pub fn requests(&self) -> Vec<String> {
        self.lock().log.clone()
    }

    /// How many back-channel requests went to `path`.
    pub fn count(&self, path: &str) -> usize {
        self.requests()
            .iter()
            .filter(|r| r.split(' ').nth(1) == Some(path))
            .count()
    }

    /// The parameters of the last authorization request.
    pub fn last_authorize(&self) -> Vec<(String, String)> {
        self.lock().last_authorize.clone()
    }

    /// An OIDC provider for the engine, with the three checks and this provider as HTTP client.
    pub fn provider(&self, id: &str) -> OAuthProvider {
        OAuthProvider::new(id, "Mock", ProviderKind::Oidc)
            .issuer(self.issuer.clone())
            .client_id(CLIENT_ID)
            .client_secret(CLIENT_SECRET)
            .checks(Checks {
                pkce: true,
                state: true,
                nonce: true,
            })
            .http_client(Arc::new(self.clone()))
    }

    /// A plain OAuth 2 provider (no discovery, profile from userinfo) served by this provider.
    pub fn oauth2_provider(&self, id: &str) -> OAuthProvider {
        let mut p = OAuthProvider::new(id, "Mock OAuth", ProviderKind::OAuth)
            .endpoints(
                format!("{}/authorize", self.issuer),
                format!("{}/token", self.issuer),
                format!("{}/userinfo", self.issuer),
            )
            .client_id(CLIENT_ID)
            .client_secret(CLIENT_SECRET)
            .http_client(Arc::new(self.clone()));
        p.issuer = None;
        p
    }

    /// The browser at the authorization endpoint: the URL the provider redirects back to.
    /// Panics when `url` is not this provider's authorization endpoint.
    pub fn authorize(&self, url: &str) -> String {
        let parsed = url::Url::parse(url).expect("an authorization URL");
        assert_eq!(
            format!("{}{}", parsed.origin().ascii_serialization(), parsed.path()),
            format!("{}/authorize", self.issuer),
            "not an authorization request to this provider: {url}"
        );
        let params: Vec<(String, String)> = parsed.query_pairs().into_owned().collect();
        let get = |k: &str| params.iter().find(|(n, _)| n == k).map(|(_, v)| v.clone());
        let mut state = self.lock();
        state.last_authorize = params.clone();
        let redirect_uri = get("redirect_uri").expect("redirect_uri");
        let mut back = url::Url::parse(&redirect_uri).expect("redirect_uri is a URL");
        let b = state.behaviour.clone();
        {
            let mut q = back.query_pairs_mut();
            if let Some(error) = &b.authorize_error {
                q.append_pair("error", error);
                q.append_pair("error_description", "refused by the test provider");
            } else if get("response_type").as_deref() != Some("code") {
                q.append_pair("error", "unsupported_response_type");
            } else {
                let code = format!("code-{}", state.grants.len());
                state.grants.insert(
                    code.clone(),
                    Grant {
                        client_id: get("client_id").unwrap_or_default(),
                        redirect_uri: redirect_uri.clone(),
                        nonce: get("nonce"),
                        code_challenge: get("code_challenge"),
                    },
                );
                q.append_pair("code", &code);
            }
            match (&b.state, get("state")) {
                (StateReply::Echo, Some(s)) => {
                    q.append_pair("state", &s);
                }
                (StateReply::Replace(s), _) => {
                    q.append_pair("state", s);
                }
                _ => {}
            }
            if let Some(iss) = &b.iss_param {
                q.append_pair("iss", iss);
            }
        }
        back.to_string()
    }

    fn discovery(&self, b: &Behaviour) -> Value {
        let plain = self.issuer.replacen("https://", "http://", 1);
        let i = if b.http_endpoints {
            &plain
        } else {
            &self.issuer
        };
        let mut doc = json!({
            "issuer": b.discovery_issuer.clone().unwrap_or_else(|| self.issuer.clone()),
            "authorization_endpoint": format!("{i}/authorize"),
            "token_endpoint": format!("{i}/token"),
            "userinfo_endpoint": format!("{i}/userinfo"),
            "jwks_uri": format!("{i}/jwks"),
            "id_token_signing_alg_values_supported": ["RS256", "ES256"],
            "response_types_supported": ["code"],
            "subject_types_supported": ["public"],
        });
        if b.advertise_iss_param {
            doc["authorization_response_iss_parameter_supported"] = json!(true);
        }
        doc
    }

    fn id_token(&self, b: &Behaviour, grant: &Grant, subject: &str) -> String {
        let now = time::OffsetDateTime::now_utc().unix_timestamp();
        let mut claims = Map::new();
        claims.insert("iss".into(), self.issuer.clone().into());
        claims.insert("sub".into(), subject.into());
        claims.insert("aud".into(), grant.client_id.clone().into());
        claims.insert("iat".into(), now.into());
        claims.insert("exp".into(), (now + 300).into());
        claims.insert("email".into(), format!("{subject}@example.com").into());
        claims.insert("name".into(), format!("User {subject}").into());
        if let Some(nonce) = &grant.nonce
            && !b.omit_nonce
        {
            claims.insert("nonce".into(), nonce.clone().into());
        }
        for (k, v) in &b.id_token_claims {
            if v.is_null() {
                claims.remove(k);
            } else {
                claims.insert(k.clone(), v.clone());
            }
        }
        if b.alg_none {
            let header = URL_SAFE_NO_PAD.encode(br#"{"alg":"none","typ":"JWT"}"#);
            let payload = URL_SAFE_NO_PAD.encode(Value::Object(claims).to_string());
            return format!("{header}.{payload}.");
        }
        let mut header = jsonwebtoken::Header::new(b.signing_key.alg());
        if !b.omit_kid {
            header.kid = Some(b.signing_key.kid().to_owned());
        }
        let key = b.signing_key.encoding_key();
        let jwt = jsonwebtoken::encode(&header, &claims, &key).expect("the kit's keys sign");
        if b.tamper_signature {
            let (head, sig) = jwt.rsplit_once('.').expect("a signed JWT");
            let mut bytes = URL_SAFE_NO_PAD.decode(sig).expect("a base64url signature");
            bytes[10] ^= 0x01;
            return format!("{head}.{}", URL_SAFE_NO_PAD.encode(bytes));
        }
        jwt
    }

    fn token(&self, request: &HttpRequest) -> (u16, Value) {
        let form: HashMap<String, String> = form_urlencoded::parse(request.body())
            .into_owned()
            .collect();
        let mut state = self.lock();
        let b = state.behaviour.clone();
        if let Some((status, body)) = &b.token_reply {
            let body = serde_json::from_str(body).unwrap_or(Value::String(body.clone()));
            return (*status, body);
        }
        let invalid = |what: &str| {
            (
                400,
                json!({"error": "invalid_grant", "error_description": what}),
            )
        };
        let client_id = match request.headers().get("authorization") {
            Some(basic) => {
                let text = STANDARD
                    .decode(
                        basic
                            .to_str()
                            .unwrap_or_default()
                            .trim_start_matches("Basic "),
                    )
                    .ok()
                    .and_then(|decoded| String::from_utf8(decoded).ok())
                    .unwrap_or_default();
                match text.split_once(':') {
                    Some((id, CLIENT_SECRET)) => id.to_owned(),
                    _ => return (401, json!({"error": "invalid_client"})),
                }
            }
            None => form.get("client_id").cloned().unwrap_or_default(),
        };
        if form.get("grant_type").map(String::as_str) == Some("refresh_token") {
            let subject = state.subject.clone();
            if form.get("refresh_token") != Some(&format!("rt-{subject}")) {
                return invalid("unknown refresh token");
            }
            state.refreshes += 1;
            let n = state.refreshes;
            return (
                200,
                json!({
                    "access_token": format!("at-{subject}-{n}"),
                    "token_type": "Bearer",
                    "expires_in": 3600,
                }),
            );
        }
        let Some(grant) = form.get("code").and_then(|c| state.grants.remove(c)) else {
            return invalid("unknown or used code");
        };
        if grant.client_id != client_id {
            return invalid("code issued to another client");
        }
        if form.get("redirect_uri") != Some(&grant.redirect_uri) {
            return invalid("redirect_uri differs");
        }
        if let Some(challenge) = &grant.code_challenge {
            let Some(verifier) = form.get("code_verifier") else {
                return invalid("code_verifier missing");
            };
            // RFC 7636 §4.1: 43 to 128 unreserved characters.
            let unreserved = |c: char| c.is_ascii_alphanumeric() || "-._~".contains(c);
            if !(43..=128).contains(&verifier.len()) || !verifier.chars().all(unreserved) {
                return invalid("code_verifier is not an RFC 7636 verifier");
            }
            if &URL_SAFE_NO_PAD.encode(Sha256::digest(verifier.as_bytes())) != challenge {
                return invalid("code_verifier does not match");
            }
        }
        let subject = state.subject.clone();
        let mut body = json!({
            "access_token": format!("at-{subject}"),
            "token_type": "Bearer",
            "expires_in": 3600,
            "refresh_token": format!("rt-{subject}"),
        });
        if !b.omit_id_token {
            body["id_token"] = self.id_token(&b, &grant, &subject).into();
        }
        if let (Some(token_type), Some(object)) = (&b.token_type, body.as_object_mut()) {
            match token_type {
                Value::Null => object.remove("token_type"),
                other => object.insert("token_type".into(), other.clone()),
            };
        }
        (200, body)
    }

    fn userinfo(&self, request: &HttpRequest) -> (u16, Value) {
        let state = self.lock();
        let b = &state.behaviour;
        if let Some(status) = b.userinfo_status {
            return (status, json!({"error": "server_error"}));
        }
        let subject = &state.subject;
        let expected = format!("Bearer at-{subject}");
        if request
            .headers()
            .get("authorization")
            .map(|v| v.to_str().unwrap_or_default())
            != Some(&expected)
        {
            return (401, json!({"error": "invalid_token"}));
        }
        if request.uri().path() == "/userinfo/emails" {
            if let Some(emails) = &b.emails {
                return (200, emails.clone());
            }
            // GitHub's shape: the primary address is not the first.
            return (
                200,
                json!([
                    {"email": "second@example.com", "primary": false, "verified": true},
                    {"email": format!("Primary.{subject}@Example.com"), "primary": true, "verified": true},
                ]),
            );
        }
        let mut info = json!({
            "sub": subject,
            "email": format!("{subject}@example.com"),
            "name": format!("User {subject}"),
        });
        for (k, v) in &b.userinfo_claims {
            info[k] = v.clone();
        }
        (200, info)
    }

    fn answer(&self, request: &HttpRequest) -> (u16, Value) {
        let path = request.uri().path().to_owned();
        self.lock().log.push(format!("{} {path}", request.method()));
        let b = self.lock().behaviour.clone();
        match path.as_str() {
            "/.well-known/openid-configuration" => (200, self.discovery(&b)),
            "/jwks" => (
                200,
                json!({"keys": b.published.iter().map(|k| k.jwk()).collect::<Vec<_>>()}),
            ),
            "/token" => self.token(request),
            "/userinfo" | "/userinfo/emails" => self.userinfo(request),
            _ => (404, json!({"error": "not found"})),
        }
    }
}

impl HttpClient for MockOidc {
    fn send(&self, request: HttpRequest) -> BoxFuture<'_, Result<HttpResponse, HttpError>> {
        let own = request.uri().to_string().starts_with(&self.issuer);
        let down = self.lock().behaviour.down;
        let result = if own && down != Some(request.uri().path()) {
            let (status, body) = self.answer(&request);
            let bytes = match &body {
                Value::String(text) => text.clone().into_bytes(),
                other => other.to_string().into_bytes(),
            };
            http::Response::builder()
                .status(status)
                .header("content-type", "application/json")
                .body(bytes)
                .map_err(|e| HttpError::Transport {
                    host: request.uri().host().unwrap_or("").to_owned(),
                    reason: e.to_string(),
                })
        } else {
            Err(HttpError::Transport {
                host: request.uri().host().unwrap_or("").to_owned(),
                reason: "connection refused".into(),
            })
        };
        Box::pin(async move { result })
    }
}
