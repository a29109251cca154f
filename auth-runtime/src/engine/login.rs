//! After a provider proved who the user is: the account rules (spec §5, §7.4), the `sign_in`,
//! `jwt` and `session` callbacks and the events in Auth.js's order, and the session cookie.

use serde_json::Value;
use time::OffsetDateTime;

use super::session::seconds;
use super::{Ctx, Out, user_error};
use crate::adapter::{Adapter, AdapterError, AdapterSession, Adapters};
use crate::callbacks::{
    Events, JwtParams, JwtTrigger, LinkAccountMessage, SignInDecision, SignInMessage, SignInParams,
};
use crate::config::SessionStrategy;
use crate::cookies::{SessionStore, SetCookie};
use crate::error::{AuthError, ErrorType, Reason};
use crate::types::{Account, Jwt, User};

/// Runs the `sign_in` callback (spec §15): `Ok(None)` to go on, `Ok(Some(redirect))` when it
/// returned a URL, `AccessDenied` when it said no or failed with anything but an [`AuthError`].
pub(crate) async fn sign_in_gate(
    ctx: &Ctx<'_>,
    params: SignInParams,
) -> Result<Option<Out>, AuthError> {
    let decision = ctx
        .config
        .callbacks
        .run_sign_in(params)
        .await
        .map_err(|e| match e.downcast::<AuthError>() {
            Ok(auth) => *auth,
            Err(other) => AuthError::new(ErrorType::AccessDenied, other.to_string()),
        })?;
    match decision {
        SignInDecision::Allow => Ok(None),
        SignInDecision::Deny => Err(AuthError::new(ErrorType::AccessDenied, "AccessDenied")),
        SignInDecision::Redirect(url) => Ok(Some(Out::redirect(ctx.redirect(url).await?))),
    }
}

/// Links `account` to `user` in the adapter; the account as stored.
async fn link(adapter: &dyn Adapter, user: &User, account: &Account) -> Result<Account, AuthError> {
    let mut account = account.clone();
    account.user_id = user.id.clone();
    adapter
        .link_account(account.clone())
        .await
        .map_err(AuthError::from)?;
    Ok(account)
}

/// Emits `link_account`.
pub(crate) async fn emit_linked(ctx: &Ctx<'_>, user: &User, account: Account, profile: &Value) {
    Events::emit(
        ctx.config.events.link_account.clone(),
        "linkAccount",
        LinkAccountMessage {
            user: user.clone(),
            account,
            profile: Some(profile.clone()),
        },
    )
    .await;
}

/// The user signed in on this request before the callback, if any.
pub(crate) async fn current_user(
    ctx: &Ctx<'_>,
    adapters: &Adapters,
) -> Result<Option<User>, AuthError> {
    let store = SessionStore::new(&ctx.cookies.session_token, &ctx.req.cookies);
    let Some(value) = store.value() else {
        return Ok(None);
    };
    match ctx.strategy_for(Some(value)) {
        SessionStrategy::Database => Ok(adapters
            .require_sessions()?
            .get_session_and_user(value)
            .await
            .map_err(AuthError::from)?
            .filter(|(s, _)| s.expires > OffsetDateTime::now_utc())
            .map(|(_, u)| u)),
        SessionStrategy::Jwt => {
            let Ok(claims) = ctx.decode_session(value) else {
                return Ok(None);
            };
            match claims.get("sub").and_then(Value::as_str) {
                Some(sub) => adapters
                    .users()
                    .get_user(sub)
                    .await
                    .map_err(AuthError::from),
                None => Ok(None),
            }
        }
    }
}

/// Whether the provider's profile says its email address is verified: `email_verified` is
/// `true` (or `"true"`, as some providers send it).
fn email_verified(profile: &Value) -> bool {
    match profile.get("email_verified") {
        Some(Value::Bool(verified)) => *verified,
        Some(Value::String(text)) => text.eq_ignore_ascii_case("true"),
        _ => false,
    }
}

