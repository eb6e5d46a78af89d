//! `argv_without_tonumber`: one rejected script, with the compiler output users see.

use scripts::redis_script;

#[redis_script]
async fn over_limit(con: &mut impl scripts::AsyncConnection, #[key] counter: &str, limit: i64) -> scripts::Result<bool> {
    r#"
    local count = tonumber(redis.call('GET', KEYS[1]) or '0')
    return count > ARGV[1]
    "#
}

fn main() {}
