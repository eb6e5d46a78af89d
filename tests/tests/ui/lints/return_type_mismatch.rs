//! `return_type_mismatch`: one rejected script, with the compiler output users see.

use scripts::redis_script;

#[redis_script]
async fn status(con: &mut impl scripts::AsyncConnection, #[key] key: &str) -> scripts::Result<i64> {
    r#"
    redis.call('SET', KEYS[1], 'x')
    return 'done'
    "#
}

fn main() {}
