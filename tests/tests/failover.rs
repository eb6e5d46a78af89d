//! At most once through a real failover: a cluster of 3 primaries and 3 replicas,
//! 16 callers of a ledger script on the async cluster connection and 16 on the
//! blocking one, while (1) a replica is promoted with `CLUSTER FAILOVER`, and (2) a
//! primary is killed and its replica takes over by itself. Each call adds 1 to its
//! own field of a ledger hash; afterwards the ledgers, read from the servers, must
//! show no call ran twice, every `Ok` ran exactly once and every error's [`Ran`]
//! true, and the calls must succeed again once the cluster is healthy.
//!
//! The cluster runs with a 1 s node timeout (production default: 15 s) so a
//! failover fits the test suite's budget.

use std::collections::{BTreeMap, HashMap};
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::{Duration, Instant};

use scripts::redis;
use scripts::{Error, Ran, redis_script};
use scripts_tests::{ClusterOptions, RedisCluster};

/// Records one run of call `id` in `ledger`; returns how many runs of that call the
/// ledger has seen (1 unless it ran twice).
#[redis_script]
async fn record(con: &mut impl scripts::AsyncConnection, #[key] ledger: &str, id: &str) -> scripts::Result<i64> {
    "return redis.call('HINCRBY', KEYS[1], ARGV[1], 1)"
}

/// [`record`] over a blocking connection.
#[redis_script]
fn record_blocking(con: &mut impl scripts::Connection, #[key] ledger: &str, id: &str) -> scripts::Result<i64> {
    "return redis.call('HINCRBY', KEYS[1], ARGV[1], 1)"
}

/// Callers of each kind (async tasks, blocking threads).
const CALLERS: usize = 16;

/// Ledgers, spread over the three primaries by their hash tags.
const LEDGERS: usize = 12;

/// How long a call waits for its reply: a call paused by the failing primary ends
/// within it.
const RESPONSE_TIMEOUT: Duration = Duration::from_secs(2);

/// What one call returned, and when (since the run started).
#[derive(Debug)]
struct Outcome {
    ledger: String,
    id: String,
    at: Duration,
    result: Result<i64, Seen>,
}

/// A failed call, as its caller saw it.
#[derive(Debug)]
struct Seen {
    variant: &'static str,
    ran: Ran,
    /// What came back: the server's error reply, or the connection's error.
    reply: String,
}

impl Seen {
    fn of(error: &Error) -> Self {
        let variant = match error {
            Error::Connection { .. } => "Connection",
            Error::Timeout { .. } => "Timeout",
            Error::Unreachable { .. } => "Unreachable",
            Error::ClusterDown { .. } => "ClusterDown",
            Error::Redirected { .. } => "Redirected",
            Error::TryAgain { .. } => "TryAgain",
            Error::ReadOnly { .. } => "ReadOnly",
            Error::Server { .. } => "Server",
            _ => "other",
        };
        let reply = match error.redis_error() {
            Some(source) if source.code().is_some() => {
                format!("-{} {}", source.code().unwrap_or(""), source.detail().unwrap_or(""))
            }
            Some(source) => format!("{:?}: {source}", source.kind()),
            None => error.to_string(),
        };
        Seen {
            variant,
            ran: error.ran(),
            reply,
        }
    }
}

/// How the run makes the cluster fail over.
#[derive(Clone, Copy, Debug)]
enum Fault {
    /// `CLUSTER FAILOVER` on the replica: the primary hands over its slots.
    Promote,
    /// The primary is killed (SIGKILL); the cluster fails it over by itself.
    Kill,
}

fn ledgers() -> Vec<String> {
    (0..LEDGERS).map(|n| format!("ledger:{{{n}}}")).collect()
}

/// Calls from one caller until `stop`, backing off a little after a failure, as an
/// application would.
async fn call_async(
    mut con: scripts::cluster::AsyncClusterConnection,
    caller: usize,
    start: Instant,
    stop: Arc<AtomicBool>,
) -> Vec<Outcome> {
    let ledgers = ledgers();
    let mut outcomes = Vec::new();
    for n in 0.. {
        if stop.load(Ordering::Relaxed) {
            break;
        }
        let ledger = &ledgers[(caller + n) % ledgers.len()];
        let id = format!("a{caller}-{n}");
        let result = record(&mut con, ledger, &id).await.map_err(|e| Seen::of(&e));
        let failed = result.is_err();
        outcomes.push(Outcome {
            ledger: ledger.clone(),
            id,
            at: start.elapsed(),
            result,
        });
        if failed {
            tokio::time::sleep(Duration::from_millis(10)).await;
        }
    }
    outcomes
}

