//! The language server in a real editor: Neovim's built-in LSP client (0.7, as Debian
//! 12 ships it; `.ci/run` installs it) runs `tests/nvim/check.lua` headless against
//! `redis-lua-lint lsp` and checks what a user would see: a diagnostic at its place
//! in a BullMQ-style script, hover on `ZADD`, completion after `redis.call('HS`, the
//! quick fix for a nil comparison applied, and a `.lua` file named by a
//! `#[redis_script(file = ...)]` checked with its Rust signature. The test fails,
//! never skips, when `nvim` is missing.

use std::path::Path;
use std::process::Command;

#[test]
fn neovim_shows_findings_hover_completion_and_applies_a_fix() {
    let here = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests");
    let scratch = std::env::temp_dir().join(format!("redis-lua-lint-nvim-{}", std::process::id()));
    std::fs::create_dir_all(&scratch).unwrap();
    let output = Command::new("nvim")
        .args(["--headless", "-u", "NONE", "-i", "NONE", "-n", "-c"])
        .arg(format!("luafile {}", here.join("nvim/check.lua").display()))
        .env("REDIS_LUA_LINT", env!("CARGO_BIN_EXE_redis-lua-lint"))
        .env("QUEUE_DIR", here.join("lsp/queue"))
        .env("CRATE_DIR", here.join("lsp/crate"))
        .env("SCRATCH_DIR", &scratch)
        .output()
        .unwrap_or_else(|e| {
            panic!("cannot run `nvim` ({e}): install Neovim 0.7 or later (`apt-get install neovim`); .ci/run does")
        });
    std::fs::remove_dir_all(&scratch).ok();
    let stdout = String::from_utf8_lossy(&output.stdout);
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(
        output.status.success() && stdout.contains("ALL PASSED"),
        "nvim: {}\nstdout: {stdout}\nstderr: {stderr}",
        output.status
    );
}
