//! Phase 1: the Lua text becomes a full_moon AST, or `lua_syntax` findings.
//!
//! Redis embeds Lua 5.1, so the parser is restricted to 5.1 even when feature
//! unification turns on full_moon's 5.2+ grammars for another crate in the build.

use full_moon::LuaVersion;
use full_moon::ast::Ast;

use crate::diagnostic::{Diagnostic, Level};

/// Name of the syntax-error lint: the parser reports it itself (its documentation is
/// `lints/lua_syntax.rs`).
pub const LUA_SYNTAX: &str = "lua_syntax";

mod refusal;
pub(crate) use refusal::Chunk;

/// Lua 5.1's parser gives up past `LUAI_MAXCCALLS` (200) nested levels with
/// "chunk has too many syntax levels"; Redis would refuse such a script.
pub(crate) const MAX_SYNTAX_LEVELS: usize = 200;

const BACKTICK: &str = "unexpected character `";

/// Parse `source` as Lua 5.1: the AST, or every syntax error full_moon finds.
#[cfg(test)]
pub(crate) fn parse(source: &str) -> Result<Ast, Vec<Diagnostic>> {
    parse_scanned(
        source,
        &Nesting::scan(source),
        &crate::compile::compile(source),
        Chunk::Script,
    )
}

/// [`parse`] with the [`Nesting`] of `source` already scanned and the script
/// compiled as Lua 5.1 ([`crate::compile`]), for Redis to load as `chunk`. Lua's
/// refusals are reported whether or not full_moon sees them, and full_moon reads the
/// text as Lua does (`0x1p4` included).
pub(crate) fn parse_scanned(
    source: &str,
    nesting: &Nesting,
    compiled: &crate::compile::Compiled,
    chunk: Chunk,
) -> Result<Ast, Vec<Diagnostic>> {
    // full_moon's parser is recursive: refuse what Lua itself refuses before a deep
    // input can exhaust the stack. (A script Lua compiles was counted to its end, and
    // the stack sized for all of it.)
    if let (Some(_), Some(refusal)) = (nesting.too_deep_at, &compiled.refusal) {
        let lines = crate::source_map::LineIndex::new(source);
        return Err(vec![refusal::diagnostic(source, &lines, refusal, chunk)]);
    }
    // full_moon 3.0 lexes a backtick as a string quote and, built without its `cfxlua`
    // feature, reaches `unreachable!()` (tokenizer/lexer.rs `read_string`). Lua 5.1
    // rejects a backtick outside strings and comments anyway, so the first parse sees
    // each one as `$` (a plain unexpected character, same length); only when that parse
    // is clean, so that every backtick sat in a string or comment where the two read
    // alike, is the real text parsed for its AST.
    let lua_read = compiled.masked(source);
    let text = lua_read.as_deref().unwrap_or(source);
    let masked = text.contains('`').then(|| text.replace('`', "$"));
    let result = full_moon::parse_fallible(masked.as_deref().unwrap_or(text), LuaVersion::lua51());
    let mut found: Vec<Diagnostic> = result.errors().iter().map(|e| syntax_error(source, e)).collect();
    if masked.is_some() {
        for diagnostic in &mut found {
            if source.as_bytes().get(diagnostic.primary.range.start) == Some(&b'`') {
                diagnostic.message = BACKTICK.to_owned();
                diagnostic.help =
                    Some("Lua 5.1 has no backtick strings: quote with '...', \"...\" or [[...]]".to_owned());
            }
        }
        // the backtick is what the other errors of its line stumble on: report it instead
        found.sort_by_key(|d| d.message != BACKTICK);
    }
    let mut errors: Vec<Diagnostic> = Vec::new();
    // a set: a Vec's `contains` made 16,000 broken lines take 5 s in a debug build
    let mut reported_lines = std::collections::HashSet::new();
    // indexed only when there is an error to place (most scripts have none)
    let lines = (!found.is_empty()).then(|| crate::source_map::LineIndex::new(source));
    for diagnostic in found {
        // full_moon's recovery often reports the same mistake again a few tokens on;
        // the first error of a line is the one worth reading.
        let line = lines
            .as_ref()
            .map_or(0, |lines| lines.line_of(diagnostic.primary.range.start));
        if reported_lines.insert(line) {
            errors.push(diagnostic);
        }
    }
    if masked.is_some() {
        errors.sort_by_key(|d| d.primary.range.start);
    }
    if let Some(refusal) = &compiled.refusal {
        refusal::merge(source, &mut errors, refusal, chunk);
    }
    if errors.is_empty() {
        match masked {
            Some(_) => Ok(full_moon::parse_fallible(text, LuaVersion::lua51()).into_ast()),
            None => Ok(result.into_ast()),
        }
    } else {
        Err(errors)
    }
}

