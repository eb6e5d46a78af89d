//! Redis Cluster connections on which each script call is sent at most once.
//!
//! redis-rs's cluster connections re-send a request when its connection drops or
//! times out, and on `TRYAGAIN`, `CLUSTERDOWN`, `LOADING`, `MASTERDOWN` or
//! `READONLY` replies, up to the client's `retries` (redis 1.8,
//! `cluster_handling/async_connection/request.rs` and `sync_connection/mod.rs`),
//! whether or not the server ran the request. For a script that means running it
//! twice. They also send the `ASKING` of an `ASK` redirect as a request of its own on
//! a connection shared by every task, so another task's request can consume it.
//!
//! The connections here wrap redis-rs's and route script calls themselves:
//!
//! - the slot map is read with `CLUSTER SLOTS` through the wrapped connection (a
//!   read: redis-rs may re-send it harmlessly), and kept up to date from `MOVED`;
//! - each call goes to the slot's primary over a connection to that node owned by
//!   this wrapper (a `MultiplexedConnection`, or a `redis::Connection` for the
//!   blocking one), made with the username, password, protocol and TLS settings of
//!   the node given at construction. Those connections never re-send anything;
//! - `MOVED` and `ASK` (checked to name the call's own slot) are followed, up to 5
//!   times: the node refused the call, nothing ran. After `ASK`, `ASKING` and the
//!   call go as one two-command pipeline on one connection, so no other request can
//!   come between them;
//! - `TRYAGAIN` (the server's exact text: the keys are split by a migration, nothing
//!   ran) is waited out up to 5 times, 25 ms doubling;
//! - `NOSCRIPT` (the server's exact text) is answered with one `EVAL`, as on any
//!   connection; a library function's `ERR Function not found`, with one
//!   `FUNCTION LOAD REPLACE` on that node and the same `FCALL` again;
//! - anything else is returned: a dropped connection or a timeout as
//!   [`Error::Connection`]/[`Error::Timeout`] (unknown whether it ran), a refusal
//!   with its typed error. Nothing is re-sent after a request may have reached a
//!   server.
//!
//! A script call waits for its reply up to [`DEFAULT_RESPONSE_TIMEOUT`] (10 s; see
//! `with_response_timeout`), then fails with [`Error::Timeout`]: unknown whether it ran.
//!
//! Script commands this crate did not build (`redis::Script`, a hand-made `EVALSHA`
//! or `FCALL`) go to their slot's primary the same way, redirects and `TRYAGAIN`
//! included, but with no `NOSCRIPT` fallback (the caller has its own) and with
//! redis-rs's error type. A pipeline (or transaction) that runs a script is sent
//! once, to the primary of its script calls' slot (their keys must
//! share one slot; other commands of the pipeline belong there too): again only
//! when every reply is the server's `MOVED` for that slot (nothing ran). When that
//! node refuses only some of its commands, the others ran, and the pipeline fails
//! with an error that says so rather than a `MOVED` callers would act on. Every
//! other command (plain commands and pipelines, `load_all`) goes through the
//! wrapped redis-rs connection unchanged, with its routing and retries, except that
//! the blocking wrapper refuses pipelines of plain commands, as redis-rs's blocking
//! cluster connection does.
//!
//! Script calls always run on primaries, `EVALSHA_RO` included.

use std::collections::HashMap;
use std::sync::{Arc, Mutex, PoisonError};
use std::time::Duration;

use redis::cluster_routing::{RoutingInfo, SingleNodeRoutingInfo};
use redis::{Cmd, ConnectionAddr, ConnectionInfo, ErrorKind, IntoConnectionInfo, RedisError, RedisResult, Value};

use crate::call::Call;
use crate::connection::{AsyncConnection, Connection};
use crate::error::{
    Error, Redirect, Result, is_function_not_found, is_noscript, is_tryagain, parse_redirect, raised_in_script,
};
use crate::slot::key_slot;

/// Redirects (`MOVED`, `ASK`) followed for one call before giving up.
const MAX_REDIRECTS: usize = 5;

/// `TRYAGAIN` replies waited out for one call.
const MAX_TRYAGAIN: u32 = 5;

/// The first wait after `TRYAGAIN`; each next one doubles (25 ms to 400 ms, 775 ms in all).
const TRYAGAIN_WAIT: Duration = Duration::from_millis(25);

/// How long connecting to a node may take (redis-rs's default for cluster nodes).
const CONNECT_TIMEOUT: Duration = Duration::from_secs(1);

/// How long a script call waits for its reply by default: above Redis's default
/// `busy-reply-threshold` (5 s), so a script stopped by `SCRIPT KILL` after it is
/// still reported as killed. Not unbounded, as redis-rs's `ClusterClient` default is:
/// under load, a request sent just as the peer closes the connection was seen to
/// never complete on a `MultiplexedConnection` without a response timeout (redis
/// 1.8.1; `tests/tests/at_most_once.rs` ran into it about once in ten runs on two
/// busy cores).
pub const DEFAULT_RESPONSE_TIMEOUT: Duration = Duration::from_secs(10);

/// Slots of a Redis Cluster.
const SLOTS: usize = 16384;

/// No node known for a slot.
const UNKNOWN: u16 = u16::MAX;

/// The packed `ASKING` command, sent before a call redirected by `ASK`.
const ASKING: &[u8] = b"*1\r\n$6\r\nASKING\r\n";

/// Which primary serves each slot, as far as known.
#[derive(Debug, Default)]
struct Topology {
    /// The index in `nodes` of each slot's primary; empty until first loaded.
    slots: Vec<u16>,
    /// Primaries as `host:port`.
    nodes: Vec<Arc<str>>,
    /// Reloaded before the next call (after a node could not be reached, or
    /// `CLUSTERDOWN`).
    stale: bool,
    /// Round-robin position for calls without keys (any node runs them).
    next: usize,
}

impl Topology {
    fn needs_load(&self) -> bool {
        self.slots.is_empty() || self.stale
    }

    /// The node serving `slot`; any node for a call without keys, or for a slot no
    /// node serves (that node answers `MOVED` or `CLUSTERDOWN`, the server's word).
    fn node(&mut self, slot: Option<u16>) -> Option<Arc<str>> {
        let known = slot
            .and_then(|slot| self.slots.get(usize::from(slot)))
            .and_then(|index| self.nodes.get(usize::from(*index)));
        if let Some(node) = known {
            return Some(node.clone());
        }
        if self.nodes.is_empty() {
            return None;
        }
        self.next = self.next.wrapping_add(1);
        Some(self.nodes[self.next % self.nodes.len()].clone())
    }

    /// `MOVED`: `slot` is now served by `node`.
    fn set(&mut self, slot: u16, node: &str) {
        if self.slots.len() != SLOTS {
            self.slots = vec![UNKNOWN; SLOTS];
        }
        let index = match self.nodes.iter().position(|n| &**n == node) {
            Some(index) => index,
            None => {
                self.nodes.push(node.into());
                self.nodes.len() - 1
            }
        };
        self.slots[usize::from(slot)] = u16::try_from(index).unwrap_or(UNKNOWN);
    }

