//! The seed's sliding-window limiter, fixed: the member comes from the caller.
//! `deny(warnings)` proves it compiles without a single finding.
#![deny(warnings)]

use scripts::redis_script;

#[redis_script]
pub async fn rate_limit(
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

fn main() {
    assert_eq!(rate_limit::SCRIPT.arg_count(), 4);
}
