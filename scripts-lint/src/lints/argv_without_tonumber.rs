use super::{Context, Lint, LintInfo, argv_name};
use crate::analysis::{NumericOp, kind};
use crate::diagnostic::{Diagnostic, Level};

#[doc = include_str!("argv_without_tonumber.md")]
pub(crate) struct ArgvWithoutTonumber;

impl Lint for ArgvWithoutTonumber {
    const INFO: LintInfo = LintInfo {
        name: "argv_without_tonumber",
        default_level: Level::Deny,
        allowable: true,
        always_denied_because: None,
        summary: "an `ARGV` string used as a number without `tonumber()`",
        doc: include_str!("argv_without_tonumber.md"),
    };

    fn check(cx: &Context<'_>, out: &mut Vec<Diagnostic>) {
        for used in cx
            .facts
            .numeric_uses
            .iter()
            .filter(|u| u.value.has(kind::ARGV) && u.op != NumericOp::Concat)
        {
            let text = cx.text(&used.range);
            let plain = text.strip_prefix(cx.argv_spelling()).is_some_and(|rest| rest.starts_with('['));
            let what = match used.value.argv_index {
                _ if plain || text.is_empty() => argv_name(&used.value),
                Some(i) => format!("`{text}` (from `ARGV[{i}]`)"),
                None => format!("`{text}` (from `ARGV`)"),
            };
            let some_paths = if used.value.only(kind::ARGV) { "" } else { " on some paths" };
            let fix = match used.value.argv_index {
                Some(i) => format!("tonumber(ARGV[{i}])"),
                None => format!("tonumber({text})"),
            };
            let (message, label, help) = match used.op {
                NumericOp::Arithmetic(op) => (
                    format!("{what} is a string{some_paths}, used in arithmetic (`{op}`)"),
                    "a string".to_owned(),
                    format!("convert it once and use the number: `local n = {fix}`, so a caller's non-number fails where it is read"),
                ),
                NumericOp::Negation => (
                    format!("{what} is a string{some_paths}, negated with `-`"),
                    "a string".to_owned(),
                    format!("convert it first: `-{fix}`"),
                ),
                NumericOp::Ordering(op, true) => (
                    format!("`{op}` compares two `ARGV` strings alphabetically: `'10' < '9'` is true"),
                    "strings".to_owned(),
                    "convert both sides with `tonumber(...)` to compare numbers".to_owned(),
                ),
                NumericOp::Ordering(op, false) => (
                    format!("{what} is a string{some_paths}, compared with `{op}`"),
                    "a string".to_owned(),
                    format!("compare numbers: `{fix} {op} ...`; a string against a number raises `attempt to compare number with string`"),
                ),
                NumericOp::Equality(op) => (
                    format!("{what} is a string{some_paths}, compared with `{op}` to a number: `==` never converts, so `'10' == 10` is false"),
                    "a string".to_owned(),
                    format!("compare numbers (`{fix} {op} 10`) or strings (`{text} {op} '10'`)"),
                ),
                NumericOp::Concat => continue,
                NumericOp::ForBound => (
                    format!("{what} is a string{some_paths}, used as a `for` bound"),
                    "a string".to_owned(),
                    format!("convert it: `for i = 1, {fix} do`; a non-numeric value fails with `'for' limit must be a number`"),
                ),
            };
            let mut finding = Self::finding(used.range.clone(), message)
                .label(label)
                .note("Redis passes every `ARGV` entry as a string")
                .help(help);
            // Lua 5.1 converts a numeric string for arithmetic, `-` and a `for` bound
            // (lvm.c `luaV_tonumber`, as `tonumber` does, `0x10` and `1e3` alike), and a
            // non-numeric one raises there as `tonumber`'s nil would: the code works as
            // written, so converting once is advice. Comparisons differ on every value.
            if matches!(used.op, NumericOp::Arithmetic(_) | NumericOp::Negation | NumericOp::ForBound) {
                finding.level = Level::Warn;
            }
            out.push(finding);
        }
    }
}
