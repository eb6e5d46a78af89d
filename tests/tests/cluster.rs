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

async fn connect(cluster: &RedisCluster) -> scripts::cluster::AsyncClusterConnection {
    scripts::cluster::AsyncClusterConnection::connect(cluster.urls())
        .await
        .unwrap()
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
    let mut con = scripts::cluster::ClusterConnection::connect(cluster.urls()).unwrap();
    assert_eq!(incr_blocking(&mut con, "blocking:{x}").unwrap(), 1);
    assert_eq!(incr_blocking(&mut con, "blocking:{x}").unwrap(), 2);
    // a script command built elsewhere goes to the slot's primary the same way
    let owner = cluster.node_for_key("blocking:{y}");
    owner.reset_stats();
    let runs: i64 = redis::cmd("EVAL")
        .arg("return redis.call('INCR', KEYS[1])")
        .arg(1)
        .arg("blocking:{y}")
        .query(&mut con)
        .unwrap();
    assert_eq!(runs, 1);
    assert_eq!(owner.calls("eval"), 1);

    // pipelines that run scripts go there too; plain pipelines are refused, as
    // redis-rs's blocking cluster connection refuses them
    let mut pipe = redis::pipe();
    incr_blocking::pipe(&mut pipe, "blocking:{y}").unwrap();
    pipe.cmd("INCR").arg("blocking:{y}");
    incr_blocking::pipe(&mut pipe, "blocking:{y}").unwrap();
    let counts: (i64, i64, i64) = pipe.query(&mut con).unwrap();
    assert_eq!(counts, (2, 3, 4));
    let mut transaction = redis::pipe();
    transaction.atomic();
    incr_blocking::pipe(&mut transaction, "blocking:{y}").unwrap();
    let (count,): (i64,) = transaction.query(&mut con).unwrap();
    assert_eq!(count, 5);
    let error = redis::pipe()
        .cmd("INCR")
        .arg("blocking:{y}")
        .query::<(i64,)>(&mut con)
        .unwrap_err();
    assert!(error.to_string().contains("does not support pipelining"), "{error}");
    assert!(error.to_string().contains("cluster_pipe"), "{error}");
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

/// Records one run of call `id` in `ledger`.
#[redis_script]
async fn record(con: &mut impl scripts::AsyncConnection, #[key] ledger: &str, id: &str) -> scripts::Result<i64> {
    "return redis.call('HINCRBY', KEYS[1], ARGV[1], 1)"
}

/// Runs `command` on `node`.
fn admin(node: &scripts_tests::RedisServer, command: &[&str]) {
    let mut cmd = redis::cmd(command[0]);
    for arg in &command[1..] {
        cmd.arg(*arg);
    }
    let _: redis::Value = cmd
        .query(&mut node.connection())
        .unwrap_or_else(|e| panic!("{command:?}: {e}"));
}

/// `CLUSTER SETSLOT <slot> NODE <id>` on every node: the migration is over.
fn assign_slot(cluster: &RedisCluster, slot: u16, to: &str) {
    for node in cluster.nodes() {
        admin(node, &["CLUSTER", "SETSLOT", &slot.to_string(), "NODE", to]);
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_slot_migration_under_concurrent_callers_follows_ask_and_moved() {
    const TASKS: usize = 16;
    let cluster = RedisCluster::start();
    let keys: Vec<String> = (0..16).map(|i| format!("ledger:{{mig}}:{i}")).collect();
    let slot = scripts::key_slot(keys[0].as_bytes());
    let source = cluster.node_for_key(&keys[0]);
    let target = cluster.nodes().iter().find(|n| n.port() != source.port()).unwrap();
    let (source_id, target_id) = (scripts_tests::node_id(source), scripts_tests::node_id(target));
    let mut con = connect(&cluster).await;
    for key in &keys {
        record(&mut con, key, "setup").await.unwrap();
    }
    target.reset_stats();

    let stop = std::sync::Arc::new(std::sync::atomic::AtomicBool::new(false));
    let mut tasks = Vec::new();
    for task in 0..TASKS {
        let (mut con, stop, keys) = (con.clone(), stop.clone(), keys.clone());
        tasks.push(tokio::spawn(async move {
            let mut outcomes = Vec::new();
            let mut n = 0;
            while !stop.load(std::sync::atomic::Ordering::Relaxed) {
                let key = keys[(task + n) % keys.len()].clone();
                let id = format!("{task}-{n}");
                outcomes.push((key.clone(), id.clone(), record(&mut con, &key, &id).await));
                n += 1;
            }
            outcomes
        }));
    }
    tokio::time::sleep(std::time::Duration::from_millis(100)).await;
    let slot_text = slot.to_string();
    admin(target, &["CLUSTER", "SETSLOT", &slot_text, "IMPORTING", &source_id]);
    admin(source, &["CLUSTER", "SETSLOT", &slot_text, "MIGRATING", &target_id]);
    // one key at a time: meanwhile calls on moved keys get ASK, the others run on the source
    let target_port = target.port().to_string();
    for key in &keys {
        admin(
            source,
            &["MIGRATE", "127.0.0.1", &target_port, "", "0", "5000", "KEYS", key],
        );
        tokio::time::sleep(std::time::Duration::from_millis(30)).await;
    }
    assign_slot(&cluster, slot, &target_id);
    // and now MOVED, for callers whose slot map still names the source
    tokio::time::sleep(std::time::Duration::from_millis(200)).await;
    stop.store(true, std::sync::atomic::Ordering::Relaxed);
    let mut outcomes = Vec::new();
    for task in tasks {
        outcomes.extend(task.await.unwrap());
    }

    let mut check = target.connection();
    let ledgers: std::collections::HashMap<&String, std::collections::HashMap<String, i64>> = keys
        .iter()
        .map(|key| (key, redis::cmd("HGETALL").arg(key).query(&mut check).unwrap()))
        .collect();
    let mut failed = Vec::new();
    for (key, id, result) in &outcomes {
        match result {
            Ok(1) => {}
            other => failed.push(format!("{key} {id}: {other:?}")),
        }
        assert_eq!(ledgers[key].get(id), Some(&1), "{key} {id} ran once");
    }
    assert!(
        failed.is_empty(),
        "{} of {} calls failed: {:?}",
        failed.len(),
        outcomes.len(),
        &failed[..failed.len().min(5)]
    );
    assert!(
        target.calls("asking") > 0,
        "calls were redirected with ASK during the migration"
    );
    eprintln!(
        "migration: {} calls by {TASKS} tasks, all Ok, {} ASKING on the importing node",
        outcomes.len(),
        target.calls("asking")
    );
}

#[tokio::test]
async fn tryagain_is_waited_out_then_typed_and_clusterdown_is_typed() {
    let cluster = RedisCluster::start();
    let (a, b) = ("acct:{split}:a", "acct:{split}:b");
    let slot = scripts::key_slot(a.as_bytes());
    let source = cluster.node_for_key(a);
    let target = cluster.nodes().iter().find(|n| n.port() != source.port()).unwrap();
    let (source_id, target_id) = (scripts_tests::node_id(source), scripts_tests::node_id(target));
    let mut con = connect(&cluster).await;
    assert_eq!(transfer(&mut con, a, b, 10).await.unwrap(), 10);
    let slot_text = slot.to_string();
    admin(target, &["CLUSTER", "SETSLOT", &slot_text, "IMPORTING", &source_id]);
    admin(source, &["CLUSTER", "SETSLOT", &slot_text, "MIGRATING", &target_id]);
    let target_port = target.port().to_string();
    admin(
        source,
        &["MIGRATE", "127.0.0.1", &target_port, "", "0", "5000", "KEYS", a],
    );

    // `a` moved, `b` did not: the source refuses the two-key call with TRYAGAIN
    let mut plain = source.client().get_multiplexed_async_connection().await.unwrap();
    let error = transfer(&mut plain, a, b, 1).await.unwrap_err();
    assert!(matches!(error, Error::TryAgain { .. }), "{error:?}");
    assert_eq!(error.ran(), scripts::Ran::No);
    // the cluster connection waits it out a few times, then says so
    let started = std::time::Instant::now();
    let error = transfer(&mut con, a, b, 1).await.unwrap_err();
    assert!(matches!(error, Error::TryAgain { .. }), "{error:?}");
    assert_eq!(error.ran(), scripts::Ran::No);
    assert!(
        started.elapsed() >= std::time::Duration::from_millis(700),
        "it waited 5 times"
    );

    admin(
        source,
        &["MIGRATE", "127.0.0.1", &target_port, "", "0", "5000", "KEYS", b],
    );
    assign_slot(&cluster, slot, &target_id);
    assert_eq!(
        transfer(&mut con, a, b, 1).await.unwrap(),
        11,
        "after the migration, MOVED is followed"
    );
    let (moved_a, moved_b): (i64, i64) = (con.get(a).await.unwrap(), con.get(b).await.unwrap());
    assert_eq!((moved_a, moved_b), (-11, 11), "the refused calls changed nothing");

    // a slot no node serves
    let lost = "acct:{lost}:a";
    let owner = cluster.node_for_key(lost);
    admin(
        owner,
        &["CLUSTER", "DELSLOTS", &scripts::key_slot(lost.as_bytes()).to_string()],
    );
    let error = record(&mut con, lost, "x").await.unwrap_err();
    assert!(matches!(error, Error::ClusterDown { .. }), "{error:?}");
    assert_eq!(error.ran(), scripts::Ran::No);
    assert!(error.to_string().contains("CLUSTERDOWN"), "{error}");
}

/// A pipeline that runs scripts goes to its slot's primary over the wrapper's own
/// connection, once. Sent to a node that no longer serves the slot, every reply is
/// `MOVED` (nothing ran) and the wrapper sends it where the slot is now; a pipeline
/// whose script calls hash to different slots is refused before anything is sent.
#[tokio::test]
async fn pipelines_with_script_calls_go_to_their_slot_once() {
    let cluster = RedisCluster::start();
    let mut con = connect(&cluster).await;
    let ledger = "ledger:{pipe}";
    let slot = scripts::key_slot(ledger.as_bytes());
    let source = cluster.node_for_key(ledger);
    let target = cluster.nodes().iter().find(|n| n.port() != source.port()).unwrap();

    // the wrapper reads the slot map with this call, then the (empty) slot moves
    record(&mut con, "warm:{up}", "before").await.unwrap();
    assign_slot(&cluster, slot, &scripts_tests::node_id(target));
    cluster.reset_stats();
    let mut pipe = redis::pipe();
    record::pipe(&mut pipe, ledger, "a").unwrap();
    pipe.cmd("HINCRBY").arg(ledger).arg("plain").arg(1);
    record::pipe(&mut pipe, ledger, "b").unwrap();
    let replies: (i64, i64, i64) = pipe.query_async(&mut con).await.unwrap();
    assert_eq!(replies, (1, 1, 1));
    let stats = source.info("commandstats");
    let eval = stats
        .lines()
        .find(|l| l.starts_with("cmdstat_eval:"))
        .unwrap_or_default();
    assert!(
        eval.contains("calls=0,") && eval.contains("rejected_calls=2,"),
        "the pipeline went to the old owner first, which refused both calls (MOVED): {stats}"
    );
    assert_eq!(target.calls("eval"), 2, "the new owner ran each call once");
    let entries: std::collections::HashMap<String, i64> = redis::cmd("HGETALL")
        .arg(ledger)
        .query(&mut target.connection())
        .unwrap();
    assert_eq!(entries.get("a"), Some(&1));
    assert_eq!(entries.get("b"), Some(&1));
    assert_eq!(entries.get("plain"), Some(&1));

    // a plain command on another node's key is refused by the node the scripts run
    // on; the script call ran, so nothing is sent again, and the error says so
    // (not `MOVED`, which callers take for "send again")
    let elsewhere = (0..)
        .map(|n| format!("other:{n}"))
        .find(|key| cluster.node_for_key(key).port() != target.port())
        .unwrap();
    cluster.reset_stats();
    let mut pipe = redis::pipe();
    record::pipe(&mut pipe, ledger, "c").unwrap();
    pipe.cmd("INCR").arg(&elsewhere);
    let error = pipe.query_async::<(i64, i64)>(&mut con).await.unwrap_err();
    assert_eq!(error.kind(), redis::ErrorKind::Client, "{error}");
    assert!(error.to_string().contains("do not send it again"), "{error}");
    assert!(error.to_string().contains("command 2 (`INCR`): MOVED"), "{error}");
    assert_eq!(
        target.calls("eval"),
        1,
        "the script call ran once and was not sent again"
    );
    let runs: i64 = redis::cmd("HGET")
        .arg(ledger)
        .arg("c")
        .query(&mut target.connection())
        .unwrap();
    assert_eq!(runs, 1);

    // script calls of two slots: refused before sending
    cluster.reset_stats();
    let mut pipe = redis::pipe();
    record::pipe(&mut pipe, ledger, "d").unwrap();
    record::pipe(&mut pipe, "ledger:{other}", "d").unwrap();
    let error = pipe.query_async::<(i64, i64)>(&mut con).await.unwrap_err();
    assert_eq!(
        error.kind(),
        redis::ErrorKind::Server(redis::ServerErrorKind::CrossSlot),
        "{error}"
    );
    assert!(error.to_string().contains("one hash slot"), "{error}");
    assert!(error.to_string().contains("`ledger:{other}` in slot"), "{error}");
    assert_eq!(cluster.calls("eval"), 0, "nothing was sent");

    // a transaction goes the same way; one sent to a node that no longer serves its
    // slot is discarded there (nothing ran) and the next one finds the new owner
    let mut transaction = redis::pipe();
    transaction.atomic();
    record::pipe(&mut transaction, ledger, "t").unwrap();
    transaction.cmd("HINCRBY").arg(ledger).arg("t-plain").arg(1);
    let replies: (i64, i64) = transaction.query_async(&mut con).await.unwrap();
    assert_eq!(replies, (1, 1));
    let moved = "ledger:{tx}";
    let (from, to) = (
        cluster.node_for_key(moved),
        cluster
            .nodes()
            .iter()
            .find(|n| n.port() != cluster.node_for_key(moved).port())
            .unwrap(),
    );
    assign_slot(
        &cluster,
        scripts::key_slot(moved.as_bytes()),
        &scripts_tests::node_id(to),
    );
    let mut transaction = redis::pipe();
    transaction.atomic();
    record::pipe(&mut transaction, moved, "t").unwrap();
    let first = transaction.query_async::<(i64,)>(&mut con).await;
    let error = first.expect_err("the old owner refuses the transaction");
    let runs: Option<i64> = redis::cmd("HGET")
        .arg(moved)
        .arg("t")
        .query(&mut to.connection())
        .unwrap();
    assert_eq!(runs, None, "nothing ran: {error}");
    assert_ne!(from.port(), to.port());
    let (runs,): (i64,) = transaction.query_async(&mut con).await.unwrap();
    assert_eq!(runs, 1, "the second transaction went to the new owner and ran once");
}

/// `redis::Script` objects work through the wrapper, which sends their `EVALSHA`
/// to the slot's primary once (`at_most_once.rs` shows it under faults); on
/// `NOSCRIPT` redis-rs loads the script and sends `EVALSHA` again.
#[tokio::test]
async fn redis_script_objects_work_through_the_wrapper() {
    let cluster = RedisCluster::start();
    let mut con = connect(&cluster).await;
    let script = redis::Script::new("return redis.call('HINCRBY', KEYS[1], ARGV[1], 1)");
    let ledgers: Vec<String> = (0..6).map(|n| format!("raw:{{{n}}}")).collect();
    for ledger in &ledgers {
        // EVALSHA, NOSCRIPT, SCRIPT LOAD, EVALSHA: redis-rs's own recovery
        let runs: i64 = script.key(ledger).arg("x").invoke_async(&mut con).await.unwrap();
        assert_eq!(runs, 1);
        let owner = cluster.node_for_key(ledger);
        let runs: i64 = redis::cmd("HGET")
            .arg(ledger)
            .arg("x")
            .query(&mut owner.connection())
            .unwrap();
        assert_eq!(runs, 1, "{ledger} ran once, on its owner");
    }
}
