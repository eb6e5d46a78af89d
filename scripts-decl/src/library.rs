//! `#[redis_library(...)]` on a module: its options, its bodiless function
//! declarations, and the [`LibrarySignature`] they make.

use proc_macro2::TokenStream;
use syn::parse::Parser;
use syn::spanned::Spanned;
use syn::{Ident, Item, ItemFn, LitStr};

use scripts_lint::{Level, LibrarySignature, Target};

use crate::config::Config;
use crate::errors::Errors;
use crate::parse::{self, ScriptFn};

/// `#[redis_library(...)]` options.
#[derive(Default)]
pub struct Options {
    /// `file = "lua/bank.lua"`, relative to the crate root.
    pub file: Option<LitStr>,
    /// `source = r#"..."#`.
    pub source: Option<LitStr>,
    /// `allow(...)`, `warn(...)`, `deny(...)`, in the order written.
    pub levels: Vec<(Level, Ident)>,
    /// `min_version = "7.4"`.
    pub target: Option<Target>,
    /// `stable_names`.
    pub stable_names: bool,
}

/// Reads the attribute's options; problems go into `errors`.
pub fn parse_options(attr: TokenStream, errors: &mut Errors) -> Options {
    let mut options = Options::default();
    let parser = syn::meta::parser(|meta| {
        let word = meta.path.get_ident().map(Ident::to_string).unwrap_or_default();
        match word.as_str() {
            "file" | "source" => {
                let lit: LitStr = meta.value()?.parse()?;
                let slot = if word == "file" {
                    &mut options.file
                } else {
                    &mut options.source
                };
                if slot.is_some() {
                    errors.at(lit.span(), format!("`{word}` is given twice"));
                }
                *slot = Some(lit);
            }
            "allow" | "warn" | "deny" => parse::parse_levels(&meta, &word, &mut options.levels, errors)?,
            "stable_names" => options.stable_names = true,
            "min_version" => parse::parse_target(
                &meta,
                &mut options.target,
                "the oldest server the library must load on",
                errors,
            )?,
            _ => {
                errors.at(
                    meta.path.span(),
                    format!(
                        "unknown `redis_library` option `{}`: expected `file = \"lua/name.lua\"`, `source = r#\"...\"#`, `min_version = \"7.4\"`, `stable_names`, `allow(...)`, `warn(...)` or `deny(...)`",
                        parse::path_text(&meta.path)
                    ),
                );
                parse::skip_value(&meta)?;
            }
        }
        Ok(())
    });
    if let Err(error) = parser.parse2(attr) {
        errors.push(error);
    }
    options
}

/// The module's items split into the function declarations (each with its own errors,
/// so a broken one falls back alone) and the other items, kept as written.
pub fn declarations(items: Vec<Item>) -> (Vec<(ScriptFn, Errors)>, Vec<Item>) {
    let mut declarations: Vec<(ScriptFn, Errors)> = Vec::new();
    let mut others: Vec<Item> = Vec::new();
    for item in items {
        let function = match item {
            Item::Fn(function) => {
                // a body, even `{}`, says the function does something in Rust
                let mut own = Errors::default();
                own.at(
                    function.block.brace_token.span.join(),
                    "a library function's declaration takes no body: replace `{ ... }` with `;` (its code is the library's Lua)",
                );
                Some((function, own))
            }
            // `fn name(...) -> T;` reaches the macro as tokens syn does not take for a
            // module item
            Item::Verbatim(tokens) => match syn::parse2::<syn::ForeignItemFn>(tokens.clone()) {
                Ok(declared) => Some((
                    ItemFn {
                        attrs: declared.attrs,
                        vis: declared.vis,
                        modifiers: Default::default(),
                        sig: declared.sig,
                        block: Box::new(syn::Block {
                            brace_token: Default::default(),
                            stmts: Vec::new(),
                        }),
                    },
                    Errors::default(),
                )),
                Err(_) => {
                    others.push(Item::Verbatim(tokens));
                    None
                }
            },
            other => {
                others.push(other);
                None
            }
        };
        if let Some((function, mut own)) = function {
            let declaration = parse::parse_declaration(function, &mut own);
            declarations.push((declaration, own));
        }
    }
    (declarations, others)
}

/// What the checker needs of the library's declarations: the crate's `scripts.toml`
/// first, the attribute's levels after it, and one signature per declaration (a broken
/// declaration's function is checked alone, with open counts). Problems with the
/// attribute's levels go into `errors`, each declaration's into its own.
pub fn signature(
    options: &Options,
    declarations: &mut [(ScriptFn, Errors)],
    config: &Config,
    errors: &mut Errors,
) -> LibrarySignature {
    let mut signature = LibrarySignature {
        declared: true,
        levels: config.levels.clone(),
        target: options.target.or(config.target).unwrap_or_default(),
        host: scripts_lint::Host::Rust,
        ..LibrarySignature::default()
    };
    signature
        .levels
        .extend(crate::signature::checked_levels(&options.levels, errors));
    for (declaration, own) in declarations {
        let mut declared = crate::signature::signature(declaration, config, own);
        if !own.is_empty() {
            // the declaration is broken: check its function's Lua alone
            declared = declared.permissive();
        }
        signature
            .functions
            .push((declaration.item.sig.ident.to_string(), declared));
    }
    signature
}
