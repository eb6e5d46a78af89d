//! Compare-and-swap: set a key only if it still holds the value you read.
//!
//! `cargo run --example compare_and_swap` (starts its own redis-server unless
//! `REDIS_URL` is set).

use scripts::redis::aio::MultiplexedConnection;
use scripts::redis_script;

/// Sets `key` to `new` if it currently holds `expected`; true when it did.
#[redis_script]
pub(crate) async fn compare_and_swap(
    con: &mut impl scripts::AsyncConnection,
    #[key] key: &str,
    expected: &str,
    new: &str,
) -> scripts::Result<bool> {
    r#"
    if redis.call('GET', KEYS[1]) == ARGV[1] then
        redis.call('SET', KEYS[1], ARGV[2])
        return 1
    end
    return 0
    "#
}

/// Walks through the pattern, checking each step.
pub(crate) async fn demo(con: &mut MultiplexedConnection) -> Result<(), Box<dyn std::error::Error>> {
    let () = scripts::redis::cmd("SET")
        .arg("config:version")
        .arg("v1")
        .query_async(con)
        .await?;
    let swapped = compare_and_swap(con, "config:version", "v1", "v2").await?;
    println!("swap v1 -> v2: {swapped}");
    assert!(swapped);
    let stale = compare_and_swap(con, "config:version", "v1", "v3").await?;
    println!("swap v1 -> v3 with a stale read: {stale}");
    assert!(!stale);
    Ok(())
}

#[allow(dead_code)]
#[tokio::main(flavor = "current_thread")]
async fn main() -> Result<(), Box<dyn std::error::Error>> {
    let (mut con, _server) = scripts_tests::demo_connection().await?;
    demo(&mut con).await
}
