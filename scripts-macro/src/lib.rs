//! Implementation detail of the [`scripts`](https://docs.rs/scripts) crate: the
//! `#[redis_script]` and `#[redis_library]` attributes. Depend on `scripts` instead; this crate's API is
//! not semver-stable.
//!
//! Phases, one file each: `parse` (syn item and options), `config` (the crate's
//! `scripts.toml`) and `signature` come from `scripts-decl`, which the language server
//! shares -> `scripts_lint::check` (`diag`) -> `expand`, with
//! `fallback` emitting the declared function when anything fails so call sites and
//! IDE completion keep working; `impl_block` for scripts in an `impl`; `library` for
//! `#[redis_library]` (`scripts_lint::check_library`). `codegen` is the quoting
//! toolbox they share and `errors` the errors they gather: leaves, importing none of
//! the phases.

mod cache;
mod codegen;
mod diag;
mod expand;
mod fallback;
mod impl_block;
mod library;
mod literal;
#[cfg(test)]
mod tests;

use std::path::PathBuf;

use proc_macro::TokenStream;
// a declaration is read by the crate the language server shares, so the two read it alike
use scripts_decl::{config, errors, parse, signature};

/// The crate being compiled: `file = ...` and `scripts.toml` are relative to it.
fn crate_root() -> PathBuf {
    std::env::var_os("CARGO_MANIFEST_DIR")
        .map(PathBuf::from)
        .unwrap_or_default()
}

/// The crate's `scripts.toml` (or the file `SCRIPTS_TOML` names); problems go into `errors`.
fn load_config(errors: &mut errors::Errors) -> config::Config {
    let env = std::env::var(config::ENV).ok();
    config::Config::load(&crate_root(), env.as_deref(), errors)
}

