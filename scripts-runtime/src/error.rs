//! `scripts::Error`: what can go wrong when a script runs, named after the script,
//! and whether the script ran. Which variant a reply becomes, and whether the script
//! ran, is read by the decision module (`attempt.rs`), which owns the server's texts.

use std::fmt;

use redis::{ErrorKind, RedisError, ServerErrorKind};

use crate::attempt::{Came, ErrorReply, Ran, Redirect, raised_in_script};
use crate::library::Library;
use crate::script::Script;

/// The result of a script call.
pub type Result<T, E = Error> = std::result::Result<T, E>;

/// A failed script call. Every variant names the script; server errors keep the
/// original [`RedisError`] as their [`source`](std::error::Error::source).
/// [`ran`](Error::ran) tells whether the script ran.
#[derive(Debug)]
#[non_exhaustive]
pub enum Error {
    /// The script raised an error while running (a Lua error, a failing
    /// `redis.call`, `error(...)`) or returned one (`redis.error_reply(...)`,
    /// `{err = ...}`). It ran.
    Script(Box<ScriptError>),
    /// Another script is running past `busy-reply-threshold` (`BUSY`): this one
    /// did not run.
    Busy {
        /// The script that could not run.
        script: &'static str,
        /// The server's reply.
        source: RedisError,
    },
    /// This script was stopped by `SCRIPT KILL` while running. Redis kills only
    /// scripts that have not written yet, so it left no effect.
    Killed {
        /// The script that was killed.
        script: &'static str,
        /// The server's reply.
        source: RedisError,
    },
    /// A read-only replica refused a write (`READONLY`): the whole call before it
    /// ran, or a write inside the script ([`ran`](Error::ran) tells which).
    ReadOnly {
        /// The script that was refused.
        script: &'static str,
        /// The server's reply.
        source: RedisError,
    },
    /// Keys of one call (with the values of its `#[arg(prefix)]` parameters, which the
    /// script builds keys from) hash to different cluster slots: the script did not run.
    CrossSlot {
        /// The script that was not sent.
        script: &'static str,
        /// Each key with its slot.
        keys: Vec<(String, u16)>,
        /// The server's reply, when the server (not the client) found it.
        source: Option<RedisError>,
    },
    /// The server does not have the script cached and the call could not send it
    /// (`NOSCRIPT`, e.g. an `EVALSHA` added to a pipeline): it did not run.
    NoScript {
        /// The script that was missing.
        script: &'static str,
        /// The server's reply.
        source: RedisError,
    },
    /// The server does not have the library function (`ERR Function not found`) and
    /// the call could not load it (an `FCALL` added to a pipeline): it did not run.
    NoFunction {
        /// The Rust function being called.
        script: &'static str,
        /// The server's reply.
        source: RedisError,
    },
    /// `FUNCTION LOAD` refused the library (a function name another library
    /// registers, a replica, no permission): nothing ran.
    Load {
        /// The library, as it is loaded (`bank_v1a2b3c4d`).
        library: &'static str,
        /// The server's reply.
        source: RedisError,
    },
    /// The server is over `maxmemory` (`OOM`): the call was refused, or a write
    /// inside the script was ([`ran`](Error::ran) tells which).
    OutOfMemory {
        /// The script that was refused.
        script: &'static str,
        /// The server's reply.
        source: RedisError,
    },
    /// A cluster node answered `MOVED` or `ASK` and the call did not follow it (a
    /// plain connection to one node, or too many redirects): the script did not
    /// run. The runtime's cluster connections (`scripts::cluster`) follow redirects.
    Redirected {
        /// The script being called.
        script: &'static str,
        /// `MOVED` or `ASK`.
        redirect: Redirect,
        /// The slot of the call's keys.
        slot: u16,
        /// The node the slot was redirected to (`host:port`).
        node: String,
        /// The server's reply.
        source: RedisError,
    },
    /// The call's slot is being migrated and its keys are split between two nodes
    /// (`TRYAGAIN`): the script did not run; it may be sent again shortly.
    TryAgain {
        /// The script being called.
        script: &'static str,
        /// The server's reply.
        source: RedisError,
    },
    /// The cluster is down or the slot is not served (`CLUSTERDOWN`): the script did
    /// not run.
    ClusterDown {
        /// The script being called.
        script: &'static str,
        /// The server's reply.
        source: RedisError,
    },
    /// No reply came within the connection's response timeout: the script may have
    /// run, or may still be running.
    Timeout {
        /// The script being called.
        script: &'static str,
        /// The timeout error.
        source: RedisError,
    },
    /// The connection failed or dropped: unless it was refused before anything was
    /// sent, the script may or may not have run.
    Connection {
        /// The script being called.
        script: &'static str,
        /// The I/O error.
        source: RedisError,
    },
    /// A `#[key(prefix)]` or `#[arg(prefix)]` value has no hash tag, so the keys the
    /// script builds from it could hash to other cluster slots. Nothing was sent.
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
    /// No connection could be made to the cluster node serving the call's slot:
    /// nothing was sent.
    Unreachable {
        /// The script that was not sent.
        script: &'static str,
        /// The node (`host:port`).
        node: String,
        /// The connection error.
        source: RedisError,
    },
    /// The reply does not decode into the function's return type: the script ran.
    Reply {
        /// The script whose reply did not fit.
        script: &'static str,
        /// The Rust type that was expected.
        expected: &'static str,
        /// What the decoder said.
        source: redis::ParsingError,
    },
    /// Any other refusal: the server refused the call before running the script
    /// (`NOPERM`, `LOADING`, `MASTERDOWN`, a compile error, ...), or the client did
    /// before sending it.
    Server {
        /// The script being called.
        script: &'static str,
        /// The server's (or the client's) error.
        source: RedisError,
    },
}

