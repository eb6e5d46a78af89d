//! The seed patterns (the code of `scripts/examples/`) against a real redis-server.

#![allow(dead_code)]

#[path = "../../scripts/examples/cluster.rs"]
mod cluster;
#[path = "../../scripts/examples/compare_and_swap.rs"]
mod compare_and_swap;
#[path = "../../scripts/examples/functions.rs"]
mod functions;
#[path = "../../scripts/examples/job_queue.rs"]
mod job_queue;
#[path = "../../scripts/examples/json_summary.rs"]
mod json_summary;
#[path = "../../scripts/examples/lock.rs"]
mod lock;
#[path = "../../scripts/examples/pipeline.rs"]
mod pipeline;
#[path = "../../scripts/examples/rate_limiter.rs"]
mod rate_limiter;
#[path = "../../scripts/examples/read_only.rs"]
mod read_only;
#[path = "../../scripts/examples/reserve_stock.rs"]
mod reserve_stock;
#[path = "../../scripts/examples/transfer.rs"]
mod transfer;

use scripts::redis::{self, AsyncCommands, Commands, aio::MultiplexedConnection};
use scripts_tests::{RedisCluster, RedisServer};

async fn connect(server: &RedisServer) -> MultiplexedConnection {
    server.client().get_multiplexed_async_connection().await.unwrap()
}

#[tokio::test]
async fn the_patterns_run_as_one_function_library() {
    let server = RedisServer::start();
    let mut con = connect(&server).await;
    functions::demo(&mut con).await.unwrap();
    let loaded = server.calls("function|load");
    assert_eq!(loaded, 1, "the first call loaded the library, once");
}

#[tokio::test]
async fn compare_and_swap_swaps_only_the_expected_value() {
    let server = RedisServer::start();
    let mut con = connect(&server).await;
    let () = con.set("cas", "a").await.unwrap();
    assert!(
        !compare_and_swap::compare_and_swap(&mut con, "cas", "b", "c")
            .await
            .unwrap()
    );
    assert_eq!(con.get::<_, String>("cas").await.unwrap(), "a");
    assert!(
        compare_and_swap::compare_and_swap(&mut con, "cas", "a", "c")
            .await
            .unwrap()
    );
    assert_eq!(con.get::<_, String>("cas").await.unwrap(), "c");
    // a missing key never equals a string: no swap, key stays missing
    assert!(
        !compare_and_swap::compare_and_swap(&mut con, "missing", "", "x")
            .await
            .unwrap()
    );
    assert!(!con.exists::<_, bool>("missing").await.unwrap());
}

#[tokio::test]
async fn transfer_moves_funds_and_refuses_an_overdraft() {
    let server = RedisServer::start();
    let mut con = connect(&server).await;
    let () = con.set("bal:{t}:a", 100).await.unwrap();
    assert_eq!(
        transfer::transfer(&mut con, "bal:{t}:a", "bal:{t}:b", 60)
            .await
            .unwrap(),
        1
    );
    assert_eq!(
        transfer::transfer(&mut con, "bal:{t}:a", "bal:{t}:b", 60)
            .await
            .unwrap(),
        -1
    );
    let balances: (i64, i64) = con.mget(&["bal:{t}:a", "bal:{t}:b"]).await.unwrap();
    assert_eq!(balances, (40, 60), "a refused transfer must change nothing");
    // an account that was never funded holds 0
    assert_eq!(
        transfer::transfer(&mut con, "bal:{t}:nobody", "bal:{t}:b", 1)
            .await
            .unwrap(),
        -1
    );
}

