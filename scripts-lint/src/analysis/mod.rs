//! The shared analysis every lint reads: one flow-sensitive abstract
//! interpretation of the script, recording the facts lints care about.
//!
//! Values are tracked through locals, reassignment on every path (branches are
//! joined, loops run until their entry state is stable), aliases
//! (`local rcall = redis.call`), tables built in the script, and local functions
//! whose parameters take the join of what every call site passes. Nothing is
//! guessed: a value the analysis cannot see into is `UNKNOWN`, and lints say so.

mod lua;
pub(crate) mod value;

use std::collections::{HashMap, HashSet};
use std::ops::Range;
use std::sync::Arc;

use full_moon::ast::{
    Ast, BinOp, Block, Call, Expression, Field, FunctionArgs, FunctionBody, Index, LastStmt, Parameter, Prefix, Stmt,
    Suffix, UnOp, Var,
};
use full_moon::tokenizer::{Symbol, TokenReference, TokenType};

use crate::redis::globals::{self, Kind};
pub(crate) use value::{Func, Marker, Table, Value, kind};

/// A value passed to a command: where it is written and what it is.
#[derive(Clone, Debug)]
pub(crate) struct Arg {
    pub(crate) range: Range<usize>,
    pub(crate) value: Value,
    /// The last argument may expand to any number of values (a call, `unpack`, `...`).
    pub(crate) spread: bool,
}

/// One `redis.call`/`redis.pcall`, however it was reached.
#[derive(Clone, Debug)]
pub(crate) struct CommandCall {
    /// The whole call expression.
    pub(crate) range: Range<usize>,
    /// The command name first, then its arguments.
    pub(crate) args: Vec<Arg>,
}

impl CommandCall {
    /// The command name when it is a constant string.
    pub(crate) fn name(&self) -> Option<&str> {
        self.args
            .first()
            .filter(|a| a.value.only(kind::STRING))
            .and_then(|a| a.value.string.as_deref())
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
}

/// An `ARGV` value used where a number is meant.
#[derive(Clone, Debug)]
pub(crate) struct NumericUse {
    pub(crate) range: Range<usize>,
    pub(crate) op: NumericOp,
    pub(crate) value: Value,
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

/// Everything the lints read.
#[derive(Clone, Debug, Default)]
pub(crate) struct Facts {
    pub(crate) calls: Vec<CommandCall>,
    pub(crate) numeric_uses: Vec<NumericUse>,
    /// `math.random` calls and the seed states that reach them.
    pub(crate) randoms: Vec<(Range<usize>, u8)>,
    /// `KEYS[i]` with a constant `i`.
    pub(crate) key_reads: Vec<(f64, Range<usize>)>,
    /// `ARGV[i]` with a constant `i`.
    pub(crate) argv_reads: Vec<(f64, Range<usize>)>,
    /// `KEYS` read as a whole or with a computed index.
    pub(crate) keys_dynamic: bool,
    /// `ARGV` read as a whole or with a computed index.
    pub(crate) argv_dynamic: bool,
    pub(crate) undefined: Vec<Undefined>,
    pub(crate) global_writes: Vec<GlobalWrite>,
    /// Locals, parameters and loop variables named like a Redis global.
    pub(crate) shadows: Vec<(String, Range<usize>)>,
    /// `tonumber(ARGV[i])` results that reach a command argument or the reply.
    pub(crate) converted_uses: Vec<ConvertedUse>,
    pub(crate) returns: Vec<Return>,
    /// Where the script can end without `return` (its reply is then nil).
    pub(crate) falls_off_end: Option<Range<usize>>,
    /// Every number literal: where, its value, its text.
    pub(crate) numbers: Vec<(Range<usize>, f64, String)>,
}

/// How many facts of each kind were recorded, to drop the ones recorded after.
pub(crate) struct FactsMark([usize; 11]);

impl Facts {
    fn lengths(&self) -> [usize; 11] {
        [
            self.calls.len(),
            self.numeric_uses.len(),
            self.randoms.len(),
            self.key_reads.len(),
            self.argv_reads.len(),
            self.undefined.len(),
            self.global_writes.len(),
            self.shadows.len(),
            self.converted_uses.len(),
            self.returns.len(),
            self.numbers.len(),
        ]
    }

    pub(crate) fn mark(&self) -> FactsMark {
        FactsMark(self.lengths())
    }

