//! `GET|POST /session` (spec §1, §4, §5): read the session, slide its expiry, and apply updates.

use http::StatusCode;
use serde_json::Value;
use time::{Duration, OffsetDateTime};

use super::{Ctx, Out, user_error};
use crate::callbacks::{Events, JwtParams, JwtTrigger, SessionMessage, SessionParams};
use crate::config::SessionStrategy;
use crate::cookies::{SessionStore, SetCookie};
use crate::error::{AuthError, ErrorType};
use crate::types::{Jwt, Session, SessionUser};

/// ISO 8601 with milliseconds and `Z`, as JavaScript's `toISOString`.
pub(crate) fn iso_string(at: OffsetDateTime) -> String {
    let at = at.to_offset(time::UtcOffset::UTC);
    format!(
        "{:04}-{:02}-{:02}T{:02}:{:02}:{:02}.{:03}Z",
        at.year(),
        at.month() as u8,
        at.day(),
        at.hour(),
        at.minute(),
        at.second(),
        at.millisecond()
    )
}

/// Runs the `session` callback of a database session over Auth.js's default
/// `{user: {name, email, image}, expires}` (plus `error: "RefreshTokenError"` when a refresh
/// failed); `update` is `Some(data)` on `POST /session`.
async fn database_session_callback(
    ctx: &Ctx<'_>,
    user: crate::types::User,
    expires: OffsetDateTime,
    update: Option<Option<Value>>,
    refresh_failed: bool,
) -> Result<Session, AuthError> {
    let mut default = Session {
        user: SessionUser {
            name: user.name.clone(),
            email: user.email.clone(),
            image: user.image.clone(),
            extra: Default::default(),
        },
        expires: iso_string(expires),
        extra: Default::default(),
    };
    if refresh_failed {
        default
            .extra
            .insert("error".into(), Value::String("RefreshTokenError".into()));
    }
    ctx.config
        .callbacks
        .run_session(SessionParams {
            session: default,
            token: None,
            user: Some(user),
            trigger: update.as_ref().map(|_| JwtTrigger::Update),
            new_session: update.flatten(),
        })
        .await
        .map_err(|e| user_error(e, ErrorType::SessionTokenError))
}

pub(crate) fn seconds(n: u64) -> Duration {
    Duration::seconds(i64::try_from(n).unwrap_or(i64::MAX / 1000))
}

/// `GET|POST /session`: the session as JSON (`null` when signed out).
pub async fn session(ctx: &mut Ctx<'_>) -> Result<Out, AuthError> {
    let is_update = ctx.req.is_post;
    let update = if is_update {
        ctx.require_csrf()?;
        Some(ctx.req.body.get("data").cloned())
    } else {
        None
    };
    let session = resolve(ctx, update).await?;
    let body = serde_json::to_value(&session)
        .map_err(|e| AuthError::new(ErrorType::JWTSessionError, e.to_string()))?;
    let out = Out::json(StatusCode::OK, body);
    Ok(if is_update { out } else { out.no_cache() })
}

/// The one session read (next-auth's `auth()`), behind `GET /session`, the axum layer and
/// extractors, [`crate::AuthHandler::auth`] and [`crate::AuthHandler::session`]: decodes the
/// cookie, rotates an expired access token, runs the `jwt` and `session` callbacks, slides the
/// expiry and emits the `session` event. `update` is `Some(data)` for an update (`POST /session`,
/// `unstable_update`). The cookies to set land in `ctx.set_cookies`. `Ok(None)` when signed out.
pub(crate) async fn resolve(
    ctx: &mut Ctx<'_>,
    update: Option<Option<Value>>,
) -> Result<Option<Session>, AuthError> {
    let store = SessionStore::new(&ctx.cookies.session_token, &ctx.req.cookies);
    match ctx.strategy_for(store.value()) {
        SessionStrategy::Jwt => jwt_session(ctx, &store, update).await,
        SessionStrategy::Database => database_session(ctx, &store, update).await,
    }
}

