use scripts::redis_script;

#[redis_script]
async fn broken(con: &mut impl scripts::AsyncConnection, #[key] counter: &str) -> scripts::Result<i64> {
    r#"
    local n = = 1
    return redis.call('INCR', KEYS[1]
    "#
}

fn main() {}
