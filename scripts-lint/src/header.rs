//! Script headers: `--!` comment lines that declare the function a script belongs to,
//! for scripts that live in `.lua` files rather than in a Rust function.
//!
//! A header is one or more lines starting with `--!` among the comments at the top of a
//! script (after a `#!lua` line, before the first statement). Each line holds one or
//! more directives, so a whole signature fits on one line:
//!
//! ```lua
//! --! keys: queue(prefix), job  args: ttl:integer, *rest  returns: integer?
//! ```
//!
//! | directive | meaning |
//! |---|---|
//! | `keys: a, b` | the `KEYS` the caller passes, in order (`keys:` alone: none) |
//! | `args: a, b` | the `ARGV` entries, in order (`args:` alone: none) |
//! | `returns: T` | what the caller decodes the reply into |
//! | `read_only` | the script must not write |
//! | `min_version: 7.4` | the oldest server it must run on: `7.0` (default), `7.2`, `7.4`, `valkey-8.0` |
//! | `allow: lint, ...` (`warn`, `deny`) | lint levels for this script |
//!
//! A parameter is `name`, optionally typed `name:type`; `*name` (or `name..`) takes the
//! rest of the entries (last parameter only), and a key written `name(prefix)` is a
//! prefix the script may build keys from by appending (`KEYS[1] .. 'job:' .. id`).
//! Parameter types: `string` (the default), `integer` (`int`), `i64` (an integer that
//! may exceed 2^53), `number` (`float`), `boolean`, `bytes`, `any`, and the Rust spellings
//! (`i32`, `u64`, `f64`, `bool`, `String`, ...). Return types: `integer`, `number`,
//! `string`, `boolean`, `bytes`, `array`, `json`, `any`, `(T, U)` for an array of that
//! many fields, `T?` for "nil or `T`", and the Rust spellings (`i64`, `Option<String>`,
//! `Vec<String>`, `Json<T>`, `()`).
//!
//! The same directives, without `--!`, make a signature anywhere else one is written
//! (a configuration file): [`parse_directives`].
//!
//! ```
//! use scripts_lint::{Count, header};
//!
//! let source = "--! keys: lock  args: token, ttl:integer  returns: integer\n\
//!               return redis.call('SET', KEYS[1], ARGV[1], 'NX', 'PX', ARGV[2]) and 1 or 0\n";
//! let header = header::parse(source);
//! assert!(header.errors.is_empty());
//! assert_eq!(header.signature.key_count(), Count::Exact(1));
//! assert_eq!(header.signature.arg_count(), Count::Exact(2));
//!
//! let bad = header::parse("--! keys: a b\n");
//! assert!(bad.errors[0].message.contains("`a b`"));
//! ```

use std::ops::Range;

use crate::diagnostic::{Diagnostic, Level};
use crate::lints::{self, LevelError};
use crate::suggest::suggest;
use crate::{Param, ParamType, ReturnType, Signature, Target};

/// The name under which header mistakes are reported (an error: a wrong header would
/// make every count-based check wrong). Registered with the other lints
/// ([`lints::ALL`]), which document it and give it its level rule.
pub const LINT: &str = lints::INVALID_HEADER;

/// The directives, as written before their `:`.
pub const DIRECTIVES: [&str; 8] = [
    "keys",
    "args",
    "returns",
    "read_only",
    "min_version",
    "allow",
    "warn",
    "deny",
];

/// What a header declares.
#[derive(Clone, Debug)]
pub struct Header {
    /// The declared signature: no keys and no args unless declared, any return type.
    pub signature: Signature,
    /// A `keys:` directive was written (possibly empty: no keys).
    pub has_keys: bool,
    /// An `args:` directive was written (possibly empty: no args).
    pub has_args: bool,
    /// A `returns:` directive was read.
    pub has_returns: bool,
    /// A `min_version:` directive was read.
    pub has_min_version: bool,
    /// Where each key of `signature.keys` is written, in the same order.
    pub key_ranges: Vec<Range<usize>>,
    /// Where each arg of `signature.args` is written, in the same order.
    pub arg_ranges: Vec<Range<usize>>,
    /// Where each entry of `signature.levels` is written, in the same order.
    pub level_ranges: Vec<Range<usize>>,
    /// Mistakes, in the order written; what could be read is still in `signature`.
    pub errors: Vec<HeaderError>,
}

