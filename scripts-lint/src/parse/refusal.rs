//! What Lua 5.1 refuses ([`crate::compile`]) as `lua_syntax` findings: on the line
//! Redis names, in the checker's words, with Redis's own text as a note.

use std::ops::Range;

use super::LUA_SYNTAX;
use crate::compile::{Refusal, What};
use crate::diagnostic::{Diagnostic, Level};
use crate::source_map::LineIndex;

/// How Redis loads the text, which names it in error messages.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Chunk {
    /// `EVAL` and `SCRIPT LOAD`: `user_script:3: ...`.
    Script,
    /// `FUNCTION LOAD`: `user_function:3: ...`.
    Library,
}

impl Chunk {
    fn name(self) -> &'static str {
        match self {
            Chunk::Script => "user_script",
            Chunk::Library => "user_function",
        }
    }
}

/// Longest token text quoted in full in the note (Redis quotes a whole string).
const NEAR_SHOWN: usize = 60;

/// Adds Lua's refusal to what full_moon found (`found`, in source order). Lua stops at
/// its first error. A plain syntax error full_moon saw too, on the line Lua stopped
/// on or before it (an unclosed `(` that Lua notices only where the next statement
/// starts), is the same mistake: full_moon's finding gets Redis's text as a note
/// (its message says more about later Lua syntax). What full_moon's grammar lets
/// through (a limit, `break`, `...`, an ambiguous call, a malformed number or
/// escape) is a finding of its own.
pub(crate) fn merge(source: &str, found: &mut Vec<Diagnostic>, refusal: &Refusal, chunk: Chunk) {
    let lines = LineIndex::new(source);
    let stop = lines.line_of(refusal.at.start.min(source.len()));
    let plain = matches!(
        refusal.what,
        What::Syntax
            | What::Lexical
            | What::UnfinishedString
            | What::UnfinishedLongString
            | What::UnfinishedLongComment
    );
    let same = found
        .iter_mut()
        .rev()
        .find(|d| lines.line_of(d.primary.range.start) <= stop)
        .filter(|_| plain);
    match same {
        Some(finding) => finding.notes.push(redis_note(refusal, chunk)),
        None => {
            if refusal.what == What::MalformedNumber {
                // full_moon split the number (`1_000` is `1` and `_000` to it): what it
                // found after is that split echoing on
                found.retain(|d| d.primary.range.start < refusal.at.start);
            }
            found.push(diagnostic(source, &lines, refusal, chunk));
            found.sort_by_key(|d| d.primary.range.start);
        }
    }
}

/// The finding for a refusal full_moon did not see.
pub(crate) fn diagnostic(source: &str, lines: &LineIndex, refusal: &Refusal, chunk: Chunk) -> Diagnostic {
    let at = clamp(source, refusal.at.clone());
    let focus = refusal.focus.clone().map(|focus| clamp(source, focus));
    // the place Lua stopped is on the line Redis names; what the error is about is
    // the primary place when it is on that line too
    let label = label(refusal.what);
    match focus {
        Some(focus) if lines.line_of(focus.start) != lines.line_of(at.start) => {
            let finding = Diagnostic::new(LUA_SYNTAX, Level::Deny, at, message(refusal))
                .label("Lua notices it here")
                .help(help(refusal.what))
                .note(redis_note(refusal, chunk));
            finding.secondary(focus, label.unwrap_or("here"))
        }
        focus => {
            let mut finding = Diagnostic::new(LUA_SYNTAX, Level::Deny, focus.unwrap_or(at), message(refusal))
                .help(help(refusal.what))
                .note(redis_note(refusal, chunk));
            if let Some(label) = label {
                finding = finding.label(label);
            }
            finding
        }
    }
}

fn clamp(source: &str, range: Range<usize>) -> Range<usize> {
    let mut start = range.start.min(source.len());
    while !source.is_char_boundary(start) {
        start -= 1;
    }
    let mut end = range.end.clamp(start, source.len());
    while !source.is_char_boundary(end) {
        end += 1;
    }
    start..end
}

