//! The at-most-once decision, with no I/O: given what was sent and what came back,
//! the next step. Every transport (one node or a cluster, async or blocking) is a
//! loop around [`Attempt::next`] that only sends what it says, in the style of
//! quinn-proto and rustls.
//!
//! Whether a script ran is read from facts of the reply, never from its error code
//! alone:
//!
//! - an error the server raises *while running* a script (a Lua error, a failing
//!   `redis.call`, `error(...)`) ends with `script: <sha1>, on @user_script:<line>.`
//!   (Redis 7; Redis 6 starts it with `Error running script (call to f_<sha1>)`);
//! - an error the server replies *instead of running* a script (`NOSCRIPT`, `BUSY`,
//!   `OOM`, `MOVED`, ...) has no such suffix, and is one of the fixed texts below;
//! - an error the script *returns* (`redis.error_reply(...)`, `{err = ...}`) arrives
//!   verbatim, without the suffix: anything that is not a refusal text is the
//!   script's. Only a script returning the server's exact text could pass for a
//!   refusal: the checker's `server_error_code` lint rejects scripts that return the
//!   codes the server refuses with (see `docs/lints.md`).
//!
//! Only the server's own refusals lead to another attempt: `NOSCRIPT` (one `EVAL`),
//! `ERR Function not found` (a `FUNCTION LOAD`, then the call again; up to 3 loads),
//! and on a cluster `MOVED`/`ASK` naming the request's slot and `TRYAGAIN`. A request that may
//! have reached a server and brought no reply is never sent again.

use std::fmt;
use std::time::Duration;

use redis::{ErrorKind, RedisError, RedisResult, Value};

/// Redirects (`MOVED`, `ASK`) followed for one request before giving up.
pub(crate) const MAX_REDIRECTS: u8 = 5;

/// `TRYAGAIN` replies waited out for one request.
pub(crate) const MAX_TRYAGAIN: u8 = 5;

/// The first wait after `TRYAGAIN`; each next one doubles (25 ms to 400 ms, 775 ms in all).
pub(crate) const TRYAGAIN_WAIT: Duration = Duration::from_millis(25);

/// Library loads for one function call. `ERR Function not found` proves the call
/// did not run, after a load as before one: the library was deleted between the
/// load and the call (a `FUNCTION FLUSH` or another build's load on the same
/// server). Bounded, as a library that does not register the function (or keeps
/// being deleted) must end in an error.
pub(crate) const MAX_LOADS: u8 = 3;

/// Whether a failed call ran the script, as far as the failure shows.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Ran {
    /// The server ran the script, which then failed, returned an error or replied
    /// something the return type does not take. Redis does not roll a script back:
    /// what it wrote before failing stays written. Do not send it again blindly.
    Yes,
    /// The script did not run: nothing was sent, or the server's own reply refused
    /// the call before running it. Sending it again is safe.
    No,
    /// The request may have reached the server but no reply came back (the
    /// connection dropped, or the response timeout passed): the script may have run
    /// (and may still be running). Check its effects before sending it again.
    Unknown,
}

impl fmt::Display for Ran {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            Ran::Yes => "the script ran",
            Ran::No => "the script did not run",
            Ran::Unknown => "unknown whether the script ran",
        })
    }
}

/// Which cluster redirect a node answered.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Redirect {
    /// `MOVED`: the slot belongs to another node for good.
    Moved,
    /// `ASK`: the slot is migrating and this key is on the importing node.
    Ask,
}

/// What was sent.
// pipelines and commands built elsewhere are sent by the cluster transports only
#[cfg_attr(not(feature = "cluster"), allow(dead_code))]
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Request {
    /// A script call this crate built: `EVALSHA` first, `EVAL` once after the
    /// server's `NOSCRIPT`.
    Script,
    /// A library function call (`FCALL`): after the server's `ERR Function not
    /// found`, the library is loaded and the call sent again (up to [`MAX_LOADS`]
    /// loads).
    Function,
    /// A pipeline holding script calls, one reply per command.
    Pipeline,
    /// A transaction (`MULTI` ... `EXEC`) holding script calls: `EXEC`'s replies.
    Transaction,
    /// A script command built elsewhere (`redis::Script`, a hand-made `EVALSHA`):
    /// its caller recovers from `NOSCRIPT` itself.
    Foreign,
}

