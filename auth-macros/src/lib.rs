//! Procedural macros of auth-runtime: `#[auth]`, which turns a unit struct into the app's Auth.js
//! handler type with a builder. Use it through `auth_runtime::prelude::*`.
//!
//! Pipeline: `attr` reads the attribute, `registry` the provider registry, `check` applies
//! the rules that Auth.js checks at the first request, `expand` generates, `fallback` stands
//! in when the attribute cannot be read.

mod attr;
mod check;
mod expand;
mod fallback;
mod registry;

use proc_macro::TokenStream;

/// Declares the app's providers and session strategy on a unit struct.
///
/// ```text
/// use auth_runtime::prelude::*;
///
/// #[auth(providers(github, google, credentials), session = "jwt")]
/// pub struct Auth;
///
/// let auth = Auth::builder()                      // AUTH_SECRET, AUTH_URL, AUTH_GITHUB_ID, ...
///     .github(|p| p.allow_dangerous_email_account_linking(true))
///     .credentials(|creds, _req| async move { check(creds).await })
///     .build()?;                                  // no `.credentials(..)`, no `build()`
/// let app = axum::Router::new().merge(auth.router());
/// ```
///
/// Keys:
/// - `providers(..)`: ids of the provider registry; an id with `-` is written with `_`
///   (`microsoft_entra_id`) or as a string.
/// - `session = "jwt" | "database"`: default database with `adapter`, else JWT.
/// - `adapter`: the builder needs `.adapter(Arc::new(..))` before `build()`.
/// - `base_path = "/auth"`: where the routes live (default: `AUTH_URL`'s path, else `/auth`).
/// - `experimental(enable_webauthn)`: opts in to passkeys.
/// - `registry = "auth-providers.toml"`: a registry file of the app's own, merged over the built-in
///   one (same schema as the workspace's `providers.toml`). The path is relative to the crate's
///   `Cargo.toml`, or, when no file is there, to the file the attribute is in. Edits rebuild.
/// - `extension = Claims`: the app's typed fields, a `#[derive(AuthExtension)]` type: copied from
///   the user into the token at sign-in, exposed under `session.user`, checked on every read.
///
/// Generated: the struct (holding the handler, with `builder()`, `builder_with_env(lookup)`,
/// `handler()`, `into_handler()`, the constant `PROVIDER_IDS`, and with the `axum` feature
/// `router()` and `layer()`), `<Name>Builder` with one options method per OAuth/OIDC provider
/// and per email or passkey provider, `credentials(..)` and `credentials_provider(..)` when
/// credentials are declared, `callbacks(..)`, `events(..)`, `theme(..)`, `pages(..)`,
/// `offer_configured_only()`, `configure(..)`, `adapter(..)`, `into_config()` and `build()`; a
/// typed `<Provider>Profile` per OAuth/OIDC provider with `to_user()`; and with `extension`, the
/// alias `<Name>Session` of `TypedSession<Claims>`, the extractor handlers read the typed
/// session with. Set `AUTH_MACROS_DEBUG=1` to print the expansion while compiling.
#[proc_macro_attribute]
pub fn auth(args: TokenStream, item: TokenStream) -> TokenStream {
    // A registry path not found under CARGO_MANIFEST_DIR is tried next to the invoking file
    // (trybuild and similar harnesses compile from a directory of their own).
    let source_dir = proc_macro::Span::call_site()
        .local_file()
        .and_then(|file| file.parent().map(std::path::Path::to_path_buf));
    let output = expand::auth_attribute(args.into(), item.into(), source_dir.as_deref());
    expand::debug_print(&output);
    output.into()
}

/// Typed fields of the session token, the session and the user: implements
/// `auth_runtime::extension::AuthExtension`. A field is in the token only, unless marked
/// `#[auth(session)]` (also under `session.user`) or `#[auth(user)]` (taken from the user at
/// sign-in); `#[auth(default)]` reads an absent member as `Default`. Fields named like a standard
/// member (`sub`, `exp`, `user`, `id`, ..) are refused.
#[proc_macro_derive(AuthExtension, attributes(auth))]
pub fn derive_auth_extension(input: TokenStream) -> TokenStream {
    let output = expand::extension::derive(input.into());
    expand::debug_print(&output);
    output.into()
}

/// The typed profile of every OAuth/OIDC provider of the built-in registry, with its mapping to a
/// user: the contents of `auth_runtime::profiles`. Not a public API.
#[doc(hidden)]
#[proc_macro]
pub fn builtin_profiles(_input: TokenStream) -> TokenStream {
    match registry::Registry::builtin() {
        Ok(registry) => {
            let mut output = proc_macro2::TokenStream::new();
            for spec in registry
                .providers
                .values()
                .filter(|spec| matches!(spec.kind, registry::Kind::OAuth | registry::Kind::Oidc))
            {
                match expand::providers::profile(spec) {
                    Ok(tokens) => output.extend(tokens),
                    Err(message) => output.extend(quote::quote!(compile_error!(#message);)),
                }
            }
            output.into()
        }
        Err(err) => {
            let message = err.to_string();
            quote::quote!(compile_error!(#message);).into()
        }
    }
}

/// The built-in provider registry as data, for the `auth providers` command:
/// `&[(id, name, kind, env_id, issuer_required)]`. Not a public API.
#[doc(hidden)]
#[proc_macro]
pub fn builtin_providers(_input: TokenStream) -> TokenStream {
    match registry::Registry::builtin() {
        Ok(registry) => {
            let rows = registry.providers.values().map(|spec| {
                let id = &spec.id;
                let name = &spec.name;
                let kind = spec.kind.as_str();
                let env = spec.id.to_ascii_uppercase().replace('-', "_");
                let issuer_required = spec.issuer_required;
                quote::quote!((#id, #name, #kind, #env, #issuer_required))
            });
            quote::quote!(&[#(#rows),*]).into()
        }
        Err(err) => {
            let message = err.to_string();
            quote::quote!(compile_error!(#message)).into()
        }
    }
}
