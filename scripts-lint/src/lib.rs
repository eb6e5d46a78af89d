//! The Redis Lua checker behind `#[redis_script]`.
//!
//! A plain library (no `syn`, no `proc_macro`): it parses a script as Lua 5.1 with
//! full_moon, runs the lints against the Redis scripting environment and returns
//! findings as byte ranges, which [`render`] turns into rustc-style text.
//!
//! ```
//! use scripts_lint::{check, render, Signature, SourceMap};
//!
//! let source = "return redis.call('GET', KEYS[1]\n";
//! let report = check(source, &Signature::default());
//! let finding = &report.diagnostics[0];
//! assert_eq!(finding.lint, "lua_syntax");
//! let text = render(finding, source, &SourceMap::file("get.lua", source));
//! assert!(text.contains("get.lua:1:"));
//! ```

mod analysis;
pub mod annotation;
mod compile;
mod diagnostic;
pub mod header;
mod library;
mod library_line;
pub mod lints;
mod outline;
mod parse;
pub mod redis;
mod render;
mod rust_name;
mod shebang;
mod source_map;
mod suggest;

pub use diagnostic::{Diagnostic, Edit, Fix, Fixed, Label, Level, ParamRef, apply_fixes};
pub use outline::{Call, LocalRef, Outline, ParamRead, outline};
pub use redis::target::Target;
pub use render::{render, render_color};
pub use source_map::{LineIndex, Position, SourceMap};

/// What the Rust side declares about a script: its parameters, return type and
/// lint levels.
#[derive(Clone, Debug, Default)]
pub struct Signature {
    /// The `#[key]` parameters, in order (they fill `KEYS`).
    pub keys: Vec<Param>,
    /// The other parameters after the connection, in order (they fill `ARGV`).
    pub args: Vec<Param>,
    /// What the reply is decoded into.
    pub returns: ReturnType,
    /// The return type as written, for messages (`i64`, `Vec<String>`).
    pub return_text: String,
    /// `#[redis_script(read_only)]`.
    pub read_only: bool,
    /// `allow(...)`, `warn(...)`, `deny(...)` overrides, in the order written.
    pub levels: Vec<(String, Level)>,
    /// The oldest server the script must run on (`min_version = "7.4"`).
    pub target: Target,
    /// Where the signature is written, so help texts use its syntax.
    pub host: Host,
}

/// Where a script's signature is written: help texts say what to write there.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum Host {
    /// A Rust function under `#[redis_script]`: `#[key(prefix)] queue: &str`,
    /// `min_version = "7.4"`, `scripts::Result<Option<T>>`.
    #[default]
    Rust,
    /// A `--!` header of a `.lua` script: `queue(prefix)`, `--! min_version: 7.4`,
    /// `--! returns: integer?`.
    Header,
    /// The `signature` of a `[[scripts]]` entry in `redis-lua-lint.toml`: the header's
    /// syntax, written in the configuration.
    Config,
    /// Keys counted from a `name-N.lua` file name (`--keys-from-file-name`), nothing else
    /// declared: what the script takes is said by renaming it or adding a header.
    FileName,
}

impl Signature {
    /// How many `KEYS` entries the function passes.
    pub fn key_count(&self) -> Count {
        count(&self.keys)
    }

    /// How many `ARGV` entries the function passes.
    pub fn arg_count(&self) -> Count {
        count(&self.args)
    }