/// Checks a Redis Lua script at compile time and turns the function holding it into a
/// typed call.
///
/// ```
/// use scripts::redis_script;
///
/// /// Takes `n` tokens; the tokens left, or -1 when there are too few.
/// #[redis_script]
/// async fn take(
///     con: &mut impl scripts::AsyncConnection, // first: the connection
///     #[key] bucket: &str,                     // KEYS[1]
///     n: i64,                                  // ARGV[1]
/// ) -> scripts::Result<i64> {
///     r#"
///     local left = tonumber(redis.call('GET', KEYS[1]) or '10')
///     local n = tonumber(ARGV[1])
///     if left < n then return -1 end
///     redis.call('SET', KEYS[1], left - n)
///     return left - n
///     "#
/// }
///
/// # #[tokio::main(flavor = "current_thread")]
/// # async fn main() -> Result<(), Box<dyn std::error::Error>> {
/// # let server = scripts_tests::RedisServer::start();
/// # let url = server.url();
/// let client = scripts::redis::Client::open(url)?; // e.g. "redis://127.0.0.1/"
/// let mut con = client.get_multiplexed_async_connection().await?;
/// assert_eq!(take(&mut con, "bucket:{api}", 3).await?, 7);
///
/// // the same script on a blocking connection, and in a pipeline
/// let mut sync_con = client.get_connection()?;
/// assert_eq!(take::blocking(&mut sync_con, "bucket:{api}", 3)?, 4);
/// let mut pipe = scripts::redis::pipe();
/// take::pipe(&mut pipe, "bucket:{api}", 1)?;
/// let (left,): (i64,) = pipe.query_async(&mut con).await?;
/// assert_eq!(left, 3);
/// # Ok(())
/// # }
/// ```
///
/// # The function
///
/// - The body is one string literal holding the Lua (raw or not). With
///   `file = "lua/take.lua"` and an empty body, the Lua is read from that file,
///   relative to the crate root; editing it rebuilds the crate.
/// - The first parameter is the connection: `&mut impl scripts::AsyncConnection` for
///   an `async fn`, `&mut impl scripts::Connection` for a blocking `fn`.
/// - `#[key]` parameters fill `KEYS` in order, the others fill `ARGV` in order. Keys
///   are `&str`, `String`, `&[u8]`, `Vec<u8>`, `impl AsRef<str>` or a type implementing
///   `scripts::Key`; arguments are anything redis-rs writes as one value (text, bytes,
///   numbers, bools) or `scripts::Json<T>` (JSON text, for `cjson.decode`). The last
///   key parameter and the last argument parameter may be slices (`&[&str]`, `Vec<i64>`),
///   which spread into several entries.
/// - `#[key(prefix)]` declares a key the script builds other keys from
///   (`KEYS[1] .. 'job:' .. id`); the value must carry a hash tag (`jobs:{orders}:`),
///   checked before sending. `#[key(prefix, allow_untagged)]` accepts an untagged value
///   on a single server.
/// - The return type is `scripts::Result<T>` for any `T: FromRedisValue`, or
///   `scripts::Json<T>` for a script returning `cjson.encode(...)`.
///
/// The generated function keeps the signature you wrote. Its docs gain a `# Keys`
/// section, since `#[key]` no longer shows.
///
/// # The companion
///
/// A free function gets a module of the same name: `take::SCRIPT` (source, SHA1
/// computed at compile time, counts, location), `take::blocking(&mut con, ...)` and
/// `take::nonblocking(&mut con, ...).await` (the same call on the other kind of
/// connection, whichever the function was declared as), `take::pipe(&mut pipe, ...)`
/// (adds the call to a pipeline or transaction) and `take::call(...)` (the call,
/// built but not sent).
///
/// # In an `impl` block
///
/// Put `#[redis_script]` on the block as well as on each script function of it. Each
/// script is then an associated function, and its companion an associated const
/// named after it in capitals, which derefs to the descriptor and has the same
/// helpers as methods:
///
/// ```
/// use scripts::redis_script;
///
/// struct Accounts;
///
/// #[redis_script]
/// impl Accounts {
///     /// Adds `amount` to a balance.
///     #[redis_script]
///     pub async fn credit(con: &mut impl scripts::AsyncConnection, #[key] account: &str, amount: i64) -> scripts::Result<i64> {
///         "return redis.call('INCRBY', KEYS[1], ARGV[1])"
///     }
///
///     pub fn other_methods_are_left_alone(&self) {}
/// }
///
/// assert_eq!(Accounts::CREDIT.key_count(), 1);
/// # let server = scripts_tests::RedisServer::start();
/// let mut con = server.connection();
/// assert_eq!(Accounts::CREDIT.blocking(&mut con, "balance:{bob}", 5)?, 5);
/// # Ok::<(), scripts::Error>(())
/// ```
///
/// A script cannot take `self`: the Lua could not read it. Take the connection first
/// and call `Accounts::credit(&mut con, ...)`.
///
/// # Options
///
/// `#[redis_script(file = "lua/take.lua", min_version = "7.4", read_only, allow(dynamic_command), deny(unused_key))]`:
///
/// - `file = "..."`: the Lua file, relative to the crate root (empty body).
/// - `min_version = "7.2"`: the oldest server the script must run on (`"7.0"`, the
///   default, `"7.2"`, `"7.4"`, `"valkey-8.0"`): commands it lacks are errors.
/// - `read_only`: the script may not write (checked); it runs as `EVALSHA_RO`.
/// - `allow(...)`, `warn(...)`, `deny(...)`: lint levels for this script (the lints
///   are listed in `docs/lints.md`).
///
/// Crate-wide defaults go in `scripts.toml` next to `Cargo.toml`; the script's own
/// options override them:
///
/// ```toml
/// min_version = "7.2"
/// always_warn = true   # keep script warnings under a crate-level #![allow(deprecated)]
///
/// [lints]
/// dynamic_command = "allow"
/// unused_key = "deny"
/// ```
///
/// # Diagnostics
///
/// Every finding names its lint, the Lua line and column, the Rust position and what
/// to write instead; all findings of a script come in one build. Errors fail the build.
/// Warnings are real compiler warnings on stable Rust through rustc's `deprecated`
/// lint: they read `use of deprecated macro `unused_key`: ...`, and a crate-level
/// `#![allow(deprecated)]` hides them unless `scripts.toml` says `always_warn = true`.
/// When the script is rejected, the function and its companion are still declared
/// (with unreachable bodies), so the rest of the crate type-checks.
#[proc_macro_attribute]
pub fn redis_script(attr: TokenStream, item: TokenStream) -> TokenStream {
    script(attr.into(), item.into()).into()
}

/// `#[redis_script]` on an `impl` block (the scripts among its functions) or on a
/// function.
fn script(attr: proc_macro2::TokenStream, item: proc_macro2::TokenStream) -> proc_macro2::TokenStream {
    if !may_be_impl(&item) {
        return expand::script(attr, item);
    }
    match syn::parse2::<syn::ItemImpl>(item.clone()) {
        Ok(block) => impl_block::expand(attr, block),
        Err(_) => expand::script(attr, item),
    }
}

