//! Registered names Rust spells differently: a keyword as a raw identifier, and any
//! name through `#[function(name = "...")]` (camelCase, a leading digit, `self`), and
//! a name in another case (function names compare without case).

use scripts::redis_library;

#[redis_library(source = r#"#!lua name=jobs
local function rcall(...) return redis.call(...) end

local function move_job(keys, args)
  local job = rcall('LPOP', keys[1])
  if not job then return false end
  rcall('RPUSH', keys[2], job)
  return job
end

redis.register_function('move', move_job)
redis.register_function{function_name = 'type', flags = {'no-writes'},
  callback = function(keys) return rcall('TYPE', keys[1])['ok'] end}
redis.register_function('addJob', function(keys, args)
  return rcall('RPUSH', keys[1], args[1])
end)
redis.register_function('1st', function(keys) return rcall('LINDEX', keys[1], 0) end)
redis.register_function{function_name = 'self', flags = {'no-writes'},
  callback = function() return 'jobs' end}
redis.register_function{function_name = 'Depth', flags = {'no-writes'},
  callback = function(keys) return rcall('LLEN', keys[1]) end}
"#)]
pub mod jobs {
    /// Moves the first job of a queue to another.
    pub async fn r#move(con: &mut impl scripts::AsyncConnection, #[key] from: &str, #[key] to: &str) -> scripts::Result<Option<String>>;
    pub fn r#type(con: &mut impl scripts::Connection, #[key] queue: &str) -> scripts::Result<String>;
    #[function(name = "addJob")]
    pub async fn add_job(con: &mut impl scripts::AsyncConnection, #[key] queue: &str, job: &str) -> scripts::Result<i64>;
    #[function(name = "1st")]
    pub fn first(con: &mut impl scripts::Connection, #[key] queue: &str) -> scripts::Result<Option<String>>;
    /// The library's own name.
    #[function(name = "self")]
    pub fn library_name(con: &mut impl scripts::Connection) -> scripts::Result<String>;
    /// `FCALL` finds functions whatever their case: `depth` calls `Depth`.
    pub fn depth(con: &mut impl scripts::Connection, #[key] queue: &str) -> scripts::Result<i64>;
}

async fn call_sites(con: &mut scripts::redis::aio::MultiplexedConnection, blocking: &mut scripts::redis::Connection) -> scripts::Result<()> {
    let _: Option<String> = jobs::r#move(con, "jobs:{q}:wait", "jobs:{q}:active").await?;
    let mut pipe = scripts::redis::pipe();
    jobs::r#move::pipe(&mut pipe, "jobs:{q}:wait", "jobs:{q}:active")?;
    let _: String = jobs::r#type(blocking, "jobs:{q}:wait")?;
    let _: i64 = jobs::add_job(con, "jobs:{q}:wait", "job-1").await?;
    let _: Option<String> = jobs::first(blocking, "jobs:{q}:wait")?;
    let _: String = jobs::library_name(blocking)?;
    let _: i64 = jobs::depth(blocking, "jobs:{q}:wait")?;
    Ok(())
}

fn main() {
    let _ = call_sites;
}
