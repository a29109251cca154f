//! Table and column names, the presets of the schemas Next.js apps use, and the SQL text built
//! from them for each dialect. Names are checked to be plain identifiers before any SQL is built,
//! and every value is a bound parameter.

/// The database behind a URL.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Dialect {
    /// SQLite (a file, or `sqlite::memory:`).
    Sqlite,
    /// PostgreSQL.
    Postgres,
    /// MySQL or MariaDB.
    MySql,
}

impl Dialect {
    /// The dialect of a database URL, from its scheme.
    pub fn from_url(url: &str) -> Option<Self> {
        let scheme = url.split_once(':')?.0.to_ascii_lowercase();
        match scheme.as_str() {
            "sqlite" => Some(Self::Sqlite),
            "postgres" | "postgresql" => Some(Self::Postgres),
            "mysql" | "mariadb" => Some(Self::MySql),
            _ => None,
        }
    }

    /// The cargo feature of auth-runtime that compiles this dialect's driver.
    pub fn feature(self) -> &'static str {
        match self {
            Self::Sqlite => "sqlite",
            Self::Postgres => "postgres",
            Self::MySql => "mysql",
        }
    }

    fn quote(self, name: &str) -> String {
        match self {
            Self::MySql => format!("`{name}`"),
            _ => format!("\"{name}\""),
        }
    }
}

/// How user ids are made.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum UserIds {
    /// The database counts them (`SERIAL`, `AUTO_INCREMENT`): `@auth/pg-adapter`.
    Serial,
    /// Text ids the adapter generates (UUID v4): Drizzle's and Prisma's schemas.
    Text,
}

/// How timestamps are stored.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Timestamps {
    /// `TIMESTAMPTZ` (PostgreSQL), `DATETIME(3)` (MySQL), milliseconds (SQLite).
    WithZone,
    /// `TIMESTAMP` without time zone, holding UTC (Drizzle's and Prisma's PostgreSQL schemas).
    Utc,
}

/// Whose table definitions the migrations create.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Flavor {
    /// `@auth/pg-adapter`'s `schema.sql`: `VARCHAR(255)` names and keys, surrogate `SERIAL` ids
    /// on accounts and sessions, no foreign keys.
    PgAdapter,
    /// `@auth/drizzle-adapter`'s default tables: `text` everywhere, composite primary keys,
    /// foreign keys to the user with `ON DELETE CASCADE`, a unique email.
    Drizzle,
    /// The tables `prisma migrate` makes from `@auth/prisma-adapter`'s documented schema: as
    /// Drizzle's, with `TIMESTAMP(3)`, `createdAt`/`updatedAt` columns and Prisma's constraint
    /// names.
    Prisma,
}

/// The table and column names of an Auth.js schema. Start from a preset and change what
/// differs; every name must be a plain identifier (letters, digits, `_`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Schema {
    /// How user ids are made.
    pub user_ids: UserIds,
    /// How timestamps are stored.
    pub timestamps: Timestamps,
    /// Users: table, `id`, `name`, `email`, `emailVerified`, `image`.
    pub users: [String; 6],
    /// Accounts: table, `userId`, `type`, `provider`, `providerAccountId`, `refresh_token`,
    /// `access_token`, `expires_at`, `token_type`, `scope`, `id_token`, `session_state`.
    pub accounts: [String; 12],
    /// Sessions: table, `sessionToken`, `userId`, `expires`.
    pub sessions: [String; 4],
    /// Verification tokens: table, `identifier`, `token`, `expires`.
    pub verification_tokens: [String; 4],
    /// Authenticators: table, `credentialID`, `userId`, `providerAccountId`,
    /// `credentialPublicKey`, `counter`, `credentialDeviceType`, `credentialBackedUp`,
    /// `transports`.
    pub authenticators: [String; 9],
    /// The table that records applied migrations.
    pub migrations: String,
    /// A surrogate `id` column on accounts and sessions (`@auth/pg-adapter` has one).
    pub surrogate_ids: bool,
    /// Whose table definitions `migrate` creates.
    pub flavor: Flavor,
    /// A column users, accounts and sessions carry with the time of their last write, which
    /// the adapter sets (Prisma's `updatedAt`: `NOT NULL` without a database default).
    pub updated_at: Option<String>,
    /// Columns of the users table beyond Auth.js's five, each holding one member of the user
    /// (the app's `#[auth(user)]` extension fields). Empty in every preset.
    pub user_columns: Vec<UserColumn>,
}

