//! `float_return`: one rejected script, with the compiler output users see.

use scripts::redis_script;

#[redis_script(deny(float_return))]
async fn average(con: &mut impl scripts::AsyncConnection, #[key] total: &str, #[key] count: &str) -> scripts::Result<i64> {
    r#"
    local total = tonumber(redis.call('GET', KEYS[1]) or '0')
    local count = tonumber(redis.call('GET', KEYS[2]) or '1')
    return total / count
    "#
}

fn main() {}
