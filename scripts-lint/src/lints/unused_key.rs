use super::indices::{Table, unused};
use super::{Context, Lint, LintInfo};
use crate::diagnostic::{Diagnostic, Level};

/// ### What it does
/// Finds `#[key]` parameters the script never reads (no `KEYS[i]` for them and no
/// use of `KEYS` as a whole, such as `ipairs(KEYS)` or `#KEYS` loops).
///
/// ### Why this is bad
/// A declared but unused key is usually a bug (the script reads the wrong index),
/// and in a cluster it still has to hash to the script's slot for nothing.
///
/// ### Example
/// ```lua
/// -- fn copy(con, #[key] from: &str, #[key] to: &str)
/// return redis.call('GET', KEYS[1])   -- `to` (KEYS[2]) is never read
/// ```
pub(crate) struct UnusedKey;

impl Lint for UnusedKey {
    const INFO: LintInfo = LintInfo {
        name: "unused_key",
        default_level: Level::Warn,
        allowable: true,
        summary: "a `#[key]` parameter the script never reads",
    };

    fn check(cx: &Context<'_>, out: &mut Vec<Diagnostic>) {
        let facts = cx.facts;
        for (param, message, help) in unused(Table::Keys, &facts.key_reads, facts.keys_dynamic, &cx.signature.keys) {
            out.push(Self::finding(0..0, message).about(param).help(help));
        }
    }
}
