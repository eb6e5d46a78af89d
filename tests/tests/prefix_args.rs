//! `#[arg(prefix)]` at run time, against real servers: an argument the script builds
//! keys from (BullMQ's `ARGV[n] .. jobId`) must carry a non-empty hash tag, and on a
//! cluster its slot must be the slot of the declared keys, both checked before
//! anything is sent; a script whose only keys come from such a prefix is routed by its
//! slot; `allow_untagged` relaxes the tag on a single server only.

use scripts::redis::{self, AsyncCommands};
use scripts::{Error, redis_script};
use scripts_tests::{RedisCluster, RedisServer};

/// Adds a job the way queue libraries do: the queue's lists are declared keys, the
/// job's own keys are built from the queue prefix passed as an argument. Returns the
/// job's position in the wait list, or -1 when the id is taken.
#[redis_script]
async fn add_job(
    con: &mut impl scripts::AsyncConnection,
    #[key] wait: &str,
    #[key] events: &str,
    #[arg(prefix)] prefix: &str,
    job_id: &str,
    data: &str,
    priority: i32,
) -> scripts::Result<i64> {
    r#"
    local rcall = redis.call
    local waitKey, eventsKey = KEYS[1], KEYS[2]
    local prefix = ARGV[1]
    local jobId = ARGV[2]

    -- every key of a job is built from the queue prefix
    local function jobKey(id)
      return prefix .. id
    end

    local function emit(event, id)
      rcall('XADD', eventsKey, 'MAXLEN', '~', 100, '*', 'event', event, 'jobId', id)
    end

    local key = jobKey(jobId)
    if rcall('EXISTS', key) == 1 then
      emit('duplicated', jobId)
      return -1
    end

    local priority = tonumber(ARGV[4])
    rcall('HSET', key, 'data', ARGV[3], 'priority', priority)
    if priority > 0 then
      rcall('ZADD', prefix .. 'prioritized', priority, jobId)
    end
    rcall('SET', string.format('%s%s:lock', prefix, jobId), 'none')
    rcall('SADD', table.concat({prefix, 'ids'}), jobId)

    local length = rcall('LPUSH', waitKey, jobId)
    emit('waiting', jobId)
    if length > 1000 then
      rcall('SET', prefix .. 'full', 1)
    end
    return length - 1
    "#
}

/// Counts hits under a scope passed as an argument: the script declares no key.
#[redis_script]
async fn hit_scope(con: &mut impl scripts::AsyncConnection, #[arg(prefix)] scope: &str) -> scripts::Result<i64> {
    "return redis.call('INCR', ARGV[1] .. 'hits')"
}

/// The same, blocking, for callers that accept untagged prefixes on one server.
#[redis_script]
fn hit_anywhere(
    con: &mut impl scripts::Connection,
    #[arg(prefix, allow_untagged)] scope: &str,
) -> scripts::Result<i64> {
    "return redis.call('INCR', ARGV[1] .. 'hits')"
}

#[tokio::test]
async fn a_tagged_argument_prefix_runs_and_an_untagged_one_is_refused_before_sending() {
    let server = RedisServer::start();
    let mut con = server.client().get_multiplexed_async_connection().await.unwrap();
    let queue = "bull:{mail}:";
    let wait = "bull:{mail}:wait";
    let events = "bull:{mail}:events";
    assert_eq!(add_job(&mut con, wait, events, queue, "1", "{}", 0).await.unwrap(), 0);
    assert_eq!(add_job(&mut con, wait, events, queue, "2", "{}", 3).await.unwrap(), 1);
    assert_eq!(add_job(&mut con, wait, events, queue, "2", "{}", 3).await.unwrap(), -1);
    let data: String = con.hget("bull:{mail}:2", "data").await.unwrap();
    assert_eq!(data, "{}");
    let lock: String = con.get("bull:{mail}:2:lock").await.unwrap();
    assert_eq!(lock, "none");
    let ids: Vec<String> = con.smembers("bull:{mail}:ids").await.unwrap();
    assert_eq!(ids.len(), 2);

    server.reset_stats();
    for untagged in ["bull:mail:", "bull:{}:", "bull:{mail:", ""] {
        match add_job(&mut con, wait, events, untagged, "3", "{}", 0).await {
            Err(Error::UntaggedPrefix {
                script,
                param,
                value,
                cluster,
            }) => assert_eq!(
                (script, param, value.as_str(), cluster),
                ("add_job", "prefix", untagged, false)
            ),
            other => panic!("{untagged:?}: expected UntaggedPrefix, got {other:?}"),
        }
    }
    assert_eq!(server.calls("evalsha") + server.calls("eval"), 0, "nothing was sent");
    let message = hit_scope(&mut con, "site:docs:").await.unwrap_err().to_string();
    assert!(message.contains("`scope` is `site:docs:`"), "{message}");
    assert!(message.contains("`site:{docs}:`"), "the fix is suggested: {message}");
    // on one server the slot of the prefix is not checked: there is one node
    assert_eq!(
        add_job(&mut con, wait, events, "bull:{other}:", "4", "{}", 0)
            .await
            .unwrap(),
        2
    );
}

