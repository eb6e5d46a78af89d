//! What is around the cursor, read from the text itself: an editor asks while the
//! script is being typed and often does not parse, so these read characters, not the
//! syntax tree. The command name a `redis.call('` is being given, an include line,
//! the word being typed.

use std::ops::Range;
use std::path::{Path, PathBuf};

use crate::include;

/// A string literal that is a command call's first argument (the command) or second
/// (a container's subcommand).
#[derive(Debug, PartialEq, Eq)]
pub(crate) struct CommandSite {
    /// The name inside the quotes, as far as it is written.
    pub(crate) name: Range<usize>,
    /// For a subcommand: the container's name (`CLIENT`).
    pub(crate) container: Option<String>,
}

fn is_name_byte(b: u8) -> bool {
    b.is_ascii_alphanumeric() || b == b'_' || b == b'|' || b == b'-'
}

fn is_ident_byte(b: u8) -> bool {
    b.is_ascii_alphanumeric() || b == b'_'
}

/// Skips spaces and line ends backwards from `at`.
fn skip_space_back(bytes: &[u8], mut at: usize) -> usize {
    while at > 0 && bytes[at - 1].is_ascii_whitespace() {
        at -= 1;
    }
    at
}

/// The names a script calls commands through: `redis.call`, `redis.pcall`, Valkey's
/// `server.call`, and locals holding them (`local rcall = redis.call`).
fn callees(text: &str) -> Vec<String> {
    let mut out: Vec<String> = ["redis.call", "redis.pcall", "server.call", "server.pcall"]
        .map(String::from)
        .to_vec();
    for line in text.lines() {
        let line = line.trim();
        let Some(rest) = line.strip_prefix("local ") else {
            continue;
        };
        let Some((name, value)) = rest.split_once('=') else {
            continue;
        };
        let value = value.trim();
        if out[..4]
            .iter()
            .any(|c| value == c || value.starts_with(&format!("{c} ")))
        {
            out.push(name.trim().to_owned());
        }
    }
    out
}

/// The callee written just before `at` (the offset of a `(`), if it calls commands.
fn calls_commands(text: &str, at: usize) -> bool {
    let bytes = text.as_bytes();
    let end = skip_space_back(bytes, at);
    let mut start = end;
    while start > 0 && (is_ident_byte(bytes[start - 1]) || bytes[start - 1] == b'.') {
        start -= 1;
    }
    let callee = &text[start..end];
    !callee.is_empty() && callees(text).iter().any(|c| c == callee)
}

/// The command literal at `offset`: the cursor in the quotes of a call's first
/// argument (or second, after a container's name).
pub(crate) fn command_at(text: &str, offset: usize) -> Option<CommandSite> {
    let bytes = text.as_bytes();
    let offset = offset.min(bytes.len());
    let mut start = offset;
    while start > 0 && is_name_byte(bytes[start - 1]) {
        start -= 1;
    }
    let quote = *bytes.get(start.checked_sub(1)?)?;
    if quote != b'\'' && quote != b'"' {
        return None;
    }
    let mut end = offset;
    while end < bytes.len() && is_name_byte(bytes[end]) {
        end += 1;
    }
    let before = skip_space_back(bytes, start - 1);
    match bytes.get(before.checked_sub(1)?)? {
        b'(' => calls_commands(text, before - 1).then_some(CommandSite {
            name: start..end,
            container: None,
        }),
        b',' => {
            // `'CLIENT', '`: the first argument, a literal, then `(`
            let close = skip_space_back(bytes, before - 1);
            let closing = *bytes.get(close.checked_sub(1)?)?;
            if closing != b'\'' && closing != b'"' {
                return None;
            }
            let mut open = close - 1;
            while open > 0 && is_name_byte(bytes[open - 1]) {
                open -= 1;
            }
            if open == 0 || bytes[open - 1] != closing {
                return None;
            }
            let paren = skip_space_back(bytes, open - 1);
            (paren > 0 && bytes[paren - 1] == b'(' && calls_commands(text, paren - 1)).then(|| CommandSite {
                name: start..end,
                container: Some(text[open..close - 1].to_owned()),
            })
        }
        _ => None,
    }
}

/// The file an include line at `offset` names, with the quoted name's range.
pub(crate) fn include_at(text: &str, offset: usize, file: &Path) -> Option<(Range<usize>, PathBuf)> {
    let line_start = text[..offset.min(text.len())].rfind('\n').map_or(0, |n| n + 1);
    let line_end = text[line_start..].find('\n').map_or(text.len(), |n| line_start + n);
    let line = text[line_start..line_end].trim_end_matches('\r');
    let name = include::directive(line)?;
    let dir = file.parent().unwrap_or(Path::new("/"));
    let path = include::resolve(dir, &line[name.clone()]);
    Some((line_start + name.start..line_start + name.end, path))
}

