//! The lints: one file each (with its documentation in `<name>.md` beside it), one
//! registration list, shared helpers.
//!
//! Every lint reads the facts of the analysis (computed once per script) through
//! a `Context` and pushes [`Diagnostic`]s at its default level; the
//! script's `allow`/`warn`/`deny` overrides are applied afterwards, in one place.

use std::ops::Range;

use crate::analysis::{Arg, CommandCall, Facts, NumericOp, NumericUse, Registration, Value, kind};
use crate::annotation::Annotations;
use crate::diagnostic::{Diagnostic, Edit, Level};
use crate::library_line::LibraryLine;
pub(crate) use crate::redis::commands::Resolved;
use crate::redis::commands::{self, Command};
use crate::shebang::Shebang;
use crate::{Host, LibrarySignature, Signature};

/// Static facts about one lint.
#[derive(Debug)]
pub struct LintInfo {
    /// Stable name, used in `allow(...)`, `warn(...)`, `deny(...)`.
    pub name: &'static str,
    /// Level when the script does not override it.
    pub default_level: Level,
    /// Whether `allow(...)` may switch it off.
    pub allowable: bool,
    /// Why it cannot be allowed or downgraded, for the message that refuses it:
    /// `Some` exactly when it is not [`allowable`](Self::allowable).
    pub always_denied_because: Option<&'static str>,
    /// What it catches, in one line.
    pub summary: &'static str,
    /// Its documentation, in Markdown: `#### What it does`, `#### Why this is bad`,
    /// `#### Example` (from `src/lints/<name>.md`, next to the lint; `docs/lints.md` and
    /// `redis-lua-lint --explain` show it).
    pub doc: &'static str,
}

impl LintInfo {
    /// Whether its findings may carry a fix (`Diagnostic::fix`): its documentation's
    /// `#### Fix` section starts with `Yes`.
    pub fn fixable(&self) -> bool {
        self.doc
            .split("#### Fix\n")
            .nth(1)
            .is_some_and(|section| section.starts_with("Yes"))
    }
}

/// What a lint sees of one script.
pub(crate) struct Context<'a> {
    pub(crate) source: &'a str,
    pub(crate) facts: &'a Facts,
    pub(crate) signature: &'a Signature,
    pub(crate) shebang: Option<&'a Shebang>,
    /// The script's annotation comments.
    pub(crate) annotations: &'a Annotations,
    /// Set when checking a function library.
    pub(crate) library: Option<Library<'a>>,
    /// The commands `facts.calls` may run, looked up once for every lint, in call
    /// order; `spans[i]` are those of call `i` (empty: the name is not a literal).
    resolved: Vec<Resolved<'a>>,
    spans: Vec<Range<usize>>,
}

impl<'a> Context<'a> {
    pub(crate) fn new(
        source: &'a str,
        facts: &'a Facts,
        signature: &'a Signature,
        shebang: Option<&'a Shebang>,
        annotations: &'a Annotations,
    ) -> Self {
        let mut resolved = Vec::with_capacity(facts.calls.len());
        let spans = facts
            .calls
            .iter()
            .map(|call| {
                let start = resolved.len();
                if let Some(names) = call.names() {
                    let sub = call.args.get(1).and_then(Arg::literal);
                    resolved.extend(names.map(|name| commands::resolve(name, sub)));
                }
                start..resolved.len()
            })
            .collect();
        Context {
            source,
            facts,
            signature,
            shebang,
            annotations,
            library: None,
            resolved,
            spans,
        }
    }

    /// The same context, in a function library: its top level (`function: None`) or
    /// one registered function.
    pub(crate) fn in_library(mut self, library: Library<'a>) -> Self {
        self.library = Some(library);
        self
    }

