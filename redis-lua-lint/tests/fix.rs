//! `--fix` on trees the snapshot cases cannot hold: every bad fixture of the checker
//! (`scripts-lint/tests/lints/*/bad_*.lua`) fixed at once, and the command's own
//! fixture project (`tests/fixtures/project`, with its configuration and includes), each
//! fixed file parsing and a second run changing nothing; the rule for fixes in files
//! that scripts include, `--diff` writing nothing, and a file whose fixed text would
//! not parse.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::process::Output;

use serde_json::Value;
use snapbox::cmd::{Command, cargo_bin};

fn scratch(name: &str) -> PathBuf {
    let dir = PathBuf::from(env!("CARGO_TARGET_TMPDIR")).join(name);
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).expect("a scratch directory");
    dir
}

fn lint(dir: &Path, args: &[&str]) -> Output {
    lint_configured(dir, &[&["--no-config"][..], args].concat())
}

/// The command with the configuration it finds (`redis-lua-lint.toml`).
fn lint_configured(dir: &Path, args: &[&str]) -> Output {
    Command::new(cargo_bin!("redis-lua-lint"))
        .current_dir(dir)
        .env("NO_COLOR", "1")
        .args(args)
        .output()
        .expect("the command runs")
}

/// A copy of the directory `from` at `to`.
fn copy_tree(from: &Path, to: &Path) {
    std::fs::create_dir_all(to).unwrap();
    for entry in std::fs::read_dir(from).unwrap() {
        let path = entry.unwrap().path();
        let target = to.join(path.file_name().unwrap());
        if path.is_dir() {
            copy_tree(&path, &target);
        } else {
            std::fs::copy(&path, &target).unwrap();
        }
    }
}

/// The findings of `--format json`.
fn findings(output: &Output) -> Vec<Value> {
    serde_json::from_slice(&output.stdout).unwrap_or_else(|e| {
        panic!(
            "json on standard output ({e}):\n{}\n{}",
            String::from_utf8_lossy(&output.stdout),
            String::from_utf8_lossy(&output.stderr)
        )
    })
}

/// Every `.lua` file below `dir`, by path, with its text.
fn texts(dir: &Path) -> BTreeMap<PathBuf, String> {
    let mut out = BTreeMap::new();
    let mut stack = vec![dir.to_path_buf()];
    while let Some(dir) = stack.pop() {
        for entry in std::fs::read_dir(&dir).unwrap() {
            let path = entry.unwrap().path();
            if path.is_dir() {
                stack.push(path);
            } else if path.extension().is_some_and(|e| e == "lua") {
                out.insert(path.clone(), std::fs::read_to_string(&path).unwrap());
            }
        }
    }
    out
}

#[test]
fn every_bad_fixture_of_the_checker_is_fixed_parses_and_stays_fixed() {
    let dir = scratch("fix-bad-fixtures");
    let fixtures = Path::new(env!("CARGO_MANIFEST_DIR")).join("../scripts-lint/tests/lints");
    for lint_dir in std::fs::read_dir(&fixtures).unwrap() {
        let lint_dir = lint_dir.unwrap().path();
        let lint = lint_dir.file_name().unwrap().to_string_lossy().into_owned();
        for file in std::fs::read_dir(&lint_dir).unwrap() {
            let file = file.unwrap().path();
            let name = file.file_name().unwrap().to_string_lossy().into_owned();
            if name.starts_with("bad_") && name.ends_with(".lua") {
                std::fs::copy(&file, dir.join(format!("{lint}__{name}"))).unwrap();
            }
        }
    }
    let before = texts(&dir);
    let fixable = findings(&lint(&dir, &["--format", "json"]))
        .iter()
        .filter(|f| !f["fix"].is_null())
        .count();
    assert!(fixable > 20, "the bad fixtures have {fixable} findings with a fix");

    let first = lint(&dir, &["--fix", "--format", "json"]);
    let stderr = String::from_utf8_lossy(&first.stderr);
    assert!(!stderr.contains("was not fixed"), "{stderr}");
    let left = findings(&first);
    let still: Vec<&Value> = left.iter().filter(|f| !f["fix"].is_null()).collect();
    assert!(still.is_empty(), "findings with a fix left after `--fix`: {still:#?}");
    let after = texts(&dir);
    let changed = after.iter().filter(|(path, text)| before[*path] != **text).count();
    assert!(changed > 10, "{changed} files changed");
    for (path, text) in &after {
        // a fixture that did not parse (the `lua_syntax` ones) was left as it was
        if scripts_lint::parses(&before[path]) {
            assert!(
                scripts_lint::parses(text),
                "{} does not parse after `--fix`:\n{text}",
                path.display()
            );
        } else {
            assert_eq!(&before[path], text, "{} did not parse, and was changed", path.display());
        }
    }
    let counted = stderr
        .lines()
        .find(|line| line.starts_with("fixed "))
        .unwrap_or_else(|| panic!("a summary: {stderr}"));
    assert!(
        counted.starts_with(&format!("fixed {fixable} findings in {changed} files")),
        "{counted}"
    );

    // a second run changes nothing
    let second = lint(&dir, &["--fix", "--format", "json"]);
    assert_eq!(texts(&dir), after);
    assert!(
        String::from_utf8_lossy(&second.stderr).contains("nothing to fix; checked"),
        "{}",
        String::from_utf8_lossy(&second.stderr)
    );
    assert_eq!(findings(&second).len(), left.len());
    assert_eq!(second.status.code(), first.status.code());
}

