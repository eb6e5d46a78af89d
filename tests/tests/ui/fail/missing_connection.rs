use scripts::redis_script;

#[redis_script]
async fn no_params() -> scripts::Result<i64> {
    "return 1"
}

#[redis_script]
async fn key_first(#[key] counter: &str) -> scripts::Result<i64> {
    "return redis.call('INCR', KEYS[1])"
}

#[redis_script]
async fn owned_first(name: String, #[key] counter: &str) -> scripts::Result<i64> {
    "return redis.call('INCR', KEYS[1])"
}

fn main() {}
