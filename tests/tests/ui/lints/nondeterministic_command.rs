//! `nondeterministic_command`: one rejected script, with the compiler output users see.

use scripts::redis_script;

#[redis_script(deny(nondeterministic_command))]
async fn pop(con: &mut impl scripts::AsyncConnection, #[key] set: &str) -> scripts::Result<Option<String>> {
    r#"
    return redis.call('SPOP', KEYS[1])
    "#
}

fn main() {}
