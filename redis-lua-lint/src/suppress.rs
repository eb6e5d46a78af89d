//! Inline suppressions, selene-style:
//!
//! ```lua
//! --# redis-lua-lint: allow(dynamic_command)     -- the whole file
//! -- redis-lua-lint: allow(float_return)         -- the next statement
//! return tonumber(ARGV[1]) / 2
//! return ratio * 100 -- redis-lua-lint: allow(float_return)   -- this line
//! ```
//!
//! A comment on a line of its own covers the next line of code and, when brackets
//! opened there are still open at its end, the lines up to where they close (a call
//! or table spread over several lines). Only `allow` is inline: other levels belong in
//! the header (`--! deny: lint`), where they apply before the check runs.

use std::ops::Range;

use scripts_lint::lints::LevelError;
use scripts_lint::{Diagnostic, Level, LineIndex};

use crate::rules::{self, INVALID_SUPPRESSION};

/// The comment marker: `-- redis-lua-lint: allow(...)`.
pub(crate) const MARKER: &str = "redis-lua-lint:";

/// The suppressions of one file.
#[derive(Debug, Default)]
pub(crate) struct Suppressions {
    /// Lints allowed in the whole file.
    file: Vec<String>,
    /// Lints allowed on a range of 0-based lines.
    lines: Vec<(Range<usize>, Vec<String>)>,
    /// Suppressions that cannot be honoured, as findings in the file.
    pub(crate) problems: Vec<Diagnostic>,
}

/// How many lines one suppression may cover at most (a bracket never closed would
/// otherwise cover the rest of the file).
const MAX_STATEMENT_LINES: usize = 200;

impl Suppressions {
    /// The suppressions written in `text`, whose lines are `lines`.
    pub(crate) fn parse(text: &str, lines: &LineIndex) -> Self {
        let mut out = Suppressions::default();
        if !text.contains(MARKER) {
            return out;
        }
        let line_text = |line: usize| {
            let start = lines.line_start(line);
            let end = if line + 1 < lines.len() {
                lines.line_start(line + 1)
            } else {
                text.len()
            };
            (start, text[start..end].trim_end_matches(['\n', '\r']))
        };
        for line in 0..lines.len() {
            let (start, content) = line_text(line);
            let Some(at) = content.find(MARKER) else {
                continue;
            };
            let before = content[..at].trim_end();
            let whole_file = before.ends_with("--#");
            let comment_start = if whole_file {
                before.len() - 3
            } else if before.ends_with("--") {
                before.trim_end_matches('-').len()
            } else {
                continue;
            };
            // `prefix(...)` and `key(...)` declare keys: the checker reads those
            if scripts_lint::annotation::is_annotation(&content[at + MARKER.len()..]) {
                continue;
            }
            let names = out.names(&content[at + MARKER.len()..], start + at + MARKER.len());
            if whole_file {
                out.file.extend(names);
                continue;
            }
            let covered = if content[..comment_start].trim().is_empty() {
                // on a line of its own: the next statement
                let mut next = line + 1;
                while next < lines.len() {
                    let code = line_text(next).1.trim();
                    if !code.is_empty() && !code.starts_with("--") {
                        break;
                    }
                    next += 1;
                }
                let mut end = next;
                let mut depth = 0i64;
                while end < lines.len() && end - next < MAX_STATEMENT_LINES {
                    depth += bracket_balance(line_text(end).1);
                    end += 1;
                    if depth <= 0 {
                        break;
                    }
                }
                next..end
            } else {
                line..line + 1
            };
            out.lines.push((covered, names));
        }
        out
    }

    /// The lint names of `allow(a, b)` (which starts at byte `offset`); what cannot
    /// be honoured goes to `problems`.
    fn names(&mut self, text: &str, offset: usize) -> Vec<String> {
        let spaces = text.len() - text.trim_start().len();
        let rest = &text[spaces..];
        let open_at = offset + spaces;
        let Some(list) = rest
            .strip_prefix("allow(")
            .and_then(|r| r.split_once(')'))
            .map(|(list, _)| list)
        else {
            let word = rest
                .split(|c: char| !c.is_alphanumeric() && c != '_')
                .next()
                .unwrap_or("");
            let help = if matches!(word, "warn" | "deny") {
                format!(
                    "only `allow` is written inline: `{word}` a lint for the whole script in its header (`--! {word}: <lint>`)"
                )
            } else {
                "write `-- redis-lua-lint: allow(<lint>, ...)`".to_owned()
            };
            let end = open_at + word.len().max(1).min(rest.len());
            self.problems.push(
                Diagnostic::new(
                    INVALID_SUPPRESSION,
                    Level::Deny,
                    open_at..end,
                    "expected `allow(<lint>, ...)`",
                )
                .help(help),
            );
            return Vec::new();
        };
        let list_at = open_at + "allow(".len();
        let mut names = Vec::new();
        let mut offset = 0;
        for part in list.split(',') {
            let name = part.trim();
            let start = list_at + offset + (part.len() - part.trim_start().len());
            offset += part.len() + 1;
            if name.is_empty() {
                continue;
            }
            let range = start..start + name.len();
            match rules::check_level(name, Level::Allow) {
                Ok(_) => names.push(name.to_owned()),
                Err(LevelError::AlwaysDenied { reason }) => self.problems.push(Diagnostic::new(
                    INVALID_SUPPRESSION,
                    Level::Deny,
                    range,
                    format!("`{name}` cannot be allowed: {reason}"),
                )),
                Err(LevelError::Unknown { suggestion }) => self.problems.push(
                    Diagnostic::new(
                        INVALID_SUPPRESSION,
                        Level::Deny,
                        range,
                        format!("unknown lint `{name}`"),
                    )
                    .help(rules::unknown_lint_help(suggestion)),
                ),
            }
        }
        names
    }

