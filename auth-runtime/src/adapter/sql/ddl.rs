//! The tables the migrations create, per dialect and flavor (`@auth/pg-adapter`'s `schema.sql`,
//! Drizzle's or Prisma's tables), in versioned steps.

use std::fmt::Write as _;

use super::schema::{Dialect, Flavor, Schema, Timestamps, Writer};

impl Writer {
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
