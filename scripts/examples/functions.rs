//! The seed patterns (compare-and-swap, transfer, lock, rate limiter, bulk
//! reservation) as one Redis function library, checked at compile time and called
//! with typed `FCALL`s.
//!
//! `cargo run --example functions` (starts its own redis-server unless `REDIS_URL` is set).

use scripts::redis::aio::MultiplexedConnection;
use scripts::redis_library;

/// The functions of `lua/patterns.lua`, one declaration each. (The path, relative to
/// the crate root, also resolves from `tests/`, whose tests include this file.)
#[redis_library(file = "../scripts/examples/lua/patterns.lua")]
pub(crate) mod patterns {
    /// Sets `key` to `new` when it holds `expected`.
    pub(crate) async fn compare_and_swap(
        con: &mut impl scripts::AsyncConnection,
        #[key] key: &str,
        expected: &str,
        new: &str,
    ) -> scripts::Result<bool>;

    /// Moves `amount` from `from` to `to`: 1 when done, -1 when `from` has too little.
    pub(crate) async fn transfer(
        con: &mut impl scripts::AsyncConnection,
        #[key] from: &str,
        #[key] to: &str,
        amount: i64,
    ) -> scripts::Result<i64>;

    /// Takes the lock for `ttl_ms` when nobody holds it.
    pub(crate) async fn acquire_lock(
        con: &mut impl scripts::AsyncConnection,
        #[key] lock: &str,
        token: &str,
        ttl_ms: u64,
    ) -> scripts::Result<bool>;

    /// Releases the lock when `token` holds it.
    pub(crate) async fn release_lock(
        con: &mut impl scripts::AsyncConnection,
        #[key] lock: &str,
        token: &str,
    ) -> scripts::Result<bool>;

    /// Admits a request when fewer than `limit` came in the last `window_ms`.
    pub(crate) async fn rate_limit(
        con: &mut impl scripts::AsyncConnection,
        #[key] bucket: &str,
        now_ms: i64,
        window_ms: i64,
        limit: i64,
        request_id: &str,
    ) -> scripts::Result<bool>;

    /// Takes `quantity` of every item, or of none.
    pub(crate) async fn reserve_stock(
        con: &mut impl scripts::AsyncConnection,
        #[key] items: &[&str],
        quantity: i64,
    ) -> scripts::Result<i64>;

    /// The stock of all `items` together (`FCALL_RO`).
    pub(crate) async fn stock(con: &mut impl scripts::AsyncConnection, #[key] items: &[&str]) -> scripts::Result<i64>;
}

/// Walks through every function of the library, checking each step.
pub(crate) async fn demo(con: &mut MultiplexedConnection) -> Result<(), Box<dyn std::error::Error>> {
    println!(
        "library `{}` loads as `{}`",
        patterns::LIBRARY.declared_name(),
        patterns::LIBRARY.name()
    );

    let () = scripts::redis::cmd("SET")
        .arg("config:{demo}")
        .arg("v1")
        .query_async(con)
        .await?;
    assert!(patterns::compare_and_swap(con, "config:{demo}", "v1", "v2").await?);
    assert!(!patterns::compare_and_swap(con, "config:{demo}", "v1", "v3").await?);
    println!("compare_and_swap: v1 -> v2 done, a stale v1 -> v3 refused");

    let () = scripts::redis::cmd("MSET")
        .arg(&["balance:{demo}:alice", "100", "balance:{demo}:bob", "0"])
        .query_async(con)
        .await?;
    assert_eq!(
        patterns::transfer(con, "balance:{demo}:alice", "balance:{demo}:bob", 70).await?,
        1
    );
    assert_eq!(
        patterns::transfer(con, "balance:{demo}:alice", "balance:{demo}:bob", 70).await?,
        -1
    );
    println!("transfer: 70 moved, 70 more refused (30 left)");

    assert!(patterns::acquire_lock(con, "lock:{demo}", "worker-1", 10_000).await?);
    assert!(!patterns::acquire_lock(con, "lock:{demo}", "worker-2", 10_000).await?);
    assert!(!patterns::release_lock(con, "lock:{demo}", "worker-2").await?);
    assert!(patterns::release_lock(con, "lock:{demo}", "worker-1").await?);
    println!("lock: taken by worker-1, refused to worker-2, released by its holder only");

    let mut admitted = 0;
    for request in 0..5 {
        if patterns::rate_limit(
            con,
            "rate:{demo}",
            1_000 + request,
            60_000,
            3,
            &format!("req-{request}"),
        )
        .await?
        {
            admitted += 1;
        }
    }
    assert_eq!(admitted, 3);
    println!("rate_limit: 3 of 5 requests admitted in the window");

    let items = ["stock:{demo}:apples", "stock:{demo}:pears"];
    let () = scripts::redis::cmd("MSET")
        .arg(&[items[0], "5", items[1], "2"])
        .query_async(con)
        .await?;
    assert_eq!(patterns::reserve_stock(con, &items, 2).await?, 1);
    assert_eq!(patterns::reserve_stock(con, &items, 2).await?, 0);
    assert_eq!(patterns::stock(con, &items).await?, 3);
    println!("reserve_stock: 2 of each reserved, 2 more refused; 3 left in all (read with FCALL_RO)");

    // a pipeline cannot load the library halfway: it is loaded already here
    let mut pipe = scripts::redis::pipe();
    patterns::transfer::pipe(&mut pipe, "balance:{demo}:bob", "balance:{demo}:alice", 10)?;
    patterns::stock::pipe(&mut pipe, &items)?;
    let (moved, left): (i64, i64) = pipe.query_async(con).await?;
    assert_eq!((moved, left), (1, 3));
    println!("pipeline: transfer and stock in one round trip");
    Ok(())
}

#[allow(dead_code)]
#[tokio::main(flavor = "current_thread")]
async fn main() -> Result<(), Box<dyn std::error::Error>> {
    let (mut con, _server) = scripts_tests::demo_connection().await?;
    demo(&mut con).await
}
