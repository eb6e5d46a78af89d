//! Fault injection against real redis-server processes: the script cache flushed
//! under load, the server killed and restarted, a script past the busy threshold,
//! and the memory limit. Every call either returns the right result or a typed,
//! clear error; none returns a wrong result or is applied twice.

use std::sync::Arc;
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::time::Duration;

use scripts::redis::{self, AsyncCommands};
use scripts::{Error, Ran, redis_script};
use scripts_tests::RedisServer;

/// Counts one call for `caller` and echoes `token`, so a reply can be matched to
/// its request.
#[redis_script]
async fn count(
    con: &mut impl scripts::AsyncConnection,
    #[key] counter: &str,
    token: &str,
) -> scripts::Result<(String, i64)> {
    "return { ARGV[1], redis.call('INCR', KEYS[1]) }"
}

/// Spins without writing until killed.
#[redis_script]
async fn spin(con: &mut impl scripts::AsyncConnection) -> scripts::Result<()> {
    r#"
    local i = 0
    while true do i = i + 1 end
    "#
}

/// Writes `value` at `key`.
#[redis_script]
async fn put(con: &mut impl scripts::AsyncConnection, #[key] key: &str, value: &str) -> scripts::Result<()> {
    "redis.call('SET', KEYS[1], ARGV[1])"
}

