//! Read-only scripts run with EVALSHA_RO, so they work on replicas; writes are
//! refused there with a typed error.

use scripts::redis::{self, AsyncCommands};
use scripts::{Error, redis_script};
use scripts_tests::RedisServer;

/// Flagged read-only in its shebang.
#[redis_script]
async fn balance(con: &mut impl scripts::AsyncConnection, #[key] account: &str) -> scripts::Result<i64> {
    r#"#!lua flags=no-writes
    return tonumber(redis.call('GET', KEYS[1]) or '0')
    "#
}

/// Proven read-only by the checker: it only calls read-only commands.
#[redis_script]
async fn exists_both(con: &mut impl scripts::AsyncConnection, #[key] a: &str, #[key] b: &str) -> scripts::Result<i64> {
    "return redis.call('EXISTS', KEYS[1]) + redis.call('EXISTS', KEYS[2])"
}

/// Writes, so it must run on the primary.
#[redis_script]
async fn deposit(con: &mut impl scripts::AsyncConnection, #[key] account: &str, amount: i64) -> scripts::Result<i64> {
    "return redis.call('INCRBY', KEYS[1], ARGV[1])"
}

#[test]
fn the_checker_marks_read_only_scripts() {
    assert!(balance::SCRIPT.read_only());
    assert!(exists_both::SCRIPT.read_only());
    assert!(!deposit::SCRIPT.read_only());
}

#[tokio::test]
async fn read_only_scripts_run_on_a_replica_and_writes_are_refused() {
    let primary = RedisServer::start();
    let mut primary_con = primary.client().get_multiplexed_async_connection().await.unwrap();
    assert_eq!(deposit(&mut primary_con, "acct:{1}", 40).await.unwrap(), 40);

    let replica = RedisServer::replica_of(&primary);
    // wait for the write to reach the replica
    let mut replica_con = replica.client().get_multiplexed_async_connection().await.unwrap();
    let deadline = std::time::Instant::now() + std::time::Duration::from_secs(10);
    while replica_con.get::<_, Option<i64>>("acct:{1}").await.unwrap() != Some(40) {
        assert!(std::time::Instant::now() < deadline, "the write did not replicate");
        tokio::time::sleep(std::time::Duration::from_millis(20)).await;
    }
    replica.reset_stats();

    assert_eq!(balance(&mut replica_con, "acct:{1}").await.unwrap(), 40);
    assert_eq!(exists_both(&mut replica_con, "acct:{1}", "acct:{2}").await.unwrap(), 1);
    // first calls fall back to EVAL_RO (the replica has not cached them), then EVALSHA_RO
    assert_eq!(balance(&mut replica_con, "acct:{1}").await.unwrap(), 40);
    assert!(replica.calls("evalsha_ro") >= 3, "{}", replica.info("commandstats"));
    assert_eq!(replica.calls("eval_ro"), 2);
    assert_eq!(replica.calls("evalsha") + replica.calls("eval"), 0);

    let error = deposit(&mut replica_con, "acct:{1}", 1).await.unwrap_err();
    assert!(matches!(error, Error::ReadOnly { script: "deposit", .. }), "{error:?}");
    // no shebang: the replica runs the script and refuses its first write
    assert_eq!(error.ran(), scripts::Ran::Yes);
    assert!(error.to_string().contains("read-only replica"), "{error}");
    let value: i64 = primary_con.get("acct:{1}").await.unwrap();
    assert_eq!(value, 40, "the refused write changed nothing");
}

#[tokio::test]
async fn read_only_calls_work_on_the_primary_too() {
    let server = RedisServer::start();
    let mut con = server.client().get_multiplexed_async_connection().await.unwrap();
    let () = redis::cmd("SET").arg("b").arg(5).query_async(&mut con).await.unwrap();
    assert_eq!(balance(&mut con, "b").await.unwrap(), 5);
    assert_eq!(server.calls("eval_ro") + server.calls("evalsha_ro"), 2);
}
