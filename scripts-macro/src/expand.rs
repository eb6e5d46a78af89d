//! Phase 3: a script function checked and expanded, with the toolbox of
//! [`crate::codegen`]: the generated function calling its descriptor, and its
//! companion; [`crate::fallback`] when anything failed.

use proc_macro2::TokenStream;
use quote::quote;

use crate::codegen::{self, Expansion, Host};
use crate::diag::{self, Checked};
use crate::errors::Errors;
use crate::fallback;
use crate::parse::{self, Body, ScriptFn};

/// `#[redis_script]` on a function: parse, check, expand; on any error, the fallback
/// expansion.
pub(crate) fn script(attr: TokenStream, item: TokenStream) -> TokenStream {
    let mut errors = Errors::default();
    let script = match parse::parse(attr, item, &crate::crate_root(), &mut errors) {
        Ok(script) => script,
        Err(original) => {
            // tokio-macros' tier 1: not a function at all; keep the item as written.
            let mut out = errors.into_compile_errors();
            out.extend(original);
            return out;
        }
    };
    let Expansion { mut inner, outer } = script_fn(&script, &Host::Module, errors);
    inner.extend(outer);
    inner
}

/// One parsed function: check it against the crate's config and expand it for `host`.
pub(crate) fn script_fn(script: &ScriptFn, host: &Host, mut errors: Errors) -> Expansion {
    let config = crate::load_config(&mut errors);
    let mut signature = crate::signature::signature(script, &config, &mut errors);
    if !errors.is_empty() {
        // The signature is broken: checks against it (unused keys, out-of-range
        // indices, return shapes) would only echo that error. Check the Lua alone.
        signature = signature.permissive();
    }
    let name = display_name(script, host);
    let checked = script.body.as_ref().map(|body| diag::check(body, &signature, &name));
    let mut warnings = checked
        .as_ref()
        .map(|c| c.emit(&script.params, config.always_warn, &mut errors))
        .unwrap_or_default();
    // editing `scripts.toml` rebuilds the crate, fixing a bad one included
    warnings.extend(codegen::tracking(&config));
    match (&checked, &script.conn, &script.output) {
        (Some(checked), Some(conn), Some(_)) if errors.is_empty() => {
            let body = script.body.as_ref().expect("checked implies a body");
            expand(script, host, body, checked, conn, warnings)
        }
        // Still emit the declared function so callers type-check and IDEs keep completing.
        _ => fallback::expand(script, host, errors, warnings),
    }
}

/// `transfer`, or `Repo::transfer` in an `impl`: how messages name the script.
fn display_name(script: &ScriptFn, host: &Host) -> String {
    let name = script.item.sig.ident.to_string();
    match host {
        Host::Module => name,
        Host::Impl { type_name, .. } => format!("{type_name}::{name}"),
    }
}

fn expand(
    script: &ScriptFn,
    host: &Host,
    body: &Body,
    checked: &Checked,
    conn: &syn::Ident,
    warnings: TokenStream,
) -> Expansion {
    let script_value = script_value(script, body, checked);
    codegen::expand_value(
        script,
        host,
        conn,
        &script_value,
        warnings,
        &checked.report.derived_keys,
    )
}

/// The `Script` value: name, source, SHA1, counts, location, line table, prefixes.
fn script_value(script: &ScriptFn, body: &Body, checked: &Checked) -> TokenStream {
    let name_str = script.item.sig.ident.to_string();
    let source_text = &checked.located.source;
    let source = match body {
        // include_str! makes cargo rebuild when the file changes
        Body::File { path, .. } => {
            let path = path.to_string_lossy();
            quote!(::core::include_str!(#path))
        }
        Body::Literal(_) => quote!(#source_text),
    };
    let sha1 = &checked.sha1;
    let (keys, variadic_keys) = codegen::fixed_and_variadic(script.keys());
    let (args, variadic_args) = codegen::fixed_and_variadic(script.args());
    let read_only = checked.report.read_only;
    let (location, lines) = codegen::location_and_lines(&checked.located);
    let prefixes = codegen::prefix_table(script);
    quote! {
        ::scripts::__private::Script::__new(
            #name_str,
            #source,
            #sha1,
            (#keys, #variadic_keys),
            (#args, #variadic_args),
            #read_only,
            #location,
            &[#(#lines),*],
        )#prefixes
    }
}
