//! A blocking script given an async connection, and the other way round: the error
//! is at the call and says which connection to pass, or which twin to call.

use scripts::redis_script;

#[redis_script]
fn blocking_get(con: &mut impl scripts::Connection, #[key] key: &str) -> scripts::Result<Option<String>> {
    "return redis.call('GET', KEYS[1])"
}

#[redis_script]
async fn async_get(con: &mut impl scripts::AsyncConnection, #[key] key: &str) -> scripts::Result<Option<String>> {
    "return redis.call('GET', KEYS[1])"
}

#[allow(dead_code)]
async fn calls(con: &mut scripts::redis::aio::MultiplexedConnection, sync: &mut scripts::redis::Connection) {
    let _ = blocking_get(con, "k");
    let _ = async_get(sync, "k").await;
}

fn main() {}
