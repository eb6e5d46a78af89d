use super::indices::{Table, unused};
use super::{Context, Lint, LintInfo};
use crate::diagnostic::{Diagnostic, Level};

/// ### What it does
/// Finds argument parameters the script never reads (no `ARGV[i]` for them and no
/// use of `ARGV` as a whole).
///
/// ### Why this is bad
/// The value travels to Redis for nothing, and it usually means the script reads
/// the wrong index.
///
/// ### Example
/// ```lua
/// -- fn set(con, #[key] k: &str, value: &str, ttl: u64)
/// return redis.call('SET', KEYS[1], ARGV[1])   -- `ttl` (ARGV[2]) is never read
/// ```
pub(crate) struct UnusedArg;

impl Lint for UnusedArg {
    const INFO: LintInfo = LintInfo {
        name: "unused_arg",
        default_level: Level::Warn,
        allowable: true,
        summary: "an argument parameter the script never reads",
    };

    fn check(cx: &Context<'_>, out: &mut Vec<Diagnostic>) {
        let facts = cx.facts;
        for (param, message, help) in unused(Table::Argv, &facts.argv_reads, facts.argv_dynamic, &cx.signature.args) {
            out.push(Self::finding(0..0, message).about(param).help(help));
        }
    }
}
