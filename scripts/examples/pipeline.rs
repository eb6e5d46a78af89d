//! Script calls in a pipeline and in a MULTI/EXEC transaction.
//!
//! `cargo run --example pipeline` (starts its own redis-server unless `REDIS_URL` is set).
//!
//! `name::pipe(&mut pipeline, ...)` adds the call as `EVAL`, so it works even when
//! the server has not cached the script (a pipeline cannot recover from `NOSCRIPT`
//! halfway). After `scripts::load_all`, `name::call(...).add_loaded_to(&mut pipe)`
//! sends the shorter `EVALSHA`.

use scripts::redis::{self, aio::MultiplexedConnection};
use scripts::redis_script;

/// Adds `points` to a player's score and to the team total; the new score.
#[redis_script]
pub(crate) async fn score(
    con: &mut impl scripts::AsyncConnection,
    #[key] player: &str,
    #[key] team: &str,
    points: i64,
) -> scripts::Result<i64> {
    r#"
    redis.call('INCRBY', KEYS[2], ARGV[1])
    return redis.call('INCRBY', KEYS[1], ARGV[1])
    "#
}

/// Walks through the pattern, checking each step.
pub(crate) async fn demo(con: &mut MultiplexedConnection) -> Result<(), Box<dyn std::error::Error>> {
    let () = redis::cmd("SCRIPT").arg("FLUSH").query_async(con).await?;

    // a plain pipeline: one round trip, script not cached yet
    let mut pipe = redis::pipe();
    score::pipe(&mut pipe, "score:{red}:ann", "score:{red}:team", 10)?;
    score::pipe(&mut pipe, "score:{red}:bob", "score:{red}:team", 5)?;
    pipe.get("score:{red}:team");
    let (ann, bob, team): (i64, i64, i64) = pipe.query_async(con).await?;
    println!("pipeline: ann {ann}, bob {bob}, team {team}");
    assert_eq!((ann, bob, team), (10, 5, 15));

    // a transaction: all or nothing, in order
    let mut tx = redis::pipe();
    tx.atomic();
    score::pipe(&mut tx, "score:{red}:ann", "score:{red}:team", 1)?;
    tx.incr("score:{red}:rounds", 1);
    let (ann, rounds): (i64, i64) = tx.query_async(con).await?;
    println!("transaction: ann {ann}, rounds {rounds}");
    assert_eq!((ann, rounds), (11, 1));

    // after load_all, EVALSHA in pipelines is safe and shorter
    scripts::load_all(con).await?;
    let mut pipe = redis::pipe();
    score::call("score:{red}:bob", "score:{red}:team", 2).add_loaded_to(&mut pipe)?;
    let (bob,): (i64,) = pipe.query_async(con).await?;
    println!("after load_all, EVALSHA in a pipeline: bob {bob}");
    assert_eq!(bob, 7);
    Ok(())
}

#[allow(dead_code)]
#[tokio::main(flavor = "current_thread")]
async fn main() -> Result<(), Box<dyn std::error::Error>> {
    let (mut con, _server) = scripts_tests::demo_connection().await?;
    demo(&mut con).await
}