/// Where a request goes.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Route {
    /// The one server behind a connection: redirects are not followed.
    Node,
    /// The primary serving a cluster slot (`None`: a request without keys, any
    /// node runs it).
    Slot(Option<u16>),
}

/// What came back for one send.
// pipelines and commands built elsewhere are sent by the cluster transports only
#[cfg_attr(not(feature = "cluster"), allow(dead_code))]
#[derive(Clone, Copy, Debug)]
pub(crate) enum Came<'a> {
    /// A reply that is not an error.
    Reply,
    /// A pipeline's or transaction's replies, errors among them.
    Replies(&'a [Value]),
    /// The server's error reply: its code and the rest of its text.
    Error { code: &'a str, detail: &'a str },
    /// No reply: the connection dropped, timed out or could not be read after the
    /// request may have been written.
    Lost,
    /// Nothing was sent: no connection could be made, or the client refused the
    /// request before writing it.
    NotSent,
}

impl<'a> Came<'a> {
    /// What a failed send brought back (see [`Came`]).
    pub(crate) fn of_error(error: &'a RedisError) -> Self {
        if error.is_timeout() {
            return Came::Lost;
        }
        if is_reply(error) {
            return Came::Error {
                code: error.code().unwrap_or(""),
                detail: error.detail().unwrap_or(""),
            };
        }
        if error.is_connection_refusal() {
            return Came::NotSent;
        }
        let lost = error.is_io_error() || error.is_connection_dropped() || error.kind() == ErrorKind::Parse;
        // anything else was refused by the client before sending (configuration,
        // authentication)
        if lost { Came::Lost } else { Came::NotSent }
    }

    /// What one send of a command brought back (its reply's top-level error
    /// already extracted).
    pub(crate) fn of(result: &'a RedisResult<Value>) -> Self {
        match result {
            Ok(_) => Came::Reply,
            Err(error) => Came::of_error(error),
        }
    }
}

/// True when the error is the server's reply (the request reached it and it
/// answered), false when the connection failed, timed out or could not be read.
pub(crate) fn is_reply(error: &RedisError) -> bool {
    matches!(error.kind(), ErrorKind::Server(_) | ErrorKind::Extension)
}

/// What to do next.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Step<'a> {
    /// Return the reply: done.
    Return,
    /// Send the call as `EVAL`, to the same node: the server lacks the script, the
    /// call did not run.
    Eval,
    /// Load the function's library on the same node (`FUNCTION LOAD REPLACE`): the
    /// server has no such function, the call did not run (up to [`MAX_LOADS`]
    /// times).
    Load,
    /// The library is loaded: send the call again.
    Again,
    /// Send the same request to `node` (after `ASKING` when `asking`): the node
    /// refused it, nothing ran. After `MOVED` (`asking` false) the slot map learns
    /// that `node` serves `slot`.
    Redirect {
        /// The request's slot.
        slot: u16,
        /// `host:port`.
        node: &'a str,
        /// `ASK`: `ASKING` and the request go as one two-command pipeline.
        asking: bool,
    },
    /// Wait, then send the same request to the same node (`TRYAGAIN`: nothing ran).
    Wait(Duration),
    /// Give up with what came back, which tells whether the script ran; read the
    /// cluster's slot map again before the next request when `reload`.
    Fail {
        /// Whether the script ran.
        ran: Ran,
        /// The slot map may be stale.
        reload: bool,
    },
}

/// Where a call is in its at-most-once recovery.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Phase {
    /// The request as built.
    First,
    /// `EVAL` after `NOSCRIPT`: no other fallback.
    Eval,
    /// `FUNCTION LOAD` after `Function not found`.
    Loading,
    /// The call again after the load.
    Loaded,
}

/// One request across its attempts: what was sent, where, and what it has been
/// through (redirects, waits, fallback).
#[derive(Clone, Copy, Debug)]
pub(crate) struct Attempt {
    request: Request,
    route: Route,
    phase: Phase,
    redirects: u8,
    waits: u8,
    loads: u8,
}

impl Attempt {
    /// The first attempt of `request` on `route`.
    pub(crate) fn new(request: Request, route: Route) -> Self {
        Attempt {
            request,
            route,
            phase: Phase::First,
            redirects: 0,
            waits: 0,
            loads: 0,
        }
    }

