#!/usr/bin/env node
// Runs the prebuilt redis-lua-lint of this machine. The binaries come in one package per
// platform (`redis-lua-lint-<os>-<cpu>`), all listed as optional dependencies: npm
// installs only the one whose `os`, `cpu` and `libc` match, so nothing is downloaded or
// compiled when the package is installed, and this launcher only finds and runs it.
"use strict";

const { spawnSync } = require("node:child_process");

const platform = `${process.platform}-${process.arch}`;
const pkg = `redis-lua-lint-${platform}`;
const exe = process.platform === "win32" ? "redis-lua-lint.exe" : "redis-lua-lint";

/** The binary to run: `REDIS_LUA_LINT_BINARY` when set, else this platform's package. */
function binary() {
  if (process.env.REDIS_LUA_LINT_BINARY) {
    return process.env.REDIS_LUA_LINT_BINARY;
  }
  try {
    return require.resolve(`${pkg}/bin/${exe}`);
  } catch {
    return null;
  }
}

const bin = binary();
if (bin === null) {
  console.error(
    `error: redis-lua-lint has no prebuilt binary for ${platform} (the optional dependency \`${pkg}\` is not installed)\n` +
      "  = help: reinstall without `--no-optional` / `--omit=optional` if that was used, or build it with `cargo install redis-lua-lint`" +
      " and point `REDIS_LUA_LINT_BINARY` at it",
  );
  process.exit(2);
}

const result = spawnSync(bin, process.argv.slice(2), { stdio: "inherit" });
if (result.error) {
  console.error(`error: cannot run \`${bin}\`: ${result.error.message}`);
  process.exit(2);
}
if (result.signal) {
  // die of the same signal, so the caller sees what the binary saw
  process.kill(process.pid, result.signal);
}
process.exit(result.status === null ? 2 : result.status);
