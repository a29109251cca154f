//! The token endpoint through the `oauth2` crate: the authorization-code exchange, refresh,
//! client authentication (`client_secret_basic`, `client_secret_post`, `client_secret_jwt`,
//! `private_key_jwt`, `none`), and the token set as an [`Account`].

use std::sync::Arc;

use base64::Engine as _;
use oauth2::basic::{
    BasicErrorResponse, BasicRevocationErrorResponse, BasicTokenIntrospectionResponse,
    BasicTokenType,
};
use oauth2::{
    AuthType, AuthorizationCode, ClientId, ClientSecret, PkceCodeVerifier, RedirectUrl,
    RefreshToken, StandardRevocableToken, StandardTokenResponse, TokenUrl,
};
use serde::{Deserialize, Serialize};
use serde_json::{Map, Value};

use crate::error::{AuthError, Endpoint, ErrorType, Reason};
use crate::http_client::HttpClient;
use crate::jose::now_unix;
use crate::providers::{ClientKey, OAuthProvider, TokenAuthMethod, TokenSet};
use crate::types::Account;

/// The token response's fields beyond the standard ones (`id_token`, provider extras).
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
struct ExtraFields {
    #[serde(flatten)]
    fields: Map<String, Value>,
}
impl oauth2::ExtraTokenFields for ExtraFields {}

type TokenResponse = StandardTokenResponse<ExtraFields, BasicTokenType>;

pub(crate) fn account_from_tokens(
    provider: &OAuthProvider,
    tokens: &TokenSet,
    provider_account_id: String,
) -> Account {
    let mut raw = tokens.raw.clone();
    let take = |raw: &mut Map<String, Value>, k: &str| {
        raw.remove(k).and_then(|v| v.as_str().map(str::to_owned))
    };
    let access_token = take(&mut raw, "access_token");
    let refresh_token = take(&mut raw, "refresh_token");
    let id_token = take(&mut raw, "id_token");
    let scope = take(&mut raw, "scope");
    let token_type = take(&mut raw, "token_type").map(|t| t.to_lowercase());
    let session_state = take(&mut raw, "session_state");
    let expires_at = raw
        .remove("expires_in")
        .and_then(|v| v.as_i64())
        .map(|s| now_unix() + s);
    Account {
        provider: provider.id.clone(),
        kind: provider.kind.as_str().to_owned(),
        provider_account_id,
        user_id: None,
        access_token,
        refresh_token,
        id_token,
        expires_at,
        scope,
        token_type,
        session_state,
        extra: raw,
    }
}

/// The engine's HTTP client as the `oauth2` crate's client: a named type with a boxed, `Send`
/// future, so the exchange's future is `Send` for every lifetime. `conform` applies the
/// `twitch-token-conform` quirk to the answer. The `token_type` of a successful answer is kept
/// as sent (the `oauth2` crate accepts a missing one), for [`OAuthHttp::check_bearer`].
struct OAuthHttp {
    client: Arc<dyn HttpClient>,
    conform: bool,
    token_type: std::sync::Mutex<Option<String>>,
}

impl OAuthHttp {
    fn new(client: Arc<dyn HttpClient>, conform: bool) -> Self {
        Self {
            client,
            conform,
            token_type: std::sync::Mutex::new(None),
        }
    }

    /// RFC 6749 §5.1: a token response has a `token_type`, and this client can only use
    /// `Bearer` tokens (compared case-insensitively).
    fn check_bearer(&self) -> Result<(), AuthError> {
        let sent = self
            .token_type
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .take();
        match sent {
            Some(t) if t.eq_ignore_ascii_case("bearer") => Ok(()),
            Some(t) => Err(oauth_error(
                format!("token_type `{t}` is not Bearer"),
                Reason::EndpointResponseInvalid(Endpoint::Token),
            )),
            None => Err(oauth_error(
                "the token response has no token_type",
                Reason::EndpointResponseInvalid(Endpoint::Token),
            )),
        }
    }
}

impl<'c> oauth2::AsyncHttpClient<'c> for OAuthHttp {
    type Error = crate::http_client::HttpError;
    type Future = crate::callbacks::BoxFuture<'c, Result<oauth2::HttpResponse, Self::Error>>;

    fn call(&'c self, request: oauth2::HttpRequest) -> Self::Future {
        Box::pin(async move {
            let mut response = self.client.send(request).await?;
            // Twitch sends `scope` as an array; oauth2 expects RFC 6749's string.
            if self.conform
                && let Some(fixed) =
                    crate::providers::quirks::conform_token_response(response.body())
            {
                *response.body_mut() = fixed;
            }
            if response.status().is_success() {
                let token_type = serde_json::from_slice::<Map<String, Value>>(response.body())
                    .ok()
                    .and_then(|body| body.get("token_type")?.as_str().map(str::to_owned));
                *self.token_type.lock().unwrap_or_else(|e| e.into_inner()) = token_type;
            }
            Ok(response)
        })
    }
}