    /// True while the library load is what goes next (after [`Step::Load`], until
    /// its reply comes back).
    pub(crate) fn loading(&self) -> bool {
        self.phase == Phase::Loading
    }

    /// The next step after `came` came back for the last send.
    pub(crate) fn next<'a>(&mut self, came: Came<'a>) -> Step<'a> {
        let cluster = matches!(self.route, Route::Slot(_));
        if self.phase == Phase::Loading {
            // the load's own reply: the call did not run whatever the load did
            return match came {
                Came::Reply => {
                    self.phase = Phase::Loaded;
                    Step::Again
                }
                _ => Step::Fail {
                    ran: Ran::No,
                    reload: false,
                },
            };
        }
        let (code, detail) = match came {
            Came::Reply => return Step::Return,
            Came::Replies(values) => return self.settle(values),
            Came::Lost => {
                return Step::Fail {
                    ran: Ran::Unknown,
                    reload: false,
                };
            }
            Came::NotSent => {
                return Step::Fail {
                    ran: Ran::No,
                    reload: cluster,
                };
            }
            Came::Error { code, detail } => (code, detail),
        };
        let said = ErrorReply::read(code, detail);
        // a pipeline is sent again only on its replies (see `settle`); an error for
        // the whole of it (a discarded transaction) may come from a slot that moved,
        // so the slot map is read again
        let whole = matches!(self.request, Request::Pipeline | Request::Transaction);
        match (self.request, self.phase, said) {
            (Request::Script, Phase::First, ErrorReply::NoScript) => {
                self.phase = Phase::Eval;
                return Step::Eval;
            }
            (Request::Function, Phase::First | Phase::Loaded, ErrorReply::NoFunction) if self.loads < MAX_LOADS => {
                self.loads += 1;
                self.phase = Phase::Loading;
                return Step::Load;
            }
            _ => {}
        }
        if let ErrorReply::Redirect(redirect, slot, node) = said
            && self.route == Route::Slot(Some(slot))
            && self.redirects < MAX_REDIRECTS
            && !whole
        {
            // a redirect is followed only when it names the request's own slot, as
            // the server's does: the node refused it, nothing ran
            self.redirects += 1;
            return Step::Redirect {
                slot,
                node,
                asking: redirect == Redirect::Ask,
            };
        }
        if said == ErrorReply::TryAgain && cluster && self.waits < MAX_TRYAGAIN && !whole {
            let wait = TRYAGAIN_WAIT * 2u32.pow(u32::from(self.waits));
            self.waits += 1;
            return Step::Wait(wait);
        }
        let ran = match (self.request, said) {
            // the node discarded the whole transaction (a queued command was
            // refused, e.g. `MOVED`): nothing in it ran
            (Request::Transaction, ErrorReply::Returned) if code == "EXECABORT" => Ran::No,
            _ => said.ran(),
        };
        Step::Fail {
            ran,
            reload: cluster && (said == ErrorReply::ClusterDown || whole),
        }
    }

    /// The step after a pipeline's replies: sent to the slot's node again only when
    /// every reply is that node's `MOVED` for the slot (nothing ran); a failure when
    /// some, not all, of its commands were refused by the cluster (the others ran,
    /// and the refusals would read as "send again"); else the replies.
    fn settle<'a>(&mut self, values: &'a [Value]) -> Step<'a> {
        if self.request == Request::Transaction {
            // `EXEC`'s replies: the transaction ran
            return Step::Return;
        }
        if let Some((slot, node)) = moved_whole(values)
            && self.route == Route::Slot(Some(slot))
            && self.redirects < MAX_REDIRECTS
        {
            self.redirects += 1;
            return Step::Redirect {
                slot,
                node,
                asking: false,
            };
        }
        let refused = values.iter().filter(|v| cluster_refusal(v).is_some()).count();
        if refused > 0 && refused < values.len() {
            return Step::Fail {
                ran: Ran::Yes,
                reload: false,
            };
        }
        Step::Return
    }
}

/// When every reply of a pipeline is the server's `MOVED` to one node for one slot:
/// that slot and node.
fn moved_whole(values: &[Value]) -> Option<(u16, &str)> {
    let mut target = None;
    for value in values {
        match cluster_refusal(value)? {
            ErrorReply::Redirect(Redirect::Moved, slot, node) if target.is_none_or(|t| t == (slot, node)) => {
                target = Some((slot, node));
            }
            _ => return None,
        }
    }
    target
}

