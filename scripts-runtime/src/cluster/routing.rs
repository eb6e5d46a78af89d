//! What the async and blocking cluster wrappers share around their socket calls:
//! the slot map and node settings they route with, the decision's redirects and
//! hints applied to them, and running a call or a script command built elsewhere
//! (the loops of `transport.rs`) over either wrapper's sockets.

use std::future::Future;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use redis::{Cmd, ErrorKind, RedisError, RedisResult, Value};

use super::settings::NodeSettings;
use super::slots::{Topology, lock, parse_slots};
use crate::attempt::Route;
use crate::call::Call;
use crate::error::Result;
use crate::transport::{self, AsyncNodes, BlockingNodes, Job, Nodes, Sent};

/// What a cluster wrapper knows of its cluster.
#[derive(Debug)]
pub(super) struct Cluster {
    /// How to reach each node.
    pub(super) settings: NodeSettings,
    /// Which primary serves each slot.
    topology: Mutex<Topology>,
}

impl Cluster {
    pub(super) fn new(settings: NodeSettings) -> Self {
        Cluster {
            settings,
            topology: Mutex::default(),
        }
    }

    fn needs_load(&self) -> bool {
        lock(&self.topology).needs_load()
    }

    /// Replaces the slot map with a `CLUSTER SLOTS` reply.
    fn load(&self, reply: Value) -> RedisResult<()> {
        let ranges = parse_slots(reply, self.settings.host())?;
        lock(&self.topology).load(ranges);
        Ok(())
    }

    /// The primary serving `slot` (any node for `None`).
    pub(super) fn node(&self, slot: Option<u16>) -> RedisResult<Arc<str>> {
        lock(&self.topology)
            .node(slot)
            .ok_or_else(|| RedisError::from((ErrorKind::ClusterConnectionNotFound, "CLUSTER SLOTS lists no node")))
    }

    /// `MOVED`: `node` serves `slot` now.
    pub(super) fn learn(&self, slot: u16, node: &str) {
        lock(&self.topology).set(slot, node);
    }

    /// Read the slot map again before the next request.
    pub(super) fn reload(&self) {
        lock(&self.topology).stale = true;
    }
}

/// A cluster as one request sees it: the wrapper's slot map, and its sockets `S`.
pub(super) struct Routed<'c, S> {
    pub(super) cluster: &'c Cluster,
    pub(super) sockets: S,
}

impl<S> Nodes for Routed<'_, S> {
    type Node = Arc<str>;

    fn check(&self, call: &Call<'_>) -> Result<()> {
        call.check_prefixes(Some(true))?;
        call.check_slots()
    }

    fn route(&self, job: &Job<'_>) -> Route {
        Route::Slot(job.slot())
    }

    fn redirect(&mut self, slot: u16, node: &str, moved: bool) -> Arc<str> {
        if moved {
            self.cluster.learn(slot, node);
        }
        node.into()
    }

    fn reload(&mut self) {
        self.cluster.reload();
    }

    fn name(node: &Arc<str>) -> String {
        node.to_string()
    }
}

/// The socket calls of the async wrapper, over its own connection to each node.
pub(super) trait AsyncSockets: Send {
    /// A pipeline as this wrapper is given it.
    type Pipeline: ?Sized + Sync;

    /// `CLUSTER SLOTS`, through the wrapped redis-rs connection (a read: redis-rs
    /// may re-send it harmlessly).
    fn read_slots(&mut self) -> impl Future<Output = RedisResult<Value>> + Send;

    /// Sends `cmd` to `node` once (after `ASKING`, in one two-command pipeline, when
    /// `asking`) and reads its reply; forgets the connection when the reply was lost.
    fn send(&mut self, node: &Arc<str>, cmd: &Cmd, asking: bool) -> impl Future<Output = Sent> + Send;

    /// Sends `pipeline` (its replies from `offset`, `count` of them) to `node` once.
    fn send_pipeline(
        &mut self,
        node: &Arc<str>,
        pipeline: &Self::Pipeline,
        offset: usize,
        count: usize,
    ) -> impl Future<Output = Sent<Vec<Value>>> + Send;