    pub(crate) fn truncate(&mut self, mark: &FactsMark) {
        let [
            calls,
            numeric,
            randoms,
            keys,
            argv,
            undefined,
            writes,
            shadows,
            converted,
            returns,
            numbers,
        ] = mark.0;
        self.calls.truncate(calls);
        self.numeric_uses.truncate(numeric);
        self.randoms.truncate(randoms);
        self.key_reads.truncate(keys);
        self.argv_reads.truncate(argv);
        self.undefined.truncate(undefined);
        self.global_writes.truncate(writes);
        self.shadows.truncate(shadows);
        self.converted_uses.truncate(converted);
        self.returns.truncate(returns);
        self.numbers.truncate(numbers);
    }
}

/// Analyses `ast` (the parse of `source`).
pub(crate) fn analyse(source: &str, ast: &Ast) -> Facts {
    let mut analyzer = Analyzer::new(source);
    // Summaries of upvalues, tables and function parameters only grow; a few rounds
    // reach the fixed point for real scripts, and the findings of the last round are kept.
    for _ in 0..4 {
        analyzer.round(ast);
        if !analyzer.changed {
            break;
        }
    }
    analyzer.facts
}

/// Loops nested deeper than this are analysed in one pass over their body (see
/// [`Analyzer::looping`]): at most 4 passes a level, 4^4 = 256 for the innermost body.
const ITERATED_LOOP_DEPTH: usize = 4;

/// Where a branch of control flow starts: enough to undo it and merge it.
///
/// Branches do not copy the locals: writes are journaled (slot, old value) and a
/// branch's end collects and undoes only what it changed, so an `if` costs what
/// it assigns, not what is in scope.
#[derive(Clone, Copy)]
struct Fork {
    journal: usize,
    reachable: bool,
    seed: u8,
}

/// The end state of one branch, as changes against its fork.
#[derive(Clone, Debug)]
struct Branch {
    changes: Vec<(usize, Value)>,
    reachable: bool,
    seed: u8,
}

/// Which summaries a round has read so far.
#[derive(Default)]
struct Reads {
    summaries: HashSet<usize>,
    tables: HashSet<usize>,
    fn_inputs: HashSet<usize>,
    fn_returns: HashSet<usize>,
}

/// What is known of a function defined in the script, across its call sites.
#[derive(Clone, Debug, Default)]
struct FnSummary {
    params: Vec<Value>,
    seed: u8,
    escaped: bool,
    returns: Value,
}

impl Default for Value {
    fn default() -> Self {
        Value::bottom()
    }
}

struct Analyzer<'a> {
    source: &'a str,
    /// Names in scope, innermost last: (name, offset of the declaring token).
    scopes: Vec<(Arc<str>, usize)>,
    /// For each name, the indices of `scopes` that hold it, innermost last.
    names: HashMap<Arc<str>, Vec<usize>>,
    /// The current value of each entry of `scopes`.
    values: Vec<Value>,
    /// `(slot, value before the write)` for writes made while a branch is open.
    journal: Vec<(usize, Value)>,
    /// Open branches; writes are journaled only while one is.
    forks: usize,
    /// False after `return`, `break` or `error(...)` until control flow merges.
    reachable: bool,
    /// [`seed`] bits: whether `math.randomseed` ran on the way here.
    seed: u8,
    /// Scope entries below this index belong to enclosing functions (upvalues).
    fn_base: usize,
    /// Offset of the `function` keyword of each enclosing function.
    functions: Vec<usize>,
    /// Per enclosing loop: its fork and the states at its `break`s.
    breaks: Vec<(Fork, Vec<Branch>)>,
    loop_depth: usize,
    recording: bool,
    // Persistent across rounds, only ever joined into:
    summaries: HashMap<usize, Value>,
    tables: HashMap<usize, Value>,
    fns: HashMap<usize, FnSummary>,
    /// Summaries read this round; one that grows after being read makes the round
    /// stale, and only then is another round needed.
    read: Reads,
    changed: bool,
    facts: Facts,
}

impl<'a> Analyzer<'a> {
    fn new(source: &'a str) -> Self {
        Analyzer {
            source,
            scopes: Vec::new(),
            names: HashMap::new(),
            values: Vec::new(),
            journal: Vec::new(),
            forks: 0,
            reachable: true,
            seed: seed::UNSEEDED,
            fn_base: 0,
            functions: Vec::new(),
            breaks: Vec::new(),
            loop_depth: 0,
            recording: true,
            summaries: HashMap::new(),
            tables: HashMap::new(),
            fns: HashMap::new(),
            read: Reads::default(),
            changed: false,
            facts: Facts::default(),
        }
    }

    fn round(&mut self, ast: &Ast) {
        self.changed = false;
        self.read = Reads::default();
        self.facts = Facts::default();
        self.scopes.clear();
        self.names.clear();
        self.values.clear();
        self.journal.clear();
        self.forks = 0;
        self.reachable = true;
        self.seed = seed::UNSEEDED;
        self.fn_base = 0;
        self.recording = true;
        self.block(ast.nodes());
        if self.reachable {
            let end = self.source.trim_end().len();
            self.facts.falls_off_end = Some(end..end);
        }
    }

    // ---- scopes and variables ----------------------------------------------------

    fn declare(&mut self, token: &TokenReference, value: Value) {
        let name: Arc<str> = lua::token_text(token).into();
        let range = lua::range(token);
        if self.recording && globals::global(&name).is_some() {
            self.facts.shadows.push((name.to_string(), range.clone()));
        }
        self.declare_named(name, range.start, value);
    }

    fn declare_named(&mut self, name: Arc<str>, decl: usize, value: Value) {
        self.join_summary(decl, &value);
        self.names.entry(name.clone()).or_default().push(self.scopes.len());
        self.scopes.push((name, decl));
        self.values.push(value);
    }

    /// Leaves the scopes above `len`. `journal_start` is the journal length when
    /// they were entered: later entries for the dropped slots are discarded, or an
    /// undo could write into a slot that a new local reuses.
    fn pop_scopes(&mut self, len: usize, journal_start: usize) {
        for (name, _) in self.scopes.drain(len..) {
            if let Some(stack) = self.names.get_mut(&name) {
                stack.pop();
            }
        }
        self.values.truncate(len);
        if journal_start < self.journal.len() {
            let mut kept = journal_start;
            for i in journal_start..self.journal.len() {
                if self.journal[i].0 < len {
                    self.journal.swap(kept, i);
                    kept += 1;
                }
            }
            self.journal.truncate(kept);
        }
    }

    fn resolve(&self, name: &str) -> Option<usize> {
        self.names.get(name).and_then(|stack| stack.last().copied())
    }

    fn fork(&mut self) -> Fork {
        self.forks += 1;
        Fork {
            journal: self.journal.len(),
            reachable: self.reachable,
            seed: self.seed,
        }
    }

    /// The locals changed since `fork`, with their current values, without undoing.
    fn changes_since(&self, fork: &Fork) -> Vec<(usize, Value)> {
        let mut changes: Vec<(usize, Value)> = Vec::new();
        for (slot, _) in &self.journal[fork.journal..] {
            if *slot < self.values.len() && !changes.iter().any(|c| c.0 == *slot) {
                changes.push((*slot, self.values[*slot].clone()));
            }
        }
        changes
    }

    /// Ends a branch: returns what it changed and puts the state back as at `fork`.
    fn end_branch(&mut self, fork: &Fork) -> Branch {
        let branch = Branch {
            changes: self.changes_since(fork),
            reachable: self.reachable,
            seed: self.seed,
        };
        while self.journal.len() > fork.journal {
            let (slot, old) = self.journal.pop().expect("journal longer than the fork");
            if slot < self.values.len() {
                self.values[slot] = old;
            }
        }
        self.reachable = fork.reachable;
        self.seed = fork.seed;
        branch
    }

    /// Joins the branches that reach here (the fork's own state counts only as one
    /// of them when listed); returns whether any local changed.
    fn merge(&mut self, fork: Fork, branches: &[Branch]) -> bool {
        self.forks -= 1;
        let live: Vec<&Branch> = branches.iter().filter(|b| b.reachable).collect();
        if live.is_empty() {
            self.reachable = false;
            return false;
        }
        self.reachable = true;
        self.seed = live.iter().fold(0, |seed, b| seed | b.seed);
        let mut slots: Vec<usize> = live.iter().flat_map(|b| b.changes.iter().map(|c| c.0)).collect();
        slots.sort_unstable();
        slots.dedup();
        let mut changed = false;
        for slot in slots {
            if slot >= self.values.len() {
                continue;
            }
            let before = self.values[slot].clone();
            let mut joined = Value::bottom();
            for branch in &live {
                let value = branch.changes.iter().find(|c| c.0 == slot).map_or(&before, |c| &c.1);
                joined = joined.join(value);
            }
            if joined != before {
                changed = true;
                self.write_slot(slot, joined);
            }
        }
        let _ = fork;
        changed
    }

