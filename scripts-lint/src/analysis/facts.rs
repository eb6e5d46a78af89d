//! The facts of the analysis: what it records for the lints to read (calls, values
//! used as numbers, reads of `KEYS` and `ARGV`, globals, returns, error replies, ...).
//!
//! [`Facts`] is declared with its rollback: a loop's first pass is dropped when the
//! loop is analysed again from its fixed point ([`Facts::truncate`]), and every kind of
//! fact is put back by its type's [`Rollback`], so none can be left out.

use rustc_hash::FxHashMap;
use std::borrow::Cow;
use std::ops::Range;
use std::sync::Arc;

use super::value::{Marker, Value, kind};

/// A value passed to a command: where it is written and what it is.
#[derive(Clone, Debug)]
pub(crate) struct Arg {
    pub(crate) range: Range<usize>,
    pub(crate) value: Value,
    /// The last argument may expand to any number of values (a call, `unpack`, `...`).
    pub(crate) spread: bool,
}

impl Arg {
    /// The literal string this argument always is (a spread one is not known).
    pub(crate) fn literal(&self) -> Option<&str> {
        if self.spread { None } else { self.value.literal() }
    }

    /// The literal string or number this argument always is, as Redis receives it
    /// (`EX`, `5`, `1.5`).
    pub(crate) fn word(&self) -> Option<Cow<'_, str>> {
        if self.spread {
            return None;
        }
        let number = || self.value.number.filter(|_| self.value.only(kind::NUMBER));
        match self.value.literal() {
            Some(text) => Some(Cow::Borrowed(text)),
            None => number().map(|n| Cow::Owned(n.to_string())),
        }
    }
}

impl crate::redis::keys::Argument for Arg {
    fn text(&self) -> Option<&str> {
        self.value.literal()
    }

    fn number(&self) -> Option<f64> {
        self.value.number.filter(|_| self.value.only(kind::NUMBER))
    }

    fn spread(&self) -> bool {
        self.spread
    }
}

/// The command names a call with `args` may run, when they are all literals: one, or
/// the few a local may hold (`local cmd = lifo and 'RPUSH' or 'LPUSH'`).
pub(crate) fn command_names(args: &[Arg]) -> Option<impl Iterator<Item = &str>> {
    let name = &args.first().filter(|a| !a.spread)?.value;
    if !name.only(kind::STRING) {
        return None;
    }
    fn text(s: &Arc<str>) -> &str {
        s
    }
    match (&name.string, &name.choices) {
        (Some(one), _) => Some(std::slice::from_ref(one).iter().map(text as fn(&Arc<str>) -> &str)),
        (None, Some(many)) => Some(many.iter().map(text as fn(&Arc<str>) -> &str)),
        (None, None) => None,
    }
}

/// One `redis.call`/`redis.pcall`, however it was reached.
#[derive(Clone, Debug)]
pub(crate) struct CommandCall {
    /// The whole call expression.
    pub(crate) range: Range<usize>,
    /// The command name first, then its arguments. Shared: a recorded evaluation of a
    /// helper copies its calls out and a replay copies them back, at every level of
    /// nested helpers.
    pub(crate) args: Arc<[Arg]>,
}

impl CommandCall {
    /// The command names the call may run, when they are all literals: one, or the
    /// few a local may hold (`local cmd = lifo and 'RPUSH' or 'LPUSH'`).
    pub(crate) fn names(&self) -> Option<impl Iterator<Item = &str>> {
        command_names(&self.args)
    }
}

