//! Passkeys (spec §1 `webauthn-options`, §5, §6.1): `GET /webauthn-options/<id>` decides between
//! registering and authenticating as Auth.js does and returns the options with the challenge
//! sealed in a 15-minute cookie; `POST /callback/<id>` verifies the browser's answer with
//! `webauthn-rs`, applies the account rules and signs the user in.
//!
//! Authenticators are stored as Auth.js stores them (credential id and COSE public key in
//! standard base64), so a Next.js app sharing the database and this engine use each other's
//! passkeys. The challenge cookie holds `webauthn-rs`'s ceremony state instead of Auth.js's bare
//! challenge: a ceremony starts and ends on one server.

mod cose;

use base64::Engine as _;
use base64::engine::general_purpose::{STANDARD, URL_SAFE_NO_PAD};
use http::StatusCode;
use serde_json::{Map, Value, json};
use time::OffsetDateTime;
use webauthn_rs::prelude::{
    AttestationFormat, AttestationMetadata, Credential, DiscoverableAuthentication,
    ParsedAttestation, ParsedAttestationData, Passkey, PasskeyRegistration, PublicKeyCredential,
    RegisterPublicKeyCredential, Url, Uuid, Webauthn, WebauthnBuilder, WebauthnError,
};
use webauthn_rs_core::proto::{RegisteredExtensions, UserVerificationPolicy};

use super::login::{current_user, emit_linked, establish, sign_in_gate};
use super::{Ctx, Out};
use crate::adapter::{AdapterError, Adapters, Authenticator, AuthenticatorAdapter};
use crate::callbacks::{Events, SignInParams};
use crate::cookies::SetCookie;
use crate::error::{AuthError, ErrorType, OAuthCheck, Reason};
use crate::providers::{Provider, WebAuthnProvider};
use crate::types::{Account, User};

/// Lifetime of the challenge cookie, in seconds (Auth.js: 15 minutes).
const CHALLENGE_MAX_AGE: u64 = 900;

/// What `webauthn-options` answers with.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Ceremony {
    Authenticate,
    Register,
}

impl Ceremony {
    fn as_str(self) -> &'static str {
        match self {
            Self::Authenticate => "authenticate",
            Self::Register => "register",
        }
    }

    fn parse(action: &str) -> Option<Self> {
        match action {
            "authenticate" => Some(Self::Authenticate),
            "register" => Some(Self::Register),
            _ => None,
        }
    }
}

/// Who the options are for: the signed-in user, the stored owner of the address given, or a
/// new address (`exists: false`).
struct UserInfo {
    user: User,
    exists: bool,
}

/// Auth.js's `inferWebAuthnOptions`: an explicit `authenticate` always; `register` only for a
/// known user when signed in, or a new address when not; no action: a new address registers,
/// anything else authenticates (a signed-in user must say `register`).
fn infer(action: Option<Ceremony>, signed_in: bool, info: Option<&UserInfo>) -> Option<Ceremony> {
    match action {
        Some(Ceremony::Authenticate) => Some(Ceremony::Authenticate),
        Some(Ceremony::Register) => info
            .filter(|i| i.exists == signed_in)
            .map(|_| Ceremony::Register),
        None if signed_in => None,
        None => match info {
            Some(UserInfo { exists: false, .. }) => Some(Ceremony::Register),
            _ => Some(Ceremony::Authenticate),
        },
    }
}

fn verification(message: impl Into<String>, reason: Reason) -> AuthError {
    AuthError::new(ErrorType::WebAuthnVerificationError, message).with_reason(reason)
}

fn store(adapters: Option<&Adapters>) -> Result<&dyn AuthenticatorAdapter, AuthError> {
    adapters.and_then(Adapters::authenticators).ok_or_else(|| {
        AuthError::new(
            ErrorType::MissingAdapter,
            "passkeys need an adapter that stores authenticators",
        )
    })
}

/// The relying party of this request and a `webauthn-rs` instance for it.
fn relying_party(ctx: &Ctx<'_>, provider: &WebAuthnProvider) -> Result<Webauthn, AuthError> {
    let invalid = |why: String| AuthError::new(ErrorType::InvalidProvider, why);
    let rp = provider
        .relying_party_for(&ctx.req.origin)
        .ok_or_else(|| invalid(format!("no relying party for origin {}", ctx.req.origin)))?;
    let origin = Url::parse(&rp.origin).map_err(|e| invalid(format!("relying party: {e}")))?;
    WebauthnBuilder::new(&rp.id, &origin)
        .and_then(|b| b.rp_name(&rp.name).timeout(provider.timeout).build())
        .map_err(|e| invalid(format!("relying party {}: {e}", rp.id)))
}