fn syntax_error(source: &str, error: &full_moon::Error) -> Diagnostic {
    let (start, end) = error.range();
    let (start, mut end) = (start.bytes().min(source.len()), end.bytes().min(source.len()));
    if end < start {
        end = start;
    }
    let message = error.error_message();
    // tokenizer messages end with their own "(1:10 to 1:11)"; we print positions ourselves
    let message = match message.rfind(" (") {
        Some(at) if message.ends_with(')') && message[at..].contains(" to ") => &message[..at],
        _ => &message[..],
    };
    let (message, help) = explain(message, newer_syntax(source, start));
    Diagnostic::new(LUA_SYNTAX, Level::Deny, start..end, message).help(help)
}

/// What a Lua 5.2+ construct at or just before `at` should be written as in 5.1.
fn newer_syntax(source: &str, at: usize) -> Option<&'static str> {
    let bytes = source.as_bytes();
    let here = |i: usize| bytes.get(i).copied().unwrap_or(0);
    let (c, next, prev) = (here(at), here(at + 1), at.checked_sub(1).map_or(0, here));
    let word_before = source[..at]
        .trim_end()
        .rsplit(|ch: char| !(ch.is_alphanumeric() || ch == '_'))
        .next();
    if word_before == Some("goto") || source[at..].starts_with("goto") {
        return Some("`goto` and labels are Lua 5.2: use a loop with `break` or an `if`");
    }
    match (c, next) {
        (b':', b':') => Some("labels (`::name::`) are Lua 5.2: use a loop with `break` or an `if`"),
        (b'/', b'/') => Some("`//` is Lua 5.3 integer division: write `math.floor(a / b)`"),
        (b'/', _) if prev == b'/' => Some("`//` is Lua 5.3 integer division: write `math.floor(a / b)`"),
        (b'&', _) => Some("`&` is Lua 5.3: write `bit.band(a, b)`"),
        (b'|', _) => Some("`|` is Lua 5.3: write `bit.bor(a, b)`"),
        (b'~', n) if n != b'=' => Some("`~` is Lua 5.3: write `bit.bxor(a, b)` or `bit.bnot(a)`"),
        (b'<', b'<') => Some("`<<` is Lua 5.3: write `bit.lshift(a, n)`"),
        (b'>', b'>') => Some("`>>` is Lua 5.3: write `bit.rshift(a, n)`"),
        (b'!', b'=') => Some("Lua writes inequality as `~=`"),
        (b'+' | b'-' | b'*' | b'/' | b'%', b'=') => Some("Lua has no compound assignment: write `x = x + 1`"),
        _ => None,
    }
}