/// Where an `ARGV` string is used as a number.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum NumericOp {
    /// `+ - * / % ^`, with the operator.
    Arithmetic(&'static str),
    /// Unary `-`.
    Negation,
    /// `< > <= >=`; `true` when the other side is an `ARGV` string too.
    Ordering(&'static str, bool),
    /// `==`/`~=` against a number.
    Equality(&'static str),
    /// A numeric `for` bound.
    ForBound,
    /// `..` (only recorded for values that may be a null reply, which raise).
    Concat,
}

/// An `ARGV` value, a reply string or a possibly missing value used where a number
/// (or, for `..`, a string) is meant.
#[derive(Clone, Debug)]
pub(crate) struct NumericUse {
    pub(crate) range: Range<usize>,
    pub(crate) op: NumericOp,
    pub(crate) value: Value,
    /// For a comparison: the other side's kinds (0 otherwise).
    pub(crate) other: u32,
    /// The expression may give more than one value (a call of a function the
    /// analysis does not know, `...`): `tonumber(...)` around it would take the second
    /// as its base.
    pub(crate) several: bool,
}

/// Seed states reaching a `math.random` call (bits).
pub(crate) mod seed {
    pub(crate) const UNSEEDED: u8 = 1;
    pub(crate) const CONSTANT: u8 = 2;
    pub(crate) const SEEDED: u8 = 4;
}

/// A read of a global (or library member) Redis does not provide.
#[derive(Clone, Debug)]
pub(crate) struct Undefined {
    pub(crate) range: Range<usize>,
    /// `print`, `os.time`, `string.trim`.
    pub(crate) path: String,
    /// The library for a member, `None` for a global.
    pub(crate) library: Option<&'static str>,
    /// A method called on a string (`s:trim()`).
    pub(crate) method: bool,
}

/// How a script writes global state.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum GlobalWriteKind {
    /// `x = 1` with no `local x` in scope.
    Assignment,
    /// `function f() end`.
    Function,
    /// `redis.x = 1`, `string.f = ...`: a field of a Redis library table.
    LibraryField,
}

/// A write to a global.
#[derive(Clone, Debug)]
pub(crate) struct GlobalWrite {
    pub(crate) range: Range<usize>,
    pub(crate) name: String,
    pub(crate) kind: GlobalWriteKind,
}

/// A local, parameter or loop variable named like a Redis global.
#[derive(Clone, Debug)]
pub(crate) struct Shadow {
    pub(crate) name: String,
    /// The declaring name.
    pub(crate) range: Range<usize>,
    /// It holds the very global it is named after (`local tostring = tostring`).
    pub(crate) alias: bool,
    /// Where the script then uses the local as if it were still the global: calls it
    /// while it holds no function, or indexes it with a member of the library.
    pub(crate) misuse: Option<Range<usize>>,
}

/// A comparison with a command's reply on one side, or an equality with `nil` (with
/// whatever on the other: a fix of one evaluation of a helper must suit them all).
#[derive(Clone, Debug)]
pub(crate) struct Comparison {
    pub(crate) range: Range<usize>,
    /// `==`, `~=`, `<`, ...
    pub(crate) op: &'static str,
    pub(crate) left: Operand,
    pub(crate) right: Operand,
    /// Only its truth is used: it is the condition of an `if`, `elseif`, `while` or
    /// `until`, the operand of `not`, or an operand of `and`/`or` in such a place.
    pub(crate) condition: bool,
}

/// One side of a [`Comparison`].
#[derive(Clone, Debug)]
pub(crate) struct Operand {
    pub(crate) range: Range<usize>,
    /// Shared, as a [`ReplyUse`]'s value is.
    pub(crate) value: Arc<Value>,
    /// A name, an index, a call or a parenthesised expression: `not` written before it
    /// applies to all of it.
    pub(crate) primary: bool,
}

/// How a reply is used, where its type may make the use fail or mean nothing.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub(crate) enum ReplyUseKind {
    /// Tested for truth: `if r then`, `not r`, `r and ...` in a condition.
    Truth,
    /// The left operand of `and` where the value is used, not only its truth:
    /// `r and a or b`, `local x = r and 1`. (`r or x` gives `r` itself whenever it is a
    /// count, the value it holds: a redundant default, `ZCARD(k) or 0`, is harmless.)
    And,
    /// `+ - * / % ^`, with the operator.
    Arithmetic(&'static str),
    /// Unary `-`.
    Negation,
    /// `< > <= >=`.
    Ordering(&'static str),
    /// `..`.
    Concat,
    /// `#`.
    Length,
    /// Passed to a function of Lua or Redis that takes a string (`tonumber`,
    /// `cjson.decode`, `string.*`): its name as written (`string.len`).
    Passed(&'static str, &'static str),
    /// A method of the string library called on it (`r:upper()`): the method's name.
    Method(&'static str),
}

/// A reply (a table, a number) used in a way its type decides: recorded for every reply
/// that may be a table or a number (the lint decides which uses fail).
#[derive(Clone, Debug)]
pub(crate) struct ReplyUse {
    /// Where the value is written.
    pub(crate) range: Range<usize>,
    pub(crate) how: ReplyUseKind,
    /// Shared: a helper's uses are copied out of its recorded evaluation and back at
    /// each replay.
    pub(crate) value: Arc<Value>,
}

/// A field read by name (`h.owner`, `h['owner']`) of a reply that has no field of that
/// name: an array, a string, a number, a status table (other than `ok`).
#[derive(Clone, Debug)]
pub(crate) struct NamedRead {
    pub(crate) range: Range<usize>,
    pub(crate) base: Value,
    pub(crate) name: String,
    /// Read to call it as a method (`r:upper()`): the call raises on the `nil` found.
    pub(crate) method: bool,
}

/// `unpack(x)` where `x` may be an array reply.
#[derive(Clone, Debug)]
pub(crate) struct Unpacked {
    pub(crate) range: Range<usize>,
    pub(crate) value: Value,
}

/// A table constructor of the script: what it holds, for what a reply keeps of it.
#[derive(Clone, Debug, Default)]
pub(crate) struct TableShape {
    /// Fields with a name or a non-numeric key (`{count = n}`, `{['k'] = v}`).
    pub(crate) named: Vec<Range<usize>>,
    /// The positional fields, in order.
    pub(crate) positional: Vec<(Range<usize>, Value)>,
    /// Its last field may hold any number of values (`{f()}`, `{...}`), or entries were
    /// added after it was built (`t[k] = v`, `table.insert(t, v)`).
    pub(crate) grown: bool,
}

/// One `redis.register_function(...)` of a library, as far as it can be read.
#[derive(Clone, Debug, Default)]
pub(crate) struct Registration {
    /// The whole call.
    pub(crate) range: Range<usize>,
    /// How it is called.
    pub(crate) form: RegistrationForm,
    /// The function's name: its literal text (a string, or a number as Lua writes it;
    /// `None`: not a literal) and where it is written. `None`: no name given.
    pub(crate) name: Option<(Option<Arc<str>>, Range<usize>)>,
    /// The string literal the name is written as (quotes included), wherever it is
    /// (a helper's caller may pass it), when the name is one literal's text.
    pub(crate) name_literal: Option<Range<usize>>,
    /// The callback and where it is written. `None`: none given.
    pub(crate) callback: Option<(Callback, Range<usize>)>,
    /// Its flags, as far as Redis reads them (up to the first `nil`): each literal
    /// (`None`: not a literal) and where it is written.
    pub(crate) flags: Vec<(Option<Arc<str>>, Range<usize>)>,
    /// The `flags` value when it is not a table written in place, and whether it is a
    /// table at all.
    pub(crate) flags_unread: Option<(Range<usize>, bool)>,
    /// The names of the callback's parameters, which hold the keys and the arguments.
    pub(crate) params: Vec<String>,
    /// Fields of the table form Redis does not take, with where they are written.
    pub(crate) unknown_fields: Vec<(Arc<str>, Range<usize>)>,
    /// Arguments whose type Redis refuses, with where they are written.
    pub(crate) wrong_types: Vec<(Range<usize>, WrongType)>,
}

/// An argument of `redis.register_function` whose type Redis refuses (src/function_lua.c
/// `luaRegisterFunctionReadNamedArgs`, `luaRegisterFunctionReadPositionalArgs`;
/// "a string" there is a string or a number, as Lua's `lua_isstring` says).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum WrongType {
    /// The name (the first argument, or `function_name`) is no string.
    Name,
    /// `description` is no string.
    Description,
    /// An entry of the table form whose key is a number (a positional entry too).
    NumberKey,
    /// An entry of the table form whose key is neither a string nor a number.
    Key,
    /// A flag that is no string.
    Flag,
}

/// How `redis.register_function` is called.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub(crate) enum RegistrationForm {
    /// `(name, callback)`, with this many arguments.
    Positional(usize),
    /// `{function_name = ..., callback = ..., flags = {...}}`, read field by field.
    #[default]
    Table,
    /// One argument that is a table the analysis cannot read, or not a table.
    Unread {
        /// It may be a table.
        table: bool,
    },
}

/// What a registration's callback is.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Callback {
    /// A function of the library, by the offset of its `function` keyword.
    Function(usize),
    /// Something that is never a function.
    NotFunction,
    /// A value the analysis cannot follow.
    Unknown,
}

