//! Every supported signature form compiles, keeps its docs and visibility, and
//! exposes the companion module.

use scripts::redis::aio::MultiplexedConnection;
use scripts::{Json, redis_script};

/// Async, generic connection, keys and args.
#[redis_script]
pub async fn transfer(
    con: &mut impl scripts::AsyncConnection,
    #[key] from: &str,
    #[key] to: &str,
    amount: i64,
) -> scripts::Result<i64> {
    r#"
    local from = tonumber(redis.call('GET', KEYS[1]) or '0')
    local amount = tonumber(ARGV[1])
    if from < amount then return -1 end
    redis.call('DECRBY', KEYS[1], ARGV[1])
    redis.call('INCRBY', KEYS[2], ARGV[1])
    return 1
    "#
}

/// Blocking, owned key and several argument types.
#[redis_script]
pub(crate) fn set_with_ttl(
    con: &mut impl scripts::Connection,
    #[key] key: String,
    value: &[u8],
    ttl: u32,
    flag: bool,
    ratio: f64,
) -> scripts::Result<()> {
    "redis.call('SET', KEYS[1], ARGV[1], 'EX', ARGV[2]) return redis.status_reply(ARGV[3] .. ARGV[4])"
}

/// A concrete connection type, no keys, a slice of args.
#[redis_script]
async fn sum(con: &mut MultiplexedConnection, numbers: &[i64]) -> scripts::Result<i64> {
    r#"
    local total = 0
    for i = 1, #ARGV do total = total + tonumber(ARGV[i]) end
    return total
    "#
}

/// Key slices in the three spellings.
#[redis_script]
async fn count_a(con: &mut impl scripts::AsyncConnection, #[key] keys: &[&str]) -> scripts::Result<i64> {
    "return #KEYS"
}
#[redis_script]
async fn count_b(con: &mut impl scripts::AsyncConnection, #[key] keys: Vec<String>) -> scripts::Result<i64> {
    "return #KEYS"
}
#[redis_script]
async fn count_c(con: &mut impl scripts::AsyncConnection, #[key] first: &[u8], #[key] keys: &Vec<Vec<u8>>) -> scripts::Result<i64> {
    "return #KEYS"
}

#[derive(serde::Deserialize)]
struct Stock {
    count: i64,
}

/// A JSON reply and other return types.
#[redis_script]
async fn stock(con: &mut impl scripts::AsyncConnection, #[key] item: &str) -> scripts::Result<Json<Stock>> {
    "return cjson.encode({ count = tonumber(redis.call('GET', KEYS[1]) or '0') })"
}
#[redis_script]
async fn members(con: &mut impl scripts::AsyncConnection, #[key] set: &str) -> scripts::Result<Vec<String>> {
    "return redis.call('SMEMBERS', KEYS[1])"
}
#[redis_script]
async fn maybe(con: &mut impl scripts::AsyncConnection, #[key] key: &str) -> scripts::Result<Option<String>> {
    "return redis.call('GET', KEYS[1])"
}
#[redis_script]
async fn raw(con: &mut impl scripts::AsyncConnection) -> scripts::Result<scripts::redis::Value> {
    "return {1, 'two', {3}}"
}

mod nested {
    use scripts::redis_script;

    /// Visible outside its module.
    #[redis_script]
    pub async fn ping(con: &mut impl scripts::AsyncConnection) -> scripts::Result<String> {
        "return redis.call('PING')"
    }
}

fn assert_send<T: Send>(_: T) {}

async fn call_all(con: &mut MultiplexedConnection, sync: &mut scripts::redis::Connection) -> scripts::Result<()> {
    let _: i64 = transfer(con, "a", "b", 1).await?;
    set_with_ttl(sync, "k".to_string(), b"v", 10, true, 0.5)?;
    let _: i64 = sum(con, &[1, 2, 3]).await?;
    let _ = count_a(con, &["a", "b"]).await? + count_b(con, vec!["c".into()]).await? + count_c(con, b"x", &vec![b"y".to_vec()]).await?;
    let Json(Stock { count }) = stock(con, "s").await?;
    let _: Vec<String> = members(con, "m").await?;
    let _: Option<String> = maybe(con, "k").await?;
    let _ = (count, raw(con).await?, nested::ping(con).await?);
    Ok(())
}

fn main() {
    assert_eq!(transfer::SCRIPT.name(), "transfer");
    assert_eq!(transfer::SCRIPT.key_count(), 2);
    assert_eq!(transfer::SCRIPT.arg_count(), 1);
    assert_eq!(sum::SCRIPT.key_count(), 0);
    assert!(sum::SCRIPT.variadic_args());
    assert!(count_c::SCRIPT.variadic_keys() && count_c::SCRIPT.key_count() == 1);
    assert_eq!(set_with_ttl::SCRIPT.arg_count(), 4);
    assert_eq!(nested::ping::SCRIPT.sha1().len(), 40);
    assert!(transfer::SCRIPT.location().file.ends_with("async_and_blocking.rs"));
    let _ = call_all;
    // generated futures are Send, so they can be spawned
    let client = scripts::redis::Client::open("redis://127.0.0.1:1/").unwrap();
    let _ = move || {
        assert_send(async move {
            let mut con = client.get_multiplexed_async_connection().await.unwrap();
            transfer(&mut con, "a", "b", 1).await
        })
    };
}
