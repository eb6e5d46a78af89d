//! The connections a generated function accepts.

/// An async connection a script can run on.
///
/// Implemented for redis-rs's async connections. A custom `aio::ConnectionLike`
/// opts in with an empty `impl`.
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