/// An error raised or returned by a script, mapped back to its source.
#[derive(Debug)]
pub struct ScriptError {
    /// The script's name.
    pub script: &'static str,
    /// The error code of the reply (`ERR`, `WRONGTYPE`, `APP_NOT_FOUND`, ...): its
    /// first word when that is an upper-case code, else empty (for
    /// `redis.error_reply('no fields')`).
    pub code: String,
    /// The message without the code and without the server's `script: <sha>` suffix;
    /// the whole text when there is no code.
    pub message: String,
    /// True when the script returned the error (`redis.error_reply(...)`,
    /// `{err = ...}`), false when it raised one.
    pub returned: bool,
    /// The Lua line (1-based): from the server for a raised error; for a returned
    /// one, the line of the only string literal in the script equal to the text.
    pub lua_line: Option<u32>,
    /// The source file holding the script.
    pub file: &'static str,
    /// The line in `file` where that Lua line is written.
    pub line: Option<u32>,
    /// The server's reply.
    pub source: RedisError,
}

impl ScriptError {
    /// The error text as the script produced it: `code message`, or the message.
    pub fn text(&self) -> String {
        match (self.code.is_empty(), self.message.is_empty()) {
            (true, _) => self.message.clone(),
            (false, true) => self.code.clone(),
            (false, false) => format!("{} {}", self.code, self.message),
        }
    }
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

    /// Whether the script ran: [`Ran::No`] only when nothing was sent or the
    /// server's own reply refused the call; [`Ran::Unknown`] when a reply was lost.
    pub fn ran(&self) -> Ran {
        match self {
            Error::Script(_) | Error::Killed { .. } | Error::Reply { .. } => Ran::Yes,
            Error::Busy { source, .. }
            | Error::ReadOnly { source, .. }
            | Error::NoScript { source, .. }
            | Error::NoFunction { source, .. }
            | Error::OutOfMemory { source, .. }
            | Error::Redirected { source, .. }
            | Error::TryAgain { source, .. }
            | Error::ClusterDown { source, .. }
            | Error::Server { source, .. } => {
                if raised_in_script(source.detail().unwrap_or("")) {
                    Ran::Yes
                } else {
                    Ran::No
                }
            }
            Error::CrossSlot { .. } | Error::Unreachable { .. } | Error::UntaggedPrefix { .. } | Error::Load { .. } => {
                Ran::No
            }
            Error::Timeout { .. } => Ran::Unknown,
            Error::Connection { source, .. } => {
                if source.is_connection_refusal() {
                    Ran::No
                } else {
                    Ran::Unknown
                }
            }
        }
    }

