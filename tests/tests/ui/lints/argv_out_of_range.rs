//! `argv_out_of_range`: one rejected script, with the compiler output users see.

use scripts::redis_script;

#[redis_script]
async fn set(con: &mut impl scripts::AsyncConnection, #[key] key: &str, value: &str) -> scripts::Result<()> {
    r#"
    redis.call('SET', KEYS[1], ARGV[1], 'EX', ARGV[2])
    "#
}

fn main() {}