/// The message in the checker's style: Lua's words, code in backticks.
fn message(refusal: &Refusal) -> String {
    let text = refusal.message.replace('\'', "`");
    match refusal.what {
        What::NoLoop => "`break` outside a loop".to_owned(),
        What::VarargOutside => "`...` outside a vararg function".to_owned(),
        What::AmbiguousCall | What::TooComplex | What::ControlTooLong | What::TooManyLevels | What::EscapeTooLarge => {
            text
        }
        _ => match refusal.near.as_deref() {
            Some("<eof>") => format!("{text} at the end of the script"),
            Some(near) if !near.is_empty() && !near.contains('\n') && near.len() <= NEAR_SHOWN => {
                format!("{text} near `{near}`")
            }
            _ => text,
        },
    }
}

fn label(what: What) -> Option<&'static str> {
    Some(match what {
        What::TooManyLocals => "one local too many",
        What::TooManyUpvalues => "one upvalue too many",
        What::NoLoop => "no loop around it in this function",
        What::VarargOutside => "this function takes no `...`",
        What::TooComplex => "no register left here",
        What::TooManyLevels => "more than 200 levels deep here",
        What::AmbiguousCall => "Lua reads the `(` as a call of this",
        What::EscapeTooLarge => "at most `\\255`",
        _ => return None,
    })
}

fn help(what: What) -> &'static str {
    match what {
        What::TooManyLocals => {
            "Lua 5.1 keeps at most 200 locals in scope in one function: group related values in a table, close scopes with `do ... end`, or move code into a local function"
        }
        What::TooManyDeclared => {
            "Lua 5.1 declares at most 32,767 locals in one function: split the code into functions"
        }
        What::TooManyUpvalues => {
            "a Lua 5.1 function uses at most 60 locals of the functions around it: pass some as arguments or group them in a table"
        }
        What::VarargOutside => {
            "`...` is the arguments of the function it is written in: declare it there (`function(a, ...)`), or pass the values down as arguments"
        }
        What::NoLoop => {
            "`break` leaves the innermost `while`, `for` or `repeat` of its own function; to leave a function early, `return`"
        }
        What::AmbiguousCall => {
            "end the statement before with `;` (`local x = f;`), or put the `(` on the line of the expression it calls"
        }
        What::TooComplex => {
            "Lua 5.1 has 250 registers per function and a call or table takes one per item: pass a table instead of many arguments, or build the table in parts"
        }
        What::TooManyLevels => {
            "Lua 5.1 nests at most 200 blocks, brackets and operators: split the expression or move parts into local variables or functions"
        }
        What::TooManyAssigned => "assign fewer variables in one statement",
        What::ConstantOverflow => {
            "a Lua 5.1 function holds at most 262,143 distinct constants and nested functions: split the data across functions, or keep it in Redis"
        }
        What::ControlTooLong => {
            "a Lua 5.1 jump spans at most 131,071 instructions: move the body of the loop or branch into a local function"
        }
        What::MalformedNumber => {
            "Lua 5.1 reads a number up to the next character that is not a letter, digit, `_` or `.`: write decimals as `1.5` or `1e-3` and hexadecimals as `0xff` or `0x1p4` (no sign in the exponent), and separate a number from a name or `..` with a space"
        }
        What::UnfinishedString => {
            "close the string with the same quote it opened with, or use `[[...]]` for text spanning lines"
        }
        What::UnfinishedLongString | What::UnfinishedLongComment => {
            "close it with `]]` (with as many `=` as it opened with)"
        }
        What::EscapeTooLarge => {
            "a decimal escape takes up to three digits and is at most `\\255`: write `\\0651` as `\\065` followed by `1`, or use the character itself"
        }
        What::Lexical => "open a long string with `[[` or `[=[` (as many `=` at both ends)",
        What::Syntax => "Redis compiles the script as Lua 5.1: fix the syntax here",
    }
}

/// Redis's own reply, as the user will see it.
fn redis_note(refusal: &Refusal, chunk: Chunk) -> String {
    let mut shown = refusal.clone();
    if let Some(near) = &shown.near
        && near.chars().count() > NEAR_SHOWN
    {
        let cut: String = near.chars().take(NEAR_SHOWN).collect();
        shown.near = Some(format!("{cut}..."));
    }
    // an error reply is one line: Redis turns line breaks into spaces
    let text = shown.lua_text(chunk.name()).replace(['\r', '\n'], " ");
    format!("Redis does not compile this: `{text}`")
}
