#!/usr/bin/env bash
# Checker speed against selene on the scripts of scripts-lint/benches/check.rs.
#
#   tests/benches/checker_vs_selene.sh
#
# Needs `selene` (BENCH_TOOLS/bin or PATH; run_all.sh installs it) and `hyperfine`.
# 1. writes typical_N.lua / dense_N.lua (N = 50, 200, 1000, 5000) and empty.lua with
#    `cargo run --release -p scripts-lint --example check_file -- --generate DIR`;
# 2. process level: hyperfine times `check_file FILE` (read + `scripts_lint::check` + exit)
#    and `selene FILE` side by side, PASSES times (the order alternates), for two selene
#    configurations: `std = "lua51"` (as asked), and `lua51` plus the Redis globals
#    (`KEYS`, `ARGV`, `redis.*`), so selene does not report every `KEYS[1]` as undefined;
#    selene runs with `--display-style quiet` (one line per finding, no rich rendering);
# 3. in process: criterion's `check/*` and `parse/typical` (benches/check.rs),
#    shortened (`--warm-up-time 1 --measurement-time 3`), for `scripts_lint::check` alone.
# Prints the tables as markdown.
set -euo pipefail

ROOT=$(cd "$(dirname "$0")/../.." && pwd)
TOOLS=${BENCH_TOOLS:-$ROOT/target/bench-tools}
export CARGO_TARGET_DIR=${CARGO_TARGET_DIR:-$ROOT/target/bench-target}
PASSES=${SELENE_PASSES:-3}
DIR=$(mktemp -d "${TMPDIR:-/tmp}/checker-vs-selene.XXXXXX")
trap 'rm -rf "$DIR"' EXIT
SELENE=$(command -v selene || true)
[ -x "$TOOLS/bin/selene" ] && SELENE="$TOOLS/bin/selene"
[ -n "$SELENE" ] || { echo "selene not found: run tests/benches/run_all.sh, or cargo install selene" >&2; exit 1; }
command -v hyperfine >/dev/null || { echo "hyperfine not found: apt-get install -y hyperfine" >&2; exit 1; }

cd "$ROOT"
cargo build -q --release -p scripts-lint --example check_file
CHECK="$CARGO_TARGET_DIR/release/examples/check_file"
"$CHECK" --generate "$DIR" >/dev/null

# selene configurations: lua51 as asked, and lua51 + the Redis scripting globals
printf 'std = "lua51"\n' >"$DIR/selene-lua51.toml"
printf 'std = "redis"\n' >"$DIR/selene-redis.toml"
cat >"$DIR/redis.yml" <<'EOF'
---
base: lua51
name: redis
globals:
  KEYS:
    any: true
  ARGV:
    any: true
  redis.call:
    args:
      - type: string
      - type: "..."
  redis.pcall:
    args:
      - type: string
      - type: "..."
  redis.error_reply:
    args:
      - type: string
  redis.status_reply:
    args:
      - type: string
  redis.sha1hex:
    args:
      - type: string
  redis.log:
    args:
      - type: number
      - type: string
  redis.setresp:
    args:
      - type: number
  redis.set_repl:
    args:
      - type: number
  redis.LOG_DEBUG:
    property: read-only
  redis.LOG_VERBOSE:
    property: read-only
  redis.LOG_NOTICE:
    property: read-only
  redis.LOG_WARNING:
    property: read-only
  cjson:
    any: true
  cmsgpack:
    any: true
  bit:
    any: true
  struct:
    any: true
EOF

# selene must really check (a config it cannot read fails fast and would look very fast)
for config in selene-lua51.toml selene-redis.toml; do
    if (cd "$DIR" && "$SELENE" --config "$config" --display-style quiet typical_50.lua 2>&1) | grep -q 'ERROR'; then
        echo "selene cannot run with $config:" >&2
        (cd "$DIR" && "$SELENE" --config "$config" typical_50.lua) >&2 || true
        exit 1
    fi
done

# hyperfine's median (seconds) of each command, in order, from its CSV export
medians() { awk -F, 'NR > 1 { print $4 }' "$1"; }

