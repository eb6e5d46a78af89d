//! Loading what the descriptors describe: every script and library compiled into
//! the binary ([`load_all`]), one library ([`Library::load`]), and deleting a
//! library's other versions.

use redis::{Cmd, Value};

use crate::connection::{AsyncConnection, Connection};
use crate::error::{Error, Result};
use crate::library::Library;
use crate::registry::{libraries, scripts};
use crate::script::Script;

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

/// `SCRIPT LOAD <source>`.
fn load_command(script: &Script) -> Cmd {
    let mut cmd = redis::cmd("SCRIPT");
    cmd.arg("LOAD").arg(script.source());
    cmd
}

/// Fails unless the server hashed the script as the macro did.
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

impl Library {
    /// Loads the library (on every primary when `con` is a cluster connection:
    /// redis-rs routes `FUNCTION LOAD` to all of them). Calls load it by themselves
    /// when the server lacks it; load it first for pipelines, which cannot.
    pub async fn load<C: AsyncConnection>(&self, con: &mut C) -> Result<()> {
        let reply = con.req_packed_command(&self.load_command()).await;
        loaded(self, reply.and_then(Value::extract_error))
    }

    /// [`load`](Self::load) over a blocking connection.
    pub fn load_blocking<C: Connection>(&self, con: &mut C) -> Result<()> {
        let reply = con.req_command(&self.load_command());
        loaded(self, reply.and_then(Value::extract_error))
    }

    /// Deletes the other versions of this library from the server (libraries named
    /// `<declared name>_v<hash>` with another hash), returning how many. Run it once
    /// every instance runs the new build: an instance of an old build still running
    /// loads its version again on its next call. A no-op under stable names. On a
    /// cluster, run it on each primary.
    pub async fn delete_other_versions<C: AsyncConnection>(&self, con: &mut C) -> Result<usize> {
        if !self.versioned() {
            return Ok(0);
        }
        let listed = con.req_packed_command(&list_command(self)).await;
        let mut deleted = 0;
        for name in others(self, listed)? {
            let reply = con.req_packed_command(&delete_command(&name)).await;
            reply.and_then(Value::extract_error).map_err(|e| Error::load(self, e))?;
            deleted += 1;
        }
        Ok(deleted)
    }

    /// [`delete_other_versions`](Self::delete_other_versions) over a blocking connection.
    pub fn delete_other_versions_blocking<C: Connection>(&self, con: &mut C) -> Result<usize> {
        if !self.versioned() {
            return Ok(0);
        }
        let listed = con.req_command(&list_command(self));
        let mut deleted = 0;
        for name in others(self, listed)? {
            let reply = con.req_command(&delete_command(&name));
            reply.and_then(Value::extract_error).map_err(|e| Error::load(self, e))?;
            deleted += 1;
        }
        Ok(deleted)
    }
}

/// What a `FUNCTION LOAD` reply means for the library.
fn loaded(library: &Library, reply: redis::RedisResult<Value>) -> Result<()> {
    reply.map(drop).map_err(|source| Error::load(library, source))
}

/// `FUNCTION LIST LIBRARYNAME <declared name>_v*`: every version of `library` (and
/// names that merely start so, filtered by [`others`]).
fn list_command(library: &Library) -> Cmd {
    let mut cmd = redis::cmd("FUNCTION");
    cmd.arg("LIST")
        .arg("LIBRARYNAME")
        .arg(format!("{}_v*", library.declared_name()));
    cmd
}

/// The names of other versions of `library` in a `FUNCTION LIST` reply.
fn others(library: &Library, listed: redis::RedisResult<Value>) -> Result<Vec<String>> {
    let listed = listed
        .and_then(Value::extract_error)
        .map_err(|e| Error::load(library, e))?;
    let prefix = format!("{}_v", library.declared_name());
    let mut names = Vec::new();
    let Value::Array(libraries) = listed else {
        return Ok(names);
    };
    for entry in libraries {
        let fields: Vec<Value> = match entry {
            Value::Array(fields) => fields,
            Value::Map(pairs) => pairs.into_iter().flat_map(|(k, v)| [k, v]).collect(),
            _ => continue,
        };
        let name = fields.chunks(2).find_map(|pair| match pair {
            [key, value] if text(key).as_deref() == Some("library_name") => text(value),
            _ => None,
        });
        if let Some(name) = name
            && name != library.name()
            && name
                .strip_prefix(&prefix)
                .is_some_and(|hash| hash.len() == 8 && hash.bytes().all(|b| b.is_ascii_hexdigit()))
        {
            names.push(name);
        }
    }
    Ok(names)
}

fn delete_command(name: &str) -> Cmd {
    let mut cmd = redis::cmd("FUNCTION");
    cmd.arg("DELETE").arg(name);
    cmd
}

fn text(value: &Value) -> Option<String> {
    match value {
        Value::BulkString(bytes) => String::from_utf8(bytes.clone()).ok(),
        Value::SimpleString(text) => Some(text.clone()),
        _ => None,
    }
}
