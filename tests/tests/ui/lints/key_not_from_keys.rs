//! `key_not_from_keys`: one rejected script, with the compiler output users see.

use scripts::redis_script;

#[redis_script]
async fn profile(con: &mut impl scripts::AsyncConnection, user_id: &str) -> scripts::Result<Vec<String>> {
    r#"
    local key = 'user:' .. ARGV[1]
    return redis.call('HGETALL', key)
    "#
}

/// Keys built from `queue`, which is not declared `#[key(prefix)]`: the help says so.
#[redis_script]
async fn enqueue(
    con: &mut impl scripts::AsyncConnection,
    #[key] queue: &str,
    job_id: &str,
) -> scripts::Result<i64> {
    r#"
    local job = KEYS[1] .. 'job:' .. ARGV[1]
    redis.call('HSET', job, 'state', 'waiting')
    return redis.call('RPUSH', KEYS[1] .. 'wait', ARGV[1])
    "#
}

/// Keys built from the argument `prefix`, which is not declared `#[arg(prefix)]`.
#[redis_script]
async fn touch(con: &mut impl scripts::AsyncConnection, prefix: &str, job_id: &str) -> scripts::Result<i64> {
    "return redis.call('HINCRBY', ARGV[1] .. ARGV[2], 'touched', 1)"
}

fn main() {}
