//! `keys_out_of_range`: one rejected script, with the compiler output users see.

use scripts::redis_script;

#[redis_script]
async fn copy(con: &mut impl scripts::AsyncConnection, #[key] from: &str, #[key] to: &str) -> scripts::Result<()> {
    r#"
    local value = redis.call('GET', KEYS[1]) or ''
    redis.call('SET', KEYS[2], value)
    redis.call('SET', KEYS[3], value)
    "#
}

fn main() {}
