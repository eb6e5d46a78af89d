//! Peak client memory of one script call with a 50 MB argument, with the script
//! cached (`EVALSHA`) and after `SCRIPT FLUSH` (`EVALSHA`, `NOSCRIPT`, then `EVAL`),
//! over an async `MultiplexedConnection` and a blocking `redis::Connection`.
//!
//! A counting global allocator records the bytes allocated at once; each call's peak
//! is reported above what was allocated before it (the 50 MB argument itself, the
//! connection), so it counts what the call adds: the command, its packed bytes and
//! the `EVAL` fallback's copies. Each case runs on a new connection.
//!
//! `cargo bench -p scripts-tests --bench fallback_memory`

use std::alloc::{GlobalAlloc, Layout, System};
use std::sync::atomic::{AtomicUsize, Ordering};

use scripts::redis;
use scripts::redis_script;
use scripts_tests::RedisServer;

struct Counting;

static CURRENT: AtomicUsize = AtomicUsize::new(0);
static PEAK: AtomicUsize = AtomicUsize::new(0);

fn grew(by: usize) {
    let now = CURRENT.fetch_add(by, Ordering::Relaxed) + by;
    PEAK.fetch_max(now, Ordering::Relaxed);
}

// SAFETY: every call forwards to `System` with the same arguments; the counters only
// observe sizes.
unsafe impl GlobalAlloc for Counting {
    unsafe fn alloc(&self, layout: Layout) -> *mut u8 {
        // SAFETY: the caller's contract is forwarded unchanged.
        let ptr = unsafe { System.alloc(layout) };
        if !ptr.is_null() {
            grew(layout.size());
        }
        ptr
    }

    unsafe fn alloc_zeroed(&self, layout: Layout) -> *mut u8 {
        // SAFETY: as above.
        let ptr = unsafe { System.alloc_zeroed(layout) };
        if !ptr.is_null() {
            grew(layout.size());
        }
        ptr
    }

    unsafe fn dealloc(&self, ptr: *mut u8, layout: Layout) {
        // SAFETY: as above.
        unsafe { System.dealloc(ptr, layout) };
        CURRENT.fetch_sub(layout.size(), Ordering::Relaxed);
    }

    unsafe fn realloc(&self, ptr: *mut u8, layout: Layout, new_size: usize) -> *mut u8 {
        // SAFETY: as above.
        let new = unsafe { System.realloc(ptr, layout, new_size) };
        if !new.is_null() {
            // during the move both blocks exist: count the new one before the old goes
            grew(new_size);
            CURRENT.fetch_sub(layout.size(), Ordering::Relaxed);
        }
        new
    }
}

#[global_allocator]
static ALLOCATOR: Counting = Counting;

/// Returns the length of its argument.
#[redis_script]
async fn length(con: &mut impl scripts::AsyncConnection, value: &[u8]) -> scripts::Result<i64> {
    "return #ARGV[1]"
}

/// [`length`] over a blocking connection.
#[redis_script]
fn length_blocking(con: &mut impl scripts::Connection, value: &[u8]) -> scripts::Result<i64> {
    "return #ARGV[1]"
}

const SIZE: usize = 50 << 20;

/// The peak allocated above the current level while `f` runs.
fn peak_of<T>(f: impl FnOnce() -> T) -> (T, usize) {
    let base = CURRENT.load(Ordering::Relaxed);
    PEAK.store(base, Ordering::Relaxed);
    let out = f();
    (out, PEAK.load(Ordering::Relaxed).saturating_sub(base))
}

fn row(case: &str, peak: usize) {
    println!(
        "| {case} | {:.1} MB | {:.2}x |",
        peak as f64 / 1e6,
        peak as f64 / SIZE as f64
    );
}

fn main() {
    let server = RedisServer::start();
    let value = vec![b'x'; SIZE];
    let flush = |con: &mut redis::Connection| {
        let () = redis::cmd("SCRIPT").arg("FLUSH").query(con).unwrap();
    };
    let mut admin = server.connection();
    println!(
        "| call ({} MB argument) | peak above the argument | x argument |",
        SIZE >> 20
    );
    println!("|---|---:|---:|");

    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .unwrap();
    let config = redis::AsyncConnectionConfig::new().set_response_timeout(None);
    for cached in [true, false] {
        // a new connection each time: a connection keeps the buffer it grew for the
        // last large request, which would hide part of the next call's peak
        let mut con = runtime
            .block_on(server.client().get_multiplexed_async_connection_with_config(&config))
            .unwrap();
        // load (or flush) first, so the measured call takes the path named
        runtime.block_on(length(&mut con, b"warm")).unwrap();
        if !cached {
            flush(&mut admin);
        }
        let (n, peak) = peak_of(|| runtime.block_on(length(&mut con, &value)).unwrap());
        assert_eq!(n as usize, SIZE);
        let case = if cached {
            "async, EVALSHA"
        } else {
            "async, EVALSHA + NOSCRIPT + EVAL"
        };
        row(case, peak);
    }

    for cached in [true, false] {
        let mut con = server.connection();
        length_blocking(&mut con, b"warm").unwrap();
        if !cached {
            flush(&mut admin);
        }
        let (n, peak) = peak_of(|| length_blocking(&mut con, &value).unwrap());
        assert_eq!(n as usize, SIZE);
        let case = if cached {
            "blocking, EVALSHA"
        } else {
            "blocking, EVALSHA + NOSCRIPT + EVAL"
        };
        row(case, peak);
    }
}
