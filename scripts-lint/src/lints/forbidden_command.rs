use super::{Context, Lint, LintInfo, Resolved, display_name};
use crate::diagnostic::{Diagnostic, Level};
use crate::redis::commands::{self, Command};
use crate::redis::target::Target;

#[doc = include_str!("forbidden_command.md")]
pub(crate) struct ForbiddenCommand;

impl Lint for ForbiddenCommand {
    const INFO: LintInfo = LintInfo {
        name: "forbidden_command",
        default_level: Level::Deny,
        allowable: true,
        always_denied_because: None,
        summary: "a command Redis refuses inside scripts (`MULTI`, `EVAL`, `SUBSCRIBE`, ...)",
        doc: include_str!("forbidden_command.md"),
    };

    fn check(cx: &Context<'_>, out: &mut Vec<Diagnostic>) {
        let target = cx.signature.target;
        for (call, resolved) in cx.commands() {
            let command = match resolved {
                Some(&Resolved::Known(command)) if command.name.starts_with("XREAD") && target == Target::Redis7_0 => {
                    if let Some(block) = call.args.iter().find(|a| a.value.is_literal_ignore_case("BLOCK")) {
                        out.push(
                            Self::finding(block.range.clone(), format!("Redis 7.0 refuses `{} ... BLOCK` inside scripts", command.name))
                                .label("refused inside scripts by Redis 7.0")
                                .note(format!(
                                    "Redis 7.0 answers `{} command is not allowed with BLOCK option from scripts`; 7.2 and later ignore `BLOCK` inside scripts",
                                    command.name.to_ascii_lowercase()
                                ))
                                .help("drop `BLOCK` (a script cannot wait) and wait in the client"),
                        );
                    }
                    continue;
                }
                Some(&Resolved::Known(command)) if target.has(command) && target.refuses_in_scripts(command) => command,
                Some(&Resolved::Container(container)) if every_subcommand_refused(container, target) => container,
                _ => continue,
            };
            let name = display_name(command);
            let range = call.args[0].range.clone();
            let finding = match Target::first_running(command) {
                // refused by this server only: later ones run it
                Some(later) if later > target => Self::finding(
                    range,
                    format!("`{name}` cannot be called from a script on {target}"),
                )
                .label(format!("refused inside scripts by {target}"))
                .note(format!(
                    "{target} answers `This Redis command is not allowed from script`; {later} and later run it without blocking"
                ))
                .help(match non_blocking(command) {
                    Some(instead) => format!(
                        "call `{instead}`, which is what `{name}` does inside a script on later servers; or, if every server it runs on is {later} or later, declare {}",
                        cx.declare_min_version(later)
                    ),
                    None => format!(
                        "run it from the client, after the script; or, if every server it runs on is {later} or later, declare {}",
                        cx.declare_min_version(later)
                    ),
                }),
                _ => Self::finding(range, format!("`{name}` cannot be called from a script"))
                    .label("refused inside scripts")
                    .note("Redis answers `This Redis command is not allowed from script`")
                    .help(advice(command)),
            };
            out.push(finding);
        }
    }
}

fn every_subcommand_refused(container: &Command, target: Target) -> bool {
    let prefix = format!("{}|", container.name);
    let mut subs = commands::all()
        .iter()
        .filter(|c| c.name.starts_with(&prefix) && !c.name.ends_with("|HELP") && target.has(c));
    let mut any = false;
    let all = subs.all(|c| {
        any = true;
        target.refuses_in_scripts(c)
    });
    any && all
}

/// What a blocking command does inside a script where it runs: its non-blocking form.
pub(crate) fn non_blocking(command: &Command) -> Option<&'static str> {
    Some(match command.name {
        "BLPOP" => "LPOP",
        "BRPOP" => "RPOP",
        "BLMOVE" | "BRPOPLPUSH" => "LMOVE",
        "BLMPOP" => "LMPOP",
        "BZPOPMIN" => "ZPOPMIN",
        "BZPOPMAX" => "ZPOPMAX",
        "BZMPOP" => "ZMPOP",
        _ => return None,
    })
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