    fn load(&mut self, ranges: Vec<(u16, u16, String)>) {
        let mut slots = vec![UNKNOWN; SLOTS];
        let mut nodes: Vec<Arc<str>> = Vec::new();
        for (start, end, node) in ranges {
            let index = match nodes.iter().position(|n| **n == *node) {
                Some(index) => index,
                None => {
                    nodes.push(node.into());
                    nodes.len() - 1
                }
            };
            let index = u16::try_from(index).unwrap_or(UNKNOWN);
            for slot in start..=end.min(SLOTS as u16 - 1) {
                slots[usize::from(slot)] = index;
            }
        }
        *self = Topology {
            slots,
            nodes,
            stale: false,
            next: self.next,
        };
    }
}

/// `CLUSTER SLOTS`, to read the slot map (routed to any node).
fn slots_command() -> (Cmd, RoutingInfo) {
    let mut cmd = redis::cmd("CLUSTER");
    cmd.arg("SLOTS");
    (cmd, RoutingInfo::SingleNode(SingleNodeRoutingInfo::Random))
}

/// The `CLUSTER SLOTS` reply as `(first slot, last slot, "host:port" of the primary)`.
/// A node that does not know its own address answers an empty host (or `?`): it is
/// then reached at `default_host`, as redis-rs does.
fn parse_slots(reply: Value, default_host: &str) -> RedisResult<Vec<(u16, u16, String)>> {
    let invalid = || RedisError::from((ErrorKind::Parse, "unexpected CLUSTER SLOTS reply"));
    let Value::Array(ranges) = reply else {
        return Err(invalid());
    };
    let mut out = Vec::with_capacity(ranges.len());
    for range in ranges {
        let Value::Array(range) = range else {
            return Err(invalid());
        };
        let (Some(Value::Int(start)), Some(Value::Int(end)), Some(Value::Array(primary))) =
            (range.first(), range.get(1), range.get(2))
        else {
            return Err(invalid());
        };
        let host = match primary.first() {
            Some(Value::BulkString(host)) => String::from_utf8_lossy(host).into_owned(),
            Some(Value::SimpleString(host)) => host.clone(),
            _ => return Err(invalid()),
        };
        let Some(Value::Int(port)) = primary.get(1) else {
            return Err(invalid());
        };
        let host = if host.is_empty() || host == "?" {
            default_host.to_owned()
        } else {
            host
        };
        let (Ok(start), Ok(end)) = (u16::try_from(*start), u16::try_from(*end)) else {
            return Err(invalid());
        };
        out.push((start, end, format!("{host}:{port}")));
    }
    Ok(out)
}

/// How to reach the nodes: the address of the node given at construction is
/// replaced by each node's, every other setting (credentials, protocol, TLS) kept.
#[derive(Clone, Debug)]
struct NodeSettings {
    template: ConnectionInfo,
    response_timeout: Option<Duration>,
}

impl NodeSettings {
    fn new(node: impl IntoConnectionInfo) -> RedisResult<Self> {
        let template = node.into_connection_info()?;
        if !matches!(template.addr(), ConnectionAddr::Tcp(..) | ConnectionAddr::TcpTls { .. }) {
            return Err(RedisError::from((
                ErrorKind::InvalidClientConfig,
                "a cluster node is reached over TCP: give its `redis://` (or `rediss://`) URL",
            )));
        }
        Ok(NodeSettings {
            template,
            response_timeout: Some(DEFAULT_RESPONSE_TIMEOUT),
        })
    }

    fn host(&self) -> &str {
        match self.template.addr() {
            ConnectionAddr::Tcp(host, _) | ConnectionAddr::TcpTls { host, .. } => host,
            _ => "",
        }
    }

    fn info(&self, node: &str) -> RedisResult<ConnectionInfo> {
        let invalid = || RedisError::from((ErrorKind::InvalidClientConfig, "invalid node address", node.to_owned()));
        let (host, port) = node.rsplit_once(':').ok_or_else(invalid)?;
        let port: u16 = port.parse().map_err(|_| invalid())?;
        let host = host.trim_start_matches('[').trim_end_matches(']').to_owned();
        let addr = match self.template.addr() {
            ConnectionAddr::TcpTls {
                insecure, tls_params, ..
            } => ConnectionAddr::TcpTls {
                host,
                port,
                insecure: *insecure,
                tls_params: tls_params.clone(),
            },
            _ => ConnectionAddr::Tcp(host, port),
        };
        Ok(self.template.clone().set_addr(addr))
    }
}

/// What one attempt of a call led to.
enum Step {
    /// Send again, to the node (and with `ASKING`) the attempts now name: the server
    /// refused the call, nothing ran.
    Again,
    /// Wait, then send again (`TRYAGAIN`).
    Wait(Duration),
    /// Send `EVAL` instead (`NOSCRIPT`), to the same node; for a library function,
    /// load the library on that node and send the same call (`Function not found`).
    Eval,
    /// Failed with the server's reply.
    Fail(RedisError),
}

/// Why one send of a command to a node brought no value.
enum Failed {
    /// No connection to the node could be made: nothing was sent.
    Unreachable(RedisError),
    /// The request may have reached the node; its reply was lost or timed out.
    Lost(RedisError),
    /// The node answered with an error.
    Refused(RedisError),
}

impl Failed {
    fn into_error(self) -> RedisError {
        match self {
            Failed::Unreachable(error) | Failed::Lost(error) | Failed::Refused(error) => error,
        }
    }
}

/// The progress of one call across attempts.
struct Attempts {
    slot: Option<u16>,
    /// Where the next attempt goes, and whether `ASKING` goes first.
    node: Arc<str>,
    asking: bool,
    redirects: usize,
    waits: u32,
    evalsha: bool,
}

impl Attempts {
    fn new(slot: Option<u16>, node: Arc<str>) -> Self {
        Attempts {
            slot,
            node,
            asking: false,
            redirects: 0,
            waits: 0,
            evalsha: true,
        }
    }

    /// What to do after the server's error reply `error` to a script call (the
    /// request reached a node and it answered: only its own refusals lead to another
    /// attempt).
    fn next(&mut self, call: &Call<'_>, error: RedisError, topology: &Mutex<Topology>) -> Step {
        let script = call.script();
        let missing = match script.function() {
            Some(_) => is_function_not_found(script, &error),
            None => is_noscript(&error),
        };
        if self.evalsha && missing {
            self.evalsha = false;
            return Step::Eval;
        }
        self.refused(error, topology)
    }

