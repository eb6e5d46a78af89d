//! Call overhead: one tiny script (`return redis.call('INCR', KEYS[1])`) called
//!
//! - (a) through the function `#[redis_script]` generates,
//! - (b) as a hand-written `redis::cmd("EVALSHA")...query_async` on the same connection,
//! - (c) through `redis::Script::new(...).key(k).invoke_async`,
//!
//! on a throwaway `redis-server`, over TCP loopback and over a unix socket.
//!
//! `cargo bench -p scripts-tests --bench call_overhead`
//!
//! Measured, per transport:
//! - sequential latency: one call in flight, `BENCH_CALLS` (100) calls per round;
//! - concurrent throughput: `BENCH_TASKS` (64) tasks on one multiplexed connection,
//!   each with one call in flight, `BENCH_CONCURRENT_CALLS` (1,280) calls per round;
//! - both as wall time and as the client thread's CPU time (`/proc/thread-self/schedstat`:
//!   the client's own cost, whatever the server and the rest of the machine do);
//! - allocations per call, counted by the counting global allocator below (every
//!   `alloc`/`alloc_zeroed`/`realloc` in the process: the runtime is single-threaded,
//!   so the connection's driver task is counted too), per built command alone, and per
//!   pipeline entry;
//! - the size of each variant's future for one call (a caller moves it as it creates
//!   and awaits it, and a task in flight holds it).
//!
//! `BENCH_ONLY=a` (or `b`, `c`) runs that variant alone, 64 in flight over TCP, for
//! `BENCH_ROUNDS` rounds and prints nothing: for a profiler such as callgrind.
//!
//! The machine this runs on is shared and noisy, so the variants are interleaved:
//! every round runs (a), (b) and (c) back to back, in a rotating order, and is short (a
//! few milliseconds), so the three see the same load; ratios are computed per round.
//! The tables show medians over `BENCH_ROUNDS` (300) rounds, the interquartile range,
//! and a 95% confidence interval of the median ratio (order statistics).
//!
//! The bench binary enables the `tracing` feature (the tests crate does), so (a)
//! includes a disabled `tracing` span per call; no subscriber is installed.

use std::alloc::{GlobalAlloc, Layout, System};
use std::hint::black_box;
use std::sync::LazyLock;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::{Duration, Instant};

use scripts::redis::{self, aio::MultiplexedConnection};
use scripts::redis_script;
use scripts_tests::RedisServer;

/// Counts every allocation (and reallocation) of the process.
struct Counting;

static ALLOCS: AtomicU64 = AtomicU64::new(0);
static REALLOCS: AtomicU64 = AtomicU64::new(0);

// SAFETY: every method forwards to `System` with the arguments it was given.
unsafe impl GlobalAlloc for Counting {
    unsafe fn alloc(&self, layout: Layout) -> *mut u8 {
        ALLOCS.fetch_add(1, Ordering::Relaxed);
        // SAFETY: the caller upholds `GlobalAlloc::alloc`'s contract.
        unsafe { System.alloc(layout) }
    }

    unsafe fn alloc_zeroed(&self, layout: Layout) -> *mut u8 {
        ALLOCS.fetch_add(1, Ordering::Relaxed);
        // SAFETY: as above.
        unsafe { System.alloc_zeroed(layout) }
    }

    unsafe fn realloc(&self, ptr: *mut u8, layout: Layout, new_size: usize) -> *mut u8 {
        REALLOCS.fetch_add(1, Ordering::Relaxed);
        // SAFETY: as above.
        unsafe { System.realloc(ptr, layout, new_size) }
    }

    unsafe fn dealloc(&self, ptr: *mut u8, layout: Layout) {
        // SAFETY: as above.
        unsafe { System.dealloc(ptr, layout) }
    }
}

#[global_allocator]
static GLOBAL: Counting = Counting;

/// (allocations, reallocations) so far.
fn allocations() -> (u64, u64) {
    (ALLOCS.load(Ordering::Relaxed), REALLOCS.load(Ordering::Relaxed))
}

#[redis_script]
async fn incr(con: &mut impl scripts::AsyncConnection, #[key] counter: &str) -> scripts::Result<i64> {
    "return redis.call('INCR', KEYS[1])"
}

/// (c)'s script: the same text, so the same SHA1. Built once, as an application would.
static REDIS_SCRIPT: LazyLock<redis::Script> = LazyLock::new(|| redis::Script::new(incr::SCRIPT.source()));

const KEY: &str = "bench:counter";

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Variant {
    /// (a) the generated function
    Generated,
    /// (b) a hand-written EVALSHA
    Hand,
    /// (c) `redis::Script`
    RedisScript,
}

const VARIANTS: [Variant; 3] = [Variant::Generated, Variant::Hand, Variant::RedisScript];

