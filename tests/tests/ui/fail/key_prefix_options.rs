//! Misspelled `#[key(...)]` options and server versions: each gets its own error, and
//! the function is still emitted.

use scripts::redis_script;

#[redis_script]
async fn wrong_word(con: &mut impl scripts::AsyncConnection, #[key(prefixed)] queue: &str) -> scripts::Result<i64> {
    "return redis.call('INCR', KEYS[1] .. 'n')"
}

#[redis_script]
async fn untagged_alone(
    con: &mut impl scripts::AsyncConnection,
    #[key(allow_untagged)] queue: &str,
) -> scripts::Result<i64> {
    "return redis.call('INCR', KEYS[1])"
}

#[redis_script]
async fn twice(con: &mut impl scripts::AsyncConnection, #[key] #[key(prefix)] queue: &str) -> scripts::Result<i64> {
    "return redis.call('INCR', KEYS[1] .. 'n')"
}

#[redis_script(min_version = "6.2")]
async fn too_old(con: &mut impl scripts::AsyncConnection, #[key(prefix)] queue: &str) -> scripts::Result<i64> {
    "return redis.call('INCR', KEYS[1] .. 'n')"
}

fn main() {}