#[test]
fn lock_admits_one_holder_and_only_the_owner_releases() {
    let server = RedisServer::start();
    let mut con = server.connection();
    assert!(lock::acquire_lock(&mut con, "lock:a", "owner", 10_000).unwrap());
    assert!(!lock::acquire_lock(&mut con, "lock:a", "intruder", 10_000).unwrap());
    let ttl: i64 = con.pttl("lock:a").unwrap();
    assert!(ttl > 0 && ttl <= 10_000, "lock must expire, PTTL = {ttl}");
    assert!(!lock::release_lock(&mut con, "lock:a", "intruder").unwrap());
    assert_eq!(
        con.get::<_, String>("lock:a").unwrap(),
        "owner",
        "a wrong token must not delete the lock"
    );
    assert!(lock::release_lock(&mut con, "lock:a", "owner").unwrap());
    assert!(!con.exists::<_, bool>("lock:a").unwrap());
    assert!(lock::acquire_lock(&mut con, "lock:a", "intruder", 10_000).unwrap());
}

#[test]
fn lock_expires_after_its_ttl() {
    let server = RedisServer::start();
    let mut con = server.connection();
    assert!(lock::acquire_lock(&mut con, "lock:ttl", "first", 50).unwrap());
    std::thread::sleep(std::time::Duration::from_millis(120));
    assert!(lock::acquire_lock(&mut con, "lock:ttl", "second", 10_000).unwrap());
    assert!(
        !lock::release_lock(&mut con, "lock:ttl", "first").unwrap(),
        "the expired owner must not release the new lock"
    );
}

#[tokio::test]
async fn rate_limiter_admits_exactly_limit_calls_per_window() {
    let server = RedisServer::start();
    let mut con = connect(&server).await;
    let (limit, window) = (5, 1_000);
    let mut admitted = 0;
    for i in 0..12 {
        if rate_limiter::rate_limit(&mut con, "rl", 10_000 + i, window, limit, &format!("a{i}"))
            .await
            .unwrap()
        {
            admitted += 1;
        }
    }
    assert_eq!(admitted, limit);
    // still inside the window of the first admitted call: refused
    assert!(
        !rate_limiter::rate_limit(&mut con, "rl", 10_999, window, limit, "b")
            .await
            .unwrap()
    );
    // the first admitted call (t=10000) has left the window at t=11000
    assert!(
        rate_limiter::rate_limit(&mut con, "rl", 11_000, window, limit, "c")
            .await
            .unwrap()
    );
    let pttl: i64 = con.pttl("rl").await.unwrap();
    assert!(pttl > 0 && pttl <= window, "the bucket must expire, PTTL = {pttl}");
}

#[tokio::test]
async fn rate_limiter_holds_under_concurrent_callers() {
    let server = RedisServer::start();
    let client = server.client();
    let mut tasks = Vec::new();
    for i in 0..40 {
        let client = client.clone();
        tasks.push(tokio::spawn(async move {
            let mut con = client.get_multiplexed_async_connection().await.unwrap();
            rate_limiter::rate_limit(&mut con, "rl:conc", 5_000, 1_000, 7, &format!("r{i}"))
                .await
                .unwrap()
        }));
    }
    let mut admitted = 0;
    for task in tasks {
        admitted += usize::from(task.await.unwrap());
    }
    assert_eq!(admitted, 7);
}

#[tokio::test]
async fn stock_is_reserved_for_every_item_or_none() {
    let server = RedisServer::start();
    let mut con = connect(&server).await;
    let items = ["s:{o}:1", "s:{o}:2", "s:{o}:3", "s:{o}:4"];
    let () = con
        .mset(&[(items[0], 10), (items[1], 10), (items[2], 10), (items[3], 1)])
        .await
        .unwrap();
    assert_eq!(reserve_stock::reserve_stock(&mut con, &items[..3], 4).await.unwrap(), 1);
    assert_eq!(reserve_stock::reserve_stock(&mut con, &items, 4).await.unwrap(), 0);
    let left: Vec<i64> = con.mget(&items).await.unwrap();
    assert_eq!(left, [6, 6, 6, 1]);
    // an empty slice passes zero keys: nothing to check, nothing to take
    assert_eq!(reserve_stock::reserve_stock(&mut con, &[], 4).await.unwrap(), 1);
    // Vec<String> keys work the same as &[&str]
    let owned: Vec<String> = items[..2].iter().map(|s| s.to_string()).collect();
    let owned_refs: Vec<&str> = owned.iter().map(String::as_str).collect();
    assert_eq!(reserve_stock::reserve_stock(&mut con, &owned_refs, 6).await.unwrap(), 1);
    assert_eq!(con.mget::<_, Vec<i64>>(&items).await.unwrap(), [0, 0, 6, 1]);
}

