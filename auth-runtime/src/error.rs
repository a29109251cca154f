//! [`AuthError`] and the Auth.js error catalogue.
//!
//! Every error has an [`ErrorType`] (the name Auth.js logs and puts in `?error=`), a kind (sign-in
//! or not, which picks the page an error redirects to), and is either safe to show a client or
//! reported as `Configuration`.
//!
//! ```
//! use auth_runtime::error::{AuthError, ErrorType};
//! let err = AuthError::credentials_signin("bad_password");
//! assert!(err.kind().is_sign_in());
//! assert_eq!(err.client_query(), "error=CredentialsSignin&code=bad_password");
//! let hidden = AuthError::new(ErrorType::AdapterError, "db down");
//! assert_eq!(hidden.client_query(), "error=Configuration");
//! ```

use std::fmt;

macro_rules! error_types {
    ($( $(#[$doc:meta])* $name:ident : $kind:ident, $safe:literal; )*) => {
        /// Every error type Auth.js v5 defines.
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
        #[non_exhaustive]
        pub enum ErrorType {
            $( $(#[$doc])* $name, )*
        }

        impl ErrorType {
            /// All types, in the catalogue's order.
            pub const ALL: &'static [ErrorType] = &[$(ErrorType::$name),*];

            /// The name used in logs and in `?error=`.
            pub fn as_str(self) -> &'static str {
                match self { $(ErrorType::$name => stringify!($name),)* }
            }

            /// Whether errors of this type redirect to the sign-in page (`SignInError` subclasses).
            pub fn kind(self) -> ErrorKind {
                match self { $(ErrorType::$name => ErrorKind::$kind,)* }
            }

            /// Whether the type may be shown to a client; others are reported as `Configuration`.
            pub fn is_client_safe(self) -> bool {
                match self { $(ErrorType::$name => $safe,)* }
            }

            /// The type with this name, if any.
            pub fn from_name(name: &str) -> Option<Self> {
                match name { $(stringify!($name) => Some(ErrorType::$name),)* _ => None }
            }
        }
    };
}

error_types! {
    /// The `sign_in` callback returned false or failed.
    AccessDenied: Error, true;
    /// An adapter method failed.
    AdapterError: Error, false;
    /// Something failed inside the callback route.
    CallbackRouteError: Error, false;
    /// A configuration error while the callback URL points at the custom error page.
    ErrorPageLoop: Error, false;
    /// An event handler failed (logged only).
    EventError: Error, false;
    /// A `callbackUrl` that is not an http(s) URL.
    InvalidCallbackUrl: Error, false;
    /// `authorize` returned no user; carries a `code`.
    CredentialsSignin: SignIn, true;
    /// An OAuth provider without issuer lacks an endpoint.
    InvalidEndpoints: Error, false;
    /// A PKCE, state, nonce or challenge cookie is missing or invalid.
    InvalidCheck: Error, false;
    /// A session token could not be decoded or encoded.
    JWTSessionError: Error, false;
    /// A feature that needs an adapter has none.
    MissingAdapter: Error, false;
    /// The adapter lacks required methods.
    MissingAdapterMethods: Error, false;
    /// A credentials provider without `authorize`.
    MissingAuthorize: Error, false;
    /// No secret configured.
    MissingSecret: Error, false;
    /// The OAuth account belongs to another user.
    OAuthAccountNotLinked: SignIn, true;
    /// The provider returned an error to the callback.
    OAuthCallbackError: SignIn, true;
    /// The provider's profile could not be mapped to a user.
    OAuthProfileParseError: Error, false;
    /// A database session could not be read.
    SessionTokenError: Error, false;
    /// Starting an OAuth sign-in failed.
    OAuthSignInError: SignIn, false;
    /// Sending a sign-in email failed.
    EmailSignInError: SignIn, false;
    /// Sign-out failed (logged; cookies are cleared anyway).
    SignOutError: Error, false;
    /// An unknown action, method or path.
    UnknownAction: Error, false;
    /// Credentials as the only provider with database sessions.
    UnsupportedStrategy: Error, false;
    /// An unknown provider, or one that does not support the action.
    InvalidProvider: Error, false;
    /// The request's host is not trusted.
    UntrustedHost: Error, false;
    /// An email sign-in token is missing, expired or for another address.
    Verification: Error, true;
    /// The CSRF token was missing or wrong.
    MissingCSRF: SignIn, true;
    /// The WebAuthn account belongs to another user.
    AccountNotLinked: SignIn, true;
    /// More than one WebAuthn provider with conditional UI.
    DuplicateConditionalUI: Error, false;
    /// Conditional UI without a `webauthn` autocomplete field.
    MissingWebAuthnAutocomplete: Error, false;
    /// A WebAuthn response did not verify.
    WebAuthnVerificationError: Error, true;
    /// WebAuthn used without `experimental.enable_webauthn`.
    ExperimentalFeatureNotEnabled: Error, false;
    /// The session's refresh token could not be used (set on the session, not thrown by Auth.js).
    RefreshTokenError: Error, false;
}

impl fmt::Display for ErrorType {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// Whether an error belongs to the sign-in flow (redirects to the sign-in page) or not (to the
/// error page).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ErrorKind {
    /// A `SignInError`: shown as a banner on the sign-in page.
    SignIn,
    /// Any other error: shown on the error page.
    Error,
}

impl ErrorKind {
    /// True for [`ErrorKind::SignIn`].
    pub fn is_sign_in(self) -> bool {
        self == ErrorKind::SignIn
    }
}

/// The OAuth checks whose values travel in sealed cookies.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum OAuthCheck {
    /// The `state` parameter.
    State,
    /// The PKCE code verifier.
    Pkce,
    /// The OIDC `nonce`.
    Nonce,
    /// The WebAuthn challenge of a passkey ceremony.
    WebAuthnChallenge,
}

/// A provider endpoint the engine calls.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Endpoint {
    /// The authorization endpoint.
    Authorization,
    /// `<issuer>/.well-known/openid-configuration`.
    Discovery,
    /// The JSON Web Key Set.
    Jwks,
    /// The token endpoint.
    Token,
    /// The userinfo (profile) endpoint.
    Userinfo,
    /// GitHub's `/user/emails`.
    Emails,
}

/// Which check refused a request: a stable name for every security check the engine makes, so
/// logs, monitoring and tests can tell a forged `state` from an expired ID token although both
/// reach the client as `error=Configuration`.
///
/// ```
/// use auth_runtime::error::{AuthError, ErrorType, Reason};
/// let err = AuthError::new(ErrorType::InvalidCheck, "state parameter does not match")
///     .with_reason(Reason::StateMismatch);
/// assert_eq!(err.reason(), Some(Reason::StateMismatch));
/// assert_eq!(err.client_query(), "error=Configuration");
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum Reason {
    /// Neither `AUTH_URL` nor `trust_host` makes the request's host trusted.
    HostNotTrusted,
    /// The request names no host (`X-Forwarded-Host`, `Host` or the URI's authority).
    HostMissing,
    /// `Host` or `X-Forwarded-Host` is not a host.
    HostInvalid,
    /// `X-Forwarded-Proto` is neither `http` nor `https`.
    ForwardedProtoInvalid,
    /// `AUTH_URL` is not a URL.
    ConfiguredUrlInvalid,
    /// `callbackUrl` in the query is not an http(s) URL.
    CallbackUrlQueryInvalid,
    /// A redirect target is not a valid URL.
    RedirectUrlInvalid,
    /// A configured redirect proxy target is not an origin pattern.
    ProxyTargetInvalid,
    /// The redirect proxy was asked to forward a callback to an origin its configuration does
    /// not allow.
    ProxyTargetNotAllowed,
    /// A deployment behind a redirect proxy has no configured URL (`AUTH_URL`), so it has no
    /// origin it may seal in `state`.
    ProxyOriginNotConfigured,
    /// A POST without a valid CSRF cookie: missing, or its hash does not verify.
    CsrfCookieInvalid,
    /// The `csrfToken` of a POST is missing or is not the cookie's token.
    CsrfTokenMismatch,
    /// A server-side action was asked for by a request from another site (`Origin` or
    /// `Sec-Fetch-Site`).
    CrossSiteRequest,
    /// A check cookie is missing from the callback.
    CheckCookieMissing(OAuthCheck),
    /// A check cookie could not be decrypted (forged, expired, another secret).
    CheckCookieInvalid(OAuthCheck),
    /// A check cookie was sealed for another provider.
    CheckCookieOtherProvider(OAuthCheck),
    /// The callback has no `state` parameter.
    StateMissing,
    /// The `state` parameter is not the one sealed in the cookie.
    StateMismatch,
    /// The RFC 9207 `iss` parameter names another issuer.
    IssuerParamMismatch,
    /// The provider advertises RFC 9207 `iss` parameters and the response has none.
    IssuerParamMissing,
    /// The provider answered the authorization request with `error`.
    ProviderError,
    /// The callback has no `code`.
    CodeMissing,
    /// An endpoint could not be reached (connection, timeout, size).
    EndpointUnreachable(Endpoint),
    /// An endpoint answered with an HTTP error status.
    EndpointStatus(Endpoint),
    /// An endpoint answered something that is not the expected JSON.
    EndpointResponseInvalid(Endpoint),
    /// A provider endpoint is plain `http` to a host other than loopback, in a release build.
    PlainHttpEndpoint,
    /// A provider has no such endpoint configured or discovered.
    EndpointMissing(Endpoint),
    /// The discovery document names another issuer.
    DiscoveryIssuerMismatch,
    /// The token response has no `id_token`.
    IdTokenMissing,
    /// The ID token is not a JWT, or its header is unreadable.
    IdTokenMalformed,
    /// The ID token is signed with an algorithm that is not accepted.
    IdTokenAlgorithm,
    /// The ID token names a key the provider's JWKS does not have.
    IdTokenUnknownKey,
    /// The ID token's signature does not verify.
    IdTokenSignature,
    /// The ID token's `iss` is not the provider's issuer.
    IdTokenIssuer,
    /// The ID token's `aud` does not contain the client id.
    IdTokenAudience,
    /// The ID token has expired.
    IdTokenExpired,
    /// The ID token's `nbf` is in the future.
    IdTokenNotYetValid,
    /// The ID token's `iat` is more than the clock skew in the future.
    IdTokenIssuedInFuture,
    /// The ID token lacks a required claim (`exp`, `iss`, `aud`, `sub`, a numeric `iat`).
    IdTokenClaimMissing,
    /// The ID token's `azp` is another client.
    IdTokenAzpMismatch,
    /// The ID token has several audiences and no `azp`.
    IdTokenAzpMissing,
    /// A nonce was sent and the ID token carries none.
    IdTokenNonceMissing,
    /// The ID token's nonce is not the one sent.
    IdTokenNonceMismatch,
    /// No nonce was sent and the ID token carries one.
    IdTokenNonceUnexpected,
    /// Entra ID: the ID token's `tid` is missing or not a tenant id.
    IdTokenTenantInvalid,
    /// The userinfo `sub` differs from the ID token's.
    UserinfoSubMismatch,
    /// Dangerous email linking found a user with the profile's email, but the provider does not
    /// say the address is verified (`email_verified`).
    EmailNotVerified,
    /// The rate limits refused the request ([`crate::rate_limit`]).
    RateLimited,
    /// The profile is not a JSON object.
    ProfileNotObject,
    /// The profile maps to no account id.
    ProfileIdMissing,
    /// The passkey callback's `action` is neither `authenticate` nor `register`.
    WebAuthnActionInvalid,
    /// The passkey callback's `data` is not a WebAuthn credential (JSON).
    WebAuthnResponseMalformed,
    /// The challenge cookie was made for the other ceremony (register vs authenticate).
    WebAuthnCeremonyMismatch,
    /// No authenticator is stored with the response's credential id.
    AuthenticatorUnknown,
    /// The authenticator's signature counter did not increase: a cloned authenticator.
    AuthenticatorCloned,
    /// The response signs another challenge than the one sealed in the cookie.
    WebAuthnChallengeMismatch,
    /// The response comes from another origin than the relying party's.
    WebAuthnOriginMismatch,
    /// The authenticator data is for another relying party id.
    WebAuthnRpIdMismatch,
    /// The authenticator did not verify the user (PIN, biometrics).
    WebAuthnUserNotVerified,
    /// The assertion's signature does not verify with the stored public key.
    WebAuthnSignatureInvalid,
    /// Any other WebAuthn verification failure.
    WebAuthnResponseInvalid,
}

/// The longest error message kept, in characters; the rest is replaced by `…`.
pub const MAX_MESSAGE_CHARS: usize = 1000;

/// `message` with control characters escaped (`\n`, `\u{1b}`) and cut after
/// [`MAX_MESSAGE_CHARS`] characters; borrowed work only when something must change.
fn log_safe(message: String) -> String {
    let clean = message.chars().all(|c| !c.is_control()) && message.len() <= MAX_MESSAGE_CHARS;
    if clean {
        return message;
    }
    let mut out = String::with_capacity(message.len().min(MAX_MESSAGE_CHARS + 16));
    for (count, c) in message.chars().enumerate() {
        if count == MAX_MESSAGE_CHARS {
            out.push('…');
            break;
        }
        if c.is_control() {
            out.extend(c.escape_default());
        } else {
            out.push(c);
        }
    }
    out
}

/// An Auth.js error: a type, a message for the server log, and for `CredentialsSignin` a `code`
/// for the client. Messages must not contain secrets. `Debug` reads like `Display` (what `main`
/// prints when it returns the error), with the reason when one is named.
pub struct AuthError {
    error_type: ErrorType,
    message: String,
    code: Option<String>,
    reason: Option<Reason>,
    source: Option<Box<dyn std::error::Error + Send + Sync>>,
}

impl AuthError {
    /// An error of `error_type` with a log message.
    /// The message is made safe for a log line: control characters (line breaks, escape
    /// sequences) are written escaped and it is cut after [`MAX_MESSAGE_CHARS`] characters, as
    /// it may quote a provider (`error_description`) or another outside party.
    pub fn new(error_type: ErrorType, message: impl Into<String>) -> Self {
        Self {
            error_type,
            message: log_safe(message.into()),
            code: None,
            reason: None,
            source: None,
        }
    }

    /// Several problems as one error: `Ok` for none, the error itself for one; for more, the
    /// first one's type and reason with every message listed.
    pub fn all(mut problems: Vec<AuthError>) -> Result<(), AuthError> {
        if problems.len() <= 1 {
            return problems.pop().map_or(Ok(()), Err);
        }
        let listed: Vec<String> = problems.iter().map(ToString::to_string).collect();
        let first = problems.swap_remove(0);
        Err(AuthError {
            message: log_safe(format!(
                "{} configuration problems: {}",
                listed.len(),
                listed.join("; ")
            )),
            ..first
        })
    }

    /// Names the check that failed.
    pub fn with_reason(mut self, reason: Reason) -> Self {
        self.reason = Some(reason);
        self
    }

    /// The check that failed, when one did.
    pub fn reason(&self) -> Option<Reason> {
        self.reason
    }

    /// The same error reported as another type (Auth.js wraps errors of the callback route),
    /// keeping its message, reason and source.
    pub fn retyped(mut self, error_type: ErrorType) -> Self {
        self.error_type = error_type;
        self
    }

    /// `CredentialsSignin` with a client-visible code (Auth.js's default code is `credentials`).
    pub fn credentials_signin(code: impl Into<String>) -> Self {
        let mut err = Self::new(
            ErrorType::CredentialsSignin,
            "the credentials were refused (authorize returned no user)",
        );
        err.code = Some(code.into());
        err
    }

    /// Attaches the underlying cause.
    pub fn with_source(mut self, source: impl std::error::Error + Send + Sync + 'static) -> Self {
        self.source = Some(Box::new(source));
        self
    }

    /// The error's type.
    pub fn error_type(&self) -> ErrorType {
        self.error_type
    }

    /// The error's kind.
    pub fn kind(&self) -> ErrorKind {
        self.error_type.kind()
    }

    /// The log message.
    pub fn message(&self) -> &str {
        &self.message
    }

    /// The `code` of a `CredentialsSignin`.
    pub fn code(&self) -> Option<&str> {
        self.code.as_deref()
    }

    /// The type a client is told: this type when client-safe, else `Configuration`.
    pub fn client_type(&self) -> &'static str {
        if self.error_type.is_client_safe() {
            self.error_type.as_str()
        } else {
            "Configuration"
        }
    }

    /// The query string of the error redirect: `error=<type>` plus `&code=<code>` for
    /// `CredentialsSignin`.
    pub fn client_query(&self) -> String {
        let mut q = form_urlencoded::Serializer::new(String::new());
        q.append_pair("error", self.client_type());
        if self.error_type == ErrorType::CredentialsSignin {
            q.append_pair("code", self.code.as_deref().unwrap_or("credentials"));
        }
        q.finish()
    }
}

