use super::{Context, Lint, LintInfo};
use crate::analysis::Marker;
use crate::diagnostic::{Diagnostic, Level};

#[doc = include_str!("discarded_reply.md")]
pub(crate) struct DiscardedReply;

impl Lint for DiscardedReply {
    const INFO: LintInfo = LintInfo {
        name: "discarded_reply",
        default_level: Level::Deny,
        allowable: true,
        always_denied_because: None,
        summary: "`redis.error_reply(...)`/`status_reply(...)` whose result is dropped",
        doc: include_str!("discarded_reply.md"),
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
