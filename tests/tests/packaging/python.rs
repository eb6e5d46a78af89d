//! PyPI: the wheel, and the pre-commit hook's package, installed into fresh virtual
//! environments from the wheels built here alone.

use std::path::PathBuf;
use std::process::Command;
use std::sync::OnceLock;

use crate::crates::packaged;
use crate::support::{VERSION, check_binary, fixture_project, fresh, root, run, shared, work};

/// The wheels built here: the linter's (from its packaged crate, reusing the release
/// build) and the pre-commit hook's package.
pub(crate) fn wheels() -> &'static PathBuf {
    static CELL: OnceLock<Result<PathBuf, String>> = OnceLock::new();
    shared(&CELL, build_wheels)
}

fn build_wheels() -> PathBuf {
    let packaged = packaged();
    let wheels = fresh(work().join("wheels"));
    // the crate's own pyproject.toml, beside its Cargo.toml as in the repository
    std::fs::copy(
        root().join("redis-lua-lint/pyproject.toml"),
        packaged.linter_source.join("pyproject.toml"),
    )
    .unwrap();
    run(
        Command::new("maturin")
            .current_dir(&packaged.linter_source)
            .args(["build", "--release", "--offline", "--target-dir"])
            .arg(&packaged.target_dir)
            .arg("--out")
            .arg(&wheels),
        0,
    );
    // the hook's package: metadata only, built as pre-commit's pip builds it
    let hook_source = fresh(work().join("pre-commit-package"));
    std::fs::copy(root().join("pyproject.toml"), hook_source.join("pyproject.toml")).unwrap();
    run(
        Command::new("python3")
            .args([
                "-m",
                "pip",
                "wheel",
                "--quiet",
                "--no-deps",
                "--no-index",
                "--no-build-isolation",
                "--wheel-dir",
            ])
            .arg(&wheels)
            .arg(&hook_source),
        0,
    );
    wheels
}

/// A fresh virtual environment with `requirement` installed from the wheels built
/// here, and nothing else: no index, and no source package, so nothing is compiled.
fn venv_with(name: &str, requirement: &str) -> PathBuf {
    let venv = work().join(name);
    let _ = std::fs::remove_dir_all(&venv);
    run(Command::new("python3").args(["-m", "venv"]).arg(&venv), 0);
    run(
        Command::new(venv.join("bin/python"))
            .args(["-m", "pip", "install", "--quiet", "--disable-pip-version-check"])
            .args(["--no-index", "--only-binary", ":all:", "--find-links"])
            .arg(wheels())
            .arg(requirement),
        0,
    );
    venv
}

#[test]
fn wheel_installs_into_a_fresh_venv() {
    let names: Vec<String> = std::fs::read_dir(wheels())
        .unwrap()
        .map(|entry| entry.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    // a binary wheel: any Python 3, this platform only
    let prefix = format!("redis_lua_lint-{VERSION}-py3-none-");
    assert!(
        names.iter().any(|n| n.starts_with(&prefix) && !n.ends_with("-any.whl")),
        "no platform wheel {prefix}* in {names:?}"
    );
    let venv = venv_with("venv-wheel", &format!("redis-lua-lint=={VERSION}"));
    check_binary(
        |args| {
            let mut command = Command::new(venv.join("bin/redis-lua-lint"));
            command.args(args);
            command
        },
        &fixture_project(),
    );
}

#[test]
fn pre_commit_hook_installs_the_prebuilt_binary() {
    let hooks = std::fs::read_to_string(root().join(".pre-commit-hooks.yaml")).unwrap();
    for line in [
        "- id: redis-lua-lint",
        "  entry: redis-lua-lint",
        "  language: python",
        "  types: [lua]",
    ] {
        assert!(
            hooks.lines().any(|l| l == line),
            "no `{line}` in .pre-commit-hooks.yaml"
        );
    }
    // pre-commit runs `pip install .` at the repository root: the hook's package, whose
    // one dependency is the wheel
    let venv = venv_with("venv-pre-commit", "redis-lua-lint-pre-commit");
    check_binary(
        |args| {
            let mut command = Command::new(venv.join("bin/redis-lua-lint"));
            command.args(args);
            command
        },
        &fixture_project(),
    );
}