/// What a [`UserColumn`] holds, and so the SQL type `migrate` gives it and how its value is
/// written and read.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub enum ColumnKind {
    /// A JSON string (a Rust `String`, or an enum serialized as a string): `TEXT`.
    Text,
    /// A JSON integer that fits an `i64`: `BIGINT`.
    Integer,
    /// A JSON boolean: `BOOLEAN`.
    Boolean,
    /// Any JSON value (a struct, a list): `JSONB` on PostgreSQL, `JSON` on MySQL, `TEXT` on
    /// SQLite.
    Json,
}

/// A column of the users table that holds one member of the user beyond `id`, `name`,
/// `email`, `emailVerified` and `image`: what an `#[auth(user)]` field of the app's
/// extension needs to outlive the sign-in that set it.
///
/// ```
/// use auth_runtime::adapter::sql::{Schema, UserColumn};
///
/// // `role` and `credits` on the user, as a Prisma schema would declare them
/// // (`role String?`, `credits Int?`).
/// let schema = Schema::prisma()
///     .with_user_column(UserColumn::text("role"))
///     .with_user_column(UserColumn::integer("credits"));
/// assert!(schema.check().is_ok());
/// ```
///
/// A member the user lacks, or `null`, is a SQL `NULL`, and a `NULL` is read as a missing
/// member (an `#[auth(default)]` field reads its default). `update_user` leaves the column as
/// it is when the member is missing.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct UserColumn {
    /// The member's name on the user, in the token and in the session: the extension field's
    /// name (`role`).
    pub field: String,
    /// The column; the field's name unless [`stored_in`](Self::stored_in) says otherwise.
    pub column: String,
    /// What the column holds.
    pub kind: ColumnKind,
}

impl UserColumn {
    /// A column called `field`, holding `kind`.
    pub fn new(field: &str, kind: ColumnKind) -> Self {
        Self {
            field: field.to_owned(),
            column: field.to_owned(),
            kind,
        }
    }

    /// A text column ([`ColumnKind::Text`]).
    pub fn text(field: &str) -> Self {
        Self::new(field, ColumnKind::Text)
    }

    /// An integer column ([`ColumnKind::Integer`]).
    pub fn integer(field: &str) -> Self {
        Self::new(field, ColumnKind::Integer)
    }

    /// A boolean column ([`ColumnKind::Boolean`]).
    pub fn boolean(field: &str) -> Self {
        Self::new(field, ColumnKind::Boolean)
    }

    /// A JSON column ([`ColumnKind::Json`]).
    pub fn json(field: &str) -> Self {
        Self::new(field, ColumnKind::Json)
    }

    /// Stores the member in `column` instead of a column named after it (`user_role`).
    pub fn stored_in(mut self, column: &str) -> Self {
        column.clone_into(&mut self.column);
        self
    }
}

/// The members of Auth.js's user, which the five user columns hold.
const USER_MEMBERS: [&str; 5] = ["id", "name", "email", "emailVerified", "image"];

fn names<const N: usize>(list: [&str; N]) -> [String; N] {
    list.map(str::to_owned)
}

const ACCOUNT_COLUMNS: [&str; 11] = [
    "userId",
    "type",
    "provider",
    "providerAccountId",
    "refresh_token",
    "access_token",
    "expires_at",
    "token_type",
    "scope",
    "id_token",
    "session_state",
];
const AUTHENTICATOR_COLUMNS: [&str; 8] = [
    "credentialID",
    "userId",
    "providerAccountId",
    "credentialPublicKey",
    "counter",
    "credentialDeviceType",
    "credentialBackedUp",
    "transports",
];

fn with_table<const N: usize, const M: usize>(table: &str, columns: [&str; N]) -> [String; M] {
    std::array::from_fn(|i| {
        if i == 0 {
            table.to_owned()
        } else {
            columns[i - 1].to_owned()
        }
    })
}

