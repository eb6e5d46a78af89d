#!/usr/bin/env node
// Lays out the npm packages of a release, ready for `npm pack` or `npm publish`:
//
//     node redis-lua-lint/npm/stage.js OUT_DIR PLATFORM=BINARY...
//
// OUT_DIR/redis-lua-lint is the launcher package (redis-lua-lint/npm/redis-lua-lint)
// with the crate's README and the license texts; OUT_DIR/redis-lua-lint-PLATFORM, for
// each PLATFORM given (`linux-x64`, `darwin-arm64`, ...: the directories of
// redis-lua-lint/npm/platforms), is that platform's package with BINARY as its
// `bin/redis-lua-lint` (`.exe` on Windows). Adding a platform to a release is building
// its binary and naming it here; the launcher's package.json already lists every
// platform as an optional dependency.
"use strict";

const fs = require("node:fs");
const path = require("node:path");

const here = __dirname;
const crate = path.join(here, "..");
const licenses = ["LICENSE-MIT", "LICENSE-APACHE"].map((name) => path.join(crate, "..", name));

function fail(message) {
  console.error(`error: ${message}`);
  console.error("usage: node stage.js OUT_DIR PLATFORM=BINARY... (PLATFORM: a directory of npm/platforms)");
  process.exit(2);
}

function readJson(file) {
  return JSON.parse(fs.readFileSync(file, "utf8"));
}

/** Copies `from` into the directory `to`, keeping its name; `mode` when given. */
function copyInto(from, to, mode) {
  const target = path.join(to, path.basename(from));
  fs.copyFileSync(from, target);
  if (mode !== undefined) {
    fs.chmodSync(target, mode);
  }
}

const [outDir, ...binaries] = process.argv.slice(2);
if (!outDir) {
  fail("no output directory");
}
if (binaries.length === 0) {
  fail("no platform binary: a launcher without any platform package runs nowhere");
}

const launcherDir = path.join(here, "redis-lua-lint");
const launcher = readJson(path.join(launcherDir, "package.json"));

// every argument checked before anything is written
const platforms = binaries.map((argument) => {
  const at = argument.indexOf("=");
  if (at <= 0) {
    fail(`\`${argument}\` is not PLATFORM=BINARY`);
  }
  const platform = argument.slice(0, at);
  const binary = argument.slice(at + 1);
  const dir = path.join(here, "platforms", platform);
  if (!fs.existsSync(path.join(dir, "package.json"))) {
    const known = fs.readdirSync(path.join(here, "platforms")).join(", ");
    fail(`no platform \`${platform}\` (known: ${known})`);
  }
  const manifest = readJson(path.join(dir, "package.json"));
  if (launcher.optionalDependencies[manifest.name] !== launcher.version || manifest.version !== launcher.version) {
    fail(`${manifest.name} ${manifest.version} is not the optional dependency ${launcher.name} ${launcher.version} names`);
  }
  if (!fs.statSync(binary, { throwIfNoEntry: false })?.isFile()) {
    fail(`\`${binary}\` is not a file`);
  }
  return { dir, manifest, binary };
});

/** Makes `OUT_DIR/<name>` afresh with `bin/`, the package.json of `from` and the licenses. */
function packageDir(from, name) {
  const dir = path.join(outDir, name);
  fs.rmSync(dir, { recursive: true, force: true });
  fs.mkdirSync(path.join(dir, "bin"), { recursive: true });
  fs.copyFileSync(path.join(from, "package.json"), path.join(dir, "package.json"));
  for (const license of licenses) {
    copyInto(license, dir);
  }
  return dir;
}

const out = packageDir(launcherDir, launcher.name);
copyInto(path.join(launcherDir, "bin", "redis-lua-lint.js"), path.join(out, "bin"), 0o755);
copyInto(path.join(crate, "README.md"), out);
console.log(out);

for (const { dir, manifest, binary } of platforms) {
  const exe = manifest.os.includes("win32") ? "redis-lua-lint.exe" : "redis-lua-lint";
  const platformOut = packageDir(dir, manifest.name);
  fs.copyFileSync(binary, path.join(platformOut, "bin", exe));
  fs.chmodSync(path.join(platformOut, "bin", exe), 0o755);
  fs.writeFileSync(
    path.join(platformOut, "README.md"),
    `# ${manifest.name}\n\nThe \`redis-lua-lint\` binary for ${manifest.os}-${manifest.cpu}. ` +
      "Install `redis-lua-lint`, which depends on this package where it runs.\n",
  );
  console.log(platformOut);
}
