//! The `auth` command-line tool, run as a binary, including interop with the real Auth.js
//! (`@auth/core` 0.41.3 under Node: run `npm ci --prefix tests` first).

#![allow(clippy::unwrap_used, missing_docs)]

use std::process::Command;
use std::time::{Duration, SystemTime, UNIX_EPOCH};

use auth_tests::{PeerOutput, peer, run_peer, run_with_timeout};
use base64::Engine as _;
use base64::engine::general_purpose::{STANDARD, URL_SAFE_NO_PAD};
use serde_json::{Map, Value, json};

const SESSION: &str = "authjs.session-token";
const SECURE_SESSION: &str = "__Secure-authjs.session-token";

fn auth(args: &[&str], stdin: &str) -> PeerOutput {
    let mut command = Command::new(env!("CARGO_BIN_EXE_auth"));
    command.args(args);
    run_with_timeout(command, stdin, Duration::from_secs(30))
}

/// Runs `auth` and expects success with exactly one line on stdout; returns that line.
fn auth_ok(args: &[&str], stdin: &str) -> String {
    let out = auth(args, stdin);
    assert!(
        out.success(),
        "auth {args:?} failed ({}): {}",
        out.status,
        out.stderr
    );
    let line = out.stdout.strip_suffix('\n').unwrap_or(&out.stdout);
    assert!(
        !line.is_empty() && !line.contains('\n'),
        "auth {args:?} should print one line, got {:?}",
        out.stdout
    );
    line.to_owned()
}

/// Asserts the failure contract: non-zero exit, nothing on stdout, one non-empty line on stderr.
fn assert_rejected(out: &PeerOutput, what: &str) {
    assert!(
        !out.success(),
        "{what}: expected a non-zero exit, got {} with stdout {:?}",
        out.status,
        out.stdout
    );
    assert!(
        out.stdout.is_empty(),
        "{what}: stdout must be empty, got {:?}",
        out.stdout
    );
    let reason = out.stderr.strip_suffix('\n').unwrap_or(&out.stderr);
    assert!(
        !reason.trim().is_empty() && !reason.contains('\n'),
        "{what}: stderr must be one line, got {:?}",
        out.stderr
    );
}

fn now() -> i64 {
    i64::try_from(
        SystemTime::now()
            .duration_since(UNIX_EPOCH)
            .unwrap()
            .as_secs(),
    )
    .unwrap()
}

fn claims_of(stdout: &str) -> Map<String, Value> {
    match serde_json::from_str(stdout).unwrap() {
        Value::Object(map) => map,
        other => panic!("decode printed {other}, not an object"),
    }
}

fn without_registered(mut claims: Map<String, Value>) -> Value {
    for key in ["iat", "exp", "jti"] {
        claims.shift_remove(key);
    }
    Value::Object(claims)
}

fn authjs_decode(secret: Value, salt: &str, token: &str) -> Result<Map<String, Value>, String> {
    let input = json!({"secret": secret, "salt": salt, "token": token});
    let out = run_peer("jwt.mjs", &["decode"], &input.to_string());
    if out.success() {
        Ok(claims_of(out.stdout.trim()))
    } else {
        Err(out.stderr)
    }
}

fn encode(secret: &str, claims: &Value) -> String {
    auth_ok(
        &["jwt", "encode", "--secret", secret, "--salt", SESSION],
        &claims.to_string(),
    )
}

/// Replaces the character at `index` of segment `segment` by another base64url character.
fn flip(token: &str, segment: usize, index: usize) -> String {
    let mut parts: Vec<String> = token.split('.').map(str::to_owned).collect();
    let mut chars: Vec<char> = parts[segment].chars().collect();
    chars[index] = if chars[index] == 'A' { 'B' } else { 'A' };
    parts[segment] = chars.into_iter().collect();
    parts.join(".")
}

// ---------------------------------------------------------------------------------------------

