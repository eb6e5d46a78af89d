use super::{Context, Lint, LintInfo, suggest};
use crate::analysis::RegistrationForm;
use crate::diagnostic::{Diagnostic, Level, ParamRef};
use crate::rust_name;

#[doc = include_str!("unregistered_function.md")]
pub(crate) struct UnregisteredFunction;

impl Lint for UnregisteredFunction {
    const INFO: LintInfo = LintInfo {
        name: "unregistered_function",
        default_level: Level::Deny,
        allowable: false,
        always_denied_because: Some("every call of the declaration would answer `ERR Function not found`"),
        summary: "a declared function the library does not register",
        doc: include_str!("unregistered_function.md"),
    };

    fn check(cx: &Context<'_>, out: &mut Vec<Diagnostic>) {
        let Some(library) = cx.library.filter(|l| l.function.is_none()) else {
            return;
        };
        // a name the analysis cannot read may be any of them
        let unread = library.registrations.iter().any(|r| {
            matches!(r.form, RegistrationForm::Unread { table: true }) || matches!(r.name, Some((None, _)))
        });
        if unread {
            return;
        }
        let registered: Vec<&str> = library
            .registrations
            .iter()
            .filter_map(|r| r.name.as_ref().and_then(|(name, _)| name.as_deref()))
            .collect();
        let at = library.line.name.as_ref().map_or(0..0, |(_, range)| range.clone());
        for (i, (name, _)) in library.signature.functions.iter().enumerate() {
            if registered.iter().any(|r| crate::same_function_name(name, r)) {
                continue;
            }
            let library_name = library.line.name.as_ref().map_or("the library", |(name, _)| name.as_str());
            let consequence = match cx.signature.host {
                crate::Host::Rust => {
                    "every call would load the library and still fail with `Error::NoFunction` (`ERR Function not found`)"
                }
                crate::Host::Header | crate::Host::Config | crate::Host::FileName => "every `FCALL` would answer `ERR Function not found`",
            };
            let finding = Self::finding(at.clone(), format!("library `{library_name}` registers no function `{name}`"))
                .label(format!("registers no `{name}`"))
                .about(ParamRef::Function(i))
                .note(consequence);
            let listed = registered.iter().map(|n| format!("`{n}`")).collect::<Vec<_>>().join(", ");
            out.push(match suggest(name, registered.iter().copied()) {
                Some(near) if cx.signature.host == crate::Host::Rust => {
                    finding.help(match rust_name::declaration(near) {
                        (None, rust) => format!(
                            "did you mean `{near}`? rename the declaration to `{rust}`, or give it `#[function(name = \"{near}\")]`"
                        ),
                        (Some(attribute), _) => format!("did you mean `{near}`? give the declaration `{attribute}`"),
                    })
                }
                Some(near) => finding.help(format!("rename the declaration to `{near}`")),
                None if registered.is_empty() => {
                    finding.help(format!("register it in the library: `redis.register_function('{name}', {name})`"))
                }
                // a Rust declaration spells some registered names otherwise
                None if cx.signature.host == crate::Host::Rust
                    && registered.iter().any(|n| rust_name::declaration(n).1 != *n) =>
                {
                    finding.help(format!(
                        "declare one of {listed} instead (`r#` before a Rust keyword, `#[function(name = \"...\")]` for a name Rust does not spell), or register it in the library: `redis.register_function('{name}', {name})`"
                    ))
                }
                None => finding.help(format!(
                    "rename the declaration to one of {listed}, or register it in the library: `redis.register_function('{name}', {name})`"
                )),
            });
        }
    }
}