    /// What the code names the arguments table: `ARGV` in a script, the callback's
    /// second parameter in a function.
    pub(crate) fn argv_spelling(&self) -> &'a str {
        match self.library {
            Some(Library {
                registrations,
                function: Some(n),
                ..
            }) => registrations[n].params.get(1).map_or("args", String::as_str),
            _ => "ARGV",
        }
    }

    /// What the code is called in messages: `the script`, `the function`.
    pub(crate) fn unit(&self) -> &'static str {
        match self.library {
            Some(_) => "the function",
            None => "the script",
        }
    }

    /// Every command call with what its name resolves to (`None`: not a literal). A
    /// call whose name is one of a few literals comes once per candidate.
    pub(crate) fn commands(&self) -> impl Iterator<Item = (&'a CommandCall, Option<&Resolved<'a>>)> + '_ {
        self.facts.calls.iter().zip(&self.spans).flat_map(|(call, span)| {
            let resolved = &self.resolved[span.clone()];
            let none = resolved.is_empty().then_some((call, None));
            none.into_iter().chain(resolved.iter().map(move |r| (call, Some(r))))
        })
    }
    /// The script text of `range`.
    pub(crate) fn text(&self, range: &Range<usize>) -> &str {
        self.source.get(range.clone()).unwrap_or("")
    }

    /// How to declare key `name` a prefix where the signature is written.
    pub(crate) fn declare_prefix(&self, name: &str) -> String {
        match self.signature.host {
            Host::Rust => format!("`#[key(prefix)] {name}`"),
            Host::Header | Host::FileName => format!("`{name}(prefix)` in the `--! keys:` header"),
            Host::Config => format!("`{name}(prefix)` in the `keys:` of its `signature` in `redis-lua-lint.toml`"),
        }
    }

    /// How to declare argument `name` a key prefix where the signature is written.
    pub(crate) fn declare_arg_prefix(&self, name: &str) -> String {
        match self.signature.host {
            Host::Rust => format!("`#[arg(prefix)] {name}`"),
            Host::Header | Host::FileName => format!("`{name}(prefix)` in the `--! args:` header"),
            Host::Config => format!("`{name}(prefix)` in the `args:` of its `signature` in `redis-lua-lint.toml`"),
        }
    }

    /// How to add a key parameter where the signature is written.
    pub(crate) fn key_parameter(&self) -> &'static str {
        match self.signature.host {
            Host::Rust => "a `#[key]` parameter",
            Host::Header => "a `--! keys:` entry",
            Host::Config => "a `keys:` entry of its `signature` in `redis-lua-lint.toml`",
            Host::FileName => "one more key (counted in its file name, `name-N.lua`)",
        }
    }

    /// How to declare the oldest server `target`.
    pub(crate) fn declare_min_version(&self, target: crate::Target) -> String {
        match self.signature.host {
            Host::Rust => format!("`min_version = \"{}\"`", target.spelling()),
            Host::Header | Host::FileName => format!("`--! min_version: {}`", target.spelling()),
            Host::Config => format!("`min_version = \"{}\"` in `redis-lua-lint.toml`", target.spelling()),
        }
    }

    /// How to make the return type optional.
    pub(crate) fn optional_return(&self) -> &'static str {
        match self.signature.host {
            Host::Rust => "`scripts::Result<Option<...>>`",
            Host::Header | Host::FileName => "a `?` return type in the header (`--! returns: integer?`)",
            Host::Config => "a `?` return type in its `signature` in `redis-lua-lint.toml` (`returns: integer?`)",
        }
    }

    /// How to decode a JSON reply.
    pub(crate) fn json_return(&self) -> &'static str {
        match self.signature.host {
            Host::Rust => "`scripts::Json<T>`",
            Host::Header | Host::FileName => "`--! returns: json`",
            Host::Config => "`returns: json` in its `signature` in `redis-lua-lint.toml`",
        }
    }

    /// True when the signature is a Rust declaration, whose callers go through the
    /// generated function (and its run-time checks).
    pub(crate) fn in_rust(&self) -> bool {
        self.signature.host == Host::Rust
    }

    /// True when the script may not write: `#!lua flags=no-writes` or `read_only`.
    pub(crate) fn declared_read_only(&self) -> bool {
        self.signature.read_only || self.shebang.is_some_and(|s| s.has("no-writes"))
    }
}

/// What a lint sees of a function library besides the facts of what it checks.
#[derive(Clone, Copy)]
pub(crate) struct Library<'a> {
    /// The `#!lua name=` line.
    pub(crate) line: &'a LibraryLine,
    /// The declarations.
    pub(crate) signature: &'a LibrarySignature,
    /// Every registration, as read while the library loads.
    pub(crate) registrations: &'a [Registration],
    /// `None`: checking what runs while the library loads; `Some(n)`: the function of
    /// the n-th registration, as `FCALL` runs it.
    pub(crate) function: Option<usize>,
}