impl Default for Header {
    fn default() -> Self {
        Header {
            signature: Signature {
                // the text messages name when no return type is declared
                return_text: "redis::Value".into(),
                host: crate::Host::Header,
                ..Signature::default()
            },
            has_keys: false,
            has_args: false,
            has_returns: false,
            has_min_version: false,
            key_ranges: Vec::new(),
            arg_ranges: Vec::new(),
            level_ranges: Vec::new(),
            errors: Vec::new(),
        }
    }
}

impl Header {
    /// True when the header says how many keys or args the script takes; the other
    /// one is then none unless declared too.
    pub fn declares_counts(&self) -> bool {
        self.has_keys || self.has_args
    }
}

/// A mistake in a header, at a byte range of the text parsed.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct HeaderError {
    /// What is written there.
    pub range: Range<usize>,
    /// Lowercase, no trailing period.
    pub message: String,
    /// What to write instead.
    pub help: Option<String>,
}

impl HeaderError {
    /// The mistake as a finding of [`LINT`] (an error).
    pub fn to_diagnostic(&self) -> Diagnostic {
        let mut diagnostic = Diagnostic::new(LINT, Level::Deny, self.range.clone(), self.message.clone());
        diagnostic.help = self.help.clone();
        diagnostic
    }
}

/// Reads the `--!` lines among the comments at the top of `source`.
pub fn parse(source: &str) -> Header {
    let mut parser = Parser::default();
    for (offset, line) in header_lines(source) {
        parser.line(line, offset);
    }
    parser.header
}

/// Reads directives written without `--!` (each line of `text` is one header line), as
/// a configuration file holds a signature: `keys: lock  args: token, ttl:integer`.
/// Ranges are byte offsets into `text`.
pub fn parse_directives(text: &str) -> Header {
    let mut parser = Parser::default();
    let mut offset = 0;
    for line in text.split_inclusive('\n') {
        parser.line(line.trim_end_matches(['\n', '\r']), offset);
        offset += line.len();
    }
    parser.header
}

/// `signature` as one header line (without the `--!`), which [`parse_directives`]
/// reads back into the same signature.
pub fn write(signature: &Signature) -> String {
    let params = |params: &[Param]| {
        let written: Vec<String> = params
            .iter()
            .map(|p| {
                let mut out = String::new();
                if p.variadic {
                    out.push('*');
                }
                out += &p.name;
                match p.ty {
                    ParamType::Text => {}
                    ty => {
                        out.push(':');
                        out += param_type_name(ty);
                    }
                }
                if p.prefix {
                    out += "(prefix)";
                }
                out
            })
            .collect();
        written.join(", ")
    };
    let mut parts = vec![
        format!("keys: {}", params(&signature.keys)).trim_end().to_owned(),
        format!("args: {}", params(&signature.args)).trim_end().to_owned(),
    ];
    let returns = if signature.return_text.trim().is_empty() {
        return_type_name(&signature.returns)
    } else {
        signature.return_text.trim().to_owned()
    };
    parts.push(format!("returns: {returns}"));
    if signature.read_only {
        parts.push("read_only".into());
    }
    if signature.target != Target::default() {
        parts.push(format!("min_version: {}", signature.target.spelling()));
    }
    for (lint, level) in &signature.levels {
        parts.push(format!("{level}: {lint}"));
    }
    parts.join("  ")
}

/// The `--!` lines of the leading comments of `source`: (offset after `--!`, text up to
/// the line's end).
fn header_lines(source: &str) -> Vec<(usize, &str)> {
    let mut out = Vec::new();
    let mut offset = 0;
    if source.starts_with("#!") {
        offset = source.find('\n').map_or(source.len(), |n| n + 1);
    }
    while offset < source.len() {
        let end = source[offset..].find('\n').map_or(source.len(), |n| offset + n + 1);
        let line = source[offset..end].trim_end_matches(['\n', '\r']);
        let indent = line.len() - line.trim_start().len();
        let text = &line[indent..];
        if let Some(directives) = text.strip_prefix("--!").filter(|d| is_header_line(d)) {
            out.push((offset + indent + 3, directives));
        } else if let Some(comment) = text.strip_prefix("--") {
            if let Some(level) = long_bracket(comment) {
                // a long comment: skip to its end, and stop if code follows it there
                let body = offset + indent + 2 + level + 2;
                let close = format!("]{}]", "=".repeat(level));
                let Some(found) = source[body.min(source.len())..].find(&close) else {
                    break;
                };
                let after = body + found + close.len();
                let rest_end = source[after..].find('\n').map_or(source.len(), |n| after + n + 1);
                if !source[after..rest_end].trim().is_empty() {
                    break;
                }
                offset = rest_end;
                continue;
            }
        } else if !text.is_empty() {
            break;
        }
        offset = end;
    }
    out
}