    /// This signature without the facts that could not be known (a broken Rust
    /// signature, a `.lua` file nobody declared): any number of keys and arguments, any
    /// return type, and `unused_key`/`unused_arg` allowed, so no finding rests on a
    /// guess. Its levels, target and argument prefixes are kept; every key is taken as
    /// a prefix, while an argument not declared one stays an argument (a key built from
    /// it is reported: arguments are rarely prefixes, keys often are).
    pub fn permissive(self) -> Signature {
        let mut levels = self.levels;
        levels.extend(["unused_key", "unused_arg"].map(|lint| (lint.to_owned(), Level::Allow)));
        // the arguments declared a prefix stay prefixes where they were declared, so a
        // mistake elsewhere in the signature does not turn their keys into findings
        let mut args: Vec<Param> = Vec::new();
        if self.args.iter().rev().skip(1).all(|p| !p.variadic) {
            args.extend(self.args.iter().filter(|p| !p.variadic).map(|p| Param {
                ty: ParamType::Other,
                ..p.clone()
            }));
        }
        let rest = Param::new("args", ParamType::Other, true);
        args.push(match self.args.last() {
            Some(last) if last.variadic && last.prefix => rest.prefix(),
            _ => rest,
        });
        Signature {
            // a prefix, so keys built from `KEYS` are not reported against a guess
            keys: vec![Param::new("keys", ParamType::Other, true).prefix()],
            args,
            returns: ReturnType::Any,
            levels,
            ..self
        }
    }
}

fn count(params: &[Param]) -> Count {
    let fixed = params.iter().filter(|p| !p.variadic).count();
    if params.iter().any(|p| p.variadic) {
        Count::AtLeast(fixed)
    } else {
        Count::Exact(fixed)
    }
}

/// One parameter of the Rust function.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Param {
    /// Its name, for messages.
    pub name: String,
    /// What its Rust type is, as far as the checks care.
    pub ty: ParamType,
    /// A slice that spreads into several entries.
    pub variadic: bool,
    /// Declared a key prefix (`#[key(prefix)]`, `#[arg(prefix)]`): the script may build
    /// keys by appending to it (`KEYS[1] .. 'job:' .. id`, `ARGV[3] .. id`). Such keys
    /// hash to the prefix's slot when the prefix carries a hash tag, which the runtime
    /// checks before sending. Keys built from an argument are keys the script does not
    /// declare in `KEYS` ([`Report::derived_keys`]).
    pub prefix: bool,
}

impl Param {
    /// A parameter of type `ty`.
    pub fn new(name: impl Into<String>, ty: ParamType, variadic: bool) -> Self {
        Param {
            name: name.into(),
            ty,
            variadic,
            prefix: false,
        }
    }

    /// The same parameter, declared a key prefix.
    pub fn prefix(mut self) -> Self {
        self.prefix = true;
        self
    }
}

/// The Rust type of a parameter (or of a slice's elements).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum ParamType {
    /// `i64`, `u64`, `isize`, `usize`, `i128`, `u128`: may exceed 2^53.
    Int64,
    /// An integer of 32 bits or fewer.
    Int,
    /// `f32`, `f64`.
    Float,
    /// Text (`&str`, `String`).
    Text,
    /// Bytes.
    Bytes,
    /// `bool`.
    Bool,
    /// Anything else.
    #[default]
    Other,
}

impl ParamType {
    /// Every parameter type, for generators that pick one.
    pub const ALL: [ParamType; 7] = [
        ParamType::Int64,
        ParamType::Int,
        ParamType::Float,
        ParamType::Text,
        ParamType::Bytes,
        ParamType::Bool,
        ParamType::Other,
    ];
}

/// What the Rust function decodes the reply into.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub enum ReturnType {
    /// Anything goes (`redis::Value`, a type the macro does not know).
    #[default]
    Any,
    /// `()`: the reply is ignored.
    Unit,
    /// An integer type.
    Integer,
    /// `f32`/`f64`.
    Float,
    /// `bool`.
    Bool,
    /// `String`.
    Text,
    /// `Vec<u8>`.
    Bytes,
    /// `Vec<T>`, `HashSet<T>`, `HashMap<K, V>`, ...: an array reply.
    List,
    /// A tuple of this many fields: an array reply of that length.
    Tuple(usize),
    /// `Option<T>`: nil or `T`.
    Option(Box<ReturnType>),
    /// `scripts::Json<T>`: a JSON string.
    Json,
}

/// How many values a signature passes: a fixed number, or at least some (a slice).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Count {
    /// Exactly this many.
    Exact(usize),
    /// This many fixed parameters followed by a slice of any length.
    AtLeast(usize),
}

