//! redis-rs's cluster connections re-send requests after a lost reply: they are not
//! accepted for scripts, and the error says what to use instead.

use scripts::redis_script;

#[redis_script]
async fn incr(con: &mut impl scripts::AsyncConnection, #[key] counter: &str) -> scripts::Result<i64> {
    "return redis.call('INCR', KEYS[1])"
}

#[redis_script]
fn incr_blocking(con: &mut impl scripts::Connection, #[key] counter: &str) -> scripts::Result<i64> {
    "return redis.call('INCR', KEYS[1])"
}

async fn through_redis_rs(con: &mut scripts::redis::cluster_async::ClusterConnection) -> scripts::Result<i64> {
    incr(con, "n").await
}

fn blocking_through_redis_rs(con: &mut scripts::redis::cluster::ClusterConnection) -> scripts::Result<i64> {
    incr_blocking(con, "n")
}

fn main() {}
