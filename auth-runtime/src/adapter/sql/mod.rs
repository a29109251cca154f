//! The SQL adapter: SQLite, PostgreSQL and MySQL/MariaDB through sqlx, over the table and column
//! names of a [`Schema`] (`@auth/pg-adapter`'s by default), with its migrations.
//!
//! ```no_run
//! # async fn run() -> Result<(), auth_runtime::adapter::AdapterError> {
//! use auth_runtime::adapter::sql::SqlAdapter;
//!
//! let adapter = SqlAdapter::connect("sqlite://auth.db").await?;
//! adapter.migrate().await?; // creates what is missing; a second run changes nothing
//! # Ok(()) }
//! ```

mod schema;
mod statements;

pub use schema::{Dialect, Flavor, Schema, Timestamps, UserIds};

use std::sync::{Arc, Once};
use std::time::Duration;

use sqlx::any::{AnyPoolOptions, AnyRow};
use sqlx::{AnyPool, AssertSqlSafe, Row};
use time::OffsetDateTime;

use self::statements::Statements;
use super::{
    Adapter, AdapterError, AdapterResult, AdapterSession, Authenticator, AuthenticatorAdapter,
    SessionAdapter, VerificationToken, VerificationTokenAdapter,
};
use crate::callbacks::BoxFuture;
use crate::types::{Account, User};

/// Users, accounts, sessions, verification tokens and authenticators in a SQL database.
#[derive(Clone)]
pub struct SqlAdapter {
    pool: AnyPool,
    dialect: Dialect,
    schema: Arc<Schema>,
    sql: Arc<Statements>,
}

impl std::fmt::Debug for SqlAdapter {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("SqlAdapter")
            .field("dialect", &self.dialect)
            .finish_non_exhaustive()
    }
}

/// Options of [`SqlAdapter::connect_with`].
#[derive(Debug, Clone)]
pub struct SqlOptions {
    /// The table and column names; `None` for the dialect's default.
    pub schema: Option<Schema>,
    /// The most connections the pool opens (default 10; 1 for `sqlite::memory:`).
    pub max_connections: u32,
    /// How long a call waits for a connection before it fails with
    /// [`AdapterError::Unavailable`] (default 5 s).
    pub acquire_timeout: Duration,
}

impl Default for SqlOptions {
    fn default() -> Self {
        Self {
            schema: None,
            max_connections: 10,
            acquire_timeout: Duration::from_secs(5),
        }
    }
}

fn install_drivers() {
    static ONCE: Once = Once::new();
    ONCE.call_once(sqlx::any::install_default_drivers);
}

