//! Function libraries against real servers: a single node, a primary and its replica
//! (`FCALL_RO` there), the 3-primary cluster (loaded on every primary, routed by key),
//! `FUNCTION FLUSH` recovered from at most once, a library of another application
//! registering the same name, and two versions of one library during a rolling deploy.

use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};

use scripts::redis::{self, AsyncCommands, Commands};
use scripts::{Error, Ran, redis_library};
use scripts_tests::{RedisCluster, RedisServer};

#[redis_library(file = "lua/ledger.lua")]
mod ledger {
    /// Appends an entry; the new balance.
    pub async fn record(
        con: &mut impl scripts::AsyncConnection,
        #[key] account: &str,
        #[key] entries: &str,
        id: &str,
        amount: i64,
    ) -> scripts::Result<i64>;

    pub async fn balance(con: &mut impl scripts::AsyncConnection, #[key] account: &str) -> scripts::Result<i64>;

    pub fn entries(con: &mut impl scripts::Connection, #[key] entries: &str) -> scripts::Result<i64>;

    pub fn fail(con: &mut impl scripts::Connection, how: &str) -> scripts::Result<i64>;
}

fn functions(server: &RedisServer) -> Vec<String> {
    let listed: Vec<redis::Value> = redis::cmd("FUNCTION")
        .arg("LIST")
        .query(&mut server.connection())
        .unwrap();
    let mut names = Vec::new();
    for library in listed {
        let redis::Value::Array(fields) = library else { continue };
        for pair in fields.chunks(2) {
            if let [redis::Value::BulkString(key), redis::Value::BulkString(name)] = pair
                && key == b"library_name"
            {
                names.push(String::from_utf8_lossy(name).into_owned());
            }
        }
    }
    names.sort();
    names
}

#[tokio::test]
async fn the_first_call_loads_the_library_and_later_calls_only_call() {
    let server = RedisServer::start();
    let mut con = server.client().get_multiplexed_async_connection().await.unwrap();
    assert_eq!(functions(&server), Vec::<String>::new());
    assert_eq!(
        ledger::record(&mut con, "acct:{a}", "entries:{a}", "e1", 30)
            .await
            .unwrap(),
        30
    );
    assert_eq!(functions(&server), vec![ledger::LIBRARY.name().to_owned()]);
    assert!(
        ledger::LIBRARY.name().starts_with("ledger_v"),
        "{}",
        ledger::LIBRARY.name()
    );
    assert_eq!(server.calls("fcall"), 2, "the call, refused, then again after the load");
    assert_eq!(server.calls("function|load"), 1);
    server.reset_stats();
    assert_eq!(
        ledger::record(&mut con, "acct:{a}", "entries:{a}", "e2", 12)
            .await
            .unwrap(),
        42
    );
    assert_eq!(ledger::balance(&mut con, "acct:{a}").await.unwrap(), 42);
    assert_eq!(server.calls("function|load"), 0, "loaded already");
    assert_eq!((server.calls("fcall"), server.calls("fcall_ro")), (1, 1));
    assert_eq!(ledger::entries(&mut server.connection(), "entries:{a}").unwrap(), 2);
}

#[tokio::test]
async fn function_flush_is_recovered_from_and_no_call_runs_twice() {
    let server = RedisServer::start();
    let client = server.client();
    let stop = Arc::new(AtomicBool::new(false));
    // flushes every library every 5 ms while 8 tasks call
    let flusher = {
        let stop = stop.clone();
        let mut con = server.connection();
        std::thread::spawn(move || {
            let mut flushes = 0;
            while !stop.load(Ordering::Relaxed) {
                let () = redis::cmd("FUNCTION").arg("FLUSH").query(&mut con).unwrap();
                flushes += 1;
                std::thread::sleep(std::time::Duration::from_millis(5));
            }
            flushes
        })
    };
    let mut tasks = Vec::new();
    for task in 0..8 {
        let mut con = client.get_multiplexed_async_connection().await.unwrap();
        tasks.push(tokio::spawn(async move {
            let mut ran = 0_i64;
            for i in 0..100 {
                let id = format!("t{task}-{i}");
                match ledger::record(&mut con, "acct:{flush}", "entries:{flush}", &id, 1).await {
                    Ok(_) => ran += 1,
                    // a flush between each of the runtime's loads and its call: on a
                    // loaded machine the flusher can win every race, and then the call
                    // must fail saying it did not run, never run twice
                    Err(error @ Error::NoFunction { .. }) => assert_eq!(error.ran(), Ran::No, "{error}"),
                    Err(error) => panic!("{error}"),
                }
            }
            ran
        }));
    }
    let mut succeeded = 0;
    for task in tasks {
        succeeded += task.await.unwrap();
    }
    stop.store(true, Ordering::Relaxed);
    let flushes = flusher.join().unwrap();
    let mut con = server.connection();
    let balance: i64 = con.get("acct:{flush}").unwrap_or(0);
    let entries: i64 = con.hlen("entries:{flush}").unwrap();
    assert_eq!(
        (balance, entries),
        (succeeded, succeeded),
        "every call that succeeded ran exactly once, no other ran"
    );
    assert!(succeeded >= 400, "most calls recover from a flush: {succeeded} of 800");
    assert!(flushes > 3, "the libraries were flushed {flushes} times");
    assert!(server.calls("function|load") > 1, "and loaded again after flushes");
}

#[tokio::test]
async fn read_only_functions_run_on_a_replica_with_fcall_ro() {
    let primary = RedisServer::start();
    let replica = RedisServer::replica_of(&primary);
    let mut on_primary = primary.client().get_multiplexed_async_connection().await.unwrap();
    ledger::record(&mut on_primary, "acct:{r}", "entries:{r}", "e1", 7)
        .await
        .unwrap();
    let () = redis::cmd("WAIT")
        .arg(1)
        .arg(5000)
        .query_async(&mut on_primary)
        .await
        .map(|_: i64| ())
        .unwrap();
    // the replica has the library (replicated) and the data
    let mut on_replica = replica.client().get_multiplexed_async_connection().await.unwrap();
    replica.reset_stats();
    assert_eq!(ledger::balance(&mut on_replica, "acct:{r}").await.unwrap(), 7);
    assert_eq!(replica.calls("fcall_ro"), 1);
    assert_eq!(ledger::entries(&mut replica.connection(), "entries:{r}").unwrap(), 1);
    // a function that writes is refused there, before it runs
    let error = ledger::record(&mut on_replica, "acct:{r}", "entries:{r}", "e2", 1)
        .await
        .unwrap_err();
    assert!(matches!(error, Error::ReadOnly { .. }), "{error:?}");
    assert_eq!(error.ran(), Ran::No);
}

#[tokio::test]
async fn a_replica_without_the_library_cannot_load_it() {
    let primary = RedisServer::start();
    let replica = RedisServer::replica_of(&primary);
    let mut on_replica = replica.client().get_multiplexed_async_connection().await.unwrap();
    let error = ledger::balance(&mut on_replica, "acct:{x}").await.unwrap_err();
    assert!(matches!(error, Error::Load { .. }), "{error:?}");
    assert_eq!(error.ran(), Ran::No);
    let text = error.to_string();
    assert!(
        text.contains(ledger::LIBRARY.name()) && text.contains("load it on the primary"),
        "{text}"
    );
}

#[test]
fn errors_of_functions_are_typed_and_placed() {
    let server = RedisServer::start();
    let mut con = server.connection();
    let Error::Script(raised) = ledger::fail(&mut con, "raise").unwrap_err() else {
        panic!("a raised error is a script error")
    };
    assert!(!raised.returned);
    assert!(raised.message.contains("refused: raise"), "{}", raised.message);
    assert_eq!(raised.lua_line, Some(25), "the line of `error(...)` in ledger.lua");
    assert!(raised.file.ends_with("lua/ledger.lua"), "{}", raised.file);
    let Error::Script(returned) = ledger::fail(&mut con, "return").unwrap_err() else {
        panic!("a returned error is a script error")
    };
    assert!(returned.returned);
    assert_eq!(returned.code, "LEDGER_CLOSED");
}

#[tokio::test]
async fn a_pipeline_needs_the_library_loaded_first() {
    let server = RedisServer::start();
    let mut con = server.client().get_multiplexed_async_connection().await.unwrap();
    let mut pipe = redis::pipe();
    ledger::record::pipe(&mut pipe, "acct:{p}", "entries:{p}", "e1", 5).unwrap();
    let error = pipe.query_async::<(i64,)>(&mut con).await.unwrap_err();
    assert!(error.to_string().contains("Function not found"), "{error}");
    ledger::LIBRARY.load(&mut con).await.unwrap();
    let (balance,): (i64,) = pipe.query_async(&mut con).await.unwrap();
    assert_eq!(balance, 5);
    assert!(scripts::libraries().iter().any(|l| std::ptr::eq(*l, &ledger::LIBRARY)));
}

#[tokio::test]
async fn on_a_cluster_the_library_is_loaded_on_every_primary_and_calls_route_by_key() {
    let cluster = RedisCluster::start();
    let mut con = scripts::cluster::AsyncClusterConnection::connect(cluster.urls())
        .await
        .unwrap();
    // loaded by the first call on each node that serves one
    for account in ["alice", "bob", "carol", "dave", "erin", "frank"] {
        let key = format!("acct:{{{account}}}");
        let entries = format!("entries:{{{account}}}");
        assert_eq!(ledger::record(&mut con, &key, &entries, "e1", 3).await.unwrap(), 3);
        let owner = cluster.node_for_key(&key);
        assert!(functions(owner).contains(&ledger::LIBRARY.name().to_owned()));
    }
    // or on every primary at once
    let () = redis::cmd("FUNCTION")
        .arg("FLUSH")
        .query(&mut cluster.nodes()[0].connection())
        .unwrap();
    ledger::LIBRARY.load(&mut con).await.unwrap();
    for node in cluster.nodes() {
        assert_eq!(functions(node), vec![ledger::LIBRARY.name().to_owned()]);
    }
    cluster.reset_stats();
    assert_eq!(ledger::balance(&mut con, "acct:{alice}").await.unwrap(), 3);
    assert_eq!(cluster.node_for_key("acct:{alice}").calls("fcall_ro"), 1);
    assert_eq!(cluster.calls("fcall_ro"), 1, "routed to the slot's owner only");
    // keys of different slots are refused before anything is sent
    let error = ledger::record(&mut con, "acct:{alice}", "entries:{bob}", "e2", 1)
        .await
        .unwrap_err();
    assert!(matches!(error, Error::CrossSlot { .. }), "{error:?}");
    let total: i64 = con.inner().get("acct:{alice}").await.unwrap();
    assert_eq!(total, 3);
    // the blocking wrapper loads the library on a node that lost it, and calls again
    let owner = cluster.node_for_key("entries:{alice}");
    let () = redis::cmd("FUNCTION")
        .arg("FLUSH")
        .query(&mut owner.connection())
        .unwrap();
    cluster.reset_stats();
    let mut blocking = scripts::cluster::ClusterConnection::connect(cluster.urls()).unwrap();
    assert_eq!(ledger::entries(&mut blocking, "entries:{alice}").unwrap(), 1);
    assert_eq!(owner.calls("function|load"), 1);
    assert_eq!(cluster.calls("function|load"), 1, "on that node only");
}

/// The same library as another application writes it: the same function names.
#[redis_library(
    stable_names,
    source = r#"#!lua name=ledger_other
redis.register_function('record', function(keys, args)
  return redis.call('INCRBY', keys[1], args[2])
end)
"#
)]
mod other_application {
    pub fn record(
        con: &mut impl scripts::Connection,
        #[key] account: &str,
        #[key] entries: &str,
        id: &str,
        amount: i64,
    ) -> scripts::Result<i64>;
}

