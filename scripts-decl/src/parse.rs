//! The attribute's options and the annotated `fn` become a [`ScriptFn`], with every
//! signature problem pushed into [`Errors`] (nothing stops at the first).

use std::path::{Path, PathBuf};

use proc_macro2::{Span, TokenStream};
use syn::meta::ParseNestedMeta;
use syn::parse::Parser;
use syn::spanned::Spanned;
use syn::{Expr, FnArg, GenericArgument, Ident, ItemFn, Lit, LitStr, Pat, PathArguments, ReturnType, Stmt, Type};

use scripts_lint::{Level, Target};

use crate::errors::Errors;

/// `#[redis_script(...)]` options.
#[derive(Default)]
pub struct Options {
    /// `file = "lua/x.lua"`: the script's file, relative to the crate root.
    pub file: Option<LitStr>,
    /// `allow(...)`, `warn(...)`, `deny(...)`, in the order written.
    pub levels: Vec<(Level, Ident)>,
    /// `read_only`.
    pub read_only: bool,
    /// `min_version = "7.4"`: the oldest server the script must run on.
    pub target: Option<Target>,
}

/// Whether a parameter fills `KEYS` or `ARGV`.
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
pub enum Role {
    /// `#[key]`: fills `KEYS`.
    Key,
    /// Any other parameter after the connection: fills `ARGV`.
    Arg,
}

/// One script parameter after the connection.
pub struct Param {
    /// Its name.
    pub ident: Ident,
    /// Its type as written.
    pub ty: Type,
    /// `KEYS` or `ARGV`.
    pub role: Role,
    /// A slice or `Vec` that spreads into several entries.
    pub variadic: bool,
    /// `#[key(prefix)]` or `#[arg(prefix)]`: the script may build keys by appending to
    /// this one.
    pub prefix: Option<Prefix>,
}

/// How a `#[key(prefix)]` or `#[arg(prefix)]` value is checked at run time.
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
pub struct Prefix {
    /// `allow_untagged`: a value without a hash tag is accepted on a single server (a
    /// cluster still refuses it).
    pub allow_untagged: bool,
}

/// What `#[key]`, `#[key(...)]` or `#[arg(...)]` said about a parameter.
enum KeyAttr {
    None,
    Key(Option<Prefix>),
    /// `#[arg(prefix)]`: an argument the script builds keys from.
    ArgPrefix(Prefix),
}

/// Where the Lua text comes from.
pub enum Body {
    /// The string literal that is the function's body (or a library's `source`).
    Literal(LitStr),
    /// `file = "..."`, read.
    File {
        /// The `file = "..."` literal, which findings point at.
        lit: LitStr,
        /// The file (the crate root joined with the literal's value).
        path: PathBuf,
        /// Its text.
        text: String,
    },
}

/// The annotated function, with `#[key]` markers removed from `item`.
pub struct ScriptFn {
    /// The function, `#[key]` markers removed.
    pub item: ItemFn,
    /// Its attribute's options.
    pub options: Options,
    /// The connection parameter's name.
    pub conn: Option<Ident>,
    /// The parameters after the connection.
    pub params: Vec<Param>,
    /// `T` of `scripts::Result<T>`.
    pub output: Option<Type>,
    /// The Lua text, when it could be had.
    pub body: Option<Body>,
}

impl ScriptFn {
    /// The `#[key]` parameters, in order.
    pub fn keys(&self) -> impl Iterator<Item = &Param> {
        self.params.iter().filter(|p| p.role == Role::Key)
    }

    /// The argument parameters, in order.
    pub fn args(&self) -> impl Iterator<Item = &Param> {
        self.params.iter().filter(|p| p.role == Role::Arg)
    }
}

const CONNECTION_HINT: &str =
    "`con: &mut impl scripts::AsyncConnection` (or `&mut impl scripts::Connection` for a blocking `fn`)";

