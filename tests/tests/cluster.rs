//! Scripts on a real 3-primary Redis Cluster: routing by key, per-node script
//! caches, cross-slot keys refused before sending, key-less scripts.

use scripts::redis::{self, AsyncCommands};
use scripts::{Error, redis_script};
use scripts_tests::RedisCluster;

/// Moves `amount` between two counters of one account.
#[redis_script]
async fn transfer(
    con: &mut impl scripts::AsyncConnection,
    #[key] from: &str,
    #[key] to: &str,
    amount: i64,
) -> scripts::Result<i64> {
    r#"
    redis.call('DECRBY', KEYS[1], ARGV[1])
    return redis.call('INCRBY', KEYS[2], ARGV[1])
    "#
}

/// Reads the server time: no keys at all.
#[redis_script]
async fn server_time(con: &mut impl scripts::AsyncConnection) -> scripts::Result<Vec<String>> {
    "return redis.call('TIME')"
}

#[redis_script]
fn incr_blocking(con: &mut impl scripts::Connection, #[key] counter: &str) -> scripts::Result<i64> {
    "return redis.call('INCR', KEYS[1])"
}

async fn connect(cluster: &RedisCluster) -> redis::cluster_async::ClusterConnection {
    cluster.client().get_async_connection().await.unwrap()
}

#[tokio::test]
async fn hash_tagged_keys_run_on_the_node_that_owns_their_slot() {
    let cluster = RedisCluster::start();
    let mut con = connect(&cluster).await;
    let owner = cluster.node_for_key("acct:{alice}:cash");
    cluster.reset_stats();
    assert_eq!(
        transfer(&mut con, "acct:{alice}:cash", "acct:{alice}:savings", 30)
            .await
            .unwrap(),
        30
    );
    assert_eq!(
        transfer(&mut con, "acct:{alice}:cash", "acct:{alice}:savings", 12)
            .await
            .unwrap(),
        42
    );
    assert_eq!(owner.calls("evalsha"), 2, "both calls went to the owner of the slot");
    assert_eq!(cluster.calls("evalsha"), 2, "and nowhere else");
    let cash: i64 = con.get("acct:{alice}:cash").await.unwrap();
    assert_eq!(cash, -42);
}

#[tokio::test]
async fn a_script_flushed_on_one_node_recovers_transparently() {
    let cluster = RedisCluster::start();
    let mut con = connect(&cluster).await;
    assert_eq!(scripts::load_all(&mut con).await.unwrap(), scripts::scripts().count());
    let owner = cluster.node_for_key("acct:{bob}:a");
    let () = redis::cmd("SCRIPT")
        .arg("FLUSH")
        .query(&mut owner.connection())
        .unwrap();
    cluster.reset_stats();
    assert_eq!(transfer(&mut con, "acct:{bob}:a", "acct:{bob}:b", 5).await.unwrap(), 5);
    assert_eq!(owner.calls("eval"), 1, "one EVAL on the flushed node");
    assert_eq!(cluster.calls("eval"), 1);
    assert_eq!(transfer(&mut con, "acct:{bob}:a", "acct:{bob}:b", 5).await.unwrap(), 10);
    assert_eq!(cluster.calls("eval"), 1, "cached again");
}

#[tokio::test]
async fn keys_in_different_slots_fail_before_anything_is_sent() {
    let cluster = RedisCluster::start();
    let mut con = connect(&cluster).await;
    cluster.reset_stats();
    let error = transfer(&mut con, "alice", "bob", 1).await.unwrap_err();
    let Error::CrossSlot { script, keys, source } = &error else {
        panic!("expected CrossSlot, got {error:?}")
    };
    assert_eq!(*script, "transfer");
    assert!(source.is_none(), "found by the client, not the server");
    let expected: Vec<(String, u16)> = ["alice", "bob"]
        .iter()
        .map(|k| (k.to_string(), scripts::key_slot(k.as_bytes())))
        .collect();
    assert_eq!(keys, &expected);
    assert_ne!(keys[0].1, keys[1].1);
    let text = error.to_string();
    assert!(
        text.contains("`alice` (slot") && text.contains("`bob` (slot") && text.contains("hash tag"),
        "{text}"
    );
    assert_eq!(cluster.calls("evalsha") + cluster.calls("eval"), 0, "nothing was sent");
    // and it converts for `?` in RedisResult code
    let redis_error: redis::RedisError = error.into();
    assert_eq!(redis_error.code(), Some("CROSSSLOT"));
}

#[tokio::test]
async fn a_crossslot_reply_from_the_server_is_typed_too() {
    // a plain (not cluster-aware) connection to one node sends the call as is
    let cluster = RedisCluster::start();
    let mut con = cluster.nodes()[0]
        .client()
        .get_multiplexed_async_connection()
        .await
        .unwrap();
    let error = transfer(&mut con, "alice", "bob", 1).await.unwrap_err();
    let Error::CrossSlot { keys, source, .. } = &error else {
        panic!("expected CrossSlot, got {error:?}")
    };
    assert!(keys.is_empty(), "the client did not look at slots");
    assert_eq!(source.as_ref().and_then(|e| e.code()), Some("CROSSSLOT"));
    assert!(error.to_string().contains("CROSSSLOT"), "{error}");
}

#[tokio::test]
async fn a_script_without_keys_runs_on_a_cluster() {
    let cluster = RedisCluster::start();
    let mut con = connect(&cluster).await;
    let time = server_time(&mut con).await.unwrap();
    assert_eq!(time.len(), 2);
    assert!(time[0].parse::<u64>().unwrap() > 1_600_000_000);
}

#[test]
fn blocking_cluster_connections_work_too() {
    let cluster = RedisCluster::start();
    let mut con = cluster.client().get_connection().unwrap();
    assert_eq!(incr_blocking(&mut con, "blocking:{x}").unwrap(), 1);
    assert_eq!(incr_blocking(&mut con, "blocking:{x}").unwrap(), 2);
}

#[test]
fn client_side_slots_match_the_server() {
    let cluster = RedisCluster::start();
    let mut con = cluster.nodes()[0].connection();
    for key in ["foo", "bar", "somekey", "user:{42}:a", "{}x", "a{b}c", "é", ""] {
        let server: u16 = redis::cmd("CLUSTER").arg("KEYSLOT").arg(key).query(&mut con).unwrap();
        assert_eq!(scripts::key_slot(key.as_bytes()), server, "{key}");
    }
}
