//! The crate's `scripts.toml` (next to its `Cargo.toml`): lint levels and the oldest
//! server for every script of the crate. A script's own `#[redis_script(...)]` options
//! override it.
//!
//! ```toml
//! min_version = "7.2"       # the oldest server the scripts must run on
//! always_warn = true        # script warnings survive a crate-level `#![allow(deprecated)]`
//!
//! [lints]
//! dynamic_command = "allow"
//! unused_key = "deny"
//! ```
//!
//! Without a `scripts.toml` at the crate root, the file named by the environment
//! variable `SCRIPTS_TOML` is read, if set: a workspace shares one file by setting it
//! in `.cargo/config.toml` (`[env] SCRIPTS_TOML = { value = "scripts.toml", relative =
//! true }`).
//!
//! The macro reads the file on every expansion and includes it in the expansion
//! (`include_bytes!`), so editing it rebuilds the crate (as does changing
//! `SCRIPTS_TOML`). Only this subset of TOML is understood: comments,
//! `key = "string"` / `key = true`, the `[lints]` table (also written
//! `lints.name = "..."` or `lints = { name = "...", ... }`); anything else is a clear
//! error naming the line.

use std::path::{Path, PathBuf};

use proc_macro2::Span;

use scripts_lint::lints::{self, LevelError};
use scripts_lint::{Level, Target};

use crate::errors::Errors;

/// The file's name, at the crate root.
pub const FILE_NAME: &str = "scripts.toml";

/// The variable naming the file when the crate root has none.
pub const ENV: &str = "SCRIPTS_TOML";

/// What the crate's `scripts.toml` says; the defaults when there is none.
#[derive(Default)]
pub struct Config {
    /// The file read, when there is one: included in the expansion so edits rebuild.
    pub path: Option<PathBuf>,
    /// `[lints]`, in the order written.
    pub levels: Vec<(String, Level)>,
    /// `min_version`.
    pub target: Option<Target>,
    /// `always_warn`: script warnings carry `#[warn(deprecated)]`.
    pub always_warn: bool,
}

impl Config {
    /// Reads `scripts.toml` at `root`, the crate root, if there is one, else the file
    /// `env` names (the value of [`ENV`], relative to `root`); its problems go into
    /// `errors`, each naming the file, the line and the key.
    pub fn load(root: &Path, env: Option<&str>, errors: &mut Errors) -> Config {
        let local = root.join(FILE_NAME);
        let (path, shown, from_env) = match env {
            _ if local.is_file() => (local, FILE_NAME.to_owned(), false),
            Some(named) if !named.is_empty() => (root.join(named), named.to_owned(), true),
            _ => return Config::default(),
        };
        match std::fs::read_to_string(&path) {
            Ok(text) => {
                let mut messages = Vec::new();
                let mut config = parse(&text, &mut messages);
                for message in messages {
                    errors.at(Span::call_site(), format!("`{shown}` {message}"));
                }
                config.path = Some(path);
                config
            }
            Err(e) => {
                let why = if from_env {
                    format!("`{shown}` (named by `{ENV}`)")
                } else {
                    format!("`{shown}`")
                };
                errors.at(
                    Span::call_site(),
                    format!("cannot read {why} (`{}`): {e}", path.display()),
                );
                Config::default()
            }
        }
    }
}

