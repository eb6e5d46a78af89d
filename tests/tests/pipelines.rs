//! Script calls inside pipelines and MULTI/EXEC transactions, cached or not.

use scripts::redis::{self, AsyncCommands};
use scripts::redis_script;
use scripts_tests::RedisServer;

/// Moves `amount` from one counter to another; the new source balance.
#[redis_script]
async fn shift(
    con: &mut impl scripts::AsyncConnection,
    #[key] from: &str,
    #[key] to: &str,
    amount: i64,
) -> scripts::Result<i64> {
    r#"
    redis.call('INCRBY', KEYS[2], ARGV[1])
    return redis.call('DECRBY', KEYS[1], ARGV[1])
    "#
}

async fn flushed(server: &RedisServer) -> redis::aio::MultiplexedConnection {
    let mut con = server.client().get_multiplexed_async_connection().await.unwrap();
    let () = redis::cmd("SCRIPT").arg("FLUSH").query_async(&mut con).await.unwrap();
    server.reset_stats();
    con
}

#[tokio::test]
async fn a_pipeline_succeeds_when_the_script_is_not_cached() {
    let server = RedisServer::start();
    let mut con = flushed(&server).await;
    let mut pipe = redis::pipe();
    shift::pipe(&mut pipe, "p:{a}", "p:{b}", 5).unwrap();
    pipe.get("p:{b}");
    shift::pipe(&mut pipe, "p:{a}", "p:{b}", 7).unwrap();
    let (first, b, second): (i64, i64, i64) = pipe.query_async(&mut con).await.unwrap();
    assert_eq!((first, b, second), (-5, 5, -12));
    assert_eq!(server.calls("eval"), 2, "pipelines carry the script text");
    assert_eq!(server.calls("evalsha"), 0);
    // EVAL cached it: a plain call afterwards needs no fallback
    server.reset_stats();
    assert_eq!(shift(&mut con, "p:{a}", "p:{b}", 1).await.unwrap(), -13);
    assert_eq!((server.calls("evalsha"), server.calls("eval")), (1, 0));
}

#[tokio::test]
async fn a_transaction_succeeds_when_the_script_is_not_cached() {
    let server = RedisServer::start();
    let mut con = flushed(&server).await;
    let mut pipe = redis::pipe();
    pipe.atomic();
    shift::pipe(&mut pipe, "t:{a}", "t:{b}", 3).unwrap();
    pipe.incr("t:{c}", 1);
    shift::pipe(&mut pipe, "t:{a}", "t:{b}", 4).unwrap();
    let (first, c, second): (i64, i64, i64) = pipe.query_async(&mut con).await.unwrap();
    assert_eq!((first, c, second), (-3, 1, -7));
    assert_eq!(server.calls("exec"), 1);
    assert_eq!(server.calls("eval"), 2);
    let b: i64 = con.get("t:{b}").await.unwrap();
    assert_eq!(b, 7);
}

#[tokio::test]
async fn loaded_scripts_go_in_pipelines_as_evalsha() {
    let server = RedisServer::start();
    let mut con = flushed(&server).await;
    let loaded = scripts::load_all(&mut con).await.unwrap();
    assert!(loaded >= 1);
    server.reset_stats();
    let mut pipe = redis::pipe();
    shift::call("l:{a}", "l:{b}", 2).add_loaded_to(&mut pipe).unwrap();
    shift::call("l:{a}", "l:{b}", 2).add_loaded_to(&mut pipe).unwrap();
    let (a, b): (i64, i64) = pipe.query_async(&mut con).await.unwrap();
    assert_eq!((a, b), (-2, -4));
    assert_eq!((server.calls("evalsha"), server.calls("eval")), (2, 0));
}

#[tokio::test]
async fn evalsha_in_a_pipeline_without_loading_is_the_documented_failure() {
    // the reason `pipe` sends EVAL: a pipeline cannot recover from NOSCRIPT
    let server = RedisServer::start();
    let mut con = flushed(&server).await;
    let mut pipe = redis::pipe();
    shift::call("n:{a}", "n:{b}", 1).add_loaded_to(&mut pipe).unwrap();
    let error = pipe.query_async::<(i64,)>(&mut con).await.unwrap_err();
    assert_eq!(error.code(), Some("NOSCRIPT"), "{error}");
}