/// The outcome of checking one script.
#[derive(Debug, Default)]
pub struct Report {
    /// Every finding, in source order, at its effective level (allowed ones removed).
    pub diagnostics: Vec<Diagnostic>,
    /// The script may not write: flagged `no-writes`, declared `read_only`, or every
    /// command it calls is a literal read-only command. Such scripts can run with
    /// `EVALSHA_RO`, on replicas.
    pub read_only: bool,
    /// The flags of its `#!lua` line.
    pub flags: Vec<String>,
    /// The keys it builds from a prefix (or takes from a prefix argument or an annotated
    /// value as they are), by where they come from: those of [`KeySource::Arg`] and
    /// [`KeySource::Annotation`] are keys the script does not declare in `KEYS`.
    pub derived_keys: Vec<DerivedKeys>,
}

/// Keys a script passes to commands that are built from one prefix, or are one.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct DerivedKeys {
    /// The prefix (or key) they come from.
    pub from: KeySource,
    /// Where each such key is passed to a command (the argument's range), in order.
    pub uses: Vec<std::ops::Range<usize>>,
}

impl DerivedKeys {
    /// True for keys the script does not declare in `KEYS`: on Redis Cluster they are
    /// in the declared keys' slot only when their prefix carries a hash tag of that
    /// slot, and Dragonfly and Kvrocks refuse them unless their undeclared-keys option
    /// is on.
    pub fn undeclared(&self) -> bool {
        !matches!(self.from, KeySource::Key(_))
    }
}

/// Where derived keys come from.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum KeySource {
    /// `KEYS[i]` (1-based), a key declared (or, for keys counted from a file name,
    /// taken as) a prefix: the keys built from it are in its slot when it carries a
    /// hash tag.
    Key(usize),
    /// `ARGV[i]` (1-based), an argument declared a prefix: the keys built from it are
    /// not in `KEYS`. A caller can check that the value carries a hash tag (the Rust
    /// runtime does, with the slot of the declared keys).
    Arg(usize),
    /// A value an annotation comment declares a key or a key prefix: keys not in
    /// `KEYS`, held in a value no caller can check (a field of a msgpack argument).
    Annotation {
        /// The target as written: `args[1]`.
        target: String,
        /// Declared with `prefix(...)` rather than `key(...)`.
        prefix: bool,
        /// Where the target is written in the annotation.
        at: std::ops::Range<usize>,
    },
}

impl KeySource {
    /// `KEYS` first, then `ARGV`, then annotations, each in order.
    fn order(&self) -> (u8, usize) {
        match self {
            KeySource::Key(i) => (0, *i),
            KeySource::Arg(i) => (1, *i),
            KeySource::Annotation { at, .. } => (2, at.start),
        }
    }
}

impl Report {
    /// True when a finding fails the build.
    pub fn has_errors(&self) -> bool {
        self.diagnostics.iter().any(|d| d.level == Level::Deny)
    }
}

/// The largest script the checker reads, in bytes (2 MiB). The checker's memory grows
/// with the script: about 230 bytes per byte of input at its peak (full_moon's syntax
/// tree holds every token with its position and surrounding white space), so a 2 MiB
/// script peaks near 500 MB, and a 24 MB one would need gigabytes. Real scripts are a
/// few kilobytes (the largest of BullMQ, with its includes, is 50 KB). The front
/// doors (the macros, `redis-lua-lint`) refuse larger scripts with [`size_refusal`]
/// before reading them whole; [`check`] and [`check_library`] do not check the size.
pub const MAX_SCRIPT_BYTES: usize = 2 << 20;

