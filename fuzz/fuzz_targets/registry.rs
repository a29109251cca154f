//! The provider registry parser of the `#[auth]` macro (`providers.toml` and a user's own file):
//! any text is a registry or a `RegistryError` naming a line, never a panic.
#![no_main]
#![allow(dead_code, missing_docs)]

#[path = "../../auth-macros/src/registry.rs"]
mod registry;

/// The macro's did-you-mean, which the registry parser asks for in its messages; the parser's
/// behaviour does not depend on it.
mod attr {
    pub fn did_you_mean<'a>(
        _written: &str,
        _candidates: impl IntoIterator<Item = &'a str>,
    ) -> Option<&'a str> {
        None
    }
}

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else {
        return;
    };
    if let Err(err) = registry::Registry::parse(text, "fuzz.toml") {
        let _ = err.to_string();
    }
});