/// True for the text after `--!` of a header line: blank, or white space or a directive
/// first. Other `--!` comments (`--!strict`, a commented-out shebang) are not headers.
fn is_header_line(text: &str) -> bool {
    text.is_empty()
        || text.starts_with(char::is_whitespace)
        || DIRECTIVES.iter().any(|d| {
            text.strip_prefix(d)
                .is_some_and(|rest| rest.is_empty() || rest.starts_with([':', ' ', '\t']))
        })
}

/// The level of a long bracket opening `text` (`[[`: 0, `[==[`: 2).
fn long_bracket(text: &str) -> Option<usize> {
    let rest = text.strip_prefix('[')?;
    let level = rest.bytes().take_while(|&b| b == b'=').count();
    rest[level..].starts_with('[').then_some(level)
}

#[derive(Default)]
struct Parser {
    header: Header,
    returns_seen: bool,
    min_version_seen: bool,
}

impl Parser {
    fn error(&mut self, range: Range<usize>, message: impl Into<String>, help: Option<String>) {
        self.header.errors.push(HeaderError {
            range,
            message: message.into(),
            help,
        });
    }

    /// One header line (`line` starts at byte `offset` of the text parsed).
    fn line(&mut self, line: &str, offset: usize) {
        let starts = directive_starts(line);
        let first = starts.first().map_or(line.len(), |s| s.0);
        let junk = &line[..first];
        if !junk.trim().is_empty() {
            let word_start = junk.len() - junk.trim_start().len();
            let word = junk
                .trim_start()
                .split(|c: char| c.is_whitespace() || c == ':')
                .next()
                .unwrap_or("");
            let range = offset + word_start..offset + word_start + word.len();
            if DIRECTIVES.contains(&word) {
                self.error(
                    range,
                    format!("expected `:` after `{word}`"),
                    Some(format!("write `{word}: ...`")),
                );
            } else {
                let help = match suggest(word, DIRECTIVES) {
                    Some(near) => format!("did you mean `{near}`?"),
                    None => format!(
                        "the directives are {}; write other comments with `--`",
                        DIRECTIVES.map(|d| format!("`{d}`")).join(", ")
                    ),
                };
                self.error(range, format!("unknown header directive `{word}`"), Some(help));
            }
        }
        for (i, &(start, name, value_start)) in starts.iter().enumerate() {
            let end = starts.get(i + 1).map_or(line.len(), |s| s.0);
            let value = &line[value_start..end];
            self.directive(name, offset + start, value, offset + value_start);
        }
    }