/// Applies the account rules with an adapter; returns the local user and whether it is new.
async fn link_or_create(
    ctx: &Ctx<'_>,
    adapters: &Adapters,
    profile_user: &User,
    account: &Account,
    profile: &Value,
    allow_email_linking: bool,
) -> Result<(User, bool), AuthError> {
    let signed_in = current_user(ctx, adapters).await?;
    let adapter = adapters.users();
    let linked = adapter
        .get_user_by_account(&account.provider, &account.provider_account_id)
        .await
        .map_err(AuthError::from)?;
    if let Some(linked) = linked {
        if let Some(current) = &signed_in
            && current.id != linked.id
        {
            return Err(AuthError::new(
                ErrorType::OAuthAccountNotLinked,
                "the account is already linked to another user",
            ));
        }
        return Ok((linked, false));
    }
    if let Some(current) = signed_in {
        let stored = link(adapter, &current, account).await?;
        emit_linked(ctx, &current, stored, profile).await;
        return Ok((current, false));
    }
    if let Some(email) = profile_user.email.as_deref()
        && let Some(existing) = adapter
            .get_user_by_email(email)
            .await
            .map_err(AuthError::from)?
    {
        // A first sign-in with this provider account may have finished meanwhile (two racing):
        // its user has this address and the account is linked now. That is the user.
        if let Some(linked) = adapter
            .get_user_by_account(&account.provider, &account.provider_account_id)
            .await
            .map_err(AuthError::from)?
        {
            return Ok((linked, false));
        }
        if !allow_email_linking {
            return Err(AuthError::new(
                ErrorType::OAuthAccountNotLinked,
                "another account already uses this email; sign in with it first to link",
            ));
        }
        if !email_verified(profile) {
            // Auth.js links on the address alone: whoever registers the victim's address at a
            // provider that does not verify it would take over the account.
            return Err(AuthError::new(
                ErrorType::OAuthAccountNotLinked,
                "the provider does not say this email is verified, so it is not linked to the \
                 user who has it",
            )
            .with_reason(Reason::EmailNotVerified));
        }
        let stored = link(adapter, &existing, account).await?;
        emit_linked(ctx, &existing, stored, profile).await;
        return Ok((existing, false));
    }
    let mut new_user = profile_user.clone();
    new_user.id = None;
    new_user.email_verified = None;
    // One change: a user without its account would block the next attempt, and of two first
    // sign-ins racing with one provider account, one creates the user and the other reads it.
    let created = match adapter
        .create_user_with_account(new_user, account.clone())
        .await
    {
        Ok(created) => created,
        Err(AdapterError::Conflict(_)) => {
            let winner = adapter
                .get_user_by_account(&account.provider, &account.provider_account_id)
                .await
                .map_err(AuthError::from)?
                .ok_or_else(|| {
                    AuthError::from(AdapterError::NotFound("user of the account just linked"))
                })?;
            return Ok((winner, false));
        }
        Err(err) => return Err(err.into()),
    };
    let mut stored = account.clone();
    stored.user_id = created.id.clone();
    Events::emit(
        ctx.config.events.create_user.clone(),
        "createUser",
        created.clone(),
    )
    .await;
    emit_linked(ctx, &created, stored, profile).await;
    Ok((created, true))
}

/// The JWT of a sign-in: Auth.js's default claims (plus `extra_claims`), the `jwt` callback with
/// trigger `signIn` or `signUp`, then the session cookie (or its removal when the callback
/// returns `None`).
pub(crate) async fn issue_jwt(
    ctx: &mut Ctx<'_>,
    user: &User,
    account: &Account,
    profile: Option<Value>,
    is_new_user: bool,
    extra_claims: Option<Value>,
) -> Result<(), AuthError> {
    let mut token = Jwt::from_user(user);
    if let Some(schema) = &ctx.config.extension {
        schema.copy_from_user(&user.extra, &mut token.0);
    }
    if let Some(Value::Object(extra)) = extra_claims {
        token.0.extend(extra);
    }
    let token = ctx
        .config
        .callbacks
        .run_jwt(JwtParams {
            token,
            user: Some(user.clone()),
            account: Some(account.clone()),
            profile,
            trigger: Some(if is_new_user {
                JwtTrigger::SignUp
            } else {
                JwtTrigger::SignIn
            }),
            is_new_user,
            session: None,
        })
        .await
        .map_err(|e| user_error(e, ErrorType::CallbackRouteError))?;
    let store = SessionStore::new(&ctx.cookies.session_token, &ctx.req.cookies);
    match token {
        None => ctx.set_cookies.extend(store.clean()),
        Some(token) => {
            extension_issued(ctx, &token.0)?;
            let encoded = ctx.encode_session(&token.0)?;
            let expires = OffsetDateTime::now_utc() + seconds(ctx.config.session.max_age);
            ctx.set_cookies.extend(store.write(&encoded, Some(expires)));
        }
    }
    Ok(())
}

/// A sign-in issues no session its own reads would refuse: the new token (or, for a database
/// session, the user) must hold the app's extension, else the sign-in fails with
/// `CallbackRouteError` (`?error=Configuration` for the visitor) and the log names the field (a `jwt` callback that does not set a required
/// field, a user without a required `#[auth(user)]` field).
fn extension_issued(
    ctx: &Ctx<'_>,
    source: &serde_json::Map<String, Value>,
) -> Result<(), AuthError> {
    let Some(schema) = &ctx.config.extension else {
        return Ok(());
    };
    schema.check(source).map_err(|err| {
        AuthError::new(
            ErrorType::CallbackRouteError,
            format!(
                "the new session does not hold `{}` ({err}): set the field in `authorize`, the profile mapping or the `jwt` callback, or make it `Option` or `#[auth(default)]`",
                schema.type_name()
            ),
        )
    })
}