impl fmt::Debug for AuthError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}: {}", self.error_type, self.message)?;
        if let Some(reason) = &self.reason {
            write!(f, " (reason: {reason:?})")?;
        }
        Ok(())
    }
}

impl fmt::Display for AuthError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}: {}", self.error_type, self.message)
    }
}

impl std::error::Error for AuthError {
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        self.source
            .as_deref()
            .map(|e| e as &(dyn std::error::Error + 'static))
    }
}

impl From<crate::jose::JoseError> for AuthError {
    fn from(err: crate::jose::JoseError) -> Self {
        let ty = if err == crate::jose::JoseError::MissingSecret {
            ErrorType::MissingSecret
        } else {
            ErrorType::JWTSessionError
        };
        AuthError::new(ty, err.to_string()).with_source(err)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn messages_are_safe_for_one_log_line() {
        let forged = "access_denied: bad\nERROR auth: admin signed in\u{1b}[31m";
        let err = AuthError::new(ErrorType::OAuthCallbackError, forged);
        assert_eq!(
            err.message(),
            "access_denied: bad\\nERROR auth: admin signed in\\u{1b}[31m"
        );
        let long = "é".repeat(MAX_MESSAGE_CHARS + 5);
        let err = AuthError::new(ErrorType::OAuthCallbackError, long);
        assert_eq!(err.message().chars().count(), MAX_MESSAGE_CHARS + 1);
        assert!(err.message().ends_with('…'));
        let plain = AuthError::new(ErrorType::OAuthCallbackError, "plain text");
        assert_eq!(plain.message(), "plain text");
    }

    #[test]
    fn client_safe_set_matches_authjs() {
        let safe: Vec<_> = ErrorType::ALL
            .iter()
            .filter(|t| t.is_client_safe())
            .map(|t| t.as_str())
            .collect();
        assert_eq!(
            safe,
            [
                "AccessDenied",
                "CredentialsSignin",
                "OAuthAccountNotLinked",
                "OAuthCallbackError",
                "Verification",
                "MissingCSRF",
                "AccountNotLinked",
                "WebAuthnVerificationError"
            ]
        );
    }

    #[test]
    fn sign_in_kinds_match_authjs() {
        let sign_in: Vec<_> = ErrorType::ALL
            .iter()
            .filter(|t| t.kind().is_sign_in())
            .map(|t| t.as_str())
            .collect();
        assert_eq!(
            sign_in,
            [
                "CredentialsSignin",
                "OAuthAccountNotLinked",
                "OAuthCallbackError",
                "OAuthSignInError",
                "EmailSignInError",
                "MissingCSRF",
                "AccountNotLinked"
            ]
        );
    }

    #[test]
    fn names_round_trip() {
        for t in ErrorType::ALL {
            assert_eq!(ErrorType::from_name(t.as_str()), Some(*t));
        }
        assert_eq!(ErrorType::from_name("Nope"), None);
    }

    #[test]
    fn credentials_code_is_url_encoded() {
        let err = AuthError::credentials_signin("a b&c");
        assert_eq!(err.client_query(), "error=CredentialsSignin&code=a+b%26c");
    }
}
