//! One run over the scripts: each checked on a pool of threads (one per core), the
//! files they include read once for all of them, a checker panic costing one file
//! rather than the run, and a finding in a file several scripts include reported once,
//! with its fix only when every script of the run that includes the file agrees on it.

use std::collections::{HashMap, HashSet};
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};

use crate::config::Settings;
use crate::files::{self, Input};
use crate::include;
use crate::lint::{self, Finding, Outcome, Reader};
use crate::output::Run;

/// Checks every script in parallel. With includes on, a file another file of the run
/// includes is checked as part of that file, not on its own (a BullMQ `includes/`
/// helper refers to locals of the scripts that include it). `known` holds texts to
/// use instead of what is on disk (an editor's unsaved files).
pub(crate) fn check_all(settings: &Settings, inputs: Vec<Input>, known: HashMap<PathBuf, Arc<str>>) -> Run {
    let included: HashSet<PathBuf> = if settings.includes {
        inputs
            .iter()
            .flat_map(|input| include::included_by(&input.path, &input.text))
            .collect()
    } else {
        HashSet::new()
    };
    let (roots, helpers): (Vec<Input>, Vec<Input>) = inputs.into_iter().partition(|i| !included.contains(&i.path));
    let helper_paths: HashSet<PathBuf> = helpers.iter().map(|h| h.path.clone()).collect();
    let cache = Includes::new(helpers, known);
    let outcomes = in_parallel(
        &roots,
        |input: &Input, read: &mut Reader<'_>| {
            lint::script(settings, &input.path, &input.shown, input.text.clone(), read)
        },
        &cache,
    );

    let mut run = Run {
        scripts: roots.len(),
        included: cache.read_count(),
        ..Run::default()
    };
    // which scripts include each file
    let mut includers: HashMap<PathBuf, HashSet<String>> = HashMap::new();
    for (root, outcome) in roots.iter().zip(&outcomes) {
        for path in outcome.iter().flat_map(|o| &o.included) {
            includers.entry(path.clone()).or_default().insert(root.shown.clone());
        }
        if outcome.is_err() {
            // a script that could not be checked cannot agree to a fix of what it includes
            for path in include::included_by(&root.path, &root.text) {
                includers.entry(path).or_default().insert(root.shown.clone());
            }
        }
    }
    for outcome in outcomes {
        let outcome = match outcome {
            Ok(outcome) => outcome,
            Err(message) => {
                run.input_errors.push(message);
                continue;
            }
        };
        if outcome.unknown.keys {
            run.unknown_counts.push(outcome.script.clone());
        } else if outcome.unknown.args {
            run.unknown_args.push(outcome.script.clone());
        }
        if outcome.unspliced_includes {
            run.unspliced.push(outcome.script.clone());
        }
        run.findings.extend(outcome.findings);
        if !outcome.prefixed.is_empty() {
            run.prefixed.push((outcome.script, outcome.prefixed));
        }
    }
    run.findings = once_each(std::mem::take(&mut run.findings), |finding, agreeing| {
        // a fix in an included file changes every script that includes it: each must
        // have found it, and the file must be one of the run's, not one from outside it
        // whose other includers the run does not see
        helper_paths.contains(&finding.source.path)
            && includers
                .get(&finding.source.path)
                .is_some_and(|all| all.iter().all(|script| agreeing.contains(script)))
    });
    run
}

/// The files scripts include, each read once for all of them (shared by the threads).
struct Includes {
    files: Mutex<HashMap<PathBuf, Result<Arc<str>, String>>>,
}

impl Includes {
    /// Starts with the files of the run that others include, already read, and the
    /// texts `known` beforehand.
    fn new(helpers: Vec<Input>, known: HashMap<PathBuf, Arc<str>>) -> Self {
        let mut files: HashMap<PathBuf, Result<Arc<str>, String>> =
            known.into_iter().map(|(path, text)| (path, Ok(text))).collect();
        files.extend(helpers.into_iter().map(|i| (i.path, Ok(i.text))));
        Includes {
            files: Mutex::new(files),
        }
    }

    fn read(&self, path: &Path) -> Result<Arc<str>, String> {
        if let Some(found) = self.files.lock().expect("no panic while locked").get(path) {
            return found.clone();
        }
        let read = files::read_text(path);
        self.files
            .lock()
            .expect("no panic while locked")
            .insert(path.to_path_buf(), read.clone());
        read
    }

