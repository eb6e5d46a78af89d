//! GitHub Actions: `action.yml` and the README's workflows against the published
//! schemas, and the Action's steps run as a runner runs them.

use std::path::PathBuf;
use std::process::Command;

use crate::python::wheels;
use crate::support::{VERSION, copy_tree, expected, fixture_project, fresh, root, run, text, work};

/// The Action's inputs, and the variable its steps pass each one in.
const ACTION_INPUTS: [(&str, &str); 5] = [
    ("version", "REDIS_LUA_LINT_VERSION"),
    ("paths", "REDIS_LUA_LINT_PATHS"),
    ("format", "REDIS_LUA_LINT_FORMAT"),
    ("args", "REDIS_LUA_LINT_ARGS"),
    ("sarif-file", "REDIS_LUA_LINT_SARIF_FILE"),
];

#[test]
fn action_metadata_and_readme_workflows_match_the_published_schemas() {
    let action = std::fs::read_to_string(root().join("action.yml")).unwrap();
    for (input, variable) in ACTION_INPUTS {
        let wiring = format!("{variable}: ${{{{ inputs.{input} }}}}");
        assert!(
            action.contains(&wiring),
            "action.yml does not pass `{input}` as {variable}"
        );
    }
    for script in ["install.sh", "check.sh"] {
        let step = format!("run: bash \"$GITHUB_ACTION_PATH/redis-lua-lint/action/{script}\"");
        assert!(action.contains(&step), "action.yml does not run {script}");
    }
    run(
        Command::new("check-jsonschema")
            .args(["--builtin-schema", "vendor.github-actions"])
            .arg(root().join("action.yml")),
        0,
    );

    // every workflow in the README, as a file of its own
    let readme = std::fs::read_to_string(root().join("README.md")).unwrap();
    let dir = fresh(work().join("workflows"));
    let mut files = Vec::new();
    for block in readme.split("```yaml\n").skip(1) {
        let block = &block[..block.find("```").unwrap()];
        if block.starts_with("# .github/workflows/") {
            let file = dir.join(format!("workflow-{}.yml", files.len()));
            std::fs::write(&file, block).unwrap();
            files.push(file);
        }
    }
    assert!(
        files.len() >= 2,
        "the README shows {} workflows: one for annotations and one for code scanning",
        files.len()
    );
    run(
        Command::new("check-jsonschema")
            .args(["--builtin-schema", "vendor.github-workflows"])
            .args(&files),
        0,
    );
}

#[test]
fn action_steps_install_the_wheel_and_check() {
    let runner = fresh(work().join("action"));
    let github_path = runner.join("github_path");
    let temp = fresh(runner.join("runner-temp"));
    let step = |script: &str| {
        let mut command = Command::new("bash");
        command
            .arg(root().join("redis-lua-lint/action").join(script))
            .env("RUNNER_TEMP", &temp)
            .env("GITHUB_PATH", &github_path);
        command
    };
    // the install step, with PyPI played by the wheels built here
    run(
        step("install.sh")
            .env("REDIS_LUA_LINT_VERSION", VERSION)
            .env("PIP_NO_INDEX", "1")
            .env("PIP_ONLY_BINARY", ":all:")
            .env("PIP_FIND_LINKS", wheels()),
        0,
    );
    let added = std::fs::read_to_string(&github_path).unwrap();
    let bin = PathBuf::from(added.lines().last().expect("install.sh adds to GITHUB_PATH"));
    assert!(
        bin.join("redis-lua-lint").is_file(),
        "{} has no redis-lua-lint",
        bin.display()
    );
    let path =
        std::env::join_paths(std::iter::once(bin).chain(std::env::split_paths(&std::env::var_os("PATH").unwrap())))
            .unwrap();

    let workspace = runner.join("workspace");
    copy_tree(&fixture_project(), &workspace);
    let check = |format: &str, paths: &str| {
        let output_file = runner.join(format!("github_output-{format}"));
        std::fs::write(&output_file, "").unwrap();
        let mut command = step("check.sh");
        command
            .current_dir(&workspace)
            .env("PATH", &path)
            .env("GITHUB_OUTPUT", &output_file)
            .env("REDIS_LUA_LINT_FORMAT", format)
            .env("REDIS_LUA_LINT_PATHS", paths)
            .env("REDIS_LUA_LINT_ARGS", "")
            .env("REDIS_LUA_LINT_SARIF_FILE", "redis-lua-lint.sarif");
        // the step itself succeeds: the checker's status is its output `exit-code`
        let output = run(&mut command, 0);
        (output, std::fs::read_to_string(&output_file).unwrap())
    };

    let (annotations, outputs) = check("github", ".");
    assert_eq!(text(&annotations.stdout), expected("github.stdout"));
    assert_eq!(outputs, "exit-code=1\n");

    let (_, outputs) = check("sarif", "lock limiter");
    assert_eq!(outputs, "sarif-file=redis-lua-lint.sarif\nexit-code=1\n");
    let sarif: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(workspace.join("redis-lua-lint.sarif")).unwrap()).unwrap();
    let results = sarif["runs"][0]["results"].as_array().expect("SARIF results");
    let expected_results = expected("sarif.stdout").matches("\"ruleId\"").count();
    assert_eq!(results.len(), expected_results);

    let (refused, outputs) = check("text", ".");
    assert!(text(&refused.stdout).contains("unknown format `text`"));
    assert_eq!(outputs, "exit-code=2\n");
}
