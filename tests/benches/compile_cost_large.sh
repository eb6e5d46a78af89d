#!/usr/bin/env bash
# Compile cost of ten large real scripts: `#[redis_script(file = ...)]` against
# `redis::Script` statics, in the default debug profile.
#
#   SCRIPTS_CORPUS=/path/to/corpus tests/benches/compile_cost_large.sh [OUT_DIR]
#                                       (default OUT_DIR: target/bench-tools/compile-cost-large)
#
# The scripts: the ten largest of BullMQ (`npm/bullmq/dist/cjs/commands/*.lua` in the corpus
# that corpus/fetch.py builds, at `$SCRIPTS_CORPUS`), each with its `--- @include` files
# spliced in as BullMQ's loader does (about 6,200 lines in all). Without the corpus the bench
# says so and generates ten scripts of the same sizes and shape (local helper functions,
# an alias of `redis.call`, keys built from a prefix, guards and early returns).
#
# Two throwaway crates under OUT_DIR (never committed), with the same files in `lua/`:
#   annotated/  one `#[redis_script(file = "lua/<name>.lua")]` async fn per script: as many
#               `#[key]` parameters as the file name says (BullMQ's `name-N.lua`), then
#               `args: &[&str]`; `scripts.toml` allows the lints these scripts trip (they
#               build keys from a prefix passed in ARGV), so the build has no warning
#   plain/      `static ...: LazyLock<redis::Script>` over `include_str!` and a typed async
#               wrapper each
# Both have one `exercise(&mut MultiplexedConnection)` calling every function.
#
# Measured with `cargo build` (debug), the crates interleaved, COMPILE_COST_REPEATS times
# (default 5), for each profile of the annotated crate (COMPILE_COST_VARIANTS: "default",
# and "build-opt" = `[profile.dev.build-override] opt-level = 3`):
#   edit    incremental rebuild after editing the largest script (a comment line toggled)
#   touch   incremental rebuild after touching `src/lib.rs` (no script changed)
# Then rustc's `-Ztime-passes` (`expand_crate`, through RUSTC_BOOTSTRAP=1, in target dirs
# of their own) for the same two rebuilds: the macro's cost per line of Lua, for the
# scripts left unchanged and for the one edited.
#
# COMPILE_COST_ROOT=/other/checkout builds the annotated crate against another checkout of
# the workspace (to measure a version before a change, side by side).
set -euo pipefail

ROOT=$(cd "$(dirname "$0")/../.." && pwd)
SRC_ROOT=$(cd "${COMPILE_COST_ROOT:-$ROOT}" && pwd)
OUT=${1:-${COMPILE_COST_LARGE_DIR:-$ROOT/target/bench-tools/compile-cost-large}}
REPEATS=${COMPILE_COST_REPEATS:-5}
TIME_PASSES=${COMPILE_COST_TIME_PASSES:-1}
VARIANTS=${COMPILE_COST_VARIANTS:-default build-opt}
TOOLCHAIN=$(sed -n 's/^channel *= *"\(.*\)"/\1/p' "$ROOT/rust-toolchain.toml")
# shellcheck source=timing.sh
. "$ROOT/tests/benches/timing.sh"
unset CARGO_TARGET_DIR
command -v bc >/dev/null || { echo "compile_cost_large.sh needs bc (apt-get install bc)" >&2; exit 1; }
command -v python3 >/dev/null || { echo "compile_cost_large.sh needs python3" >&2; exit 1; }

BULLMQ=${SCRIPTS_CORPUS:-}/npm/bullmq/dist/cjs/commands
if [ -n "${SCRIPTS_CORPUS:-}" ] && [ -d "$BULLMQ" ]; then
    SOURCE="BullMQ's ten largest scripts from $BULLMQ"
else
    BULLMQ=""
    SOURCE="generated scripts of the same sizes (set SCRIPTS_CORPUS to the corpus that corpus/fetch.py builds for BullMQ's own)"
    echo "SCRIPTS_CORPUS is not set or has no BullMQ: using $SOURCE" >&2
fi

