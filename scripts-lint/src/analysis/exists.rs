//! Keys a script has made sure exist. After `SET key value NX` (whatever it replied),
//! `INCR key` or `APPEND key ...`, the key holds a string until a command that may
//! delete a key (any key: two names may be one key), so `GET key` replies that
//! string, never `false`. Time stands still
//! while a script runs, so an expiry set on the way cannot remove it either (checked
//! on Redis 7.0.15: `SET k v PX 1 NX`, a long loop, then `GET k` gives `v`).
//!
//! Keys are told apart by the identity of their values ([`Value::identity`]): the
//! same `KEYS` entry, `ARGV` entry or literal, or strings joined from such parts. The
//! set is a flow fact, like the seed state: branches meet on what all of them know.

use std::sync::Arc;

use super::{Analyzer, Arg, Value};
use crate::redis::commands::{self, Command, Resolved, key_flag};

/// Identities of keys known to exist. Copied at every fork of control flow, so shared
/// until changed: a clone costs no allocation.
#[derive(Clone, Debug, Default, PartialEq)]
pub(super) struct Existing(Option<Arc<[u64]>>);

impl Existing {
    pub(super) fn is_empty(&self) -> bool {
        self.0.is_none()
    }

    fn ids(&self) -> &[u64] {
        self.0.as_deref().unwrap_or(&[])
    }

    pub(super) fn contains(&self, id: u64) -> bool {
        self.ids().binary_search(&id).is_ok()
    }

    pub(super) fn clear(&mut self) {
        self.0 = None;
    }

    fn set(&mut self, ids: Vec<u64>) {
        self.0 = (!ids.is_empty()).then(|| Arc::from(ids));
    }

    fn insert(&mut self, id: u64) {
        if let Err(at) = self.ids().binary_search(&id) {
            let mut ids = self.ids().to_vec();
            ids.insert(at, id);
            self.set(ids);
        }
    }

    /// Keeps only what `other` holds too.
    pub(super) fn intersect(&mut self, other: &Existing) {
        if self == other || self.is_empty() {
            return;
        }
        let ids = self.ids().iter().copied().filter(|id| other.contains(*id)).collect();
        self.set(ids);
    }
}

/// Meets `existing` into what a function's exits so far know (`None`: no exit yet).
pub(super) fn meet_into(exits: &mut Option<Existing>, existing: &Existing) {
    match exits {
        Some(known) => known.intersect(existing),
        None => *exits = Some(existing.clone()),
    }
}

/// What all of `sets` hold.
pub(super) fn meet<'s>(mut sets: impl Iterator<Item = &'s Existing>) -> Existing {
    let Some(first) = sets.next() else {
        return Existing::default();
    };
    let mut out = first.clone();
    for set in sets {
        out.intersect(set);
    }
    out
}

/// Commands after which their first key holds a string, whatever they reply (`SET`
/// only without `XX`; an error raises, so the script does not go on).
const CREATE: &[&str] = &[
    "SET",
    "SETNX",
    "SETEX",
    "PSETEX",
    "GETSET",
    "INCR",
    "INCRBY",
    "INCRBYFLOAT",
    "DECR",
    "DECRBY",
    "APPEND",
];

/// True when `command` may delete a key that holds a string (or turn to other keys):
/// it removes or overwrites a key (`DEL`, `*STORE`: an empty result deletes the
/// destination), it is a write of the keyspace or the server (`EXPIRE`, `RENAME`,
/// `MOVE`, `FLUSHDB`), a string command that deletes or sets an expiry (`GETDEL`,
/// `GETEX`), `SELECT`, or a write with no key. Commands of other types (`LPOP`,
/// `HDEL`) raise on a key that holds a string, so they cannot delete one.
fn may_delete(command: &Command) -> bool {
    let specs = command.key_specs.iter().fold(0, |flags, spec| flags | spec.flags);
    let write = command.flags & commands::flag::WRITE != 0;
    specs & (key_flag::RM | key_flag::OW) != 0
        || (write && matches!(command.group, "generic" | "server"))
        || (command.group == "string" && (specs & key_flag::DELETE != 0 || command.name == "GETEX"))
        || (write && command.key_specs.is_empty())
        || command.name == "SELECT"
}

