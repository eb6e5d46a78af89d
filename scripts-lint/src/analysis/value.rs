//! Abstract values: what the analysis knows about a Lua value at one point.
//!
//! A value is a set of origins (`kinds`) plus whatever is known exactly (a
//! constant, the function it is, the table it came from). Joining two values,
//! where control flow merges, unions the origins and keeps only what both agree on.

use std::ops::Range;
use std::sync::Arc;

/// Origin bits.
pub(crate) mod kind {
    /// An entry of `KEYS`.
    pub(crate) const KEY: u16 = 1 << 0;
    /// An entry of `ARGV`, still the string Redis passed.
    pub(crate) const ARGV: u16 = 1 << 1;
    /// A number.
    pub(crate) const NUMBER: u16 = 1 << 2;
    /// A string written in the script or made by a string function.
    pub(crate) const STRING: u16 = 1 << 3;
    /// A string built with `..`.
    pub(crate) const CONCAT: u16 = 1 << 4;
    /// A value read from a table field the analysis does not follow.
    pub(crate) const FIELD: u16 = 1 << 5;
    /// `nil`.
    pub(crate) const NIL: u16 = 1 << 6;
    /// `true` or `false`.
    pub(crate) const BOOL: u16 = 1 << 7;
    /// A table.
    pub(crate) const TABLE: u16 = 1 << 8;
    /// A function.
    pub(crate) const FUNCTION: u16 = 1 << 9;
    /// The result of a call or anything else the analysis cannot see into.
    pub(crate) const UNKNOWN: u16 = 1 << 10;
}

/// A function value the analysis recognises.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Func {
    /// A Redis-provided function: its library (`""` for base functions) and name,
    /// e.g. `("redis", "call")`, `("", "tonumber")`.
    Builtin(&'static str, &'static str),
    /// A function defined in the script, by the offset of its `function` keyword.
    Local(usize),
}

/// A table value the analysis recognises.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Table {
    /// The `KEYS` table.
    Keys,
    /// The `ARGV` table.
    Argv,
    /// A Redis library table (`redis`, `string`, `cjson`, ...).
    Library(&'static str),
    /// A table built in the script, by the offset of its constructor.
    Local(usize),
}

/// What kind of reply a `return` of this value produces, where it is special.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Marker {
    /// `cjson.encode(...)`: a JSON string.
    Json,
    /// `redis.status_reply(...)` or `{ok = ...}`: a status reply.
    Status,
    /// `redis.error_reply(...)` or `{err = ...}`: an error reply.
    Error,
    /// The result of `ipairs`/`pairs`: the key and value a `for ... in` gets.
    Iterator,
}

/// What the analysis knows of one value.
#[derive(Clone, Debug, PartialEq)]
pub(crate) struct Value {
    pub(crate) kinds: u16,
    /// Which `KEYS` entry, when it is exactly one known entry.
    pub(crate) key_index: Option<usize>,
    /// Which `ARGV` entry, when it is exactly one known entry.
    pub(crate) argv_index: Option<usize>,
    pub(crate) number: Option<f64>,
    pub(crate) string: Option<Arc<str>>,
    pub(crate) boolean: Option<bool>,
    /// True when the number is likely not an integer (`/`, `math.sqrt`, `math.random()`).
    pub(crate) fraction: bool,
    pub(crate) func: Option<Func>,
    pub(crate) table: Option<Table>,
    pub(crate) marker: Option<Marker>,
    /// For an iterator: the values its loop variables take.
    pub(crate) iterates: Option<Arc<(Value, Value)>>,
    /// Where a value that is not from `KEYS` was made, for messages.
    pub(crate) origin: Option<Range<usize>>,
    /// The `ARGV` index when the number is `tonumber(ARGV[i])` (or arithmetic on it).
    pub(crate) tonumber_of: Option<usize>,
}

impl Value {
    /// Nothing known yet (the identity of [`join`](Self::join)).
    pub(crate) fn bottom() -> Self {
        Value {
            kinds: 0,
            key_index: None,
            argv_index: None,
            number: None,
            string: None,
            boolean: None,
            fraction: false,
            func: None,
            table: None,
            marker: None,
            iterates: None,
            origin: None,
            tonumber_of: None,
        }
    }

    pub(crate) fn of(kinds: u16) -> Self {
        Value {
            kinds,
            ..Self::bottom()
        }
    }

    pub(crate) fn unknown() -> Self {
        Self::of(kind::UNKNOWN)
    }

    pub(crate) fn nil() -> Self {
        Self::of(kind::NIL)
    }

