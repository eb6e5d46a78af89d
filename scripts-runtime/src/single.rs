//! The single-node transport: a call goes to the one server behind a connection
//! (redis-rs's `MultiplexedConnection`, `ConnectionManager`, `Connection`, which
//! never send a request twice by themselves), redirects are not followed.

use std::future::Future;
use std::time::Duration;

use redis::{Cmd, RedisResult, Value};

use crate::attempt::Route;
use crate::call::Call;
use crate::error::Result;
use crate::transport::{self, AsyncNodes, BlockingNodes, Job, Nodes, Sent};

/// One connection, as the nodes of a transport.
struct One<'c, C: ?Sized> {
    con: &'c mut C,
    /// The connection reaches a cluster: keys are checked to share one slot.
    cluster: bool,
}

impl<C: ?Sized> Nodes for One<'_, C> {
    type Node = ();

    fn check(&self, call: &Call<'_>) -> Result<()> {
        call.check_prefixes(Some(self.cluster))?;
        if self.cluster {
            call.check_slots()?;
        }
        Ok(())
    }

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
        let reply = self.con.req_packed_command(cmd);
        async move { Sent::Done(reply.await.and_then(Value::extract_error)) }
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
        Sent::Done(self.con.req_command(cmd).and_then(Value::extract_error))
    }

    fn wait(&mut self, _: Duration) {}
}

/// Runs `call` on `con`, the one server behind it. `cluster`: the connection
/// reaches a cluster (keys are checked to share one slot before sending).
pub(crate) fn run_async<C>(con: &mut C, call: Call<'_>, cluster: bool) -> impl Future<Output = Result<Value>> + Send
where
    C: redis::aio::ConnectionLike + Send + ?Sized,
{
    transport::call_async(One { con, cluster }, call)
}

/// [`run_async`] over a blocking connection.
pub(crate) fn run_blocking<C>(con: &mut C, call: Call<'_>, cluster: bool) -> Result<Value>
where
    C: redis::ConnectionLike + ?Sized,
{
    transport::call_blocking(One { con, cluster }, call)
}
