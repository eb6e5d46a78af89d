//! How the wrappers reach each node: the settings of the node given at
//! construction, with each node's address.

use std::time::Duration;

use redis::{ConnectionAddr, ConnectionInfo, ErrorKind, IntoConnectionInfo, RedisError, RedisResult};

/// How long connecting to a node may take (redis-rs's default for cluster nodes).
pub(super) const CONNECT_TIMEOUT: Duration = Duration::from_secs(1);

/// How long a script call waits for its reply by default: above Redis's default
/// `busy-reply-threshold` (5 s), so a script stopped by `SCRIPT KILL` after it is
/// still reported as killed. Not unbounded, as redis-rs's `ClusterClient` default is:
/// under load, a request sent just as the peer closes the connection was seen to
/// never complete on a `MultiplexedConnection` without a response timeout (redis
/// 1.8.1; `tests/tests/at_most_once.rs` ran into it about once in ten runs on two
/// busy cores).
pub const DEFAULT_RESPONSE_TIMEOUT: Duration = Duration::from_secs(10);

/// How to reach the nodes: the address of the node given at construction is
/// replaced by each node's, every other setting (credentials, protocol, TLS) kept.
#[derive(Clone, Debug)]
pub(super) struct NodeSettings {
    template: ConnectionInfo,
    /// How long a request to a node waits for its reply.
    pub(super) response_timeout: Option<Duration>,
}

impl NodeSettings {
    pub(super) fn new(node: impl IntoConnectionInfo) -> RedisResult<Self> {
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

    /// The host of the node given at construction (for nodes that do not know
    /// their own address).
    pub(super) fn host(&self) -> &str {
        match self.template.addr() {
            ConnectionAddr::Tcp(host, _) | ConnectionAddr::TcpTls { host, .. } => host,
            _ => "",
        }
    }

    /// How to connect to `node` (`host:port`).
    pub(super) fn info(&self, node: &str) -> RedisResult<ConnectionInfo> {
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

#[cfg(test)]
mod tests {
    use super::*;

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
