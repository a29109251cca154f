//! Cross-field rules: the attribute against the registry. What Auth.js's `assertConfig` checks at
//! the first request, checked here where the information is static. Each mistake is one error on
//! the token that caused it, with a help line.

use darling::Error;
use darling::error::Accumulator;

use crate::attr::{self, AuthArgs, Strategy, did_you_mean, with_help};
use crate::registry::{Kind, ProviderSpec, Registry};

/// `requires` entry: an adapter.
pub const REQUIRES_ADAPTER: &str = "adapter";
/// `requires` entry: the WebAuthn flag.
pub const REQUIRES_WEBAUTHN: &str = "experimental.enable_webauthn";

/// The checked model the expansion works from: only providers that resolved.
#[derive(Debug, Clone)]
pub struct Model {
    /// Providers, in the declared order.
    pub providers: Vec<ProviderSpec>,
    /// The declared strategy (`None`: Auth.js's default, database with an adapter, else JWT).
    pub strategy: Option<Strategy>,
    /// The builder must be given an adapter before `build()`.
    pub adapter_required: bool,
    /// `base_path`, when declared and valid.
    pub base_path: Option<String>,
    /// `experimental(enable_webauthn)`.
    pub enable_webauthn: bool,
    /// Absolute path of the user's registry file, tracked for rebuilds.
    pub registry_file: Option<String>,
    /// `extension = Type`.
    pub extension: Option<syn::Type>,
    /// The stand-in after a syntax error: `build()` is reachable whatever the builder was given,
    /// so the user's code adds no error of its own.
    pub permissive: bool,
}

/// Checks `args` against `registry` and returns the model; errors go to `errors`.
pub fn check(
    args: &AuthArgs,
    registry: &Registry,
    registry_file: Option<String>,
    errors: &mut Accumulator,
) -> Model {
    let mut providers: Vec<ProviderSpec> = Vec::new();
    if args.providers.is_empty() {
        let message = with_help(
            "#[auth] needs at least one provider",
            "declare them with `providers(..)`, for example `#[auth(providers(github, credentials))]`",
        );
        let error = Error::custom(message);
        errors.push(match args.providers_span {
            Some(span) => error.with_span(&span),
            None => error,
        });
    }
    for written in &args.providers {
        let Some(spec) = resolve(&written.written, registry) else {
            let candidates = registry
                .ids()
                .map(|id| id.replace('-', "_"))
                .collect::<Vec<_>>();
            let hint = match did_you_mean(
                &written.written.replace('-', "_"),
                candidates.iter().map(String::as_str),
            ) {
                Some(near) => format!("did you mean `{near}`?"),
                None => format!(
                    "the registry has {} providers (`auth providers` lists them); add your own with `{} = \"auth-providers.toml\"`",
                    candidates.len(),
                    attr::REGISTRY
                ),
            };
            errors.push(
                Error::custom(with_help(
                    format!("unknown provider `{}`", written.written),
                    hint,
                ))
                .with_span(&written.span),
            );
            continue;
        };
        if providers.iter().any(|p| p.id == spec.id) {
            errors.push(
                Error::custom(with_help(
                    format!("provider `{}` is declared twice", written.written),
                    "remove the second one; to configure a provider use the builder method of the same name",
                ))
                .with_span(&written.span),
            );
            continue;
        }
        if !spec.has_endpoints() {
            errors.push(
                Error::custom(with_help(
                    format!(
                        "provider `{}` has neither an issuer nor endpoints in {}",
                        spec.id, spec.source
                    ),
                    format!(
                        "give `[{id}]` an `issuer = \"..\"`, set `issuer_required = true` to read AUTH_{env}_ISSUER, or add `[{id}.endpoints]` with authorization, token and userinfo",
                        id = spec.id,
                        env = spec.id.to_ascii_uppercase().replace('-', "_")
                    ),
                ))
                .with_span(&written.span),
            );
        }
        for requirement in &spec.requires {
            match requirement.as_str() {
                REQUIRES_ADAPTER if args.adapter.is_none() => {
                    let what = match spec.kind {
                        Kind::Email => "email sign-in stores verification tokens",
                        Kind::WebAuthn => "passkeys store authenticators",
                        _ => "it stores users",
                    };
                    errors.push(
                        Error::custom(with_help(
                            format!("provider `{}` needs an adapter: {what}", spec.id),
                            format!(
                                "add `{}` to the attribute and pass the adapter with `.adapter(Arc::new(..))`",
                                attr::ADAPTER
                            ),
                        ))
                        .with_span(&written.span),
                    );
                }
                REQUIRES_WEBAUTHN if args.enable_webauthn.is_none() => {
                    errors.push(
                        Error::custom(with_help(
                            format!("provider `{}` is experimental", spec.id),
                            format!(
                                "opt in with `{}({})` in the attribute",
                                attr::EXPERIMENTAL,
                                attr::ENABLE_WEBAUTHN
                            ),
                        ))
                        .with_span(&written.span),
                    );
                }
                _ => {}
            }
        }
        providers.push(spec);
    }

    if let Some((Strategy::Database, span)) = args.session {
        if args.adapter.is_none() {
            errors.push(
                Error::custom(with_help(
                    "database sessions need an adapter",
                    format!(
                        "add `{}` to the attribute and pass the adapter with `.adapter(Arc::new(..))`, or use `{} = \"{}\"`",
                        attr::ADAPTER,
                        attr::SESSION,
                        attr::SESSION_JWT
                    ),
                ))
                .with_span(&span),
            );
        }
        let only_credentials =
            !providers.is_empty() && providers.iter().all(|p| p.kind == Kind::Credentials);
        if only_credentials {
            errors.push(
                Error::custom(with_help(
                    "the credentials provider cannot be the only provider with database sessions",
                    format!(
                        "Auth.js keeps credentials sign-ins in the JWT only: use `{} = \"{}\"`, or add an OAuth or email provider",
                        attr::SESSION,
                        attr::SESSION_JWT
                    ),
                ))
                .with_span(&span),
            );
        }
    }

    let base_path = args.base_path.as_ref().and_then(|lit| {
        let value = lit.value();
        let problem = if !value.starts_with('/') {
            Some("it must start with `/`")
        } else if value.contains(['?', '#']) {
            Some("it must not contain `?` or `#`")
        } else if value.contains("//") {
            Some("it must not contain `//`")
        } else if value.len() > 1 && value.ends_with('/') {
            Some("it must not end with `/`")
        } else if value.contains(char::is_whitespace) {
            Some("it must not contain spaces")
        } else {
            None
        };
        match problem {
            Some(problem) => {
                errors.push(
                    Error::custom(with_help(
                        format!("invalid base path \"{value}\": {problem}"),
                        "a base path is a plain path such as \"/auth\" or \"/api/auth\"",
                    ))
                    .with_span(lit),
                );
                None
            }
            None => Some(value),
        }
    });

    Model {
        providers,
        strategy: args.session.map(|(strategy, _)| strategy),
        adapter_required: args.adapter.is_some(),
        base_path,
        enable_webauthn: args.enable_webauthn.is_some(),
        registry_file,
        extension: args.extension.clone(),
        permissive: false,
    }
}