/// An error reply the script builds (see [`super::errors`]): `redis.error_reply(text)` or a
/// table with an `err` field, with what is known of its text.
#[derive(Clone, Debug)]
pub(crate) struct ErrorReply {
    /// Built by `redis.error_reply`, which turns a text without a space into
    /// `ERR <text>` and drops one leading `-` (else a table, sent as it is).
    pub(crate) reply: bool,
    /// The known start of its text.
    pub(crate) text: String,
    /// The whole text is known, not only its start.
    pub(crate) complete: bool,
    /// Where the known text is written: the literals it starts with, or the literal
    /// the local it starts with holds (a caller's argument, for a helper's parameter).
    pub(crate) range: Range<usize>,
    /// The text starts with a local: where the reply reads it, and whether it is a
    /// parameter of the function that builds the reply.
    pub(crate) through: Option<(Range<usize>, bool)>,
}

/// A `return` of the main chunk.
#[derive(Clone, Debug)]
pub(crate) struct Return {
    pub(crate) range: Range<usize>,
    /// The first returned value (Redis replies with the first only); `nil` for a bare `return`.
    pub(crate) value: Value,
}

/// A `tonumber(ARGV[i])` result written back to Redis or returned.
#[derive(Clone, Debug)]
pub(crate) struct ConvertedUse {
    /// The `ARGV` index.
    pub(crate) index: usize,
    /// Where the number is used.
    pub(crate) range: Range<usize>,
    /// The `tonumber` call.
    pub(crate) converted: Option<Range<usize>>,
    /// The command it is passed to (`None` when returned).
    pub(crate) command: Option<String>,
}

