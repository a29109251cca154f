//! Per provider: its registry data as a `StaticOAuth` value, its typed profile struct and the
//! profile -> user mapping.

use proc_macro2::{Span, TokenStream};
use quote::{format_ident, quote};
use syn::Ident;

use crate::registry::{Kind, ProviderSpec};

/// The builder method / field name of a provider: the id with `-` as `_`, and a leading `_`
/// before an id that starts with a digit (`42-school` -> `_42_school`).
pub fn method_ident(spec: &ProviderSpec) -> Ident {
    let name = spec.id.replace('-', "_");
    if name.starts_with(|c: char| c.is_ascii_digit()) {
        return format_ident!("_{}", name);
    }
    rust_ident(&name)
}

/// `GitHubProfile` from the display name `GitHub`.
pub fn profile_ident(spec: &ProviderSpec) -> Ident {
    let mut pascal = String::new();
    for word in spec
        .name
        .split(|c: char| !c.is_ascii_alphanumeric())
        .filter(|w| !w.is_empty())
    {
        let mut chars = word.chars();
        if let Some(first) = chars.next() {
            pascal.push(first.to_ascii_uppercase());
            pascal.extend(chars);
        }
    }
    if pascal.is_empty() || pascal.starts_with(|c: char| c.is_ascii_digit()) {
        pascal.insert(0, 'P');
    }
    format_ident!("{}Profile", pascal)
}

