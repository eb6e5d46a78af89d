//! Every error says whether the script ran, read from facts of the reply: errors
//! the server raises inside a script carry a `script: <sha>` suffix, its refusals
//! are fixed texts, and whatever else a script returns is the script's. Scripts
//! that return the server's codes are rejected by the checker (`server_error_code`);
//! the hand-built scripts below bypass it to show the runtime still never re-sends
//! a script that ran, and never calls it refused.

use std::time::Duration;

use scripts::redis::{self, AsyncCommands};
use scripts::{Call, Error, Location, Ran, Script, redis_script};
use scripts_tests::{RedisCluster, RedisServer};

/// Returns an application error with no code.
#[redis_script]
async fn no_fields(con: &mut impl scripts::AsyncConnection, #[key] hash: &str) -> scripts::Result<i64> {
    r#"
    if redis.call('HLEN', KEYS[1]) == 0 then
        return redis.error_reply('no fields')
    end
    return redis.call('HLEN', KEYS[1])
    "#
}

/// Returns an application error with a code of its own.
#[redis_script]
async fn find_user(con: &mut impl scripts::AsyncConnection, #[key] users: &str, id: &str) -> scripts::Result<String> {
    r#"
    local name = redis.call('HGET', KEYS[1], ARGV[1])
    if not name then return {err = 'APP_NOT_FOUND user ' .. ARGV[1]} end
    return name
    "#
}

/// Writes, then fails in Lua.
#[redis_script]
async fn write_then_fail(con: &mut impl scripts::AsyncConnection, #[key] counter: &str) -> scripts::Result<i64> {
    r#"
    redis.call('INCR', KEYS[1])
    error('failed after the write')
    "#
}

/// Writes without a shebang: over `maxmemory` the write inside is refused.
#[redis_script]
async fn put(con: &mut impl scripts::AsyncConnection, #[key] key: &str, value: &str) -> scripts::Result<()> {
    "redis.call('SET', KEYS[1], ARGV[1])"
}

/// Writes with a shebang: over `maxmemory` the whole call is refused up front.
#[redis_script]
async fn put_flagged(con: &mut impl scripts::AsyncConnection, #[key] key: &str, value: &str) -> scripts::Result<()> {
    r#"#!lua
    redis.call('SET', KEYS[1], ARGV[1])
    "#
}

/// Spins for `ms` milliseconds of server time, then records the call.
#[redis_script(allow(nondeterministic_command))]
async fn slow_record(
    con: &mut impl scripts::AsyncConnection,
    #[key] ledger: &str,
    id: &str,
    ms: i64,
) -> scripts::Result<i64> {
    r#"
    local function now_ms()
        local t = redis.call('TIME')
        return tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
    end
    local deadline = now_ms() + tonumber(ARGV[2])
    while now_ms() < deadline do end
    return redis.call('HINCRBY', KEYS[1], ARGV[1], 1)
    "#
}

/// A script the checker never saw: the runtime's own defences, on their own.
fn unchecked(name: &'static str, source: &'static str, server: &RedisServer) -> &'static Script {
    let sha: String = redis::cmd("SCRIPT")
        .arg("LOAD")
        .arg(source)
        .query(&mut server.connection())
        .unwrap();
    let location = Location {
        file: file!(),
        line: line!(),
        column: 1,
    };
    Box::leak(Box::new(Script::__new(
        name,
        source,
        Box::leak(sha.into_boxed_str()),
        (1, false),
        (0, false),
        false,
        location,
        &[],
    )))
}

async fn connect(server: &RedisServer) -> redis::aio::MultiplexedConnection {
    server.client().get_multiplexed_async_connection().await.unwrap()
}

