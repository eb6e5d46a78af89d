use super::{Context, Lint, LintInfo};
use crate::analysis::kind;
use crate::diagnostic::{Diagnostic, Level};

#[doc = include_str!("dynamic_command.md")]
pub(crate) struct DynamicCommand;

impl Lint for DynamicCommand {
    const INFO: LintInfo = LintInfo {
        name: "dynamic_command",
        default_level: Level::Warn,
        allowable: true,
        always_denied_because: None,
        summary: "a command name that is not a literal",
        doc: include_str!("dynamic_command.md"),
    };

    fn check(cx: &Context<'_>, out: &mut Vec<Diagnostic>) {
        for call in &cx.facts.calls {
            if call.names().is_some() {
                continue;
            }
            let range = call.args.first().map_or(call.range.clone(), |a| a.range.clone());
            let mut finding = Self::finding(range, "the command name is computed at run time, so the call cannot be checked")
                .label("not a literal")
                .help("call each command with a literal name, e.g. `if op == 'incr' then redis.call('INCR', KEYS[1]) end`");
            if call.args.first().is_some_and(|a| a.value.has(kind::ARGV)) {
                finding = finding.note("the name comes from `ARGV`: any caller can run any command, `FLUSHALL` included");
            }
            out.push(finding);
        }
    }
}
