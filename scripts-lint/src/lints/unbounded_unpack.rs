use super::{Context, Lint, LintInfo, reply_command};
use crate::diagnostic::{Diagnostic, Level};

#[doc = include_str!("unbounded_unpack.md")]
pub(crate) struct UnboundedUnpack;

impl Lint for UnboundedUnpack {
    const INFO: LintInfo = LintInfo {
        name: "unbounded_unpack",
        default_level: Level::Deny,
        allowable: true,
        always_denied_because: None,
        summary: "`unpack` of a reply whose length grows with the data",
        doc: include_str!("unbounded_unpack.md"),
    };

    fn check(cx: &Context<'_>, out: &mut Vec<Diagnostic>) {
        for unpacked in &cx.facts.unpacks {
            let command = reply_command(&unpacked.value);
            out.push(
                Self::finding(
                    unpacked.range.clone(),
                    format!("{command} can reply any number of elements, and `unpack` takes at most about 8,000"),
                )
                .label("unbounded")
                .note("past that Lua raises `too many results to unpack`; an empty reply unpacks to no argument at all")
                .help("work in chunks (`for i = 1, #t, 1000 do ... unpack(t, i, math.min(i + 999, #t)) ... end`), or let a command do it server-side (`SUNIONSTORE`, `ZUNIONSTORE`, `COPY`)"),
            );
        }
    }
}
