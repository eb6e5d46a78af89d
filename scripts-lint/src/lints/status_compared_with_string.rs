use super::{Context, Lint, LintInfo, reply_command};
use crate::analysis::{Comparison, Operand, kind};
use crate::diagnostic::{Diagnostic, Edit, Level};

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
            let Some((status, text)) = status_and_string(comparison) else { continue };
            // a reply that may also be a string could equal it
            if status.value.has(kind::STRINGY | kind::OPAQUE) {
                continue;
            }
            let command = reply_command(&status.value);
            let never = if comparison.op == "==" { "never true" } else { "always true" };
            let literal = cx.text(&text.range);
            // only a status, in every evaluation of the comparison (a helper's, once per
            // call): with a null reply (`SET ... NX`) testing the reply itself may be meant
            let certain = cx
                .facts
                .comparisons
                .iter()
                .filter(|other| other.range == comparison.range)
                .all(|other| {
                    // a field of a table the script built may be absent: `.ok` of it raises
                    status_and_string(other)
                        .is_some_and(|(status, _)| status.value.only(kind::STATUS) && !status.value.from_field)
                });
            let mut finding = Self::finding(
                comparison.range.clone(),
                format!("{command} replies with a status, which a script sees as a table: comparing it with a string is {never}"),
            );
            if certain {
                let written = cx.text(&status.range);
                let (open, close) = if status.primary { ("", ".ok") } else { ("(", ").ok") };
                finding = finding.fix(
                    format!("compare its text: `{open}{written}{close}`"),
                    vec![
                        Edit::new(status.range.start..status.range.start, open),
                        Edit::new(status.range.end..status.range.end, close),
                    ]
                    .into_iter()
                    .filter(|e| !e.replacement.is_empty())
                    .collect(),
                );
            }
            out.push(
                finding
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

/// The status reply and the string of an `==`/`~=` between them.
fn status_and_string(comparison: &Comparison) -> Option<(&Operand, &Operand)> {
    if !matches!(comparison.op, "==" | "~=") {
        return None;
    }
    let (left, right) = (&comparison.left, &comparison.right);
    if left.value.has(kind::STATUS) && right.value.only(kind::STRING) {
        Some((left, right))
    } else if right.value.has(kind::STATUS) && left.value.only(kind::STRING) {
        Some((right, left))
    } else {
        None
    }
}
