//! `undeclared_key_access`: one rejected script, with the compiler output users see.

use scripts::redis_script;

#[redis_script]
async fn count_sessions(con: &mut impl scripts::AsyncConnection, pattern: &str) -> scripts::Result<i64> {
    r#"
    local found = redis.call('KEYS', ARGV[1])
    return #found
    "#
}

fn main() {}
