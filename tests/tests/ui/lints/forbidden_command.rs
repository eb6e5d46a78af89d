//! `forbidden_command`: one rejected script, with the compiler output users see.

use scripts::redis_script;

#[redis_script]
async fn transaction(con: &mut impl scripts::AsyncConnection, #[key] key: &str) -> scripts::Result<()> {
    r#"
    redis.call('MULTI')
    redis.call('INCR', KEYS[1])
    redis.call('EXEC')
    "#
}

fn main() {}
