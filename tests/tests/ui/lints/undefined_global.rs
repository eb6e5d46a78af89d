//! `undefined_global`: one rejected script, with the compiler output users see.

use scripts::redis_script;

#[redis_script]
async fn stamp(con: &mut impl scripts::AsyncConnection, #[key] key: &str) -> scripts::Result<i64> {
    r#"
    local now = os.time()
    print('stamping')
    return redis.call('SET', KEYS[1], tostrng(now))
    "#
}

fn main() {}
