//! `dynamic_command`: one rejected script, with the compiler output users see.

use scripts::redis_script;

#[redis_script(deny(dynamic_command))]
async fn run(con: &mut impl scripts::AsyncConnection, #[key] key: &str, command: &str) -> scripts::Result<scripts::redis::Value> {
    r#"
    return redis.call(ARGV[1], KEYS[1])
    "#
}

fn main() {}
