//! `reply_type_mismatch`: one rejected script, with the compiler output users see.

use scripts::redis_script;

#[redis_script]
async fn join(con: &mut impl scripts::AsyncConnection, #[key] members: &str, member: &str) -> scripts::Result<i64> {
    r#"
    if redis.call('SISMEMBER', KEYS[1], ARGV[1]) then
      return 0
    end
    return redis.call('SADD', KEYS[1], ARGV[1])
    "#
}

fn main() {}
