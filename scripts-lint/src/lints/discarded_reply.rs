use super::{Context, Lint, LintInfo};
use crate::analysis::Marker;
use crate::diagnostic::{Diagnostic, Level};

/// ### What it does
/// Finds `redis.error_reply(...)` and `redis.status_reply(...)` called as a
/// statement, their result dropped.
///
/// ### Why this is bad
/// They only build the reply table (`{err = ...}`, `{ok = ...}`); nothing is sent
/// unless the script returns it. The script goes on as if the error never happened.
///
/// ### Example
/// ```lua
/// if not tonumber(ARGV[1]) then redis.error_reply('bad input') end          -- bad
/// if not tonumber(ARGV[1]) then return redis.error_reply('bad input') end   -- good
/// ```
pub(crate) struct DiscardedReply;

impl Lint for DiscardedReply {
    const INFO: LintInfo = LintInfo {
        name: "discarded_reply",
        default_level: Level::Deny,
        allowable: true,
        summary: "`redis.error_reply(...)`/`status_reply(...)` whose result is dropped",
    };

    fn check(cx: &Context<'_>, out: &mut Vec<Diagnostic>) {
        for (range, marker) in &cx.facts.discarded {
            let (function, effect) = match marker {
                Marker::Error => ("redis.error_reply", "the script goes on as if nothing failed"),
                _ => ("redis.status_reply", "the script's reply is something else"),
            };
            let call = cx.text(range);
            let help = match marker {
                Marker::Error => {
                    format!("return it: `return {call}`; to stop with an error from inside a function, `error({call})`")
                }
                _ => format!("return it: `return {call}`"),
            };
            out.push(
                Self::finding(range.clone(), format!("`{function}(...)` only builds a reply, and this one is dropped: {effect}"))
                    .label("does nothing")
                    .help(help),
            );
        }
    }
}