    fn directive(&mut self, name: &'static str, at: usize, value: &str, value_at: usize) {
        let name_range = at..at + name.len();
        let trimmed_at = value_at + (value.len() - value.trim_start().len());
        let trimmed = value.trim();
        let value_range = trimmed_at..trimmed_at + trimmed.len();
        match name {
            "keys" | "args" => {
                let is_keys = name == "keys";
                let already = if is_keys {
                    self.header.has_keys
                } else {
                    self.header.has_args
                };
                if already {
                    self.error(
                        name_range,
                        format!("`{name}` is declared twice"),
                        Some(format!("list every parameter in one `{name}:` directive")),
                    );
                    return;
                }
                let (params, ranges) = self.params(value, value_at, is_keys);
                if is_keys {
                    self.header.has_keys = true;
                    self.header.signature.keys = params;
                    self.header.key_ranges = ranges;
                } else {
                    self.header.has_args = true;
                    self.header.signature.args = params;
                    self.header.arg_ranges = ranges;
                }
            }
            "returns" => {
                if std::mem::replace(&mut self.returns_seen, true) {
                    self.error(
                        name_range,
                        "`returns` is declared twice",
                        Some("keep one `returns:`".into()),
                    );
                    return;
                }
                if trimmed.is_empty() {
                    self.error(
                        name_range,
                        "`returns` needs a type",
                        Some("write e.g. `returns: integer`, `returns: string?` or `returns: any`".into()),
                    );
                    return;
                }
                match return_type(trimmed) {
                    Ok(returns) => {
                        self.header.signature.returns = returns;
                        self.header.signature.return_text = trimmed.to_owned();
                        self.header.has_returns = true;
                    }
                    Err(help) => self.error(value_range, format!("unknown return type `{trimmed}`"), Some(help)),
                }
            }
            "read_only" => match trimmed {
                "" | "true" | "yes" => self.header.signature.read_only = true,
                "false" | "no" => self.header.signature.read_only = false,
                other => self.error(
                    value_range,
                    format!("`read_only` takes no value, found `{other}`"),
                    Some("write `read_only` alone".into()),
                ),
            },
            "min_version" => {
                if std::mem::replace(&mut self.min_version_seen, true) {
                    self.error(
                        name_range,
                        "`min_version` is declared twice",
                        Some("keep one `min_version:`".into()),
                    );
                    return;
                }
                match trimmed.parse::<Target>() {
                    Ok(target) => {
                        self.header.signature.target = target;
                        self.header.has_min_version = true;
                    }
                    Err(message) => {
                        let range = if trimmed.is_empty() { name_range } else { value_range };
                        self.error(range, message, Some("write e.g. `min_version: 7.4`".into()));
                    }
                }
            }
            _ => {
                let level = match name {
                    "allow" => Level::Allow,
                    "warn" => Level::Warn,
                    _ => Level::Deny,
                };
                self.levels(level, name, value, value_at);
            }
        }
    }

    /// `allow: a, b`: each name checked against the lints.
    fn levels(&mut self, level: Level, directive: &str, value: &str, value_at: usize) {
        let items = split_items(value, value_at);
        if items.is_empty() {
            self.error(
                value_at.saturating_sub(directive.len() + 1)..value_at,
                format!("`{directive}` needs a lint name"),
                Some(format!("write e.g. `{directive}: dynamic_command`")),
            );
        }
        for (name, range) in items {
            match lints::check_level(name, level) {
                Ok(_) => {
                    self.header.signature.levels.push((name.to_owned(), level));
                    self.header.level_ranges.push(range);
                }
                Err(LevelError::AlwaysDenied { reason }) => self.error(
                    range,
                    format!("`{name}` cannot be allowed or downgraded: {reason}"),
                    None,
                ),
                Err(LevelError::Unknown { suggestion }) => {
                    let help = match suggestion {
                        Some(near) => format!("did you mean `{near}`?"),
                        None => "the lints are listed in docs/lints.md".into(),
                    };
                    self.error(range, format!("unknown lint `{name}`"), Some(help));
                }
            }
        }
    }

    /// A parameter list; errors for what cannot be read.
    fn params(&mut self, value: &str, value_at: usize, keys: bool) -> (Vec<Param>, Vec<Range<usize>>) {
        let role = if keys { "key" } else { "arg" };
        let mut params: Vec<Param> = Vec::new();
        let mut ranges = Vec::new();
        for (item, range) in split_items(value, value_at) {
            if let Some(rest) = params.iter().find(|p| p.variadic) {
                let message = format!("`{}` takes the rest of the {role}s: it must come last", rest.name);
                self.error(
                    range.clone(),
                    message,
                    Some(format!("move `*{}` to the end", rest.name)),
                );
                break;
            }
            match param(item, keys) {
                Ok(param) => {
                    if params.iter().any(|p| p.name == param.name) {
                        self.error(
                            range.clone(),
                            format!("{role} `{}` is declared twice", param.name),
                            Some("give each parameter its own name".into()),
                        );
                        continue;
                    }
                    params.push(param);
                    ranges.push(range);
                }
                Err((message, help)) => self.error(range, message, Some(help)),
            }
        }
        (params, ranges)
    }
}

