//! `server_error_code`: one rejected script, with the compiler output users see, and
//! the lint refusing to be switched off.

use scripts::redis_script;

/// Takes the lock for `owner`, or fails saying who holds it.
#[redis_script]
async fn take_lock(con: &mut impl scripts::AsyncConnection, #[key] lock: &str, owner: &str) -> scripts::Result<i64> {
    r#"
    local holder = redis.call('GET', KEYS[1])
    if holder and holder ~= ARGV[1] then
        return redis.error_reply('BUSY held by ' .. holder)
    end
    redis.call('SET', KEYS[1], ARGV[1], 'PX', 30000)
    return 1
    "#
}

#[redis_script(allow(server_error_code))]
async fn pause(con: &mut impl scripts::AsyncConnection, #[key] queue: &str) -> scripts::Result<i64> {
    r#"
    redis.call('SET', KEYS[1], 'paused')
    return {err = 'TRYAGAIN paused'}
    "#
}

fn main() {}
