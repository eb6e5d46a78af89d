//! A script that returns a JSON document (`cjson.encode`), decoded into a struct.
//!
//! `cargo run --example json_summary` (starts its own redis-server unless `REDIS_URL` is set).

use scripts::redis::aio::MultiplexedConnection;
use scripts::{Json, redis_script};
use serde::Deserialize;

/// What [`account_summary`] returns.
#[derive(Debug, Deserialize, PartialEq, Eq)]
pub(crate) struct Summary {
    /// Current balance.
    pub(crate) balance: i64,
    /// Number of entries in the history list.
    pub(crate) entries: i64,
    /// The newest history entry, if any.
    pub(crate) last: Option<String>,
}

/// Reads a balance and its history list in one atomic step.
#[redis_script]
pub(crate) async fn account_summary(
    con: &mut impl scripts::AsyncConnection,
    #[key] balance: &str,
    #[key] history: &str,
) -> scripts::Result<Json<Summary>> {
    r#"
    local entries = redis.call('LRANGE', KEYS[2], 0, -1)
    return cjson.encode({
        balance = tonumber(redis.call('GET', KEYS[1]) or '0'),
        entries = #entries,
        last = entries[1] or cjson.null,
    })
    "#
}

/// Walks through the pattern, checking each step.
pub(crate) async fn demo(con: &mut MultiplexedConnection) -> Result<(), Box<dyn std::error::Error>> {
    let () = scripts::redis::cmd("SET")
        .arg("account:{demo}:balance")
        .arg(42)
        .query_async(con)
        .await?;
    let _: i64 = scripts::redis::cmd("LPUSH")
        .arg("account:{demo}:history")
        .arg(&["deposit 40", "deposit 2"])
        .query_async(con)
        .await?;
    let Json(summary) = account_summary(con, "account:{demo}:balance", "account:{demo}:history").await?;
    println!("{summary:?}");
    assert_eq!(
        summary,
        Summary {
            balance: 42,
            entries: 2,
            last: Some("deposit 2".into())
        }
    );
    Ok(())
}

#[allow(dead_code)]
#[tokio::main(flavor = "current_thread")]
async fn main() -> Result<(), Box<dyn std::error::Error>> {
    let (mut con, _server) = scripts_tests::demo_connection().await?;
    demo(&mut con).await
}
