use super::{Context, Lint, LintInfo, Resolved, display_name};
use crate::diagnostic::{Diagnostic, Level};

#[doc = include_str!("blocking_command.md")]
pub(crate) struct BlockingCommand;

impl Lint for BlockingCommand {
    const INFO: LintInfo = LintInfo {
        name: "blocking_command",
        default_level: Level::Warn,
        allowable: true,
        always_denied_because: None,
        summary: "a blocking command, which never blocks inside a script",
        doc: include_str!("blocking_command.md"),
    };

    fn check(cx: &Context<'_>, out: &mut Vec<Diagnostic>) {
        let target = cx.signature.target;
        for (call, resolved) in cx.commands() {
            let Some(&Resolved::Known(command)) = resolved else { continue };
            // refused where it runs: `forbidden_command` says so
            if !command.is_blocking() || target.refuses_in_scripts(command) {
                continue;
            }
            // XREAD and XREADGROUP block only with the BLOCK option
            if command.name.starts_with("XREAD") {
                let block = call.args.iter().any(|a| a.value.is_literal_ignore_case("BLOCK"));
                // on 7.0 a `BLOCK` is refused: `forbidden_command` says so
                if !block || target == crate::Target::Redis7_0 {
                    continue;
                }
            }
            let name = display_name(command);
            let help = match super::forbidden_command::non_blocking(command) {
                Some(instead) => format!("call `{instead}`, which is what happens, and wait in the client"),
                None => "drop the blocking option and wait in the client".to_owned(),
            };
            out.push(
                Self::finding(call.args[0].range.clone(), format!("`{name}` never blocks inside a script"))
                    .label("returns at once")
                    .help(help),
            );
        }
    }
}
