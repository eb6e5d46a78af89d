//! `precision_loss`: one rejected script, with the compiler output users see.

use scripts::redis_script;

#[redis_script]
async fn add(con: &mut impl scripts::AsyncConnection, #[key] counter: &str) -> scripts::Result<i64> {
    r#"
    return redis.call('INCRBY', KEYS[1], 9007199254740993)
    "#
}

fn main() {}
