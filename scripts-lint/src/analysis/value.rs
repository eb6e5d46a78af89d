//! Abstract values: what the analysis knows about a Lua value at one point.
//!
//! A value is a set of possibilities (`kinds`) plus whatever is known exactly about
//! some of them (the literal strings it can be, its number, the function it is, the
//! table it came from). Joining two values, where control flow merges, unions the
//! possibilities; a fact about one kind survives when every side that can be of that
//! kind agrees on it, so `cond and 'RPUSH' or 'LPUSH'` is one of two known strings.

use rustc_hash::FxHashMap;
use std::ops::Range;
use std::sync::Arc;

use crate::redis::replies::Reply;

/// A key, or a key built from one: where a joined value came from, messages prefer
/// the origin of what else it may be.
const KEY_LIKE: u32 = kind::KEY | kind::DERIVED | kind::ANNOTATED;

/// Possibility bits.
pub(crate) mod kind {
    /// An entry of `KEYS`.
    pub(crate) const KEY: u32 = 1 << 0;
    /// An entry of `ARGV`, still the string Redis passed.
    pub(crate) const ARGV: u32 = 1 << 1;
    /// A number.
    pub(crate) const NUMBER: u32 = 1 << 2;
    /// A string written in the script or made by a string function.
    pub(crate) const STRING: u32 = 1 << 3;
    /// A string built with `..` that does not start with a key.
    pub(crate) const CONCAT: u32 = 1 << 4;
    /// A value read from a table field the analysis does not follow.
    pub(crate) const FIELD: u32 = 1 << 5;
    /// `nil`.
    pub(crate) const NIL: u32 = 1 << 6;
    /// `true` or `false`.
    pub(crate) const BOOL: u32 = 1 << 7;
    /// A table.
    pub(crate) const TABLE: u32 = 1 << 8;
    /// A function.
    pub(crate) const FUNCTION: u32 = 1 << 9;
    /// The result of a call or anything else the analysis cannot see into.
    pub(crate) const UNKNOWN: u32 = 1 << 10;
    /// A string built by appending to a possible key prefix: an entry of `KEYS`
    /// ([`Value::derived_from`]), of `ARGV` ([`Value::args_from`]) or a value an
    /// annotation declares ([`Value::notes_from`]), as in `KEYS[1] .. 'job:' .. id` or
    /// `string.format('%s:%s', ARGV[3], id)`. On a cluster it hashes to the prefix's
    /// slot when the prefix carries a hash tag; whether the script may use it as a key
    /// depends on what the signature declares a prefix.
    pub(crate) const DERIVED: u32 = 1 << 11;
    /// A parameter of a function whose callers the analysis does not see (never
    /// called, or escaped): whatever a caller passes. Lints stay silent about it.
    pub(crate) const PARAM: u32 = 1 << 12;
    /// A string a command replied (a bulk string, or a double in RESP2).
    pub(crate) const REPLY: u32 = 1 << 13;
    /// A status reply: the table `{ok = 'OK'}`.
    pub(crate) const STATUS: u32 = 1 << 14;
    /// An error reply (from `redis.pcall`): the table `{err = 'ERR ...'}`.
    pub(crate) const ERROR: u32 = 1 << 15;
    /// `false`: a null reply (a missing key or field).
    pub(crate) const MISSING_FALSE: u32 = 1 << 16;
    /// `nil` because a reply was null or short: `tonumber` of a missing value, an
    /// element past the end of an array reply.
    pub(crate) const MISSING_NIL: u32 = 1 << 17;
    /// A value an annotation comment declares a key or a key prefix
    /// (`-- redis-lua-lint: prefix(args[1])`), by [`Value::notes_from`].
    pub(crate) const ANNOTATED: u32 = 1 << 18;

    /// Every kind that is a string at run time.
    pub(crate) const STRINGY: u32 = KEY | ARGV | STRING | CONCAT | DERIVED | REPLY | ANNOTATED;
    /// A null reply, as `false` or as `nil`.
    pub(crate) const MISSING: u32 = MISSING_FALSE | MISSING_NIL;
    /// Every falsy kind but `BOOL` (which may be `true`).
    pub(crate) const FALSY: u32 = NIL | MISSING;
    /// Every shape a command's reply takes in a script.
    pub(crate) const REPLY_SHAPES: u32 = NUMBER | REPLY | MISSING_FALSE | STATUS | TABLE;
    /// Values the analysis cannot see into, which may be anything.
    pub(crate) const OPAQUE: u32 = PARAM | UNKNOWN | FIELD;
}

/// A function value the analysis recognises.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Func {
    /// A Redis-provided function: its library (`""` for base functions) and name,
    /// e.g. `("redis", "call")`, `("", "tonumber")`. One shared pair per function
    /// ([`Func::builtin`]): a thin reference keeps every [`Value`] 24 bytes smaller,
    /// and values are moved and copied everywhere.
    Builtin(&'static (&'static str, &'static str)),
    /// A function defined in the script, by the offset of its `function` keyword.
    Local(usize),
}

