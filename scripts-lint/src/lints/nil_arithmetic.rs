use super::{Context, Lint, LintInfo, reply_command};
use crate::analysis::{NumericOp, ReplyUseKind, Value, kind};
use crate::diagnostic::{Diagnostic, Level};

#[doc = include_str!("nil_arithmetic.md")]
pub(crate) struct NilArithmetic;

impl Lint for NilArithmetic {
    const INFO: LintInfo = LintInfo {
        name: "nil_arithmetic",
        default_level: Level::Warn,
        allowable: true,
        always_denied_because: None,
        summary: "arithmetic, `..`, `#` or a string function on a value that is `nil`/`false` when a key is missing",
        doc: include_str!("nil_arithmetic.md"),
    };

    fn check(cx: &Context<'_>, out: &mut Vec<Diagnostic>) {
        for used in cx.facts.reply_uses.iter().filter(|u| u.value.may_be_missing()) {
            let how = match used.how {
                ReplyUseKind::Length => "`#`".to_owned(),
                // `tonumber(false)` is nil, which this lint follows to where it is used
                ReplyUseKind::Passed("", "tonumber") => continue,
                ReplyUseKind::Passed(lib, name) => format!("`{lib}.{name}`"),
                ReplyUseKind::Method(name) => format!("`{}:{name}(...)`", cx.text(&used.range)),
                _ => continue,
            };
            if certainly_a_table(&used.value) {
                continue;
            }
            let text = cx.text(&used.range);
            let command = reply_command(&used.value);
            let falsy = if used.value.has(kind::MISSING_NIL) { "nil" } else { "false" };
            out.push(
                Self::finding(
                    used.range.clone(),
                    format!("`{text}` is {falsy} when {command} finds nothing, and {how} raises on it"),
                )
                .label(format!("may be {falsy}"))
                .note("a null reply is `false` in a script, and `#` and the string functions raise on `false` and `nil`")
                .help(format!("give it a default (`redis.call(...) or ''`), or guard the use: `if {text} then ... end`")),
            );
        }
        for used in cx.facts.numeric_uses.iter().filter(|u| u.value.may_be_missing()) {
            if certainly_a_table(&used.value) {
                continue;
            }
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

/// A status, error or array table (or a null reply): it fails wherever it is used as
/// a string or number, which `reply_type_mismatch` reports.
fn certainly_a_table(value: &Value) -> bool {
    value.has(kind::STATUS | kind::ERROR | kind::TABLE) && !value.has(kind::STRINGY | kind::NUMBER | kind::OPAQUE)
}