/// A pipeline reply that is the cluster's refusal of its command (`MOVED`, `ASK`,
/// `TRYAGAIN`, `CLUSTERDOWN`: a key of another slot, or a slot in flux): that
/// command did not run.
pub(crate) fn cluster_refusal(value: &Value) -> Option<ErrorReply<'_>> {
    let Value::ServerError(error) = value else {
        return None;
    };
    let said = ErrorReply::read(error.code(), error.details().unwrap_or(""));
    matches!(
        said,
        ErrorReply::Redirect(..) | ErrorReply::TryAgain | ErrorReply::ClusterDown
    )
    .then_some(said)
}

/// What a server's error reply is, read from its text: a refusal (nothing ran), an
/// error raised while the script ran, or one it returned.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum ErrorReply<'a> {
    /// Raised while the script ran (the server's suffix): it ran.
    Raised,
    /// `SCRIPT KILL` stopped the script while it ran: it ran, and wrote nothing.
    Killed,
    /// Any other text: the script returned it, so it ran.
    Returned,
    /// `NOSCRIPT`: the server lacks the script.
    NoScript,
    /// `ERR Function not found`: no library registers the function.
    NoFunction,
    /// `BUSY`: another script is running.
    Busy,
    /// `OOM`: over `maxmemory`.
    OutOfMemory,
    /// `READONLY`: a replica refused a write.
    ReadOnly,
    /// `CROSSSLOT`: the keys hash to several slots.
    CrossSlot,
    /// `MOVED` or `ASK` to a node for a slot.
    Redirect(Redirect, u16, &'a str),
    /// `TRYAGAIN`: the keys are split by a migration.
    TryAgain,
    /// `CLUSTERDOWN`: the cluster is down or the slot not served.
    ClusterDown,
    /// Another refusal (`LOADING`, `MASTERDOWN`, `NOPERM`, a compile error, ...).
    Refused,
}

impl<'a> ErrorReply<'a> {
    /// Reads the server's error reply `code detail` (redis-rs splits it at the first
    /// space). Refusals are the server's texts of Redis 6.2 to 7.4 (`src/server.c`
    /// shared errors, `src/cluster.c`, `src/eval.c`, `src/script.c`,
    /// `src/functions.c`) and Valkey 8 (which says `Valkey` where Redis says
    /// `Redis`). A script that returns the same code with other words
    /// (`redis.error_reply('BUSY later')`) has run, and is not mistaken for one.
    pub(crate) fn read(code: &str, detail: &'a str) -> Self {
        if raised_in_script(detail) {
            return if code == "ERR" && detail.starts_with("Script killed by user") {
                ErrorReply::Killed
            } else {
                ErrorReply::Raised
            };
        }
        let starts = |prefixes: &[&str]| prefixes.iter().any(|p| detail.starts_with(p));
        match code {
            "NOSCRIPT" if is_noscript_text(detail) => ErrorReply::NoScript,
            "ERR" if detail == FUNCTION_NOT_FOUND => ErrorReply::NoFunction,
            "BUSY" if starts(&["Redis is busy running", "Valkey is busy running"]) => ErrorReply::Busy,
            "OOM"
                if starts(&[
                    "command not allowed when used memory > 'maxmemory'",
                    "allow-oom flag is not set on the script",
                ]) =>
            {
                ErrorReply::OutOfMemory
            }
            "READONLY" if starts(&["You can't write against a read only"]) => ErrorReply::ReadOnly,
            "CROSSSLOT" if detail == "Keys in request don't hash to the same slot" => ErrorReply::CrossSlot,
            "MOVED" | "ASK" => match parse_redirect(detail) {
                Some((slot, node)) => {
                    let redirect = if code == "ASK" { Redirect::Ask } else { Redirect::Moved };
                    ErrorReply::Redirect(redirect, slot, node)
                }
                None => ErrorReply::Returned,
            },
            "TRYAGAIN" if detail == TRYAGAIN_TEXT => ErrorReply::TryAgain,
            "CLUSTERDOWN" if starts(&["The cluster is down", "Hash slot not served"]) => ErrorReply::ClusterDown,
            "LOADING" if starts(&["Redis is loading the dataset", "Valkey is loading the dataset"]) => {
                ErrorReply::Refused
            }
            "MASTERDOWN" if starts(&["Link with MASTER is down"]) => ErrorReply::Refused,
            "NOREPLICAS" if starts(&["Not enough good replicas"]) => ErrorReply::Refused,
            "MISCONF"
                if starts(&[
                    "Redis is configured to save RDB snapshots",
                    "Valkey is configured to save RDB snapshots",
                    "Errors writing to the AOF file",
                ]) =>
            {
                ErrorReply::Refused
            }
            "NOPERM" if detail.contains("has no permissions to") => ErrorReply::Refused,
            "NOAUTH" if starts(&["Authentication required"]) => ErrorReply::Refused,
            "ERR" if is_refusal_text(detail) => ErrorReply::Refused,
            _ => ErrorReply::Returned,
        }
    }

