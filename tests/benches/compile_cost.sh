#!/usr/bin/env bash
# Compile cost of `#[redis_script]` against plain `redis::Script`.
#
#   tests/benches/compile_cost.sh [OUT_DIR]        (default: target/bench-tools/compile-cost)
#
# Generates two throwaway library crates under OUT_DIR (never committed):
#   annotated/  100 `#[redis_script]` async functions (10 realistic patterns x 10 variants)
#   plain/      the same 100 scripts as `static ...: LazyLock<redis::Script>` plus a typed
#               async wrapper each (`.key(..).arg(..).invoke_async(con)`)
# Both crates also contain one non-generic `exercise(&mut MultiplexedConnection)` that calls
# every function, so the calls are compiled to machine code as in an application. Both use
# the workspace's Cargo.lock and pinned toolchain.
#
# Then measures, with `cargo build` (debug), the two crates interleaved:
#   full clean build       every dependency included, once (COMPILE_COST_FULL=0 skips it)
#   clean crate build      dependencies built, the crate itself from scratch (`cargo clean -p`)
#   incremental rebuild    after editing the Lua of one script (a TTL, 305 <-> 306)
# COMPILE_COST_REPEATS times each (default 5), and prints medians, min-max and the ratios,
# for each profile variant of the annotated crate (COMPILE_COST_VARIANTS, below).
# Finally `-Ztime-passes` (through RUSTC_BOOTSTRAP=1 on the pinned compiler, in target dirs
# of their own) reports the macro expansion time of each crate: the difference / 100 is the
# expansion cost of one `#[redis_script]`. COMPILE_COST_FULL=0 skips the full clean builds,
# COMPILE_COST_TIME_PASSES=0 the expansion times.
set -euo pipefail

ROOT=$(cd "$(dirname "$0")/../.." && pwd)
OUT=${1:-${COMPILE_COST_DIR:-$ROOT/target/bench-tools/compile-cost}}
REPEATS=${COMPILE_COST_REPEATS:-5}
FULL=${COMPILE_COST_FULL:-1}
TIME_PASSES=${COMPILE_COST_TIME_PASSES:-1}
# "default": the crate as generated; "build-opt": plus `opt-level = 3` for build-time code
# (`[profile.dev.build-override]`: proc macros and their dependencies), as README.md recommends
VARIANTS=${COMPILE_COST_VARIANTS:-default build-opt}
TOOLCHAIN=$(sed -n 's/^channel *= *"\(.*\)"/\1/p' "$ROOT/rust-toolchain.toml")
# shellcheck source=timing.sh
. "$ROOT/tests/benches/timing.sh"
# generated crates build with their own target dirs, never the workspace's
unset CARGO_TARGET_DIR