/// [`call_async`] on a thread of its own, over a blocking connection.
fn call_blocking(urls: Vec<String>, caller: usize, start: Instant, stop: Arc<AtomicBool>) -> Vec<Outcome> {
    let mut con = scripts::cluster::ClusterConnection::connect(urls)
        .unwrap()
        .with_response_timeout(Some(RESPONSE_TIMEOUT));
    let ledgers = ledgers();
    let mut outcomes = Vec::new();
    for n in 0.. {
        if stop.load(Ordering::Relaxed) {
            break;
        }
        let ledger = &ledgers[(caller + n) % ledgers.len()];
        let id = format!("b{caller}-{n}");
        let result = record_blocking(&mut con, ledger, &id).map_err(|e| Seen::of(&e));
        let failed = result.is_err();
        outcomes.push(Outcome {
            ledger: ledger.clone(),
            id,
            at: start.elapsed(),
            result,
        });
        if failed {
            std::thread::sleep(Duration::from_millis(10));
        }
    }
    outcomes
}

/// Runs a command on a node of the cluster.
fn admin<T: redis::FromRedisValue>(node: &scripts_tests::RedisServer, command: &[&str]) -> T {
    let mut cmd = redis::cmd(command[0]);
    for arg in &command[1..] {
        cmd.arg(*arg);
    }
    cmd.query(&mut node.connection())
        .unwrap_or_else(|e| panic!("{command:?}: {e}"))
}

/// `master_repl_offset` from `INFO replication`.
fn replication_offset(node: &scripts_tests::RedisServer) -> u64 {
    node.info("replication")
        .lines()
        .find_map(|line| line.strip_prefix("master_repl_offset:"))
        .and_then(|offset| offset.trim().parse().ok())
        .expect("master_repl_offset")
}

