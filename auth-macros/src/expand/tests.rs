//! Expansion snapshots (prettyplease output). Update with `UPDATE_EXPECT=1 cargo test -p auth-macros`.

use expect_test::expect_file;
use quote::quote;

use super::{auth_attribute, pretty};

fn expand(args: proc_macro2::TokenStream) -> String {
    pretty(&auth_attribute(
        args,
        quote!(
            pub struct Auth;
        ),
        None,
    ))
}

#[test]
fn github_credentials_jwt_expansion() {
    let output = expand(quote!(providers(github, credentials), session = "jwt"));
    expect_file!["snapshots/github_credentials_jwt.rs.txt"].assert_eq(&output);
}

#[test]
fn database_adapter_base_path_expansion() {
    let output = expand(quote!(
        providers(discord),
        session = "database",
        adapter,
        base_path = "/api/auth"
    ));
    expect_file!["snapshots/discord_database_adapter.rs.txt"].assert_eq(&output);
}

#[test]
fn errors_expand_with_the_type_and_compile_errors() {
    let output = expand(quote!(providers(githb, credentials), sesion = "jwt"));
    expect_file!["snapshots/errors.rs.txt"].assert_eq(&output);
}

#[test]
fn extension_expansion() {
    let output = expand(quote!(
        providers(google, credentials),
        session = "jwt",
        extension = crate::Claims
    ));
    expect_file!["snapshots/google_credentials_extension.rs.txt"].assert_eq(&output);
}

#[test]
fn derive_extension_expansion() {
    let output = pretty(&super::extension::derive(quote!(
        pub struct Claims {
            #[auth(user, session, default)]
            pub role: Role,
            #[auth(session)]
            pub plan: Option<String>,
            pub signed_in_with: Option<String>,
        }
    )));
    expect_file!["snapshots/derive_extension.rs.txt"].assert_eq(&output);
}