    /// The branch that leaves `fork`'s state unchanged (a skipped `else`, a loop
    /// that runs zero times).
    fn unchanged(fork: &Fork) -> Branch {
        Branch {
            changes: Vec::new(),
            reachable: fork.reachable,
            seed: fork.seed,
        }
    }

    fn join_summary(&mut self, decl: usize, value: &Value) {
        let entry = self.summaries.entry(decl).or_insert_with(Value::bottom);
        let joined = entry.join(value);
        if joined != *entry {
            *entry = joined;
            self.changed |= self.read.summaries.contains(&decl);
        }
    }

    fn read_slot(&mut self, index: usize) -> Value {
        if index < self.fn_base {
            // an upvalue can be read at any time: take everything ever assigned to it
            let decl = self.scopes[index].1;
            self.read.summaries.insert(decl);
            return self.summaries.get(&decl).cloned().unwrap_or_else(Value::unknown);
        }
        self.values[index].clone()
    }

    fn write_slot(&mut self, index: usize, value: Value) {
        let decl = self.scopes[index].1;
        self.join_summary(decl, &value);
        if index >= self.fn_base {
            let old = std::mem::replace(&mut self.values[index], value);
            if self.forks > 0 {
                self.journal.push((index, old));
            }
        }
    }

    fn read_name(&mut self, token: &TokenReference) -> Value {
        let name = lua::token_text(token);
        let range = lua::range(token);
        if let Some(index) = self.resolve(name) {
            return self.read_slot(index);
        }
        match globals::global(name) {
            Some(Kind::Arguments) if name == "KEYS" => Value::table(Some(Table::Keys)),
            Some(Kind::Arguments) => Value::table(Some(Table::Argv)),
            Some(Kind::Library(_)) => Value::table(Some(Table::Library(static_name(name)))),
            Some(Kind::Function) => Value::func(Func::Builtin("", static_name(name))),
            Some(Kind::Number) => Value::number(None),
            Some(Kind::String) => Value::string(None),
            Some(Kind::Other) => Value::unknown(),
            None => {
                if self.recording {
                    self.facts.undefined.push(Undefined {
                        range: range.clone(),
                        path: name.to_owned(),
                        library: None,
                        method: false,
                    });
                }
                Value::unknown().at(range)
            }
        }
    }

    // ---- statements ----------------------------------------------------------------

    fn block(&mut self, block: &Block) {
        let (mark, journal) = (self.scopes.len(), self.journal.len());
        for stmt in block.stmts() {
            self.stmt(stmt);
        }
        if let Some(last) = block.last_stmt() {
            self.last_stmt(last);
        }
        self.pop_scopes(mark, journal);
    }

    fn last_stmt(&mut self, last: &LastStmt) {
        match last {
            LastStmt::Return(ret) => {
                let values = self.expr_list(ret.returns().iter());
                let first = values.first().map_or_else(Value::nil, |a| a.value.clone());
                for arg in &values {
                    self.note_escape(&arg.value);
                }
                if self.functions.is_empty() {
                    if let Some(arg) = values.first() {
                        self.converted_use(&arg.value, &arg.range, None);
                    }
                    if self.recording && self.reachable {
                        let end = values.last().map_or(lua::range(ret.token()).end, |v| v.range.end);
                        self.facts.returns.push(Return {
                            range: lua::range(ret.token()).start..end,
                            value: first,
                        });
                    }
                } else {
                    self.add_return(first);
                }
                self.reachable = false;
            }
            LastStmt::Break(_) => {
                if let Some((fork, _)) = self.breaks.last() {
                    let branch = Branch {
                        changes: self.changes_since(fork),
                        reachable: self.reachable,
                        seed: self.seed,
                    };
                    if let Some((_, exits)) = self.breaks.last_mut() {
                        exits.push(branch);
                    }
                }
                self.reachable = false;
            }
            _ => {}
        }
    }

