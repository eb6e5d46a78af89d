//! A sliding-window rate limiter: at most `limit` requests in any `window_ms`.
//!
//! The sorted-set member must be unique per request. It comes from the caller
//! (`request_id`), not from `math.random`, which Redis does not seed: "unique"
//! random members would repeat after every restart.
//!
//! `cargo run --example rate_limiter` (starts its own redis-server unless `REDIS_URL` is set).

use scripts::redis::aio::MultiplexedConnection;
use scripts::redis_script;

/// Admits the request if fewer than `limit` were admitted in the `window_ms`
/// before `now_ms`; true when admitted.
#[redis_script]
pub(crate) async fn rate_limit(
    con: &mut impl scripts::AsyncConnection,
    #[key] bucket: &str,
    now_ms: i64,
    window_ms: i64,
    limit: i64,
    request_id: &str,
) -> scripts::Result<bool> {
    r#"
    local now = tonumber(ARGV[1])
    local window = tonumber(ARGV[2])
    local limit = tonumber(ARGV[3])
    redis.call('ZREMRANGEBYSCORE', KEYS[1], '-inf', now - window)
    if redis.call('ZCARD', KEYS[1]) < limit then
        redis.call('ZADD', KEYS[1], now, ARGV[4])
        redis.call('PEXPIRE', KEYS[1], window)
        return 1
    end
    return 0
    "#
}

/// Walks through the pattern, checking each step.
pub(crate) async fn demo(con: &mut MultiplexedConnection) -> Result<(), Box<dyn std::error::Error>> {
    let mut admitted = 0;
    for i in 0..8 {
        if rate_limit(con, "ratelimit:{demo}", 1_000 + i, 1_000, 5, &format!("req-{i}")).await? {
            admitted += 1;
        }
    }
    println!("8 requests within one second, limit 5: {admitted} admitted");
    assert_eq!(admitted, 5);
    let later = rate_limit(con, "ratelimit:{demo}", 2_500, 1_000, 5, "req-later").await?;
    println!("a request once the window has moved on: admitted = {later}");
    assert!(later);
    Ok(())
}

#[allow(dead_code)]
#[tokio::main(flavor = "current_thread")]
async fn main() -> Result<(), Box<dyn std::error::Error>> {
    let (mut con, _server) = scripts_tests::demo_connection().await?;
    demo(&mut con).await
}
