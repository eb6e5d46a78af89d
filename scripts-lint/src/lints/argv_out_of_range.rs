use super::indices::{Table, out_of_range};
use super::{Context, Lint, LintInfo};
use crate::diagnostic::{Diagnostic, Level};

/// ### What it does
/// Finds `ARGV[i]` with a constant `i` beyond the arguments the Rust function passes
/// (or below 1). A slice parameter means "at least N arguments".
///
/// ### Why this is bad
/// The entry is always `nil`: `tonumber(nil)` is `nil`, so arithmetic on it raises,
/// and `redis.call` refuses a `nil` argument.
///
/// ### Example
/// ```lua
/// -- fn f(con, #[key] k: &str, ttl: u64)
/// redis.call('SET', KEYS[1], ARGV[2])   -- bad: ARGV[2] does not exist
/// ```
pub(crate) struct ArgvOutOfRange;

impl Lint for ArgvOutOfRange {
    const INFO: LintInfo = LintInfo {
        name: "argv_out_of_range",
        default_level: Level::Deny,
        allowable: true,
        summary: "`ARGV[i]` beyond the arguments the function passes",
    };

    fn check(cx: &Context<'_>, out: &mut Vec<Diagnostic>) {
        for (range, message, help) in out_of_range(Table::Argv, &cx.facts.argv_reads, &cx.signature.args, cx.signature.host) {
            out.push(Self::finding(range, message).label("always nil").help(help));
        }
    }
}
