//! Workspace test harness: the public `scripts::testing` (throwaway servers and
//! clusters) plus what only the examples need.
//!
//! ```no_run
//! let server = scripts_tests::RedisServer::start();
//! let mut con = server.connection();
//! let pong: String = redis::cmd("PING").query(&mut con).unwrap();
//! assert_eq!(pong, "PONG");
//! ```

pub use scripts_runtime::testing::*;

use std::io::{Read, Write};
use std::net::TcpListener;
use std::sync::atomic::Ordering;
use std::time::{Duration, Instant};

/// For examples: an async connection to the server named by `REDIS_URL`, or to a
/// throwaway one started here. Keep the returned handle alive while connected.
pub async fn demo_connection() -> redis::RedisResult<(redis::aio::MultiplexedConnection, Option<RedisServer>)> {
    let (url, server) = url_or_start();
    let con = redis::Client::open(url.as_str())?
        .get_multiplexed_async_connection()
        .await?;
    Ok((con, server))
}

/// For examples: the server named by `REDIS_URL`, or a throwaway one started here.
/// Keep the returned handle alive as long as the server is used.
pub fn url_or_start() -> (String, Option<RedisServer>) {
    match std::env::var("REDIS_URL") {
        Ok(url) if !url.is_empty() => (url, None),
        _ => {
            let server = RedisServer::start();
            (server.url(), Some(server))
        }
    }
}

/// What a [`FaultProxy`] does to a request it picks.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Fault {
    /// Forward the request, let the server answer, then close both sockets before
    /// the reply reaches the client: the command ran, its reply is lost.
    DropReply,
    /// Close both sockets instead of forwarding the request: the command never
    /// reaches the server.
    DropRequest,
}

/// Counts of what a [`FaultProxy`] saw and did.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct FaultCounts {
    /// Requests whose command was one of the faulted commands.
    pub matching: u64,
    /// Replies dropped after their request was forwarded.
    pub dropped_replies: u64,
    /// Requests dropped before being forwarded.
    pub dropped_requests: u64,
}

#[derive(Debug, Default)]
struct FaultPlan {
    /// Upper-case command names the plan applies to (e.g. `EVALSHA`).
    commands: Vec<String>,
    /// Every `every`-th matching request is faulted (0: none).
    every: u64,
    /// At most this many faults.
    limit: u64,
    /// The faults, used in turn.
    faults: Vec<Fault>,
    counts: FaultCounts,
}

impl FaultPlan {
    /// The fault for the next request running `command`, if any.
    fn pick(&mut self, command: &[u8]) -> Option<Fault> {
        if !self.commands.iter().any(|c| c.as_bytes().eq_ignore_ascii_case(command)) {
            return None;
        }
        self.counts.matching += 1;
        let injected = self.counts.dropped_replies + self.counts.dropped_requests;
        if self.every == 0
            || self.faults.is_empty()
            || injected >= self.limit
            || !self.counts.matching.is_multiple_of(self.every)
        {
            return None;
        }
        let fault = self.faults[usize::try_from(injected).unwrap_or(0) % self.faults.len()];
        match fault {
            Fault::DropReply => self.counts.dropped_replies += 1,
            Fault::DropRequest => self.counts.dropped_requests += 1,
        }
        Some(fault)
    }
}

#[derive(Debug)]
struct ProxyShared {
    target: u16,
    stop: std::sync::atomic::AtomicBool,
    plan: std::sync::Mutex<FaultPlan>,
}

/// A loopback TCP proxy in front of a `redis-server` that can lose requests and
/// replies on purpose: it parses the RESP requests and replies passing through, so
/// a fault hits one exact request (see [`Fault`]). Stopped on drop.
///
/// ```no_run
/// let server = scripts_tests::RedisServer::start();
/// let proxy = scripts_tests::FaultProxy::start(server.port());
/// proxy.inject(&["EVALSHA", "EVAL"], 50, 10, &[scripts_tests::Fault::DropReply]);
/// // connect to `proxy.url()`: every 50th script call loses its reply, 10 times
/// ```
#[derive(Debug)]
pub struct FaultProxy {
    port: u16,
    shared: std::sync::Arc<ProxyShared>,
    accept: Option<std::thread::JoinHandle<()>>,
}