/// The command a call runs, as written, when it is one literal.
fn literal_name(args: &[Arg]) -> Option<&str> {
    args.first()?.literal()
}

/// True when `SET`'s options (from the fourth argument) surely leave the key set:
/// every option is a literal, none is `XX`, and none is `EXAT`/`PXAT` (a time in the
/// past deletes the key at once); the value after `EX`/`PX` is skipped (one that is
/// not positive raises).
fn set_creates(args: &[Arg]) -> bool {
    // `SET k unpack(ARGV)`: the options are not known
    if args.iter().skip(2).any(|a| a.spread) || args.len() < 3 {
        return false;
    }
    let mut rest = args.iter().skip(3);
    while let Some(arg) = rest.next() {
        match arg.word().map(|w| w.to_ascii_uppercase()).as_deref() {
            Some("EX" | "PX") => {
                if rest.next().is_none_or(|a| a.spread) {
                    return false;
                }
            }
            Some("NX" | "GET" | "KEEPTTL") => {}
            _ => return false,
        }
    }
    true
}

impl Analyzer<'_> {
    /// From here on no key is known to exist: `KEYS`/`ARGV` changed or metatables
    /// were set, so value identities no longer tell keys apart.
    pub(super) fn stop_tracking(&mut self) {
        self.walk.untracked = true;
        self.flow.existing.clear();
    }

    /// True when the call is `GET` of a key known to exist: its reply is a string.
    pub(super) fn known_present(&self, args: &[Arg]) -> bool {
        if self.flow.existing.is_empty() || !literal_name(args).is_some_and(|n| n.eq_ignore_ascii_case("GET")) {
            return false;
        }
        args.get(1)
            .filter(|a| !a.spread)
            .and_then(|a| a.value.identity())
            .is_some_and(|id| self.flow.existing.contains(id))
    }

    /// After a command call: forget every key when it may have deleted one, then note
    /// the key it made sure of. Two identities may name one key (`KEYS[1]` and
    /// `KEYS[2]` can be equal), so a command that may delete any key forgets them all.
    /// `pcall`: an error does not stop the script, so nothing is made sure of.
    pub(super) fn after_command(&mut self, args: &[Arg], pcall: bool) {
        if self.walk.untracked {
            return;
        }
        // most calls neither make sure of a key nor have one to forget: no lookups
        if self.flow.existing.is_empty()
            && (pcall || !literal_name(args).is_some_and(|n| CREATE.iter().any(|c| c.eq_ignore_ascii_case(n))))
        {
            return;
        }
        let Some(name) = literal_name(args) else {
            self.flow.existing.clear();
            return;
        };
        // an unknown command, or a container whose subcommand is not known, may do anything
        let Resolved::Known(command) = commands::resolve(name, args.get(1).and_then(Arg::literal)) else {
            self.flow.existing.clear();
            return;
        };
        let creator = CREATE.contains(&command.name);
        let sure = command.name != "SET" || set_creates(args);
        if (creator && !sure) || (!creator && may_delete(command)) {
            self.flow.existing.clear();
        }
        if creator
            && sure
            && !pcall
            && let Some(id) = args.get(1).filter(|a| !a.spread).and_then(|a| a.value.identity())
        {
            self.flow.existing.insert(id);
        }
    }
}

/// The identity of a string made by joining `left` and `right` with `..`: known when
/// both parts are.
pub(super) fn joined(left: &Value, right: &Value) -> Option<u64> {
    Some(mix(mix(0x9e37_79b9_7f4a_7c15, left.identity()?), right.identity()?))
}

/// Mixes a 64-bit word into a hash (deterministic across runs, unlike `RandomState`;
/// a multiply and a rotation, as in `FxHash`).
pub(super) fn mix(hash: u64, word: u64) -> u64 {
    (hash.rotate_left(5) ^ word).wrapping_mul(0x51_7c_c1_b7_27_22_0a_95)
}

/// A string's identity word.
pub(super) fn text(text: &str) -> u64 {
    text.bytes().fold(0xcbf2_9ce4_8422_2325, |hash, byte| {
        (hash ^ u64::from(byte)).wrapping_mul(0x0000_0100_0000_01b3)
    })
}
