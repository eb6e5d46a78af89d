//! `undeclared_function`: a registered function nothing declares.

use scripts::redis_library;

#[redis_library(deny(undeclared_function), source = r#"#!lua name=counters
redis.register_function('incr', function(keys, args)
  return redis.call('INCRBY', keys[1], args[1])
end)
redis.register_function('reset', function(keys) return redis.call('DEL', keys[1]) end)
"#)]
mod counters {
    pub async fn incr(con: &mut impl scripts::AsyncConnection, #[key] counter: &str, by: i64) -> scripts::Result<i64>;
}

fn main() {}
