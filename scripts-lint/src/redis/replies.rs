//! What each command replies, as a script sees it, and what its arguments must be.
//!
//! Generated from the `reply_schema` and `arguments` of every command in
//! `data/command-docs-valkey-8.0.1.jsonl` (verbatim from upstream, see
//! `tests/reply_table.rs`, which writes `replies_table.rs`), then converted the way
//! Redis converts replies for Lua in RESP2, the protocol every script starts in:
//!
//! | reply | in Lua |
//! |---|---|
//! | integer | a number |
//! | bulk string, double | a string |
//! | null | `false` |
//! | simple string (status) | the table `{ok = 'OK'}` |
//! | array, map | a table; a map is a flat array `{k1, v1, k2, v2, ...}` |
//!
//! The schema marks status replies only through constants such as `"OK"`; the
//! shapes of the commands a script calls are checked against a live server by
//! `tests/tests/reply_shapes.rs` in the workspace.
//!
//! ```
//! use scripts_lint::redis::replies::{self, shape};
//!
//! let get = replies::lookup("get").unwrap();
//! assert_eq!(get.shapes, shape::BULK | shape::NIL);
//! let hgetall = replies::lookup("HGETALL").unwrap();
//! assert!(hgetall.map && hgetall.shapes == shape::ARRAY);
//! assert_eq!(replies::lookup("SET").unwrap().shapes & shape::STATUS, shape::STATUS);
//! ```

/// Reply shapes in Lua, one bit each.
pub mod shape {
    /// An integer reply: a Lua number.
    pub const INTEGER: u8 = 1 << 0;
    /// A bulk string (or a double, sent as a string in RESP2): a Lua string.
    pub const BULK: u8 = 1 << 1;
    /// A null reply: `false` in Lua (not `nil`).
    pub const NIL: u8 = 1 << 2;
    /// A simple string (`OK`, `PONG`, a type name): the table `{ok = ...}` in Lua.
    pub const STATUS: u8 = 1 << 3;
    /// An array or a map: a Lua table indexed from 1.
    pub const ARRAY: u8 = 1 << 4;
}

/// The type an argument must have, from the command's documentation.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ArgType {
    /// A key name.
    Key,
    /// Any string.
    String,
    /// An integer: a number with a fraction is refused (`value is not an integer`).
    Integer,
    /// A floating-point number.
    Double,
    /// A Unix time in seconds or milliseconds: an integer.
    UnixTime,
    /// A glob-style pattern.
    Pattern,
}

/// One command's reply and arguments.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Reply {
    /// Uppercase name; a subcommand is `CONTAINER|SUB`.
    pub command: &'static str,
    /// What the reply may be ([`shape`] bits); the options a call passes decide
    /// between them (`SET ... GET`).
    pub shapes: u8,
    /// For an array reply, what its elements may be ([`shape`] bits, nested arrays
    /// flattened one level, as RESP2 sends pairs).
    pub elements: u8,
    /// The reply is a map, which a script receives as a flat array of pairs.
    pub map: bool,
    /// The array's length is fixed or bounded by the arguments (`MGET`); otherwise it
    /// grows with the data (`SMEMBERS`, `HGETALL`, `LRANGE 0 -1`).
    pub bounded: bool,
    /// The types of the leading required arguments, in order (after the name).
    pub leading: &'static [ArgType],
    /// Arguments introduced by a token (`EX <seconds>`, `LIMIT <offset> <count>`).
    pub tokens: &'static [(&'static str, &'static [ArgType])],
}

impl Reply {
    /// True when the reply may be `shape`.
    pub fn may_be(&self, shape: u8) -> bool {
        self.shapes & shape != 0
    }

    /// The documented type of the argument at `index` (0-based after the command
    /// name; a subcommand's name counts), given the literal text of the arguments
    /// before it where known.
    pub fn arg_type(&self, index: usize, literals: &[Option<&str>]) -> Option<ArgType> {
        if let Some(ty) = self.leading.get(index) {
            return Some(*ty);
        }
        // the closest token before `index` whose arguments reach it
        for back in 1..=index.min(4) {
            let Some(Some(word)) = literals.get(index - back) else {
                continue;
            };
            if let Some((_, types)) = self.tokens.iter().find(|(t, _)| t.eq_ignore_ascii_case(word)) {
                return types.get(back - 1).copied();
            }
        }
        None
    }
}