/// The directives of `line`: (offset of the name, name, offset of the value after `:`).
/// A directive name starts the line or follows white space, and is followed by `:`
/// (`read_only`: by white space or the end too).
fn directive_starts(line: &str) -> Vec<(usize, &'static str, usize)> {
    let bytes = line.as_bytes();
    let mut out = Vec::new();
    let mut i = 0;
    while i < bytes.len() {
        let at_word = i == 0 || bytes[i - 1].is_ascii_whitespace();
        if at_word {
            for name in DIRECTIVES {
                if !line[i..].starts_with(name) {
                    continue;
                }
                let after = i + name.len();
                let spaces = line[after..].len() - line[after..].trim_start().len();
                if line[after + spaces..].starts_with(':') {
                    out.push((i, name, after + spaces + 1));
                    i = after + spaces;
                    break;
                }
                if name == "read_only" && (after == line.len() || bytes[after].is_ascii_whitespace()) {
                    out.push((i, name, after));
                    i = after;
                    break;
                }
            }
        }
        i += 1;
    }
    out
}

/// Comma-separated items of `value` (which starts at `value_at`), trimmed, empty ones
/// dropped (`keys: a, b,` is fine), with their ranges.
fn split_items(value: &str, value_at: usize) -> Vec<(&str, Range<usize>)> {
    let mut out = Vec::new();
    let mut offset = 0;
    for part in value.split(',') {
        let trimmed = part.trim();
        if !trimmed.is_empty() {
            let start = value_at + offset + (part.len() - part.trim_start().len());
            out.push((trimmed, start..start + trimmed.len()));
        }
        offset += part.len() + 1;
    }
    out
}

/// `name`, `name:type`, `*name` or `name..` (the rest), and `name(prefix)`: a key, or
/// an argument, the script builds keys from.
fn param(item: &str, key: bool) -> Result<Param, (String, String)> {
    let mut spec = item;
    let mut prefix = false;
    if let Some(rest) = spec.strip_suffix("(prefix)") {
        spec = rest.trim_end();
        prefix = true;
    }
    let mut variadic = false;
    if let Some(rest) = spec.strip_prefix('*') {
        spec = rest.trim_start();
        variadic = true;
    }
    let (mut name, mut ty) = match spec.split_once(':') {
        Some((name, ty)) => (name.trim(), ty.trim()),
        None => (spec.trim(), ""),
    };
    for part in [&mut name, &mut ty] {
        if let Some(rest) = part.strip_suffix("..") {
            *part = rest.trim_end();
            variadic = true;
        }
    }
    let valid_name = name.chars().next().is_some_and(|c| c.is_alphabetic() || c == '_')
        && name
            .chars()
            .all(|c| c.is_alphanumeric() || matches!(c, '_' | '-' | '.'));
    if !valid_name {
        let help = if name.contains(char::is_whitespace) {
            "separate parameters with `,`".to_owned()
        } else if name.contains('(') {
            "the only marker in brackets is `(prefix)`, at the end of a key or argument".to_owned()
        } else {
            "write a name, then optionally `:type`; `*name` takes the rest".to_owned()
        };
        return Err((format!("`{item}` is not a parameter"), help));
    }
    let ty = param_type(ty).ok_or_else(|| {
        let help = match suggest(ty, PARAM_TYPES.iter().map(|(word, _)| *word)) {
            Some(near) => format!("did you mean `{near}`?"),
            None => "the types are `string`, `integer`, `i64`, `number`, `boolean`, `bytes` and `any`".to_owned(),
        };
        (format!("unknown parameter type `{ty}`"), help)
    })?;
    if prefix && !key && !matches!(ty, ParamType::Text | ParamType::Bytes | ParamType::Other) {
        return Err((
            format!("`{item}`: a key prefix is text, not `{}`", param_type_name(ty)),
            format!("drop the type (`{name}(prefix)`), or drop `(prefix)` if the script builds no keys from it"),
        ));
    }
    let param = Param::new(name, ty, variadic);
    Ok(if prefix { param.prefix() } else { param })
}

/// Parameter type spellings: language-neutral words first, then Rust's.
const PARAM_TYPES: &[(&str, ParamType)] = &[
    ("string", ParamType::Text),
    ("text", ParamType::Text),
    ("integer", ParamType::Int),
    ("int", ParamType::Int),
    ("number", ParamType::Float),
    ("float", ParamType::Float),
    ("boolean", ParamType::Bool),
    ("bytes", ParamType::Bytes),
    ("any", ParamType::Other),
    ("other", ParamType::Other),
    ("i64", ParamType::Int64),
    ("u64", ParamType::Int64),
    ("i128", ParamType::Int64),
    ("u128", ParamType::Int64),
    ("isize", ParamType::Int64),
    ("usize", ParamType::Int64),
    ("i8", ParamType::Int),
    ("i16", ParamType::Int),
    ("i32", ParamType::Int),
    ("u8", ParamType::Int),
    ("u16", ParamType::Int),
    ("u32", ParamType::Int),
    ("f32", ParamType::Float),
    ("f64", ParamType::Float),
    ("bool", ParamType::Bool),
    ("str", ParamType::Text),
    ("&str", ParamType::Text),
    ("String", ParamType::Text),
    ("Vec<u8>", ParamType::Bytes),
    ("&[u8]", ParamType::Bytes),
];

