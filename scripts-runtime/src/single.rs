//! The single-node transport: a call goes to the one server behind a connection
//! (redis-rs's `MultiplexedConnection`, `ConnectionManager`, `Connection`, which
//! never send a request twice by themselves), redirects are not followed.

use std::future::Future;
use std::time::Duration;

use futures_util::FutureExt;
use futures_util::future::Either;
use redis::{Cmd, RedisResult, Value};

use crate::attempt::Route;
use crate::call::Call;
use crate::error::Result;
use crate::transport::{self, AsyncNodes, BlockingNodes, Job, Nodes, Sent};

/// One connection, as the nodes of a transport.
struct One<'c, C: ?Sized>(&'c mut C);

impl<C: ?Sized> Nodes for One<'_, C> {
    type Node = ();

    fn route(&self, _: &Job<'_>) -> Route {
        Route::Node
    }

    fn redirect(&mut self, _: u16, _: &str, _: bool) {
        // the decision follows no redirect on one node
    }

    fn reload(&mut self) {}

    fn name(_: &()) -> String {
        "the server".to_owned()
    }
}

impl<C: redis::aio::ConnectionLike + Send + ?Sized> AsyncNodes for One<'_, C> {
    fn first(&mut self, _: Route) -> impl Future<Output = RedisResult<()>> + Send {
        std::future::ready(Ok(()))
    }

    fn send<'a>(&'a mut self, _: &'a (), cmd: &'a Cmd, _: bool) -> impl Future<Output = Sent> + Send + 'a {
        self.0
            .req_packed_command(cmd)
            .map(|reply| Sent::Done(reply.and_then(Value::extract_error)))
    }

    fn wait(&mut self, _: Duration) -> impl Future<Output = ()> + Send {
        // the decision waits out `TRYAGAIN` on a cluster only
        std::future::ready(())
    }
}

impl<C: redis::ConnectionLike + ?Sized> BlockingNodes for One<'_, C> {
    fn first(&mut self, _: Route) -> RedisResult<()> {
        Ok(())
    }

    fn send(&mut self, _: &(), cmd: &Cmd, _: bool) -> Sent {
        Sent::Done(self.0.req_command(cmd).and_then(Value::extract_error))
    }

    fn wait(&mut self, _: Duration) {}
}

/// Runs `call` on `con`, the one server behind it. `cluster`: the connection
/// reaches a cluster (keys are checked to share one slot before sending).
pub(crate) fn run_async<C>(con: &mut C, call: Call<'_>, cluster: bool) -> impl Future<Output = Result<Value>> + Send
where
    C: redis::aio::ConnectionLike + Send + ?Sized,
{
    // combinators, not an `async` block: one would hold the call twice
    if let Err(error) = check(&call, cluster) {
        return Either::Left(std::future::ready(Err(error)));
    }
    let script = call.script();
    Either::Right(
        transport::run_async(One(con), Job::Call(call))
            .map(move |result| result.map_err(|failure| failure.into_error(script))),
    )
}

/// What is checked before anything is sent.
fn check(call: &Call<'_>, cluster: bool) -> Result<()> {
    call.check_prefixes(Some(cluster))?;
    if cluster {
        call.check_slots()?;
    }
    Ok(())
}

/// [`run_async`] over a blocking connection.
pub(crate) fn run_blocking<C>(con: &mut C, call: Call<'_>, cluster: bool) -> Result<Value>
where
    C: redis::ConnectionLike + ?Sized,
{
    check(&call, cluster)?;
    let script = call.script();
    transport::run_blocking(One(con), Job::Call(call)).map_err(|failure| failure.into_error(script))
}
