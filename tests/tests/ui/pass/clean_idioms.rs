//! Correct idioms compile without any finding (`deny(warnings)` would turn a
//! warning into a failure).
#![deny(warnings)]

use scripts::redis_script;

#[redis_script]
pub async fn idioms(
    con: &mut impl scripts::AsyncConnection,
    #[key] counter: &str,
    #[key] board: &str,
    #[key] rest: &[&str],
    mode: &str,
    score: f64,
    member: &str,
    ttl: u32,
    payload: &str,
) -> scripts::Result<Option<String>> {
    r#"
    local current = tonumber(redis.call('GET', KEYS[1]) or '0')
    local by = tonumber(ARGV[1]) or 0
    if ARGV[1] == 'on' then by = 1 end
    local name = ARGV[3]:lower() .. ':' .. string.upper(ARGV[3])
    redis.call('ZADD', KEYS[2], ARGV[2], ARGV[3])
    redis.call('SET', KEYS[1], current + by, 'EX', ARGV[4])
    redis.call('EXPIRE', KEYS[2], 60)
    for i = 3, #KEYS do redis.call('PERSIST', KEYS[i]) end
    for _, key in ipairs(KEYS) do redis.call('TOUCH', key) end
    local doc = cjson.decode(ARGV[5])
    local reply = redis.pcall('INCR', KEYS[1])
    if type(reply) == 'table' and reply.err then
        return redis.error_reply(reply.err)
    end
    return name .. tostring(doc.version)
    "#
}

fn main() {}
