//! Redis Cluster connections on which each script call is sent at most once.
//!
//! redis-rs's cluster connections re-send a request when its connection drops or
//! times out, and on `TRYAGAIN`, `CLUSTERDOWN`, `LOADING`, `MASTERDOWN` or
//! `READONLY` replies, up to the client's `retries` (redis 1.8,
//! `cluster_handling/async_connection/request.rs` and `sync_connection/mod.rs`),
//! whether or not the server ran the request. For a script that means running it
//! twice. They also send the `ASKING` of an `ASK` redirect as a request of its own on
//! a connection shared by every task, so another task's request can consume it.
//!
//! The connections here wrap redis-rs's and route script calls themselves:
//!
//! - the slot map is read with `CLUSTER SLOTS` through the wrapped connection (a
//!   read: redis-rs may re-send it harmlessly), and kept up to date from `MOVED`;
//! - each call goes to the slot's primary over a connection to that node owned by
//!   this wrapper (a `MultiplexedConnection`, or a `redis::Connection` for the
//!   blocking one), made with the username, password, protocol and TLS settings of
//!   the node given at construction. Those connections never re-send anything;
//! - `MOVED` and `ASK` (checked to name the call's own slot) are followed, up to 5
//!   times: the node refused the call, nothing ran. After `ASK`, `ASKING` and the
//!   call go as one two-command pipeline on one connection, so no other request can
//!   come between them;
//! - `TRYAGAIN` (the server's exact text: the keys are split by a migration, nothing
//!   ran) is waited out up to 5 times, 25 ms doubling;
//! - `NOSCRIPT` (the server's exact text) is answered with one `EVAL`, as on any
//!   connection; a library function's `ERR Function not found`, with a
//!   `FUNCTION LOAD REPLACE` on that node and the same `FCALL` again (up to three
//!   loads);
//! - anything else is returned: a dropped connection or a timeout as
//!   [`Error::Connection`]/[`Error::Timeout`] (unknown whether it ran), a refusal
//!   with its typed error. Nothing is re-sent after a request may have reached a
//!   server.
//!
//! A script call waits for its reply up to [`DEFAULT_RESPONSE_TIMEOUT`] (10 s; see
//! `with_response_timeout`), then fails with [`Error::Timeout`]: unknown whether it ran.
//!
//! Script commands this crate did not build (`redis::Script`, a hand-made `EVALSHA`
//! or `FCALL`) go to their slot's primary the same way, redirects and `TRYAGAIN`
//! included, but with no `NOSCRIPT` fallback (the caller has its own) and with
//! redis-rs's error type. A pipeline (or transaction) that runs a script is sent
//! once, to the primary of its script calls' slot (their keys must
//! share one slot; other commands of the pipeline belong there too): again only
//! when every reply is the server's `MOVED` for that slot (nothing ran). When that
//! node refuses only some of its commands, the others ran, and the pipeline fails
//! with an error that says so rather than a `MOVED` callers would act on. Every
//! other command (plain commands and pipelines, `load_all`) goes through the
//! wrapped redis-rs connection unchanged, with its routing and retries, except that
//! the blocking wrapper refuses pipelines of plain commands, as redis-rs's blocking
//! cluster connection does.
//!
//! Script calls always run on primaries, `EVALSHA_RO` included.
//!
//! What to do after each reply is decided by the runtime's one at-most-once
//! decision (`attempt.rs`); the files here are what a cluster adds: the slot map
//! (`slots.rs`), how nodes are reached (`settings.rs`), requests read back for
//! their keys (`packed.rs`), the state and loops both wrappers share
//! (`routing.rs`, `pipeline.rs`), and each wrapper's socket calls
//! (`asynchronous.rs`, `blocking.rs`).
//!
//! [`Error::Connection`]: crate::Error::Connection
//! [`Error::Timeout`]: crate::Error::Timeout

mod asynchronous;
mod blocking;
mod packed;
mod pipeline;
mod routing;
mod settings;
mod slots;

pub use asynchronous::AsyncClusterConnection;
pub use blocking::ClusterConnection;
pub use settings::DEFAULT_RESPONSE_TIMEOUT;