    /// The script's name and the server error every variant may carry.
    fn parts(&self) -> (&'static str, Option<&RedisError>) {
        match self {
            Error::Script(e) => (e.script, Some(&e.source)),
            Error::Busy { script, source }
            | Error::Killed { script, source }
            | Error::ReadOnly { script, source }
            | Error::NoScript { script, source }
            | Error::NoFunction { script, source }
            | Error::Load {
                library: script,
                source,
            }
            | Error::OutOfMemory { script, source }
            | Error::Redirected { script, source, .. }
            | Error::TryAgain { script, source }
            | Error::ClusterDown { script, source }
            | Error::Timeout { script, source }
            | Error::Connection { script, source }
            | Error::Unreachable { script, source, .. }
            | Error::Server { script, source } => (script, Some(source)),
            Error::CrossSlot { script, source, .. } => (script, source.as_ref()),
            Error::Reply { script, .. } | Error::UntaggedPrefix { script, .. } => (script, None),
        }
    }

    /// `FUNCTION LOAD` of `library` failed.
    pub(crate) fn load(library: &Library, source: RedisError) -> Self {
        Error::Load {
            library: library.name(),
            source,
        }
    }

    /// Sorts a [`RedisError`] from calling `script` into a variant.
    pub fn from_redis(script: &Script, error: RedisError) -> Self {
        let name = script.name();
        if error.is_timeout() {
            return Error::Timeout {
                script: name,
                source: error,
            };
        }
        let said = match Came::of_error(&error) {
            Came::Error { code, detail } => ErrorReply::read(code, detail),
            // a reply that could not be read may belong to a script that ran
            Came::Lost => {
                return Error::Connection {
                    script: name,
                    source: error,
                };
            }
            _ if error.is_connection_refusal() => {
                return Error::Connection {
                    script: name,
                    source: error,
                };
            }
            // refused by the client before sending (configuration, authentication)
            _ => {
                return Error::Server {
                    script: name,
                    source: error,
                };
            }
        };
        match said {
            ErrorReply::Killed => Error::Killed {
                script: name,
                source: error,
            },
            // a write inside the script was refused; `ran` reads the suffix
            ErrorReply::Raised if error.code() == Some("OOM") => Error::OutOfMemory {
                script: name,
                source: error,
            },
            ErrorReply::Raised if error.code() == Some("READONLY") => Error::ReadOnly {
                script: name,
                source: error,
            },
            ErrorReply::Raised => Error::Script(Box::new(ScriptError::new(script, error, true))),
            // not a text the server refuses with: the script returned it
            ErrorReply::Returned => Error::Script(Box::new(ScriptError::new(script, error, false))),
            ErrorReply::NoScript => Error::NoScript {
                script: name,
                source: error,
            },
            ErrorReply::NoFunction => Error::NoFunction {
                script: name,
                source: error,
            },
            ErrorReply::Busy => Error::Busy {
                script: name,
                source: error,
            },
            ErrorReply::OutOfMemory => Error::OutOfMemory {
                script: name,
                source: error,
            },
            ErrorReply::ReadOnly => Error::ReadOnly {
                script: name,
                source: error,
            },
            ErrorReply::CrossSlot => Error::CrossSlot {
                script: name,
                keys: Vec::new(),
                source: Some(error),
            },
            ErrorReply::Redirect(redirect, slot, node) => Error::Redirected {
                script: name,
                redirect,
                slot,
                node: node.to_owned(),
                source: error,
            },
            ErrorReply::TryAgain => Error::TryAgain {
                script: name,
                source: error,
            },
            ErrorReply::ClusterDown => Error::ClusterDown {
                script: name,
                source: error,
            },
            ErrorReply::Refused => Error::Server {
                script: name,
                source: error,
            },
        }
    }
}

