//! `scripts::Error`: what can go wrong when a script runs, named after the script.

use std::fmt;

use redis::{ErrorKind, RedisError, ServerErrorKind};

use crate::script::Script;

/// The result of a script call.
pub type Result<T, E = Error> = std::result::Result<T, E>;

/// A failed script call. Every variant names the script; server errors keep the
/// original [`RedisError`] as their [`source`](std::error::Error::source).
#[derive(Debug)]
#[non_exhaustive]
pub enum Error {
    /// The script raised an error while running: a Lua error, a failing
    /// `redis.call`, or `error(...)`/`redis.error_reply(...)`.
    Script(Box<ScriptError>),
    /// Another script is running past `busy-reply-threshold` (`BUSY`).
    Busy {
        /// The script that could not run.
        script: &'static str,
        /// The server's reply.
        source: RedisError,
    },
    /// This script was stopped by `SCRIPT KILL` while running.
    Killed {
        /// The script that was killed.
        script: &'static str,
        /// The server's reply.
        source: RedisError,
    },
    /// A replica refused a script that may write (`READONLY`).
    ReadOnly {
        /// The script that was refused.
        script: &'static str,
        /// The server's reply.
        source: RedisError,
    },
    /// Keys of one call hash to different cluster slots.
    CrossSlot {
        /// The script that was not sent.
        script: &'static str,
        /// Each key with its slot.
        keys: Vec<(String, u16)>,
        /// The server's reply, when the server (not the client) found it.
        source: Option<RedisError>,
    },
    /// The server does not have the script cached and the call could not send it.
    NoScript {
        /// The script that was missing.
        script: &'static str,
        /// The server's reply.
        source: RedisError,
    },
    /// The server is over `maxmemory` and the script may write (`OOM`).
    OutOfMemory {
        /// The script that was refused.
        script: &'static str,
        /// The server's reply.
        source: RedisError,
    },
    /// The connection failed, dropped or timed out; the script may or may not have run.
    Connection {
        /// The script being called.
        script: &'static str,
        /// The I/O error.
        source: RedisError,
    },
    /// A `#[key(prefix)]` value has no hash tag, so the keys the script builds from it
    /// could hash to other cluster slots. Nothing was sent.
    UntaggedPrefix {
        /// The script that was not sent.
        script: &'static str,
        /// The Rust parameter holding the prefix.
        param: &'static str,
        /// The value passed.
        value: String,
        /// The value is refused on a cluster connection although the parameter is
        /// `#[key(prefix, allow_untagged)]` (which covers single servers only).
        cluster: bool,
    },
    /// The reply does not decode into the function's return type.
    Reply {
        /// The script whose reply did not fit.
        script: &'static str,
        /// The Rust type that was expected.
        expected: &'static str,
        /// What the decoder said.
        source: redis::ParsingError,
    },
    /// Any other server error.
    Server {
        /// The script being called.
        script: &'static str,
        /// The server's reply.
        source: RedisError,
    },
}

/// A run-time error raised inside a script, mapped back to its source.
#[derive(Debug)]
pub struct ScriptError {
    /// The script's name.
    pub script: &'static str,
    /// The error code of the reply (`ERR`, `WRONGTYPE`, ...).
    pub code: String,
    /// The message without the code and without the server's `script: <sha>` suffix.
    pub message: String,
    /// The Lua line the server reported (1-based).
    pub lua_line: Option<u32>,
    /// The source file holding the script.
    pub file: &'static str,
    /// The line in `file` where that Lua line is written.
    pub line: Option<u32>,
    /// The server's reply.
    pub source: RedisError,
}