/// Turns full_moon's message into ours, with a help line that names Lua 5.1
/// where the user wrote a later Lua's syntax.
fn explain(message: &str, newer: Option<&str>) -> (String, String) {
    let message = lowercase_first(message.trim_end_matches('.'));
    let help = match newer {
        Some(hint) => format!("Redis runs Lua 5.1; {hint}"),
        None if message.contains("unclosed string") => {
            "close the string with the same quote it opened with, or use `[[...]]` for text spanning lines".to_owned()
        }
        None if message.contains("unclosed comment") => {
            "close the comment with `]]` (with as many `=` as it opened with)".to_owned()
        }
        None if message.contains("`end`") => {
            "add the missing `end`; every `function`, `if`, `for`, `while` and `do` needs one".to_owned()
        }
        None if message.contains("`)`") => "add the missing `)`".to_owned(),
        None if message.contains("`then`") => "write `then` after the condition: `if x then ... end`".to_owned(),
        None if message.contains("`do`") => "write `do` after the loop header: `for i = 1, n do ... end`".to_owned(),
        None if message.starts_with("unexpected character")
            && message.chars().last().is_some_and(|c| !c.is_ascii()) =>
        {
            "Lua 5.1 names are ASCII letters, digits and `_`; non-ASCII text belongs in strings".to_owned()
        }
        None if message.starts_with("expected an expression") || message.starts_with("expected expression") => {
            "write a value here: a number, a string, a variable, a call or a table".to_owned()
        }
        None if message.contains("needs to be a statement") || message.contains("looking for a statement") => {
            "a Lua statement is a call or an assignment: assign the value (`local x = ...`) or `return` it".to_owned()
        }
        None if message.contains("after last statement") => {
            "`return` and `break` must be the last statement of their block: wrap them in `do ... end` to return early"
                .to_owned()
        }
        None => "Redis compiles the script as Lua 5.1: fix the syntax here".to_owned(),
    };
    (message, help)
}

fn lowercase_first(text: &str) -> String {
    let mut chars = text.chars();
    match chars.next() {
        Some(first) => first.to_lowercase().chain(chars).collect(),
        None => String::new(),
    }
}

/// What parsing and checking a script will recurse on, from a linear scan of its text
/// that never recurses itself: blocks, brackets, runs of unary operators and chains of
/// right-associative operators (`..`, `^`), which Lua's parser recurses on, and the
/// binary operators, each of which adds a level to the tree of a left-associative
/// chain (`a + b + c` is `(a + b) + c`) that full_moon walks recursively.
#[derive(Clone, Copy, Debug, Default, PartialEq)]
pub(crate) struct Nesting {
    /// The deepest level reached, up to the first token beyond [`MAX_SYNTAX_LEVELS`].
    pub(crate) deepest: usize,
    /// Binary operators, up to the same point (`<=`, `>=` and `~=` count once, as `<`,
    /// `>` and `~`).
    pub(crate) operators: usize,
    /// Byte offset of the first token nested deeper than [`MAX_SYNTAX_LEVELS`].
    pub(crate) too_deep_at: Option<usize>,
}