fn webauthn_provider(ctx: &Ctx<'_>, provider_id: &str) -> Result<WebAuthnProvider, AuthError> {
    match ctx.provider(provider_id)? {
        Provider::WebAuthn(p) => Ok(p),
        other => Err(AuthError::new(
            ErrorType::InvalidProvider,
            format!("`{}` is not a passkey provider", other.id()),
        )),
    }
}

/// The stored authenticator as `webauthn-rs` verifies with it.
fn credential_of(authenticator: &Authenticator) -> Result<Credential, AuthError> {
    let corrupt = |what: &'static str| AuthError::from(AdapterError::Corrupt(what));
    let cred_id = STANDARD
        .decode(&authenticator.credential_id)
        .map_err(|_| corrupt("authenticator credential id"))?;
    let key = STANDARD
        .decode(&authenticator.credential_public_key)
        .map_err(|_| corrupt("authenticator public key"))?;
    let cred = cose::decode(&key).map_err(|_| corrupt("authenticator public key"))?;
    Ok(Credential {
        cred_id,
        cred,
        counter: authenticator.counter,
        transports: None,
        user_verified: true,
        backup_eligible: authenticator.credential_device_type == "multiDevice",
        backup_state: authenticator.credential_backed_up,
        registration_policy: UserVerificationPolicy::Required,
        extensions: RegisteredExtensions::none(),
        attestation: ParsedAttestation {
            data: ParsedAttestationData::None,
            metadata: AttestationMetadata::None,
        },
        attestation_format: AttestationFormat::None,
    })
}

/// `GET /webauthn-options/<id>?action=&email=`.
pub async fn options(ctx: &mut Ctx<'_>, provider_id: &str) -> Result<Out, AuthError> {
    let provider = webauthn_provider(ctx, provider_id)?;
    let action = match ctx.req.query_str("action") {
        None => None,
        Some(action) => match Ceremony::parse(action) {
            Some(ceremony) => Some(ceremony),
            None => {
                return Ok(Out::json(
                    StatusCode::BAD_REQUEST,
                    json!({"error": "Invalid action"}),
                ));
            }
        },
    };
    let adapters = ctx.config.adapter.clone();
    let authenticators = store(adapters.as_ref())?;
    let adapters = adapters
        .as_ref()
        .ok_or_else(|| AuthError::new(ErrorType::MissingAdapter, "passkeys require an adapter"))?;
    let signed_in = current_user(ctx, adapters).await?;
    let is_signed_in = signed_in.is_some();
    let info = match signed_in {
        Some(user) => Some(UserInfo { user, exists: true }),
        None => user_info(ctx, adapters).await?,
    };
    let decision = infer(action, is_signed_in, info.as_ref());
    match (decision, info) {
        (Some(Ceremony::Authenticate), info) => {
            let known = info.filter(|i| i.exists).map(|i| i.user);
            authentication_options(ctx, &provider, authenticators, known.as_ref()).await
        }
        (Some(Ceremony::Register), Some(info)) if info.user.email.is_some() => {
            registration_options(ctx, &provider, authenticators, &info.user).await
        }
        _ => Ok(Out::json(
            StatusCode::BAD_REQUEST,
            json!({"error": "Invalid request"}),
        )),
    }
}

/// The address of the request (`email` in the query), normalised as the email provider
/// normalises it, and its user.
async fn user_info(ctx: &Ctx<'_>, adapters: &Adapters) -> Result<Option<UserInfo>, AuthError> {
    let Some(raw) = ctx.req.query_str("email") else {
        return Ok(None);
    };
    let Ok(email) = crate::providers::email::normalize_identifier(raw) else {
        return Ok(None);
    };
    let known = adapters
        .users()
        .get_user_by_email(&email)
        .await
        .map_err(AuthError::from)?;
    Ok(Some(match known {
        Some(user) => UserInfo { user, exists: true },
        None => UserInfo {
            user: User {
                email: Some(email),
                ..User::default()
            },
            exists: false,
        },
    }))
}

