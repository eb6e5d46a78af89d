//! The `impl` form: a rejected script still declares its function and companion,
//! so only the real errors appear; `self`, trait impls and options on the block are
//! refused with what to write instead.

use scripts::redis_script;

struct Repo;

#[redis_script]
impl Repo {
    #[redis_script]
    async fn broken(con: &mut impl scripts::AsyncConnection, #[key] key: &str) -> scripts::Result<i64> {
        "return redis.call('GET', KEYS[1]"
    }

    #[redis_script]
    async fn with_self(&self, con: &mut impl scripts::AsyncConnection, #[key] key: &str) -> scripts::Result<i64> {
        "return redis.call('INCR', KEYS[1])"
    }
}

// call sites of the rejected scripts type-check: no errors below
#[allow(dead_code)]
async fn calls(con: &mut scripts::redis::aio::MultiplexedConnection) -> scripts::Result<i64> {
    let _ = Repo::BROKEN.sha1();
    let _ = Repo::WITH_SELF.nonblocking(con, "k").await?;
    Repo::broken(con, "k").await
}

trait Store {
    fn get();
}

#[redis_script]
impl Store for Repo {
    fn get() {}
}

struct Other;

#[redis_script(allow(unused_key))]
impl Other {
    fn nothing_marked() {}
}

fn main() {}