impl Func {
    /// The builtin `name` of `lib`, its pair shared by every value that holds it.
    pub(crate) fn builtin(lib: &'static str, name: &'static str) -> Func {
        type Pair = (&'static str, &'static str);
        // both names come from the static tables of Redis's globals, so the pairs
        // made once for the whole process are a few hundred at most
        static PAIRS: std::sync::Mutex<Option<FxHashMap<Pair, &'static Pair>>> = std::sync::Mutex::new(None);
        let mut pairs = PAIRS.lock().unwrap_or_else(std::sync::PoisonError::into_inner);
        let pair = *(pairs.get_or_insert_with(FxHashMap::default).entry((lib, name)))
            .or_insert_with(|| Box::leak(Box::new((lib, name))));
        Func::Builtin(pair)
    }
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
    /// An array (or flattened map) a command replied; `true` when its length is
    /// bounded (by the command, or by the call's literal count or range).
    Reply(&'static Reply, bool),
    /// A table some of whose fields an annotation declares keys or prefixes
    /// (`prefix(args[1])`): an index into [`crate::annotation::Annotations::tables`].
    Annotated(u32),
}

/// A field of a table the script built, named by a literal: `t.owner`, `t['owner']`,
/// `t[2]` (`Pos(2)`).
#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) enum FieldName {
    Name(Arc<str>),
    Pos(u32),
}

impl FieldName {
    /// The field a key value names, when it is one literal string or positive integer.
    pub(crate) fn of(key: &Value) -> Option<FieldName> {
        if let Some(name) = key.literal() {
            return Some(FieldName::Name(name.into()));
        }
        key.number
            .filter(|n| key.only(kind::NUMBER) && n.fract() == 0.0 && *n >= 1.0 && *n <= f64::from(u32::MAX))
            .map(|n| FieldName::Pos(n as u32))
    }
}

/// At most this many fields of one table are followed; more are "what the table holds".
pub(crate) const MAX_FIELDS: usize = 16;

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

/// At most this many literal strings are tracked for one value; more is "a string".
pub(crate) const MAX_CHOICES: usize = 8;

/// Bit of [`Value::derived_from`] for a `KEYS` index the analysis cannot pin down.
pub(crate) const ANY_KEY: u64 = 1 << 63;

/// The [`Value::derived_from`] bit of `KEYS[index]` (1-based).
pub(crate) fn key_bit(index: Option<u32>) -> u64 {
    match index {
        Some(i) if (1..63).contains(&i) => 1 << i,
        _ => ANY_KEY,
    }
}

/// The bit of annotation target `index` in [`Value::notes_from`] (the last bit stands
/// for every target past it).
pub(crate) fn note_bit(index: usize) -> u64 {
    1 << index.min(63)
}

/// The bits of `KEYS[from]` and every later entry (a loop `for i = 2, #KEYS`).
pub(crate) fn keys_from(from: u8) -> u64 {
    match from {
        0 | 1 => ANY_KEY,
        from if from < 63 => !0u64 << from & !ANY_KEY,
        _ => ANY_KEY,
    }
}

