//! What the tests share: paths, running commands, the checks every installed binary
//! passes, and steps run once for all of them.

use std::path::{Path, PathBuf};
use std::process::{Command, Output};
use std::sync::OnceLock;

/// The crates a release publishes, in the order they depend on each other, the
/// command last.
pub(crate) const CRATES: [&str; 6] = [
    "scripts-lint",
    "scripts-decl",
    "scripts-macro",
    "scripts-runtime",
    "scripts",
    "redis-lua-lint",
];

/// The version every package carries: the workspace's.
pub(crate) const VERSION: &str = env!("CARGO_PKG_VERSION");

pub(crate) fn root() -> &'static Path {
    Path::new(env!("CARGO_MANIFEST_DIR")).parent().unwrap()
}

/// Where everything is built: kept between runs, so a second run rebuilds little.
pub(crate) fn work() -> PathBuf {
    PathBuf::from(env!("CARGO_TARGET_TMPDIR")).join("packaging")
}

/// The fixture project every binary is run on, and what it must print there.
pub(crate) fn fixture_project() -> PathBuf {
    root().join("redis-lua-lint/tests/fixtures/project")
}

pub(crate) fn expected(case: &str) -> String {
    let path = root().join("redis-lua-lint/tests/cmd").join(case);
    std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("cannot read {}: {e}", path.display()))
}

pub(crate) fn expected_version_line() -> String {
    let sources = scripts_lint::redis::commands::SOURCES.join(", ");
    format!("redis-lua-lint {VERSION} (commands of {sources})\n")
}

/// Runs `command`; on a failure to start or an unexpected status, panics with the
/// command and everything it printed.
pub(crate) fn run(command: &mut Command, status: i32) -> Output {
    let shown = format!("{command:?}");
    let output = command
        .output()
        .unwrap_or_else(|e| panic!("cannot run {shown}: {e} (README, \"Prerequisites\": node, npm, python3 with maturin, setuptools, check-jsonschema)"));
    if output.status.code() != Some(status) {
        panic!(
            "{shown}\nexited with {} instead of {status}\n--- stdout\n{}\n--- stderr\n{}",
            output.status,
            String::from_utf8_lossy(&output.stdout),
            String::from_utf8_lossy(&output.stderr),
        );
    }
    output
}

pub(crate) fn text(bytes: &[u8]) -> String {
    String::from_utf8(bytes.to_vec()).expect("UTF-8 output")
}

pub(crate) fn cargo() -> Command {
    Command::new(std::env::var_os("CARGO").unwrap_or_else(|| "cargo".into()))
}

/// A fresh, empty directory.
pub(crate) fn fresh(dir: PathBuf) -> PathBuf {
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap();
    dir
}

pub(crate) fn copy_tree(from: &Path, to: &Path) {
    std::fs::create_dir_all(to).unwrap();
    for entry in std::fs::read_dir(from).unwrap() {
        let entry = entry.unwrap();
        let target = to.join(entry.file_name());
        if entry.file_type().unwrap().is_dir() {
            copy_tree(&entry.path(), &target);
        } else {
            std::fs::copy(entry.path(), &target).unwrap();
        }
    }
}

/// Runs `init` once for all the tests of this file; when it panics, every test that
/// needs its result fails with that message instead of running it again.
pub(crate) fn shared<T>(cell: &'static OnceLock<Result<T, String>>, init: fn() -> T) -> &'static T {
    let result = cell.get_or_init(|| {
        std::panic::catch_unwind(init).map_err(|panic| {
            panic
                .downcast_ref::<String>()
                .cloned()
                .or_else(|| panic.downcast_ref::<&str>().map(|s| s.to_string()))
                .unwrap_or_default()
        })
    });
    match result {
        Ok(value) => value,
        Err(message) => panic!("an earlier step failed: {message}"),
    }
}

/// The checks every installed binary passes: its version, and the fixture project's
/// findings as JSON with exit status 1. `command` runs the binary with the given
/// arguments (directly, through npx, from a virtual environment).
pub(crate) fn check_binary(command: impl Fn(&[&str]) -> Command, project: &Path) {
    let version = run(command(&["--version"]).current_dir(project), 0);
    assert_eq!(text(&version.stdout), expected_version_line());
    let findings = run(command(&["--format", "json"]).current_dir(project), 1);
    assert_eq!(text(&findings.stdout), expected("json.stdout"));
    assert_eq!(text(&findings.stderr), expected("json.stderr"));
}

/// The files of a `.crate` or `.tgz`, as `tar` lists them.
pub(crate) fn archive_files(archive: &Path) -> Vec<String> {
    let listing = run(Command::new("tar").arg("-tzf").arg(archive), 0);
    text(&listing.stdout).lines().map(str::to_owned).collect()
}