/// One lint.
pub(crate) trait Lint {
    const INFO: LintInfo;

    /// Pushes this lint's findings, each at its default level.
    fn check(cx: &Context<'_>, out: &mut Vec<Diagnostic>);

    /// A finding of this lint at its default level.
    fn finding(range: Range<usize>, message: impl Into<String>) -> Diagnostic {
        Diagnostic::new(Self::INFO.name, Self::INFO.default_level, range, message)
    }
}

/// The finding of a problem in a `#!lua` line (a script's flags, a library's options),
/// with its certain fix when it has one.
pub(crate) fn line_problem<L: Lint>(problem: &crate::shebang::Problem) -> Diagnostic {
    let finding = L::finding(problem.range.clone(), problem.message.clone())
        .label("invalid")
        .help(problem.help.clone());
    match &problem.fix {
        Some((message, edits)) => finding.fix(message.clone(), edits.clone()),
        None => finding,
    }
}

macro_rules! register {
    ($($module:ident :: $lint:ident),* $(,)?) => {
        $(mod $module;)*

        /// Every lint, alphabetically.
        pub static ALL: &[LintInfo] = &[$(<$module::$lint as Lint>::INFO),*];

        /// Runs every lint.
        pub(crate) fn run(cx: &Context<'_>, out: &mut Vec<Diagnostic>) {
            $(<$module::$lint as Lint>::check(cx, out);)*
        }
    };
}

mod indices;
pub(crate) use key_not_from_keys::derived_keys;

register! {
    argv_out_of_range::ArgvOutOfRange,
    argv_without_tonumber::ArgvWithoutTonumber,
    blocking_command::BlockingCommand,
    discarded_reply::DiscardedReply,
    dynamic_command::DynamicCommand,
    float_return::FloatReturn,
    forbidden_command::ForbiddenCommand,
    global_assignment::GlobalAssignment,
    invalid_annotation::InvalidAnnotation,
    invalid_argument::InvalidArgument,
    invalid_header::InvalidHeader,
    invalid_library::InvalidLibrary,
    invalid_shebang::InvalidShebang,
    key_not_from_keys::KeyNotFromKeys,
    keys_out_of_range::KeysOutOfRange,
    lossy_return::LossyReturn,
    lua_syntax::LuaSyntax,
    nil_arithmetic::NilArithmetic,
    nondeterministic_command::NondeterministicCommand,
    precision_loss::PrecisionLoss,
    reply_compared_with_nil::ReplyComparedWithNil,
    reply_indexed_by_name::ReplyIndexedByName,
    reply_type_mismatch::ReplyTypeMismatch,
    reply_without_tonumber::ReplyWithoutTonumber,
    return_type_mismatch::ReturnTypeMismatch,
    server_error_code::ServerErrorCode,
    shadowed_global::ShadowedGlobal,
    status_compared_with_string::StatusComparedWithString,
    unbounded_unpack::UnboundedUnpack,
    undeclared_function::UndeclaredFunction,
    undeclared_key_access::UndeclaredKeyAccess,
    undefined_global::UndefinedGlobal,
    unknown_command::UnknownCommand,
    unregistered_function::UnregisteredFunction,
    unseeded_random::UnseededRandom,
    unused_arg::UnusedArg,
    unused_key::UnusedKey,
    write_in_read_only::WriteInReadOnly,
    wrong_arity::WrongArity,
}

/// Drops findings that only echo an undefined global: in `redis.call('GET', KEY[1])`
/// the mistake is `KEY` for `KEYS`, and "the key does not come from `KEYS`" on the same
/// text would send the reader the wrong way.
pub(crate) fn drop_echoes(diagnostics: &mut Vec<Diagnostic>) {
    let undefined: Vec<Range<usize>> = diagnostics
        .iter()
        .filter(|d| d.lint == "undefined_global")
        .map(|d| d.primary.range.clone())
        .collect();
    if undefined.is_empty() {
        return;
    }
    let overlaps = |r: &Range<usize>| undefined.iter().any(|u| u.start < r.end && r.start < u.end);
    diagnostics.retain(|d| d.lint != "key_not_from_keys" || !overlaps(&d.primary.range));
}

/// Name of the syntax-error lint, reported by the parser itself.
pub use crate::parse::LUA_SYNTAX;
pub use crate::suggest::{suggest, suggest_within, sure, sure_in_case};
/// Name of the lint for `--!` header lines that cannot be read, reported by
/// [`crate::header`] itself.
pub(crate) use invalid_header::NAME as INVALID_HEADER;

/// Why a lint that cannot be switched off stays an error, for the message that refuses
/// `allow(...)` of it.
pub fn always_denied_because(name: &str) -> &'static str {
    find(name)
        .and_then(|lint| lint.always_denied_because)
        .unwrap_or("it is always an error")
}

