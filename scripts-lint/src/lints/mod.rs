//! The lint registry: every lint's name, default level and one-line summary.

use crate::diagnostic::Level;

/// Static facts about one lint.
#[derive(Debug)]
pub struct LintInfo {
    /// Stable name, used in `allow(...)`, `warn(...)`, `deny(...)`.
    pub name: &'static str,
    /// Level when the script does not override it.
    pub default_level: Level,
    /// Whether `allow(...)` may switch it off.
    pub allowable: bool,
    /// What it catches, in one line.
    pub summary: &'static str,
}

/// Name of the syntax-error lint, reported by the parser itself.
pub const LUA_SYNTAX: &str = "lua_syntax";

/// Every lint, alphabetically.
pub static ALL: &[LintInfo] = &[LintInfo {
    name: LUA_SYNTAX,
    default_level: Level::Deny,
    allowable: false,
    summary: "any Lua 5.1 syntax error, 5.2+ syntax included",
}];

/// The lint called `name`.
pub fn find(name: &str) -> Option<&'static LintInfo> {
    ALL.iter().find(|lint| lint.name == name)
}