impl Nesting {
    /// Scans `source`, stopping at the first token nested too deep.
    pub(crate) fn scan(source: &str) -> Nesting {
        let bytes = source.as_bytes();
        // depth of blocks and brackets, plus per-level counters of the current expression
        let mut depth: usize = 0;
        let mut unary_run: usize = 0;
        let mut chain: usize = 0;
        // The counters of the expressions a bracket or block interrupts, and their sum:
        // `a[1] .. b[2] .. c` is one chain of three whatever its operands hold, and Lua's
        // parser is still inside it (and inside any unary operators before a bracket)
        // while it reads what the bracket holds.
        let mut enclosing: Vec<(usize, usize)> = Vec::new();
        let mut outer: usize = 0;
        let mut prev_operand = false;
        let (mut deepest, mut operators) = (0, 0);
        let mut i = 0;
        while i < bytes.len() {
            let start = i;
            let c = bytes[i];
            let mut operand = false;
            match c {
                b' ' | b'\t' | b'\r' | b'\n' | 0x0b | 0x0c => {
                    i += 1;
                    continue;
                }
                b'-' if bytes.get(i + 1) == Some(&b'-') => {
                    i += 2;
                    if let Some(level) = long_bracket_level(bytes, i) {
                        i = skip_long_bracket(bytes, i, level);
                    } else {
                        while i < bytes.len() && bytes[i] != b'\n' && bytes[i] != b'\r' {
                            i += 1;
                        }
                    }
                    continue;
                }
                b'[' if long_bracket_level(bytes, i).is_some() => {
                    let level = long_bracket_level(bytes, i).unwrap_or(0);
                    i = skip_long_bracket(bytes, i, level);
                    operand = true;
                }
                b'\'' | b'"' => {
                    i += 1;
                    while i < bytes.len() && bytes[i] != c && bytes[i] != b'\n' {
                        i += if bytes[i] == b'\\' { 2 } else { 1 };
                    }
                    i += 1;
                    operand = true;
                }
                b'(' | b'{' | b'[' => {
                    depth += 1;
                    enter(&mut enclosing, &mut outer, &mut chain, &mut unary_run);
                    i += 1;
                }
                b')' | b'}' | b']' => {
                    depth = depth.saturating_sub(1);
                    leave(&mut enclosing, &mut outer, &mut chain, &mut unary_run);
                    i += 1;
                    operand = true;
                }
                b'.' if bytes.get(i + 1) == Some(&b'.') && bytes.get(i + 2) != Some(&b'.') => {
                    chain += 1;
                    operators += 1;
                    i += 2;
                }
                b'^' => {
                    chain += 1;
                    operators += 1;
                    i += 1;
                }
                b'-' | b'#' if !prev_operand => {
                    unary_run += 1;
                    i += 1;
                }
                b',' | b';' | b'=' => {
                    operators += usize::from(c == b'=' && bytes.get(i + 1) == Some(&b'='));
                    unary_run = 0;
                    chain = 0;
                    i += 1;
                }
                c if c.is_ascii_alphabetic() || c == b'_' => {
                    while i < bytes.len() && (bytes[i].is_ascii_alphanumeric() || bytes[i] == b'_') {
                        i += 1;
                    }
                    match &source[start..i] {
                        "function" | "do" | "then" | "repeat" => {
                            depth += 1;
                            enter(&mut enclosing, &mut outer, &mut chain, &mut unary_run);
                        }
                        "end" | "until" | "elseif" => {
                            depth = depth.saturating_sub(1);
                            leave(&mut enclosing, &mut outer, &mut chain, &mut unary_run);
                            operand = true;
                        }
                        "not" => unary_run += 1,
                        "and" | "or" => operators += 1,
                        "nil" | "true" | "false" => operand = true,
                        "local" | "return" | "if" | "while" | "for" | "in" | "else" | "break" => {
                            unary_run = 0;
                            chain = 0;
                        }
                        _ => operand = true,
                    }
                }
                c if c.is_ascii_digit() => {
                    while i < bytes.len() && (bytes[i].is_ascii_alphanumeric() || bytes[i] == b'.') {
                        i += 1;
                    }
                    operand = true;
                }
                _ => {
                    operators += usize::from(b"+-*/%<>~".contains(&c));
                    i += 1;
                }
            }
            if operand {
                unary_run = 0;
            }
            prev_operand = operand;
            let level = depth + outer + unary_run + chain;
            if level > MAX_SYNTAX_LEVELS {
                return Nesting {
                    deepest,
                    operators,
                    too_deep_at: Some(start),
                };
            }
            deepest = deepest.max(level);
        }
        Nesting {
            deepest,
            operators,
            too_deep_at: None,
        }
    }
}

/// A bracket or block opens inside the current expression: keep its counters.
fn enter(enclosing: &mut Vec<(usize, usize)>, outer: &mut usize, chain: &mut usize, unary_run: &mut usize) {
    enclosing.push((*chain, *unary_run));
    *outer += *chain + *unary_run;
    (*chain, *unary_run) = (0, 0);
}

/// A bracket or block closes: back in the expression it interrupted.
fn leave(enclosing: &mut Vec<(usize, usize)>, outer: &mut usize, chain: &mut usize, unary_run: &mut usize) {
    let (c, u) = enclosing.pop().unwrap_or_default();
    *outer = outer.saturating_sub(c + u);
    (*chain, *unary_run) = (c, u);
}

/// `Some(level)` when `[` at `i` opens a long bracket `[==[`.
fn long_bracket_level(bytes: &[u8], i: usize) -> Option<usize> {
    if bytes.get(i) != Some(&b'[') {
        return None;
    }
    let mut j = i + 1;
    while bytes.get(j) == Some(&b'=') {
        j += 1;
    }
    (bytes.get(j) == Some(&b'[')).then_some(j - i - 1)
}