# ---------------------------------------------------------------- the 10 patterns
# Each pattern: NAME, DOC, ANNOTATED PARAMS, PLAIN PARAMS, RETURN TYPE, PLAIN CALL (an
# expression on $S, the static), EXERCISE ARGS, LUA. `@I@` is the variant number (0-9);
# `@TTL_n@` is n + variant, so every script text (and SHA1) differs.
patterns() {
    pattern transfer 'Moves an amount between two balances; -1 when funds are short.' \
        '#[key] from: &str, #[key] to: &str, amount: i64' \
        'from: &str, to: &str, amount: i64' 'i64' \
        '$S.key(from).key(to).arg(amount).invoke_async(con).await' \
        '"bal:{a}:@I@", "bal:{b}:@I@", 5' "
local from = tonumber(redis.call('GET', KEYS[1]) or '0')
local amount = tonumber(ARGV[1])
if from < amount then return -1 end
redis.call('DECRBY', KEYS[1], ARGV[1])
redis.call('INCRBY', KEYS[2], ARGV[1])
redis.call('EXPIRE', KEYS[2], @TTL_60@)
return 1
"
    pattern rate_limit 'Sliding-window rate limiter; true when the request is admitted.' \
        '#[key] bucket: &str, now_ms: i64, window_ms: i64, limit: i64, request_id: &str' \
        'bucket: &str, now_ms: i64, window_ms: i64, limit: i64, request_id: &str' 'bool' \
        '$S.key(bucket).arg(now_ms).arg(window_ms).arg(limit).arg(request_id).invoke_async(con).await' \
        '"rl:{u}:@I@", 1_000, 1_000, 10, "req-@I@"' "
-- rate limiter, variant @I@
local now = tonumber(ARGV[1])
local window = tonumber(ARGV[2])
local limit = tonumber(ARGV[3])
redis.call('ZREMRANGEBYSCORE', KEYS[1], '-inf', now - window)
if redis.call('ZCARD', KEYS[1]) < limit then
    redis.call('ZADD', KEYS[1], now, ARGV[4])
    redis.call('PEXPIRE', KEYS[1], window)
    return 1
end
return 0
"
    pattern compare_and_swap 'Sets the value only if it still is `expected`.' \
        '#[key] key: &str, expected: &str, new: &str' \
        'key: &str, expected: &str, new: &str' 'bool' \
        '$S.key(key).arg(expected).arg(new).invoke_async(con).await' \
        '"cas:@I@", "old", "new"' "
if redis.call('GET', KEYS[1]) == ARGV[1] then
    redis.call('SET', KEYS[1], ARGV[2], 'EX', @TTL_600@)
    return 1
end
return 0
"
    pattern lock_acquire 'Takes the lock for `ttl_ms` if nobody holds it.' \
        '#[key] lock: &str, token: &str, ttl_ms: i64' \
        'lock: &str, token: &str, ttl_ms: i64' 'bool' \
        '$S.key(lock).arg(token).arg(ttl_ms).invoke_async(con).await' \
        '"lock:@I@", "token", 30_000' "
-- lock acquire, variant @I@
if redis.call('SET', KEYS[1], ARGV[1], 'NX', 'PX', ARGV[2]) then
    return 1
end
return 0
"
    pattern lock_release 'Releases the lock only for the token that took it.' \
        '#[key] lock: &str, token: &str' \
        'lock: &str, token: &str' 'bool' \
        '$S.key(lock).arg(token).invoke_async(con).await' \
        '"lock:@I@", "token"' "
-- lock release, variant @I@
if redis.call('GET', KEYS[1]) == ARGV[1] then
    return redis.call('DEL', KEYS[1])
end
return 0
"
    pattern reserve_stock 'Takes `quantity` of every item, or of none.' \
        '#[key] items: &[&str], quantity: i64' \
        'items: &[&str], quantity: i64' 'i64' \
        '{ let mut call = $S.prepare_invoke(); for item in items { call.key(*item); } call.arg(quantity).invoke_async(con).await }' \
        '&["stock:{s}:@I@:a", "stock:{s}:@I@:b"], 2' "
-- reservation, variant @I@
local quantity = tonumber(ARGV[1])
for _, item in ipairs(KEYS) do
    if tonumber(redis.call('GET', item) or '0') < quantity then
        return 0
    end
end
for _, item in ipairs(KEYS) do
    redis.call('DECRBY', item, ARGV[1])
end
return 1
"
    pattern counter 'Counts, and starts the expiry on the first increment.' \
        '#[key] counter: &str, by: i64' \
        'counter: &str, by: i64' 'i64' \
        '$S.key(counter).arg(by).invoke_async(con).await' \
        '"count:@I@", 1' "
local n = redis.call('INCRBY', KEYS[1], ARGV[1])
if n == tonumber(ARGV[1]) then
    redis.call('EXPIRE', KEYS[1], @TTL_300@)
end
return n
"
    pattern leaderboard 'Keeps the best score of a member and the top entries; the rank of the member.' \
        '#[key] board: &str, member: &str, score: i64' \
        'board: &str, member: &str, score: i64' 'Option<i64>' \
        '$S.key(board).arg(member).arg(score).invoke_async(con).await' \
        '"board:@I@", "alice", 42' "
local best = tonumber(redis.call('ZSCORE', KEYS[1], ARGV[1]) or '-1')
if tonumber(ARGV[2]) > best then
    redis.call('ZADD', KEYS[1], ARGV[2], ARGV[1])
end
redis.call('ZREMRANGEBYRANK', KEYS[1], 0, -@TTL_100@)
return redis.call('ZREVRANK', KEYS[1], ARGV[1])
"
    pattern idempotent_set 'Stores the value once per request id.' \
        '#[key] seen: &str, #[key] target: &str, request_id: &str, value: &str' \
        'seen: &str, target: &str, request_id: &str, value: &str' 'bool' \
        '$S.key(seen).key(target).arg(request_id).arg(value).invoke_async(con).await' \
        '"seen:{r}:@I@", "value:{r}:@I@", "req", "v"' "
if redis.call('SET', KEYS[1], ARGV[1], 'NX', 'EX', @TTL_3600@) then
    redis.call('SET', KEYS[2], ARGV[2])
    return 1
end
return 0
"
    pattern queue_claim 'Moves the next job to the processing set until `now + visibility`.' \
        '#[key] pending: &str, #[key] processing: &str, now_ms: i64, visibility_ms: i64' \
        'pending: &str, processing: &str, now_ms: i64, visibility_ms: i64' 'Option<String>' \
        '$S.key(pending).key(processing).arg(now_ms).arg(visibility_ms).invoke_async(con).await' \
        '"jobs:{q}:@I@", "claimed:{q}:@I@", 1_000, 30_000' "
-- queue claim, variant @I@
local job = redis.call('RPOP', KEYS[1])
if not job then
    return false
end
redis.call('ZADD', KEYS[2], tonumber(ARGV[1]) + tonumber(ARGV[2]), job)
return job
"
}

