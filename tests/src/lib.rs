//! Workspace test harness: the public `scripts::testing` (throwaway servers and
//! clusters) plus what only the examples need.
//!
//! ```no_run
//! let server = scripts_tests::RedisServer::start();
//! let mut con = server.connection();
//! let pong: String = redis::cmd("PING").query(&mut con).unwrap();
//! assert_eq!(pong, "PONG");
//! ```

pub use scripts_runtime::testing::*;

/// For examples: an async connection to the server named by `REDIS_URL`, or to a
/// throwaway one started here. Keep the returned handle alive while connected.
pub async fn demo_connection() -> redis::RedisResult<(redis::aio::MultiplexedConnection, Option<RedisServer>)> {
    let (url, server) = url_or_start();
    let con = redis::Client::open(url.as_str())?
        .get_multiplexed_async_connection()
        .await?;
    Ok((con, server))
}

/// For examples: the server named by `REDIS_URL`, or a throwaway one started here.
/// Keep the returned handle alive as long as the server is used.
pub fn url_or_start() -> (String, Option<RedisServer>) {
    match std::env::var("REDIS_URL") {
        Ok(url) if !url.is_empty() => (url, None),
        _ => {
            let server = RedisServer::start();
            (server.url(), Some(server))
        }
    }
}
