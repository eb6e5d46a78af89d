use super::{Context, Lint, LintInfo};
use crate::diagnostic::{Diagnostic, Level};

/// The name [`crate::header`] reports its findings under.
pub(crate) const NAME: &str = "invalid_header";

#[doc = include_str!("invalid_header.md")]
pub(crate) struct InvalidHeader;

impl Lint for InvalidHeader {
    const INFO: LintInfo = LintInfo {
        name: NAME,
        default_level: Level::Deny,
        allowable: false,
        always_denied_because: Some("a header read wrongly would make the checks that count keys and arguments wrong"),
        summary: "a `--!` header line that cannot be read",
        doc: include_str!("invalid_header.md"),
    };

    // the header reader reports these itself (`header::parse`), before any check runs;
    // this entry documents them and gives the name its level rule
    fn check(_: &Context<'_>, _: &mut Vec<Diagnostic>) {}
}