/// Why a script of `len` bytes is not checked (it is over [`MAX_SCRIPT_BYTES`]), as a
/// message in the style of the findings, or `None` when it may be checked.
///
/// ```
/// assert!(scripts_lint::size_refusal(50_000).is_none());
/// let message = scripts_lint::size_refusal(3_200_000).unwrap();
/// assert!(message.starts_with("the script is 3200000 bytes"));
/// ```
pub fn size_refusal(len: usize) -> Option<String> {
    (len > MAX_SCRIPT_BYTES).then(|| {
        format!(
            "the script is {len} bytes, more than the {MAX_SCRIPT_BYTES} bytes (2 MiB) the checker reads: \
             split it into smaller scripts, or the functions of a library"
        )
    })
}

/// Stack the check needs whatever the script: full_moon's parser, the analysis and
/// the lints, with a margin.
const BASE_STACK: usize = 512 * 1024;

/// Stack per level of nesting. Measured in a debug build (how proc macros are built by
/// default), the deepest recursion per level is 56 KiB, for nested `if ... then`
/// blocks (brackets: 17 KiB, nested calls: 30 KiB, loops and functions: 44 to 52 KiB).
/// [`parse`](crate::parse) refuses more than 200 levels, as Lua 5.1 does.
const STACK_PER_LEVEL: usize = 64 * 1024;

/// Stack per binary operator: full_moon builds and drops a chain `a + b + c ...` as
/// nested nodes, recursing once per operator (94 bytes each in a debug build), and Lua
/// takes such chains at any length.
const STACK_PER_OPERATOR: usize = 128;

/// Checks `source` against the Redis environment and `signature`.
///
/// No input can overflow the caller's stack (a proc macro's, or a test thread's
/// 2 MiB): the stack the check will need is estimated from a linear scan of the
/// script, and when the current stack has less left, the check runs on a new stack
/// segment of that size (on the same thread, see [`stacker`]). A typical script fits
/// in what is left, at no cost.
pub fn check(source: &str, signature: &Signature) -> Report {
    // the parser never sees the shebang line, as in Redis (see `shebang::blank`)
    let blanked = shebang::blank(source);
    let lua = blanked.as_deref().unwrap_or(source);
    let (compiled, nesting) = compile(lua);
    with_stack(stack_needed(&nesting), || {
        check_scanned(source, lua, &nesting, &compiled, signature)
    })
}

/// True when `source` compiles as Redis's Lua 5.1 would compile it (its `#!lua` line
/// aside): what a tool that rewrites scripts checks before writing one.
///
/// ```
/// assert!(scripts_lint::parses("#!lua flags=no-writes\nreturn redis.call('GET', KEYS[1])\n"));
/// assert!(!scripts_lint::parses("return redis.call('GET', KEYS[1]\n"));
/// ```
pub fn parses(source: &str) -> bool {
    let blanked = shebang::blank(source);
    let lua = blanked.as_deref().unwrap_or(source);
    let (compiled, nesting) = compile(lua);
    with_stack(stack_needed(&nesting), || {
        parse::parse_scanned(lua, &nesting, &compiled, parse::Chunk::Script).is_ok()
    })
}

/// Stack for Lua 5.1's compiler ([`compile`](crate::compile)): it refuses more than
/// 200 nested levels, and the deepest shapes it accepts (brackets, calls, tables,
/// closures, blocks) need under 128 KiB in a debug build.
const COMPILE_STACK: usize = 1024 * 1024;

/// What Lua 5.1 makes of `lua`, and how deep the script nests: from Lua's own
/// levels when it compiled the script, else scanned from the text.
fn compile(lua: &str) -> (compile::Compiled, parse::Nesting) {
    let compiled = with_stack(COMPILE_STACK, || compile::compile(lua));
    let nesting = match compiled.depth {
        Some(depth) => parse::Nesting {
            deepest: depth.deepest,
            operators: depth.operators,
            too_deep_at: depth.too_deep_at,
        },
        None => parse::Nesting::scan(lua),
    };
    (compiled, nesting)
}

/// The stack a check of a script with this `nesting` needs, from the measured bounds.
fn stack_needed(nesting: &parse::Nesting) -> usize {
    BASE_STACK
        .saturating_add(nesting.deepest.saturating_mul(STACK_PER_LEVEL))
        .saturating_add(nesting.operators.saturating_mul(STACK_PER_OPERATOR))
}