/// The lint called `name`.
pub fn find(name: &str) -> Option<&'static LintInfo> {
    ALL.iter().find(|lint| lint.name == name)
}

/// Why a level written for a lint is refused (see [`check_level`]).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum LevelError {
    /// No lint has this name.
    Unknown {
        /// The lint name closest to it, when one is close enough to be a typo.
        suggestion: Option<&'static str>,
    },
    /// The lint cannot be allowed or downgraded.
    AlwaysDenied {
        /// Why, for the message ("Redis refuses a script that does not compile").
        reason: &'static str,
    },
}

/// The rule behind every place a lint level is written (`#[redis_script(allow(...))]`,
/// `scripts.toml`, a `--!` header, redis-lua-lint's configuration, command line and
/// inline suppressions): is `name` a lint, and may it take `level`? Each place words
/// the refusal its own way, with the reason and the suggestion given here.
///
/// ```
/// use scripts_lint::Level;
/// use scripts_lint::lints::{LevelError, check_level};
///
/// assert!(check_level("unused_key", Level::Allow).is_ok());
/// assert_eq!(
///     check_level("unsused_key", Level::Allow).unwrap_err(),
///     LevelError::Unknown { suggestion: Some("unused_key") }
/// );
/// assert!(matches!(
///     check_level("server_error_code", Level::Warn),
///     Err(LevelError::AlwaysDenied { reason }) if reason.starts_with("clients take such an error")
/// ));
/// ```
pub fn check_level(name: &str, level: Level) -> Result<&'static LintInfo, LevelError> {
    check_level_among(ALL, name, level)
}

/// [`check_level`] among `lints`: a tool that reports lints of its own passes them
/// with [`ALL`].
pub fn check_level_among<'l>(
    lints: impl IntoIterator<Item = &'l LintInfo> + Clone,
    name: &str,
    level: Level,
) -> Result<&'l LintInfo, LevelError> {
    match lints.clone().into_iter().find(|lint| lint.name == name) {
        None => Err(LevelError::Unknown {
            suggestion: suggest(name, lints.into_iter().map(|lint| lint.name)),
        }),
        Some(lint) if !lint.allowable && level != Level::Deny => Err(LevelError::AlwaysDenied {
            reason: lint.always_denied_because.unwrap_or("it is always an error"),
        }),
        Some(lint) => Ok(lint),
    }
}

/// The user-facing name of a command: `GET`, `OBJECT ENCODING`.
pub(crate) fn display_name(command: &Command) -> String {
    command.name.replace('|', " ")
}

/// `ARGV[2]` when the value is known to be that entry, else "a value from `ARGV`".
pub(crate) fn argv_name(value: &Value) -> String {
    match value.argv_index {
        Some(i) => format!("`ARGV[{i}]`"),
        None => "a value from `ARGV`".to_owned(),
    }
}

/// "`GET`" for a value that came from a `GET` reply, else "the command".
pub(crate) fn reply_command(value: &Value) -> String {
    match value.reply {
        Some(reply) => format!("`{}`", reply.command.replace('|', " ")),
        None => "the command".to_owned(),
    }
}