    /// True when `lint` is allowed at 0-based `line` (`None`: the finding has no line,
    /// so only the whole-file allows count).
    pub(crate) fn allows(&self, lint: &str, line: Option<usize>) -> bool {
        self.file.iter().any(|name| name == lint)
            || line.is_some_and(|line| {
                self.lines
                    .iter()
                    .any(|(range, names)| range.contains(&line) && names.iter().any(|name| name == lint))
            })
    }
}

/// Brackets opened minus brackets closed on one line of Lua, outside strings and
/// comments (a long string or comment spanning lines counts as its bracket).
fn bracket_balance(line: &str) -> i64 {
    let mut depth = 0;
    let mut chars = line.chars().peekable();
    while let Some(c) = chars.next() {
        match c {
            '(' | '{' | '[' => depth += 1,
            ')' | '}' | ']' => depth -= 1,
            '\'' | '"' => {
                while let Some(inner) = chars.next() {
                    if inner == '\\' {
                        chars.next();
                    } else if inner == c {
                        break;
                    }
                }
            }
            '-' if chars.peek() == Some(&'-') => break,
            _ => {}
        }
    }
    depth
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parse(text: &str) -> Suppressions {
        Suppressions::parse(text, &LineIndex::new(text))
    }

    #[test]
    fn next_statement_same_line_and_whole_file() {
        let text = "--# redis-lua-lint: allow(float_return)\n\
                    local a = 1\n\
                    -- redis-lua-lint: allow(dynamic_command, wrong_arity)\n\
                    \n\
                    -- another comment\n\
                    redis.call(ARGV[1],\n  KEYS[1],\n  'x')\n\
                    redis.call(ARGV[1]) -- redis-lua-lint: allow(dynamic_command)\n\
                    redis.call(ARGV[1])\n";
        let s = parse(text);
        assert!(s.problems.is_empty(), "{:?}", s.problems);
        assert!(s.allows("float_return", None));
        assert!(s.allows("float_return", Some(9)));
        assert!(!s.allows("dynamic_command", Some(1)));
        for line in 5..=7 {
            assert!(s.allows("dynamic_command", Some(line)), "line {line}");
            assert!(s.allows("wrong_arity", Some(line)), "line {line}");
        }
        assert!(s.allows("dynamic_command", Some(8)));
        assert!(!s.allows("dynamic_command", Some(9)));
        assert!(!s.allows("dynamic_command", None));
    }

    #[test]
    fn names_that_cannot_be_honoured_are_reported() {
        let text = "-- redis-lua-lint: allow(dynamic_comand, lua_syntax)\n-- redis-lua-lint: deny(x)\nreturn 1\n";
        let s = parse(text);
        let messages: Vec<&str> = s.problems.iter().map(|d| d.message.as_str()).collect();
        assert_eq!(
            messages,
            [
                "unknown lint `dynamic_comand`",
                "`lua_syntax` cannot be allowed: Redis refuses a script that does not compile",
                "expected `allow(<lint>, ...)`"
            ]
        );
        assert_eq!(&text[s.problems[0].primary.range.clone()], "dynamic_comand");
        assert_eq!(s.problems[0].help.as_deref(), Some("did you mean `dynamic_command`?"));
        assert_eq!(&text[s.problems[2].primary.range.clone()], "deny");
        // each lint with its own reason
        let s = parse("--# redis-lua-lint: allow(server_error_code)\nreturn 1\n");
        let messages: Vec<&str> = s.problems.iter().map(|d| d.message.as_str()).collect();
        assert_eq!(
            messages,
            [
                "`server_error_code` cannot be allowed: clients take such an error for the server's own, and may run the script again"
            ]
        );
    }

    #[test]
    fn brackets_in_strings_and_comments_do_not_count() {
        assert_eq!(bracket_balance("redis.call('GET', '(') -- ("), 0);
        assert_eq!(bracket_balance("local t = {"), 1);
        assert_eq!(bracket_balance("x = \"\\\"(\""), 0);
    }
}