    /// What to do after the server's error reply `error` to a command: follow a
    /// redirect, wait out `TRYAGAIN`, or fail.
    fn refused(&mut self, error: RedisError, topology: &Mutex<Topology>) -> Step {
        let detail = error.detail().unwrap_or("");
        let redirect = match error.code() {
            Some("MOVED") => Some(Redirect::Moved),
            Some("ASK") => Some(Redirect::Ask),
            _ => None,
        };
        // a redirect is followed only when it names the call's own slot, as the
        // server's does: the node refused the call, nothing ran
        let target = match (redirect, self.slot) {
            (Some(_), Some(slot)) if !raised_in_script(detail) => parse_redirect(detail).filter(|(s, _)| *s == slot),
            _ => None,
        };
        if let (Some(redirect), Some((slot, target))) = (redirect, target)
            && self.redirects < MAX_REDIRECTS
        {
            self.redirects += 1;
            if redirect == Redirect::Moved {
                lock(topology).set(slot, target);
            }
            self.node = target.into();
            self.asking = redirect == Redirect::Ask;
            return Step::Again;
        }
        if is_tryagain(&error) && self.waits < MAX_TRYAGAIN {
            let wait = TRYAGAIN_WAIT * 2u32.pow(self.waits);
            self.waits += 1;
            return Step::Wait(wait);
        }
        if error.code() == Some("CLUSTERDOWN") {
            lock(topology).stale = true;
        }
        Step::Fail(error)
    }
}

fn lock<T>(mutex: &Mutex<T>) -> std::sync::MutexGuard<'_, T> {
    // the state stays consistent across a panic elsewhere: every update is one assignment
    mutex.lock().unwrap_or_else(PoisonError::into_inner)
}

/// True when the error is the server's reply (the request reached it and it
/// answered), false when the connection failed, timed out or could not be read.
fn is_reply(error: &RedisError) -> bool {
    matches!(error.kind(), ErrorKind::Server(_) | ErrorKind::Extension)
}

/// Sends `cmd` (after `ASKING`, in one two-command pipeline, when `asking`) and
/// reads its reply.
async fn send_async(con: &mut redis::aio::MultiplexedConnection, cmd: &Cmd, asking: bool) -> RedisResult<Value> {
    use redis::aio::ConnectionLike;
    if !asking {
        return con.req_packed_command(cmd).await.and_then(Value::extract_error);
    }
    let mut pipe = redis::pipe();
    pipe.cmd("ASKING").add_command(cmd.clone());
    match con.req_packed_commands(&pipe, 0, 2).await {
        Ok(mut replies) if replies.len() == 2 => replies.pop().map_or(Ok(Value::Nil), Value::extract_error),
        Ok(_) => Err(RedisError::from((
            ErrorKind::Parse,
            "ASKING pipeline: unexpected replies",
        ))),
        Err(e) => Err(e),
    }
}

/// The commands that run a script or a library function. Whoever sends them, the
/// wrappers send them at most once.
const SCRIPT_COMMANDS: &[&str] = &["EVAL", "EVALSHA", "EVAL_RO", "EVALSHA_RO", "FCALL", "FCALL_RO"];

/// True when `cmd` runs a script: checked before anything else, so plain commands
/// pass through without their arguments being collected.
fn runs_script(cmd: &Cmd) -> bool {
    matches!(cmd.args_iter().next(), Some(redis::Arg::Simple(name))
        if SCRIPT_COMMANDS.iter().any(|c| c.as_bytes().eq_ignore_ascii_case(name)))
}

/// The arguments of `cmd`, command name first.
fn args_of(cmd: &Cmd) -> Vec<&[u8]> {
    cmd.args_iter()
        .filter_map(|arg| match arg {
            redis::Arg::Simple(bytes) => Some(bytes),
            _ => None,
        })
        .collect()
}

/// The name `cmd` starts with.
fn command_name(cmd: &Cmd) -> Option<String> {
    match cmd.args_iter().next() {
        Some(redis::Arg::Simple(name)) => Some(String::from_utf8_lossy(name).into_owned()),
        _ => None,
    }
}

/// The commands of a packed request (`*<n>\r\n$<len>\r\n<bytes>\r\n...`, as redis-rs
/// writes a `Cmd` or a pipeline), each as its arguments; `None` when it is not that.
fn parse_packed(mut bytes: &[u8]) -> Option<Vec<Vec<&[u8]>>> {
    fn number(bytes: &mut &[u8], prefix: u8) -> Option<usize> {
        let end = bytes.windows(2).position(|w| w == b"\r\n")?;
        let (line, rest) = bytes.split_at(end);
        let (&first, digits) = line.split_first()?;
        if first != prefix {
            return None;
        }
        *bytes = &rest[2..];
        std::str::from_utf8(digits).ok()?.parse().ok()
    }
    let mut cmds = Vec::new();
    while !bytes.is_empty() {
        let count = number(&mut bytes, b'*')?;
        let mut args = Vec::with_capacity(count);
        for _ in 0..count {
            let len = number(&mut bytes, b'$')?;
            if bytes.len() < len + 2 || &bytes[len..len + 2] != b"\r\n" {
                return None;
            }
            args.push(&bytes[..len]);
            bytes = &bytes[len + 2..];
        }
        cmds.push(args);
    }
    Some(cmds)
}

/// The keys of a command when it runs a script (`EVALSHA <sha> <numkeys> <key>...`),
/// `None` for any other command.
fn script_keys<'a>(args: &[&'a [u8]]) -> Option<Vec<&'a [u8]>> {
    let name = std::str::from_utf8(args.first()?).ok()?;
    if !SCRIPT_COMMANDS.iter().any(|c| c.eq_ignore_ascii_case(name)) {
        return None;
    }
    let numkeys: usize = std::str::from_utf8(args.get(2)?).ok()?.parse().ok()?;
    Some(args.iter().skip(3).take(numkeys).copied().collect())
}

/// Where a request that runs scripts goes: `Ok(None)` when none of `cmds` runs a
/// script (redis-rs routes and retries it), else `Ok(Some(slot))`: the slot of the
/// script calls' keys, or, when they have none, of the first argument of the first
/// other command that has one (redis-rs routes a pipeline by its first key too), or
/// no slot (any node). Script calls whose keys hash to different slots are refused
/// before anything is sent: one node runs the whole request.
fn script_slot<'c>(cmds: impl Iterator<Item = Vec<&'c [u8]>>) -> RedisResult<Option<Option<u16>>> {
    let mut scripts = false;
    // the slot of the script calls' keys, and the first key seen in it
    let mut first: Option<(u16, &[u8])> = None;
    let mut other: Option<u16> = None;
    for cmd in cmds {
        let Some(keys) = script_keys(&cmd) else {
            if other.is_none()
                && let Some(key) = cmd.get(1)
            {
                other = Some(key_slot(key));
            }
            continue;
        };
        scripts = true;
        for key in keys {
            let slot = key_slot(key);
            match first {
                Some((first_slot, first_key)) if first_slot != slot => {
                    return Err(RedisError::from((
                        ErrorKind::Server(redis::ServerErrorKind::CrossSlot),
                        "the script calls of one pipeline must have all their keys in one hash slot (the cluster wrapper sends it once, to one node); nothing was sent: give the keys one hash tag, such as `{user42}`",
                        format!(
                            "`{}` is in slot {first_slot}, `{}` in slot {slot}",
                            String::from_utf8_lossy(first_key),
                            String::from_utf8_lossy(key)
                        ),
                    )));
                }
                Some(_) => {}
                None => first = Some((slot, key)),
            }
        }
    }
    let slot = first.map(|(slot, _)| slot);
    Ok(scripts.then_some(slot.or(other)))
}