/// Reads `key` without writing.
#[redis_script]
async fn peek(con: &mut impl scripts::AsyncConnection, #[key] key: &str) -> scripts::Result<Option<String>> {
    r#"#!lua flags=no-writes
    return redis.call('GET', KEYS[1])
    "#
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn script_flush_under_load_loses_and_duplicates_nothing() {
    const TASKS: usize = 32;
    const PER_TASK: usize = 313;
    const CALLS: usize = TASKS * PER_TASK; // 10,016
    let server = RedisServer::start();
    let client = server.client();
    let con = client.get_multiplexed_async_connection().await.unwrap();
    let stop = Arc::new(AtomicBool::new(false));
    let flushes = Arc::new(AtomicUsize::new(0));

    let flusher = {
        let (mut con, stop, flushes) = (con.clone(), stop.clone(), flushes.clone());
        tokio::spawn(async move {
            while !stop.load(Ordering::Relaxed) {
                let () = redis::cmd("SCRIPT").arg("FLUSH").query_async(&mut con).await.unwrap();
                flushes.fetch_add(1, Ordering::Relaxed);
                tokio::time::sleep(Duration::from_millis(1)).await;
            }
        })
    };
    let mut tasks = Vec::new();
    for task in 0..TASKS {
        let mut con = con.clone();
        tasks.push(tokio::spawn(async move {
            let key = format!("flush:{task}");
            for n in 1..=PER_TASK as i64 {
                let token = format!("{task}-{n}");
                let (echo, counted) = count(&mut con, &key, &token).await.expect("no call may fail");
                assert_eq!(echo, token, "a reply belongs to its own call");
                assert_eq!(counted, n, "each call is applied exactly once");
            }
        }));
    }
    for task in tasks {
        task.await.unwrap();
    }
    stop.store(true, Ordering::Relaxed);
    flusher.await.unwrap();

    let mut con = con.clone();
    for task in 0..TASKS {
        let total: i64 = con.get(format!("flush:{task}")).await.unwrap();
        assert_eq!(total as usize, PER_TASK);
    }
    assert!(
        flushes.load(Ordering::Relaxed) > 10,
        "the cache was flushed during the run"
    );
    // every call sent one EVALSHA; only those that met NOSCRIPT sent one EVAL more
    assert_eq!(server.calls("evalsha"), CALLS as u64);
    let evals = server.calls("eval");
    assert!(evals > 0 && evals < CALLS as u64, "{evals} calls recovered with EVAL");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn a_server_killed_mid_load_gives_connection_errors_never_wrong_results() {
    let mut server = RedisServer::start();
    let manager = redis::aio::ConnectionManager::new(server.client()).await.unwrap();
    let stop = Arc::new(AtomicBool::new(false));
    let ok = Arc::new(AtomicUsize::new(0));
    let failed = Arc::new(AtomicUsize::new(0));
    let mut tasks = Vec::new();
    for task in 0..8 {
        let (mut con, stop, ok, failed) = (manager.clone(), stop.clone(), ok.clone(), failed.clone());
        tasks.push(tokio::spawn(async move {
            let mut n = 0u64;
            while !stop.load(Ordering::Relaxed) {
                n += 1;
                let token = format!("{task}-{n}");
                match count(&mut con, &format!("restart:{task}"), &token).await {
                    Ok((echo, counted)) => {
                        assert_eq!(echo, token, "a reply belongs to its own call");
                        assert!(counted >= 1);
                        ok.fetch_add(1, Ordering::Relaxed);
                    }
                    Err(error @ (Error::Connection { .. } | Error::Timeout { .. })) => {
                        assert!(error.to_string().contains("connection"), "{error}");
                        assert_ne!(error.ran(), Ran::Yes, "{error}");
                        failed.fetch_add(1, Ordering::Relaxed);
                        tokio::time::sleep(Duration::from_millis(5)).await;
                    }
                    Err(other) => panic!("only connection errors are expected, got {other:?}"),
                }
            }
        }));
    }
    tokio::time::sleep(Duration::from_millis(300)).await;
    let before_kill = ok.load(Ordering::Relaxed);
    server.kill();
    tokio::time::sleep(Duration::from_millis(300)).await;
    server.restart();
    // calls succeed again once the manager has reconnected
    let deadline = std::time::Instant::now() + Duration::from_secs(15);
    let after_restart = ok.load(Ordering::Relaxed);
    while ok.load(Ordering::Relaxed) < after_restart + 100 {
        assert!(
            std::time::Instant::now() < deadline,
            "calls did not recover after the restart"
        );
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
    stop.store(true, Ordering::Relaxed);
    for task in tasks {
        task.await.unwrap();
    }
    assert!(before_kill > 0, "calls succeeded before the kill");
    assert!(
        failed.load(Ordering::Relaxed) > 0,
        "calls failed while the server was down"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_busy_script_gives_busy_errors_and_script_kill_recovers() {
    let server = RedisServer::start();
    let client = server.client();
    // no response timeout on these: a reply may take as long as the script runs (the
    // default 500 ms would turn the killed call into a timeout, and a connection
    // made while the script runs waits for it to end)
    let patient = redis::AsyncConnectionConfig::new().set_response_timeout(None);
    let mut admin = client
        .get_multiplexed_async_connection_with_config(&patient)
        .await
        .unwrap();
    let mut other = client
        .get_multiplexed_async_connection_with_config(&patient)
        .await
        .unwrap();
    let mut slow_con = client
        .get_multiplexed_async_connection_with_config(&patient)
        .await
        .unwrap();
    let () = redis::cmd("CONFIG")
        .arg("SET")
        .arg("busy-reply-threshold")
        .arg(100)
        .query_async(&mut admin)
        .await
        .unwrap();
    let slow = tokio::spawn(async move { spin(&mut slow_con).await });
    // wait until the server says it is busy, however long the spin takes to start
    let deadline = std::time::Instant::now() + Duration::from_secs(20);
    loop {
        let probe: redis::RedisResult<Option<String>> = admin.get("probe").await;
        match probe {
            Err(e) if e.code() == Some("BUSY") => break,
            Ok(_) => {}
            Err(e) => panic!("unexpected probe error: {e}"),
        }
        assert!(
            std::time::Instant::now() < deadline,
            "the spinning script never made the server busy"
        );
        tokio::time::sleep(Duration::from_millis(20)).await;
    }

    let error = count(&mut other, "busy", "t").await.unwrap_err();
    assert!(matches!(error, Error::Busy { script: "count", .. }), "{error:?}");
    assert_eq!(error.ran(), Ran::No);
    assert!(error.to_string().contains("BUSY"), "{error}");

    let () = redis::cmd("SCRIPT").arg("KILL").query_async(&mut admin).await.unwrap();
    let killed = slow.await.unwrap().unwrap_err();
    assert!(matches!(killed, Error::Killed { script: "spin", .. }), "{killed:?}");
    assert_eq!(killed.ran(), Ran::Yes, "it ran, and wrote nothing");
    assert!(killed.to_string().contains("SCRIPT KILL"), "{killed}");

    let (echo, n) = count(&mut other, "busy", "after").await.unwrap();
    assert_eq!(
        (echo.as_str(), n),
        ("after", 1),
        "the server serves again after SCRIPT KILL"
    );
}

#[tokio::test]
async fn over_maxmemory_writes_fail_clearly_and_reads_still_run() {
    let server = RedisServer::start();
    let mut con = server.client().get_multiplexed_async_connection().await.unwrap();
    put(&mut con, "small", "before").await.unwrap();
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

    let error = put(&mut con, "small", "after").await.unwrap_err();
    assert!(matches!(error, Error::OutOfMemory { script: "put", .. }), "{error:?}");
    // no shebang: the server checks memory at the script's first write, not before
    assert_eq!(error.ran(), Ran::Yes);
    assert!(error.to_string().contains("maxmemory"), "{error}");
    // a `no-writes` script still runs
    assert_eq!(peek(&mut con, "small").await.unwrap().as_deref(), Some("before"));
    assert!(peek::SCRIPT.read_only());
}
