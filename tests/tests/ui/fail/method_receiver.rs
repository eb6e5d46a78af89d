use scripts::redis_script;

struct Store;

impl Store {
    #[redis_script]
    async fn get(&self, con: &mut impl scripts::AsyncConnection, #[key] key: &str) -> scripts::Result<String> {
        "return redis.call('GET', KEYS[1])"
    }
}

fn main() {}
