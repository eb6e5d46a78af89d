//! The configuration file, `redis-lua-lint.toml`: project-wide settings, lint levels,
//! and signatures for scripts matched by globs.
//!
//! ```toml
//! min_version = "7.2"          # the oldest server every script must run on
//! includes = true              # splice `--- @include "<name>"` lines
//! keys_from_file_name = true   # `name-N.lua` takes N keys
//! exclude = ["vendor/**"]      # never checked (globs relative to this file)
//!
//! [lints]
//! dynamic_command = "allow"
//!
//! [[scripts]]
//! files = ["locks/*.lua"]
//! signature = "keys: lock  args: token, ttl:integer  returns: integer"
//! lints = { float_return = "deny" }
//! ```

use std::collections::BTreeMap;
use std::ops::Range;
use std::path::{Path, PathBuf};
use std::sync::Arc;

use globset::{GlobSet, GlobSetBuilder};
use scripts_lint::header::{self, Header};
use scripts_lint::lints::LevelError;
use scripts_lint::{Level, LineIndex, Target};
use serde::Deserialize;
use toml::Spanned;

use crate::paths;
use crate::rules;

/// The file name looked for.
pub(crate) const FILE_NAME: &str = "redis-lua-lint.toml";

/// What applies to every file of a run.
#[derive(Debug, Default)]
pub(crate) struct Settings {
    pub(crate) cwd: PathBuf,
    pub(crate) config: Option<Config>,
    pub(crate) includes: bool,
    pub(crate) keys_from_file_name: bool,
    /// `--min-version`, else the configuration's.
    pub(crate) target: Option<Target>,
    /// `--allow`/`--warn`/`--deny`, in that order.
    pub(crate) levels: Vec<(String, Level)>,
    /// `--deny warnings`.
    pub(crate) deny_warnings: bool,
}

/// A configuration, checked.
#[derive(Debug, Default)]
pub(crate) struct Config {
    /// The directory its globs are relative to (absolute).
    pub(crate) dir: PathBuf,
    /// The file (absolute) and its text, where findings about what it declares point.
    pub(crate) path: PathBuf,
    pub(crate) text: Arc<str>,
    pub(crate) min_version: Option<Target>,
    pub(crate) includes: bool,
    pub(crate) keys_from_file_name: bool,
    pub(crate) exclude: Option<GlobSet>,
    pub(crate) levels: Vec<(String, Level)>,
    pub(crate) scripts: Vec<Scripts>,
}

/// One `[[scripts]]` entry.
#[derive(Debug)]
pub(crate) struct Scripts {
    pub(crate) files: GlobSet,
    /// Its `signature`, parsed with the header parser.
    pub(crate) signature: Option<Header>,
    /// Where the `signature` string's text starts in the file, when it is written
    /// without escapes (so the header parser's ranges map onto the file).
    pub(crate) signature_at: Option<usize>,
    pub(crate) levels: Vec<(String, Level)>,
}

