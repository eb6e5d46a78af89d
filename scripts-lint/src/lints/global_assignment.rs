use super::{Context, Lint, LintInfo};
use crate::analysis::GlobalWriteKind;
use crate::diagnostic::{Diagnostic, Level};

/// ### What it does
/// Finds assignments to globals (`x = 1` without `local x`), global function
/// declarations (`function f() end`) and writes into Redis's library tables
/// (`redis.x = 1`, `string.f = ...`).
///
/// ### Why this is bad
/// Redis makes the global table read-only: each of these raises `Attempt to modify
/// a readonly table` (Redis 7, 6.2.7+) when the line runs.
///
/// ### Example
/// ```lua
/// count = 0                 -- bad
/// local count = 0           -- good
/// function helper() end     -- bad
/// local function helper() end
/// ```
pub(crate) struct GlobalAssignment;

impl Lint for GlobalAssignment {
    const INFO: LintInfo = LintInfo {
        name: "global_assignment",
        default_level: Level::Deny,
        allowable: true,
        summary: "assigning a global or declaring a non-local function",
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
