//! Redis Lua scripts, checked when you `cargo build`.
//!
//! Write the Lua inside a Rust function; `#[redis_script]` parses it as Lua 5.1
//! (what Redis embeds), rejects the mistakes that otherwise surface in production,
//! and turns the function into a typed call with SHA caching and `NOSCRIPT` recovery.
//!
//! ```
//! use scripts::redis_script;
//!
//! /// Moves `amount` between balances; -1 when funds are short.
//! #[redis_script]
//! async fn transfer(
//!     con: &mut impl scripts::AsyncConnection,
//!     #[key] from: &str,
//!     #[key] to: &str,
//!     amount: i64,
//! ) -> scripts::Result<i64> {
//!     r#"
//!     local from = tonumber(redis.call('GET', KEYS[1]) or '0')
//!     local amount = tonumber(ARGV[1])
//!     if from < amount then return -1 end
//!     -- ARGV[1] itself: Redis parses it exactly, `tonumber` would round past 2^53
//!     redis.call('DECRBY', KEYS[1], ARGV[1])
//!     redis.call('INCRBY', KEYS[2], ARGV[1])
//!     return 1
//!     "#
//! }
//!
//! # #[tokio::main(flavor = "current_thread")]
//! # async fn main() -> Result<(), Box<dyn std::error::Error>> {
//! # let server = scripts_tests::RedisServer::start();
//! let client = scripts::redis::Client::open(server.url())?;
//! let mut con = client.get_multiplexed_async_connection().await?;
//! # let _: () = scripts::redis::cmd("SET").arg("balance:{alice}").arg(80).query_async(&mut con).await?;
//!
//! // the signature you wrote is the signature you call
//! assert_eq!(transfer(&mut con, "balance:{alice}", "balance:{bob}", 50).await?, 1);
//! assert_eq!(transfer(&mut con, "balance:{alice}", "balance:{bob}", 50).await?, -1);
//!
//! // the companion module describes the script
//! assert_eq!(transfer::SCRIPT.key_count(), 2);
//! assert_eq!(transfer::SCRIPT.sha1().len(), 40);
//! # Ok(())
//! # }
//! ```
//!
//! # The attribute
//!
//! - The body is one string literal (raw or not): the Lua. With
//!   `#[redis_script(file = "lua/name.lua")]` and an empty body, the script is read
//!   from that file, relative to the crate root, and the build re-runs when it changes.
//! - The first parameter is the connection: `&mut impl scripts::AsyncConnection` for an
//!   `async fn`, `&mut impl scripts::Connection` for a blocking `fn`.
//! - `#[key]` parameters fill `KEYS` in order; the others fill `ARGV` in order. The
//!   last key parameter and the last argument parameter may be slices (`&[&str]`,
//!   `&[String]`, `Vec<i64>`, ...), which spread into several entries. An argument
//!   may be [`Json<T>`](Json) (JSON text, for `cjson.decode(ARGV[n])`).
//! - `#[key(prefix)]` declares a key the script builds other keys from by appending
//!   (`KEYS[1] .. 'job:' .. id`): the checker accepts those keys, and each call refuses
//!   a value without a non-empty hash tag ([`Error::UntaggedPrefix`]) before sending,
//!   so every built key stays in the prefix's cluster slot.
//!   `#[key(prefix, allow_untagged)]` accepts untagged values on a single server.
//! - `#[arg(prefix)]` declares an argument the script builds keys from (BullMQ's
//!   `ARGV[3] .. jobId`): those keys are not in `KEYS`, so before sending each call
//!   refuses a value without a hash tag ([`Error::UntaggedPrefix`]) and, on a cluster, a
//!   value whose slot is not the slot of the call's keys ([`Error::CrossSlot`]); a
//!   script whose only keys come from such a prefix is routed by its slot. The
//!   generated function's `# Keys` docs list the keys the script builds this way.
//!   Dragonfly and Kvrocks run such scripts only with their undeclared-keys option.
//! - `#[redis_script(min_version = "7.4")]` declares the oldest server the script must
//!   run on (`"7.0"` by default): commands it lacks or refuses in scripts are errors.
//! - The return type is `scripts::Result<T>` for any `T: FromRedisValue`; a script
//!   that returns `cjson.encode(...)` can be decoded with [`Json<T>`](Json).
//! - A module of the same name holds the descriptor: `name::SCRIPT` ([`Script`]).
//!
//! [`redis_script`] documents every option.
//!
//! # Blocking, async and pipelines from one definition
//!
//! Whichever way a script is declared, its module has the other: `name::blocking(&mut
//! con, ...)` on a blocking `redis::Connection`, `name::nonblocking(&mut con,
//! ...).await` on an async one, and `name::pipe(&mut pipe, ...)` to add the call to a
//! pipeline or a `MULTI`/`EXEC` transaction:
//!
//! ```
//! # use scripts::redis_script;
//! #[redis_script]
//! async fn bump(con: &mut impl scripts::AsyncConnection, #[key] counter: &str) -> scripts::Result<i64> {
//!     "return redis.call('INCR', KEYS[1])"
//! }
//!
//! # let server = scripts_tests::RedisServer::start();
//! let client = scripts::redis::Client::open(server.url())?;
//! let mut con = client.get_connection()?; // blocking
//! assert_eq!(bump::blocking(&mut con, "hits")?, 1);
//!
//! let mut pipe = scripts::redis::pipe();
//! pipe.atomic();
//! bump::pipe(&mut pipe, "hits")?;
//! bump::pipe(&mut pipe, "hits")?;
//! let (a, b): (i64, i64) = pipe.query(&mut con)?;
//! assert_eq!((a, b), (2, 3));
//! # Ok::<(), Box<dyn std::error::Error>>(())
//! ```
//!
//! # Scripts in an `impl` block
//!
//! With `#[redis_script]` on the block and on each script function in it, scripts
//! are associated functions (`Repo::transfer(&mut con, ...)`), and each one's
//! companion is an associated const in capitals: `Repo::TRANSFER.sha1()`,
//! `Repo::TRANSFER.pipe(&mut pipe, ...)`, `Repo::TRANSFER.blocking(&mut con, ...)`.
//!
//! # Crate-wide settings: `scripts.toml`
//!
//! A `scripts.toml` next to `Cargo.toml` sets lint levels and the oldest server for
//! every script of the crate; a script's own options override it, and editing the
//! file rebuilds the crate:
//!
//! ```toml
//! min_version = "7.2"     # "7.0" (default), "7.2", "7.4" or "valkey-8.0"
//! always_warn = true      # see "Warnings" below
//!
//! [lints]
//! dynamic_command = "allow"
//! unused_key = "deny"
//! ```
//!
//! # Warnings
//!
//! Stable Rust lets a macro raise errors but not warnings, so warn-level findings
//! borrow rustc's `deprecated` lint: they read ``warning: use of deprecated macro
//! `unused_key`: key `unused` (`KEYS[2]`) is never read by the script``, at the
//! script or parameter. Being that lint, they obey its level: a crate-level
//! `#![allow(deprecated)]` hides them. Set `always_warn = true` in `scripts.toml` to
//! keep them (each then notes the `#[redis_script]` that re-enables the lint), or make
//! the lints you care about errors (`unused_key = "deny"`). `-D warnings` turns them
//! into errors like any warning.
//!
//! # The `redis` crate
//!
//! `scripts::redis` is the redis-rs this crate runs on, with its usual features on
//! (`script`, `streams`, `geospatial`, `acl`; feature `redis-defaults`). For more
//! (`tls-rustls`, `json`, `num-bigint`, `sentinel`, ...), add redis to your own
//! `Cargo.toml` with the same version and those features: Cargo unifies both into one
//! copy, which `scripts::redis` then is.
//!
//! ```toml
//! [dependencies]
//! scripts = "0.1"
//! redis = { version = "1.8", default-features = false, features = ["tokio-rustls-comp"] }
//! ```
//!
//! # At run time
//!
//! Each call sends `EVALSHA` with the SHA1 computed at compile time. If the server
//! answers its own `NOSCRIPT` reply (restart, failover, `SCRIPT FLUSH`), the call sends
//! `EVAL` once, which also caches the script, and returns that reply.
//!
//! A call is sent **at most once**: once its request may have reached a server it is
//! never sent again, by this crate or by redis-rs under it; only the server's own
//! refusals (`NOSCRIPT`, and in a cluster `MOVED`, `ASK`, `TRYAGAIN`) lead to another
//! attempt. Errors are [`Error`], which names the script, gives the Rust line of a
//! failing Lua line, and says whether the script ran ([`Error::ran`]: [`Ran::Yes`],
//! [`Ran::No`], or [`Ran::Unknown`] when a reply was lost or timed out). A call waits
//! for its reply as long as its connection's response timeout allows (500 ms by
//! default for redis-rs's async connections: raise it above your slowest script).
//!
//! On Redis Cluster (feature `cluster`), use `scripts::cluster::AsyncClusterConnection` or the
//! blocking `scripts::cluster::ClusterConnection`: redis-rs's own cluster connections re-send
//! requests after a lost reply, so scripts do not accept them.

