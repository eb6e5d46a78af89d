//! `#[redis_library]`: what the module and its declarations must look like, and the
//! checks of each function's body against its declaration.

use scripts::redis_library;

#[redis_library(file = "lua/bank.lua")]
mod missing_file {
    pub fn balance(con: &mut impl scripts::Connection, #[key] account: &str) -> scripts::Result<i64>;
}

#[redis_library(source = r#"#!lua name=bank
local function transfer(keys, args)
  redis.call('DECRBY', keys[1], args[1])
  return redis.call('INCRBY', keys[3], args[1])
end
redis.register_function('transfer', transfer)
redis.register_function{function_name = 'balance', flags = {'no-writes'},
  callback = function(keys) return redis.call('INCR', KEYS[1]) end}
"#, flavour = "x")]
mod bank {
    /// a body where none goes: this function's Lua is then checked without its declaration
    pub async fn transfer(con: &mut impl scripts::AsyncConnection, #[key] from: &str, #[key] to: &str, amount: i64) -> scripts::Result<i64> {
        todo!()
    }
    pub async fn balance(con: &mut impl scripts::AsyncConnection, #[key] account: &str) -> scripts::Result<i64>;
}

#[redis_library(source = "#!lua name=x\nredis.register_function('f', function() return 1 end)")]
fn not_a_module() {}

// call sites still type-check against the declarations
async fn call_sites(con: &mut scripts::redis::aio::MultiplexedConnection, blocking: &mut scripts::redis::Connection) {
    let _ = bank::balance(con, "account:{a}").await;
    let _ = missing_file::balance(blocking, "account:{a}");
}

fn main() {}
