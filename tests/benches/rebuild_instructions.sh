#!/usr/bin/env bash
# Instructions rustc executes to rebuild each crate of compile_cost.sh, counted by
# callgrind: a measure the machine's load does not move, and where they go.
#
#   tests/benches/rebuild_instructions.sh [OUT_DIR]   (default: target/bench-tools/compile-cost)
#
# Needs the two crates compile_cost.sh generates, with its `-Ztime-passes` target dirs
# (run it once with COMPILE_COST_TIME_PASSES=1, the default). For each crate: touch
# `src/lib.rs`, read the exact rustc command cargo would run (`cargo build -v`, after
# building anything out of date), touch again and run that command alone under
# `valgrind --tool=callgrind` (an incremental rebuild where no script changed, as rustc
# meets it after an edit elsewhere in the crate). Prints both totals and their ratio; the
# callgrind files stay in OUT_DIR for `callgrind_annotate --inclusive=yes`.
set -euo pipefail

ROOT=$(cd "$(dirname "$0")/../.." && pwd)
OUT=${1:-${COMPILE_COST_DIR:-$ROOT/target/bench-tools/compile-cost}}
TOOLCHAIN=$(sed -n 's/^channel *= *"\(.*\)"/\1/p' "$ROOT/rust-toolchain.toml")
unset CARGO_TARGET_DIR
command -v valgrind >/dev/null || { echo "rebuild_instructions.sh needs valgrind" >&2; exit 1; }

# instructions CRATE TARGET: the total of rustc's rebuild of OUT/CRATE
instructions() {
    local dir=$OUT/$1 target=$OUT/$1/$2 cmd
    [ -d "$target" ] || { echo "run tests/benches/compile_cost.sh first ($target)" >&2; exit 1; }
    touch "$dir/src/lib.rs"
    cmd=$(cd "$dir" && CARGO_TARGET_DIR="$target" RUSTC_BOOTSTRAP=1 cargo "+$TOOLCHAIN" build -v --lib 2>&1 |
        sed -n 's/^ *Running `\(.*rustc --crate-name bench_.*\)`$/\1/p' | tail -1)
    [ -n "$cmd" ] || { echo "no rustc command for $dir" >&2; exit 1; }
    touch "$dir/src/lib.rs"
    # the macro reads the crate's root from CARGO_MANIFEST_DIR, as under cargo
    (cd "$dir" && export CARGO_MANIFEST_DIR=$dir RUSTC_BOOTSTRAP=1 &&
        eval "valgrind --tool=callgrind --callgrind-out-file=$OUT/callgrind.$1.out $cmd" 2>&1) |
        sed -n 's/.*Collected : \([0-9]*\).*/\1/p'
}

annotated=$(instructions annotated target-time-passes-default)
plain=$(instructions plain target-time-passes)
echo "| rustc, rebuild with no script changed (callgrind) | #[redis_script] | redis::Script | ratio |"
echo "|---|---:|---:|---:|"
printf '| instructions | %.1f M | %.1f M | **%.2f** |\n' "$(echo "$annotated / 1000000" | bc -l)" \
    "$(echo "$plain / 1000000" | bc -l)" "$(echo "$annotated / $plain" | bc -l)"
