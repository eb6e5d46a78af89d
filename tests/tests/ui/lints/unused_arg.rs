//! `unused_arg`: one rejected script, with the compiler output users see.

use scripts::redis_script;

#[redis_script(deny(unused_arg))]
async fn set(con: &mut impl scripts::AsyncConnection, #[key] key: &str, value: &str, ttl: u32) -> scripts::Result<()> {
    r#"
    redis.call('SET', KEYS[1], ARGV[1])
    "#
}

fn main() {}
