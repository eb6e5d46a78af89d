//! Lint fixtures: `tests/lints/<lint>/<case>.lua` with the rendered findings in
//! `<case>.stderr` next to it. `bad_*` cases must trigger their lint, `good_*` cases
//! must produce no finding at all (they are the idioms that must stay clean).
//!
//! A fixture may start with a header ([`scripts_lint::header`]) describing the Rust side:
//! `--! keys: from, to, rest..` (`..` marks a slice), `--! args: amount:i64, label`,
//! `--! returns: Option<i64>`, `--! read_only`, `--! deny: nondeterministic_command`.
//! Without `keys`/`args` the function passes no keys and no arguments.
//!
//! A fixture whose first line is `#!lua name=...` is a function library, checked with
//! [`scripts_lint::check_library`]; its declarations are lines
//! `--! function <name>: <directives>` (the same directives), and without any the
//! library is checked as undeclared (every function with a permissive signature). A line
//! `--! min_version: valkey-8.0` names the server the library targets.
//!
//! Regenerate the `.stderr` files with `SCRIPTS_BLESS=1 cargo test -p scripts-lint --test lints`.

use std::path::{Path, PathBuf};

use scripts_lint::{
    Diagnostic, Level, LibrarySignature, Signature, SourceMap, check, check_library, header, lints, render,
};

fn fixtures() -> Vec<PathBuf> {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/lints");
    let mut out = Vec::new();
    for dir in std::fs::read_dir(&root).expect("tests/lints exists") {
        let dir = dir.unwrap().path();
        for file in std::fs::read_dir(&dir).unwrap() {
            let file = file.unwrap().path();
            if file.extension().is_some_and(|e| e == "lua") {
                out.push(file);
            }
        }
    }
    out.sort();
    out
}

fn signature(source: &str) -> Signature {
    let header = header::parse(source);
    if let Some(error) = header.errors.first() {
        panic!("bad fixture header: {} ({:?})", error.message, error.help);
    }
    header.signature
}

/// The findings of a fixture: a script, or a function library. In the fixtures of
/// `invalid_header` the header's own mistakes are findings too.
fn findings(source: &str, lint: &str) -> Vec<Diagnostic> {
    if lint == header::LINT {
        let header = header::parse(source);
        let mut out: Vec<Diagnostic> = header.errors.iter().map(|e| e.to_diagnostic()).collect();
        // as redis-lua-lint does: a header with mistakes may have read its counts wrong
        let signature = if header.errors.is_empty() {
            header.signature
        } else {
            header.signature.permissive()
        };
        out.extend(check(source, &signature).diagnostics);
        return out;
    }
    if !source.starts_with("#!lua name=") {
        return check(source, &signature(source)).diagnostics;
    }
    let mut declared = LibrarySignature::default();
    for line in source.lines() {
        // the server the whole library targets
        if let Some(version) = line.strip_prefix("--! min_version:") {
            let header = header::parse_directives(&format!("min_version: {version}"));
            if let Some(error) = header.errors.first() {
                panic!("bad fixture min_version: {} ({:?})", error.message, error.help);
            }
            declared.target = header.signature.target;
            continue;
        }
        let Some(declaration) = line.strip_prefix("--! function ") else {
            continue;
        };
        let (name, directives) = declaration
            .split_once(':')
            .expect("`--! function <name>: <directives>`");
        let header = header::parse_directives(directives);
        if let Some(error) = header.errors.first() {
            panic!("bad fixture declaration: {} ({:?})", error.message, error.help);
        }
        declared.functions.push((name.trim().to_owned(), header.signature));
        declared.declared = true;
    }
    let report = check_library(source, &declared);
    report.all().cloned().collect()
}

#[test]
fn every_fixture_matches_its_snapshot() {
    let bless = std::env::var_os("SCRIPTS_BLESS").is_some();
    let mut failures = Vec::new();
    for path in fixtures() {
        let source = std::fs::read_to_string(&path).unwrap();
        let lint = path
            .parent()
            .unwrap()
            .file_name()
            .unwrap()
            .to_string_lossy()
            .into_owned();
        let case = path.file_stem().unwrap().to_string_lossy().into_owned();
        let shown = format!("{lint}/{case}.lua");
        let diagnostics = findings(&source, &lint);
        let map = SourceMap::file(&shown, &source);
        let rendered: String = diagnostics
            .iter()
            .map(|d| format!("{}: {}\n", level_word(d.level), render(d, &source, &map)))
            .collect();

        if case.starts_with("bad") && !diagnostics.iter().any(|d| d.lint == lint) {
            failures.push(format!("{shown}: expected a `{lint}` finding, got:\n{rendered}"));
        }
        if case.starts_with("good") && !diagnostics.is_empty() {
            failures.push(format!(
                "{shown}: an idiom that must stay clean has findings:\n{rendered}"
            ));
        }
        let expected_path = path.with_extension("stderr");
        if bless {
            std::fs::write(&expected_path, &rendered).unwrap();
            continue;
        }
        match std::fs::read_to_string(&expected_path) {
            Ok(expected) if expected == rendered => {}
            Ok(expected) => failures.push(format!(
                "{shown}: output changed (bless with SCRIPTS_BLESS=1)\n--- expected\n{expected}\n--- actual\n{rendered}"
            )),
            Err(_) => failures.push(format!("{shown}: no snapshot; run with SCRIPTS_BLESS=1 to write it")),
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n\n"));
}

#[test]
fn every_lint_has_bad_and_good_fixtures() {
    let paths = fixtures();
    for lint in lints::ALL {
        let cases: Vec<String> = paths
            .iter()
            .filter(|p| p.parent().unwrap().ends_with(lint.name))
            .map(|p| p.file_stem().unwrap().to_string_lossy().into_owned())
            .collect();
        assert!(
            cases.iter().any(|c| c.starts_with("bad")),
            "`{}` has no bad_*.lua fixture",
            lint.name
        );
        assert!(
            cases.iter().any(|c| c.starts_with("good")),
            "`{}` has no good_*.lua fixture",
            lint.name
        );
    }
}

fn level_word(level: Level) -> &'static str {
    match level {
        Level::Deny => "error",
        Level::Warn => "warning",
        Level::Allow => "allowed",
    }
}
