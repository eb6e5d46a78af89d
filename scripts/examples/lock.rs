//! A lock with an owner token: acquire with `SET NX PX`, release only with the
//! token that acquired it. Blocking API (`fn`, `scripts::Connection`).
//!
//! `cargo run --example lock` (starts its own redis-server unless `REDIS_URL` is set).

use scripts::redis_script;

/// Takes the lock for `ttl_ms` milliseconds if nobody holds it; true when taken.
#[redis_script]
pub(crate) fn acquire_lock(
    con: &mut impl scripts::Connection,
    #[key] lock: &str,
    token: &str,
    ttl_ms: u64,
) -> scripts::Result<bool> {
    r#"
    if redis.call('SET', KEYS[1], ARGV[1], 'NX', 'PX', ARGV[2]) then
        return 1
    end
    return 0
    "#
}

/// Releases the lock if `token` still owns it; true when released. A holder whose
/// lock expired and was taken by someone else cannot delete the new owner's lock.
#[redis_script]
pub(crate) fn release_lock(
    con: &mut impl scripts::Connection,
    #[key] lock: &str,
    token: &str,
) -> scripts::Result<bool> {
    r#"
    if redis.call('GET', KEYS[1]) == ARGV[1] then
        return redis.call('DEL', KEYS[1])
    end
    return 0
    "#
}

/// Walks through the pattern, checking each step.
pub(crate) fn demo(con: &mut scripts::redis::Connection) -> Result<(), Box<dyn std::error::Error>> {
    let first = acquire_lock(con, "lock:{demo}:report", "worker-1", 30_000)?;
    println!("worker-1 acquires: {first}");
    assert!(first);
    let second = acquire_lock(con, "lock:{demo}:report", "worker-2", 30_000)?;
    println!("worker-2 acquires while held: {second}");
    assert!(!second);
    let wrong = release_lock(con, "lock:{demo}:report", "worker-2")?;
    println!("worker-2 releases with its own token: {wrong}");
    assert!(!wrong);
    let released = release_lock(con, "lock:{demo}:report", "worker-1")?;
    println!("worker-1 releases: {released}");
    assert!(released);
    Ok(())
}

#[allow(dead_code)]
fn main() -> Result<(), Box<dyn std::error::Error>> {
    let (url, _server) = scripts_tests::url_or_start();
    let mut con = scripts::redis::Client::open(url)?.get_connection()?;
    demo(&mut con)
}
