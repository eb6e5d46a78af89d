use super::{Context, Lint, LintInfo, Resolved, display_name};
use crate::diagnostic::{Diagnostic, Level};
use crate::redis::commands::{self, Command};

/// ### What it does
/// Finds commands every supported server refuses inside scripts (the `noscript`
/// flag): `MULTI`, `EXEC`, `WATCH`, `EVAL`, `EVALSHA`, `FCALL`, `SUBSCRIBE`,
/// `CONFIG ...`, `CLIENT ...`, `SCRIPT ...` and others.
///
/// ### Why this is bad
/// The call fails at run time with `This Redis command is not allowed from script`.
///
/// ### Example
/// ```lua
/// redis.call('MULTI')           -- bad: a script is already atomic
/// ```
pub(crate) struct ForbiddenCommand;

impl Lint for ForbiddenCommand {
    const INFO: LintInfo = LintInfo {
        name: "forbidden_command",
        default_level: Level::Deny,
        allowable: true,
        summary: "a command Redis refuses inside scripts (`MULTI`, `EVAL`, `SUBSCRIBE`, ...)",
    };

    fn check(cx: &Context<'_>, out: &mut Vec<Diagnostic>) {
        for (call, resolved) in cx.commands() {
            let command = match resolved {
                Some(&Resolved::Known(command)) if command.is_noscript_everywhere() => command,
                Some(&Resolved::Container(container)) if every_subcommand_refused(container) => container,
                _ => continue,
            };
            let name = display_name(command);
            out.push(
                Self::finding(call.args[0].range.clone(), format!("`{name}` cannot be called from a script"))
                    .label("refused inside scripts")
                    .note("Redis answers `This Redis command is not allowed from script`")
                    .help(advice(command)),
            );
        }
    }
}

fn every_subcommand_refused(container: &Command) -> bool {
    let prefix = format!("{}|", container.name);
    let mut subs = commands::all().iter().filter(|c| c.name.starts_with(&prefix) && !c.name.ends_with("|HELP"));
    let mut any = false;
    let all = subs.all(|c| {
        any = true;
        c.is_noscript_everywhere()
    });
    any && all
}

fn advice(command: &Command) -> &'static str {
    match command.name {
        "MULTI" | "EXEC" | "DISCARD" | "WATCH" | "UNWATCH" => {
            "a script already runs atomically: remove the transaction commands"
        }
        "EVAL" | "EVALSHA" | "EVAL_RO" | "EVALSHA_RO" | "FCALL" | "FCALL_RO" => {
            "scripts cannot call scripts: move the other script's logic into this one (a local function)"
        }
        "SUBSCRIBE" | "PSUBSCRIBE" | "SSUBSCRIBE" | "UNSUBSCRIBE" | "PUNSUBSCRIBE" | "SUNSUBSCRIBE" => {
            "subscribe from the client; a script can `PUBLISH`"
        }
        _ => "run it from the client, outside the script",
    }
}