/// Runs `f` with at least `needed` bytes of stack left: here, or on a new segment.
pub(crate) fn with_stack<T>(needed: usize, f: impl FnOnce() -> T) -> T {
    // the segment is mapped, not committed: only the pages the check touches cost
    // memory, so a generous size costs no more than a tight one
    stacker::maybe_grow(needed, needed.saturating_mul(2), f)
}

fn check_scanned(
    source: &str,
    lua: &str,
    nesting: &parse::Nesting,
    compiled: &compile::Compiled,
    signature: &Signature,
) -> Report {
    let shebang = shebang::read(source);
    let ast = match parse::parse_scanned(lua, nesting, compiled, parse::Chunk::Script) {
        Ok(ast) => ast,
        Err(syntax_errors) => {
            return Report {
                diagnostics: syntax_errors,
                ..Report::default()
            };
        }
    };
    let annotations = annotation::read(lua, &ast);
    let facts = analysis::analyse(source, &ast, &annotations);
    let cx = lints::Context::new(source, &facts, signature, shebang.as_ref(), &annotations);
    let mut diagnostics = Vec::new();
    lints::run(&cx, &mut diagnostics);
    settle(&mut diagnostics, &signature.levels);
    let read_only = cx.declared_read_only() || only_reads(&cx);
    let derived_keys = lints::derived_keys(&cx);
    let flags = shebang.map(|s| s.flags).unwrap_or_default();
    Report {
        diagnostics,
        read_only,
        flags,
        derived_keys,
    }
}

/// What the Rust side declares about a function library: one signature per function
/// it calls, and the levels, target and host shared by all of them.
///
/// ```
/// use scripts_lint::{check_library, LibrarySignature, Signature};
///
/// let library = "#!lua name=bank\n\
///     redis.register_function{function_name = 'balance', flags = {'no-writes'},\n\
///       callback = function(keys, args) return redis.call('GET', keys[1]) end}\n";
/// let mut declared = LibrarySignature::default();
/// declared.functions.push(("balance".into(), Signature::default()));
/// let report = check_library(library, &declared);
/// assert_eq!(report.name.as_deref(), Some("bank"));
/// assert!(report.functions[0].read_only);
/// // the declaration passes no key, the function reads `keys[1]`
/// assert_eq!(report.functions[0].diagnostics[0].lint, "keys_out_of_range");
/// ```
#[derive(Clone, Debug, Default)]
pub struct LibrarySignature {
    /// The declared functions: each one's registered name and signature (its own
    /// levels come after the library's and win).
    pub functions: Vec<(String, Signature)>,
    /// False when nothing declares the functions (a `.lua` library linted alone):
    /// each registered function is checked with [`Signature::permissive`], and none is
    /// reported undeclared.
    pub declared: bool,
    /// `allow(...)`, `warn(...)`, `deny(...)` for the whole library.
    pub levels: Vec<(String, Level)>,
    /// The oldest server the library must load on.
    pub target: Target,
    /// Where the declarations are written, so help texts use their syntax.
    pub host: Host,
}

/// The outcome of checking a function library.
#[derive(Debug, Default)]
pub struct LibraryReport {
    /// Findings about the library as a whole: its `#!lua name=` line, its
    /// registrations, what runs while it loads, declarations that name no registered
    /// function ([`ParamRef::Function`]).
    pub diagnostics: Vec<Diagnostic>,
    /// The library's name, when its first line gives a valid one.
    pub name: Option<String>,
    /// Where that name is written.
    pub name_range: Option<std::ops::Range<usize>>,
    /// The functions it registers, in order, as far as they can be read.
    pub functions: Vec<FunctionReport>,
}