fn param_type(text: &str) -> Option<ParamType> {
    if text.is_empty() {
        return Some(ParamType::Text);
    }
    PARAM_TYPES.iter().find(|(word, _)| *word == text).map(|(_, ty)| *ty)
}

/// How [`write`] spells a parameter type.
fn param_type_name(ty: ParamType) -> &'static str {
    match ty {
        ParamType::Int64 => "i64",
        ParamType::Int => "integer",
        ParamType::Float => "number",
        ParamType::Text => "string",
        ParamType::Bytes => "bytes",
        ParamType::Bool => "boolean",
        ParamType::Other => "any",
    }
}

/// Return type words (Rust generics are recognised by their outer name).
const RETURN_WORDS: &[&str] = &[
    "integer", "int", "number", "float", "string", "text", "boolean", "bool", "bytes", "array", "list", "json", "any",
    "()",
];

/// A return type as written: a language-neutral word, `T?`, or a Rust type.
fn return_type(text: &str) -> Result<ReturnType, String> {
    let text = text.trim();
    if let Some(inner) = text.strip_suffix('?') {
        return Ok(ReturnType::Option(Box::new(return_type(inner)?)));
    }
    if let Some(inner) = text.strip_prefix("Option<").and_then(|t| t.strip_suffix('>')) {
        return Ok(ReturnType::Option(Box::new(return_type(inner)?)));
    }
    if text.len() > 2 && text.starts_with('(') && text.ends_with(')') {
        return Ok(ReturnType::Tuple(tuple_fields(text)));
    }
    let outer = text.split('<').next().unwrap_or(text);
    Ok(match outer {
        "integer" | "int" | "i8" | "i16" | "i32" | "i64" | "i128" | "isize" | "u8" | "u16" | "u32" | "u64" | "u128"
        | "usize" => ReturnType::Integer,
        "number" | "float" | "f32" | "f64" => ReturnType::Float,
        "boolean" | "bool" => ReturnType::Bool,
        "string" | "text" | "String" => ReturnType::Text,
        "bytes" => ReturnType::Bytes,
        "Vec" if text == "Vec<u8>" => ReturnType::Bytes,
        "()" => ReturnType::Unit,
        "json" | "Json" => ReturnType::Json,
        "array" | "list" | "Vec" | "VecDeque" | "HashMap" | "BTreeMap" | "HashSet" | "BTreeSet" | "IndexMap"
        | "IndexSet" => ReturnType::List,
        "any" | "value" => ReturnType::Any,
        // a Rust type the checker does not know (`redis::Value`, `MyReply`): anything goes
        t if t.contains("::") || t.starts_with(char::is_uppercase) => ReturnType::Any,
        other => {
            return Err(match suggest(other, RETURN_WORDS.iter().copied()) {
                Some(near) => format!("did you mean `{near}`?"),
                None => "the types are `integer`, `number`, `string`, `boolean`, `bytes`, `array`, `json`, \
                         `any`, `(T, U)` for an array of that many fields, and `T?` for nil or `T`"
                    .into(),
            });
        }
    })
}

/// The fields of a tuple type `(a, b)`: the parts between commas at its top level
/// (`(Vec<(i64, String)>, i64)` has two; `(i64,)` one).
fn tuple_fields(text: &str) -> usize {
    let inner = &text[1..text.len() - 1];
    let mut depth = 0usize;
    let mut fields = 0;
    let mut current = String::new();
    for c in inner.chars().chain([',']) {
        match c {
            '(' | '<' | '[' => depth += 1,
            ')' | '>' | ']' => depth = depth.saturating_sub(1),
            ',' if depth == 0 => {
                fields += usize::from(!current.trim().is_empty());
                current.clear();
                continue;
            }
            _ => {}
        }
        current.push(c);
    }
    fields
}

