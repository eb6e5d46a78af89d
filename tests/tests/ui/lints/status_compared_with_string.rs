//! `status_compared_with_string`: one rejected script, with the compiler output users see.

use scripts::redis_script;

#[redis_script]
async fn acquire(con: &mut impl scripts::AsyncConnection, #[key] lock: &str, token: &str) -> scripts::Result<bool> {
    r#"
    return redis.call('SET', KEYS[1], ARGV[1], 'NX', 'PX', 30000) == 'OK'
    "#
}

fn main() {}
