//! The connections a generated function accepts.

/// An async connection a script can run on.
///
/// Implemented for redis-rs's async connections. A custom `aio::ConnectionLike`
/// opts in with an empty `impl`.
#[diagnostic::on_unimplemented(
    message = "`{Self}` is not an async connection a script can run on",
    label = "an `async fn` script needs an async connection",
    note = "pass a `redis::aio::MultiplexedConnection` (`client.get_multiplexed_async_connection().await?`), a `ConnectionManager` (feature `connection-manager`) or a `cluster_async::ClusterConnection` (feature `cluster`)",
    note = "on a blocking connection, call the script's blocking twin: `name::blocking(&mut con, ...)`"
)]
pub trait AsyncConnection: redis::aio::ConnectionLike + Send {
    /// True for a Redis Cluster connection: keys are checked to share one slot
    /// before anything is sent.
    fn is_cluster(&self) -> bool {
        false
    }
}

impl AsyncConnection for redis::aio::MultiplexedConnection {}

#[cfg(feature = "connection-manager")]
impl AsyncConnection for redis::aio::ConnectionManager {}

#[cfg(feature = "cluster")]
impl AsyncConnection for redis::cluster_async::ClusterConnection {
    fn is_cluster(&self) -> bool {
        true
    }
}

/// A blocking connection a script can run on.
///
/// Implemented for redis-rs's blocking connections. A custom `ConnectionLike`
/// opts in with an empty `impl`.
#[diagnostic::on_unimplemented(
    message = "`{Self}` is not a blocking connection a script can run on",
    label = "a blocking `fn` script needs a blocking connection",
    note = "pass a `redis::Connection` (`client.get_connection()?`) or a `cluster::ClusterConnection` (feature `cluster`)",
    note = "on an async connection, call the script's async twin: `name::nonblocking(&mut con, ...).await`"
)]
pub trait Connection: redis::ConnectionLike {
    /// True for a Redis Cluster connection: keys are checked to share one slot
    /// before anything is sent.
    fn is_cluster(&self) -> bool {
        false
    }
}

impl Connection for redis::Connection {}

#[cfg(feature = "cluster")]
impl Connection for redis::cluster::ClusterConnection {
    fn is_cluster(&self) -> bool {
        true
    }
}
