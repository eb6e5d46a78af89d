//! One definition, every way to call it: the declared kind, the other kind through
//! the companion (`blocking` / `nonblocking`), pipelines; `Json<T>` arguments and
//! `impl AsRef<str>` keys.

use scripts::redis_script;

#[redis_script]
async fn bump(con: &mut impl scripts::AsyncConnection, #[key] counter: impl AsRef<str>) -> scripts::Result<i64> {
    "return redis.call('INCR', KEYS[1])"
}

#[derive(serde::Serialize)]
struct Order {
    id: u64,
    items: Vec<String>,
}

#[redis_script]
fn place(con: &mut impl scripts::Connection, #[key] orders: &str, order: scripts::Json<&Order>) -> scripts::Result<i64> {
    r#"
    local order = cjson.decode(ARGV[1])
    return redis.call('HSET', KEYS[1], order.id, ARGV[1])
    "#
}

#[allow(dead_code)]
async fn calls(
    con: &mut scripts::redis::aio::MultiplexedConnection,
    sync: &mut scripts::redis::Connection,
) -> scripts::Result<()> {
    let _: i64 = bump(con, "hits").await?;
    let _: i64 = bump::blocking(sync, String::from("hits"))?;
    let _: i64 = bump::nonblocking(con, "hits").await?;
    let order = Order { id: 1, items: vec!["a".into()] };
    let _: i64 = place(sync, "orders", scripts::Json(&order))?;
    let _: i64 = place::nonblocking(con, "orders", scripts::Json(&order)).await?;
    let mut pipe = scripts::redis::pipe();
    place::pipe(&mut pipe, "orders", scripts::Json(&order))?;
    Ok(())
}

fn main() {}
