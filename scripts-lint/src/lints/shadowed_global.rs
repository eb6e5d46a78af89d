use super::{Context, Lint, LintInfo};
use crate::diagnostic::{Diagnostic, Level};

#[doc = include_str!("shadowed_global.md")]
pub(crate) struct ShadowedGlobal;

/// Globals whose loss breaks the script's contract with Redis: always an error.
const ESSENTIAL: &[&str] = &["KEYS", "ARGV", "redis"];

impl Lint for ShadowedGlobal {
    const INFO: LintInfo = LintInfo {
        name: "shadowed_global",
        default_level: Level::Deny,
        allowable: true,
        always_denied_because: None,
        summary: "a local named like a Redis global (`local KEYS`, `local redis`), or used as the global it hides",
        doc: include_str!("shadowed_global.md"),
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
