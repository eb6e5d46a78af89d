#!/usr/bin/env bash
# Where the time of one `#[redis_script]` expansion goes, inside rustc (debug build).
#
#   tests/benches/expansion_probe.sh [OUT_DIR]      (default: /work/bench-tools/compile-cost)
#
# Needs the 100-script crate that compile_cost.sh generates in OUT_DIR/annotated.
# Copies the workspace (no target/, no .git) to OUT_DIR/probe-ws and instruments the copy:
#   scripts-macro  prints, per expansion, the whole macro's time and `scripts_lint::check`'s;
#   scripts-lint   times its thread-per-check (`with_big_stack`): from spawn to the thread
#                  running, the check itself, and the join; with PROBE_NO_THREAD=1 the check
#                  runs on the macro's own thread instead (what a fix would look like).
# Then rebuilds a copy of the crate after editing one script, PROBE_RUNS times (default 4)
# with the thread and as many without, alternating, and prints the mean µs per script.
# Nothing of this is committed or linked into the real crates: it is a measurement only.
set -euo pipefail

ROOT=$(cd "$(dirname "$0")/../.." && pwd)
OUT=${1:-${COMPILE_COST_DIR:-/work/bench-tools/compile-cost}}
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
import re, sys
ws = sys.argv[1]

def patch(path, old, new):
    text = open(path).read()
    if old not in text:
        sys.exit(f"anchor not found in {path}: {old[:60]!r}")
    open(path, "w").write(text.replace(old, new, 1))

lint = f"{ws}/scripts-lint/src/lib.rs"
text = open(lint).read()
m = re.search(r"pub\(crate\) fn with_big_stack<T: Send>\(f: impl FnOnce\(\) -> T \+ Send\) -> T \{.*?\n\}\n", text, re.S)
if not m or ".stack_size(CHECK_STACK)" not in m.group(0):
    sys.exit("scripts-lint's with_big_stack changed: update expansion_probe.sh")
probe = '''#[doc(hidden)]
pub static PROBE_TIMES: std::sync::Mutex<(u128, u128, u128)> = std::sync::Mutex::new((0, 0, 0));

pub(crate) fn with_big_stack<T: Send>(f: impl FnOnce() -> T + Send) -> T {
    use std::time::Instant;
    let t0 = Instant::now();
    if std::env::var_os("PROBE_NO_THREAD").is_some() {
        let out = f();
        *PROBE_TIMES.lock().unwrap() = (0, t0.elapsed().as_micros(), 0);
        return out;
    }
    let f = std::sync::Mutex::new(Some(f));
    let take = || f.lock().unwrap_or_else(|e| e.into_inner()).take();
    let marks = std::sync::Mutex::new((t0, t0));
    let out = std::thread::scope(|scope| {
        let handle = std::thread::Builder::new()
            .name("scripts-lint".into())
            .stack_size(CHECK_STACK)
            .spawn_scoped(scope, || {
                let started = Instant::now();
                let out = take().map(|f| f());
                *marks.lock().unwrap() = (started, Instant::now());
                out
            })
            .expect("spawn");
        handle.join().unwrap().expect("ran")
    });
    let (started, finished) = *marks.lock().unwrap();
    *PROBE_TIMES.lock().unwrap() = (
        (started - t0).as_micros(),
        (finished - started).as_micros(),
        finished.elapsed().as_micros(),
    );
    out
}
'''
open(lint, "w").write(text[: m.start()] + probe + text[m.end():])

patch(f"{ws}/scripts-macro/src/diag.rs",
      "    let report = scripts_lint::check(&source, signature);",
      "    let probe_start = std::time::Instant::now();\n"
      "    let report = scripts_lint::check(&source, signature);\n"
      "    PROBE_CHECK.with(|c| c.set(probe_start.elapsed().as_micros()));")
with open(f"{ws}/scripts-macro/src/diag.rs", "a") as f:
    f.write("\nthread_local! { pub(crate) static PROBE_CHECK: std::cell::Cell<u128> = const { std::cell::Cell::new(0) }; }\n")
patch(f"{ws}/scripts-macro/src/lib.rs",
      "    expand::script(attr.into(), item.into()).into()",
      "    let probe_start = std::time::Instant::now();\n"
      "    let out = expand::script(attr.into(), item.into()).into();\n"
      "    let (wait, run, join) = *scripts_lint::PROBE_TIMES.lock().unwrap();\n"
      "    eprintln!(\"PROBE macro={} check={} thread_start={wait} check_run={run} join={join}\",\n"
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

build() { (cd "$CRATE" && CARGO_TARGET_DIR="$CRATE/target" cargo "+$TOOLCHAIN" build -q 2>&1) | grep '^PROBE' || true; }
build >/dev/null
echo
echo "| debug build, one script edited, 100 expansions | whole macro | scripts_lint::check | of which: thread start | check | join |"
echo "|---|---:|---:|---:|---:|---:|"
declare -A SUM
for ((r = 0; r < 2 * RUNS; r++)); do
    mode=thread
    if ((r % 2)); then mode=no-thread; export PROBE_NO_THREAD=1; else unset PROBE_NO_THREAD; fi
    sed -i 's/KEYS\[1\], 305)/KEYS[1], 307)/; t; s/KEYS\[1\], 307)/KEYS[1], 305)/' "$CRATE/src/s5.rs"
    SUM[$mode]+="$(build | awk '{ for (i = 2; i <= NF; i++) { split($i, kv, "="); s[kv[1]] += kv[2] } }
        END { printf "%f %f %f %f %f\n", s["macro"]/NR, s["check"]/NR, s["thread_start"]/NR, s["check_run"]/NR, s["join"]/NR }')"$'\n'
done
unset PROBE_NO_THREAD
for mode in thread no-thread; do
    printf '%s' "${SUM[$mode]}" | awk -v mode="$mode" 'NF { for (i = 1; i <= 5; i++) { s[i] += $i } n++ }
        END { label = (mode == "thread") ? "as is: a 16 MiB thread per check" : "check on the macro'"'"'s thread (PROBE_NO_THREAD)";
              printf "| %s, mean of %d builds | %.0f µs | %.0f µs | %.0f µs | %.0f µs | %.0f µs |\n", label, n, s[1]/n, s[2]/n, s[3]/n, s[4]/n, s[5]/n }'
done
