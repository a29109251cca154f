//! The attribute's arguments -> [`AuthArgs`]. Every keyword is a constant below. Syntax is
//! parsed with syn; every mistake that is not a syntax error is collected in darling's
//! accumulator so the user sees them all at once.

use darling::Error;
use proc_macro2::{Span, TokenStream};
use syn::ext::IdentExt;
use syn::parse::{ParseStream, Parser};
use syn::{Ident, LitStr, Token};

/// `providers(github, google, credentials)`.
pub const PROVIDERS: &str = "providers";
/// `session = "jwt" | "database"`.
pub const SESSION: &str = "session";
/// `adapter`: the builder requires `.adapter(..)` before `build()`.
pub const ADAPTER: &str = "adapter";
/// `base_path = "/auth"`.
pub const BASE_PATH: &str = "base_path";
/// `experimental(enable_webauthn)`.
pub const EXPERIMENTAL: &str = "experimental";
/// `registry = "auth-providers.toml"`: a registry file of the user's own.
pub const REGISTRY: &str = "registry";
/// `extension = Claims`: the app's typed fields (a `#[derive(AuthExtension)]` type).
pub const EXTENSION: &str = "extension";
/// Every key, for did-you-mean.
pub const KEYS: [&str; 7] = [
    PROVIDERS,
    SESSION,
    ADAPTER,
    BASE_PATH,
    EXPERIMENTAL,
    REGISTRY,
    EXTENSION,
];

/// `session = "jwt"`.
pub const SESSION_JWT: &str = "jwt";
/// `session = "database"`.
pub const SESSION_DATABASE: &str = "database";
/// `experimental(enable_webauthn)`.
pub const ENABLE_WEBAUTHN: &str = "enable_webauthn";
/// Every experimental flag.
pub const EXPERIMENTAL_FLAGS: [&str; 1] = [ENABLE_WEBAUTHN];

/// Session strategy.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Strategy {
    /// `jwt`.
    Jwt,
    /// `database`.
    Database,
}

/// A provider as written in `providers(..)`.
#[derive(Debug, Clone)]
pub struct ProviderRef {
    /// As written (`microsoft_entra_id` or `"microsoft-entra-id"`).
    pub written: String,
    /// Where it was written.
    pub span: Span,
}

/// The parsed attribute.
#[derive(Debug, Clone, Default)]
pub struct AuthArgs {
    /// `providers(..)`, in order.
    pub providers: Vec<ProviderRef>,
    /// The `providers` keyword, when given.
    pub providers_span: Option<Span>,
    /// `session = ".."`.
    pub session: Option<(Strategy, Span)>,
    /// `adapter`.
    pub adapter: Option<Span>,
    /// `base_path = ".."`.
    pub base_path: Option<LitStr>,
    /// `experimental(enable_webauthn)`.
    pub enable_webauthn: Option<Span>,
    /// `registry = ".."`.
    pub registry: Option<LitStr>,
    /// `extension = Type`.
    pub extension: Option<syn::Type>,
}

/// The nearest candidate: within a third of its length in edits (a swap counts as one), or
/// sharing a long prefix.
pub fn did_you_mean<'a>(
    written: &str,
    candidates: impl IntoIterator<Item = &'a str>,
) -> Option<&'a str> {
    candidates
        .into_iter()
        .filter_map(|candidate| {
            // Case is a slip like any other (`session = "JWT"`, `providers(GitHub)`).
            let (lower, wanted) = (written.to_lowercase(), candidate.to_lowercase());
            let edits = strsim::osa_distance(&lower, &wanted);
            let close =
                edits <= (wanted.len() / 3).max(1) || strsim::jaro_winkler(&lower, &wanted) > 0.9;
            close.then_some((edits, candidate))
        })
        .min_by_key(|(edits, _)| *edits)
        .map(|(_, candidate)| candidate)
}

/// Formats an error message with a help line, as rustc prints its own.
pub fn with_help(message: impl std::fmt::Display, help: impl std::fmt::Display) -> String {
    format!("{message}\n= help: {help}")
}

