//! The declarations of a Rust source file that name a `.lua` file: each
//! `#[redis_script(file = ...)]` function (free, in an `impl`, in a module or a
//! function body) and `#[redis_library(file = ...)]` module, read into the signature
//! the macro checks that file against, by the macro's own code.

use std::path::{Path, PathBuf};

use proc_macro2::TokenStream;
use scripts_lint::{LibrarySignature, Signature};
use syn::{ImplItem, Item, ItemFn, Stmt};

use crate::config::{self, Config};
use crate::errors::Errors;
use crate::{library, parse, signature};

/// What a declaration makes of the `.lua` file it names.
#[derive(Clone, Debug)]
pub enum Declared {
    /// A script, checked with `scripts_lint::check`.
    Script(Signature),
    /// A function library, checked with `scripts_lint::check_library`.
    Library(LibrarySignature),
}

/// A declaration naming a `.lua` file.
#[derive(Clone, Debug)]
pub struct Declaration {
    /// The `.lua` file: the crate root joined with the `file = ...` value.
    pub file: PathBuf,
    /// The signature the build checks the file against.
    pub declared: Declared,
    /// The function or module's name.
    pub name: String,
    /// Where the name is written in the Rust file: 1-based line, 0-based column in
    /// characters.
    pub at: (usize, usize),
    /// The declaration's own problems (the build reports them; the file is then checked
    /// with open counts, as the build does).
    pub problems: Vec<String>,
}

/// The declarations in `text`, a Rust source file of the crate whose root (the folder
/// holding its `Cargo.toml`) is `root`; `env` is the value of `SCRIPTS_TOML` the build
/// sees. A file that does not parse declares nothing.
pub fn declarations(text: &str, root: &Path, env: Option<&str>) -> Vec<Declaration> {
    // most Rust files declare no script: no parse for them
    if !(text.contains("redis_script") || text.contains("redis_library")) || !text.contains("file") {
        return Vec::new();
    }
    let Ok(file) = syn::parse_file(text) else {
        return Vec::new();
    };
    let mut out = Vec::new();
    let scan = Scan { root, env };
    for item in file.items {
        scan.item(item, &mut out);
    }
    out
}

struct Scan<'a> {
    root: &'a Path,
    env: Option<&'a str>,
}

impl Scan<'_> {
    fn item(&self, item: Item, out: &mut Vec<Declaration>) {
        match item {
            Item::Fn(mut function) => {
                if let Some(attr) = take_attr(&mut function.attrs, "redis_script") {
                    self.script(attr, function.clone(), out);
                }
                self.stmts(function.block.stmts, out);
            }
            Item::Mod(mut module) => {
                if let Some(attr) = take_attr(&mut module.attrs, "redis_library") {
                    self.library(attr, module.clone(), out);
                }
                for item in module.content.map(|(_, items)| items).unwrap_or_default() {
                    self.item(item, out);
                }
            }
            Item::Impl(block) => {
                for item in block.items {
                    let ImplItem::Fn(mut function) = item else { continue };
                    if let Some(attr) = take_attr(&mut function.attrs, "redis_script") {
                        let item_fn = ItemFn {
                            attrs: function.attrs,
                            vis: function.vis,
                            modifiers: function.modifiers,
                            sig: function.sig,
                            block: Box::new(function.block.clone()),
                        };
                        self.script(attr, item_fn, out);
                    }
                    self.stmts(function.block.stmts, out);
                }
            }
            _ => {}
        }
    }

    fn stmts(&self, stmts: Vec<Stmt>, out: &mut Vec<Declaration>) {
        for stmt in stmts {
            if let Stmt::Item(item) = stmt {
                self.item(item, out);
            }
        }
    }

    fn config(&self, errors: &mut Errors) -> Config {
        Config::load(self.root, self.env, errors)
    }

    /// As `expand::script_fn` of the macro: parse, `scripts.toml`, signature, and open
    /// counts when anything was wrong.
    fn script(&self, attr: TokenStream, item: ItemFn, out: &mut Vec<Declaration>) {
        let mut errors = Errors::default();
        let script = parse::parse_fn(attr, item, self.root, &mut errors);
        let Some(lit) = &script.options.file else { return };
        let file = self.root.join(lit.value());
        let config = self.config(&mut errors);
        let mut declared = signature::signature(&script, &config, &mut errors);
        if !errors.is_empty() {
            declared = declared.permissive();
        }
        let start = script.item.sig.ident.span().start();
        out.push(Declaration {
            file,
            declared: Declared::Script(declared),
            name: script.item.sig.ident.to_string(),
            at: (start.line, start.column),
            problems: errors.messages().collect(),
        });
    }

    /// As `library::expand` of the macro, up to the check.
    fn library(&self, attr: TokenStream, module: syn::ItemMod, out: &mut Vec<Declaration>) {
        let mut errors = Errors::default();
        let options = library::parse_options(attr, &mut errors);
        let Some(lit) = &options.file else { return };
        let file = self.root.join(lit.value());
        let items = module.content.map(|(_, items)| items).unwrap_or_default();
        let (mut declarations, registered, _) = library::declarations(items);
        let config = self.config(&mut errors);
        let declared = library::signature(&options, &mut declarations, &registered, &config, &mut errors);
        let start = module.ident.span().start();
        let mut problems: Vec<String> = errors.messages().collect();
        problems.extend(declarations.iter().flat_map(|(_, own)| own.messages()));
        out.push(Declaration {
            file,
            declared: Declared::Library(declared),
            name: module.ident.to_string(),
            at: (start.line, start.column),
            problems,
        });
    }
}

