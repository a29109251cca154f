//! Procedural macros of auth-runtime (the `#[auth]` attribute arrives with the macro issue).
