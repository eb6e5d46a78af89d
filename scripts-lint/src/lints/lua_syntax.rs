use super::{Context, Lint, LintInfo};
use crate::diagnostic::{Diagnostic, Level};

#[doc = include_str!("lua_syntax.md")]
pub(crate) struct LuaSyntax;

impl Lint for LuaSyntax {
    const INFO: LintInfo = LintInfo {
        name: super::LUA_SYNTAX,
        default_level: Level::Deny,
        allowable: false,
        always_denied_because: Some("Redis refuses a script that does not compile"),
        summary: "a script Redis does not compile: Lua 5.1 syntax (5.2+ syntax such as `goto`, `//`, `&` included) and the limits of its compiler (200 locals, 60 upvalues, 250 registers)",
        doc: include_str!("lua_syntax.md"),
    };

    fn check(_: &Context<'_>, _: &mut Vec<Diagnostic>) {}
}