/// When every reply of a pipeline is the server's `MOVED` for `slot` (the whole
/// pipeline went to a node that no longer serves it: nothing ran), the node to send
/// it to.
fn moved_whole(values: &[Value], slot: Option<u16>) -> Option<Arc<str>> {
    let mut target: Option<&str> = None;
    for value in values {
        let Value::ServerError(error) = value else { return None };
        let detail = error.details().unwrap_or("");
        if error.code() != "MOVED" || raised_in_script(detail) {
            return None;
        }
        let (moved, node) = parse_redirect(detail)?;
        if Some(moved) != slot || target.is_some_and(|t| t != node) {
            return None;
        }
        target = Some(node);
    }
    target.map(Into::into)
}

/// When some, but not all, replies of a pipeline are cluster refusals (`MOVED`,
/// `ASK`, `TRYAGAIN`, `CLUSTERDOWN`): the error to return instead of the replies.
/// Those commands belong to another slot and did not run, but the others did, script
/// calls included, and callers take these codes as "send again".
fn partly_refused(name_of: impl Fn(usize) -> Option<String>, values: &[Value]) -> Option<RedisError> {
    let refused = |value: &Value| {
        matches!(value, Value::ServerError(error)
            if matches!(error.code(), "MOVED" | "ASK" | "TRYAGAIN" | "CLUSTERDOWN")
                && !raised_in_script(error.details().unwrap_or("")))
    };
    let (index, Value::ServerError(error)) = values.iter().enumerate().find(|(_, v)| refused(v))? else {
        return None;
    };
    if values.iter().all(refused) {
        // nothing ran: the server's own replies say so, and sending again is safe
        return None;
    }
    let name = name_of(index).unwrap_or_default();
    Some(RedisError::from((
        ErrorKind::Client,
        "a pipeline with script calls ran on the node of their slot, which refused some of its other commands (they belong to another slot); the rest ran, script calls included: do not send it again, and keep every key of such a pipeline in one hash slot",
        format!(
            "command {} (`{name}`): {} {}",
            index + 1,
            error.code(),
            error.details().unwrap_or("")
        ),
    )))
}

/// What the replies of a pipeline that runs scripts lead to.
enum Settled {
    /// Every reply is the server's `MOVED` for the pipeline's slot: nothing ran, send
    /// it to this node.
    Resend(Arc<str>),
    /// Return this to the caller.
    Done(RedisResult<Vec<Value>>),
}

/// Settles the replies of a pipeline sent to the node of `slot` for the
/// `redirects`-th time (see [`moved_whole`] and [`partly_refused`]). Only a plain
/// pipeline (`offset` 0) shows each command's reply; a transaction's is its `EXEC`'s.
fn settle(
    values: Vec<Value>,
    slot: Option<u16>,
    offset: usize,
    redirects: usize,
    topology: &Mutex<Topology>,
    name_of: impl Fn(usize) -> Option<String>,
) -> Settled {
    if offset == 0
        && redirects < MAX_REDIRECTS
        && let Some(target) = moved_whole(&values, slot)
    {
        if let Some(slot) = slot {
            lock(topology).set(slot, &target);
        }
        return Settled::Resend(target);
    }
    learn_moves(&values, topology);
    if offset == 0
        && let Some(error) = partly_refused(name_of, &values)
    {
        return Settled::Done(Err(error));
    }
    Settled::Done(Ok(values))
}

/// Keeps the slot map up to date from the `MOVED` replies in a pipeline's replies.
fn learn_moves(values: &[Value], topology: &Mutex<Topology>) {
    for value in values {
        if let Value::ServerError(error) = value
            && error.code() == "MOVED"
            && let Some((slot, node)) = parse_redirect(error.details().unwrap_or(""))
        {
            lock(topology).set(slot, node);
        }
    }
}

/// The state shared by the clones of an [`AsyncClusterConnection`].
#[derive(Debug)]
struct AsyncShared {
    settings: NodeSettings,
    topology: Mutex<Topology>,
    nodes: Mutex<AsyncNodes>,
}

/// The runtime's own connection to each node, with an id to tell a replaced one.
#[derive(Default)]
struct AsyncNodes {
    connections: HashMap<Arc<str>, (u64, redis::aio::MultiplexedConnection)>,
    next_id: u64,
}

impl std::fmt::Debug for AsyncNodes {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_set().entries(self.connections.keys()).finish()
    }
}

/// An async Redis Cluster connection that sends each script call at most once.
///
/// Wraps redis-rs's [`redis::cluster_async::ClusterConnection`]: plain commands and
/// pipelines go through it (it implements `aio::ConnectionLike`, so `AsyncCommands`
/// work on it), script calls, and pipelines holding them, go straight to the slot's
/// primary (see the [module docs](self)). Clones share the slot map and the node
/// connections.
///
/// ```no_run
/// # async fn demo() -> redis::RedisResult<()> {
/// let mut con = scripts_runtime::cluster::AsyncClusterConnection::connect([
///     "redis://127.0.0.1:7000/",
///     "redis://127.0.0.1:7001/",
/// ])
/// .await?;
/// # Ok(()) }
/// ```
#[derive(Clone)]
pub struct AsyncClusterConnection {
    inner: redis::cluster_async::ClusterConnection,
    shared: Arc<AsyncShared>,
}

impl std::fmt::Debug for AsyncClusterConnection {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("AsyncClusterConnection")
            .field("shared", &self.shared)
            .finish_non_exhaustive()
    }
}

impl AsyncClusterConnection {
    /// Connects to the cluster through `nodes` (as `ClusterClient::new` does); the
    /// first node's settings (username, password, protocol, TLS) are used for the
    /// connections to every node.
    pub async fn connect<T: IntoConnectionInfo>(nodes: impl IntoIterator<Item = T>) -> RedisResult<Self> {
        let nodes = nodes
            .into_iter()
            .map(IntoConnectionInfo::into_connection_info)
            .collect::<RedisResult<Vec<_>>>()?;
        let first = nodes
            .first()
            .cloned()
            .ok_or_else(|| RedisError::from((ErrorKind::InvalidClientConfig, "give at least one cluster node")))?;
        let inner = redis::cluster::ClusterClient::new(nodes)?
            .get_async_connection()
            .await?;
        Self::new(inner, first)
    }