#[tokio::test]
async fn returned_errors_keep_their_text_and_say_the_script_ran() {
    let server = RedisServer::start();
    let mut con = connect(&server).await;
    let error = no_fields(&mut con, "empty").await.unwrap_err();
    assert_eq!(error.ran(), Ran::Yes);
    let Error::Script(script_error) = &error else {
        panic!("a returned error is a script error: {error:?}")
    };
    assert!(script_error.returned);
    assert_eq!(
        (script_error.code.as_str(), script_error.message.as_str()),
        ("", "no fields")
    );
    assert_eq!(script_error.text(), "no fields");
    assert_eq!(
        script_error.lua_line,
        Some(3),
        "the line of the only `'no fields'` literal"
    );
    assert_eq!(script_error.line, Some(no_fields::SCRIPT.location().line + 2));
    let text = error.to_string();
    assert!(
        text.contains("returned an error") && text.ends_with(": no fields"),
        "{text}"
    );

    let error = find_user(&mut con, "users", "7").await.unwrap_err();
    let Error::Script(script_error) = &error else {
        panic!("{error:?}")
    };
    assert_eq!(
        (script_error.code.as_str(), script_error.message.as_str()),
        ("APP_NOT_FOUND", "user 7")
    );
    assert_eq!(script_error.lua_line, None, "built at run time: no literal to point at");
    assert!(error.to_string().ends_with("APP_NOT_FOUND user 7"), "{error}");
}

#[tokio::test]
async fn raised_errors_say_the_script_ran_and_its_writes_stay() {
    let server = RedisServer::start();
    let mut con = connect(&server).await;
    let error = write_then_fail(&mut con, "raised").await.unwrap_err();
    assert_eq!(error.ran(), Ran::Yes);
    let Error::Script(script_error) = &error else {
        panic!("{error:?}")
    };
    assert!(!script_error.returned);
    assert_eq!(script_error.lua_line, Some(3));
    let counter: i64 = con.get("raised").await.unwrap();
    assert_eq!(counter, 1, "Redis does not roll a script back");
}

#[tokio::test]
async fn a_script_returning_noscript_runs_once_and_is_never_sent_again() {
    let server = RedisServer::start();
    let script = unchecked(
        "fake_noscript",
        "redis.call('INCR', KEYS[1]) return redis.error_reply('NOSCRIPT fake')",
        &server,
    );
    let mut con = connect(&server).await;
    for cached in [true, false] {
        if !cached {
            let () = redis::cmd("SCRIPT").arg("FLUSH").query_async(&mut con).await.unwrap();
        }
        server.reset_stats();
        let mut call = Call::new(script, 1);
        call.key("runs");
        let error = call.invoke_async::<i64, _>(&mut con).await.unwrap_err();
        assert_eq!(error.ran(), Ran::Yes, "{error:?}");
        assert!(
            matches!(&error, Error::Script(e) if e.returned && e.code == "NOSCRIPT"),
            "{error:?}"
        );
        // cached: one EVALSHA. Not cached: the server's own NOSCRIPT, then one EVAL
        let expected = if cached { (1, 0) } else { (1, 1) };
        assert_eq!((server.calls("evalsha"), server.calls("eval")), expected);
    }
    let runs: i64 = con.get("runs").await.unwrap();
    assert_eq!(runs, 2, "each call ran once");
}

#[tokio::test]
async fn server_codes_returned_by_a_script_are_not_taken_for_refusals() {
    let server = RedisServer::start();
    let mut con = connect(&server).await;
    let sources: [&'static str; 9] = [
        "redis.call('INCR', KEYS[1]) return redis.error_reply('BUSY later')",
        "redis.call('INCR', KEYS[1]) return {err = 'OOM quota'}",
        "redis.call('INCR', KEYS[1]) return {err = 'READONLY archived'}",
        "redis.call('INCR', KEYS[1]) return {err = 'CROSSSLOT mine'}",
        "redis.call('INCR', KEYS[1]) return {err = 'TRYAGAIN soon'}",
        "redis.call('INCR', KEYS[1]) return {err = 'CLUSTERDOWN maybe'}",
        "redis.call('INCR', KEYS[1]) return {err = 'LOADING data'}",
        "redis.call('INCR', KEYS[1]) return {err = 'MOVED elsewhere'}",
        "redis.call('INCR', KEYS[1]) error({err = 'BUSY raised'})",
    ];
    for (n, source) in sources.into_iter().enumerate() {
        let script = unchecked("returns_a_server_code", source, &server);
        let key = format!("code:{n}");
        let mut call = Call::new(script, 1);
        call.key(key.as_str());
        let error = call.invoke_async::<i64, _>(&mut con).await.unwrap_err();
        assert!(matches!(error, Error::Script(_)), "{source}: {error:?}");
        assert_eq!(error.ran(), Ran::Yes, "{source}");
        let runs: i64 = con.get(&key).await.unwrap();
        assert_eq!(runs, 1, "{source}: ran once");
    }
}

