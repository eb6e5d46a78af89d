use super::{Context, Lint, LintInfo};
use crate::analysis::kind;
use crate::diagnostic::{Diagnostic, Level};

/// ### What it does
/// Finds `return` of a number that is likely not an integer: a literal with a
/// fraction, a division, `math.sqrt`/`math.log`/..., `math.random()` without bounds.
///
/// ### Why this is bad
/// Redis converts a Lua number reply to an integer by truncation: `return 3.7`
/// replies `3`, `return 0.5` replies `0`. The fraction is lost silently.
///
/// ### Example
/// ```lua
/// return total / count              -- warn: truncated
/// return tostring(total / count)    -- a string keeps the fraction
/// ```
pub(crate) struct FloatReturn;

impl Lint for FloatReturn {
    const INFO: LintInfo = LintInfo {
        name: "float_return",
        default_level: Level::Warn,
        allowable: true,
        summary: "returning a non-integer number, which Redis truncates",
    };

    fn check(cx: &Context<'_>, out: &mut Vec<Diagnostic>) {
        for ret in &cx.facts.returns {
            let value = &ret.value;
            if !(value.only(kind::NUMBER) && value.fraction) {
                continue;
            }
            let message = match value.number {
                Some(n) => format!("this returns {n}, which Redis replies as {}", n.trunc()),
                None => "this returns a number that may have a fraction, which Redis truncates to an integer".to_owned(),
            };
            out.push(
                Self::finding(ret.range.clone(), message)
                    .label("truncated")
                    .help("return `tostring(x)` to keep the fraction, or `math.floor(x)` to make the rounding explicit"),
            );
        }
    }
}
