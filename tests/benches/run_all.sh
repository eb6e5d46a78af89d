#!/usr/bin/env bash
# Every benchmark of BENCHMARKS.md, one after the other, printing its tables (markdown).
#
#   tests/benches/run_all.sh
#
# Installs what is missing: redis-server/redis-benchmark, hyperfine and bc (apt-get), selene
# (cargo install into BENCH_TOOLS, only to compare against; never a dependency).
# Environment:
#   CARGO_TARGET_DIR  where the benches build (default target/bench-target: a target dir of its own)
#   BENCH_TOOLS       selene and the generated throwaway crates (default target/bench-tools)
#   ONLY              a subset, e.g. ONLY="call limit lint compile probe"
# The output is also saved to BENCH_TOOLS/results/<date>.md.
# Takes about 20-30 minutes on 2 cores (the compile-cost part does clean builds).
set -euo pipefail

ROOT=$(cd "$(dirname "$0")/../.." && pwd)
export BENCH_TOOLS=${BENCH_TOOLS:-$ROOT/target/bench-tools}
export CARGO_TARGET_DIR=${CARGO_TARGET_DIR:-$ROOT/target/bench-target}
ONLY=${ONLY:-call limit lint compile probe}
SELENE_VERSION=0.31.0
BENCHES="$ROOT/tests/benches"
mkdir -p "$BENCH_TOOLS/results"
RESULTS="$BENCH_TOOLS/results/$(date -u +%Y%m%dT%H%M%SZ).md"

apt_install() {
    local sudo=""
    [ "$(id -u)" -ne 0 ] && sudo="sudo"
    $sudo apt-get update -qq >/dev/null
    $sudo env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "$@" >/dev/null
}
want() { [[ " $ONLY " == *" $1 "* ]]; }

# ------------------------------------------------------------------ prerequisites
missing=()
command -v redis-server >/dev/null || missing+=(redis-server)
command -v redis-benchmark >/dev/null || missing+=(redis-tools)
command -v hyperfine >/dev/null || missing+=(hyperfine)
command -v bc >/dev/null || missing+=(bc)
command -v python3 >/dev/null || missing+=(python3)
[ ${#missing[@]} -eq 0 ] || apt_install "${missing[@]}"
if want lint && ! "$BENCH_TOOLS/bin/selene" --version 2>/dev/null | grep -q "$SELENE_VERSION"; then
    echo "installing selene $SELENE_VERSION into $BENCH_TOOLS (a few minutes)..." >&2
    cargo install -q selene --version "$SELENE_VERSION" --locked --no-default-features --root "$BENCH_TOOLS" \
        --target-dir "$CARGO_TARGET_DIR/selene-build"
fi

{
    echo "# scripts benchmarks, $(date -u '+%Y-%m-%d %H:%M UTC')"
    echo
    echo "## Machine"
    echo
    echo '```text'
    echo "nproc: $(nproc)"
    lscpu | head -n 15
    free -h | head -n 2
    echo "load average before: $(cut -d' ' -f1-3 /proc/loadavg)"
    redis-server --version
    (cd "$ROOT" && rustc --version)
    "$BENCH_TOOLS/bin/selene" --version 2>/dev/null || true
    hyperfine --version
    echo '```'

    cd "$ROOT"
    if want call; then
        echo
        cargo bench -q -p scripts-tests --bench call_overhead 2>/dev/null
    fi
    if want limit; then
        echo
        cargo bench -q -p scripts-tests --bench server_limit 2>/dev/null
    fi
    if want lint; then
        echo
        echo "# Checker speed against selene"
        bash "$BENCHES/checker_vs_selene.sh"
    fi
    if want compile; then
        echo
        echo "# Compile cost"
        echo
        COMPILE_COST_VARIANTS=${COMPILE_COST_VARIANTS:-default build-opt} bash "$BENCHES/compile_cost.sh"
    fi
    if want probe; then
        echo
        echo "# Inside one expansion"
        bash "$BENCHES/expansion_probe.sh"
    fi
    echo
    echo "load average after: $(cut -d' ' -f1-3 /proc/loadavg)"
} 2>&1 | tee "$RESULTS"
echo "saved to $RESULTS" >&2
