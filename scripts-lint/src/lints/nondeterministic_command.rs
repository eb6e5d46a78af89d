use super::{Context, Lint, LintInfo, Resolved, display_name};
use crate::diagnostic::{Diagnostic, Level};

/// ### What it does
/// Finds commands whose reply can differ between two runs on the same data
/// (`TIME`, `RANDOMKEY`, `SPOP`, `SRANDMEMBER`, `SCAN`, `TTL`, ...), from the
/// command tips. Allowed by default: turn it on with `warn(nondeterministic_command)`.
///
/// ### Why this is bad
/// Since Redis 5 scripts replicate their effects, so this is safe for replicas;
/// but the script's result is no longer a function of its keys and arguments,
/// which makes it hard to test and to retry.
///
/// ### Example
/// ```lua
/// local now = redis.call('TIME')[1]    -- prefer passing the time in ARGV
/// ```
pub(crate) struct NondeterministicCommand;

impl Lint for NondeterministicCommand {
    const INFO: LintInfo = LintInfo {
        name: "nondeterministic_command",
        default_level: Level::Allow,
        allowable: true,
        summary: "a command with a non-deterministic reply (`TIME`, `RANDOMKEY`, `SPOP`, ...)",
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
