use scripts::redis_script;

#[redis_script]
async fn tag(con: &mut impl scripts::AsyncConnection, #[key] key: &str, label: Option<&str>) -> scripts::Result<i64> {
    "return redis.call('SADD', KEYS[1], ARGV[1])"
}

fn main() {}
