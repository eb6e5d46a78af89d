//! The seed's own sliding-window limiter: the "unique" member comes from
//! `math.random`, which Redis never seeds. Rejected; see
//! `pass/seed_sliding_window_fixed.rs` for the version that compiles.

use scripts::redis_script;

#[redis_script]
async fn rate_limit(
    con: &mut impl scripts::AsyncConnection,
    #[key] bucket: &str,
    now_ms: i64,
    window_ms: i64,
    limit: i64,
) -> scripts::Result<bool> {
    r#"
    local now = tonumber(ARGV[1])
    local window = tonumber(ARGV[2])
    local limit = tonumber(ARGV[3])
    redis.call('ZREMRANGEBYSCORE', KEYS[1], '-inf', now - window)
    if redis.call('ZCARD', KEYS[1]) < limit then
        redis.call('ZADD', KEYS[1], now, now .. '-' .. math.random(1000000))
        redis.call('PEXPIRE', KEYS[1], window)
        return 1
    end
    return 0
    "#
}

fn main() {}