    fn stmt(&mut self, stmt: &Stmt) {
        match stmt {
            Stmt::LocalAssignment(local) => {
                let values = self.expr_list(local.expressions().iter());
                let names: Vec<&TokenReference> = local.names().iter().collect();
                let values = spread_to(values, names.len());
                for (name, value) in names.into_iter().zip(values) {
                    self.declare(name, value);
                }
            }
            Stmt::Assignment(assignment) => {
                let values = self.expr_list(assignment.expressions().iter());
                let vars: Vec<&Var> = assignment.variables().iter().collect();
                let values = spread_to(values, vars.len());
                for (var, value) in vars.into_iter().zip(values) {
                    self.assign(var, value);
                }
            }
            Stmt::FunctionCall(call) => {
                let value = self.chain(
                    call.prefix(),
                    call.suffixes().collect(),
                    lua::chain_range(call.prefix(), call.suffixes()),
                );
                // `error(...)` never returns: what follows is unreachable
                if value.marker == Some(Marker::Error) && value.func == Some(Func::Builtin("", "error")) {
                    self.reachable = false;
                }
            }
            Stmt::Do(block) => self.block(block.block()),
            Stmt::If(if_stmt) => {
                self.condition(if_stmt.condition());
                let fork = self.fork();
                let mut branches = Vec::new();
                self.block(if_stmt.block());
                branches.push(self.end_branch(&fork));
                for else_if in if_stmt.else_if().into_iter().flatten() {
                    self.condition(else_if.condition());
                    self.block(else_if.block());
                    branches.push(self.end_branch(&fork));
                }
                match if_stmt.else_block() {
                    Some(else_block) => {
                        self.block(else_block);
                        branches.push(self.end_branch(&fork));
                    }
                    None => branches.push(Self::unchanged(&fork)),
                }
                self.merge(fork, &branches);
            }
            Stmt::While(while_loop) => self.looping(false, |this| {
                this.condition(while_loop.condition());
                this.block(while_loop.block());
            }),
            Stmt::Repeat(repeat) => self.looping(true, |this| {
                // the `until` condition sees the body's locals
                let (mark, journal) = (this.scopes.len(), this.journal.len());
                for stmt in repeat.block().stmts() {
                    this.stmt(stmt);
                }
                if let Some(last) = repeat.block().last_stmt() {
                    this.last_stmt(last);
                }
                this.condition(repeat.until());
                this.pop_scopes(mark, journal);
            }),
            Stmt::NumericFor(numeric) => {
                for bound in [Some(numeric.start()), Some(numeric.end()), numeric.step()]
                    .into_iter()
                    .flatten()
                {
                    let value = self.expr(bound);
                    if value.has(kind::ARGV) {
                        self.numeric_use(lua::expr_range(bound), NumericOp::ForBound, value);
                    }
                }
                self.looping(false, |this| {
                    let (mark, journal) = (this.scopes.len(), this.journal.len());
                    this.declare(numeric.index_variable(), Value::number(None));
                    this.block(numeric.block());
                    this.pop_scopes(mark, journal);
                });
            }
            Stmt::GenericFor(generic) => {
                let values = self.expr_list(generic.expressions().iter());
                let (key, element) = match values.first().and_then(|a| a.value.iterates.clone()) {
                    Some(pair) => (pair.0.clone(), pair.1.clone()),
                    None => (Value::unknown(), Value::unknown()),
                };
                self.looping(false, |this| {
                    let (mark, journal) = (this.scopes.len(), this.journal.len());
                    for (i, name) in generic.names().iter().enumerate() {
                        let value = match i {
                            0 => key.clone(),
                            1 => element.clone(),
                            _ => Value::unknown(),
                        };
                        this.declare(name, value);
                    }
                    this.block(generic.block());
                    this.pop_scopes(mark, journal);
                });
            }
            Stmt::FunctionDeclaration(declaration) => {
                let name = declaration.name();
                let names: Vec<&TokenReference> = name.names().iter().collect();
                let method = name.method_name().is_some();
                let offset = lua::range(declaration.function_token()).start;
                let function = self.function(offset, declaration.body(), method);
                let range = lua::range(name);
                match names.as_slice() {
                    [single] if !method => match self.resolve(lua::token_text(single)) {
                        Some(index) => self.write_slot(index, function),
                        None => self.global_write(range, lua::token_text(single), GlobalWriteKind::Function),
                    },
                    [first, ..] => {
                        let base = self.read_name(first);
                        if let Some(Table::Library(lib)) = base.table {
                            let path = lua::source(self.source, range.clone()).to_owned();
                            self.global_write(range, &path, GlobalWriteKind::LibraryField);
                            let _ = lib;
                        } else {
                            self.store_into(&base, &function);
                        }
                    }
                    [] => {}
                }
            }
            Stmt::LocalFunction(local) => {
                let offset = lua::range(local.function_token()).start;
                self.declare(local.name(), Value::func(Func::Local(offset)));
                let function = self.function(offset, local.body(), false);
                if let Some(index) = self.resolve(lua::token_text(local.name())) {
                    self.write_slot(index, function);
                }
            }
            _ => {}
        }
    }

    /// Analyses a loop. `body` runs one iteration; `exits_at_end` says whether the
    /// loop leaves after an iteration (`repeat ... until`) rather than before one.
    ///
    /// The first iteration is recorded from the state before the loop. When it changes
    /// no local that outlives it, every later iteration starts from that same state and
    /// would find the same things, so that is all. Otherwise its findings are dropped,
    /// the state at the loop's entry is iterated to a fixed point, and one iteration
    /// from there is recorded.
    fn looping(&mut self, exits_at_end: bool, mut body: impl FnMut(&mut Self)) {
        let mark = self.facts.mark();
        let iteration = self.fork();
        self.breaks.push((iteration, Vec::new()));
        self.loop_depth += 1;
        body(self);
        self.loop_depth -= 1;
        let (_, mut exits) = self.breaks.pop().expect("pushed above");
        let end = self.end_branch(&iteration);
        // Every pass over a loop's body runs the loops nested in it again, so the passes
        // multiply: past a few levels (counted through nested functions as well) the
        // first iteration is all there is. Re-running deeper loops even once more made
        // the work 2^depth, a hang for 20 nested loops. Their later iterations reach
        // them through summaries only, and the code after them sees zero or one.
        let loops_back = self.loop_depth < ITERATED_LOOP_DEPTH
            && end.reachable
            && (end.seed != iteration.seed || end.changes.iter().any(|(slot, v)| *v != self.values[*slot]));
        if loops_back {
            self.facts.truncate(&mark);
            let mut stable = !self.merge(iteration, &[Self::unchanged(&iteration), end]);
            let recording = std::mem::replace(&mut self.recording, false);
            for _ in 0..2 {
                if stable {
                    break;
                }
                let iteration = self.fork();
                let end = self.iterate(&iteration, &mut body);
                stable = !self.merge(iteration, &[Self::unchanged(&iteration), end]);
            }
            self.recording = recording;
            let iteration = self.fork();
            self.breaks.push((iteration, Vec::new()));
            self.loop_depth += 1;
            body(self);
            self.loop_depth -= 1;
            let (_, recorded_exits) = self.breaks.pop().expect("pushed above");
            exits = recorded_exits;
            let end = self.end_branch(&iteration);
            if !exits_at_end {
                exits.push(Self::unchanged(&iteration));
            }
            exits.push(end);
            self.merge(iteration, &exits);
            return;
        }
        if !exits_at_end {
            exits.push(Self::unchanged(&iteration));
        }
        exits.push(end);
        self.merge(iteration, &exits);
    }

    /// One unrecorded iteration from `iteration`; its end state joined with its
    /// `break`s, as one branch.
    fn iterate(&mut self, iteration: &Fork, body: &mut impl FnMut(&mut Self)) -> Branch {
        self.breaks.push((*iteration, Vec::new()));
        self.loop_depth += 1;
        body(self);
        self.loop_depth -= 1;
        let (_, exits) = self.breaks.pop().expect("pushed above");
        let mut end = self.end_branch(iteration);
        for exit in exits.into_iter().filter(|e| e.reachable) {
            for (slot, value) in exit.changes {
                match end.changes.iter_mut().find(|c| c.0 == slot) {
                    Some(change) => change.1 = change.1.join(&value),
                    None => end.changes.push((slot, value)),
                }
            }
            end.reachable = true;
            end.seed |= exit.seed;
        }
        end
    }

    fn condition(&mut self, expression: &Expression) {
        let _ = self.expr(expression);
    }

