use super::{Context, Lint, LintInfo};
use crate::Host;
use crate::diagnostic::{Diagnostic, Level};

/// ### What it does
/// Finds functions a library registers that have no declaration on the Rust side
/// (no function of that name in the `#[redis_library]` module).
///
/// ### Why this is bad
/// Nothing calls them with checked keys, arguments and return type: a caller has to
/// send `FCALL` by hand, and the checks of their body rest on no declaration. Often
/// the declaration exists under another name.
///
/// ### Example
/// ```lua
/// #!lua name=bank
/// redis.register_function('audit', audit)   -- warning: no `fn audit` in the module
/// ```
pub(crate) struct UndeclaredFunction;

impl Lint for UndeclaredFunction {
    const INFO: LintInfo = LintInfo {
        name: "undeclared_function",
        default_level: Level::Warn,
        allowable: true,
        summary: "a registered function with no Rust declaration",
    };

    fn check(cx: &Context<'_>, out: &mut Vec<Diagnostic>) {
        let Some(library) = cx.library.filter(|l| l.function.is_none() && l.signature.declared) else {
            return;
        };
        for registration in library.registrations {
            let Some((Some(name), range)) = &registration.name else { continue };
            if library.signature.functions.iter().any(|(declared, _)| declared == &**name) {
                continue;
            }
            let help = match cx.signature.host {
                Host::Rust => format!(
                    "declare it in the module: `pub async fn {name}(con: &mut impl scripts::AsyncConnection, ...) -> scripts::Result<...>;`, or `allow(undeclared_function)` when only other clients call it"
                ),
                Host::Header => format!("declare `{name}` where the library's functions are declared, or allow `undeclared_function`"),
            };
            out.push(
                Self::finding(range.clone(), format!("function `{name}` is registered but not declared"))
                    .label("no declaration")
                    .note("the library is loaded as a whole, so it is registered all the same; nothing checks its callers")
                    .help(help),
            );
        }
    }
}
