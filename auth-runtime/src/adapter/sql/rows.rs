//! Rows as the statements return them (ids as text, timestamps as epoch milliseconds) into the
//! adapter's types, and sqlx errors into [`AdapterError`].

use sqlx::Row;
use sqlx::any::AnyRow;

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

/// A user from the five user columns starting at `at`.
pub(super) fn user_at(row: &AnyRow, at: usize) -> AdapterResult<User> {
    Ok(User {
        id: Some(required(row, at, "user id")?),
        name: text(row, at + 1, "user name")?,
        email: text(row, at + 2, "user email")?,
        email_verified: int(row, at + 3, "emailVerified")?
            .map(from_millis)
            .transpose()?,
        image: text(row, at + 4, "user image")?,
        extra: Default::default(),
    })
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
