//! The loop every transport runs around the decision ([`Attempt`]): send what it
//! says, where it says, feed back what came, until it returns or gives up. What a
//! send does (one connection, or a cluster's nodes) is the transport's
//! ([`AsyncNodes`], [`BlockingNodes`]); the async and blocking loops are twins that
//! differ only in `.await`.

use std::future::Future;
use std::time::Duration;

use redis::{Cmd, RedisError, RedisResult, Value};

use crate::attempt::{Attempt, Came, Request, Route, Step};
use crate::call::Call;
use crate::error::{Error, Result};
use crate::library::Library;
use crate::script::Script;

/// What one send brought back: a reply, or a pipeline's replies.
// pipelines and commands built elsewhere are sent by the cluster transports only
#[cfg_attr(not(feature = "cluster"), allow(dead_code))]
pub(crate) enum Sent<T = Value> {
    /// The node's reply (its top-level error reply extracted), or why none came.
    Done(RedisResult<T>),
    /// No connection to the node could be made: nothing was sent.
    Unreachable(RedisError),
}

impl Sent {
    fn came(&self) -> Came<'_> {
        match self {
            Sent::Done(result) => Came::of(result),
            Sent::Unreachable(_) => Came::NotSent,
        }
    }

    /// What the job ends with, once the decision returns or gives up: what came
    /// back for the last send (`loading`: the library load), sent to `node`.
    fn finish(self, loading: bool, node: impl FnOnce() -> String) -> Result<Value, Failure> {
        match self {
            Sent::Done(Ok(value)) => Ok(value),
            Sent::Done(Err(source)) if loading => Err(Failure::Load(source)),
            Sent::Done(Err(source)) => Err(Failure::Request(source)),
            Sent::Unreachable(source) => Err(Failure::Unreachable { node: node(), source }),
        }
    }
}

/// What a transport runs: a call this crate built, or a script command built
/// elsewhere (`redis::Script`, a hand-made `EVALSHA`) for a slot.
// pipelines and commands built elsewhere are sent by the cluster transports only
#[cfg_attr(not(feature = "cluster"), allow(dead_code))]
pub(crate) enum Job<'c> {
    /// A script or library function call.
    Call(Call<'c>),
    /// A script command built elsewhere, and the slot of its keys.
    Foreign(&'c Cmd, Option<u16>),
}

impl Job<'_> {
    fn request(&self) -> Request {
        match self {
            Job::Call(call) if call.script().function().is_some() => Request::Function,
            Job::Call(_) => Request::Script,
            Job::Foreign(..) => Request::Foreign,
        }
    }

    /// The slot of the job's keys; `None` without keys.
    #[cfg_attr(not(feature = "cluster"), allow(dead_code))]
    pub(crate) fn slot(&self) -> Option<u16> {
        match self {
            Job::Call(call) => call.slot(),
            Job::Foreign(_, slot) => *slot,
        }
    }

    fn command(&self) -> &Cmd {
        match self {
            Job::Call(call) => call.command(),
            Job::Foreign(cmd, _) => cmd,
        }
    }

    fn library(&self) -> Option<&'static Library> {
        match self {
            Job::Call(call) => call.script().function().map(|function| function.library),
            Job::Foreign(..) => None,
        }
    }
}

/// Why a job failed: what the caller's error is made of.
pub(crate) enum Failure {
    /// No connection to `node` could be made: nothing was sent.
    Unreachable {
        /// `host:port`, or where the slot map was read.
        node: String,
        /// The connection error.
        source: RedisError,
    },
    /// Loading the function's library failed: the call did not run.
    Load(RedisError),
    /// What came back for the request itself.
    Request(RedisError),
}

impl Failure {
    /// The failure of a call of `script`, typed.
    pub(crate) fn into_error(self, script: &Script) -> Error {
        match self {
            Failure::Unreachable { node, source } => Error::Unreachable {
                script: script.name(),
                node,
                source,
            },
            Failure::Load(source) => match script.function() {
                Some(function) => Error::load(function.library, source),
                None => Error::from_redis(script, source),
            },
            Failure::Request(source) => Error::from_redis(script, source),
        }
    }

