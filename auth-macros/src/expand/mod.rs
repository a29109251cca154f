//! Generation: one output per module. [`auth_attribute`] runs the pipeline (attribute ->
//! registry -> checks -> code) and appends every collected error.

pub mod auth;
pub mod extension;
pub mod providers;

use darling::Error;
use std::path::{Path, PathBuf};

use proc_macro2::{Span, TokenStream};

use crate::attr;
use crate::check;
use crate::fallback;
use crate::registry::{Kind, Registry};

/// `#[auth(..)]` on `item`.
pub fn auth_attribute(
    args: TokenStream,
    item: TokenStream,
    source_dir: Option<&Path>,
) -> TokenStream {
    let item: syn::ItemStruct = match syn::parse2(item.clone()) {
        Ok(item) => item,
        Err(_) => {
            let error = Error::custom(attr::with_help(
                "#[auth] goes on a unit struct",
                "write `pub struct Auth;` under the attribute",
            ));
            let mut output = error.write_errors();
            output.extend(item);
            return output;
        }
    };
    let mut errors = Error::accumulator();
    if !matches!(item.fields, syn::Fields::Unit) {
        errors.push(
            Error::custom(attr::with_help(
                "#[auth] goes on a unit struct",
                "remove the fields: the attribute generates them",
            ))
            .with_span(&item.fields),
        );
    }
    if !item.generics.params.is_empty() {
        errors.push(
            Error::custom("#[auth] does not take generic parameters").with_span(&item.generics),
        );
    }
    let args = match attr::parse(args, &mut errors) {
        Ok(args) => args,
        Err(syntax) => {
            errors.push(Error::from(syntax));
            return fallback::expand(&item, errors);
        }
    };

    let mut registry = match Registry::builtin() {
        Ok(registry) => registry,
        Err(error) => {
            errors.push(Error::custom(error.to_string()));
            Registry::default()
        }
    };
    let mut registry_file = None;
    if let Some(lit) = &args.registry {
        match user_registry(lit, source_dir) {
            Ok((path, user)) => {
                registry.merge(user);
                registry_file = Some(path);
            }
            Err(message) => errors.push(Error::custom(message).with_span(lit)),
        }
    }

    let model = check::check(&args, &registry, registry_file, &mut errors);
    let error_span = args
        .registry
        .as_ref()
        .map_or_else(Span::call_site, syn::LitStr::span);
    let mut profiles = TokenStream::new();
    for spec in model
        .providers
        .iter()
        .filter(|p| matches!(p.kind, Kind::OAuth | Kind::Oidc))
        // The built-in providers' profiles live once, in `auth_runtime::profiles`.
        .filter(|p| p.source != crate::registry::BUILTIN_NAME)
    {
        match providers::profile(spec) {
            Ok(tokens) => profiles.extend(tokens),
            Err(message) => errors.push(Error::custom(message).with_span(&error_span)),
        }
    }
    let mut output = auth::expand(&auth::Target { item: &item }, &model);
    output.extend(profiles);
    if let Err(error) = errors.finish() {
        output.extend(error.write_errors());
    }
    output
}

/// Reads the user's registry file: relative to the crate's manifest directory, else to the
/// directory of the file the attribute is in.
fn user_registry(
    lit: &syn::LitStr,
    source_dir: Option<&Path>,
) -> Result<(String, Registry), String> {
    let relative = lit.value();
    let root =
        PathBuf::from(std::env::var("CARGO_MANIFEST_DIR").unwrap_or_else(|_| ".".to_owned()));
    let mut path = root.join(&relative);
    if !path.exists()
        && let Some(beside) = source_dir.map(|dir| dir.join(&relative))
        && beside.exists()
    {
        path = beside;
    }
    let text = std::fs::read_to_string(&path).map_err(|error| {
        attr::with_help(
            format!("cannot read the provider registry `{relative}`: {error}"),
            "the path is relative to the directory of the crate's Cargo.toml",
        )
    })?;
    let registry = Registry::parse(&text, &relative).map_err(|error| error.to_string())?;
    Ok((path.to_string_lossy().into_owned(), registry))
}

/// Prints the expansion to stderr when `AUTH_MACROS_DEBUG=1`.
pub fn debug_print(output: &TokenStream) {
    if std::env::var("AUTH_MACROS_DEBUG").is_ok_and(|v| v == "1") {
        #[cfg(feature = "debug-expansion")]
        let text = match syn::parse2::<syn::File>(output.clone()) {
            Ok(file) => prettyplease::unparse(&file),
            Err(_) => output.to_string(),
        };
        #[cfg(not(feature = "debug-expansion"))]
        let text = output.to_string();
        eprintln!("{text}");
    }
}

/// An expansion as formatted text, for snapshot tests.
#[cfg(test)]
pub fn pretty(output: &TokenStream) -> String {
    match syn::parse2::<syn::File>(output.clone()) {
        Ok(file) => prettyplease::unparse(&file),
        Err(error) => format!("{error}: {output}"),
    }
}

#[cfg(test)]
mod tests;
