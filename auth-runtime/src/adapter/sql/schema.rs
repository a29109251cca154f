//! Table and column names, the presets of the schemas Next.js apps use, and the SQL text built
//! from them for each dialect. Names are checked to be plain identifiers before any SQL is built,
//! and every value is a bound parameter.

use std::fmt::Write as _;

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
}

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
        Ok(())
    }
}

/// Builds statements for one dialect: quoting, placeholders, timestamp and id conversions.
pub(super) struct Writer {
    dialect: Dialect,
    timestamps: Timestamps,
    serial: bool,
    flavor: Flavor,
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

    /// An integer column read as a `BIGINT`.
    pub(super) fn int_out(&self, column: &str) -> String {
        match self.dialect {
            Dialect::Sqlite => column.to_owned(),
            Dialect::Postgres => format!("CAST({column} AS BIGINT)"),
            Dialect::MySql => format!("CAST({column} AS SIGNED)"),
        }
    }

    /// The column type of a user id (primary key when `key`).
    fn id_type(&self, key: bool) -> &'static str {
        match (self.dialect, self.serial, key) {
            (Dialect::Postgres, true, true) => "SERIAL PRIMARY KEY",
            (Dialect::Postgres, true, false) => "INTEGER",
            (Dialect::Sqlite, true, true) => "INTEGER PRIMARY KEY AUTOINCREMENT",
            (Dialect::Sqlite, true, false) => "INTEGER",
            (Dialect::MySql, true, true) => "INTEGER NOT NULL AUTO_INCREMENT PRIMARY KEY",
            (Dialect::MySql, true, false) => "INTEGER",
            (Dialect::MySql, false, true) => "VARCHAR(255) NOT NULL PRIMARY KEY",
            (Dialect::MySql, false, false) => "VARCHAR(255)",
            (_, false, true) => "TEXT PRIMARY KEY",
            (_, false, false) => "TEXT",
        }
    }

    fn surrogate(&self) -> &'static str {
        match self.dialect {
            Dialect::Postgres => "SERIAL PRIMARY KEY",
            Dialect::Sqlite => "INTEGER PRIMARY KEY AUTOINCREMENT",
            Dialect::MySql => "INTEGER NOT NULL AUTO_INCREMENT PRIMARY KEY",
        }
    }

    fn time_type(&self) -> &'static str {
        match (self.dialect, self.timestamps) {
            (Dialect::Sqlite, _) => "BIGINT",
            (Dialect::Postgres, Timestamps::WithZone) => "TIMESTAMPTZ",
            (Dialect::Postgres, Timestamps::Utc) if self.flavor == Flavor::Prisma => "TIMESTAMP(3)",
            (Dialect::Postgres, Timestamps::Utc) => "TIMESTAMP",
            (Dialect::MySql, _) => "DATETIME(3)",
        }
    }

    /// A key column (part of a primary key or unique index): `VARCHAR(255)` (MySQL indexes no
    /// `TEXT`) or `TEXT`.
    fn key_text(&self) -> &'static str {
        match self.dialect {
            Dialect::MySql => "VARCHAR(255)",
            _ => "TEXT",
        }
    }

    fn short_text(&self) -> &'static str {
        match self.dialect {
            Dialect::Sqlite => "TEXT",
            _ => "VARCHAR(255)",
        }
    }

    /// The migrations, in order: `(version, name, statements)`. Tables are created only when
    /// missing, so a database a Next.js app set up already keeps its tables.
    pub(super) fn migrations(&self, s: &Schema) -> Vec<(i64, &'static str, Vec<String>)> {
        let q = |name: &String| self.q(name);
        let create = |table: &String, columns: Vec<String>| {
            let mut sql = format!("CREATE TABLE IF NOT EXISTS {} (", q(table));
            for (i, column) in columns.iter().enumerate() {
                if i > 0 {
                    sql.push_str(", ");
                }
                sql.push_str(column);
            }
            sql.push(')');
            if self.dialect == Dialect::MySql {
                // Binary collation: tokens and provider account ids compare exactly, as on the
                // other databases (the default collations ignore case).
                sql.push_str(" DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_bin");
            }
            sql
        };
        // Drizzle's and Prisma's tables: text, foreign keys, composite keys, a unique email.
        let drizzle = s.flavor != Flavor::PgAdapter;
        let prisma = s.flavor == Flavor::Prisma;
        let short = if drizzle { "TEXT" } else { self.short_text() };
        let (text, key, time) = ("TEXT", self.key_text(), self.time_type());
        let u = &s.users;
        let user_ref = |column: &String| {
            let mut sql = format!("{} {} NOT NULL", q(column), self.id_type(false));
            if drizzle {
                let _ = write!(
                    sql,
                    " REFERENCES {}({}) ON DELETE CASCADE",
                    q(&u[0]),
                    q(&u[1])
                );
            }
            if prisma {
                sql.push_str(" ON UPDATE CASCADE");
            }
            sql
        };
        // Prisma's `createdAt` (with a default) and `updatedAt` (written by the adapter).
        let audit = |columns: &mut Vec<String>| {
            if let Some(updated) = &s.updated_at {
                columns.push(format!(
                    "{} {time} NOT NULL DEFAULT CURRENT_TIMESTAMP",
                    q(&"createdAt".to_owned())
                ));
                columns.push(format!("{} {time} NOT NULL", q(updated)));
            }
        };
        let unique = if drizzle { " UNIQUE" } else { "" };
        let email_null = if prisma { " NOT NULL" } else { "" };
        let mut user_columns = vec![
            format!("{} {}", q(&u[1]), self.id_type(true)),
            format!("{} {short}", q(&u[2])),
            format!("{} {short}{email_null}{unique}", q(&u[3])),
            format!("{} {time}", q(&u[4])),
            format!("{} {text}", q(&u[5])),
        ];
        audit(&mut user_columns);
        let users = create(&u[0], user_columns);
        let a = &s.accounts;
        let mut account_columns = Vec::new();
        if s.surrogate_ids {
            account_columns.push(format!("{} {}", q(&"id".to_owned()), self.surrogate()));
        }
        let (account_key, account_expires) = if drizzle {
            (key, "INTEGER")
        } else {
            (short, "BIGINT")
        };
        account_columns.extend([
            user_ref(&a[1]),
            format!("{} {short} NOT NULL", q(&a[2])),
            format!("{} {account_key} NOT NULL", q(&a[3])),
            format!("{} {account_key} NOT NULL", q(&a[4])),
            format!("{} {text}", q(&a[5])),
            format!("{} {text}", q(&a[6])),
            format!("{} {account_expires}", q(&a[7])),
            format!("{} {text}", q(&a[8])),
            format!("{} {text}", q(&a[9])),
            format!("{} {text}", q(&a[10])),
            format!("{} {text}", q(&a[11])),
        ]);
        audit(&mut account_columns);
        if drizzle {
            account_columns.push(format!("PRIMARY KEY ({}, {})", q(&a[3]), q(&a[4])));
        }
        let accounts = create(&a[0], account_columns);
        let se = &s.sessions;
        let mut session_columns = Vec::new();
        if s.surrogate_ids {
            session_columns.push(format!("{} {}", q(&"id".to_owned()), self.surrogate()));
        }
        if drizzle {
            let token_key = if prisma {
                "NOT NULL UNIQUE"
            } else {
                "PRIMARY KEY"
            };
            session_columns.extend([
                format!("{} {key} {token_key}", q(&se[1])),
                user_ref(&se[2]),
                format!("{} {time} NOT NULL", q(&se[3])),
            ]);
            audit(&mut session_columns);
        } else {
            session_columns.extend([
                format!("{} {} NOT NULL", q(&se[2]), self.id_type(false)),
                format!("{} {time} NOT NULL", q(&se[3])),
                format!("{} {short} NOT NULL", q(&se[1])),
            ]);
        }
        let sessions = create(&se[0], session_columns);
        let v = &s.verification_tokens;
        let tokens = create(
            &v[0],
            vec![
                format!("{} {key} NOT NULL", q(&v[1])),
                format!("{} {time} NOT NULL", q(&v[3])),
                format!("{} {key} NOT NULL", q(&v[2])),
                format!("PRIMARY KEY ({}, {})", q(&v[1]), q(&v[2])),
            ],
        );
        let au = &s.authenticators;
        // The WebAuthn counter is unsigned 32-bit: BIGINT holds it. Drizzle's schema has
        // INTEGER, which holds it up to 2^31 - 1.
        let counter = if drizzle { "INTEGER" } else { "BIGINT" };
        let authenticator_key = if drizzle {
            format!("PRIMARY KEY ({}, {})", q(&au[2]), q(&au[1]))
        } else {
            format!("PRIMARY KEY ({})", q(&au[1]))
        };
        let authenticators = create(
            &au[0],
            vec![
                format!("{} {key} NOT NULL{unique}", q(&au[1])),
                user_ref(&au[2]),
                format!("{} {text} NOT NULL", q(&au[3])),
                format!("{} {text} NOT NULL", q(&au[4])),
                format!("{} {counter} NOT NULL", q(&au[5])),
                format!("{} {text} NOT NULL", q(&au[6])),
                format!("{} BOOLEAN NOT NULL", q(&au[7])),
                format!("{} {text}", q(&au[8])),
                authenticator_key,
            ],
        );
        // Unique keys that keep concurrent sign-ins honest: one account per provider account,
        // one row per session token. `@auth/pg-adapter` declares none; adding them changes no
        // query of it. Drizzle's tables have them already (primary keys).
        let index = |name: &str, table: &String, columns: &[&String]| {
            let mut sql = format!(
                "CREATE UNIQUE INDEX {} ON {} (",
                q(&format!("{}_{name}", table)),
                q(table)
            );
            for (i, column) in columns.iter().enumerate() {
                if i > 0 {
                    sql.push_str(", ");
                }
                let _ = write!(sql, "{}", q(column));
            }
            sql.push(')');
            sql
        };
        let keys = if drizzle {
            Vec::new()
        } else {
            vec![
                index("provider_account", &a[0], &[&a[3], &a[4]]),
                index("session_token", &se[0], &[&se[1]]),
            ]
        };
        vec![
            (
                1,
                "users, accounts, sessions, verification tokens",
                vec![users, accounts, sessions, tokens],
            ),
            (2, "authenticators", vec![authenticators]),
            (3, "unique provider accounts and session tokens", keys),
        ]
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

    #[test]
    fn the_pg_adapter_tables_are_those_of_its_schema_file() {
        let schema = Schema::pg_adapter();
        let writer = Writer::new(Dialect::Postgres, &schema);
        let steps = writer.migrations(&schema);
        let sql = steps[0].2.join(";\n");
        for expected in [
            "CREATE TABLE IF NOT EXISTS \"users\" (\"id\" SERIAL PRIMARY KEY, \"name\" VARCHAR(255), \"email\" VARCHAR(255), \"emailVerified\" TIMESTAMPTZ, \"image\" TEXT)",
            "CREATE TABLE IF NOT EXISTS \"sessions\" (\"id\" SERIAL PRIMARY KEY, \"userId\" INTEGER NOT NULL, \"expires\" TIMESTAMPTZ NOT NULL, \"sessionToken\" VARCHAR(255) NOT NULL)",
            "CREATE TABLE IF NOT EXISTS \"verification_token\" (\"identifier\" TEXT NOT NULL, \"expires\" TIMESTAMPTZ NOT NULL, \"token\" TEXT NOT NULL, PRIMARY KEY (\"identifier\", \"token\"))",
            "\"refresh_token\" TEXT, \"access_token\" TEXT, \"expires_at\" BIGINT, \"token_type\" TEXT, \"scope\" TEXT, \"id_token\" TEXT, \"session_state\" TEXT)",
        ] {
            assert!(sql.contains(expected), "{expected}\nnot in\n{sql}");
        }
    }
}
