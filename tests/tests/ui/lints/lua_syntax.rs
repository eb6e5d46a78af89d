//! `lua_syntax`: one rejected script, with the compiler output users see.

use scripts::redis_script;

#[redis_script]
async fn half(con: &mut impl scripts::AsyncConnection, #[key] key: &str) -> scripts::Result<i64> {
    r#"
    local n = tonumber(redis.call('GET', KEYS[1]) or '0')
    return n // 2
    "#
}

fn main() {}
