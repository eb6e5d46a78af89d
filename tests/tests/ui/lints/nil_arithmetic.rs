//! `nil_arithmetic` (a warning by default, denied here): one rejected script, with the
//! compiler output users see.

use scripts::redis_script;

#[redis_script(deny(nil_arithmetic))]
async fn next_value(con: &mut impl scripts::AsyncConnection, #[key] counter: &str) -> scripts::Result<i64> {
    r#"
    local n = tonumber(redis.call('GET', KEYS[1]))
    return n + 1
    "#
}

fn main() {}
