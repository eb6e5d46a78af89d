//! The errors of one macro call, gathered from every phase and emitted together.

use proc_macro2::{Span, TokenStream};

/// Errors of one macro call, combined into one token stream at the end (after
/// serde_derive's `Ctxt`): the user sees every problem in one compile.
#[derive(Default)]
pub(crate) struct Errors {
    errors: Vec<syn::Error>,
}

impl Errors {
    pub(crate) fn push(&mut self, error: syn::Error) {
        self.errors.push(error);
    }

    pub(crate) fn at(&mut self, span: Span, message: impl std::fmt::Display) {
        self.errors.push(syn::Error::new(span, message));
    }

    /// An error underlining all of `tokens` (a whole type or parameter, not just
    /// its first token as `Span` joining on stable would give).
    pub(crate) fn spanned(&mut self, tokens: impl quote::ToTokens, message: impl std::fmt::Display) {
        self.errors.push(syn::Error::new_spanned(tokens, message));
    }

    pub(crate) fn is_empty(&self) -> bool {
        self.errors.is_empty()
    }

    pub(crate) fn into_compile_errors(self) -> TokenStream {
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