#[test]
fn jwt_encode_then_decode_round_trips_claims() {
    let claims = json!({
        "name": "Zoë 😀 日本語 e\u{301}",
        "email": "z@example.com",
        "picture": null,
        "nested": {"list": [1, 2.5, {"x": null}]},
        "sub": "user-1"
    });
    let token = auth_ok(
        &[
            "jwt",
            "encode",
            "--secret",
            "s1",
            "--salt",
            SESSION,
            "--max-age",
            "60",
        ],
        &claims.to_string(),
    );
    assert_eq!(token.split('.').count(), 5);
    let decoded = claims_of(&auth_ok(
        &["jwt", "decode", "--secret", "s1", "--salt", SESSION, &token],
        "",
    ));
    let (iat, exp) = (
        decoded["iat"].as_i64().unwrap(),
        decoded["exp"].as_i64().unwrap(),
    );
    assert!((iat - now()).abs() <= 5, "iat {iat}");
    assert_eq!(exp - iat, 60, "--max-age 60");
    assert!(decoded["jti"].is_string());
    assert_eq!(without_registered(decoded), claims);
}

#[test]
fn jwt_encode_defaults_to_30_days_and_the_authjs_session_salt() {
    let token = auth_ok(&["jwt", "encode", "--secret", "s1"], r#"{"sub":"d"}"#);
    let decoded = authjs_decode(json!("s1"), SESSION, &token).unwrap();
    assert_eq!(decoded["sub"], "d");
    assert_eq!(
        decoded["exp"].as_i64().unwrap() - decoded["iat"].as_i64().unwrap(),
        2_592_000
    );
    // Decode without --salt uses the same default.
    let again = claims_of(&auth_ok(&["jwt", "decode", "--secret", "s1", &token], ""));
    assert_eq!(again["sub"], "d");
    assert!(authjs_decode(json!("s1"), SECURE_SESSION, &token).is_err());
}

#[test]
fn jwt_encode_with_rotated_secrets_is_read_by_authjs() {
    let token = auth_ok(
        &[
            "jwt",
            "encode",
            "--secret",
            "new",
            "--secret",
            "old",
            "--salt",
            SECURE_SESSION,
        ],
        r#"{"sub":"rotated"}"#,
    );
    for secrets in [json!(["new", "old"]), json!(["x", "new"])] {
        assert_eq!(
            authjs_decode(secrets, SECURE_SESSION, &token).unwrap()["sub"],
            "rotated"
        );
    }
    assert!(
        authjs_decode(json!(["old"]), SECURE_SESSION, &token).is_err(),
        "the first secret encrypts"
    );
}

#[test]
fn jwt_decode_reads_a_token_minted_by_authjs() {
    let claims =
        json!({"name": "Ünïcødé ✓", "email": "u@example.com", "picture": null, "sub": "7"});
    let token = peer(
        "jwt.mjs",
        &["encode"],
        &json!({"secret": ["old"], "salt": SESSION, "token": claims}),
    );
    let out = auth_ok(
        &[
            "jwt", "decode", "--secret", "new", "--secret", "old", "--salt", SESSION, &token,
        ],
        "",
    );
    assert_eq!(without_registered(claims_of(&out)), claims);
}

#[test]
fn jwt_decode_rejects_tampered_tokens() {
    let token = encode("s1", &json!({"sub": "t", "pad": "x".repeat(64)}));
    let cases = [
        ("ciphertext", flip(&token, 3, 5)),
        ("tag", flip(&token, 4, 10)),
        ("iv", flip(&token, 2, 3)),
        ("header", flip(&token, 0, 30)),
        ("truncated tag", token[..token.len() - 2].to_owned()),
    ];
    for (what, bad) in cases {
        assert_ne!(bad, token);
        assert_rejected(&auth(&["jwt", "decode", "--secret", "s1", &bad], ""), what);
    }
}

#[test]
fn jwt_decode_rejects_an_expired_token() {
    // Auth.js's encode always sets exp = now + maxAge, so mint the past exp with jose directly.
    let token = peer(
        "jwt.mjs",
        &["encode-raw"],
        &json!({"secret": "s1", "salt": SESSION, "kid": true, "claims": {"sub": "old", "exp": now() - 60}}),
    );
    assert_rejected(
        &auth(&["jwt", "decode", "--secret", "s1", &token], ""),
        "expired",
    );
}

#[test]
fn jwt_decode_rejects_a_token_from_another_secret_or_salt() {
    let token = encode("s1", &json!({"sub": "foreign"}));
    assert_rejected(
        &auth(&["jwt", "decode", "--secret", "s2", &token], ""),
        "other secret",
    );
    assert_rejected(
        &auth(
            &[
                "jwt",
                "decode",
                "--secret",
                "s1",
                "--salt",
                SECURE_SESSION,
                &token,
            ],
            "",
        ),
        "other salt",
    );
    let authjs = peer(
        "jwt.mjs",
        &["encode"],
        &json!({"secret": "other", "salt": SESSION, "token": {}}),
    );
    assert_rejected(
        &auth(&["jwt", "decode", "--secret", "s1", &authjs], ""),
        "Auth.js token, other secret",
    );
}

#[test]
fn jwt_decode_rejects_malformed_tokens() {
    let garbage_segments = ["zz", "!!", "%%", "not base64", "~"].join(".");
    let b64_garbage = [
        URL_SAFE_NO_PAD.encode(b"{not json"),
        String::new(),
        "AAAA".into(),
        "AAAA".into(),
        "AAAA".into(),
    ]
    .join(".");
    let cases = [
        ("abc", "abc".to_owned()),
        ("empty", String::new()),
        ("5 segments of garbage", garbage_segments),
        ("5 base64 segments, header not JSON", b64_garbage),
        ("6 segments", format!("{}.x", encode("s1", &json!({})))),
    ];
    for (what, token) in cases {
        assert_rejected(
            &auth(&["jwt", "decode", "--secret", "s1", &token], ""),
            what,
        );
    }
}

#[test]
fn jwt_encode_rejects_claims_that_are_not_a_json_object() {
    for stdin in ["not json", "[1,2]", "\"str\"", ""] {
        assert_rejected(
            &auth(&["jwt", "encode", "--secret", "s1"], stdin),
            &format!("stdin {stdin:?}"),
        );
    }
}

#[test]
fn jwt_commands_without_a_secret_fail() {
    let out = auth(&["jwt", "encode"], "{}");
    assert!(
        !out.success() && out.stdout.is_empty(),
        "encode without --secret: {out:?}"
    );
    let token = encode("s1", &json!({}));
    let out = auth(&["jwt", "decode", &token], "");
    assert!(
        !out.success() && out.stdout.is_empty(),
        "decode without --secret: {out:?}"
    );
}

#[test]
fn secret_prints_44_base64_chars_of_32_random_bytes() {
    let first = auth_ok(&["secret"], "");
    let second = auth_ok(&["secret"], "");
    for s in [&first, &second] {
        assert_eq!(s.len(), 44, "{s:?}");
        assert_eq!(STANDARD.decode(s).unwrap().len(), 32, "{s:?}");
    }
    assert_ne!(first, second, "two runs gave the same secret");
    // A generated secret works as a secret with Auth.js.
    let token = auth_ok(&["jwt", "encode", "--secret", &first], r#"{"sub":"gen"}"#);
    assert_eq!(
        authjs_decode(json!(first), SESSION, &token).unwrap()["sub"],
        "gen"
    );
}

#[test]
fn providers_lists_the_builtin_registry_with_its_variables() {
    let run = auth(&["providers"], "");
    assert!(run.success(), "{}", run.stderr);
    let out = run.stdout;
    let lines: Vec<&str> = out.lines().collect();
    assert!(lines[0].starts_with("id"), "{out}");
    let count = auth_runtime::registry_support::BUILTIN_PROVIDERS.len();
    assert_eq!(lines.len(), 1 + count + 1, "{out}");
    assert_eq!(
        lines.last().copied(),
        Some(format!("{count} of Auth.js's 104 providers").as_str())
    );
    let resend = lines
        .iter()
        .find(|l| l.starts_with("resend "))
        .expect("resend row");
    assert!(
        resend.contains("email") && resend.contains("AUTH_RESEND_KEY"),
        "{resend}"
    );
    let email = lines
        .iter()
        .find(|l| l.starts_with("email "))
        .expect("email row");
    assert!(email.contains("AUTH_EMAIL_SERVER"), "{email}");
    let nodemailer = lines
        .iter()
        .find(|l| l.starts_with("nodemailer "))
        .expect("nodemailer row");
    assert!(
        nodemailer.contains("AUTH_NODEMAILER_SERVER"),
        "{nodemailer}"
    );
    let keycloak = lines
        .iter()
        .find(|l| l.starts_with("keycloak "))
        .expect("keycloak row");
    assert!(keycloak.contains("oidc"));
    assert!(keycloak.contains("AUTH_KEYCLOAK_ID AUTH_KEYCLOAK_SECRET AUTH_KEYCLOAK_ISSUER"));
    let entra = lines
        .iter()
        .find(|l| l.starts_with("microsoft-entra-id "))
        .expect("entra row");
    assert!(entra.contains("AUTH_MICROSOFT_ENTRA_ID_ID"));
}

mod common;

/// Runs `auth` and expects a failure with one line on stderr; returns that line.
fn auth_fails(args: &[&str]) -> String {
    let out = auth(args, "");
    assert!(!out.success(), "auth {args:?} should fail: {}", out.stdout);
    let line = out.stderr.strip_suffix('\n').unwrap_or(&out.stderr);
    assert!(
        line.starts_with("auth: ") && !line.contains('\n'),
        "one line on stderr, got {:?}",
        out.stderr
    );
    line.to_owned()
}

/// The columns of every table, as the database describes them.
async fn postgres_columns(url: &str) -> Vec<(String, String, String, String)> {
    use sqlx::Connection;
    let mut conn = sqlx::PgConnection::connect(url).await.unwrap();
    sqlx::query_as(
        "SELECT table_name::text, column_name::text, data_type::text, is_nullable::text \
         FROM information_schema.columns WHERE table_schema = 'public' \
         ORDER BY table_name, ordinal_position",
    )
    .fetch_all(&mut conn)
    .await
    .unwrap()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn migrate_creates_the_pg_adapter_tables_once() {
    let db = common::databases::FreshDb::postgres().await;
    let url = db.url.clone();
    let first =
        tokio::task::spawn_blocking(move || auth_ok(&["migrate", "--database-url", &url], ""))
            .await
            .unwrap();
    assert!(
        first.starts_with("applied: users, accounts, sessions"),
        "{first}"
    );
    let columns = postgres_columns(&db.url).await;
    let of = |table: &str| -> Vec<(String, String, String)> {
        columns
            .iter()
            .filter(|c| c.0 == table)
            .map(|c| (c.1.clone(), c.2.clone(), c.3.clone()))
            .collect()
    };
    let t = |name: &str, ty: &str, null: &str| (name.to_owned(), ty.to_owned(), null.to_owned());
    // @auth/pg-adapter's schema.sql, column for column.
    assert_eq!(
        of("users"),
        [
            t("id", "integer", "NO"),
            t("name", "character varying", "YES"),
            t("email", "character varying", "YES"),
            t("emailVerified", "timestamp with time zone", "YES"),
            t("image", "text", "YES"),
        ]
    );
    assert_eq!(
        of("sessions"),
        [
            t("id", "integer", "NO"),
            t("userId", "integer", "NO"),
            t("expires", "timestamp with time zone", "NO"),
            t("sessionToken", "character varying", "NO"),
        ]
    );
    assert_eq!(
        of("verification_token"),
        [
            t("identifier", "text", "NO"),
            t("expires", "timestamp with time zone", "NO"),
            t("token", "text", "NO"),
        ]
    );
    let mut accounts = of("accounts");
    accounts.sort();
    let mut expected = vec![
        t("id", "integer", "NO"),
        t("userId", "integer", "NO"),
        t("type", "character varying", "NO"),
        t("provider", "character varying", "NO"),
        t("providerAccountId", "character varying", "NO"),
        t("refresh_token", "text", "YES"),
        t("access_token", "text", "YES"),
        t("expires_at", "bigint", "YES"),
        t("id_token", "text", "YES"),
        t("scope", "text", "YES"),
        t("session_state", "text", "YES"),
        t("token_type", "text", "YES"),
    ];
    expected.sort();
    assert_eq!(accounts, expected);

    // A second run changes nothing.
    let url = db.url.clone();
    let second =
        tokio::task::spawn_blocking(move || auth_ok(&["migrate", "--database-url", &url], ""))
            .await
            .unwrap();
    assert_eq!(second, "up to date: nothing to apply");
    assert_eq!(postgres_columns(&db.url).await, columns);
    db.drop_now().await;
}

#[test]
fn migrate_creates_a_sqlite_file_and_is_idempotent() {
    let db = common::databases::FreshDb::sqlite();
    let first = auth_ok(&["migrate", "--database-url", &db.url], "");
    assert!(first.starts_with("applied: "), "{first}");
    assert_eq!(
        auth_ok(&["migrate", &format!("--database-url={}", db.url)], ""),
        "up to date: nothing to apply"
    );
}

/// `--user-column` adds the users columns of the app's `#[auth(user)]` fields, once.
#[test]
fn migrate_adds_the_apps_user_columns() {
    let db = common::databases::FreshDb::sqlite();
    let url = db.url.as_str();
    auth_ok(&["migrate", "--database-url", url], "");
    let with_columns = [
        "migrate",
        "--database-url",
        url,
        "--user-column",
        "role:text",
        "--user-column=beta:boolean:is_beta",
    ];
    assert_eq!(auth_ok(&with_columns, ""), "applied: user columns");
    assert_eq!(auth_ok(&with_columns, ""), "up to date: nothing to apply");
    let path = url.trim_start_matches("sqlite://");
    let columns = std::process::Command::new("python3")
        .args([
            "-c",
            "import sqlite3,sys; print(','.join(r[1] for r in sqlite3.connect(sys.argv[1]).execute('pragma table_info(users)')))",
            path,
        ])
        .output()
        .unwrap();
    let columns = String::from_utf8(columns.stdout).unwrap();
    assert!(columns.trim().ends_with(",role,is_beta"), "{columns}");
    for (spec, message) in [
        ("role", "write FIELD:KIND[:COLUMN]"),
        ("role:string", "unknown kind `string`"),
        ("role:text:a:b", "write FIELD:KIND[:COLUMN]"),
        ("email:text", "`email` is a member of every user already"),
    ] {
        let err = auth_fails(&["migrate", "--database-url", url, "--user-column", spec]);
        assert!(err.contains(message), "{spec}: {err}");
    }
}

#[test]
fn migrate_errors_are_one_line() {
    let unknown = auth_fails(&["migrate", "--database-url", "mongodb://127.0.0.1/x"]);
    assert!(
        unknown.contains("unsupported database URL scheme `mongodb`"),
        "{unknown}"
    );
    let closed = auth_fails(&[
        "migrate",
        "--database-url",
        "postgres://postgres@127.0.0.1:1/x",
    ]);
    assert!(closed.contains("cannot open the database"), "{closed}");
    let missing = auth(&["migrate"], "");
    assert!(!missing.success());
    let schema = auth_fails(&[
        "migrate",
        "--database-url",
        "sqlite::memory:",
        "--schema",
        "x",
    ]);
    assert!(schema.contains("unknown schema `x`"), "{schema}");
}

#[test]
fn help_goes_to_stdout_and_succeeds() {
    for args in [
        &["help"][..],
        &["--help"],
        &["-h"],
        &["jwt", "decode", "--help"],
    ] {
        let out = auth(args, "");
        assert!(out.success(), "{args:?}: {}", out.stderr);
        assert!(out.stdout.starts_with("usage:"), "{args:?}: {}", out.stdout);
        assert!(out.stdout.contains("auth migrate --database-url URL"));
        assert!(out.stderr.is_empty());
    }
    let out = auth(&["frobnicate"], "");
    assert_rejected(&out, "unknown command");
    assert!(out.stderr.contains("`auth help`"), "{}", out.stderr);
}