    /// Whether the script ran, by this reply.
    pub(crate) fn ran(self) -> Ran {
        match self {
            ErrorReply::Raised | ErrorReply::Killed | ErrorReply::Returned => Ran::Yes,
            _ => Ran::No,
        }
    }
}

/// The exact texts of the server's own `NOSCRIPT` reply: Redis 2.6 to 7.4, then
/// Valkey 8. Only these make a call fall back to `EVAL`: a script that returned
/// `NOSCRIPT ...` has run, and must not run again.
fn is_noscript_text(detail: &str) -> bool {
    matches!(detail, "No matching script. Please use EVAL." | "No matching script.")
}

/// The detail of the server's reply to `FCALL` of a function no library registers
/// (src/functions.c). A function returning that text has run; the
/// `server_error_code` lint keeps libraries from doing so.
const FUNCTION_NOT_FOUND: &str = "Function not found";

/// The detail of the server's `TRYAGAIN` (src/cluster.c).
const TRYAGAIN_TEXT: &str = "Multiple keys request during rehashing of slot";

/// True when the server raised the error while running a script: Redis 7 ends it
/// with `script: <sha1 or name>, on @user_script:<line>.`, Redis 6 starts it with
/// `Error running script (call to f_<sha1>)`.
pub(crate) fn raised_in_script(detail: &str) -> bool {
    if detail.starts_with("Error running script (call to f_") {
        return true;
    }
    let Some((_, tail)) = detail.rsplit_once(" script: ") else {
        return false;
    };
    // `@user_function:` for the functions of a library
    let Some((_, at)) = tail
        .split_once(", on @user_script:")
        .or_else(|| tail.split_once(", on @user_function:"))
    else {
        return false;
    };
    at.strip_suffix('.')
        .is_some_and(|line| !line.is_empty() && line.bytes().all(|b| b.is_ascii_digit()))
}

/// `12182 127.0.0.1:7001` (the detail of `MOVED`/`ASK`) -> slot and node.
fn parse_redirect(detail: &str) -> Option<(u16, &str)> {
    let (slot, node) = detail.split_once(' ')?;
    let slot = slot.parse::<u16>().ok().filter(|slot| *slot < 16384)?;
    let (_, port) = node.rsplit_once(':')?;
    port.parse::<u16>().ok()?;
    Some((slot, node))
}

/// `ERR` replies with which the server refuses a script call before running it
/// (src/eval.c, src/server.c, src/script.c of Redis 6.2 to 7.4; Valkey 8 words them
/// the same). Any other unsuffixed `ERR` was returned by the script.
fn is_refusal_text(detail: &str) -> bool {
    const PREFIXES: &[&str] = &[
        "Error compiling script",
        "Number of keys can't be greater than number of args",
        "Number of keys can't be negative",
        "value is not an integer or out of range",
        "unknown command",
        "wrong number of arguments",
        "Can not run script on cluster, 'no-cluster' flag is set",
        "Can not execute a script with write flag using *_ro command",
        "Invalid script shebang",
        "Unexpected engine in script shebang",
        "Unknown lua shebang option",
        "Unexpected flag in script shebang",
        "max number of clients reached",
        "Protocol error",
    ];
    PREFIXES.iter().any(|prefix| detail.starts_with(prefix))
}

#[cfg(test)]
mod tests;
