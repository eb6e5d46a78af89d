use super::{Context, Lint, LintInfo, Resolved, display_name};
use crate::diagnostic::{Diagnostic, Level};

#[doc = include_str!("write_in_read_only.md")]
pub(crate) struct WriteInReadOnly;

impl Lint for WriteInReadOnly {
    const INFO: LintInfo = LintInfo {
        name: "write_in_read_only",
        default_level: Level::Deny,
        allowable: true,
        always_denied_because: None,
        summary: "a write command in a `no-writes` (or `read_only`) script",
        doc: include_str!("write_in_read_only.md"),
    };

    fn check(cx: &Context<'_>, out: &mut Vec<Diagnostic>) {
        if !cx.declared_read_only() {
            return;
        }
        let why = if cx.library.is_some() {
            "registered with the `no-writes` flag"
        } else if cx.shebang.is_some_and(|s| s.has("no-writes")) {
            "`#!lua flags=no-writes`"
        } else {
            "`#[redis_script(read_only)]`"
        };
        let unit = cx.unit();
        for (call, resolved) in cx.commands() {
            let Some(&Resolved::Known(command)) = resolved else { continue };
            if !command.is_write() {
                continue;
            }
            let name = display_name(command);
            out.push(
                Self::finding(call.args[0].range.clone(), format!("`{name}` writes, but {unit} is read-only ({why})"))
                    .label("a write")
                    .note("Redis answers `Write commands are not allowed from read-only scripts`")
                    .help(if cx.library.is_some() {
                        "move the write to another function, or drop `no-writes` from its flags"
                    } else {
                        "move the write to another script, or drop the read-only declaration"
                    }),
            );
        }
    }
}
