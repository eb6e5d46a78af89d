use super::{Context, Lint, LintInfo};
use crate::analysis::kind;
use crate::diagnostic::{Diagnostic, Level};

#[doc = include_str!("float_return.md")]
pub(crate) struct FloatReturn;

impl Lint for FloatReturn {
    const INFO: LintInfo = LintInfo {
        name: "float_return",
        default_level: Level::Warn,
        allowable: true,
        always_denied_because: None,
        summary: "returning a non-integer number, which Redis truncates",
        doc: include_str!("float_return.md"),
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