/// The sealed challenge cookie: the ceremony's state, for this provider and ceremony.
fn challenge_cookie(
    ctx: &Ctx<'_>,
    provider: &WebAuthnProvider,
    ceremony: Ceremony,
    state: Value,
    user: Option<&User>,
) -> Result<SetCookie, AuthError> {
    let spec = &ctx.cookies.webauthn_challenge;
    let mut claims = Map::new();
    claims.insert("provider".into(), provider.id.clone().into());
    claims.insert("action".into(), ceremony.as_str().into());
    claims.insert("state".into(), state);
    if let Some(user) = user {
        claims.insert("user".into(), registered_user(user));
    }
    let sealed = ctx.codec.encode(&claims, &spec.name, CHALLENGE_MAX_AGE)?;
    let mut cookie = SetCookie::new(spec, sealed);
    cookie.expires =
        Some(OffsetDateTime::now_utc() + time::Duration::seconds(CHALLENGE_MAX_AGE as i64));
    Ok(cookie)
}

/// Auth.js's `registerData`: who the new passkey is for.
fn registered_user(user: &User) -> Value {
    json!({"id": user.id, "email": user.email, "name": user.name, "image": user.image})
}

fn state_error(e: serde_json::Error) -> AuthError {
    AuthError::new(
        ErrorType::WebAuthnVerificationError,
        format!("WebAuthn state: {e}"),
    )
}

async fn authentication_options(
    ctx: &mut Ctx<'_>,
    provider: &WebAuthnProvider,
    authenticators: &dyn AuthenticatorAdapter,
    user: Option<&User>,
) -> Result<Out, AuthError> {
    let webauthn = relying_party(ctx, provider)?;
    let (challenge, state) = webauthn.start_discoverable_authentication().map_err(|e| {
        AuthError::new(
            ErrorType::WebAuthnVerificationError,
            format!("options: {e}"),
        )
    })?;
    let mut options = serde_json::to_value(&challenge.public_key).map_err(state_error)?;
    // A known user: the browser offers only their passkeys (Auth.js's `allowCredentials`). The
    // state is the discoverable one either way: the response names its credential, which is
    // looked up and must belong to a stored account.
    if let Some(id) = user.and_then(|u| u.id.as_deref()) {
        let allowed: Vec<Value> = authenticators
            .list_authenticators_by_user_id(id)
            .await
            .map_err(AuthError::from)?
            .iter()
            .filter_map(|a| {
                let raw = STANDARD.decode(&a.credential_id).ok()?;
                let transports: Vec<&str> = a
                    .transports
                    .as_deref()
                    .map(|t| t.split(',').filter(|t| !t.is_empty()).collect())
                    .unwrap_or_default();
                Some(json!({
                    "id": URL_SAFE_NO_PAD.encode(raw),
                    "type": "public-key",
                    "transports": transports,
                }))
            })
            .collect();
        if let Some(object) = options.as_object_mut() {
            object.insert("allowCredentials".into(), Value::Array(allowed));
        }
    }
    let state = serde_json::to_value(&state).map_err(state_error)?;
    let cookie = challenge_cookie(ctx, provider, Ceremony::Authenticate, state, None)?;
    ctx.set_cookies.push(cookie);
    Ok(Out::json(
        StatusCode::OK,
        json!({"action": "authenticate", "options": options}),
    ))
}

async fn registration_options(
    ctx: &mut Ctx<'_>,
    provider: &WebAuthnProvider,
    authenticators: &dyn AuthenticatorAdapter,
    user: &User,
) -> Result<Out, AuthError> {
    let webauthn = relying_party(ctx, provider)?;
    let email = user.email.clone().unwrap_or_default();
    let exclude = match user.id.as_deref() {
        Some(id) => Some(
            authenticators
                .list_authenticators_by_user_id(id)
                .await
                .map_err(AuthError::from)?
                .iter()
                .filter_map(|a| STANDARD.decode(&a.credential_id).ok())
                .collect(),
        ),
        None => None,
    };
    let display = user.name.clone().unwrap_or_else(|| email.clone());
    let (challenge, state) = webauthn
        .start_passkey_registration(Uuid::new_v4(), &email, &display, exclude)
        .map_err(|e| {
            AuthError::new(
                ErrorType::WebAuthnVerificationError,
                format!("options: {e}"),
            )
        })?;
    let mut options = serde_json::to_value(&challenge.public_key).map_err(state_error)?;
    if provider.require_resident_key
        && let Some(selection) = options
            .get_mut("authenticatorSelection")
            .and_then(Value::as_object_mut)
    {
        selection.insert("residentKey".into(), "required".into());
        selection.insert("requireResidentKey".into(), true.into());
    }
    let state = serde_json::to_value(&state).map_err(state_error)?;
    let cookie = challenge_cookie(ctx, provider, Ceremony::Register, state, Some(user))?;
    ctx.set_cookies.push(cookie);
    Ok(Out::json(
        StatusCode::OK,
        json!({"action": "register", "options": options}),
    ))
}