    /// Wraps a redis-rs cluster connection. `node` is any node's URL or
    /// `ConnectionInfo`: its username, password, protocol and TLS settings are used
    /// to connect to each node (its address is not).
    pub fn new(inner: redis::cluster_async::ClusterConnection, node: impl IntoConnectionInfo) -> RedisResult<Self> {
        Ok(AsyncClusterConnection {
            inner,
            shared: Arc::new(AsyncShared {
                settings: NodeSettings::new(node)?,
                topology: Mutex::default(),
                nodes: Mutex::default(),
            }),
        })
    }

    /// How long a script call waits for its reply before failing with
    /// [`Error::Timeout`] (unknown whether it ran): [`DEFAULT_RESPONSE_TIMEOUT`]
    /// (10 s) unless set; `None` waits as long as the connection lives. Set it above
    /// the run time of the slowest script. Pipelines that run scripts, and script
    /// commands built elsewhere, wait as long, and fail with redis-rs's timeout
    /// error.
    pub fn with_response_timeout(self, timeout: Option<Duration>) -> Self {
        let mut settings = self.shared.settings.clone();
        settings.response_timeout = timeout;
        AsyncClusterConnection {
            inner: self.inner,
            shared: Arc::new(AsyncShared {
                settings,
                topology: Mutex::default(),
                nodes: Mutex::default(),
            }),
        }
    }

    /// The wrapped redis-rs connection.
    pub fn inner(&mut self) -> &mut redis::cluster_async::ClusterConnection {
        &mut self.inner
    }

    /// Runs a script call (see the module docs).
    pub(crate) async fn run(&mut self, mut call: Call<'_>) -> Result<Value> {
        call.check_slots()?;
        let script = call.script();
        let node = self.node(call.slot()).await.map_err(|source| Error::Unreachable {
            script: script.name(),
            node: "any node (reading CLUSTER SLOTS)".to_owned(),
            source,
        })?;
        let mut attempts = Attempts::new(call.slot(), node);
        loop {
            let error = match self.send_to(&attempts.node, call.command(), attempts.asking).await {
                Ok(value) => return Ok(value),
                Err(Failed::Refused(error)) => error,
                Err(Failed::Unreachable(source)) => {
                    return Err(Error::Unreachable {
                        script: script.name(),
                        node: attempts.node.to_string(),
                        source,
                    });
                }
                Err(Failed::Lost(error)) => return Err(Error::from_redis(script, error)),
            };
            match attempts.next(&call, error, &self.shared.topology) {
                Step::Again => {}
                Step::Wait(wait) => tokio::time::sleep(wait).await,
                Step::Eval => match script.function() {
                    Some(function) => {
                        let library = function.library;
                        let loaded = self.send_to(&attempts.node, &library.load_command(), false).await;
                        library.loaded(loaded.map_err(Failed::into_error))?;
                    }
                    None => call = call.into_eval(),
                },
                Step::Fail(error) => return Err(Error::from_redis(script, error)),
            }
        }
    }

    /// Sends `cmd` to `node` once, over this wrapper's connection to it.
    async fn send_to(&self, node: &Arc<str>, cmd: &Cmd, asking: bool) -> std::result::Result<Value, Failed> {
        let (id, mut con) = self.connection(node).await.map_err(|error| {
            lock(&self.shared.topology).stale = true;
            Failed::Unreachable(error)
        })?;
        send_async(&mut con, cmd, asking).await.map_err(|error| {
            if is_reply(&error) {
                return Failed::Refused(error);
            }
            // the socket may be gone: a later call connects again
            self.forget(node, id);
            Failed::Lost(error)
        })
    }

    /// Sends a script command not built by this crate (`redis::Script`, a hand-made
    /// `EVALSHA`) to the slot's primary, once: redirects and `TRYAGAIN` are followed
    /// as for script calls, nothing else is sent again (the caller handles `NOSCRIPT`).
    async fn run_command(&mut self, cmd: &Cmd, slot: Option<u16>) -> RedisResult<Value> {
        let node = self.node(slot).await?;
        let mut attempts = Attempts::new(slot, node);
        loop {
            let error = match self.send_to(&attempts.node, cmd, attempts.asking).await {
                Ok(value) => return Ok(value),
                Err(Failed::Refused(error)) => error,
                Err(failed) => return Err(failed.into_error()),
            };
            match attempts.refused(error, &self.shared.topology) {
                Step::Again => {}
                Step::Wait(wait) => tokio::time::sleep(wait).await,
                Step::Eval => unreachable!("only `next` answers `Eval`"),
                Step::Fail(error) => return Err(error),
            }
        }
    }

    /// Sends a pipeline that runs scripts to the primary of `slot` (see
    /// [`script_slot`]), once. It is sent again only when every reply is the
    /// server's `MOVED` for that slot (nothing ran); when the node refused only some
    /// of its commands, the others ran and the error says so (see [`settle`]).
    async fn run_pipeline(
        &mut self,
        pipeline: &redis::Pipeline,
        offset: usize,
        count: usize,
        slot: Option<u16>,
    ) -> RedisResult<Vec<Value>> {
        let mut node = self.node(slot).await?;
        let mut redirects = 0;
        loop {
            let (id, mut con) = match self.connection(&node).await {
                Ok(found) => found,
                Err(error) => {
                    lock(&self.shared.topology).stale = true;
                    return Err(error);
                }
            };
            let values = match redis::aio::ConnectionLike::req_packed_commands(&mut con, pipeline, offset, count).await
            {
                Ok(values) => values,
                Err(error) => {
                    if is_reply(&error) {
                        // a transaction the node discarded (`EXECABORT`), maybe for a
                        // `MOVED`: read the slot map again before the next request
                        lock(&self.shared.topology).stale = true;
                    } else {
                        self.forget(&node, id);
                    }
                    return Err(error);
                }
            };
            let name_of = |index: usize| pipeline.cmd_iter().nth(index).and_then(command_name);
            match settle(values, slot, offset, redirects, &self.shared.topology, name_of) {
                Settled::Resend(target) => {
                    redirects += 1;
                    node = target;
                }
                Settled::Done(result) => return result,
            }
        }
    }

    /// The node serving `slot`, after loading the slot map when needed.
    async fn node(&mut self, slot: Option<u16>) -> RedisResult<Arc<str>> {
        if lock(&self.shared.topology).needs_load() {
            let (cmd, routing) = slots_command();
            let reply = self.inner.route_command(cmd, routing).await?.extract_error()?;
            let ranges = parse_slots(reply, self.shared.settings.host())?;
            lock(&self.shared.topology).load(ranges);
        }
        lock(&self.shared.topology)
            .node(slot)
            .ok_or_else(|| RedisError::from((ErrorKind::ClusterConnectionNotFound, "CLUSTER SLOTS lists no node")))
    }

