use super::indices::{Table, unused};
use super::{Context, Lint, LintInfo};
use crate::diagnostic::{Diagnostic, Level};

#[doc = include_str!("unused_key.md")]
pub(crate) struct UnusedKey;

impl Lint for UnusedKey {
    const INFO: LintInfo = LintInfo {
        name: "unused_key",
        default_level: Level::Warn,
        allowable: true,
        always_denied_because: None,
        summary: "a declared key the script never reads",
        doc: include_str!("unused_key.md"),
    };

    fn check(cx: &Context<'_>, out: &mut Vec<Diagnostic>) {
        let facts = cx.facts;
        for (param, message, help) in unused(Table::Keys, &facts.key_reads, facts.keys_dynamic, &cx.signature.keys, cx.signature.host) {
            out.push(Self::finding(0..0, message).about(param).help(help));
        }
    }
}