/// True when `SET key value [options]` has no option that makes it reply null: every
/// word after the value is a literal expiry (`EX`/`PX`/`EXAT`/`PXAT` and its number)
/// or `KEEPTTL`, so `NX`, `XX` and `GET` cannot hide in a value known only at run time.
fn set_always_sets(args: &[Option<&str>]) -> bool {
    let mut i = 2;
    while i < args.len() {
        match args[i] {
            Some(w) if ["EX", "PX", "EXAT", "PXAT"].iter().any(|o| o.eq_ignore_ascii_case(w)) => i += 2,
            Some(w) if w.eq_ignore_ascii_case("KEEPTTL") => i += 1,
            _ => return false,
        }
    }
    args.len() >= 2
}

/// The shapes a call's options leave (`SET` without `GET` never replies a string;
/// `LPOP` with a count replies an array). `args` are the literal words after the
/// command name (`None`: not a literal).
pub fn refine(reply: &Reply, args: &[Option<&str>]) -> u8 {
    let has = |word: &str| args.iter().flatten().any(|a| a.eq_ignore_ascii_case(word));
    let shapes = reply.shapes;
    match reply.command {
        "SET" if has("GET") => shapes & !shape::STATUS,
        // without NX, XX or GET (every option word a literal) it always sets: `OK`
        "SET" if set_always_sets(args) => shape::STATUS,
        "SET" => shapes & !shape::BULK,
        // a count makes these reply an array
        "LPOP" | "RPOP" | "SPOP" | "SRANDMEMBER" | "HRANDFIELD" | "ZRANDMEMBER" | "ZPOPMIN" | "ZPOPMAX" => {
            if args.len() >= 2 {
                shapes & !(shape::BULK | shape::INTEGER) | shape::ARRAY
            } else {
                shapes & !shape::ARRAY
            }
        }
        "ZADD" if has("INCR") => shapes & !shape::INTEGER,
        "ZADD" => shapes & !(shape::BULK | shape::NIL),
        "ZRANK" | "ZREVRANK" if has("WITHSCORE") => shapes & !shape::INTEGER,
        "ZRANK" | "ZREVRANK" => shapes & !shape::ARRAY,
        "PING" if args.is_empty() => shape::STATUS,
        "PING" => shape::BULK,
        // NOMKSTREAM comes right after the key
        "XADD"
            if args
                .get(1)
                .copied()
                .flatten()
                .is_some_and(|a| !a.eq_ignore_ascii_case("NOMKSTREAM")) =>
        {
            shapes & !shape::NIL
        }
        _ => shapes,
    }
}

/// True when a call's literal arguments bound the length of an array reply the
/// command does not bound itself: a range (`LRANGE key 0 99`), a count (`LPOP key
/// 10`, `COUNT 10`) or a `LIMIT offset count`.
pub fn bounded_by(reply: &Reply, args: &[Option<&str>]) -> bool {
    /// Counts beyond this are unbounded for practical purposes (`unpack` fails past
    /// about 8,000 values).
    const SMALL: i64 = 1_000;
    let int = |i: usize| args.get(i).copied().flatten().and_then(|a| a.parse::<i64>().ok());
    let small = |n: Option<i64>| n.is_some_and(|n| (0..=SMALL).contains(&n));
    // `LIMIT offset count` and `COUNT n` anywhere
    for (i, word) in args.iter().enumerate() {
        match word.map(str::to_ascii_uppercase).as_deref() {
            Some("LIMIT") if small(int(i + 2)) => return true,
            Some("COUNT") if small(int(i + 1)) => return true,
            _ => {}
        }
    }
    match reply.command {
        "LRANGE" | "ZRANGE" | "ZREVRANGE" => match (int(1), int(2)) {
            (Some(start), Some(stop)) => start >= 0 && stop >= start && stop - start <= SMALL,
            _ => false,
        },
        "LPOP" | "RPOP" | "SPOP" | "SRANDMEMBER" | "ZPOPMIN" | "ZPOPMAX" | "ZRANDMEMBER" | "HRANDFIELD" => {
            int(1).is_some_and(|n| n.abs() <= SMALL)
        }
        _ => false,
    }
}

