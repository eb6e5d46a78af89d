use super::indices::{Table, out_of_range};
use super::{Context, Lint, LintInfo};
use crate::diagnostic::{Diagnostic, Level};

#[doc = include_str!("keys_out_of_range.md")]
pub(crate) struct KeysOutOfRange;

impl Lint for KeysOutOfRange {
    const INFO: LintInfo = LintInfo {
        name: "keys_out_of_range",
        default_level: Level::Deny,
        allowable: true,
        always_denied_because: None,
        summary: "`KEYS[i]` beyond the keys the signature declares",
        doc: include_str!("keys_out_of_range.md"),
    };

    fn check(cx: &Context<'_>, out: &mut Vec<Diagnostic>) {
        for (range, message, help) in out_of_range(Table::Keys, &cx.facts.key_reads, &cx.signature.keys, cx.signature.host) {
            out.push(Self::finding(range, message).label("always nil").help(help));
        }
    }
}
