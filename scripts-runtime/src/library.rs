//! The compile-time descriptor of a Redis function library, and loading it.

use redis::{Cmd, Value};

use crate::connection::{AsyncConnection, Connection};
use crate::error::{Error, Result};
use crate::script::Location;

/// A function library as `#[redis_library]` compiled it: the Lua text sent with
/// `FUNCTION LOAD`, the name it is loaded under, and where it is written.
///
/// With versioned names (the default), the library and every function it registers
/// are loaded under names that carry a hash of the library's text (`bank_v1a2b3c4d`,
/// `transfer_v1a2b3c4d`): two builds of an application with different libraries can
/// share a server, each calling the code it was compiled with, as `EVALSHA` scripts
/// do. With `stable_names`, they are loaded under the names written in the Lua, and a
/// load replaces whatever library of that name the server has.
///
/// The generated module exposes it as `LIBRARY`.
#[derive(Debug)]
pub struct Library {
    declared_name: &'static str,
    name: &'static str,
    source: &'static str,
    versioned: bool,
    location: Location,
    lines: &'static [u32],
}

impl Library {
    /// Used by the generated code; the fields are checked by the macro.
    #[doc(hidden)]
    pub const fn __new(
        declared_name: &'static str,
        name: &'static str,
        source: &'static str,
        versioned: bool,
        location: Location,
        lines: &'static [u32],
    ) -> Self {
        Library {
            declared_name,
            name,
            source,
            versioned,
            location,
            lines,
        }
    }

    /// The name the library is loaded under (`bank_v1a2b3c4d` when versioned).
    pub fn name(&self) -> &'static str {
        self.name
    }

    /// The name in its `#!lua name=` line.
    pub fn declared_name(&self) -> &'static str {
        self.declared_name
    }

    /// The Lua text, exactly as sent with `FUNCTION LOAD` (with the versioned names).
    pub fn source(&self) -> &'static str {
        self.source
    }

    /// True when the library and its functions are loaded under versioned names.
    pub fn versioned(&self) -> bool {
        self.versioned
    }

    /// Where the Lua text starts in the Rust (or `.lua`) source.
    pub fn location(&self) -> Location {
        self.location
    }

    /// The source line where Lua line `lua_line` (1-based) is written.
    pub fn source_line(&self, lua_line: u32) -> Option<u32> {
        let index = usize::try_from(lua_line).ok()?.checked_sub(1)?;
        self.lines.get(index).copied()
    }

    /// `FUNCTION LOAD REPLACE <source>`: loading the same text again is harmless, and
    /// under stable names a new build replaces the old one.
    pub fn load_command(&self) -> Cmd {
        let mut cmd = redis::cmd("FUNCTION");
        cmd.arg("LOAD").arg("REPLACE").arg(self.source);
        cmd
    }

    /// Loads the library (on every primary when `con` is a cluster connection:
    /// redis-rs routes `FUNCTION LOAD` to all of them). Calls load it by themselves
    /// when the server lacks it; load it first for pipelines, which cannot.
    pub async fn load<C: AsyncConnection>(&self, con: &mut C) -> Result<()> {
        let reply = con.req_packed_command(&self.load_command()).await;
        self.loaded(reply.and_then(Value::extract_error))
    }

    /// [`load`](Self::load) over a blocking connection.
    pub fn load_blocking<C: Connection>(&self, con: &mut C) -> Result<()> {
        let reply = con.req_command(&self.load_command());
        self.loaded(reply.and_then(Value::extract_error))
    }

    pub(crate) fn loaded(&self, reply: redis::RedisResult<Value>) -> Result<()> {
        reply.map(drop).map_err(|source| self.load_error(source))
    }

    pub(crate) fn load_error(&self, source: redis::RedisError) -> Error {
        Error::Load {
            library: self.name,
            source,
        }
    }

    /// Deletes the other versions of this library from the server (libraries named
    /// `<declared name>_v<hash>` with another hash), returning how many. Run it once
    /// every instance runs the new build: an instance of an old build still running
    /// loads its version again on its next call. A no-op under stable names. On a
    /// cluster, run it on each primary.
    pub async fn delete_other_versions<C: AsyncConnection>(&self, con: &mut C) -> Result<usize> {
        if !self.versioned {
            return Ok(0);
        }
        let listed = con.req_packed_command(&self.list_command()).await;
        let mut deleted = 0;
        for name in self.others(listed)? {
            let reply = con.req_packed_command(&delete_command(&name)).await;
            reply.and_then(Value::extract_error).map_err(|e| self.load_error(e))?;
            deleted += 1;
        }
        Ok(deleted)
    }

    /// [`delete_other_versions`](Self::delete_other_versions) over a blocking connection.
    pub fn delete_other_versions_blocking<C: Connection>(&self, con: &mut C) -> Result<usize> {
        if !self.versioned {
            return Ok(0);
        }
        let listed = con.req_command(&self.list_command());
        let mut deleted = 0;
        for name in self.others(listed)? {
            let reply = con.req_command(&delete_command(&name));
            reply.and_then(Value::extract_error).map_err(|e| self.load_error(e))?;
            deleted += 1;
        }
        Ok(deleted)
    }

    fn list_command(&self) -> Cmd {
        let mut cmd = redis::cmd("FUNCTION");
        // a pattern: every version of this library (and names that merely start so,
        // filtered below)
        cmd.arg("LIST")
            .arg("LIBRARYNAME")
            .arg(format!("{}_v*", self.declared_name));
        cmd
    }

    /// The names of other versions of this library in a `FUNCTION LIST` reply.
    fn others(&self, listed: redis::RedisResult<Value>) -> Result<Vec<String>> {
        let listed = listed.and_then(Value::extract_error).map_err(|e| self.load_error(e))?;
        let prefix = format!("{}_v", self.declared_name);
        let mut names = Vec::new();
        let Value::Array(libraries) = listed else {
            return Ok(names);
        };
        for library in libraries {
            let fields: Vec<Value> = match library {
                Value::Array(fields) => fields,
                Value::Map(pairs) => pairs.into_iter().flat_map(|(k, v)| [k, v]).collect(),
                _ => continue,
            };
            let name = fields.chunks(2).find_map(|pair| match pair {
                [key, value] if text(key).as_deref() == Some("library_name") => text(value),
                _ => None,
            });
            if let Some(name) = name
                && name != self.name
                && name
                    .strip_prefix(&prefix)
                    .is_some_and(|hash| hash.len() == 8 && hash.bytes().all(|b| b.is_ascii_hexdigit()))
            {
                names.push(name);
            }
        }
        Ok(names)
    }
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

/// A function of a library: what a [`Script`](crate::Script) descriptor points at
/// when it calls a function with `FCALL` rather than a script with `EVALSHA`.
#[derive(Clone, Copy, Debug)]
pub struct Function {
    /// The library that registers it.
    pub library: &'static Library,
    /// The name it is registered under (versioned when the library is).
    pub name: &'static str,
}
