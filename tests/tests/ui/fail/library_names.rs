//! `#[function(name = "...")]`: what it takes, and the names it can give.

use scripts::redis_library;

#[redis_library(source = r#"#!lua name=jobs
redis.register_function('addJob', function(keys, args)
  return redis.call('RPUSH', keys[1], args[1])
end)
redis.register_function('move', function(keys, args)
  return redis.call('LMOVE', keys[1], keys[2], 'LEFT', 'RIGHT')
end)
"#)]
mod jobs {
    #[function(name = "add-job")]
    pub async fn add_job(con: &mut impl scripts::AsyncConnection, #[key] queue: &str, job: &str) -> scripts::Result<i64>;

    #[function(rename = "addJob")]
    pub async fn add(con: &mut impl scripts::AsyncConnection, #[key] queue: &str, job: &str) -> scripts::Result<i64>;

    #[function]
    pub async fn push(con: &mut impl scripts::AsyncConnection, #[key] queue: &str, job: &str) -> scripts::Result<i64>;

    #[function(name = "addJob")]
    #[function(name = "addJob")]
    pub async fn enqueue(con: &mut impl scripts::AsyncConnection, #[key] queue: &str, job: &str) -> scripts::Result<i64>;

    #[function(name = "addJob")]
    pub async fn enqueue_again(con: &mut impl scripts::AsyncConnection, #[key] queue: &str, job: &str) -> scripts::Result<i64>;

    // a raw identifier calls the keyword's name; the unregistered name suggests it
    pub async fn mvoe(con: &mut impl scripts::AsyncConnection, #[key] from: &str, #[key] to: &str) -> scripts::Result<Option<String>>;
}

fn main() {}