/// Parses the macro input; a `file = ...` is read from `root`, the crate root. `Err`
/// carries the original item when it is not a function at all, so it can be passed
/// through untouched beside the error.
pub fn parse(attr: TokenStream, item: TokenStream, root: &Path, errors: &mut Errors) -> Result<ScriptFn, TokenStream> {
    let item: ItemFn = match syn::parse2(item.clone()) {
        Ok(item) => item,
        Err(_) => {
            parse_options(attr, errors);
            errors.at(
                Span::call_site(),
                "`#[redis_script]` goes on a function: `async fn name(con: &mut impl scripts::AsyncConnection, ...) -> scripts::Result<T> { r#\"...\"# }`, or on an `impl` block whose script functions carry it too",
            );
            return Err(item);
        }
    };
    Ok(parse_fn(attr, item, root, errors))
}

/// [`parse`] for a function already parsed (a function of an `impl` block).
pub fn parse_fn(attr: TokenStream, mut item: ItemFn, root: &Path, errors: &mut Errors) -> ScriptFn {
    let options = parse_options(attr, errors);
    check_modifiers(&item, errors);
    let (conn, params) = parse_params(&mut item, errors);
    let output = parse_output(&item, errors);
    let body = parse_body(&item, &options, root, errors);
    ScriptFn {
        item,
        options,
        conn,
        params,
        output,
        body,
    }
}

/// A function of a `#[redis_library]` module: declared without a body (the Lua is
/// the library's), with no options of its own.
pub fn parse_declaration(mut item: ItemFn, errors: &mut Errors) -> ScriptFn {
    check_modifiers(&item, errors);
    let (conn, params) = parse_params(&mut item, errors);
    let output = parse_output(&item, errors);
    ScriptFn {
        item,
        options: Options::default(),
        conn,
        params,
        output,
        body: None,
    }
}

fn parse_options(attr: TokenStream, errors: &mut Errors) -> Options {
    let mut options = Options::default();
    let parser = syn::meta::parser(|meta| {
        let word = meta.path.get_ident().map(Ident::to_string).unwrap_or_default();
        match word.as_str() {
            "file" => {
                let lit: LitStr = meta.value()?.parse()?;
                if options.file.is_some() {
                    errors.at(lit.span(), "`file` is given twice");
                }
                options.file = Some(lit);
            }
            "allow" | "warn" | "deny" => parse_levels(&meta, &word, &mut options.levels, errors)?,
            "read_only" => options.read_only = true,
            "min_version" => parse_target(
                &meta,
                &mut options.target,
                "the oldest server the script must run on",
                errors,
            )?,
            _ => {
                errors.at(
                    meta.path.span(),
                    format!(
                        "unknown `redis_script` option `{}`: expected `file = \"path.lua\"`, `allow(...)`, `warn(...)`, `deny(...)`, `read_only` or `min_version = \"7.4\"`",
                        path_text(&meta.path)
                    ),
                );
                skip_value(&meta)?;
            }
        }
        Ok(())
    });
    if let Err(error) = parser.parse2(attr) {
        errors.push(error);
    }
    options
}

/// `allow(a, b)`, `warn(...)`, `deny(...)` (the option `word`): each lint named, at
/// that level, into `levels`.
pub fn parse_levels(
    meta: &ParseNestedMeta,
    word: &str,
    levels: &mut Vec<(Level, Ident)>,
    errors: &mut Errors,
) -> syn::Result<()> {
    let level = match word {
        "allow" => Level::Allow,
        "warn" => Level::Warn,
        _ => Level::Deny,
    };
    meta.parse_nested_meta(|lint| {
        match lint.path.get_ident() {
            Some(name) => levels.push((level, name.clone())),
            None => errors.at(lint.path.span(), "expected a lint name such as `unused_key`"),
        }
        Ok(())
    })
}

/// `min_version = "7.4"`, into `target`; `meaning` says what it is, for errors.
pub fn parse_target(
    meta: &ParseNestedMeta,
    target: &mut Option<Target>,
    meaning: &str,
    errors: &mut Errors,
) -> syn::Result<()> {
    let lit: LitStr = meta.value()?.parse()?;
    if target.is_some() {
        errors.at(lit.span(), "`min_version` is given twice");
    }
    match lit.value().parse::<Target>() {
        Ok(parsed) => *target = Some(parsed),
        Err(message) => errors.at(lit.span(), format!("{message}: {meaning}")),
    }
    Ok(())
}

