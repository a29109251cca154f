//! `GET|POST /session` (spec §1, §4, §5): read the session, slide its expiry, and apply updates.

use std::collections::HashMap;
use std::sync::{Arc, RwLock};

use http::StatusCode;
use serde_json::{Map, Value};
use time::{Duration, OffsetDateTime};

use super::refresh::{RefreshGate, Refreshed};
use super::{Ctx, Out, user_error};
use crate::callbacks::{Events, JwtParams, JwtTrigger, SessionMessage, SessionParams};
use crate::config::{JwtReissue, SessionStrategy};
use crate::cookies::{SessionStore, SetCookie};
use crate::error::{AuthError, ErrorType};
use crate::providers::OAuthProvider;
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
        ..Session::default()
    };
    if let Some(schema) = &ctx.config.extension {
        schema.expose(&user.extra, &mut default.user.extra);
    }
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
    let out = Out::json_of(StatusCode::OK, &session);
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
    // The store borrows the cookies while the read writes to `ctx`: lent out, then put back.
    let cookies = std::mem::take(&mut ctx.req.cookies);
    let cookie_spec = ctx.cookies;
    let store = SessionStore::new(&cookie_spec.session_token, &cookies);
    let result = match ctx.strategy_for(store.value()) {
        SessionStrategy::Jwt => jwt_session(ctx, &store, update).await,
        // Boxed: the database path's future is large and off the JWT fast path.
        SessionStrategy::Database => Box::pin(database_session(ctx, &store, update)).await,
    };
    drop(store);
    ctx.req.cookies = cookies;
    result
}

/// The provider whose access token in these claims must be refreshed: the token names a provider
/// with built-in rotation (`refresh_access_token`) and its `expires_at` has passed. Looked up
/// without cloning the token, so a read whose token is fine costs nothing more.
fn rotation_due(ctx: &Ctx<'_>, claims: &Map<String, Value>) -> Option<OAuthProvider> {
    let provider_id = claims.get("provider").and_then(Value::as_str)?;
    let expired = claims
        .get("expires_at")
        .and_then(Value::as_i64)
        .is_some_and(|at| at <= crate::jose::now_unix());
    if !expired {
        return None;
    }
    ctx.config.providers.iter().find_map(|p| match p {
        crate::providers::Provider::OAuth(o) if o.id == provider_id && o.refresh_access_token => {
            Some(o.clone())
        }
        _ => None,
    })
}

/// Built-in refresh-token rotation, once [`rotation_due`] named the provider: exchange the
/// refresh token and store the new set; when that fails, mark the token with
/// `error: "RefreshTokenError"`.
async fn rotate_access_token(
    ctx: &Ctx<'_>,
    provider: &OAuthProvider,
    mut claims: serde_json::Map<String, Value>,
) -> serde_json::Map<String, Value> {
    let Some(refresh_token) = claims
        .get("refresh_token")
        .and_then(Value::as_str)
        .map(str::to_owned)
    else {
        claims.insert("error".into(), "RefreshTokenError".into());
        return claims;
    };
    match refresh_once(ctx, provider, &refresh_token).await {
        Refreshed::Tokens(account) => {
            claims.insert("access_token".into(), account.access_token.clone().into());
            claims.insert("expires_at".into(), account.expires_at.into());
            if let Some(new_refresh) = &account.refresh_token {
                claims.insert("refresh_token".into(), new_refresh.clone().into());
            }
            claims.remove("error");
        }
        Refreshed::Failed => {
            claims.insert("error".into(), "RefreshTokenError".into());
        }
    }
    claims
}

