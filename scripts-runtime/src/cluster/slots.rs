//! The slot map: which primary serves each slot, read with `CLUSTER SLOTS` and kept
//! up to date from `MOVED`.

use std::sync::{Arc, Mutex, MutexGuard, PoisonError};

use redis::cluster_routing::{RoutingInfo, SingleNodeRoutingInfo};
use redis::{Cmd, ErrorKind, RedisError, RedisResult, Value};

/// Slots of a Redis Cluster.
const SLOTS: usize = 16384;

/// No node known for a slot.
const UNKNOWN: u16 = u16::MAX;

/// Which primary serves each slot, as far as known.
#[derive(Debug, Default)]
pub(super) struct Topology {
    /// The index in `nodes` of each slot's primary; empty until first loaded.
    slots: Vec<u16>,
    /// Primaries as `host:port`.
    nodes: Vec<Arc<str>>,
    /// Reloaded before the next request (after a node could not be reached,
    /// `CLUSTERDOWN`, a discarded transaction).
    pub(super) stale: bool,
    /// Round-robin position for requests without keys (any node runs them).
    next: usize,
}

impl Topology {
    pub(super) fn needs_load(&self) -> bool {
        self.slots.is_empty() || self.stale
    }

    /// The node serving `slot`; any node for a request without keys, or for a slot
    /// no node serves (that node answers `MOVED` or `CLUSTERDOWN`, the server's word).
    pub(super) fn node(&mut self, slot: Option<u16>) -> Option<Arc<str>> {
        let known = slot
            .and_then(|slot| self.slots.get(usize::from(slot)))
            .and_then(|index| self.nodes.get(usize::from(*index)));
        if let Some(node) = known {
            return Some(node.clone());
        }
        if self.nodes.is_empty() {
            return None;
        }
        self.next = self.next.wrapping_add(1);
        Some(self.nodes[self.next % self.nodes.len()].clone())
    }

    /// `MOVED`: `slot` is now served by `node`.
    pub(super) fn set(&mut self, slot: u16, node: &str) {
        if self.slots.len() != SLOTS {
            self.slots = vec![UNKNOWN; SLOTS];
        }
        let index = match self.nodes.iter().position(|n| &**n == node) {
            Some(index) => index,
            None => {
                self.nodes.push(node.into());
                self.nodes.len() - 1
            }
        };
        self.slots[usize::from(slot)] = u16::try_from(index).unwrap_or(UNKNOWN);
    }

    /// Replaces the map with the ranges of a `CLUSTER SLOTS` reply (see [`parse_slots`]).
    pub(super) fn load(&mut self, ranges: Vec<(u16, u16, String)>) {
        let mut slots = vec![UNKNOWN; SLOTS];
        let mut nodes: Vec<Arc<str>> = Vec::new();
        for (start, end, node) in ranges {
            let index = match nodes.iter().position(|n| **n == *node) {
                Some(index) => index,
                None => {
                    nodes.push(node.into());
                    nodes.len() - 1
                }
            };
            let index = u16::try_from(index).unwrap_or(UNKNOWN);
            for slot in start..=end.min(SLOTS as u16 - 1) {
                slots[usize::from(slot)] = index;
            }
        }
        *self = Topology {
            slots,
            nodes,
            stale: false,
            next: self.next,
        };
    }
}

/// Locks the slot map (or anything else the wrappers share).
pub(super) fn lock<T>(mutex: &Mutex<T>) -> MutexGuard<'_, T> {
    // the state stays consistent across a panic elsewhere: every update is one assignment
    mutex.lock().unwrap_or_else(PoisonError::into_inner)
}

/// `CLUSTER SLOTS`, to read the slot map (routed to any node).
pub(super) fn slots_command() -> (Cmd, RoutingInfo) {
    let mut cmd = redis::cmd("CLUSTER");
    cmd.arg("SLOTS");
    (cmd, RoutingInfo::SingleNode(SingleNodeRoutingInfo::Random))
}

/// The `CLUSTER SLOTS` reply as `(first slot, last slot, "host:port" of the primary)`.
/// A node that does not know its own address answers an empty host (or `?`): it is
/// then reached at `default_host`, as redis-rs does.
pub(super) fn parse_slots(reply: Value, default_host: &str) -> RedisResult<Vec<(u16, u16, String)>> {
    let invalid = || RedisError::from((ErrorKind::Parse, "unexpected CLUSTER SLOTS reply"));
    let Value::Array(ranges) = reply else {
        return Err(invalid());
    };
    let mut out = Vec::with_capacity(ranges.len());
    for range in ranges {
        let Value::Array(range) = range else {
            return Err(invalid());
        };
        let (Some(Value::Int(start)), Some(Value::Int(end)), Some(Value::Array(primary))) =
            (range.first(), range.get(1), range.get(2))
        else {
            return Err(invalid());
        };
        let host = match primary.first() {
            Some(Value::BulkString(host)) => String::from_utf8_lossy(host).into_owned(),
            Some(Value::SimpleString(host)) => host.clone(),
            _ => return Err(invalid()),
        };
        let Some(Value::Int(port)) = primary.get(1) else {
            return Err(invalid());
        };
        let host = if host.is_empty() || host == "?" {
            default_host.to_owned()
        } else {
            host
        };
        let (Ok(start), Ok(end)) = (u16::try_from(*start), u16::try_from(*end)) else {
            return Err(invalid());
        };
        out.push((start, end, format!("{host}:{port}")));
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn slot_ranges_are_read_from_cluster_slots() {
        let node = |host: &str, port| Value::Array(vec![Value::BulkString(host.into()), Value::Int(port)]);
        let reply = Value::Array(vec![
            Value::Array(vec![Value::Int(0), Value::Int(5460), node("10.0.0.1", 7000)]),
            Value::Array(vec![Value::Int(5461), Value::Int(16383), node("", 7001), node("r", 1)]),
        ]);
        let ranges = parse_slots(reply, "seed").unwrap();
        assert_eq!(
            ranges,
            [
                (0, 5460, "10.0.0.1:7000".to_owned()),
                (5461, 16383, "seed:7001".to_owned())
            ]
        );
        let mut topology = Topology::default();
        assert!(topology.needs_load());
        topology.load(ranges);
        assert_eq!(topology.node(Some(5460)).as_deref(), Some("10.0.0.1:7000"));
        assert_eq!(topology.node(Some(5461)).as_deref(), Some("seed:7001"));
        topology.set(5460, "10.0.0.9:7009");
        assert_eq!(topology.node(Some(5460)).as_deref(), Some("10.0.0.9:7009"));
        assert!(topology.node(None).is_some());
        assert!(parse_slots(Value::Int(1), "x").is_err());
    }
}