#[tokio::test]
async fn json_reply_is_decoded_into_a_struct() {
    let server = RedisServer::start();
    let mut con = connect(&server).await;
    let scripts::Json(empty) = json_summary::account_summary(&mut con, "b", "h").await.unwrap();
    assert_eq!(
        empty,
        json_summary::Summary {
            balance: 0,
            entries: 0,
            last: None
        }
    );
    let () = con.set("b", 7).await.unwrap();
    let _: i64 = con.lpush("h", "x").await.unwrap();
    let summary = json_summary::account_summary(&mut con, "b", "h")
        .await
        .unwrap()
        .into_inner();
    assert_eq!(summary.balance, 7);
    assert_eq!(summary.entries, 1);
    assert_eq!(summary.last.as_deref(), Some("x"));
}

#[tokio::test]
async fn every_example_demo_runs() {
    let server = RedisServer::start();
    let mut con = connect(&server).await;
    compare_and_swap::demo(&mut con).await.unwrap();
    transfer::demo(&mut con).await.unwrap();
    lock::demo(&mut server.connection()).unwrap();
    rate_limiter::demo(&mut con).await.unwrap();
    reserve_stock::demo(&mut con).await.unwrap();
    json_summary::demo(&mut con).await.unwrap();
    let _: redis::Value = redis::cmd("PING").query_async(&mut con).await.unwrap();
}

#[tokio::test]
async fn pipeline_read_only_and_cluster_demos_run() {
    let server = RedisServer::start();
    let mut con = connect(&server).await;
    pipeline::demo(&mut con).await.unwrap();

    let replica = RedisServer::replica_of(&server);
    let mut replica_con = connect(&replica).await;
    read_only::demo(&mut con, &mut replica_con).await.unwrap();

    let cluster = RedisCluster::start();
    let mut cluster_con = scripts::cluster::AsyncClusterConnection::connect(cluster.urls())
        .await
        .unwrap();
    cluster::demo(&mut cluster_con).await.unwrap();
}

#[tokio::test]
async fn the_job_queue_runs_on_one_server() {
    let server = RedisServer::start();
    let mut con = connect(&server).await;
    job_queue::demo(&mut con, "jobs:{emails}:").await.unwrap();
}

#[tokio::test]
async fn the_job_queue_runs_on_a_cluster() {
    let cluster = RedisCluster::start();
    let mut con = scripts::cluster::AsyncClusterConnection::connect(cluster.urls())
        .await
        .unwrap();
    job_queue::demo(&mut con, "jobs:{emails}:").await.unwrap();
    // every key the scripts built lives on the node that owns the prefix's slot
    let owner = cluster.node_for_key("jobs:{emails}:");
    let mut owner_con = owner.connection();
    let mut keys: Vec<String> = redis::cmd("KEYS").arg("*").query(&mut owner_con).unwrap();
    keys.sort();
    assert!(keys.len() >= 6, "{keys:?}");
    assert!(keys.iter().all(|k| k.starts_with("jobs:{emails}:")), "{keys:?}");
    for node in cluster.nodes().iter().filter(|n| n.port() != owner.port()) {
        let others: Vec<String> = redis::cmd("KEYS").arg("*").query(&mut node.connection()).unwrap();
        assert!(others.is_empty(), "keys on another node: {others:?}");
    }
}