/// What the analysis knows of one value.
#[derive(Debug, PartialEq)]
pub(crate) struct Value {
    pub(crate) kinds: u32,
    /// Which `KEYS` entry, when it is exactly one known entry.
    pub(crate) key_index: Option<u32>,
    /// For a [`kind::KEY`]: the entries it may be, one bit per index ([`key_bit`]);
    /// 0 when not tracked (any entry).
    pub(crate) key_mask: u64,
    /// For a [`kind::DERIVED`] key: the `KEYS` entries it may be built from, one bit
    /// per index ([`key_bit`]).
    pub(crate) derived_from: u64,
    /// For a [`kind::DERIVED`] string: the `ARGV` entries it may be built from, one bit
    /// per index ([`key_bit`]).
    pub(crate) args_from: u64,
    /// For a [`kind::ANNOTATED`] value or a [`kind::DERIVED`] string: the annotation
    /// targets it is or may be built from ([`note_bit`]).
    pub(crate) notes_from: u64,
    /// Which `ARGV` entry, when it is exactly one known entry.
    pub(crate) argv_index: Option<u32>,
    /// For an [`kind::ARGV`] value whose index is not one constant: the entries it may
    /// be ([`keys_from`]: `ARGV[i]` for `i = 2, #ARGV`); 0 when not tracked (any entry).
    pub(crate) argv_mask: u64,
    pub(crate) number: Option<f64>,
    /// A lower bound of a small positive integer (a `for` index from a constant start,
    /// up to the last `KEYS` entry [`key_bit`] tracks).
    pub(crate) at_least: Option<u8>,
    /// The literal string, when it is exactly one.
    pub(crate) string: Option<Arc<str>>,
    /// The literal strings it is one of, when there are 2 to [`MAX_CHOICES`].
    pub(crate) choices: Option<Arc<[Arc<str>]>>,
    pub(crate) boolean: Option<bool>,
    /// True when the number is likely not an integer (`/`, `math.sqrt`, `math.random()`).
    pub(crate) fraction: bool,
    /// Read from a field of a table the script built (`t[k]`): `nil` when that field
    /// was never set, which the summary of the table's elements does not say.
    pub(crate) from_field: bool,
    pub(crate) func: Option<Func>,
    pub(crate) table: Option<Table>,
    pub(crate) marker: Option<Marker>,
    /// For a table the script built ([`Table::Local`]): fields whose value is known
    /// exactly here, each a value as [`without_fields`](Self::without_fields) keeps it.
    /// A field not listed is what the table holds (its summary). Only a local's value
    /// and the value of an expression carry these: what is stored in a table or a
    /// summary drops them, so every copy a write may make stale is in a local, where
    /// [`Analyzer::forget_field_facts`](super::Analyzer) finds it.
    pub(crate) fields: Option<Arc<Vec<(FieldName, Value)>>>,
    /// For an iterator: the values its loop variables take.
    pub(crate) iterates: Option<Arc<(Value, Value)>>,
    /// The command whose reply this is (or was part of), for messages.
    pub(crate) reply: Option<&'static Reply>,
    /// Where a value that is not from `KEYS` was made, for messages (see
    /// [`origin`](Self::origin)); kept as two `u32`s, since values are copied often.
    pub(crate) origin_at: Option<(u32, u32)>,
    /// The `ARGV` index when the number is `tonumber(ARGV[i])` (or arithmetic on it).
    pub(crate) tonumber_of: Option<u32>,
    /// For a string joined from parts of known identity (`KEYS[1] .. ':' .. ARGV[2]`):
    /// its identity (see [`identity`](Self::identity)); equal identities are equal strings.
    pub(crate) id: Option<std::num::NonZeroU64>,
}

// Written out rather than derived: values are cloned everywhere, and in an
// unoptimised build (the macro inside rustc, rust-analyzer) the derived `clone` calls
// `Option::clone` once per field; here the plain fields are copied in place and only
// the shared ones that are set touch a reference count.
impl Clone for Value {
    fn clone(&self) -> Self {
        fn shared<T: ?Sized>(field: &Option<Arc<T>>) -> Option<Arc<T>> {
            match field {
                Some(shared) => Some(Arc::clone(shared)),
                None => None,
            }
        }
        Value {
            kinds: self.kinds,
            key_index: self.key_index,
            key_mask: self.key_mask,
            derived_from: self.derived_from,
            args_from: self.args_from,
            notes_from: self.notes_from,
            argv_index: self.argv_index,
            argv_mask: self.argv_mask,
            number: self.number,
            at_least: self.at_least,
            string: shared(&self.string),
            choices: shared(&self.choices),
            boolean: self.boolean,
            fraction: self.fraction,
            from_field: self.from_field,
            func: self.func,
            table: self.table,
            marker: self.marker,
            fields: shared(&self.fields),
            iterates: shared(&self.iterates),
            reply: self.reply,
            origin_at: self.origin_at,
            tonumber_of: self.tonumber_of,
            id: self.id,
        }
    }
}

impl Value {
    /// Nothing known yet (the identity of [`join`](Self::join)).
    pub(crate) fn bottom() -> Self {
        Value {
            kinds: 0,
            key_index: None,
            key_mask: 0,
            derived_from: 0,
            args_from: 0,
            notes_from: 0,
            argv_index: None,
            argv_mask: 0,
            number: None,
            at_least: None,
            string: None,
            choices: None,
            boolean: None,
            fraction: false,
            from_field: false,
            func: None,
            table: None,
            marker: None,
            fields: None,
            iterates: None,
            reply: None,
            origin_at: None,
            tonumber_of: None,
            id: None,
        }
    }

    pub(crate) fn of(kinds: u32) -> Self {
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
        if self.origin_at.is_none() {
            self.set_origin(range);
        }
        self
    }

    /// Where the value was made, when known.
    pub(crate) fn origin(&self) -> Option<Range<usize>> {
        self.origin_at.map(|(start, end)| start as usize..end as usize)
    }

    /// Sets where the value was made (scripts past 4 GiB keep no origin).
    pub(crate) fn set_origin(&mut self, range: Range<usize>) {
        self.origin_at = u32::try_from(range.start).ok().zip(u32::try_from(range.end).ok());
    }

    pub(crate) fn has(&self, kinds: u32) -> bool {
        self.kinds & kinds != 0
    }

    /// Only these kinds (and at least one).
    pub(crate) fn only(&self, kinds: u32) -> bool {
        self.kinds != 0 && self.kinds & !kinds == 0
    }