/// Maps a sqlx error: connection trouble is [`AdapterError::Unavailable`], a unique key
/// [`AdapterError::Conflict`] on `what`, the rest [`AdapterError::Database`].
fn failed(what: &'static str) -> impl Fn(sqlx::Error) -> AdapterError {
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

fn millis(at: OffsetDateTime) -> i64 {
    i64::try_from(at.unix_timestamp_nanos() / 1_000_000).unwrap_or(i64::MAX)
}

fn from_millis(ms: i64) -> AdapterResult<OffsetDateTime> {
    OffsetDateTime::from_unix_timestamp_nanos(i128::from(ms) * 1_000_000)
        .map_err(|_| AdapterError::Corrupt("timestamp"))
}

fn text(row: &AnyRow, i: usize, what: &'static str) -> AdapterResult<Option<String>> {
    row.try_get::<Option<String>, _>(i)
        .map_err(|_| AdapterError::Corrupt(what))
}

fn required(row: &AnyRow, i: usize, what: &'static str) -> AdapterResult<String> {
    text(row, i, what)?.ok_or(AdapterError::Corrupt(what))
}

fn int(row: &AnyRow, i: usize, what: &'static str) -> AdapterResult<Option<i64>> {
    row.try_get::<Option<i64>, _>(i)
        .map_err(|_| AdapterError::Corrupt(what))
}

/// A user from the five user columns starting at `at`.
fn user_at(row: &AnyRow, at: usize) -> AdapterResult<User> {
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

fn account_of(row: &AnyRow) -> AdapterResult<Account> {
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

fn authenticator_of(row: &AnyRow) -> AdapterResult<Authenticator> {
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

fn token_of(row: &AnyRow) -> AdapterResult<VerificationToken> {
    Ok(VerificationToken {
        identifier: required(row, 0, "identifier")?,
        token: required(row, 1, "token")?,
        expires: from_millis(int(row, 2, "expires")?.ok_or(AdapterError::Corrupt("expires"))?)?,
    })
}

type Query = sqlx::query::Query<'static, sqlx::Any, sqlx::any::AnyArguments>;

/// A user id as the schema binds it: an integer for serial ids, text otherwise. `None` for a
/// text that cannot be a serial id (no such user).
enum Id {
    Int(i64),
    Text(String),
}

impl Id {
    fn bind(self, query: Query) -> Query {
        match self {
            Self::Int(id) => query.bind(id),
            Self::Text(id) => query.bind(id),
        }
    }
}

impl SqlAdapter {
    /// Connects to `url` (`sqlite://file.db`, `sqlite::memory:`, `postgres://...`,
    /// `mysql://...`) with the dialect's default schema. A missing SQLite file is created.
    /// Run [`migrate`](Self::migrate) before use when the tables may be missing.
    pub async fn connect(url: &str) -> AdapterResult<Self> {
        Self::connect_with(url, SqlOptions::default()).await
    }

    /// Connects with options.
    pub async fn connect_with(url: &str, options: SqlOptions) -> AdapterResult<Self> {
        let dialect = Dialect::from_url(url).ok_or(AdapterError::Invalid(
            "unsupported database URL: use sqlite:, postgres: or mysql:",
        ))?;
        if !cfg!(feature = "sqlite") && dialect == Dialect::Sqlite
            || !cfg!(feature = "postgres") && dialect == Dialect::Postgres
            || !cfg!(feature = "mysql") && dialect == Dialect::MySql
        {
            return Err(AdapterError::Invalid(match dialect {
                Dialect::Sqlite => {
                    "this build has no SQLite driver: enable auth-runtime's `sqlite` feature"
                }
                Dialect::Postgres => {
                    "this build has no PostgreSQL driver: enable auth-runtime's `postgres` feature"
                }
                Dialect::MySql => {
                    "this build has no MySQL driver: enable auth-runtime's `mysql` feature"
                }
            }));
        }
        let schema = options
            .schema
            .unwrap_or_else(|| Schema::default_for(dialect));
        schema.check().map_err(|_| {
            AdapterError::Invalid("a table or column name is not a plain identifier")
        })?;
        install_drivers();
        let memory = dialect == Dialect::Sqlite && url.contains(":memory:");
        let url = match dialect {
            // Create the file when it is missing.
            Dialect::Sqlite if !memory && !url.contains("mode=") => {
                let joiner = if url.contains('?') { '&' } else { '?' };
                format!("{url}{joiner}mode=rwc")
            }
            _ => url.to_owned(),
        };
        let pool = AnyPoolOptions::new()
            .max_connections(if memory { 1 } else { options.max_connections })
            .acquire_timeout(options.acquire_timeout)
            // A connection the server dropped (a restart) is replaced, not handed out.
            .test_before_acquire(true)
            .connect(&url)
            .await
            .map_err(failed("connection"))?;
        let sql = Statements::new(dialect, &schema);
        Ok(Self {
            pool,
            dialect,
            schema: Arc::new(schema),
            sql: Arc::new(sql),
        })
    }

    /// The dialect of the database.
    pub fn dialect(&self) -> Dialect {
        self.dialect
    }

    /// The schema in use.
    pub fn schema(&self) -> &Schema {
        &self.schema
    }

    /// Creates the tables and keys that are missing and records each step in the migrations
    /// table; returns the names of the steps it applied (none on a second run). Tables a Next.js
    /// app created already are kept as they are.
    pub async fn migrate(&self) -> AdapterResult<Vec<&'static str>> {
        let q = |name: &str| self.sql.writer.q(name);
        let table = q(&self.schema.migrations);
        let create = format!(
            "CREATE TABLE IF NOT EXISTS {table} ({} BIGINT NOT NULL PRIMARY KEY, {} VARCHAR(255) NOT NULL, {} BIGINT NOT NULL)",
            q("version"),
            q("name"),
            q("applied_at")
        );
        sqlx::query(AssertSqlSafe(create))
            .execute(&self.pool)
            .await
            .map_err(failed("migrations table"))?;
        let select = format!("SELECT {} FROM {table}", q("version"));
        let applied: Vec<i64> = sqlx::query(AssertSqlSafe(select))
            .fetch_all(&self.pool)
            .await
            .map_err(failed("migrations table"))?
            .iter()
            .map(|row| row.try_get::<i64, _>(0))
            .collect::<Result<_, _>>()
            .map_err(|_| AdapterError::Corrupt("migration version"))?;
        let insert = format!(
            "INSERT INTO {table} ({}, {}, {}) VALUES ({}, {}, {})",
            q("version"),
            q("name"),
            q("applied_at"),
            self.sql.writer.p(1),
            self.sql.writer.p(2),
            self.sql.writer.p(3)
        );
        let mut done = Vec::new();
        for (version, name, statements) in self.sql.writer.migrations(&self.schema) {
            if applied.contains(&version) {
                continue;
            }
            let mut tx = self.pool.begin().await.map_err(failed("migration"))?;
            for statement in statements {
                sqlx::query(AssertSqlSafe(statement))
                    .execute(&mut *tx)
                    .await
                    .map_err(failed("migration"))?;
            }
            sqlx::query(AssertSqlSafe(insert.clone()))
                .bind(version)
                .bind(name)
                .bind(millis(OffsetDateTime::now_utc()))
                .execute(&mut *tx)
                .await
                .map_err(failed("migration"))?;
            tx.commit().await.map_err(failed("migration"))?;
            done.push(name);
        }
        Ok(done)
    }

    /// Closes the pool.
    pub async fn close(&self) {
        self.pool.close().await;
    }

    fn id(&self, id: &str) -> Option<Id> {
        match self.schema.user_ids {
            UserIds::Serial => id.parse().ok().map(Id::Int),
            UserIds::Text => Some(Id::Text(id.to_owned())),
        }
    }

    async fn user_by_id(&self, id: Id) -> AdapterResult<Option<User>> {
        let row = id
            .bind(self.sql.query(&self.sql.get_user))
            .fetch_optional(&self.pool)
            .await
            .map_err(failed("user"))?;
        row.map(|row| user_at(&row, 0)).transpose()
    }

    async fn insert_user(
        &self,
        conn: &mut sqlx::AnyConnection,
        user: &User,
    ) -> AdapterResult<User> {
        let mut created = user.clone();
        created.extra = Default::default();
        let generated = match self.schema.user_ids {
            UserIds::Text => Some(uuid::Uuid::new_v4().to_string()),
            UserIds::Serial => None,
        };
        let mut query = self.sql.query(&self.sql.create_user);
        if let Some(id) = &generated {
            query = query.bind(id.clone());
        }
        let query = query
            .bind(user.name.clone())
            .bind(user.email.clone())
            .bind(user.email_verified.map(millis))
            .bind(user.image.clone());
        created.id = match (generated, self.sql.returning) {
            (Some(id), _) => {
                query.execute(&mut *conn).await.map_err(failed("user"))?;
                Some(id)
            }
            (None, true) => {
                let row = query.fetch_one(&mut *conn).await.map_err(failed("user"))?;
                Some(required(&row, 0, "user id")?)
            }
            (None, false) => {
                let done = query.execute(&mut *conn).await.map_err(failed("user"))?;
                let id = done
                    .last_insert_id()
                    .ok_or(AdapterError::Corrupt("user id"))?;
                Some(id.to_string())
            }
        };
        Ok(created)
    }

    async fn insert_account(
        &self,
        conn: &mut sqlx::AnyConnection,
        account: &Account,
    ) -> AdapterResult<()> {
        let user_id = account
            .user_id
            .as_deref()
            .ok_or(AdapterError::Invalid("link_account needs a user id"))?;
        let id = self.id(user_id).ok_or(AdapterError::NotFound("user"))?;
        id.bind(self.sql.query(&self.sql.link_account))
            .bind(account.kind.clone())
            .bind(account.provider.clone())
            .bind(account.provider_account_id.clone())
            .bind(account.refresh_token.clone())
            .bind(account.access_token.clone())
            .bind(account.expires_at)
            .bind(account.token_type.clone())
            .bind(account.scope.clone())
            .bind(account.id_token.clone())
            .bind(account.session_state.clone())
            .execute(&mut *conn)
            .await
            .map_err(failed("account"))?;
        Ok(())
    }

    async fn get_session(&self, session_token: &str) -> AdapterResult<Option<AdapterSession>> {
        let row = self
            .sql
            .query(&self.sql.get_session)
            .bind(session_token.to_owned())
            .fetch_optional(&self.pool)
            .await
            .map_err(failed("session"))?;
        row.map(|row| {
            Ok(AdapterSession {
                session_token: required(&row, 0, "sessionToken")?,
                user_id: required(&row, 1, "session user id")?,
                expires: from_millis(
                    int(&row, 2, "expires")?.ok_or(AdapterError::Corrupt("expires"))?,
                )?,
            })
        })
        .transpose()
    }
}

impl Adapter for SqlAdapter {
    fn create_user(&self, user: User) -> BoxFuture<'_, AdapterResult<User>> {
        Box::pin(async move {
            let mut conn = self.pool.acquire().await.map_err(failed("user"))?;
            self.insert_user(&mut conn, &user).await
        })
    }

    fn get_user(&self, id: &str) -> BoxFuture<'_, AdapterResult<Option<User>>> {
        let id = self.id(id);
        Box::pin(async move {
            match id {
                Some(id) => self.user_by_id(id).await,
                None => Ok(None),
            }
        })
    }

    fn get_user_by_email(&self, email: &str) -> BoxFuture<'_, AdapterResult<Option<User>>> {
        let email = email.to_owned();
        Box::pin(async move {
            let row = self
                .sql
                .query(&self.sql.get_user_by_email)
                .bind(email)
                .fetch_optional(&self.pool)
                .await
                .map_err(failed("user"))?;
            row.map(|row| user_at(&row, 0)).transpose()
        })
    }

    fn get_user_by_account(
        &self,
        provider: &str,
        provider_account_id: &str,
    ) -> BoxFuture<'_, AdapterResult<Option<User>>> {
        let (provider, account_id) = (provider.to_owned(), provider_account_id.to_owned());
        Box::pin(async move {
            let row = self
                .sql
                .query(&self.sql.get_user_by_account)
                .bind(provider)
                .bind(account_id)
                .fetch_optional(&self.pool)
                .await
                .map_err(failed("user"))?;
            row.map(|row| user_at(&row, 0)).transpose()
        })
    }

    fn update_user(&self, user: User) -> BoxFuture<'_, AdapterResult<User>> {
        Box::pin(async move {
            let id = user
                .id
                .as_deref()
                .ok_or(AdapterError::Invalid("update_user needs an id"))?;
            let key = self.id(id).ok_or(AdapterError::NotFound("user"))?;
            let query = self
                .sql
                .query(&self.sql.update_user)
                .bind(user.name.clone())
                .bind(user.email.clone())
                .bind(user.email_verified.map(millis))
                .bind(user.image.clone());
            let done = key
                .bind(query)
                .execute(&self.pool)
                .await
                .map_err(failed("user"))?;
            // MySQL counts changed rows only: an update that changes nothing reports 0.
            if done.rows_affected() == 0 && self.dialect != Dialect::MySql {
                return Err(AdapterError::NotFound("user"));
            }
            let key = self.id(id).ok_or(AdapterError::NotFound("user"))?;
            self.user_by_id(key)
                .await?
                .ok_or(AdapterError::NotFound("user"))
        })
    }

    fn delete_user(&self, id: &str) -> BoxFuture<'_, AdapterResult<()>> {
        let id = id.to_owned();
        Box::pin(async move {
            if self.id(&id).is_none() {
                return Ok(());
            }
            let mut tx = self.pool.begin().await.map_err(failed("user"))?;
            for statement in &self.sql.delete_user {
                let key = self.id(&id).ok_or(AdapterError::NotFound("user"))?;
                key.bind(self.sql.query(statement))
                    .execute(&mut *tx)
                    .await
                    .map_err(failed("user"))?;
            }
            tx.commit().await.map_err(failed("user"))
        })
    }

    fn link_account(&self, account: Account) -> BoxFuture<'_, AdapterResult<()>> {
        Box::pin(async move {
            let mut conn = self.pool.acquire().await.map_err(failed("account"))?;
            self.insert_account(&mut conn, &account).await
        })
    }

    fn unlink_account(
        &self,
        provider: &str,
        provider_account_id: &str,
    ) -> BoxFuture<'_, AdapterResult<()>> {
        let (provider, account_id) = (provider.to_owned(), provider_account_id.to_owned());
        Box::pin(async move {
            self.sql
                .query(&self.sql.unlink_account)
                .bind(provider)
                .bind(account_id)
                .execute(&self.pool)
                .await
                .map_err(failed("account"))?;
            Ok(())
        })
    }

    fn get_account(
        &self,
        provider_account_id: &str,
        provider: &str,
    ) -> BoxFuture<'_, AdapterResult<Option<Account>>> {
        let (provider, account_id) = (provider.to_owned(), provider_account_id.to_owned());
        Box::pin(async move {
            let row = self
                .sql
                .query(&self.sql.get_account)
                .bind(provider)
                .bind(account_id)
                .fetch_optional(&self.pool)
                .await
                .map_err(failed("account"))?;
            row.map(|row| account_of(&row)).transpose()
        })
    }

    fn get_accounts_by_user(&self, user_id: &str) -> BoxFuture<'_, AdapterResult<Vec<Account>>> {
        let id = self.id(user_id);
        Box::pin(async move {
            let Some(id) = id else {
                return Ok(Vec::new());
            };
            let rows = id
                .bind(self.sql.query(&self.sql.get_accounts_by_user))
                .fetch_all(&self.pool)
                .await
                .map_err(failed("account"))?;
            rows.iter().map(account_of).collect()
        })
    }

    fn update_account(&self, account: Account) -> BoxFuture<'_, AdapterResult<()>> {
        Box::pin(async move {
            self.sql
                .query(&self.sql.update_account)
                .bind(account.refresh_token)
                .bind(account.access_token)
                .bind(account.expires_at)
                .bind(account.token_type)
                .bind(account.scope)
                .bind(account.id_token)
                .bind(account.session_state)
                .bind(account.provider)
                .bind(account.provider_account_id)
                .execute(&self.pool)
                .await
                .map_err(failed("account"))?;
            Ok(())
        })
    }

    fn create_user_with_account(
        &self,
        user: User,
        account: Account,
    ) -> BoxFuture<'_, AdapterResult<User>> {
        Box::pin(async move {
            let mut tx = self.pool.begin().await.map_err(failed("user"))?;
            let created = self.insert_user(&mut tx, &user).await?;
            let mut account = account;
            account.user_id = created.id.clone();
            // Dropping the transaction on an error rolls the user back.
            self.insert_account(&mut tx, &account).await?;
            tx.commit().await.map_err(failed("user"))?;
            Ok(created)
        })
    }
}

