//! `blocking_command`: one rejected script, with the compiler output users see.

use scripts::redis_script;

#[redis_script(min_version = "7.4", deny(blocking_command))]
async fn next_job(con: &mut impl scripts::AsyncConnection, #[key] queue: &str) -> scripts::Result<Option<Vec<String>>> {
    r#"
    return redis.call('BLPOP', KEYS[1], 5)
    "#
}

fn main() {}
