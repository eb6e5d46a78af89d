//! `invalid_annotation`: an annotation naming a local its assignment does not set.

use scripts::redis_script;

#[redis_script]
async fn add_job(con: &mut impl scripts::AsyncConnection, #[key] wait: &str, packed: &[u8]) -> scripts::Result<i64> {
    r#"
    local args = cmsgpack.unpack(ARGV[1]) -- redis-lua-lint: prefix(arg[1])
    redis.call('HSET', args[1] .. args[2], 'name', args[3])
    return redis.call('LPUSH', KEYS[1], args[2])
    "#
}

fn main() {}
