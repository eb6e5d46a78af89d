//! Keys built from an `#[arg(prefix)]` parameter, or from a field of a msgpack argument
//! an annotation declares a prefix, compile clean.

use scripts::redis_script;

/// Moves a job to the active list: the job's keys come from the queue prefix argument.
#[redis_script]
async fn move_to_active(
    con: &mut impl scripts::AsyncConnection,
    #[key] wait: &str,
    #[key] active: &str,
    #[arg(prefix)] prefix: &str,
    token: &str,
) -> scripts::Result<Option<String>> {
    r#"
    local rcall = redis.call
    local jobId = rcall('RPOPLPUSH', KEYS[1], KEYS[2])
    if not jobId then
      return nil
    end
    local jobKey = ARGV[1] .. jobId
    rcall('SET', jobKey .. ':lock', ARGV[2], 'PX', 30000)
    rcall('HINCRBY', jobKey, 'attemptsStarted', 1)
    return jobId
    "#
}

/// Adds a job whose options travel as one msgpack argument, BullMQ's way: the prefix is
/// its first field, declared next to the value.
#[redis_script]
async fn add_job(
    con: &mut impl scripts::AsyncConnection,
    #[key] wait: &str,
    #[key] id: &str,
    packed: &[u8],
) -> scripts::Result<String> {
    r#"
    local args = cmsgpack.unpack(ARGV[1]) -- redis-lua-lint: prefix(args[1])
    local jobId = args[2]
    if jobId == '' then
      jobId = tostring(redis.call('INCR', KEYS[2]))
    end
    redis.call('HSET', args[1] .. jobId, 'name', args[3])
    redis.call('LPUSH', KEYS[1], jobId)
    return jobId
    "#
}

fn main() {
    assert_eq!(move_to_active::SCRIPT.prefix_args()[0].param, "prefix");
    assert_eq!(move_to_active::SCRIPT.prefix_args()[0].position, 0);
    // a field inside an argument: nothing the runtime can check
    assert!(add_job::SCRIPT.prefix_args().is_empty());
}
