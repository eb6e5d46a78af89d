//! Atomic transfer between two balances, refused when funds are short.
//!
//! `cargo run --example transfer` (starts its own redis-server unless `REDIS_URL` is set).

use scripts::redis::aio::MultiplexedConnection;
use scripts::redis_script;

/// Moves `amount` from `from` to `to`: 1 when done, -1 when `from` has less than `amount`.
#[redis_script]
pub(crate) async fn transfer(
    con: &mut impl scripts::AsyncConnection,
    #[key] from: &str,
    #[key] to: &str,
    amount: i64,
) -> scripts::Result<i64> {
    r#"
    local from = tonumber(redis.call('GET', KEYS[1]) or '0')
    local amount = tonumber(ARGV[1])
    if from < amount then return -1 end
    -- ARGV[1] itself: Redis parses it exactly, `tonumber` would round past 2^53
    redis.call('DECRBY', KEYS[1], ARGV[1])
    redis.call('INCRBY', KEYS[2], ARGV[1])
    return 1
    "#
}

/// Walks through the pattern, checking each step.
pub(crate) async fn demo(con: &mut MultiplexedConnection) -> Result<(), Box<dyn std::error::Error>> {
    let () = scripts::redis::cmd("MSET")
        .arg(&["balance:{demo}:alice", "100", "balance:{demo}:bob", "0"])
        .query_async(con)
        .await?;
    let moved = transfer(con, "balance:{demo}:alice", "balance:{demo}:bob", 70).await?;
    println!("transfer 70 from alice to bob: {moved}");
    assert_eq!(moved, 1);
    let refused = transfer(con, "balance:{demo}:alice", "balance:{demo}:bob", 70).await?;
    println!("transfer 70 more (alice has 30): {refused}");
    assert_eq!(refused, -1);
    let (alice, bob): (i64, i64) = scripts::redis::cmd("MGET")
        .arg(&["balance:{demo}:alice", "balance:{demo}:bob"])
        .query_async(con)
        .await?;
    println!("balances: alice {alice}, bob {bob}");
    assert_eq!((alice, bob), (30, 70));
    Ok(())
}

#[allow(dead_code)]
#[tokio::main(flavor = "current_thread")]
async fn main() -> Result<(), Box<dyn std::error::Error>> {
    let (mut con, _server) = scripts_tests::demo_connection().await?;
    demo(&mut con).await
}
