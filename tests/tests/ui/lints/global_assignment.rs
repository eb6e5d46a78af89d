//! `global_assignment`: one rejected script, with the compiler output users see.

use scripts::redis_script;

#[redis_script]
async fn count(con: &mut impl scripts::AsyncConnection, #[key] key: &str) -> scripts::Result<i64> {
    r#"
    total = redis.call('INCR', KEYS[1])
    return total
    "#
}

fn main() {}
