use super::{Context, Lint, LintInfo, reply_command, tonumber_fix};
use crate::analysis::{NumericOp, kind};
use crate::diagnostic::{Diagnostic, Level};

#[doc = include_str!("reply_without_tonumber.md")]
pub(crate) struct ReplyWithoutTonumber;

impl Lint for ReplyWithoutTonumber {
    const INFO: LintInfo = LintInfo {
        name: "reply_without_tonumber",
        default_level: Level::Deny,
        allowable: true,
        always_denied_because: None,
        summary: "a string reply used as a number without `tonumber()`",
        doc: include_str!("reply_without_tonumber.md"),
    };

    fn check(cx: &Context<'_>, out: &mut Vec<Diagnostic>) {
        for used in cx.facts.numeric_uses.iter().filter(|u| u.value.has(kind::REPLY)) {
            let text = cx.text(&used.range);
            let command = reply_command(&used.value);
            let what = format!("`{text}` (the reply of {command})");
            let fix = format!("tonumber({text})");
            let (message, help) = match used.op {
                NumericOp::Arithmetic(op) => (
                    format!("{what} is a string, used in arithmetic (`{op}`)"),
                    format!("convert it once: `local n = {fix}`; arithmetic on a string raises unless it is numeric"),
                ),
                NumericOp::Negation => (format!("{what} is a string, negated with `-`"), format!("convert it first: `-{fix}`")),
                // against another string: alphabetical, `'10' < '9'`
                NumericOp::Ordering(op, _) if used.other & kind::STRINGY != 0 && used.other & kind::NUMBER == 0 => (
                    format!("{what} is a string, compared with `{op}` to another string: alphabetically, so `'10' < '9'`"),
                    format!("compare numbers: `{fix} {op} tonumber(...)`, unless the strings always have the same length"),
                ),
                NumericOp::Ordering(op, _) => (
                    format!("{what} is a string, compared with `{op}`"),
                    format!("compare numbers: `{fix} {op} ...`; a string against a number raises `attempt to compare number with string`"),
                ),
                NumericOp::Equality(op) => (
                    format!("{what} is a string, compared with `{op}` to a number: `'10' == 10` is false"),
                    format!("compare numbers (`{fix} {op} 10`) or strings (`{text} {op} '10'`)"),
                ),
                NumericOp::ForBound => (
                    format!("{what} is a string, used as a `for` bound"),
                    format!("convert it: `for i = 1, {fix} do`"),
                ),
                NumericOp::Concat => continue,
            };
            let mut finding = Self::finding(used.range.clone(), message)
                .label("a string")
                .note("Redis hands a script bulk replies, and scores, as strings")
                .help(help);
            // arithmetic converts a numeric string (a counter Redis wrote): it only
            // fails on text, so it is a warning; comparisons fail on every value
            let alphabetical = matches!(used.op, NumericOp::Ordering(..))
                && used.other & kind::STRINGY != 0
                && used.other & kind::NUMBER == 0;
            if alphabetical || matches!(used.op, NumericOp::Arithmetic(_) | NumericOp::Negation | NumericOp::ForBound) {
                finding.level = Level::Warn;
            }
            // `false` (a null reply) raises in arithmetic as the `nil` of `tonumber(false)` does
            let may_be = kind::STRINGY | kind::NUMBER | kind::MISSING_FALSE;
            if let Some((message, edits)) = tonumber_fix(cx, used, may_be) {
                finding = finding.fix(message, edits);
            }
            out.push(finding);
        }
    }
}
