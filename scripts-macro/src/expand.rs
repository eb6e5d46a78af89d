//! Phase 3: the generated function and its companion module.

use proc_macro2::TokenStream;
use quote::{quote, quote_spanned};
use sha1::{Digest, Sha1};
use syn::spanned::Spanned;

use scripts_lint::LineIndex;

use crate::diag::{self, Checked};
use crate::fallback;
use crate::parse::{self, Body, Errors, Param, ScriptFn};

/// The whole macro: parse, check, expand; on any error, the fallback expansion.
pub(crate) fn script(attr: TokenStream, item: TokenStream) -> TokenStream {
    let mut errors = Errors::default();
    let script = match parse::parse(attr, item, &mut errors) {
        Ok(script) => script,
        Err(original) => {
            // tokio-macros' tier 1: not a function at all; keep the item as written.
            let mut out = errors.into_compile_errors();
            out.extend(original);
            return out;
        }
    };
    let mut signature = crate::signature::signature(&script, &mut errors);
    if !errors.is_empty() {
        // The signature is broken: checks against it (unused keys, out-of-range
        // indices, return shapes) would only echo that error. Check the Lua alone.
        signature = crate::signature::permissive(signature);
    }
    let checked = script.body.as_ref().map(|body| diag::check(body, &signature));
    let warnings = checked
        .as_ref()
        .map(|c| c.emit(&script.params, &mut errors))
        .unwrap_or_default();
    match (&checked, &script.conn, &script.output) {
        (Some(checked), Some(conn), Some(_)) if errors.is_empty() => {
            let body = script.body.as_ref().expect("checked implies a body");
            expand(&script, body, checked, conn, warnings)
        }
        // Still emit the declared function so callers type-check and IDEs keep completing.
        _ => fallback::expand(&script, errors, warnings),
    }
}

