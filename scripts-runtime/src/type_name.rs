//! Type names as a user writes them, for messages.

/// `std::any::type_name` without module paths: `scripts_runtime::json::Json<alloc::vec::Vec<app::Stock>>`
/// becomes `Json<Vec<Stock>>`.
pub(crate) fn short(name: &str) -> String {
    let mut out = String::with_capacity(name.len());
    let mut rest = name;
    while let Some(at) = rest.find("::") {
        out.push_str(&rest[..at]);
        rest = &rest[at + 2..];
        if out.ends_with('>') {
            // `<T as Trait>::Assoc`: the path is the point
            out.push_str("::");
            continue;
        }
        let segment_start = out
            .rfind(|c: char| !(c.is_alphanumeric() || c == '_'))
            .map_or(0, |i| i + 1);
        out.truncate(segment_start);
    }
    out.push_str(rest);
    out
}

#[cfg(test)]
mod tests {
    use super::short;

    #[test]
    fn module_paths_are_dropped() {
        assert_eq!(short("i64"), "i64");
        assert_eq!(
            short("scripts_runtime::json::Json<alloc::vec::Vec<app::Stock>>"),
            "Json<Vec<Stock>>"
        );
        assert_eq!(
            short("core::option::Option<(alloc::string::String, &[u8])>"),
            "Option<(String, &[u8])>"
        );
        assert_eq!(
            short("std::collections::hash::map::HashMap<alloc::string::String, i64>"),
            "HashMap<String, i64>"
        );
    }
}
