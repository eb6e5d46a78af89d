//! Scripts on Redis Cluster: keys with a common hash tag run together on the node
//! that owns their slot; keys in different slots are refused before sending.
//!
//! `cargo run --example cluster --features cluster` (starts a 3-primary cluster).

use scripts::cluster::AsyncClusterConnection;
use scripts::redis;
use scripts::{Error, redis_script};

/// Moves `amount` between two balances of one customer.
#[redis_script]
pub(crate) async fn transfer(
    con: &mut impl scripts::AsyncConnection,
    #[key] from: &str,
    #[key] to: &str,
    amount: i64,
) -> scripts::Result<i64> {
    r#"
    local from = tonumber(redis.call('GET', KEYS[1]) or '0')
    if from < tonumber(ARGV[1]) then return -1 end
    redis.call('DECRBY', KEYS[1], ARGV[1])
    redis.call('INCRBY', KEYS[2], ARGV[1])
    return 1
    "#
}

/// Walks through the pattern, checking each step.
pub(crate) async fn demo(con: &mut AsyncClusterConnection) -> Result<(), Box<dyn std::error::Error>> {
    let () = redis::cmd("SET")
        .arg("balance:{carol}:checking")
        .arg(100)
        .query_async(con)
        .await?;
    // `{carol}` is the hash tag: both keys live in one slot, on one node
    let moved = transfer(con, "balance:{carol}:checking", "balance:{carol}:savings", 60).await?;
    println!("transfer within {{carol}}: {moved}");
    assert_eq!(moved, 1);
    match transfer(con, "balance:carol:checking", "balance:dave:savings", 1).await {
        Err(error @ Error::CrossSlot { .. }) => println!("across customers: {error}"),
        other => panic!("expected a cross-slot error, got {other:?}"),
    }
    Ok(())
}

#[allow(dead_code)]
#[tokio::main(flavor = "current_thread")]
async fn main() -> Result<(), Box<dyn std::error::Error>> {
    let cluster = scripts_tests::RedisCluster::start();
    // redis-rs's own cluster connection re-sends requests after a dropped connection;
    // this one routes script calls itself, so each runs at most once
    let mut con = AsyncClusterConnection::connect(cluster.urls()).await?;
    demo(&mut con).await
}
