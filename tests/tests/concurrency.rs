//! Invariants under concurrency: money is conserved by the transfer script, and
//! the lock scripts never let two holders in.

use std::sync::Arc;
use std::sync::atomic::{AtomicI64, AtomicUsize, Ordering};
use std::time::Duration;

use scripts::redis::{self, AsyncCommands};
use scripts::redis_script;
use scripts_tests::RedisServer;

#[path = "../../scripts/examples/transfer.rs"]
#[allow(dead_code)]
mod transfer;

/// Takes the lock for `ttl_ms` if free; true when taken.
#[redis_script]
async fn acquire(
    con: &mut impl scripts::AsyncConnection,
    #[key] lock: &str,
    token: &str,
    ttl_ms: u64,
) -> scripts::Result<bool> {
    r#"
    if redis.call('SET', KEYS[1], ARGV[1], 'NX', 'PX', ARGV[2]) then return 1 end
    return 0
    "#
}

/// Releases the lock if `token` owns it; true when released.
#[redis_script]
async fn release(con: &mut impl scripts::AsyncConnection, #[key] lock: &str, token: &str) -> scripts::Result<bool> {
    r#"
    if redis.call('GET', KEYS[1]) == ARGV[1] then return redis.call('DEL', KEYS[1]) end
    return 0
    "#
}

/// A small xorshift generator: deterministic per task, no dependency.
struct Rng(u64);

impl Rng {
    fn below(&mut self, n: u64) -> u64 {
        self.0 ^= self.0 << 13;
        self.0 ^= self.0 >> 7;
        self.0 ^= self.0 << 17;
        self.0 % n
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn concurrent_transfers_conserve_the_total_and_never_overdraw() {
    const ACCOUNTS: u64 = 100;
    const TASKS: u64 = 32;
    const TRANSFERS: u64 = 2_000;
    const START: i64 = 1_000;
    let server = RedisServer::start();
    let con = server.client().get_multiplexed_async_connection().await.unwrap();
    let mut setup = con.clone();
    for account in 0..ACCOUNTS {
        let () = setup.set(format!("acct:{account}"), START).await.unwrap();
    }
    let refused = Arc::new(AtomicUsize::new(0));
    let mut tasks = Vec::new();
    for task in 0..TASKS {
        let (mut con, refused) = (con.clone(), refused.clone());
        tasks.push(tokio::spawn(async move {
            let mut rng = Rng(0x9E37_79B9_7F4A_7C15 ^ (task + 1));
            for _ in 0..TRANSFERS {
                let from = rng.below(ACCOUNTS);
                let to = (from + 1 + rng.below(ACCOUNTS - 1)) % ACCOUNTS;
                let amount = 1 + rng.below(400) as i64;
                let moved = transfer::transfer(&mut con, &format!("acct:{from}"), &format!("acct:{to}"), amount)
                    .await
                    .unwrap();
                match moved {
                    1 => {}
                    -1 => {
                        refused.fetch_add(1, Ordering::Relaxed);
                    }
                    other => panic!("unexpected transfer result {other}"),
                }
            }
        }));
    }
    for task in tasks {
        task.await.unwrap();
    }
    let keys: Vec<String> = (0..ACCOUNTS).map(|a| format!("acct:{a}")).collect();
    let balances: Vec<i64> = setup.mget(&keys).await.unwrap();
    assert_eq!(
        balances.iter().sum::<i64>(),
        START * ACCOUNTS as i64,
        "money is conserved exactly"
    );
    assert!(
        balances.iter().all(|b| *b >= 0),
        "no balance goes negative: {balances:?}"
    );
    assert!(
        refused.load(Ordering::Relaxed) > 0,
        "some transfers were refused for lack of funds"
    );
    // one EVALSHA per transfer; EVAL only for the first calls, before the script was cached
    assert_eq!(server.calls("evalsha"), TASKS * TRANSFERS);
    assert!(server.calls("eval") <= TASKS, "at most one fallback per task");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn the_lock_never_admits_two_holders() {
    const TASKS: u64 = 16;
    const ROUNDS: u64 = 100;
    let server = RedisServer::start();
    let con = server.client().get_multiplexed_async_connection().await.unwrap();
    let holders = Arc::new(AtomicI64::new(0));
    let acquired = Arc::new(AtomicUsize::new(0));
    let mut tasks = Vec::new();
    for task in 0..TASKS {
        let (mut con, holders, acquired) = (con.clone(), holders.clone(), acquired.clone());
        tasks.push(tokio::spawn(async move {
            let mut rng = Rng(0xD1B5_4A32_D192_ED03 ^ (task + 1));
            for round in 0..ROUNDS {
                let token = format!("{task}-{round}");
                if !acquire(&mut con, "lock:shared", &token, 10_000).await.unwrap() {
                    tokio::time::sleep(Duration::from_micros(rng.below(500))).await;
                    continue;
                }
                assert_eq!(holders.fetch_add(1, Ordering::SeqCst), 0, "two holders at once");
                acquired.fetch_add(1, Ordering::Relaxed);
                // someone else's token never releases it
                assert!(!release(&mut con, "lock:shared", "not-the-owner").await.unwrap());
                let owner: String = con.get("lock:shared").await.unwrap();
                assert_eq!(owner, token, "a wrong token must not delete the lock");
                tokio::time::sleep(Duration::from_micros(rng.below(300))).await;
                assert_eq!(holders.fetch_sub(1, Ordering::SeqCst), 1);
                assert!(release(&mut con, "lock:shared", &token).await.unwrap());
            }
        }));
    }
    for task in tasks {
        task.await.unwrap();
    }
    assert!(
        acquired.load(Ordering::Relaxed) >= TASKS as usize,
        "the lock was taken many times"
    );
    let mut con = con.clone();
    let left: Option<String> = con.get("lock:shared").await.unwrap();
    assert_eq!(left, None, "every holder released it");
    let _: redis::Value = redis::cmd("PING").query_async(&mut con).await.unwrap();
}
