//! Auth.js v5 for Rust.
pub mod adapter;
pub mod axum;
pub mod callbacks;
pub mod config;
pub mod cookies;
pub mod csrf;
pub mod engine;
pub mod env;
pub mod error;
pub mod jose;
pub mod pages;
pub mod providers;
pub mod types;