/// How a kind of fact is put back as it was at a mark.
pub(crate) trait Rollback {
    /// What is kept to put it back.
    type Mark;
    /// Where it is now.
    fn mark(&self) -> Self::Mark;
    /// Back to `mark`: what was recorded since is dropped.
    fn rollback(&mut self, mark: Self::Mark);
    /// How many facts it holds (for tests).
    #[cfg(test)]
    fn size(&self) -> usize;
}

/// Facts recorded in order: those after the mark are dropped.
impl<T> Rollback for Vec<T> {
    type Mark = usize;

    fn mark(&self) -> usize {
        self.len()
    }

    fn rollback(&mut self, mark: usize) {
        self.truncate(mark);
    }

    #[cfg(test)]
    fn size(&self) -> usize {
        self.len()
    }
}

/// A flag or a place: back to what it was.
impl Rollback for bool {
    type Mark = bool;

    fn mark(&self) -> bool {
        *self
    }

    fn rollback(&mut self, mark: bool) {
        *self = mark;
    }

    #[cfg(test)]
    fn size(&self) -> usize {
        usize::from(*self)
    }
}

impl<T: Clone> Rollback for Option<T> {
    type Mark = Option<T>;

    fn mark(&self) -> Option<T> {
        self.clone()
    }

    fn rollback(&mut self, mark: Option<T>) {
        *self = mark;
    }

    #[cfg(test)]
    fn size(&self) -> usize {
        usize::from(self.is_some())
    }
}

/// The table constructors of the script, by the offset of their `{`, with the
/// changes made to them since the start of the round, so they roll back as a list does.
#[derive(Clone, Debug, Default)]
pub(crate) struct Tables {
    shapes: FxHashMap<usize, TableShape>,
    /// Each change, newest last, with what undoes it.
    undo: Vec<(usize, Undo)>,
    /// Each change again, with what redoes it (for [`Replay`]): parallel to `undo`.
    done: Vec<(usize, Done)>,
}

/// What redoes one change of [`Tables`].
#[derive(Clone, Debug)]
pub(crate) enum Done {
    Recorded(TableShape),
    Grew,
    Named(Range<usize>),
}

/// What undoes one change of [`Tables`].
#[derive(Clone, Debug)]
enum Undo {
    /// A shape was recorded, over this one.
    Recorded(Option<TableShape>),
    /// The table grew after it was built.
    Grew,
    /// A named field was stored into it.
    Named,
}

impl Tables {
    /// The shape of the table built at `offset`.
    pub(crate) fn get(&self, offset: &usize) -> Option<&TableShape> {
        self.shapes.get(offset)
    }

    /// Records the shape of the table built at `offset`.
    pub(crate) fn insert(&mut self, offset: usize, shape: TableShape) {
        self.done.push((offset, Done::Recorded(shape.clone())));
        let replaced = self.shapes.insert(offset, shape);
        self.undo.push((offset, Undo::Recorded(replaced)));
    }

    /// Entries were added to the table built at `offset` (when recorded).
    pub(crate) fn grow(&mut self, offset: usize) {
        if let Some(shape) = self.shapes.get_mut(&offset)
            && !shape.grown
        {
            shape.grown = true;
            self.undo.push((offset, Undo::Grew));
            self.done.push((offset, Done::Grew));
        }
    }