/// Removes the attribute whose path ends in `name` (`redis_script`,
/// `scripts::redis_script`) and returns its tokens (empty for `#[redis_script]`).
fn take_attr(attrs: &mut Vec<syn::Attribute>, name: &str) -> Option<TokenStream> {
    let position = attrs
        .iter()
        .position(|attr| attr.path().segments.last().is_some_and(|s| s.ident == name))?;
    let attr = attrs.remove(position);
    Some(match attr.meta {
        syn::Meta::List(list) => list.tokens,
        _ => TokenStream::new(),
    })
}

/// The value of `SCRIPTS_TOML` a build of the crate at `root` sees from the `[env]`
/// table of `.cargo/config.toml` (in `root` or a parent), when set there as a string
/// or `{ value = "...", relative = true }` (then made absolute, as cargo does). Read
/// with a plain line scan: only that one entry matters.
pub fn scripts_toml_env(root: &Path) -> Option<String> {
    for dir in root.ancestors() {
        for name in ["config.toml", "config"] {
            let path = dir.join(".cargo").join(name);
            let Ok(text) = std::fs::read_to_string(&path) else {
                continue;
            };
            if let Some(value) = env_entry(&text, config::ENV) {
                let (value, relative) = value;
                return Some(if relative {
                    dir.join(value).to_string_lossy().into_owned()
                } else {
                    value
                });
            }
        }
    }
    None
}

