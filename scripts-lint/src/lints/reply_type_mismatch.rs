use super::{Context, Lint, LintInfo, reply_command};
use rustc_hash::FxHashMap;
use std::ops::Range;

use crate::analysis::{Comparison, ReplyUse, ReplyUseKind, Table, Value, kind};
use crate::diagnostic::{Diagnostic, Level};
use crate::redis::replies::shape;

#[doc = include_str!("reply_type_mismatch.md")]
pub(crate) struct ReplyTypeMismatch;

impl Lint for ReplyTypeMismatch {
    const INFO: LintInfo = LintInfo {
        name: "reply_type_mismatch",
        default_level: Level::Deny,
        allowable: true,
        always_denied_because: None,
        summary: "a reply used as a type it never is: a table as a string or number, a count as a boolean",
        doc: include_str!("reply_type_mismatch.md"),
    };

    fn check(cx: &Context<'_>, out: &mut Vec<Diagnostic>) {
        // a helper is evaluated with each call's arguments: a use is reported when every
        // evaluation that reaches it gets the wrong type, once
        type Place = (Range<usize>, Option<ReplyUseKind>);
        let mut found: Vec<Option<Diagnostic>> = Vec::new();
        let mut index: FxHashMap<Place, usize> = FxHashMap::default();
        let mut verdict = |place: Place, finding: Option<Diagnostic>| match index.get(&place) {
            Some(&at) => {
                if finding.is_none() {
                    found[at] = None;
                }
            }
            None => {
                index.insert(place, found.len());
                found.push(finding);
            }
        };
        for used in &cx.facts.reply_uses {
            verdict((used.range.clone(), Some(used.how)), use_finding(cx, used));
        }
        for comparison in &cx.facts.comparisons {
            if matches!(comparison.op, "==" | "~=") {
                verdict((comparison.range.clone(), None), comparison_finding(cx, comparison));
            }
        }
        out.extend(found.into_iter().flatten());
    }
}

/// The finding for one use of a reply, if its type makes the use wrong.
fn use_finding(cx: &Context<'_>, used: &ReplyUse) -> Option<Diagnostic> {
    let text = cx.text(&used.range);
    let command = reply_command(&used.value);
    if integer(&used.value, true) {
        let (message, label, help) = match used.how {
            ReplyUseKind::Truth => (
                if used.value.has(kind::ERROR) {
                    format!(
                        "`{text}` is a number (the reply of {command}) or an error table, which a test always finds true: `0` is true in Lua, and `redis.pcall` returns no `false`"
                    )
                } else {
                    format!("`{text}` is a number (the reply of {command}), which a test always finds true: `0` is true in Lua")
                },
                "always true",
                format!("compare it: `{text} == 1` (or `{text} > 0`)"),
            ),
            ReplyUseKind::And => (
                if used.value.has(kind::ERROR) {
                    format!(
                        "`{text}` is a number (the reply of {command}) or an error table, which is always true: `{text} and x` always gives `x` (`0` is true in Lua, and `redis.pcall` returns no `false`)"
                    )
                } else {
                    format!("`{text}` is a number (the reply of {command}), which is always true: `{text} and x` always gives `x` (`0` is true in Lua)")
                },
                "always true",
                format!("compare it: `{text} == 1 and ...` (or `{text} > 0 and ...`)"),
            ),
            ReplyUseKind::Length if integer(&used.value, false) => (
                format!("`{text}` is a number (the reply of {command}): `#` raises `attempt to get length of a number value`"),
                "a number",
                format!("use the number itself: `{text}`"),
            ),
            _ => return None,
        };
        return Some(
            ReplyTypeMismatch::finding(used.range.clone(), message)
                .label(label)
                .note("Redis hands a script an integer reply as a Lua number; only `nil` and `false` are false in a test")
                .help(help),
        );
    }
    let what = table(&used.value)?;
    let outcome = match used.how {
        ReplyUseKind::Truth | ReplyUseKind::And | ReplyUseKind::Method(_) => return None,
        ReplyUseKind::Arithmetic(op) => {
            format!("arithmetic (`{op}`) on it raises `attempt to perform arithmetic on a table value`")
        }
        ReplyUseKind::Negation => "`-` on it raises `attempt to perform arithmetic on a table value`".to_owned(),
        ReplyUseKind::Ordering(op) => format!("`{op}` on it raises `attempt to compare table with ...`"),
        ReplyUseKind::Concat => "`..` on it raises `attempt to concatenate a table value`".to_owned(),
        // an array's length is its count; a status or error table has none
        ReplyUseKind::Length if used.value.has(kind::TABLE) => return None,
        ReplyUseKind::Length => "`#` of it is always 0".to_owned(),
        ReplyUseKind::Passed("", "tonumber") => "`tonumber` of it is always `nil`".to_owned(),
        ReplyUseKind::Passed(lib, name) => {
            format!("`{lib}.{name}` raises on it (`bad argument #1 to '{name}' (string expected, got table)`)")
        }
    };
    Some(
        ReplyTypeMismatch::finding(used.range.clone(), format!("`{text}` is {} (the reply of {command}): {outcome}", what.0))
            .label("a table")
            .note("Redis hands a script status and error replies as tables, and arrays as tables")
            .help(what.1(text)),
    )
}

