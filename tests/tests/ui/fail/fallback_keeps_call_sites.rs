//! A rejected script still yields the declared function: the caller below
//! type-checks, so the only error is the real one.

use scripts::redis_script;

#[redis_script]
async fn broken(con: &mut impl scripts::AsyncConnection, #[key] counter: &str, by: i64) -> scripts::Result<i64> {
    "return redis.call('INCRBY', KEYS[1], ARGV[1]"
}

async fn caller(con: &mut scripts::redis::aio::MultiplexedConnection) -> scripts::Result<i64> {
    let n: i64 = broken(con, "hits", 2).await?;
    println!("{}", broken::SCRIPT.sha1());
    Ok(n + 1)
}

fn main() {
    let _ = caller;
}