/// Takes the challenge cookie (once): its state and registered user. `InvalidCheck` when it is
/// missing, undecryptable or expired, or was made for another provider or ceremony.
fn take_challenge(
    ctx: &mut Ctx<'_>,
    provider: &WebAuthnProvider,
    ceremony: Ceremony,
) -> Result<(Value, Option<Value>), AuthError> {
    let check = OAuthCheck::WebAuthnChallenge;
    let invalid = |why: &str, reason: Reason| {
        AuthError::new(ErrorType::InvalidCheck, format!("challenge cookie {why}"))
            .with_reason(reason)
    };
    let spec = ctx.cookies.webauthn_challenge.clone();
    let raw = ctx
        .req
        .cookie(&spec.name)
        .ok_or_else(|| invalid("is missing", Reason::CheckCookieMissing(check)))?
        .to_owned();
    ctx.set_cookies
        .push(SetCookie::delete(&spec.name, &spec.options));
    let mut claims = ctx
        .codec
        .decode(&raw, &spec.name)
        .map_err(|_| invalid("could not be decrypted", Reason::CheckCookieInvalid(check)))?;
    if claims.get("provider").and_then(Value::as_str) != Some(provider.id.as_str()) {
        return Err(invalid(
            "belongs to another provider",
            Reason::CheckCookieOtherProvider(check),
        ));
    }
    if claims.get("action").and_then(Value::as_str) != Some(ceremony.as_str()) {
        return Err(invalid(
            "belongs to another ceremony",
            Reason::WebAuthnCeremonyMismatch,
        ));
    }
    let state = claims
        .remove("state")
        .ok_or_else(|| invalid("has no state", Reason::CheckCookieInvalid(check)))?;
    Ok((state, claims.remove("user")))
}

/// What `webauthn-rs` refused, as the reason a test or a log can tell apart.
fn refused(err: &WebauthnError) -> AuthError {
    let reason = match err {
        WebauthnError::CredentialPossibleCompromise => Reason::AuthenticatorCloned,
        WebauthnError::MismatchedChallenge => Reason::WebAuthnChallengeMismatch,
        WebauthnError::InvalidRPOrigin | WebauthnError::CredentialCrossOrigin => {
            Reason::WebAuthnOriginMismatch
        }
        WebauthnError::InvalidRPIDHash => Reason::WebAuthnRpIdMismatch,
        WebauthnError::UserNotVerified | WebauthnError::UserNotPresent => {
            Reason::WebAuthnUserNotVerified
        }
        WebauthnError::AuthenticationFailure => Reason::WebAuthnSignatureInvalid,
        _ => Reason::WebAuthnResponseInvalid,
    };
    verification(
        format!("the WebAuthn response did not verify: {err}"),
        reason,
    )
}

/// `POST /callback/<id>` with `action` and `data` (the browser's credential, JSON).
pub async fn callback(ctx: &mut Ctx<'_>, provider: &WebAuthnProvider) -> Result<Out, AuthError> {
    if !ctx.req.is_post {
        return Err(AuthError::new(
            ErrorType::InvalidProvider,
            "the passkey callback only accepts POST",
        ));
    }
    let ceremony = ctx
        .req
        .body_str("action")
        .and_then(Ceremony::parse)
        .ok_or_else(|| verification("Invalid action parameter", Reason::WebAuthnActionInvalid))?;
    let data = ctx.req.body_str("data").unwrap_or("").to_owned();
    let adapters = ctx.config.adapter.clone();
    let authenticators = store(adapters.as_ref())?;
    let adapters = adapters
        .as_ref()
        .ok_or_else(|| AuthError::new(ErrorType::MissingAdapter, "passkeys require an adapter"))?;
    match ceremony {
        Ceremony::Authenticate => {
            authenticate(ctx, provider, adapters, authenticators, &data).await
        }
        Ceremony::Register => register(ctx, provider, adapters, authenticators, &data).await,
    }
}

