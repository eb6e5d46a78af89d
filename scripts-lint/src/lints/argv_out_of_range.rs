use super::indices::{Table, out_of_range};
use super::{Context, Lint, LintInfo};
use crate::diagnostic::{Diagnostic, Level};

#[doc = include_str!("argv_out_of_range.md")]
pub(crate) struct ArgvOutOfRange;

impl Lint for ArgvOutOfRange {
    const INFO: LintInfo = LintInfo {
        name: "argv_out_of_range",
        default_level: Level::Deny,
        allowable: true,
        always_denied_because: None,
        summary: "`ARGV[i]` beyond the arguments the signature declares",
        doc: include_str!("argv_out_of_range.md"),
    };

    fn check(cx: &Context<'_>, out: &mut Vec<Diagnostic>) {
        for (range, message, help) in out_of_range(Table::Argv, &cx.facts.argv_reads, &cx.signature.args, cx.signature.host) {
            out.push(Self::finding(range, message).label("always nil").help(help));
        }
    }
}
