//! `shadowed_global`: one rejected script, with the compiler output users see.

use scripts::redis_script;

#[redis_script]
async fn collect(con: &mut impl scripts::AsyncConnection, #[key] key: &str) -> scripts::Result<i64> {
    r#"
    local table = redis.call('SMEMBERS', KEYS[1])
    return #table
    "#
}

fn main() {}
