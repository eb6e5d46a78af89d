# Timing helpers the compile-cost benches share; sourced, never run. Needs $TOOLCHAIN.

now() { date +%s.%N; }

build() { # DIR TARGET: seconds of one `cargo build`, failing loudly on warnings or errors
    local start end log
    log=$(mktemp)
    start=$(now)
    if ! (cd "$1" && CARGO_TARGET_DIR="$2" cargo "+$TOOLCHAIN" build -q) >"$log" 2>&1; then
        cat "$log" >&2
        exit 1
    fi
    end=$(now)
    if [ -s "$log" ]; then
        echo "warnings building $1:" >&2
        head -40 "$log" >&2
        exit 1
    fi
    rm -f "$log"
    echo "$end - $start" | bc -l
}

ratios() {
    printf '%s\n' "$@" | sort -g | awk '{v[NR]=$1} END {
        m = (NR % 2) ? v[(NR+1)/2] : (v[NR/2] + v[NR/2+1]) / 2;
        printf "**%.2f** (%.2f-%.2f)", m, v[1], v[NR] }'
}
median() { printf '%s\n' "$@" | sort -g | awk '{v[NR]=$1} END { print (NR % 2) ? v[(NR+1)/2] : (v[NR/2] + v[NR/2+1]) / 2 }'; }
ratio() { echo "$1 / $2" | bc -l; }
