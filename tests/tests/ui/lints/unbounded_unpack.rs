//! `unbounded_unpack`: one rejected script, with the compiler output users see.

use scripts::redis_script;

#[redis_script]
async fn copy_set(con: &mut impl scripts::AsyncConnection, #[key] from: &str, #[key] to: &str) -> scripts::Result<i64> {
    r#"
    return redis.call('SADD', KEYS[2], unpack(redis.call('SMEMBERS', KEYS[1])))
    "#
}

fn main() {}
