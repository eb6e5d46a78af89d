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

/// The lint a fixture is for: the name of its directory.
fn lint_of(path: &Path) -> String {
    path.parent()
        .and_then(Path::file_name)
        .expect("fixtures sit in a directory per lint")
        .to_string_lossy()
        .into_owned()
}

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
        let lint = lint_of(&path);
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

/// How many findings of each lint.
fn tally(diagnostics: &[Diagnostic]) -> std::collections::BTreeMap<&'static str, usize> {
    let mut out = std::collections::BTreeMap::new();
    for d in diagnostics {
        *out.entry(d.lint).or_insert(0) += 1;
    }
    out
}

/// Lints whose fixes correct a name the checker could not read (a command, a global, a
/// flag, a header directive): with the name right, it checks what the name governs, so
/// other findings may appear (a function now declared `no-writes` that writes).
const REVEALING: &[&str] = &[
    "invalid_header",
    "invalid_library",
    "invalid_shebang",
    "undefined_global",
    "unknown_command",
];

/// Every fix of every fixture, applied alone (as an editor's quick fix) and all
/// together until none is left (as `redis-lua-lint --fix`): the result parses, the
/// fixed finding is gone and no other appears (but see [`REVEALING`]). The text with
/// every fix applied is kept beside the fixture as `<case>.fixed`, to read.
#[test]
fn every_fix_removes_its_finding_and_nothing_else() {
    let bless = std::env::var_os("SCRIPTS_BLESS").is_some();
    let mut failures = Vec::new();
    let mut fixed_fixtures = 0;
    for path in fixtures() {
        let source = std::fs::read_to_string(&path).unwrap();
        let lint = lint_of(&path);
        let shown = format!("{lint}/{}", path.file_name().unwrap().to_string_lossy());
        let before = findings(&source, &lint);
        let counts = tally(&before);
        let snapshot = path.with_extension("fixed");
        for finding in before.iter().filter(|d| d.fix.is_some()) {
            let fix = finding.fix.as_ref().unwrap();
            let fixed = scripts_lint::apply_fixes(&source, [fix]);
            let after = findings(&fixed.text, &lint);
            let after_counts = tally(&after);
            let problem = if fixed.applied != 1 {
                Some("the fix does not apply to the text it was made for".to_owned())
            } else if after.iter().any(|d| d.lint == lints::LUA_SYNTAX) {
                Some("the fixed text does not parse".to_owned())
            } else if after_counts.get(finding.lint) >= counts.get(finding.lint) {
                Some("the finding is still there".to_owned())
            } else if REVEALING.contains(&finding.lint) {
                None
            } else {
                after_counts
                    .iter()
                    .find(|(l, n)| counts.get(*l).is_none_or(|before| *n > before))
                    .map(|(l, _)| format!("the fix brings a new `{l}` finding"))
            };
            if let Some(problem) = problem {
                failures.push(format!(
                    "{shown}: fix `{}` of `{}` ({}): {problem}\n--- fixed text\n{}",
                    fix.message, finding.lint, finding.message, fixed.text
                ));
            }
        }
        // all of them, round after round, as the command line applies them
        let mut text = source.clone();
        let mut rounds = 0;
        loop {
            let now = findings(&text, &lint);
            let fixes: Vec<&scripts_lint::Fix> = now.iter().filter_map(|d| d.fix.as_ref()).collect();
            if fixes.is_empty() {
                break;
            }
            rounds += 1;
            let fixed = scripts_lint::apply_fixes(&text, fixes);
            if fixed.applied == 0 || rounds > 5 {
                failures.push(format!("{shown}: the fixes do not reach a text without fixes"));
                break;
            }
            text = fixed.text;
        }
        if text == source {
            if snapshot.exists() {
                failures.push(format!("{shown}: no fix applies; delete {}", snapshot.display()));
            }
            continue;
        }
        fixed_fixtures += 1;
        let after = tally(&findings(&text, &lint));
        let revealing = before.iter().any(|d| d.fix.is_some() && REVEALING.contains(&d.lint));
        for (name, n) in &counts {
            let fixable = before.iter().filter(|d| d.lint == *name && d.fix.is_some()).count();
            let left = after.get(name).copied().unwrap_or(0);
            if left > n - fixable && !(revealing && fixable == 0) {
                failures.push(format!("{shown}: {left} `{name}` left after fixing {fixable} of {n}"));
            }
        }
        if bless {
            std::fs::write(&snapshot, &text).unwrap();
        } else if std::fs::read_to_string(&snapshot).ok().as_deref() != Some(text.as_str()) {
            failures.push(format!(
                "{shown}: the fixed text changed (bless with SCRIPTS_BLESS=1)\n--- fixed\n{text}"
            ));
        }
    }
    assert!(fixed_fixtures > 0, "no fixture has a fix");
    assert!(failures.is_empty(), "{}", failures.join("\n\n"));
}

/// A lint's documentation says whether it has a fix (`#### Fix`: Yes or No), which
/// docs/lints.md lists: a lint that says Yes fixes something in its bad fixtures, and
/// one that says No never offers a fix.
#[test]
fn fixes_are_where_the_documentation_says() {
    let mut fixed: std::collections::BTreeSet<&str> = Default::default();
    for path in fixtures() {
        let source = std::fs::read_to_string(&path).unwrap();
        let lint = lint_of(&path);
        for finding in findings(&source, &lint) {
            if finding.fix.is_some() {
                fixed.insert(finding.lint);
            }
        }
    }
    for lint in lints::ALL {
        assert_eq!(
            fixed.contains(lint.name),
            lint.fixable(),
            "`{}`: its `#### Fix` section and its fixtures disagree",
            lint.name
        );
    }
}