/// Skips an unknown option's value, so the options after it are still read.
pub fn skip_value(meta: &ParseNestedMeta) -> syn::Result<()> {
    if meta.input.peek(syn::Token![=]) {
        meta.value()?.parse::<Expr>()?;
    } else if meta.input.peek(syn::token::Paren) {
        let _group: proc_macro2::Group = meta.input.parse()?;
    }
    Ok(())
}

fn check_modifiers(item: &ItemFn, errors: &mut Errors) {
    let sig = &item.sig;
    if let Some(token) = &sig.constness {
        errors.at(
            token.span,
            "a script function cannot be `const`: it talks to Redis at run time",
        );
    }
    if let syn::Safety::Unsafe(token) = &sig.safety {
        errors.at(token.span, "remove `unsafe`: calling a script is safe");
    }
    if let Some(abi) = &sig.abi {
        errors.at(
            abi.span(),
            "remove the `extern` ABI: the generated function is a Rust function",
        );
    }
    if let Some(variadic) = &sig.variadic {
        errors.at(
            variadic.span(),
            "C variadics are not supported: pass several values as a slice `&[T]`",
        );
    }
}

fn parse_params(item: &mut ItemFn, errors: &mut Errors) -> (Option<Ident>, Vec<Param>) {
    let fn_name = item.sig.ident.clone();
    let mut conn = None;
    let mut params = Vec::new();
    // counted without `self`, which is reported and skipped: the connection stays first
    let mut typed_seen = 0;
    for input in item.sig.inputs.iter_mut() {
        let typed = match input {
            FnArg::Receiver(receiver) => {
                errors.at(
                    receiver.self_token.span,
                    "a script cannot take `self`, which the Lua could not read: remove it and take the connection first, then call `Type::name(&mut con, ...)`",
                );
                continue;
            }
            FnArg::Typed(typed) => typed,
        };
        let first = typed_seen == 0;
        typed_seen += 1;
        let (is_key, prefix) = match take_key_attr(&mut typed.attrs, errors) {
            KeyAttr::None => (false, None),
            KeyAttr::Key(prefix) => (true, prefix),
            KeyAttr::ArgPrefix(prefix) => (false, Some(prefix)),
        };
        let ident = match &*typed.pat {
            Pat::Ident(pat) if pat.subpat.is_none() => Some(pat.ident.clone()),
            other => {
                errors.spanned(other, "script parameters need a plain name, such as `user_id: &str`");
                None
            }
        };
        if first {
            let is_connection = matches!(&*typed.ty, Type::Reference(r) if r.mutability.is_some());
            if is_key || prefix.is_some() || !is_connection {
                errors.spanned(
                    &*typed,
                    format!("the first parameter of `{fn_name}` must be the connection: {CONNECTION_HINT}"),
                );
                if !is_key && prefix.is_none() {
                    continue;
                }
            } else {
                conn = ident;
                continue;
            }
        }
        let Some(ident) = ident else { continue };
        let role = if is_key { Role::Key } else { Role::Arg };
        let ty = (*typed.ty).clone();
        if role == Role::Key
            && let Some(reason) = not_a_key(&ty)
        {
            errors.spanned(
                &ty,
                format!("`#[key]` parameter `{ident}` is {reason}: a key is text, use `&str`, `String`, `&[u8]` or a slice of them"),
            );
        }
        if role == Role::Arg
            && prefix.is_some()
            && let Some(reason) = not_a_key(&ty)
        {
            errors.spanned(
                &ty,
                format!("`#[arg(prefix)]` parameter `{ident}` is {reason}: a key prefix is text, use `&str`, `String`, `&[u8]` or a slice of them"),
            );
        }
        if role == Role::Arg && is_option(&ty) {
            errors.spanned(
                &ty,
                format!("argument `{ident}` is an `Option`, and an `ARGV` entry cannot be nil: pass a value that stands for none (`{ident}.unwrap_or(\"\")`, tested with `ARGV[n] == ''` in the script), or a separate flag argument"),
            );
        }
        let variadic = element_of_slice(&ty).is_some();
        params.push(Param {
            ident,
            ty,
            role,
            variadic,
            prefix,
        });
    }
    if item.sig.inputs.is_empty() {
        errors.at(
            item.sig.paren_token.span.join(),
            format!("`{fn_name}` needs the connection as its first parameter: {CONNECTION_HINT}"),
        );
    }
    for role in [Role::Key, Role::Arg] {
        let of_role: Vec<&Param> = params.iter().filter(|p| p.role == role).collect();
        let what = if role == Role::Key { "key" } else { "argument" };
        for param in of_role.iter().rev().skip(1).filter(|p| p.variadic) {
            errors.spanned(
                &param.ty,
                format!(
                    "only the last {what} parameter may be a slice: `{}` comes before other {what}s, so their positions would depend on its length",
                    param.ident
                ),
            );
        }
    }
    (conn, params)
}

