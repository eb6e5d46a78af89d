//! `reply_indexed_by_name`: one rejected script, with the compiler output users see.

use scripts::redis_script;

#[redis_script]
async fn owner(con: &mut impl scripts::AsyncConnection, #[key] job: &str) -> scripts::Result<Option<String>> {
    r#"
    local h = redis.call('HGETALL', KEYS[1])
    return h.owner
    "#
}

fn main() {}