    /// The failure of a command built elsewhere, as redis-rs reports errors.
    #[cfg_attr(not(feature = "cluster"), allow(dead_code))]
    pub(crate) fn into_redis(self) -> RedisError {
        match self {
            Failure::Unreachable { source, .. } | Failure::Load(source) | Failure::Request(source) => source,
        }
    }
}

/// Where a transport's requests go, and what it learns from redirects.
pub(crate) trait Nodes {
    /// A node (`()` for the one server behind a connection).
    type Node: Send + Sync;

    /// What is checked before a call is sent (its prefix keys; on a cluster, that
    /// its keys share one slot).
    fn check(&self, call: &Call<'_>) -> Result<()>;

    /// Where `job` goes, as the decision sees it.
    fn route(&self, job: &Job<'_>) -> Route;

    /// The node a redirect names; after `MOVED` (`moved`) the slot map learns that
    /// it serves `slot`.
    fn redirect(&mut self, slot: u16, node: &str, moved: bool) -> Self::Node;

    /// The slot map may be stale: read it again before the next request.
    fn reload(&mut self);

    /// The node's name, for errors.
    fn name(node: &Self::Node) -> String;
}

/// The async I/O of a transport.
pub(crate) trait AsyncNodes: Nodes + Send {
    /// The node serving `route` (reading the slot map first when needed).
    fn first(&mut self, route: Route) -> impl Future<Output = RedisResult<Self::Node>> + Send;

    /// Sends `cmd` to `node` once (after `ASKING`, as one two-command pipeline,
    /// when `asking`) and reads its reply.
    fn send<'a>(
        &'a mut self,
        node: &'a Self::Node,
        cmd: &'a Cmd,
        asking: bool,
    ) -> impl Future<Output = Sent> + Send + 'a;

    /// Waits before sending again.
    fn wait(&mut self, wait: Duration) -> impl Future<Output = ()> + Send;
}

/// The blocking I/O of a transport: [`AsyncNodes`] without `.await`.
pub(crate) trait BlockingNodes: Nodes {
    /// See [`AsyncNodes::first`].
    fn first(&mut self, route: Route) -> RedisResult<Self::Node>;

    /// See [`AsyncNodes::send`].
    fn send(&mut self, node: &Self::Node, cmd: &Cmd, asking: bool) -> Sent;

    /// See [`AsyncNodes::wait`].
    fn wait(&mut self, wait: Duration);
}

/// Where the slot map is read, for [`Failure::Unreachable`].
const READING_SLOTS: &str = "any node (reading CLUSTER SLOTS)";

// The entry points below are plain functions returning an `async` block over
// their arguments, not `async fn`s: an `async fn` holds its arguments twice (as
// arguments, then as the locals it moves them into), and the size of a call's
// future is a cost of every call in flight (BENCHMARKS.md, section 1).

/// Runs a call over `nodes`: checked, then sent as the decision says.
#[allow(clippy::manual_async_fn)]
pub(crate) fn call_async<N: AsyncNodes>(mut nodes: N, call: Call<'_>) -> impl Future<Output = Result<Value>> + Send {
    let script = call.script();
    let mut job = Job::Call(call);
    async move {
        if let Job::Call(call) = &job {
            nodes.check(call)?;
        }
        drive_async(&mut nodes, &mut job)
            .await
            .map_err(|failure| failure.into_error(script))
    }
}

/// Runs a script command built elsewhere over `nodes` (see [`Job::Foreign`]).
#[allow(clippy::manual_async_fn)]
#[cfg(feature = "cluster")]
pub(crate) fn command_async<'a, N: AsyncNodes + 'a>(
    mut nodes: N,
    cmd: &'a Cmd,
    slot: Option<u16>,
) -> impl Future<Output = RedisResult<Value>> + Send + 'a {
    async move {
        drive_async(&mut nodes, &mut Job::Foreign(cmd, slot))
            .await
            .map_err(Failure::into_redis)
    }
}

