use super::{Context, Lint, LintInfo};
use crate::Host;
use crate::diagnostic::{Diagnostic, Level};

/// ### What it does
/// Finds functions a library registers that have no declaration on the Rust side
/// (no function of that name in the `#[redis_library]` module).
///
/// ### Why this is bad
/// Nothing calls them with checked keys, arguments and return type: a caller has to
/// send `FCALL` by hand (and, with versioned names, guess the name), and their body is
/// checked without knowing how many keys and arguments callers pass. Often the
/// declaration exists under another name.
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
            let library_name = library.line.name.as_ref().map_or("the library", |(name, _)| name.as_str());
            let help = match cx.signature.host {
                Host::Rust => format!(
                    "declare it in the module, named as registered: `pub async fn {name}(con: &mut impl scripts::AsyncConnection, ...) -> scripts::Result<T>;` with its `#[key]` parameters and arguments; if only other clients call it, add `stable_names` (they cannot know the versioned name `{name}_v...`) and `allow(undeclared_function)`"
                ),
                Host::Header => format!("declare `{name}` where the library's functions are declared, or allow `undeclared_function`"),
            };
            out.push(
                Self::finding(
                    range.clone(),
                    format!("library `{library_name}` registers `{name}`, but no declaration names it"),
                )
                .label("not declared")
                .note("`FUNCTION LOAD` registers it anyway, but no typed Rust call exists for it, and its body is checked without knowing how many keys and arguments callers pass")
                .help(help),
            );
        }
    }
}
