//! `GET|POST /callback/:provider` (spec §1, §9, §15). The credentials flow is complete here;
//! OAuth/OIDC and email callbacks plug in beside it.

use super::{Ctx, Out, user_error};
use crate::callbacks::{Events, SignInMessage, SignInParams};
use crate::error::{AuthError, ErrorType};
use crate::providers::{AuthorizeRequest, CredentialsProvider, Provider};
use crate::types::Account;

/// `GET|POST /callback/:provider`.
pub async fn callback(ctx: &mut Ctx<'_>, provider_id: &str) -> Result<Out, AuthError> {
    let provider = ctx.provider(provider_id)?;
    match &provider {
        Provider::Email(p) => super::email::callback(ctx, p).await,
        #[cfg(feature = "webauthn")]
        Provider::WebAuthn(p) => super::webauthn::callback(ctx, p).await,
        // `AuthConfig::assert_valid` refuses such a configuration; kept typed should it get here.
        #[cfg(not(feature = "webauthn"))]
        Provider::WebAuthn(p) => Err(AuthError::new(
            ErrorType::InvalidProvider,
            format!(
                "provider `{}` needs auth-runtime's `webauthn` feature",
                p.id
            ),
        )),
        Provider::Credentials(p) => {
            if !ctx.req.is_post {
                return Err(AuthError::new(
                    ErrorType::UnknownAction,
                    "the credentials callback only accepts POST",
                ));
            }
            ctx.require_csrf()?;
            credentials(ctx, p).await
        }
        Provider::OAuth(p) => {
            if let Some(hop) = super::oauth::proxy_hop(ctx, p)? {
                return Ok(hop);
            }
            let result =
                super::oauth::callback(ctx, p)
                    .await
                    .map_err(|err| match err.error_type() {
                        // Auth.js wraps what is not already an AuthError it reports as such.
                        ErrorType::OAuthCallbackError
                        | ErrorType::InvalidCheck
                        | ErrorType::OAuthProfileParseError
                        | ErrorType::InvalidEndpoints
                        | ErrorType::CallbackRouteError => err,
                        _ => err.retyped(ErrorType::CallbackRouteError),
                    })?;
            let extra = p
                .refresh_access_token
                .then(|| super::oauth::rotation_claims(&result.account));
            super::login::complete(
                ctx,
                result.user,
                result.account,
                Some(result.profile),
                p.allow_dangerous_email_account_linking,
                extra,
            )
            .await
        }
    }
}

async fn credentials(ctx: &mut Ctx<'_>, provider: &CredentialsProvider) -> Result<Out, AuthError> {
    let Some(authorize) = &provider.authorize else {
        return Err(AuthError::new(
            ErrorType::MissingAuthorize,
            "credentials provider without authorize",
        ));
    };
    let credentials = ctx.req.body.clone();
    let request = AuthorizeRequest {
        url: ctx.req.url(),
        headers: ctx.req.headers.clone(),
    };
    let user = match authorize(credentials.clone(), request).await {
        Ok(Some(user)) => user,
        Ok(None) => return Err(AuthError::credentials_signin("credentials")),
        Err(err) => {
            let err = user_error(err, ErrorType::CallbackRouteError);
            return Err(err);
        }
    };
    let mut user = user;
    let id = user
        .id
        .clone()
        .unwrap_or_else(|| uuid::Uuid::new_v4().to_string());
    user.id = Some(id.clone());
    let account = Account {
        provider: provider.id.clone(),
        kind: "credentials".into(),
        provider_account_id: id,
        ..Account::default()
    };

    let params = SignInParams {
        user: user.clone(),
        account: Some(account.clone()),
        profile: None,
        email_verification_request: None,
        credentials: Some(credentials),
    };
    if let Some(stop) = super::login::sign_in_gate(ctx, params).await? {
        return Ok(stop);
    }

    super::login::issue_jwt(ctx, &user, &account, None, false, None).await?;
    Events::emit(
        ctx.config.events.sign_in.clone(),
        "signIn",
        SignInMessage {
            user,
            account: Some(account),
            profile: None,
            is_new_user: false,
        },
    )
    .await;
    Ok(Out::redirect(ctx.callback_url.clone()))
}