#[test]
fn the_commands_own_fixture_project_is_fixed_parses_and_stays_fixed() {
    // a queue with includes, limiters, locks, a vendored script, and its configuration
    let dir = scratch("fix-project");
    copy_tree(
        &Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/project"),
        &dir,
    );
    let args = ["--includes", "--format", "json", "."];
    let before = texts(&dir);
    let fixable = findings(&lint_configured(&dir, &args))
        .iter()
        .filter(|f| !f["fix"].is_null())
        .count();
    assert!(fixable > 0, "the project has findings with a fix");

    let first = lint_configured(&dir, &[&["--fix"][..], &args].concat());
    let still: Vec<Value> = findings(&first).into_iter().filter(|f| !f["fix"].is_null()).collect();
    assert!(still.is_empty(), "findings with a fix left after `--fix`: {still:#?}");
    let after = texts(&dir);
    assert_ne!(after, before);
    for (path, text) in &after {
        assert!(
            scripts_lint::parses(text),
            "{} does not parse after `--fix`:\n{text}",
            path.display()
        );
    }

    let second = lint_configured(&dir, &[&["--fix"][..], &args].concat());
    assert_eq!(texts(&dir), after, "a second `--fix` changed a file");
    assert!(String::from_utf8_lossy(&second.stderr).contains("nothing to fix; checked"));
}

/// A queue whose scripts include helpers (BullMQ's `--- @include`).
fn queue(dir: &Path) {
    let write = |name: &str, text: &str| {
        let path = dir.join(name);
        std::fs::create_dir_all(path.parent().unwrap()).unwrap();
        std::fs::write(path, text).unwrap();
    };
    // every script that includes it compares a reply with nil: fixed there, once
    write(
        "queue/includes/isLocked.lua",
        "local function isLocked(lockKey)\n  return redis.call('GET', lockKey) ~= nil\nend\n",
    );
    // one includer passes a reply, the other a value that may really be nil: the
    // second finds nothing, so the fix would change it; left alone
    write(
        "queue/includes/isMissing.lua",
        "local function isMissing(value)\n  return value == nil\nend\n",
    );
    write(
        "queue/moveToActive-2.lua",
        "--- @include \"includes/isLocked\"\n--- @include \"includes/isMissing\"\n\
         if isLocked(KEYS[1]) then return 0 end\n\
         if isMissing(redis.call('LPOP', KEYS[2])) then return -1 end\nreturn 1\n",
    );
    write(
        "queue/extendLock-2.lua",
        "--- @include \"includes/isLocked\"\n--- @include \"includes/isMissing\"\n\
         if not isLocked(KEYS[1]) then return 0 end\n\
         if isMissing(tonumber(ARGV[1])) then return -1 end\n\
         redis.call('PEXPIRE', KEYS[1], ARGV[1])\nreturn redis.call('EXISTS', KEYS[2])\n",
    );
    // a helper of another tree: scripts the run does not see may include it too
    write(
        "shared/isEmpty.lua",
        "local function isEmpty(listKey)\n  return redis.call('LINDEX', listKey, 0) == nil\nend\n",
    );
    write(
        "queue/drain-1.lua",
        "--- @include \"../shared/isEmpty\"\nif isEmpty(KEYS[1]) then return 0 end\nreturn redis.call('DEL', KEYS[1])\n",
    );
}