    /// How many included files could be read.
    fn read_count(self) -> usize {
        self.files
            .into_inner()
            .map(|files| files.values().filter(|r| r.is_ok()).count())
            .unwrap_or(0)
    }
}

/// `check` on every root, on a thread per core taking the next root as it finishes
/// one, in the roots' order. A panic in the checker becomes that file's error message.
fn in_parallel(
    roots: &[Input],
    check: impl Fn(&Input, &mut Reader<'_>) -> Outcome + Sync,
    includes: &Includes,
) -> Vec<Result<Outcome, String>> {
    let next = AtomicUsize::new(0);
    let workers = std::thread::available_parallelism()
        .map_or(1, |n| n.get())
        .min(roots.len())
        .max(1);
    let work = || {
        let mut done = Vec::new();
        let mut read = |path: &Path| includes.read(path);
        loop {
            let i = next.fetch_add(1, Ordering::Relaxed);
            let Some(input) = roots.get(i) else {
                break;
            };
            // a bug in the checker costs one file, reported, not the run
            let outcome =
                std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| check(input, &mut read))).map_err(|panic| {
                    let what = panic
                        .downcast_ref::<&str>()
                        .map(|s| s.to_string())
                        .or_else(|| panic.downcast_ref::<String>().cloned())
                        .unwrap_or_default();
                    format!(
                        "internal error while checking `{}`: {what}: please report it, with the script",
                        input.shown
                    )
                });
            done.push((i, outcome));
        }
        done
    };
    let mut outcomes: Vec<(usize, Result<Outcome, String>)> = if workers == 1 {
        work()
    } else {
        std::thread::scope(|scope| {
            let handles: Vec<_> = (0..workers).map(|_| scope.spawn(work)).collect();
            handles
                .into_iter()
                .flat_map(|h| h.join().expect("a check never panics"))
                .collect()
        })
    };
    outcomes.sort_by_key(|(i, _)| *i);
    outcomes.into_iter().map(|(_, outcome)| outcome).collect()
}

/// `findings` sorted by file and place, a finding in a file several scripts include
/// kept once with a note naming them all; its fix kept when `fixable` says so, given
/// the scripts that found it with that same fix.
fn once_each(mut findings: Vec<Finding>, fixable: impl Fn(&Finding, &[String]) -> bool) -> Vec<Finding> {
    // by file and place; at one place (findings about the file as a whole), in the order
    // the checker reports them
    findings.sort_by(|a, b| {
        a.key()
            .0
            .cmp(b.key().0)
            .then(a.key().1.cmp(&b.key().1))
            .then(a.key().2.cmp(&b.key().2))
    });
    let mut kept: Vec<Finding> = Vec::with_capacity(findings.len());
    // one entry a finding: Fx hashing, sized once (SipHash and growth were most of a
    // run's cost outside the checker)
    let mut index: rustc_hash::FxHashMap<(String, usize, usize, &'static str, String), usize> =
        rustc_hash::FxHashMap::with_capacity_and_hasher(findings.len(), Default::default());
    let mut includers: Vec<Vec<String>> = Vec::new();
    let mut agreeing: Vec<Vec<String>> = Vec::new();
    for finding in findings {
        let (file, start, end, lint, message) = finding.key();
        let key = (file.to_owned(), start, end, lint, message.to_owned());
        match index.get(&key) {
            Some(&i) => {
                if kept[i].diagnostic.fix.is_some() && kept[i].diagnostic.fix == finding.diagnostic.fix {
                    agreeing[i].push(finding.script.clone());
                }
                if !includers[i].contains(&finding.script) {
                    includers[i].push(finding.script);
                }
            }
            None => {
                index.insert(key, kept.len());
                includers.push(vec![finding.script.clone()]);
                agreeing.push(vec![finding.script.clone()]);
                kept.push(finding);
            }
        }
    }
    for ((finding, scripts), agreeing) in kept.iter_mut().zip(includers).zip(agreeing) {
        if finding.source.is_config {
            // `--fix` edits scripts, never the configuration
            finding.diagnostic.fix = None;
            finding
                .diagnostic
                .notes
                .push(format!("declared here for {}", scripts.join(", ")));
        } else if finding.script != finding.source.shown {
            if finding.diagnostic.fix.is_some() && !fixable(finding, &agreeing) {
                finding.diagnostic.fix = None;
            }
            finding
                .diagnostic
                .notes
                .push(format!("included by {}", scripts.join(", ")));
        }
    }
    kept
}
