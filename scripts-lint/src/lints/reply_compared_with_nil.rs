use super::{Context, Lint, LintInfo, reply_command};
use crate::analysis::kind;
use crate::diagnostic::{Diagnostic, Level};

#[doc = include_str!("reply_compared_with_nil.md")]
pub(crate) struct ReplyComparedWithNil;

impl Lint for ReplyComparedWithNil {
    const INFO: LintInfo = LintInfo {
        name: "reply_compared_with_nil",
        default_level: Level::Deny,
        allowable: true,
        always_denied_because: None,
        summary: "a reply compared with `nil`, which a null reply never is (it is `false`)",
        doc: include_str!("reply_compared_with_nil.md"),
    };

    fn check(cx: &Context<'_>, out: &mut Vec<Diagnostic>) {
        for comparison in &cx.facts.comparisons {
            if !matches!(comparison.op, "==" | "~=") {
                continue;
            }
            let (left, right) = (&comparison.left, &comparison.right);
            let (reply, nil) = if right.1.only(kind::NIL) && left.1.reply.is_some() {
                (left, right)
            } else if left.1.only(kind::NIL) && right.1.reply.is_some() {
                (right, left)
            } else {
                continue;
            };
            // a value that may really be nil (`tonumber` of a missing value) is fine
            if reply.1.has(kind::NIL | kind::MISSING_NIL | kind::OPAQUE) {
                continue;
            }
            // the hazard is a null reply the test misses: where none reaches the
            // comparison (a reply that is never null, `reply or ''`, or a value an
            // earlier `v == false or` already took), `== nil` is only redundant
            if !reply.1.has(kind::MISSING_FALSE) {
                continue;
            }
            let command = reply_command(&reply.1);
            let never = if comparison.op == "==" { "never true" } else { "always true" };
            let fix = if comparison.op == "==" {
                format!("test `if not {0} then` (missing) or `{0} == false`", cx.text(&reply.0))
            } else {
                format!("test `if {0} then` (present) or `{0} ~= false`", cx.text(&reply.0))
            };
            out.push(
                Self::finding(
                    comparison.range.clone(),
                    format!("{command} never replies `nil` to a script: `{} nil` is {never}", comparison.op),
                )
                .label(never)
                .secondary(nil.0.clone(), "a null reply is `false`, not `nil`")
                .note("Redis converts a null reply (a missing key or field) into `false` for Lua")
                .help(fix),
            );
        }
    }
}