#[tokio::test]
async fn a_compile_error_is_a_refusal() {
    let server = RedisServer::start();
    let script = Box::leak(Box::new(Script::__new(
        "does_not_compile",
        "return (",
        "0123456789012345678901234567890123456789",
        (0, false),
        (0, false),
        false,
        Location {
            file: file!(),
            line: line!(),
            column: 1,
        },
        &[],
    )));
    let mut con = connect(&server).await;
    let error = Call::new(script, 0).invoke_async::<i64, _>(&mut con).await.unwrap_err();
    assert!(matches!(error, Error::Server { .. }), "{error:?}");
    assert_eq!(error.ran(), Ran::No);
    assert!(error.to_string().contains("did not run"), "{error}");
}

#[tokio::test]
async fn over_maxmemory_a_flagged_script_is_refused_and_a_plain_one_runs_until_its_write() {
    let server = RedisServer::start();
    let mut con = connect(&server).await;
    let () = redis::cmd("SET")
        .arg("ballast")
        .arg(vec![b'x'; 2 << 20])
        .query_async(&mut con)
        .await
        .unwrap();
    for (name, value) in [("maxmemory-policy", "noeviction"), ("maxmemory", "1mb")] {
        let () = redis::cmd("CONFIG")
            .arg("SET")
            .arg(name)
            .arg(value)
            .query_async(&mut con)
            .await
            .unwrap();
    }
    let refused = put_flagged(&mut con, "k", "v").await.unwrap_err();
    assert!(matches!(refused, Error::OutOfMemory { .. }), "{refused:?}");
    assert_eq!(refused.ran(), Ran::No, "{refused}");
    let inside = put(&mut con, "k", "v").await.unwrap_err();
    assert!(matches!(inside, Error::OutOfMemory { .. }), "{inside:?}");
    assert_eq!(inside.ran(), Ran::Yes, "the script ran up to its write: {inside}");
    assert!(
        inside.to_string().contains("ran and a write in it was refused"),
        "{inside}"
    );
}

#[tokio::test]
async fn a_script_past_the_response_timeout_is_unknown_and_did_run() {
    let server = RedisServer::start();
    let config = redis::AsyncConnectionConfig::new().set_response_timeout(Some(Duration::from_millis(100)));
    let mut con = server
        .client()
        .get_multiplexed_async_connection_with_config(&config)
        .await
        .unwrap();
    // made before: while the script runs, the server answers nobody, handshakes included
    let patient = redis::AsyncConnectionConfig::new().set_response_timeout(None);
    let mut check = server
        .client()
        .get_multiplexed_async_connection_with_config(&patient)
        .await
        .unwrap();
    // 1.5 s of server time against a 100 ms timeout: the reply cannot come first
    let error = slow_record(&mut con, "slow", "call-1", 1500).await.unwrap_err();
    assert!(
        matches!(
            error,
            Error::Timeout {
                script: "slow_record",
                ..
            }
        ),
        "{error:?}"
    );
    assert_eq!(error.ran(), Ran::Unknown);
    assert!(error.to_string().contains("unknown whether it ran"), "{error}");
    // it did run: the ledger shows it once the script ends
    let deadline = std::time::Instant::now() + Duration::from_secs(20);
    loop {
        let runs: Option<i64> = check.hget("slow", "call-1").await.unwrap();
        if runs == Some(1) {
            break;
        }
        assert!(std::time::Instant::now() < deadline, "the slow script never ran");
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
}

#[tokio::test]
async fn cluster_refusals_are_typed_on_a_plain_node_connection() {
    let cluster = RedisCluster::start();
    let owner = cluster.node_for_key("ledger:{m}");
    let other = cluster.nodes().iter().find(|n| n.port() != owner.port()).unwrap();
    let mut con = connect(other).await;
    let error = no_fields(&mut con, "ledger:{m}").await.unwrap_err();
    let Error::Redirected {
        redirect, slot, node, ..
    } = &error
    else {
        panic!("{error:?}")
    };
    assert_eq!(*redirect, scripts::Redirect::Moved);
    assert_eq!(*slot, scripts::key_slot(b"ledger:{m}"));
    assert_eq!(node, &format!("127.0.0.1:{}", owner.port()));
    assert_eq!(error.ran(), Ran::No);
    assert!(error.to_string().contains("MOVED"), "{error}");
}
