//! Environment inference: `AUTH_SECRET` and its rotation list, `AUTH_URL`,
//! `AUTH_TRUST_HOST`, `AUTH_REDIRECT_PROXY_URL`, the `NEXTAUTH_*` aliases, and
//! `AUTH_<PROVIDER>_{ID,SECRET,ISSUER,KEY}`.
//!
//! Every function takes the environment as a lookup function, so it is pure and testable;
//! [`process_env`] reads the real one.
//!
//! ## When is it production?
//!
//! `AUTH_ENV` decides when set (`production`, or anything else for development); else `NODE_ENV`
//! the same way, for parity with Auth.js deployments; else the build: a release build (no
//! `debug_assertions`) is production, a debug build is development. In production a missing
//! secret is `MissingSecret`; in development a random secret is generated for the life of the
//! process, with a warning, and sessions do not survive a restart.
//!
//! ```
//! use auth_runtime::env::{secrets_from_env, env_provider_id};
//! let env = |k: &str| match k {
//!     "AUTH_SECRET" => Some("0".to_owned()),
//!     "AUTH_SECRET_1" => Some("1".to_owned()),
//!     _ => None,
//! };
//! let secrets: Vec<String> = secrets_from_env(&env).iter().map(|s| s.expose().to_owned()).collect();
//! assert_eq!(secrets, ["1", "0"]);
//! assert_eq!(env_provider_id("microsoft-entra-id"), "MICROSOFT_ENTRA_ID");
//! ```

/// Reads a variable of the process environment (non-UTF-8 values count as unset).
pub fn process_env(key: &str) -> Option<String> {
    std::env::var(key).ok()
}

fn non_empty(value: Option<String>) -> Option<String> {
    value.filter(|v| !v.is_empty())
}

/// The secret list: `[AUTH_SECRET_3, AUTH_SECRET_2, AUTH_SECRET_1, AUTH_SECRET]`, unset ones left
/// out; when none of those is set, `NEXTAUTH_SECRET`. The first encrypts. `Debug` of a
/// [`Secret`](crate::jose::Secret) never shows its value.
pub fn secrets_from_env(env: &dyn Fn(&str) -> Option<String>) -> Vec<crate::jose::Secret> {
    secret_strings(env)
        .into_iter()
        .map(crate::jose::Secret::new)
        .collect()
}

fn secret_strings(env: &dyn Fn(&str) -> Option<String>) -> Vec<String> {
    let mut secrets: Vec<String> = [
        "AUTH_SECRET_3",
        "AUTH_SECRET_2",
        "AUTH_SECRET_1",
        "AUTH_SECRET",
    ]
    .iter()
    .filter_map(|k| non_empty(env(k)))
    .collect();
    if secrets.is_empty()
        && let Some(s) = non_empty(env("NEXTAUTH_SECRET"))
    {
        secrets.push(s);
    }
    secrets
}

/// `AUTH_URL`, else `NEXTAUTH_URL`.
pub fn url_from_env(env: &dyn Fn(&str) -> Option<String>) -> Option<String> {
    non_empty(env("AUTH_URL")).or_else(|| non_empty(env("NEXTAUTH_URL")))
}

/// The base path `AUTH_URL` names (its path, when not `/`), as
/// [`crate::config::AuthConfig::apply_env`] takes it.
pub fn base_path_from_env(env: &dyn Fn(&str) -> Option<String>) -> Option<String> {
    let url = url::Url::parse(&url_from_env(env)?).ok()?;
    (url.path() != "/").then(|| url.path().trim_end_matches('/').to_owned())
}

/// `AUTH_REDIRECT_PROXY_URL`.
pub fn redirect_proxy_url_from_env(env: &dyn Fn(&str) -> Option<String>) -> Option<String> {
    non_empty(env("AUTH_REDIRECT_PROXY_URL"))
}

/// `AUTH_REDIRECT_PROXY_TARGETS`: origins separated by commas or spaces.
pub fn redirect_proxy_targets_from_env(env: &dyn Fn(&str) -> Option<String>) -> Vec<String> {
    env("AUTH_REDIRECT_PROXY_TARGETS")
        .unwrap_or_default()
        .split([',', ' '])
        .filter(|s| !s.is_empty())
        .map(str::to_owned)
        .collect()
}

/// Parses a boolean setting: `true`/`1`/`yes`/`on` are true, `false`/`0`/`no`/`off`/empty are
/// false (case-insensitive); anything else is `None`.
pub fn parse_bool(value: &str) -> Option<bool> {
    match value.trim().to_ascii_lowercase().as_str() {
        "true" | "1" | "yes" | "on" => Some(true),
        "false" | "0" | "no" | "off" | "" => Some(false),
        _ => None,
    }
}

/// Whether the environment says production (see the module docs).
pub fn is_production(env: &dyn Fn(&str) -> Option<String>) -> bool {
    for key in ["AUTH_ENV", "NODE_ENV"] {
        if let Some(v) = non_empty(env(key)) {
            return v.eq_ignore_ascii_case("production");
        }
    }
    !cfg!(debug_assertions)
}

