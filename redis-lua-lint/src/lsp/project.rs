//! What the server knows of the workspace beyond the open files: the Rust
//! declarations that name `.lua` files (read with `scripts-decl`, as the macro reads
//! them), which `.lua` files include which (BullMQ's `--- @include`), and the
//! settings each file is checked with (`redis-lua-lint.toml`, as the command line
//! finds it, and the editor's options).

use std::collections::HashMap;
use std::path::{Path, PathBuf};

use scripts_decl::scan::{self, Declaration};
use scripts_lint::Target;
use serde::Deserialize;

use crate::config::{self, Settings};
use crate::{files, include, paths};

/// The editor's options (`initializationOptions`), the command line's flags by another
/// name; a configuration file adds to them.
#[derive(Clone, Debug, Default, Deserialize)]
#[serde(rename_all = "camelCase", default)]
pub(crate) struct Options {
    /// `--includes`.
    pub(crate) includes: bool,
    /// `--keys-from-file-name`.
    pub(crate) keys_from_file_name: bool,
    /// `--min-version`.
    pub(crate) min_version: Option<String>,
    /// How long the text must rest before it is checked; default 150 ms.
    pub(crate) debounce_ms: Option<u64>,
}

/// The workspace, as the last scan saw it.
#[derive(Clone, Debug, Default)]
pub(crate) struct Project {
    pub(crate) roots: Vec<PathBuf>,
    pub(crate) options: Options,
    /// By Rust file: the declarations in it that name a `.lua` file.
    rust: HashMap<PathBuf, Vec<Declaration>>,
    /// By `.lua` file: the files it includes directly.
    includes: HashMap<PathBuf, Vec<PathBuf>>,
}

/// Directories never walked: build output and dependencies.
const SKIPPED: &[&str] = &["target", "node_modules", ".git"];

impl Project {
    pub(crate) fn new(roots: Vec<PathBuf>, options: Options) -> Self {
        Project {
            roots,
            options,
            ..Project::default()
        }
    }

    /// Reads every `.rs` and `.lua` file under the roots (honouring `.gitignore`).
    pub(crate) fn scan(&mut self) {
        for root in self.roots.clone() {
            let walker = ignore::WalkBuilder::new(&root)
                .require_git(true)
                .filter_entry(|entry| !SKIPPED.iter().any(|s| entry.file_name() == *s))
                .build();
            for entry in walker.flatten() {
                let path = entry.path();
                match path.extension().and_then(|e| e.to_str()) {
                    Some("rs") => self.rust_file(path, None),
                    Some("lua") => {
                        if let Ok(text) = files::read_text(path) {
                            self.lua_file(path, &text);
                        }
                    }
                    _ => {}
                }
            }
        }
    }

    /// Reads the declarations of the Rust file at `path` again (`text`: its text, else
    /// read from disk).
    pub(crate) fn rust_file(&mut self, path: &Path, text: Option<&str>) {
        let read;
        let text = match text {
            Some(text) => text,
            None => match std::fs::read_to_string(path) {
                Ok(t) => {
                    read = t;
                    &read
                }
                Err(_) => {
                    self.rust.remove(path);
                    return;
                }
            },
        };
        let Some(root) = crate_root(path) else { return };
        let env = scan::scripts_toml_env(&root);
        let found = scan::declarations(text, &root, env.as_deref());
        if found.is_empty() {
            self.rust.remove(path);
        } else {
            self.rust.insert(path.to_path_buf(), found);
        }
    }

    /// Records what the `.lua` file at `path` includes, given its text.
    pub(crate) fn lua_file(&mut self, path: &Path, text: &str) {
        let included = include::included_by(path, text);
        if included.is_empty() {
            self.includes.remove(path);
        } else {
            self.includes.insert(path.to_path_buf(), included);
        }
    }

