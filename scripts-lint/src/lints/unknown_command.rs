use super::{Context, Lint, LintInfo, Resolved, display_name, suggest};
use crate::diagnostic::{Diagnostic, Level};
use crate::redis::commands;

/// ### What it does
/// Checks literal command names (and subcommands such as `OBJECT ENCODING`) of
/// `redis.call`/`redis.pcall` against the command tables of Redis 7.0 to 7.4 and
/// Valkey 8, with a "did you mean" suggestion.
///
/// ### Why this is bad
/// A misspelled command fails at run time with `Unknown Redis command called from
/// script`, after any writes made earlier in the script.
///
/// ### Example
/// ```lua
/// redis.call('HGETLL', KEYS[1])     -- bad: did you mean `HGETALL`?
/// ```
pub(crate) struct UnknownCommand;

impl Lint for UnknownCommand {
    const INFO: LintInfo = LintInfo {
        name: "unknown_command",
        default_level: Level::Deny,
        allowable: true,
        summary: "a literal command name Redis does not know",
    };

    fn check(cx: &Context<'_>, out: &mut Vec<Diagnostic>) {
        for (call, resolved) in cx.commands() {
            match resolved {
                Some(Resolved::Unknown(name)) => {
                    let top_level = commands::all().iter().filter(|c| !c.name.contains('|')).map(|c| c.name);
                    let finding = Self::finding(
                        call.args[0].range.clone(),
                        format!("`{name}` is not a Redis command"),
                    )
                    .label("unknown command");
                    out.push(match suggest(name, top_level) {
                        Some(near) => finding.help(format!("did you mean `{near}`?")),
                        None => finding.help("check the name against the Redis command reference (Redis 7.0 to 7.4, Valkey 8)"),
                    });
                }
                Some(Resolved::UnknownSubcommand(container, sub)) => {
                    let prefix = format!("{}|", container.name);
                    let subs: Vec<&str> = commands::all()
                        .iter()
                        .filter_map(|c| c.name.strip_prefix(prefix.as_str()))
                        .collect();
                    let container_name = display_name(container);
                    let finding = Self::finding(
                        call.args[1].range.clone(),
                        format!("`{container_name}` has no subcommand `{sub}`"),
                    )
                    .label("unknown subcommand");
                    out.push(match suggest(sub, subs.iter().copied()) {
                        Some(near) => finding.help(format!("did you mean `{container_name} {near}`?")),
                        None => finding.help(format!("`{container_name}` has: {}", subs.join(", "))),
                    });
                }
                _ => {}
            }
        }
    }
}
