//! `--emit-definitions` read by a real Lua language server's checker: EmmyLua's
//! `emmylua_check` (crates.io, installed by `.ci/run`), with the `.emmyrc.json` that
//! `redis-lua-lint/README.md` tells users to write. Correct scripts
//! (`tests/fixtures/editor/good`, which `redis-lua-lint` passes too) get no warning and
//! no error of the environment; typos (`redis.cal`, `cjson.decod`, `redsi`) do, at
//! their places; `redis.call`'s reply has the type of its command; without the
//! definitions, the same correct scripts are full of undefined globals.
//!
//! The checker is `emmylua_check` on `PATH` (or in `$CARGO_HOME/bin`), or the binary
//! `EMMYLUA_CHECK` names. Without it the test fails, saying how to install it.

use std::path::{Path, PathBuf};
use std::process::Command;

use serde_json::Value;
use snapbox::cmd::cargo_bin;

const INSTALL: &str = "cargo install emmylua_check --version 0.25.1 --locked";

/// The checker's binary, or a failure that says how to get it.
fn emmylua_check() -> PathBuf {
    let candidates: Vec<PathBuf> = match std::env::var_os("EMMYLUA_CHECK") {
        Some(path) => vec![PathBuf::from(path)],
        None => {
            let cargo_home = std::env::var_os("CARGO_HOME")
                .map(PathBuf::from)
                .or_else(|| std::env::var_os("HOME").map(|home| Path::new(&home).join(".cargo")));
            let mut out: Vec<PathBuf> = std::env::var_os("PATH")
                .map(|path| {
                    std::env::split_paths(&path)
                        .map(|dir| dir.join("emmylua_check"))
                        .collect()
                })
                .unwrap_or_default();
            out.extend(cargo_home.map(|home| home.join("bin/emmylua_check")));
            out
        }
    };
    candidates.into_iter().find(|path| path.is_file()).unwrap_or_else(|| {
        panic!(
            "`emmylua_check` (EmmyLua's checker) is not installed, and this test needs it: \
             run `{INSTALL}` (`.ci/run` does), or set EMMYLUA_CHECK to its path"
        )
    })
}

fn scratch(name: &str) -> PathBuf {
    let dir = PathBuf::from(env!("CARGO_TARGET_TMPDIR")).join(name);
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).expect("a scratch directory");
    dir
}

fn fixtures() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/editor")
}

/// The fenced JSON block that follows `marker` in `redis-lua-lint/README.md`: the test
/// uses the configuration users are told to write.
fn readme_json(marker: &str) -> String {
    let readme = std::fs::read_to_string(Path::new(env!("CARGO_MANIFEST_DIR")).join("README.md")).unwrap();
    let after = &readme[readme
        .find(marker)
        .unwrap_or_else(|| panic!("`{marker}` in the README"))..];
    let start = after.find("```json\n").expect("a json block") + "```json\n".len();
    let end = start + after[start..].find("```").expect("its end");
    let text = after[start..end].to_owned();
    serde_json::from_str::<Value>(&text).unwrap_or_else(|e| panic!("the README's json is not json ({e}):\n{text}"));
    text
}

/// A project: the fixture scripts of `kind` in `scripts/`, the definitions in
/// `.redis-lua` and the README's `.emmyrc.json`, or neither.
fn project(name: &str, kind: &str, definitions: bool) -> PathBuf {
    let dir = scratch(name);
    std::fs::create_dir_all(dir.join("scripts")).unwrap();
    for entry in std::fs::read_dir(fixtures().join(kind)).unwrap() {
        let path = entry.unwrap().path();
        std::fs::copy(&path, dir.join("scripts").join(path.file_name().unwrap())).unwrap();
    }
    if definitions {
        let output = Command::new(cargo_bin!("redis-lua-lint"))
            .current_dir(&dir)
            .args(["--emit-definitions", ".redis-lua"])
            .output()
            .unwrap();
        assert!(output.status.success(), "{}", String::from_utf8_lossy(&output.stderr));
        std::fs::write(dir.join(".emmyrc.json"), readme_json("in `.emmyrc.json`")).unwrap();
    }
    dir
}

/// One finding of `emmylua_check`: file name, 1-based line and column, code, severity
/// (1 error, 2 warning, 3 information, 4 hint), message.
#[derive(Debug)]
struct Finding {
    file: String,
    line: u64,
    column: u64,
    code: String,
    severity: u64,
    message: String,
}