impl FaultProxy {
    /// Starts a proxy on a free loopback port, forwarding to `127.0.0.1:<target>`.
    pub fn start(target: u16) -> Self {
        Self::start_on(free_port(), target)
    }

    fn start_on(port: u16, target: u16) -> Self {
        let listener = TcpListener::bind(("127.0.0.1", port)).expect("bind the proxy port");
        let shared = std::sync::Arc::new(ProxyShared {
            target,
            stop: std::sync::atomic::AtomicBool::new(false),
            plan: std::sync::Mutex::default(),
        });
        let accept = {
            let shared = shared.clone();
            std::thread::spawn(move || {
                for client in listener.incoming() {
                    if shared.stop.load(Ordering::Relaxed) {
                        break;
                    }
                    let Ok(client) = client else { continue };
                    let Ok(server) = std::net::TcpStream::connect(("127.0.0.1", shared.target)) else {
                        let _ = client.shutdown(std::net::Shutdown::Both);
                        continue;
                    };
                    proxy_connection(&shared, client, server);
                }
            })
        };
        FaultProxy {
            port,
            shared,
            accept: Some(accept),
        }
    }

    /// The proxy's port.
    pub fn port(&self) -> u16 {
        self.port
    }

    /// `redis://127.0.0.1:<proxy port>/`.
    pub fn url(&self) -> String {
        format!("redis://127.0.0.1:{}/", self.port)
    }

    /// From now on, every `every`-th request running one of `commands` gets the
    /// next of `faults` (in turn), at most `limit` times in all.
    pub fn inject(&self, commands: &[&str], every: u64, limit: u64, faults: &[Fault]) {
        let mut plan = self
            .shared
            .plan
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner);
        plan.commands = commands.iter().map(|c| c.to_ascii_uppercase()).collect();
        plan.every = every;
        plan.limit = limit;
        plan.faults = faults.to_vec();
    }

    /// Stops injecting faults (counts are kept).
    pub fn stop_injecting(&self) {
        let mut plan = self
            .shared
            .plan
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner);
        plan.every = 0;
    }

    /// What the proxy saw and did so far.
    pub fn counts(&self) -> FaultCounts {
        self.shared
            .plan
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
            .counts
    }
}

impl Drop for FaultProxy {
    fn drop(&mut self) {
        self.shared.stop.store(true, Ordering::Relaxed);
        // wake the accept loop
        let _ = std::net::TcpStream::connect(("127.0.0.1", self.port));
        if let Some(accept) = self.accept.take() {
            let _ = accept.join();
        }
        // connections already open end when their client or server closes them
    }
}