/// Offset just past the long bracket opened at `i`, or the end of input.
fn skip_long_bracket(bytes: &[u8], i: usize, level: usize) -> usize {
    let mut j = i + level + 2;
    while j < bytes.len() {
        if bytes[j] == b']'
            && bytes[j + 1..].iter().take(level).all(|&b| b == b'=')
            && bytes.get(j + 1 + level) == Some(&b']')
        {
            return j + level + 2;
        }
        j += 1;
    }
    bytes.len()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn valid_lua_51_parses() {
        assert!(parse("local x = tonumber(ARGV[1]) or 0\nreturn x + 1\n").is_ok());
    }

    #[test]
    fn one_error_per_line_without_tokenizer_positions() {
        let errors = parse("goto done\n::done::\nreturn 1 & 3\n").unwrap_err();
        assert_eq!(errors.len(), 3, "{errors:?}");
        assert!(errors.iter().all(|e| !e.message.contains(" to ")), "{errors:?}");
    }

    #[test]
    fn every_syntax_error_is_reported() {
        let errors = parse("local x = = 1\nlocal y = )\n").unwrap_err();
        assert!(errors.len() >= 2, "{errors:?}");
        assert!(errors.iter().all(|d| d.lint == "lua_syntax"));
    }

    #[test]
    fn lua_52_and_53_syntax_is_rejected_with_a_51_hint() {
        for (src, hint) in [
            ("goto done\n::done::\n", "goto"),
            ("return 7 // 2\n", "math.floor"),
            ("return 1 & 3\n", "bit.band"),
            ("return 1 | 3\n", "bit.bor"),
            ("return 1 << 3\n", "bit.lshift"),
            ("if a != b then end\n", "~="),
            ("local x = 1\nx += 1\n", "x = x + 1"),
        ] {
            let errors = parse(src).expect_err(src);
            let helps: Vec<_> = errors.iter().filter_map(|d| d.help.clone()).collect();
            assert!(helps.iter().any(|h| h.contains(hint)), "{src}: {helps:?}");
        }
    }

    #[test]
    fn nesting_beyond_lua_limit_is_a_syntax_error_not_a_crash() {
        let deep = format!("return {}1{}", "(".repeat(10_000), ")".repeat(10_000));
        let errors = parse(&deep).unwrap_err();
        assert_eq!(errors.len(), 1);
        assert!(errors[0].message.contains("too many syntax levels"));
        let blocks = format!("{}{}", "do ".repeat(5_000), "end ".repeat(5_000));
        assert!(
            parse(&blocks).unwrap_err()[0]
                .message
                .contains("too many syntax levels")
        );
        let unary = format!("return {}1", "- ".repeat(5_000));
        assert!(parse(&unary).unwrap_err()[0].message.contains("too many syntax levels"));
        let concat = format!("return 'a'{}", " .. 'a'".repeat(5_000));
        assert!(
            parse(&concat).unwrap_err()[0]
                .message
                .contains("too many syntax levels")
        );
    }

    #[test]
    fn backticks_are_a_syntax_error_not_a_crash() {
        let errors = parse("return `x` .. 1\nreturn ` \n").unwrap_err();
        assert_eq!(errors.len(), 2, "{errors:?}");
        assert_eq!(errors[0].primary.range, 7..8);
        assert!(
            errors.iter().all(|e| e.message == "unexpected character `"),
            "{errors:?}"
        );
        // inside strings and comments a backtick is just text
        let ast = parse("-- `a`\nreturn '`b`' .. [[`]] .. \"\\`\"\n").unwrap();
        let text = ast.to_string();
        assert!(text.contains("'`b`'") && text.contains("[[`]]"), "{text}");
    }

    #[test]
    fn nesting_within_the_limit_parses() {
        let ok = format!("return {}1{}", "(".repeat(150), ")".repeat(150));
        assert!(crate::check(&ok, &Default::default()).diagnostics.is_empty());
        let strings = "local s = '((((' .. \"[[\" .. [==[ ((( ]==] -- (((\nreturn s";
        assert!(Nesting::scan(strings).too_deep_at.is_none());
    }
}
