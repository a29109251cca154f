//! Fresh databases on this machine's servers, one per test, dropped at the end: PostgreSQL
//! (127.0.0.1:5432, trust auth), MariaDB (127.0.0.1:3306, root without password) and SQLite
//! files. A server that does not answer fails the test: nothing is skipped.

use sqlx::{Connection, Executor};

/// PostgreSQL's admin URL.
pub const POSTGRES: &str = "postgres://postgres@127.0.0.1:5432/postgres";
/// MariaDB's admin URL.
pub const MYSQL: &str = "mysql://root@127.0.0.1:3306/test";

/// A database created for one test; dropped (best effort) with the value.
pub struct FreshDb {
    /// The database's URL.
    pub url: String,
    drop_sql: Option<(String, String)>,
    _dir: Option<tempdir::Dir>,
}

mod tempdir {
    /// A directory removed when dropped.
    pub struct Dir(pub std::path::PathBuf);
    impl Drop for Dir {
        fn drop(&mut self) {
            let _ = std::fs::remove_dir_all(&self.0);
        }
    }
}

fn unique(prefix: &str) -> String {
    format!("{prefix}_{}", uuid::Uuid::new_v4().simple())
}

impl FreshDb {
    /// A new PostgreSQL database.
    pub async fn postgres() -> Self {
        let name = unique("auth_test");
        let mut admin = sqlx::PgConnection::connect(POSTGRES)
            .await
            .unwrap_or_else(|e| panic!("PostgreSQL must run on 127.0.0.1:5432: {e}"));
        admin
            .execute(sqlx::AssertSqlSafe(format!("CREATE DATABASE {name}")))
            .await
            .unwrap();
        Self {
            url: format!("postgres://postgres@127.0.0.1:5432/{name}"),
            drop_sql: Some((
                POSTGRES.to_owned(),
                format!("DROP DATABASE IF EXISTS {name} WITH (FORCE)"),
            )),
            _dir: None,
        }
    }

    /// A new MariaDB database, utf8mb4.
    pub async fn mysql() -> Self {
        let name = unique("auth_test");
        let mut admin = sqlx::MySqlConnection::connect(MYSQL)
            .await
            .unwrap_or_else(|e| panic!("MariaDB must run on 127.0.0.1:3306: {e}"));
        admin
            .execute(sqlx::AssertSqlSafe(format!(
                "CREATE DATABASE {name} CHARACTER SET utf8mb4"
            )))
            .await
            .unwrap();
        Self {
            url: format!("mysql://root@127.0.0.1:3306/{name}"),
            drop_sql: Some((MYSQL.to_owned(), format!("DROP DATABASE IF EXISTS {name}"))),
            _dir: None,
        }
    }

    /// A new SQLite file in a temporary directory.
    pub fn sqlite() -> Self {
        let dir = std::env::temp_dir().join(unique("auth_sqlite"));
        std::fs::create_dir_all(&dir).unwrap();
        Self {
            url: format!("sqlite://{}", dir.join("auth.db").display()),
            drop_sql: None,
            _dir: Some(tempdir::Dir(dir)),
        }
    }

    /// Drops the database now (a server database must be dropped from a runtime).
    pub async fn drop_now(mut self) {
        if let Some((admin, sql)) = self.drop_sql.take() {
            if admin.starts_with("postgres") {
                if let Ok(mut c) = sqlx::PgConnection::connect(&admin).await {
                    let _ = c.execute(sqlx::AssertSqlSafe(sql)).await;
                }
            } else if let Ok(mut c) = sqlx::MySqlConnection::connect(&admin).await {
                let _ = c.execute(sqlx::AssertSqlSafe(sql)).await;
            }
        }
    }
}