pub use scripts_macro::{redis_library, redis_script};
#[cfg(feature = "json")]
pub use scripts_runtime::Json;
#[cfg(feature = "cluster")]
pub use scripts_runtime::cluster;
pub use scripts_runtime::{
    Arg, AsyncConnection, Call, Connection, Error, Function, Key, Library, Location, PrefixArg, PrefixKey, Ran,
    Redirect, Result, Script, ScriptError, has_hash_tag, key_slot, libraries, load_all, load_all_blocking, redis,
    scripts,
};

/// Throwaway `redis-server` processes and 3-primary clusters for your own tests
/// (feature `testing`; clusters also need `cluster`).
///
/// ```
/// # use scripts::redis_script;
/// #[redis_script]
/// fn bump(con: &mut impl scripts::Connection, #[key] counter: &str) -> scripts::Result<i64> {
///     "return redis.call('INCR', KEYS[1])"
/// }
///
/// let server = scripts::testing::RedisServer::start(); // killed when dropped
/// let mut con = server.connection();
/// assert_eq!(bump(&mut con, "hits")?, 1);
/// assert_eq!(bump(&mut con, "hits")?, 2);
/// // `INFO commandstats` of this server alone: one EVALSHA missed, one EVAL cached it
/// assert_eq!((server.calls("evalsha"), server.calls("eval")), (2, 1));
/// # Ok::<(), scripts::Error>(())
/// ```
#[cfg(feature = "testing")]
pub use scripts_runtime::testing;

/// The README's Rust examples are doctests: the first one is compiled as written
/// (`no_run`: it talks to the server you run), the fragments after it are `ignore`d.
#[cfg(doctest)]
#[doc = include_str!("../README.md")]
struct ReadmeDoctests;

/// Used by the code `#[redis_script]` generates; not a public API.
#[doc(hidden)]
pub mod __private {
    pub use scripts_runtime::{Call, Library, Location, PrefixArg, PrefixKey, Registered, Script, inventory};
}