FILES=(empty typical_50 typical_200 typical_1000 typical_5000 dense_50 dense_200 dense_1000 dense_5000)
declare -A OURS SEL51 SELRED
cd "$DIR"
for ((p = 0; p < PASSES; p++)); do
    for f in "${FILES[@]}"; do
        ours="$CHECK $f.lua"
        s51="$SELENE --config selene-lua51.toml --display-style quiet $f.lua"
        sred="$SELENE --config selene-redis.toml --display-style quiet $f.lua"
        # alternate which command goes first
        if ((p % 2 == 0)); then cmds=("$ours" "$s51" "$sred"); else cmds=("$sred" "$s51" "$ours"); fi
        hyperfine -N -i -w 2 -m 10 -M 40 --style none --export-csv "$DIR/run.csv" "${cmds[@]}" >/dev/null 2>&1
        mapfile -t m < <(medians "$DIR/run.csv")
        if ((p % 2 == 0)); then o=${m[0]} a=${m[1]} b=${m[2]}; else o=${m[2]} a=${m[1]} b=${m[0]}; fi
        OURS[$f]+="$o " SEL51[$f]+="$a " SELRED[$f]+="$b "
    done
done

med() { printf '%s\n' $1 | sort -g | awk '{v[NR]=$1} END { print (NR % 2) ? v[(NR+1)/2] : (v[NR/2] + v[NR/2+1]) / 2 }'; }
# ratios per pass: "median (min-max)"
ratios() {
    local -a x=($1) y=($2) r=()
    for i in "${!x[@]}"; do r+=("$(echo "${x[$i]} / ${y[$i]}" | bc -l)"); done
    printf '%s\n' "${r[@]}" | sort -g | awk '{v[NR]=$1} END {
        m = (NR % 2) ? v[(NR+1)/2] : (v[NR/2] + v[NR/2+1]) / 2; printf "**%.2f** (%.2f-%.2f)", m, v[1], v[NR] }'
}
ms() { printf '%.1f' "$(echo "$(med "$1") * 1000" | bc -l)"; }

echo
echo "### Process level: whole command (start, read, check, exit), hyperfine medians of $PASSES passes"
echo
echo "| file | lines | check_file ms | selene lua51 ms | ours / selene lua51 | selene lua51+redis ms | ours / selene lua51+redis |"
echo "|---|---:|---:|---:|---:|---:|---:|"
for f in "${FILES[@]}"; do
    lines=$(wc -l <"$f.lua")
    echo "| $f | $lines | $(ms "${OURS[$f]}") | $(ms "${SEL51[$f]}") | $(ratios "${OURS[$f]}" "${SEL51[$f]}") | $(ms "${SELRED[$f]}") | $(ratios "${OURS[$f]}" "${SELRED[$f]}") |"
done
echo
echo "Findings on the generated files: check_file 0 each; selene lua51+redis: $(for f in typical_5000 dense_5000; do
    printf '%s %s, ' "$f" "$("$SELENE" --config selene-redis.toml --display-style quiet "$f.lua" 2>/dev/null | grep -c 'warning\|error' || true)"
done | sed 's/, $//') (unused locals, one statement per line)."

cd "$ROOT"
cargo bench -q -p scripts-lint --bench check -- --warm-up-time 1 --measurement-time 3 'check/|parse/' \
    >"$DIR/criterion.txt" 2>/dev/null
# "check/typical/50   time:   [246.93 µs 252.30 µs 258.12 µs]" (the name may stand on the line before)
declare -A CRIT
while read -r name median; do CRIT[$name]=$median; done < <(awk '
    /^(check|parse)\// { name = $1 }
    /time:/ && !/%/ && name != "" {
        sub(/.*\[/, ""); sub(/\].*/, "");
        v = $3; u = $4; f = (u == "ns") ? 1e-6 : (u == "µs" || u == "us") ? 1e-3 : (u == "ms") ? 1 : 1000;
        print name, v * f; name = "" }' "$DIR/criterion.txt")

echo
echo "### In process: \`scripts_lint::check\` alone (criterion medians, benches/check.rs, shortened runs)"
echo
echo "Against selene's process time less its start-up on the empty file (selene cannot be timed in process);"
echo "ratios from the medians above."
echo
echo "| file | check (criterion) ms | µs per line | full_moon parse alone ms | selene lua51+redis less start-up ms | ours / selene |"
echo "|---|---:|---:|---:|---:|---:|"
empty_sel=$(med "${SELRED[empty]}")
for f in "${FILES[@]}"; do
    [ "$f" = empty ] && continue
    kind=${f%_*} lines=${f#*_}
    ours=${CRIT[check/$kind/$lines]:-}
    [ -n "$ours" ] || continue
    parse=${CRIT[parse/$kind/$lines]:-}
    sel=$(echo "($(med "${SELRED[$f]}") - $empty_sel) * 1000" | bc -l)
    printf '| %s | %.3f | %.1f | %s | %.1f | **%.2f** |\n' "$f" "$ours" "$(echo "$ours * 1000 / $lines" | bc -l)" \
        "${parse:+$(printf '%.3f' "$parse")}" "$sel" "$(echo "$ours / $sel" | bc -l)"
done
