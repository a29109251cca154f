//! `GET|POST /signout` (spec §1).

use http::StatusCode;

use super::{Ctx, Out};
use crate::callbacks::{Events, SignOutMessage};
use crate::config::SessionStrategy;
use crate::cookies::SessionStore;
use crate::error::{AuthError, ErrorType};
use crate::types::Jwt;

/// `GET /signout`: the custom page, or the built-in confirmation.
pub fn page(ctx: &mut Ctx<'_>) -> Out {
    if let Some(page) = &ctx.config.pages.sign_out {
        return Out::redirect(page.clone());
    }
    let action = ctx.req.url();
    Out::html(
        StatusCode::OK,
        crate::pages::sign_out_page(ctx.config, &action, ctx.csrf_token()),
    )
}

/// `POST /signout`: ends the session, clears every session cookie chunk, redirects.
pub async fn sign_out(ctx: &mut Ctx<'_>) -> Result<Out, AuthError> {
    ctx.require_csrf()?;
    let store = SessionStore::new(&ctx.cookies.session_token, &ctx.req.cookies);
    if let Some(value) = store.value() {
        match ctx.strategy_for(Some(value)) {
            SessionStrategy::Jwt => {
                let token = ctx.decode_session(value).ok().map(Jwt);
                Events::emit(
                    ctx.config.events.sign_out.clone(),
                    "signOut",
                    SignOutMessage::Token(token),
                )
                .await;
            }
            SessionStrategy::Database => {
                if let Some(sessions) = ctx.config.adapter.as_ref().and_then(|a| a.sessions())
                    && let Err(err) = sessions.delete_session(value).await
                {
                    ctx.config
                        .logger
                        .error(&AuthError::new(ErrorType::SignOutError, err.to_string()));
                }
                Events::emit(
                    ctx.config.events.sign_out.clone(),
                    "signOut",
                    SignOutMessage::Session(Some(value.to_owned())),
                )
                .await;
            }
        }
    }
    let mut out = Out::redirect(ctx.callback_url.clone());
    out.cookies = store.clean();
    Ok(out)
}
