//! Every statement of the SQL adapter, built once from the schema for the dialect. Values are
//! always placeholders; names come from a checked [`Schema`]. Timestamps travel as epoch
//! milliseconds and ids as text, so rows read the same on every database.

use std::sync::Arc;

use sqlx::AssertSqlSafe;

use super::schema::{Dialect, Schema, UserIds, Writer};

pub(super) struct Statements {
    pub(super) writer: Writer,
    /// `INSERT`/`DELETE ... RETURNING` (PostgreSQL, SQLite); MySQL has none.
    pub(super) returning: bool,
    pub(super) create_user: Arc<str>,
    pub(super) get_user: Arc<str>,
    pub(super) get_user_by_email: Arc<str>,
    pub(super) get_user_by_account: Arc<str>,
    pub(super) update_user: Arc<str>,
    pub(super) delete_user: Vec<Arc<str>>,
    pub(super) link_account: Arc<str>,
    pub(super) unlink_account: Arc<str>,
    pub(super) get_account: Arc<str>,
    pub(super) get_accounts_by_user: Arc<str>,
    pub(super) update_account: Arc<str>,
    pub(super) create_session: Arc<str>,
    pub(super) get_session: Arc<str>,
    pub(super) get_session_and_user: Arc<str>,
    pub(super) update_session: Arc<str>,
    pub(super) delete_session: Arc<str>,
    pub(super) create_verification_token: Arc<str>,
    pub(super) get_verification_token: Arc<str>,
    pub(super) use_verification_token: Arc<str>,
    pub(super) create_authenticator: Arc<str>,
    pub(super) get_authenticator: Arc<str>,
    pub(super) list_authenticators: Arc<str>,
    pub(super) update_authenticator_counter: Arc<str>,
}

/// `a = p1 AND b = p2 ...`, numbering from `from`.
fn equals(w: &Writer, columns: &[&String], from: usize) -> String {
    columns
        .iter()
        .enumerate()
        .map(|(i, c)| format!("{} = {}", w.q(c), w.p(from + i)))
        .collect::<Vec<_>>()
        .join(" AND ")
}

/// `sql` (an `INSERT` or `UPDATE`) also writes the current time to `column`, when the schema has
/// one (Prisma's `updatedAt`, which has no database default).
fn stamped(w: &Writer, column: Option<&String>, sql: String) -> String {
    let Some(column) = column else {
        return sql;
    };
    let (column, now) = (w.q(column), w.now());
    if sql.starts_with("UPDATE") {
        return sql.replacen(" WHERE ", &format!(", {column} = {now} WHERE "), 1);
    }
    let sql = sql.replacen(") VALUES (", &format!(", {column}) VALUES ("), 1);
    let end = sql.find(" RETURNING ").unwrap_or(sql.len());
    let close = sql[..end].rfind(')').unwrap_or(end);
    format!("{}, {now}{}", &sql[..close], &sql[close..])
}

fn placeholders(w: &Writer, count: usize) -> Vec<String> {
    (1..=count).map(|n| w.p(n)).collect()
}

