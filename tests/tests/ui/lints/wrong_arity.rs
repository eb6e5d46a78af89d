//! `wrong_arity`: one rejected script, with the compiler output users see.

use scripts::redis_script;

#[redis_script]
async fn get_both(con: &mut impl scripts::AsyncConnection, #[key] a: &str, #[key] b: &str) -> scripts::Result<Option<String>> {
    r#"
    return redis.call('GET', KEYS[1], KEYS[2])
    "#
}

fn main() {}