/// Built-in refresh-token rotation: when the token belongs to a provider with
/// `refresh_access_token` on and its access token has expired, exchange the refresh token and
/// store the new set; when that fails, mark the token with `error: "RefreshTokenError"`.
async fn rotate_access_token(
    ctx: &Ctx<'_>,
    mut claims: serde_json::Map<String, Value>,
) -> serde_json::Map<String, Value> {
    let Some(provider_id) = claims
        .get("provider")
        .and_then(Value::as_str)
        .map(str::to_owned)
    else {
        return claims;
    };
    let provider = ctx.config.providers.iter().find_map(|p| match p {
        crate::providers::Provider::OAuth(o) if o.id == provider_id && o.refresh_access_token => {
            Some(o.clone())
        }
        _ => None,
    });
    let Some(provider) = provider else {
        return claims;
    };
    let expired = claims
        .get("expires_at")
        .and_then(Value::as_i64)
        .is_some_and(|at| at <= crate::jose::now_unix());
    if !expired {
        return claims;
    }
    let Some(refresh_token) = claims
        .get("refresh_token")
        .and_then(Value::as_str)
        .map(str::to_owned)
    else {
        claims.insert("error".into(), "RefreshTokenError".into());
        return claims;
    };
    let http = super::oauth::client_for(ctx, &provider);
    match super::oauth::token::refresh(http, &provider, &refresh_token).await {
        Ok(account) => {
            claims.insert("access_token".into(), account.access_token.into());
            claims.insert("expires_at".into(), account.expires_at.into());
            if let Some(new_refresh) = account.refresh_token {
                claims.insert("refresh_token".into(), new_refresh.into());
            }
            claims.remove("error");
        }
        Err(err) => {
            ctx.config.logger.error(&err);
            claims.insert("error".into(), "RefreshTokenError".into());
        }
    }
    claims
}

/// Refresh-token rotation for database sessions: every account of the user whose provider has
/// `refresh_access_token` on and whose access token has expired is refreshed and stored again.
/// Returns `true` when a refresh failed (the session then carries `error: "RefreshTokenError"`).
async fn rotate_account_tokens(
    ctx: &Ctx<'_>,
    adapter: &dyn crate::adapter::Adapter,
    user_id: &str,
) -> bool {
    let rotating: Vec<crate::providers::OAuthProvider> = ctx
        .config
        .providers
        .iter()
        .filter_map(|p| match p {
            crate::providers::Provider::OAuth(o) if o.refresh_access_token => Some(o.clone()),
            _ => None,
        })
        .collect();
    if rotating.is_empty() {
        return false;
    }
    let accounts = match adapter.get_accounts_by_user(user_id).await {
        Ok(accounts) => accounts,
        Err(err) => {
            ctx.config
                .logger
                .error(&AuthError::new(ErrorType::AdapterError, err.to_string()));
            return false;
        }
    };
    let now = crate::jose::now_unix();
    let mut failed = false;
    for account in accounts {
        let Some(provider) = rotating.iter().find(|p| p.id == account.provider) else {
            continue;
        };
        if account.expires_at.is_none_or(|at| at > now) {
            continue;
        }
        let Some(refresh_token) = account.refresh_token.clone() else {
            failed = true;
            continue;
        };
        let http = super::oauth::client_for(ctx, provider);
        match super::oauth::token::refresh(http, provider, &refresh_token).await {
            Ok(fresh) => {
                let mut updated = account.clone();
                updated.access_token = fresh.access_token;
                updated.expires_at = fresh.expires_at;
                updated.id_token = fresh.id_token.or(updated.id_token);
                updated.refresh_token = fresh.refresh_token.or(updated.refresh_token);
                if let Err(err) = adapter.update_account(updated).await {
                    ctx.config
                        .logger
                        .error(&AuthError::new(ErrorType::AdapterError, err.to_string()));
                    failed = true;
                }
            }
            Err(err) => {
                ctx.config.logger.error(&err);
                failed = true;
            }
        }
    }
    failed
}

async fn run_jwt(
    ctx: &Ctx<'_>,
    token: Jwt,
    update: Option<Value>,
) -> Result<Option<Jwt>, AuthError> {
    ctx.config
        .callbacks
        .run_jwt(JwtParams {
            token,
            user: None,
            account: None,
            profile: None,
            trigger: update.as_ref().map(|_| JwtTrigger::Update),
            is_new_user: false,
            session: update,
        })
        .await
        .map_err(|e| user_error(e, ErrorType::JWTSessionError))
}

async fn run_session_callback(
    ctx: &Ctx<'_>,
    token: Jwt,
    expires: OffsetDateTime,
    trigger: Option<JwtTrigger>,
) -> Result<Session, AuthError> {
    let default = Session {
        user: SessionUser {
            name: token.name().map(str::to_owned),
            email: token.email().map(str::to_owned),
            image: token.picture().map(str::to_owned),
            extra: Default::default(),
        },
        expires: iso_string(expires),
        extra: token
            .get("error")
            .map(|e| [("error".to_owned(), e.clone())].into_iter().collect())
            .unwrap_or_default(),
    };
    ctx.config
        .callbacks
        .run_session(SessionParams {
            session: default,
            token: Some(token),
            user: None,
            new_session: None,
            trigger,
        })
        .await
        .map_err(|e| user_error(e, ErrorType::JWTSessionError))
}