    /// Waits before sending again.
    fn wait(&mut self, wait: Duration) -> impl Future<Output = ()> + Send;
}

/// [`AsyncSockets`] without `.await`.
pub(super) trait BlockingSockets {
    /// A pipeline as this wrapper is given it.
    type Pipeline: ?Sized;

    /// See [`AsyncSockets::read_slots`].
    fn read_slots(&mut self) -> RedisResult<Value>;

    /// See [`AsyncSockets::send`].
    fn send(&mut self, node: &Arc<str>, cmd: &Cmd, asking: bool) -> Sent;

    /// See [`AsyncSockets::send_pipeline`].
    fn send_pipeline(
        &mut self,
        node: &Arc<str>,
        pipeline: &Self::Pipeline,
        offset: usize,
        count: usize,
    ) -> Sent<Vec<Value>>;

    /// See [`AsyncSockets::wait`].
    fn wait(&mut self, wait: Duration);
}

/// The slot a route names (`None`: any node).
fn slot_of(route: Route) -> Option<u16> {
    match route {
        Route::Slot(slot) => slot,
        Route::Node => None,
    }
}

impl<S: AsyncSockets> AsyncNodes for Routed<'_, S> {
    async fn first(&mut self, route: Route) -> RedisResult<Arc<str>> {
        if self.cluster.needs_load() {
            let reply = self.sockets.read_slots().await?;
            self.cluster.load(reply)?;
        }
        self.cluster.node(slot_of(route))
    }

    fn send<'a>(
        &'a mut self,
        node: &'a Arc<str>,
        cmd: &'a Cmd,
        asking: bool,
    ) -> impl Future<Output = Sent> + Send + 'a {
        self.sockets.send(node, cmd, asking)
    }

    fn wait(&mut self, wait: Duration) -> impl Future<Output = ()> + Send {
        self.sockets.wait(wait)
    }
}

impl<S: BlockingSockets> BlockingNodes for Routed<'_, S> {
    fn first(&mut self, route: Route) -> RedisResult<Arc<str>> {
        if self.cluster.needs_load() {
            let reply = self.sockets.read_slots()?;
            self.cluster.load(reply)?;
        }
        self.cluster.node(slot_of(route))
    }

    fn send(&mut self, node: &Arc<str>, cmd: &Cmd, asking: bool) -> Sent {
        self.sockets.send(node, cmd, asking)
    }

    fn wait(&mut self, wait: Duration) {
        self.sockets.wait(wait);
    }
}

/// Runs a script call on the primary of its slot (keys checked to share one slot
/// first).
pub(super) fn call_async<S: AsyncSockets>(
    nodes: Routed<'_, S>,
    call: Call<'_>,
) -> impl Future<Output = Result<Value>> + Send {
    transport::call_async(nodes, call)
}

/// [`call_async`] over blocking sockets.
pub(super) fn call_blocking<S: BlockingSockets>(nodes: Routed<'_, S>, call: Call<'_>) -> Result<Value> {
    transport::call_blocking(nodes, call)
}

/// Sends a script command built elsewhere (`redis::Script`, a hand-made `EVALSHA`)
/// to the primary of `slot`, redirects and `TRYAGAIN` followed as for calls, nothing
/// else sent again (its caller handles `NOSCRIPT`).
pub(super) fn command_async<'a, S: AsyncSockets + 'a>(
    nodes: Routed<'a, S>,
    cmd: &'a Cmd,
    slot: Option<u16>,
) -> impl Future<Output = RedisResult<Value>> + Send + 'a {
    transport::command_async(nodes, cmd, slot)
}

/// [`command_async`] over blocking sockets.
pub(super) fn command_blocking<S: BlockingSockets>(
    nodes: Routed<'_, S>,
    cmd: &Cmd,
    slot: Option<u16>,
) -> RedisResult<Value> {
    transport::command_blocking(nodes, cmd, slot)
}
