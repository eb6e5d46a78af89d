//! `--fix`: the fixes of a run applied to the texts of its files, round after round
//! (two fixes at one place wait for the next round, and a fix may make way for
//! another), each round checked again, until no fix is left that changes a file.
//!
//! A file's fixed text is kept only when it parses. A fix in a file that scripts
//! include comes with its finding only when every script of the run that includes the
//! file found it (`run`): so it is applied to that file, once, for all of them. Nothing
//! is written here: the caller writes the changed files, or prints them as a diff.

use std::collections::{BTreeMap, HashMap};
use std::path::PathBuf;
use std::sync::Arc;

use scripts_lint::{Fix, apply_fixes, parses};

use crate::config::Settings;
use crate::files::Input;
use crate::output::Run;
use crate::run;

/// At most this many rounds: each applies every fix that does not overlap another, so
/// more are needed only for fixes that make way for others.
const ROUNDS: usize = 8;

/// A file whose text the fixes changed.
#[derive(Debug)]
pub(crate) struct Change {
    pub(crate) path: PathBuf,
    pub(crate) shown: String,
    pub(crate) before: Arc<str>,
    pub(crate) after: Arc<str>,
}

/// What the fixes did.
#[derive(Debug)]
pub(crate) struct Fixing {
    /// The check of the fixed texts: what remains.
    pub(crate) run: Run,
    /// The files changed, in the run's order.
    pub(crate) changes: Vec<Change>,
    /// How many findings' fixes were applied.
    pub(crate) applied: usize,
    /// Files left as they were because their fixed text would not parse, as messages.
    pub(crate) refused: Vec<String>,
}

/// Applies the fixes of the run over `inputs`, round after round.
pub(crate) fn fix_all(settings: &Settings, inputs: Vec<Input>) -> Fixing {
    let mut texts: HashMap<PathBuf, Arc<str>> = inputs.iter().map(|i| (i.path.clone(), i.text.clone())).collect();
    let mut applied = 0;
    let mut refused: BTreeMap<PathBuf, String> = BTreeMap::new();
    let mut round = 0;
    let run = loop {
        let now: Vec<Input> = inputs
            .iter()
            .map(|input| Input {
                path: input.path.clone(),
                shown: input.shown.clone(),
                text: texts[&input.path].clone(),
            })
            .collect();
        let run = run::check_all(settings, now, HashMap::new());
        round += 1;
        if round > ROUNDS {
            break run;
        }
        // the fixes of each file of the run (not of files read from outside it)
        let mut fixes: BTreeMap<&PathBuf, Vec<&Fix>> = BTreeMap::new();
        for finding in &run.findings {
            if let Some(fix) = &finding.diagnostic.fix
                && texts.contains_key(&finding.source.path)
                && !refused.contains_key(&finding.source.path)
            {
                fixes.entry(&finding.source.path).or_default().push(fix);
            }
        }
        let mut changed = Vec::new();
        for (path, fixes) in fixes {
            let text = &texts[path];
            let findings = fixes.len();
            let fixed = apply_fixes(text, fixes);
            if fixed.applied == 0 || fixed.text == **text {
                continue;
            }
            if !parses(&fixed.text) {
                let shown = &inputs
                    .iter()
                    .find(|i| &i.path == path)
                    .expect("a file of the run")
                    .shown;
                let why = if parses(text) {
                    format!("`{shown}` was not fixed: its fixed text would not parse, so it was left as it was")
                } else {
                    format!(
                        "`{shown}` was not fixed: it does not parse on its own (it is a part of the scripts that include it)"
                    )
                };
                refused.insert(path.clone(), why);
                continue;
            }
            // findings fixed: two with the same fix count as two
            applied += findings - fixed.skipped;
            changed.push((path.clone(), Arc::<str>::from(fixed.text)));
        }
        if changed.is_empty() {
            break run;
        }
        texts.extend(changed);
    };
    let changes = inputs
        .into_iter()
        .filter(|input| *texts[&input.path] != *input.text)
        .map(|input| Change {
            after: texts[&input.path].clone(),
            path: input.path,
            shown: input.shown,
            before: input.text,
        })
        .collect();
    Fixing {
        run,
        changes,
        applied,
        refused: refused.into_values().collect(),
    }
}

/// The changes as a unified diff (`a/<file>`, `b/<file>`, three lines of context).
pub(crate) fn diff(changes: &[Change]) -> String {
    let mut out = String::new();
    for change in changes {
        let diff = similar::TextDiff::from_lines(&*change.before, &*change.after);
        let text = diff
            .unified_diff()
            .context_radius(3)
            .header(&format!("a/{}", change.shown), &format!("b/{}", change.shown))
            .to_string();
        out.push_str(&text);
    }
    out
}

/// Writes each changed file: to a new file beside it, renamed over it, so a failure
/// midway leaves the old text whole; with the old file's permissions.
pub(crate) fn write(changes: &[Change]) -> Vec<String> {
    let mut errors = Vec::new();
    for change in changes {
        if let Err(e) = write_one(&change.path, change.after.as_bytes()) {
            errors.push(format!(
                "cannot write `{}`: {}",
                change.shown,
                crate::paths::io_error(&e)
            ));
        }
    }
    errors
}

fn write_one(path: &std::path::Path, bytes: &[u8]) -> std::io::Result<()> {
    let permissions = std::fs::metadata(path)?.permissions();
    let name = path
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default();
    let temporary = path.with_file_name(format!(".{name}.redis-lua-lint-fix"));
    std::fs::write(&temporary, bytes)?;
    let result = std::fs::set_permissions(&temporary, permissions).and_then(|()| std::fs::rename(&temporary, path));
    if result.is_err() {
        let _ = std::fs::remove_file(&temporary);
    }
    result
}