impl Config {
    /// The entries whose globs match `path` (absolute), in the order written.
    pub(crate) fn scripts_for<'a>(&'a self, path: &Path) -> impl Iterator<Item = &'a Scripts> + 'a {
        let relative = path.strip_prefix(&self.dir).ok().map(Path::to_path_buf);
        self.scripts
            .iter()
            .filter(move |entry| relative.as_ref().is_some_and(|r| entry.files.is_match(r)))
    }

    /// True when `path` (absolute) is excluded.
    pub(crate) fn excludes(&self, path: &Path) -> bool {
        match (&self.exclude, path.strip_prefix(&self.dir)) {
            (Some(globs), Ok(relative)) => globs.is_match(relative),
            _ => false,
        }
    }
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct Raw {
    min_version: Option<Spanned<String>>,
    #[serde(default)]
    includes: bool,
    #[serde(default)]
    keys_from_file_name: bool,
    #[serde(default)]
    exclude: Vec<Spanned<String>>,
    #[serde(default)]
    lints: BTreeMap<Spanned<String>, Spanned<String>>,
    #[serde(default)]
    scripts: Vec<RawScripts>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawScripts {
    files: Spanned<Vec<Spanned<String>>>,
    signature: Option<Spanned<String>>,
    #[serde(default)]
    lints: BTreeMap<Spanned<String>, Spanned<String>>,
}

/// Finds the configuration: `explicit`, else the first [`FILE_NAME`] in `cwd` or a
/// parent. `Ok(None)` when there is none.
pub(crate) fn discover(explicit: Option<&Path>, cwd: &Path) -> Result<Option<(PathBuf, Config)>, String> {
    let path = match explicit {
        Some(path) => paths::absolute(cwd, path),
        None => match cwd.ancestors().map(|dir| dir.join(FILE_NAME)).find(|p| p.is_file()) {
            Some(found) => found,
            None => return Ok(None),
        },
    };
    let shown = paths::display(&path, cwd);
    let text = std::fs::read(&path)
        .map_err(|e| format!("cannot read the configuration `{shown}`: {}", paths::io_error(&e)))?;
    let text = String::from_utf8(text).map_err(|_| format!("the configuration `{shown}` is not UTF-8 text"))?;
    let dir = path.parent().map(Path::to_path_buf).unwrap_or_default();
    parse(&text, dir)
        .map(|mut config| {
            config.path.clone_from(&path);
            config.text = text.as_str().into();
            Some((path, config))
        })
        .map_err(|(range, message)| {
            let at = match range {
                Some(range) => {
                    let position = LineIndex::new(&text).position(&text, range.start);
                    format!("{shown}:{}:{}", position.line, position.column)
                }
                None => shown.clone(),
            };
            format!("invalid configuration {at}: {message}")
        })
}

type ConfigError = (Option<Range<usize>>, String);

/// Parses and checks a configuration whose globs are relative to `dir`.
fn parse(text: &str, dir: PathBuf) -> Result<Config, ConfigError> {
    let raw: Raw = toml::from_str(text).map_err(|e| {
        // toml's own message quotes the line and underlines the place: keep its text, but
        // report the position in the `file:line:column` form of every other message
        (e.span(), e.message().trim_end_matches('\n').to_owned())
    })?;
    let min_version = match raw.min_version {
        Some(version) => Some(
            version
                .get_ref()
                .parse::<Target>()
                .map_err(|message| (Some(version.span()), message))?,
        ),
        None => None,
    };
    let exclude = if raw.exclude.is_empty() {
        None
    } else {
        Some(globs(&raw.exclude)?)
    };
    let mut scripts = Vec::new();
    for entry in raw.scripts {
        if entry.files.get_ref().is_empty() {
            return Err((
                Some(entry.files.span()),
                "`files` lists no glob: write e.g. `files = [\"lua/*.lua\"]`".into(),
            ));
        }
        let (signature, signature_at) = match entry.signature {
            Some(signature_text) => (
                Some(signature(&signature_text, text)?),
                text_start(&signature_text, text),
            ),
            None => (None, None),
        };
        scripts.push(Scripts {
            files: globs(entry.files.get_ref())?,
            signature,
            signature_at,
            levels: levels(&entry.lints)?,
        });
    }
    Ok(Config {
        dir,
        path: PathBuf::new(),
        text: Arc::from(""),
        min_version,
        includes: raw.includes,
        keys_from_file_name: raw.keys_from_file_name,
        exclude,
        levels: levels(&raw.lints)?,
        scripts,
    })
}

/// A `signature = "..."` read with the header parser; its mistakes are reported at
/// their place inside the string when the string is written without escapes.
fn signature(value: &Spanned<String>, text: &str) -> Result<Header, ConfigError> {
    let parsed = header::parse_directives(value.get_ref());
    let Some(error) = parsed.errors.first() else {
        return Ok(parsed);
    };
    let at = text_start(value, text).map_or(value.span().start, |start| start + error.range.start);
    let help = error.help.as_ref().map(|h| format!(" ({h})")).unwrap_or_default();
    Err((Some(at..at), format!("in `signature`: {}{help}", error.message)))
}

/// Where a string value's text starts in `text`, when it is written without escapes
/// (a basic or literal string: the value starts after the quote or quotes).
fn text_start(value: &Spanned<String>, text: &str) -> Option<usize> {
    let span = value.span();
    let literal = text.get(span.clone())?;
    let quotes = literal.len().saturating_sub(value.get_ref().len()) / 2;
    (literal.get(quotes..literal.len() - quotes) == Some(value.get_ref().as_str())).then_some(span.start + quotes)
}

fn globs(patterns: &[Spanned<String>]) -> Result<GlobSet, ConfigError> {
    let mut set = GlobSetBuilder::new();
    for pattern in patterns {
        // `literal_separator`: `*` stays within one directory, as in `.gitignore`
        let glob = globset::GlobBuilder::new(pattern.get_ref())
            .literal_separator(true)
            .build()
            .map_err(|e| {
                (
                    Some(pattern.span()),
                    format!("invalid glob `{}`: {}", pattern.get_ref(), e.kind()),
                )
            })?;
        set.add(glob);
    }
    set.build().map_err(|e| (None, e.to_string()))
}

/// A `[lints]` table: each name a lint, each value `allow`, `warn` or `deny`.
fn levels(table: &BTreeMap<Spanned<String>, Spanned<String>>) -> Result<Vec<(String, Level)>, ConfigError> {
    let mut out = Vec::new();
    // in the order written, so that a later line wins as everywhere else
    let mut entries: Vec<_> = table.iter().collect();
    entries.sort_by_key(|(name, _)| name.span().start);
    for (name, level) in entries {
        let level_value = match level.get_ref().as_str() {
            "allow" => Level::Allow,
            "warn" => Level::Warn,
            "deny" => Level::Deny,
            other => {
                return Err((
                    Some(level.span()),
                    format!("unknown level `{other}`: write `\"allow\"`, `\"warn\"` or `\"deny\"`"),
                ));
            }
        };
        match rules::check_level(name.get_ref(), level_value) {
            Ok(_) => out.push((name.get_ref().clone(), level_value)),
            Err(LevelError::Unknown { suggestion }) => {
                return Err((
                    Some(name.span()),
                    format!(
                        "unknown lint `{}`: {}",
                        name.get_ref(),
                        rules::unknown_lint_help(suggestion)
                    ),
                ));
            }
            Err(LevelError::AlwaysDenied { reason }) => {
                return Err((
                    Some(name.span()),
                    format!("`{}` cannot be allowed or downgraded: {reason}", name.get_ref()),
                ));
            }
        }
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn error(text: &str) -> String {
        match parse(text, PathBuf::from("/p")) {
            Ok(_) => panic!("accepted: {text}"),
            Err((range, message)) => {
                let at = range.map(|r| LineIndex::new(text).position(text, r.start));
                format!("{}:{} {message}", at.map_or(0, |p| p.line), at.map_or(0, |p| p.column))
            }
        }
    }

    #[test]
    fn a_full_configuration_reads() {
        let config = parse(
            "min_version = \"7.4\"\nincludes = true\nkeys_from_file_name = true\nexclude = [\"vendor/**\"]\n\
             [lints]\ndynamic_command = \"allow\"\n\
             [[scripts]]\nfiles = [\"locks/*.lua\"]\nsignature = \"keys: lock  args: token\"\nlints = { float_return = \"deny\" }\n",
            PathBuf::from("/p"),
        )
        .unwrap();
        assert_eq!(config.min_version, Some(Target::Redis7_4));
        assert!(config.includes && config.keys_from_file_name);
        assert!(config.excludes(Path::new("/p/vendor/a/b.lua")));
        assert!(!config.excludes(Path::new("/p/locks/a.lua")));
        assert_eq!(config.levels, [("dynamic_command".to_owned(), Level::Allow)]);
        assert_eq!(config.scripts_for(Path::new("/p/locks/a.lua")).count(), 1);
        assert_eq!(config.scripts_for(Path::new("/p/locks/deep/a.lua")).count(), 0);
        assert_eq!(config.scripts_for(Path::new("/elsewhere/locks/a.lua")).count(), 0);
    }

    #[test]
    fn mistakes_are_positioned() {
        assert_eq!(
            error("[lints]\ndynamic_comand = \"allow\"\n"),
            "2:1 unknown lint `dynamic_comand`: did you mean `dynamic_command`?"
        );
        assert_eq!(
            error("[lints]\nlua_syntax = \"allow\"\n"),
            "2:1 `lua_syntax` cannot be allowed or downgraded: Redis refuses a script that does not compile"
        );
        assert_eq!(
            error("[lints]\nserver_error_code = \"warn\"\n"),
            "2:1 `server_error_code` cannot be allowed or downgraded: clients take such an error for the server's own, and may run the script again"
        );
        assert_eq!(
            error("[lints]\ninvalid_suppression = \"allow\"\n"),
            "2:1 `invalid_suppression` cannot be allowed or downgraded: a suppression naming no lint would then suppress nothing, silently"
        );
        assert!(error("[lints]\nunused_key = \"off\"\n").starts_with("2:14 unknown level `off`"));
        assert!(error("min_version = \"6.2\"\n").starts_with("1:15 unknown server version `6.2`"));
        assert!(
            error("includes = yes\n").starts_with("1:12 "),
            "{}",
            error("includes = yes\n")
        );
        assert!(
            error("include = true\n").contains("unknown field `include`"),
            "{}",
            error("include = true\n")
        );
        assert_eq!(
            error("[[scripts]]\nfiles = [\"*.lua\"]\nsignature = \"keys: a b\"\n"),
            "3:20 in `signature`: `a b` is not a parameter (separate parameters with `,`)"
        );
        assert!(error("[[scripts]]\nfiles = [\"a/[\"]\n").starts_with("2:10 invalid glob `a/[`"));
        assert!(error("[[scripts]]\nfiles = []\n").starts_with("2:9 `files` lists no glob"));
    }
}