include!("replies_table.rs");

/// The reply of `name` (any case; `CONTAINER|SUB` for a subcommand).
pub fn lookup(name: &str) -> Option<&'static Reply> {
    find(name.bytes())
}

/// The reply of subcommand `sub` of `container` (any case), without building a name.
pub fn lookup_sub(container: &str, sub: &str) -> Option<&'static Reply> {
    find(container.bytes().chain(std::iter::once(b'|')).chain(sub.bytes()))
}

/// Longer than any name in the table, so a name that does not fit cannot be in it.
const NAME_BUF: usize = 64;

fn find(name: impl Iterator<Item = u8>) -> Option<&'static Reply> {
    // uppercased once into a buffer, then compared as slices: comparing through an
    // iterator chain at every step of the search cost 5% of a debug build's check
    let mut buf = [0; NAME_BUF];
    let mut len = 0;
    for byte in name {
        *buf.get_mut(len)? = byte.to_ascii_uppercase();
        len += 1;
    }
    let key = &buf[..len];
    let index = REPLIES
        .binary_search_by(|reply| reply.command.as_bytes().cmp(key))
        .ok()?;
    Some(&REPLIES[index])
}

/// True when the call's options can change what `reply` tells (see [`refine`] and
/// [`bounded_by`]), so they are worth reading.
pub fn reads_options(reply: &Reply) -> bool {
    matches!(
        reply.command,
        "SET"
            | "LPOP"
            | "RPOP"
            | "SPOP"
            | "SRANDMEMBER"
            | "HRANDFIELD"
            | "ZRANDMEMBER"
            | "ZPOPMIN"
            | "ZPOPMAX"
            | "ZADD"
            | "ZRANK"
            | "ZREVRANK"
            | "PING"
            | "XADD"
    ) || (reply.may_be(shape::ARRAY) && !reply.bounded)
}

/// Every documented reply, sorted by command name.
pub fn all() -> &'static [Reply] {
    REPLIES
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn lookups_ignore_case() {
        assert_eq!(lookup("get").map(|r| r.command), Some("GET"));
        assert_eq!(lookup("object|encoding").map(|r| r.command), Some("OBJECT|ENCODING"));
        assert!(lookup("nosuch").is_none());
        assert!(REPLIES.windows(2).all(|w| w[0].command < w[1].command));
        assert!(REPLIES.iter().all(|r| r.command.len() < NAME_BUF));
    }

    #[test]
    fn set_replies_null_only_with_an_option_that_may_not_set() {
        let set = lookup("SET").unwrap();
        let refined = |args: &[Option<&str>]| refine(set, args);
        // `SET k v`, `SET k v PX <ms>`, `SET k v EX 10 KEEPTTL`: always `OK`
        assert_eq!(refined(&[None, None]), shape::STATUS);
        assert_eq!(refined(&[None, None, Some("px"), None]), shape::STATUS);
        assert_eq!(
            refined(&[None, None, Some("EX"), Some("10"), Some("KEEPTTL")]),
            shape::STATUS
        );
        // NX/XX may not set (null); a word known only at run time may be either
        for args in [
            &[None, None, Some("NX")][..],
            &[None, None, Some("PX"), None, Some("XX")],
            &[None, None, None],
            &[None, None, Some("PX"), None, None],
        ] {
            assert_ne!(refined(args) & shape::NIL, 0, "{args:?}");
        }
    }

    #[test]
    fn argument_types_by_position_and_token() {
        let expire = lookup("EXPIRE").unwrap();
        assert_eq!(expire.arg_type(0, &[]), Some(ArgType::Key));
        assert_eq!(expire.arg_type(1, &[None]), Some(ArgType::Integer));
        let set = lookup("SET").unwrap();
        let args = [None, None, Some("PX")];
        assert_eq!(set.arg_type(3, &args), Some(ArgType::Integer));
        let zrangebyscore = lookup("ZRANGEBYSCORE").unwrap();
        let args = [None, None, None, Some("limit"), None];
        assert_eq!(zrangebyscore.arg_type(4, &args), Some(ArgType::Integer));
        assert_eq!(zrangebyscore.arg_type(5, &args), Some(ArgType::Integer));
    }
}