/// Parses the text of a `scripts.toml`; each problem is pushed as "line N: ..." (or
/// "`key`: ..." for the key it is about).
pub fn parse(text: &str, problems: &mut Vec<String>) -> Config {
    let mut config = Config::default();
    let mut table = Table::Root;
    let mut seen: Vec<String> = Vec::new();
    for (index, raw) in text.lines().enumerate() {
        let line = index + 1;
        let mut at = |message: String| problems.push(format!("line {line}: {message}"));
        let mut cursor = Cursor::new(raw);
        cursor.skip_space();
        if cursor.at_end_of_line() {
            continue;
        }
        if cursor.eat('[') {
            let name = match cursor.key() {
                Ok(name) => name,
                Err(e) => {
                    at(e);
                    continue;
                }
            };
            if !cursor.eat(']') || !cursor.rest_is_blank() {
                at(format!("expected `[{}]`", name.join(".")));
                continue;
            }
            table = match name.as_slice() {
                [one] if one == "lints" => Table::Lints,
                _ => {
                    at(format!(
                        "unknown table `[{}]`: the only table is `[lints]`",
                        name.join(".")
                    ));
                    Table::Unknown
                }
            };
            continue;
        }
        if matches!(table, Table::Unknown) {
            // reported once, at its header
            continue;
        }
        let entry = cursor.key().and_then(|key| {
            cursor.skip_space();
            if !cursor.eat('=') {
                return Err(format!("expected `=` after `{}`", key.join(".")));
            }
            cursor.skip_space();
            let value = cursor.value()?;
            if !cursor.rest_is_blank() {
                return Err("unexpected text after the value (a comment starts with `#`)".to_owned());
            }
            Ok((key, value))
        });
        let (key, value) = match entry {
            Ok(entry) => entry,
            Err(e) => {
                at(e);
                continue;
            }
        };
        let mut full: Vec<String> = match table {
            Table::Root => Vec::new(),
            Table::Lints | Table::Unknown => vec!["lints".to_owned()],
        };
        full.extend(key);
        let mut entries = vec![(full, value)];
        // `lints = { a = "deny", ... }`
        if let [(key, Value::Table(inner))] = entries.as_slice()
            && key.len() == 1
        {
            let key = key.clone();
            entries = inner
                .iter()
                .map(|(k, v)| {
                    let mut full = key.clone();
                    full.extend(k.iter().cloned());
                    (full, v.clone())
                })
                .collect();
        }
        for (key, value) in entries {
            let dotted = key.join(".");
            if seen.contains(&dotted) {
                at(format!("`{dotted}` is given twice"));
                continue;
            }
            seen.push(dotted.clone());
            if let Err(e) = apply(&mut config, &key, value) {
                at(e);
            }
        }
    }
    config
}

#[derive(Clone, Copy)]
enum Table {
    Root,
    Lints,
    Unknown,
}

#[derive(Clone, Debug)]
enum Value {
    String(String),
    Bool(bool),
    Table(Vec<(Vec<String>, Value)>),
}

impl Value {
    fn kind(&self) -> &'static str {
        match self {
            Value::String(_) => "a string",
            Value::Bool(_) => "a boolean",
            Value::Table(_) => "a table",
        }
    }
}

const ROOT_KEYS: &str = "`min_version`, `always_warn` and `[lints]`";

fn apply(config: &mut Config, key: &[String], value: Value) -> Result<(), String> {
    let key: Vec<&str> = key.iter().map(String::as_str).collect();
    match key.as_slice() {
        ["min_version"] => match value {
            Value::String(version) => match version.parse::<Target>() {
                Ok(target) => {
                    config.target = Some(target);
                    Ok(())
                }
                Err(message) => Err(format!("`min_version`: {message}")),
            },
            other => Err(format!(
                "`min_version` is {}: write the oldest server as a string, such as `min_version = \"7.2\"`",
                other.kind()
            )),
        },
        ["always_warn"] => match value {
            Value::Bool(on) => {
                config.always_warn = on;
                Ok(())
            }
            other => Err(format!("`always_warn` is {}: write `true` or `false`", other.kind())),
        },
        ["lints", lint] => {
            let level = match value {
                Value::String(level) => match level.as_str() {
                    "allow" => Level::Allow,
                    "warn" => Level::Warn,
                    "deny" => Level::Deny,
                    other => {
                        return Err(format!(
                            "`lints.{lint}` is `\"{other}\"`: write `\"allow\"`, `\"warn\"` or `\"deny\"`"
                        ));
                    }
                },
                other => {
                    return Err(format!(
                        "`lints.{lint}` is {}: write `{lint} = \"allow\"`, `\"warn\"` or `\"deny\"`",
                        other.kind()
                    ));
                }
            };
            match lints::check_level(lint, level) {
                Ok(_) => {
                    config.levels.push(((*lint).to_owned(), level));
                    Ok(())
                }
                Err(LevelError::AlwaysDenied { reason }) => {
                    Err(format!("`lints.{lint}` cannot be allowed or downgraded: {reason}"))
                }
                Err(LevelError::Unknown { suggestion: Some(near) }) => {
                    Err(format!("unknown lint `{lint}` in `[lints]`: did you mean `{near}`?"))
                }
                Err(LevelError::Unknown { suggestion: None }) => Err(format!(
                    "unknown lint `{lint}` in `[lints]`: the lints are listed in docs/lints.md"
                )),
            }
        }
        ["lints", ..] => Err(format!("`{}`: a lint name has no dots", key.join("."))),
        [name] => {
            let near = lints::suggest(name, ["min_version", "always_warn", "lints"]);
            Err(match near {
                Some(near) => format!("unknown key `{name}`: did you mean `{near}`?"),
                None if lints::find(name).is_some() => {
                    format!("`{name}` is a lint: put it under `[lints]`, as `{name} = \"deny\"`")
                }
                None => format!("unknown key `{name}`: the keys are {ROOT_KEYS}"),
            })
        }
        _ => Err(format!("unknown key `{}`: the keys are {ROOT_KEYS}", key.join("."))),
    }
}

