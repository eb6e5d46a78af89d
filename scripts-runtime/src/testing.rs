//! Throwaway `redis-server` processes on free loopback ports, for tests of code that
//! runs scripts (feature `testing`; reached as `scripts::testing`).
//!
//! Every server gets its own temporary directory, no persistence, and is killed
//! when its handle drops, so what a test sees (`INFO commandstats`, the script cache,
//! the keys) is its own, and tests run in parallel. `redis-server` (and `redis-cli`
//! for a cluster) must be installed; `SCRIPTS_REDIS_SERVER` / `SCRIPTS_REDIS_CLI`
//! name other binaries.
//!
//! ```no_run
//! use scripts_runtime::testing::RedisServer; // `scripts::testing::RedisServer`
//!
//! let server = RedisServer::start();
//! let mut con = server.connection();
//! let pong: String = redis::cmd("PING").query(&mut con).unwrap();
//! assert_eq!(pong, "PONG");
//! ```
//!
//! With feature `cluster` too, [`RedisCluster::start`] starts three primaries joined
//! by `redis-cli --cluster create`; [`RedisCluster::start_with`] adds replicas and a
//! shorter node timeout, for failovers ([`RedisCluster::kill`], `CLUSTER FAILOVER`).

use std::io::Read;
use std::net::TcpListener;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::{Duration, Instant};

/// Environment variable naming the `redis-server` binary (default: from `PATH`).
pub const SERVER_ENV: &str = "SCRIPTS_REDIS_SERVER";

/// Environment variable naming the `redis-cli` binary (default: from `PATH`).
pub const CLI_ENV: &str = "SCRIPTS_REDIS_CLI";

const INSTALL_HINT: &str = "redis-server was not found: install it (Debian/Ubuntu: `sudo apt-get install redis-server`, \
macOS: `brew install redis`) or set SCRIPTS_REDIS_SERVER to its path";

#[cfg(feature = "cluster")]
const CLI_HINT: &str = "redis-cli was not found: install it (Debian/Ubuntu: `sudo apt-get install redis-tools`, \
macOS: `brew install redis`) or set SCRIPTS_REDIS_CLI to its path";

/// A running `redis-server`, killed on drop.
#[derive(Debug)]
pub struct RedisServer {
    child: Child,
    port: u16,
    dir: PathBuf,
    extra: Vec<String>,
}

