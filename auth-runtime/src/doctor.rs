//! `myapp auth doctor`: the `#[auth]` types of a binary register themselves (through
//! `inventory`), and the app embeds a subcommand that lists each declared provider, the
//! environment variables it reads and whether they are set (never their values), and the callback
//! URL to register at each OAuth/OIDC provider.
//!
//! ```no_run
//! use auth_runtime::prelude::*;
//!
//! #[auth(providers(github, credentials), session = "jwt")]
//! pub struct Auth;
//!
//! fn main() -> std::process::ExitCode {
//!     // `myapp auth doctor` prints the report; any other command line runs the app.
//!     if let Some(code) = auth_runtime::doctor::run_from_args(std::env::args()) {
//!         return code;
//!     }
//!     // ... start the server ...
//!     std::process::ExitCode::SUCCESS
//! }
//! ```

use std::fmt::Write as _;
use std::process::ExitCode;

/// One `#[auth]` type of the binary, as its attribute declares it.
#[derive(Debug)]
pub struct Declared {
    type_name: &'static str,
    base_path: Option<&'static str>,
    extension: Option<&'static str>,
    providers: &'static [DeclaredProvider],
}

/// One provider of an `#[auth]` type.
#[derive(Debug)]
pub struct DeclaredProvider {
    id: &'static str,
    name: &'static str,
    kind: &'static str,
    issuer_required: bool,
}

inventory::collect!(Declared);

impl Declared {
    /// What the generated code registers. Not a public API.
    #[doc(hidden)]
    pub const fn new(
        type_name: &'static str,
        base_path: Option<&'static str>,
        extension: Option<&'static str>,
        providers: &'static [DeclaredProvider],
    ) -> Self {
        Self {
            type_name,
            base_path,
            extension,
            providers,
        }
    }

    /// The type's path (`myapp::Auth`).
    pub fn type_name(&self) -> &'static str {
        self.type_name
    }

    /// The declared providers, in order.
    pub fn providers(&self) -> &'static [DeclaredProvider] {
        self.providers
    }
}

impl DeclaredProvider {
    /// What the generated code registers. Not a public API.
    #[doc(hidden)]
    pub const fn new(
        id: &'static str,
        name: &'static str,
        kind: &'static str,
        issuer_required: bool,
    ) -> Self {
        Self {
            id,
            name,
            kind,
            issuer_required,
        }
    }

    /// The provider id.
    pub fn id(&self) -> &'static str {
        self.id
    }

    /// The variables the provider reads: `(name, required)`.
    pub fn variables(&self) -> Vec<(String, bool)> {
        let env = crate::env::env_provider_id(self.id);
        match self.kind {
            "oauth" | "oidc" => vec![
                (format!("AUTH_{env}_ID"), true),
                (format!("AUTH_{env}_SECRET"), true),
                (format!("AUTH_{env}_ISSUER"), self.issuer_required),
            ],
            // `email` and `nodemailer` send through SMTP; the others through their HTTP API.
            "email" if crate::providers::email_api::EmailApi::for_provider(self.id).is_none() => {
                vec![(format!("AUTH_{env}_SERVER"), false)]
            }
            "email" if self.id == "loops" => vec![
                (format!("AUTH_{env}_KEY"), true),
                ("AUTH_LOOPS_TRANSACTIONAL_ID".to_owned(), true),
            ],
            "email" => vec![(format!("AUTH_{env}_KEY"), true)],
            _ => Vec::new(),
        }
    }
}

/// Every `#[auth]` type linked into this binary.
pub fn declared() -> impl Iterator<Item = &'static Declared> {
    inventory::iter::<Declared>.into_iter()
}

/// The report of `auth doctor` over `env`, and whether a required variable is missing.
pub fn report(env: &dyn Fn(&str) -> Option<String>) -> (String, bool) {
    let set = |key: &str| env(key).is_some_and(|v| !v.trim().is_empty());
    let mark = |key: &str| if set(key) { "set" } else { "not set" };
    let mut out = String::new();
    let mut missing = false;
    let mut types: Vec<&Declared> = declared().collect();
    types.sort_by_key(|d| d.type_name);
    let _ = writeln!(
        out,
        "auth doctor: {} #[auth] type{} in this binary",
        types.len(),
        if types.len() == 1 { "" } else { "s" }
    );
    let url = crate::env::url_from_env(env);
    let origin = url
        .as_deref()
        .and_then(|u| url::Url::parse(u).ok())
        .map(|u| u.origin().ascii_serialization())
        .unwrap_or_else(|| "http://localhost:3000".to_owned());
    let production = crate::env::is_production(env);
    for declared in types {
        let base = declared
            .base_path
            .map(str::to_owned)
            .or_else(|| crate::env::base_path_from_env(env))
            .unwrap_or_else(|| "/auth".to_owned());
        let _ = write!(out, "\n{} (routes under {base}", declared.type_name);
        if let Some(extension) = declared.extension {
            let _ = write!(out, ", typed fields {extension}");
        }
        let _ = writeln!(out, ")");
        let secret_missing = !set("AUTH_SECRET") && !set("NEXTAUTH_SECRET");
        missing |= secret_missing && production;
        let _ = writeln!(
            out,
            "  {:<32} {:<8} {}",
            "AUTH_SECRET",
            mark("AUTH_SECRET"),
            if production {
                "required"
            } else {
                "required in production (a development build generates one)"
            }
        );
        let _ = writeln!(
            out,
            "  {:<32} {:<8} optional (else the request's host, when trusted)",
            "AUTH_URL",
            mark("AUTH_URL"),
        );
        for provider in declared.providers {
            let _ = writeln!(
                out,
                "  {} ({}, {})",
                provider.id, provider.name, provider.kind
            );
            let variables = provider.variables();
            if variables.is_empty() {
                let _ = writeln!(out, "    no environment variables");
            }
            for (key, required) in variables {
                missing |= required && !set(&key);
                let _ = writeln!(
                    out,
                    "    {key:<30} {:<8} {}",
                    mark(&key),
                    if required { "required" } else { "optional" }
                );
            }
            if matches!(provider.kind, "oauth" | "oidc") {
                let _ = writeln!(
                    out,
                    "    callback URL to register: {origin}{base}/callback/{}",
                    provider.id
                );
            }
        }
    }
    if missing {
        let _ = writeln!(out, "\nA required variable is not set.");
    }
    (out, missing)
}

/// Runs `<binary> auth doctor` when the command line asks for it: prints the report of the
/// process environment and returns the exit code (failure when a required variable is missing).
/// `None` for any other command line, so the app goes on.
pub fn run_from_args(args: impl IntoIterator<Item = String>) -> Option<ExitCode> {
    let args: Vec<String> = args.into_iter().skip(1).collect();
    match args
        .iter()
        .map(String::as_str)
        .collect::<Vec<_>>()
        .as_slice()
    {
        ["auth", "doctor"] => {
            let (text, missing) = report(&crate::env::process_env);
            print!("{text}");
            Some(if missing {
                ExitCode::FAILURE
            } else {
                ExitCode::SUCCESS
            })
        }
        ["auth", ..] => {
            eprintln!("usage: <app> auth doctor");
            Some(ExitCode::FAILURE)
        }
        _ => None,
    }
}