async fn jwt_session(
    ctx: &mut Ctx<'_>,
    store: &SessionStore,
    update: Option<Option<Value>>,
) -> Result<Option<Session>, AuthError> {
    let Some(raw) = store.value() else {
        return Ok(None);
    };
    let claims = match ctx.decode_session(raw) {
        Ok(claims) => claims,
        Err(err) => {
            ctx.config
                .logger
                .error(&AuthError::new(ErrorType::JWTSessionError, err.to_string()));
            ctx.set_cookies.extend(store.clean());
            return Ok(None);
        }
    };
    let is_update = update.is_some();
    let claims = rotate_access_token(ctx, claims).await;
    let update = update.map(|data| data.unwrap_or(Value::Null));
    let Some(token) = run_jwt(ctx, Jwt(claims), update).await? else {
        ctx.set_cookies.extend(store.clean());
        return Ok(None);
    };
    let now = OffsetDateTime::now_utc();
    let expires = now + seconds(ctx.config.session.max_age);
    let trigger = is_update.then_some(JwtTrigger::Update);
    let session = run_session_callback(ctx, token.clone(), expires, trigger).await?;
    let encoded = ctx.encode_session(&token.0)?;
    ctx.set_cookies.extend(store.write(&encoded, Some(expires)));
    if let Some(handler) = ctx.config.events.session.clone() {
        Events::emit(
            Some(handler),
            "session",
            SessionMessage {
                session: session.clone(),
                token: Some(token),
            },
        )
        .await;
    }
    Ok(Some(session))
}

async fn database_session(
    ctx: &mut Ctx<'_>,
    store: &SessionStore,
    update: Option<Option<Value>>,
) -> Result<Option<Session>, AuthError> {
    let Some(session_token) = store.value().map(str::to_owned) else {
        return Ok(None);
    };
    let Some(adapter) = ctx.config.adapter.clone() else {
        return Err(AuthError::new(
            ErrorType::MissingAdapter,
            "Database session requires an adapter",
        ));
    };
    let found = match adapter.get_session_and_user(&session_token).await {
        Ok(found) => found,
        Err(err) => {
            // Auth.js logs SessionTokenError and keeps the cookie: the database may be back soon.
            ctx.config.logger.error(&AuthError::new(
                ErrorType::SessionTokenError,
                err.to_string(),
            ));
            return Ok(None);
        }
    };
    let now = OffsetDateTime::now_utc();
    let Some((db_session, user)) = found else {
        ctx.set_cookies.extend(store.clean());
        return Ok(None);
    };
    if db_session.expires < now {
        if let Err(err) = adapter.delete_session(&session_token).await {
            ctx.config
                .logger
                .error(&AuthError::new(ErrorType::AdapterError, err.to_string()));
        }
        ctx.set_cookies.extend(store.clean());
        return Ok(None);
    }
    let max_age = seconds(ctx.config.session.max_age);
    let due = db_session.expires - max_age + seconds(ctx.config.session.update_age);
    let new_expires = now + max_age;
    // Unlike Auth.js (spec Appendix B.12), the response reports the expiry actually in force.
    let mut expires = db_session.expires;
    if due <= now {
        match adapter.update_session(&session_token, new_expires).await {
            Ok(_) => expires = new_expires,
            Err(err) => ctx
                .config
                .logger
                .error(&AuthError::new(ErrorType::AdapterError, err.to_string())),
        }
    }
    let user_id = user.id.clone().unwrap_or_default();
    let refresh_failed = rotate_account_tokens(ctx, adapter.as_ref(), &user_id).await;
    let session = database_session_callback(ctx, user, expires, update, refresh_failed).await?;
    let mut cookie = SetCookie::new(&ctx.cookies.session_token, session_token);
    cookie.expires = Some(expires);
    ctx.set_cookies.push(cookie);
    if let Some(handler) = ctx.config.events.session.clone() {
        Events::emit(
            Some(handler),
            "session",
            SessionMessage {
                session: session.clone(),
                token: None,
            },
        )
        .await;
    }
    Ok(Some(session))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn lifetimes_in_seconds_saturate_instead_of_overflowing() {
        assert_eq!(seconds(90), Duration::seconds(90));
        assert_eq!(seconds(0), Duration::ZERO);
        // A lifetime beyond i64 seconds is clamped far into the future, never wrapped.
        assert_eq!(seconds(u64::MAX), Duration::seconds(i64::MAX / 1000));
    }

    #[test]
    fn iso_strings_are_javascripts_to_iso_string() {
        let at = time::macros::datetime!(2024-01-02 03:04:05.678 UTC);
        assert_eq!(iso_string(at), "2024-01-02T03:04:05.678Z");
        let at = time::macros::datetime!(2024-01-02 03:04:05 +02:00);
        assert_eq!(iso_string(at), "2024-01-02T01:04:05.000Z");
    }
}
