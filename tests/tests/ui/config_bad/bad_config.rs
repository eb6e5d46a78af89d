//! Every problem of `scripts.toml` in one build, each naming the file, the line and
//! the key; the function is still declared.

use scripts::redis_script;

#[redis_script]
async fn bump(con: &mut impl scripts::AsyncConnection, #[key] counter: &str) -> scripts::Result<i64> {
    "return redis.call('INCR', KEYS[1])"
}

#[allow(dead_code)]
async fn call(con: &mut scripts::redis::aio::MultiplexedConnection) -> scripts::Result<i64> {
    bump(con, "hits").await
}

fn main() {}