/// Finds a provider by what the user wrote: the id itself, or the id with `-` written as `_`.
fn resolve(written: &str, registry: &Registry) -> Option<ProviderSpec> {
    registry
        .providers
        .get(written)
        .or_else(|| registry.providers.get(&written.replace('_', "-")))
        .cloned()
}

#[cfg(test)]
mod tests {
    use quote::quote;

    use super::*;

    fn messages(tokens: proc_macro2::TokenStream) -> Vec<String> {
        let mut errors = Error::accumulator();
        let args = attr::parse(tokens, &mut errors).expect("syntax");
        let registry = Registry::builtin().expect("registry");
        check(&args, &registry, None, &mut errors);
        errors
            .into_inner()
            .into_iter()
            .flat_map(|e| e.into_iter())
            .map(|e| e.to_string())
            .collect()
    }

    #[test]
    fn valid_attribute_has_no_errors() {
        assert!(
            messages(quote!(
                providers(github, google, credentials),
                session = "jwt"
            ))
            .is_empty()
        );
        assert!(
            messages(quote!(
                providers(github, email),
                adapter,
                base_path = "/api/auth"
            ))
            .is_empty()
        );
        assert!(
            messages(quote!(
                providers(passkey),
                adapter,
                experimental(enable_webauthn)
            ))
            .is_empty()
        );
    }

    #[test]
    fn every_mistake_is_reported_once() {
        let all = messages(quote!(
            providers(githb, google, google, email, passkey),
            sesion = "jwt",
            session = "database",
            base_path = "auth"
        ));
        assert_eq!(all.len(), 8, "{all:#?}");
        assert!(
            all[0].starts_with("unknown key `sesion`")
                && all[0].contains("did you mean `session`?")
        );
        assert!(all.iter().any(
            |m| m.contains("unknown provider `githb`") && m.contains("did you mean `github`?")
        ));
        assert!(
            all.iter()
                .any(|m| m.starts_with("provider `google` is declared twice"))
        );
        assert!(
            all.iter()
                .any(|m| m.starts_with("provider `email` needs an adapter"))
        );
        assert!(
            all.iter()
                .any(|m| m.starts_with("provider `passkey` is experimental"))
        );
        assert!(
            all.iter()
                .any(|m| m.starts_with("database sessions need an adapter"))
        );
        assert!(
            all.iter()
                .any(|m| m.starts_with("invalid base path \"auth\": it must start with `/`"))
        );
    }

    #[test]
    fn an_unknown_provider_far_from_every_id_names_the_count_not_the_list() {
        let all = messages(quote!(providers(zzzzzzzz)));
        assert_eq!(all.len(), 1, "{all:#?}");
        let count = Registry::builtin().expect("registry").providers.len();
        assert!(
            all[0].contains(&format!(
                "the registry has {count} providers (`auth providers` lists them)"
            )),
            "{}",
            all[0]
        );
        assert!(!all[0].contains("github"), "no list of ids: {}", all[0]);
    }

    #[test]
    fn base_path_rules() {
        for (path, problem) in [
            ("/auth/", "must not end with `/`"),
            ("/auth?x", "must not contain `?` or `#`"),
            ("/a//b", "must not contain `//`"),
        ] {
            let all = messages(quote!(providers(github), base_path = #path));
            assert_eq!(all.len(), 1);
            assert!(all[0].contains(problem), "{path}: {}", all[0]);
        }
    }

    #[test]
    fn credentials_only_with_database_is_rejected() {
        let all = messages(quote!(
            providers(credentials),
            session = "database",
            adapter
        ));
        assert_eq!(all.len(), 1);
        assert!(all[0].starts_with("the credentials provider cannot be the only provider"));
    }
}