impl Variant {
    fn label(self) -> &'static str {
        match self {
            Variant::Generated => "(a) #[redis_script] fn",
            Variant::Hand => "(b) hand-written EVALSHA",
            Variant::RedisScript => "(c) redis::Script",
        }
    }
}

/// `calls` sequential calls of `variant` on `con`.
async fn run(variant: Variant, con: &mut MultiplexedConnection, calls: usize) {
    match variant {
        Variant::Generated => {
            for _ in 0..calls {
                let n: i64 = incr(con, black_box(KEY)).await.expect("(a)");
                black_box(n);
            }
        }
        Variant::Hand => {
            for _ in 0..calls {
                let n: i64 = redis::cmd("EVALSHA")
                    .arg(incr::SCRIPT.sha1())
                    .arg(1)
                    .arg(black_box(KEY))
                    .query_async(con)
                    .await
                    .expect("(b)");
                black_box(n);
            }
        }
        Variant::RedisScript => {
            for _ in 0..calls {
                let n: i64 = REDIS_SCRIPT.key(black_box(KEY)).invoke_async(con).await.expect("(c)");
                black_box(n);
            }
        }
    }
}

async fn sequential(variant: Variant, con: &mut MultiplexedConnection, calls: usize) -> Duration {
    let start = Instant::now();
    run(variant, con, calls).await;
    start.elapsed()
}

/// `tasks` tasks, each making `calls / tasks` sequential calls on its clone of `con`
/// (one multiplexed connection: up to `tasks` calls in flight on one socket).
async fn concurrent(variant: Variant, con: &MultiplexedConnection, tasks: usize, calls: usize) -> Duration {
    let per_task = calls / tasks;
    let start = Instant::now();
    let mut set = tokio::task::JoinSet::new();
    for _ in 0..tasks {
        let mut con = con.clone();
        set.spawn(async move { run(variant, &mut con, per_task).await });
    }
    while let Some(done) = set.join_next().await {
        done.expect("a bench task panicked");
    }
    start.elapsed()
}

fn env_usize(name: &str, default: usize) -> usize {
    std::env::var(name).ok().and_then(|v| v.parse().ok()).unwrap_or(default)
}

/// CPU time this thread has run, in nanoseconds (`/proc/thread-self/schedstat`, user
/// and system time): the client's own cost of a call, whatever the server and the
/// other processes on the machine do. 0 where the file does not exist.
fn thread_cpu_ns() -> u64 {
    std::fs::read_to_string("/proc/thread-self/schedstat")
        .ok()
        .and_then(|s| s.split_whitespace().next().and_then(|n| n.parse().ok()))
        .unwrap_or(0)
}

/// Median, quartiles, and a 95% confidence interval of the median (order statistics).
#[derive(Clone, Copy, Debug)]
struct Spread {
    q1: f64,
    median: f64,
    q3: f64,
    ci: (f64, f64),
}

fn spread(values: &[f64]) -> Spread {
    let mut v = values.to_vec();
    v.sort_by(f64::total_cmp);
    let n = v.len();
    let at = |q: f64| {
        let pos = q * (n - 1) as f64;
        let (lo, hi) = (pos.floor() as usize, pos.ceil() as usize);
        v[lo] + (v[hi] - v[lo]) * (pos - lo as f64)
    };
    // ranks n/2 ± 1.96·√n/2 bound the median with 95% confidence
    let half = 0.98 * (n as f64).sqrt();
    let lo = ((n as f64 / 2.0 - half).floor().max(0.0) as usize).min(n - 1);
    let hi = ((n as f64 / 2.0 + half).ceil() as usize).min(n - 1);
    Spread {
        q1: at(0.25),
        median: at(0.5),
        q3: at(0.75),
        ci: (v[lo], v[hi]),
    }
}

/// Per-round costs of each variant: (wall seconds per call, client CPU seconds per call).
type Rounds = [Vec<(f64, f64)>; 3];

/// Runs `rounds` rounds of every variant, rotating which goes first. Rounds are short
/// (a few milliseconds), so the three variants of one round see the same machine load.
async fn measure(rounds: usize, mut one: impl AsyncFnMut(Variant) -> Duration, calls: usize) -> Rounds {
    let mut out: Rounds = Default::default();
    for round in 0..rounds {
        for k in 0..VARIANTS.len() {
            let i = (round + k) % VARIANTS.len();
            let cpu = thread_cpu_ns();
            let elapsed = one(VARIANTS[i]).await;
            let cpu = (thread_cpu_ns() - cpu) as f64 * 1e-9;
            out[i].push((elapsed.as_secs_f64() / calls as f64, cpu / calls as f64));
        }
    }
    out
}