impl ScriptError {
    fn new(script: &Script, source: RedisError, raised: bool) -> Self {
        let code = source.code().unwrap_or("");
        let detail = source.detail().unwrap_or("");
        let location = script.location();
        if raised {
            let lua_line = lua_line(detail);
            return ScriptError {
                script: script.name(),
                code: code.to_owned(),
                message: strip_suffix(detail).to_owned(),
                returned: false,
                lua_line,
                file: location.file,
                line: lua_line.and_then(|l| script.source_line(l)),
                source,
            };
        }
        // redis-rs splits a reply at its first space into code and detail; a script's
        // own text need not start with a code (`no fields`): put it back together
        let text = if detail.is_empty() {
            code.to_owned()
        } else {
            format!("{code} {detail}")
        };
        let lua_line = literal_line(script.source(), &text);
        let (code, message) = if is_code(code) {
            (code.to_owned(), detail.to_owned())
        } else {
            (String::new(), text)
        };
        ScriptError {
            script: script.name(),
            code,
            message,
            returned: true,
            lua_line,
            file: location.file,
            line: lua_line.and_then(|l| script.source_line(l)),
            source,
        }
    }
}

/// True for an error code as Redis writes them: upper-case letters, digits, `_`.
fn is_code(word: &str) -> bool {
    !word.is_empty()
        && word.bytes().any(|b| b.is_ascii_uppercase())
        && word
            .bytes()
            .all(|b| b.is_ascii_uppercase() || b.is_ascii_digit() || b == b'_')
}

/// The Lua line of a run-time error, from Redis 7's `... on @user_script:3.` suffix
/// or Redis 6's `@user_script:3:` prefix.
fn lua_line(detail: &str) -> Option<u32> {
    let at = match detail.rfind("@user_script:") {
        Some(at) => at + "@user_script:".len(),
        None => detail.rfind("@user_function:")? + "@user_function:".len(),
    };
    let digits: String = detail[at..].chars().take_while(char::is_ascii_digit).collect();
    digits.parse().ok()
}