/// A position in one line.
struct Cursor<'a> {
    rest: &'a str,
}

impl<'a> Cursor<'a> {
    fn new(line: &'a str) -> Self {
        Cursor { rest: line }
    }

    fn skip_space(&mut self) {
        self.rest = self.rest.trim_start_matches([' ', '\t']);
    }

    fn at_end_of_line(&self) -> bool {
        self.rest.is_empty() || self.rest.starts_with('#')
    }

    fn rest_is_blank(&mut self) -> bool {
        self.skip_space();
        self.at_end_of_line()
    }

    fn eat(&mut self, c: char) -> bool {
        self.skip_space();
        match self.rest.strip_prefix(c) {
            Some(rest) => {
                self.rest = rest;
                true
            }
            None => false,
        }
    }

    /// `a.b."c"`: a dotted key of bare or quoted parts.
    fn key(&mut self) -> Result<Vec<String>, String> {
        let mut parts = Vec::new();
        loop {
            self.skip_space();
            let part = if self.rest.starts_with(['"', '\'']) {
                self.string()?
            } else {
                let end = self
                    .rest
                    .find(|c: char| !(c.is_ascii_alphanumeric() || c == '_' || c == '-'))
                    .unwrap_or(self.rest.len());
                if end == 0 {
                    return Err(match self.rest.chars().next() {
                        Some(c) => format!("expected a key, found `{c}`"),
                        None => "expected a key".to_owned(),
                    });
                }
                let (part, rest) = self.rest.split_at(end);
                self.rest = rest;
                part.to_owned()
            };
            parts.push(part);
            self.skip_space();
            if !self.eat('.') {
                return Ok(parts);
            }
        }
    }

    fn value(&mut self) -> Result<Value, String> {
        self.skip_space();
        if self.rest.starts_with(['"', '\'']) {
            return self.string().map(Value::String);
        }
        for (word, value) in [("true", true), ("false", false)] {
            if let Some(rest) = self.rest.strip_prefix(word)
                && !rest.starts_with(|c: char| c.is_ascii_alphanumeric() || c == '_')
            {
                self.rest = rest;
                return Ok(Value::Bool(value));
            }
        }
        if self.eat('{') {
            let mut entries = Vec::new();
            if self.eat('}') {
                return Ok(Value::Table(entries));
            }
            loop {
                let key = self.key()?;
                if !self.eat('=') {
                    return Err(format!("expected `=` after `{}`", key.join(".")));
                }
                let value = self.value()?;
                entries.push((key, value));
                if self.eat('}') {
                    return Ok(Value::Table(entries));
                }
                if !self.eat(',') {
                    return Err("expected `,` or `}` in the inline table".to_owned());
                }
            }
        }
        Err(
            "expected a value: a string (`\"deny\"`), `true` or `false` (other TOML values are not used here)"
                .to_owned(),
        )
    }

