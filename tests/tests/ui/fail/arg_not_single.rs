use scripts::redis_script;

#[redis_script]
async fn pair(con: &mut impl scripts::AsyncConnection, #[key] key: &str, range: (i64, i64)) -> scripts::Result<i64> {
    "return redis.call('ZCOUNT', KEYS[1], ARGV[1], '+inf')"
}

fn main() {}