impl Schema {
    /// `@auth/pg-adapter`: `users`, `accounts`, `sessions`, `verification_token`, quoted
    /// camelCase columns, `SERIAL` ids, `TIMESTAMPTZ`; plus an `authenticators` table, which that
    /// adapter lacks. The default on PostgreSQL, and the shape used on SQLite and MySQL too
    /// (with text ids there).
    pub fn pg_adapter() -> Self {
        Self {
            user_ids: UserIds::Serial,
            timestamps: Timestamps::WithZone,
            users: names(["users", "id", "name", "email", "emailVerified", "image"]),
            accounts: with_table("accounts", ACCOUNT_COLUMNS),
            sessions: names(["sessions", "sessionToken", "userId", "expires"]),
            verification_tokens: names(["verification_token", "identifier", "token", "expires"]),
            authenticators: with_table("authenticators", AUTHENTICATOR_COLUMNS),
            migrations: "auth_migrations".to_owned(),
            surrogate_ids: true,
            flavor: Flavor::PgAdapter,
            updated_at: None,
            user_columns: Vec::new(),
        }
    }

    /// `@auth/drizzle-adapter` 1.11's default PostgreSQL schema: `user`, `account`, `session`,
    /// `verificationToken`, `authenticator`; text ids the adapter makes (UUID), `timestamp`
    /// columns holding UTC.
    pub fn drizzle() -> Self {
        Self {
            user_ids: UserIds::Text,
            timestamps: Timestamps::Utc,
            users: names(["user", "id", "name", "email", "emailVerified", "image"]),
            accounts: with_table("account", ACCOUNT_COLUMNS),
            sessions: names(["session", "sessionToken", "userId", "expires"]),
            verification_tokens: names(["verificationToken", "identifier", "token", "expires"]),
            authenticators: with_table("authenticator", AUTHENTICATOR_COLUMNS),
            migrations: "auth_migrations".to_owned(),
            surrogate_ids: false,
            flavor: Flavor::Drizzle,
            updated_at: None,
            user_columns: Vec::new(),
        }
    }

    /// `@auth/prisma-adapter` 2.11's documented PostgreSQL schema: `"User"`, `"Account"`,
    /// `"Session"`, `"VerificationToken"`, `"Authenticator"`; text ids the adapter makes (Prisma
    /// makes cuids; any unique text works), `TIMESTAMP(3)` holding UTC, and `createdAt` /
    /// `updatedAt` on users, accounts and sessions.
    pub fn prisma() -> Self {
        Self {
            user_ids: UserIds::Text,
            timestamps: Timestamps::Utc,
            users: names(["User", "id", "name", "email", "emailVerified", "image"]),
            accounts: with_table("Account", ACCOUNT_COLUMNS),
            sessions: names(["Session", "sessionToken", "userId", "expires"]),
            verification_tokens: names(["VerificationToken", "identifier", "token", "expires"]),
            authenticators: with_table("Authenticator", AUTHENTICATOR_COLUMNS),
            migrations: "auth_migrations".to_owned(),
            surrogate_ids: false,
            flavor: Flavor::Prisma,
            updated_at: Some("updatedAt".to_owned()),
            user_columns: Vec::new(),
        }
    }

    /// A preset by name: `pg-adapter`, `drizzle`, `prisma` or `embedded`.
    pub fn preset(name: &str) -> Option<Self> {
        match name {
            "pg-adapter" => Some(Self::pg_adapter()),
            "drizzle" => Some(Self::drizzle()),
            "prisma" => Some(Self::prisma()),
            "embedded" => Some(Self::embedded()),
            _ => None,
        }
    }

    /// The default on SQLite and MySQL: `@auth/pg-adapter`'s names with text (UUID) user ids.
    pub fn embedded() -> Self {
        Self {
            user_ids: UserIds::Text,
            ..Self::pg_adapter()
        }
    }

    /// The default for a dialect.
    pub fn default_for(dialect: Dialect) -> Self {
        match dialect {
            Dialect::Postgres => Self::pg_adapter(),
            _ => Self::embedded(),
        }
    }

