//! The main demo: every seed pattern, run against a real Redis.
//!
//! `cargo run --example tour` starts a throwaway `redis-server` (or uses `REDIS_URL`),
//! then runs compare-and-swap, a transfer, a lock, a rate limiter, a bulk
//! reservation and a JSON summary, each written as a checked `#[redis_script]`.

#[path = "compare_and_swap.rs"]
mod compare_and_swap;
#[path = "json_summary.rs"]
mod json_summary;
#[path = "lock.rs"]
mod lock;
#[path = "rate_limiter.rs"]
mod rate_limiter;
#[path = "reserve_stock.rs"]
mod reserve_stock;
#[path = "transfer.rs"]
mod transfer;

#[tokio::main(flavor = "current_thread")]
async fn main() -> Result<(), Box<dyn std::error::Error>> {
    let (url, _server) = scripts_tests::url_or_start();
    let client = scripts::redis::Client::open(url.as_str())?;
    let mut con = client.get_multiplexed_async_connection().await?;
    println!("Redis at {url}\n");

    println!("== compare-and-swap");
    compare_and_swap::demo(&mut con).await?;
    println!("\n== transfer");
    transfer::demo(&mut con).await?;
    println!("\n== lock (blocking API)");
    lock::demo(&mut client.get_connection()?)?;
    println!("\n== sliding-window rate limiter");
    rate_limiter::demo(&mut con).await?;
    println!("\n== all-or-nothing stock reservation over a key slice");
    reserve_stock::demo(&mut con).await?;
    println!("\n== JSON reply decoded with serde");
    json_summary::demo(&mut con).await?;
    println!("\nevery script was checked at compile time and ran via EVALSHA");
    Ok(())
}
