//! The `auth` command: `auth secret`, `auth providers`, `auth jwt encode|decode`,
//! `auth migrate`.

use std::io::{Read, Write};
use std::process::ExitCode;

use auth_runtime::wire::{DEFAULT_MAX_AGE, JwtCodec};
use base64::Engine as _;

/// The one-line answer to a command line it does not understand.
const UNKNOWN: &str = "unknown command or option; `auth help` lists the commands";

const USAGE: &str = "usage:
  auth help
      print this
  auth secret
      print a new random secret (base64 of 32 random bytes) for AUTH_SECRET
  auth providers
      list the built-in providers with their kind and environment variables
  auth jwt encode --secret S [--secret S2 ...] [--salt NAME] [--max-age SECONDS]
      read claims (a JSON object) on stdin, print an Auth.js session token
  auth jwt decode --secret S [--secret S2 ...] [--salt NAME] TOKEN
      print the claims of a session token as JSON
  auth migrate --database-url URL [--schema pg-adapter|drizzle|prisma|embedded]
               [--user-column FIELD:text|integer|boolean|json[:COLUMN] ...]
      create the adapter's tables that are missing (sqlite:, postgres:, mysql: URLs; the URL
      may come from DATABASE_URL), and the users columns of the app's #[auth(user)] fields;
      a second run changes nothing
--salt defaults to authjs.session-token (use __Secure-authjs.session-token for HTTPS sites)";

fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    match run(&args) {
        Ok(out) => {
            let mut stdout = std::io::stdout();
            let _ = writeln!(stdout, "{out}");
            ExitCode::SUCCESS
        }
        Err(message) => {
            let first_line = message.lines().next().unwrap_or("error");
            eprintln!("auth: {first_line}");
            ExitCode::FAILURE
        }
    }
}

struct JwtArgs {
    secrets: Vec<String>,
    salt: String,
    max_age: u64,
    positional: Vec<String>,
}

fn parse_jwt_args(args: &[String]) -> Result<JwtArgs, String> {
    let mut parsed = JwtArgs {
        secrets: Vec::new(),
        salt: "authjs.session-token".into(),
        max_age: DEFAULT_MAX_AGE,
        positional: Vec::new(),
    };
    let mut iter = args.iter();
    while let Some(arg) = iter.next() {
        let (flag, inline) = match arg.split_once('=') {
            Some((f, v)) if f.starts_with("--") => (f, Some(v.to_owned())),
            _ => (arg.as_str(), None),
        };
        let mut value = |name: &str| {
            inline
                .clone()
                .or_else(|| iter.next().cloned())
                .ok_or_else(|| format!("{name} needs a value"))
        };
        match flag {
            "--secret" => parsed.secrets.push(value("--secret")?),
            "--salt" => parsed.salt = value("--salt")?,
            "--max-age" => {
                let v = value("--max-age")?;
                parsed.max_age = v.parse().map_err(|_| {
                    format!("--max-age must be a whole number of seconds, got {v:?}")
                })?;
            }
            "-h" | "--help" => return Err(UNKNOWN.into()),
            f if f.starts_with("--") => return Err(format!("unknown option {f}")),
            _ => parsed.positional.push(arg.clone()),
        }
    }
    if parsed.secrets.is_empty() {
        return Err("give at least one --secret".into());
    }
    Ok(parsed)
}

/// The built-in registry: one line per provider with the variables it reads.
fn providers_table() -> String {
    let mut out = format!("{:<20} {:<20} {:<12} environment", "id", "name", "kind");
    for (id, name, kind, env, issuer_required) in auth_runtime::registry_support::BUILTIN_PROVIDERS
    {
        let vars = match *kind {
            "oauth" | "oidc" => {
                let issuer = if *issuer_required {
                    " AUTH_{E}_ISSUER"
                } else {
                    ""
                };
                format!("AUTH_{{E}}_ID AUTH_{{E}}_SECRET{issuer}").replace("{E}", env)
            }
            "email" if auth_runtime::providers::email_api::EmailApi::for_provider(id).is_none() => {
                format!("AUTH_{env}_SERVER (an SMTP URL)")
            }
            "email" if *id == "loops" => format!("AUTH_{env}_KEY AUTH_{env}_TRANSACTIONAL_ID"),
            "email" => format!("AUTH_{env}_KEY"),
            "credentials" => "none: an authorize callback in code".to_owned(),
            _ => "none: experimental(enable_webauthn) and an adapter".to_owned(),
        };
        out.push_str(&format!("\n{id:<20} {name:<20} {kind:<12} {vars}"));
    }
    out.push_str(&format!(
        "\n{} of Auth.js's {AUTHJS_PROVIDER_COUNT} providers",
        auth_runtime::registry_support::BUILTIN_PROVIDERS.len()
    ));
    out
}

/// How many providers @auth/core 0.41.3 ships (57 oauth, 36 oidc, 8 email, credentials, 2 webauthn).
const AUTHJS_PROVIDER_COUNT: usize = 104;

