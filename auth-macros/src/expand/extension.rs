//! `#[derive(AuthExtension)]`: typed fields of the session token and the session. Names the
//! token or the session already use are refused at compile time.

use darling::Error;
use proc_macro2::TokenStream;
use quote::quote;

use crate::attr::with_help;

/// Claims Auth.js writes into the session token.
pub const RESERVED_JWT: [&str; 7] = ["sub", "name", "email", "picture", "iat", "exp", "jti"];
/// Members of the session object.
pub const RESERVED_SESSION: [&str; 2] = ["user", "expires"];
/// Members of the user (what a database session's fields are read from).
pub const RESERVED_USER: [&str; 3] = ["id", "image", "emailVerified"];

/// `#[auth(session)]`: exposed under `session.user`.
const FIELD_SESSION: &str = "session";
/// `#[auth(user)]`: taken from the user at sign-in.
const FIELD_USER: &str = "user";
/// `#[auth(default)]`: absent reads as `Default`.
const FIELD_DEFAULT: &str = "default";
/// Every field flag, for did-you-mean.
const FIELD_FLAGS: [&str; 3] = [FIELD_SESSION, FIELD_USER, FIELD_DEFAULT];

/// One field of the derive input.
struct Field {
    ident: syn::Ident,
    key: String,
    exposed: bool,
    on_user: bool,
    default: bool,
}

/// The flags of a field's `#[auth(..)]` attributes; mistakes go to `errors`.
fn field_flags(field: &syn::Field, errors: &mut darling::error::Accumulator) -> [bool; 3] {
    let mut flags = [false; 3];
    for attr in field.attrs.iter().filter(|a| a.path().is_ident("auth")) {
        let parsed = attr.parse_nested_meta(|meta| {
            let written = meta
                .path
                .get_ident()
                .map(ToString::to_string)
                .unwrap_or_default();
            match FIELD_FLAGS.iter().position(|f| *f == written) {
                Some(i) => flags[i] = true,
                None => {
                    let hint = match crate::attr::did_you_mean(&written, FIELD_FLAGS) {
                        Some(near) => format!("did you mean `{near}`?"),
                        None => "a field takes `session` (exposed in the session), `user` (taken from the user at sign-in) and `default` (absent reads as `Default`)".to_owned(),
                    };
                    errors.push(
                        Error::custom(with_help(format!("unknown field option `{written}`"), hint))
                            .with_span(&meta.path),
                    );
                }
            }
            Ok(())
        });
        if let Err(error) = parsed {
            errors.push(Error::from(error));
        }
    }
    flags
}

/// The impl, or errors plus a stub impl so uses of the type add no errors of their own.
pub fn derive(input: TokenStream) -> TokenStream {
    let input: syn::DeriveInput = match syn::parse2(input) {
        Ok(input) => input,
        Err(error) => return error.to_compile_error(),
    };
    let name = &input.ident;
    let (impl_generics, type_generics, where_clause) = input.generics.split_for_impl();
    let mut errors = Error::accumulator();
    let mut fields = Vec::new();
    match &input.data {
        syn::Data::Struct(data) if matches!(data.fields, syn::Fields::Named(_)) => {
            for field in &data.fields {
                let Some(ident) = &field.ident else { continue };
                let [exposed, on_user, default] = field_flags(field, &mut errors);
                let key = ident.to_string().trim_start_matches("r#").to_owned();
                if [&RESERVED_JWT[..], &RESERVED_SESSION, &RESERVED_USER]
                    .iter()
                    .any(|reserved| reserved.contains(&key.as_str()))
                {
                    errors.push(
                        Error::custom(with_help(
                            format!("`{key}` is already a member of the session token, the session or the user"),
                            "rename the field; the standard members are read with `Jwt::sub()`, `Session::user`, ..",
                        ))
                        .with_span(ident),
                    );
                    continue;
                }
                fields.push(Field {
                    ident: ident.clone(),
                    key,
                    exposed,
                    on_user,
                    default,
                });
            }
        }
        _ => errors.push(
            Error::custom(with_help(
                "AuthExtension is derived for structs with named fields",
                "each field becomes a member of the token or the session, under its name",
            ))
            .with_span(name),
        ),
    }
    let private = quote!(::auth_runtime::__private);
    let map = quote!(#private::serde_json::Map<::std::string::String, #private::serde_json::Value>);
    let body = match errors.finish() {
        Ok(()) => {
            let described = fields.iter().map(|f| {
                let (key, exposed, on_user) = (&f.key, f.exposed, f.on_user);
                quote!(#private::ExtensionField::new(#key, #exposed, #on_user))
            });
            let reads = fields.iter().map(|f| {
                let (ident, key) = (&f.ident, &f.key);
                if f.default {
                    quote!(#ident: #private::read_field_or_default(object, #key)?)
                } else {
                    quote!(#ident: #private::read_field(object, #key)?)
                }
            });
            let writes = fields.iter().map(|f| {
                let (ident, key) = (&f.ident, &f.key);
                quote!(#private::write_field(object, #key, &self.#ident);)
            });
            quote! {
                const FIELDS: &'static [#private::ExtensionField] = &[#(#described),*];

                fn read(object: &#map) -> ::core::result::Result<Self, #private::ExtensionError> {
                    ::core::result::Result::Ok(Self { #(#reads,)* })
                }

                fn write(&self, object: &mut #map) {
                    #(#writes)*
                }
            }
        }
        Err(error) => {
            let errors = error.write_errors();
            quote! {
                const FIELDS: &'static [#private::ExtensionField] = &[];

                fn read(_: &#map) -> ::core::result::Result<Self, #private::ExtensionError> {
                    #errors
                    ::core::unimplemented!()
                }

                fn write(&self, _: &mut #map) {}
            }
        }
    };
    quote! {
        #[automatically_derived]
        impl #impl_generics #private::AuthExtension for #name #type_generics #where_clause {
            #body
        }
    }
}
