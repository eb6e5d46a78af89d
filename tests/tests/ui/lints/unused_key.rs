//! `unused_key`: one rejected script, with the compiler output users see.

use scripts::redis_script;

#[redis_script(deny(unused_key))]
async fn copy(con: &mut impl scripts::AsyncConnection, #[key] from: &str, #[key] to: &str) -> scripts::Result<Option<String>> {
    r#"
    return redis.call('GET', KEYS[1])
    "#
}

fn main() {}
