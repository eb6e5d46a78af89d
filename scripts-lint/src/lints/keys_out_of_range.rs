use super::indices::{Table, out_of_range};
use super::{Context, Lint, LintInfo};
use crate::diagnostic::{Diagnostic, Level};

/// ### What it does
/// Finds `KEYS[i]` with a constant `i` beyond the keys the Rust function passes
/// (or below 1). A slice parameter means "at least N keys".
///
/// ### Why this is bad
/// The entry is always `nil`: `redis.call('GET', nil)` fails with `Lua redis lib
/// command arguments must be strings or integers`, and comparisons silently go wrong.
///
/// ### Example
/// ```lua
/// -- fn f(con, #[key] a: &str, #[key] b: &str)
/// return redis.call('GET', KEYS[3])   -- bad: only KEYS[1] and KEYS[2] exist
/// ```
pub(crate) struct KeysOutOfRange;

impl Lint for KeysOutOfRange {
    const INFO: LintInfo = LintInfo {
        name: "keys_out_of_range",
        default_level: Level::Deny,
        allowable: true,
        summary: "`KEYS[i]` beyond the keys the function passes",
    };

    fn check(cx: &Context<'_>, out: &mut Vec<Diagnostic>) {
        for (range, message, help) in out_of_range(Table::Keys, &cx.facts.key_reads, &cx.signature.keys, cx.signature.host) {
            out.push(Self::finding(range, message).label("always nil").help(help));
        }
    }
}
