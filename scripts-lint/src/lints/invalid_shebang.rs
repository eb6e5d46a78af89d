use super::{Context, Lint, LintInfo};
use crate::diagnostic::{Diagnostic, Level};

/// ### What it does
/// Checks the `#!lua` line the way Redis parses it: at the very start of the script,
/// engine exactly `lua`, only the `flags=` option, and only the flags `no-writes`,
/// `allow-oom`, `allow-stale`, `no-cluster`, `allow-cross-slot-keys`.
///
/// ### Why this is bad
/// Redis refuses the script on every call (`Unexpected engine in script shebang`,
/// `Unknown lua shebang option`, `Unexpected flag in script shebang`); a shebang
/// that is not at the start is a Lua syntax error.
///
/// ### Example
/// ```lua
/// #!lua flags=no_writes      -- bad: the flag is `no-writes`
/// ```
pub(crate) struct InvalidShebang;

impl Lint for InvalidShebang {
    const INFO: LintInfo = LintInfo {
        name: "invalid_shebang",
        default_level: Level::Deny,
        allowable: true,
        summary: "an unknown engine, option or flag in the `#!lua` line",
    };

    fn check(cx: &Context<'_>, out: &mut Vec<Diagnostic>) {
        let Some(shebang) = cx.shebang else { return };
        for problem in &shebang.problems {
            out.push(
                Self::finding(problem.range.clone(), problem.message.clone())
                    .label("invalid")
                    .help(problem.help.clone()),
            );
        }
    }
}