    fn assign(&mut self, var: &Var, value: Value) {
        match var {
            Var::Name(token) => {
                let name = lua::token_text(token);
                match self.resolve(name) {
                    Some(index) => self.write_slot(index, value),
                    None => self.global_write(lua::range(token), name, GlobalWriteKind::Assignment),
                }
            }
            Var::Expression(expression) => {
                let suffixes: Vec<&Suffix> = expression.suffixes().collect();
                let Some((last, init)) = suffixes.split_last() else {
                    return;
                };
                let full = lua::chain_range(expression.prefix(), expression.suffixes());
                let target = self.chain(expression.prefix(), init.to_vec(), full.clone());
                if let Suffix::Index(Index::Brackets { expression: key, .. }) = last {
                    let _ = self.expr(key);
                }
                if let Some(Table::Library(_)) = target.table {
                    let path = lua::source(self.source, full.clone()).to_owned();
                    self.global_write(full, &path, GlobalWriteKind::LibraryField);
                }
                self.note_escape(&value);
                self.store_into(&target, &value);
            }
            _ => {}
        }
    }

    fn global_write(&mut self, range: Range<usize>, name: &str, kind: GlobalWriteKind) {
        if self.recording {
            self.facts.global_writes.push(GlobalWrite {
                range,
                name: name.to_owned(),
                kind,
            });
        }
    }

    /// Records that `value` was stored in table `target`.
    fn store_into(&mut self, target: &Value, value: &Value) {
        if let Some(Table::Local(id)) = target.table {
            let entry = self.tables.entry(id).or_insert_with(Value::bottom);
            let joined = entry.join(value);
            if joined != *entry {
                *entry = joined;
                self.changed |= self.read.tables.contains(&id);
            }
        }
    }

    /// A value that leaves the analysis's sight (stored, passed to an unknown
    /// function, returned from a function): functions it holds may be called with
    /// anything, and `KEYS`/`ARGV` may be read in full.
    fn note_escape(&mut self, value: &Value) {
        match (value.func, value.table) {
            (Some(Func::Local(offset)), _) => {
                let summary = self.fns.entry(offset).or_default();
                if !summary.escaped {
                    summary.escaped = true;
                    self.changed |= self.read.fn_inputs.contains(&offset);
                }
            }
            (_, Some(Table::Keys)) => self.facts.keys_dynamic = true,
            (_, Some(Table::Argv)) => self.facts.argv_dynamic = true,
            _ => {}
        }
    }

    fn add_return(&mut self, value: Value) {
        let Some(&offset) = self.functions.last() else { return };
        let summary = self.fns.entry(offset).or_default();
        let joined = summary.returns.join(&value);
        if joined != summary.returns {
            summary.returns = joined;
            self.changed |= self.read.fn_returns.contains(&offset);
        }
    }

    /// Analyses a function body at its definition; returns the function value.
    fn function(&mut self, offset: usize, body: &FunctionBody, method: bool) -> Value {
        self.read.fn_inputs.insert(offset);
        let summary = self.fns.get(&offset).cloned().unwrap_or_default();
        let saved = (self.reachable, self.seed, self.fn_base, self.loop_depth);
        let saved_breaks = std::mem::take(&mut self.breaks);
        let (mark, journal) = (self.scopes.len(), self.journal.len());
        // The body sees the locals in scope (as upvalues) and runs with the seed
        // state of its callers; a function nobody calls directly may run at any time.
        self.seed = if summary.escaped || summary.seed == 0 {
            seed::UNSEEDED | seed::SEEDED
        } else {
            summary.seed
        };
        self.reachable = true;
        self.fn_base = mark;
        // `loop_depth` carries on into the body: a function defined in a loop is
        // analysed on every pass over that loop, so its loops multiply the passes too.
        self.functions.push(offset);
        if method {
            self.declare_named("self".into(), offset, Value::unknown());
        }
        let mut index = 0;
        for parameter in body.parameters() {
            if let Parameter::Name(token) = parameter {
                let value = if summary.escaped {
                    Value::unknown()
                } else {
                    summary
                        .params
                        .get(index)
                        .cloned()
                        .filter(|v| v.kinds != 0)
                        .unwrap_or_else(Value::nil)
                };
                self.declare(token, value);
                index += 1;
            }
        }
        self.block(body.block());
        if self.reachable {
            self.add_return(Value::nil());
        }
        self.functions.pop();
        self.pop_scopes(mark, journal);
        (self.reachable, self.seed, self.fn_base, self.loop_depth) = saved;
        self.breaks = saved_breaks;
        Value::func(Func::Local(offset))
    }

    // ---- expressions -----------------------------------------------------------------

    /// Evaluates a list where the last expression may expand to several values.
    fn expr_list<'e>(&mut self, expressions: impl Iterator<Item = &'e Expression>) -> Vec<Arg> {
        let expressions: Vec<&Expression> = expressions.collect();
        let count = expressions.len();
        let mut out = Vec::with_capacity(count);
        for (i, expression) in expressions.into_iter().enumerate() {
            let value = self.expr(expression);
            let spread = i + 1 == count && lua::may_expand(expression);
            out.push(Arg {
                range: lua::expr_range(expression),
                value,
                spread,
            });
        }
        out
    }

    fn expr(&mut self, expression: &Expression) -> Value {
        if let Expression::BinaryOperator { .. } = expression {
            return self.binary_chain(expression);
        }
        let range = lua::expr_range(expression);
        match expression {
            Expression::Number(token) => {
                let text = lua::token_text(token);
                let number = lua::parse_number(text);
                if self.recording
                    && let Some(n) = number
                {
                    self.facts.numbers.push((range.clone(), n, text.to_owned()));
                }
                Value::number(number).at(range)
            }
            Expression::String(token) => Value::string(lua::string_value(token).map(Arc::from)).at(range),
            Expression::Symbol(token) => match token.token_type() {
                TokenType::Symbol { symbol: Symbol::Nil } => Value::nil().at(range),
                TokenType::Symbol { symbol: Symbol::True } => Value::boolean(Some(true)),
                TokenType::Symbol { symbol: Symbol::False } => Value::boolean(Some(false)),
                _ => Value::unknown().at(range),
            },
            Expression::Parentheses { expression, .. } => self.expr(expression),
            Expression::UnaryOperator { unop, expression } => {
                let operand = self.expr(expression);
                match unop {
                    UnOp::Minus(_) => {
                        if operand.has(kind::ARGV) {
                            self.numeric_use(lua::expr_range(expression), NumericOp::Negation, operand.clone());
                        }
                        Value::number(operand.number.map(|n| -n)).at(range)
                    }
                    UnOp::Not(_) => Value::boolean(None),
                    _ => {
                        // `#KEYS` counts the keys: the script takes all of them as a whole
                        self.note_escape(&operand);
                        Value::number(None).at(range)
                    }
                }
            }
            Expression::Function(function) => {
                let offset = lua::range(function.function_token()).start;
                self.function(offset, function.body(), false)
            }
            Expression::FunctionCall(call) => self.chain(call.prefix(), call.suffixes().collect(), range),
            Expression::TableConstructor(table) => {
                let offset = range.start;
                let mut marker = None;
                for field in table.fields() {
                    let value = match field {
                        Field::ExpressionKey { key, value, .. } => {
                            let _ = self.expr(key);
                            self.expr(value)
                        }
                        Field::NameKey { key, value, .. } => {
                            match lua::token_text(key) {
                                "err" => marker = Some(Marker::Error),
                                "ok" if marker.is_none() => marker = Some(Marker::Status),
                                _ => {}
                            }
                            self.expr(value)
                        }
                        Field::NoKey(value) => {
                            let v = self.expr(value);
                            if lua::may_expand(value) {
                                v.join(&Value::nil())
                            } else {
                                v
                            }
                        }
                        _ => Value::unknown(),
                    };
                    self.note_escape(&value);
                    self.store_into(&Value::table(Some(Table::Local(offset))), &value);
                }
                let value = Value::table(Some(Table::Local(offset))).at(range);
                match marker {
                    Some(marker) => value.marked(marker),
                    None => value,
                }
            }
            Expression::Var(Var::Name(token)) => self.read_name(token),
            Expression::Var(Var::Expression(var)) => self.chain(var.prefix(), var.suffixes().collect(), range),
            _ => Value::unknown().at(range),
        }
    }

