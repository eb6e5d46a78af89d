//! `lossy_return`: one rejected script, with the compiler output users see.

use scripts::redis_script;

#[redis_script]
async fn stats(con: &mut impl scripts::AsyncConnection, #[key] counter: &str) -> scripts::Result<Vec<String>> {
    r#"
    local n = tonumber(redis.call('GET', KEYS[1]) or '0')
    return {count = n, key = KEYS[1]}
    "#
}

fn main() {}