    /// The literal string the value always is.
    pub(crate) fn literal(&self) -> Option<&str> {
        self.string.as_deref().filter(|_| self.only(kind::STRING))
    }

    /// True when the value is the string literal `word`, in any case.
    pub(crate) fn is_literal_ignore_case(&self, word: &str) -> bool {
        self.literal().is_some_and(|s| s.eq_ignore_ascii_case(word))
    }

    /// The `KEYS` entries a [`kind::KEY`] value may be ([`key_bit`]s).
    pub(crate) fn key_sources(&self) -> u64 {
        if self.key_mask == 0 { ANY_KEY } else { self.key_mask }
    }

    /// The literal strings the value is one of, when it can only be such a literal.
    pub(crate) fn literals(&self) -> Option<Vec<&str>> {
        if !self.only(kind::STRING) {
            return None;
        }
        match (&self.string, &self.choices) {
            (Some(one), _) => Some(vec![one]),
            (None, Some(many)) => Some(many.iter().map(|s| &**s).collect()),
            (None, None) => None,
        }
    }

    /// The literal strings of the `STRING` part, when all are known.
    fn string_set(&self) -> Option<Vec<Arc<str>>> {
        match (&self.string, &self.choices) {
            (Some(one), _) => Some(vec![one.clone()]),
            (None, Some(many)) => Some(many.to_vec()),
            (None, None) => None,
        }
    }

    /// The least value above both: the union of what either could be.
    pub(crate) fn join(&self, other: &Value) -> Value {
        if self.kinds == 0 {
            return other.clone();
        }
        if other.kinds == 0 {
            return self.clone();
        }
        // A fact about one kind of value holds in the join when every side that can
        // be that kind agrees: a side that cannot be a string has no say on which string.
        fn pick<T: PartialEq + Clone>(a: &Value, fa: &Option<T>, b: &Value, fb: &Option<T>, kinds: u32) -> Option<T> {
            match (a.has(kinds), b.has(kinds)) {
                (true, false) => fa.clone(),
                (false, true) => fb.clone(),
                _ if fa == fb => fa.clone(),
                _ => None,
            }
        }
        let (string, choices) = match (self.has(kind::STRING), other.has(kind::STRING)) {
            (true, false) => (self.string.clone(), self.choices.clone()),
            (false, true) => (other.string.clone(), other.choices.clone()),
            _ => match (self.string_set(), other.string_set()) {
                (Some(mut all), Some(more)) => {
                    for s in more {
                        if !all.contains(&s) {
                            all.push(s);
                        }
                    }
                    match all.len() {
                        1 => (all.pop(), None),
                        n if n <= MAX_CHOICES => {
                            all.sort();
                            (None, Some(Arc::from(all)))
                        }
                        _ => (None, None),
                    }
                }
                _ => (None, None),
            },
        };
        let marked = kind::TABLE | kind::STRING | kind::FUNCTION | kind::UNKNOWN;
        Value {
            kinds: self.kinds | other.kinds,
            key_index: pick(self, &self.key_index, other, &other.key_index, kind::KEY),
            key_mask: match (self.has(kind::KEY), other.has(kind::KEY)) {
                (true, false) => self.key_mask,
                (false, true) => other.key_mask,
                _ if self.key_mask == 0 || other.key_mask == 0 => 0,
                _ => self.key_mask | other.key_mask,
            },
            derived_from: self.derived_from | other.derived_from,
            args_from: self.args_from | other.args_from,
            notes_from: self.notes_from | other.notes_from,
            argv_index: pick(self, &self.argv_index, other, &other.argv_index, kind::ARGV),
            argv_mask: match (self.has(kind::ARGV), other.has(kind::ARGV)) {
                (true, false) => self.argv_mask,
                (false, true) => other.argv_mask,
                _ if self.argv_mask == 0 || other.argv_mask == 0 => 0,
                _ => self.argv_mask | other.argv_mask,
            },
            number: match (self.has(kind::NUMBER), other.has(kind::NUMBER)) {
                (true, false) => self.number,
                (false, true) => other.number,
                _ => match (self.number, other.number) {
                    (Some(a), Some(b)) if a == b => Some(a),
                    _ => None,
                },
            },
            at_least: match (self.has(kind::NUMBER), other.has(kind::NUMBER)) {
                (true, false) => self.at_least,
                (false, true) => other.at_least,
                _ => match (self.at_least, other.at_least) {
                    (Some(a), Some(b)) => Some(a.min(b)),
                    _ => None,
                },
            },
            string,
            choices,
            boolean: pick(self, &self.boolean, other, &other.boolean, kind::BOOL),
            fraction: self.fraction || other.fraction,
            from_field: self.from_field || other.from_field,
            func: pick(self, &self.func, other, &other.func, kind::FUNCTION),
            table: pick(self, &self.table, other, &other.table, kind::TABLE),
            marker: pick(self, &self.marker, other, &other.marker, marked),
            fields: join_fields(self, other),
            iterates: pick(self, &self.iterates, other, &other.iterates, kind::FUNCTION),
            reply: self.reply.or(other.reply),
            // messages point at where a non-key value came from, so prefer that origin
            // to one of a key, or of a key built from one (`KEYS[1] .. ':tmp'`)
            origin_at: if self.only(KEY_LIKE) && !other.only(KEY_LIKE) {
                other.origin_at.or(self.origin_at)
            } else {
                self.origin_at.or(other.origin_at)
            },
            tonumber_of: self.tonumber_of.or(other.tonumber_of),
            // the same string on every path, or no identity
            id: match (self.kinds, other.kinds) {
                (0, _) => other.id,
                (_, 0) => self.id,
                _ if self.id == other.id => self.id,
                _ => None,
            },
        }
    }

