//! `reply_compared_with_nil`: one rejected script, with the compiler output users see.

use scripts::redis_script;

#[redis_script]
async fn acquire(con: &mut impl scripts::AsyncConnection, #[key] lock: &str, token: &str) -> scripts::Result<bool> {
    r#"
    if redis.call('GET', KEYS[1]) == nil then
      redis.call('SET', KEYS[1], ARGV[1], 'PX', 30000)
      return true
    end
    return false
    "#
}

fn main() {}
