//! At most once, on every connection kind: thousands of script calls through a
//! loopback proxy that loses requests and replies, against one server and against
//! the 3-primary cluster. Each call adds 1 to its own field of a ledger hash
//! (`HINCRBY ledger <call id> 1`); afterwards the ledger, read straight from the
//! servers, must show every call ran at most once, every `Ok` exactly once, and
//! every error's [`Ran`] to be true.

use std::collections::HashMap;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use scripts::redis::{self, AsyncCommands};
use scripts::{Error, Ran, redis_script};
use scripts_tests::{Fault, FaultCounts, FaultProxy, ProxiedCluster, RedisCluster, RedisServer};

/// Records one run of call `id` in the ledger `ledger`; returns how many runs of
/// that call the ledger has seen (1 unless a call ran twice).
#[redis_script]
async fn record(con: &mut impl scripts::AsyncConnection, #[key] ledger: &str, id: &str) -> scripts::Result<i64> {
    "return redis.call('HINCRBY', KEYS[1], ARGV[1], 1)"
}

/// [`record`] over a blocking connection.
#[redis_script]
fn record_blocking(con: &mut impl scripts::Connection, #[key] ledger: &str, id: &str) -> scripts::Result<i64> {
    "return redis.call('HINCRBY', KEYS[1], ARGV[1], 1)"
}

/// Script requests the proxy may fault: the call and its `EVAL` fallback.
const SCRIPT_COMMANDS: &[&str] = &["EVALSHA", "EVAL"];

/// Both faults, in turn.
const FAULTS: &[Fault] = &[Fault::DropReply, Fault::DropRequest];

/// What one call returned: its value, or whether it ran by its error.
#[derive(Debug)]
struct Outcome {
    ledger: String,
    id: String,
    result: Result<i64, (Ran, String)>,
}

impl Outcome {
    fn new(ledger: &str, id: String, result: scripts::Result<i64>) -> Self {
        Outcome {
            ledger: ledger.to_owned(),
            id,
            result: result.map_err(|e| (e.ran(), e.to_string())),
        }
    }
}

/// The figures of one run, checked by [`Tally::check`].
#[derive(Debug, Default)]
struct Tally {
    calls: usize,
    ok: usize,
    /// Errors by what they said, and how many of those calls the ledger shows ran.
    ran_yes: (usize, usize),
    ran_no: (usize, usize),
    ran_unknown: (usize, usize),
    /// Calls the ledger shows ran more than once.
    doubled: usize,
    /// `Ok` calls the ledger shows never ran, or whose reply was not 1.
    ok_without_run: usize,
    /// Errors that were timeouts (among the unknown ones).
    timeouts: usize,
}

impl Tally {
    /// Compares every outcome with the ledger as the servers hold it.
    fn of(outcomes: &[Outcome], ledgers: &HashMap<String, HashMap<String, i64>>) -> Self {
        let mut tally = Tally {
            calls: outcomes.len(),
            ..Tally::default()
        };
        for outcome in outcomes {
            let runs = ledgers
                .get(&outcome.ledger)
                .and_then(|l| l.get(&outcome.id))
                .copied()
                .unwrap_or(0);
            if runs > 1 {
                tally.doubled += 1;
            }
            let ran = usize::from(runs > 0);
            match &outcome.result {
                Ok(n) => {
                    tally.ok += 1;
                    if runs != 1 || *n != 1 {
                        tally.ok_without_run += 1;
                    }
                }
                Err((Ran::Yes, _)) => tally.ran_yes = (tally.ran_yes.0 + 1, tally.ran_yes.1 + ran),
                Err((Ran::No, _)) => tally.ran_no = (tally.ran_no.0 + 1, tally.ran_no.1 + ran),
                Err((Ran::Unknown, message)) => {
                    tally.ran_unknown = (tally.ran_unknown.0 + 1, tally.ran_unknown.1 + ran);
                    tally.timeouts += usize::from(message.contains("response timeout"));
                }
            }
        }
        tally
    }

