//! A library from a string and its typed functions, async, blocking and in a pipeline.

use scripts::redis_library;

/// Sessions.
#[redis_library(source = r#"#!lua name=sessions
local function touch(keys, args)
  redis.call('HSET', keys[1], 'seen', args[1])
  return redis.call('PEXPIRE', keys[1], args[2])
end
redis.register_function('touch', touch)
redis.register_function{function_name = 'seen', flags = {'no-writes'},
  callback = function(keys) return redis.call('HGET', keys[1], 'seen') end}
"#)]
pub mod sessions {
    pub async fn touch(con: &mut impl scripts::AsyncConnection, #[key] session: &str, now: i64, ttl_ms: u64) -> scripts::Result<bool>;
    pub fn seen(con: &mut impl scripts::Connection, #[key] session: &str) -> scripts::Result<Option<i64>>;

    /// Other items stay.
    pub const TTL_MS: u64 = 60_000;
}

async fn call_sites(con: &mut scripts::redis::aio::MultiplexedConnection) -> scripts::Result<()> {
    sessions::touch(con, "session:{42}", 1_700_000_000, sessions::TTL_MS).await?;
    let _: Option<i64> = sessions::seen::nonblocking(con, "session:{42}").await?;
    let mut pipe = scripts::redis::pipe();
    sessions::touch::pipe(&mut pipe, "session:{42}", 1_700_000_000, sessions::TTL_MS)?;
    sessions::LIBRARY.load(con).await
}

fn main() {
    let _ = call_sites;
}