    /// This wrapper's connection to `node`, made when there is none.
    async fn connection(&self, node: &Arc<str>) -> RedisResult<(u64, redis::aio::MultiplexedConnection)> {
        if let Some((id, con)) = lock(&self.shared.nodes).connections.get(node) {
            return Ok((*id, con.clone()));
        }
        let settings = &self.shared.settings;
        let config = redis::AsyncConnectionConfig::new()
            .set_connection_timeout(Some(CONNECT_TIMEOUT))
            .set_response_timeout(settings.response_timeout);
        let con = redis::Client::open(settings.info(node)?)?
            .get_multiplexed_async_connection_with_config(&config)
            .await?;
        let mut nodes = lock(&self.shared.nodes);
        // another task may have connected meanwhile: use that one, so concurrent
        // callers share one connection
        if let Some((id, existing)) = nodes.connections.get(node) {
            return Ok((*id, existing.clone()));
        }
        nodes.next_id += 1;
        let id = nodes.next_id;
        nodes.connections.insert(node.clone(), (id, con.clone()));
        Ok((id, con))
    }

    /// Drops the connection `id` to `node` (not a newer one another task made).
    fn forget(&self, node: &Arc<str>, id: u64) {
        let mut nodes = lock(&self.shared.nodes);
        if nodes.connections.get(node).is_some_and(|(current, _)| *current == id) {
            nodes.connections.remove(node);
        }
    }
}

/// Plain commands and pipelines go through redis-rs's cluster connection; a command
/// or pipeline that runs a script (`EVAL`, `EVALSHA`, `FCALL`, their `_RO` forms)
/// goes to its slot's primary over this wrapper's own connection, at most once.
impl redis::aio::ConnectionLike for AsyncClusterConnection {
    fn req_packed_command<'a>(&'a mut self, cmd: &'a Cmd) -> redis::RedisFuture<'a, Value> {
        if !runs_script(cmd) {
            return self.inner.req_packed_command(cmd);
        }
        match script_slot(std::iter::once(args_of(cmd))) {
            Ok(None) => self.inner.req_packed_command(cmd),
            Ok(Some(slot)) => Box::pin(self.run_command(cmd, slot)),
            Err(error) => Box::pin(std::future::ready(Err(error))),
        }
    }

    fn req_packed_commands<'a>(
        &'a mut self,
        pipeline: &'a redis::Pipeline,
        offset: usize,
        count: usize,
    ) -> redis::RedisFuture<'a, Vec<Value>> {
        if !pipeline.cmd_iter().any(runs_script) {
            return self.inner.req_packed_commands(pipeline, offset, count);
        }
        match script_slot(pipeline.cmd_iter().map(args_of)) {
            Ok(None) => self.inner.req_packed_commands(pipeline, offset, count),
            Ok(Some(slot)) => Box::pin(self.run_pipeline(pipeline, offset, count, slot)),
            Err(error) => Box::pin(std::future::ready(Err(error))),
        }
    }

    fn get_db(&self) -> i64 {
        self.inner.get_db()
    }
}

impl AsyncConnection for AsyncClusterConnection {
    fn is_cluster(&self) -> bool {
        true
    }

    fn __cluster(&mut self) -> Option<&mut AsyncClusterConnection> {
        Some(self)
    }
}

/// A blocking Redis Cluster connection that sends each script call at most once.
///
/// Wraps redis-rs's [`redis::cluster::ClusterConnection`] as
/// [`AsyncClusterConnection`] wraps the async one: plain commands go through it,
/// script calls straight to the slot's primary over this wrapper's own
/// `redis::Connection` to each node.
pub struct ClusterConnection {
    inner: redis::cluster::ClusterConnection,
    settings: NodeSettings,
    topology: Mutex<Topology>,
    connections: HashMap<Arc<str>, redis::Connection>,
}

impl std::fmt::Debug for ClusterConnection {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("ClusterConnection")
            .field("settings", &self.settings)
            .field("topology", &self.topology)
            .field("nodes", &self.connections.keys().collect::<Vec<_>>())
            .finish_non_exhaustive()
    }
}

impl ClusterConnection {
    /// Connects to the cluster through `nodes` (as `ClusterClient::new` does); the
    /// first node's settings are used for the connections to every node.
    pub fn connect<T: IntoConnectionInfo>(nodes: impl IntoIterator<Item = T>) -> RedisResult<Self> {
        let nodes = nodes
            .into_iter()
            .map(IntoConnectionInfo::into_connection_info)
            .collect::<RedisResult<Vec<_>>>()?;
        let first = nodes
            .first()
            .cloned()
            .ok_or_else(|| RedisError::from((ErrorKind::InvalidClientConfig, "give at least one cluster node")))?;
        let inner = redis::cluster::ClusterClient::new(nodes)?.get_connection()?;
        Self::new(inner, first)
    }

    /// Wraps a redis-rs cluster connection; `node` gives the settings for the
    /// connections to each node (see [`AsyncClusterConnection::new`]).
    pub fn new(inner: redis::cluster::ClusterConnection, node: impl IntoConnectionInfo) -> RedisResult<Self> {
        Ok(ClusterConnection {
            inner,
            settings: NodeSettings::new(node)?,
            topology: Mutex::default(),
            connections: HashMap::new(),
        })
    }

    /// How long a script call waits for its reply (see
    /// [`AsyncClusterConnection::with_response_timeout`]); 10 s by default.
    pub fn with_response_timeout(mut self, timeout: Option<Duration>) -> Self {
        self.settings.response_timeout = timeout;
        self.connections.clear();
        self
    }

    /// The wrapped redis-rs connection.
    pub fn inner(&mut self) -> &mut redis::cluster::ClusterConnection {
        &mut self.inner
    }

    /// Runs a script call (see the module docs).
    pub(crate) fn run(&mut self, mut call: Call<'_>) -> Result<Value> {
        call.check_slots()?;
        let script = call.script();
        let node = self.node(call.slot()).map_err(|source| Error::Unreachable {
            script: script.name(),
            node: "any node (reading CLUSTER SLOTS)".to_owned(),
            source,
        })?;
        let mut attempts = Attempts::new(call.slot(), node);
        loop {
            let error = match self.send_to(&attempts.node, call.command(), attempts.asking) {
                Ok(value) => return Ok(value),
                Err(Failed::Refused(error)) => error,
                Err(Failed::Unreachable(source)) => {
                    return Err(Error::Unreachable {
                        script: script.name(),
                        node: attempts.node.to_string(),
                        source,
                    });
                }
                Err(Failed::Lost(error)) => return Err(Error::from_redis(script, error)),
            };
            match attempts.next(&call, error, &self.topology) {
                Step::Again => {}
                Step::Wait(wait) => std::thread::sleep(wait),
                Step::Eval => match script.function() {
                    Some(function) => {
                        let library = function.library;
                        let loaded = self.send_to(&attempts.node, &library.load_command(), false);
                        library.loaded(loaded.map_err(Failed::into_error))?;
                    }
                    None => call = call.into_eval(),
                },
                Step::Fail(error) => return Err(Error::from_redis(script, error)),
            }
        }
    }

