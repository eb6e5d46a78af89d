use super::{Context, Lint, LintInfo};
use crate::diagnostic::{Diagnostic, Level};

#[doc = include_str!("invalid_shebang.md")]
pub(crate) struct InvalidShebang;

impl Lint for InvalidShebang {
    const INFO: LintInfo = LintInfo {
        name: "invalid_shebang",
        default_level: Level::Deny,
        allowable: true,
        always_denied_because: None,
        summary: "an unknown engine, option or flag in the `#!lua` line",
        doc: include_str!("invalid_shebang.md"),
    };

    fn check(cx: &Context<'_>, out: &mut Vec<Diagnostic>) {
        let Some(shebang) = cx.shebang else { return };
        for problem in &shebang.problems {
            let mut finding = Self::finding(problem.range.clone(), problem.message.clone())
                .label("invalid")
                .help(problem.help.clone());
            if let Some((message, edits)) = &problem.fix {
                finding = finding.fix(message.clone(), edits.clone());
            }
            out.push(finding);
        }
    }
}