/// One function a library registers.
#[derive(Debug, Default)]
pub struct FunctionReport {
    /// Its name, when written as a literal.
    pub name: Option<String>,
    /// The string literal holding the name (quotes included), when the name is
    /// written as one: the text a tool renames the function at.
    pub name_literal: Option<std::ops::Range<usize>>,
    /// Its valid flags, lowercase, in order.
    pub flags: Vec<String>,
    /// Flagged `no-writes`: `FCALL_RO` may call it, on replicas too.
    pub read_only: bool,
    /// The declaration (an index into [`LibrarySignature::functions`]) it was checked
    /// against.
    pub declaration: Option<usize>,
    /// The findings in its body and the helpers it calls, checked as `FCALL` runs it
    /// against its declaration (a finding already reported for the library or an
    /// earlier function is not repeated).
    pub diagnostics: Vec<Diagnostic>,
    /// The keys it builds from prefixes, as [`Report::derived_keys`].
    pub derived_keys: Vec<DerivedKeys>,
}

impl LibraryReport {
    /// True when a finding fails the build.
    pub fn has_errors(&self) -> bool {
        self.all().any(|d| d.level == Level::Deny)
    }

    /// Every finding: the library's, then each function's.
    pub fn all(&self) -> impl Iterator<Item = &Diagnostic> {
        self.diagnostics
            .iter()
            .chain(self.functions.iter().flat_map(|f| &f.diagnostics))
    }
}

/// Checks a Redis function library (`FUNCTION LOAD`'s text, starting `#!lua name=`):
/// what runs while it loads, each `redis.register_function`, and each registered
/// function's body with every lint, as `FCALL` runs it, against its declaration.
///
/// Guarded against deep input as [`check`] is.
pub fn check_library(source: &str, signature: &LibrarySignature) -> LibraryReport {
    let blanked = shebang::blank(source);
    let lua = blanked.as_deref().unwrap_or(source);
    let (compiled, nesting) = compile(lua);
    with_stack(stack_needed(&nesting), || {
        library::check(source, lua, &nesting, &compiled, signature)
    })
}

/// True for a name Redis can register a function under (letters, digits and `_`,
/// at least one), as `FUNCTION LOAD` checks it.
///
/// ```
/// assert!(scripts_lint::valid_function_name("add_job_2"));
/// assert!(!scripts_lint::valid_function_name("add-job"));
/// ```
pub fn valid_function_name(name: &str) -> bool {
    library_line::valid_name(name)
}

/// True when a declaration naming `declared` calls the function registered as
/// `registered`: function names compare without case, as `FCALL` compares them.
///
/// ```
/// assert!(scripts_lint::same_function_name("balance", "Balance"));
/// assert!(!scripts_lint::same_function_name("balance", "balances"));
/// ```
pub fn same_function_name(declared: &str, registered: &str) -> bool {
    library_line::same_name(declared, registered)
}

/// Applies `levels` (the last written wins), drops allowed findings and repeats, and
/// sorts the rest.
fn settle(diagnostics: &mut Vec<Diagnostic>, levels: &[(String, Level)]) {
    for diagnostic in diagnostics.iter_mut() {
        // the last override written wins, as with rustc's lint attributes
        if let Some((_, level)) = levels.iter().rev().find(|(name, _)| name == diagnostic.lint) {
            diagnostic.level = *level;
        }
    }
    diagnostics.retain(|d| d.level != Level::Allow);
    lints::drop_echoes(diagnostics);
    diagnostics.sort_by_key(|d| (d.param.is_none(), d.primary.range.start));
    // a call whose command is one of a few literals is checked once per candidate:
    // one finding per lint and place is enough
    let mut seen = std::collections::HashSet::new();
    diagnostics.retain(|d| d.param.is_some() || seen.insert((d.lint, d.primary.range.clone())));
}

/// True when every command the script calls is a literal read-only one (and it calls
/// at least one).
fn only_reads(cx: &lints::Context<'_>) -> bool {
    !cx.facts.calls.is_empty()
        && cx.commands().all(|(_, resolved)| match resolved {
            Some(lints::Resolved::Known(command)) => command.is_readonly() && !command.is_write(),
            _ => false,
        })
}
