//! Compile tests of `#[auth]`: see `tests/ui.rs`.
