//! `scripts.toml` sets levels and the oldest server for every script; a script's own
//! options win. `always_warn` keeps warnings under `#![allow(deprecated)]`.

#![allow(deprecated)]

use scripts::redis_script;

// `unused_key = "deny"` in scripts.toml
#[redis_script]
async fn denied(con: &mut impl scripts::AsyncConnection, #[key] used: &str, #[key] unused: &str) -> scripts::Result<i64> {
    "return redis.call('INCR', KEYS[1])"
}

// the script's own levels win: a warning (kept under `allow(deprecated)`), and an error
#[redis_script(warn(unused_key), deny(dynamic_command))]
async fn overridden(
    con: &mut impl scripts::AsyncConnection,
    #[key] used: &str,
    #[key] unused: &str,
    command: &str,
) -> scripts::Result<i64> {
    "return redis.call(ARGV[1], KEYS[1])"
}

// `min_version = "7.4"` in scripts.toml: HEXPIRE (new in 7.4) is known, no error;
// `dynamic_command = "allow"`: no warning
#[redis_script]
async fn hash_ttl(con: &mut impl scripts::AsyncConnection, #[key] hash: &str, command: &str) -> scripts::Result<Vec<i64>> {
    "redis.call(ARGV[1], KEYS[1]) return redis.call('HEXPIRE', KEYS[1], 60, 'FIELDS', 1, 'f')"
}

fn main() {}