fn oauth_error(err: impl std::fmt::Display, reason: Reason) -> AuthError {
    AuthError::new(
        ErrorType::CallbackRouteError,
        format!("token endpoint: {err}"),
    )
    .with_reason(reason)
}

/// Which failure of the token request this is.
fn token_failure<RE: std::error::Error + 'static, T: oauth2::ErrorResponse>(
    err: &oauth2::RequestTokenError<RE, T>,
) -> Reason {
    match err {
        oauth2::RequestTokenError::ServerResponse(_) => Reason::EndpointStatus(Endpoint::Token),
        oauth2::RequestTokenError::Request(_) => Reason::EndpointUnreachable(Endpoint::Token),
        _ => Reason::EndpointResponseInvalid(Endpoint::Token),
    }
}

/// What the token endpoint needs to know about the client, owned so no borrow of the provider is
/// held across the exchange's await.
#[derive(Clone)]
pub(crate) struct ClientSettings {
    client_id: String,
    client_secret: Option<String>,
    method: TokenAuthMethod,
    key: Option<ClientKey>,
    /// The issuer, an audience of JWT client assertions.
    issuer: Option<String>,
    conform: bool,
}

impl ClientSettings {
    pub(crate) fn of(provider: &OAuthProvider, issuer: Option<&str>) -> Self {
        Self {
            client_id: provider.client_id.clone().unwrap_or_default(),
            client_secret: provider
                .client_secret
                .as_ref()
                .map(|s| s.expose().to_owned()),
            method: provider.token_auth_method,
            key: provider.client_private_key.clone(),
            issuer: issuer.or(provider.issuer.as_deref()).map(str::to_owned),
            conform: crate::providers::quirks::Quirk::TwitchTokenConform.applies_to(provider),
        }
    }

    /// The `client_assertion` of the JWT methods (RFC 7523 §2.2), fresh for each request:
    /// issued by the client about itself, for the issuer (`client_secret_jwt`, oauth4webapi's
    /// audience) or the issuer and the token endpoint (`private_key_jwt`, Auth.js's), valid
    /// for 60 seconds, with a random `jti`.
    fn assertion(&self, token_url: &str) -> Result<Option<String>, AuthError> {
        let audience = |both: bool| match (&self.issuer, both) {
            (Some(issuer), true) => serde_json::json!([issuer, token_url]),
            (Some(issuer), false) => serde_json::json!(issuer),
            (None, _) => serde_json::json!(token_url),
        };
        let claims = |aud: Value| {
            let now = now_unix();
            let mut jti = [0u8; 32];
            crate::jose::fill_random(&mut jti);
            serde_json::json!({
                "iss": self.client_id,
                "sub": self.client_id,
                "aud": aud,
                "jti": base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(jti),
                "iat": now,
                "nbf": now,
                "exp": now + 60,
            })
        };
        let missing = |what: &str| {
            AuthError::new(
                ErrorType::InvalidProvider,
                format!("{} needs {what}", self.method.name()),
            )
        };
        match self.method {
            TokenAuthMethod::ClientSecretJwt => {
                let secret = self
                    .client_secret
                    .as_deref()
                    .filter(|s| !s.is_empty())
                    .ok_or_else(|| missing("a client secret"))?;
                let key = jsonwebtoken::EncodingKey::from_secret(secret.as_bytes());
                let header = jsonwebtoken::Header::new(jsonwebtoken::Algorithm::HS256);
                jsonwebtoken::encode(&header, &claims(audience(false)), &key)
                    .map(Some)
                    .map_err(|_| {
                        oauth_error(
                            "the client assertion could not be signed",
                            Reason::ProviderError,
                        )
                    })
            }
            TokenAuthMethod::PrivateKeyJwt => {
                let key = self
                    .key
                    .as_ref()
                    .ok_or_else(|| missing("a private key (`client_private_key`)"))?;
                key.sign(&claims(audience(true))).map(Some)
            }
            _ => Ok(None),
        }
    }
}

const ASSERTION_TYPE: &str = "urn:ietf:params:oauth:client-assertion-type:jwt-bearer";

/// An `oauth2` client with only the token endpoint set.
type TokenClient = oauth2::Client<
    BasicErrorResponse,
    TokenResponse,
    BasicTokenIntrospectionResponse,
    StandardRevocableToken,
    BasicRevocationErrorResponse,
    oauth2::EndpointNotSet,
    oauth2::EndpointNotSet,
    oauth2::EndpointNotSet,
    oauth2::EndpointNotSet,
    oauth2::EndpointSet,
