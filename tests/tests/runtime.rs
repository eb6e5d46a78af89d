//! The generated functions at run time: SHA caching, NOSCRIPT recovery, argument
//! spreading, file scripts, and errors, against a real redis-server.

use scripts::redis::{self, AsyncCommands};
use scripts::{Error, redis_script};
use scripts_tests::RedisServer;

#[redis_script]
async fn incr(con: &mut impl scripts::AsyncConnection, #[key] counter: &str) -> scripts::Result<i64> {
    "return redis.call('INCR', KEYS[1])"
}

#[redis_script]
fn incr_blocking(con: &mut impl scripts::Connection, #[key] counter: &str) -> scripts::Result<i64> {
    "return redis.call('INCR', KEYS[1])"
}

/// Echoes what the script received, to check how parameters fill KEYS and ARGV.
#[redis_script]
async fn echo(
    con: &mut impl scripts::AsyncConnection,
    #[key] first: &str,
    #[key] rest: &[String],
    label: &str,
    numbers: Vec<i64>,
) -> scripts::Result<Vec<String>> {
    r#"
    local out = {}
    for _, k in ipairs(KEYS) do out[#out + 1] = 'K:' .. k end
    for _, a in ipairs(ARGV) do out[#out + 1] = 'A:' .. a end
    return out
    "#
}

#[redis_script(file = "lua/incr_by.lua")]
async fn incr_by(con: &mut impl scripts::AsyncConnection, #[key] counter: &str, by: i64) -> scripts::Result<i64> {}

#[redis_script]
async fn fails_on_line_four(con: &mut impl scripts::AsyncConnection, #[key] key: &str) -> scripts::Result<i64> {
    r#"
    redis.call('SET', KEYS[1], 'text')
    -- the next line raises WRONGTYPE
    return redis.call('LPUSH', KEYS[1], 'x')
    "#
}

// the mismatch is the point of the test: let it compile
#[redis_script(allow(return_type_mismatch))]
async fn returns_text(con: &mut impl scripts::AsyncConnection) -> scripts::Result<i64> {
    "return 'not a number'"
}

#[redis_script]
async fn escaped(con: &mut impl scripts::AsyncConnection, name: &str) -> scripts::Result<String> {
    "local greeting = \"hello, \"\nreturn greeting .. ARGV[1]"
}

async fn connect(server: &RedisServer) -> redis::aio::MultiplexedConnection {
    server.client().get_multiplexed_async_connection().await.unwrap()
}

#[tokio::test]
async fn compile_time_sha1_matches_script_load() {
    let server = RedisServer::start();
    let mut con = connect(&server).await;
    for script in [&incr::SCRIPT, &echo::SCRIPT, &incr_by::SCRIPT, &escaped::SCRIPT] {
        let sha: String = redis::cmd("SCRIPT")
            .arg("LOAD")
            .arg(script.source())
            .query_async(&mut con)
            .await
            .unwrap();
        assert_eq!(sha, script.sha1(), "{}", script.name());
    }
}

#[tokio::test]
async fn first_call_loads_with_one_eval_then_only_evalsha() {
    let server = RedisServer::start();
    let mut con = connect(&server).await;
    server.reset_stats();
    assert_eq!(incr(&mut con, "n").await.unwrap(), 1);
    assert_eq!((server.calls("evalsha"), server.calls("eval")), (1, 1));
    assert_eq!(incr(&mut con, "n").await.unwrap(), 2);
    assert_eq!(incr(&mut con, "n").await.unwrap(), 3);
    assert_eq!((server.calls("evalsha"), server.calls("eval")), (3, 1));
}

#[tokio::test]
async fn noscript_after_flush_is_recovered_with_exactly_one_eval() {
    let server = RedisServer::start();
    let mut con = connect(&server).await;
    assert_eq!(incr(&mut con, "n").await.unwrap(), 1);
    let () = redis::cmd("SCRIPT").arg("FLUSH").query_async(&mut con).await.unwrap();
    server.reset_stats();
    assert_eq!(
        incr(&mut con, "n").await.unwrap(),
        2,
        "the call after SCRIPT FLUSH must succeed"
    );
    assert_eq!(server.calls("eval"), 1, "exactly one EVAL recovers the flushed script");
    assert_eq!(server.calls("evalsha"), 1);
    assert_eq!(server.calls("incr"), 1, "the script body ran once, not twice");
    assert_eq!(incr(&mut con, "n").await.unwrap(), 3);
    assert_eq!(server.calls("eval"), 1, "EVAL cached the script again");
}

#[test]
fn blocking_calls_recover_from_noscript_too() {
    let server = RedisServer::start();
    let mut con = server.connection();
    assert_eq!(incr_blocking(&mut con, "b").unwrap(), 1);
    let () = redis::cmd("SCRIPT").arg("FLUSH").query(&mut con).unwrap();
    server.reset_stats();
    assert_eq!(incr_blocking(&mut con, "b").unwrap(), 2);
    assert_eq!((server.calls("evalsha"), server.calls("eval")), (1, 1));
}

#[tokio::test]
async fn key_and_argument_slices_spread_in_order() {
    let server = RedisServer::start();
    let mut con = connect(&server).await;
    let rest = vec!["k2".to_string(), "k3".to_string()];
    let out = echo(&mut con, "k1", &rest, "label", vec![7, -8]).await.unwrap();
    assert_eq!(out, ["K:k1", "K:k2", "K:k3", "A:label", "A:7", "A:-8"]);
    let out = echo(&mut con, "only", &[], "l", Vec::new()).await.unwrap();
    assert_eq!(out, ["K:only", "A:l"]);
    assert_eq!(echo::SCRIPT.key_count(), 1);
    assert!(echo::SCRIPT.variadic_keys() && echo::SCRIPT.variadic_args());
    assert_eq!(echo::SCRIPT.arg_count(), 1);
}

#[tokio::test]
async fn scripts_can_live_in_lua_files() {
    let server = RedisServer::start();
    let mut con = connect(&server).await;
    assert_eq!(incr_by(&mut con, "f", 5).await.unwrap(), 5);
    assert_eq!(incr_by(&mut con, "f", -2).await.unwrap(), 3);
    let on_disk = std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/lua/incr_by.lua")).unwrap();
    assert_eq!(incr_by::SCRIPT.source(), on_disk);
    assert!(incr_by::SCRIPT.location().file.ends_with("lua/incr_by.lua"));
    assert_eq!(incr_by::SCRIPT.location().line, 1);
}

#[tokio::test]
async fn escaped_literals_are_sent_decoded() {
    let server = RedisServer::start();
    let mut con = connect(&server).await;
    assert_eq!(escaped(&mut con, "redis").await.unwrap(), "hello, redis");
    assert_eq!(
        escaped::SCRIPT.source(),
        "local greeting = \"hello, \"\nreturn greeting .. ARGV[1]"
    );
}

#[tokio::test]
async fn run_time_errors_name_the_script_and_the_rust_line() {
    let server = RedisServer::start();
    let mut con = connect(&server).await;
    let error = fails_on_line_four(&mut con, "wt").await.unwrap_err();
    let Error::Script(script_error) = &error else {
        panic!("expected a script error, got {error:?}")
    };
    assert_eq!(script_error.script, "fails_on_line_four");
    assert_eq!(script_error.code, "WRONGTYPE");
    assert_eq!(script_error.lua_line, Some(4));
    let start = fails_on_line_four::SCRIPT.location();
    assert!(start.file.ends_with("runtime.rs"), "{}", start.file);
    assert_eq!(
        script_error.line,
        Some(start.line + 3),
        "Lua line 4 is three lines below the literal's start"
    );
    let text = error.to_string();
    assert!(
        text.contains("fails_on_line_four") && text.contains("lua line 4") && text.contains("WRONGTYPE"),
        "{text}"
    );
    assert!(
        std::error::Error::source(&error).is_some(),
        "the server error stays the source"
    );
}

#[tokio::test]
async fn a_reply_of_the_wrong_type_is_a_reply_error() {
    let server = RedisServer::start();
    let mut con = connect(&server).await;
    let error = returns_text(&mut con).await.unwrap_err();
    assert!(
        matches!(
            error,
            Error::Reply {
                script: "returns_text",
                expected: "i64",
                ..
            }
        ),
        "{error:?}"
    );
}

#[tokio::test]
async fn errors_convert_into_redis_errors_for_question_mark() {
    async fn uses_redis_result(con: &mut redis::aio::MultiplexedConnection) -> redis::RedisResult<i64> {
        let n = fails_on_line_four(con, "q").await?;
        Ok(n)
    }
    let server = RedisServer::start();
    let mut con = connect(&server).await;
    let error = uses_redis_result(&mut con).await.unwrap_err();
    assert_eq!(error.code(), Some("WRONGTYPE"));
}

#[tokio::test]
async fn a_dead_server_is_a_connection_error() {
    let mut server = RedisServer::start();
    let mut con = connect(&server).await;
    let () = con.set("x", 1).await.unwrap();
    server.kill();
    let error = incr(&mut con, "x").await.unwrap_err();
    assert!(matches!(error, Error::Connection { script: "incr", .. }), "{error:?}");
}
