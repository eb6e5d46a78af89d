//! How a Rust declaration (`#[redis_library]`) calls a registered function, for help
//! texts: by its own name (`fn transfer`), a raw identifier where the name is a Rust
//! keyword (`fn r#type`), or `#[function(name = "...")]` where no Rust function name
//! spells it well (`1st`, `self`, `addJob`).

/// Keywords of every edition that a raw identifier spells (`r#type`).
const RAW: &[&str] = &[
    "abstract", "as", "async", "await", "become", "box", "break", "const", "continue", "do", "dyn", "else", "enum",
    "extern", "false", "final", "fn", "for", "gen", "if", "impl", "in", "let", "loop", "macro", "match", "mod", "move",
    "mut", "override", "priv", "pub", "ref", "return", "static", "struct", "trait", "true", "try", "type", "typeof",
    "unsafe", "unsized", "use", "virtual", "where", "while", "yield",
];

/// Names no Rust function can have, not even raw.
const NEVER: &[&str] = &["_", "crate", "self", "Self", "super"];

/// How a declaration calls the registered function `name`: the attribute it needs, if
/// any, and the function's Rust name.
pub(crate) fn declaration(name: &str) -> (Option<String>, String) {
    let starts_well = name.chars().next().is_some_and(|c| c.is_ascii_alphabetic() || c == '_');
    let lower = !name.bytes().any(|b| b.is_ascii_uppercase());
    if starts_well && lower && !NEVER.contains(&name) {
        if RAW.contains(&name) {
            return (None, format!("r#{name}"));
        }
        return (None, name.to_owned());
    }
    (Some(format!("#[function(name = \"{name}\")]")), snake_case(name))
}

/// `name` as a snake_case Rust function name: `addJob` -> `add_job`, `1st` -> `f_1st`,
/// `self` -> `self_`.
fn snake_case(name: &str) -> String {
    let mut out = String::new();
    let mut previous_lower = false;
    for c in name.chars() {
        if c.is_ascii_uppercase() && previous_lower {
            out.push('_');
        }
        previous_lower = c.is_ascii_lowercase() || c.is_ascii_digit();
        out.push(c.to_ascii_lowercase());
    }
    if !out.starts_with(|c: char| c.is_ascii_alphabetic() || c == '_') {
        out.insert_str(0, "f_");
    }
    if NEVER.contains(&out.as_str()) || RAW.contains(&out.as_str()) {
        out.push('_');
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn declarations_spell_registered_names() {
        let spelled = |name| declaration(name);
        assert_eq!(spelled("transfer"), (None, "transfer".to_owned()));
        assert_eq!(spelled("move"), (None, "r#move".to_owned()));
        assert_eq!(spelled("type"), (None, "r#type".to_owned()));
        assert_eq!(
            spelled("addJob"),
            (Some("#[function(name = \"addJob\")]".to_owned()), "add_job".to_owned())
        );
        assert_eq!(spelled("1st").1, "f_1st");
        assert_eq!(spelled("self").1, "self_");
        assert_eq!(spelled("_").1, "__");
        assert_eq!(spelled("Match").1, "match_");
    }
}
