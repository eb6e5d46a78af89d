//! The errors of one macro call, gathered from every phase and emitted together.

use proc_macro2::{Span, TokenStream};

/// Errors of one macro call, combined into one token stream at the end (after
/// serde_derive's `Ctxt`): the user sees every problem in one compile.
#[derive(Default)]
pub struct Errors {
    errors: Vec<syn::Error>,
}

impl Errors {
    /// Adds an error.
    pub fn push(&mut self, error: syn::Error) {
        self.errors.push(error);
    }

    /// Adds an error at `span`.
    pub fn at(&mut self, span: Span, message: impl std::fmt::Display) {
        self.errors.push(syn::Error::new(span, message));
    }

    /// An error underlining all of `tokens` (a whole type or parameter, not just
    /// its first token as `Span` joining on stable would give).
    pub fn spanned(&mut self, tokens: impl quote::ToTokens, message: impl std::fmt::Display) {
        self.errors.push(syn::Error::new_spanned(tokens, message));
    }

    /// True when there is none.
    pub fn is_empty(&self) -> bool {
        self.errors.is_empty()
    }

    /// The messages, in the order they were found.
    pub fn messages(&self) -> impl Iterator<Item = String> + '_ {
        self.errors.iter().map(|e| e.to_string())
    }

    /// The errors as `compile_error!` invocations, in the order they were found.
    pub fn into_compile_errors(self) -> TokenStream {
        let mut iter = self.errors.into_iter();
        let Some(mut all) = iter.next() else {
            return TokenStream::new();
        };
        for error in iter {
            all.combine(error);
        }
        all.to_compile_error()
    }
}