impl SessionAdapter for SqlAdapter {
    fn create_session(
        &self,
        session: AdapterSession,
    ) -> BoxFuture<'_, AdapterResult<AdapterSession>> {
        Box::pin(async move {
            let id = self
                .id(&session.user_id)
                .ok_or(AdapterError::NotFound("user"))?;
            let query = self
                .sql
                .query(&self.sql.create_session)
                .bind(session.session_token.clone());
            id.bind(query)
                .bind(millis(session.expires))
                .execute(&self.pool)
                .await
                .map_err(failed("session"))?;
            Ok(session)
        })
    }

    fn get_session_and_user(
        &self,
        session_token: &str,
    ) -> BoxFuture<'_, AdapterResult<Option<(AdapterSession, User)>>> {
        let token = session_token.to_owned();
        Box::pin(async move {
            let row = self
                .sql
                .query(&self.sql.get_session_and_user)
                .bind(token)
                .fetch_optional(&self.pool)
                .await
                .map_err(failed("session"))?;
            let Some(row) = row else {
                return Ok(None);
            };
            let session = AdapterSession {
                session_token: required(&row, 0, "sessionToken")?,
                user_id: required(&row, 1, "session user id")?,
                expires: from_millis(
                    int(&row, 2, "expires")?.ok_or(AdapterError::Corrupt("expires"))?,
                )?,
            };
            Ok(Some((session, user_at(&row, 3)?)))
        })
    }

    fn update_session(
        &self,
        session_token: &str,
        expires: OffsetDateTime,
    ) -> BoxFuture<'_, AdapterResult<Option<AdapterSession>>> {
        let token = session_token.to_owned();
        Box::pin(async move {
            self.sql
                .query(&self.sql.update_session)
                .bind(millis(expires))
                .bind(token.clone())
                .execute(&self.pool)
                .await
                .map_err(failed("session"))?;
            self.get_session(&token).await
        })
    }

    fn delete_session(&self, session_token: &str) -> BoxFuture<'_, AdapterResult<()>> {
        let token = session_token.to_owned();
        Box::pin(async move {
            self.sql
                .query(&self.sql.delete_session)
                .bind(token)
                .execute(&self.pool)
                .await
                .map_err(failed("session"))?;
            Ok(())
        })
    }
}