fn failover_under_load(fault: Fault) {
    let mut cluster = RedisCluster::start_with(ClusterOptions {
        replicas: 1,
        node_timeout: Duration::from_secs(1),
    });
    let ledgers = ledgers();
    let victim = cluster.node_for_key(&ledgers[0]).port();
    let heir = cluster.replicas_of(cluster.node_for_key(&ledgers[0]))[0].port();
    let moved: Vec<String> = ledgers
        .iter()
        .filter(|ledger| cluster.node_for_key(ledger).port() == victim)
        .cloned()
        .collect();
    let urls: Vec<String> = cluster.urls();

    let start = Instant::now();
    let stop = Arc::new(AtomicBool::new(false));
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .unwrap();
    let con = runtime
        .block_on(scripts::cluster::AsyncClusterConnection::connect(urls.clone()))
        .unwrap()
        .with_response_timeout(Some(RESPONSE_TIMEOUT));
    let tasks: Vec<_> = (0..CALLERS)
        .map(|caller| runtime.spawn(call_async(con.clone(), caller, start, stop.clone())))
        .collect();
    let threads: Vec<_> = (0..CALLERS)
        .map(|caller| {
            let (urls, stop) = (urls.clone(), stop.clone());
            std::thread::spawn(move || call_blocking(urls, caller, start, stop))
        })
        .collect();
    std::thread::sleep(Duration::from_millis(500));

    let fault_at = match fault {
        Fault::Promote => {
            let heir = cluster.nodes().iter().find(|n| n.port() == heir).unwrap();
            let () = admin(heir, &["CLUSTER", "FAILOVER"]);
            start.elapsed()
        }
        Fault::Kill => {
            // Replication is asynchronous: a primary killed while writing loses the
            // writes its replica has not received, acknowledged or not, whatever the
            // client. Writes are paused first and the replica let catch up, so what
            // is checked is the client's side of the crash: calls in flight on the
            // killed node lose their replies.
            let victim_node = cluster.nodes().iter().find(|n| n.port() == victim).unwrap();
            let heir_node = cluster.nodes().iter().find(|n| n.port() == heir).unwrap();
            let () = admin(victim_node, &["CLIENT", "PAUSE", "10000", "WRITE"]);
            let deadline = Instant::now() + Duration::from_secs(10);
            while replication_offset(heir_node) < replication_offset(victim_node) {
                assert!(Instant::now() < deadline, "the replica did not catch up");
                std::thread::sleep(Duration::from_millis(5));
            }
            cluster.kill(victim);
            start.elapsed()
        }
    };
    // the heir serves the slots, and every running node agrees
    let deadline = Instant::now() + Duration::from_secs(30);
    while cluster.serving(&ledgers[0]).is_none_or(|node| node.port() != heir) {
        assert!(Instant::now() < deadline, "{fault:?}: the replica did not take over");
        std::thread::sleep(Duration::from_millis(20));
    }
    cluster.wait_healthy(Duration::from_secs(30));
    let healthy_at = start.elapsed();
    // calls go on against the healthy cluster
    std::thread::sleep(Duration::from_millis(1500));
    stop.store(true, Ordering::Relaxed);
    let mut outcomes = Vec::new();
    for task in tasks {
        outcomes.extend(runtime.block_on(task).unwrap());
    }
    for thread in threads {
        outcomes.extend(thread.join().unwrap());
    }

    // the ledgers as the cluster holds them now
    let held: HashMap<String, HashMap<String, i64>> = ledgers
        .iter()
        .map(|ledger| {
            let owner = cluster.node_for_key(ledger);
            (ledger.clone(), admin(owner, &["HGETALL", ledger]))
        })
        .collect();
    let runs = |outcome: &Outcome| held[&outcome.ledger].get(&outcome.id).copied().unwrap_or(0);

    let mut seen: BTreeMap<(&'static str, String, String), usize> = BTreeMap::new();
    let (mut ok, mut failed) = (0, 0);
    for outcome in &outcomes {
        assert!(
            runs(outcome) <= 1,
            "{fault:?}: {} {} ran twice",
            outcome.ledger,
            outcome.id
        );
        match &outcome.result {
            Ok(n) => {
                ok += 1;
                assert_eq!((*n, runs(outcome)), (1, 1), "{fault:?}: {outcome:?} ran exactly once");
            }
            Err(error) => {
                failed += 1;
                match error.ran {
                    Ran::No => assert_eq!(runs(outcome), 0, "{fault:?}: {outcome:?} said Ran::No and ran"),
                    Ran::Yes => panic!("{fault:?}: the script cannot fail: {outcome:?}"),
                    Ran::Unknown => {}
                }
                let expected = match error.variant {
                    "Connection" | "Timeout" => Ran::Unknown,
                    "Unreachable" | "ClusterDown" => Ran::No,
                    _ => panic!("{fault:?}: unexpected error during the failover: {outcome:?}"),
                };
                assert_eq!(error.ran, expected, "{fault:?}: {outcome:?}");
                *seen
                    .entry((error.variant, format!("{:?}", error.ran), error.reply.clone()))
                    .or_default() += 1;
            }
        }
    }

    // once every call succeeds again, every caller and every failed-over ledger
    // has succeeded
    let last_error = outcomes
        .iter()
        .filter(|o| o.result.is_err())
        .map(|o| o.at)
        .max()
        .unwrap_or(fault_at);
    let after: Vec<&Outcome> = outcomes.iter().filter(|o| o.at > last_error).collect();
    for ledger in &moved {
        assert!(
            after.iter().any(|o| &o.ledger == ledger),
            "{fault:?}: no call on {ledger} after the last error"
        );
    }
    for caller in ["a", "b"]
        .iter()
        .flat_map(|kind| (0..CALLERS).map(move |n| format!("{kind}{n}-")))
    {
        assert!(
            after.iter().any(|o| o.id.starts_with(&caller)),
            "{fault:?}: caller {caller} made no call after the last error"
        );
    }
    assert!(
        last_error <= healthy_at + Duration::from_secs(1),
        "{fault:?}: calls failed until {last_error:?}, the cluster was healthy at {healthy_at:?}"
    );
    match fault {
        // nothing was lost: calls on the old primary were refused with `MOVED`,
        // which the connections followed
        Fault::Promote => {
            assert_eq!(failed, 0, "{fault:?}: {seen:?}");
            let old = cluster.nodes().iter().find(|n| n.port() == victim).unwrap();
            let stats = old.info("commandstats");
            let refused = stats
                .lines()
                .find(|line| line.starts_with("cmdstat_evalsha:"))
                .and_then(|line| line.split(',').find_map(|kv| kv.strip_prefix("rejected_calls=")))
                .and_then(|n| n.parse::<u64>().ok())
                .unwrap_or(0);
            eprintln!("{fault:?}: the old primary refused {refused} calls with MOVED, each followed");
        }
        Fault::Kill => assert!(failed > 0, "{fault:?}: the kill failed no call"),
    }
    let last_on_moved = outcomes
        .iter()
        .filter(|o| o.result.is_err() && moved.contains(&o.ledger))
        .map(|o| o.at)
        .max();
    eprintln!(
        "{fault:?}: {} calls by {} callers, {ok} Ok, {failed} failed; the cluster was healthy {:.2?} after the \
         fault; every call succeeded from {:.2?} after the fault ({:?} on the failed-over ledgers)",
        outcomes.len(),
        2 * CALLERS,
        healthy_at - fault_at,
        last_error.saturating_sub(fault_at),
        last_on_moved.map(|at| at.saturating_sub(fault_at)),
    );
    for ((variant, ran, reply), count) in &seen {
        eprintln!("  {count:5} x {variant} ({ran}): {reply}");
    }
    drop(runtime);
}

#[test]
fn a_replica_promoted_with_cluster_failover_runs_each_call_at_most_once() {
    failover_under_load(Fault::Promote);
}

#[test]
fn a_killed_primary_failed_over_by_the_cluster_runs_each_call_at_most_once() {
    failover_under_load(Fault::Kill);
}
