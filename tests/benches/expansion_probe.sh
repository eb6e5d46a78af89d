#!/usr/bin/env bash
# Where the time of one `#[redis_script]` expansion goes, inside rustc (debug build).
#
#   tests/benches/expansion_probe.sh [OUT_DIR]      (default: target/bench-tools/compile-cost)
#
# Needs the 100-script crate that compile_cost.sh generates in OUT_DIR/annotated.
# Copies the workspace (no target/, no .git) to OUT_DIR/probe-ws and instruments the copy:
# scripts-macro prints, per expansion, the whole macro's time and `scripts_lint::check`'s (or the cache lookup's).
# Then rebuilds a copy of the crate after editing one script, PROBE_RUNS times (default 4)
# per profile, alternating: the debug build, and build-time code at `opt-level = 3`
# (`[profile.dev.build-override]`: the `build-opt` profile of compile_cost.sh).
# Prints the mean µs per script.
# Nothing of this is committed or linked into the real crates: it is a measurement only.
set -euo pipefail

ROOT=$(cd "$(dirname "$0")/../.." && pwd)
OUT=${1:-${COMPILE_COST_DIR:-$ROOT/target/bench-tools/compile-cost}}
RUNS=${PROBE_RUNS:-4}
TOOLCHAIN=$(sed -n 's/^channel *= *"\(.*\)"/\1/p' "$ROOT/rust-toolchain.toml")
unset CARGO_TARGET_DIR
[ -d "$OUT/annotated/src" ] || { echo "run tests/benches/compile_cost.sh first ($OUT/annotated)" >&2; exit 1; }
command -v python3 >/dev/null || { echo "expansion_probe.sh needs python3" >&2; exit 1; }

WS="$OUT/probe-ws"
CRATE="$OUT/probe-crate"
rm -rf "$WS" "$CRATE/src"
mkdir -p "$WS" "$CRATE"
(cd "$ROOT" && tar --exclude=./target --exclude=./fuzz --exclude=./.git -cf - .) | tar -xf - -C "$WS"

if ! python3 - "$WS" <<'EOF'
import sys
ws = sys.argv[1]

def patch(path, old, new):
    text = open(path).read()
    if old not in text:
        sys.exit(f"anchor not found in {path}: {old[:60]!r}")
    open(path, "w").write(text.replace(old, new, 1))

# the check, or its cached report (the time of the whole lookup)
patch(f"{ws}/scripts-macro/src/diag.rs",
      "    let report = match Cache::current() {",
      "    let probe_start = std::time::Instant::now();\n"
      "    let report = match Cache::current() {")
patch(f"{ws}/scripts-macro/src/diag.rs",
      "    Checked { located, report, sha1 }",
      "    PROBE_CHECK.with(|c| c.set(probe_start.elapsed().as_micros()));\n"
      "    Checked { located, report, sha1 }")
with open(f"{ws}/scripts-macro/src/diag.rs", "a") as f:
    f.write("\nthread_local! { pub(crate) static PROBE_CHECK: std::cell::Cell<u128> = const { std::cell::Cell::new(0) }; }\n")
patch(f"{ws}/scripts-macro/src/lib.rs",
      "    expand::script(attr.into(), item.into()).into()",
      "    let probe_start = std::time::Instant::now();\n"
      "    let out = expand::script(attr.into(), item.into()).into();\n"
      "    eprintln!(\"PROBE macro={} check={}\",\n"
      "        probe_start.elapsed().as_micros(), diag::PROBE_CHECK.with(|c| c.get()));\n"
      "    out")
EOF
then
    echo "expansion probe skipped: the instrumentation no longer applies"
    exit 0
fi

cp -r "$OUT/annotated/src" "$CRATE/src"
sed -e "s|path = \"$ROOT/scripts\"|path = \"$WS/scripts\"|" -e 's/bench-annotated/probe-crate/' -e '/^\[profile/,$d' \
    "$OUT/annotated/Cargo.toml" >"$CRATE/Cargo.toml"
cp "$ROOT/Cargo.lock" "$ROOT/rust-toolchain.toml" "$CRATE/"
cat >>"$CRATE/Cargo.toml" <<'TOML'

[profile.build-opt]
inherits = "dev"
[profile.build-opt.build-override]
opt-level = 3
TOML

build() { (cd "$CRATE" && CARGO_TARGET_DIR="$CRATE/target" cargo "+$TOOLCHAIN" build -q --profile "$1" 2>&1) | grep '^PROBE' || true; }
build dev >/dev/null
build build-opt >/dev/null
echo
echo "| one script edited, 100 expansions, mean per script | whole macro | \`scripts_lint::check\` or the cached report | the rest (syn, sha1, quote, rendering) |"
echo "|---|---:|---:|---:|"
declare -A SUM
for ((r = 0; r < 2 * RUNS; r++)); do
    profile=dev
    if ((r % 2)); then profile=build-opt; fi
    sed -i 's/KEYS\[1\], 305)/KEYS[1], 307)/; t; s/KEYS\[1\], 307)/KEYS[1], 305)/' "$CRATE/src/s5.rs"
    SUM[$profile]+="$(build $profile | awk '{ for (i = 2; i <= NF; i++) { split($i, kv, "="); s[kv[1]] += kv[2] } }
        END { printf "%f %f\n", s["macro"]/NR, s["check"]/NR }')"$'\n'
done
for profile in dev build-opt; do
    printf '%s' "${SUM[$profile]}" | awk -v profile="$profile" 'NF { for (i = 1; i <= 2; i++) { s[i] += $i } n++ }
        END { label = (profile == "dev") ? "debug build (the default)" : "build-override opt-level = 3";
              printf "| %s, mean of %d builds | %.0f µs | %.0f µs | %.0f µs |\n", label, n, s[1]/n, s[2]/n, (s[1]-s[2])/n }'
done