/// The line of the only string literal of `source` whose text is `text` (a returned
/// error's text appears so when the script wrote it out, e.g.
/// `redis.error_reply('no fields')`); `None` when there is none, or several.
fn literal_line(source: &str, text: &str) -> Option<u32> {
    if text.is_empty() || text.contains(['\'', '"', '\\', '\n']) {
        return None;
    }
    let mut found = None;
    for quote in ['\'', '"'] {
        let literal = format!("{quote}{text}{quote}");
        for (at, _) in source.match_indices(&literal) {
            if found.is_some() {
                return None;
            }
            let line = source[..at].bytes().filter(|&b| b == b'\n').count() + 1;
            found = u32::try_from(line).ok();
        }
    }
    found
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
        let ran = self.ran();
        match self {
            Error::Script(e) => fmt::Display::fmt(e, f),
            Error::Busy { script, .. } => write!(
                f,
                "script `{script}` did not run: Redis is busy running another script (BUSY); retry later or stop it with SCRIPT KILL"
            ),
            Error::Killed { script, .. } => write!(
                f,
                "script `{script}` was stopped by SCRIPT KILL before it wrote anything"
            ),
            Error::ReadOnly { script, source } if ran == Ran::Yes => write!(
                f,
                "script `{script}` ran on a read-only replica and a write in it was refused (READONLY); run scripts that may write on the primary: {source}"
            ),
            Error::ReadOnly { script, .. } => write!(
                f,
                "script `{script}` did not run: a read-only replica refused it (READONLY); scripts that may write must run on the primary"
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
            Error::NoScript { script, .. } => write!(
                f,
                "script `{script}` did not run: it is not loaded on the server (NOSCRIPT); call it directly, or `scripts::load_all` before sending `EVALSHA` in a pipeline"
            ),
            Error::NoFunction { script, .. } => write!(
                f,
                "function `{script}` did not run: the server has no such function (ERR Function not found); a direct call loads its library and sends the call again (up to three loads), so this comes from a pipeline, from a library that does not register it, or from a library deleted again after each load: load the library first with `LIBRARY.load(&mut con)` (`load_blocking`) or `scripts::load_all`"
            ),
            Error::Load { library, source } => {
                let detail = source.detail().unwrap_or("");
                if let Some(name) = detail
                    .strip_prefix("Function ")
                    .and_then(|rest| rest.strip_suffix(" already exists"))
                {
                    write!(
                        f,
                        "library `{library}` was not loaded: another library already registers a function `{name}`, and function names are one namespace across libraries; find it with `FUNCTION LIST`, then rename the function in one library or remove the other with `FUNCTION DELETE <library>` (versioned names, the default without `stable_names`, do not meet other libraries' names)"
                    )
                } else if source.code() == Some("READONLY") {
                    write!(
                        f,
                        "library `{library}` was not loaded: this server is a read-only replica; load it on the primary (`LIBRARY.load`), which replicates it: {source}"
                    )
                } else {
                    write!(f, "library `{library}` was not loaded (FUNCTION LOAD): {source}")
                }
            }
            Error::OutOfMemory { script, source } if ran == Ran::Yes => write!(
                f,
                "script `{script}` ran and a write in it was refused: the server is over `maxmemory` (OOM); writes made before it stay: {source}"
            ),
            Error::OutOfMemory { script, .. } => write!(
                f,
                "script `{script}` did not run: the server is over `maxmemory` (OOM); only `no-writes` scripts run until memory is freed"
            ),
            Error::Redirected {
                script,
                redirect,
                slot,
                node,
                ..
            } => {
                let code = match redirect {
                    Redirect::Moved => "MOVED",
                    Redirect::Ask => "ASK",
                };
                write!(
                    f,
                    "script `{script}` did not run: slot {slot} is served by {node} ({code}); call it through `scripts::cluster::AsyncClusterConnection` (or `ClusterConnection`), which follows redirects"
                )
            }
            Error::TryAgain { script, .. } => write!(
                f,
                "script `{script}` did not run: its keys are split by a slot migration in progress (TRYAGAIN); retry after a short wait"
            ),
            Error::ClusterDown { script, source } => write!(
                f,
                "script `{script}` did not run: the cluster cannot serve its slot (CLUSTERDOWN); retry once the cluster is healthy: {source}"
            ),
            Error::Timeout { script, source } => write!(
                f,
                "script `{script}`: no reply within the connection's response timeout, unknown whether it ran (it may still be running); raise the timeout above the script's run time: {source}"
            ),
            Error::Connection { script, source } if ran == Ran::No => {
                write!(
                    f,
                    "script `{script}` was not sent: the connection was refused: {source}"
                )
            }
            Error::Connection { script, source } => write!(
                f,
                "script `{script}`: the connection failed, unknown whether the script ran; check its effects before sending it again: {source}"
            ),
            Error::Unreachable { script, node, source } => write!(
                f,
                "script `{script}` was not sent: cannot connect to cluster node {node}: {source}"
            ),
            Error::Reply {
                script,
                expected,
                source,
            } => {
                write!(
                    f,
                    "script `{script}` ran but returned a reply that does not decode into `{}`: {source}",
                    crate::type_name::short(expected)
                )
            }
            Error::Server { script, source } if ran == Ran::Yes => write!(f, "script `{script}` failed: {source}"),
            Error::Server { script, source } => write!(f, "script `{script}` did not run: {source}"),
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
        let verb = if self.returned { "returned an error" } else { "failed" };
        write!(f, "script `{}` {verb}", self.script)?;
        match (self.line, self.lua_line) {
            (Some(line), Some(lua)) => write!(f, " at {}:{line} (lua line {lua})", self.file)?,
            (None, Some(lua)) => write!(f, " at lua line {lua}")?,
            _ => {}
        }
        write!(f, ": {}", self.text())
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

    #[test]
    fn codes_are_upper_case_words() {
        assert!(is_code("ERR") && is_code("APP_NOT_FOUND") && is_code("E2"));
        assert!(!is_code("no") && !is_code("") && !is_code("Err") && !is_code("42"));
    }

    #[test]
    fn a_returned_text_is_found_when_written_once() {
        let source = "if x then\n  return redis.error_reply('no fields')\nend\nreturn {err=\"other\"}";
        assert_eq!(literal_line(source, "no fields"), Some(2));
        assert_eq!(literal_line(source, "other"), Some(4));
        assert_eq!(literal_line("return 'a' .. 'a'", "a"), None, "twice: ambiguous");
        assert_eq!(literal_line(source, "missing"), None);
    }
}
