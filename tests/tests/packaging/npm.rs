//! npm: the launcher and this platform's binary package, packed, installed offline into
//! a scratch project and run with `npx` and a `package.json` script.

use std::path::Path;
use std::process::Command;

use crate::crates::packaged;
use crate::support::{archive_files, check_binary, copy_tree, expected, fixture_project, fresh, root, run, text, work};

/// This machine's platform as npm names it (`linux-x64`), which names the binary
/// package (`redis-lua-lint-linux-x64`).
fn npm_platform() -> String {
    let output = run(
        Command::new("node").args(["-p", "process.platform + '-' + process.arch"]),
        0,
    );
    text(&output.stdout).trim().to_owned()
}

/// `npm` or `npx`, run in `dir`.
fn node_tool(program: &str, dir: &Path) -> Command {
    let mut command = Command::new(program);
    command
        .current_dir(dir)
        // a cache of its own: nothing from the machine's, and --offline proves nothing
        // is fetched
        .env("npm_config_cache", work().join("npm/cache"))
        .env("npm_config_update_notifier", "false")
        .env("npm_config_fund", "false")
        .env("npm_config_audit", "false");
    command
}

#[test]
fn npm_packages_install_offline_and_run_with_npx() {
    let packaged = packaged();
    let platform = npm_platform();
    let npm_dir = fresh(work().join("npm"));
    let stage = npm_dir.join("stage");
    run(
        Command::new("node")
            .arg(root().join("redis-lua-lint/npm/stage.js"))
            .arg(&stage)
            .arg(format!("{platform}={}", packaged.binary.display())),
        0,
    );
    let tarballs = npm_dir.join("tarballs");
    std::fs::create_dir_all(&tarballs).unwrap();
    let mut packed = Vec::new();
    for name in ["redis-lua-lint".to_owned(), format!("redis-lua-lint-{platform}")] {
        let output = run(
            node_tool("npm", &stage.join(&name))
                .args(["pack", "--pack-destination"])
                .arg(&tarballs),
            0,
        );
        let file = tarballs.join(text(&output.stdout).trim());
        let files = archive_files(&file);
        let binary = if name == "redis-lua-lint" {
            "bin/redis-lua-lint.js"
        } else {
            "bin/redis-lua-lint"
        };
        for needed in ["package.json", "README.md", "LICENSE-MIT", "LICENSE-APACHE", binary] {
            assert!(
                files.contains(&format!("package/{needed}")),
                "{name}: no {needed} in {files:?}"
            );
        }
        packed.push(file);
    }

    // a Node project with `.lua` scripts, as a BullMQ user has
    let project = npm_dir.join("project");
    copy_tree(&fixture_project(), &project);
    std::fs::write(
        project.join("package.json"),
        r#"{ "name": "queue", "version": "1.0.0", "private": true, "scripts": { "lint:lua": "redis-lua-lint --format json" } }"#,
    )
    .unwrap();
    run(
        node_tool("npm", &project).args(["install", "--offline"]).args(&packed),
        0,
    );

    check_binary(
        |args| {
            let mut command = node_tool("npx", &project);
            command.args(["--offline", "redis-lua-lint"]).args(args);
            command
        },
        &project,
    );
    let script = run(node_tool("npm", &project).args(["run", "--silent", "lint:lua"]), 1);
    assert_eq!(text(&script.stdout), expected("json.stdout"));
}
