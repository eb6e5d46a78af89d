//! The scripts a run checks: files named on the command line, the `*.lua` files of
//! directories (honouring `.gitignore`, skipping hidden files), and standard input.

use std::collections::HashSet;
use std::io::Read;
use std::path::{Path, PathBuf};
use std::sync::Arc;

use crate::config::Settings;
use crate::paths;

/// A script to check.
#[derive(Debug)]
pub(crate) struct Input {
    /// Absolute, lexically normalised.
    pub(crate) path: PathBuf,
    /// As shown in the output.
    pub(crate) shown: String,
    pub(crate) text: Arc<str>,
}

/// What the paths on the command line yielded.
#[derive(Debug, Default)]
pub(crate) struct Collected {
    pub(crate) inputs: Vec<Input>,
    /// Paths that could not be read, as messages.
    pub(crate) errors: Vec<String>,
}

/// The name standard input is shown under without `--stdin-filename`.
const STDIN: &str = "<stdin>";

pub(crate) fn collect(paths: &[PathBuf], settings: &Settings, stdin_filename: Option<&Path>) -> Collected {
    let cwd = &settings.cwd;
    let mut out = Collected::default();
    let mut seen = HashSet::new();
    let mut add = |out: &mut Collected, path: PathBuf| {
        if !seen.insert(path.clone()) {
            return;
        }
        let shown = paths::display(&path, cwd);
        match read_text(&path) {
            Ok(text) => out.inputs.push(Input { path, shown, text }),
            Err(message) => out.errors.push(format!("cannot read `{shown}`: {message}")),
        }
    };
    for given in paths {
        if given.as_os_str() == "-" {
            let (path, shown) = match stdin_filename {
                Some(name) => (
                    paths::absolute(cwd, name),
                    paths::display(&paths::absolute(cwd, name), cwd),
                ),
                None => (cwd.join(STDIN), STDIN.to_owned()),
            };
            let mut bytes = Vec::new();
            // one byte past the limit is enough to refuse
            let limit = scripts_lint::MAX_SCRIPT_BYTES as u64 + 1;
            match std::io::stdin().lock().take(limit).read_to_end(&mut bytes) {
                Ok(_) if bytes.len() > scripts_lint::MAX_SCRIPT_BYTES => {
                    out.errors.push(format!(
                        "cannot read `{shown}`: the script is more than {} bytes (2 MiB), the most the checker reads: \
                         split it into smaller scripts or the functions of a library",
                        scripts_lint::MAX_SCRIPT_BYTES
                    ));
                }
                Ok(_) => match utf8(bytes) {
                    Ok(text) => out.inputs.push(Input { path, shown, text }),
                    Err(message) => out.errors.push(format!("cannot read `{shown}`: {message}")),
                },
                Err(e) => out
                    .errors
                    .push(format!("cannot read standard input: {}", paths::io_error(&e))),
            }
            continue;
        }
        let path = paths::absolute(cwd, given);
        let shown = paths::display(&path, cwd);
        match std::fs::metadata(&path) {
            Err(e) => out
                .errors
                .push(format!("cannot read `{shown}`: {}", paths::io_error(&e))),
            Ok(meta) if meta.is_dir() => {
                let before = out.inputs.len() + out.errors.len();
                for found in walk(&path, settings, &mut out.errors) {
                    add(&mut out, found);
                }
                if out.inputs.len() + out.errors.len() == before {
                    out.errors.push(format!(
                        "no `.lua` files in `{shown}`: pass `.lua` files or a directory that holds some \
                         (hidden files and those `.gitignore` lists are skipped)"
                    ));
                }
            }
            // a file named on the command line is checked whatever its extension
            Ok(_) => add(&mut out, path),
        }
    }
    out
}

/// The `*.lua` files below `dir`, sorted, without the configuration's exclusions.
fn walk(dir: &Path, settings: &Settings, errors: &mut Vec<String>) -> Vec<PathBuf> {
    let mut found = Vec::new();
    let walker = ignore::WalkBuilder::new(dir)
        // `.gitignore` applies inside a git work tree only, as git has it
        .require_git(true)
        .sort_by_file_name(|a, b| a.cmp(b))
        .build();
    for entry in walker {
        let entry = match entry {
            Ok(entry) => entry,
            Err(e) => {
                errors.push(format!(
                    "cannot walk `{}`: {}",
                    paths::display(dir, &settings.cwd),
                    walk_error(&e)
                ));
                continue;
            }
        };
        let is_dir = entry.file_type().is_some_and(|t| t.is_dir());
        if is_dir || entry.path().extension().is_none_or(|e| e != "lua") {
            continue;
        }
        let path = paths::absolute(&settings.cwd, entry.path());
        if settings.config.as_ref().is_some_and(|c| c.excludes(&path)) {
            continue;
        }
        found.push(path);
    }
    found
}

fn walk_error(error: &ignore::Error) -> String {
    match error.io_error() {
        Some(io) => match error {
            ignore::Error::WithPath { path, .. } => format!("`{}`: {}", path.display(), paths::io_error(io)),
            _ => paths::io_error(io),
        },
        None => error.to_string(),
    }
}

/// The text of the file at `path`, or why it cannot be had.
pub(crate) fn read_text(path: &Path) -> Result<Arc<str>, String> {
    // refused before it is read: a file of gigabytes costs nothing
    let len = std::fs::metadata(path).map_err(|e| paths::io_error(&e))?.len();
    if let Some(message) = scripts_lint::size_refusal(usize::try_from(len).unwrap_or(usize::MAX)) {
        return Err(message);
    }
    let bytes = std::fs::read(path).map_err(|e| paths::io_error(&e))?;
    utf8(bytes)
}

/// `bytes` as text; Redis takes any bytes, but the checker reads text, and a script in
/// another encoding is almost always a Latin-1 comment: say where.
fn utf8(bytes: Vec<u8>) -> Result<Arc<str>, String> {
    match String::from_utf8(bytes) {
        Ok(text) => Ok(Arc::from(text)),
        Err(e) => {
            let valid = &e.as_bytes()[..e.utf8_error().valid_up_to()];
            let valid = std::str::from_utf8(valid).unwrap_or_default();
            let line = valid.matches('\n').count() + 1;
            let column = valid.rsplit('\n').next().map_or(0, |l| l.chars().count()) + 1;
            Err(format!(
                "not UTF-8 text (an invalid byte at line {line}, column {column}): save the file as UTF-8"
            ))
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn invalid_utf8_says_where() {
        let message = utf8(b"-- caf\xe9\nreturn 1\n".to_vec()).unwrap_err();
        assert_eq!(
            message,
            "not UTF-8 text (an invalid byte at line 1, column 7): save the file as UTF-8"
        );
    }
}