/// Options for [`RedisServer::with_args`]: extra `redis-server` arguments.
pub type Args<'a> = &'a [&'a str];

impl RedisServer {
    /// Starts a plain server on a free loopback port and waits until it answers `PING`.
    ///
    /// # Panics
    /// When `redis-server` is missing (with an install hint) or does not start.
    pub fn start() -> Self {
        Self::with_args(&[])
    }

    /// Starts a server with extra arguments, e.g. `&["--maxmemory", "1mb"]`.
    pub fn with_args(args: Args<'_>) -> Self {
        let extra: Vec<String> = args.iter().map(|s| (*s).to_owned()).collect();
        let mut last_error = String::new();
        for _attempt in 0..5 {
            let port = free_port();
            match Self::spawn(port, &extra) {
                Ok(server) => return server,
                // another process took the port between probe and bind: try another
                Err(error) => last_error = error,
            }
        }
        panic!("redis-server did not start after 5 attempts: {last_error}");
    }

    fn spawn(port: u16, extra: &[String]) -> Result<Self, String> {
        static COUNTER: AtomicUsize = AtomicUsize::new(0);
        let dir = std::env::temp_dir().join(format!(
            "scripts-redis-{}-{}-{}",
            std::process::id(),
            port,
            COUNTER.fetch_add(1, Ordering::Relaxed)
        ));
        std::fs::create_dir_all(&dir).map_err(|e| format!("cannot create {}: {e}", dir.display()))?;
        let child = Command::new(server_binary())
            .args(base_args(port, &dir))
            .args(extra)
            .stdin(Stdio::null())
            .stdout(Stdio::null())
            .stderr(Stdio::piped())
            .spawn();
        let child = match child {
            Ok(child) => child,
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => panic!("{INSTALL_HINT}"),
            Err(e) => panic!("cannot run redis-server: {e}; {INSTALL_HINT}"),
        };
        let mut server = RedisServer {
            child,
            port,
            dir,
            extra: extra.to_vec(),
        };
        server.wait_ready()?;
        Ok(server)
    }

    fn wait_ready(&mut self) -> Result<(), String> {
        let deadline = Instant::now() + Duration::from_secs(20);
        loop {
            if let Some(status) = self.child.try_wait().map_err(|e| e.to_string())? {
                return Err(format!("redis-server exited with {status}: {}", self.log_tail()));
            }
            if self.ping() {
                return Ok(());
            }
            if Instant::now() > deadline {
                return Err(format!(
                    "redis-server on port {} did not answer PING: {}",
                    self.port,
                    self.log_tail()
                ));
            }
            std::thread::sleep(Duration::from_millis(10));
        }
    }

    fn ping(&self) -> bool {
        let Ok(client) = redis::Client::open(self.url()) else {
            return false;
        };
        let Ok(mut con) = client.get_connection_with_timeout(Duration::from_millis(200)) else {
            return false;
        };
        redis::cmd("PING").query::<String>(&mut con).is_ok()
    }

    fn log_tail(&self) -> String {
        let log = std::fs::read_to_string(self.dir.join("redis.log")).unwrap_or_default();
        let lines: Vec<&str> = log.lines().rev().take(8).collect();
        lines.into_iter().rev().collect::<Vec<_>>().join("\n")
    }

    /// The TCP port.
    pub fn port(&self) -> u16 {
        self.port
    }

    /// `redis://127.0.0.1:<port>/`.
    pub fn url(&self) -> String {
        format!("redis://127.0.0.1:{}/", self.port)
    }

    /// The server's working directory (logs, cluster config).
    pub fn dir(&self) -> &Path {
        &self.dir
    }

    /// A client for this server.
    pub fn client(&self) -> redis::Client {
        redis::Client::open(self.url()).expect("loopback URL is valid")
    }

    /// A new blocking connection.
    pub fn connection(&self) -> redis::Connection {
        self.client()
            .get_connection()
            .expect("connect to the test redis-server")
    }

    /// Runs `INFO commandstats` and returns how many times `command` (e.g. `evalsha`,
    /// `eval`, `script|load`) was called since start or the last [`reset_stats`](Self::reset_stats).
    pub fn calls(&self, command: &str) -> u64 {
        let info: String = redis::cmd("INFO")
            .arg("commandstats")
            .query(&mut self.connection())
            .expect("INFO commandstats");
        command_calls(&info, command)
    }

    /// `CONFIG RESETSTAT`: clears `INFO commandstats`.
    pub fn reset_stats(&self) {
        let () = redis::cmd("CONFIG")
            .arg("RESETSTAT")
            .query(&mut self.connection())
            .expect("CONFIG RESETSTAT");
    }

    /// Starts a replica of `primary` and waits until it has synchronised
    /// (`master_link_status:up`). A replica refuses writes (`READONLY`).
    pub fn replica_of(primary: &RedisServer) -> Self {
        let port = primary.port.to_string();
        let replica = Self::with_args(&["--replicaof", "127.0.0.1", &port]);
        let deadline = Instant::now() + Duration::from_secs(20);
        while !replica.info("replication").contains("master_link_status:up") {
            assert!(Instant::now() < deadline, "replica did not sync with 127.0.0.1:{port}");
            std::thread::sleep(Duration::from_millis(20));
        }
        replica
    }

    /// The text of `INFO <section>`.
    pub fn info(&self, section: &str) -> String {
        redis::cmd("INFO")
            .arg(section)
            .query(&mut self.connection())
            .expect("INFO")
    }

    /// Kills the process (SIGKILL) without cleaning up, as a crash would.
    pub fn kill(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }

    /// Starts the server again on the same port after [`kill`](Self::kill).
    pub fn restart(&mut self) {
        let replacement = Self::spawn(self.port, &self.extra).unwrap_or_else(|e| panic!("restart failed: {e}"));
        let old = std::mem::replace(self, replacement);
        let _ = std::fs::remove_dir_all(&old.dir);
        std::mem::forget(old);
    }
}

impl Drop for RedisServer {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
        let mut stderr = String::new();
        if let Some(mut pipe) = self.child.stderr.take() {
            let _ = pipe.read_to_string(&mut stderr);
        }
        let _ = std::fs::remove_dir_all(&self.dir);
    }
}

/// A Redis Cluster of three primaries (and, with [`ClusterOptions::replicas`], their
/// replicas) on free loopback ports, each with its own server process; all are
/// killed on drop.
#[cfg(feature = "cluster")]
#[derive(Debug)]
pub struct RedisCluster {
    nodes: Vec<RedisServer>,
    /// The ports of the nodes [`kill`](RedisCluster::kill)ed.
    killed: Vec<u16>,
}