    fn all_names(&self) -> impl Iterator<Item = &String> {
        self.users
            .iter()
            .chain(&self.accounts)
            .chain(&self.sessions)
            .chain(&self.verification_tokens)
            .chain(&self.authenticators)
            .chain(std::iter::once(&self.migrations))
            .chain(self.user_columns.iter().map(|c| &c.column))
    }

    /// Adds a column of the users table for one more member of the user.
    pub fn with_user_column(mut self, column: UserColumn) -> Self {
        self.user_columns.push(column);
        self
    }

    /// Checks that every name is a plain identifier, so that no name can change a statement.
    pub fn check(&self) -> Result<(), String> {
        for name in self.all_names() {
            let plain = !name.is_empty()
                && name.len() <= 63
                && name.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'_')
                && !name.as_bytes()[0].is_ascii_digit();
            if !plain {
                return Err(format!(
                    "`{name}` is not a plain identifier (letters, digits and `_`, 63 at most)"
                ));
            }
        }
        for (i, extra) in self.user_columns.iter().enumerate() {
            if USER_MEMBERS.contains(&extra.field.as_str()) {
                return Err(format!(
                    "`{}` is a member of every user already: its column is one of the five",
                    extra.field
                ));
            }
            let earlier = &self.user_columns[..i];
            if earlier.iter().any(|e| e.field == extra.field) {
                return Err(format!("the user member `{}` has two columns", extra.field));
            }
            if self.users[1..].contains(&extra.column)
                || earlier.iter().any(|e| e.column == extra.column)
            {
                return Err(format!(
                    "the users column `{}` is declared twice",
                    extra.column
                ));
            }
        }
        Ok(())
    }
}

/// Builds statements for one dialect: quoting, placeholders, timestamp and id conversions.
pub(super) struct Writer {
    pub(super) dialect: Dialect,
    pub(super) timestamps: Timestamps,
    pub(super) serial: bool,
    pub(super) flavor: Flavor,
}

impl Writer {
    pub(super) fn new(dialect: Dialect, schema: &Schema) -> Self {
        Self {
            dialect,
            timestamps: schema.timestamps,
            serial: schema.user_ids == UserIds::Serial,
            flavor: schema.flavor,
        }
    }

    pub(super) fn q(&self, name: &str) -> String {
        self.dialect.quote(name)
    }

    /// The `n`th placeholder (1-based): `$n` on PostgreSQL, `?` elsewhere (bound in order).
    pub(super) fn p(&self, n: usize) -> String {
        match self.dialect {
            Dialect::Postgres => format!("${n}"),
            _ => "?".to_owned(),
        }
    }

    /// A timestamp column read as epoch milliseconds (a `BIGINT`).
    pub(super) fn time_out(&self, column: &str) -> String {
        match self.dialect {
            Dialect::Sqlite => column.to_owned(),
            Dialect::Postgres => format!("CAST(EXTRACT(EPOCH FROM {column}) * 1000 AS BIGINT)"),
            Dialect::MySql => format!("CAST(ROUND(UNIX_TIMESTAMP({column}) * 1000) AS SIGNED)"),
        }
    }

    /// Epoch milliseconds in placeholder `n`, written to a timestamp column.
    pub(super) fn time_in(&self, n: usize) -> String {
        let p = self.p(n);
        match (self.dialect, self.timestamps) {
            (Dialect::Sqlite, _) => p,
            (Dialect::Postgres, Timestamps::WithZone) => {
                format!("TO_TIMESTAMP(CAST({p} AS BIGINT) / 1000.0)")
            }
            (Dialect::Postgres, Timestamps::Utc) => {
                format!("(TO_TIMESTAMP(CAST({p} AS BIGINT) / 1000.0) AT TIME ZONE 'UTC')")
            }
            (Dialect::MySql, _) => format!("FROM_UNIXTIME({p} / 1000)"),
        }
    }

