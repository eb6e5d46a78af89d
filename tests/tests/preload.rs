//! `load_all` loads every script of the binary, after which no call needs EVAL.

use scripts::redis;
use scripts::redis_script;
use scripts_tests::RedisServer;

#[redis_script]
async fn first(con: &mut impl scripts::AsyncConnection, #[key] k: &str) -> scripts::Result<i64> {
    "return redis.call('INCR', KEYS[1])"
}

#[redis_script]
async fn second(con: &mut impl scripts::AsyncConnection, #[key] k: &str) -> scripts::Result<i64> {
    "return redis.call('DECR', KEYS[1])"
}

#[redis_script]
fn third(con: &mut impl scripts::Connection, #[key] k: &str) -> scripts::Result<Option<String>> {
    "return redis.call('GET', KEYS[1])"
}

#[test]
fn every_script_of_the_binary_is_registered() {
    let names: Vec<&str> = scripts::scripts().map(|s| s.name()).collect();
    for name in ["first", "second", "third"] {
        assert!(names.contains(&name), "{name} missing from {names:?}");
    }
    assert_eq!(names.len(), 3);
}

#[tokio::test]
async fn after_load_all_no_eval_is_ever_sent() {
    let server = RedisServer::start();
    let mut con = server.client().get_multiplexed_async_connection().await.unwrap();
    assert_eq!(scripts::load_all(&mut con).await.unwrap(), 3);
    assert_eq!(server.calls("script|load"), 3);
    for _ in 0..3 {
        first(&mut con, "n").await.unwrap();
        second(&mut con, "n").await.unwrap();
    }
    let mut blocking = server.connection();
    assert_eq!(scripts::load_all_blocking(&mut blocking).unwrap(), 3);
    third(&mut blocking, "n").unwrap();
    assert_eq!(
        server.calls("eval") + server.calls("eval_ro"),
        0,
        "{}",
        server.info("commandstats")
    );
    // `third` only reads, so it goes as EVALSHA_RO
    assert_eq!((server.calls("evalsha"), server.calls("evalsha_ro")), (6, 1));
    let exists: Vec<bool> = redis::cmd("SCRIPT")
        .arg("EXISTS")
        .arg(first::SCRIPT.sha1())
        .arg(third::SCRIPT.sha1())
        .query_async(&mut con)
        .await
        .unwrap();
    assert_eq!(exists, [true, true]);
}
