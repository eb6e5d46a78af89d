//! The code-generation toolbox of every expansion: the generated function and its
//! companion (a module for a free function, a type for a function of an `impl`), the
//! call helpers, the script's location and the docs of its keys. A leaf: it takes the
//! parsed function and what to put in it, and knows nothing of the checks.

use proc_macro2::{Span, TokenStream};
use quote::{format_ident, quote, quote_spanned};
use syn::spanned::Spanned;

use scripts_lint::{DerivedKeys, KeySource, LineIndex};

use crate::config::{self, Config};
use crate::diag::Located;
use crate::parse::{self, Param, ScriptFn};

/// An item that makes the compiler track the crate's `scripts.toml`, so editing it
/// rebuilds the crate (and re-runs the checks it configures).
pub(crate) fn tracking(config: &Config) -> TokenStream {
    // Once per process is enough: rustc compiles one crate per process, and cargo reads
    // what a crate depends on (files, variables) from the crate as a whole. Items in
    // every expansion would be re-expanded, resolved and hashed on every rebuild.
    static EMITTED: std::sync::atomic::AtomicBool = std::sync::atomic::AtomicBool::new(false);
    if EMITTED.swap(true, std::sync::atomic::Ordering::Relaxed) {
        return TokenStream::new();
    }
    let env = config::ENV;
    // `option_env!` makes cargo rebuild when the variable changes, set or not
    let mut out = quote!(
        const _: ::core::option::Option<&str> = ::core::option_env!(#env);
    );
    if let Some(path) = &config.path {
        let path = path.to_string_lossy();
        out.extend(quote!(
            const _: &[u8] = ::core::include_bytes!(#path);
        ));
    }
    out
}

/// Where the function sits, which decides where its companion goes.
pub(crate) enum Host {
    /// A free function: the companion is the module `name` (`name::SCRIPT`).
    Module,
    /// A function of `impl Type`: the companion is the type `companion`, written next
    /// to the `impl` block and reached as `Type::CONST_NAME`.
    Impl {
        /// `Type`, for docs.
        type_name: String,
        /// `TRANSFER` for `fn transfer`.
        const_name: syn::Ident,
        /// `RepoTransferScript`.
        companion: syn::Ident,
        /// False when parameter types may name the `impl`'s generics or `Self`, which
        /// the companion's methods could not see.
        helpers: bool,
    },
}

/// The tokens of one script: `inner` replaces the annotated function (inside the
/// `impl` block for a method), `outer` goes next to it at module level.
#[derive(Default)]
pub(crate) struct Expansion {
    pub(crate) inner: TokenStream,
    pub(crate) outer: TokenStream,
}

/// The function calling the descriptor `script_value` (a `Script` expression), and
/// its companion.
pub(crate) fn expand_value(
    script: &ScriptFn,
    host: &Host,
    conn: &syn::Ident,
    script_value: &TokenStream,
    warnings: TokenStream,
    derived: &[DerivedKeys],
) -> Expansion {
    let item = &script.item;
    let attrs = &item.attrs;
    let vis = &item.vis;
    let sig = &item.sig;
    let name = &sig.ident;
    let keys_doc = keys_doc(script, derived);

    let invoke = if sig.asyncness.is_some() {
        quote!(invoke_async(#conn).await)
    } else {
        quote!(invoke(#conn))
    };
    // the call is built once per script, in the companion's `call`, which the function
    // and the other helpers call: rustc re-expands, resolves and checks every item on
    // each rebuild, so one body per script instead of four is what a rebuild saves
    let body = match (host, has_helpers(script)) {
        (Host::Module, true) => {
            let idents = script.params.iter().map(|p| &p.ident);
            quote!(#name::call(#(#idents),*).#invoke)
        }
        (
            Host::Impl {
                companion,
                helpers: true,
                ..
            },
            true,
        ) => {
            let idents = script.params.iter().map(|p| &p.ident);
            quote!(#companion.call(#(#idents),*).#invoke)
        }
        _ => {
            let descriptor = match host {
                Host::Module => quote!(&#name::SCRIPT),
                Host::Impl { companion, .. } => quote!(#companion::SCRIPT),
            };
            let build = build_call(script, descriptor);
            quote!(#build __call.#invoke)
        }
    };
    let function = quote! {
        #(#attrs)*
        #keys_doc
        #vis #sig {
            #body
        }
    };
    companion(script, host, function, script_value, Helpers::Real, warnings)
}

/// What the companion's `call`/`pipe`/`blocking`/`nonblocking` do.
#[derive(Clone, Copy, PartialEq, Eq)]
pub(crate) enum Helpers {
    /// Build and send the call.
    Real,
    /// The script was rejected: `unreachable!()` bodies, so call sites still type-check.
    Stub,
}

/// The companion of `function` for `host`, holding `script_value` (a `Script`
/// expression), the helpers and `extra` items (warnings, config tracking).
pub(crate) fn companion(
    script: &ScriptFn,
    host: &Host,
    function: TokenStream,
    script_value: &TokenStream,
    helpers: Helpers,
    extra: TokenStream,
) -> Expansion {
    let vis = &script.item.vis;
    let name = &script.item.sig.ident;
    match host {
        Host::Module => {
            let inner_vis = inner_visibility(vis);
            let doc = format!(
                "The Lua script behind `{name}()`: its descriptor `SCRIPT`, and the same call blocking (`blocking`), async (`nonblocking`) or in a pipeline (`pipe`, `call`)."
            );
            let helpers = call_helpers(script, helpers, false);
            Expansion {
                inner: function,
                outer: quote! {
                    #[doc = #doc]
                    #vis mod #name {
                        // parameter types name items of the enclosing module
                        #[allow(unused_imports)]
                        use super::*;

                        /// The compiled script: source, SHA1 (computed at compile time), counts and location.
                        #inner_vis static SCRIPT: ::scripts::__private::Script = #script_value;

                        ::scripts::__private::inventory::submit! { ::scripts::__private::Registered(&SCRIPT) }

                        #helpers

                        #extra
                    }
                },
            }
        }
        Host::Impl {
            type_name,
            const_name,
            companion,
            helpers: helpers_allowed,
        } => {
            let const_doc = format!(
                "The Lua script behind `{type_name}::{name}()`: derefs to `scripts::Script` (source, SHA1, location), and has the same call blocking (`blocking`), async (`nonblocking`) or in a pipeline (`pipe`, `call`)."
            );
            let type_doc = format!(
                "The companion of `{type_name}::{name}()`, reached as `{type_name}::{const_name}`: derefs to `scripts::Script`, and has the same call blocking (`blocking`), async (`nonblocking`) or in a pipeline (`pipe`, `call`)."
            );
            let methods = if *helpers_allowed {
                call_helpers(script, helpers, true)
            } else {
                TokenStream::new()
            };
            Expansion {
                inner: quote! {
                    #function

                    #[doc = #const_doc]
                    #vis const #const_name: #companion = #companion;
                },
                outer: quote! {
                    #[doc = #type_doc]
                    #[derive(Clone, Copy, Debug)]
                    #vis struct #companion;

                    impl #companion {
                        /// The compiled script: source, SHA1 (computed at compile time), counts and location.
                        const SCRIPT: &'static ::scripts::__private::Script = {
                            static SCRIPT: ::scripts::__private::Script = #script_value;
                            ::scripts::__private::inventory::submit! { ::scripts::__private::Registered(&SCRIPT) }
                            &SCRIPT
                        };

                        #methods
                    }

                    impl ::core::ops::Deref for #companion {
                        type Target = ::scripts::__private::Script;

                        fn deref(&self) -> &::scripts::__private::Script {
                            Self::SCRIPT
                        }
                    }

                    #extra
                },
            }
        }
    }
}

/// Whether the companion has `call`, `pipe`, `blocking` and `nonblocking`: not for
/// functions with type or const parameters, which it could not always infer, nor
/// without a connection or a return type.
fn has_helpers(script: &ScriptFn) -> bool {
    let generics = &script.item.sig.generics;
    let generic = generics.type_params().next().is_some() || generics.const_params().next().is_some();
    !generic && script.output.is_some() && script.conn.is_some()
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
        // is reported there, at the user's code
        let span = param.ty.span();
        let method = match (param.role, param.variadic) {
            (parse::Role::Key, false) => quote_spanned!(span=> key),
            (parse::Role::Key, true) => quote_spanned!(span=> keys),
            (parse::Role::Arg, false) => quote_spanned!(span=> arg),
            (parse::Role::Arg, true) => quote_spanned!(span=> args),
        };
        let value = match parse::as_ref_target(&param.ty) {
            // `impl AsRef<str>`: the text it refers to
            Some(target) => quote_spanned!(span=> ::core::convert::AsRef::<#target>::as_ref(&#ident)),
            // by value: slices, `&Vec` and `Vec` are all `AsRef<[T]>` (and a borrow would trip clippy)
            None => quote!(#ident),
        };
        quote_spanned!(span=> __call.#method(#value);)
    });
    quote! {
        let mut __call = ::scripts::__private::Call::new(#descriptor, #fixed_keys #(#slice_lens)*);
        #(#pushes)*
    }
}

/// `call`, `pipe`, `blocking` and `nonblocking`: module functions, or methods taking
/// `&self` on an `impl`'s companion. Skipped for functions with type or const
/// parameters, which the companion could not always infer, and without a return type.
fn call_helpers(script: &ScriptFn, mode: Helpers, method: bool) -> TokenStream {
    if !has_helpers(script) {
        return TokenStream::new();
    }
    let (Some(output), Some(conn)) = (&script.output, &script.conn) else {
        return TokenStream::new();
    };
    let generics = &script.item.sig.generics;
    let inner_vis = if method {
        let vis = &script.item.vis;
        quote!(#vis)
    } else {
        inner_visibility(&script.item.vis)
    };
    let receiver = method.then(|| quote!(&self,));
    let lifetimes: Vec<_> = generics.lifetimes().collect();
    let where_clause = &generics.where_clause;
    let idents: Vec<&syn::Ident> = script.params.iter().map(|p| &p.ident).collect();
    // the parameter list once, interpolated into each helper: quoting a token stream into
    // another costs a round trip to the compiler per stream (the macro runs unoptimised)
    let types = script.params.iter().map(|p| &p.ty);
    let params = quote!(#(#idents: #types),*);
    let call_path = if method { quote!(self.call) } else { quote!(call) };
    let descriptor = if method { quote!(Self::SCRIPT) } else { quote!(&SCRIPT) };
    let (call_body, blocking_body, async_body) = match mode {
        Helpers::Real => {
            let build = build_call(script, descriptor);
            (
                quote!(#build __call),
                quote!(#call_path(#(#idents),*).invoke(#conn)),
                quote!(#call_path(#(#idents),*).invoke_async(#conn)),
            )
        }
        Helpers::Stub => {
            let stub = quote!(::core::unreachable!(
                "`#[redis_script]` rejected this script at compile time"
            ));
            (stub.clone(), stub.clone(), stub)
        }
    };
    let nonblocking = match mode {
        // not an `async fn`: the call is built at once and the future is the runtime's,
        // so rustc lowers and checks no state machine per script (13% of a rebuild of
        // 100 scripts' instructions); callers `.await` it alike
        Helpers::Real => quote! {
            #inner_vis fn nonblocking<'__conn, #(#lifetimes),*>(
                #receiver
                #conn: &'__conn mut impl ::scripts::AsyncConnection,
                #params
            ) -> impl ::core::future::Future<Output = ::scripts::Result<#output>> + '__conn #where_clause {
                #async_body
            }
        },
        Helpers::Stub => quote! {
            #[allow(unused_variables, clippy::diverging_sub_expression)]
            #inner_vis async fn nonblocking<#(#lifetimes),*>(
                #receiver
                #conn: &mut impl ::scripts::AsyncConnection,
                #params
            ) -> ::scripts::Result<#output> #where_clause {
                #async_body
            }
        },
    };
    let allow = (mode == Helpers::Stub).then(|| quote!(#[allow(unused_variables, clippy::diverging_sub_expression)]));
    let name = script.item.sig.ident.to_string();
    let call_doc = format!("The call `{name}(...)` makes, built but not sent (for pipelines and custom sending).");
    let pipe_doc = format!(
        "Adds `{name}(...)` to a pipeline (plain or `atomic()`); the reply comes back with the others. Sent as `EVAL`, so it works whether or not the script is cached. Fails, adding nothing, when a `#[key(prefix)]` or `#[arg(prefix)]` value has no hash tag."
    );
    let blocking_doc =
        format!("`{name}(...)` on a blocking connection (`redis::Connection`, cluster `ClusterConnection`).");
    let async_doc = format!(
        "`{name}(...)` on an async connection (`MultiplexedConnection`, `ConnectionManager`, cluster `ClusterConnection`)."
    );
    quote! {
        #[doc = #call_doc]
        #allow
        #inner_vis fn call<#(#lifetimes),*>(#receiver #params) -> ::scripts::__private::Call<'static> #where_clause {
            #call_body
        }

        #[doc = #pipe_doc]
        #inner_vis fn pipe<'__pipe, #(#lifetimes),*>(
            #receiver
            pipe: &'__pipe mut ::scripts::redis::Pipeline,
            #params
        ) -> ::scripts::Result<&'__pipe mut ::scripts::redis::Pipeline> #where_clause {
            #call_path(#(#idents),*).add_to(pipe)
        }

        #[doc = #blocking_doc]
        #allow
        #inner_vis fn blocking<#(#lifetimes),*>(
            #receiver
            #conn: &mut impl ::scripts::Connection,
            #params
        ) -> ::scripts::Result<#output> #where_clause {
            #blocking_body
        }

        #[doc = #async_doc]
        #nonblocking
    }
}

/// Where the Lua text starts (a `Location` expression) and the Rust line of each
/// Lua line; unknown and empty when the compiler did not say (an IDE).
pub(crate) fn location_and_lines(located: &Located) -> (TokenStream, Vec<u32>) {
    if !located.map.is_placed() {
        // the compiler did not say where (an IDE): unknown, rather than a made-up place
        return (unknown_location(), Vec::new());
    }
    let start = located.map.host_position(0);
    let file = located.map.path();
    let (line, column) = (start.line as u32, start.column as u32);
    let index = LineIndex::new(&located.source);
    let lines: Vec<u32> = (0..index.len())
        .map(|l| located.map.host_line(index.line_start(l)) as u32)
        .collect();
    (
        quote!(::scripts::__private::Location { file: #file, line: #line, column: #column }),
        lines,
    )
}

/// A `Location` that says it is unknown.
pub(crate) fn unknown_location() -> TokenStream {
    quote!(::scripts::__private::Location {
        file: "",
        line: 0,
        column: 0
    })
}

/// `# Keys` docs for the generated function: `#[key]` is gone from the signature, so
/// the docs say which parameters fill `KEYS`, which are prefixes, which arguments are
/// prefixes, and (from the check, when it ran) which keys the script builds that it
/// does not declare.
pub(crate) fn keys_doc(script: &ScriptFn, derived: &[DerivedKeys]) -> TokenStream {
    let mut lines = Vec::new();
    for (position, key) in (1..).zip(script.keys()) {
        let slot = if key.variadic {
            format!("`KEYS[{position}]` and after (a slice)")
        } else {
            format!("`KEYS[{position}]`")
        };
        let prefix = match key.prefix {
            Some(p) if p.allow_untagged => {
                ", a prefix (`#[key(prefix, allow_untagged)]`): the script builds keys from it; a cluster connection refuses a value without a hash tag"
            }
            Some(_) => {
                ", a prefix (`#[key(prefix)]`): the script builds keys from it, so the value needs a hash tag such as `jobs:{orders}:`"
            }
            None => "",
        };
        lines.push(format!("- `{}`: {slot}{prefix}", key.ident));
    }
    for (position, arg) in (1..).zip(script.args()) {
        let Some(prefix) = arg.prefix else { continue };
        let slot = if arg.variadic {
            format!("`ARGV[{position}]` and after (a slice)")
        } else {
            format!("`ARGV[{position}]`")
        };
        let check = if prefix.allow_untagged {
            "a value without a hash tag is accepted on a single server only (`#[arg(prefix, allow_untagged)]`), and on a cluster its slot must be the declared keys'"
        } else {
            "so the value needs a hash tag (`jobs:{orders}:`) in the slot of the declared keys, checked before sending"
        };
        lines.push(format!(
            "- `{}`: {slot}, an argument prefix (`#[arg(prefix)]`): the script builds keys from it that it does not declare in `KEYS`, {check}",
            arg.ident
        ));
    }
    if lines.is_empty() && derived.iter().all(|d| !d.undeclared()) {
        return TokenStream::new();
    }
    let mut doc = vec![String::new(), "# Keys".to_owned(), String::new()];
    doc.extend(lines);
    let undeclared: Vec<String> = derived
        .iter()
        .filter(|d| d.undeclared())
        .map(|d| {
            let from = match &d.from {
                KeySource::Arg(index) => {
                    let name = script
                        .args()
                        .nth(index - 1)
                        .or_else(|| script.args().find(|a| a.variadic))
                        .map_or(String::new(), |a| format!(" (`{}`)", a.ident));
                    format!("`ARGV[{index}]`{name}")
                }
                KeySource::Annotation { target, prefix, .. } => format!(
                    "`{target}`, which an annotation in the script declares a {} (no run-time check of its hash tag is possible)",
                    if *prefix { "prefix" } else { "key" }
                ),
                KeySource::Key(index) => format!("`KEYS[{index}]`"),
            };
            format!("- from {from}: {}", plural(d.uses.len(), "use", "uses"))
        })
        .collect();
    if !undeclared.is_empty() {
        doc.push(String::new());
        doc.push("Keys the script builds that it does not declare in `KEYS` (the checker found them): on Redis Cluster their prefix must carry a hash tag of the declared keys' slot; Dragonfly and Kvrocks run the script only with their undeclared-keys option.".to_owned());
        doc.push(String::new());
        doc.extend(undeclared);
    }
    doc.push(String::new());
    doc.push("The other parameters after the connection fill `ARGV`, in order.".to_owned());
    // one attribute, not one per line: rustdoc reads them alike, and rustc has fewer
    // tokens to take in on every rebuild
    let doc = doc.join("\n");
    quote!(#[doc = #doc])
}

fn plural(n: usize, one: &str, many: &str) -> String {
    format!("{n} {}", if n == 1 { one } else { many })
}

/// `.__with_prefixes(&[...])` for the `#[key(prefix)]` parameters and
/// `.__with_arg_prefixes(&[...])` for the `#[arg(prefix)]` ones, or nothing.
pub(crate) fn prefix_table(script: &ScriptFn) -> TokenStream {
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
    let mut arg_entries = Vec::new();
    for (position, arg) in script.args().enumerate() {
        if let Some(prefix) = arg.prefix {
            let param = arg.ident.to_string();
            let slice = arg.variadic;
            let allow_untagged = prefix.allow_untagged;
            arg_entries.push(quote! {
                ::scripts::__private::PrefixArg {
                    position: #position,
                    param: #param,
                    slice: #slice,
                    allow_untagged: #allow_untagged,
                }
            });
        }
    }
    let keys = (!entries.is_empty()).then(|| quote!(.__with_prefixes(&[#(#entries),*])));
    let args = (!arg_entries.is_empty()).then(|| quote!(.__with_arg_prefixes(&[#(#arg_entries),*])));
    quote!(#keys #args)
}

pub(crate) fn fixed_and_variadic<'a>(params: impl Iterator<Item = &'a Param>) -> (usize, bool) {
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

pub(crate) use crate::cache::sha1_hex;

/// Visibility of items inside the companion module: as visible as the function,
/// without tripping `unreachable_pub` in crates that enable it.
pub(crate) fn inner_visibility(vis: &syn::Visibility) -> TokenStream {
    match vis {
        syn::Visibility::Public(_) => quote!(pub),
        _ => quote!(pub(crate)),
    }
}

/// `TRANSFER` for `transfer`, `GET_USER` for `r#get_user`.
pub(crate) fn const_name(name: &syn::Ident) -> syn::Ident {
    let text = name.to_string();
    let text = text.strip_prefix("r#").unwrap_or(&text).to_ascii_uppercase();
    format_ident!("{}", text, span = name.span())
}

/// `RepoTransferScript` for `Repo` and `transfer`.
pub(crate) fn companion_name(type_name: &str, name: &syn::Ident) -> syn::Ident {
    let text = name.to_string();
    let camel: String = text
        .strip_prefix("r#")
        .unwrap_or(&text)
        .split('_')
        .filter(|part| !part.is_empty())
        .map(|part| {
            let mut chars = part.chars();
            chars
                .next()
                .map(|c| c.to_ascii_uppercase())
                .into_iter()
                .chain(chars)
                .collect::<String>()
        })
        .collect();
    format_ident!("{type_name}{camel}Script", span = Span::call_site())
}