    /// Sends `cmd` to `node` once, over this wrapper's connection to it.
    fn send_to(&mut self, node: &Arc<str>, cmd: &Cmd, asking: bool) -> std::result::Result<Value, Failed> {
        let con = match self.connection(node) {
            Ok(con) => con,
            Err(error) => {
                lock(&self.topology).stale = true;
                return Err(Failed::Unreachable(error));
            }
        };
        send_blocking(con, cmd, asking).map_err(|error| {
            if is_reply(&error) {
                return Failed::Refused(error);
            }
            // after a dropped connection or a read timeout, the socket may still hold
            // a late reply: never read another reply from it
            self.connections.remove(node);
            Failed::Lost(error)
        })
    }

    /// Sends a script command not built by this crate to the slot's primary, once
    /// (see [`AsyncClusterConnection`]'s `run_command`).
    fn run_command(&mut self, cmd: &Cmd, slot: Option<u16>) -> RedisResult<Value> {
        let node = self.node(slot)?;
        let mut attempts = Attempts::new(slot, node);
        loop {
            let error = match self.send_to(&attempts.node, cmd, attempts.asking) {
                Ok(value) => return Ok(value),
                Err(Failed::Refused(error)) => error,
                Err(failed) => return Err(failed.into_error()),
            };
            match attempts.refused(error, &self.topology) {
                Step::Again => {}
                Step::Wait(wait) => std::thread::sleep(wait),
                Step::Eval => unreachable!("only `next` answers `Eval`"),
                Step::Fail(error) => return Err(error),
            }
        }
    }

    /// Sends a packed pipeline that runs scripts to the primary of `slot`, once (see
    /// [`AsyncClusterConnection`]'s `run_pipeline`).
    fn run_pipeline(
        &mut self,
        packed: &[u8],
        cmds: &[Vec<&[u8]>],
        offset: usize,
        count: usize,
        slot: Option<u16>,
    ) -> RedisResult<Vec<Value>> {
        let mut node = self.node(slot)?;
        let mut redirects = 0;
        loop {
            let con = match self.connection(&node) {
                Ok(con) => con,
                Err(error) => {
                    lock(&self.topology).stale = true;
                    return Err(error);
                }
            };
            let values = match redis::ConnectionLike::req_packed_commands(con, packed, offset, count) {
                Ok(values) => values,
                Err(error) => {
                    if is_reply(&error) {
                        lock(&self.topology).stale = true;
                    } else {
                        self.connections.remove(&node);
                    }
                    return Err(error);
                }
            };
            let name_of = |index: usize| {
                cmds.get(index)
                    .and_then(|cmd| cmd.first())
                    .map(|name| String::from_utf8_lossy(name).into_owned())
            };
            match settle(values, slot, offset, redirects, &self.topology, name_of) {
                Settled::Resend(target) => {
                    redirects += 1;
                    node = target;
                }
                Settled::Done(result) => return result,
            }
        }
    }

    fn node(&mut self, slot: Option<u16>) -> RedisResult<Arc<str>> {
        if lock(&self.topology).needs_load() {
            let (cmd, routing) = slots_command();
            let reply = self.inner.route_command(&cmd, routing)?.extract_error()?;
            let ranges = parse_slots(reply, self.settings.host())?;
            lock(&self.topology).load(ranges);
        }
        lock(&self.topology)
            .node(slot)
            .ok_or_else(|| RedisError::from((ErrorKind::ClusterConnectionNotFound, "CLUSTER SLOTS lists no node")))
    }

    fn connection(&mut self, node: &Arc<str>) -> RedisResult<&mut redis::Connection> {
        if !self.connections.contains_key(node) {
            let con = redis::Client::open(self.settings.info(node)?)?.get_connection_with_timeout(CONNECT_TIMEOUT)?;
            con.set_read_timeout(self.settings.response_timeout)?;
            con.set_write_timeout(self.settings.response_timeout)?;
            self.connections.insert(node.clone(), con);
        }
        Ok(self.connections.get_mut(node).expect("inserted above"))
    }
}

/// Sends `cmd` (after `ASKING`, in one write, when `asking`) and reads its reply.
fn send_blocking(con: &mut redis::Connection, cmd: &Cmd, asking: bool) -> RedisResult<Value> {
    use redis::ConnectionLike;
    if !asking {
        return con.req_command(cmd).and_then(Value::extract_error);
    }
    let mut packed = ASKING.to_vec();
    cmd.write_packed_command(&mut packed);
    let mut replies = con.req_packed_commands(&packed, 0, 2)?;
    match (replies.pop(), replies.pop()) {
        (Some(reply), Some(_asking)) => reply.extract_error(),
        _ => Err(RedisError::from((
            ErrorKind::Parse,
            "ASKING pipeline: unexpected replies",
        ))),
    }
}

/// Plain commands go through redis-rs's cluster connection; a command or pipeline
/// that runs a script goes to its slot's primary over this wrapper's own connection,
/// at most once. A pipeline of plain commands is refused, as redis-rs's blocking
/// cluster connection refuses it (use `redis::cluster::cluster_pipe()` on
/// [`inner`](ClusterConnection::inner)).
impl redis::ConnectionLike for ClusterConnection {
    fn req_packed_command(&mut self, cmd: &[u8]) -> RedisResult<Value> {
        let cmds = parse_packed(cmd).unwrap_or_default();
        match cmds.as_slice() {
            [one] => match script_slot(std::iter::once(one.clone()))? {
                Some(slot) => {
                    let mut built = Cmd::new();
                    for arg in one {
                        built.arg(*arg);
                    }
                    self.run_command(&built, slot)
                }
                None => self.inner.req_packed_command(cmd),
            },
            _ => self.inner.req_packed_command(cmd),
        }
    }

    fn req_packed_commands(&mut self, cmd: &[u8], offset: usize, count: usize) -> RedisResult<Vec<Value>> {
        let Some(cmds) = parse_packed(cmd) else {
            return self.inner.req_packed_commands(cmd, offset, count);
        };
        match script_slot(cmds.iter().cloned())? {
            Some(slot) => self.run_pipeline(cmd, &cmds, offset, count, slot),
            None => Err(RedisError::from((
                ErrorKind::Client,
                "This connection does not support pipelining.",
                "a blocking cluster connection runs pipelines only when they call scripts; use `redis::cluster::cluster_pipe()` on `inner()` for plain commands".to_owned(),
            ))),
        }
    }

    fn req_command(&mut self, cmd: &Cmd) -> RedisResult<Value> {
        if !runs_script(cmd) {
            return self.inner.req_command(cmd);
        }
        match script_slot(std::iter::once(args_of(cmd)))? {
            None => self.inner.req_command(cmd),
            Some(slot) => self.run_command(cmd, slot),
        }
    }

    fn get_db(&self) -> i64 {
        self.inner.get_db()
    }

    fn supports_pipelining(&self) -> bool {
        // pipelines that run scripts: `req_packed_commands` refuses the others
        true
    }

    fn check_connection(&mut self) -> bool {
        self.inner.check_connection()
    }

    fn is_open(&self) -> bool {
        self.inner.is_open()
    }
}

impl Connection for ClusterConnection {
    fn is_cluster(&self) -> bool {
        true
    }