impl VerificationTokenAdapter for SqlAdapter {
    fn create_verification_token(
        &self,
        token: VerificationToken,
    ) -> BoxFuture<'_, AdapterResult<()>> {
        Box::pin(async move {
            self.sql
                .query(&self.sql.create_verification_token)
                .bind(token.identifier)
                .bind(millis(token.expires))
                .bind(token.token)
                .execute(&self.pool)
                .await
                .map_err(failed("verification token"))?;
            Ok(())
        })
    }

    fn use_verification_token(
        &self,
        identifier: &str,
        token: &str,
    ) -> BoxFuture<'_, AdapterResult<Option<VerificationToken>>> {
        let (identifier, token) = (identifier.to_owned(), token.to_owned());
        Box::pin(async move {
            if self.sql.returning {
                let row = self
                    .sql
                    .query(&self.sql.use_verification_token)
                    .bind(identifier)
                    .bind(token)
                    .fetch_optional(&self.pool)
                    .await
                    .map_err(failed("verification token"))?;
                return row.map(|row| token_of(&row)).transpose();
            }
            // Without RETURNING: read, then delete; only the call whose delete removed the row
            // gets the token, so two racing calls cannot both use it.
            let row = self
                .sql
                .query(&self.sql.get_verification_token)
                .bind(identifier.clone())
                .bind(token.clone())
                .fetch_optional(&self.pool)
                .await
                .map_err(failed("verification token"))?;
            let Some(row) = row else {
                return Ok(None);
            };
            let found = token_of(&row)?;
            let done = self
                .sql
                .query(&self.sql.use_verification_token)
                .bind(identifier)
                .bind(token)
                .execute(&self.pool)
                .await
                .map_err(failed("verification token"))?;
            Ok((done.rows_affected() == 1).then_some(found))
        })
    }
}