impl Error {
    /// The name of the script the error belongs to.
    pub fn script(&self) -> &'static str {
        self.parts().0
    }

    /// The server or connection error behind this one, when there is one.
    pub fn redis_error(&self) -> Option<&RedisError> {
        self.parts().1
    }

    /// The script's name and the server error every variant may carry.
    fn parts(&self) -> (&'static str, Option<&RedisError>) {
        match self {
            Error::Script(e) => (e.script, Some(&e.source)),
            Error::Busy { script, source }
            | Error::Killed { script, source }
            | Error::ReadOnly { script, source }
            | Error::NoScript { script, source }
            | Error::OutOfMemory { script, source }
            | Error::Connection { script, source }
            | Error::Server { script, source } => (script, Some(source)),
            Error::CrossSlot { script, source, .. } => (script, source.as_ref()),
            Error::Reply { script, .. } | Error::UntaggedPrefix { script, .. } => (script, None),
        }
    }

    /// Sorts a [`RedisError`] from calling `script` into a variant.
    pub fn from_redis(script: &Script, error: RedisError) -> Self {
        let name = script.name();
        if error.is_io_error() || error.is_connection_dropped() || error.is_connection_refusal() || error.is_timeout() {
            return Error::Connection {
                script: name,
                source: error,
            };
        }
        let code = error.code().unwrap_or("").to_owned();
        let detail = error.detail().unwrap_or("");
        match (error.kind(), code.as_str()) {
            (ErrorKind::Server(ServerErrorKind::NoScript), _) => Error::NoScript {
                script: name,
                source: error,
            },
            (ErrorKind::Server(ServerErrorKind::ReadOnly), _) => Error::ReadOnly {
                script: name,
                source: error,
            },
            (ErrorKind::Server(ServerErrorKind::CrossSlot), _) => Error::CrossSlot {
                script: name,
                keys: Vec::new(),
                source: Some(error),
            },
            (_, "BUSY") => Error::Busy {
                script: name,
                source: error,
            },
            (_, "OOM") => Error::OutOfMemory {
                script: name,
                source: error,
            },
            (_, "ERR") if detail.starts_with("Script killed by user") => Error::Killed {
                script: name,
                source: error,
            },
            _ => match lua_line(detail) {
                Some(lua_line) => {
                    let location = script.location();
                    Error::Script(Box::new(ScriptError {
                        script: name,
                        message: strip_suffix(detail).to_owned(),
                        code,
                        lua_line: Some(lua_line),
                        file: location.file,
                        line: script.source_line(lua_line),
                        source: error,
                    }))
                }
                None => Error::Server {
                    script: name,
                    source: error,
                },
            },
        }
    }
}

/// The Lua line of a run-time error, from Redis 7's `... on @user_script:3.` suffix
/// or Redis 6's `@user_script:3:` prefix.
fn lua_line(detail: &str) -> Option<u32> {
    let at = detail.rfind("@user_script:")? + "@user_script:".len();
    let digits: String = detail[at..].chars().take_while(char::is_ascii_digit).collect();
    digits.parse().ok()
}

/// `user_script:3: boom script: 1a2b..., on @user_script:3.` -> `user_script:3: boom`
fn strip_suffix(detail: &str) -> &str {
    match detail.rfind(" script: ") {
        Some(at) => &detail[..at],
        None => detail,
    }
}