    /// A basic (`"..."`, with escapes) or literal (`'...'`) string on one line.
    fn string(&mut self) -> Result<String, String> {
        let quote = self.rest.chars().next().ok_or("expected a string")?;
        let mut out = String::new();
        let mut chars = self.rest[1..].char_indices();
        while let Some((i, c)) = chars.next() {
            match c {
                c if c == quote => {
                    self.rest = &self.rest[1 + i + 1..];
                    return Ok(out);
                }
                '\\' if quote == '"' => match chars.next().map(|(_, c)| c) {
                    Some('"') => out.push('"'),
                    Some('\\') => out.push('\\'),
                    Some('n') => out.push('\n'),
                    Some('t') => out.push('\t'),
                    other => {
                        return Err(format!(
                            "unsupported escape `\\{}` in a string",
                            other.map(String::from).unwrap_or_default()
                        ));
                    }
                },
                c => out.push(c),
            }
        }
        Err("unterminated string: close it on the same line".to_owned())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn read(text: &str) -> (Config, Vec<String>) {
        let mut problems = Vec::new();
        let config = parse(text, &mut problems);
        (config, problems)
    }

    #[test]
    fn levels_and_version_in_every_spelling() {
        let (config, problems) = read(
            "# the team's defaults\nmin_version = \"7.2\"  # oldest server\nalways_warn = true\n\n[lints]\nunused_key = \"deny\"\n'dynamic_command' = 'allow'\n",
        );
        assert!(problems.is_empty(), "{problems:?}");
        assert_eq!(config.target, Some("7.2".parse().unwrap()));
        assert!(config.always_warn);
        assert_eq!(
            config.levels,
            [
                ("unused_key".to_owned(), Level::Deny),
                ("dynamic_command".to_owned(), Level::Allow)
            ]
        );
        let (config, problems) = read("lints.unused_arg = \"warn\"\nlints = { blocking_command = \"deny\" }\n");
        assert!(problems.is_empty(), "{problems:?}");
        assert_eq!(config.levels.len(), 2);
        assert_eq!(read("").0.levels, []);
    }

    #[test]
    fn every_problem_names_its_line_and_key() {
        let (_, problems) = read(
            "min_versoin = \"7.2\"\nmin_version = \"6.2\"\n[lints]\nunused_kye = \"deny\"\nunused_key = \"error\"\nlua_syntax = \"allow\"\nunused_key = \"warn\"\n[other]\nx = 1\n",
        );
        let expected = [
            "line 1: unknown key `min_versoin`: did you mean `min_version`?",
            "line 2: `min_version`:",
            "line 4: unknown lint `unused_kye` in `[lints]`: did you mean `unused_key`?",
            "line 5: `lints.unused_key` is `\"error\"`: write `\"allow\"`, `\"warn\"` or `\"deny\"`",
            "line 6: `lints.lua_syntax` cannot be allowed",
            "line 7: `lints.unused_key` is given twice",
            "line 8: unknown table `[other]`: the only table is `[lints]`",
        ];
        assert_eq!(problems.len(), expected.len(), "{problems:#?}");
        for (problem, expected) in problems.iter().zip(expected) {
            assert!(problem.starts_with(expected), "{problem}\n  expected {expected}");
        }
    }

    #[test]
    fn a_lint_that_cannot_be_allowed_is_refused_with_its_own_reason() {
        let (_, problems) =
            read("[lints]\nlua_syntax = \"allow\"\nserver_error_code = \"allow\"\nunregistered_function = \"warn\"\n");
        assert_eq!(
            problems,
            [
                "line 2: `lints.lua_syntax` cannot be allowed or downgraded: Redis refuses a script that does not compile",
                "line 3: `lints.server_error_code` cannot be allowed or downgraded: clients take such an error for the server's own, and may run the script again",
                "line 4: `lints.unregistered_function` cannot be allowed or downgraded: every call of the declaration would answer `ERR Function not found`",
            ]
        );
        let (config, problems) = read("[lints]\nserver_error_code = \"deny\"\n");
        assert!(problems.is_empty(), "{problems:?}");
        assert_eq!(config.levels, [("server_error_code".to_owned(), Level::Deny)]);
    }

    #[test]
    fn malformed_lines_are_errors_not_panics() {
        for text in [
            "=",
            "a",
            "a =",
            "a = \"open",
            "a = 'x' y",
            "[lints",
            "[]",
            "lints = {",
            "lints = { a = }",
            "a = \"\\q\"",
            "\"",
            "a.b.c = 1",
            "unused_key = \"deny\"",
            "é = 1",
        ] {
            let (_, problems) = read(text);
            assert_eq!(problems.len(), 1, "{text:?}: {problems:?}");
            assert!(problems[0].starts_with("line 1: "), "{problems:?}");
        }
        assert!(read("unused_key = \"deny\"").1[0].contains("put it under `[lints]`"));
    }
}