/// Removes `#[key]` / `#[key(prefix)]` / `#[key(prefix, allow_untagged)]` and
/// `#[arg(prefix)]` / `#[arg(prefix, allow_untagged)]` from a parameter's attributes and
/// says which it was.
fn take_key_attr(attrs: &mut Vec<syn::Attribute>, errors: &mut Errors) -> KeyAttr {
    let mut found = KeyAttr::None;
    let mut first: Option<&'static str> = None;
    attrs.retain(|attr| {
        if let Some(instead) = misspelt_key(attr) {
            // one clear error, and the parameter taken as the key it was meant to be
            // (leaving the attribute would add rustc's "cannot find attribute", and
            // taking it as an argument would add lints about `KEYS` and `ARGV`)
            errors.spanned(
                attr,
                format!(
                    "unknown parameter attribute `{}`: did you mean `{instead}`?",
                    quote::quote!(#attr).to_string().replace(' ', "")
                ),
            );
            if matches!(found, KeyAttr::None) {
                let prefix = Prefix { allow_untagged: false };
                found = if instead.starts_with("#[arg") {
                    KeyAttr::ArgPrefix(prefix)
                } else {
                    KeyAttr::Key(instead.contains("prefix").then_some(prefix))
                };
            }
            return false;
        }
        let which = if attr.path().is_ident("key") {
            "key"
        } else if attr.path().is_ident("arg") {
            "arg"
        } else {
            return true;
        };
        if let Some(earlier) = first {
            let message = if earlier == which {
                format!("`#[{which}]` is given twice")
            } else {
                "a parameter is a key or an argument, not both: `#[key(prefix)]` declares a key the script builds keys from, `#[arg(prefix)]` an argument it builds keys from".to_owned()
            };
            errors.spanned(attr, message);
            return false;
        }
        first = Some(which);
        found = if which == "key" {
            KeyAttr::Key(match &attr.meta {
                syn::Meta::Path(_) => None,
                syn::Meta::List(_) => prefix_options(attr, "key", errors),
                syn::Meta::NameValue(_) => {
                    errors.spanned(
                        attr,
                        "write `#[key]`, or `#[key(prefix)]` for a key the script builds other keys from",
                    );
                    None
                }
            })
        } else {
            let prefix = match &attr.meta {
                syn::Meta::List(_) => prefix_options(attr, "arg", errors),
                _ => None,
            };
            let empty = matches!(&attr.meta, syn::Meta::List(list) if list.tokens.is_empty());
            if prefix.is_none() && (empty || !matches!(&attr.meta, syn::Meta::List(_))) {
                errors.spanned(
                    attr,
                    "a parameter without `#[key]` is an argument already: write `#[arg(prefix)]` for an argument the script builds keys from (`ARGV[n] .. id`), or remove `#[arg]`",
                );
            }
            // the only meaning `#[arg]` can have: the argument taken as the prefix it was
            // meant to be, so the keys built from it do not repeat the error
            KeyAttr::ArgPrefix(prefix.unwrap_or(Prefix { allow_untagged: false }))
        };
        false
    });
    found
}

/// What a parameter attribute that looks like a misspelt `#[key]` or `#[arg]` should
/// have been: `#[keys]`, `#[Key]`, `#[kye]`, `#[prefix]`, `#[argv(prefix)]`.
fn misspelt_key(attr: &syn::Attribute) -> Option<&'static str> {
    let name = attr.path().get_ident()?.to_string();
    if name == "key" || name == "arg" {
        return None;
    }
    let lower = name.to_ascii_lowercase();
    if lower == "prefix" || lower == "key_prefix" {
        return Some("#[key(prefix)]");
    }
    if lower == "arg_prefix" {
        return Some("#[arg(prefix)]");
    }
    // one edit away (`kye`, `keys`, `Key`, `args`, `argv`), as the checker suggests names
    match scripts_lint::lints::suggest_within(&lower, ["key", "arg"], 1) {
        Some("key") => Some("#[key]"),
        // `#[arg]` alone declares nothing: what it can mean is a prefix
        Some(_) => Some("#[arg(prefix)]"),
        None => None,
    }
}