    /// A field was stored by name into the table built at `offset` (when recorded).
    pub(crate) fn name_field(&mut self, offset: usize, range: Range<usize>) {
        if let Some(shape) = self.shapes.get_mut(&offset) {
            shape.named.push(range.clone());
            self.undo.push((offset, Undo::Named));
            self.done.push((offset, Done::Named(range)));
        }
    }
}

impl Rollback for Tables {
    type Mark = usize;

    fn mark(&self) -> usize {
        self.undo.len()
    }

    fn rollback(&mut self, mark: usize) {
        self.done.truncate(mark);
        while self.undo.len() > mark {
            let Some((offset, undo)) = self.undo.pop() else { break };
            match undo {
                Undo::Recorded(Some(shape)) => {
                    self.shapes.insert(offset, shape);
                }
                Undo::Recorded(None) => {
                    self.shapes.remove(&offset);
                }
                Undo::Grew => {
                    if let Some(shape) = self.shapes.get_mut(&offset) {
                        shape.grown = false;
                    }
                }
                Undo::Named => {
                    if let Some(shape) = self.shapes.get_mut(&offset) {
                        shape.named.pop();
                    }
                }
            }
        }
    }

    #[cfg(test)]
    fn size(&self) -> usize {
        self.shapes.len()
    }
}

/// How what one stretch of the walk recorded of a kind of fact is taken out and
/// recorded again elsewhere: an evaluation of a helper replayed at a later call with
/// the same inputs (see `memo.rs`) records exactly what walking the body again would.
pub(crate) trait Replay: Rollback {
    /// What one stretch recorded.
    type Delta: Clone + std::fmt::Debug;
    /// Starts a stretch: what [`Replay::close`] needs to tell what it recorded.
    fn open(&mut self) -> Self::Mark;
    /// Ends the stretch begun at `open`: what it recorded, the facts left as they are.
    fn close(&mut self, open: Self::Mark) -> Self::Delta;
    /// Records `delta` again.
    fn replay(&mut self, delta: &Self::Delta);
}

impl<T: Clone + std::fmt::Debug> Replay for Vec<T> {
    type Delta = Vec<T>;

    fn open(&mut self) -> usize {
        self.len()
    }

    fn close(&mut self, open: usize) -> Vec<T> {
        self[open..].to_vec()
    }

    fn replay(&mut self, delta: &Vec<T>) {
        self.extend_from_slice(delta);
    }
}

/// A flag only ever set: cleared while the stretch runs (nothing reads it during the
/// walk), so that setting it again is seen, then set back if it was set before.
impl Replay for bool {
    type Delta = bool;

    fn open(&mut self) -> bool {
        std::mem::take(self)
    }

    fn close(&mut self, open: bool) -> bool {
        let set = *self;
        *self |= open;
        set
    }

    fn replay(&mut self, delta: &bool) {
        *self |= *delta;
    }
}

/// A place written last-wins: emptied while the stretch runs, as a flag is.
impl<T: Clone + std::fmt::Debug> Replay for Option<T> {
    type Delta = Option<T>;

    fn open(&mut self) -> Option<T> {
        self.take()
    }

    fn close(&mut self, open: Option<T>) -> Option<T> {
        let written = self.clone();
        if self.is_none() {
            *self = open;
        }
        written
    }

    fn replay(&mut self, delta: &Option<T>) {
        if delta.is_some() {
            self.clone_from(delta);
        }
    }
}

impl Replay for Tables {
    type Delta = Vec<(usize, Done)>;

    fn open(&mut self) -> usize {
        self.undo.len()
    }

    fn close(&mut self, open: usize) -> Vec<(usize, Done)> {
        self.done[open..].to_vec()
    }

    fn replay(&mut self, delta: &Vec<(usize, Done)>) {
        for (offset, done) in delta {
            match done {
                Done::Recorded(shape) => self.insert(*offset, shape.clone()),
                Done::Grew => self.grow(*offset),
                Done::Named(range) => self.name_field(*offset, range.clone()),
            }
        }
    }
}

