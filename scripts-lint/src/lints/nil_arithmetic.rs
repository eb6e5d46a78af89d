use super::{Context, Lint, LintInfo, reply_command};
use crate::analysis::{NumericOp, kind};
use crate::diagnostic::{Diagnostic, Level};

/// ### What it does
/// Finds arithmetic, numeric comparison, unary minus, `..` or a `for` bound on a value
/// that is `false` or `nil` when a key or field is missing: a null reply
/// (`redis.call('GET', k)`), `tonumber` of one, or an element past the end of an
/// array reply, with no `or` default and no guard on the way.
///
/// ### Why this is bad
/// The script works while the key exists and raises `attempt to perform arithmetic
/// on a nil value` (or `... compare nil with number`, `... concatenate a boolean
/// value`) the first time it does not, after any writes made before that line.
///
/// A `GET` of a key the script made sure of is not missing: after `SET key ... NX`
/// (whatever it replied), `SET` without `XX`, `INCR`, `INCRBY`, `APPEND` and the like
/// with `redis.call`, on every path, with nothing since that may delete it (the same
/// `KEYS` entry, or a key joined from the same parts; an expiry cannot remove it
/// while the script runs).
///
/// A warning, not an error: the script may know the key exists in ways the checker
/// cannot see (it checked it, or a flag says so). Give such a value its default
/// anyway, or `allow(nil_arithmetic)` on that script.
///
/// ### Example
/// ```lua
/// local n = tonumber(redis.call('GET', KEYS[1]))
/// return n + 1                                               -- bad: nil when missing
/// local n = tonumber(redis.call('GET', KEYS[1]) or '0')      -- good
/// ```
pub(crate) struct NilArithmetic;

impl Lint for NilArithmetic {
    const INFO: LintInfo = LintInfo {
        name: "nil_arithmetic",
        default_level: Level::Warn,
        allowable: true,
        summary: "arithmetic or `..` on a value that is `nil`/`false` when a key is missing",
    };

    fn check(cx: &Context<'_>, out: &mut Vec<Diagnostic>) {
        for used in cx.facts.numeric_uses.iter().filter(|u| u.value.may_be_missing()) {
            let text = cx.text(&used.range);
            let command = reply_command(&used.value);
            let falsy = if used.value.has(kind::MISSING_NIL) { "nil" } else { "false" };
            let how = match used.op {
                NumericOp::Arithmetic(op) => format!("used in arithmetic (`{op}`)"),
                NumericOp::Negation => "negated".to_owned(),
                NumericOp::Ordering(op, _) => format!("compared with `{op}`"),
                NumericOp::Equality(_) => continue,
                NumericOp::ForBound => "used as a `for` bound".to_owned(),
                NumericOp::Concat => "concatenated with `..`".to_owned(),
            };
            let default = if used.op == NumericOp::Concat { "''" } else { "0" };
            let help = if used.value.has(kind::MISSING_NIL) && !used.value.has(kind::MISSING_FALSE) {
                format!("give it a default where it is read (`tonumber(redis.call(...) or '0')`), or guard the use: `if {text} then ... end`")
            } else {
                format!("give it a default (`redis.call(...) or {default}`), or guard the use: `if {text} then ... end`")
            };
            out.push(
                Self::finding(
                    used.range.clone(),
                    format!("`{text}` is {falsy} when {command} finds nothing, and it is {how}"),
                )
                .label(format!("may be {falsy}"))
                .note(if used.op == NumericOp::Concat {
                    "a null reply is `false` in a script, and `..` raises on `false` and `nil`"
                } else {
                    "a null reply is `false` in a script, and arithmetic and comparisons raise on `false` and `nil`"
                })
                .help(help),
            );
        }
    }
}