fn ratios(rounds: &Rounds, num: usize, den: usize, pick: fn(&(f64, f64)) -> f64) -> Spread {
    let r: Vec<f64> = rounds[num]
        .iter()
        .zip(&rounds[den])
        .map(|(n, d)| pick(n) / pick(d))
        .collect();
    spread(&r)
}

fn print_latency(title: &str, rounds: &Rounds) {
    let wall = |x: &(f64, f64)| x.0;
    let cpu = |x: &(f64, f64)| x.1;
    println!("\n### {title}\n");
    println!("| variant | wall µs/call: median (IQR) | calls/s | client CPU µs/call: median (IQR) |");
    println!("|---|---:|---:|---:|");
    for (i, v) in VARIANTS.iter().enumerate() {
        let w = spread(&rounds[i].iter().map(wall).collect::<Vec<_>>());
        let c = spread(&rounds[i].iter().map(cpu).collect::<Vec<_>>());
        println!(
            "| {} | {:.2} ({:.2}–{:.2}) | {:.0} | {:.2} ({:.2}–{:.2}) |",
            v.label(),
            w.median * 1e6,
            w.q1 * 1e6,
            w.q3 * 1e6,
            1.0 / w.median,
            c.median * 1e6,
            c.q1 * 1e6,
            c.q3 * 1e6,
        );
    }
    println!("\n| per-round ratio | wall: median [95% CI] (IQR) | client CPU: median [95% CI] (IQR) |");
    println!("|---|---:|---:|");
    for (label, num, den) in [("(a)/(b)", 0, 1), ("(a)/(c)", 0, 2), ("(b)/(c)", 1, 2)] {
        let w = ratios(rounds, num, den, wall);
        let c = ratios(rounds, num, den, cpu);
        println!(
            "| {label} | {:.3} [{:.3}–{:.3}] ({:.3}–{:.3}) | {:.3} [{:.3}–{:.3}] ({:.3}–{:.3}) |",
            w.median, w.ci.0, w.ci.1, w.q1, w.q3, c.median, c.ci.0, c.ci.1, c.q1, c.q3
        );
    }
}

/// Allocations per call of `calls` sequential calls, and per built command.
async fn print_allocations(con: &mut MultiplexedConnection, calls: usize) {
    println!("\n### Allocations per call (alloc + realloc; realloc in parentheses)\n");
    println!("| variant | whole call (sequential) | building the command only |");
    println!("|---|---:|---:|");
    for v in VARIANTS {
        run(v, con, 100).await; // warm: no first-use allocations in the count
        let before = allocations();
        run(v, con, calls).await;
        let after = allocations();
        let whole = (after.0 - before.0 + after.1 - before.1, after.1 - before.1);
        let before = allocations();
        for _ in 0..calls {
            match v {
                Variant::Generated => drop(black_box(incr::call(black_box(KEY)))),
                Variant::Hand => {
                    let mut cmd = redis::cmd("EVALSHA");
                    cmd.arg(incr::SCRIPT.sha1()).arg(1).arg(black_box(KEY));
                    drop(black_box(cmd));
                }
                Variant::RedisScript => drop(black_box(REDIS_SCRIPT.key(black_box(KEY)))),
            }
        }
        let after = allocations();
        let build = (after.0 - before.0 + after.1 - before.1, after.1 - before.1);
        let per =
            |(total, re): (u64, u64)| format!("{:.2} ({:.2})", total as f64 / calls as f64, re as f64 / calls as f64);
        println!("| {} | {} | {} |", v.label(), per(whole), per(build));
    }
    // pipeline entries: building the command and adding it to a (reused) pipeline
    let mut pipe = redis::pipe();
    let mut per_entry = |label: &str, add: &mut dyn FnMut(&mut redis::Pipeline)| {
        let before = allocations();
        for _ in 0..calls / 100 {
            pipe.clear();
            for _ in 0..100 {
                add(&mut pipe);
            }
        }
        let after = allocations();
        let n = (calls / 100 * 100) as f64;
        println!(
            "| {label} | | {:.2} ({:.2}) |",
            (after.0 - before.0 + after.1 - before.1) as f64 / n,
            (after.1 - before.1) as f64 / n
        );
    };
    per_entry("(a) `incr::pipe` (EVAL) into a pipeline", &mut |p| {
        incr::pipe(p, black_box(KEY)).unwrap();
    });
    per_entry("(a) `incr::call(..).add_loaded_to` (EVALSHA)", &mut |p| {
        incr::call(black_box(KEY)).add_loaded_to(p).unwrap();
    });
    per_entry("(b) hand-written EVALSHA into a pipeline", &mut |p| {
        p.cmd("EVALSHA").arg(incr::SCRIPT.sha1()).arg(1).arg(black_box(KEY));
    });
    println!(
        "\n(c)'s \"building\" is `Script::key` only: its `EVALSHA` command is built inside `invoke_async`, \
         so part of its cost shows only in the whole call."
    );
}