    /// A binary expression, with the operators chained on its left evaluated in a loop:
    /// `a + b + c` is `(a + b) + c`, nested one level per operator on the left, and Lua
    /// takes such chains at any length (only right nesting counts toward its 200
    /// levels). Recursing down them overflowed the stack past 2,500 terms in a debug
    /// build, and taking each level's range from full_moon, which walks down to the
    /// leftmost operand every time, made them quadratic.
    fn binary_chain(&mut self, expression: &Expression) -> Value {
        let mut spine = Vec::new();
        let mut leftmost = expression;
        while let Expression::BinaryOperator { lhs, binop, rhs } = leftmost {
            spine.push((binop, &**rhs));
            leftmost = lhs;
        }
        let mut lrange = lua::expr_range(leftmost);
        let start = lrange.start;
        let mut left = self.expr(leftmost);
        for (binop, rhs) in spine.into_iter().rev() {
            let rrange = lua::expr_range(rhs);
            let range = start..rrange.end.max(start);
            let right = self.expr(rhs);
            left = self.binary(left, lrange, binop, right, rrange, range.clone());
            lrange = range;
        }
        left
    }

    fn binary(
        &mut self,
        left: Value,
        lrange: Range<usize>,
        binop: &BinOp,
        right: Value,
        rrange: Range<usize>,
        range: Range<usize>,
    ) -> Value {
        let arithmetic = |op: &'static str| Some(op);
        let op = match binop {
            BinOp::Plus(_) => arithmetic("+"),
            BinOp::Minus(_) => arithmetic("-"),
            BinOp::Star(_) => arithmetic("*"),
            BinOp::Slash(_) => arithmetic("/"),
            BinOp::Percent(_) => arithmetic("%"),
            BinOp::Caret(_) => arithmetic("^"),
            _ => None,
        };
        if let Some(op) = op {
            for (value, r) in [(&left, &lrange), (&right, &rrange)] {
                if value.has(kind::ARGV) {
                    self.numeric_use(r.clone(), NumericOp::Arithmetic(op), value.clone());
                }
            }
            let folded = match (left.number, right.number) {
                (Some(a), Some(b)) if left.only(kind::NUMBER) && right.only(kind::NUMBER) => match op {
                    "+" => Some(a + b),
                    "-" => Some(a - b),
                    "*" => Some(a * b),
                    "/" if b != 0.0 => Some(a / b),
                    _ => None,
                },
                _ => None,
            };
            let mut result = Value::number(folded).at(range);
            result.fraction = folded.map_or(op == "/" || left.fraction || right.fraction, |n| n.fract() != 0.0);
            result.tonumber_of = left.tonumber_of.or(right.tonumber_of);
            if let Some(origin) = left.origin.clone().filter(|_| left.tonumber_of.is_some()) {
                result.origin = Some(origin);
            } else if let Some(origin) = right.origin.clone().filter(|_| right.tonumber_of.is_some()) {
                result.origin = Some(origin);
            }
            return result;
        }
        match binop {
            BinOp::TwoDots(_) => Value::of(kind::STRING | kind::CONCAT).at(range),
            BinOp::And(_) => right.join(&left.falsy()),
            BinOp::Or(_) => left.truthy().join(&right),
            BinOp::LessThan(_) | BinOp::GreaterThan(_) | BinOp::LessThanEqual(_) | BinOp::GreaterThanEqual(_) => {
                let op = match binop {
                    BinOp::LessThan(_) => "<",
                    BinOp::GreaterThan(_) => ">",
                    BinOp::LessThanEqual(_) => "<=",
                    _ => ">=",
                };
                let both = left.has(kind::ARGV) && right.has(kind::ARGV);
                for (value, r) in [(&left, &lrange), (&right, &rrange)] {
                    if value.has(kind::ARGV) {
                        self.numeric_use(r.clone(), NumericOp::Ordering(op, both), value.clone());
                        if both {
                            break;
                        }
                    }
                }
                Value::boolean(None)
            }
            BinOp::TwoEqual(_) | BinOp::TildeEqual(_) => {
                let op = if matches!(binop, BinOp::TwoEqual(_)) {
                    "=="
                } else {
                    "~="
                };
                for (value, other, r) in [(&left, &right, &lrange), (&right, &left, &rrange)] {
                    if value.has(kind::ARGV) && other.only(kind::NUMBER) {
                        self.numeric_use(r.clone(), NumericOp::Equality(op), value.clone());
                    }
                }
                Value::boolean(None)
            }
            _ => Value::unknown().at(range),
        }
    }

    fn converted_use(&mut self, value: &Value, range: &Range<usize>, command: Option<String>) {
        if let (Some(index), true) = (value.tonumber_of, self.recording) {
            self.facts.converted_uses.push(ConvertedUse {
                index,
                range: range.clone(),
                converted: value.origin.clone(),
                command,
            });
        }
    }

    fn numeric_use(&mut self, range: Range<usize>, op: NumericOp, value: Value) {
        if self.recording {
            self.facts.numeric_uses.push(NumericUse { range, op, value });
        }
    }

