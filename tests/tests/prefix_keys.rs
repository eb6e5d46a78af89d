//! `#[key(prefix)]` at run time, against real servers: a prefix value must carry a
//! non-empty hash tag, checked before anything is sent, on every way of sending;
//! `allow_untagged` relaxes that on a single server only; prefix values take part in
//! the cluster's same-slot check like any key.

use scripts::redis::{self, AsyncCommands};
use scripts::{Error, redis_script};
use scripts_tests::{RedisCluster, RedisServer};

/// Counts a hit under `<prefix>hits` and remembers the last visitor under `<prefix>last`.
#[redis_script]
async fn hit(
    con: &mut impl scripts::AsyncConnection,
    #[key(prefix)] scope: &str,
    visitor: &str,
) -> scripts::Result<i64> {
    r#"
    redis.call('SET', KEYS[1] .. 'last', ARGV[1])
    return redis.call('INCR', KEYS[1] .. 'hits')
    "#
}

/// The same, blocking, for callers that accept untagged prefixes on one server.
#[redis_script]
fn hit_anywhere(
    con: &mut impl scripts::Connection,
    #[key(prefix, allow_untagged)] scope: &str,
) -> scripts::Result<i64> {
    "return redis.call('INCR', KEYS[1] .. 'hits')"
}

/// Moves a counter between two prefixes (a slice of them) and a plain key.
#[redis_script]
async fn fan_in(
    con: &mut impl scripts::AsyncConnection,
    #[key] total: &str,
    #[key(prefix)] scopes: &[&str],
) -> scripts::Result<i64> {
    r#"
    local sum = 0
    for i = 2, #KEYS do
      sum = sum + tonumber(redis.call('GET', KEYS[i] .. 'hits') or '0')
    end
    redis.call('SET', KEYS[1], sum)
    return sum
    "#
}

#[tokio::test]
async fn tagged_prefixes_run_and_untagged_ones_are_refused_before_sending() {
    let server = RedisServer::start();
    let mut con = server.client().get_multiplexed_async_connection().await.unwrap();
    assert_eq!(hit(&mut con, "site:{docs}:", "ann").await.unwrap(), 1);
    assert_eq!(hit(&mut con, "site:{docs}:", "bob").await.unwrap(), 2);
    let last: String = con.get("site:{docs}:last").await.unwrap();
    assert_eq!(last, "bob");

    server.reset_stats();
    for untagged in ["site:docs:", "site:{}:", "site:{docs:", ""] {
        match hit(&mut con, untagged, "eve").await {
            Err(Error::UntaggedPrefix {
                script,
                param,
                value,
                cluster,
            }) => {
                assert_eq!(
                    (script, param, value.as_str(), cluster),
                    ("hit", "scope", untagged, false)
                );
            }
            other => panic!("{untagged:?}: expected UntaggedPrefix, got {other:?}"),
        }
    }
    assert_eq!(server.calls("evalsha") + server.calls("eval"), 0, "nothing was sent");
    let error = hit(&mut con, "site:docs:", "eve").await.unwrap_err();
    let message = error.to_string();
    assert!(message.contains("`scope` is `site:docs:`"), "{message}");
    assert!(message.contains("`site:{docs}:`"), "the fix is suggested: {message}");
    // converts for `?` in redis-rs code, as a client-side error
    let redis_error: redis::RedisError = error.into();
    assert_eq!(redis_error.kind(), redis::ErrorKind::Client);
}

#[tokio::test]
async fn every_prefix_of_a_slice_is_checked() {
    let server = RedisServer::start();
    let mut con = server.client().get_multiplexed_async_connection().await.unwrap();
    hit(&mut con, "a:{x}:", "ann").await.unwrap();
    hit(&mut con, "b:{x}:", "ann").await.unwrap();
    hit(&mut con, "b:{x}:", "bob").await.unwrap();
    assert_eq!(fan_in(&mut con, "total", &["a:{x}:", "b:{x}:"]).await.unwrap(), 3);
    // the plain key needs no tag; the second prefix of the slice does
    match fan_in(&mut con, "total", &["a:{x}:", "b:x:"]).await {
        Err(Error::UntaggedPrefix { param, value, .. }) => assert_eq!((param, value.as_str()), ("scopes", "b:x:")),
        other => panic!("expected UntaggedPrefix, got {other:?}"),
    }
}

#[tokio::test]
async fn pipelines_refuse_an_untagged_prefix_and_add_nothing() {
    let server = RedisServer::start();
    let mut con = server.client().get_multiplexed_async_connection().await.unwrap();
    let mut pipe = redis::pipe();
    hit::pipe(&mut pipe, "p:{a}:", "ann").unwrap();
    assert!(matches!(
        hit::pipe(&mut pipe, "p:a:", "bob"),
        Err(Error::UntaggedPrefix { .. })
    ));
    assert!(matches!(
        hit::call("p:a:", "bob").add_loaded_to(&mut pipe),
        Err(Error::UntaggedPrefix { .. })
    ));
    let (hits,): (i64,) = pipe.query_async(&mut con).await.unwrap();
    assert_eq!(hits, 1, "only the tagged call was in the pipeline");
}

#[test]
fn allow_untagged_accepts_an_untagged_prefix_on_one_server() {
    let server = RedisServer::start();
    let mut con = server.connection();
    assert_eq!(hit_anywhere(&mut con, "plain:").unwrap(), 1);
    assert_eq!(hit_anywhere(&mut con, "plain:").unwrap(), 2);
}

#[tokio::test]
async fn on_a_cluster_prefixes_need_a_tag_and_share_the_slot_of_the_other_keys() {
    let cluster = RedisCluster::start();
    let mut con = scripts::cluster::AsyncClusterConnection::connect(cluster.urls())
        .await
        .unwrap();
    let owner = cluster.node_for_key("{docs}");
    cluster.reset_stats();
    assert_eq!(hit(&mut con, "site:{docs}:", "ann").await.unwrap(), 1);
    assert_eq!(
        owner.calls("evalsha") + owner.calls("eval"),
        cluster.calls("evalsha") + cluster.calls("eval")
    );
    let mut owner_con = owner.connection();
    let hits: i64 = redis::cmd("GET").arg("site:{docs}:hits").query(&mut owner_con).unwrap();
    assert_eq!(hits, 1, "the built key lives on the prefix's node");

    // the prefix and the plain key in different slots: refused like any cross-slot call
    match fan_in(&mut con, "total:{other}", &["site:{docs}:"]).await {
        Err(Error::CrossSlot { keys, .. }) => {
            assert_eq!(keys.len(), 2);
            assert_eq!(keys[1].0, "site:{docs}:");
        }
        other => panic!("expected CrossSlot, got {other:?}"),
    }
    assert_eq!(fan_in(&mut con, "total:{docs}", &["site:{docs}:"]).await.unwrap(), 1);

    // allow_untagged covers single servers only
    let mut blocking = scripts::cluster::ClusterConnection::connect(cluster.urls()).unwrap();
    match hit_anywhere(&mut blocking, "plain:") {
        Err(Error::UntaggedPrefix { cluster, .. }) => assert!(cluster),
        other => panic!("expected UntaggedPrefix on a cluster, got {other:?}"),
    }
    assert_eq!(hit_anywhere(&mut blocking, "plain:{p}:").unwrap(), 1);
}
