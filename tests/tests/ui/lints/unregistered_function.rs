//! `unregistered_function`: a declaration naming no registered function.

use scripts::redis_library;

#[redis_library(source = r#"#!lua name=counters
redis.register_function('incr', function(keys, args)
  return redis.call('INCRBY', keys[1], args[1])
end)
"#)]
mod counters {
    pub async fn incr(con: &mut impl scripts::AsyncConnection, #[key] counter: &str, by: i64) -> scripts::Result<i64>;
    pub async fn incrr(con: &mut impl scripts::AsyncConnection, #[key] counter: &str, by: i64) -> scripts::Result<i64>;
}

fn main() {}