# ---------------------------------------------------------------- the two crates
generate() {
    rm -rf "$OUT/annotated/src" "$OUT/plain/src" "$OUT/annotated/lua" "$OUT/plain/lua"
    for crate in annotated plain; do
        mkdir -p "$OUT/$crate/src" "$OUT/$crate/lua"
        cp "$SRC_ROOT/Cargo.lock" "$OUT/$crate/Cargo.lock"
        cp "$ROOT/rust-toolchain.toml" "$OUT/$crate/rust-toolchain.toml"
    done
    python3 - "$OUT" "$SRC_ROOT" "$BULLMQ" <<'EOF'
import os, re, sys
from pathlib import Path

out, src_root, bullmq = Path(sys.argv[1]), sys.argv[2], sys.argv[3]
INCLUDE = re.compile(r"""^\s*---?\s*@include\s+["']([^"']+)["']""")

def splice(path, seen):
    """BullMQ's loader: each include line replaced by the file, each file once per script."""
    parts = []
    for line in Path(path).read_text().splitlines(keepends=True):
        m = INCLUDE.match(line)
        if not m:
            parts.append(line)
            continue
        name = m.group(1) if m.group(1).endswith(".lua") else m.group(1) + ".lua"
        included = os.path.normpath(os.path.join(os.path.dirname(path), name))
        if included not in seen:
            seen.add(included)
            text = splice(included, seen)
            parts.append(text if text.endswith("\n") else text + "\n")
    return "".join(parts)

def generated(lines, keys, seed):
    """A script of about `lines` lines in BullMQ's shape."""
    head = ["local rcall = redis.call", "local prefix = ARGV[1]", "local now = tonumber(ARGV[2])", ""]
    body, n = [], 0
    while len(head) + len(body) < lines - 4:
        k = (n % keys) + 1
        body += [
            "do",
            f"  local function touch{n}(jobId, field)",
            f"    local jobKey = prefix .. 'job:' .. jobId",
            f"    if rcall('EXISTS', jobKey) == 0 then",
            f"      return nil",
            f"    end",
            f"    rcall('HSET', jobKey, field, now)",
            f"    return jobKey",
            f"  end",
            f"  local function count{n}(key)",
            f"    local n = rcall('LLEN', key)",
            f"    if n > {seed + n} then",
            f"      rcall('LTRIM', key, 0, {seed + n})",
            f"    end",
            f"    return n",
            f"  end",
            f"  local id = rcall('RPOPLPUSH', KEYS[{k}], KEYS[1])",
            f"  if id then",
            f"    touch{n}(id, 'processedOn')",
            f"    count{n}(KEYS[{k}])",
            f"  end",
            "end",
        ]
        n += 1
    return "\n".join(head + body + ["return 0", ""])

if bullmq:
    found = []
    for f in sorted(Path(bullmq).glob("*.lua")):
        text = splice(str(f), set())
        found.append((-text.count("\n"), f.name, text))
    found.sort()
    scripts = [(name, text) for _, name, text in found[:10]]
else:
    sizes = [("moveToFinished-14.lua", 1189), ("addStandardJob-9.lua", 708), ("addPrioritizedJob-9.lua", 701),
             ("addDelayedJob-6.lua", 692), ("addJobScheduler-11.lua", 684), ("addParentJob-6.lua", 560),
             ("moveToDelayed-11.lua", 451), ("relayPublish-1.lua", 401), ("cleanJobsInSet-3.lua", 394),
             ("updateJobScheduler-12.lua", 390)]
    scripts = [(name, generated(lines, int(re.search(r"-(\d+)\.lua$", name).group(1)), i))
               for i, (name, lines) in enumerate(sizes)]

def snake(name):
    stem = name[:-4].replace("-", "_")
    return re.sub(r"(?<!^)(?=[A-Z])", "_", stem).lower()

annotated = ["//! Ten large scripts as `#[redis_script(file = ...)]` functions (generated by tests/benches/compile_cost_large.sh).",
             "#![allow(missing_docs)]", "use scripts::redis_script;", ""]
plain = ["//! Ten large scripts as `redis::Script` statics (generated by tests/benches/compile_cost_large.sh).",
         "#![allow(missing_docs)]", "use std::sync::LazyLock;", "",
         "use redis::aio::ConnectionLike;", "use redis::{RedisResult, Script, Value};", ""]
calls = []
total = 0
for i, (name, text) in enumerate(scripts):
    for crate in ("annotated", "plain"):
        (out / crate / "lua" / name).write_text(text + "-- edit 0\n")
    total += text.count("\n") + 1
    keys = int(re.search(r"-(\d+)\.lua$", name).group(1))
    fn = snake(name)
    key_params = [f"k{j}: &str" for j in range(1, keys + 1)]
    annotated += [f"#[redis_script(file = \"lua/{name}\")]",
                  f"pub async fn {fn}(con: &mut impl scripts::AsyncConnection, "
                  + "".join(f"#[key] {p}, " for p in key_params)
                  + "args: &[&str]) -> scripts::Result<scripts::redis::Value> {}", ""]
    plain += [f"static S{i}: LazyLock<Script> = LazyLock::new(|| Script::new(include_str!(\"../lua/{name}\")));", "",
              f"pub async fn {fn}(con: &mut impl ConnectionLike, " + "".join(f"{p}, " for p in key_params)
              + "args: &[&str]) -> RedisResult<Value> {",
              f"    S{i}" + "".join(f".key(k{j})" for j in range(1, keys + 1)) + ".arg(args).invoke_async(con).await",
              "}", ""]
    calls.append(f"    let _ = {fn}(con, " + "".join(f"\"k{j}\", " for j in range(1, keys + 1)) + "&[\"a\", \"1\"]).await?;")
for lines, conn in ((annotated, "scripts::redis"), (plain, "redis")):
    lines += ["/// Calls every script once.",
              f"pub async fn exercise(con: &mut {conn}::aio::MultiplexedConnection) -> Result<(), Box<dyn std::error::Error>> {{"]
    lines += calls + ["    Ok(())", "}", ""]
(out / "annotated" / "src" / "lib.rs").write_text("\n".join(annotated))
(out / "plain" / "src" / "lib.rs").write_text("\n".join(plain))
manifest = """[package]
name = "{name}"
version = "0.1.0"
edition = "2024"
publish = false

[dependencies]
{dep}

[workspace]
"""
(out / "annotated" / "Cargo.toml").write_text(manifest.format(name="bench-large-annotated", dep=f"scripts = {{ path = \"{src_root}/scripts\" }}"))
(out / "plain" / "Cargo.toml").write_text(manifest.format(
    name="bench-large-plain", dep='redis = { version = "1.8", default-features = false, features = ["aio", "tokio-comp", "script"] }'))
# the lints these scripts trip: keys built from a prefix in ARGV, numbers compared unconverted
(out / "annotated" / "scripts.toml").write_text("""[lints]
key_not_from_keys = "allow"
argv_without_tonumber = "allow"
invalid_argument = "allow"
nil_arithmetic = "allow"
unused_key = "allow"
reply_without_tonumber = "allow"
shadowed_global = "allow"
dynamic_command = "allow"
""")
largest = scripts[0]
(out / "meta").write_text(f"{total} {largest[0]} {largest[1].count(chr(10)) + 1}\n")
EOF
    read -r TOTAL_LINES EDITED EDITED_LINES <"$OUT/meta"
}