/// Runs the checker over the project, as an editor opens it (the configuration and
/// the library paths are the workspace's; the library's own files are not reported).
fn check(dir: &Path) -> Vec<Finding> {
    let report = dir.join("emmylua.json");
    let output = Command::new(emmylua_check())
        .current_dir(dir)
        .args([".", "--output-format", "json", "--output"])
        .arg(&report)
        .output()
        .expect("emmylua_check runs");
    let text = std::fs::read_to_string(&report).unwrap_or_else(|e| {
        panic!(
            "emmylua_check wrote no report ({e}): {}\n{}",
            String::from_utf8_lossy(&output.stdout),
            String::from_utf8_lossy(&output.stderr)
        )
    });
    let files: Vec<Value> = serde_json::from_str(&text).unwrap_or_else(|e| panic!("{e}: {text}"));
    let mut out = Vec::new();
    for file in files {
        let name = Path::new(file["file"].as_str().unwrap())
            .file_name()
            .unwrap()
            .to_string_lossy()
            .into_owned();
        for d in file["diagnostics"].as_array().unwrap() {
            out.push(Finding {
                file: name.clone(),
                line: d["range"]["start"]["line"].as_u64().unwrap() + 1,
                column: d["range"]["start"]["character"].as_u64().unwrap() + 1,
                code: d["code"].as_str().unwrap_or("").to_owned(),
                severity: d["severity"].as_u64().unwrap_or(1),
                message: d["message"].as_str().unwrap_or("").to_owned(),
            });
        }
    }
    out
}

/// Whether a message of the checker names `name` (`Undefined field `cal`.`,
/// `undefined global variable: redsi`).
fn names(message: &str, name: &str) -> bool {
    message.contains(&format!("`{name}`")) || message.trim_end().ends_with(&format!(": {name}"))
}

#[test]
fn correct_scripts_are_clean_with_the_definitions_and_not_without() {
    let dir = project("definitions-good", "good", true);
    // the fixtures are correct: the checker itself passes them
    let lint = Command::new(cargo_bin!("redis-lua-lint"))
        .current_dir(&dir)
        .args(["--no-config", "scripts"])
        .output()
        .unwrap();
    assert!(lint.status.success(), "{}", String::from_utf8_lossy(&lint.stdout));

    // EmmyLua's own rule for any Lua, whatever the environment: the `number?` of a
    // `tonumber(...)` used unchecked (`need-check-nil`, or passed on where a value is
    // expected). Every other warning or error would be the definitions' doing.
    let nil_check =
        |f: &Finding| f.code == "need-check-nil" || (f.code == "param-type-mismatch" && f.message.contains("?`"));
    let findings = check(&dir);
    let serious: Vec<&Finding> = findings.iter().filter(|f| f.severity <= 2 && !nil_check(f)).collect();
    assert!(serious.is_empty(), "with the definitions: {serious:#?}");

    let bare = check(&project("definitions-bare", "good", false));
    for global in ["redis", "KEYS", "ARGV", "cjson", "cmsgpack", "struct"] {
        assert!(
            bare.iter()
                .any(|f| f.code == "undefined-global" && names(&f.message, global)),
            "without the definitions, `{global}` is undefined: {bare:#?}"
        );
    }
}

#[test]
fn typos_of_redis_names_are_flagged_where_they_are() {
    let findings = check(&project("definitions-bad", "bad", true));
    for (line, column, code, name) in [
        (5, 21, "undefined-field", "cal"),
        (9, 20, "undefined-field", "decod"),
        (10, 1, "undefined-global", "redsi"),
    ] {
        assert!(
            findings.iter().any(|f| f.file == "typos.lua"
                && (f.line, f.column) == (line, column)
                && f.code == code
                && names(&f.message, name)),
            "no {code} for `{name}` at {line}:{column}: {findings:#?}"
        );
    }
    let others: Vec<&Finding> = findings
        .iter()
        .filter(|f| f.severity <= 2 && !["undefined-field", "undefined-global"].contains(&f.code.as_str()))
        .collect();
    assert!(others.is_empty(), "{others:#?}");
}

#[test]
fn a_reply_has_the_type_of_its_command() {
    let findings = check(&project("definitions-replies", "replies", true));
    for (line, ty) in [
        (6, "integer"),
        (9, "(string|false)"),
        (12, "(string|false)[]"),
        (15, "(string|redis.StatusReply|false)"),
        (18, "(integer|redis.ErrorReply)"),
        (21, "(string|false)"),
    ] {
        let message = format!("Cannot assign `{ty}` to `boolean`.");
        assert!(
            findings
                .iter()
                .any(|f| f.line == line && f.code == "assign-type-mismatch" && f.message.trim() == message),
            "line {line}: no `{message}`: {findings:#?}"
        );
    }
}
