//! A misspelt `#[key]` is one error saying what to write, not three.

use scripts::redis_script;

#[redis_script]
async fn bump(con: &mut impl scripts::AsyncConnection, #[keys] counter: &str) -> scripts::Result<i64> {
    "return redis.call('INCR', KEYS[1])"
}

#[redis_script]
async fn claim(con: &mut impl scripts::AsyncConnection, #[prefix] queue: &str, id: &str) -> scripts::Result<i64> {
    "return redis.call('INCR', KEYS[1])"
}

fn main() {}