/// How [`RedisCluster::start_with`] builds a cluster.
#[cfg(feature = "cluster")]
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct ClusterOptions {
    /// Replicas per primary (`redis-cli --cluster create --cluster-replicas`): 0 for
    /// three primaries alone, 1 for three primaries and three replicas.
    pub replicas: usize,
    /// `cluster-node-timeout`: how long a node may not answer before it counts as
    /// failing, and its replica takes over. Shorter than production's default
    /// (15 s) to fail over within a test.
    pub node_timeout: Duration,
}

#[cfg(feature = "cluster")]
impl Default for ClusterOptions {
    fn default() -> Self {
        ClusterOptions {
            replicas: 0,
            node_timeout: Duration::from_secs(5),
        }
    }
}

#[cfg(feature = "cluster")]
impl RedisCluster {
    /// Starts three `--cluster-enabled` servers, joins them with
    /// `redis-cli --cluster create`, and waits until every node reports
    /// `cluster_state:ok`.
    ///
    /// # Panics
    /// When `redis-server` or `redis-cli` is missing (with an install hint), or the
    /// cluster does not form.
    pub fn start() -> Self {
        Self::start_with(ClusterOptions::default())
    }

    /// Starts a cluster as `options` say: three primaries and their replicas.
    /// Waits until every node reports `cluster_state:ok` and every replica has
    /// synchronised with its primary.
    ///
    /// # Panics
    /// As [`start`](Self::start).
    pub fn start_with(options: ClusterOptions) -> Self {
        let timeout = options.node_timeout.as_millis().to_string();
        let nodes: Vec<RedisServer> = (0..3 * (1 + options.replicas))
            .map(|_| {
                RedisServer::with_args(&[
                    "--cluster-enabled",
                    "yes",
                    "--cluster-config-file",
                    "nodes.conf",
                    "--cluster-node-timeout",
                    &timeout,
                ])
            })
            .collect();
        let addresses: Vec<String> = nodes.iter().map(|n| format!("127.0.0.1:{}", n.port)).collect();
        let output = Command::new(cli_binary())
            .arg("--cluster")
            .arg("create")
            .args(&addresses)
            .args(["--cluster-replicas", &options.replicas.to_string(), "--cluster-yes"])
            .stdin(Stdio::null())
            .output();
        let output = match output {
            Ok(output) => output,
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => panic!("{CLI_HINT}"),
            Err(e) => panic!("cannot run redis-cli: {e}; {CLI_HINT}"),
        };
        assert!(
            output.status.success(),
            "redis-cli --cluster create failed: {}{}",
            String::from_utf8_lossy(&output.stdout),
            String::from_utf8_lossy(&output.stderr)
        );
        let cluster = RedisCluster {
            nodes,
            killed: Vec::new(),
        };
        cluster.wait_healthy(Duration::from_secs(30));
        cluster
    }

    /// Waits until every running node reports `cluster_state:ok` with all slots
    /// served, every replica's link to its primary is up, and the nodes agree on
    /// which node serves each slot. Returns how long that took.
    ///
    /// # Panics
    /// When that does not happen within `timeout`.
    pub fn wait_healthy(&self, timeout: Duration) -> Duration {
        let started = Instant::now();
        while !self.healthy() {
            assert!(
                started.elapsed() < timeout,
                "the cluster did not become healthy within {timeout:?}"
            );
            std::thread::sleep(Duration::from_millis(20));
        }
        started.elapsed()
    }

    fn healthy(&self) -> bool {
        let mut views = Vec::new();
        for node in self.running() {
            let Ok(mut con) = node.client().get_connection_with_timeout(Duration::from_millis(200)) else {
                return false;
            };
            let info: String = redis::cmd("CLUSTER").arg("INFO").query(&mut con).unwrap_or_default();
            if !(info.contains("cluster_state:ok") && info.contains("cluster_slots_ok:16384")) {
                return false;
            }
            let replication: String = redis::cmd("INFO")
                .arg("replication")
                .query(&mut con)
                .unwrap_or_default();
            if replication.contains("role:slave") && !replication.contains("master_link_status:up") {
                return false;
            }
            let Ok(nodes) = redis::cmd("CLUSTER").arg("NODES").query::<String>(&mut con) else {
                return false;
            };
            views.push(slot_owners(&nodes));
        }
        views.windows(2).all(|pair| pair[0] == pair[1])
    }

