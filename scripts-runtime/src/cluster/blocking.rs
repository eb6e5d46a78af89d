//! The blocking cluster wrapper: its socket calls (its own `redis::Connection` to
//! each primary, the thread's sleep), and what it implements.

use std::collections::HashMap;
use std::sync::Arc;
use std::time::Duration;

use redis::{Cmd, ErrorKind, IntoConnectionInfo, RedisError, RedisResult, Value};

use super::packed::{args_of, parse_packed, runs_script, script_slot};
use super::pipeline;
use super::routing::{self, BlockingSockets, Cluster, Routed};
use super::settings::{CONNECT_TIMEOUT, NodeSettings};
use super::slots::slots_command;
use crate::attempt::is_reply;
use crate::call::Call;
use crate::connection::Connection;
use crate::error::Result;
use crate::transport::Sent;

/// The packed `ASKING` command, sent before a call redirected by `ASK`.
const ASKING: &[u8] = b"*1\r\n$6\r\nASKING\r\n";

/// A blocking Redis Cluster connection that sends each script call at most once.
///
/// Wraps redis-rs's [`redis::cluster::ClusterConnection`] as
/// [`AsyncClusterConnection`](super::AsyncClusterConnection) wraps the async one:
/// plain commands go through it, script calls straight to the slot's primary over
/// this wrapper's own `redis::Connection` to each node.
pub struct ClusterConnection {
    inner: redis::cluster::ClusterConnection,
    cluster: Cluster,
    connections: HashMap<Arc<str>, redis::Connection>,
}

impl std::fmt::Debug for ClusterConnection {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("ClusterConnection")
            .field("cluster", &self.cluster)
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
    /// connections to each node (see
    /// [`AsyncClusterConnection::new`](super::AsyncClusterConnection::new)).
    pub fn new(inner: redis::cluster::ClusterConnection, node: impl IntoConnectionInfo) -> RedisResult<Self> {
        Ok(ClusterConnection {
            inner,
            cluster: Cluster::new(NodeSettings::new(node)?),
            connections: HashMap::new(),
        })
    }

    /// How long a script call waits for its reply (see
    /// [`AsyncClusterConnection::with_response_timeout`](super::AsyncClusterConnection::with_response_timeout));
    /// 10 s by default.
    pub fn with_response_timeout(mut self, timeout: Option<Duration>) -> Self {
        self.cluster.settings.response_timeout = timeout;
        self.connections.clear();
        self
    }

    /// The wrapped redis-rs connection.
    pub fn inner(&mut self) -> &mut redis::cluster::ClusterConnection {
        &mut self.inner
    }

    /// The cluster as one request sees it.
    fn routed(&mut self) -> Routed<'_, Sockets<'_>> {
        Routed {
            cluster: &self.cluster,
            sockets: Sockets {
                inner: &mut self.inner,
                settings: &self.cluster.settings,
                connections: &mut self.connections,
            },
        }
    }
}

/// The blocking wrapper's socket calls, for one request.
struct Sockets<'c> {
    inner: &'c mut redis::cluster::ClusterConnection,
    settings: &'c NodeSettings,
    connections: &'c mut HashMap<Arc<str>, redis::Connection>,
}

impl Sockets<'_> {
    /// This wrapper's connection to `node`, made when there is none.
    fn connection(&mut self, node: &Arc<str>) -> RedisResult<&mut redis::Connection> {
        if !self.connections.contains_key(node) {
            let con = redis::Client::open(self.settings.info(node)?)?.get_connection_with_timeout(CONNECT_TIMEOUT)?;
            con.set_read_timeout(self.settings.response_timeout)?;
            con.set_write_timeout(self.settings.response_timeout)?;
            self.connections.insert(node.clone(), con);
        }
        Ok(self.connections.get_mut(node).expect("inserted above"))
    }

    /// After a dropped connection or a read timeout, the socket may still hold a
    /// late reply: never read another reply from it.
    fn forget_unless_reply<T>(&mut self, node: &Arc<str>, result: &RedisResult<T>) {
        if let Err(error) = result
            && !is_reply(error)
        {
            self.connections.remove(node);
        }
    }
}

impl BlockingSockets for Sockets<'_> {
    type Pipeline = [u8];

    fn read_slots(&mut self) -> RedisResult<Value> {
        let (cmd, routing) = slots_command();
        self.inner.route_command(&cmd, routing)?.extract_error()
    }

    fn send(&mut self, node: &Arc<str>, cmd: &Cmd, asking: bool) -> Sent {
        let con = match self.connection(node) {
            Ok(con) => con,
            Err(error) => return Sent::Unreachable(error),
        };
        let result = send(con, cmd, asking);
        self.forget_unless_reply(node, &result);
        Sent::Done(result)
    }

    fn send_pipeline(&mut self, node: &Arc<str>, packed: &[u8], offset: usize, count: usize) -> Sent<Vec<Value>> {
        let con = match self.connection(node) {
            Ok(con) => con,
            Err(error) => return Sent::Unreachable(error),
        };
        let result = redis::ConnectionLike::req_packed_commands(con, packed, offset, count);
        self.forget_unless_reply(node, &result);
        Sent::Done(result)
    }

    fn wait(&mut self, wait: Duration) {
        std::thread::sleep(wait);
    }
}

/// Sends `cmd` (after `ASKING`, in one write, when `asking`) and reads its reply.
fn send(con: &mut redis::Connection, cmd: &Cmd, asking: bool) -> RedisResult<Value> {
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
                    routing::command_blocking(self.routed(), &built, slot)
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
            Some(slot) => {
                let name_of = |index: usize| {
                    cmds.get(index)
                        .and_then(|cmd| cmd.first())
                        .map(|name| String::from_utf8_lossy(name).into_owned())
                };
                pipeline::run_blocking(self.routed(), cmd, (offset, count), slot, name_of)
            }
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
            Some(slot) => routing::command_blocking(self.routed(), cmd, slot),
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

/// Script calls go to the primary of their slot (see the [module docs](super)).
impl Connection for ClusterConnection {
    fn is_cluster(&self) -> bool {
        true
    }

    fn run_call(&mut self, call: Call<'_>) -> Result<Value> {
        routing::call_blocking(self.routed(), call)
    }
}
