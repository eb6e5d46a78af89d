//! Every script compiled into the binary, collected at link time, and preloading.

use crate::connection::{AsyncConnection, Connection};
use crate::error::{Error, Result};
use crate::library::Library;
use crate::script::Script;

/// A script the macro registered; collected with `inventory`.
#[doc(hidden)]
pub struct Registered(pub &'static Script);

inventory::collect!(Registered);

/// Every script compiled into this binary, in no particular order (library
/// functions not included: see [`libraries`]).
pub fn scripts() -> impl Iterator<Item = &'static Script> {
    inventory::iter::<Registered>
        .into_iter()
        .map(|r| r.0)
        .filter(|script| script.function().is_none())
}

/// Every function library compiled into this binary, once each.
pub fn libraries() -> Vec<&'static Library> {
    let mut libraries: Vec<&'static Library> = Vec::new();
    for registered in inventory::iter::<Registered> {
        if let Some(function) = registered.0.function()
            && !libraries.iter().any(|known| std::ptr::eq(*known, function.library))
        {
            libraries.push(function.library);
        }
    }
    libraries
}

/// Loads every script compiled into the binary with `SCRIPT LOAD`, and every function
/// library with `FUNCTION LOAD REPLACE` (on every primary when `con` is a cluster
/// connection), so later calls never need the `EVAL` fallback and pipelines can call
/// library functions. Returns how many scripts and libraries were loaded.
pub async fn load_all<C: AsyncConnection>(con: &mut C) -> Result<usize> {
    let mut loaded = 0;
    for library in libraries() {
        library.load(con).await?;
        loaded += 1;
    }
    for script in scripts() {
        let sha: String = load_command(script)
            .query_async(con)
            .await
            .map_err(|e| Error::from_redis(script, e))?;
        check_sha(script, &sha)?;
        loaded += 1;
    }
    Ok(loaded)
}

/// [`load_all`] over a blocking connection.
pub fn load_all_blocking<C: Connection>(con: &mut C) -> Result<usize> {
    let mut loaded = 0;
    for library in libraries() {
        library.load_blocking(con)?;
        loaded += 1;
    }
    for script in scripts() {
        let sha: String = load_command(script)
            .query(con)
            .map_err(|e| Error::from_redis(script, e))?;
        check_sha(script, &sha)?;
        loaded += 1;
    }
    Ok(loaded)
}

fn load_command(script: &Script) -> redis::Cmd {
    let mut cmd = redis::cmd("SCRIPT");
    cmd.arg("LOAD").arg(script.source());
    cmd
}

fn check_sha(script: &Script, sha: &str) -> Result<()> {
    if sha.eq_ignore_ascii_case(script.sha1()) {
        return Ok(());
    }
    // Only a server that hashes differently (or a proxy rewriting scripts) gets here.
    let detail = format!(
        "the server computed SHA1 {sha}, the compile-time SHA1 is {}",
        script.sha1()
    );
    Err(Error::Server {
        script: script.name(),
        source: redis::RedisError::from((redis::ErrorKind::Client, "SHA1 mismatch after SCRIPT LOAD", detail)),
    })
}
