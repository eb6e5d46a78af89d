use super::{Context, Lint, LintInfo};
use crate::diagnostic::{Diagnostic, Level};

/// ### What it does
/// Reports every Lua 5.1 syntax error in the script, including syntax from later
/// Lua versions (`goto`, `//`, `&`, `|`, `~`, `<<`, `>>`) and nesting deeper than
/// Lua 5.1's 200 levels. The parser reports these itself; this entry documents them.
///
/// ### Why this is bad
/// Redis embeds Lua 5.1 and compiles the script on first use: a syntax error is a
/// run-time `ERR Error compiling script` on every call. It cannot be allowed.
///
/// ### Example
/// ```lua
/// return redis.call('GET', KEYS[1]     -- expected `)` to close function call
/// local half = tonumber(ARGV[1]) // 2  -- `//` is Lua 5.3: write math.floor(a / b)
/// ```
pub(crate) struct LuaSyntax;

impl Lint for LuaSyntax {
    const INFO: LintInfo = LintInfo {
        name: super::LUA_SYNTAX,
        default_level: Level::Deny,
        allowable: false,
        summary: "a Lua 5.1 syntax error (5.2+ syntax such as `goto`, `//`, `&` included)",
    };

    fn check(_: &Context<'_>, _: &mut Vec<Diagnostic>) {}
}