    /// The guarantee, and that the faults really happened.
    fn check(&self, kind: &str, faults: FaultCounts, outcomes: &[Outcome]) {
        eprintln!("{kind}: {self:?}, {faults:?}");
        assert_eq!(self.doubled, 0, "{kind}: a call ran twice");
        assert_eq!(self.ok_without_run, 0, "{kind}: an Ok call did not run exactly once");
        assert_eq!(self.ran_no.1, 0, "{kind}: an error said `Ran::No` for a call that ran");
        assert_eq!(
            self.ran_yes.1, self.ran_yes.0,
            "{kind}: an error said `Ran::Yes` for a call that did not run"
        );
        for outcome in outcomes {
            // the scripts cannot fail: only lost replies and refusals are expected
            if let Err((Ran::Yes, message)) = &outcome.result {
                panic!("{kind}: unexpected error: {message}");
            }
        }
        assert!(
            faults.dropped_replies > 0 && faults.dropped_requests > 0,
            "{kind}: faults were injected: {faults:?}"
        );
        // each fault closes a connection under a call in flight, whose caller cannot
        // know whether it ran, and says so
        let injected = usize::try_from(faults.dropped_replies + faults.dropped_requests).unwrap();
        assert!(
            self.ran_unknown.0 >= injected,
            "{kind}: each fault is an unknown outcome"
        );
        assert!(
            self.ran_unknown.1 > 0,
            "{kind}: some lost replies belong to calls that ran"
        );
        assert!(self.ok * 2 > self.calls, "{kind}: most calls succeed between faults");
    }
}

/// Every ledger hash as the servers hold it.
fn read_ledgers(servers: &[&RedisServer], names: &[String]) -> HashMap<String, HashMap<String, i64>> {
    let mut ledgers = HashMap::new();
    for name in names {
        let mut merged = HashMap::new();
        for server in servers {
            // a ledger lives on one node of a cluster: the others answer MOVED
            let found: redis::RedisResult<HashMap<String, i64>> =
                redis::cmd("HGETALL").arg(name).query(&mut server.connection());
            if let Ok(found) = found {
                merged.extend(found);
            }
        }
        ledgers.insert(name.clone(), merged);
    }
    ledgers
}

/// Calls per task, tasks, and a fault every this many script requests, at most
/// this many: 8 x 250 = 2,000 calls and 40 faults per connection kind.
const TASKS: usize = 8;
const PER_TASK: usize = 250;
const EVERY: u64 = 40;
const LIMIT: u64 = 40;

/// Runs `TASKS` x `PER_TASK` async calls, each task over the connection
/// `connect(task)` gives, reconnecting when it failed.
async fn run_async<C, F, Fut>(ledgers: &[String], connect: F) -> Vec<Outcome>
where
    C: scripts::AsyncConnection + 'static,
    F: Fn(usize) -> Fut + Send + Sync + 'static,
    Fut: std::future::Future<Output = C> + Send,
{
    let connect = Arc::new(connect);
    let outcomes = Arc::new(Mutex::new(Vec::new()));
    let mut tasks = Vec::new();
    for task in 0..TASKS {
        let (connect, outcomes, ledgers) = (connect.clone(), outcomes.clone(), ledgers.to_vec());
        tasks.push(tokio::spawn(async move {
            let mut con = connect(task).await;
            for n in 0..PER_TASK {
                let ledger = &ledgers[(task + n) % ledgers.len()];
                let id = format!("{task}-{n}");
                let result = record(&mut con, ledger, &id).await;
                let lost = matches!(result, Err(Error::Connection { .. } | Error::Timeout { .. }));
                outcomes.lock().unwrap().push(Outcome::new(ledger, id, result));
                if lost {
                    con = connect(task).await;
                }
            }
        }));
    }
    for task in tasks {
        task.await.unwrap();
    }
    Arc::try_unwrap(outcomes).unwrap().into_inner().unwrap()
}

