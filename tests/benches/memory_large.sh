#!/usr/bin/env bash
# Peak memory of the release `redis-lua-lint` on large generated scripts, and its refusal
# of scripts over the checker's limit (2 MiB, `scripts_lint::MAX_SCRIPT_BYTES`).
#
#   tests/benches/memory_large.sh [BIN]     (default BIN: target/release/redis-lua-lint, built if missing)
#
# Writes, under target/bench-tools/memory-large (never committed), scripts of
# `redis.call('SET', KEYS[1], 'v')` lines (32 bytes each, which Redis compiles) of 64 KiB,
# 512 KiB, 1 MiB and just under 2 MiB, one of one-line statements (`local v1 = 1` in
# `do ... end` blocks) just under 2 MiB, and the 3.2 MB script of 100,000 lines, over the
# limit. Runs the command on each (`--no-config --format concise`) under GNU time and
# prints its peak resident memory, the same on a one-line script (the process's
# baseline), and the peak above that baseline per byte of input. The 3.2 MB script must
# be refused (exit status 2, the limit in the message) without being read.
set -euo pipefail

ROOT=$(cd "$(dirname "$0")/../.." && pwd)
BIN=${1:-$ROOT/target/release/redis-lua-lint}
OUT=$ROOT/target/bench-tools/memory-large
[ -x /usr/bin/time ] || { echo "memory_large.sh needs GNU time (apt-get install time)" >&2; exit 1; }
if [ ! -x "$BIN" ]; then
    (cd "$ROOT" && cargo build --release -q -p redis-lua-lint)
fi
mkdir -p "$OUT"

python3 - "$OUT" <<'EOF'
import sys
from pathlib import Path
out = Path(sys.argv[1])
line = "redis.call('SET', KEYS[1], 'v')\n"
for name, size in [("set_64k", 64 << 10), ("set_512k", 512 << 10), ("set_1m", 1 << 20), ("set_2m", (2 << 20) - 32)]:
    (out / f"{name}.lua").write_text(line * (size // len(line)))
(out / "set_3200000.lua").write_text(line * 100_000)
# one-line statements, 100 locals per block (Lua allows 200 in a function)
block = "do\n" + "".join(f"local v{i} = {i}\n" for i in range(100)) + "end\n"
(out / "locals_2m.lua").write_text(block * (((2 << 20) - 64) // len(block)))
(out / "one.lua").write_text("return redis.call('GET', KEYS[1])\n")
EOF

peak_kb() { # FILE: peak RSS in KB; exit status in $OUT/status
    local log
    log=$(mktemp)
    set +e
    /usr/bin/time -f "%M" -o "$log" "$BIN" --no-config --format concise "$1" >/dev/null 2>"$OUT/stderr"
    echo $? >"$OUT/status"
    set -e
    tail -1 "$log"
    rm -f "$log"
}

base=$(peak_kb "$OUT/one.lua")
echo "binary: $BIN; baseline (a one-line script): $base KB peak"
echo
echo "| script | bytes | exit | peak RSS | above baseline, bytes per byte of input |"
echo "|---|---:|---:|---:|---:|"
for name in set_64k set_512k set_1m set_2m locals_2m set_3200000; do
    file="$OUT/$name.lua"
    bytes=$(stat -c %s "$file")
    kb=$(peak_kb "$file")
    STATUS=$(cat "$OUT/status")
    per=$(echo "($kb - $base) * 1024 / $bytes" | bc -l)
    printf '| %s | %d | %d | %.1f MB | %.1f |\n' "$name" "$bytes" "$STATUS" "$(echo "$kb / 1024" | bc -l)" "$per"
    if [ "$name" = set_3200000 ]; then
        if [ "$STATUS" != 2 ] || ! grep -q "2097152 bytes (2 MiB)" "$OUT/stderr"; then
            echo "the 3.2 MB script was not refused:" >&2
            cat "$OUT/stderr" >&2
            exit 1
        fi
    fi
done
echo
echo "refusal: $(cat "$OUT/stderr")"
