use super::{Context, Lint, LintInfo};
use crate::Host;
use crate::rust_name;
use crate::diagnostic::{Diagnostic, Level};

#[doc = include_str!("undeclared_function.md")]
pub(crate) struct UndeclaredFunction;

impl Lint for UndeclaredFunction {
    const INFO: LintInfo = LintInfo {
        name: "undeclared_function",
        default_level: Level::Warn,
        allowable: true,
        always_denied_because: None,
        summary: "a registered function with no Rust declaration",
        doc: include_str!("undeclared_function.md"),
    };

    fn check(cx: &Context<'_>, out: &mut Vec<Diagnostic>) {
        let Some(library) = cx.library.filter(|l| l.function.is_none() && l.signature.declared) else {
            return;
        };
        for registration in library.registrations {
            let Some((Some(name), range)) = &registration.name else { continue };
            if library.signature.functions.iter().any(|(declared, _)| crate::same_function_name(declared, name)) {
                continue;
            }
            let library_name = library.line.name.as_ref().map_or("the library", |(name, _)| name.as_str());
            let help = match cx.signature.host {
                Host::Rust => {
                    let (attribute, rust) = rust_name::declaration(name);
                    let attribute = attribute.map(|a| format!("{a} ")).unwrap_or_default();
                    format!(
                        "declare it in the module: `{attribute}pub async fn {rust}(con: &mut impl scripts::AsyncConnection, ...) -> scripts::Result<T>;` with its `#[key]` parameters and arguments; if only other clients call it, add `stable_names` (they cannot know the versioned name `{name}_v...`) and `allow(undeclared_function)`"
                    )
                }
                Host::Header | Host::Config | Host::FileName => format!("declare `{name}` where the library's functions are declared, or allow `undeclared_function`"),
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
