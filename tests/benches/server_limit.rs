//! Against the server's limit: `redis-benchmark` sending `EVALSHA <sha> 1 key:__rand_int__`
//! (after `SCRIPT LOAD`) is the ceiling; the same script called through
//! `#[redis_script]` with the same connection count and pipeline depth should reach
//! at least 80% of its throughput.
//!
//! `cargo bench -p scripts-tests --bench server_limit`
//!
//! For each configuration (`-c` connections, `-P` pipeline depth), side by side on one
//! throwaway `redis-server`, in a rotating order, `BENCH_REPEATS` times:
//!
//! - `redis-benchmark -c C -P P -r 100000 --csv EVALSHA <sha> 1 key:__rand_int__`,
//!   run as a child process (C, one thread: the ceiling);
//! - **pipelined**: C connections, each sending pipelines of P calls built with
//!   `incr::call(key).add_loaded_to(&mut pipe)` and decoded into `Vec<i64>`;
//! - **in flight**: C multiplexed connections, each with P tasks calling the
//!   generated `incr(&mut con, key)` one call after the other: C×P calls in flight,
//!   which the multiplexed connection writes back to back (an implicit pipeline).
//!
//! - **hand-written pipeline**: the redis-rs baseline for the pipelined side, without
//!   this crate (`pipe.cmd("EVALSHA").arg(sha).arg(1).arg(key)`).
//!
//! Ratios are per repeat (median, min–max). A second table shows where the CPU went:
//! client CPU per call (redis-benchmark's process, or our client thread), server CPU per
//! call (`INFO cpu`), and how busy the server was: on 2 cores, client and server compete.
//!
//! All of ours run on a current-thread tokio runtime (one thread, like
//! `redis-benchmark`), with keys drawn from the same 100,000 names
//! (`key:000000012345`), formatted before the clock starts.

use std::process::Command;
use std::time::{Duration, Instant};

use scripts::redis::{self, aio::MultiplexedConnection};
use scripts::redis_script;
use scripts_tests::RedisServer;

#[redis_script]
async fn incr(con: &mut impl scripts::AsyncConnection, #[key] counter: &str) -> scripts::Result<i64> {
    "return redis.call('INCR', KEYS[1])"
}

/// `redis-benchmark -r`: keys `key:000000000000` to `key:000000099999`.
const KEYSPACE: usize = 100_000;

/// The benchmark binary (default: from `PATH`).
const BENCHMARK_ENV: &str = "SCRIPTS_REDIS_BENCHMARK";

fn env_usize(name: &str, default: usize) -> usize {
    std::env::var(name).ok().and_then(|v| v.parse().ok()).unwrap_or(default)
}

/// A small xorshift generator: the keys each call picks.
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> usize {
        self.0 ^= self.0 << 13;
        self.0 ^= self.0 >> 7;
        self.0 ^= self.0 << 17;
        (self.0 % KEYSPACE as u64) as usize
    }
}

/// One configuration: connections, pipeline depth, calls per run.
#[derive(Clone, Copy, Debug)]
struct Config {
    connections: usize,
    depth: usize,
    calls: usize,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Side {
    RedisBenchmark,
    Pipelined,
    InFlight,
    HandPipelined,
}

const SIDES: [Side; 4] = [
    Side::RedisBenchmark,
    Side::Pipelined,
    Side::InFlight,
    Side::HandPipelined,
];

impl Side {
    fn label(self) -> &'static str {
        match self {
            Side::RedisBenchmark => "redis-benchmark",
            Side::Pipelined => "pipelined",
            Side::InFlight => "in flight",
            Side::HandPipelined => "hand-written pipeline",
        }
    }
}

/// One run of one side: throughput, and where the CPU went.
#[derive(Clone, Copy, Debug, Default)]
struct Run {
    /// calls per second
    rate: f64,
    /// client CPU seconds per call (ours: this thread; redis-benchmark: the child process)
    client_cpu: f64,
    /// server CPU seconds per call (`INFO cpu`)
    server_cpu: f64,
    /// server CPU seconds per wall second: 1.0 is one core saturated
    server_busy: f64,
}

/// CPU time this thread has run, in seconds (`/proc/thread-self/schedstat`): the
/// whole client, since the runtime is single-threaded.
fn thread_cpu() -> f64 {
    std::fs::read_to_string("/proc/thread-self/schedstat")
        .ok()
        .and_then(|s| s.split_whitespace().next().and_then(|n| n.parse::<f64>().ok()))
        .map_or(0.0, |ns| ns * 1e-9)
}