/// Forwards one client connection: a thread per direction, each cutting the byte
/// stream into whole RESP values so a fault applies to one request or reply.
fn proxy_connection(shared: &std::sync::Arc<ProxyShared>, client: std::net::TcpStream, server: std::net::TcpStream) {
    let _ = client.set_nodelay(true);
    let _ = server.set_nodelay(true);
    let (client_in, server_in) = (client, server);
    let (Ok(server_out), Ok(client_out)) = (server_in.try_clone(), client_in.try_clone()) else {
        return;
    };
    // the index of the request whose reply must be dropped (u64::MAX: none)
    let drop_reply_at = std::sync::Arc::new(std::sync::atomic::AtomicU64::new(u64::MAX));
    let close = |a: &std::net::TcpStream, b: &std::net::TcpStream| {
        let _ = a.shutdown(std::net::Shutdown::Both);
        let _ = b.shutdown(std::net::Shutdown::Both);
    };
    {
        let (shared, drop_reply_at) = (shared.clone(), drop_reply_at.clone());
        std::thread::spawn(move || {
            let (mut from, mut to) = (client_in, server_out);
            let mut requests = 0u64;
            let mut buffer = Vec::new();
            let mut chunk = vec![0u8; 64 * 1024];
            loop {
                let n = match from.read(&mut chunk) {
                    Ok(0) | Err(_) => break,
                    Ok(n) => n,
                };
                buffer.extend_from_slice(&chunk[..n]);
                let mut start = 0;
                while let Some(len) = resp_len(&buffer[start..]) {
                    let request = &buffer[start..start + len];
                    let fault = shared
                        .plan
                        .lock()
                        .unwrap_or_else(std::sync::PoisonError::into_inner)
                        .pick(&command_name(request));
                    match fault {
                        Some(Fault::DropRequest) => {
                            close(&from, &to);
                            return;
                        }
                        Some(Fault::DropReply) => {
                            // set before forwarding, so the reply cannot get through first
                            drop_reply_at.store(requests, Ordering::SeqCst);
                            let _ = to.write_all(request);
                            // nothing after it is forwarded: the connection is about to close
                            return;
                        }
                        None => {
                            if to.write_all(request).is_err() {
                                close(&from, &to);
                                return;
                            }
                        }
                    }
                    requests += 1;
                    start += len;
                }
                buffer.drain(..start);
            }
            close(&from, &to);
        });
    }
    std::thread::spawn(move || {
        let (mut from, mut to) = (server_in, client_out);
        let mut replies = 0u64;
        let mut buffer = Vec::new();
        let mut chunk = vec![0u8; 64 * 1024];
        loop {
            let n = match from.read(&mut chunk) {
                Ok(0) | Err(_) => break,
                Ok(n) => n,
            };
            buffer.extend_from_slice(&chunk[..n]);
            let mut start = 0;
            while let Some(len) = resp_len(&buffer[start..]) {
                if replies == drop_reply_at.load(Ordering::SeqCst) {
                    // the server ran the request and answered: lose the answer
                    close(&from, &to);
                    return;
                }
                if to.write_all(&buffer[start..start + len]).is_err() {
                    close(&from, &to);
                    return;
                }
                replies += 1;
                start += len;
            }
            buffer.drain(..start);
        }
        close(&from, &to);
    });
}

/// The command name of a RESP request (`*N $len name ...`), upper-cased; empty when
/// it is not an array of bulk strings.
fn command_name(request: &[u8]) -> Vec<u8> {
    let Some(first_line) = request.iter().position(|&b| b == b'\n') else {
        return Vec::new();
    };
    let rest = &request[first_line + 1..];
    let Some(second_line) = rest.iter().position(|&b| b == b'\n') else {
        return Vec::new();
    };
    let Some(len) = std::str::from_utf8(&rest[1..second_line.saturating_sub(1)])
        .ok()
        .and_then(|n| n.parse::<usize>().ok())
    else {
        return Vec::new();
    };
    rest.get(second_line + 1..second_line + 1 + len)
        .map(<[u8]>::to_ascii_uppercase)
        .unwrap_or_default()
}

/// The length of the first complete RESP2/RESP3 value in `buffer`, or `None` while
/// it is incomplete.
fn resp_len(buffer: &[u8]) -> Option<usize> {
    let line_end = buffer.windows(2).position(|w| w == b"\r\n")?;
    let header = std::str::from_utf8(buffer.get(1..line_end)?).ok()?;
    let after_header = line_end + 2;
    match buffer.first()? {
        b'+' | b'-' | b':' | b'_' | b'#' | b',' | b'(' => Some(after_header),
        b'$' | b'=' | b'!' => {
            let len: i64 = header.parse().ok()?;
            if len < 0 {
                return Some(after_header);
            }
            let end = after_header + usize::try_from(len).ok()? + 2;
            (buffer.len() >= end).then_some(end)
        }
        b'*' | b'~' | b'>' | b'%' | b'|' => {
            let count: i64 = header.parse().ok()?;
            if count < 0 {
                return Some(after_header);
            }
            let elements = usize::try_from(count).ok()? * if matches!(buffer[0], b'%' | b'|') { 2 } else { 1 };
            let mut at = after_header;
            for _ in 0..elements {
                at += resp_len(&buffer[at..])?;
            }
            Some(at)
        }
        // inline commands (`PING\r\n`) are one line
        _ => Some(after_header),
    }
}

