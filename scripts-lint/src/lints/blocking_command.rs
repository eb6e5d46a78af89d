use super::{Context, Lint, LintInfo, Resolved, display_name};
use crate::analysis::kind;
use crate::diagnostic::{Diagnostic, Level};
use crate::redis::commands::version;

/// ### What it does
/// Finds blocking commands (`BLPOP`, `BRPOP`, `BLMOVE`, `BZPOPMIN`, `WAIT`,
/// `XREAD ... BLOCK`, ...) called from a script.
///
/// ### Why this is bad
/// A script cannot block: Redis 7.2+ runs these as their non-blocking forms (an
/// empty list returns nil at once), and Redis 7.0 refuses most of them. Code that
/// expects to wait does not.
///
/// ### Example
/// ```lua
/// local job = redis.call('BLPOP', KEYS[1], 5)   -- never waits 5 seconds
/// local job = redis.call('LPOP', KEYS[1])       -- says what happens
/// ```
pub(crate) struct BlockingCommand;

impl Lint for BlockingCommand {
    const INFO: LintInfo = LintInfo {
        name: "blocking_command",
        default_level: Level::Warn,
        allowable: true,
        summary: "a blocking command, which never blocks inside a script",
    };

    fn check(cx: &Context<'_>, out: &mut Vec<Diagnostic>) {
        for (call, resolved) in cx.commands() {
            let Some(&Resolved::Known(command)) = resolved else { continue };
            if !command.is_blocking() || command.is_noscript_everywhere() {
                continue;
            }
            // XREAD and XREADGROUP block only with the BLOCK option
            if command.name.starts_with("XREAD") {
                let block = call.args.iter().any(|a| {
                    a.value.only(kind::STRING) && a.value.string.as_deref().is_some_and(|s| s.eq_ignore_ascii_case("BLOCK"))
                });
                if !block {
                    continue;
                }
            }
            let name = display_name(command);
            let mut finding = Self::finding(call.args[0].range.clone(), format!("`{name}` never blocks inside a script"))
                .label("returns at once")
                .help("use the non-blocking form (`LPOP` for `BLPOP`, ...) and wait in the client");
            if command.noscript_in & version::REDIS_7_0 != 0 {
                finding = finding.note(format!("Redis 7.0 refuses `{name}` inside scripts altogether"));
            }
            out.push(finding);
        }
    }
}