impl fmt::Display for Error {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Error::Script(e) => fmt::Display::fmt(e, f),
            Error::Busy { script, .. } => write!(
                f,
                "script `{script}` could not run: Redis is busy running another script (BUSY); retry later or stop it with SCRIPT KILL"
            ),
            Error::Killed { script, .. } => write!(f, "script `{script}` was stopped by SCRIPT KILL"),
            Error::ReadOnly { script, .. } => write!(
                f,
                "script `{script}` was refused by a read-only replica (READONLY): scripts that may write must run on the primary"
            ),
            Error::CrossSlot { script, keys, .. } if !keys.is_empty() => {
                write!(f, "script `{script}` uses keys in different cluster slots:")?;
                for (i, (key, slot)) in keys.iter().enumerate() {
                    let separator = if i == 0 { " " } else { ", " };
                    write!(f, "{separator}`{key}` (slot {slot})")?;
                }
                write!(
                    f,
                    "; give them a common hash tag, e.g. `user:{{42}}:a` and `user:{{42}}:b`"
                )
            }
            Error::CrossSlot { script, source, .. } => {
                write!(f, "script `{script}` uses keys in different cluster slots (CROSSSLOT)")?;
                if let Some(source) = source {
                    write!(f, ": {source}")?;
                }
                Ok(())
            }
            Error::NoScript { script, .. } => write!(f, "script `{script}` is not loaded on the server (NOSCRIPT)"),
            Error::OutOfMemory { script, .. } => write!(
                f,
                "script `{script}` was refused: the server is over `maxmemory` (OOM); only `no-writes` scripts run until memory is freed"
            ),
            Error::Connection { script, source } => {
                write!(
                    f,
                    "script `{script}`: connection failed, the script may or may not have run: {source}"
                )
            }
            Error::Reply {
                script,
                expected,
                source,
            } => {
                write!(
                    f,
                    "script `{script}` returned a reply that does not decode into `{}`: {source}",
                    crate::type_name::short(expected)
                )
            }
            Error::Server { script, source } => write!(f, "script `{script}` failed: {source}"),
            Error::UntaggedPrefix {
                script,
                param,
                value,
                cluster,
            } => {
                write!(
                    f,
                    "script `{script}` was not sent: the key prefix `{param}` is `{value}`, which has no hash tag, so the keys the script builds from it can hash to other cluster slots; pass a prefix with a non-empty tag, such as `{}`",
                    crate::prefix::suggest_tagged(value)
                )?;
                if *cluster {
                    write!(f, " (`allow_untagged` covers single servers, not clusters)")?;
                }
                Ok(())
            }
        }
    }
}

impl fmt::Display for ScriptError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "script `{}` failed", self.script)?;
        match (self.line, self.lua_line) {
            (Some(line), Some(lua)) => write!(f, " at {}:{line} (lua line {lua})", self.file)?,
            (None, Some(lua)) => write!(f, " at lua line {lua}")?,
            _ => {}
        }
        write!(f, ": {} {}", self.code, self.message)
    }
}

impl std::error::Error for ScriptError {
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        Some(&self.source)
    }
}

impl std::error::Error for Error {
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        match self {
            Error::Script(e) => Some(&**e),
            Error::Reply { source, .. } => Some(source),
            other => other.redis_error().map(|e| e as &(dyn std::error::Error + 'static)),
        }
    }
}

/// So `?` works in functions returning `redis::RedisResult`: server and connection
/// errors come back as the original `RedisError` (its kind and code intact, for
/// retry logic); client-side errors become a `RedisError` carrying our message.
impl From<Error> for RedisError {
    fn from(error: Error) -> Self {
        if let Some(source) = error.redis_error() {
            return source.clone();
        }
        let detail = error.to_string();
        match error {
            Error::CrossSlot { .. } => {
                RedisError::from((ErrorKind::Server(ServerErrorKind::CrossSlot), "cross-slot keys", detail))
            }
            Error::UntaggedPrefix { .. } => RedisError::from((ErrorKind::Client, "untagged key prefix", detail)),
            _ => RedisError::from((ErrorKind::UnexpectedReturnType, "unexpected script reply", detail)),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn lua_line_is_read_from_both_formats() {
        assert_eq!(
            lua_line("user_script:3: boom script: 0123abcd, on @user_script:3."),
            Some(3)
        );
        assert_eq!(
            lua_line("Error running script (call to f_abc): @user_script:12: oops"),
            Some(12)
        );
        assert_eq!(
            lua_line("Operation against a key holding the wrong kind of value"),
            None
        );
    }

    #[test]
    fn suffix_is_stripped() {
        assert_eq!(
            strip_suffix("user_script:3: boom script: 0123abcd, on @user_script:3."),
            "user_script:3: boom"
        );
    }
}