/// CPU time of the waited-for children of this process, in seconds (`cutime` + `cstime`
/// of `/proc/self/stat`, in clock ticks of 10 ms).
fn children_cpu() -> f64 {
    let stat = std::fs::read_to_string("/proc/self/stat").unwrap_or_default();
    let fields: Vec<&str> = stat
        .rsplit_once(')')
        .map_or("", |(_, rest)| rest)
        .split_whitespace()
        .collect();
    let ticks = |i: usize| fields.get(i).and_then(|v| v.parse::<f64>().ok()).unwrap_or(0.0);
    // after the command name: state is field 3, cutime 16, cstime 17
    (ticks(16 - 3) + ticks(17 - 3)) / 100.0
}

/// The server's CPU time so far, in seconds (`used_cpu_user` + `used_cpu_sys`).
async fn server_cpu(con: &mut MultiplexedConnection) -> f64 {
    let info: String = redis::cmd("INFO").arg("cpu").query_async(con).await.expect("INFO cpu");
    info.lines()
        .filter(|l| l.starts_with("used_cpu_user:") || l.starts_with("used_cpu_sys:"))
        .filter_map(|l| l.split_once(':').and_then(|(_, v)| v.trim().parse::<f64>().ok()))
        .sum()
}

/// Calls per second of `redis-benchmark` on this configuration.
fn redis_benchmark(target: &[String], config: Config, sha: &str) -> f64 {
    let binary = std::env::var(BENCHMARK_ENV).unwrap_or_else(|_| "redis-benchmark".to_owned());
    let output = Command::new(&binary)
        .args(target)
        .args(["-n", &config.calls.to_string()])
        .args(["-c", &config.connections.to_string()])
        .args(["-P", &config.depth.to_string()])
        .args(["-r", &KEYSPACE.to_string(), "--csv"])
        .args(["EVALSHA", sha, "1", "key:__rand_int__"])
        .output()
        .unwrap_or_else(|e| panic!("cannot run {binary}: {e} (apt-get install redis-tools, or set {BENCHMARK_ENV})"));
    let stdout = String::from_utf8_lossy(&output.stdout);
    assert!(
        output.status.success(),
        "{binary} failed: {stdout}{}",
        String::from_utf8_lossy(&output.stderr)
    );
    // "EVALSHA ... key:__rand_int__","219780.22","3.399",...
    stdout
        .lines()
        .find(|line| line.starts_with("\"EVALSHA"))
        .and_then(|line| line.split("\",\"").nth(1))
        .and_then(|rps| rps.trim_matches('"').parse().ok())
        .unwrap_or_else(|| panic!("no rps in the output of {binary}: {stdout}"))
}

/// Calls per second with pipelines of `depth` calls on each of `cons`, each call
/// added by `incr::call(key).add_loaded_to`.
async fn pipelined(cons: &[MultiplexedConnection], keys: &'static [String], config: Config) -> f64 {
    pipelined_with(cons, keys, config, |pipe, key| {
        incr::call(key).add_loaded_to(pipe).unwrap();
    })
    .await
}

/// [`pipelined`] without this crate: `pipe.cmd("EVALSHA").arg(sha).arg(1).arg(key)`,
/// the redis-rs baseline.
async fn hand_pipelined(cons: &[MultiplexedConnection], keys: &'static [String], config: Config) -> f64 {
    pipelined_with(cons, keys, config, |pipe, key| {
        pipe.cmd("EVALSHA").arg(incr::SCRIPT.sha1()).arg(1).arg(key);
    })
    .await
}