/// Declares [`Facts`] with [`FactsMark`] over every field: a field is put back by its
/// type's [`Rollback`], so a new kind of fact cannot escape a loop's rollback.
macro_rules! facts {
    ($($(#[$doc:meta])* $field:ident: $ty:ty,)*) => {
        /// Everything the lints read.
        #[derive(Clone, Debug, Default)]
        pub(crate) struct Facts {
            $($(#[$doc])* pub(crate) $field: $ty,)*
        }

        /// The facts as they were at one point of the walk (see [`Facts::truncate`]).
        pub(crate) struct FactsMark {
            $($field: <$ty as Rollback>::Mark,)*
        }

        /// What a stretch of the walk recorded, every kind of fact (see [`Replay`]).
        #[derive(Clone, Debug)]
        pub(crate) struct FactsDelta {
            $($field: <$ty as Replay>::Delta,)*
        }

        impl Facts {
            /// Where the facts are now.
            pub(crate) fn mark(&self) -> FactsMark {
                FactsMark {
                    $($field: Rollback::mark(&self.$field),)*
                }
            }

            /// Drops every fact recorded since `mark` (a loop's first pass, when the loop
            /// is analysed again from its fixed point).
            pub(crate) fn truncate(&mut self, mark: FactsMark) {
                $(Rollback::rollback(&mut self.$field, mark.$field);)*
            }

            /// Starts a stretch whose facts [`Facts::close`] takes out.
            pub(crate) fn open(&mut self) -> FactsMark {
                FactsMark {
                    $($field: Replay::open(&mut self.$field),)*
                }
            }

            /// What was recorded since `open` (the facts stay as they are).
            pub(crate) fn close(&mut self, open: FactsMark) -> FactsDelta {
                FactsDelta {
                    $($field: Replay::close(&mut self.$field, open.$field),)*
                }
            }

            /// Records `delta` again, as the stretch it was taken from did.
            pub(crate) fn replay(&mut self, delta: &FactsDelta) {
                $(Replay::replay(&mut self.$field, &delta.$field);)*
            }

            /// How many facts of each kind there are, by name (for tests).
            #[cfg(test)]
            pub(crate) fn sizes(&self) -> Vec<(&'static str, usize)> {
                vec![$((stringify!($field), Rollback::size(&self.$field)),)*]
            }
        }
    };
}

facts! {
    calls: Vec<CommandCall>,
    numeric_uses: Vec<NumericUse>,
    /// `math.random` calls and the seed states that reach them.
    randoms: Vec<(Range<usize>, u8)>,
    /// `KEYS[i]` with a constant `i`.
    key_reads: Vec<(f64, Range<usize>)>,
    /// `ARGV[i]` with a constant `i`.
    argv_reads: Vec<(f64, Range<usize>)>,
    /// `KEYS` read as a whole or with a computed index.
    keys_dynamic: bool,
    /// `ARGV` read as a whole or with a computed index.
    argv_dynamic: bool,
    undefined: Vec<Undefined>,
    global_writes: Vec<GlobalWrite>,
    shadows: Vec<Shadow>,
    /// `tonumber(ARGV[i])` results that reach a command argument or the reply.
    converted_uses: Vec<ConvertedUse>,
    returns: Vec<Return>,
    /// Where the script can end without `return` (its reply is then nil).
    falls_off_end: Option<Range<usize>>,
    /// Every number literal: where, its value, its text (shared, as a command call's
    /// arguments are, for the recorded evaluations of helpers).
    numbers: Vec<(Range<usize>, f64, Arc<str>)>,
    comparisons: Vec<Comparison>,
    named_reads: Vec<NamedRead>,
    /// Replies that may be tables or numbers, where their type decides the use.
    reply_uses: Vec<ReplyUse>,
    unpacks: Vec<Unpacked>,
    /// `redis.error_reply(...)`/`redis.status_reply(...)` called as a statement.
    discarded: Vec<(Range<usize>, Marker)>,
    /// Every error reply built, with what is known of its text.
    error_replies: Vec<ErrorReply>,
    /// Table constructors, by the offset of their `{`.
    tables: Tables,
    /// A library's `redis.register_function` calls, in order.
    registrations: Vec<Registration>,
    /// Globals (and `redis` members) a library reads while it loads, which Redis does
    /// not provide then: (where, what).
    load_time: Vec<(Range<usize>, String)>,
    /// Only for an outline ([`super::analyse_outline`]): every name of a local where
    /// it is declared or read, the offset of its declaring name, and its value there.
    local_refs: Vec<(Range<usize>, usize, Value)>,
    /// Annotation targets that no assignment took: the statement an annotation is next
    /// to does not assign the local it names (indices into the annotations' targets).
    untaken_annotations: Vec<usize>,
}