/// Completes a provider sign-in: account rules, callbacks, session cookie, events, redirect.
pub async fn complete(
    ctx: &mut Ctx<'_>,
    mut user: User,
    mut account: Account,
    profile: Option<Value>,
    allow_email_linking: bool,
    extra_claims: Option<Value>,
) -> Result<Out, AuthError> {
    let adapter = ctx.config.adapter.clone();
    // The sign_in callback sees the stored user when the account is known (Auth.js order).
    let known = match &adapter {
        Some(a) => a
            .users()
            .get_user_by_account(&account.provider, &account.provider_account_id)
            .await
            .map_err(AuthError::from)?,
        None => None,
    };
    let params = SignInParams {
        user: known.clone().unwrap_or_else(|| user.clone()),
        account: Some(account.clone()),
        profile: profile.clone(),
        email_verification_request: None,
        credentials: None,
    };
    if let Some(stop) = sign_in_gate(ctx, params).await? {
        return Ok(stop);
    }

    let profile_value = profile.clone().unwrap_or(Value::Null);
    let is_new_user = match &adapter {
        Some(a) => {
            let (local, is_new) =
                link_or_create(ctx, a, &user, &account, &profile_value, allow_email_linking)
                    .await?;
            user = local;
            is_new
        }
        None => {
            user.id = Some(super::oauth::stable_sub(
                &account.provider,
                &account.provider_account_id,
            ));
            false
        }
    };
    account.user_id = user.id.clone();
    establish(ctx, user, account, profile, is_new_user, extra_claims).await
}

/// The end of every sign-in: the session (a database row or a session token), the `sign_in`
/// event, and the redirect (the new-user page for a new user, when configured).
pub(crate) async fn establish(
    ctx: &mut Ctx<'_>,
    user: User,
    account: Account,
    profile: Option<Value>,
    is_new_user: bool,
    extra_claims: Option<Value>,
) -> Result<Out, AuthError> {
    let adapter = ctx.config.adapter.clone();
    let store = SessionStore::new(&ctx.cookies.session_token, &ctx.req.cookies);
    let now = OffsetDateTime::now_utc();
    let expires = now + seconds(ctx.config.session.max_age);
    match (ctx.config.resolved_strategy(), &adapter) {
        (SessionStrategy::Database, Some(a)) => {
            let session_token = ctx
                .config
                .session
                .generate_session_token
                .as_ref()
                .map(|g| g())
                .unwrap_or_else(|| uuid::Uuid::new_v4().to_string());
            extension_issued(ctx, &user.to_fields())?;
            let user_id = user.id.clone().ok_or_else(|| {
                AuthError::new(
                    ErrorType::AdapterError,
                    "the adapter returned a user without id",
                )
            })?;
            let session = a
                .require_sessions()?
                .create_session(AdapterSession {
                    session_token,
                    user_id,
                    expires,
                })
                .await
                .map_err(AuthError::from)?;
            let mut cookie = SetCookie::new(&ctx.cookies.session_token, session.session_token);
            cookie.expires = Some(session.expires);
            ctx.set_cookies.extend(
                store
                    .clean()
                    .into_iter()
                    .filter(|c| c.name != ctx.cookies.session_token.name),
            );
            ctx.set_cookies.push(cookie);
        }
        _ => {
            issue_jwt(
                ctx,
                &user,
                &account,
                profile.clone(),
                is_new_user,
                extra_claims,
            )
            .await?
        }
    }
    Events::emit(
        ctx.config.events.sign_in.clone(),
        "signIn",
        SignInMessage {
            user,
            account: Some(account),
            profile,
            is_new_user,
        },
    )
    .await;
    if is_new_user && let Some(page) = &ctx.config.pages.new_user {
        let query = form_urlencoded::Serializer::new(String::new())
            .append_pair("callbackUrl", &ctx.callback_url)
            .finish();
        let sep = if page.contains('?') { '&' } else { '?' };
        return Ok(Out::redirect(format!("{page}{sep}{query}")));
    }
    Ok(Out::redirect(ctx.callback_url.clone()))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_a_provider_that_says_so_has_verified_the_email() {
        for (claim, verified) in [
            (serde_json::json!({"email_verified": true}), true),
            (serde_json::json!({"email_verified": "true"}), true),
            (serde_json::json!({"email_verified": "TRUE"}), true),
            (serde_json::json!({"email_verified": false}), false),
            (serde_json::json!({"email_verified": "false"}), false),
            (serde_json::json!({"email_verified": "yes"}), false),
            (serde_json::json!({"email_verified": 1}), false),
            (serde_json::json!({"verified": true}), false),
            (serde_json::json!(null), false),
        ] {
            assert_eq!(email_verified(&claim), verified, "{claim}");
        }
    }
}
