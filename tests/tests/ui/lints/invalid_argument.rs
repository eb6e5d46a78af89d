//! `invalid_argument`: one rejected script, with the compiler output users see.

use scripts::redis_script;

#[redis_script]
async fn touch(con: &mut impl scripts::AsyncConnection, #[key] session: &str, ttl_ms: i32) -> scripts::Result<i64> {
    r#"
    return redis.call('EXPIRE', KEYS[1], tonumber(ARGV[1]) / 1000)
    "#
}

fn main() {}