/// False when the item's first keyword is `fn`: a function, which need not be parsed
/// as an `impl` block first (attributes and parameters are groups, never seen here).
fn may_be_impl(item: &proc_macro2::TokenStream) -> bool {
    for token in item.clone() {
        if let proc_macro2::TokenTree::Ident(ident) = token {
            if ident == "fn" {
                return false;
            }
            if ident == "impl" {
                return true;
            }
        }
    }
    true
}

/// Checks a Redis function library at compile time and turns the module declaring its
/// functions into typed `FCALL`s.
///
/// ```
/// use scripts::redis_library;
///
/// #[redis_library(source = r#"#!lua name=counters
/// local function bump(keys, args)
///   return redis.call('INCRBY', keys[1], args[1])
/// end
/// redis.register_function('bump', bump)
/// redis.register_function{function_name = 'peek', flags = {'no-writes'},
///   callback = function(keys) return tonumber(redis.call('GET', keys[1]) or '0') end}
/// "#)]
/// mod counters {
///     /// Adds `by` to a counter.
///     pub fn bump(con: &mut impl scripts::Connection, #[key] counter: &str, by: i64) -> scripts::Result<i64>;
///     /// Reads a counter (`FCALL_RO`: a replica may answer).
///     pub fn peek(con: &mut impl scripts::Connection, #[key] counter: &str) -> scripts::Result<i64>;
/// }
///
/// # let server = scripts_tests::RedisServer::start();
/// let mut con = server.connection();
/// // the first call finds no function, loads the library (`FUNCTION LOAD REPLACE`)
/// // and sends the call again
/// assert_eq!(counters::bump(&mut con, "hits:{home}", 2)?, 2);
/// assert_eq!(counters::peek(&mut con, "hits:{home}")?, 2);
/// assert!(counters::LIBRARY.name().starts_with("counters_v"));
/// # Ok::<(), scripts::Error>(())
/// ```
///
/// # The module
///
/// - The library is `file = "lua/bank.lua"` (relative to the crate root; editing it
///   rebuilds the crate) or `source = r#"..."#`, starting `#!lua name=<library>`.
/// - Each function it registers is declared in the module without a body, with the
///   shape of a `#[redis_script]` function: the connection first (`async fn` with
///   `&mut impl scripts::AsyncConnection`, or a blocking `fn`), `#[key]` parameters
///   (the callback's first parameter), then arguments (its second), and
///   `scripts::Result<T>`. Each gets the same companion module (`bank::transfer::pipe`,
///   `::blocking`, `::nonblocking`, `::call`).
/// - Each declaration calls the function registered under its own name: `fn transfer`
///   calls `transfer`, and a raw identifier a Rust keyword (`fn r#move` calls `move`,
///   `fn r#type` calls `type`). `#[function(name = "addJob")]` on a declaration gives
///   the registered name outright, for any name and any Rust name
///   (`#[function(name = "addJob")] pub fn add_job(...)`, `#[function(name = "self")]`).
///   Each registered function is declared once.
/// - The module also holds `LIBRARY` (a `scripts::Library`: `name`, `load` /
///   `load_blocking`, `delete_other_versions` / `delete_other_versions_blocking`), and
///   `use super::*`, so the declarations name the enclosing module's types. Other items
///   in it are kept.
///
/// # The checks
///
/// The library is checked as `FUNCTION LOAD` reads it (lint `invalid_library`: the
/// `#!lua name=` line, every `redis.register_function`, flags, what the top level uses
/// while loading), and each registered function with every lint, as `FCALL` runs it
/// against its declaration. A declaration naming no registered function is an error
/// (`unregistered_function`), a registered function without a declaration a warning
/// (`undeclared_function`).
///
/// # Names and versions
///
/// By default the library and its functions are loaded under names carrying a hash
/// of the library's text (`bank_v1a2b3c4d`, `transfer_v1a2b3c4d`): during a rolling
/// deploy two builds with different versions of the library share the server, each
/// calling the code it was compiled with. `LIBRARY.delete_other_versions(&mut con)`
/// removes old versions once no old build runs. With `stable_names`, the names are the
/// ones written in the Lua (for other clients calling them), and loading replaces the
/// server's library of that name: the last build to load wins.
///
/// # Options
///
/// `#[redis_library(file = "lua/bank.lua", min_version = "7.4", stable_names,
/// allow(...), warn(...), deny(...))]` (or `source = r#"..."#` in place of `file`),
/// with crate defaults from `scripts.toml` as for `#[redis_script]`.
#[proc_macro_attribute]
pub fn redis_library(attr: TokenStream, item: TokenStream) -> TokenStream {
    library::expand(attr.into(), item.into()).into()
}