/// The words inside `#[key(...)]` or `#[arg(...)]` (`attribute` is which).
fn prefix_options(attr: &syn::Attribute, attribute: &str, errors: &mut Errors) -> Option<Prefix> {
    let (mut prefix, mut allow_untagged) = (false, None);
    let parsed = attr.parse_nested_meta(|meta| {
        match meta.path.get_ident().map(Ident::to_string).as_deref() {
            Some("prefix") => prefix = true,
            Some("allow_untagged") => allow_untagged = Some(meta.path.span()),
            _ => errors.at(
                meta.path.span(),
                format!(
                    "unknown `#[{attribute}]` option `{}`: expected `prefix` or `prefix, allow_untagged`",
                    path_text(&meta.path)
                ),
            ),
        }
        Ok(())
    });
    if let Err(error) = parsed {
        errors.push(error);
    }
    match (prefix, allow_untagged) {
        (true, untagged) => Some(Prefix {
            allow_untagged: untagged.is_some(),
        }),
        (false, Some(span)) => {
            errors.at(
                span,
                format!("`allow_untagged` applies to prefixes: write `#[{attribute}(prefix, allow_untagged)]`"),
            );
            None
        }
        (false, None) => None,
    }
}

/// Why `ty` is obviously not a key, for types the macro can judge by their spelling.
/// Other types are left to the `scripts::Key` trait bound.
fn not_a_key(ty: &Type) -> Option<String> {
    match ty {
        Type::Reference(r) => not_a_key(&r.elem),
        Type::Tuple(_) => Some("a tuple".to_owned()),
        Type::Array(_) => Some("an array".to_owned()),
        Type::Slice(s) if !is_ident(&s.elem, "u8") => not_a_key(&s.elem),
        Type::Path(path) if path.qself.is_none() => {
            let last = path.path.segments.last()?;
            let name = last.ident.to_string();
            const NUMBERS: &[&str] = &[
                "i8", "i16", "i32", "i64", "i128", "isize", "u8", "u16", "u32", "u64", "u128", "usize", "f32", "f64",
            ];
            if NUMBERS.contains(&name.as_str()) {
                Some(format!("a number (`{name}`)"))
            } else if name == "bool" || name == "char" {
                Some(format!("a `{name}`"))
            } else if name == "Option" {
                Some("an `Option`".to_owned())
            } else if name == "Vec" {
                match generic_type(&last.arguments) {
                    Some(elem) if !is_ident(elem, "u8") => not_a_key(elem),
                    _ => None,
                }
            } else {
                None
            }
        }
        _ => None,
    }
}

/// `Option<T>` or `&Option<T>`, which cannot be an argument (other types are left to
/// the `scripts::Arg` trait bound).
fn is_option(ty: &Type) -> bool {
    let ty = match ty {
        Type::Reference(r) => &*r.elem,
        other => other,
    };
    matches!(ty, Type::Path(path) if path.qself.is_none() && path.path.segments.last().is_some_and(|s| s.ident == "Option"))
}