>;

fn oauth_client(settings: ClientSettings, token_url: &str) -> Result<TokenClient, AuthError> {
    let token_url = TokenUrl::new(token_url.to_owned()).map_err(|_| {
        AuthError::new(ErrorType::InvalidEndpoints, "token endpoint is not a URL")
            .with_reason(Reason::EndpointMissing(Endpoint::Token))
    })?;
    let mut client =
        oauth2::Client::new(ClientId::new(settings.client_id)).set_token_uri(token_url);
    // The body carries the client id; only the secret methods send the secret itself.
    let (auth_type, sends_secret) = match settings.method {
        TokenAuthMethod::ClientSecretBasic => (AuthType::BasicAuth, true),
        TokenAuthMethod::ClientSecretPost => (AuthType::RequestBody, true),
        TokenAuthMethod::ClientSecretJwt
        | TokenAuthMethod::PrivateKeyJwt
        | TokenAuthMethod::None => (AuthType::RequestBody, false),
    };
    client = client.set_auth_type(auth_type);
    if sends_secret && let Some(secret) = settings.client_secret {
        client = client.set_client_secret(ClientSecret::new(secret));
    }
    Ok(client)
}

fn token_set(response: &TokenResponse) -> Result<TokenSet, AuthError> {
    match serde_json::to_value(response) {
        Ok(Value::Object(raw)) => Ok(TokenSet { raw }),
        _ => Err(oauth_error(
            "unreadable token response",
            Reason::EndpointResponseInvalid(Endpoint::Token),
        )),
    }
}

pub(crate) async fn exchange_code(
    http: Arc<dyn HttpClient>,
    settings: ClientSettings,
    token_url: String,
    redirect_uri: String,
    code: String,
    verifier: Option<String>,
) -> Result<TokenSet, AuthError> {
    let redirect = RedirectUrl::new(redirect_uri).map_err(|_| {
        AuthError::new(ErrorType::InvalidEndpoints, "the redirect_uri is not a URL")
    })?;
    let conform = settings.conform;
    let assertion = settings.assertion(&token_url)?;
    let client = oauth_client(settings, &token_url)?.set_redirect_uri(redirect);
    let mut request = client.exchange_code(AuthorizationCode::new(code));
    if let Some(v) = verifier {
        request = request.set_pkce_verifier(PkceCodeVerifier::new(v));
    }
    if let Some(assertion) = assertion {
        request = request
            .add_extra_param("client_assertion_type", ASSERTION_TYPE)
            .add_extra_param("client_assertion", assertion);
    }
    let http = OAuthHttp::new(http, conform);
    let response = request.request_async(&http).await.map_err(|e| {
        let reason = token_failure(&e);
        oauth_error(e, reason)
    })?;
    http.check_bearer()?;
    token_set(&response)
}

