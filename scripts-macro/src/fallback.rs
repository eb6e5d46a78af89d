//! The expansion used when anything failed: the declared function with an
//! unreachable body plus the companion module, beside the compile errors, so
//! call sites type-check and rust-analyzer keeps completing (thiserror's
//! `fallback.rs`, tokio-macros' tier 2).

use proc_macro2::TokenStream;
use quote::quote;

use crate::parse::{Errors, ScriptFn};

pub(crate) fn expand(script: &ScriptFn, errors: Errors, warnings: TokenStream) -> TokenStream {
    let item = &script.item;
    let attrs = &item.attrs;
    let vis = &item.vis;
    // Modifiers were reported already; keeping them would only add follow-on errors.
    let mut sig = item.sig.clone();
    sig.constness = None;
    sig.safety = syn::Safety::Default;
    sig.abi = None;
    sig.variadic = None;
    let sig = &sig;
    let name = &sig.ident;
    let name_str = name.to_string();
    let errors = errors.into_compile_errors();
    let inner_vis = crate::expand::inner_visibility(vis);
    let function = quote! {
        #errors

        #(#attrs)*
        #[allow(unused_variables, clippy::diverging_sub_expression)]
        #vis #sig {
            ::core::unreachable!("`#[redis_script]` rejected this script at compile time")
        }
    };
    // A `self` parameter means we sit in an `impl` block, where a module cannot go.
    if sig.receiver().is_some() {
        return function;
    }
    quote! {
        #function

        #[doc(hidden)]
        #vis mod #name {
            #[doc(hidden)]
            #inner_vis static SCRIPT: ::scripts::__private::Script = ::scripts::__private::Script::__new(
                #name_str, "", "", (0, false), (0, false), false,
                ::scripts::__private::Location { file: "", line: 0, column: 0 },
                &[],
            );

            #warnings
        }
    }
}
