use super::{Context, Lint, LintInfo, Resolved, display_name, in_case_of, literal_text_at, suggest, sure};
use crate::analysis::Arg;
use crate::diagnostic::{Diagnostic, Edit, Level};
use crate::redis::commands;
use crate::redis::target::Target;

#[doc = include_str!("unknown_command.md")]
pub(crate) struct UnknownCommand;

impl Lint for UnknownCommand {
    const INFO: LintInfo = LintInfo {
        name: "unknown_command",
        default_level: Level::Deny,
        allowable: true,
        always_denied_because: None,
        summary: "a literal command name Redis does not know",
        doc: include_str!("unknown_command.md"),
    };

    fn check(cx: &Context<'_>, out: &mut Vec<Diagnostic>) {
        let target = cx.signature.target;
        for (call, resolved) in cx.commands() {
            match resolved {
                Some(&Resolved::Known(command)) if !target.has(command) => {
                    let name = display_name(command);
                    let at = if command.name.contains('|') { 1 } else { 0 };
                    let range = call.args.get(at).unwrap_or(&call.args[0]).range.clone();
                    let finding = Self::finding(range, format!("`{name}` does not exist in {target}"))
                        .label(format!("unknown to {target}"));
                    out.push(match Target::first_with(command).filter(|first| *first > target) {
                        Some(first) => finding
                            .note(format!("`{name}` was added in {first} (`{}`)", command.since))
                            .help(format!(
                                "if every server the script runs on is {first} or later, declare {}; otherwise do without `{name}`",
                                cx.declare_min_version(first)
                            )),
                        None => finding.help(format!(
                            "`{name}` exists only in {}; do without it, or declare that server as `min_version`",
                            Target::ALL
                                .iter()
                                .filter(|t| t.has(command))
                                .map(ToString::to_string)
                                .collect::<Vec<_>>()
                                .join(", ")
                        )),
                    });
                }
                Some(Resolved::Unknown(name)) => {
                    let top_level = || commands::all().iter().filter(|c| !c.name.contains('|')).map(|c| c.name);
                    let finding = Self::finding(
                        call.args[0].range.clone(),
                        format!("`{name}` is not a Redis command"),
                    )
                    .label("unknown command");
                    let finding = match suggest(name, top_level()) {
                        Some(near) => finding.help(format!("did you mean `{near}`?")),
                        None => finding.help("check the name against the Redis command reference (Redis 7.0 to 7.4, Valkey 8)"),
                    };
                    out.push(respell(cx, finding, &call.args[0], sure(name, top_level())));
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
                    let finding = match suggest(sub, subs.iter().copied()) {
                        Some(near) => finding.help(format!("did you mean `{container_name} {near}`?")),
                        None => finding.help(format!("`{container_name}` has: {}", subs.join(", "))),
                    };
                    out.push(respell(cx, finding, &call.args[1], sure(sub, subs.iter().copied())));
                }
                _ => {}
            }
        }
    }
}

/// The fix of a misspelt name: the one sure candidate, written in the literal's case
/// where the literal is written (a helper's caller, a local's assignment).
fn respell(cx: &Context<'_>, finding: Diagnostic, arg: &Arg, near: Option<&str>) -> Diagnostic {
    let (Some(near), Some(at)) = (near, literal_text_at(cx, &arg.value).filter(|_| !arg.spread)) else {
        return finding;
    };
    let name = in_case_of(cx.text(&at), near);
    finding.fix(format!("write `{name}`"), vec![Edit::new(at, name.clone())])
}
