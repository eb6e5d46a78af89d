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
            out.push(super::line_problem::<Self>(problem));
        }
    }
}
