//! `unseeded_random`: one rejected script, with the compiler output users see.

use scripts::redis_script;

#[redis_script]
async fn ticket(con: &mut impl scripts::AsyncConnection, #[key] tickets: &str) -> scripts::Result<i64> {
    r#"
    local id = math.random(1000000)
    redis.call('SADD', KEYS[1], id)
    return id
    "#
}

fn main() {}