/// Flushes the script caches of `servers` every few milliseconds, so calls also
/// take the `EVAL` fallback (which the proxy faults too), until dropped.
struct Flusher(Arc<std::sync::atomic::AtomicBool>, Option<std::thread::JoinHandle<()>>);

impl Flusher {
    fn start(servers: &[&RedisServer]) -> Self {
        let stop = Arc::new(std::sync::atomic::AtomicBool::new(false));
        let mut cons: Vec<redis::Connection> = servers.iter().map(|s| s.connection()).collect();
        let thread = {
            let stop = stop.clone();
            std::thread::spawn(move || {
                while !stop.load(std::sync::atomic::Ordering::Relaxed) {
                    for con in &mut cons {
                        let () = redis::cmd("SCRIPT").arg("FLUSH").query(con).unwrap();
                    }
                    std::thread::sleep(Duration::from_millis(20));
                }
            })
        };
        Flusher(stop, Some(thread))
    }
}

impl Drop for Flusher {
    fn drop(&mut self) {
        self.0.store(true, std::sync::atomic::Ordering::Relaxed);
        if let Some(thread) = self.1.take() {
            let _ = thread.join();
        }
    }
}

fn single_ledger() -> Vec<String> {
    vec!["ledger".to_owned()]
}

/// Ledgers with 8 hash tags, spread over the 3 primaries.
fn cluster_ledgers() -> Vec<String> {
    (0..8).map(|n| format!("ledger:{{{n}}}")).collect()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn multiplexed_connections_run_each_call_at_most_once_under_faults() {
    let server = RedisServer::start();
    let proxy = FaultProxy::start(server.port());
    proxy.inject(SCRIPT_COMMANDS, EVERY, LIMIT, FAULTS);
    let flusher = Flusher::start(&[&server]);
    let url = proxy.url();
    let outcomes = run_async(&single_ledger(), move |_| {
        let url = url.clone();
        async move {
            // a MultiplexedConnection is dead once its socket drops: make a new one
            redis::Client::open(url)
                .unwrap()
                .get_multiplexed_async_connection()
                .await
                .unwrap()
        }
    })
    .await;
    drop(flusher);
    let tally = Tally::of(&outcomes, &read_ledgers(&[&server], &single_ledger()));
    tally.check("MultiplexedConnection", proxy.counts(), &outcomes);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn connection_managers_run_each_call_at_most_once_under_faults() {
    let server = RedisServer::start();
    let proxy = FaultProxy::start(server.port());
    proxy.inject(SCRIPT_COMMANDS, EVERY, LIMIT, FAULTS);
    let flusher = Flusher::start(&[&server]);
    let config = redis::aio::ConnectionManagerConfig::new()
        .set_min_delay(Duration::from_millis(5))
        .set_max_delay(Duration::from_millis(50));
    let manager = redis::aio::ConnectionManager::new_with_config(redis::Client::open(proxy.url()).unwrap(), config)
        .await
        .unwrap();
    // one manager shared by every task; it reconnects by itself
    let outcomes = run_async(&single_ledger(), move |_| {
        let manager = manager.clone();
        async move { manager }
    })
    .await;
    drop(flusher);
    let tally = Tally::of(&outcomes, &read_ledgers(&[&server], &single_ledger()));
    tally.check("ConnectionManager", proxy.counts(), &outcomes);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn async_cluster_connections_run_each_call_at_most_once_under_faults() {
    let cluster = ProxiedCluster::start();
    for proxy in cluster.proxies() {
        proxy.inject(SCRIPT_COMMANDS, EVERY / 3, LIMIT / 3, FAULTS);
    }
    let nodes: Vec<&RedisServer> = cluster.cluster().nodes().iter().collect();
    let flusher = Flusher::start(&nodes);
    // a bounded wait: without one, a call sent just as a fault closes its connection
    // was seen to wait forever on redis-rs's MultiplexedConnection (about once in ten
    // runs on two busy cores); it then ends as a timeout, `Ran::Unknown`
    let con = scripts::cluster::AsyncClusterConnection::connect(cluster.urls())
        .await
        .unwrap()
        .with_response_timeout(Some(Duration::from_secs(5)));
    // one connection shared by every task: it reconnects to a node by itself
    let outcomes = run_async(&cluster_ledgers(), move |_| {
        let con = con.clone();
        async move { con }
    })
    .await;
    drop(flusher);
    let tally = Tally::of(&outcomes, &read_ledgers(&nodes, &cluster_ledgers()));
    tally.check("cluster AsyncClusterConnection", total(cluster.proxies()), &outcomes);
}

#[test]
fn blocking_connections_run_each_call_at_most_once_under_faults() {
    let server = RedisServer::start();
    let proxy = FaultProxy::start(server.port());
    proxy.inject(SCRIPT_COMMANDS, EVERY, LIMIT, FAULTS);
    let flusher = Flusher::start(&[&server]);
    let client = redis::Client::open(proxy.url()).unwrap();
    let outcomes = run_blocking(&single_ledger(), || client.get_connection().unwrap());
    drop(flusher);
    let tally = Tally::of(&outcomes, &read_ledgers(&[&server], &single_ledger()));
    tally.check("redis::Connection", proxy.counts(), &outcomes);
}

#[test]
fn blocking_cluster_connections_run_each_call_at_most_once_under_faults() {
    let cluster = ProxiedCluster::start();
    for proxy in cluster.proxies() {
        proxy.inject(SCRIPT_COMMANDS, EVERY / 3, LIMIT / 3, FAULTS);
    }
    let nodes: Vec<&RedisServer> = cluster.cluster().nodes().iter().collect();
    let flusher = Flusher::start(&nodes);
    let urls = cluster.urls();
    let outcomes = run_blocking(&cluster_ledgers(), || {
        scripts::cluster::ClusterConnection::connect(urls.clone())
            .unwrap()
            .with_response_timeout(Some(Duration::from_secs(5)))
    });
    drop(flusher);
    let tally = Tally::of(&outcomes, &read_ledgers(&nodes, &cluster_ledgers()));
    tally.check(
        "cluster ClusterConnection (blocking)",
        total(cluster.proxies()),
        &outcomes,
    );
}

/// [`run_async`] with threads and blocking connections.
fn run_blocking<C: scripts::Connection>(ledgers: &[String], connect: impl Fn() -> C + Sync) -> Vec<Outcome> {
    let outcomes = Mutex::new(Vec::new());
    std::thread::scope(|scope| {
        for task in 0..TASKS {
            let (connect, outcomes) = (&connect, &outcomes);
            scope.spawn(move || {
                let mut con = connect();
                for n in 0..PER_TASK {
                    let ledger = &ledgers[(task + n) % ledgers.len()];
                    let id = format!("{task}-{n}");
                    let result = record_blocking(&mut con, ledger, &id);
                    let lost = matches!(result, Err(Error::Connection { .. } | Error::Timeout { .. }));
                    outcomes.lock().unwrap().push(Outcome::new(ledger, id, result));
                    if lost {
                        // a blocking connection that dropped stays closed
                        con = connect();
                    }
                }
            });
        }
    });
    outcomes.into_inner().unwrap()
}

fn total(proxies: &[FaultProxy]) -> FaultCounts {
    proxies
        .iter()
        .map(FaultProxy::counts)
        .fold(FaultCounts::default(), |a, b| FaultCounts {
            matching: a.matching + b.matching,
            dropped_replies: a.dropped_replies + b.dropped_replies,
            dropped_requests: a.dropped_requests + b.dropped_requests,
        })
}

/// A helper generic over the connection can send plain commands as well as scripts
/// (`AsyncConnection` is `Sync`, as `AsyncCommands` need).
async fn record_and_read(con: &mut impl scripts::AsyncConnection, ledger: &str, id: &str) -> scripts::Result<i64> {
    record(con, ledger, id).await?;
    let runs: i64 = con.hget(ledger, id).await.map_err(|e| Error::Connection {
        script: "record_and_read",
        source: e,
    })?;
    Ok(runs)
}

#[tokio::test]
async fn helpers_over_any_async_connection_can_send_plain_commands() {
    let server = RedisServer::start();
    let mut con = server.client().get_multiplexed_async_connection().await.unwrap();
    assert_eq!(record_and_read(&mut con, "helper", "a").await.unwrap(), 1);
    let cluster = RedisCluster::start();
    let mut con = scripts::cluster::AsyncClusterConnection::connect(cluster.urls())
        .await
        .unwrap();
    assert_eq!(record_and_read(&mut con, "helper:{x}", "a").await.unwrap(), 1);
}

/// Loads [`record`]'s Lua on every node (for hand-made `EVALSHA`); returns its SHA1.
fn load_record_everywhere(cluster: &ProxiedCluster) -> String {
    let mut sha = String::new();
    for node in cluster.cluster().nodes() {
        sha = redis::cmd("SCRIPT")
            .arg("LOAD")
            .arg("return redis.call('HINCRBY', KEYS[1], ARGV[1], 1)")
            .query(&mut node.connection())
            .unwrap();
    }
    sha
}

/// Why the runtime wraps redis-rs's cluster connection: sent through it, a script
/// call whose reply is lost is sent again after the reconnect, and runs twice. (If
/// this test fails after a redis-rs upgrade, redis-rs stopped re-sending; the
/// runtime's own routing stays correct either way.)
#[tokio::test]
async fn redis_rs_cluster_connections_re_send_calls_whose_reply_was_lost() {
    let cluster = ProxiedCluster::start();
    let sha = load_record_everywhere(&cluster);
    for proxy in cluster.proxies() {
        proxy.inject(&["EVALSHA"], 10, 4, &[Fault::DropReply]);
    }
    let mut con = cluster.client().get_async_connection().await.unwrap();
    let ledgers = cluster_ledgers();
    let mut errors = 0;
    for n in 0..300 {
        let ledger = &ledgers[n % ledgers.len()];
        let result: redis::RedisResult<i64> = redis::cmd("EVALSHA")
            .arg(&sha)
            .arg(1)
            .arg(ledger)
            .arg(n)
            .query_async(&mut con)
            .await;
        errors += usize::from(result.is_err());
    }
    let nodes: Vec<&RedisServer> = cluster.cluster().nodes().iter().collect();
    let doubled: usize = read_ledgers(&nodes, &ledgers)
        .values()
        .flat_map(HashMap::values)
        .filter(|runs| **runs > 1)
        .count();
    let faults = total(cluster.proxies());
    eprintln!("redis-rs cluster connection: 300 calls, {faults:?}, {doubled} ran twice, {errors} errors");
    assert!(faults.dropped_replies > 0);
    assert!(doubled > 0, "redis-rs re-sent none of the calls whose reply it lost");
}

/// Pipelines that run scripts, and script commands the crate did not build (a
/// hand-made `EVALSHA`), on the cluster wrapper: each is sent once to its slot's
/// primary, so a lost reply or request never runs anything twice. The same faults
/// make redis-rs's own cluster connection re-send (the test above).
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn pipelines_and_foreign_script_commands_on_the_async_cluster_wrapper_run_at_most_once() {
    const ROUNDS: usize = 300;
    let cluster = ProxiedCluster::start();
    let sha = load_record_everywhere(&cluster);
    for proxy in cluster.proxies() {
        proxy.inject(SCRIPT_COMMANDS, 12, 6, FAULTS);
    }
    let mut con = scripts::cluster::AsyncClusterConnection::connect(cluster.urls())
        .await
        .unwrap()
        .with_response_timeout(Some(Duration::from_secs(5)));
    let ledgers = cluster_ledgers();
    // (ledger, the ids one request added, whether it returned Ok)
    let mut requests: Vec<(String, Vec<String>, bool)> = Vec::new();
    for n in 0..ROUNDS {
        let ledger = &ledgers[n % ledgers.len()];
        if n % 2 == 0 {
            let ids = vec![format!("p{n}a"), format!("p{n}b"), format!("p{n}c")];
            let mut pipe = redis::pipe();
            record::pipe(&mut pipe, ledger, &ids[0]).unwrap();
            pipe.cmd("HINCRBY").arg(ledger).arg(&ids[1]).arg(1);
            record::call(ledger, &ids[2]).add_loaded_to(&mut pipe).unwrap();
            let result: redis::RedisResult<(i64, i64, i64)> = pipe.query_async(&mut con).await;
            if let Ok(replies) = &result {
                assert_eq!(*replies, (1, 1, 1), "{ids:?}");
            }
            requests.push((ledger.clone(), ids, result.is_ok()));
        } else {
            let id = format!("r{n}");
            let result: redis::RedisResult<i64> = redis::cmd("EVALSHA")
                .arg(&sha)
                .arg(1)
                .arg(ledger)
                .arg(&id)
                .query_async(&mut con)
                .await;
            if let Ok(runs) = &result {
                assert_eq!(*runs, 1, "{id}");
            }
            requests.push((ledger.clone(), vec![id], result.is_ok()));
        }
    }
    let faults = total(cluster.proxies());
    let nodes: Vec<&RedisServer> = cluster.cluster().nodes().iter().collect();
    let read = read_ledgers(&nodes, &ledgers);
    let doubled: Vec<(&String, &i64)> = read
        .values()
        .flat_map(|l| l.iter())
        .filter(|(_, runs)| **runs > 1)
        .collect();
    let ok = requests.iter().filter(|r| r.2).count();
    eprintln!(
        "cluster wrapper, pipelines and foreign EVALSHA: {ROUNDS} requests, {ok} Ok, {faults:?}, ran twice: {doubled:?}"
    );
    assert!(doubled.is_empty(), "ran twice: {doubled:?}");
    for (ledger, ids, returned_ok) in &requests {
        if *returned_ok {
            for id in ids {
                assert_eq!(read[ledger].get(id), Some(&1), "{id} returned Ok and ran once");
            }
        }
    }
    assert!(
        faults.dropped_replies > 0 && faults.dropped_requests > 0,
        "faults were injected: {faults:?}"
    );
    assert!(
        ok + 20 >= ROUNDS,
        "only the faulted requests fail: {ok} of {ROUNDS} Ok, {faults:?}"
    );
}

/// A script command built by hand and sent through the blocking cluster wrapper is
/// not sent again when its reply is lost (redis-rs's blocking cluster connection
/// would reconnect and send it again).
#[test]
fn foreign_script_commands_on_the_blocking_cluster_wrapper_are_sent_once() {
    let cluster = ProxiedCluster::start();
    for proxy in cluster.proxies() {
        proxy.inject(&["EVAL"], 1, 1, &[Fault::DropReply]);
    }
    let mut con = scripts::cluster::ClusterConnection::connect(cluster.urls())
        .unwrap()
        .with_response_timeout(Some(Duration::from_secs(5)));
    let ledger = "ledger:{blocking}";
    let result: redis::RedisResult<i64> = redis::cmd("EVAL")
        .arg("return redis.call('HINCRBY', KEYS[1], ARGV[1], 1)")
        .arg(1)
        .arg(ledger)
        .arg("once")
        .query(&mut con);
    let faults = total(cluster.proxies());
    assert_eq!(faults.dropped_replies, 1, "{faults:?}");
    assert!(result.is_err(), "the reply was lost: {result:?}");
    let nodes: Vec<&RedisServer> = cluster.cluster().nodes().iter().collect();
    let ledgers = read_ledgers(&nodes, &[ledger.to_owned()]);
    assert_eq!(
        ledgers[ledger].get("once"),
        Some(&1),
        "it ran once and was not sent again"
    );
}
