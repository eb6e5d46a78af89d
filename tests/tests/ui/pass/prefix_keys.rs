//! Keys built from a `#[key(prefix)]` parameter compile clean, as do the opt-out for
//! single servers and a script that declares a newer server.

use scripts::redis_script;

/// A small job queue: every key but `events` is built from the tagged prefix.
#[redis_script]
async fn enqueue(
    con: &mut impl scripts::AsyncConnection,
    #[key(prefix)] queue: &str,
    #[key] events: &str,
    job_id: &str,
    payload: &str,
) -> scripts::Result<i64> {
    r#"
    local function key(name) return KEYS[1] .. name end
    local job = string.format('%sjob:%s', KEYS[1], ARGV[1])
    redis.call('HSET', job, 'data', ARGV[2])
    redis.call('XADD', KEYS[2], '*', 'added', ARGV[1])
    return redis.call('RPUSH', key('wait'), ARGV[1])
    "#
}

#[redis_script]
fn counters(con: &mut impl scripts::Connection, #[key(prefix, allow_untagged)] scope: &[&str]) -> scripts::Result<()> {
    r#"
    for _, prefix in ipairs(KEYS) do redis.call('INCR', prefix .. 'hits') end
    "#
}

#[redis_script(min_version = "7.4")]
async fn move_next(con: &mut impl scripts::AsyncConnection, #[key] from: &str, #[key] to: &str) -> scripts::Result<Option<String>> {
    r#"
    return redis.call('BLMOVE', KEYS[1], KEYS[2], 'LEFT', 'RIGHT', 0)
    "#
}

fn main() {
    assert_eq!(enqueue::SCRIPT.prefix_keys().len(), 1);
    assert_eq!(enqueue::SCRIPT.prefix_keys()[0].param, "queue");
    assert!(counters::SCRIPT.prefix_keys()[0].slice);
    assert!(move_next::SCRIPT.prefix_keys().is_empty());
}