/// `NAME = "v"` or `NAME = { value = "v", relative = true }` in the `[env]` table.
fn env_entry(text: &str, name: &str) -> Option<(String, bool)> {
    let mut in_env = false;
    for line in text.lines() {
        let line = line.trim();
        if line.starts_with('[') {
            in_env = line == "[env]";
            continue;
        }
        let (key, value) = if in_env {
            line.split_once('=')?
        } else if let Some(rest) = line.strip_prefix("env.") {
            rest.split_once('=')?
        } else {
            continue;
        };
        if key.trim().trim_matches('"') != name {
            continue;
        }
        let value = value.trim();
        let quoted = |s: &str| {
            let s = s.trim();
            let inner = s.strip_prefix('"')?;
            Some(inner[..inner.find('"')?].to_owned())
        };
        if value.starts_with('{') {
            let text = value
                .find("value")
                .and_then(|i| value[i..].split_once('=').map(|(_, v)| v))?;
            let relative = value.replace(' ', "").contains("relative=true");
            return quoted(text).map(|v| (v, relative));
        }
        return quoted(value).map(|v| (v, false));
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;
    use scripts_lint::{Count, ParamType, ReturnType};

    #[test]
    fn scripts_in_every_place_are_found_with_their_signature() {
        let dir = std::env::temp_dir().join(format!("scripts-decl-scan-{}", std::process::id()));
        std::fs::create_dir_all(dir.join("lua")).unwrap();
        std::fs::write(
            dir.join("scripts.toml"),
            "min_version = \"7.4\"\n[lints]\nunused_arg = \"deny\"\n",
        )
        .unwrap();
        for name in ["move", "in_impl", "broken"] {
            std::fs::write(dir.join(format!("lua/{name}.lua")), "return 1\n").unwrap();
        }
        std::fs::write(dir.join("lua/bank.lua"), "#!lua name=bank\n").unwrap();
        let text = r#"
            use scripts::redis_script;

            /// Moves a job.
            #[redis_script(file = "lua/move.lua", allow(dynamic_command))]
            async fn move_job(con: &mut impl scripts::AsyncConnection, #[key(prefix)] queue: &str, #[key] to: &str, id: i64) -> scripts::Result<Option<String>> {}

            struct Repo;
            #[redis_script]
            impl Repo {
                #[scripts::redis_script(file = "lua/in_impl.lua")]
                fn in_impl(con: &mut impl scripts::Connection, #[key] k: &str) -> scripts::Result<()> {}
            }

            mod nested {
                #[scripts::redis_library(file = "lua/bank.lua")]
                mod bank {
                    pub fn transfer(con: &mut impl scripts::Connection, #[key] from: &str, amount: i64) -> scripts::Result<i64>;
                }
            }

            fn in_a_body() {
                #[redis_script(file = "lua/broken.lua")]
                fn broken(#[key] k: &str) -> scripts::Result<()> {}
            }

            #[redis_script]
            fn inline(con: &mut impl scripts::Connection) -> scripts::Result<()> { "return 1" }
        "#;
        let found = declarations(text, &dir, None);
        let names: Vec<&str> = found.iter().map(|d| d.name.as_str()).collect();
        assert_eq!(names, ["move_job", "in_impl", "bank", "broken"]);
        assert_eq!(found[0].file, dir.join("lua/move.lua"));
        assert_eq!(found[0].at.0, 6);
        let Declared::Script(signature) = &found[0].declared else {
            panic!()
        };
        assert_eq!(signature.key_count(), Count::Exact(2));
        assert!(signature.keys[0].prefix && !signature.keys[1].prefix);
        assert_eq!(signature.args[0].ty, ParamType::Int64);
        assert_eq!(signature.returns, ReturnType::Option(Box::new(ReturnType::Text)));
        assert_eq!(signature.target, scripts_lint::Target::Redis7_4);
        // `scripts.toml` first, the attribute after it
        assert_eq!(signature.levels.len(), 2);
        assert_eq!(signature.levels[1].0, "dynamic_command");
        assert!(found[0].problems.is_empty(), "{:?}", found[0].problems);
        let Declared::Library(library) = &found[2].declared else {
            panic!()
        };
        assert_eq!(library.functions[0].0, "transfer");
        assert_eq!(library.functions[0].1.key_count(), Count::Exact(1));
        // no connection: the build refuses the declaration, and checks the file with open counts
        let Declared::Script(broken) = &found[3].declared else {
            panic!()
        };
        assert_eq!(broken.key_count(), Count::AtLeast(0));
        assert!(
            found[3].problems.iter().any(|p| p.contains("must be the connection")),
            "{:?}",
            found[3].problems
        );
        std::fs::remove_dir_all(&dir).ok();
    }

    #[test]
    fn a_library_declaration_is_read_as_the_macro_reads_it() {
        // registered names (`#[function(name)]`, a raw identifier), an argument prefix,
        // and a registered function declared twice
        let text = r#"
            #[redis_library(file = "lua/queue.lua")]
            mod queue {
                #[function(name = "addJob")]
                pub fn add_job(con: &mut impl scripts::Connection, #[key] jobs: &str, #[arg(prefix)] base: &str) -> scripts::Result<i64>;
                pub fn r#move(con: &mut impl scripts::Connection, #[key] from: &str) -> scripts::Result<i64>;
                pub fn addjob(con: &mut impl scripts::Connection) -> scripts::Result<i64>;
            }
        "#;
        let found = declarations(text, Path::new("/p"), None);
        let Declared::Library(library) = &found[0].declared else {
            panic!()
        };
        let names: Vec<&str> = library.functions.iter().map(|(name, _)| name.as_str()).collect();
        assert_eq!(names, ["addJob", "move", "addjob"]);
        let add_job = &library.functions[0].1;
        assert!(add_job.args[0].prefix && !add_job.keys[0].prefix);
        assert_eq!(found[0].problems.len(), 1, "{:?}", found[0].problems);
        assert!(found[0].problems[0].contains("`addjob` is declared twice: `add_job` calls it already"));
    }

    #[test]
    fn files_without_declarations_are_not_parsed() {
        assert!(declarations("fn main() { let file = 1; }", Path::new("/"), None).is_empty());
        assert!(declarations("this is not rust redis_script file", Path::new("/"), None).is_empty());
    }

    #[test]
    fn the_environment_entry_of_cargo_config() {
        assert_eq!(
            env_entry(
                "[env]\nSCRIPTS_TOML = { value = \"scripts.toml\", relative = true }\n",
                "SCRIPTS_TOML"
            ),
            Some(("scripts.toml".to_owned(), true))
        );
        assert_eq!(
            env_entry(
                "[build]\nx = 1\n[env]\nOTHER = \"a\"\nSCRIPTS_TOML = \"conf/s.toml\"\n",
                "SCRIPTS_TOML"
            ),
            Some(("conf/s.toml".to_owned(), false))
        );
        assert_eq!(env_entry("[build]\nSCRIPTS_TOML = \"x\"\n", "SCRIPTS_TOML"), None);
    }
}
