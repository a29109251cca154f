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
                let key = ident.to_string().trim_start_matches("r#").to_owned();
                if RESERVED_JWT.contains(&key.as_str()) || RESERVED_SESSION.contains(&key.as_str())
                {
                    errors.push(
                        Error::custom(with_help(
                            format!("`{key}` is already a member of the session token or the session"),
                            "rename the field; the standard members are read with `Jwt::sub()`, `Session::user`, ..",
                        ))
                        .with_span(ident),
                    );
                    continue;
                }
                fields.push((ident.clone(), key));
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
    let body = match errors.finish() {
        Ok(()) => {
            let reads = fields
                .iter()
                .map(|(ident, key)| quote!(#ident: #private::read_field(object, #key)?));
            let writes = fields
                .iter()
                .map(|(ident, key)| quote!(#private::write_field(object, #key, &self.#ident);));
            quote! {
                fn read(
                    object: &#private::serde_json::Map<::std::string::String, #private::serde_json::Value>,
                ) -> ::core::result::Result<Self, ::auth_runtime::registry_support::ExtensionError> {
                    ::core::result::Result::Ok(Self { #(#reads,)* })
                }

                fn write(&self, object: &mut #private::serde_json::Map<::std::string::String, #private::serde_json::Value>) {
                    #(#writes)*
                }
            }
        }
        Err(error) => {
            let errors = error.write_errors();
            quote! {
                fn read(
                    _: &#private::serde_json::Map<::std::string::String, #private::serde_json::Value>,
                ) -> ::core::result::Result<Self, ::auth_runtime::registry_support::ExtensionError> {
                    #errors
                    ::core::unimplemented!()
                }

                fn write(&self, _: &mut #private::serde_json::Map<::std::string::String, #private::serde_json::Value>) {}
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