# ---------------------------------------------------------------- measuring
profile() {
    if [ "$1" = build-opt ]; then
        printf '%s\n' "" "[profile.dev.build-override]" "opt-level = 3"
    fi
}

set_profile() { # VARIANT
    sed -i '/^\[profile/,$d' "$OUT/annotated/Cargo.toml"
    profile "$1" >>"$OUT/annotated/Cargo.toml"
}

stats() {
    printf '%s\n' "$@" | sort -g | awk '{v[NR]=$1} END {
        m = (NR % 2) ? v[(NR+1)/2] : (v[NR/2] + v[NR/2+1]) / 2;
        printf "%.3f s (%.3f-%.3f)", m, v[1], v[NR] }'
}

edit() { # DIR: toggles the last line of the largest script
    local file="$1/lua/$EDITED"
    if grep -qx -- "-- edit 0" "$file"; then
        sed -i 's/^-- edit 0$/-- edit 1/' "$file"
    else
        sed -i 's/^-- edit 1$/-- edit 0/' "$file"
    fi
}

touch_lib() { touch "$1/src/lib.rs"; }

measure() { # VARIANT
    local variant=$1 a p change
    local A="$OUT/annotated" P="$OUT/plain"
    local TA="$A/target-$variant" TP="$P/target"
    set_profile "$variant"
    build "$A" "$TA" >/dev/null
    build "$P" "$TP" >/dev/null
    for change in edit touch_lib; do
        local ta=() tp=() rs=()
        for ((r = 0; r < REPEATS; r++)); do
            $change "$A"
            a=$(build "$A" "$TA")
            $change "$P"
            p=$(build "$P" "$TP")
            ta+=("$a") tp+=("$p") rs+=("$(ratio "$a" "$p")")
        done
        local what="incremental rebuild after editing $EDITED ($EDITED_LINES lines)"
        [ "$change" = touch_lib ] && what="incremental rebuild after touching src/lib.rs (no script changed)"
        echo "| $variant | $what, $REPEATS runs | $(stats "${ta[@]}") | $(stats "${tp[@]}") | $(ratios "${rs[@]}") |"
    done
}