    /// A word that is equal for two values only when they are surely the same string:
    /// one known `KEYS` or `ARGV` entry, a literal, or a string joined from such parts.
    /// `None` when the value may be one of several strings.
    pub(crate) fn identity(&self) -> Option<u64> {
        use super::exists::{mix, text};
        if let Some(id) = self.id {
            return Some(id.get());
        }
        // a tag, then the word: tags keep `KEYS[i]`, `ARGV[j]` and literals apart
        let tagged = |tag: u64, word: u64| mix(mix(0, tag), word);
        if self.kinds == kind::KEY {
            return self.key_index.map(|i| tagged(1, u64::from(i)));
        }
        if self.only(kind::ARGV) {
            return self.argv_index.map(|i| tagged(2, u64::from(i)));
        }
        if self.only(kind::STRING) {
            // the parser turns escapes such as `\233` into characters: only ASCII
            // text is surely the bytes Redis sees
            return self
                .string
                .as_deref()
                .filter(|s| s.is_ascii())
                .map(|s| tagged(3, text(s)));
        }
        if self.only(kind::NUMBER) {
            // apart from the strings: `1` and `'1'` are one text, but matching them
            // would need Lua's number formatting, and missing a match is safe
            return self.number.map(|n| tagged(4, n.to_bits()));
        }
        None
    }

    /// The value of `x` in `x or y` / `x and y` when `x` is truthy: without `nil`/`false`.
    pub(crate) fn truthy(&self) -> Value {
        let mut v = self.clone();
        v.kinds &= !kind::FALSY;
        match self.boolean {
            // only `true` is left
            Some(true) => {}
            Some(false) => v.kinds &= !kind::BOOL,
            None if self.has(kind::BOOL) => v.boolean = Some(true),
            None => {}
        }
        v
    }

    /// The value of `x` in `x and y` when `x` is falsy: `nil` or `false`, when it can be.
    pub(crate) fn falsy(&self) -> Value {
        let mut v = Value::of(self.kinds & (kind::FALSY | kind::BOOL));
        v.reply = self.reply;
        if v.has(kind::BOOL) {
            v.boolean = Some(false);
            if self.boolean == Some(true) {
                v.kinds &= !kind::BOOL;
            }
        }
        // a caller's value or an unknown one may be either
        if self.has(kind::PARAM | kind::UNKNOWN | kind::FIELD) {
            v.kinds |= kind::NIL;
        }
        v
    }

    /// Without `nil` (after `x ~= nil`).
    pub(crate) fn not_nil(&self) -> Value {
        let mut v = self.clone();
        v.kinds &= !(kind::NIL | kind::MISSING_NIL);
        v
    }

    /// What `x == false` leaves: `false`, from a script boolean or a null reply.
    pub(crate) fn only_false(&self) -> Value {
        let mut v = Value::of(self.kinds & (kind::BOOL | kind::MISSING_FALSE | kind::OPAQUE));
        if v.has(kind::BOOL) {
            v.boolean = Some(false);
        }
        v.reply = self.reply;
        if v.kinds == 0 { self.clone() } else { v }
    }

    /// What `x ~= false` leaves.
    pub(crate) fn not_false(&self) -> Value {
        let mut v = self.clone();
        v.kinds &= !kind::MISSING_FALSE;
        match self.boolean {
            Some(false) => v.kinds &= !kind::BOOL,
            None if self.has(kind::BOOL) => v.boolean = Some(true),
            _ => {}
        }
        if v.kinds == 0 { self.clone() } else { v }
    }

    /// Only the possibilities `type(x) == name` leaves (what the analysis cannot see
    /// into stays possible).
    pub(crate) fn of_type(&self, name: &str) -> Value {
        let keep = match name {
            "string" => kind::STRINGY,
            "number" => kind::NUMBER,
            "table" => kind::TABLE | kind::STATUS | kind::ERROR,
            "boolean" => kind::BOOL | kind::MISSING_FALSE,
            "nil" => kind::NIL | kind::MISSING_NIL,
            "function" => kind::FUNCTION,
            _ => return self.clone(),
        };
        let mut v = self.clone();
        v.kinds &= keep | kind::OPAQUE;
        v
    }

