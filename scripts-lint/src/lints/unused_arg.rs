use super::indices::{Table, unused};
use super::{Context, Lint, LintInfo};
use crate::diagnostic::{Diagnostic, Level};

#[doc = include_str!("unused_arg.md")]
pub(crate) struct UnusedArg;

impl Lint for UnusedArg {
    const INFO: LintInfo = LintInfo {
        name: "unused_arg",
        default_level: Level::Warn,
        allowable: true,
        always_denied_because: None,
        summary: "a declared argument the script never reads",
        doc: include_str!("unused_arg.md"),
    };

    fn check(cx: &Context<'_>, out: &mut Vec<Diagnostic>) {
        let facts = cx.facts;
        for (param, message, help) in unused(Table::Argv, &facts.argv_reads, facts.argv_dynamic, &cx.signature.args, cx.signature.host) {
            out.push(Self::finding(0..0, message).about(param).help(help));
        }
    }
}
