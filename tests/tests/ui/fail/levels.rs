//! `allow`, `warn` and `deny` per script; unknown names are errors with a hint,
//! and `lua_syntax` cannot be switched off.

use scripts::redis_script;

// allowed: compiles without a word about the unused key
#[redis_script(allow(unused_key))]
async fn allowed(con: &mut impl scripts::AsyncConnection, #[key] a: &str, #[key] b: &str) -> scripts::Result<i64> {
    "return redis.call('INCR', KEYS[1])"
}

// downgraded: a warning instead of an error
#[redis_script(warn(key_not_from_keys))]
async fn downgraded(con: &mut impl scripts::AsyncConnection) -> scripts::Result<i64> {
    "return redis.call('INCR', 'global:counter')"
}

// upgraded: an error instead of a warning
#[redis_script(deny(unused_key))]
async fn upgraded(con: &mut impl scripts::AsyncConnection, #[key] a: &str, #[key] b: &str) -> scripts::Result<i64> {
    "return redis.call('INCR', KEYS[1])"
}

#[redis_script(allow(unsused_key))]
async fn misspelled(con: &mut impl scripts::AsyncConnection, #[key] a: &str) -> scripts::Result<i64> {
    "return redis.call('INCR', KEYS[1])"
}

#[redis_script(allow(lua_syntax))]
async fn syntax(con: &mut impl scripts::AsyncConnection) -> scripts::Result<i64> {
    "return 1"
}

fn main() {}