fn run(args: &[String]) -> Result<String, String> {
    if args.iter().any(|a| a == "-h" || a == "--help") {
        return Ok(USAGE.to_owned());
    }
    match args.first().map(String::as_str) {
        Some("help" | "--help" | "-h") => Ok(USAGE.to_owned()),
        Some("secret") => {
            let mut bytes = [0u8; 32];
            getrandom::fill(&mut bytes).map_err(|e| format!("random source failed: {e}"))?;
            Ok(base64::engine::general_purpose::STANDARD.encode(bytes))
        }
        Some("providers") => Ok(providers_table()),
        Some("migrate") => migrate(&args[1..]),
        Some("jwt") => match args.get(1).map(String::as_str) {
            Some("encode") => {
                let a = parse_jwt_args(&args[2..])?;
                if !a.positional.is_empty() {
                    return Err("encode reads the claims on stdin and takes no argument".into());
                }
                let mut input = String::new();
                std::io::stdin()
                    .read_to_string(&mut input)
                    .map_err(|e| format!("cannot read stdin: {e}"))?;
                let claims = match serde_json::from_str::<serde_json::Value>(&input) {
                    Ok(serde_json::Value::Object(map)) => map,
                    Ok(_) => return Err("the claims must be a JSON object".into()),
                    Err(e) => return Err(format!("the claims are not valid JSON: {e}")),
                };
                let codec = JwtCodec::new(a.secrets).map_err(|e| e.to_string())?;
                codec
                    .encode(&claims, &a.salt, a.max_age)
                    .map_err(|e| e.to_string())
            }
            Some("decode") => {
                let a = parse_jwt_args(&args[2..])?;
                let [token] = a.positional.as_slice() else {
                    return Err("decode takes exactly one TOKEN".into());
                };
                let codec = JwtCodec::new(a.secrets).map_err(|e| e.to_string())?;
                let claims = codec
                    .decode(token.trim(), &a.salt)
                    .map_err(|e| e.to_string())?;
                serde_json::to_string(&claims).map_err(|e| e.to_string())
            }
            _ => Err(UNKNOWN.into()),
        },
        _ => Err(UNKNOWN.into()),
    }
}

/// `auth migrate`: the SQL adapter's migrations on the database at `--database-url`.
fn migrate(args: &[String]) -> Result<String, String> {
    let mut url = std::env::var("DATABASE_URL").ok();
    let mut schema = None;
    let mut columns = Vec::new();
    let mut iter = args.iter();
    while let Some(arg) = iter.next() {
        let (flag, inline) = match arg.split_once('=') {
            Some((f, v)) if f.starts_with("--") => (f, Some(v.to_owned())),
            _ => (arg.as_str(), None),
        };
        let mut value = |name: &str| {
            inline
                .clone()
                .or_else(|| iter.next().cloned())
                .ok_or_else(|| format!("{name} needs a value"))
        };
        match flag {
            "--database-url" => url = Some(value("--database-url")?),
            "--schema" => schema = Some(value("--schema")?),
            "--user-column" => columns.push(value("--user-column")?),
            other => return Err(format!("unknown argument `{other}` for migrate")),
        }
    }
    let url = url.ok_or("migrate needs --database-url URL (or DATABASE_URL)")?;
    sql::migrate(&url, schema.as_deref(), &columns)
}

#[cfg(any(feature = "sqlite", feature = "postgres", feature = "mysql"))]
mod sql {
    use auth_runtime::adapter::sql::{
        ColumnKind, Dialect, Schema, SqlAdapter, SqlOptions, UserColumn,
    };

    /// `FIELD:KIND[:COLUMN]`, as `--user-column` takes it.
    fn user_column(spec: &str) -> Result<UserColumn, String> {
        let mut parts = spec.split(':');
        let (Some(field), Some(kind)) = (parts.next(), parts.next()) else {
            return Err(format!(
                "--user-column `{spec}`: write FIELD:KIND[:COLUMN], KIND one of text, integer, boolean, json"
            ));
        };
        let kind = match kind {
            "text" => ColumnKind::Text,
            "integer" => ColumnKind::Integer,
            "boolean" => ColumnKind::Boolean,
            "json" => ColumnKind::Json,
            other => {
                return Err(format!(
                    "--user-column `{spec}`: unknown kind `{other}`; use text, integer, boolean or json"
                ));
            }
        };
        let column = UserColumn::new(field, kind);
        match (parts.next(), parts.next()) {
            (None, _) => Ok(column),
            (Some(name), None) => Ok(column.stored_in(name)),
            _ => Err(format!("--user-column `{spec}`: write FIELD:KIND[:COLUMN]")),
        }
    }

    pub fn migrate(url: &str, schema: Option<&str>, columns: &[String]) -> Result<String, String> {
        let dialect = Dialect::from_url(url).ok_or_else(|| {
            let scheme = url.split_once(':').map_or(url, |(s, _)| s);
            format!("unsupported database URL scheme `{scheme}`: use sqlite:, postgres: or mysql:")
        })?;
        let schema = match schema {
            None => Schema::default_for(dialect),
            Some(name) => Schema::preset(name).ok_or_else(|| {
                format!("unknown schema `{name}`: use pg-adapter, drizzle, prisma or embedded")
            })?,
        };
        let schema = columns.iter().try_fold(schema, |schema, spec| {
            Ok::<_, String>(schema.with_user_column(user_column(spec)?))
        })?;
        let runtime = tokio::runtime::Builder::new_current_thread()
            .enable_all()
            .build()
            .map_err(|e| format!("cannot start the runtime: {e}"))?;
        runtime.block_on(async {
            let options = SqlOptions {
                schema: Some(schema),
                max_connections: 1,
                ..SqlOptions::default()
            };
            let adapter = SqlAdapter::connect_with(url, options)
                .await
                .map_err(|e| format!("cannot open the database: {e}"))?;
            let applied = adapter
                .migrate()
                .await
                .map_err(|e| format!("migration failed: {e}"));
            adapter.close().await;
            let applied = applied?;
            Ok(if applied.is_empty() {
                "up to date: nothing to apply".to_owned()
            } else {
                format!("applied: {}", applied.join("; "))
            })
        })
    }
}

#[cfg(not(any(feature = "sqlite", feature = "postgres", feature = "mysql")))]
mod sql {
    pub fn migrate(
        _url: &str,
        _schema: Option<&str>,
        _columns: &[String],
    ) -> Result<String, String> {
        Err("this build of auth has no database driver: build it with --features sqlite,postgres,mysql".into())
    }
}
