use super::{Context, Lint, LintInfo};
use crate::diagnostic::{Diagnostic, Level};

/// ### What it does
/// Finds locals, parameters and loop variables named like a global Redis provides.
/// Shadowing `KEYS`, `ARGV` or `redis` is an error; so is using the local afterwards
/// as if it were still the global (`local type = ARGV[1]` then `type(x)`). Any other
/// shadowing (`local type = ARGV[1]` used only as a value) is legal Lua and a
/// warning; `local tostring = tostring` (a local copy of the global itself) is fine.
///
/// ### Why this is bad
/// For the rest of the scope the real global is gone: `KEYS[1]` reads your table,
/// `table.insert` is `nil`, `redis.call` fails. The error appears far from its cause.
///
/// ### Example
/// ```lua
/// local type = ARGV[1]              -- warning: `type` is not the built-in here
/// if type(x) == 'table' then ...    -- error: calls the string in `type`
/// local kind = ARGV[1]              -- good
/// ```
pub(crate) struct ShadowedGlobal;

/// Globals whose loss breaks the script's contract with Redis: always an error.
const ESSENTIAL: &[&str] = &["KEYS", "ARGV", "redis"];

impl Lint for ShadowedGlobal {
    const INFO: LintInfo = LintInfo {
        name: "shadowed_global",
        default_level: Level::Deny,
        allowable: true,
        summary: "a local named like a Redis global (`local KEYS`, `local redis`), or used as the global it hides",
    };

    fn check(cx: &Context<'_>, out: &mut Vec<Diagnostic>) {
        for shadow in &cx.facts.shadows {
            let name = &shadow.name;
            let rename = format!("rename it, e.g. `{name}_`, `my_{name}` or a name that says what it holds");
            if ESSENTIAL.contains(&name.as_str()) {
                out.push(
                    Self::finding(shadow.range.clone(), format!("`{name}` hides the Redis global of the same name"))
                        .label(format!("from here on, `{name}` is this local"))
                        .help(rename),
                );
            } else if let Some(misuse) = &shadow.misuse {
                out.push(
                    Self::finding(
                        misuse.clone(),
                        format!("`{name}` is used as the Redis global here, but it is a local that hides the global"),
                    )
                    .label(format!("this `{name}` is the local"))
                    .secondary(shadow.range.clone(), format!("`{name}` is declared here"))
                    .help(format!(
                        "rename the local (e.g. `{name}_`, or a name that says what it holds) so `{name}` is the global again"
                    )),
                );
            } else if !shadow.alias {
                let mut finding =
                    Self::finding(shadow.range.clone(), format!("`{name}` hides the Redis global of the same name"))
                        .label(format!("from here on, `{name}` is this local"))
                        .help(rename);
                // legal, and the global is not used after it: a warning
                finding.level = Level::Warn;
                out.push(finding);
            }
        }
    }
}
