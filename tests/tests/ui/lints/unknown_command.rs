//! `unknown_command`: one rejected script, with the compiler output users see.

use scripts::redis_script;

#[redis_script]
async fn all(con: &mut impl scripts::AsyncConnection, #[key] hash: &str) -> scripts::Result<Vec<String>> {
    r#"
    return redis.call('HGETLL', KEYS[1])
    "#
}

fn main() {}
