//! Warn-level findings are real compiler warnings on stable Rust, one per
//! finding, pointing at the script (or at the unused parameter).

use scripts::redis_script;

#[redis_script(min_version = "7.4")]
async fn pop_later(
    con: &mut impl scripts::AsyncConnection,
    #[key] queue: &str,
    #[key] unused: &str,
    command: &str,
) -> scripts::Result<scripts::redis::Value> {
    r#"
    local job = redis.call('BLPOP', KEYS[1], 1)
    redis.call(ARGV[1], KEYS[1])
    return job
    "#
}

// Fails the build on purpose, so the snapshot records the warnings above.
compile_error!("end of the warnings demo");

fn main() {}
