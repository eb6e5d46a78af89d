//! Without `#[redis_script]` on the block, the attribute on a function only sees the
//! function and writes the companion module of a free function, which an `impl`
//! cannot hold: rustc's error. The fix is `#[redis_script]` on the `impl` too.

use scripts::redis_script;

struct Repo;

impl Repo {
    #[redis_script]
    async fn get(con: &mut impl scripts::AsyncConnection, #[key] key: &str) -> scripts::Result<Option<String>> {
        "return redis.call('GET', KEYS[1])"
    }
}

fn main() {}