    /// Every node, in the order started: the three primaries alone by default; with
    /// replicas, which node is which is in [`primaries`](Self::primaries) and
    /// [`replicas_of`](Self::replicas_of), as it changes with failovers. Killed nodes
    /// included.
    pub fn nodes(&self) -> &[RedisServer] {
        &self.nodes
    }

    /// The nodes still running (not [`kill`](Self::kill)ed).
    pub fn running(&self) -> impl Iterator<Item = &RedisServer> {
        self.nodes.iter().filter(|node| !self.killed.contains(&node.port))
    }

    /// The running primaries serving slots now (from `CLUSTER NODES` of a running
    /// node).
    pub fn primaries(&self) -> Vec<&RedisServer> {
        let mut primaries: Vec<&RedisServer> = Vec::new();
        for (port, _) in self.cluster_nodes() {
            if let Some(node) = self.node(port)
                && !self.killed.contains(&port)
                && !primaries.iter().any(|known| known.port == port)
            {
                primaries.push(node);
            }
        }
        primaries
    }

    /// The replicas of `primary` now (from `CLUSTER NODES` of a running node).
    pub fn replicas_of(&self, primary: &RedisServer) -> Vec<&RedisServer> {
        let id = node_id(primary);
        let nodes: String = redis::cmd("CLUSTER")
            .arg("NODES")
            .query(&mut self.any_running().connection())
            .expect("CLUSTER NODES");
        nodes
            .lines()
            .filter_map(|line| {
                let fields: Vec<&str> = line.split_whitespace().collect();
                let replica = fields.get(2)?.contains("slave") && fields.get(3) == Some(&id.as_str());
                replica.then(|| port_of(fields.get(1)?)).flatten()
            })
            .filter_map(|port| self.node(port))
            .collect()
    }

    /// Kills the node on `port` (SIGKILL, as a crash): its replica takes over after
    /// the node timeout.
    ///
    /// # Panics
    /// When no node of this cluster listens on `port`.
    pub fn kill(&mut self, port: u16) {
        let node = self
            .nodes
            .iter_mut()
            .find(|node| node.port == port)
            .expect("a node of this cluster");
        node.kill();
        self.killed.push(port);
    }

    fn node(&self, port: u16) -> Option<&RedisServer> {
        self.nodes.iter().find(|node| node.port == port)
    }

    fn any_running(&self) -> &RedisServer {
        self.running().next().expect("a running node")
    }

    /// `(port, slot range)` of every range a primary serves, from `CLUSTER NODES`.
    fn cluster_nodes(&self) -> Vec<(u16, (u16, u16))> {
        let nodes: String = redis::cmd("CLUSTER")
            .arg("NODES")
            .query(&mut self.any_running().connection())
            .expect("CLUSTER NODES");
        slot_owners(&nodes)
    }

    /// Their URLs, as a cluster client takes them.
    pub fn urls(&self) -> Vec<String> {
        self.nodes.iter().map(RedisServer::url).collect()
    }

    /// A cluster client.
    pub fn client(&self) -> redis::cluster::ClusterClient {
        redis::cluster::ClusterClient::new(self.urls()).expect("cluster client")
    }

    /// The primary serving `key`'s slot (from `CLUSTER NODES`).
    ///
    /// # Panics
    /// When no node serves it (see [`serving`](Self::serving)).
    pub fn node_for_key(&self, key: &str) -> &RedisServer {
        self.serving(key)
            .unwrap_or_else(|| panic!("no node serves slot {}", crate::slot::key_slot(key.as_bytes())))
    }

    /// The primary serving `key`'s slot, as a running node sees it now (a killed
    /// one until the cluster fails it over); `None` while the cluster lists it
    /// under a failed node.
    pub fn serving(&self, key: &str) -> Option<&RedisServer> {
        let slot = crate::slot::key_slot(key.as_bytes());
        self.cluster_nodes()
            .into_iter()
            .find(|(_, (start, end))| (*start..=*end).contains(&slot))
            .and_then(|(port, _)| self.node(port))
    }

    /// `calls` of `command` summed over every running node (see [`RedisServer::calls`]).
    pub fn calls(&self, command: &str) -> u64 {
        self.running().map(|n| n.calls(command)).sum()
    }

    /// `CONFIG RESETSTAT` on every running node.
    pub fn reset_stats(&self) {
        for node in self.running() {
            node.reset_stats();
        }
    }
}

