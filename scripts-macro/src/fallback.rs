//! The expansion used when anything failed: the declared function with an
//! unreachable body plus its companion (with stub helpers), beside the compile
//! errors, so call sites type-check and rust-analyzer keeps completing (thiserror's
//! `fallback.rs`, tokio-macros' tier 2).

use proc_macro2::TokenStream;
use quote::quote;

use crate::codegen::{self, Expansion, Helpers, Host};
use crate::errors::Errors;
use crate::parse::ScriptFn;

pub(crate) fn expand(script: &ScriptFn, host: &Host, errors: Errors, extra: TokenStream) -> Expansion {
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
    let name_str = sig.ident.to_string();
    let errors = errors.into_compile_errors();
    let keys_doc = codegen::keys_doc(script, &[]);
    let function = quote! {
        #errors

        #(#attrs)*
        #keys_doc
        #[allow(unused_variables, clippy::diverging_sub_expression)]
        #vis #sig {
            ::core::unreachable!("`#[redis_script]` rejected this script at compile time")
        }
    };
    // A `self` parameter in a free function: the function sits in an `impl` block
    // without `#[redis_script]` on the block, where a module cannot go.
    if sig.receiver().is_some() && matches!(host, Host::Module) {
        return Expansion {
            inner: function,
            outer: TokenStream::new(),
        };
    }
    let location = codegen::unknown_location();
    let value = quote! {
        ::scripts::__private::Script::__new(#name_str, "", "", (0, false), (0, false), false, #location, &[])
    };
    let mut expansion = codegen::companion(script, host, function, &value, Helpers::Stub, extra);
    // the companion of a rejected script is not worth reading in the docs
    let outer = expansion.outer;
    expansion.outer = quote!(#[doc(hidden)] #outer);
    expansion
}