    pub(crate) fn number(n: Option<f64>) -> Self {
        Value {
            number: n,
            fraction: n.is_some_and(|n| n.fract() != 0.0),
            ..Self::of(kind::NUMBER)
        }
    }

    pub(crate) fn fraction() -> Self {
        Value {
            fraction: true,
            ..Self::of(kind::NUMBER)
        }
    }

    pub(crate) fn string(s: Option<Arc<str>>) -> Self {
        Value {
            string: s,
            ..Self::of(kind::STRING)
        }
    }

    pub(crate) fn boolean(b: Option<bool>) -> Self {
        Value {
            boolean: b,
            ..Self::of(kind::BOOL)
        }
    }

    pub(crate) fn func(f: Func) -> Self {
        Value {
            func: Some(f),
            ..Self::of(kind::FUNCTION)
        }
    }

    pub(crate) fn table(t: Option<Table>) -> Self {
        Value {
            table: t,
            ..Self::of(kind::TABLE)
        }
    }

    pub(crate) fn marked(mut self, marker: Marker) -> Self {
        self.marker = Some(marker);
        self
    }

    pub(crate) fn at(mut self, range: Range<usize>) -> Self {
        if self.origin.is_none() {
            self.origin = Some(range);
        }
        self
    }

    pub(crate) fn has(&self, kinds: u16) -> bool {
        self.kinds & kinds != 0
    }

    /// True when the value is the string literal `word`, in any case.
    pub(crate) fn is_literal_ignore_case(&self, word: &str) -> bool {
        self.only(kind::STRING) && self.string.as_deref().is_some_and(|s| s.eq_ignore_ascii_case(word))
    }

    /// Only these kinds (and at least one).
    pub(crate) fn only(&self, kinds: u16) -> bool {
        self.kinds != 0 && self.kinds & !kinds == 0
    }

    /// The least value above both: the union of what either could be.
    pub(crate) fn join(&self, other: &Value) -> Value {
        if self.kinds == 0 {
            return other.clone();
        }
        if other.kinds == 0 {
            return self.clone();
        }
        fn same<T: PartialEq + Clone>(a: &Option<T>, b: &Option<T>) -> Option<T> {
            if a == b { a.clone() } else { None }
        }
        Value {
            kinds: self.kinds | other.kinds,
            key_index: same(&self.key_index, &other.key_index),
            argv_index: same(&self.argv_index, &other.argv_index),
            number: match (self.number, other.number) {
                (Some(a), Some(b)) if a == b => Some(a),
                _ => None,
            },
            string: same(&self.string, &other.string),
            boolean: same(&self.boolean, &other.boolean),
            fraction: self.fraction || other.fraction,
            func: same(&self.func, &other.func),
            table: same(&self.table, &other.table),
            marker: same(&self.marker, &other.marker),
            iterates: same(&self.iterates, &other.iterates),
            // messages point at where a non-key value came from, so prefer that origin
            origin: if self.only(kind::KEY) {
                other.origin.clone().or_else(|| self.origin.clone())
            } else {
                self.origin.clone().or_else(|| other.origin.clone())
            },
            tonumber_of: self.tonumber_of.or(other.tonumber_of),
        }
    }

    /// The value of `x` in `x or y` / `x and y` when `x` is truthy: without `nil`/`false`.
    pub(crate) fn truthy(&self) -> Value {
        let mut v = self.clone();
        v.kinds &= !(kind::NIL | kind::BOOL);
        if v.kinds == 0 && self.boolean == Some(true) {
            v.kinds = kind::BOOL;
        }
        v
    }

    /// The value of `x` in `x and y` when `x` is falsy.
    pub(crate) fn falsy(&self) -> Value {
        Value::of(self.kinds & (kind::NIL | kind::BOOL))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn join_unions_kinds_and_keeps_agreed_facts() {
        let a = Value::number(Some(2.0));
        let b = Value::number(Some(2.0));
        assert_eq!(a.join(&b).number, Some(2.0));
        let c = Value::number(Some(3.0));
        assert_eq!(a.join(&c).number, None);
        let key = Value {
            key_index: Some(1),
            ..Value::of(kind::KEY)
        };
        let lit = Value::string(Some("x".into())).at(4..7);
        let joined = key.join(&lit);
        assert!(joined.has(kind::KEY) && joined.has(kind::STRING));
        assert!(!joined.only(kind::KEY));
        assert_eq!(joined.origin, Some(4..7));
        assert_eq!(Value::bottom().join(&key), key);
    }

    #[test]
    fn truthy_drops_nil_and_false() {
        let v = Value::of(kind::ARGV | kind::NIL);
        assert!(v.truthy().only(kind::ARGV));
        assert!(v.falsy().only(kind::NIL));
    }
}
