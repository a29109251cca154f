//! `GET /signin` (the page) and `POST /signin/:provider` (spec §1).

use http::StatusCode;

use super::{Ctx, Out};
use crate::error::AuthError;
use crate::providers::Provider;

/// `GET /signin`: the custom page, or the built-in one.
pub fn page(ctx: &mut Ctx<'_>) -> Out {
    let error = ctx.req.query_str("error").map(str::to_owned);
    if let Some(page) = &ctx.config.pages.sign_in {
        let mut query = form_urlencoded::Serializer::new(String::new());
        query.append_pair("callbackUrl", &ctx.callback_url);
        if let Some(error) = &error {
            query.append_pair("error", error);
        }
        let sep = if page.contains('?') { '&' } else { '?' };
        return Out::redirect(format!("{page}{sep}{}", query.finish()));
    }
    let html = crate::pages::sign_in_page(
        ctx.config,
        &crate::pages::SignInPage {
            base_url: &ctx.action_url(""),
            csrf_token: ctx.csrf_token(),
            callback_url: &ctx.callback_url,
            error: error.as_deref(),
        },
    );
    Out::html(StatusCode::OK, html)
}

/// `POST /signin/:provider`.
pub async fn sign_in(ctx: &mut Ctx<'_>, provider_id: &str) -> Result<Out, AuthError> {
    let provider = ctx.provider(provider_id)?;
    ctx.require_csrf()?;
    match &provider {
        // Credentials and passkeys sign in from the page (Auth.js answers the same).
        Provider::Credentials(_) | Provider::WebAuthn(_) => {
            Ok(Out::redirect(ctx.action_url("signin")))
        }
        Provider::OAuth(p) => super::oauth::sign_in(ctx, p).await,
        Provider::Email(p) => super::email::sign_in(ctx, p).await,
    }
}