fn malformed(e: serde_json::Error) -> AuthError {
    verification(
        format!("the WebAuthn response is malformed: {e}"),
        Reason::WebAuthnResponseMalformed,
    )
}

async fn authenticate(
    ctx: &mut Ctx<'_>,
    provider: &WebAuthnProvider,
    adapters: &Adapters,
    authenticators: &dyn AuthenticatorAdapter,
    data: &str,
) -> Result<Out, AuthError> {
    let response: PublicKeyCredential = serde_json::from_str(data).map_err(malformed)?;
    let (state, _) = take_challenge(ctx, provider, Ceremony::Authenticate)?;
    let state: DiscoverableAuthentication = serde_json::from_value(state).map_err(state_error)?;
    let credential_id = STANDARD.encode(&response.raw_id);
    let stored = authenticators
        .get_authenticator(&credential_id)
        .await
        .map_err(AuthError::from)?
        .ok_or_else(|| {
            verification(
                "no authenticator is stored with this credential id",
                Reason::AuthenticatorUnknown,
            )
        })?;
    let credential = credential_of(&stored)?;
    let webauthn = relying_party(ctx, provider)?;
    let result = webauthn
        .finish_discoverable_authentication_v2(&response, state, &credential)
        .map_err(|e| refused(&e))?;
    if result.counter() != stored.counter {
        authenticators
            .update_authenticator_counter(&stored.credential_id, result.counter())
            .await
            .map_err(AuthError::from)?;
    }
    let users = adapters.users();
    let account = users
        .get_account(&stored.provider_account_id, &provider.id)
        .await
        .map_err(AuthError::from)?
        .ok_or_else(|| AuthError::from(AdapterError::NotFound("account of the authenticator")))?;
    let user_id = account.user_id.clone().unwrap_or_default();
    let user = users
        .get_user(&user_id)
        .await
        .map_err(AuthError::from)?
        .ok_or_else(|| AuthError::from(AdapterError::NotFound("user of the authenticator")))?;
    if let Some(stop) = gate(ctx, &user, &account).await? {
        return Ok(stop);
    }
    if let Some(current) = current_user(ctx, adapters).await?
        && current.id != user.id
    {
        return Err(AuthError::new(
            ErrorType::AccountNotLinked,
            "this passkey belongs to another user than the one signed in",
        ));
    }
    establish(ctx, user, account, None, false, None).await
}

async fn gate(ctx: &Ctx<'_>, user: &User, account: &Account) -> Result<Option<Out>, AuthError> {
    sign_in_gate(
        ctx,
        SignInParams {
            user: user.clone(),
            account: Some(account.clone()),
            profile: None,
            email_verification_request: None,
            credentials: None,
        },
    )
    .await
}

fn device_type(passkey_backup_eligible: bool) -> &'static str {
    if passkey_backup_eligible {
        "multiDevice"
    } else {
        "singleDevice"
    }
}

async fn register(
    ctx: &mut Ctx<'_>,
    provider: &WebAuthnProvider,
    adapters: &Adapters,
    authenticators: &dyn AuthenticatorAdapter,
    data: &str,
) -> Result<Out, AuthError> {
    let response: RegisterPublicKeyCredential = serde_json::from_str(data).map_err(malformed)?;
    let (state, registered) = take_challenge(ctx, provider, Ceremony::Register)?;
    let state: PasskeyRegistration = serde_json::from_value(state).map_err(state_error)?;
    let registered: User = registered
        .and_then(|u| serde_json::from_value(u).ok())
        .filter(|u: &User| u.email.is_some())
        .ok_or_else(|| {
            AuthError::new(
                ErrorType::InvalidCheck,
                "the challenge cookie names no user to register",
            )
            .with_reason(Reason::CheckCookieInvalid(OAuthCheck::WebAuthnChallenge))
        })?;
    let webauthn = relying_party(ctx, provider)?;
    let passkey: Passkey = webauthn
        .finish_passkey_registration(&response, &state)
        .map_err(|e| refused(&e))?;
    let credential: Credential = passkey.into();
    let credential_id = STANDARD.encode(&credential.cred_id);
    let public_key = cose::encode(&credential.cred).map_err(|e| {
        verification(
            format!("the new credential's key: {e}"),
            Reason::WebAuthnResponseInvalid,
        )
    })?;
    let transports = response
        .response
        .transports
        .as_ref()
        .map(|t| {
            t.iter()
                .filter_map(|t| serde_json::to_value(t).ok())
                .filter_map(|v| v.as_str().map(str::to_owned))
                .collect::<Vec<_>>()
                .join(",")
        })
        .filter(|t| !t.is_empty());
    let account = Account {
        provider: provider.id.clone(),
        kind: "webauthn".into(),
        provider_account_id: credential_id.clone(),
        ..Account::default()
    };
    if let Some(stop) = gate(ctx, &registered, &account).await? {
        return Ok(stop);
    }
    let (user, account, is_new_user) = owner(ctx, adapters, &registered, account).await?;
    let user_id = user.id.clone().unwrap_or_default();
    let authenticator = Authenticator {
        credential_id,
        user_id: user_id.clone(),
        provider_account_id: account.provider_account_id.clone(),
        credential_public_key: STANDARD.encode(public_key),
        counter: credential.counter,
        credential_device_type: device_type(credential.backup_eligible).into(),
        credential_backed_up: credential.backup_state,
        transports,
    };
    if let Err(err) = authenticators.create_authenticator(authenticator).await {
        // Nothing half-written: the account (and a user made for it) go with the failure.
        let users = adapters.users();
        let _ = users
            .unlink_account(&account.provider, &account.provider_account_id)
            .await;
        if is_new_user {
            let _ = users.delete_user(&user_id).await;
        }
        return Err(err.into());
    }
    establish(ctx, user, account, None, is_new_user, None).await
}