/// The distinct primary ports of a `CLUSTER SLOTS` reply.
fn slot_ports(slots: &redis::Value) -> Vec<u16> {
    let mut ports = Vec::new();
    if let redis::Value::Array(ranges) = slots {
        for range in ranges {
            if let redis::Value::Array(range) = range
                && let Some(redis::Value::Array(primary)) = range.get(2)
                && let Some(redis::Value::Int(port)) = primary.get(1)
                && let Ok(port) = u16::try_from(*port)
                && !ports.contains(&port)
            {
                ports.push(port);
            }
        }
    }
    ports
}

/// A [`RedisCluster`] whose nodes are reached only through a [`FaultProxy`] each:
/// every node announces its proxy's port (`cluster-announce-port`), so `CLUSTER SLOTS`,
/// `MOVED` and `ASK` name the proxies, and every client connection made from them goes
/// through one. The cluster bus stays direct. Dropped with the cluster.
#[derive(Debug)]
pub struct ProxiedCluster {
    // the proxies go first: dropped before the nodes they forward to
    proxies: Vec<FaultProxy>,
    cluster: RedisCluster,
}

impl ProxiedCluster {
    /// Starts a 3-primary cluster, a proxy per node, and waits until every node lists
    /// only the proxies' ports.
    pub fn start() -> Self {
        let cluster = RedisCluster::start();
        let mut proxies = Vec::new();
        for node in cluster.nodes() {
            let proxy = FaultProxy::start(node.port());
            let mut con = node.connection();
            let bus = (node.port() + 10000).to_string();
            let announced = proxy.port().to_string();
            for (name, value) in [
                ("cluster-announce-bus-port", &bus),
                ("cluster-announce-port", &announced),
            ] {
                let () = redis::cmd("CONFIG")
                    .arg("SET")
                    .arg(name)
                    .arg(value)
                    .query(&mut con)
                    .expect("CONFIG SET cluster-announce-*");
            }
            proxies.push(proxy);
        }
        // the new ports spread by gossip: wait until every node lists only proxies
        let proxy_ports: Vec<u16> = proxies.iter().map(FaultProxy::port).collect();
        let deadline = Instant::now() + Duration::from_secs(30);
        while !cluster.nodes().iter().all(|n| {
            let slots: redis::Value = redis::cmd("CLUSTER")
                .arg("SLOTS")
                .query(&mut n.connection())
                .unwrap_or(redis::Value::Nil);
            let ports = slot_ports(&slots);
            ports.len() == 3 && ports.iter().all(|p| proxy_ports.contains(p))
        }) {
            assert!(Instant::now() < deadline, "the nodes did not announce their proxies");
            std::thread::sleep(Duration::from_millis(50));
        }
        ProxiedCluster { proxies, cluster }
    }

    /// The cluster behind the proxies (its nodes, reached directly).
    pub fn cluster(&self) -> &RedisCluster {
        &self.cluster
    }

    /// The proxies, in the order of [`RedisCluster::nodes`].
    pub fn proxies(&self) -> &[FaultProxy] {
        &self.proxies
    }

    /// The proxies' URLs, as a cluster client takes them.
    pub fn urls(&self) -> Vec<String> {
        self.proxies.iter().map(FaultProxy::url).collect()
    }

    /// A redis-rs cluster client that starts from the proxies.
    pub fn client(&self) -> redis::cluster::ClusterClient {
        redis::cluster::ClusterClient::new(self.urls()).expect("cluster client")
    }
}
