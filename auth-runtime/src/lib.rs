//! Auth.js v5 for Rust.
pub mod jose;