    fn __cluster(&mut self) -> Option<&mut ClusterConnection> {
        Some(self)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn slot_ranges_are_read_from_cluster_slots() {
        let node = |host: &str, port| Value::Array(vec![Value::BulkString(host.into()), Value::Int(port)]);
        let reply = Value::Array(vec![
            Value::Array(vec![Value::Int(0), Value::Int(5460), node("10.0.0.1", 7000)]),
            Value::Array(vec![Value::Int(5461), Value::Int(16383), node("", 7001), node("r", 1)]),
        ]);
        let ranges = parse_slots(reply, "seed").unwrap();
        assert_eq!(
            ranges,
            [
                (0, 5460, "10.0.0.1:7000".to_owned()),
                (5461, 16383, "seed:7001".to_owned())
            ]
        );
        let mut topology = Topology::default();
        assert!(topology.needs_load());
        topology.load(ranges);
        assert_eq!(topology.node(Some(5460)).as_deref(), Some("10.0.0.1:7000"));
        assert_eq!(topology.node(Some(5461)).as_deref(), Some("seed:7001"));
        topology.set(5460, "10.0.0.9:7009");
        assert_eq!(topology.node(Some(5460)).as_deref(), Some("10.0.0.9:7009"));
        assert!(topology.node(None).is_some());
        assert!(parse_slots(Value::Int(1), "x").is_err());
    }

    #[test]
    fn script_commands_are_told_apart_and_routed_by_their_keys() {
        let evalsha = |keys: &[&str]| {
            let mut cmd = redis::cmd("evalsha");
            cmd.arg("0123").arg(keys.len()).arg(keys).arg("argument");
            cmd
        };
        let mut plain = redis::cmd("HINCRBY");
        plain.arg("other").arg("f").arg(1);
        assert_eq!(
            script_keys(&args_of(&evalsha(&["a", "b"]))),
            Some(vec![&b"a"[..], b"b"])
        );
        assert_eq!(script_keys(&args_of(&plain)), None);
        let mut fcall = redis::cmd("FCALL_RO");
        fcall.arg("f").arg(0);
        assert_eq!(script_keys(&args_of(&fcall)), Some(vec![]));

        // no script: redis-rs's path
        assert_eq!(script_slot([&plain].into_iter().map(args_of)).unwrap(), None);
        // the script calls' keys decide, whatever comes first
        let slot = key_slot(b"{q}");
        let calls = [plain.clone(), evalsha(&["x{q}"]), evalsha(&["y{q}", "z{q}"])];
        assert_eq!(script_slot(calls.iter().map(args_of)).unwrap(), Some(Some(slot)));
        // key-less script calls follow the first other command with an argument
        assert_eq!(
            script_slot([&fcall, &plain].into_iter().map(args_of)).unwrap(),
            Some(Some(key_slot(b"other")))
        );
        assert_eq!(script_slot([&fcall].into_iter().map(args_of)).unwrap(), Some(None));
        // script calls in two slots: refused
        let error = script_slot([evalsha(&["a{1}"]), evalsha(&["a{2}"])].iter().map(args_of)).unwrap_err();
        assert_eq!(error.kind(), ErrorKind::Server(redis::ServerErrorKind::CrossSlot));
    }

    #[test]
    fn packed_requests_read_back_as_their_commands() {
        let mut pipe = redis::pipe();
        pipe.cmd("EVALSHA").arg("0123").arg(1).arg("a{q}").arg("").cmd("PING");
        let packed = pipe.get_packed_pipeline();
        let cmds = parse_packed(&packed).unwrap();
        assert_eq!(
            cmds,
            [vec![&b"EVALSHA"[..], b"0123", b"1", b"a{q}", b""], vec![&b"PING"[..]]]
        );
        assert_eq!(script_slot(cmds.into_iter()).unwrap(), Some(Some(key_slot(b"{q}"))));
        let one = redis::cmd("GET").arg("k").get_packed_command();
        assert_eq!(parse_packed(&one).unwrap(), [vec![&b"GET"[..], b"k"]]);
        // not what redis-rs writes: left to redis-rs
        assert_eq!(parse_packed(b"PING\r\n"), None);
        assert_eq!(parse_packed(b"*1\r\n$4\r\nPIN"), None);
        assert_eq!(parse_packed(b"*1\r\n$x\r\n"), None);
    }

    #[test]
    fn a_pipeline_is_sent_again_only_when_every_reply_is_moved_for_its_slot() {
        // a server's error reply, as a pipeline holds it
        let reply = |text: &str| redis::parse_redis_value(format!("-{text}\r\n").as_bytes()).unwrap();
        let moved = reply("MOVED 42 10.0.0.2:7002");
        assert_eq!(
            moved_whole(&[moved.clone(), moved.clone()], Some(42)).as_deref(),
            Some("10.0.0.2:7002")
        );
        assert_eq!(moved_whole(&[moved.clone(), Value::Int(1)], Some(42)), None, "one ran");
        assert_eq!(
            moved_whole(std::slice::from_ref(&moved), Some(43)),
            None,
            "another slot"
        );
        assert_eq!(moved_whole(&[reply("ASK 42 10.0.0.2:7002")], Some(42)), None);
        assert_eq!(moved_whole(&[], Some(42)), None);
        // some refused, some ran: an error that says so, not a `MOVED` to act on
        let mut pipe = redis::pipe();
        pipe.cmd("EVALSHA").arg("0123").arg(1).arg("a{42}").cmd("INCR").arg("b");
        let pipe = |index: usize| pipe.cmd_iter().nth(index).and_then(command_name);
        let error = partly_refused(pipe, &[Value::Int(1), moved.clone()]).unwrap();
        assert_eq!(error.kind(), ErrorKind::Client);
        assert!(
            error.to_string().contains("command 2 (`INCR`): MOVED 42 10.0.0.2:7002"),
            "{error}"
        );
        assert!(
            partly_refused(pipe, &[moved.clone(), moved.clone()]).is_none(),
            "nothing ran"
        );
        assert!(partly_refused(pipe, &[Value::Int(1), Value::Int(2)]).is_none());
        let topology = Mutex::new(Topology::default());
        learn_moves(&[Value::Int(1), moved], &topology);
        assert_eq!(lock(&topology).node(Some(42)).as_deref(), Some("10.0.0.2:7002"));
    }

    #[test]
    fn node_settings_keep_everything_but_the_address() {
        let settings = NodeSettings::new("redis://user:secret@seed:7000/").unwrap();
        let info = settings.info("10.0.0.2:7002").unwrap();
        assert_eq!(info.addr(), &ConnectionAddr::Tcp("10.0.0.2".to_owned(), 7002));
        assert_eq!(info.redis_settings().password(), Some("secret"));
        assert_eq!(info.redis_settings().username(), Some("user"));
        assert!(settings.info("no-port").is_err());
        assert!(NodeSettings::new("redis+unix:///tmp/redis.sock").is_err());
    }
}