/// The size of each variant's future for one call: a caller's task holds it, and
/// moves it as it is created and awaited, so its size is part of the cost of a
/// call (the generated call's future was 3,752 bytes before this was measured).
fn print_future_sizes(con: &mut MultiplexedConnection) {
    let generated = std::mem::size_of_val(&incr(con, KEY));
    let mut cmd = redis::cmd("EVALSHA");
    cmd.arg(incr::SCRIPT.sha1()).arg(1).arg(KEY);
    let hand = std::mem::size_of_val(&cmd.query_async::<i64>(con));
    let invocation = REDIS_SCRIPT.key(KEY);
    let script = std::mem::size_of_val(&invocation.invoke_async::<i64>(con));
    println!("\nFuture of one call: (a) {generated} bytes, (b) {hand} bytes, (c) {script} bytes.");
}

async fn bench_transport(name: &str, server: &RedisServer, url: &str) {
    let rounds = env_usize("BENCH_ROUNDS", 300);
    let calls = env_usize("BENCH_CALLS", 100);
    let tasks = env_usize("BENCH_TASKS", 64);
    let concurrent_calls = env_usize("BENCH_CONCURRENT_CALLS", 64 * 20);
    let client = redis::Client::open(url).expect("server URL");
    let mut con = client.get_multiplexed_async_connection().await.expect("connect");
    // the script is cached by the first (a) call's EVAL fallback, before any measurement
    let _: i64 = incr(&mut con, KEY).await.expect("warm-up");
    for v in VARIANTS {
        run(v, &mut con, 200).await;
    }
    server.reset_stats();

    println!("\n## {name} ({url})");
    print_future_sizes(&mut con);
    let seq = measure(rounds, async |v| sequential(v, &mut con, calls).await, calls).await;
    print_latency(
        &format!("Sequential latency, 1 call in flight ({rounds} rounds × {calls} calls per variant)"),
        &seq,
    );
    let conc = measure(
        rounds,
        async |v| concurrent(v, &con, tasks, concurrent_calls).await,
        concurrent_calls,
    )
    .await;
    print_latency(
        &format!(
            "Concurrent throughput, {tasks} calls in flight on one multiplexed connection \
             ({rounds} rounds × {concurrent_calls} calls per variant)"
        ),
        &conc,
    );
    print_allocations(&mut con, 2_000).await;

    // every call was an EVALSHA: no variant fell back to EVAL or reloaded the script
    assert_eq!(server.calls("eval"), 0, "no EVAL fallback during the measurement");
    assert_eq!(server.calls("script|load"), 0);
    assert!(server.calls("evalsha") > 0);
}

/// `BENCH_ONLY=a` (or `b`, `c`): only that variant, 64 in flight over TCP, for
/// `BENCH_ROUNDS` rounds, nothing measured or printed: for a profiler to count one
/// variant's work, e.g. `valgrind --tool=callgrind` on the bench binary.
async fn profile(variant: Variant, url: &str) {
    let rounds = env_usize("BENCH_ROUNDS", 300);
    let client = redis::Client::open(url).expect("server URL");
    let mut con = client.get_multiplexed_async_connection().await.expect("connect");
    let _: i64 = incr(&mut con, KEY).await.expect("warm-up");
    run(variant, &mut con, 200).await;
    for _ in 0..rounds {
        concurrent(variant, &con, 64, 64 * 20).await;
    }
}

fn main() {
    // `cargo bench` passes `--bench`; anything else (e.g. a filter) is ignored.
    let only = std::env::var("BENCH_ONLY").ok().map(|v| match v.as_str() {
        "a" => Variant::Generated,
        "b" => Variant::Hand,
        "c" => Variant::RedisScript,
        other => panic!("BENCH_ONLY={other}: give a, b or c"),
    });
    let socket = std::env::temp_dir().join(format!("scripts-bench-{}.sock", std::process::id()));
    let socket_str = socket.to_string_lossy().into_owned();
    let server = RedisServer::with_args(&["--unixsocket", &socket_str, "--unixsocketperm", "700"]);
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .expect("tokio runtime");
    match only {
        Some(variant) => runtime.block_on(profile(variant, &server.url())),
        None => {
            println!("# Call overhead: `return redis.call('INCR', KEYS[1])`, client on a current-thread tokio runtime");
            runtime.block_on(async {
                bench_transport("TCP loopback", &server, &server.url()).await;
                bench_transport("Unix socket", &server, &format!("redis+unix://{socket_str}")).await;
            });
        }
    }
    drop(server);
    let _ = std::fs::remove_file(&socket);
}
