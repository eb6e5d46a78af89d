//! The async cluster wrapper: its socket calls (its own `MultiplexedConnection` to
//! each primary, tokio's timer), and what it implements.

use std::collections::HashMap;
use std::future::Future;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use redis::aio::MultiplexedConnection;
use redis::{Cmd, ErrorKind, IntoConnectionInfo, RedisError, RedisResult, Value};

use super::packed::{args_of, command_name, runs_script, script_slot};
use super::pipeline;
use super::routing::{self, AsyncSockets, Cluster, Routed};
use super::settings::{CONNECT_TIMEOUT, NodeSettings};
use super::slots::{lock, slots_command};
use crate::attempt::is_reply;
use crate::call::Call;
use crate::connection::AsyncConnection;
use crate::error::Result;
use crate::transport::Sent;

/// An async Redis Cluster connection that sends each script call at most once.
///
/// Wraps redis-rs's [`redis::cluster_async::ClusterConnection`]: plain commands and
/// pipelines go through it (it implements `aio::ConnectionLike`, so `AsyncCommands`
/// work on it), script calls, and pipelines holding them, go straight to the slot's
/// primary (see the [module docs](super)). Clones share the slot map and the node
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
    shared: Arc<Shared>,
}

/// The state shared by the clones of an [`AsyncClusterConnection`].
#[derive(Debug)]
struct Shared {
    cluster: Cluster,
    nodes: Mutex<Connections>,
}

impl Shared {
    fn new(settings: NodeSettings) -> Arc<Self> {
        Arc::new(Shared {
            cluster: Cluster::new(settings),
            nodes: Mutex::default(),
        })
    }
}

/// The wrapper's own connection to each node, with an id to tell a replaced one.
#[derive(Default)]
struct Connections {
    connections: HashMap<Arc<str>, (u64, MultiplexedConnection)>,
    next_id: u64,
}

impl std::fmt::Debug for Connections {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_set().entries(self.connections.keys()).finish()
    }
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
            shared: Shared::new(NodeSettings::new(node)?),
        })
    }

    /// How long a script call waits for its reply before failing with
    /// [`Error::Timeout`](crate::Error::Timeout) (unknown whether it ran):
    /// [`DEFAULT_RESPONSE_TIMEOUT`](super::DEFAULT_RESPONSE_TIMEOUT) (10 s) unless
    /// set; `None` waits as long as the connection lives. Set it above the run time
    /// of the slowest script. Pipelines that run scripts, and script commands built
    /// elsewhere, wait as long, and fail with redis-rs's timeout error.
    pub fn with_response_timeout(self, timeout: Option<Duration>) -> Self {
        let mut settings = self.shared.cluster.settings.clone();
        settings.response_timeout = timeout;
        AsyncClusterConnection {
            inner: self.inner,
            shared: Shared::new(settings),
        }
    }

    /// The wrapped redis-rs connection.
    pub fn inner(&mut self) -> &mut redis::cluster_async::ClusterConnection {
        &mut self.inner
    }

    /// The cluster as one request sees it.
    fn routed(&mut self) -> Routed<'_, Sockets<'_>> {
        Routed {
            cluster: &self.shared.cluster,
            sockets: Sockets {
                inner: &mut self.inner,
                shared: &self.shared,
            },
        }
    }
}

/// The async wrapper's socket calls, for one request.
struct Sockets<'c> {
    inner: &'c mut redis::cluster_async::ClusterConnection,
    shared: &'c Shared,
}

impl Sockets<'_> {
    /// This wrapper's connection to `node`, made when there is none.
    async fn connection(&self, node: &Arc<str>) -> RedisResult<(u64, MultiplexedConnection)> {
        if let Some((id, con)) = lock(&self.shared.nodes).connections.get(node) {
            return Ok((*id, con.clone()));
        }
        let settings = &self.shared.cluster.settings;
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

    /// After an error that is not the node's reply, the socket may be gone: drops
    /// the connection `id` to `node` (not a newer one another task made), so a later
    /// request connects again.
    fn forget_unless_reply<T>(&self, node: &Arc<str>, id: u64, result: &RedisResult<T>) {
        if let Err(error) = result
            && !is_reply(error)
        {
            let mut nodes = lock(&self.shared.nodes);
            if nodes.connections.get(node).is_some_and(|(current, _)| *current == id) {
                nodes.connections.remove(node);
            }
        }
    }
}

impl AsyncSockets for Sockets<'_> {
    type Pipeline = redis::Pipeline;

    fn read_slots(&mut self) -> impl Future<Output = RedisResult<Value>> + Send {
        let (cmd, routing) = slots_command();
        async move { self.inner.route_command(cmd, routing).await?.extract_error() }
    }

    async fn send(&mut self, node: &Arc<str>, cmd: &Cmd, asking: bool) -> Sent {
        let (id, mut con) = match self.connection(node).await {
            Ok(found) => found,
            Err(error) => return Sent::Unreachable(error),
        };
        let result = send(&mut con, cmd, asking).await;
        self.forget_unless_reply(node, id, &result);
        Sent::Done(result)
    }

    async fn send_pipeline(
        &mut self,
        node: &Arc<str>,
        pipeline: &redis::Pipeline,
        offset: usize,
        count: usize,
    ) -> Sent<Vec<Value>> {
        let (id, mut con) = match self.connection(node).await {
            Ok(found) => found,
            Err(error) => return Sent::Unreachable(error),
        };
        let result = redis::aio::ConnectionLike::req_packed_commands(&mut con, pipeline, offset, count).await;
        self.forget_unless_reply(node, id, &result);
        Sent::Done(result)
    }

    fn wait(&mut self, wait: Duration) -> impl Future<Output = ()> + Send {
        tokio::time::sleep(wait)
    }
}

/// Sends `cmd` (after `ASKING`, in one two-command pipeline, when `asking`) and
/// reads its reply.
async fn send(con: &mut MultiplexedConnection, cmd: &Cmd, asking: bool) -> RedisResult<Value> {
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
            Ok(Some(slot)) => Box::pin(routing::command_async(self.routed(), cmd, slot)),
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
            Ok(Some(slot)) => {
                let name_of = |index: usize| pipeline.cmd_iter().nth(index).and_then(command_name);
                Box::pin(pipeline::run_async(
                    self.routed(),
                    pipeline,
                    (offset, count),
                    slot,
                    name_of,
                ))
            }
            Err(error) => Box::pin(std::future::ready(Err(error))),
        }
    }

    fn get_db(&self) -> i64 {
        self.inner.get_db()
    }
}

/// Script calls go to the primary of their slot (see the [module docs](super)).
impl AsyncConnection for AsyncClusterConnection {
    fn is_cluster(&self) -> bool {
        true
    }

    fn run_call(&mut self, call: Call<'_>) -> impl Future<Output = Result<Value>> + Send {
        routing::call_async(self.routed(), call)
    }
}
