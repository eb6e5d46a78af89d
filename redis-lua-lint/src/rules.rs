//! Every lint this command reports: the checker's (`scripts_lint::lints::ALL`, the one
//! about `--!` headers included) and two about the files themselves (inline
//! suppressions, includes), with their documentation for `--explain` and SARIF.

use scripts_lint::Level;
use scripts_lint::lints::{self, LevelError, LintInfo};

/// Name of the lint for inline suppressions that cannot be honoured.
pub(crate) const INVALID_SUPPRESSION: &str = "invalid_suppression";
/// Name of the lint for `--- @include` lines whose file cannot be read.
pub(crate) const UNRESOLVED_INCLUDE: &str = "unresolved_include";

/// The lints of the command itself, after the checker's.
static OWN: [LintInfo; 2] = [
    LintInfo {
        name: INVALID_SUPPRESSION,
        default_level: Level::Deny,
        allowable: false,
        always_denied_because: Some("a suppression naming no lint would then suppress nothing, silently"),
        summary: "an inline `-- redis-lua-lint: allow(...)` naming an unknown lint or `lua_syntax`",
        doc: "#### What it does\n\
              Checks the lint names of inline suppressions (`-- redis-lua-lint: allow(lint)` for \
              the next line, `--# redis-lua-lint: allow(lint)` for the whole file).\n\n\
              #### Why this is bad\n\
              A misspelt name suppresses nothing, silently; `lua_syntax` cannot be suppressed \
              because Redis refuses a script that does not compile.\n\n\
              #### Example\n\
              ```lua\n\
              -- redis-lua-lint: allow(dynamic_comand)    -- bad: did you mean `dynamic_command`?\n\
              -- redis-lua-lint: allow(dynamic_command)   -- good\n\
              return redis.call(ARGV[1], KEYS[1])\n\
              ```\n\n\
              #### Fix\n\
              Yes, for a misspelt lint name one edit from a single lint, with no other within \
              two: it is written instead.",
    },
    LintInfo {
        name: UNRESOLVED_INCLUDE,
        default_level: Level::Deny,
        allowable: true,
        always_denied_because: None,
        summary: "a `--- @include` line whose file cannot be read (with `--includes`)",
        doc: "#### What it does\n\
              With `--includes`, each `--- @include \"<name>\"` line is replaced by the named file \
              (relative to the including file, `.lua` added when the name has no extension), as \
              BullMQ's script loader does. A name that does not resolve to a readable file is \
              reported at the line.\n\n\
              #### Why this is bad\n\
              The script that reaches Redis would be missing the functions the include defines, \
              and the checker cannot see them either.\n\n\
              #### Example\n\
              ```lua\n\
              --- @include \"includes/removeJob\"   -- looks for includes/removeJob.lua next to this file\n\
              ```\n\n\
              #### Fix\n\
              No. Which file was meant is not known.",
    },
];

/// Every lint: the checker's, alphabetically, then the command's own.
pub(crate) fn all() -> Vec<&'static LintInfo> {
    lints::ALL.iter().chain(&OWN).collect()
}

/// The lint called `name`.
pub(crate) fn find(name: &str) -> Option<&'static LintInfo> {
    all().into_iter().find(|rule| rule.name == name)
}

/// Is `name` a lint of this command, and may it take `level`: the checker's rule
/// ([`lints::check_level`]) over its lints and the command's own.
pub(crate) fn check_level(name: &str, level: Level) -> Result<&'static LintInfo, LevelError> {
    lints::check_level_among(lints::ALL.iter().chain(&OWN), name, level)
}

/// "did you mean ..." for a name that is not a lint, given the closest lint name.
pub(crate) fn unknown_lint_help(suggestion: Option<&str>) -> String {
    match suggestion {
        Some(near) => format!("did you mean `{near}`?"),
        None => "`redis-lua-lint --list-lints` lists them".to_owned(),
    }
}

/// A lint's documentation (Markdown: What it does / Why this is bad / Example).
pub(crate) fn doc(rule: &LintInfo) -> &'static str {
    rule.doc.trim_end()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_lint_has_its_documentation() {
        for rule in all() {
            assert!(
                doc(rule).starts_with("#### What it does"),
                "{}: {:?}",
                rule.name,
                rule.doc
            );
            assert!(doc(rule).contains("#### Example"), "{}", rule.name);
            assert!(doc(rule).contains("#### Fix"), "{}", rule.name);
        }
        for rule in all() {
            assert_eq!(rule.allowable, rule.always_denied_because.is_none(), "{}", rule.name);
        }
        let names: Vec<&str> = all().iter().map(|r| r.name).collect();
        let mut unique = names.clone();
        unique.sort();
        unique.dedup();
        assert_eq!(unique.len(), names.len(), "a command lint shadows a checker lint");
    }
}