/// Our library under its written names.
#[redis_library(
    stable_names,
    source = r#"#!lua name=ledger_stable
redis.register_function('record', function(keys, args)
  redis.call('HSET', keys[2], args[1], args[2])
  return redis.call('INCRBY', keys[1], args[2])
end)
"#
)]
mod stable {
    pub fn record(
        con: &mut impl scripts::Connection,
        #[key] account: &str,
        #[key] entries: &str,
        id: &str,
        amount: i64,
    ) -> scripts::Result<i64>;
}

#[test]
fn a_name_another_library_registers_is_a_typed_load_error_under_stable_names() {
    let server = RedisServer::start();
    let mut con = server.connection();
    assert_eq!(
        other_application::record(&mut con, "acct:{o}", "entries:{o}", "e1", 1).unwrap(),
        1
    );
    let error = stable::LIBRARY.load_blocking(&mut con).unwrap_err();
    assert!(matches!(error, Error::Load { .. }), "{error:?}");
    assert_eq!(error.ran(), Ran::No);
    let text = error.to_string();
    assert!(
        text.contains("another library already registers a function `record`"),
        "{text}"
    );
    // versioned names never meet another library's: both run, each its own code
    assert_eq!(ledger::entries(&mut con, "entries:{o}").unwrap(), 0);
    let rt = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .unwrap();
    let balance = rt.block_on(async {
        let mut con = server.client().get_multiplexed_async_connection().await.unwrap();
        ledger::record(&mut con, "acct:{o}", "entries:{o}", "e1", 10)
            .await
            .unwrap()
    });
    assert_eq!(balance, 11, "on top of the other application's 1");
}