    /// Every possibility but what `type(x) == name` matched.
    pub(crate) fn not_of_type(&self, name: &str) -> Value {
        let drop = match name {
            "string" => kind::STRINGY,
            "number" => kind::NUMBER,
            "table" => kind::TABLE | kind::STATUS | kind::ERROR,
            "boolean" => kind::BOOL | kind::MISSING_FALSE,
            "nil" => kind::NIL | kind::MISSING_NIL,
            "function" => kind::FUNCTION,
            _ => 0,
        };
        let mut v = self.clone();
        v.kinds &= !drop;
        if v.kinds == 0 {
            // the test can only be true: keep the value rather than nothing
            return self.clone();
        }
        v
    }

    /// The value of field `key`, when it is known exactly.
    pub(crate) fn field(&self, key: &FieldName) -> Option<&Value> {
        self.fields.as_deref()?.iter().find(|(k, _)| k == key).map(|(_, v)| v)
    }

    /// The table with field `key` set to `value` (for a table the script built).
    pub(crate) fn with_field(&self, key: FieldName, value: &Value) -> Value {
        let mut fields: Vec<(FieldName, Value)> = self.fields.as_deref().cloned().unwrap_or_default();
        set_field(&mut fields, key, value);
        Value {
            fields: Some(fields.into()),
            ..self.clone()
        }
    }

    /// The value without what it knows of its fields: what a table or a summary
    /// stores, where a later write to the table would not reach it.
    pub(crate) fn without_fields(&self) -> Value {
        let mut value = self.clone();
        value.fields = None;
        value
    }

    /// [`without_fields`](Self::without_fields), copying only a value that has some.
    pub(crate) fn stripped(&self) -> std::borrow::Cow<'_, Value> {
        if self.fields.is_some() {
            std::borrow::Cow::Owned(self.without_fields())
        } else {
            std::borrow::Cow::Borrowed(self)
        }
    }

    /// True when the value may be `nil` or `false` because a reply was null.
    pub(crate) fn may_be_missing(&self) -> bool {
        self.has(kind::MISSING)
    }
}

/// Sets a known field (past [`MAX_FIELDS`] a new one is left unknown).
pub(crate) fn set_field(fields: &mut Vec<(FieldName, Value)>, key: FieldName, value: &Value) {
    let value = value.without_fields();
    match fields.iter().position(|(k, _)| *k == key) {
        Some(at) => fields[at].1 = value,
        None if fields.len() < MAX_FIELDS => fields.push((key, value)),
        None => {}
    }
}

/// What is known of the fields of a joined table: a side that cannot be a table has no
/// say, and where both may be, only the fields both know, each joined.
fn join_fields(a: &Value, b: &Value) -> Option<Arc<Vec<(FieldName, Value)>>> {
    let tables = kind::TABLE | kind::OPAQUE;
    match (a.has(tables), b.has(tables)) {
        (true, false) => a.fields.clone(),
        (false, true) => b.fields.clone(),
        _ if a.has(kind::OPAQUE) || b.has(kind::OPAQUE) || a.table != b.table => None,
        _ => match (&a.fields, &b.fields) {
            (Some(x), Some(y)) if Arc::ptr_eq(x, y) => Some(x.clone()),
            (Some(x), Some(y)) => {
                let both: Vec<(FieldName, Value)> = x
                    .iter()
                    .filter_map(|(key, value)| {
                        y.iter()
                            .find(|(k, _)| k == key)
                            .map(|(_, other)| (key.clone(), value.join(other)))
                    })
                    .collect();
                Some(both.into())
            }
            _ => None,
        },
    }
}

/// The value annotation target `target` declares a key or a prefix, for a local that
/// held `before` (a `nil` it may be stays possible).
pub(crate) fn annotated(target: usize, before: &Value) -> Value {
    Value {
        notes_from: note_bit(target),
        origin_at: before.origin_at,
        ..Value::of(kind::ANNOTATED | (before.kinds & kind::NIL))
    }
}

/// What a reply of these [`shape`](crate::redis::replies::shape)s is in a script
/// (`bounded`: an array reply's length is bounded).
pub(crate) fn reply_value(reply: &'static Reply, shapes: u8, bounded: bool) -> Value {
    use crate::redis::replies::shape;
    let mut value = Value::of(scalar_kinds(shapes));
    if shapes & shape::NIL != 0 {
        value.kinds |= kind::MISSING_FALSE;
    }
    if shapes & shape::ARRAY != 0 {
        value.kinds |= kind::TABLE;
        value.table = Some(Table::Reply(reply, bounded));
    }
    value.reply = Some(reply);
    value
}