/// The account rules of a registration (Auth.js's `handleLoginOrRegister` for WebAuthn): a
/// signed-in user gets the passkey; otherwise the address must be new, and a user is created
/// with the account. `AccountNotLinked` when the address belongs to someone already.
async fn owner(
    ctx: &Ctx<'_>,
    adapters: &Adapters,
    registered: &User,
    account: Account,
) -> Result<(User, Account, bool), AuthError> {
    let users = adapters.users();
    let profile = Value::Null;
    if let Some(current) = current_user(ctx, adapters).await? {
        let mut linked = account;
        linked.user_id = current.id.clone();
        users
            .link_account(linked.clone())
            .await
            .map_err(AuthError::from)?;
        emit_linked(ctx, &current, linked.clone(), &profile).await;
        return Ok((current, linked, false));
    }
    let email = registered.email.as_deref().unwrap_or_default();
    if users
        .get_user_by_email(email)
        .await
        .map_err(AuthError::from)?
        .is_some()
    {
        return Err(AuthError::new(
            ErrorType::AccountNotLinked,
            "another user already has this email; sign in and add the passkey from there",
        ));
    }
    let new_user = User {
        id: None,
        email_verified: None,
        ..registered.clone()
    };
    let created = users
        .create_user_with_account(new_user, account.clone())
        .await
        .map_err(AuthError::from)?;
    let mut linked = account;
    linked.user_id = created.id.clone();
    Events::emit(
        ctx.config.events.create_user.clone(),
        "createUser",
        created.clone(),
    )
    .await;
    emit_linked(ctx, &created, linked.clone(), &profile).await;
    Ok((created, linked, true))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn info(exists: bool) -> UserInfo {
        UserInfo {
            user: User::default(),
            exists,
        }
    }

    #[test]
    fn the_ceremony_is_inferred_as_auth_js_infers_it() {
        use Ceremony::{Authenticate as A, Register as R};
        let (known, new) = (info(true), info(false));
        // (action, signed in, user info, decision)
        type Case<'a> = (
            Option<Ceremony>,
            bool,
            Option<&'a UserInfo>,
            Option<Ceremony>,
        );
        let cases: [Case<'_>; 12] = [
            (Some(A), false, None, Some(A)),
            (Some(A), true, Some(&known), Some(A)),
            (Some(R), false, Some(&new), Some(R)),
            (Some(R), false, Some(&known), None),
            (Some(R), false, None, None),
            (Some(R), true, Some(&known), Some(R)),
            (Some(R), true, Some(&new), None),
            (None, false, None, Some(A)),
            (None, false, Some(&known), Some(A)),
            (None, false, Some(&new), Some(R)),
            (None, true, Some(&known), None),
            (None, true, None, None),
        ];
        for (i, (action, signed_in, info, expected)) in cases.into_iter().enumerate() {
            assert_eq!(infer(action, signed_in, info), expected, "case {i}");
        }
    }

    #[test]
    fn device_types_are_auth_js_names() {
        assert_eq!(device_type(true), "multiDevice");
        assert_eq!(device_type(false), "singleDevice");
    }
}