/// Exchanges a refresh token; the new token set.
pub async fn refresh(
    http: Arc<dyn HttpClient>,
    provider: &OAuthProvider,
    refresh_token: &str,
) -> Result<Account, AuthError> {
    let endpoints = super::discovery::endpoints(http.as_ref(), provider).await?;
    let settings = ClientSettings::of(provider, endpoints.issuer.as_deref());
    let http = OAuthHttp::new(http, settings.conform);
    let assertion = settings
        .assertion(&endpoints.token)
        .map_err(|e| e.retyped(ErrorType::RefreshTokenError))?;
    let client = oauth_client(settings, &endpoints.token)?;
    let token = RefreshToken::new(refresh_token.to_owned());
    let mut request = client.exchange_refresh_token(&token);
    if let Some(assertion) = assertion {
        request = request
            .add_extra_param("client_assertion_type", ASSERTION_TYPE)
            .add_extra_param("client_assertion", assertion);
    }
    let response = request.request_async(&http).await.map_err(|e| {
        let reason = token_failure(&e);
        AuthError::new(ErrorType::RefreshTokenError, format!("refresh failed: {e}"))
            .with_reason(reason)
    })?;
    http.check_bearer()
        .map_err(|e| e.retyped(ErrorType::RefreshTokenError))?;
    let tokens = token_set(&response)?;
    Ok(account_from_tokens(provider, &tokens, String::new()))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::providers::ProviderKind;
    use base64::engine::general_purpose::URL_SAFE_NO_PAD;

    const TOKEN_URL: &str = "https://idp.example/token";

    fn parts(jwt: &str) -> (Value, Value) {
        let mut it = jwt.split('.');
        let mut part = || -> Value {
            serde_json::from_slice(&URL_SAFE_NO_PAD.decode(it.next().unwrap()).unwrap()).unwrap()
        };
        (part(), part())
    }

    fn settings(method: TokenAuthMethod, issuer: Option<&str>) -> ClientSettings {
        let mut provider = OAuthProvider::new("idp", "IdP", ProviderKind::Oidc)
            .client_id("the-client")
            .client_secret("s3cret-s3cret-s3cret-s3cret-s3cret");
        provider.token_auth_method = method;
        ClientSettings::of(&provider, issuer)
    }

    #[test]
    fn client_secret_jwt_is_hs256_for_the_issuer_and_fresh_each_time() {
        let s = settings(
            TokenAuthMethod::ClientSecretJwt,
            Some("https://idp.example"),
        );
        let first = s.assertion(TOKEN_URL).unwrap().unwrap();
        let (header, claims) = parts(&first);
        assert_eq!(header["alg"], "HS256");
        assert_eq!(claims["iss"], "the-client");
        assert_eq!(claims["sub"], "the-client");
        assert_eq!(claims["aud"], "https://idp.example");
        assert_eq!(
            claims["exp"].as_i64().unwrap() - claims["iat"].as_i64().unwrap(),
            60
        );
        assert_eq!(claims["nbf"], claims["iat"]);
        let key = jsonwebtoken::DecodingKey::from_secret(b"s3cret-s3cret-s3cret-s3cret-s3cret");
        let mut validation = jsonwebtoken::Validation::new(jsonwebtoken::Algorithm::HS256);
        validation.set_audience(&["https://idp.example"]);
        jsonwebtoken::decode::<Value>(&first, &key, &validation).expect("signed with the secret");
        let (_, again) = parts(&s.assertion(TOKEN_URL).unwrap().unwrap());
        assert_ne!(claims["jti"], again["jti"]);
        assert_eq!(claims["jti"].as_str().unwrap().len(), 43, "32 random bytes");
        // Without an issuer, the token endpoint is the audience.
        let s = settings(TokenAuthMethod::ClientSecretJwt, None);
        assert_eq!(
            parts(&s.assertion(TOKEN_URL).unwrap().unwrap()).1["aud"],
            TOKEN_URL
        );
    }

    #[test]
    fn private_key_jwt_is_for_the_issuer_and_the_token_endpoint() {
        use p256::pkcs8::EncodePrivateKey as _;
        let secret = p256::SecretKey::random(&mut p256::elliptic_curve::rand_core::OsRng);
        let pem = secret.to_pkcs8_pem(Default::default()).unwrap();
        let mut s = settings(TokenAuthMethod::PrivateKeyJwt, Some("https://idp.example"));
        let err = s.assertion(TOKEN_URL).unwrap_err();
        assert!(
            err.to_string()
                .contains("private_key_jwt needs a private key"),
            "{err}"
        );
        s.key = Some(ClientKey::ec_pem(&pem, Some("k1")).unwrap());
        let (header, claims) = parts(&s.assertion(TOKEN_URL).unwrap().unwrap());
        assert_eq!(header["alg"], "ES256");
        assert_eq!(header["kid"], "k1");
        assert_eq!(
            claims["aud"],
            serde_json::json!(["https://idp.example", TOKEN_URL])
        );
        assert_eq!(claims["iss"], "the-client");
        // The other methods send no assertion.
        for method in [
            TokenAuthMethod::ClientSecretBasic,
            TokenAuthMethod::ClientSecretPost,
            TokenAuthMethod::None,
        ] {
            assert_eq!(settings(method, None).assertion(TOKEN_URL).unwrap(), None);
        }
    }

    #[test]
    fn every_registry_method_name_has_its_method() {
        for name in auth_vocabulary::TOKEN_AUTH_METHODS {
            let method = TokenAuthMethod::from_name(name).expect(name);
            assert_eq!(method.name(), name);
        }
        assert_eq!(TokenAuthMethod::from_name("tls_client_auth"), None);
    }

    #[test]
    fn a_key_that_is_not_pem_is_a_clear_error_that_quotes_nothing() {
        let err = ClientKey::ec_pem("-----BEGIN PRIVATE KEY-----\nc2VjcmV0\n", None).unwrap_err();
        assert!(err.to_string().contains("not a ES256 key in PEM"), "{err}");
        assert!(!err.to_string().contains("c2VjcmV0"));
        let key = ClientKey::ec_pem(
            &{
                use p256::pkcs8::EncodePrivateKey as _;
                p256::SecretKey::random(&mut p256::elliptic_curve::rand_core::OsRng)
                    .to_pkcs8_pem(Default::default())
                    .unwrap()
                    .to_string()
            },
            None,
        )
        .unwrap();
        assert!(format!("{key:?}").contains("<redacted>"));
        assert!(ClientKey::rsa_pem("nope", None).is_err());
        assert!(ClientKey::ed_pem("nope", None).is_err());
    }
}
