//! Implementation detail of the [`scripts`](https://docs.rs/scripts) crate: a Rust
//! declaration (`#[redis_script]` on a function, `#[redis_library]` on a module) read
//! into what the checker needs of it, a `scripts_lint::Signature` or
//! `LibrarySignature`. The macro and the language server (`redis-lua-lint lsp`, for a
//! `.lua` file a declaration names) both read declarations with this crate, so they
//! cannot disagree. Not semver-stable.
//!
//! Layers: `errors` (a leaf) -> `parse` (the attribute and the function) -> `config`
//! (`scripts.toml`) -> `signature` (the checker's view of a function), `library` (of a
//! module) -> `scan` (the declarations of a whole Rust file).

pub mod config;
pub mod errors;
pub mod library;
pub mod parse;
pub mod scan;
pub mod signature;

pub use errors::Errors;
