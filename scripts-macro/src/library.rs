//! `#[redis_library]` on a module: a Redis function library (inline or from a `.lua`
//! file) and one bodiless declaration per function it registers. Parse the options
//! and declarations -> `scripts_lint::check_library` -> per declaration the typed
//! function and its companion (as for `#[redis_script]`), calling `FCALL`, plus the
//! module's `LIBRARY` descriptor.

use std::ops::Range;

use proc_macro2::{Span, TokenStream};
use quote::{ToTokens, quote};
use syn::ext::IdentExt;

use scripts_lint::FunctionReport;

use crate::codegen::{self, Expansion, Host};
use crate::diag::{self, CheckedLibrary};
use crate::errors::Errors;
use crate::fallback;
use crate::parse::{self, Body, ScriptFn};

const FORM: &str = "`#[redis_library(file = \"lua/bank.lua\")] mod bank { pub async fn transfer(con: &mut impl scripts::AsyncConnection, #[key] from: &str, #[key] to: &str, amount: i64) -> scripts::Result<i64>; }`";

pub(crate) fn expand(attr: TokenStream, item: TokenStream) -> TokenStream {
    let mut errors = Errors::default();
    let options = scripts_decl::library::parse_options(attr, &mut errors);
    let mut module: syn::ItemMod = match syn::parse2(item.clone()) {
        Ok(module) => module,
        Err(_) => {
            errors.at(
                Span::call_site(),
                format!(
                    "`#[redis_library]` goes on a module holding one declaration per function of the library: {FORM}"
                ),
            );
            let mut out = errors.into_compile_errors();
            out.extend(item);
            return out;
        }
    };
    let Some((_, items)) = module.content.take() else {
        errors.at(
            module.ident.span(),
            format!("write the function declarations inside the module: {FORM}"),
        );
        let mut out = errors.into_compile_errors();
        out.extend(module.into_token_stream());
        return out;
    };
    let body = match (&options.file, &options.source) {
        (Some(file), None) => parse::read_file(file, "library", &crate::crate_root(), &mut errors),
        (None, Some(source)) => parse::literal_body(source, &mut errors),
        (Some(file), Some(_)) => {
            errors.at(
                file.span(),
                "give the library either as `file = \"...\"` or as `source = r#\"...\"#`, not both",
            );
            None
        }
        (None, None) => {
            errors.at(
                Span::call_site(),
                "say where the library's Lua is: `#[redis_library(file = \"lua/bank.lua\")]` (relative to the crate root) or `#[redis_library(source = r#\"#!lua name=bank ...\"#)]`",
            );
            None
        }
    };

    // the declarations, each with its own errors (a broken one falls back alone) and
    // the name it calls
    let (mut declarations, registered, others) = scripts_decl::library::declarations(items);
    if declarations.is_empty() {
        errors.at(
            module.ident.span(),
            format!("declare the library's functions in the module, each without a body: {FORM}"),
        );
    }

    let config = crate::load_config(&mut errors);
    let signature = scripts_decl::library::signature(&options, &mut declarations, &registered, &config, &mut errors);
    let module_name = module.ident.to_string();
    let checked = body
        .as_ref()
        .map(|body| diag::check_library(body, &signature, &module_name));
    let mut warnings = TokenStream::new();
    if let Some(checked) = &checked {
        let declared: Vec<(&ScriptFn, Span)> = declarations
            .iter()
            .zip(&registered)
            .map(|((d, _), r)| (d, r.span))
            .collect();
        warnings.extend(checked.emit(&declared, config.always_warn, &mut errors));
    }
    warnings.extend(codegen::tracking(&config));

    let library = checked
        .as_ref()
        .filter(|_| errors.is_empty())
        .and_then(|checked| loaded_library(checked, options.stable_names, &mut errors));
    let mut functions = TokenStream::new();
    let library_items = match (&library, &checked, &body) {
        (Some(library), Some(checked), Some(body)) => library_tokens(library, checked, body, options.stable_names),
        _ => TokenStream::new(),
    };
    for (i, (declaration, own)) in declarations.into_iter().enumerate() {
        let registered = checked
            .as_ref()
            .and_then(|checked| checked.report.functions.iter().find(|f| f.declaration == Some(i)));
        let ready = library.is_some() && own.is_empty();
        let expansion = match (ready, registered, &declaration.conn, &library) {
            (true, Some(registered), Some(conn), Some(library)) => {
                let value = function_value(&declaration, registered, library);
                let mut expansion = codegen::expand_value(
                    &declaration,
                    &Host::Module,
                    conn,
                    &value,
                    TokenStream::new(),
                    &registered.derived_keys,
                );
                expansion.inner = with_doc(expansion.inner, &module_name, registered);
                expansion
            }
            _ => fallback::expand(&declaration, &Host::Module, own, TokenStream::new()),
        };
        let Expansion { inner, outer } = expansion;
        functions.extend(inner);
        functions.extend(outer);
    }

    let errors = errors.into_compile_errors();
    let attrs = &module.attrs;
    let vis = &module.vis;
    let ident = &module.ident;
    let doc = match &library {
        Some(library) => format!(
            "Functions of the Redis library `{}`, loaded as `{}` (see `LIBRARY`): each is called with `FCALL` (`FCALL_RO` when flagged `no-writes`), and loads the library when the server lacks it.",
            library.declared, library.loaded
        ),
        None => "Functions of a Redis library that did not compile.".to_owned(),
    };
    quote! {
        #errors
        #(#attrs)*
        #[doc = ""]
        #[doc = #doc]
        #vis mod #ident {
            // the declarations' types name items of the enclosing module
            #[allow(unused_imports)]
            use super::*;

            #library_items
            #functions
            #(#others)*
            #warnings
        }
    }
}