/// One refresh per refresh token across concurrent reads, with back-off after a failure
/// ([`super::refresh`]).
async fn refresh_once(ctx: &Ctx<'_>, provider: &OAuthProvider, refresh_token: &str) -> Refreshed {
    let http = super::oauth::client_for(ctx, provider);
    RefreshGate::global()
        .refresh(http, provider, refresh_token, |err| {
            ctx.config.logger.error(err);
        })
        .await
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
        match refresh_once(ctx, provider, &refresh_token).await {
            Refreshed::Tokens(fresh) => {
                let mut updated = account.clone();
                updated.access_token = fresh.access_token.clone();
                updated.expires_at = fresh.expires_at;
                updated.id_token = fresh.id_token.clone().or(updated.id_token);
                updated.refresh_token = fresh.refresh_token.clone().or(updated.refresh_token);
                if let Err(err) = adapter.update_account(updated).await {
                    ctx.config
                        .logger
                        .error(&AuthError::new(ErrorType::AdapterError, err.to_string()));
                    failed = true;
                }
            }
            Refreshed::Failed => failed = true,
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

/// Auth.js's default session of a JWT: `{user: {name, email, image}, expires}`, plus the token's
/// `error` (a failed refresh) and the exposed fields of the app's extension under `user`.
fn default_jwt_session(
    ctx: &Ctx<'_>,
    claims: &Map<String, Value>,
    expires: OffsetDateTime,
) -> Session {
    let text = |key: &str| claims.get(key).and_then(Value::as_str).map(str::to_owned);
    let mut session = Session {
        user: SessionUser {
            name: text("name"),
            email: text("email"),
            image: text("picture"),
            extra: Default::default(),
        },
        expires: iso_string(expires),
        extra: claims
            .get("error")
            .map(|e| [("error".to_owned(), e.clone())].into_iter().collect())
            .unwrap_or_default(),
        ..Session::default()
    };
    if let Some(schema) = &ctx.config.extension {
        schema.expose(claims, &mut session.user.extra);
    }
    session
}

/// Whether what a session is read from still holds the app's extension; when it does not (the
/// schema changed since the token was issued), the read is signed out and `kind` is logged with
/// the field (see [`crate::extension`]).
fn extension_holds(ctx: &Ctx<'_>, source: &Map<String, Value>, kind: ErrorType) -> bool {
    let Some(schema) = &ctx.config.extension else {
        return true;
    };
    match schema.check(source) {
        Ok(()) => true,
        Err(err) => {
            ctx.config.logger.error(&AuthError::new(
                kind,
                format!(
                    "the session does not hold `{}` ({err}); read as signed out",
                    schema.type_name()
                ),
            ));
            false
        }
    }
}

async fn run_session_callback(
    ctx: &Ctx<'_>,
    token: Jwt,
    expires: OffsetDateTime,
    trigger: Option<JwtTrigger>,
) -> Result<Session, AuthError> {
    let default = default_jwt_session(ctx, &token.0, expires);
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

/// Decoded session tokens, by token: a browser sends the same cookie until it is re-issued, so
/// the decryption runs once per token instead of once per request. Only tokens that decoded and
/// validated are kept (an invalid one is decoded, and refused, every time); their time claims are
/// checked again on every hit. Bounded; used with the built-in codec only.
///
/// Entries are found by the token's last 32 bytes (its authentication tag, unique per token)
/// and then compared whole, in constant time.
#[derive(Default)]
pub(crate) struct DecodedTokens(RwLock<HashMap<[u8; 32], Decoded>>);

struct Decoded {
    token: Box<str>,
    claims: Arc<Map<String, Value>>,
    times: crate::jose::TimeClaims,
    /// Whether the claims hold the app's extension (checked once: the schema is the
    /// configuration's, and the cache is too).
    holds: bool,
}

/// Most tokens held at once; the cache starts over when full.
const DECODED_TOKENS_LIMIT: usize = 1024;

fn token_key(token: &str) -> [u8; 32] {
    let bytes = token.as_bytes();
    let tail = &bytes[bytes.len().saturating_sub(32)..];
    let mut key = [0u8; 32];
    key[..tail.len()].copy_from_slice(tail);
    key
}

/// Whether two tokens are equal, in time that depends on their length only: word by word with no
/// early exit (`subtle`'s byte-wise comparison costs more than the decryption it saves here).
fn same_token(a: &str, b: &str) -> bool {
    let (a, b) = (a.as_bytes(), b.as_bytes());
    if a.len() != b.len() {
        return false;
    }
    let mut diff = 0u64;
    let mut words = a.chunks_exact(8).zip(b.chunks_exact(8));
    for (x, y) in &mut words {
        let word = |w: &[u8]| u64::from_ne_bytes(w.try_into().unwrap_or([0; 8]));
        diff |= word(x) ^ word(y);
    }
    let tail = a.len() - a.len() % 8;
    for (x, y) in a[tail..].iter().zip(&b[tail..]) {
        diff |= u64::from(x ^ y);
    }
    std::hint::black_box(diff) == 0
}

impl DecodedTokens {
    /// The claims of `token`, decoded now or earlier, and whether they hold the app's extension;
    /// an error for a token that does not decode or whose `exp`/`nbf` do not hold at `now`.
    fn decode(
        &self,
        ctx: &Ctx<'_>,
        token: &str,
        now: i64,
    ) -> Result<(Arc<Map<String, Value>>, bool), crate::jose::JoseError> {
        let holds = |claims: &Map<String, Value>| {
            ctx.config
                .extension
                .as_ref()
                .is_none_or(|schema| schema.check(claims).is_ok())
        };
        if ctx.config.jwt.codec.is_some() {
            // A custom codec may decide differently on every call (revocation lists, ...).
            let claims = ctx.decode_session(token)?;
            let holds = holds(&claims);
            return Ok((Arc::new(claims), holds));
        }
        let key = token_key(token);
        let hit = self.0.read().ok().and_then(|map| {
            map.get(&key)
                .filter(|d| same_token(&d.token, token))
                .map(|d| (d.claims.clone(), d.times, d.holds))
        });
        if let Some((claims, times, holds)) = hit {
            times.check(now)?;
            return Ok((claims, holds));
        }
        let claims = ctx.decode_session(token)?;
        let times = crate::jose::TimeClaims::read(&claims)?;
        let holds = holds(&claims);
        let claims = Arc::new(claims);
        if let Ok(mut map) = self.0.write() {
            if map.len() >= DECODED_TOKENS_LIMIT {
                map.clear();
            }
            map.insert(
                key,
                Decoded {
                    token: token.into(),
                    claims: claims.clone(),
                    times,
                    holds,
                },
            );
        }
        Ok((claims, holds))
    }
}

/// Whether a token issued at `iat` must be written again: always with [`JwtReissue::EveryRead`],
/// else once `update_age` has passed (a token without `iat` is always due).
fn reissue_due(ctx: &Ctx<'_>, claims: &Map<String, Value>, now: i64) -> bool {
    if ctx.config.jwt.reissue == JwtReissue::EveryRead {
        return true;
    }
    let update_age = i64::try_from(ctx.config.session.update_age).unwrap_or(i64::MAX);
    match claims.get("iat").and_then(Value::as_i64) {
        Some(iat) => now.saturating_sub(iat) >= update_age,
        None => true,
    }
}

async fn jwt_session(
    ctx: &mut Ctx<'_>,
    store: &SessionStore<'_>,
    update: Option<Option<Value>>,
) -> Result<Option<Session>, AuthError> {
    let Some(raw) = store.value() else {
        return Ok(None);
    };
    let now = OffsetDateTime::now_utc();
    let (decoded, holds) = match ctx.tokens.decode(ctx, raw, now.unix_timestamp()) {
        Ok(decoded) => decoded,
        Err(err) => {
            ctx.config
                .logger
                .error(&AuthError::new(ErrorType::JWTSessionError, err.to_string()));
            ctx.set_cookies.extend(store.clean());
            return Ok(None);
        }
    };
    // A token of an older schema is signed out before any callback sees it (a typed `jwt`
    // callback could not read it either). The check ran when the token was decoded; it runs
    // again here only to log why.
    if !holds && !extension_holds(ctx, &decoded, ErrorType::JWTSessionError) {
        return Ok(None);
    }
    let is_update = update.is_some();
    // The token as the callbacks leave it: borrowed from the cache while nothing changes it.
    let mut token: Option<Jwt> = None;
    if let Some(provider) = rotation_due(ctx, &decoded) {
        // The slow steps are boxed so the common read's future stays small (it is moved into
        // the middleware's box on every request).
        token = Some(Jwt(Box::pin(rotate_access_token(
            ctx,
            &provider,
            (*decoded).clone(),
        ))
        .await));
    }
    if ctx.config.callbacks.has_jwt() || is_update {
        let input = token.take().unwrap_or_else(|| Jwt((*decoded).clone()));
        let data = update.map(|data| data.unwrap_or(Value::Null));
        let Some(out) = Box::pin(run_jwt(ctx, input, data)).await? else {
            ctx.set_cookies.extend(store.clean());
            return Ok(None);
        };
        token = Some(out);
    }
    let changed = token.as_ref().is_some_and(|t| t.0 != *decoded);
    // What the session is read from, kept beside it for typed reads.
    let source: Arc<Map<String, Value>> = match token.take() {
        Some(token) if changed => Arc::new(token.0),
        _ => decoded.clone(),
    };
    if changed && !extension_holds(ctx, &source, ErrorType::JWTSessionError) {
        return Ok(None);
    }
    let claims = &*source;
    let expires = if changed || is_update || reissue_due(ctx, claims, now.unix_timestamp()) {
        let expires = now + seconds(ctx.config.session.max_age);
        let encoded = ctx.encode_session(claims)?;
        ctx.set_cookies.extend(store.write(&encoded, Some(expires)));
        expires
    } else {
        // Not re-issued: the cookie in force expires `max_age` after the token was issued.
        let iat = claims
            .get("iat")
            .and_then(Value::as_i64)
            .unwrap_or_default();
        OffsetDateTime::from_unix_timestamp(iat).unwrap_or(now)
            + seconds(ctx.config.session.max_age)
    };
    let trigger = is_update.then_some(JwtTrigger::Update);
    let wants_token = ctx.config.callbacks.has_session() || ctx.config.events.session.is_some();
    let session = if wants_token {
        let token = Jwt(claims.clone());
        let session = Box::pin(run_session_callback(ctx, token.clone(), expires, trigger)).await?;
        if let Some(handler) = ctx.config.events.session.clone() {
            Box::pin(Events::emit(
                Some(handler),
                "session",
                SessionMessage {
                    session: session.clone(),
                    token: Some(token),
                },
            ))
            .await;
        }
        session
    } else {
        default_jwt_session(ctx, claims, expires)
    };
    Ok(Some(session.with_source(source)))
}

async fn database_session(
    ctx: &mut Ctx<'_>,
    store: &SessionStore<'_>,
    update: Option<Option<Value>>,
) -> Result<Option<Session>, AuthError> {
    let Some(session_token) = store.value().map(str::to_owned) else {
        return Ok(None);
    };
    let Some(adapters) = ctx.config.adapter.clone() else {
        return Err(AuthError::new(
            ErrorType::MissingAdapter,
            "Database session requires an adapter",
        ));
    };
    let adapter = adapters.require_sessions()?;
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
    let source = Arc::new(user.to_fields());
    if !extension_holds(ctx, &source, ErrorType::SessionTokenError) {
        return Ok(None);
    }
    let user_id = user.id.clone().unwrap_or_default();
    let refresh_failed = rotate_account_tokens(ctx, adapters.users(), &user_id).await;
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
    Ok(Some(session.with_source(source)))
}

#[cfg(test)]
mod tests {
    use super::*;

    async fn with_ctx<T>(f: impl AsyncFnOnce(&mut Ctx<'_>) -> T) -> T {
        let config = crate::config::AuthConfig::new()
            .secret("s")
            .trust_host(true);
        let prepared = crate::engine::Prepared::new(std::sync::Arc::new(config))
            .unwrap_or_else(|_| unreachable!("a valid configuration"));
        let parts = http::Request::get("http://app.test/")
            .body(())
            .unwrap_or_else(|_| unreachable!())
            .into_parts()
            .0;
        let req = crate::engine::request::internal(
            &parts,
            false,
            crate::engine::request::Action::Session,
            None,
            Map::new(),
            "http://app.test".into(),
            "",
        );
        let mut ctx = Ctx::new(&prepared, req, crate::engine::Init::SESSION_READ)
            .await
            .unwrap_or_else(|_| unreachable!());
        f(&mut ctx).await
    }

    #[test]
    fn tokens_compare_whole() {
        assert!(same_token("", ""));
        assert!(same_token("abcdefghij", "abcdefghij"));
        for (a, b) in [
            ("abcdefghij", "abcdefghiJ"),
            ("abcdefghij", "Abcdefghij"),
            ("abcdefghij", "abcdefgXij"),
            ("abcdefghij", "abcdefghi"),
            ("a", "b"),
        ] {
            assert!(!same_token(a, b), "{a} {b}");
        }
    }

    #[tokio::test]
    async fn decoded_tokens_are_kept_per_token_and_their_expiry_checked_on_every_hit() {
        with_ctx(async |ctx| {
            let mut claims = Map::new();
            claims.insert("sub".into(), "a".into());
            let token = ctx.encode_session(&claims).unwrap_or_default();
            let now = crate::jose::now_unix();
            let first = ctx.tokens.decode(ctx, &token, now).unwrap_or_default().0;
            let again = ctx.tokens.decode(ctx, &token, now).unwrap_or_default().0;
            assert!(Arc::ptr_eq(&first, &again), "the second read is a hit");
            // Two tokens are kept side by side: reading another does not push the first out.
            let other = ctx.encode_session(&claims).unwrap_or_default();
            assert!(ctx.tokens.decode(ctx, &other, now).is_ok());
            let third = ctx.tokens.decode(ctx, &token, now).unwrap_or_default().0;
            assert!(Arc::ptr_eq(&first, &third), "still a hit");
            // Same tail, other token: not the cached one, and refused.
            let forged = format!("x{}", &token[1..]);
            assert!(ctx.tokens.decode(ctx, &forged, now).is_err());
            // A cached token is refused on a hit once its exp has passed.
            let short = ctx
                .codec
                .encode_at(&claims, &ctx.cookies.session_token.name, 60, now)
                .unwrap_or_default();
            assert!(ctx.tokens.decode(ctx, &short, now).is_ok());
            assert_eq!(
                ctx.tokens.decode(ctx, &short, now + 60 + 15).err(),
                Some(crate::jose::JoseError::Expired)
            );
            assert!(ctx.tokens.decode(ctx, &short, now + 60 + 14).is_ok());
            // Bounded: a full cache starts over.
            if let Ok(mut map) = ctx.tokens.0.write() {
                for i in 0..DECODED_TOKENS_LIMIT {
                    let mut k = [0u8; 32];
                    k[..8].copy_from_slice(&(i as u64).to_le_bytes());
                    map.insert(
                        k,
                        Decoded {
                            token: "t".into(),
                            claims: Arc::new(Map::new()),
                            times: crate::jose::TimeClaims::read(&Map::new())
                                .unwrap_or_else(|_| unreachable!()),
                            holds: true,
                        },
                    );
                }
            }
            let fresh = ctx.encode_session(&claims).unwrap_or_default();
            assert!(ctx.tokens.decode(ctx, &fresh, now).is_ok());
            let len = ctx.tokens.0.read().map(|m| m.len()).unwrap_or_default();
            assert_eq!(len, 1);
        })
        .await;
    }

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