#[tokio::test]
async fn pipelines_refuse_an_untagged_argument_prefix_and_add_nothing() {
    let server = RedisServer::start();
    let mut con = server.client().get_multiplexed_async_connection().await.unwrap();
    let mut pipe = redis::pipe();
    hit_scope::pipe(&mut pipe, "p:{a}:").unwrap();
    assert!(matches!(
        hit_scope::pipe(&mut pipe, "p:a:"),
        Err(Error::UntaggedPrefix { .. })
    ));
    assert!(matches!(
        hit_scope::call("p:a:").add_loaded_to(&mut pipe),
        Err(Error::UntaggedPrefix { .. })
    ));
    let (hits,): (i64,) = pipe.query_async(&mut con).await.unwrap();
    assert_eq!(hits, 1, "only the tagged call was in the pipeline");
}

#[test]
fn allow_untagged_accepts_an_untagged_argument_prefix_on_one_server() {
    let server = RedisServer::start();
    let mut con = server.connection();
    assert_eq!(hit_anywhere(&mut con, "plain:").unwrap(), 1);
    assert_eq!(hit_anywhere(&mut con, "plain:").unwrap(), 2);
}

#[tokio::test]
async fn on_a_cluster_an_argument_prefix_shares_the_slot_of_the_keys_or_routes_the_call() {
    let cluster = RedisCluster::start();
    let mut con = scripts::cluster::AsyncClusterConnection::connect(cluster.urls())
        .await
        .unwrap();
    let owner = cluster.node_for_key("{mail}");
    cluster.reset_stats();
    let (wait, events) = ("bull:{mail}:wait", "bull:{mail}:events");
    assert_eq!(
        add_job(&mut con, wait, events, "bull:{mail}:", "1", "{}", 2)
            .await
            .unwrap(),
        0
    );
    let mut owner_con = owner.connection();
    let data: String = redis::cmd("HGET")
        .arg("bull:{mail}:1")
        .arg("data")
        .query(&mut owner_con)
        .unwrap();
    assert_eq!(data, "{}", "the built keys live on the node of the declared keys");

    // a prefix in another slot than the declared keys: refused before sending, naming it
    cluster.reset_stats();
    match add_job(&mut con, wait, events, "bull:{other}:", "2", "{}", 0).await {
        Err(Error::CrossSlot { keys, source, .. }) => {
            assert_eq!(keys.len(), 3);
            assert_eq!(keys[2].0, "bull:{other}:");
            assert_ne!(keys[2].1, keys[0].1);
            assert!(source.is_none(), "found by the client, not the server");
        }
        other => panic!("expected CrossSlot, got {other:?}"),
    }
    assert_eq!(cluster.calls("evalsha") + cluster.calls("eval"), 0, "nothing was sent");

    // no declared key: the call goes to the prefix's node
    let scope_owner = cluster.node_for_key("{docs}");
    cluster.reset_stats();
    for expected in 1..=3 {
        assert_eq!(hit_scope(&mut con, "site:{docs}:").await.unwrap(), expected);
    }
    assert_eq!(
        scope_owner.calls("evalsha") + scope_owner.calls("eval"),
        cluster.calls("evalsha") + cluster.calls("eval"),
        "every call ran on the node of the prefix's slot"
    );
    let mut scope_con = scope_owner.connection();
    let hits: i64 = redis::cmd("GET").arg("site:{docs}:hits").query(&mut scope_con).unwrap();
    assert_eq!(hits, 3);

    // allow_untagged covers single servers only
    let mut blocking = scripts::cluster::ClusterConnection::connect(cluster.urls()).unwrap();
    match hit_anywhere(&mut blocking, "plain:") {
        Err(Error::UntaggedPrefix { cluster, .. }) => assert!(cluster),
        other => panic!("expected UntaggedPrefix on a cluster, got {other:?}"),
    }
    assert_eq!(hit_anywhere(&mut blocking, "plain:{p}:").unwrap(), 1);
}

#[test]
fn the_descriptor_lists_the_argument_prefixes_the_runtime_checks() {
    // the descriptor carries the prefix arguments the runtime checks
    let prefixes = add_job::SCRIPT.prefix_args();
    assert_eq!(prefixes.len(), 1);
    assert_eq!((prefixes[0].position, prefixes[0].param), (0, "prefix"));
    assert!(add_job::SCRIPT.prefix_keys().is_empty());
    assert!(hit_anywhere::SCRIPT.prefix_args()[0].allow_untagged);
}