/// Parses the attribute's arguments; a syntax error stops, anything else is collected.
pub fn parse(
    tokens: TokenStream,
    errors: &mut darling::error::Accumulator,
) -> syn::Result<AuthArgs> {
    let parser = |input: ParseStream<'_>| {
        let mut args = AuthArgs::default();
        let mut seen: Vec<String> = Vec::new();
        while !input.is_empty() {
            let key = input.call(Ident::parse_any)?;
            let name = key.to_string();
            if seen.contains(&name) {
                errors.push(Error::custom(format!("duplicate key `{name}`")).with_span(&key));
            }
            seen.push(name.clone());
            // A misspelt key with a near match is reported once and then read as that key, so
            // the slip adds no error of its own (`provders(github)` is not also "no providers").
            let known = KEYS.contains(&name.as_str());
            let near = (!known).then(|| did_you_mean(&name, KEYS)).flatten();
            // Read as the near key only when the value has that key's shape.
            let shaped = |key: &str| match key {
                PROVIDERS | EXPERIMENTAL => input.peek(syn::token::Paren),
                ADAPTER => !input.peek(Token![=]) && !input.peek(syn::token::Paren),
                _ => input.peek(Token![=]),
            };
            let dispatch = match near {
                Some(near) if shaped(near) => near,
                Some(_) => "",
                None => name.as_str(),
            };
            if !known {
                let hint = match near {
                    Some(near) => format!("did you mean `{near}`?"),
                    None => format!("the keys of #[auth] are: {}", KEYS.join(", ")),
                };
                errors.push(
                    Error::custom(with_help(format!("unknown key `{name}` in #[auth]"), hint))
                        .with_span(&key),
                );
            }
            match dispatch {
                PROVIDERS => {
                    let content;
                    syn::parenthesized!(content in input);
                    args.providers_span = Some(key.span());
                    args.providers.extend(parse_providers(&content)?);
                }
                SESSION => {
                    let value = name_value(input)?;
                    match value.value().as_str() {
                        SESSION_JWT => args.session = Some((Strategy::Jwt, value.span())),
                        SESSION_DATABASE => args.session = Some((Strategy::Database, value.span())),
                        other => {
                            let hint = match did_you_mean(other, [SESSION_JWT, SESSION_DATABASE]) {
                                Some(near) => format!("did you mean \"{near}\"?"),
                                None => format!(
                                    "the session strategy is \"{SESSION_JWT}\" or \"{SESSION_DATABASE}\""
                                ),
                            };
                            errors.push(
                                Error::custom(with_help(
                                    format!("invalid session strategy \"{other}\""),
                                    hint,
                                ))
                                .with_span(&value),
                            );
                        }
                    }
                }
                ADAPTER => {
                    if input.peek(Token![=]) || input.peek(syn::token::Paren) {
                        errors.push(
                            Error::custom(with_help(
                                "`adapter` takes no value",
                                "write `adapter` alone; the adapter itself is passed to the builder with `.adapter(Arc::new(..))`",
                            ))
                            .with_span(&key),
                        );
                        skip_value(input)?;
                    }
                    args.adapter = Some(key.span());
                }
                BASE_PATH => args.base_path = Some(name_value(input)?),
                REGISTRY => args.registry = Some(name_value(input)?),
                EXTENSION => {
                    input.parse::<Token![=]>()?;
                    args.extension = Some(input.parse::<syn::Type>()?);
                }
                EXPERIMENTAL => {
                    let content;
                    syn::parenthesized!(content in input);
                    let flags = content.parse_terminated(Ident::parse_any, Token![,])?;
                    for flag in flags {
                        if flag == ENABLE_WEBAUTHN {
                            args.enable_webauthn = Some(flag.span());
                        } else {
                            let written = flag.to_string();
                            let hint = match did_you_mean(&written, EXPERIMENTAL_FLAGS) {
                                Some(near) => {
                                    // Checked as if spelled right, so the typo is the only error.
                                    if near == ENABLE_WEBAUTHN {
                                        args.enable_webauthn = Some(flag.span());
                                    }
                                    format!("did you mean `{near}`?")
                                }
                                None => format!(
                                    "the experimental flags are: {}",
                                    EXPERIMENTAL_FLAGS.join(", ")
                                ),
                            };
                            errors.push(
                                Error::custom(with_help(
                                    format!("unknown experimental flag `{written}`"),
                                    hint,
                                ))
                                .with_span(&flag),
                            );
                        }
                    }
                }
                _ => skip_value(input)?,
            }
            if input.is_empty() {
                break;
            }
            input.parse::<Token![,]>()?;
        }
        Ok(args)
    };
    parser.parse2(tokens)
}

fn parse_providers(content: ParseStream<'_>) -> syn::Result<Vec<ProviderRef>> {
    let mut providers = Vec::new();
    while !content.is_empty() {
        if content.peek(LitStr) {
            let lit: LitStr = content.parse()?;
            providers.push(ProviderRef {
                written: lit.value(),
                span: lit.span(),
            });
        } else {
            let ident = content.call(Ident::parse_any)?;
            providers.push(ProviderRef {
                written: ident.unraw().to_string(),
                span: ident.span(),
            });
        }
        if content.is_empty() {
            break;
        }
        content.parse::<Token![,]>()?;
    }
    Ok(providers)
}

fn name_value(input: ParseStream<'_>) -> syn::Result<LitStr> {
    input.parse::<Token![=]>()?;
    input.parse::<LitStr>()
}

/// Skips `= <expr>` or `( .. )` after an unknown key, so the next key still parses.
fn skip_value(input: ParseStream<'_>) -> syn::Result<()> {
    if input.peek(Token![=]) {
        input.parse::<Token![=]>()?;
        input.parse::<syn::Expr>()?;
    } else if input.peek(syn::token::Paren) {
        let _content;
        syn::parenthesized!(_content in input);
        let _: TokenStream = _content.parse()?;
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn did_you_mean_finds_swaps_drops_and_prefixes() {
        assert_eq!(
            did_you_mean("jtw", [SESSION_JWT, SESSION_DATABASE]),
            Some("jwt")
        );
        assert_eq!(
            did_you_mean("databse", [SESSION_JWT, SESSION_DATABASE]),
            Some("database")
        );
        assert_eq!(did_you_mean("sesion", KEYS), Some("session"));
        assert_eq!(
            did_you_mean("githb", ["github", "gitlab", "google"]),
            Some("github")
        );
        assert_eq!(did_you_mean("zzz", ["github", "gitlab", "google"]), None);
        assert_eq!(
            did_you_mean("JWT", [SESSION_JWT, SESSION_DATABASE]),
            Some("jwt")
        );
        assert_eq!(
            did_you_mean("GitHub", ["github", "gitlab", "google"]),
            Some("github")
        );
    }
}
