//! `key_not_from_keys`: one rejected script, with the compiler output users see.

use scripts::redis_script;

#[redis_script]
async fn profile(con: &mut impl scripts::AsyncConnection, user_id: &str) -> scripts::Result<Vec<String>> {
    r#"
    local key = 'user:' .. ARGV[1]
    return redis.call('HGETALL', key)
    "#
}

fn main() {}
