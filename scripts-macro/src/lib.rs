//! Implementation detail of the [`scripts`](https://docs.rs/scripts) crate: the
//! `#[redis_script]` attribute. Depend on `scripts` instead; this crate's API is
//! not semver-stable.
//!
//! Phases, one file each: [`parse`] (syn item and options) -> `scripts_lint::check`
//! -> [`expand`] (quote), with [`fallback`] emitting the declared function when
//! anything fails so call sites and IDE completion keep working.

mod diag;
mod expand;
mod fallback;
mod literal;
mod parse;
mod signature;
#[cfg(test)]
mod tests;

use proc_macro::TokenStream;

/// Compiles a Lua script into a typed Rust function. See the `scripts` crate docs.
#[proc_macro_attribute]
pub fn redis_script(attr: TokenStream, item: TokenStream) -> TokenStream {
    expand::script(attr.into(), item.into()).into()
}
