//! Scripts as associated functions: `#[redis_script]` on the `impl` block and on each
//! script function; the companion is an associated const in capitals.

use scripts::redis_script;

pub struct Repo;

#[redis_script]
impl Repo {
    /// Moves `amount` between balances.
    #[redis_script]
    pub async fn transfer(
        con: &mut impl scripts::AsyncConnection,
        #[key] from: &str,
        #[key] to: &str,
        amount: i64,
    ) -> scripts::Result<i64> {
        r#"
        redis.call('DECRBY', KEYS[1], ARGV[1])
        return redis.call('INCRBY', KEYS[2], ARGV[1])
        "#
    }

    #[scripts::redis_script(read_only)]
    fn peek(con: &mut impl scripts::Connection, #[key] key: impl AsRef<str>) -> scripts::Result<Option<String>> {
        "return redis.call('GET', KEYS[1])"
    }

    /// Ordinary items of the block are left as they are.
    pub fn new() -> Self {
        Repo
    }
}

pub struct Generic<T>(pub T);

#[redis_script]
impl<T> Generic<T> {
    #[redis_script]
    pub fn get(con: &mut impl scripts::Connection, #[key] key: &str) -> scripts::Result<Option<String>> {
        "return redis.call('GET', KEYS[1])"
    }
}

#[allow(dead_code)]
async fn calls(
    con: &mut scripts::redis::aio::MultiplexedConnection,
    sync: &mut scripts::redis::Connection,
) -> scripts::Result<()> {
    let _: i64 = Repo::transfer(con, "a{x}", "b{x}", 5).await?;
    let _: i64 = Repo::TRANSFER.blocking(sync, "a{x}", "b{x}", 5)?;
    let _: i64 = Repo::TRANSFER.nonblocking(con, "a{x}", "b{x}", 5).await?;
    let _: Option<String> = Repo::peek(sync, String::from("k"))?;
    let _: Option<String> = Repo::PEEK.nonblocking(con, "k").await?;
    assert_eq!(Repo::TRANSFER.key_count(), 2);
    assert!(Repo::PEEK.read_only());
    let mut pipe = scripts::redis::pipe();
    Repo::TRANSFER.pipe(&mut pipe, "a{x}", "b{x}", 1)?;
    let _call: scripts::Call<'static> = Repo::PEEK.call("k");
    let _: Option<String> = Generic::<u8>::get(sync, "k")?;
    let _: &str = Generic::<u8>::GET.sha1();
    let _ = Repo::new();
    Ok(())
}

fn main() {}