/// The finding for one `==`/`~=`, if a reply's type makes it constant.
fn comparison_finding(cx: &Context<'_>, comparison: &Comparison) -> Option<Diagnostic> {
    let never = if comparison.op == "==" { "never true" } else { "always true" };
    for (reply, other) in [(&comparison.left, &comparison.right), (&comparison.right, &comparison.left)] {
        let literal = cx.text(&other.range);
        let text = cx.text(&reply.range);
        let command = reply_command(&reply.value);
        // `ARGV` against a number is `argv_without_tonumber`'s
        let stringy = kind::STRING | kind::CONCAT | kind::REPLY;
        if integer(&reply.value, true) && other.value.only(stringy | kind::MISSING_FALSE) && other.value.has(stringy) {
            let or_error = if reply.value.has(kind::ERROR) { " or an error table" } else { "" };
            return Some(
                ReplyTypeMismatch::finding(
                    comparison.range.clone(),
                    format!(
                        "`{text}` is a number (the reply of {command}){or_error} and `{literal}` a string: `{}` is {never}",
                        comparison.op
                    ),
                )
                .label(never)
                .note("Lua never finds a number equal to a string: `1 == '1'` is false")
                .help(format!("compare numbers: `{text} {} {}`", comparison.op, number_hint(&other.value))),
            );
        }
        let Some(what) = table(&reply.value) else { continue };
        // a status against a string is `status_compared_with_string`'s
        let scalar = if reply.value.has(kind::STATUS) {
            kind::NUMBER | (kind::STRINGY & !kind::STRING)
        } else {
            kind::NUMBER | kind::STRINGY
        };
        if other.value.only(scalar) {
            return Some(
                ReplyTypeMismatch::finding(
                    comparison.range.clone(),
                    format!("`{text}` is {} (the reply of {command}): comparing it with `{literal}` is {never}", what.0),
                )
                .label(never)
                .note("a table is equal only to itself")
                .help(what.1(text)),
            );
        }
    }
    None
}

/// An integer reply (with `pcall`: or its error table, when `with_error`).
fn integer(value: &Value, with_error: bool) -> bool {
    let allowed = if with_error { kind::NUMBER | kind::ERROR } else { kind::NUMBER };
    value.has(kind::NUMBER)
        && value.only(allowed)
        && value.reply.is_some_and(|r| r.shapes & shape::INTEGER != 0 && r.shapes & shape::BULK == 0)
}

/// What the value is when it is always a reply's table (or a null reply): how to say
/// it, and how to read what the script meant.
#[allow(clippy::type_complexity)]
fn table(value: &Value) -> Option<(&'static str, fn(&str) -> String)> {
    let tables = kind::TABLE | kind::STATUS | kind::ERROR;
    if !value.has(tables) || !value.only(tables | kind::MISSING | kind::NIL) {
        return None;
    }
    if value.has(kind::TABLE) && !matches!(value.table, Some(Table::Reply(..))) {
        return None;
    }
    Some(match (value.has(kind::TABLE), value.has(kind::STATUS), value.has(kind::ERROR)) {
        (true, false, false) => ("an array", |t| {
            format!("use its elements: `{t}[1]`, or join them: `table.concat({t}, ',')`")
        }),
        (false, true, false) => ("a status reply, the table `{ok = ...}`", |t| format!("read its text: `{t}.ok`")),
        (false, false, true) => ("an error reply, the table `{err = ...}`", |t| {
            format!("read its text: `{t}.err`")
        }),
        _ => ("a table (a status reply `{ok = ...}` or, under `redis.pcall`, an error reply `{err = ...}`)", |t| {
            format!("test which it is first: `if type({t}) == 'table' and {t}.err then ... end`, then read `{t}.ok`")
        }),
    })
}

/// A number to compare with, from the string it was compared with.
fn number_hint(other: &Value) -> String {
    match other.literal().and_then(|s| s.trim().parse::<f64>().ok()) {
        Some(n) => n.to_string(),
        None => "tonumber(...)".to_owned(),
    }
}
