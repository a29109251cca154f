//! Email sign-in (spec §8): `POST /signin/<id>` sends a link and stores only the token's hash;
//! `GET /callback/<id>?token&email` uses the token once and signs the address in.

use sha2::{Digest, Sha256};
use time::OffsetDateTime;

use super::login::{establish, sign_in_gate};
use super::session::seconds;
use super::{Ctx, Out};
use crate::adapter::{Adapters, VerificationToken, VerificationTokenAdapter};
use crate::callbacks::{Events, SignInParams};
use crate::error::{AuthError, ErrorType};
use crate::providers::EmailSender;
use crate::providers::email::{EmailProvider, StdoutSender, VerificationRequest};
use crate::types::{Account, User};

fn token_store(adapters: Option<&Adapters>) -> Result<&dyn VerificationTokenAdapter, AuthError> {
    adapters
        .and_then(Adapters::verification_tokens)
        .ok_or_else(|| {
            AuthError::new(
                ErrorType::MissingAdapterMethods,
                "email sign-in needs an adapter that stores verification tokens",
            )
        })
}

/// What is stored for a token: `sha256_hex(token + secret)`, the secrets joined with `,` as
/// Auth.js joins its secret array, so a Next.js app sharing the database finds the same row.
pub(crate) fn token_hash(token: &str, secrets: &[String]) -> String {
    let mut hasher = Sha256::new();
    hasher.update(token.as_bytes());
    hasher.update(secrets.join(",").as_bytes());
    hex(&hasher.finalize())
}

fn hex(bytes: &[u8]) -> String {
    const DIGITS: &[u8; 16] = b"0123456789abcdef";
    let mut out = String::with_capacity(bytes.len() * 2);
    for b in bytes {
        out.push(char::from(DIGITS[usize::from(b >> 4)]));
        out.push(char::from(DIGITS[usize::from(b & 0xf)]));
    }
    out
}

/// 32 random bytes, hex: Auth.js's default token.
fn random_token() -> Result<String, AuthError> {
    let mut bytes = [0u8; 32];
    getrandom::fill(&mut bytes)
        .map_err(|e| AuthError::new(ErrorType::EmailSignInError, format!("no randomness: {e}")))?;
    Ok(hex(&bytes))
}

/// The user an address belongs to, or a new one (not stored yet), and its email account.
async fn user_and_account(
    adapters: &Adapters,
    provider: &EmailProvider,
    email: &str,
) -> Result<(Option<User>, Account), AuthError> {
    let known = adapters
        .users()
        .get_user_by_email(email)
        .await
        .map_err(AuthError::from)?;
    let account = Account {
        provider: provider.id.clone(),
        kind: "email".to_owned(),
        provider_account_id: email.to_owned(),
        user_id: known.as_ref().and_then(|u| u.id.clone()),
        ..Account::default()
    };
    Ok((known, account))
}

/// `POST /signin/<id>`.
pub async fn sign_in(ctx: &mut Ctx<'_>, provider: &EmailProvider) -> Result<Out, AuthError> {
    let adapters = ctx.config.adapter.clone();
    let store = token_store(adapters.as_ref())?;
    let raw = ctx.req.body_str("email").unwrap_or("");
    let email = provider.identifier(raw).map_err(|e| {
        AuthError::new(
            ErrorType::EmailSignInError,
            format!("not an email address: {e}"),
        )
    })?;
    let adapters = adapters.as_ref().ok_or_else(|| {
        AuthError::new(ErrorType::MissingAdapter, "Email login requires an adapter")
    })?;
    let (known, account) = user_and_account(adapters, provider, &email).await?;
    let user = known.unwrap_or_else(|| User {
        id: Some(uuid::Uuid::new_v4().to_string()),
        email: Some(email.clone()),
        ..User::default()
    });
    let params = SignInParams {
        user,
        account: Some(account),
        profile: None,
        email_verification_request: Some(true),
        credentials: None,
    };
    if let Some(stop) = sign_in_gate(ctx, params).await? {
        return Ok(stop);
    }

    let token = match &provider.generate_verification_token {
        Some(generate) => generate(),
        None => random_token()?,
    };
    let expires = OffsetDateTime::now_utc() + seconds(provider.max_age);
    let query = form_urlencoded::Serializer::new(String::new())
        .append_pair("callbackUrl", &ctx.callback_url)
        .append_pair("token", &token)
        .append_pair("email", &email)
        .finish();
    let url = format!(
        "{}?{query}",
        ctx.action_url(&format!("callback/{}", provider.id))
    );
    let host = url::Url::parse(&ctx.req.origin)
        .ok()
        .and_then(|u| u.host_str().map(str::to_owned))
        .unwrap_or_default();
    let request = VerificationRequest {
        identifier: email.clone(),
        url,
        token: token.clone(),
        expires,
        provider: provider.id.clone(),
        from: provider.from.clone(),
        host,
    };
    let stored = VerificationToken {
        identifier: email,
        token: token_hash(&token, ctx.secrets),
        expires,
    };
    let sender: &dyn EmailSender = match &provider.sender {
        Some(sender) => sender.as_ref(),
        None => &StdoutSender,
    };
    // As in Auth.js, the link goes out while the token is stored.
    let (sent, saved) = futures_util::future::join(
        sender.send(&request),
        store.create_verification_token(stored),
    )
    .await;
    saved.map_err(AuthError::from)?;
    sent.map_err(|e| {
        AuthError::new(
            ErrorType::EmailSignInError,
            format!("the sign-in email could not be sent: {e}"),
        )
    })?;
    Ok(Out::redirect(format!(
        "{}?{}",
        ctx.action_url("verify-request"),
        form_urlencoded::Serializer::new(String::new())
            .append_pair("provider", &provider.id)
            .append_pair("type", "email")
            .finish()
    )))
}

