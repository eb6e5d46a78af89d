//! Where a descriptor's Lua text is written.

use std::fmt;

/// Where a script's Lua text is written: a Rust source file or a `.lua` file.
///
/// Unknown ([`is_known`](Self::is_known) is false: an empty `file`, line and column 0)
/// when the compiler running the macro did not say, as rust-analyzer's proc-macro
/// server does not: the IDE's view of a script then carries no Rust position rather
/// than a wrong one. `cargo build` always knows.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Location {
    /// The file, as the compiler names it (e.g. `src/lib.rs`, or the `.lua` path);
    /// empty when unknown.
    pub file: &'static str,
    /// 1-based line where the Lua text starts; 0 when unknown.
    pub line: u32,
    /// 1-based column where the Lua text starts; 0 when unknown.
    pub column: u32,
}

impl Location {
    /// True when the compiler said where the script is written.
    pub fn is_known(&self) -> bool {
        !self.file.is_empty()
    }
}

impl fmt::Display for Location {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if self.is_known() {
            write!(f, "{}:{}:{}", self.file, self.line, self.column)
        } else {
            f.write_str("an unknown location")
        }
    }
}