/// An element of an array reply; `at_index`: read at a literal position of a reply whose
/// length is the count of what it was asked for (`v[2]` of `HMGET key a b`).
///
/// A read past the end (`nil`) is usually excluded by what the script knows of its
/// data (`if #r > 0`), which the analysis cannot see, so an element is partly unknown
/// instead. A null element (`false`: a missing field of `HMGET`, a missing key of
/// `MGET`) is in the reply's shape: it is kept, so using one as a number or a string is
/// a warning (the data may guarantee the field), and at a literal position of such a
/// reply (which is inside it: one element per argument) the element is exactly a
/// string or `false`, never `nil`. Nested arrays, which only some replies have
/// (`XRANGE`, `GEOPOS`), are tables when every element is one, and unknown when
/// strings and arrays mix (RESP3 pairs that RESP2 sends flat: `ZRANGE ... WITHSCORES`).
pub(crate) fn elements_of(reply: &'static Reply, at_index: bool) -> Value {
    use crate::redis::replies::shape;
    let e = reply.elements;
    let mut value = Value::of(scalar_kinds(e));
    if e & shape::ARRAY != 0 {
        value.kinds |= if e & !(shape::ARRAY | shape::NIL) == 0 {
            kind::TABLE
        } else {
            kind::UNKNOWN
        };
    }
    let nullable = e & shape::NIL != 0;
    if nullable {
        value.kinds |= kind::MISSING_FALSE;
    }
    // past the end: see above
    if !(at_index && nullable && reply.bounded) {
        value.kinds |= kind::UNKNOWN;
    }
    value.reply = Some(reply);
    value
}

/// The kinds of a reply's integer, bulk string and status shapes in a script.
fn scalar_kinds(shapes: u8) -> u32 {
    use crate::redis::replies::shape;
    let mut kinds = 0;
    if shapes & shape::INTEGER != 0 {
        kinds |= kind::NUMBER;
    }
    if shapes & shape::BULK != 0 {
        kinds |= kind::REPLY;
    }
    if shapes & shape::STATUS != 0 {
        kinds |= kind::STATUS;
    }
    kinds
}

/// The first values of a list, one per position, without a heap allocation for the
/// usual single value (most calls return one).
#[derive(Clone, Debug, PartialEq, Default)]
pub(crate) struct Fixed {
    head: Option<Value>,
    tail: Vec<Value>,
}

impl Fixed {
    pub(crate) fn len(&self) -> usize {
        usize::from(self.head.is_some()) + self.tail.len()
    }

    pub(crate) fn get(&self, index: usize) -> Option<&Value> {
        match index {
            0 => self.head.as_ref(),
            i => self.tail.get(i - 1),
        }
    }

    pub(crate) fn push(&mut self, value: Value) {
        if self.head.is_none() {
            self.head = Some(value);
        } else {
            self.tail.push(value);
        }
    }

    pub(crate) fn first_mut(&mut self) -> Option<&mut Value> {
        self.head.as_mut()
    }

    pub(crate) fn iter(&self) -> impl Iterator<Item = &Value> {
        self.head.iter().chain(self.tail.iter())
    }
}

impl IntoIterator for Fixed {
    type Item = Value;
    type IntoIter = std::iter::Chain<std::option::IntoIter<Value>, std::vec::IntoIter<Value>>;

    fn into_iter(self) -> Self::IntoIter {
        self.head.into_iter().chain(self.tail)
    }
}

impl FromIterator<Value> for Fixed {
    fn from_iter<I: IntoIterator<Item = Value>>(values: I) -> Self {
        let mut fixed = Fixed::default();
        for value in values {
            fixed.push(value);
        }
        fixed
    }
}

/// The values of an expression that may produce several: a call, `...`.
#[derive(Clone, Debug, PartialEq, Default)]
pub(crate) struct Values {
    /// The first values, one per position.
    pub(crate) fixed: Fixed,
    /// What every later position holds, when there may be any number of them
    /// (`unpack(t)`, an unknown call); `None`: there are no more (they read as `nil`).
    /// Boxed: it is rare, and a list of values is moved and copied at every call and
    /// `return` (in an unoptimised build each move is a `memcpy` of its whole size).
    pub(crate) rest: Option<Box<Value>>,
}

impl Values {
    /// Exactly one value.
    pub(crate) fn one(value: Value) -> Self {
        Values {
            fixed: Fixed {
                head: Some(value),
                tail: Vec::new(),
            },
            rest: None,
        }
    }

    /// Any number of values like `value`, none included.
    pub(crate) fn many(value: Value) -> Self {
        Values {
            fixed: Fixed::default(),
            rest: Some(Box::new(value)),
        }
    }

    /// The value at `index` (0-based), as an assignment target receives it.
    pub(crate) fn nth(&self, index: usize) -> Value {
        match self.fixed.get(index) {
            Some(value) => value.clone(),
            None => match &self.rest {
                Some(rest) => rest.join(&Value::nil()),
                None => Value::nil(),
            },
        }
    }

