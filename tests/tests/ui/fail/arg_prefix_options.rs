//! `#[arg(...)]` misused: each mistake gets its own error, and the function is still
//! emitted.

use scripts::redis_script;

#[redis_script]
async fn bare(con: &mut impl scripts::AsyncConnection, #[arg] scope: &str) -> scripts::Result<i64> {
    "return redis.call('INCR', ARGV[1] .. 'n')"
}

#[redis_script]
async fn wrong_word(con: &mut impl scripts::AsyncConnection, #[arg(prefixed)] scope: &str) -> scripts::Result<i64> {
    "return redis.call('INCR', ARGV[1] .. 'n')"
}

#[redis_script]
async fn untagged_alone(
    con: &mut impl scripts::AsyncConnection,
    #[arg(allow_untagged)] scope: &str,
) -> scripts::Result<i64> {
    "return redis.call('INCR', ARGV[1] .. 'n')"
}

#[redis_script]
async fn key_and_arg(
    con: &mut impl scripts::AsyncConnection,
    #[key] #[arg(prefix)] scope: &str,
) -> scripts::Result<i64> {
    "return redis.call('INCR', KEYS[1] .. 'n')"
}

#[redis_script]
async fn a_number(con: &mut impl scripts::AsyncConnection, #[arg(prefix)] shard: u32) -> scripts::Result<i64> {
    "return redis.call('INCR', ARGV[1] .. 'n')"
}

#[redis_script]
async fn misspelt(con: &mut impl scripts::AsyncConnection, #[argv(prefix)] scope: &str) -> scripts::Result<i64> {
    "return redis.call('INCR', ARGV[1] .. 'n')"
}

fn main() {}