/// The loop: sends `job` over `nodes` as the decision says.
async fn drive_async<N: AsyncNodes>(nodes: &mut N, job: &mut Job<'_>) -> Result<Value, Failure> {
    let route = nodes.route(job);
    let mut attempt = Attempt::new(job.request(), route);
    let mut node = nodes.first(route).await.map_err(|source| Failure::Unreachable {
        node: READING_SLOTS.to_owned(),
        source,
    })?;
    let mut asking = false;
    loop {
        let loading = attempt.loading();
        let sent = match job.library() {
            // rare (the server lacked the function): boxed, so the future of every
            // call does not carry the load command
            Some(library) if loading => Box::pin(load_async(nodes, &node, library)).await,
            _ => nodes.send(&node, job.command(), asking).await,
        };
        match attempt.next(sent.came()) {
            Step::Return => return sent.finish(loading, || N::name(&node)),
            Step::Eval => job.fall_back_to_eval(),
            Step::Load | Step::Again => {}
            Step::Redirect {
                slot,
                node: to,
                asking: ask,
            } => {
                node = nodes.redirect(slot, to, !ask);
                asking = ask;
            }
            Step::Wait(wait) => nodes.wait(wait).await,
            Step::Fail { reload, .. } => {
                if reload {
                    nodes.reload();
                }
                return sent.finish(loading, || N::name(&node));
            }
        }
    }
}

/// Sends `FUNCTION LOAD REPLACE` of `library` to `node`.
async fn load_async<N: AsyncNodes>(nodes: &mut N, node: &N::Node, library: &Library) -> Sent {
    nodes.send(node, &library.load_command(), false).await
}

/// [`call_async`] over blocking I/O.
pub(crate) fn call_blocking<N: BlockingNodes>(mut nodes: N, call: Call<'_>) -> Result<Value> {
    nodes.check(&call)?;
    let script = call.script();
    drive_blocking(&mut nodes, &mut Job::Call(call)).map_err(|failure| failure.into_error(script))
}

/// [`command_async`] over blocking I/O.
#[cfg(feature = "cluster")]
pub(crate) fn command_blocking<N: BlockingNodes>(mut nodes: N, cmd: &Cmd, slot: Option<u16>) -> RedisResult<Value> {
    drive_blocking(&mut nodes, &mut Job::Foreign(cmd, slot)).map_err(Failure::into_redis)
}

/// [`drive_async`] over blocking I/O.
fn drive_blocking<N: BlockingNodes>(nodes: &mut N, job: &mut Job<'_>) -> Result<Value, Failure> {
    let route = nodes.route(job);
    let mut attempt = Attempt::new(job.request(), route);
    let mut node = nodes.first(route).map_err(|source| Failure::Unreachable {
        node: READING_SLOTS.to_owned(),
        source,
    })?;
    let mut asking = false;
    loop {
        let loading = attempt.loading();
        let sent = match job.library() {
            Some(library) if loading => nodes.send(&node, &library.load_command(), false),
            _ => nodes.send(&node, job.command(), asking),
        };
        match attempt.next(sent.came()) {
            Step::Return => return sent.finish(loading, || N::name(&node)),
            Step::Eval => job.fall_back_to_eval(),
            Step::Load | Step::Again => {}
            Step::Redirect {
                slot,
                node: to,
                asking: ask,
            } => {
                node = nodes.redirect(slot, to, !ask);
                asking = ask;
            }
            Step::Wait(wait) => nodes.wait(wait),
            Step::Fail { reload, .. } => {
                if reload {
                    nodes.reload();
                }
                return sent.finish(loading, || N::name(&node));
            }
        }
    }
}

impl Job<'_> {
    fn fall_back_to_eval(&mut self) {
        if let Job::Call(call) = self {
            call.fall_back_to_eval();
        }
    }
}
