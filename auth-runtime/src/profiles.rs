//! The typed profile of every OAuth/OIDC provider of the built-in registry (`providers.toml`):
//! the members each provider documents, with their Rust types, and `to_user()`, the registry's
//! mapping to a [`User`](crate::types::User). The `jwt` and `sign_in` callbacks of an `#[auth]`
//! type receive them as variants of its `<Name>Profile` enum, and a provider's options take a
//! profile mapping over its type. Members a profile does not list are kept in `extra`.

auth_macros::builtin_profiles!();