    /// The first value (what a call gives in an expression).
    pub(crate) fn first(&self) -> Value {
        self.nth(0)
    }

    /// The first value, without copying it.
    pub(crate) fn into_first(self) -> Value {
        match (self.fixed.head, self.rest) {
            (Some(value), _) => value,
            (None, Some(rest)) => rest.join(&Value::nil()),
            (None, None) => Value::nil(),
        }
    }

    /// What one more `return` adds to the returns seen so far (`None`: none yet).
    pub(crate) fn join_into(seen: &Option<Values>, more: &Values) -> Option<Values> {
        Some(match seen {
            Some(seen) => seen.join(more),
            None => more.clone(),
        })
    }

    /// Position by position; a side that ends early gives `nil` (or its `rest`) there.
    pub(crate) fn join(&self, other: &Values) -> Values {
        let len = self.fixed.len().max(other.fixed.len());
        let fixed = (0..len).map(|i| self.nth(i).join(&other.nth(i))).collect();
        let rest = match (&self.rest, &other.rest) {
            (None, None) => None,
            (a, b) => {
                let nil = Value::nil();
                let (a, b) = (a.as_deref().unwrap_or(&nil), b.as_deref().unwrap_or(&nil));
                Some(Box::new(a.join(b)))
            }
        };
        Values { fixed, rest }
    }
}

impl Default for Value {
    fn default() -> Self {
        Value::bottom()
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
        assert_eq!(joined.origin(), Some(4..7));
        assert_eq!(Value::bottom().join(&key), key);
        // the string side alone decides which string
        assert_eq!(joined.string.as_deref(), Some("x"));
        assert_eq!(joined.key_index, Some(1));
    }

    #[test]
    fn literal_choices() {
        let a = Value::string(Some("RPUSH".into()));
        let b = Value::string(Some("LPUSH".into()));
        let either = a.join(&Value::boolean(Some(false))).truthy().join(&b);
        assert_eq!(either.literals(), Some(vec!["LPUSH", "RPUSH"]));
        assert_eq!(either.join(&a).literals(), Some(vec!["LPUSH", "RPUSH"]));
        let mut many = Value::bottom();
        for i in 0..=MAX_CHOICES {
            many = many.join(&Value::string(Some(format!("C{i}").into())));
        }
        assert_eq!(many.literals(), None);
        assert!(many.only(kind::STRING));
        assert_eq!(a.join(&Value::string(None)).literals(), None);
    }

    #[test]
    fn truthy_drops_nil_and_false() {
        let v = Value::of(kind::ARGV | kind::NIL);
        assert!(v.truthy().only(kind::ARGV));
        assert!(v.falsy().only(kind::NIL));
        let flag = Value::boolean(Some(false)).join(&Value::string(Some("x".into())));
        assert!(flag.truthy().only(kind::STRING));
        assert!(Value::boolean(None).truthy().boolean == Some(true));
    }

    #[test]
    fn fields_join_only_where_both_sides_know_them() {
        let table = Value::table(Some(Table::Local(7)));
        let reply = Value::of(kind::REPLY | kind::MISSING_FALSE);
        let owner = FieldName::Name("owner".into());
        let state = FieldName::Name("state".into());
        let both = table
            .with_field(owner.clone(), &reply)
            .with_field(state.clone(), &reply);
        let one = table.with_field(owner.clone(), &Value::nil());
        let joined = both.join(&one);
        assert!(joined.field(&state).is_none());
        let field = joined.field(&owner).expect("both know `owner`");
        assert!(field.has(kind::NIL) && field.has(kind::MISSING_FALSE));
        // a side that cannot be a table has no say; one that may be any table has
        assert_eq!(both.join(&Value::nil()).field(&owner), Some(&reply));
        assert!(both.join(&Value::unknown()).fields.is_none());
        // another table: none
        assert!(both.join(&Value::table(Some(Table::Local(9)))).fields.is_none());
        // what a table stores is without them
        assert!(
            both.with_field(FieldName::Pos(1), &both)
                .field(&FieldName::Pos(1))
                .unwrap()
                .fields
                .is_none()
        );
    }

    #[test]
    fn values_by_position() {
        let two = Values {
            fixed: [Value::of(kind::KEY), Value::of(kind::ARGV)].into_iter().collect(),
            rest: None,
        };
        assert!(two.nth(1).only(kind::ARGV));
        assert!(two.nth(2).only(kind::NIL));
        let one = Values::one(Value::of(kind::KEY));
        let joined = two.join(&one);
        assert!(joined.nth(0).only(kind::KEY));
        assert!(joined.nth(1).has(kind::NIL) && joined.nth(1).has(kind::ARGV));
        let spread = Values::many(Value::of(kind::KEY));
        assert!(spread.first().has(kind::NIL) && spread.first().has(kind::KEY));
    }
}
