use super::{Context, Lint, LintInfo, reply_command};
use crate::analysis::kind;
use crate::diagnostic::{Diagnostic, Level};

#[doc = include_str!("status_compared_with_string.md")]
pub(crate) struct StatusComparedWithString;

impl Lint for StatusComparedWithString {
    const INFO: LintInfo = LintInfo {
        name: "status_compared_with_string",
        default_level: Level::Deny,
        allowable: true,
        always_denied_because: None,
        summary: "a status reply (`{ok = 'OK'}` in Lua) compared with a string",
        doc: include_str!("status_compared_with_string.md"),
    };

    fn check(cx: &Context<'_>, out: &mut Vec<Diagnostic>) {
        for comparison in &cx.facts.comparisons {
            if !matches!(comparison.op, "==" | "~=") {
                continue;
            }
            let (left, right) = (&comparison.left, &comparison.right);
            let (status, text) = if left.value.has(kind::STATUS) && right.value.only(kind::STRING) {
                (left, right)
            } else if right.value.has(kind::STATUS) && left.value.only(kind::STRING) {
                (right, left)
            } else {
                continue;
            };
            // a reply that may also be a string could equal it
            if status.value.has(kind::STRINGY | kind::OPAQUE) {
                continue;
            }
            let command = reply_command(&status.value);
            let never = if comparison.op == "==" { "never true" } else { "always true" };
            let literal = cx.text(&text.range);
            out.push(
                Self::finding(
                    comparison.range.clone(),
                    format!("{command} replies with a status, which a script sees as a table: comparing it with a string is {never}"),
                )
                .label(never)
                .note(format!("the reply is `{{ok = {literal}}}`, not {literal}"))
                .help({
                    let fix = format!("compare its text: `{}.ok {} {literal}`", cx.text(&status.range), comparison.op);
                    if command == "`SET`" {
                        format!("{fix}; or test the reply itself, which is `false` when `NX`/`XX` set nothing")
                    } else {
                        fix
                    }
                }),
            );
        }
    }
}
