//! `invalid_library`: a library `FUNCTION LOAD` refuses, with the compiler output users see.

use scripts::redis_library;

#[redis_library(source = r#"#!lua name=limits
local floor = math.floor
redis.register_function{function_name = 'take', flags = {'no_writes'},
  callback = function(keys, args) return redis.call('DECR', keys[1]) end}
"#)]
mod limits {
    pub async fn take(con: &mut impl scripts::AsyncConnection, #[key] bucket: &str) -> scripts::Result<i64>;
}

fn main() {}