fn verification(message: &str) -> AuthError {
    AuthError::new(ErrorType::Verification, message)
}

/// `GET /callback/<id>?token&email`: the token is used once; a missing, expired or foreign
/// token fails with `Verification`.
pub async fn callback(ctx: &mut Ctx<'_>, provider: &EmailProvider) -> Result<Out, AuthError> {
    let adapters = ctx.config.adapter.clone();
    let store = token_store(adapters.as_ref())?;
    let token = ctx
        .req
        .query_str("token")
        .ok_or_else(|| verification("the sign-in link has no token"))?
        .to_owned();
    let email = ctx
        .req
        .query_str("email")
        .ok_or_else(|| verification("the sign-in link has no address"))?
        .to_owned();
    let hash = token_hash(&token, ctx.secrets);
    let used = store
        .use_verification_token(&email, &hash)
        .await
        .map_err(AuthError::from)?
        .ok_or_else(|| verification("the sign-in link is unknown or was used already"))?;
    if used.expires < OffsetDateTime::now_utc() {
        return Err(verification("the sign-in link has expired"));
    }
    if used.identifier != email {
        return Err(verification("the sign-in link is for another address"));
    }
    let adapters = adapters.as_ref().ok_or_else(|| {
        AuthError::new(ErrorType::MissingAdapter, "Email login requires an adapter")
    })?;
    let (known, account) = user_and_account(adapters, provider, &email).await?;
    let params = SignInParams {
        // A new address: a provisional user with a fresh id, as at the request (Auth.js).
        user: known.clone().unwrap_or_else(|| User {
            id: Some(uuid::Uuid::new_v4().to_string()),
            email: Some(email.clone()),
            ..User::default()
        }),
        account: Some(account.clone()),
        profile: None,
        email_verification_request: None,
        credentials: None,
    };
    if let Some(stop) = sign_in_gate(ctx, params).await? {
        return Ok(stop);
    }
    // Following the link proves the address: the user is marked verified, or created so.
    let now = OffsetDateTime::now_utc();
    let users = adapters.users();
    let (user, is_new_user) = match known {
        Some(known) => {
            let mut change = User {
                id: known.id.clone(),
                ..User::default()
            };
            change.email_verified = Some(now);
            let updated = users.update_user(change).await.map_err(AuthError::from)?;
            Events::emit(
                ctx.config.events.update_user.clone(),
                "updateUser",
                updated.clone(),
            )
            .await;
            (updated, false)
        }
        None => {
            let mut new = User {
                email: Some(email.clone()),
                ..User::default()
            };
            new.email_verified = Some(now);
            let created = users.create_user(new).await.map_err(AuthError::from)?;
            Events::emit(
                ctx.config.events.create_user.clone(),
                "createUser",
                created.clone(),
            )
            .await;
            (created, true)
        }
    };
    let account = Account {
        user_id: user.id.clone(),
        ..account
    };
    establish(ctx, user, account, None, is_new_user, None).await
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_stored_hash_is_sha256_of_token_and_secrets() {
        // sha256("abc" + "s1,s2")
        let expected = {
            let mut h = Sha256::new();
            h.update(b"abcs1,s2");
            hex(&h.finalize())
        };
        assert_eq!(
            token_hash("abc", &["s1".to_owned(), "s2".to_owned()]),
            expected
        );
        assert_eq!(token_hash("abc", &["s".to_owned()]).len(), 64);
        assert_ne!(
            token_hash("abc", &["s".to_owned()]),
            token_hash("abd", &["s".to_owned()])
        );
    }
}
