//! The token endpoint through the `oauth2` crate: the authorization-code exchange, refresh,
//! client authentication (`client_secret_basic`, `client_secret_post`, `none`), and the token
//! set as an [`Account`].

use std::sync::Arc;

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
use crate::providers::{OAuthProvider, TokenAuthMethod, TokenSet};
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
    conform: bool,
}

impl ClientSettings {
    pub(crate) fn of(provider: &OAuthProvider) -> Self {
        Self {
            client_id: provider.client_id.clone().unwrap_or_default(),
            client_secret: provider
                .client_secret
                .as_ref()
                .map(|s| s.expose().to_owned()),
            method: provider.token_auth_method,
            conform: crate::providers::quirks::Quirk::TwitchTokenConform.applies_to(provider),
        }
    }
}

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
    match settings.method {
        TokenAuthMethod::ClientSecretBasic => client = client.set_auth_type(AuthType::BasicAuth),
        TokenAuthMethod::ClientSecretPost | TokenAuthMethod::None => {
            client = client.set_auth_type(AuthType::RequestBody)
        }
    }
    if settings.method != TokenAuthMethod::None
        && let Some(secret) = settings.client_secret
    {
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
    let client = oauth_client(settings, &token_url)?.set_redirect_uri(redirect);
    let mut request = client.exchange_code(AuthorizationCode::new(code));
    if let Some(v) = verifier {
        request = request.set_pkce_verifier(PkceCodeVerifier::new(v));
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
    let settings = ClientSettings::of(provider);
    let endpoints = super::discovery::endpoints(http.as_ref(), provider).await?;
    let http = OAuthHttp::new(http, settings.conform);
    let client = oauth_client(settings, &endpoints.token)?;
    let token = RefreshToken::new(refresh_token.to_owned());
    let response = client
        .exchange_refresh_token(&token)
        .request_async(&http)
        .await
        .map_err(|e| {
            let reason = token_failure(&e);
            AuthError::new(ErrorType::RefreshTokenError, format!("refresh failed: {e}"))
                .with_reason(reason)
        })?;
    http.check_bearer()
        .map_err(|e| e.retyped(ErrorType::RefreshTokenError))?;
    let tokens = token_set(&response)?;
    Ok(account_from_tokens(provider, &tokens, String::new()))
}