/// Version 1 of a library, as the build running before a deploy has it.
#[redis_library(source = r#"#!lua name=pricing
redis.register_function('price', function(keys, args)
  return tonumber(redis.call('GET', keys[1]) or '0')
end)
"#)]
mod pricing_v1 {
    pub fn price(con: &mut impl scripts::Connection, #[key] item: &str) -> scripts::Result<i64>;
}

/// Version 2: prices now include a 20% tax.
#[redis_library(source = r#"#!lua name=pricing
redis.register_function('price', function(keys, args)
  return math.floor(tonumber(redis.call('GET', keys[1]) or '0') * 12 / 10)
end)
"#)]
mod pricing_v2 {
    pub fn price(con: &mut impl scripts::Connection, #[key] item: &str) -> scripts::Result<i64>;
}

#[test]
fn two_versions_of_a_library_share_a_server_during_a_rolling_deploy() {
    let server = RedisServer::start();
    let mut old = server.connection();
    let mut new = server.connection();
    let () = old.set("price:{tea}", 100).unwrap();
    assert_ne!(pricing_v1::LIBRARY.name(), pricing_v2::LIBRARY.name());
    // old and new builds call alternately: each gets the code it was compiled with
    for _ in 0..3 {
        assert_eq!(pricing_v1::price(&mut old, "price:{tea}").unwrap(), 100);
        assert_eq!(pricing_v2::price(&mut new, "price:{tea}").unwrap(), 120);
    }
    let mut both = vec![
        pricing_v1::LIBRARY.name().to_owned(),
        pricing_v2::LIBRARY.name().to_owned(),
    ];
    both.sort();
    assert_eq!(functions(&server), both);
    // once the deploy is done, the new build removes the old version
    assert_eq!(pricing_v2::LIBRARY.delete_other_versions_blocking(&mut new).unwrap(), 1);
    assert_eq!(functions(&server), vec![pricing_v2::LIBRARY.name().to_owned()]);
    // an old instance still running loads its version again rather than failing
    assert_eq!(pricing_v1::price(&mut old, "price:{tea}").unwrap(), 100);
}

/// Registered names Rust spells otherwise, on a `#!lua` line written with quotes: the
/// versioned names are rewritten where the quoted text stands, and each declaration
/// calls its function.
#[redis_library(source = r#"#!LUA "name=jobs"
local function rcall(...) return redis.call(...) end

local function move(keys)
  local job = rcall('LPOP', keys[1])
  if not job then return false end
  rcall('RPUSH', keys[2], job)
  return job
end

redis.register_function('move', move)
redis.register_function{function_name = 'type', flags = {'no-writes'},
  callback = function(keys) return rcall('TYPE', keys[1])['ok'] end}
redis.register_function('addJob', function(keys, args) return rcall('RPUSH', keys[1], args[1]) end)
redis.register_function{function_name = 'Depth', flags = {'no-writes'},
  callback = function(keys) return rcall('LLEN', keys[1]) end}
"#)]
mod named {
    pub fn r#move(
        con: &mut impl scripts::Connection,
        #[key] from: &str,
        #[key] to: &str,
    ) -> scripts::Result<Option<String>>;
    pub fn r#type(con: &mut impl scripts::Connection, #[key] queue: &str) -> scripts::Result<String>;
    #[function(name = "addJob")]
    pub fn add_job(con: &mut impl scripts::Connection, #[key] queue: &str, job: &str) -> scripts::Result<i64>;
    pub fn depth(con: &mut impl scripts::Connection, #[key] queue: &str) -> scripts::Result<i64>;
}

#[test]
fn keywords_camel_case_and_case_insensitive_names_are_called() {
    let server = RedisServer::start();
    let mut con = server.connection();
    assert_eq!(named::add_job(&mut con, "q:{j}:wait", "job-1").unwrap(), 1);
    assert_eq!(named::add_job(&mut con, "q:{j}:wait", "job-2").unwrap(), 2);
    assert_eq!(named::r#type(&mut con, "q:{j}:wait").unwrap(), "list");
    assert_eq!(
        named::r#move(&mut con, "q:{j}:wait", "q:{j}:active")
            .unwrap()
            .as_deref(),
        Some("job-1")
    );
    assert_eq!(named::depth(&mut con, "q:{j}:wait").unwrap(), 1);
    assert_eq!(named::depth(&mut con, "q:{j}:active").unwrap(), 1);
    let name = named::LIBRARY.name();
    assert!(name.starts_with("jobs_v"), "{name}");
    assert_eq!(functions(&server), [name]);
}