    /// The declarations naming the `.lua` file at `path`, with the Rust file of each.
    pub(crate) fn declarations(&self, path: &Path) -> Vec<(&Path, &Declaration)> {
        let mut found: Vec<(&Path, &Declaration)> = self
            .rust
            .iter()
            .flat_map(|(rust, all)| all.iter().map(move |d| (rust.as_path(), d)))
            .filter(|(_, d)| paths::absolute(Path::new("/"), &d.file) == path)
            .collect();
        found.sort_by(|a, b| (a.0, a.1.at).cmp(&(b.0, b.1.at)));
        found
    }

    /// The files a check of `path` takes part in: `path`, the files that include it,
    /// and those that include them, up to the scripts nothing includes (the command
    /// line checks a helper as part of those, not on its own).
    pub(crate) fn sharing_a_check(&self, path: &Path) -> Vec<PathBuf> {
        let mut includers: HashMap<&Path, Vec<&Path>> = HashMap::new();
        for (file, included) in &self.includes {
            for target in included {
                includers.entry(target.as_path()).or_default().push(file.as_path());
            }
        }
        let mut seen = vec![path];
        let mut queue = vec![path];
        while let Some(file) = queue.pop() {
            for parent in includers.get(file).into_iter().flatten() {
                if !seen.contains(parent) {
                    seen.push(parent);
                    queue.push(parent);
                }
            }
        }
        seen.into_iter().map(Path::to_path_buf).collect()
    }

    /// Every file spliced into a script with `path`: the scripts that include it (and
    /// itself), and everything they include, transitively, `path` left out.
    pub(crate) fn spliced_with(&self, path: &Path) -> Vec<PathBuf> {
        let mut seen: Vec<PathBuf> = self.sharing_a_check(path);
        let mut queue = seen.clone();
        while let Some(file) = queue.pop() {
            for included in self.included_by(&file) {
                if !seen.contains(included) {
                    seen.push(included.clone());
                    queue.push(included.clone());
                }
            }
        }
        seen.retain(|file| file != path);
        seen
    }

    /// The files `path` includes (directly).
    pub(crate) fn included_by(&self, path: &Path) -> &[PathBuf] {
        self.includes.get(path).map_or(&[], Vec::as_slice)
    }

    /// The settings a check of the file at `path` uses: the editor's options, then the
    /// first `redis-lua-lint.toml` in its folder or a parent (an invalid one is
    /// reported as `Err` and left out).
    pub(crate) fn settings(&self, path: &Path) -> (Settings, Option<String>) {
        let dir = path.parent().unwrap_or(Path::new("/")).to_path_buf();
        let (config, problem) = match config::discover(None, &dir) {
            Ok(found) => (found.map(|(_, config)| config), None),
            Err(message) => (None, Some(message)),
        };
        let target = self
            .options
            .min_version
            .as_deref()
            .and_then(|v| v.parse::<Target>().ok())
            .or(config.as_ref().and_then(|c| c.min_version));
        let cwd = self
            .roots
            .iter()
            .find(|root| path.starts_with(root))
            .cloned()
            .or_else(|| config.as_ref().map(|c| c.dir.clone()))
            .unwrap_or(dir);
        let settings = Settings {
            includes: self.options.includes || config.as_ref().is_some_and(|c| c.includes),
            keys_from_file_name: self.options.keys_from_file_name
                || config.as_ref().is_some_and(|c| c.keys_from_file_name),
            target,
            levels: Vec::new(),
            deny_warnings: false,
            config,
            cwd,
        };
        (settings, problem)
    }
}

/// The folder of the crate `path` belongs to: the nearest one above it whose
/// `Cargo.toml` declares a package.
fn crate_root(path: &Path) -> Option<PathBuf> {
    path.ancestors().skip(1).find_map(|dir| {
        let manifest = std::fs::read_to_string(dir.join("Cargo.toml")).ok()?;
        manifest.contains("[package]").then(|| dir.to_path_buf())
    })
}