/// The name (a Lua identifier) at `offset`, if any.
pub(crate) fn name_at(text: &str, offset: usize) -> Option<&str> {
    let bytes = text.as_bytes();
    let offset = offset.min(bytes.len());
    let mut start = offset;
    while start > 0 && is_ident_byte(bytes[start - 1]) {
        start -= 1;
    }
    let mut end = offset;
    while end < bytes.len() && is_ident_byte(bytes[end]) {
        end += 1;
    }
    let name = &text[start..end];
    (!name.is_empty() && !bytes[start].is_ascii_digit()).then_some(name)
}

/// What is being typed at `offset`, for completion.
#[derive(Debug, PartialEq, Eq)]
pub(crate) enum Typing {
    /// A command or subcommand name in quotes.
    Command(CommandSite),
    /// `KEYS[` or `ARGV[` (`key`), then the digits typed so far.
    Index { key: bool, typed: Range<usize> },
    /// A member of a library: `redis.`, `string.`, with the part typed.
    Member { library: String, typed: Range<usize> },
    /// A name.
    Name { typed: Range<usize> },
}

/// What is being typed at `offset`.
pub(crate) fn typing(text: &str, offset: usize) -> Option<Typing> {
    let offset = offset.min(text.len());
    if let Some(site) = command_at(text, offset) {
        return Some(Typing::Command(site));
    }
    let bytes = text.as_bytes();
    let mut start = offset;
    while start > 0 && bytes[start - 1].is_ascii_digit() {
        start -= 1;
    }
    if start >= 5 && bytes[start - 1] == b'[' {
        let word = &text[start - 5..start - 1];
        if (word == "KEYS" || word == "ARGV") && (start == 5 || !is_ident_byte(bytes[start - 6])) {
            return Some(Typing::Index {
                key: word == "KEYS",
                typed: start..offset,
            });
        }
    }
    let mut start = offset;
    while start > 0 && is_ident_byte(bytes[start - 1]) {
        start -= 1;
    }
    if start > 0 && bytes[start - 1] == b'.' {
        let mut lib = start - 1;
        while lib > 0 && is_ident_byte(bytes[lib - 1]) {
            lib -= 1;
        }
        return Some(Typing::Member {
            library: text[lib..start - 1].to_owned(),
            typed: start..offset,
        });
    }
    if start > 0 && bytes[start - 1] == b':' {
        return None;
    }
    Some(Typing::Name { typed: start..offset })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn site(text: &str) -> Option<CommandSite> {
        let at = text.find('|').unwrap();
        let text = text.replacen('|', "", 1);
        command_at(&text, at)
    }

    #[test]
    fn command_names_are_found_while_typed() {
        let s = site("redis.call('HS|").unwrap();
        assert_eq!((s.name, s.container), (12..14, None));
        let text = "return redis.pcall(\n  \"ZADD\", KEYS[1])";
        let at = text.find("ZADD").unwrap();
        assert_eq!(
            site("return redis.pcall(\n  \"ZA|DD\", KEYS[1])").unwrap().name,
            at..at + 4
        );
        assert_eq!(
            site("local rcall = redis.call\nrcall('OBJECT', 'enc|').x")
                .unwrap()
                .container
                .as_deref(),
            Some("OBJECT")
        );
        assert!(site("print('HS|')").is_none());
        assert!(site("redis.call(KEYS[1], 'x|')").is_none());
        assert!(site("local s = 'HS|'").is_none());
    }

    #[test]
    fn what_is_typed() {
        let at = |text: &str| {
            let i = text.find('|').unwrap();
            typing(&text.replacen('|', "", 1), i)
        };
        assert_eq!(
            at("return KEYS[|"),
            Some(Typing::Index {
                key: true,
                typed: 12..12
            })
        );
        assert_eq!(
            at("x = ARGV[2|"),
            Some(Typing::Index {
                key: false,
                typed: 9..10
            })
        );
        assert_eq!(
            at("redis.pc|"),
            Some(Typing::Member {
                library: "redis".into(),
                typed: 6..8
            })
        );
        assert_eq!(at("local n = tonu|"), Some(Typing::Name { typed: 10..14 }));
    }

    #[test]
    fn names_under_the_cursor() {
        let text = "lockJob(jobKey, 12)";
        assert_eq!(name_at(text, 0), Some("lockJob"));
        assert_eq!(name_at(text, 7), Some("lockJob"));
        assert_eq!(name_at(text, 10), Some("jobKey"));
        assert_eq!(name_at(text, 17), None);
        assert_eq!(name_at(text, 15), None);
    }

    #[test]
    fn include_lines_name_their_file() {
        let text = "local x = 1\n--- @include \"includes/a\"\n";
        let (range, path) = include_at(text, text.find("includes").unwrap() + 2, Path::new("/q/m.lua")).unwrap();
        assert_eq!(&text[range], "includes/a");
        assert_eq!(path, Path::new("/q/includes/a.lua"));
        assert!(include_at(text, 3, Path::new("/q/m.lua")).is_none());
    }
}