/// Calls per second with pipelines of `depth` calls on each of `cons`, each call added
/// by `add` (generic, so each side is compiled without an indirect call).
async fn pipelined_with<F>(cons: &[MultiplexedConnection], keys: &'static [String], config: Config, add: F) -> f64
where
    F: Fn(&mut redis::Pipeline, &str) + Copy + Send + 'static,
{
    let per_connection = config.calls / config.connections / config.depth;
    let start = Instant::now();
    let mut set = tokio::task::JoinSet::new();
    for (i, con) in cons.iter().enumerate() {
        let mut con = con.clone();
        let mut rng = Rng(0x9E37_79B9_7F4A_7C15 ^ (i as u64 + 1));
        set.spawn(async move {
            let mut pipe = redis::pipe();
            for _ in 0..per_connection {
                pipe.clear();
                for _ in 0..config.depth {
                    add(&mut pipe, &keys[rng.next()]);
                }
                let replies: Vec<i64> = pipe.query_async(&mut con).await.expect("pipeline");
                debug_assert_eq!(replies.len(), config.depth);
            }
        });
    }
    join_all(set).await;
    (per_connection * config.connections * config.depth) as f64 / start.elapsed().as_secs_f64()
}

/// Waits for every task of `set`, failing the bench when one panicked.
async fn join_all(mut set: tokio::task::JoinSet<()>) {
    while set
        .join_next()
        .await
        .transpose()
        .expect("a bench task panicked")
        .is_some()
    {}
}

/// Calls per second with `depth` tasks calling `incr` on each of `cons`.
async fn in_flight(cons: &[MultiplexedConnection], keys: &'static [String], config: Config) -> f64 {
    let per_task = config.calls / config.connections / config.depth;
    let start = Instant::now();
    let mut set = tokio::task::JoinSet::new();
    for (i, con) in cons.iter().enumerate() {
        for t in 0..config.depth {
            let mut con = con.clone();
            let mut rng = Rng(0x9E37_79B9_7F4A_7C15 ^ ((i * config.depth + t) as u64 + 1));
            set.spawn(async move {
                for _ in 0..per_task {
                    let n: i64 = incr(&mut con, &keys[rng.next()]).await.expect("call");
                    std::hint::black_box(n);
                }
            });
        }
    }
    join_all(set).await;
    (per_task * config.connections * config.depth) as f64 / start.elapsed().as_secs_f64()
}

fn median(values: &mut [f64]) -> f64 {
    values.sort_by(f64::total_cmp);
    let n = values.len();
    if n % 2 == 1 {
        values[n / 2]
    } else {
        (values[n / 2 - 1] + values[n / 2]) / 2.0
    }
}

fn min_max(values: &[f64]) -> (f64, f64) {
    values.iter().fold((f64::INFINITY, f64::NEG_INFINITY), |(lo, hi), &v| {
        (lo.min(v), hi.max(v))
    })
}

async fn bench_transport(name: &str, url: &str, benchmark_target: &[String], configs: &[Config], repeats: usize) {
    let client = redis::Client::open(url).expect("server URL");
    let mut con = client.get_multiplexed_async_connection().await.expect("connect");
    let loaded = scripts::load_all(&mut con).await.expect("SCRIPT LOAD");
    assert_eq!(loaded, 1, "one script in this binary");
    let sha = incr::SCRIPT.sha1();
    let keys: &'static [String] = Vec::leak((0..KEYSPACE).map(|i| format!("key:{i:012}")).collect());

    println!("\n## {name}\n");
    println!(
        "| -c | -P | calls/run | redis-benchmark calls/s | pipelined calls/s | / redis-benchmark | in flight calls/s \
         | / redis-benchmark | hand-written pipeline calls/s | / redis-benchmark | pipelined / hand-written |"
    );
    println!("|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|");
    let mut cpu_rows = Vec::new();
    for &config in configs {
        let mut cons = Vec::with_capacity(config.connections);
        for _ in 0..config.connections {
            cons.push(client.get_multiplexed_async_connection().await.expect("connect"));
        }
        // warm-up: connections, allocator, server
        let warm = Config {
            calls: config.connections * config.depth * 20,
            ..config
        };
        pipelined(&cons, keys, warm).await;
        in_flight(&cons, keys, warm).await;

        let mut runs: [Vec<Run>; 4] = Default::default();
        for round in 0..repeats {
            for k in 0..SIDES.len() {
                let i = (round + k) % SIDES.len();
                let (server_before, thread_before, children_before) =
                    (server_cpu(&mut con).await, thread_cpu(), children_cpu());
                let start = Instant::now();
                let rate = match SIDES[i] {
                    Side::RedisBenchmark => redis_benchmark(benchmark_target, config, sha),
                    Side::Pipelined => pipelined(&cons, keys, config).await,
                    Side::InFlight => in_flight(&cons, keys, config).await,
                    Side::HandPipelined => hand_pipelined(&cons, keys, config).await,
                };
                let wall = start.elapsed().as_secs_f64();
                let client = match SIDES[i] {
                    Side::RedisBenchmark => children_cpu() - children_before,
                    _ => thread_cpu() - thread_before,
                };
                let server = server_cpu(&mut con).await - server_before;
                let calls = rate * wall;
                runs[i].push(Run {
                    rate,
                    client_cpu: client / calls,
                    server_cpu: server / calls,
                    server_busy: server / wall,
                });
            }
        }
        let rates: [Vec<f64>; 4] = std::array::from_fn(|i| runs[i].iter().map(|r| r.rate).collect());
        for (i, side) in SIDES.iter().enumerate() {
            let pick = |f: fn(&Run) -> f64| median(&mut runs[i].iter().map(f).collect::<Vec<_>>());
            cpu_rows.push(format!(
                "| {} | {} | {} | {:.2} | {:.2} | {:.0}% |",
                config.connections,
                config.depth,
                side.label(),
                pick(|r| r.client_cpu) * 1e6,
                pick(|r| r.server_cpu) * 1e6,
                pick(|r| r.server_busy) * 100.0,
            ));
        }
        let ratios =
            |num: usize, den: usize| -> Vec<f64> { rates[num].iter().zip(&rates[den]).map(|(n, d)| n / d).collect() };
        let cell = |mut r: Vec<f64>| {
            let (lo, hi) = min_max(&r);
            format!("**{:.2}** ({lo:.2}–{hi:.2})", median(&mut r))
        };
        println!(
            "| {} | {} | {} | {:.0} | {:.0} | {} | {:.0} | {} | {:.0} | {} | {} |",
            config.connections,
            config.depth,
            config.calls,
            median(&mut rates[0].clone()),
            median(&mut rates[1].clone()),
            cell(ratios(1, 0)),
            median(&mut rates[2].clone()),
            cell(ratios(2, 0)),
            median(&mut rates[3].clone()),
            cell(ratios(3, 0)),
            cell(ratios(1, 3)),
        );
        // give the sockets back before the next configuration opens its own
        drop(cons);
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    println!(
        "\nWhere the CPU went (medians): client = redis-benchmark's process, or our client thread; \
         server = `INFO cpu`; server busy = server CPU per wall second (100% = one core).\n"
    );
    println!("| -c | -P | side | client CPU µs/call | server CPU µs/call | server busy |");
    println!("|---:|---:|---|---:|---:|---:|");
    for row in cpu_rows {
        println!("{row}");
    }
    // every call was an EVALSHA of the loaded script
    let info: String = redis::cmd("INFO")
        .arg("commandstats")
        .query_async(&mut con)
        .await
        .expect("INFO");
    assert_eq!(scripts_tests::command_calls(&info, "eval"), 0, "no EVAL fallback");
}

fn main() {
    let repeats = env_usize("BENCH_REPEATS", 5);
    let scale = env_usize("BENCH_SCALE", 100) as f64 / 100.0;
    let calls = |n: usize| ((n as f64 * scale) as usize).max(1_000);
    let configs = [
        Config {
            connections: 1,
            depth: 1,
            calls: calls(20_000),
        },
        Config {
            connections: 50,
            depth: 1,
            calls: calls(100_000),
        },
        Config {
            connections: 1,
            depth: 16,
            calls: calls(160_000),
        },
        Config {
            connections: 4,
            depth: 16,
            calls: calls(200_000),
        },
        Config {
            connections: 50,
            depth: 16,
            calls: calls(200_000),
        },
    ];
    let socket = std::env::temp_dir().join(format!("scripts-bench-limit-{}.sock", std::process::id()));
    let socket_str = socket.to_string_lossy().into_owned();
    let server = RedisServer::with_args(&["--unixsocket", &socket_str, "--unixsocketperm", "700"]);
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .expect("tokio runtime");
    println!(
        "# Server limit: `EVALSHA <sha> 1 key:__rand_int__` (`return redis.call('INCR', KEYS[1])`), \
         {repeats} repeats per configuration, ratios = ours / redis-benchmark in the same repeat"
    );
    runtime.block_on(async {
        let tcp = [
            "-h".to_owned(),
            "127.0.0.1".to_owned(),
            "-p".to_owned(),
            server.port().to_string(),
        ];
        bench_transport("TCP loopback", &server.url(), &tcp, &configs, repeats).await;
        let unix = ["-s".to_owned(), socket_str.clone()];
        bench_transport(
            "Unix socket",
            &format!("redis+unix://{socket_str}"),
            &unix,
            &configs,
            repeats,
        )
        .await;
    });
    drop(server);
    let _ = std::fs::remove_file(&socket);
}
