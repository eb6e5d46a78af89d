use super::{Context, Lint, LintInfo};
use crate::analysis::GlobalWriteKind;
use crate::diagnostic::{Diagnostic, Level};

#[doc = include_str!("global_assignment.md")]
pub(crate) struct GlobalAssignment;

impl Lint for GlobalAssignment {
    const INFO: LintInfo = LintInfo {
        name: "global_assignment",
        default_level: Level::Deny,
        allowable: true,
        always_denied_because: None,
        summary: "assigning a global or declaring a non-local function",
        doc: include_str!("global_assignment.md"),
    };

    fn check(cx: &Context<'_>, out: &mut Vec<Diagnostic>) {
        for write in &cx.facts.global_writes {
            let name = &write.name;
            let (message, label, help) = match write.kind {
                GlobalWriteKind::Assignment => (
                    format!("`{name}` is assigned without `local`, making it a global"),
                    "global assignment",
                    format!("declare it where it is first assigned: `local {name} = ...`"),
                ),
                GlobalWriteKind::Function => (
                    format!("`function {name}` declares a global function"),
                    "global function",
                    format!("write `local function {name}(...)`"),
                ),
                GlobalWriteKind::LibraryField => (
                    format!("`{name}` writes into a Redis library table, which is read-only"),
                    "library tables are read-only",
                    "keep your own table instead: `local util = {}`".to_owned(),
                ),
            };
            out.push(
                Self::finding(write.range.clone(), message)
                    .label(label)
                    .note("Redis scripts cannot create or change globals: this raises `Attempt to modify a readonly table`")
                    .help(help),
            );
        }
    }
}
