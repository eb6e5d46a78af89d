//! `#[redis_library(...)]` on a module: its options, its bodiless function
//! declarations, and the [`LibrarySignature`] they make.

use proc_macro2::{Span, TokenStream};
use syn::ext::IdentExt;
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
/// so a broken one falls back alone), the registered name each calls (in the same
/// order), and the other items, kept as written.
pub fn declarations(items: Vec<Item>) -> (Vec<(ScriptFn, Errors)>, Vec<Registered>, Vec<Item>) {
    let mut declarations: Vec<(ScriptFn, Errors)> = Vec::new();
    let mut registered: Vec<Registered> = Vec::new();
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
        if let Some((mut function, mut own)) = function {
            registered.push(registered_name(&mut function, &mut own));
            let declaration = parse::parse_declaration(function, &mut own);
            declarations.push((declaration, own));
        }
    }
    (declarations, registered, others)
}

/// The registered name a declaration calls: its `#[function(name = "...")]`, or the
/// function's own name (`r#type` calls `type`).
pub struct Registered {
    /// The name the library registers the function under.
    pub name: String,
    /// Where that name is written.
    pub span: Span,
    /// The Rust function, for messages.
    pub rust: String,
}

/// How to give a declaration the registered name it calls, for messages.
const FUNCTION_ATTRIBUTE: &str = "`#[function(name = \"registered_name\")]`";

/// Takes the declaration's `#[function(name = "...")]`, if any, and says which
/// registered name it calls.
fn registered_name(function: &mut ItemFn, errors: &mut Errors) -> Registered {
    let ident = &function.sig.ident;
    let rust = ident.unraw().to_string();
    let mut out = Registered {
        name: rust.clone(),
        span: ident.span(),
        rust,
    };
    let mut seen = false;
    function.attrs.retain(|attr| {
        if !attr.path().is_ident("function") {
            return true;
        }
        if std::mem::replace(&mut seen, true) {
            errors.spanned(attr, format!("`#[function]` is given twice: give the registered name once, {FUNCTION_ATTRIBUTE}"));
            return false;
        }
        let mut name: Option<LitStr> = None;
        let parsed = attr.parse_nested_meta(|meta| {
            if meta.path.is_ident("name") {
                let lit: LitStr = meta.value()?.parse()?;
                if name.is_some() {
                    errors.at(lit.span(), "`name` is given twice");
                }
                name = Some(lit);
                return Ok(());
            }
            errors.at(
                meta.path.span(),
                format!(
                    "unknown `function` option `{}`: the only one is the name the library registers the function under, {FUNCTION_ATTRIBUTE}",
                    parse::path_text(&meta.path)
                ),
            );
            parse::skip_value(&meta)
        });
        match (parsed, name) {
            (Err(_), _) | (Ok(()), None) => errors.spanned(
                attr,
                format!("say which registered function this declaration calls: {FUNCTION_ATTRIBUTE}"),
            ),
            (Ok(()), Some(lit)) => {
                let value = lit.value();
                if !scripts_lint::valid_function_name(&value) {
                    errors.at(
                        lit.span(),
                        format!(
                            "no library can register a function named `{value}`: Redis function names are letters, digits and `_` (it answers `Library names can only contain letters, numbers, or underscores(_) and must be at least one character long`)"
                        ),
                    );
                }
                out.name = value;
                out.span = lit.span();
            }
        }
        false
    });
    out
}

/// What the checker needs of the library's declarations: the crate's `scripts.toml`
/// first, the attribute's levels after it, and one signature per declaration (a broken
/// declaration's function is checked alone, with open counts), under the registered
/// name it calls (`registered`, as [`declarations`] gives them). Problems with the
/// attribute's levels go into `errors`, each declaration's into its own (a registered
/// function declared twice too).
pub fn signature(
    options: &Options,
    declarations: &mut [(ScriptFn, Errors)],
    registered: &[Registered],
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
    for (i, (declaration, own)) in declarations.iter_mut().enumerate() {
        let name = &registered[i];
        if let Some(earlier) = registered[..i]
            .iter()
            .find(|r| scripts_lint::same_function_name(&r.name, &name.name))
        {
            own.at(
                name.span,
                format!(
                    "`{}` is declared twice: `{}` calls it already; declare each registered function once",
                    name.name, earlier.rust
                ),
            );
        }
        let mut declared = crate::signature::signature(declaration, config, own);
        if !own.is_empty() {
            // the declaration is broken: check its function's Lua alone
            declared = declared.permissive();
        }
        signature.functions.push((name.name.clone(), declared));
    }
    signature
}
