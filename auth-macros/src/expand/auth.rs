//! The `Auth` type and its builder: environment inference, per-provider options, the typestate
//! that keeps `build()` out of reach until the credentials callback and the adapter are given.

use proc_macro2::TokenStream;
use quote::{format_ident, quote, quote_spanned};
use syn::spanned::Spanned;

use crate::attr::Strategy;
use crate::check::Model;
use crate::expand::providers::{method_ident, profile_ident, profile_path, static_oauth};
use crate::registry::Kind;

/// What the user wrote the attribute on: kept for its name, visibility and attributes.
pub struct Target<'a> {
    /// The struct.
    pub item: &'a syn::ItemStruct,
}

/// The type, its builder and their impls.
pub fn expand(target: &Target<'_>, model: &Model) -> TokenStream {
    let item = target.item;
    let name = &item.ident;
    let vis = &item.vis;
    let attrs = &item.attrs;
    let builder = format_ident!("{}Builder", name);
    let private = quote!(::auth_runtime::__private);

    let oauth: Vec<_> = model
        .providers
        .iter()
        .filter(|p| matches!(p.kind, Kind::OAuth | Kind::Oidc))
        .collect();
    let credentials = model.providers.iter().find(|p| p.kind == Kind::Credentials);
    let emails: Vec<_> = model
        .providers
        .iter()
        .filter(|p| p.kind == Kind::Email)
        .collect();
    let email_fields: Vec<_> = emails.iter().map(|p| method_ident(p)).collect();
    let email_inits = emails.iter().map(|p| {
        let (id, name) = (&p.id, &p.name);
        quote!(::auth_runtime::providers::EmailProvider::new(#id, #name))
    });
    let email_methods = emails.iter().map(|p| {
        let method = method_ident(p);
        let env = p.id.to_ascii_uppercase().replace('-', "_");
        let doc = format!(
            " Customises {name}: its sender, `from`, link lifetime, address normalisation. \
             Without a sender it uses the SMTP server of `AUTH_{env}_SERVER` (feature `smtp`), or in \
             a development build prints each link on standard output.",
            name = p.name
        );
        quote! {
            #[doc = #doc]
            pub fn #method(
                mut self,
                customise: impl ::core::ops::FnOnce(::auth_runtime::providers::EmailProvider) -> ::auth_runtime::providers::EmailProvider,
            ) -> Self {
                self.#method = customise(self.#method);
                self
            }
        }
    });
    let passkeys: Vec<_> = model
        .providers
        .iter()
        .filter(|p| p.kind == Kind::WebAuthn)
        .collect();
    let passkey_fields: Vec<_> = passkeys.iter().map(|p| method_ident(p)).collect();
    let passkey_inits = passkeys.iter().map(|p| {
        let (id, name) = (&p.id, &p.name);
        quote!(#private::webauthn_provider::<#private::Features>(#id, #name))
    });
    let passkey_methods = passkeys.iter().map(|p| {
        let method = method_ident(p);
        let doc = format!(
            " Customises {name}: the relying party (default: the request's origin), the \
             authenticator timeout, the autofill offer.",
            name = p.name
        );
        quote! {
            #[doc = #doc]
            pub fn #method(
                mut self,
                customise: impl ::core::ops::FnOnce(::auth_runtime::providers::WebAuthnProvider) -> ::auth_runtime::providers::WebAuthnProvider,
            ) -> Self {
                self.#method = customise(self.#method);
                self
            }
        }
    });
    let ids: Vec<&str> = model.providers.iter().map(|p| p.id.as_str()).collect();

    let oauth_fields: Vec<_> = oauth.iter().map(|p| method_ident(p)).collect();
    let oauth_profiles: Vec<_> = oauth.iter().map(|p| profile_path(p)).collect();
    // Declared order is the sign-in page's order.
    let pushes = model.providers.iter().map(|p| match p.kind {
        Kind::OAuth | Kind::Oidc => {
            let field = method_ident(p);
            let data = static_oauth(p);
            quote! {
                let mut provider = #data.provider();
                self.#field.apply(&mut provider, &*self.env);
                providers.push(::auth_runtime::providers::Provider::from(provider));
            }
        }
        Kind::Credentials => quote! {
            if let ::core::option::Option::Some(credentials) = self.credentials.take() {
                providers.push(::auth_runtime::providers::Provider::from(credentials));
            }
        },
        // Email and passkey providers are builder fields the app customises.
        Kind::Email | Kind::WebAuthn => {
            let field = method_ident(p);
            quote! {
                providers.push(::auth_runtime::providers::Provider::from(self.#field.clone()));
            }
        }
    });
    let oauth_methods = oauth.iter().map(|p| {
        let method = method_ident(p);
        let profile = profile_path(p);
        let env = p.id.to_ascii_uppercase().replace('-', "_");
        let doc = format!(
            " Options of {name}: `client_id`, `client_secret`, `issuer`, `scope`, \
             `authorization_param`, `checks`, `token_auth_method`, `profile` (a mapping over its \
             typed profile), `refresh_access_token`, `http_client`, `style`, \
             `allow_dangerous_email_account_linking`, `customize`. What is left unset comes from \
             `AUTH_{env}_ID`, `AUTH_{env}_SECRET` and `AUTH_{env}_ISSUER`, then the registry.",
            name = p.name
        );
        quote! {
            #[doc = #doc]
            pub fn #method(mut self, options: impl ::core::ops::FnOnce(#private::ProviderOptions<#profile>) -> #private::ProviderOptions<#profile>) -> Self {
                self.#method = options(self.#method);
                self
            }
        }
    });

    let moved_fields = quote! {
        config: self.config,
        env: self.env,
        #(#oauth_fields: self.#oauth_fields,)*
        #(#email_fields: self.#email_fields,)*
        #(#passkey_fields: self.#passkey_fields,)*
        credentials: self.credentials,
        _state: ::core::marker::PhantomData,
    };

    let authorize_state = if credentials.is_some() && !model.permissive {
        quote!(#private::Missing)
    } else {
        quote!(#private::Given)
    };
    let adapter_state = if model.adapter_required {
        quote!(#private::Missing)
    } else {
        quote!(#private::Given)
    };

    // What the adapter must store, from the attribute: the builder's `adapter` asks for it.
    let needs_sessions =
        model.adapter_required && !matches!(model.strategy, Some(crate::attr::Strategy::Jwt));
    let capabilities = [
        (needs_sessions, "SessionAdapter", "with_sessions"),
        (
            model.providers.iter().any(|p| p.kind == Kind::Email),
            "VerificationTokenAdapter",
            "with_verification_tokens",
        ),
        (
            model.providers.iter().any(|p| p.kind == Kind::WebAuthn),
            "AuthenticatorAdapter",
            "with_authenticators",
        ),
    ];
    let adapter_bounds: Vec<_> = capabilities
        .iter()
        .filter(|(needed, ..)| *needed)
        .map(|(_, bound, _)| {
            let bound = format_ident!("{}", bound);
            quote!(::auth_runtime::adapter::#bound)
        })
        .collect();
    let adapter_capabilities: Vec<_> = capabilities
        .iter()
        .filter(|(needed, ..)| *needed)
        .map(|(.., method)| {
            let method = format_ident!("{}", method);
            quote!(.#method(adapter.clone()))
        })
        .collect();

    let credentials_init = match credentials {
        Some(spec) => {
            let (id, display) = (&spec.id, &spec.name);
            quote!(::core::option::Option::Some(::auth_runtime::providers::CredentialsProvider::new().id(#id).name(#display)))
        }
        None => quote!(::core::option::Option::None),
    };
    let credentials_methods = credentials.map(|_| {
        quote! {
            /// The credentials provider's `authorize`: `Ok(Some(user))` signs in, `Ok(None)` fails
            /// with `CredentialsSignin`. `build()` is available once this is given.
            pub fn credentials<F, Fut>(mut self, authorize: F) -> #builder<#private::Given, Adapter>
            where
                F: ::core::ops::Fn(
                        #private::serde_json::Map<::std::string::String, #private::serde_json::Value>,
                        ::auth_runtime::providers::AuthorizeRequest,
                    ) -> Fut
                    + ::core::marker::Send
                    + ::core::marker::Sync
                    + 'static,
                Fut: ::core::future::Future<
                        Output = ::core::result::Result<
                            ::core::option::Option<::auth_runtime::types::User>,
                            ::auth_runtime::callbacks::BoxError,
                        >,
                    > + ::core::marker::Send
                    + 'static,
            {
                self.credentials = self.credentials.map(|provider| provider.authorize(authorize));
                #builder { #moved_fields }
            }

            /// Customises the credentials provider (its form fields, id or name).
            pub fn credentials_provider(
                mut self,
                customise: impl ::core::ops::FnOnce(::auth_runtime::providers::CredentialsProvider) -> ::auth_runtime::providers::CredentialsProvider,
            ) -> Self {
                self.credentials = self.credentials.map(customise);
                self
            }
        }
    });

    let strategy = match model.strategy {
        Some(Strategy::Jwt) => {
            quote!(config.session.strategy = ::core::option::Option::Some(::auth_runtime::config::SessionStrategy::Jwt);)
        }
        Some(Strategy::Database) => {
            quote!(config.session.strategy = ::core::option::Option::Some(::auth_runtime::config::SessionStrategy::Database);)
        }
        None => quote!(),
    };
    let base_path = model.base_path.as_ref().map(|path| {
        quote! {
            if config.base_path.is_none() {
                config.base_path = ::core::option::Option::Some(::std::string::String::from(#path));
            }
        }
    });
    let declared_base = match &model.base_path {
        Some(path) => quote!(::core::option::Option::Some(#path)),
        None => quote!(::core::option::Option::None),
    };
    let webauthn = model
        .enable_webauthn
        .then(|| quote!(config.experimental.enable_webauthn = true;));
    let extension = model.extension.as_ref().map(
        |_| quote!(config.extension = ::core::option::Option::Some(#name::__EXTENSION.schema());),
    );
    let session_alias = model.extension.as_ref().map(|ty| {
        let alias = format_ident!("{}Session", name);
        let doc = format!(
            " The session of [`{name}`] with its typed fields: a handler takes it as an \
             extractor and reads `session.user.<field>`. A signed-out request answers 401; \
             `Option<{alias}>` is `None` then."
        );
        quote! {
            #[doc = #doc]
            #vis type #alias = ::auth_runtime::extension::TypedSession<#ty>;
        }
    });
    let ext = match &model.extension {
        Some(ty) => quote!(#ty),
        None => quote!(()),
    };
    // The one place the extension's bound is checked: an error here, at the type the attribute
    // names, and nowhere else.
    let ext_const = match &model.extension {
        Some(ty) => quote_spanned! {ty.span()=>
            #[doc(hidden)]
            pub const __EXTENSION: #private::ExtensionCodec<#ty> = #private::extension_codec::<#ty>();
        },
        None => quote! {
            #[doc(hidden)]
            pub const __EXTENSION: #private::ExtensionCodec<()> = #private::extension_codec::<()>();
        },
    };
    let profile_enum = format_ident!("{}Profile", name);
    let profile_variants: Vec<_> = oauth
        .iter()
        .map(|p| {
            let variant = format_ident!(
                "{}",
                profile_ident(p).to_string().trim_end_matches("Profile")
            );
            (p.id.as_str(), variant, profile_path(p))
        })
        .collect();
    let variant_decls = profile_variants.iter().map(|(id, variant, ty)| {
        let doc = format!(" The profile of `{id}`.");
        quote!(#[doc = #doc] #variant(#ty),)
    });
    let variant_arms = profile_variants.iter().map(|(id, variant, ty)| {
        quote! {
            #id => match <#ty as #private::serde::Deserialize>::deserialize(&profile) {
                ::core::result::Result::Ok(typed) => Self::#variant(typed),
                ::core::result::Result::Err(_) => Self::Other(profile),
            },
        }
    });
    let profile_doc = format!(
        " The profile a provider of [`{name}`] sent, typed by provider: what the `jwt` and \
         `sign_in` callbacks of [`{builder}`] receive."
    );
    let profile_type = quote! {
        #[doc = #profile_doc]
        #[derive(::core::fmt::Debug, ::core::clone::Clone)]
        #vis enum #profile_enum {
            #(#variant_decls)*
            /// A provider added with `configure`, or a profile that does not parse as its
            /// provider's type: the JSON as sent.
            Other(#private::serde_json::Value),
        }

        #[automatically_derived]
        impl ::auth_runtime::callbacks::ProviderProfile for #profile_enum {
            fn from_profile(provider: &str, profile: #private::serde_json::Value) -> Self {
                match provider {
                    #(#variant_arms)*
                    _ => Self::Other(profile),
                }
            }
        }
    };
    // The type registers itself for `auth doctor` (not the stand-in after a syntax error).
    let registration = (!model.permissive).then(|| {
        let type_name = name.to_string();
        let base = match &model.base_path {
            Some(path) => quote!(::core::option::Option::Some(#path)),
            None => quote!(::core::option::Option::None),
        };
        let extension = match &model.extension {
            Some(ty) => {
                let text = quote!(#ty).to_string().replace(' ', "");
                quote!(::core::option::Option::Some(#text))
            }
            None => quote!(::core::option::Option::None),
        };
        let providers = model.providers.iter().map(|p| {
            let (id, display, kind, issuer_required) =
                (&p.id, &p.name, p.kind.as_str(), p.issuer_required);
            quote!(::auth_runtime::doctor::DeclaredProvider::new(#id, #display, #kind, #issuer_required))
        });
        quote! {
            #private::inventory::submit! {
                ::auth_runtime::doctor::Declared::new(
                    ::core::concat!(::core::module_path!(), "::", #type_name),
                    #base,
                    #extension,
                    &[#(#providers),*],
                )
            }
        }
    });
    let tracked = model.registry_file.as_ref().map(|path| {
        quote!(
            const _: &[u8] = ::core::include_bytes!(#path);
        )
    });

    // The user may derive these already (a unit struct commonly carries `#[derive(Debug)]`).
    let derived = user_derives(attrs);
    let derives: Vec<TokenStream> = [
        ("Clone", quote!(::core::clone::Clone)),
        ("Debug", quote!(::core::fmt::Debug)),
    ]
    .into_iter()
    .filter(|(name, _)| !derived.iter().any(|d| d == name))
    .map(|(_, path)| path)
    .collect();
    let derive = (!derives.is_empty()).then(|| quote!(#[derive(#(#derives),*)]));

    let type_doc = format!(
        " Auth.js for this app: providers {}. Build it with [`{name}::builder`].",
        ids.join(", ")
    );
    let builder_doc =
        format!(" Builds [`{name}`]; everything not set is inferred from the environment.");

    quote! {
        #(#attrs)*
        #[doc = #type_doc]
        #derive
        #vis struct #name {
            handler: ::auth_runtime::AuthHandler,
        }

        #tracked

        #registration

        #session_alias

        #profile_type

        #[automatically_derived]
        impl #name {
            #ext_const

            /// The provider ids, in the order the sign-in page lists them.
            pub const PROVIDER_IDS: &'static [&'static str] = &[#(#ids),*];

            /// A builder reading `AUTH_*` from the process environment.
            pub fn builder() -> #builder<#authorize_state, #adapter_state> {
                Self::builder_with_env(::auth_runtime::env::process_env)
            }

            /// A builder reading `AUTH_*` through `env` (for tests: no process-wide state).
            pub fn builder_with_env(
                env: impl ::core::ops::Fn(&str) -> ::core::option::Option<::std::string::String> + ::core::marker::Send + ::core::marker::Sync + 'static,
            ) -> #builder<#authorize_state, #adapter_state> {
                #builder {
                    config: ::auth_runtime::config::AuthConfig::new(),
                    env: ::std::boxed::Box::new(env),
                    #(#oauth_fields: ::core::default::Default::default(),)*
                    #(#email_fields: #email_inits,)*
                    #(#passkey_fields: #passkey_inits,)*
                    credentials: #credentials_init,
                    _state: ::core::marker::PhantomData,
                }
            }

            /// A handler whose configuration is built for each request (next-auth's
            /// `NextAuth(req => config)`): `make` returns this type's builder, ready to build,
            /// for the request it is given. The routes are mounted under the attribute's
            /// `base_path`, else `AUTH_URL`'s path, else `/auth`; the builder's configurations
            /// should agree. Set `AUTH_SECRET`: a development secret generated per request would
            /// not read the next request's cookie.
            pub fn lazy<F, Fut, Authorize, Adapter>(make: F) -> Self
            where
                F: ::core::ops::Fn(&::auth_runtime::reexports::http::request::Parts) -> Fut
                    + ::core::marker::Send
                    + ::core::marker::Sync
                    + 'static,
                Fut: ::core::future::Future<Output = #builder<Authorize, Adapter>>
                    + ::core::marker::Send
                    + 'static,
                Authorize: #private::AuthorizeGiven,
                Adapter: #private::AdapterGiven,
            {
                let handler = ::auth_runtime::AuthHandler::lazy(move |parts| {
                    let builder = make(parts);
                    async move { builder.await.into_config() }
                });
                let declared: ::core::option::Option<&str> = #declared_base;
                let mount = declared
                    .map(::std::string::String::from)
                    .or_else(|| ::auth_runtime::env::base_path_from_env(&::auth_runtime::env::process_env));
                Self {
                    handler: match mount {
                        ::core::option::Option::Some(path) => handler.mounted_at(path),
                        ::core::option::Option::None => handler,
                    },
                }
            }

            /// The request handler.
            pub fn handler(&self) -> &::auth_runtime::AuthHandler {
                &self.handler
            }

            /// The handler, by value.
            pub fn into_handler(self) -> ::auth_runtime::AuthHandler {
                self.handler
            }

            // `router()`/`layer()` (axum) and `service()` (actix-web), as auth-runtime's
            // features provide them: the generated code cannot see those features itself.
            ::auth_runtime::__framework_methods!();
        }

        #[doc = #builder_doc]
        #[must_use = "call `.build()` to get the handler"]
        #vis struct #builder<Authorize, Adapter> {
            config: ::auth_runtime::config::AuthConfig,
            env: #private::EnvLookup,
            #(#oauth_fields: #private::ProviderOptions<#oauth_profiles>,)*
            #(#email_fields: ::auth_runtime::providers::EmailProvider,)*
            #(#passkey_fields: ::auth_runtime::providers::WebAuthnProvider,)*
            credentials: ::core::option::Option<::auth_runtime::providers::CredentialsProvider>,
            _state: ::core::marker::PhantomData<fn() -> (Authorize, Adapter)>,
        }

        #[automatically_derived]
        impl<Authorize, Adapter> #builder<Authorize, Adapter> {
            #(#oauth_methods)*

            #(#email_methods)*

            #(#passkey_methods)*

            #credentials_methods

            /// The callbacks (`sign_in`, `redirect`, `jwt`, `session`), untyped; replaces any set
            /// before. The typed `jwt`, `session` and `sign_in` methods set one each.
            pub fn callbacks(mut self, callbacks: ::auth_runtime::callbacks::Callbacks) -> Self {
                self.config.callbacks = callbacks;
                self
            }

            /// The `jwt` callback, typed: the token with this app's fields (`token.role`), the
            /// trigger, and at sign-in the provider's typed profile. Return `Ok(None)` to sign
            /// out. Set it after `callbacks(..)`, which replaces every callback.
            pub fn jwt<F, Fut>(mut self, callback: F) -> Self
            where
                F: ::core::ops::Fn(::auth_runtime::callbacks::TypedJwtParams<#ext, #profile_enum>) -> Fut
                    + ::core::marker::Send
                    + ::core::marker::Sync
                    + 'static,
                Fut: ::core::future::Future<
                        Output = ::core::result::Result<
                            ::core::option::Option<::auth_runtime::callbacks::TypedToken<#ext>>,
                            ::auth_runtime::callbacks::BoxError,
                        >,
                    > + ::core::marker::Send
                    + 'static,
            {
                self.config.callbacks = ::core::mem::take(&mut self.config.callbacks).typed_jwt_with(#name::__EXTENSION, callback);
                self
            }

            /// The `session` callback, typed: the default session (exposed fields included)
            /// and this app's fields read from the token or the user. Set it after
            /// `callbacks(..)`.
            pub fn session<F, Fut>(mut self, callback: F) -> Self
            where
                F: ::core::ops::Fn(::auth_runtime::callbacks::TypedSessionParams<#ext>) -> Fut
                    + ::core::marker::Send
                    + ::core::marker::Sync
                    + 'static,
                Fut: ::core::future::Future<
                        Output = ::core::result::Result<
                            ::auth_runtime::types::Session,
                            ::auth_runtime::callbacks::BoxError,
                        >,
                    > + ::core::marker::Send
                    + 'static,
            {
                self.config.callbacks = ::core::mem::take(&mut self.config.callbacks).typed_session_with(#name::__EXTENSION, callback);
                self
            }

            /// The `sign_in` callback, typed: the user, the account and the provider's typed
            /// profile. Set it after `callbacks(..)`.
            pub fn sign_in<F, Fut>(mut self, callback: F) -> Self
            where
                F: ::core::ops::Fn(::auth_runtime::callbacks::TypedSignInParams<#profile_enum>) -> Fut
                    + ::core::marker::Send
                    + ::core::marker::Sync
                    + 'static,
                Fut: ::core::future::Future<
                        Output = ::core::result::Result<
                            ::auth_runtime::callbacks::SignInDecision,
                            ::auth_runtime::callbacks::BoxError,
                        >,
                    > + ::core::marker::Send
                    + 'static,
            {
                self.config.callbacks = ::core::mem::take(&mut self.config.callbacks).typed_sign_in(callback);
                self
            }

            /// The events.
            pub fn events(mut self, events: ::auth_runtime::callbacks::Events) -> Self {
                self.config.events = events;
                self
            }

            /// Offers only the OAuth/OIDC providers whose client id is configured (by
            /// `AUTH_<ID>_ID` or in code): one binary serves deployments with different providers.
            pub fn offer_configured_only(mut self) -> Self {
                self.config.offer_configured_only = true;
                self
            }

            /// The built-in pages' theme: colour scheme, logo, brand colour, button text.
            pub fn theme(mut self, theme: ::auth_runtime::config::Theme) -> Self {
                self.config.theme = theme;
                self
            }

            /// Custom pages (sign-in, sign-out, error, verify-request, new user) instead of the
            /// built-in ones.
            pub fn pages(mut self, pages: ::auth_runtime::config::Pages) -> Self {
                self.config.pages = pages;
                self
            }

            /// Any other option of the configuration; what it leaves unset is still inferred.
            pub fn configure(
                mut self,
                configure: impl ::core::ops::FnOnce(::auth_runtime::config::AuthConfig) -> ::auth_runtime::config::AuthConfig,
            ) -> Self {
                self.config = configure(self.config);
                self
            }

            /// The database adapter. It must store what this configuration keeps in it:
            /// users and accounts always, and as the attribute asks, sessions
            /// (`SessionAdapter`), email tokens (`VerificationTokenAdapter`) and passkeys
            /// (`AuthenticatorAdapter`).
            pub fn adapter<A>(
                mut self,
                adapter: ::std::sync::Arc<A>,
            ) -> #builder<Authorize, #private::Given>
            where
                A: ::auth_runtime::adapter::Adapter #(+ #adapter_bounds)* + 'static,
            {
                self.config.adapter = ::core::option::Option::Some(
                    ::auth_runtime::adapter::Adapters::users_only(adapter.clone())
                        #(#adapter_capabilities)*
                );
                #builder { #moved_fields }
            }

            /// The configuration `build()` would check: declared providers first, then those
            /// added with `configure`, and everything unset read from the environment.
            pub fn into_config(mut self) -> ::auth_runtime::config::AuthConfig
            where
                Authorize: #private::AuthorizeGiven,
                Adapter: #private::AdapterGiven,
            {
                let mut config = ::core::mem::take(&mut self.config);
                let mut providers: ::std::vec::Vec<::auth_runtime::providers::Provider> = ::std::vec::Vec::new();
                #(#pushes)*
                providers.append(&mut config.providers);
                config.providers = providers;
                #strategy
                #base_path
                #webauthn
                #extension
                config.apply_env(&*self.env);
                config
            }

            /// Checks the configuration and builds the handler. Available once the
            /// credentials provider has its `authorize` and the adapter is given, when the
            /// attribute asks for them.
            pub fn build(self) -> ::core::result::Result<#name, ::auth_runtime::error::AuthError>
            where
                Authorize: #private::AuthorizeGiven,
                Adapter: #private::AdapterGiven,
            {
                ::core::result::Result::Ok(#name {
                    handler: ::auth_runtime::AuthHandler::new(self.into_config())?,
                })
            }
        }

    }
}

/// The last segment of every path in the item's `#[derive(..)]` attributes.
fn user_derives(attrs: &[syn::Attribute]) -> Vec<String> {
    let mut names = Vec::new();
    for attr in attrs.iter().filter(|a| a.path().is_ident("derive")) {
        let _ = attr.parse_nested_meta(|meta| {
            if let Some(last) = meta.path.segments.last() {
                names.push(last.ident.to_string());
            }
            Ok(())
        });
    }
    names
}
