//! When the attribute cannot be read at all: its `compile_error!`s plus the type and a
//! permissive builder, so the user's code that uses `Auth::builder()..build()` does not add
//! errors of its own. One mistake, one error.

use darling::error::Accumulator;
use proc_macro2::TokenStream;

use crate::check::Model;
use crate::expand::auth;
use crate::registry::{Kind, ProviderSpec};

/// The errors and a stand-in expansion.
pub fn expand(item: &syn::ItemStruct, errors: Accumulator) -> TokenStream {
    let credentials = ProviderSpec::new("credentials", "Credentials", Kind::Credentials, "");
    let model = Model {
        providers: vec![credentials],
        strategy: None,
        adapter_required: false,
        base_path: None,
        enable_webauthn: false,
        registry_file: None,
        extension: None,
        permissive: true,
    };
    let mut output = auth::expand(&auth::Target { item }, &model);
    if let Err(error) = errors.finish() {
        output.extend(error.write_errors());
    }
    output
}