/// `trustHost` inferred as Auth.js does (`AUTH_URL ?? AUTH_TRUST_HOST ?? VERCEL ?? CF_PAGES ??
/// !production`), except that `AUTH_TRUST_HOST=false` means false.
pub fn trust_host_from_env(env: &dyn Fn(&str) -> Option<String>) -> bool {
    if non_empty(env("AUTH_URL")).is_some() {
        return true;
    }
    if let Some(v) = env("AUTH_TRUST_HOST") {
        return parse_bool(&v).unwrap_or(true);
    }
    if env("VERCEL").is_some_and(|v| !v.is_empty())
        || env("CF_PAGES").is_some_and(|v| !v.is_empty())
    {
        return true;
    }
    !is_production(env)
}

/// The `<ID>` of a provider's variables: upper case, `-` replaced by `_`.
pub fn env_provider_id(id: &str) -> String {
    id.to_ascii_uppercase().replace('-', "_")
}

/// A provider's settings from `AUTH_<ID>_ID`, `_SECRET`, `_ISSUER` and `_KEY`.
#[derive(Clone, Default, PartialEq, Eq)]
pub struct ProviderEnv {
    /// `AUTH_<ID>_ID`.
    pub client_id: Option<String>,
    /// `AUTH_<ID>_SECRET`.
    pub client_secret: Option<String>,
    /// `AUTH_<ID>_ISSUER`.
    pub issuer: Option<String>,
    /// `AUTH_<ID>_KEY` (API key of email providers).
    pub api_key: Option<String>,
}

impl std::fmt::Debug for ProviderEnv {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("ProviderEnv")
            .field("client_id", &self.client_id)
            .field(
                "client_secret",
                &self.client_secret.as_ref().map(|_| "<redacted>"),
            )
            .field("issuer", &self.issuer)
            .field("api_key", &self.api_key.as_ref().map(|_| "<redacted>"))
            .finish()
    }
}

/// `AUTH_<ID>`: the prefix of a provider's variables (`AUTH_MICROSOFT_ENTRA_ID` for
/// `microsoft-entra-id`).
pub fn provider_prefix(id: &str) -> String {
    format!("AUTH_{}", env_provider_id(id))
}

/// Reads a provider's variables.
pub fn provider_env(id: &str, env: &dyn Fn(&str) -> Option<String>) -> ProviderEnv {
    let upper = env_provider_id(id);
    let get = |suffix: &str| non_empty(env(&format!("AUTH_{upper}_{suffix}")));
    ProviderEnv {
        client_id: get("ID"),
        client_secret: get("SECRET"),
        issuer: get("ISSUER"),
        api_key: get("KEY"),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::collections::HashMap;

    fn env_of(pairs: &[(&str, &str)]) -> impl Fn(&str) -> Option<String> {
        let map: HashMap<String, String> = pairs
            .iter()
            .map(|(k, v)| ((*k).to_owned(), (*v).to_owned()))
            .collect();
        move |k| map.get(k).cloned()
    }

    #[test]
    fn rotation_puts_numbered_secrets_first() {
        let env = env_of(&[
            ("AUTH_SECRET", "a"),
            ("AUTH_SECRET_1", "b"),
            ("AUTH_SECRET_3", "d"),
            ("NEXTAUTH_SECRET", "n"),
        ]);
        assert_eq!(secret_strings(&env), ["d", "b", "a"]);
        assert_eq!(secret_strings(&env_of(&[("NEXTAUTH_SECRET", "n")])), ["n"]);
        assert!(secrets_from_env(&env_of(&[("AUTH_SECRET", "")])).is_empty());
        assert!(!format!("{:?}", secrets_from_env(&env)).contains("\"d\""));
    }

    #[test]
    fn auth_trust_host_false_means_false() {
        let prod = [("AUTH_ENV", "production")];
        assert!(!trust_host_from_env(&env_of(&[
            prod[0],
            ("AUTH_TRUST_HOST", "false")
        ])));
        assert!(trust_host_from_env(&env_of(&[
            prod[0],
            ("AUTH_TRUST_HOST", "true")
        ])));
        assert!(!trust_host_from_env(&env_of(&prod)));
        assert!(trust_host_from_env(&env_of(&[
            prod[0],
            ("AUTH_URL", "https://x.example")
        ])));
        assert!(trust_host_from_env(&env_of(&[("AUTH_ENV", "development")])));
        assert!(!trust_host_from_env(&env_of(&[
            ("AUTH_ENV", "development"),
            ("AUTH_TRUST_HOST", "0")
        ])));
    }

    #[test]
    fn url_alias_and_provider_variables() {
        let env = env_of(&[
            ("NEXTAUTH_URL", "https://a.example/api/auth"),
            ("AUTH_MICROSOFT_ENTRA_ID_ID", "cid"),
            ("AUTH_MICROSOFT_ENTRA_ID_SECRET", "cs"),
            (
                "AUTH_MICROSOFT_ENTRA_ID_ISSUER",
                "https://login.example/tenant/v2.0",
            ),
            ("AUTH_RESEND_KEY", "re_123"),
        ]);
        assert_eq!(
            url_from_env(&env).as_deref(),
            Some("https://a.example/api/auth")
        );
        let p = provider_env("microsoft-entra-id", &env);
        assert_eq!(p.client_id.as_deref(), Some("cid"));
        assert_eq!(p.client_secret.as_deref(), Some("cs"));
        assert_eq!(
            p.issuer.as_deref(),
            Some("https://login.example/tenant/v2.0")
        );
        assert_eq!(
            provider_env("resend", &env).api_key.as_deref(),
            Some("re_123")
        );
        assert!(!format!("{p:?}").contains("cs\""));
    }
}