impl Statements {
    pub(super) fn new(dialect: Dialect, s: &Schema) -> Self {
        let w = Writer::new(dialect, s);
        let returning = dialect != Dialect::MySql;
        let q = |name: &String| w.q(name);
        let [users, uid, name, email, verified, image] = &s.users;
        // Qualified, also without an alias: SQLite reads an unknown bare quoted name (a column
        // the table lacks) as a string literal instead of failing.
        let user_columns = |alias: &str| {
            let alias = match alias {
                "" => format!("{}.", q(users)),
                alias => alias.to_owned(),
            };
            let c = |column: &String| format!("{alias}{}", q(column));
            let mut sql = format!(
                "{}, {}, {}, {}, {}",
                w.id_out(&c(uid)),
                c(name),
                c(email),
                w.time_out(&c(verified)),
                c(image)
            );
            for extra in &s.user_columns {
                sql.push_str(", ");
                sql.push_str(&w.extra_out(&c(&extra.column), extra.kind));
            }
            sql
        };
        // The app's user columns after the five, numbered from `from`.
        let extra_names: String = s
            .user_columns
            .iter()
            .map(|extra| format!(", {}", q(&extra.column)))
            .collect();
        let extra_values = |from: usize| -> String {
            s.user_columns
                .iter()
                .enumerate()
                .map(|(i, extra)| format!(", {}", w.extra_in(from + i, extra.kind)))
                .collect()
        };
        let select_user = format!("SELECT {} FROM {}", user_columns(""), q(users));

        let serial = s.user_ids == UserIds::Serial;
        let create_user = if serial {
            let mut sql = format!(
                "INSERT INTO {} ({}, {}, {}, {}{extra_names}) VALUES ({}, {}, {}, {}{})",
                q(users),
                q(name),
                q(email),
                q(verified),
                q(image),
                w.p(1),
                w.p(2),
                w.time_in(3),
                w.p(4),
                extra_values(5)
            );
            if returning {
                sql.push_str(&format!(" RETURNING {}", w.id_out(&q(uid))));
            }
            sql
        } else {
            format!(
                "INSERT INTO {} ({}, {}, {}, {}, {}{extra_names}) VALUES ({}, {}, {}, {}, {}{})",
                q(users),
                q(uid),
                q(name),
                q(email),
                q(verified),
                q(image),
                w.p(1),
                w.p(2),
                w.p(3),
                w.time_in(4),
                w.p(5),
                extra_values(6)
            )
        };
        // A member the user lacks keeps its column; the id is the last placeholder.
        let extra_updates: String = s
            .user_columns
            .iter()
            .enumerate()
            .map(|(i, extra)| {
                let column = q(&extra.column);
                format!(
                    ", {column} = COALESCE({}, {column})",
                    w.extra_in(5 + i, extra.kind)
                )
            })
            .collect();
        let update_user = format!(
            "UPDATE {} SET {n} = COALESCE({}, {n}), {e} = COALESCE({}, {e}), {v} = COALESCE({}, {v}), {i} = COALESCE({}, {i}){extra_updates} WHERE {} = {}",
            q(users),
            w.p(1),
            w.p(2),
            w.time_in(3),
            w.p(4),
            q(uid),
            w.p(5 + s.user_columns.len()),
            n = q(name),
            e = q(email),
            v = q(verified),
            i = q(image),
        );

        let a = &s.accounts;
        let [accounts, a_user, a_type, a_provider, a_account_id] =
            [&a[0], &a[1], &a[2], &a[3], &a[4]];
        let account_columns = format!(
            "{}, {}, {}, {}, {}, {}, {}, {}, {}, {}, {}",
            w.id_out(&q(a_user)),
            q(a_type),
            q(a_provider),
            q(a_account_id),
            q(&a[5]),
            q(&a[6]),
            w.int_out(&q(&a[7])),
            q(&a[8]),
            q(&a[9]),
            q(&a[10]),
            q(&a[11])
        );
        let link_account = format!(
            "INSERT INTO {} ({}) VALUES ({})",
            q(accounts),
            a[1..].iter().map(q).collect::<Vec<_>>().join(", "),
            placeholders(&w, 11).join(", ")
        );
        let token_columns = a[5..]
            .iter()
            .enumerate()
            .map(|(i, c)| format!("{} = {}", q(c), w.p(i + 1)))
            .collect::<Vec<_>>()
            .join(", ");
        let update_account = format!(
            "UPDATE {} SET {token_columns} WHERE {}",
            q(accounts),
            equals(&w, &[a_provider, a_account_id], 8)
        );

        let [sessions, token, s_user, s_expires] = &s.sessions;
        let session_columns = |alias: &str| {
            format!(
                "{alias}{}, {}, {}",
                q(token),
                w.id_out(&format!("{alias}{}", q(s_user))),
                w.time_out(&format!("{alias}{}", q(s_expires)))
            )
        };

        let [tokens, identifier, v_token, v_expires] = &s.verification_tokens;
        let token_row = format!(
            "{}, {}, {}",
            q(identifier),
            q(v_token),
            w.time_out(&q(v_expires))
        );
        let token_key = equals(&w, &[identifier, v_token], 1);
        let use_verification_token = if returning {
            format!(
                "DELETE FROM {} WHERE {token_key} RETURNING {token_row}",
                q(tokens)
            )
        } else {
            format!("DELETE FROM {} WHERE {token_key}", q(tokens))
        };

        let au = &s.authenticators;
        let authenticator_columns = format!(
            "{}, {}, {}, {}, {}, {}, CASE WHEN {} THEN 1 ELSE 0 END, {}",
            q(&au[1]),
            w.id_out(&q(&au[2])),
            q(&au[3]),
            q(&au[4]),
            w.int_out(&q(&au[5])),
            q(&au[6]),
            q(&au[7]),
            q(&au[8])
        );
        let select_authenticator = format!("SELECT {authenticator_columns} FROM {}", q(&au[0]));

        let arc = |sql: String| -> Arc<str> { sql.into() };
        let stamp = |sql: String| -> Arc<str> { stamped(&w, s.updated_at.as_ref(), sql).into() };
        Self {
            returning,
            create_user: stamp(create_user),
            get_user: arc(format!("{select_user} WHERE {}", equals(&w, &[uid], 1))),
            get_user_by_email: arc(format!(
                "{select_user} WHERE {} LIMIT 1",
                equals(&w, &[email], 1)
            )),
            get_user_by_account: arc(format!(
                "SELECT {} FROM {} u JOIN {} a ON a.{} = u.{} WHERE a.{} = {} AND a.{} = {}",
                user_columns("u."),
                q(users),
                q(accounts),
                q(a_user),
                q(uid),
                q(a_provider),
                w.p(1),
                q(a_account_id),
                w.p(2)
            )),
            update_user: stamp(update_user),
            delete_user: vec![
                arc(format!(
                    "DELETE FROM {} WHERE {}",
                    q(sessions),
                    equals(&w, &[s_user], 1)
                )),
                arc(format!(
                    "DELETE FROM {} WHERE {}",
                    q(accounts),
                    equals(&w, &[a_user], 1)
                )),
                arc(format!(
                    "DELETE FROM {} WHERE {}",
                    q(&au[0]),
                    equals(&w, &[&au[2]], 1)
                )),
                arc(format!(
                    "DELETE FROM {} WHERE {}",
                    q(users),
                    equals(&w, &[uid], 1)
                )),
            ],
            link_account: stamp(link_account),
            unlink_account: arc(format!(
                "DELETE FROM {} WHERE {}",
                q(accounts),
                equals(&w, &[a_provider, a_account_id], 1)
            )),
            get_account: arc(format!(
                "SELECT {account_columns} FROM {} WHERE {}",
                q(accounts),
                equals(&w, &[a_provider, a_account_id], 1)
            )),
            get_accounts_by_user: arc(format!(
                "SELECT {account_columns} FROM {} WHERE {}",
                q(accounts),
                equals(&w, &[a_user], 1)
            )),
            update_account: stamp(update_account),
            create_session: stamp(format!(
                "INSERT INTO {} ({}, {}, {}) VALUES ({}, {}, {})",
                q(sessions),
                q(token),
                q(s_user),
                q(s_expires),
                w.p(1),
                w.p(2),
                w.time_in(3)
            )),
            get_session: arc(format!(
                "SELECT {} FROM {} WHERE {}",
                session_columns(""),
                q(sessions),
                equals(&w, &[token], 1)
            )),
            get_session_and_user: arc(format!(
                "SELECT {}, {} FROM {} s JOIN {} u ON u.{} = s.{} WHERE s.{} = {}",
                session_columns("s."),
                user_columns("u."),
                q(sessions),
                q(users),
                q(uid),
                q(s_user),
                q(token),
                w.p(1)
            )),
            update_session: stamp(format!(
                "UPDATE {} SET {} = {} WHERE {} = {}",
                q(sessions),
                q(s_expires),
                w.time_in(1),
                q(token),
                w.p(2)
            )),
            delete_session: arc(format!(
                "DELETE FROM {} WHERE {}",
                q(sessions),
                equals(&w, &[token], 1)
            )),
            create_verification_token: arc(format!(
                "INSERT INTO {} ({}, {}, {}) VALUES ({}, {}, {})",
                q(tokens),
                q(identifier),
                q(v_expires),
                q(v_token),
                w.p(1),
                w.time_in(2),
                w.p(3)
            )),
            get_verification_token: arc(format!(
                "SELECT {token_row} FROM {} WHERE {token_key}",
                q(tokens)
            )),
            use_verification_token: arc(use_verification_token),
            create_authenticator: arc(format!(
                "INSERT INTO {} ({}) VALUES ({})",
                q(&au[0]),
                au[1..].iter().map(q).collect::<Vec<_>>().join(", "),
                placeholders(&w, 8).join(", ")
            )),
            get_authenticator: arc(format!(
                "{select_authenticator} WHERE {}",
                equals(&w, &[&au[1]], 1)
            )),
            list_authenticators: arc(format!(
                "{select_authenticator} WHERE {}",
                equals(&w, &[&au[2]], 1)
            )),
            update_authenticator_counter: arc(format!(
                "UPDATE {} SET {} = {} WHERE {} = {}",
                q(&au[0]),
                q(&au[5]),
                w.p(1),
                q(&au[1]),
                w.p(2)
            )),
            writer: w,
        }
    }

    /// A query of one of these statements.
    pub(super) fn query(&self, sql: &Arc<str>) -> super::Query {
        sqlx::query(AssertSqlSafe(sql.clone()))
    }
}