/// The library as loaded: its names (versioned unless `stable_names`) and text.
struct Loaded {
    declared: String,
    loaded: String,
    source: String,
    /// Each function's registered name as written, and as loaded.
    names: Vec<(String, String)>,
}

/// Works out the names the library and its functions are loaded under, and the text
/// sent with `FUNCTION LOAD`: versioned names (`bank_v1a2b3c4d`) rewrite the names
/// where they are written, which keeps every line where it was.
fn loaded_library(checked: &CheckedLibrary, stable_names: bool, errors: &mut Errors) -> Option<Loaded> {
    let report = &checked.report;
    let source = &checked.located.source;
    let declared = report.name.clone()?;
    if stable_names {
        return Some(Loaded {
            loaded: declared.clone(),
            declared,
            source: source.clone(),
            names: report
                .functions
                .iter()
                .filter_map(|f| f.name.clone())
                .map(|n| (n.clone(), n))
                .collect(),
        });
    }
    let version = &codegen::sha1_hex(source)[..8];
    let mut edits: Vec<(Range<usize>, String)> = Vec::new();
    if let Some(range) = report.name_range.clone() {
        // the name's text, or the whole `"name=..."` word when a quote opens before
        // the `=` (a valid name has no `=`)
        let whole_word = source[range.clone()].contains('=');
        let prefix = if whole_word { "name=" } else { "" };
        edits.push((range, format!("{prefix}{declared}_v{version}")));
    }
    let mut names = Vec::new();
    for function in &report.functions {
        let Some(name) = &function.name else { continue };
        let Some(literal) = function.name_literal.clone() else {
            errors.at(
                Span::call_site(),
                format!(
                    "function `{name}` is registered under a name that is not written as one string literal, which versioned names need: write `'{name}'` where it is registered, or add `stable_names` to load the library under the names as written"
                ),
            );
            return None;
        };
        let quote = &source[literal.start..literal.start + 1];
        let versioned = format!("{name}_v{version}");
        edits.push((literal, format!("{quote}{versioned}{quote}")));
        names.push((name.clone(), versioned));
    }
    edits.sort_by_key(|(range, _)| std::cmp::Reverse(range.start));
    edits.dedup_by_key(|(range, _)| range.start);
    let mut text = source.clone();
    for (range, replacement) in edits {
        text.replace_range(range, &replacement);
    }
    Some(Loaded {
        declared: declared.clone(),
        loaded: format!("{declared}_v{version}"),
        source: text,
        names,
    })
}