/// `T` of `impl AsRef<T>`, when `ty` is that (`str` or `[u8]`): such a parameter is
/// passed as `.as_ref()`.
pub fn as_ref_target(ty: &Type) -> Option<&Type> {
    let Type::ImplTrait(bounds) = ty else { return None };
    let mut traits = bounds.bounds.iter().filter_map(|b| match b {
        syn::TypeParamBound::Trait(t) => Some(t),
        _ => None,
    });
    let only = traits.next().filter(|_| traits.next().is_none())?;
    let last = only.path.segments.last()?;
    if last.ident != "AsRef" {
        return None;
    }
    generic_type(&last.arguments)
        .filter(|t| is_ident(t, "str") || matches!(t, Type::Slice(s) if is_ident(&s.elem, "u8")))
}

/// The element type when `ty` spreads into several entries: `&[T]`, `&mut [T]`,
/// `Vec<T>`, `&Vec<T>`. Bytes (`&[u8]`, `Vec<u8>`) are one value.
pub fn element_of_slice(ty: &Type) -> Option<&Type> {
    let elem = match ty {
        Type::Reference(r) => match &*r.elem {
            Type::Slice(slice) => &*slice.elem,
            other => return vec_element(other),
        },
        other => return vec_element(other),
    };
    (!is_ident(elem, "u8")).then_some(elem)
}

fn vec_element(ty: &Type) -> Option<&Type> {
    let Type::Path(path) = ty else { return None };
    let last = path.path.segments.last()?;
    if last.ident != "Vec" {
        return None;
    }
    generic_type(&last.arguments).filter(|elem| !is_ident(elem, "u8"))
}

fn generic_type(arguments: &PathArguments) -> Option<&Type> {
    let PathArguments::AngleBracketed(args) = arguments else {
        return None;
    };
    let mut types = args.args.iter().filter_map(|arg| match arg {
        GenericArgument::Type(ty) => Some(ty),
        _ => None,
    });
    let first = types.next()?;
    types.next().is_none().then_some(first)
}

fn is_ident(ty: &Type, name: &str) -> bool {
    matches!(ty, Type::Path(p) if p.qself.is_none() && p.path.is_ident(name))
}

fn parse_output(item: &ItemFn, errors: &mut Errors) -> Option<Type> {
    const HINT: &str = "write `-> scripts::Result<T>`, where `T` is what the script returns (`i64`, `String`, `Vec<String>`, `scripts::Json<MyStruct>`, ...)";
    let ty = match &item.sig.output {
        ReturnType::Default => {
            errors.at(
                item.sig.paren_token.span.close(),
                format!("missing return type: {HINT}"),
            );
            return None;
        }
        ReturnType::Type(_, ty) => ty,
    };
    let last = match &**ty {
        Type::Path(path) if path.qself.is_none() => path.path.segments.last(),
        _ => None,
    };
    match last {
        Some(segment) if segment.ident == "Result" => {
            let PathArguments::AngleBracketed(args) = &segment.arguments else {
                errors.spanned(ty, format!("`Result` needs the script's return type: {HINT}"));
                return None;
            };
            let types: Vec<&Type> = args
                .args
                .iter()
                .filter_map(|arg| match arg {
                    GenericArgument::Type(ty) => Some(ty),
                    _ => None,
                })
                .collect();
            match types.as_slice() {
                [one] => Some((*one).clone()),
                [_, error, ..] => {
                    errors.spanned(
                        error,
                        "the error type is always `scripts::Error`: write `scripts::Result<T>` with one type parameter",
                    );
                    None
                }
                [] => {
                    errors.spanned(ty, format!("`Result` needs the script's return type: {HINT}"));
                    None
                }
            }
        }
        _ => {
            errors.spanned(ty, format!("the return type must be `scripts::Result<_>`: {HINT}"));
            None
        }
    }
}

