use super::{Context, Lint, LintInfo};
use crate::diagnostic::{Diagnostic, Level};

/// ### What it does
/// Finds locals, parameters and loop variables named like a global Redis provides:
/// `local KEYS`, `local redis`, `local table = {}`, `local type = ...`.
///
/// ### Why this is bad
/// For the rest of the scope the real global is gone: `KEYS[1]` reads your table,
/// `table.insert` is `nil`, `redis.call` fails. The error appears far from its cause.
///
/// ### Example
/// ```lua
/// local table = {}                  -- bad: hides the `table` library
/// local items = {}                  -- good
/// ```
pub(crate) struct ShadowedGlobal;

impl Lint for ShadowedGlobal {
    const INFO: LintInfo = LintInfo {
        name: "shadowed_global",
        default_level: Level::Deny,
        allowable: true,
        summary: "a local named like a Redis global (`local KEYS`, `local redis`, `local table`)",
    };

    fn check(cx: &Context<'_>, out: &mut Vec<Diagnostic>) {
        for (name, range) in &cx.facts.shadows {
            out.push(
                Self::finding(range.clone(), format!("`{name}` hides the Redis global of the same name"))
                    .label(format!("from here on, `{name}` is this local"))
                    .help(format!("rename it, e.g. `{name}_`, `my_{name}` or a name that says what it holds")),
            );
        }
    }
}