# expand_crate seconds of one `cargo rustc -- -Ztime-passes` in DIR after CHANGE
expand_time() { # DIR TARGET CHANGE
    $3 "$1"
    (cd "$1" && CARGO_TARGET_DIR="$2" RUSTC_BOOTSTRAP=1 \
        cargo "+$TOOLCHAIN" rustc -q --lib -- -Ztime-passes 2>&1 |
        awk '/expand_crate$/ { print $2 }' | tr -d ';' | tail -1)
}

time_passes() { # VARIANT
    local variant=$1 A="$OUT/annotated" P="$OUT/plain"
    local TA="$A/target-time-passes-$variant" TP="$P/target-time-passes"
    set_profile "$variant"
    expand_time "$A" "$TA" touch_lib >/dev/null
    expand_time "$P" "$TP" touch_lib >/dev/null
    local unchanged=() changed=() ae=() at=() pt=()
    for ((r = 0; r < REPEATS; r++)); do
        local a_edit a_touch p_touch
        a_edit=$(expand_time "$A" "$TA" edit)
        a_touch=$(expand_time "$A" "$TA" touch_lib)
        p_touch=$(expand_time "$P" "$TP" touch_lib)
        ae+=("$a_edit") at+=("$a_touch") pt+=("$p_touch")
        # µs per line: every script, nothing changed; the edited one, on top of that
        local per_unchanged per_changed
        per_unchanged=$(echo "($a_touch - $p_touch) * 1000000 / $TOTAL_LINES" | bc -l)
        per_changed=$(echo "($a_edit - $a_touch) * 1000000 / $EDITED_LINES + $per_unchanged" | bc -l)
        unchanged+=("$per_unchanged") changed+=("$per_changed")
    done
    printf '| %s | %s | %s | %s | **%.1f µs** (%.1f-%.1f) | **%.1f µs** (%.1f-%.1f) |\n' "$variant" \
        "$(stats "${ae[@]}")" "$(stats "${at[@]}")" "$(stats "${pt[@]}")" \
        "$(median "${unchanged[@]}")" "$(printf '%s\n' "${unchanged[@]}" | sort -g | head -1)" "$(printf '%s\n' "${unchanged[@]}" | sort -g | tail -1)" \
        "$(median "${changed[@]}")" "$(printf '%s\n' "${changed[@]}" | sort -g | head -1)" "$(printf '%s\n' "${changed[@]}" | sort -g | tail -1)"
}

main() {
    mkdir -p "$OUT"
    generate
    echo "scripts: $SOURCE; $TOTAL_LINES lines; annotated crate against $SRC_ROOT ($(git -C "$SRC_ROOT" rev-parse --short HEAD 2>/dev/null || echo '?')), toolchain $TOOLCHAIN"
    echo
    echo "| profile of the annotated crate | cargo build (debug), 10 large scripts | #[redis_script] | redis::Script | ratio: median (min-max) |"
    echo "|---|---|---:|---:|---:|"
    for variant in $VARIANTS; do
        measure "$variant"
    done
    if [ "$TIME_PASSES" = 1 ]; then
        echo
        echo "| profile | expand_crate, #[redis_script], one script edited | #[redis_script], none edited | redis::Script | per line of Lua, unchanged scripts | per line, the edited script |"
        echo "|---|---:|---:|---:|---:|---:|"
        for variant in $VARIANTS; do
            time_passes "$variant"
        done
    fi
}

main "$@"
