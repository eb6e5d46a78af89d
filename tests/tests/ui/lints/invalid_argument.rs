//! `invalid_argument`: one rejected script, with the compiler output users see.

use scripts::redis_script;

#[redis_script]
async fn tag(con: &mut impl scripts::AsyncConnection, #[key] tags: &str, #[key] session: &str) -> scripts::Result<i64> {
    r#"
    redis.call('SADD', KEYS[1], {'a', 'b'})
    return redis.call('EXPIRE', KEYS[2], 1.5)
    "#
}

fn main() {}