/// The port of a `CLUSTER NODES` address (`127.0.0.1:7000@17000`).
#[cfg(feature = "cluster")]
fn port_of(address: &str) -> Option<u16> {
    address.split(['@', ':']).nth(1)?.parse().ok()
}

/// `(port, slot range)` of every range served in a `CLUSTER NODES` reply, sorted.
#[cfg(feature = "cluster")]
fn slot_owners(nodes: &str) -> Vec<(u16, (u16, u16))> {
    let mut owners = Vec::new();
    for line in nodes.lines() {
        let fields: Vec<&str> = line.split_whitespace().collect();
        let Some(port) = fields.get(1).and_then(|address| port_of(address)) else {
            continue;
        };
        // a primary the cluster failed keeps its slots in the list, flagged `fail`
        if fields
            .get(2)
            .is_some_and(|flags| flags.split(',').any(|flag| flag == "fail"))
        {
            continue;
        }
        for range in fields.iter().skip(8) {
            let (start, end) = range.split_once('-').unwrap_or((range, range));
            if let (Ok(start), Ok(end)) = (start.parse(), end.parse()) {
                owners.push((port, (start, end)));
            }
        }
    }
    owners.sort_unstable();
    owners
}

/// The node id (`CLUSTER MYID`) of a cluster node.
#[cfg(feature = "cluster")]
pub fn node_id(node: &RedisServer) -> String {
    redis::cmd("CLUSTER")
        .arg("MYID")
        .query(&mut node.connection())
        .expect("CLUSTER MYID")
}

#[cfg(feature = "cluster")]
fn cli_binary() -> String {
    std::env::var(CLI_ENV).unwrap_or_else(|_| "redis-cli".to_owned())
}

fn server_binary() -> String {
    std::env::var(SERVER_ENV).unwrap_or_else(|_| "redis-server".to_owned())
}

fn base_args(port: u16, dir: &Path) -> Vec<String> {
    [
        "--port",
        &port.to_string(),
        "--bind",
        "127.0.0.1",
        "--save",
        "",
        "--appendonly",
        "no",
        "--daemonize",
        "no",
        "--dir",
        &dir.to_string_lossy(),
        "--logfile",
        "redis.log",
    ]
    .iter()
    .map(|s| (*s).to_owned())
    .collect()
}

/// A loopback port that is free now, and whose cluster-bus port (+10000) is free too.
pub fn free_port() -> u16 {
    loop {
        let listener = TcpListener::bind("127.0.0.1:0").expect("bind a loopback port");
        let port = listener.local_addr().expect("local addr").port();
        if port > 55535 {
            continue;
        }
        // the cluster bus listens on port + 10000: keep both free
        if TcpListener::bind(("127.0.0.1", port + 10000)).is_ok() {
            drop(listener);
            return port;
        }
    }
}

/// Reads `calls=N` for `command` out of `INFO commandstats` text.
pub fn command_calls(info: &str, command: &str) -> u64 {
    let prefix = format!("cmdstat_{}:", command.to_ascii_lowercase());
    info.lines()
        .find_map(|line| line.strip_prefix(&prefix))
        .and_then(|stats| stats.split(',').find_map(|kv| kv.strip_prefix("calls=")))
        .and_then(|n| n.parse().ok())
        .unwrap_or(0)
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::net::TcpStream;

    #[test]
    fn commandstats_are_parsed() {
        let info =
            "# Commandstats\r\ncmdstat_evalsha:calls=3,usec=10,usec_per_call=3.33\r\ncmdstat_eval:calls=1,usec=5\r\n";
        assert_eq!(command_calls(info, "evalsha"), 3);
        assert_eq!(command_calls(info, "EVAL"), 1);
        assert_eq!(command_calls(info, "get"), 0);
    }

    #[test]
    fn a_server_starts_answers_and_stops() {
        let server = RedisServer::start();
        let port = server.port();
        let mut con = server.connection();
        let pong: String = redis::cmd("PING").query(&mut con).unwrap();
        assert_eq!(pong, "PONG");
        let save: Vec<String> = redis::cmd("CONFIG").arg("GET").arg("save").query(&mut con).unwrap();
        assert_eq!(save, ["save", ""], "the harness must disable persistence");
        drop(con);
        drop(server);
        assert!(
            TcpStream::connect(("127.0.0.1", port)).is_err(),
            "server still listening after drop"
        );
    }
}