fn parse_body(item: &ItemFn, options: &Options, root: &Path, errors: &mut Errors) -> Option<Body> {
    let stmts = &item.block.stmts;
    if let Some(file) = &options.file {
        if !stmts.is_empty() {
            errors.at(
                item.block.brace_token.span.join(),
                "the script is read from `file = ...`: leave the body empty (`{}`), or drop `file` and keep the Lua here",
            );
        }
        return read_file(file, "script", root, errors);
    }
    let body_span = item.block.brace_token.span.join();
    let literal = match stmts.as_slice() {
        [Stmt::Expr(Expr::Lit(lit), None)] => &lit.lit,
        [] => {
            errors.at(
                body_span,
                "the body must be the Lua script as one string literal, e.g. `{ r#\"return redis.call('GET', KEYS[1])\"# }`, or use `#[redis_script(file = \"lua/name.lua\")]`",
            );
            return None;
        }
        [Stmt::Macro(syn::StmtMacro { mac, .. })] | [Stmt::Expr(Expr::Macro(syn::ExprMacro { mac, .. }), None)]
            if mac.path.is_ident("include_str") =>
        {
            errors.spanned(
                mac,
                "load a script file with `#[redis_script(file = \"path.lua\")]` and an empty body, so the script is checked and the build tracks the file",
            );
            return None;
        }
        _ => {
            errors.at(
                body_span,
                "the body must be exactly one string literal holding the Lua script, e.g. `{ r#\"return 1\"# }`; Rust code cannot run here",
            );
            return None;
        }
    };
    match literal {
        Lit::Str(lit) if lit.suffix().is_empty() => literal_body(lit, errors),
        Lit::ByteStr(lit) => {
            errors.spanned(
                lit,
                "the script must be a string literal, not a byte string: drop the `b` prefix",
            );
            None
        }
        other => {
            errors.spanned(
                other,
                "the body must be a string literal holding the Lua script, e.g. `r#\"return 1\"#`",
            );
            None
        }
    }
}

/// A script (or library) written as a string literal, unless it is too large to check.
pub fn literal_body(lit: &LitStr, errors: &mut Errors) -> Option<Body> {
    // the token's length bounds the value's: nothing decoded for a script of usual size
    let token_len = lit.token().to_string().len();
    let refusal = (token_len > scripts_lint::MAX_SCRIPT_BYTES)
        .then(|| scripts_lint::size_refusal(lit.value().len()))
        .flatten();
    match refusal {
        Some(message) => {
            errors.at(lit.span(), message);
            None
        }
        None => Some(Body::Literal(lit.clone())),
    }
}

/// Reads the `file = ...` named by `lit`, relative to `root` (the crate root); `kind`
/// (`script`, `library`) names it in errors.
pub fn read_file(lit: &LitStr, kind: &str, root: &Path, errors: &mut Errors) -> Option<Body> {
    let relative = lit.value();
    let path = root.join(&relative);
    let shown = path.display();
    if path.is_dir() {
        errors.at(
            lit.span(),
            format!("`{relative}` is a directory, not a Lua file (resolved to `{shown}`)"),
        );
        return None;
    }
    // refused before it is read: a file of gigabytes costs nothing
    let len = std::fs::metadata(&path).map_or(0, |m| usize::try_from(m.len()).unwrap_or(usize::MAX));
    if let Some(message) = scripts_lint::size_refusal(len) {
        errors.at(lit.span(), format!("`{relative}`: {message}"));
        return None;
    }
    match std::fs::read(&path) {
        Ok(bytes) => match String::from_utf8(bytes) {
            Ok(text) => Some(Body::File {
                lit: lit.clone(),
                path,
                text,
            }),
            Err(e) => {
                errors.at(
                    lit.span(),
                    format!(
                        "`{relative}` is not UTF-8 text (invalid byte at offset {}): a Lua {kind} file must be text",
                        e.utf8_error().valid_up_to()
                    ),
                );
                None
            }
        },
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => {
            errors.at(
                lit.span(),
                format!("cannot find {kind} file `{relative}`: looked for `{shown}`; the path is relative to the crate root (the folder holding Cargo.toml)"),
            );
            None
        }
        Err(e) => {
            errors.at(
                lit.span(),
                format!("cannot read {kind} file `{relative}` (`{shown}`): {e}"),
            );
            None
        }
    }
}

/// A path as written, without spaces (`scripts::redis_script`).
pub fn path_text(path: &syn::Path) -> String {
    quote::quote!(#path).to_string().replace(' ', "")
}