    /// The current time, as a timestamp column of this schema stores it.
    pub(super) fn now(&self) -> &'static str {
        match (self.dialect, self.timestamps) {
            (Dialect::Sqlite, _) => {
                "CAST(ROUND((julianday('now') - 2440587.5) * 86400000) AS INTEGER)"
            }
            (Dialect::Postgres, Timestamps::WithZone) => "NOW()",
            (Dialect::Postgres, Timestamps::Utc) => "(NOW() AT TIME ZONE 'UTC')",
            (Dialect::MySql, _) => "NOW(3)",
        }
    }

    /// A user id column read as text.
    pub(super) fn id_out(&self, column: &str) -> String {
        if !self.serial {
            return column.to_owned();
        }
        match self.dialect {
            Dialect::MySql => format!("CAST({column} AS CHAR)"),
            _ => format!("CAST({column} AS TEXT)"),
        }
    }

    /// A user column of the app's, read as text, a `BIGINT` or `NULL`.
    pub(super) fn extra_out(&self, column: &str, kind: ColumnKind) -> String {
        match (kind, self.dialect) {
            (ColumnKind::Text, _) | (ColumnKind::Json, Dialect::Sqlite) => column.to_owned(),
            (ColumnKind::Integer, _) => self.int_out(column),
            (ColumnKind::Boolean, _) => {
                format!("CASE WHEN {column} IS NULL THEN NULL WHEN {column} THEN 1 ELSE 0 END")
            }
            (ColumnKind::Json, Dialect::Postgres) => format!("CAST({column} AS TEXT)"),
            (ColumnKind::Json, Dialect::MySql) => format!("CAST({column} AS CHAR)"),
        }
    }

    /// Placeholder `n` written to a user column of the app's (JSON arrives as text).
    pub(super) fn extra_in(&self, n: usize, kind: ColumnKind) -> String {
        let p = self.p(n);
        match (kind, self.dialect) {
            (ColumnKind::Json, Dialect::Postgres) => format!("CAST({p} AS JSONB)"),
            _ => p,
        }
    }

    /// The SQL type `migrate` gives a user column of the app's.
    pub(super) fn extra_type(&self, kind: ColumnKind) -> &'static str {
        match (kind, self.dialect) {
            (ColumnKind::Text | ColumnKind::Json, Dialect::Sqlite) => "TEXT",
            (ColumnKind::Text, _) => "TEXT",
            (ColumnKind::Integer, _) => "BIGINT",
            (ColumnKind::Boolean, _) => "BOOLEAN",
            (ColumnKind::Json, Dialect::Postgres) => "JSONB",
            (ColumnKind::Json, Dialect::MySql) => "JSON",
        }
    }

    /// An integer column read as a `BIGINT`.
    pub(super) fn int_out(&self, column: &str) -> String {
        match self.dialect {
            Dialect::Sqlite => column.to_owned(),
            Dialect::Postgres => format!("CAST({column} AS BIGINT)"),
            Dialect::MySql => format!("CAST({column} AS SIGNED)"),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_must_be_plain_identifiers() {
        assert!(Schema::pg_adapter().check().is_ok());
        for bad in [
            "users; DROP TABLE x",
            "",
            "a\"b",
            "1users",
            "a-b",
            &"x".repeat(64),
        ] {
            let mut schema = Schema::pg_adapter();
            schema.users[0] = bad.to_owned();
            assert!(schema.check().is_err(), "{bad:?} was accepted");
        }
    }

    #[test]
    fn dialects_come_from_the_scheme() {
        assert_eq!(Dialect::from_url("sqlite://a.db"), Some(Dialect::Sqlite));
        assert_eq!(Dialect::from_url("sqlite::memory:"), Some(Dialect::Sqlite));
        assert_eq!(
            Dialect::from_url("postgres://h/db"),
            Some(Dialect::Postgres)
        );
        assert_eq!(
            Dialect::from_url("postgresql://h/db"),
            Some(Dialect::Postgres)
        );
        assert_eq!(Dialect::from_url("mysql://h/db"), Some(Dialect::MySql));
        assert_eq!(Dialect::from_url("mariadb://h/db"), Some(Dialect::MySql));
        assert_eq!(Dialect::from_url("mongodb://h/db"), None);
        assert_eq!(Dialect::from_url("auth.db"), None);
    }
}
