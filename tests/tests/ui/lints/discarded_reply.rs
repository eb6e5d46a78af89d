//! `discarded_reply`: one rejected script, with the compiler output users see.

use scripts::redis_script;

#[redis_script]
async fn deposit(con: &mut impl scripts::AsyncConnection, #[key] account: &str, amount: &str) -> scripts::Result<i64> {
    r#"
    if not tonumber(ARGV[1]) then
      redis.error_reply('ERR amount must be a number')
    end
    return redis.call('INCRBY', KEYS[1], ARGV[1])
    "#
}

fn main() {}
