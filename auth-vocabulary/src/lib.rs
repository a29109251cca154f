//! The words of the provider registry (`providers.toml`), defined once: the macro checks a
//! registry file against them when it expands, and the runtime acts on them. Data only, no
//! dependencies.

/// Provider kinds, as Auth.js names them in `type`.
pub const KINDS: [&str; 5] = ["oauth", "oidc", "email", "credentials", "webauthn"];

/// `checks` entries.
pub const CHECKS: [&str; 4] = ["pkce", "state", "nonce", "none"];

/// `token_endpoint_auth_method` values.
pub const TOKEN_AUTH_METHODS: [&str; 5] = [
    "client_secret_basic",
    "client_secret_post",
    "client_secret_jwt",
    "private_key_jwt",
    "none",
];

/// `quirks`: behaviours data cannot say, each a named hook of the runtime.
pub const QUIRKS: [&str; 14] = [
    "github-emails",
    "apple-form-post-user",
    "apple-no-userinfo",
    "entra-tenant-issuer",
    "entra-graph-photo",
    "discord-avatar",
    "spotify-first-image",
    "twitch-token-conform",
    "name-from-parts",
    "email-from-emails",
    "yandex-avatar",
    "eveonline-portrait",
    "eventbrite-email-image",
    "freshbooks-name",
];

/// A profile -> user mapping: per `User` field, the alternatives of `a ?? b`, each a key path.
pub type UserMapping = &'static [(&'static str, &'static [&'static [&'static str]])];

/// Auth.js's default profile mapping (a provider without `[<id>.user]`, and a provider built
/// by hand without `profile`): `id = sub ?? id`, `name = name ?? nickname ??
/// preferred_username`, `email`, `image = picture`.
pub const DEFAULT_USER_MAPPING: UserMapping = &[
    ("id", &[&["sub"], &["id"]]),
    ("name", &[&["name"], &["nickname"], &["preferred_username"]]),
    ("email", &[&["email"]]),
    ("image", &[&["picture"]]),
];

/// The `User` fields a mapping may set.
pub const USER_FIELDS: [&str; 4] = ["id", "name", "email", "image"];
