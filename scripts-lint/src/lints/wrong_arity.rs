use super::{Context, Lint, LintInfo, Resolved, display_name};
use crate::diagnostic::{Diagnostic, Level};
use crate::redis::syntax;

#[doc = include_str!("wrong_arity.md")]
pub(crate) struct WrongArity;

impl Lint for WrongArity {
    const INFO: LintInfo = LintInfo {
        name: "wrong_arity",
        default_level: Level::Deny,
        allowable: true,
        always_denied_because: None,
        summary: "a literal command called with a count of arguments its arity forbids",
        doc: include_str!("wrong_arity.md"),
    };

    fn check(cx: &Context<'_>, out: &mut Vec<Diagnostic>) {
        for (call, resolved) in cx.commands() {
            let Some(&Resolved::Known(command)) = resolved else { continue };
            let spread = call.args.last().is_some_and(|a| a.spread);
            // counts include the command name (and a subcommand), as Redis counts arity
            let min = call.args.len() - usize::from(spread);
            let max = if spread { None } else { Some(call.args.len()) };
            let arity = usize::from(command.arity.unsigned_abs());
            let words = if command.name.contains('|') { 2 } else { 1 };
            let name = display_name(command);
            let expected = arity.saturating_sub(words);
            let wrong = if command.arity < 0 {
                max.is_some_and(|max| max < arity)
            } else {
                min > arity || max.is_some_and(|max| max < arity)
            };
            if !wrong {
                continue;
            }
            let passed = min - words.min(min);
            let takes = if command.arity < 0 {
                format!("at least {expected} argument{}", plural(expected))
            } else {
                format!("{expected} argument{}", plural(expected))
            };
            let passes = if spread {
                format!("at least {passed}")
            } else {
                passed.to_string()
            };
            let finding =
                Self::finding(call.range.clone(), format!("`{name}` takes {takes}, this call passes {passes}"))
                    .label("wrong number of arguments");
            out.push(match syntax::syntax(command.name) {
                Some(syntax) => finding
                    .note("Redis answers `Wrong number of args calling Redis command from script`")
                    .help(format!("the syntax is `{syntax}`")),
                None => finding.help(format!(
                    "check the `{name}` syntax; Redis answers `Wrong number of args calling Redis command from script`"
                )),
            });
        }
    }
}

fn plural(n: usize) -> &'static str {
    if n == 1 { "" } else { "s" }
}
