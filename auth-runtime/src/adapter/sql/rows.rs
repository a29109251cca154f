//! Rows as the statements return them (ids as text, timestamps as epoch milliseconds) into the
//! adapter's types, and sqlx errors into [`AdapterError`].

use serde_json::Value;
use sqlx::Row;
use sqlx::any::AnyRow;

use super::schema::{ColumnKind, UserColumn};
use crate::adapter::{
    AdapterError, AdapterResult, Authenticator, VerificationToken, from_epoch_millis as from_millis,
};
use crate::types::{Account, User};

/// Maps a sqlx error: connection trouble is [`AdapterError::Unavailable`], a unique key
/// [`AdapterError::Conflict`] on `what`, the rest [`AdapterError::Database`].
pub(super) fn failed(what: &'static str) -> impl Fn(sqlx::Error) -> AdapterError {
    move |err| match &err {
        sqlx::Error::Io(_)
        | sqlx::Error::Tls(_)
        | sqlx::Error::PoolTimedOut
        | sqlx::Error::PoolClosed
        | sqlx::Error::WorkerCrashed
        | sqlx::Error::Protocol(_) => AdapterError::Unavailable(Box::new(err)),
        sqlx::Error::Database(db) if db.is_unique_violation() => AdapterError::Conflict(what),
        _ => AdapterError::Database(Box::new(err)),
    }
}

pub(super) fn text(row: &AnyRow, i: usize, what: &'static str) -> AdapterResult<Option<String>> {
    row.try_get::<Option<String>, _>(i)
        .map_err(|_| AdapterError::Corrupt(what))
}

pub(super) fn required(row: &AnyRow, i: usize, what: &'static str) -> AdapterResult<String> {
    text(row, i, what)?.ok_or(AdapterError::Corrupt(what))
}

pub(super) fn int(row: &AnyRow, i: usize, what: &'static str) -> AdapterResult<Option<i64>> {
    row.try_get::<Option<i64>, _>(i)
        .map_err(|_| AdapterError::Corrupt(what))
}

/// A user from the five user columns starting at `at`, then the app's `extra` columns.
pub(super) fn user_at(row: &AnyRow, at: usize, extra: &[UserColumn]) -> AdapterResult<User> {
    let mut members = serde_json::Map::new();
    for (i, column) in extra.iter().enumerate() {
        let i = at + 5 + i;
        let value = match column.kind {
            ColumnKind::Text => text(row, i, "user column")?.map(Value::String),
            ColumnKind::Integer => int(row, i, "user column")?.map(Value::from),
            ColumnKind::Boolean => int(row, i, "user column")?.map(|b| Value::Bool(b != 0)),
            ColumnKind::Json => text(row, i, "user column")?
                .map(|json| serde_json::from_str(&json))
                .transpose()
                .map_err(|_| AdapterError::Corrupt("user column"))?,
        };
        if let Some(value) = value {
            members.insert(column.field.clone(), value);
        }
    }
    Ok(User {
        id: Some(required(row, at, "user id")?),
        name: text(row, at + 1, "user name")?,
        email: text(row, at + 2, "user email")?,
        email_verified: int(row, at + 3, "emailVerified")?
            .map(from_millis)
            .transpose()?,
        image: text(row, at + 4, "user image")?,
        extra: members,
    })
}

/// Binds the user's member for each of the app's columns: `NULL` when missing or `null`,
/// [`AdapterError::Invalid`] when it is not of the column's kind.
pub(super) fn bind_extra(
    mut query: super::Query,
    user: &User,
    extra: &[UserColumn],
) -> AdapterResult<super::Query> {
    const MISMATCH: &str = "a user member is not of the kind its column holds";
    for column in extra {
        let value = user
            .extra
            .get(&column.field)
            .filter(|value| !value.is_null());
        query = match column.kind {
            ColumnKind::Text => query.bind(
                value
                    .map(|v| {
                        v.as_str()
                            .map(str::to_owned)
                            .ok_or(AdapterError::Invalid(MISMATCH))
                    })
                    .transpose()?,
            ),
            ColumnKind::Integer => query.bind(
                value
                    .map(|v| v.as_i64().ok_or(AdapterError::Invalid(MISMATCH)))
                    .transpose()?,
            ),
            ColumnKind::Boolean => query.bind(
                value
                    .map(|v| v.as_bool().ok_or(AdapterError::Invalid(MISMATCH)))
                    .transpose()?,
            ),
            ColumnKind::Json => query.bind(value.map(Value::to_string)),
        };
    }
    Ok(query)
}

pub(super) fn account_of(row: &AnyRow) -> AdapterResult<Account> {
    Ok(Account {
        user_id: Some(required(row, 0, "account user id")?),
        kind: required(row, 1, "account type")?,
        provider: required(row, 2, "account provider")?,
        provider_account_id: required(row, 3, "providerAccountId")?,
        refresh_token: text(row, 4, "refresh_token")?,
        access_token: text(row, 5, "access_token")?,
        expires_at: int(row, 6, "expires_at")?,
        token_type: text(row, 7, "token_type")?,
        scope: text(row, 8, "scope")?,
        id_token: text(row, 9, "id_token")?,
        session_state: text(row, 10, "session_state")?,
        extra: Default::default(),
    })
}

pub(super) fn authenticator_of(row: &AnyRow) -> AdapterResult<Authenticator> {
    let counter = int(row, 4, "counter")?.ok_or(AdapterError::Corrupt("counter"))?;
    Ok(Authenticator {
        credential_id: required(row, 0, "credentialID")?,
        user_id: required(row, 1, "authenticator user id")?,
        provider_account_id: required(row, 2, "providerAccountId")?,
        credential_public_key: required(row, 3, "credentialPublicKey")?,
        counter: u32::try_from(counter).map_err(|_| AdapterError::Corrupt("counter"))?,
        credential_device_type: required(row, 5, "credentialDeviceType")?,
        credential_backed_up: int(row, 6, "credentialBackedUp")?.unwrap_or(0) != 0,
        transports: text(row, 7, "transports")?,
    })
}

pub(super) fn token_of(row: &AnyRow) -> AdapterResult<VerificationToken> {
    Ok(VerificationToken {
        identifier: required(row, 0, "identifier")?,
        token: required(row, 1, "token")?,
        expires: from_millis(int(row, 2, "expires")?.ok_or(AdapterError::Corrupt("expires"))?)?,
    })
}
