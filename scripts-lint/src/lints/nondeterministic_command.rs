use super::{Context, Lint, LintInfo, Resolved, display_name};
use crate::diagnostic::{Diagnostic, Level};

#[doc = include_str!("nondeterministic_command.md")]
pub(crate) struct NondeterministicCommand;

impl Lint for NondeterministicCommand {
    const INFO: LintInfo = LintInfo {
        name: "nondeterministic_command",
        default_level: Level::Allow,
        allowable: true,
        always_denied_because: None,
        summary: "a command with a non-deterministic reply (`TIME`, `RANDOMKEY`, `SPOP`, ...)",
        doc: include_str!("nondeterministic_command.md"),
    };

    fn check(cx: &Context<'_>, out: &mut Vec<Diagnostic>) {
        for (call, resolved) in cx.commands() {
            let Some(&Resolved::Known(command)) = resolved else { continue };
            if !command.is_nondeterministic() {
                continue;
            }
            let name = display_name(command);
            out.push(
                Self::finding(call.args[0].range.clone(), format!("`{name}` can reply differently on each run"))
                    .label("non-deterministic")
                    .help("pass such values from the caller in `ARGV` to keep the script a function of its inputs"),
            );
        }
    }
}