/// The type of a provider's profile as generated code names it: the runtime's
/// (`auth_runtime::profiles`) for a provider of the built-in registry, else the one generated
/// beside the app's type.
pub fn profile_path(spec: &ProviderSpec) -> TokenStream {
    let ident = profile_ident(spec);
    if spec.source == crate::registry::BUILTIN_NAME {
        quote!(::auth_runtime::profiles::#ident)
    } else {
        quote!(#ident)
    }
}

/// An identifier for any text: non-alphanumerics become `_`, camelCase becomes snake_case, and
/// keywords become raw identifiers.
pub fn field_ident(member: &str) -> Ident {
    let mut snake = String::new();
    let mut previous_lower = false;
    for c in member.chars() {
        if c.is_ascii_uppercase() {
            if previous_lower {
                snake.push('_');
            }
            snake.push(c.to_ascii_lowercase());
            previous_lower = false;
        } else if c.is_ascii_alphanumeric() {
            snake.push(c);
            previous_lower = c.is_ascii_lowercase() || c.is_ascii_digit();
        } else {
            if !snake.ends_with('_') {
                snake.push('_');
            }
            previous_lower = false;
        }
    }
    let snake = snake.trim_matches('_').to_owned();
    let snake = if snake.is_empty() || snake.starts_with(|c: char| c.is_ascii_digit()) {
        format!("field_{snake}")
    } else {
        snake
    };
    rust_ident(&snake)
}

fn rust_ident(name: &str) -> Ident {
    match name {
        "self" | "Self" | "super" | "crate" | "extra" => format_ident!("{}_", name),
        _ => match syn::parse_str::<Ident>(name) {
            Ok(ident) => ident,
            Err(_) => Ident::new_raw(name, Span::call_site()),
        },
    }
}

/// A registry type string (`Option<serde_json::Value>`) as a type path that resolves in the
/// user's crate.
pub fn profile_type(rust_type: &str) -> syn::Result<syn::Type> {
    let rewritten = rust_type.replace("serde_json::", "::auth_runtime::__private::serde_json::");
    syn::parse_str::<syn::Type>(&rewritten)
}

/// The registry's `[<id>.user]` mapping as `(field, &[&[path..], ..])` entries.
fn user_mapping(spec: &ProviderSpec) -> Vec<TokenStream> {
    spec.user
        .iter()
        .map(|user| {
            let field = &user.field;
            let alternatives = user.alternatives.iter().map(|path| quote!(&[#(#path),*]));
            quote!((#field, &[#(#alternatives),*]))
        })
        .collect()
}

/// `StaticOAuth { .. }` for an OAuth/OIDC provider.
pub fn static_oauth(spec: &ProviderSpec) -> TokenStream {
    let id = &spec.id;
    let name = &spec.name;
    let oidc = spec.kind == Kind::Oidc;
    let opt = |value: &Option<String>| match value {
        Some(v) => quote!(::core::option::Option::Some(#v)),
        None => quote!(::core::option::Option::None),
    };
    let issuer = opt(&spec.issuer);
    let endpoints = spec.endpoints.clone().unwrap_or_default();
    let authorization = opt(&endpoints.authorization);
    let token = opt(&endpoints.token);
    let userinfo = opt(&endpoints.userinfo);
    let logo = opt(&spec.style.logo);
    let bg = opt(&spec.style.bg);
    let text = opt(&spec.style.text);
    let brand_color = opt(&spec.style.brand_color);
    let checks = match &spec.checks {
        Some(list) => quote!(::core::option::Option::Some(&[#(#list),*])),
        None => quote!(::core::option::Option::None),
    };
    let quirks = &spec.quirks;
    let id_token = match spec.id_token {
        Some(b) => quote!(::core::option::Option::Some(#b)),
        None => quote!(::core::option::Option::None),
    };
    let token_auth_method = opt(&spec.token_auth_method);
    let form_post = spec.form_post;
    let params = spec
        .authorization_params
        .iter()
        .map(|(k, v)| quote!((#k, #v)));
    let mapping = user_mapping(spec);
    quote! {
        ::auth_runtime::__private::StaticOAuth {
            id: #id,
            name: #name,
            oidc: #oidc,
            issuer: #issuer,
            authorization: #authorization,
            token: #token,
            userinfo: #userinfo,
            style: [#logo, #bg, #text, #brand_color],
            checks: #checks,
            quirks: &[#(#quirks),*],
            id_token: #id_token,
            token_auth_method: #token_auth_method,
            form_post: #form_post,
            authorization_params: &[#(#params),*],
            user: &[#(#mapping),*],
        }
    }
}

/// The typed profile struct and its mapping to a user. Errors name the registry key of a type
/// that does not parse.
pub fn profile(spec: &ProviderSpec) -> Result<TokenStream, String> {
    let ident = profile_ident(spec);
    let mut fields = Vec::new();
    let mut used: Vec<String> = Vec::new();
    for (member, rust_type) in &spec.profile {
        let ty = profile_type(rust_type).map_err(|_| {
            format!(
                "malformed provider registry {}: key `{}.profile.{member}`: `{rust_type}` is not a Rust type",
                spec.source, spec.id
            )
        })?;
        let mut field = field_ident(member);
        while used.contains(&field.to_string()) {
            field = format_ident!("{}_", field);
        }
        used.push(field.to_string());
        let doc = format!(" `{member}` of the profile.");
        let rename = if field.to_string().trim_start_matches("r#") == member.as_str() {
            quote!()
        } else {
            quote!(#[serde(rename = #member)])
        };
        fields.push(quote! {
            #[doc = #doc]
            #rename
            pub #field: #ty,
        });
    }
    let mapping = user_mapping(spec);
    let quirks = &spec.quirks;
    let doc = format!(
        " The profile {} sends, as the provider registry describes it. Members it does not list are kept in `extra`.",
        spec.name
    );
    Ok(quote! {
        #[doc = #doc]
        #[derive(::core::fmt::Debug, ::core::clone::Clone, ::auth_runtime::__private::serde::Deserialize, ::auth_runtime::__private::serde::Serialize)]
        #[serde(crate = "::auth_runtime::__private::serde")]
        pub struct #ident {
            #(#fields)*
            /// Members the registry does not list.
            #[serde(flatten)]
            pub extra: ::auth_runtime::__private::serde_json::Map<::std::string::String, ::auth_runtime::__private::serde_json::Value>,
        }

        #[automatically_derived]
        impl #ident {
            /// The registry's profile -> user mapping (`[<id>.user]`).
            pub const USER_MAPPING: ::auth_runtime::__private::UserMapping = &[#(#mapping),*];

            /// The registry's quirks (`quirks`) that complete the mapping.
            pub const QUIRKS: &'static [&'static str] = &[#(#quirks),*];

            /// The user this profile signs in as: the registry's mapping, then its quirks.
            pub fn to_user(&self) -> ::auth_runtime::types::User {
                let value = ::auth_runtime::__private::serde_json::to_value(self).unwrap_or_default();
                let mut user = ::auth_runtime::__private::user_from_profile(&value, Self::USER_MAPPING);
                ::auth_runtime::__private::apply_named_profile_quirks(Self::QUIRKS, &value, &mut user);
                user
            }
        }
    })
}
