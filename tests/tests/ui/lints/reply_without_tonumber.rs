//! `reply_without_tonumber`: one rejected script, with the compiler output users see.

use scripts::redis_script;

#[redis_script]
async fn over_limit(con: &mut impl scripts::AsyncConnection, #[key] counter: &str) -> scripts::Result<bool> {
    r#"
    local c = redis.call('GET', KEYS[1])
    return c and c > 5
    "#
}

fn main() {}
