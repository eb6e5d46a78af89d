//! `invalid_shebang`: one rejected script, with the compiler output users see.

use scripts::redis_script;

#[redis_script]
async fn peek(con: &mut impl scripts::AsyncConnection, #[key] key: &str) -> scripts::Result<Option<String>> {
    r#"#!lua flags=no_writes
    return redis.call('GET', KEYS[1])
    "#
}

fn main() {}