    /// A prefix followed by indexes and calls: `redis.call('GET', k)`, `t.x[1]`, `s:upper()`.
    fn chain(&mut self, prefix: &Prefix, suffixes: Vec<&Suffix>, range: Range<usize>) -> Value {
        let mut current = match prefix {
            Prefix::Name(token) => self.read_name(token),
            Prefix::Expression(expression) => self.expr(expression),
            _ => Value::unknown(),
        };
        let start = range.start;
        for suffix in suffixes {
            let upto = start..lua::suffix_range(suffix).end;
            current = match suffix {
                Suffix::Index(Index::Dot { name, .. }) => {
                    self.index_name(current, lua::token_text(name), start..lua::range(name).end)
                }
                Suffix::Index(Index::Brackets { expression, .. }) => {
                    let key = self.expr(expression);
                    self.index(current, key, upto)
                }
                Suffix::Call(Call::AnonymousCall(args)) => {
                    let args = self.call_args(args);
                    self.call(current, args, upto)
                }
                Suffix::Call(Call::MethodCall(method)) => {
                    let name = lua::token_text(method.name());
                    let callee = self.method(&current, name, lua::range(method.name()));
                    let mut args = vec![Arg {
                        range: start..lua::range(method.colon_token()).start,
                        value: current,
                        spread: false,
                    }];
                    args.extend(self.call_args(method.args()));
                    self.call(callee, args, upto)
                }
                _ => Value::unknown(),
            };
        }
        current
    }

    fn call_args(&mut self, args: &FunctionArgs) -> Vec<Arg> {
        match args {
            FunctionArgs::Parentheses { arguments, .. } => self.expr_list(arguments.iter()),
            FunctionArgs::String(token) => vec![Arg {
                range: lua::range(token),
                value: Value::string(lua::string_value(token).map(Arc::from)),
                spread: false,
            }],
            FunctionArgs::TableConstructor(table) => {
                let expression = Expression::TableConstructor(table.clone());
                let value = self.expr(&expression);
                vec![Arg {
                    range: lua::table_range(table),
                    value,
                    spread: false,
                }]
            }
            _ => Vec::new(),
        }
    }

    fn index_name(&mut self, base: Value, name: &str, range: Range<usize>) -> Value {
        match base.table {
            Some(Table::Library(lib)) => {
                let Some(Kind::Library(members)) = globals::global(lib) else {
                    return Value::unknown();
                };
                match globals::member(members, name) {
                    Some(Kind::Function) => Value::func(Func::Builtin(lib, static_member(members, name))),
                    Some(Kind::Number) => Value::number(None),
                    Some(Kind::String) => Value::string(None),
                    Some(_) => Value::unknown(),
                    None => {
                        if self.recording {
                            self.facts.undefined.push(Undefined {
                                range: range.clone(),
                                path: format!("{lib}.{name}"),
                                library: Some(lib),
                                method: false,
                            });
                        }
                        Value::unknown().at(range)
                    }
                }
            }
            _ => self.index(base, Value::string(Some(name.into())), range),
        }
    }

    fn index(&mut self, base: Value, key: Value, range: Range<usize>) -> Value {
        let constant = key.number.filter(|_| key.only(kind::NUMBER));
        match base.table {
            Some(Table::Keys) => {
                match constant {
                    Some(i) => {
                        if self.recording {
                            self.facts.key_reads.push((i, range.clone()));
                        }
                    }
                    None => self.facts.keys_dynamic = true,
                }
                Value {
                    key_index: constant.filter(|i| i.fract() == 0.0 && *i >= 1.0).map(|i| i as usize),
                    ..Value::of(kind::KEY)
                }
                .at(range)
            }
            Some(Table::Argv) => {
                match constant {
                    Some(i) => {
                        if self.recording {
                            self.facts.argv_reads.push((i, range.clone()));
                        }
                    }
                    None => self.facts.argv_dynamic = true,
                }
                Value {
                    argv_index: constant.filter(|i| i.fract() == 0.0 && *i >= 1.0).map(|i| i as usize),
                    ..Value::of(kind::ARGV)
                }
                .at(range)
            }
            Some(Table::Library(lib)) => match key.string.as_deref() {
                Some(name) if key.only(kind::STRING) => {
                    let name = name.to_owned();
                    self.index_name(Value::table(Some(Table::Library(lib))), &name, range)
                }
                _ => Value::unknown().at(range),
            },
            Some(Table::Local(id)) => match self.read_table(id) {
                Some(elements) if elements.kinds != 0 => elements.clone(),
                _ => Value::of(kind::FIELD).at(range),
            },
            None if base.has(kind::STRING | kind::ARGV | kind::KEY | kind::CONCAT)
                && base.only(kind::STRING | kind::ARGV | kind::KEY | kind::CONCAT) =>
            {
                // indexing a string reaches the string library (its metatable)
                match key.string.as_deref() {
                    Some(name) => self.index_name(Value::table(Some(Table::Library("string"))), name, range),
                    None => Value::unknown().at(range),
                }
            }
            None => Value::of(kind::FIELD).at(range),
        }
    }

    /// The function `value:name(...)` calls.
    fn method(&mut self, value: &Value, name: &str, range: Range<usize>) -> Value {
        let stringy = kind::STRING | kind::ARGV | kind::KEY | kind::CONCAT;
        if value.only(stringy) {
            return match globals::member(globals::string_methods(), name) {
                Some(_) => Value::func(Func::Builtin("string", static_member(globals::string_methods(), name))),
                None => {
                    if self.recording {
                        self.facts.undefined.push(Undefined {
                            range: range.clone(),
                            path: format!("string.{name}"),
                            library: Some("string"),
                            method: true,
                        });
                    }
                    Value::unknown().at(range)
                }
            };
        }
        self.index(value.clone(), Value::string(Some(name.into())), range)
    }

    fn call(&mut self, callee: Value, args: Vec<Arg>, range: Range<usize>) -> Value {
        match callee.func {
            Some(Func::Builtin(lib, name)) => self.builtin(lib, name, args, range),
            Some(Func::Local(offset)) => {
                let seed = self.seed;
                for arg in &args {
                    self.note_escape(&arg.value);
                }
                let summary = self.fns.entry(offset).or_default();
                let mut grew = false;
                for (i, arg) in args.iter().enumerate() {
                    let value = if arg.spread {
                        arg.value.join(&Value::nil())
                    } else {
                        arg.value.clone()
                    };
                    if summary.params.len() <= i {
                        summary.params.resize(i + 1, Value::bottom());
                    }
                    let joined = summary.params[i].join(&value);
                    grew |= joined != summary.params[i];
                    summary.params[i] = joined;
                }
                // parameters beyond the arguments receive nil
                let passed = args.len();
                for param in summary.params.iter_mut().skip(passed) {
                    let joined = param.join(&Value::nil());
                    grew |= joined != *param;
                    *param = joined;
                }
                if summary.seed | seed != summary.seed {
                    summary.seed |= seed;
                    grew = true;
                }
                let returns = summary.returns.clone();
                self.changed |= grew && self.read.fn_inputs.contains(&offset);
                self.read.fn_returns.insert(offset);
                if returns.kinds == 0 {
                    Value::unknown().at(range)
                } else {
                    returns
                }
            }
            None => {
                for arg in &args {
                    self.note_escape(&arg.value);
                }
                Value::unknown().at(range)
            }
        }
    }