#[test]
fn a_fix_in_an_included_file_needs_every_includer_of_the_run() {
    let dir = scratch("fix-includes");
    queue(&dir);
    let before = texts(&dir);
    let output = lint(
        &dir,
        &[
            "--fix",
            "--includes",
            "--keys-from-file-name",
            "--format",
            "json",
            "queue",
        ],
    );
    let after = texts(&dir);
    let text = |name: &str| after[&dir.join(name)].clone();
    assert_eq!(
        text("queue/includes/isLocked.lua"),
        "local function isLocked(lockKey)\n  return redis.call('GET', lockKey) ~= false\nend\n"
    );
    for unchanged in [
        "queue/includes/isMissing.lua",
        "shared/isEmpty.lua",
        "queue/moveToActive-2.lua",
        "queue/extendLock-2.lua",
        "queue/drain-1.lua",
    ] {
        assert_eq!(after[&dir.join(unchanged)], before[&dir.join(unchanged)], "{unchanged}");
    }
    // what was not fixed is still reported, without a fix
    let left = findings(&output);
    for file in ["queue/includes/isMissing.lua", "shared/isEmpty.lua"] {
        let found = left
            .iter()
            .find(|f| f["file"] == file && f["lint"] == "reply_compared_with_nil")
            .unwrap_or_else(|| panic!("{file} still has its finding: {left:#?}"));
        assert!(found["fix"].is_null(), "{found:#}");
    }
}

#[test]
fn diff_writes_nothing_and_shows_what_fix_writes() {
    let dir = scratch("fix-diff");
    queue(&dir);
    let before = texts(&dir);
    let args = ["--includes", "--keys-from-file-name", "queue"];
    let diff = lint(&dir, &[&["--fix", "--diff"][..], &args].concat());
    assert_eq!(texts(&dir), before, "`--diff` wrote a file");
    let diff = String::from_utf8(diff.stdout).unwrap();
    assert!(
        diff.starts_with("--- a/queue/includes/isLocked.lua\n+++ b/queue/includes/isLocked.lua\n"),
        "{diff}"
    );
    assert!(
        diff.contains("-  return redis.call('GET', lockKey) ~= nil\n+  return redis.call('GET', lockKey) ~= false\n")
    );

    // the same change, written
    lint(&dir, &[&["--fix"][..], &args].concat());
    let now = texts(&dir);
    let changed: Vec<&PathBuf> = now.keys().filter(|path| now[*path] != before[*path]).collect();
    assert_eq!(changed, [&dir.join("queue/includes/isLocked.lua")]);
}

#[test]
fn standard_input_is_shown_fixed_but_never_written() {
    let dir = scratch("fix-stdin");
    let script = "local v = redis.call('GET', KEYS[1])\nif v == nil then return 0 end\nreturn 1\n";
    let refused = Command::new(cargo_bin!("redis-lua-lint"))
        .current_dir(&dir)
        .args(["--no-config", "--fix", "-"])
        .stdin(script)
        .output()
        .unwrap();
    assert_eq!(refused.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&refused.stderr).contains("use `--fix --diff`"));
    let shown = Command::new(cargo_bin!("redis-lua-lint"))
        .current_dir(&dir)
        .args(["--no-config", "--fix", "--diff", "--stdin-filename", "get.lua", "-"])
        .stdin(script)
        .output()
        .unwrap();
    assert_eq!(shown.status.code(), Some(0));
    let diff = String::from_utf8(shown.stdout).unwrap();
    assert!(
        diff.contains("-if v == nil then return 0 end\n+if not v then return 0 end\n"),
        "{diff}"
    );
    assert!(!dir.join("get.lua").exists());
}

#[test]
fn a_file_that_only_parses_with_the_script_around_it_is_not_written() {
    // the helper opens a block its includer closes: on its own it does not parse, so
    // its fix is not written, and the note says why
    let dir = scratch("fix-fragment");
    std::fs::write(
        dir.join("guard.lua"),
        "if redis.call('GET', KEYS[1]) == nil then\n  redis.call('SET', KEYS[1], ARGV[1])\n",
    )
    .unwrap();
    std::fs::write(dir.join("main-1.lua"), "--- @include \"guard\"\nend\nreturn 1\n").unwrap();
    let before = texts(&dir);
    let output = lint(&dir, &["--fix", "--includes", "--keys-from-file-name"]);
    assert_eq!(texts(&dir), before);
    let stdout = String::from_utf8_lossy(&output.stdout);
    assert!(
        stdout.contains("`guard.lua` was not fixed: it does not parse on its own"),
        "{stdout}"
    );
}
