//! A small job queue in the style of BullMQ: every key a script touches is built from
//! one hash-tagged prefix the caller passes (`jobs:{emails}:`), declared
//! `#[key(prefix)]`. The checker accepts the keys built by appending to it (and
//! rejects any other built key); the runtime refuses a prefix without a hash tag
//! before sending, because only a tag keeps every built key in the prefix's slot on
//! Redis Cluster.
//!
//! `cargo run --example job_queue` (a throwaway redis-server, or `REDIS_URL`);
//! `cargo run --example job_queue --features cluster` also runs it on a 3-primary
//! cluster.

// `tests/patterns.rs` also compiles this file, in a crate without a `cluster` feature
#![allow(unexpected_cfgs)]

use scripts::{Error, redis_script};

/// Adds a job: its hash at `<prefix>job:<id>`, its id on `<prefix>wait` (or
/// `<prefix>paused`), an event on `<prefix>events`. Returns the job id, or the
/// existing one when `job_id` was added before.
#[redis_script]
pub(crate) async fn enqueue(
    con: &mut impl scripts::AsyncConnection,
    #[key(prefix)] queue: &str,
    job_id: &str,
    payload: &str,
    lifo: bool,
) -> scripts::Result<String> {
    r#"
    local rcall = redis.call
    local function key(name) return KEYS[1] .. name end
    local function job_key(id) return string.format('%sjob:%s', KEYS[1], id) end
    local function emit(event, id)
      rcall('XADD', key('events'), 'MAXLEN', '~', 1000, '*', 'event', event, 'id', id)
    end

    local id = ARGV[1]
    if id == '' then
      id = tostring(rcall('INCR', key('id')))
    end
    local job = job_key(id)
    if rcall('EXISTS', job) == 1 then
      emit('duplicated', id)
      return id
    end
    rcall('HSET', job, 'payload', ARGV[2], 'state', 'waiting')

    local list = key('wait')
    if rcall('EXISTS', key('paused-flag')) == 1 then
      list = key('paused')
    end
    -- `lifo` arrives as "1" or "0"
    local push = ARGV[3] == '1' and 'RPUSH' or 'LPUSH'
    rcall(push, list, id)
    emit('added', id)
    return id
    "#
}

/// Moves the next waiting job to `<prefix>active` for `worker` and returns its id and
/// payload; nothing when the queue is empty.
#[redis_script]
pub(crate) async fn take(
    con: &mut impl scripts::AsyncConnection,
    #[key(prefix)] queue: &str,
    worker: &str,
) -> scripts::Result<Option<(String, String)>> {
    r#"
    local function key(name) return KEYS[1] .. name end
    local id = redis.call('RPOPLPUSH', key('wait'), key('active'))
    if not id then
      return nil
    end
    local job = key('job:' .. id)
    redis.call('HSET', job, 'state', 'active', 'worker', ARGV[1])
    redis.call('XADD', key('events'), 'MAXLEN', '~', 1000, '*', 'event', 'active', 'id', id)
    return { id, redis.call('HGET', job, 'payload') }
    "#
}

/// Marks an active job done with its result; false when it was not active.
#[redis_script]
pub(crate) async fn complete(
    con: &mut impl scripts::AsyncConnection,
    #[key(prefix)] queue: &str,
    job_id: &str,
    result: &str,
) -> scripts::Result<bool> {
    r#"
    local function key(name) return KEYS[1] .. name end
    if redis.call('LREM', key('active'), 1, ARGV[1]) == 0 then
      return false
    end
    redis.call('HSET', key('job:' .. ARGV[1]), 'state', 'completed', 'result', ARGV[2])
    redis.call('ZADD', key('completed'), redis.call('INCR', key('completed-seq')), ARGV[1])
    return true
    "#
}

/// Counts the jobs in each state: waiting, active, completed.
#[redis_script]
pub(crate) async fn counts(
    con: &mut impl scripts::AsyncConnection,
    #[key(prefix)] queue: &str,
) -> scripts::Result<(i64, i64, i64)> {
    r#"#!lua flags=no-writes
    local prefix = KEYS[1]
    return {
      redis.call('LLEN', prefix .. 'wait'),
      redis.call('LLEN', prefix .. 'active'),
      redis.call('ZCARD', prefix .. 'completed'),
    }
    "#
}

/// Walks through the queue on `con`, checking each step.
pub(crate) async fn demo(
    con: &mut impl scripts::AsyncConnection,
    queue: &str,
) -> Result<(), Box<dyn std::error::Error>> {
    let first = enqueue(con, queue, "", "send welcome mail", false).await?;
    let second = enqueue(con, queue, "", "send invoice", false).await?;
    let again = enqueue(con, queue, &first, "send welcome mail", false).await?;
    println!("enqueued {first} and {second}; {again} again is the same job");
    assert_eq!(again, first);

    let (id, payload) = take(con, queue, "worker-1").await?.expect("a waiting job");
    println!("worker-1 took {id}: {payload}");
    assert_eq!((id.as_str(), payload.as_str()), (first.as_str(), "send welcome mail"));
    assert!(complete(con, queue, &id, "sent").await?);
    assert!(!complete(con, queue, &id, "sent").await?, "not active any more");

    let (waiting, active, completed) = counts(con, queue).await?;
    println!("waiting {waiting}, active {active}, completed {completed}");
    assert_eq!((waiting, active, completed), (1, 0, 1));

    // without a hash tag the keys built from the prefix could land on other nodes:
    // refused before anything is sent
    match enqueue(con, "jobs:emails:", "", "lost", false).await {
        Err(error @ Error::UntaggedPrefix { .. }) => println!("untagged prefix: {error}"),
        other => panic!("expected an untagged-prefix error, got {other:?}"),
    }
    Ok(())
}

#[allow(dead_code)]
#[tokio::main(flavor = "current_thread")]
async fn main() -> Result<(), Box<dyn std::error::Error>> {
    let (url, _server) = scripts_tests::url_or_start();
    let client = scripts::redis::Client::open(url)?;
    let mut con = client.get_multiplexed_async_connection().await?;
    println!("-- one server");
    demo(&mut con, "jobs:{emails}:").await?;

    #[cfg(feature = "cluster")]
    {
        println!("-- a 3-primary cluster");
        let cluster = scripts_tests::RedisCluster::start();
        let mut con = scripts::cluster::AsyncClusterConnection::connect(cluster.urls()).await?;
        demo(&mut con, "jobs:{emails}:").await?;
    }
    Ok(())
}