/// The module's `LIBRARY` descriptor and the constants the functions' descriptors share.
fn library_tokens(library: &Loaded, checked: &CheckedLibrary, body: &Body, stable_names: bool) -> TokenStream {
    let (location, lines) = codegen::location_and_lines(&checked.located);
    let (declared, loaded, source) = (&library.declared, &library.loaded, &library.source);
    let versioned = !stable_names;
    // a `.lua` file is tracked so that editing it rebuilds the crate
    let tracking = match body {
        Body::File { path, .. } => {
            let path = path.to_string_lossy();
            quote!(
                const _: &str = ::core::include_str!(#path);
            )
        }
        Body::Literal(_) => TokenStream::new(),
    };
    let doc = if versioned {
        format!(
            "The library `{declared}`, loaded as `{loaded}`: its name and its functions' carry a hash of its text, so builds with other versions of it can share a server."
        )
    } else {
        format!("The library `{declared}`, loaded under the names written in its Lua (`stable_names`).")
    };
    quote! {
        #[doc = #doc]
        pub static LIBRARY: ::scripts::__private::Library = ::scripts::__private::Library::__new(
            #declared,
            #loaded,
            __LIBRARY_SOURCE,
            #versioned,
            __LIBRARY_LOCATION,
            __LIBRARY_LINES,
        );

        #[doc(hidden)]
        const __LIBRARY_SOURCE: &str = #source;
        #[doc(hidden)]
        const __LIBRARY_LOCATION: ::scripts::__private::Location = #location;
        #[doc(hidden)]
        const __LIBRARY_LINES: &[u32] = &[#(#lines),*];
        #tracking
    }
}

/// The `Script` descriptor of one declared function: `FCALL` of its loaded name.
fn function_value(declaration: &ScriptFn, registered: &FunctionReport, library: &Loaded) -> TokenStream {
    let name = declaration.item.sig.ident.unraw().to_string();
    let written = registered.name.clone().unwrap_or_default();
    let loaded = library
        .names
        .iter()
        .find(|(declared, _)| *declared == written)
        .map_or(written.clone(), |(_, loaded)| loaded.clone());
    let sha1 = codegen::sha1_hex(&library.source);
    let (keys, variadic_keys) = codegen::fixed_and_variadic(declaration.keys());
    let (args, variadic_args) = codegen::fixed_and_variadic(declaration.args());
    let read_only = registered.read_only;
    let prefixes = codegen::prefix_table(declaration);
    quote! {
        ::scripts::__private::Script::__new(
            #name,
            super::__LIBRARY_SOURCE,
            #sha1,
            (#keys, #variadic_keys),
            (#args, #variadic_args),
            #read_only,
            super::__LIBRARY_LOCATION,
            super::__LIBRARY_LINES,
        )
        .__in_library(&super::LIBRARY, #loaded)
        #prefixes
    }
}

/// The generated function's docs gain how it is called.
fn with_doc(function: TokenStream, module: &str, registered: &FunctionReport) -> TokenStream {
    let name = registered.name.as_deref().unwrap_or("");
    let how = if registered.read_only {
        "`FCALL_RO` (flagged `no-writes`: replicas may serve it)"
    } else {
        "`FCALL`"
    };
    let doc = format!("Calls the function `{name}` of the library in `{module}` with {how}.");
    quote! {
        #[doc = ""]
        #[doc = #doc]
        #function
    }
}
