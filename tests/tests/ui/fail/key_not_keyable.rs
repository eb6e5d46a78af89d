use scripts::redis_script;

#[redis_script]
async fn by_id(con: &mut impl scripts::AsyncConnection, #[key] id: i64) -> scripts::Result<i64> {
    "return redis.call('INCR', KEYS[1])"
}

#[redis_script]
async fn maybe(con: &mut impl scripts::AsyncConnection, #[key] name: Option<&str>) -> scripts::Result<i64> {
    "return redis.call('INCR', KEYS[1])"
}

struct UserId(u64);

#[redis_script]
async fn custom(con: &mut impl scripts::AsyncConnection, #[key] user: UserId) -> scripts::Result<i64> {
    "return redis.call('INCR', KEYS[1])"
}

fn main() {}