# substitutes @I@ and @TTL_n@ for variant $1
variant() {
    local i=$1 text=$2 n
    text=${text//@I@/$i}
    while [[ $text =~ @TTL_([0-9]+)@ ]]; do
        n=${BASH_REMATCH[1]}
        text=${text//@TTL_${n}@/$((n + i))}
    done
    printf '%s' "$text"
}

# pattern NAME DOC ANNOTATED PLAIN RET PLAIN_CALL EXERCISE LUA: appends variant $I to both crates
pattern() {
    local name=$1 doc=$2 annotated=$3 plain=$4 ret=$5 call=$6 exercise=$7 lua
    local fn="${name}_$I" static
    static=$(echo "$fn" | tr '[:lower:]' '[:upper:]')
    lua=$(variant "$I" "$8")
    exercise=$(variant "$I" "$exercise")
    call=${call//\$S/$static}
    cat >>"$ANNOTATED_MOD" <<EOF

/// $doc
#[redis_script]
pub async fn $fn(con: &mut impl scripts::AsyncConnection, $annotated) -> scripts::Result<$ret> {
    r#"$lua
"#
}
EOF
    cat >>"$PLAIN_MOD" <<EOF

static $static: LazyLock<Script> = LazyLock::new(|| {
    Script::new(
        r#"$lua
"#,
    )
});

/// $doc
pub async fn $fn(con: &mut impl ConnectionLike, $plain) -> RedisResult<$ret> {
    $call
}
EOF
    EXERCISE+="    let _ = $fn(con, $exercise).await?;"$'\n'
}

crate_files() { # DIR NAME DEPENDENCY
    mkdir -p "$1/src"
    cat >"$1/Cargo.toml" <<EOF
[package]
name = "$2"
version = "0.1.0"
edition = "2024"
publish = false

[dependencies]
$3

[workspace]
EOF
    cp "$ROOT/Cargo.lock" "$1/Cargo.lock"
    cp "$ROOT/rust-toolchain.toml" "$1/rust-toolchain.toml"
}

generate() {
    rm -rf "$OUT/annotated/src" "$OUT/plain/src"
    crate_files "$OUT/annotated" bench-annotated "scripts = { path = \"$ROOT/scripts\" }"
    crate_files "$OUT/plain" bench-plain \
        'redis = { version = "1.8", default-features = false, features = ["aio", "tokio-comp", "script"] }'
    local lib_a="$OUT/annotated/src/lib.rs" lib_p="$OUT/plain/src/lib.rs"
    printf '%s\n' "//! 100 scripts as \`#[redis_script]\` functions (generated by tests/benches/compile_cost.sh)." \
        "#![allow(missing_docs)]" >"$lib_a"
    printf '%s\n' "//! 100 scripts as \`redis::Script\` statics (generated by tests/benches/compile_cost.sh)." \
        "#![allow(missing_docs)]" >"$lib_p"
    local all=""
    for I in 0 1 2 3 4 5 6 7 8 9; do
        ANNOTATED_MOD="$OUT/annotated/src/s$I.rs"
        PLAIN_MOD="$OUT/plain/src/s$I.rs"
        EXERCISE=""
        printf '%s\n' "//! Variant $I of every pattern." "use scripts::redis_script;" >"$ANNOTATED_MOD"
        printf '%s\n' "//! Variant $I of every pattern." "use std::sync::LazyLock;" "" \
            "use redis::aio::ConnectionLike;" "use redis::{RedisResult, Script};" >"$PLAIN_MOD"
        patterns
        local ex_a="pub async fn exercise(con: &mut scripts::redis::aio::MultiplexedConnection) -> Result<(), Box<dyn std::error::Error>> {"
        local ex_p="pub async fn exercise(con: &mut redis::aio::MultiplexedConnection) -> Result<(), Box<dyn std::error::Error>> {"
        printf '\n/// Calls every script once.\n%s\n%s    Ok(())\n}\n' "$ex_a" "$EXERCISE" >>"$ANNOTATED_MOD"
        printf '\n/// Calls every script once.\n%s\n%s    Ok(())\n}\n' "$ex_p" "$EXERCISE" >>"$PLAIN_MOD"
        printf 'pub mod s%s;\n' "$I" | tee -a "$lib_a" >>"$lib_p"
        all+="    s$I::exercise(con).await?;"$'\n'
    done
    printf '\n/// Calls all 100 scripts once.\npub async fn exercise(con: &mut scripts::redis::aio::MultiplexedConnection) -> Result<(), Box<dyn std::error::Error>> {\n%s    Ok(())\n}\n' "$all" >>"$lib_a"
    printf '\n/// Calls all 100 scripts once.\npub async fn exercise(con: &mut redis::aio::MultiplexedConnection) -> Result<(), Box<dyn std::error::Error>> {\n%s    Ok(())\n}\n' "$all" >>"$lib_p"
}

# ---------------------------------------------------------------- measuring
# the profile section of the annotated crate for variant $1: "default" (none), or
# "build-opt": proc macros and their dependencies (syn, the checker, full_moon) compiled
# with optimisations in debug builds, as README.md recommends
profile() {
    if [ "$1" = build-opt ]; then
        printf '%s\n' "" "[profile.dev.build-override]" "opt-level = 3"
    fi
}

# build DIR TARGET: seconds of one `cargo build` (fails loudly on warnings or errors)
# stats VALUES...: "median s (min-max)"
stats() {
    printf '%s\n' "$@" | sort -g | awk '{v[NR]=$1} END {
        m = (NR % 2) ? v[(NR+1)/2] : (v[NR/2] + v[NR/2+1]) / 2;
        printf "%.2f s (%.2f-%.2f)", m, v[1], v[NR] }'
}
# ratios VALUES...: "**median** (min-max)"

# the edited script: the TTL of counter_5, in both crates
edit() { # DIR
    local file="$1/src/s5.rs"
    if grep -qF "KEYS[1], 305)" "$file"; then
        sed -i "s/KEYS\[1\], 305)/KEYS[1], 306)/" "$file"
    else
        sed -i "s/KEYS\[1\], 306)/KEYS[1], 305)/" "$file"
    fi
}

# measure VARIANT: prints the table rows of one variant
measure() {
    local variant=$1 a p
    local A="$OUT/annotated" P="$OUT/plain"
    local TA="$OUT/annotated/target-$variant" TP="$OUT/plain/target"
    sed -i '/^\[profile/,$d' "$A/Cargo.toml"
    profile "$variant" >>"$A/Cargo.toml"
    if [ "$FULL" = 1 ]; then
        rm -rf "$TA" "$TP"
        a=$(build "$A" "$TA")
        p=$(build "$P" "$TP")
        printf '| %s | full clean build (all dependencies), 1 run | %.1f s | %.1f s | **%.2f** |\n' \
            "$variant" "$a" "$p" "$(ratio "$a" "$p")"
    else
        build "$A" "$TA" >/dev/null
        build "$P" "$TP" >/dev/null
    fi
    local clean_a=() clean_p=() inc_a=() inc_p=() r_clean=() r_inc=()
    for ((r = 0; r < REPEATS; r++)); do
        (cd "$A" && CARGO_TARGET_DIR="$TA" cargo "+$TOOLCHAIN" clean -q -p bench-annotated)
        (cd "$P" && CARGO_TARGET_DIR="$TP" cargo "+$TOOLCHAIN" clean -q -p bench-plain)
        a=$(build "$A" "$TA")
        p=$(build "$P" "$TP")
        clean_a+=("$a") clean_p+=("$p") r_clean+=("$(ratio "$a" "$p")")
    done
    for ((r = 0; r < REPEATS; r++)); do
        edit "$A"
        a=$(build "$A" "$TA")
        edit "$P"
        p=$(build "$P" "$TP")
        inc_a+=("$a") inc_p+=("$p") r_inc+=("$(ratio "$a" "$p")")
    done
    echo "| $variant | clean build of the crate (dependencies built), $REPEATS runs | $(stats "${clean_a[@]}") | $(stats "${clean_p[@]}") | $(ratios "${r_clean[@]}") |"
    echo "| $variant | incremental rebuild after editing one script's Lua, $REPEATS runs | $(stats "${inc_a[@]}") | $(stats "${inc_p[@]}") | $(ratios "${r_inc[@]}") |"
}

# time_passes VARIANT: macro expansion time per crate, from rustc's -Ztime-passes
# (RUSTC_BOOTSTRAP=1 lets the pinned stable compiler take -Z flags; it also makes cargo
# rebuild proc-macro2 and everything above it, hence target dirs of their own)
time_passes() {
    local variant=$1 crate dir target out runs_a=() runs_p=()
    for ((r = 0; r < REPEATS; r++)); do
        for crate in annotated plain; do
            dir="$OUT/$crate"
            target="$dir/target-time-passes-$variant"
            [ "$crate" = plain ] && target="$dir/target-time-passes"
            touch "$dir/src/lib.rs"
            out=$(cd "$dir" && CARGO_TARGET_DIR="$target" RUSTC_BOOTSTRAP=1 \
                cargo "+$TOOLCHAIN" rustc -q --lib -- -Ztime-passes 2>&1 |
                awk '/expand_crate$/ { print $2 }' | tr -d ';' | tail -1)
            if [ "$crate" = annotated ]; then runs_a+=("$out"); else runs_p+=("$out"); fi
        done
    done
    local per=()
    for r in "${!runs_a[@]}"; do per+=("$(echo "(${runs_a[$r]} - ${runs_p[$r]}) * 10" | bc -l)"); done
    printf '| %s | %s | %s | **%.2f ms** (%.2f-%.2f) |\n' "$variant" "$(stats "${runs_a[@]}")" "$(stats "${runs_p[@]}")" \
        "$(median "${per[@]}")" "$(printf '%s\n' "${per[@]}" | sort -g | head -1)" "$(printf '%s\n' "${per[@]}" | sort -g | tail -1)"
}

main() {
    command -v bc >/dev/null || { echo "compile_cost.sh needs bc (apt-get install bc)" >&2; exit 1; }
    mkdir -p "$OUT"
    generate
    echo "generated: $OUT/annotated and $OUT/plain (100 scripts each), toolchain $TOOLCHAIN"
    echo
    echo "| profile of the annotated crate | cargo build (debug), 100 scripts | #[redis_script] | redis::Script | ratio: median (min-max) |"
    echo "|---|---|---:|---:|---:|"
    for variant in $VARIANTS; do
        measure "$variant"
    done
    if [ "$TIME_PASSES" = 1 ]; then
        echo
        echo "| profile of the annotated crate | rustc -Ztime-passes \`expand_crate\`, $REPEATS runs: #[redis_script] crate | redis::Script crate | per #[redis_script]: median (min-max) |"
        echo "|---|---:|---:|---:|"
        for variant in $VARIANTS; do
            sed -i '/^\[profile/,$d' "$OUT/annotated/Cargo.toml"
            profile "$variant" >>"$OUT/annotated/Cargo.toml"
            time_passes "$variant"
        done
    fi
}

main "$@"
