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

mod ddl;
mod rows;
mod schema;
mod statements;
mod store;

pub use schema::{ColumnKind, Dialect, Flavor, Schema, Timestamps, UserColumn, UserIds};

use std::sync::{Arc, Once};
use std::time::Duration;

use sqlx::any::AnyPoolOptions;
use sqlx::{AnyPool, AssertSqlSafe, Row};
use time::OffsetDateTime;

use self::rows::{bind_extra, failed, int, required, user_at};
use self::statements::Statements;
use super::{AdapterError, AdapterResult, AdapterSession};
use super::{epoch_millis as millis, from_epoch_millis as from_millis};
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
        schema.check().map_err(AdapterError::Schema)?;
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
    /// table, then adds the schema's [user columns](Schema::user_columns) the users table lacks;
    /// returns the names of the steps it applied (none on a second run). Tables and columns a
    /// Next.js app created already are kept as they are.
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
        if self.add_user_columns().await? {
            done.push("user columns");
        }
        Ok(done)
    }

    /// Adds the schema's user columns the users table lacks (a column the app's own migration
    /// made is kept as it is); whether it added any.
    async fn add_user_columns(&self) -> AdapterResult<bool> {
        let w = &self.sql.writer;
        let users = w.q(&self.schema.users[0]);
        let mut added = false;
        for extra in &self.schema.user_columns {
            let column = w.q(&extra.column);
            let present = if self.dialect == Dialect::Sqlite {
                // SQLite reads an unknown quoted name as a string: ask for the table's columns.
                sqlx::query("SELECT COUNT(*) FROM pragma_table_info(?) WHERE name = ?")
                    .bind(self.schema.users[0].clone())
                    .bind(extra.column.clone())
                    .fetch_one(&self.pool)
                    .await
                    .map_err(failed("migration"))?
                    .try_get::<i64, _>(0)
                    .map_err(|_| AdapterError::Corrupt("table info"))?
                    > 0
            } else {
                let probe = format!("SELECT {column} FROM {users} WHERE 1 = 0");
                sqlx::query(AssertSqlSafe(probe))
                    .fetch_optional(&self.pool)
                    .await
                    .is_ok()
            };
            if present {
                continue;
            }
            let add = format!(
                "ALTER TABLE {users} ADD COLUMN {column} {}",
                w.extra_type(extra.kind)
            );
            sqlx::query(AssertSqlSafe(add))
                .execute(&self.pool)
                .await
                .map_err(failed("migration"))?;
            added = true;
        }
        Ok(added)
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
        row.map(|row| user_at(&row, 0, &self.schema.user_columns))
            .transpose()
    }

    async fn insert_user(
        &self,
        conn: &mut sqlx::AnyConnection,
        user: &User,
    ) -> AdapterResult<User> {
        let mut created = user.clone();
        // What the row holds: the app's declared members, nothing else.
        let extra = &self.schema.user_columns;
        created.extra.retain(|member, value| {
            !value.is_null() && extra.iter().any(|column| column.field == *member)
        });
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
        let query = bind_extra(query, user, extra)?;
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