/// The fix of a string used as a number: `tonumber(...)` around the use, where that is
/// what Lua does with it anyway (arithmetic, negation and `for` bounds convert a
/// numeric string the same way; a non-numeric one raises either way) or what the
/// comparison can only mean (`<` against a number raises on a string). None for `==`
/// (`'10' == 10` may mean the string `'10'`), for `<` against another string
/// (alphabetical), or for a value that may be something else than a string or a number.
pub(crate) fn tonumber_fix(cx: &Context<'_>, used: &NumericUse, may_be: u32) -> Option<(String, Vec<Edit>)> {
    let certain = match used.op {
        NumericOp::Arithmetic(_) | NumericOp::Negation | NumericOp::ForBound => true,
        NumericOp::Ordering(_, false) => used.other != 0 && used.other & !kind::NUMBER == 0,
        NumericOp::Ordering(_, true) | NumericOp::Equality(_) | NumericOp::Concat => false,
    };
    if !certain || !used.value.only(may_be) {
        return None;
    }
    let text = cx.text(&used.range);
    // `tonumber(f())` would take `f`'s second value as its base
    let (open, close) = if used.several {
        ("tonumber((", "))")
    } else {
        ("tonumber(", ")")
    };
    Some((
        format!("convert it: `{open}{text}{close}`"),
        vec![
            Edit::new(used.range.start..used.range.start, open),
            Edit::new(used.range.end..used.range.end, close),
        ],
    ))
}

/// Where the text of a literal string is written, quotes excluded, when `value` is that
/// one literal, written in the script in plain quotes (a caller's argument, for a
/// helper's parameter): the place a fix of a misspelt name edits.
pub(crate) fn literal_text_at(cx: &Context<'_>, value: &Value) -> Option<Range<usize>> {
    name_at(cx, &value.origin()?, value.literal()?)
}

/// Where `text` is written at `at`: all of it when it is written as a name, or inside
/// the quotes of a plain string literal (`'text'`, `"text"`; not one with escapes).
pub(crate) fn name_at(cx: &Context<'_>, at: &Range<usize>, text: &str) -> Option<Range<usize>> {
    let written = cx.text(at);
    if written == text {
        return Some(at.clone());
    }
    let quoted = [b'\'', b'"'].iter().any(|&q| {
        written.len() == text.len() + 2 && written.as_bytes()[0] == q && written.as_bytes()[written.len() - 1] == q
    });
    (quoted && &written[1..written.len() - 1] == text).then(|| at.start + 1..at.end - 1)
}

/// `name` in the case `written` is in: all lowercase, all uppercase, or as it is.
pub(crate) fn in_case_of(written: &str, name: &str) -> String {
    if !written.bytes().any(|b| b.is_ascii_uppercase()) {
        name.to_ascii_lowercase()
    } else if !written.bytes().any(|b| b.is_ascii_lowercase()) {
        name.to_ascii_uppercase()
    } else {
        name.to_owned()
    }
}

/// The parameter list of a role, for messages: "`from`, `to`".
pub(crate) fn param_names(params: &[crate::Param]) -> String {
    let names: Vec<String> = params.iter().map(|p| format!("`{}`", p.name)).collect();
    names.join(", ")
}

/// The Rust parameter filling `KEYS[i]`/`ARGV[i]` (1-based), if the signature has one there.
pub(crate) fn param_at(params: &[crate::Param], index: usize) -> Option<&crate::Param> {
    let fixed = params.iter().filter(|p| !p.variadic).count();
    if index >= 1 && index <= fixed {
        params.get(index - 1)
    } else {
        params.iter().find(|p| p.variadic)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn registry_is_alphabetical_and_complete() {
        assert!(ALL.windows(2).all(|w| w[0].name < w[1].name), "keep the list sorted");
        assert_eq!(ALL.len(), 39);
        assert!(find(LUA_SYNTAX).is_some_and(|l| !l.allowable));
    }

    #[test]
    fn each_lint_that_cannot_be_allowed_says_why() {
        for lint in ALL {
            assert_eq!(
                lint.allowable,
                lint.always_denied_because.is_none(),
                "`{}`: a reason exactly when it cannot be allowed",
                lint.name
            );
        }
        // each its own reason, not lua_syntax's
        for (name, reason) in [
            (LUA_SYNTAX, "Redis refuses a script that does not compile"),
            (
                "server_error_code",
                "clients take such an error for the server's own, and may run the script again",
            ),
            (
                "unregistered_function",
                "every call of the declaration would answer `ERR Function not found`",
            ),
            ("invalid_library", "Redis refuses to load the whole library"),
        ] {
            for level in [Level::Allow, Level::Warn] {
                assert_eq!(
                    check_level(name, level).err(),
                    Some(LevelError::AlwaysDenied { reason })
                );
            }
            assert!(check_level(name, Level::Deny).is_ok());
            assert_eq!(always_denied_because(name), reason);
        }
    }
}