    fn builtin(&mut self, lib: &'static str, name: &'static str, mut args: Vec<Arg>, range: Range<usize>) -> Value {
        let first = args.first().map(|a| a.value.clone()).unwrap_or_else(Value::nil);
        match (lib, name) {
            ("redis", "call" | "pcall") => {
                for arg in &args {
                    self.note_escape(&arg.value);
                }
                let command = args.first().and_then(|a| a.value.string.as_deref().map(str::to_owned));
                for arg in args.iter().skip(1) {
                    self.converted_use(&arg.value, &arg.range, command.clone());
                }
                if self.recording {
                    self.facts.calls.push(CommandCall {
                        range: range.clone(),
                        args,
                    });
                }
                Value::unknown().at(range)
            }
            ("redis", "status_reply") => Value::table(None).marked(Marker::Status),
            ("redis", "error_reply") => Value::table(None).marked(Marker::Error),
            ("redis", "sha1hex") => Value::string(None).at(range),
            ("", "tonumber") => {
                let mut value = Value::number(None).at(range);
                value.fraction = first.fraction;
                value.tonumber_of = first.argv_index;
                value
            }
            ("", "tostring" | "type") | ("cjson", "null") => Value::string(None).at(range),
            ("", "error") => Value {
                func: Some(Func::Builtin("", "error")),
                ..Value::unknown()
            }
            .marked(Marker::Error),
            ("", "assert") => first.truthy(),
            ("", "unpack") => {
                self.note_escape(&first);
                self.elements(&first).at(range)
            }
            ("", "ipairs" | "pairs") => {
                self.note_escape(&first);
                let key = if name == "ipairs" {
                    Value::number(None)
                } else {
                    Value::of(kind::NUMBER | kind::STRING)
                };
                let element = self.elements(&first);
                Value {
                    iterates: Some(Arc::new((key, element))),
                    ..Value::func(Func::Builtin("", "ipairs"))
                }
                .marked(Marker::Iterator)
            }
            ("", "select") => {
                if first.string.as_deref() == Some("#") {
                    Value::number(None)
                } else {
                    Value::unknown().at(range)
                }
            }
            ("", "setmetatable") => first,
            ("", "rawget") => {
                let key = args.get(1).map(|a| a.value.clone()).unwrap_or_else(Value::nil);
                self.index(first, key, range)
            }
            ("", "pcall" | "xpcall") => {
                if args.is_empty() {
                    return Value::unknown();
                }
                let callee = args.remove(0).value;
                if name == "xpcall" {
                    args.clear();
                }
                let _ = self.call(callee, args, range.clone());
                Value::of(kind::BOOL | kind::UNKNOWN).at(range)
            }
            ("math", "random") => {
                let seed = self.seed;
                if self.recording {
                    self.facts.randoms.push((range.clone(), seed));
                }
                if args.is_empty() {
                    Value::fraction()
                } else {
                    Value::number(None)
                }
            }
            ("math", "randomseed") => {
                let constant = first.only(kind::NUMBER) && first.number.is_some();
                self.seed = if constant { seed::CONSTANT } else { seed::SEEDED };
                Value::nil()
            }
            ("math", "floor" | "ceil" | "abs" | "max" | "min" | "modf" | "mod" | "fmod") => Value::number(None),
            ("math", _) => Value::fraction(),
            ("string", "len" | "byte" | "find") | ("table", "getn" | "maxn") => Value::number(None),
            ("string", _) | ("table", "concat") | ("cmsgpack", "pack") => Value::string(None).at(range),
            ("table", "insert") => {
                if let Some(value) = args.last().map(|a| a.value.clone()) {
                    self.note_escape(&value);
                    if args.len() >= 2 {
                        self.store_into(&first, &value);
                    }
                }
                Value::nil()
            }
            ("table", "remove") => self.elements(&first).join(&Value::nil()),
            ("cjson", "encode") => Value::string(None).marked(Marker::Json).at(range),
            ("cjson", "decode") | ("cmsgpack", "unpack") => Value::table(None).at(range),
            _ => {
                for arg in &args {
                    self.note_escape(&arg.value);
                }
                Value::unknown().at(range)
            }
        }
    }

    fn read_table(&mut self, id: usize) -> Option<&Value> {
        self.read.tables.insert(id);
        self.tables.get(&id)
    }

    /// The values held in a table (`unpack(t)`, `ipairs(t)`).
    fn elements(&mut self, table: &Value) -> Value {
        match table.table {
            Some(Table::Keys) => {
                self.facts.keys_dynamic = true;
                Value::of(kind::KEY)
            }
            Some(Table::Argv) => {
                self.facts.argv_dynamic = true;
                Value::of(kind::ARGV)
            }
            Some(Table::Local(id)) => match self.read_table(id) {
                Some(elements) if elements.kinds != 0 => elements.clone(),
                _ => Value::of(kind::FIELD),
            },
            _ => Value::of(kind::FIELD),
        }
    }
}

/// Values for `n` targets from an expression list whose last entry may spread.
fn spread_to(values: Vec<Arg>, n: usize) -> Vec<Value> {
    let mut out: Vec<Value> = Vec::with_capacity(n);
    let last_spreads = values.last().is_some_and(|a| a.spread);
    let last_value = values.last().map(|a| a.value.clone());
    for arg in values.into_iter().take(n) {
        out.push(arg.value);
    }
    while out.len() < n {
        out.push(match (&last_value, last_spreads) {
            (Some(v), true) => v.join(&Value::nil()),
            _ => Value::nil(),
        });
    }
    out
}

/// Interns a global name to the `'static` copy in the globals table.
fn static_name(name: &str) -> &'static str {
    globals::GLOBALS.iter().find(|g| g.0 == name).map_or("", |g| g.0)
}

fn static_member(members: &'static [(&'static str, Kind)], name: &str) -> &'static str {
    members.iter().find(|m| m.0 == name).map_or("", |m| m.0)
}

#[cfg(test)]
mod tests;
