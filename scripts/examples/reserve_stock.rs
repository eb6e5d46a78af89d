//! A bulk conditional update over a variadic key slice: reserve `quantity` of
//! every item in an order, or none at all.
//!
//! `cargo run --example reserve_stock` (starts its own redis-server unless `REDIS_URL` is set).

use scripts::redis::aio::MultiplexedConnection;
use scripts::redis_script;

/// Takes `quantity` from every stock counter in `items` if each has enough;
/// returns 1 when reserved, 0 (and changes nothing) when any item is short.
#[redis_script]
pub(crate) async fn reserve_stock(
    con: &mut impl scripts::AsyncConnection,
    #[key] items: &[&str],
    quantity: i64,
) -> scripts::Result<i64> {
    r#"
    local quantity = tonumber(ARGV[1])
    for _, item in ipairs(KEYS) do
        if tonumber(redis.call('GET', item) or '0') < quantity then
            return 0
        end
    end
    for _, item in ipairs(KEYS) do
        redis.call('DECRBY', item, ARGV[1])
    end
    return 1
    "#
}

/// Walks through the pattern, checking each step.
pub(crate) async fn demo(con: &mut MultiplexedConnection) -> Result<(), Box<dyn std::error::Error>> {
    let items = ["stock:{demo}:apple", "stock:{demo}:pear", "stock:{demo}:plum"];
    let () = scripts::redis::cmd("MSET")
        .arg(&[items[0], "5", items[1], "5", items[2], "1"])
        .query_async(con)
        .await?;
    let all = reserve_stock(con, &items[..2], 2).await?;
    println!("reserve 2 apples and 2 pears: {all}");
    assert_eq!(all, 1);
    let short = reserve_stock(con, &items, 2).await?;
    println!("reserve 2 of each with only 1 plum left: {short}");
    assert_eq!(short, 0);
    let left: Vec<i64> = scripts::redis::cmd("MGET").arg(&items).query_async(con).await?;
    println!("stock left: {left:?}");
    assert_eq!(left, [3, 3, 1]);
    Ok(())
}

#[allow(dead_code)]
#[tokio::main(flavor = "current_thread")]
async fn main() -> Result<(), Box<dyn std::error::Error>> {
    let (mut con, _server) = scripts_tests::demo_connection().await?;
    demo(&mut con).await
}