fn expand(script: &ScriptFn, body: &Body, checked: &Checked, conn: &syn::Ident, warnings: TokenStream) -> TokenStream {
    let item = &script.item;
    let attrs = &item.attrs;
    let vis = &item.vis;
    let sig = &item.sig;
    let name = &sig.ident;

    let build = build_call(script, quote!(&#name::SCRIPT));
    let invoke = if sig.asyncness.is_some() {
        quote!(__call.invoke_async(#conn).await)
    } else {
        quote!(__call.invoke(#conn))
    };
    let descriptor = descriptor(script, body, checked, warnings);

    quote! {
        #(#attrs)*
        #vis #sig {
            #build
            #invoke
        }

        #descriptor
    }
}

/// Statements that build `__call` from the parameters: keys, then arguments.
fn build_call(script: &ScriptFn, descriptor: TokenStream) -> TokenStream {
    let fixed_keys = script.keys().filter(|p| !p.variadic).count();
    let slice_lens = script.keys().filter(|p| p.variadic).map(|p| {
        let ident = &p.ident;
        quote!(+ #ident.len())
    });
    let pushes = script.params.iter().map(|param| {
        let ident = &param.ident;
        // spanned at the parameter's type, so a type that is not a key or an argument
        // is reported there
        let span = param.ty.span();
        let method = match (param.role, param.variadic) {
            (parse::Role::Key, false) => quote_spanned!(span=> key),
            (parse::Role::Key, true) => quote_spanned!(span=> keys),
            (parse::Role::Arg, false) => quote_spanned!(span=> arg),
            (parse::Role::Arg, true) => quote_spanned!(span=> args),
        };
        // by value: slices, `&Vec` and `Vec` are all `AsRef<[T]>` (and a borrow would trip clippy)
        quote_spanned!(span=> __call.#method(#ident);)
    });
    quote! {
        let mut __call = ::scripts::__private::Call::new(#descriptor, #fixed_keys #(#slice_lens)*);
        #(#pushes)*
    }
}

/// `call(...)` and `pipe(...)` in the companion module. Skipped for functions with
/// type or const parameters, which the companion could not always infer.
fn call_helpers(script: &ScriptFn) -> TokenStream {
    let generics = &script.item.sig.generics;
    if generics.type_params().next().is_some() || generics.const_params().next().is_some() {
        return TokenStream::new();
    }
    let inner_vis = inner_visibility(&script.item.vis);
    let lifetimes: Vec<_> = generics.lifetimes().collect();
    let where_clause = &generics.where_clause;
    let params: Vec<TokenStream> = script
        .params
        .iter()
        .map(|p| {
            let (ident, ty) = (&p.ident, &p.ty);
            quote!(#ident: #ty)
        })
        .collect();
    let idents: Vec<&syn::Ident> = script.params.iter().map(|p| &p.ident).collect();
    let build = build_call(script, quote!(&SCRIPT));
    let name = script.item.sig.ident.to_string();
    let call_doc = format!("The call `{name}(...)` makes, built but not sent (for pipelines and custom sending).");
    let pipe_doc = format!(
        "Adds `{name}(...)` to a pipeline (plain or `atomic()`); the reply comes back with the others. Sent as `EVAL`, so it works whether or not the script is cached. Fails, adding nothing, when a `#[key(prefix)]` value has no hash tag."
    );
    quote! {
        #[doc = #call_doc]
        #inner_vis fn call<#(#lifetimes),*>(#(#params),*) -> ::scripts::__private::Call<'static> #where_clause {
            #build
            __call
        }

        #[doc = #pipe_doc]
        #inner_vis fn pipe<'__pipe, #(#lifetimes),*>(
            pipe: &'__pipe mut ::scripts::redis::Pipeline,
            #(#params),*
        ) -> ::scripts::Result<&'__pipe mut ::scripts::redis::Pipeline> #where_clause {
            call(#(#idents),*).add_to(pipe)
        }
    }
}

/// The companion module `name::SCRIPT`.
fn descriptor(script: &ScriptFn, body: &Body, checked: &Checked, warnings: TokenStream) -> TokenStream {
    let vis = &script.item.vis;
    let name = &script.item.sig.ident;
    let name_str = name.to_string();
    let source_text = &checked.source;
    let source = match body {
        // include_str! makes cargo rebuild when the file changes
        Body::File { path, .. } => {
            let path = path.to_string_lossy();
            quote!(::core::include_str!(#path))
        }
        Body::Literal(_) => quote!(#source_text),
    };
    let sha1 = sha1_hex(source_text);
    let (keys, variadic_keys) = fixed_and_variadic(script.keys());
    let (args, variadic_args) = fixed_and_variadic(script.args());
    let read_only = checked.report.read_only;
    let start = checked.map.host_position(0);
    let file = checked.map.path();
    let (line, column) = (start.line as u32, start.column as u32);
    let index = LineIndex::new(source_text);
    let lines = (0..index.len()).map(|l| checked.map.host_line(index.line_start(l)) as u32);
    let doc = format!("The Lua script behind `{name_str}()`: its descriptor, and the call for pipelines.");
    let inner_vis = inner_visibility(vis);
    let helpers = call_helpers(script);
    let prefixes = prefix_table(script);
    quote! {
        #[doc = #doc]
        #vis mod #name {
            // parameter types name items of the enclosing module
            #[allow(unused_imports)]
            use super::*;

            /// The compiled script: source, SHA1 (computed at compile time), counts and location.
            #inner_vis static SCRIPT: ::scripts::__private::Script = ::scripts::__private::Script::__new(
                #name_str,
                #source,
                #sha1,
                (#keys, #variadic_keys),
                (#args, #variadic_args),
                #read_only,
                ::scripts::__private::Location { file: #file, line: #line, column: #column },
                &[#(#lines),*],
            )#prefixes;

            ::scripts::__private::inventory::submit! { ::scripts::__private::Registered(&SCRIPT) }

            #helpers

            #warnings
        }
    }
}

/// `.__with_prefixes(&[...])` for the `#[key(prefix)]` parameters, or nothing.
fn prefix_table(script: &ScriptFn) -> TokenStream {
    let mut entries = Vec::new();
    // only the last key parameter may be a slice, so positions before it are fixed
    for (position, key) in script.keys().enumerate() {
        if let Some(prefix) = key.prefix {
            let param = key.ident.to_string();
            let slice = key.variadic;
            let allow_untagged = prefix.allow_untagged;
            entries.push(quote! {
                ::scripts::__private::PrefixKey {
                    position: #position,
                    param: #param,
                    slice: #slice,
                    allow_untagged: #allow_untagged,
                }
            });
        }
    }
    if entries.is_empty() {
        return TokenStream::new();
    }
    quote!(.__with_prefixes(&[#(#entries),*]))
}

fn fixed_and_variadic<'a>(params: impl Iterator<Item = &'a Param>) -> (usize, bool) {
    let (mut fixed, mut variadic) = (0usize, false);
    for param in params {
        if param.variadic {
            variadic = true;
        } else {
            fixed += 1;
        }
    }
    (fixed, variadic)
}

fn sha1_hex(text: &str) -> String {
    let digest = Sha1::digest(text.as_bytes());
    digest.iter().map(|b| format!("{b:02x}")).collect()
}

/// Visibility of items inside the companion module: as visible as the function,
/// without tripping `unreachable_pub` in crates that enable it.
pub(crate) fn inner_visibility(vis: &syn::Visibility) -> TokenStream {
    match vis {
        syn::Visibility::Public(_) => quote!(pub),
        _ => quote!(pub(crate)),
    }
}
