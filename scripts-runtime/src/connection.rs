//! The connections a generated function accepts.
//!
//! A script call is sent once, on the connection given, and never again unless the
//! server's own reply proves it did not run (see [`Call::invoke_async`]). That holds
//! for redis-rs's single-node connections, which never re-send a request by
//! themselves: `MultiplexedConnection` fails the requests in flight when its socket
//! drops, and `ConnectionManager` reconnects for later requests without re-sending
//! the failed ones. redis-rs's cluster connections do re-send (after a dropped
//! connection, a timeout, `TRYAGAIN`, `LOADING`, ... up to their `retries`), so they
//! are not accepted as is: [`crate::cluster`] wraps them.
//!
//! How a connection runs a call is its [`AsyncConnection::run_call`]
//! ([`Connection::run_call`]): by default on the one server behind it, with the
//! `EVAL` fallback; the cluster connections route it to the slot's primary.
//!
//! [`Call::invoke_async`]: crate::Call::invoke_async

use std::future::Future;

use redis::Value;

use crate::call::Call;
use crate::error::Result;
use crate::single;

/// An async connection a script can run on.
///
/// Implemented for redis-rs's `MultiplexedConnection` and `ConnectionManager`, and
/// for `scripts::cluster::AsyncClusterConnection`. A custom `aio::ConnectionLike`
/// opts in with an empty `impl`, if it never sends a request twice.
///
/// `Sync` because redis-rs's `AsyncCommands` require it: a helper taking
/// `&mut impl AsyncConnection` can send plain commands too.
#[diagnostic::on_unimplemented(
    message = "`{Self}` is not an async connection a script can run on",
    label = "an `async fn` script needs an async connection",
    note = "pass a `redis::aio::MultiplexedConnection` (`client.get_multiplexed_async_connection().await?`), a `ConnectionManager` (feature `connection-manager`) or a `scripts::cluster::AsyncClusterConnection` (feature `cluster`)",
    note = "redis-rs's own cluster connection re-sends requests after a dropped connection or a timeout, which would run a script twice: wrap it with `scripts::cluster::AsyncClusterConnection::new(con, node_url)`",
    note = "on a blocking connection, call the script's blocking twin: `name::blocking(&mut con, ...)`"
)]
pub trait AsyncConnection: redis::aio::ConnectionLike + Send + Sync {
    /// True for a Redis Cluster connection: keys are checked to share one slot
    /// before anything is sent.
    fn is_cluster(&self) -> bool {
        false
    }

    /// Runs a script call on this connection, at most once: sends it, and sends it
    /// again only as the server's own refusal allows (`EVAL` after `NOSCRIPT`, the
    /// library loaded after `ERR Function not found`; see [`Error::ran`]). What
    /// generated functions and [`Call::invoke_async`] run.
    ///
    /// The default sends it to the one server behind the connection (checking the
    /// keys share one slot first when [`is_cluster`](Self::is_cluster)). The
    /// cluster connections route it to the primary of its slot and follow
    /// redirects. Override it only to route calls elsewhere, never to send one
    /// twice.
    ///
    /// [`Error::ran`]: crate::Error::ran
    /// [`Call::invoke_async`]: crate::Call::invoke_async
    fn run_call(&mut self, call: Call<'_>) -> impl Future<Output = Result<Value>> + Send
    where
        Self: Sized,
    {
        let cluster = self.is_cluster();
        single::run_async(self, call, cluster)
    }
}

impl AsyncConnection for redis::aio::MultiplexedConnection {}

#[cfg(feature = "connection-manager")]
impl AsyncConnection for redis::aio::ConnectionManager {}

/// A blocking connection a script can run on.
///
/// Implemented for redis-rs's `Connection` and for
/// `scripts::cluster::ClusterConnection`. A custom `ConnectionLike` opts in with an
/// empty `impl`, if it never sends a request twice.
#[diagnostic::on_unimplemented(
    message = "`{Self}` is not a blocking connection a script can run on",
    label = "a blocking `fn` script needs a blocking connection",
    note = "pass a `redis::Connection` (`client.get_connection()?`) or a `scripts::cluster::ClusterConnection` (feature `cluster`)",
    note = "redis-rs's own cluster connection re-sends requests after a dropped connection or a timeout, which would run a script twice: wrap it with `scripts::cluster::ClusterConnection::new(con, node_url)`",
    note = "on an async connection, call the script's async twin: `name::nonblocking(&mut con, ...).await`"
)]
pub trait Connection: redis::ConnectionLike {
    /// True for a Redis Cluster connection: keys are checked to share one slot
    /// before anything is sent.
    fn is_cluster(&self) -> bool {
        false
    }

    /// Runs a script call on this connection, at most once (see
    /// [`AsyncConnection::run_call`]). What generated functions and
    /// [`Call::invoke`] run.
    ///
    /// [`Call::invoke`]: crate::Call::invoke
    fn run_call(&mut self, call: Call<'_>) -> Result<Value>
    where
        Self: Sized,
    {
        let cluster = self.is_cluster();
        single::run_blocking(self, call, cluster)
    }
}

impl Connection for redis::Connection {}