/// How [`write`] spells a return type without its text.
fn return_type_name(returns: &ReturnType) -> String {
    match returns {
        ReturnType::Any => "any".into(),
        ReturnType::Unit => "()".into(),
        ReturnType::Integer => "integer".into(),
        ReturnType::Float => "number".into(),
        ReturnType::Bool => "boolean".into(),
        ReturnType::Text => "string".into(),
        ReturnType::Bytes => "bytes".into(),
        ReturnType::List => "array".into(),
        ReturnType::Tuple(fields) => format!("({})", vec!["any"; *fields].join(", ")),
        ReturnType::Option(inner) => format!("{}?", return_type_name(inner)),
        ReturnType::Json => "json".into(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::Count;

    fn errors(source: &str) -> Vec<String> {
        parse(source).errors.into_iter().map(|e| e.message).collect()
    }

    #[test]
    fn the_fixture_forms_still_read() {
        let header = parse(
            "--! keys: queue(prefix), job, rest..\n--! args: amount:i64, label\n--! returns: Option<i64>\n\
             --! read_only\n--! min_version: 7.4\n--! deny: nondeterministic_command\nreturn 1\n",
        );
        assert_eq!(header.errors, []);
        let s = &header.signature;
        assert_eq!(s.keys.len(), 3);
        assert!(s.keys[0].prefix && !s.keys[0].variadic);
        assert!(s.keys[2].variadic && s.keys[2].name == "rest");
        assert_eq!(s.args[0].ty, ParamType::Int64);
        assert_eq!(s.args[1].ty, ParamType::Text);
        assert_eq!(s.returns, ReturnType::Option(Box::new(ReturnType::Integer)));
        assert_eq!(s.return_text, "Option<i64>");
        assert!(s.read_only);
        assert_eq!(s.target, Target::Redis7_4);
        assert_eq!(s.levels, [("nondeterministic_command".to_owned(), Level::Deny)]);
    }

    #[test]
    fn the_compact_form_reads_the_same() {
        let header = parse("--! keys: queue(prefix), job  args: ttl:integer, *rest  returns: integer?  read_only\n");
        assert_eq!(header.errors, []);
        let s = &header.signature;
        assert_eq!(s.key_count(), Count::Exact(2));
        assert_eq!(s.arg_count(), Count::AtLeast(1));
        assert_eq!(s.args[0].ty, ParamType::Int);
        assert_eq!(s.returns, ReturnType::Option(Box::new(ReturnType::Integer)));
        assert!(s.read_only);
        // ranges point at each parameter as written
        let line = "--! keys: queue(prefix), job  args: ttl:integer, *rest";
        assert_eq!(&line[header.key_ranges[1].clone()], "job");
        assert_eq!(&line[header.arg_ranges[1].clone()], "*rest");
    }

    #[test]
    fn the_header_may_follow_other_comments() {
        let source = "#!lua flags=no-writes\n--[[\n  Gets a job.\n]]\n-- KEYS[1] the job\n\n--! keys: job\nreturn 1\n--! args: late\n";
        let header = parse(source);
        assert!(
            header.has_keys && !header.has_args,
            "a `--!` after code is an ordinary comment"
        );
        assert!(!parse("local x = 1\n--! keys: a\n").has_keys);
        assert!(!parse("--[[ x ]] return 1\n--! keys: a\n").has_keys);
        assert!(!parse("--[==[ unclosed\n--! keys: a\n").has_keys);
        // other `--!` comments are not header lines, and do not end the header either
        let header = parse("--!strict\n--!df flags=no-writes\n--!keys: a\n");
        assert_eq!(header.errors, []);
        assert!(header.has_keys);
    }

    #[test]
    fn mistakes_say_where_and_what_to_write() {
        assert_eq!(errors("--! keys: a b\n"), ["`a b` is not a parameter"]);
        assert_eq!(errors("--! kyes: a\n"), ["unknown header directive `kyes`"]);
        assert_eq!(
            parse("--! kyes: a\n").errors[0].help.as_deref(),
            Some("did you mean `keys`?")
        );
        assert_eq!(errors("--! keys a\n"), ["expected `:` after `keys`"]);
        assert_eq!(errors("--! args: n:integr\n"), ["unknown parameter type `integr`"]);
        assert_eq!(errors("--! returns: intger\n"), ["unknown return type `intger`"]);
        assert_eq!(errors("--! returns:\n"), ["`returns` needs a type"]);
        // arguments may be prefixes too (`args: prefix(prefix)`), of text
        assert_eq!(errors("--! args: a(prefix)\n"), Vec::<String>::new());
        assert_eq!(
            errors("--! args: a:integer(prefix)\n"),
            ["`a:integer(prefix)`: a key prefix is text, not `integer`"]
        );
        assert_eq!(
            errors("--! keys: *rest, a\n"),
            ["`rest` takes the rest of the keys: it must come last"]
        );
        assert_eq!(errors("--! keys: a, a\n"), ["key `a` is declared twice"]);
        assert_eq!(errors("--! keys: a\n--! keys: b\n"), ["`keys` is declared twice"]);
        assert_eq!(errors("--! allow: dynamic_comand\n"), ["unknown lint `dynamic_comand`"]);
        assert!(errors("--! allow: lua_syntax\n")[0].contains("cannot be allowed"));
        assert!(errors("--! min_version: 6.2\n")[0].contains("unknown server version `6.2`"));
        assert_eq!(
            errors("--! read_only: maybe\n"),
            ["`read_only` takes no value, found `maybe`"]
        );
        let source = "-- a script\n--! keys: job  args: a b\n";
        let error = &parse(source).errors[0];
        assert_eq!(&source[error.range.clone()], "a b");
    }

    #[test]
    fn a_lint_that_cannot_be_allowed_is_refused_with_its_own_reason() {
        assert_eq!(
            errors("--! allow: lua_syntax\n"),
            ["`lua_syntax` cannot be allowed or downgraded: Redis refuses a script that does not compile"]
        );
        assert_eq!(
            errors("--! warn: server_error_code\n"),
            [
                "`server_error_code` cannot be allowed or downgraded: clients take such an error for the server's own, and may run the script again"
            ]
        );
        assert_eq!(
            errors("--! allow: unregistered_function\n"),
            [
                "`unregistered_function` cannot be allowed or downgraded: every call of the declaration would answer `ERR Function not found`"
            ]
        );
        assert_eq!(errors("--! deny: server_error_code\n"), Vec::<String>::new());
    }

    #[test]
    fn types_in_every_spelling() {
        let header = parse_directives("args: a:string, b:integer, c:i64, d:number, e:boolean, f:bytes, g:any, h:u32");
        assert_eq!(header.errors, []);
        let types: Vec<ParamType> = header.signature.args.iter().map(|p| p.ty).collect();
        use ParamType::*;
        assert_eq!(types, [Text, Int, Int64, Float, Bool, Bytes, Other, Int]);
        for (written, expected) in [
            ("json", ReturnType::Json),
            ("Json<Stock>", ReturnType::Json),
            ("Vec<String>", ReturnType::List),
            ("array", ReturnType::List),
            ("Vec<u8>", ReturnType::Bytes),
            ("(i64, String)", ReturnType::Tuple(2)),
            ("(integer, Vec<(i64, String)>, string)", ReturnType::Tuple(3)),
            ("(i64,)", ReturnType::Tuple(1)),
            ("redis::Value", ReturnType::Any),
            ("()", ReturnType::Unit),
            ("string?", ReturnType::Option(Box::new(ReturnType::Text))),
        ] {
            assert_eq!(return_type(written), Ok(expected), "{written}");
        }
    }

    #[test]
    fn written_signatures_read_back() {
        let header = parse(
            "--! keys: queue(prefix), job, *rest  args: n:i64, label  returns: Option<i64>  read_only  min_version: valkey-8.0  allow: dynamic_command\n",
        );
        assert_eq!(header.errors, []);
        let line = write(&header.signature);
        let again = parse_directives(&line);
        assert_eq!(again.errors, [], "{line}");
        assert_eq!(
            format!("{:?}", again.signature),
            format!("{:?}", header.signature),
            "{line}"
        );
    }

    #[test]
    fn directives_need_a_word_boundary() {
        // `keys:` inside a word is not a directive; `args:` after spaces is
        let header = parse_directives("keys: monkeys  args: x");
        assert_eq!(header.errors, []);
        assert_eq!(header.signature.keys[0].name, "monkeys");
        assert_eq!(header.signature.args[0].name, "x");
    }
}
