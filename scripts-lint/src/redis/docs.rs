//! Each command's summary and the forms of its reply in Lua, with the documentation's
//! words for when each comes: what an editor shows on hover. Behind the `docs`
//! feature, which the macro does not enable (it has no use for the text). Generated
//! from `data/command-docs-valkey-8.0.1.jsonl` into `docs_table.rs` by
//! `tests/command_docs.rs`.
//!
//! ```
//! use scripts_lint::redis::docs;
//!
//! let get = docs::lookup("get").unwrap();
//! assert_eq!(get.summary, "Returns the string value of a key.");
//! assert_eq!(get.replies[1].0, "`false`");
//! ```

/// A row of the table: `(command, summary, reply forms in Lua with when they come)`.
type Entry = (&'static str, &'static str, &'static [(&'static str, &'static str)]);

include!("docs_table.rs");

/// One command's documentation.
#[derive(Clone, Copy, Debug)]
pub struct Doc {
    /// One line, as the documentation writes it.
    pub summary: &'static str,
    /// `(what the script receives, when)`: `("`false`", "Key does not exist")`.
    pub replies: &'static [(&'static str, &'static str)],
}

/// The documentation of `name` as the command table names it (`GET`, `OBJECT|ENCODING`),
/// in any case.
pub fn lookup(name: &str) -> Option<Doc> {
    let upper = name.to_ascii_uppercase();
    DOCS.binary_search_by(|(command, _, _)| (*command).cmp(upper.as_str()))
        .ok()
        .map(|i| Doc {
            summary: DOCS[i].1,
            replies: DOCS[i].2,
        })
}
