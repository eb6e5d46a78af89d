//! Each command's syntax line as Redis documents it (`SET key value [NX | XX] ...`),
//! for messages. Generated from `data/command-docs-valkey-8.0.1.jsonl` into
//! `syntax_table.rs` by `tests/command_syntax.rs`; commands Valkey 8.0 lacks (Redis
//! 7.4's `HEXPIRE` family) have none.
//!
//! ```
//! use scripts_lint::redis::syntax::syntax;
//!
//! assert_eq!(syntax("GET"), Some("GET key"));
//! assert_eq!(syntax("OBJECT|ENCODING"), Some("OBJECT ENCODING key"));
//! ```

include!("syntax_table.rs");

/// The syntax of `name` as the command table names it (`SET`, `OBJECT|ENCODING`).
pub fn syntax(name: &str) -> Option<&'static str> {
    SYNTAX
        .binary_search_by(|(command, _)| (*command).cmp(name))
        .ok()
        .map(|i| SYNTAX[i].1)
}
