//! The crate builds from its own files: `cargo package` copies only what is under
//! `redis-lua-lint/`, so a source that includes a file from elsewhere in the workspace
//! (as `docs/lints.md` once was) builds here and fails for whoever installs the crate.

use std::path::{Component, Path, PathBuf};

/// Every `.rs` file below `dir`.
fn sources(dir: &Path, out: &mut Vec<PathBuf>) {
    for entry in std::fs::read_dir(dir).unwrap() {
        let path = entry.unwrap().path();
        if path.is_dir() {
            sources(&path, out);
        } else if path.extension().is_some_and(|e| e == "rs") {
            out.push(path);
        }
    }
}

/// `path` with `.` and `..` resolved by name, as the compiler resolves an include.
fn normalise(path: &Path) -> PathBuf {
    let mut out = PathBuf::new();
    for component in path.components() {
        match component {
            Component::ParentDir => {
                out.pop();
            }
            Component::CurDir => {}
            other => out.push(other),
        }
    }
    out
}

#[test]
fn no_source_includes_a_file_outside_the_crate() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let mut files = Vec::new();
    for dir in ["src", "tests", "benches"] {
        sources(&root.join(dir), &mut files);
    }
    let mut outside = Vec::new();
    for file in &files {
        let text = std::fs::read_to_string(file).unwrap();
        for macro_name in ["include_str!(\"", "include_bytes!(\"", "include!(\"", "#[path = \""] {
            for (at, _) in text.match_indices(macro_name) {
                let rest = &text[at + macro_name.len()..];
                let included = &rest[..rest.find('"').unwrap_or(0)];
                let target = normalise(&file.parent().unwrap().join(included));
                if !target.starts_with(root) {
                    outside.push(format!("{}: {included}", file.strip_prefix(root).unwrap().display()));
                }
            }
        }
    }
    // the bench shares its script generator with the checker's own bench (never packaged)
    outside.retain(|entry| !entry.starts_with("benches/"));
    assert!(outside.is_empty(), "files outside the crate: {outside:?}");
}
