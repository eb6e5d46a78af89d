//! Read-only scripts run on replicas: flagged `#!lua flags=no-writes`, or proven
//! read-only by the checker, they go as `EVALSHA_RO`.
//!
//! `cargo run --example read_only` (starts a primary and a replica).

use scripts::redis::{self, aio::MultiplexedConnection};
use scripts::{Error, redis_script};

/// The stock of an item; read-only, so a replica can answer.
#[redis_script]
pub(crate) async fn stock(con: &mut impl scripts::AsyncConnection, #[key] item: &str) -> scripts::Result<i64> {
    r#"#!lua flags=no-writes
    return tonumber(redis.call('GET', KEYS[1]) or '0')
    "#
}

/// Adds stock; writes, so only the primary accepts it.
#[redis_script]
pub(crate) async fn restock(
    con: &mut impl scripts::AsyncConnection,
    #[key] item: &str,
    count: i64,
) -> scripts::Result<i64> {
    "return redis.call('INCRBY', KEYS[1], ARGV[1])"
}

/// Walks through the pattern, checking each step.
pub(crate) async fn demo(
    primary: &mut MultiplexedConnection,
    replica: &mut MultiplexedConnection,
) -> Result<(), Box<dyn std::error::Error>> {
    let added = restock(primary, "stock:apple", 12).await?;
    println!("restock on the primary: {added}");
    // replication is asynchronous: wait for the write to arrive
    let mut seen = stock(replica, "stock:apple").await?;
    for _ in 0..200 {
        if seen == added {
            break;
        }
        tokio::time::sleep(std::time::Duration::from_millis(10)).await;
        seen = stock(replica, "stock:apple").await?;
    }
    println!("stock read on the replica (EVALSHA_RO): {seen}");
    assert_eq!(seen, added);
    match restock(replica, "stock:apple", 1).await {
        Err(error @ Error::ReadOnly { .. }) => println!("restock on the replica: {error}"),
        other => panic!("expected a READONLY error, got {other:?}"),
    }
    assert!(stock::SCRIPT.read_only() && !restock::SCRIPT.read_only());
    Ok(())
}

#[allow(dead_code)]
#[tokio::main(flavor = "current_thread")]
async fn main() -> Result<(), Box<dyn std::error::Error>> {
    let primary = scripts_tests::RedisServer::start();
    let replica = scripts_tests::RedisServer::replica_of(&primary);
    let mut primary_con = redis::Client::open(primary.url())?
        .get_multiplexed_async_connection()
        .await?;
    let mut replica_con = redis::Client::open(replica.url())?
        .get_multiplexed_async_connection()
        .await?;
    demo(&mut primary_con, &mut replica_con).await
}
