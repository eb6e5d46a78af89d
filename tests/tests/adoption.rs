//! What a new user reaches for first, against a real redis-server: one definition
//! called blocking, async and in a pipeline; scripts in an `impl` block; `Json<T>`
//! arguments; `impl AsRef<str>` keys; errors that name types as they are written.

use std::collections::HashMap;

use scripts::{Error, Json, redis_script};
use scripts_tests::RedisServer;
use serde::{Deserialize, Serialize};

#[redis_script]
async fn bump(con: &mut impl scripts::AsyncConnection, #[key] counter: impl AsRef<str>) -> scripts::Result<i64> {
    "return redis.call('INCR', KEYS[1])"
}

#[redis_script]
fn bump_blocking(con: &mut impl scripts::Connection, #[key] counter: &str) -> scripts::Result<i64> {
    "return redis.call('INCR', KEYS[1])"
}

#[derive(Debug, PartialEq, Serialize, Deserialize)]
struct Order {
    id: u64,
    items: Vec<String>,
    total: f64,
}

/// Stores an order given as JSON and returns it as the script decoded it.
#[redis_script]
async fn place(
    con: &mut impl scripts::AsyncConnection,
    #[key] orders: &str,
    order: Json<&Order>,
) -> scripts::Result<Json<Order>> {
    r#"
    local order = cjson.decode(ARGV[1])
    redis.call('HSET', KEYS[1], tostring(order.id), ARGV[1])
    return cjson.encode(order)
    "#
}

/// A team's scripts on one type.
pub struct Accounts;

#[redis_script]
impl Accounts {
    /// Moves `amount` from one balance to another; -1 when funds are short.
    #[redis_script]
    pub async fn transfer(
        con: &mut impl scripts::AsyncConnection,
        #[key] from: &str,
        #[key] to: &str,
        amount: i64,
    ) -> scripts::Result<i64> {
        r#"
        local from = tonumber(redis.call('GET', KEYS[1]) or '0')
        if from < tonumber(ARGV[1]) then return -1 end
        redis.call('DECRBY', KEYS[1], ARGV[1])
        redis.call('INCRBY', KEYS[2], ARGV[1])
        return 1
        "#
    }

    #[redis_script(read_only)]
    pub fn balance(con: &mut impl scripts::Connection, #[key] account: &str) -> scripts::Result<i64> {
        "return tonumber(redis.call('GET', KEYS[1]) or '0')"
    }
}

#[tokio::test]
async fn one_definition_runs_blocking_async_and_in_pipelines() {
    let server = RedisServer::start();
    let client = server.client();
    let mut con = client.get_multiplexed_async_connection().await.unwrap();
    let mut sync = client.get_connection().unwrap();

    assert_eq!(bump(&mut con, String::from("hits")).await.unwrap(), 1);
    assert_eq!(bump::blocking(&mut sync, "hits").unwrap(), 2);
    assert_eq!(bump_blocking::nonblocking(&mut con, "hits").await.unwrap(), 3);
    assert_eq!(bump_blocking(&mut sync, "hits").unwrap(), 4);

    let mut pipe = scripts::redis::pipe();
    pipe.atomic();
    bump::pipe(&mut pipe, "hits").unwrap();
    bump_blocking::pipe(&mut pipe, "hits").unwrap();
    let (a, b): (i64, i64) = pipe.query_async(&mut con).await.unwrap();
    assert_eq!((a, b), (5, 6));
}

#[tokio::test]
async fn scripts_in_an_impl_block_run_and_expose_their_descriptor() {
    let server = RedisServer::start();
    let client = server.client();
    let mut con = client.get_multiplexed_async_connection().await.unwrap();
    let mut sync = client.get_connection().unwrap();
    let () = scripts::redis::cmd("SET")
        .arg("bal:{a}")
        .arg(10)
        .query_async(&mut con)
        .await
        .unwrap();

    assert_eq!(Accounts::transfer(&mut con, "bal:{a}", "bal:{b}", 4).await.unwrap(), 1);
    assert_eq!(
        Accounts::TRANSFER.blocking(&mut sync, "bal:{a}", "bal:{b}", 4).unwrap(),
        1
    );
    assert_eq!(Accounts::balance(&mut sync, "bal:{b}").unwrap(), 8);
    assert_eq!(Accounts::BALANCE.nonblocking(&mut con, "bal:{a}").await.unwrap(), 2);

    let mut pipe = scripts::redis::pipe();
    Accounts::TRANSFER.pipe(&mut pipe, "bal:{a}", "bal:{b}", 5).unwrap();
    let (short,): (i64,) = pipe.query_async(&mut con).await.unwrap();
    assert_eq!(short, -1);

    assert_eq!(Accounts::TRANSFER.name(), "transfer");
    assert_eq!(Accounts::TRANSFER.key_count(), 2);
    assert!(Accounts::BALANCE.read_only());
    assert!(!Accounts::TRANSFER.read_only());
    // the descriptor is registered like a free function's: preloading covers it
    assert!(scripts::scripts().any(|s| std::ptr::eq(s, &*Accounts::TRANSFER)));
    let location = Accounts::TRANSFER.location();
    assert!(location.is_known());
    assert!(location.file.ends_with("adoption.rs"), "{location}");
}

#[tokio::test]
async fn json_arguments_reach_cjson_decode() {
    let server = RedisServer::start();
    let mut con = server.client().get_multiplexed_async_connection().await.unwrap();
    let order = Order {
        id: 7,
        items: vec!["tea".into(), "cup \"large\"".into()],
        total: 12.5,
    };
    let Json(back) = place(&mut con, "orders", Json(&order)).await.unwrap();
    assert_eq!(back, order);
    let stored: String = scripts::redis::cmd("HGET")
        .arg("orders")
        .arg("7")
        .query_async(&mut con)
        .await
        .unwrap();
    assert_eq!(serde_json::from_str::<Order>(&stored).unwrap(), order);
}

#[test]
#[should_panic(expected = "cannot be encoded as JSON")]
fn a_json_argument_that_cannot_be_encoded_panics_with_its_type() {
    use scripts::redis::ToRedisArgs;
    let map: HashMap<(u8, u8), i64> = HashMap::from([((1, 2), 3)]);
    let _ = Json(map).to_redis_args();
}

#[tokio::test]
async fn reply_errors_name_the_type_as_written() {
    let server = RedisServer::start();
    let mut con = server.client().get_multiplexed_async_connection().await.unwrap();

    #[redis_script]
    async fn as_json(con: &mut impl scripts::AsyncConnection, #[key] key: &str) -> scripts::Result<Json<Vec<Order>>> {
        "return redis.call('GET', KEYS[1]) or 'not json'"
    }
    let error = as_json(&mut con, "missing").await.unwrap_err();
    assert!(matches!(error, Error::Reply { .. }));
    let message = error.to_string();
    assert!(message.contains("does not decode into `Json<Vec<Order>>`"), "{message}");
    assert!(!message.contains("scripts_runtime::"), "{message}");
}