impl AuthenticatorAdapter for SqlAdapter {
    fn create_authenticator(
        &self,
        authenticator: Authenticator,
    ) -> BoxFuture<'_, AdapterResult<Authenticator>> {
        Box::pin(async move {
            let id = self
                .id(&authenticator.user_id)
                .ok_or(AdapterError::NotFound("user"))?;
            let query = self
                .sql
                .query(&self.sql.create_authenticator)
                .bind(authenticator.credential_id.clone());
            id.bind(query)
                .bind(authenticator.provider_account_id.clone())
                .bind(authenticator.credential_public_key.clone())
                .bind(i64::from(authenticator.counter))
                .bind(authenticator.credential_device_type.clone())
                .bind(authenticator.credential_backed_up)
                .bind(authenticator.transports.clone())
                .execute(&self.pool)
                .await
                .map_err(failed("authenticator"))?;
            Ok(authenticator)
        })
    }

    fn get_authenticator(
        &self,
        credential_id: &str,
    ) -> BoxFuture<'_, AdapterResult<Option<Authenticator>>> {
        let credential_id = credential_id.to_owned();
        Box::pin(async move {
            let row = self
                .sql
                .query(&self.sql.get_authenticator)
                .bind(credential_id)
                .fetch_optional(&self.pool)
                .await
                .map_err(failed("authenticator"))?;
            row.map(|row| authenticator_of(&row)).transpose()
        })
    }

    fn list_authenticators_by_user_id(
        &self,
        user_id: &str,
    ) -> BoxFuture<'_, AdapterResult<Vec<Authenticator>>> {
        let id = self.id(user_id);
        Box::pin(async move {
            let Some(id) = id else {
                return Ok(Vec::new());
            };
            let rows = id
                .bind(self.sql.query(&self.sql.list_authenticators))
                .fetch_all(&self.pool)
                .await
                .map_err(failed("authenticator"))?;
            rows.iter().map(authenticator_of).collect()
        })
    }

    fn update_authenticator_counter(
        &self,
        credential_id: &str,
        counter: u32,
    ) -> BoxFuture<'_, AdapterResult<Authenticator>> {
        let credential_id = credential_id.to_owned();
        Box::pin(async move {
            self.sql
                .query(&self.sql.update_authenticator_counter)
                .bind(i64::from(counter))
                .bind(credential_id.clone())
                .execute(&self.pool)
                .await
                .map_err(failed("authenticator"))?;
            self.get_authenticator(&credential_id)
                .await?
                .ok_or(AdapterError::NotFound("authenticator"))
        })
    }
}
