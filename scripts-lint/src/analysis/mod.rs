//! The shared analysis every lint reads: one flow-sensitive abstract
//! interpretation of the script, recording the facts lints care about.
//!
//! Values are tracked through locals, reassignment on every path (branches are
//! joined, loops run until their entry state is stable), guards that narrow a local
//! (`if x then`, `x and f(x)`, `if not x then return end`, and a test repeated after
//! an `if` that set another local under it: see [`refine`]), aliases
//! (`local rcall = redis.call`), tables built in the script and local functions.
//! A local holding a table the script built knows the fields it set with a literal
//! name or position (`t.owner = redis.call('GET', k)`, [`Value::fields`]), until a
//! write it does not make itself may have changed them.
//! Nothing is guessed: a value the analysis cannot see into is `UNKNOWN`, and lints
//! say so.
//!
//! Local functions are evaluated where they are called, with that call's own
//! arguments: a helper that returns one of its parameters returns what that call
//! passed, through any number of helpers, and a finding in a helper is about what
//! some call really passes. Where they are defined, their body is analysed once more
//! with each parameter joined over every call site, for the summaries upvalues and
//! recursive calls read; that analysis reports findings only for a function whose
//! callers the analysis does not see (never called, or stored and called elsewhere:
//! its parameters are then "whatever a caller passes", which no lint reports) or
//! when some call could not be evaluated on its own (recursion, deep nesting).
//!
//! One file per seam: this one holds the state of the walk, in five parts each
//! changed as one ([`Locals`], [`Flow`], [`Walk`], [`Summaries`], [`LibraryState`]),
//! and the scope operations; [`facts`] what is recorded for the lints (and how a loop
//! pass is dropped), [`stmt`] the statements, [`expr`] the expressions, [`call`]
//! calls and built-ins, [`refine`] what a condition says about the locals it tests,
//! [`exists`] the keys a script made sure of, [`errors`] the error replies it builds,
//! [`library`] function libraries, [`memo`] evaluations at call sites replayed at
//! later calls with the same inputs (and what such an evaluation depends on).

mod call;
mod errors;
mod exists;
mod expr;
mod facts;
mod library;
mod lua;
mod memo;
mod refine;
mod stmt;
pub(crate) mod value;

use rustc_hash::{FxHashMap, FxHashSet};
use std::ops::Range;
use std::sync::Arc;

use full_moon::ast::{Ast, FunctionBody};
use full_moon::tokenizer::TokenReference;

use crate::annotation::Annotations;
use crate::redis::globals::{self, Kind};
pub(crate) use facts::{
    Arg, Callback, CommandCall, Comparison, ConvertedUse, ErrorReply, Facts, GlobalWrite, GlobalWriteKind, NamedRead,
    NumericOp, NumericUse, Operand, Registration, RegistrationForm, ReplyUse, ReplyUseKind, Return, Shadow, TableShape,
    Undefined, Unpacked, WrongType, command_names, seed,
};
pub(crate) use value::{Func, Marker, Table, Value, Values, kind};

/// What is analysed: a script, or a function library, once for what runs while it
/// loads and once for each function it registers.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Mode {
    /// An `EVAL` script.
    Script,
    /// A library's top level, which `FUNCTION LOAD` runs.
    Load,
    /// Inside the callback of the library's n-th `redis.register_function`, run as
    /// `FCALL` runs it (entered from [`Mode::Load`] at the registration).
    Function(usize),
}

/// Members of `redis` a library may use while it loads (src/function_lua.c).
pub(crate) const LOAD_TIME_MEMBERS: &[&str] = &[
    "register_function",
    "log",
    "LOG_DEBUG",
    "LOG_VERBOSE",
    "LOG_NOTICE",
    "LOG_WARNING",
    "REDIS_VERSION",
    "REDIS_VERSION_NUM",
];
/// Analyses the script `ast` (the parse of `source`, with its `annotations`).
pub(crate) fn analyse(source: &str, ast: &Ast, annotations: &Annotations) -> Facts {
    let mut analyzer = Analyzer::new(source, annotations);
    // Summaries of upvalues, tables and function parameters only grow; a few rounds
    // reach the fixed point for real scripts, and the findings of the last round are kept.
    for _ in 0..4 {
        analyzer.round(ast);
        if !analyzer.summary.changed {
            break;
        }
    }
    analyzer.finish()
}

/// [`analyse`] (a script) or [`analyse_library`] (`library`), also recording every
/// local's name where it is declared and read ([`Facts::local_refs`]), for an editor.
pub(crate) fn analyse_outline(source: &str, ast: &Ast, annotations: &Annotations, library: bool) -> Vec<Facts> {
    let mut analyzer = Analyzer::new(source, annotations);
    analyzer.outline = true;
    if library {
        analyzer.library.mode = Mode::Load;
    }
    for _ in 0..4 {
        analyzer.round(ast);
        if !analyzer.summary.changed {
            break;
        }
    }
    let functions = std::mem::take(&mut analyzer.library.function_facts);
    let mut all = vec![analyzer.finish()];
    all.extend(functions);
    all
}

/// Analyses a function library in one pass: what runs while it loads, and, at each
/// registration, its callback as `FCALL` runs it. Returns the load-time facts and the
/// facts of each registration's function (indexed as the load-time `registrations`;
/// empty for one whose callback cannot be followed).
pub(crate) fn analyse_library(source: &str, ast: &Ast, annotations: &Annotations) -> (Facts, Vec<Facts>) {
    let mut analyzer = Analyzer::new(source, annotations);
    analyzer.library.mode = Mode::Load;
    for _ in 0..4 {
        analyzer.round(ast);
        if !analyzer.summary.changed {
            break;
        }
    }
    let mut functions = std::mem::take(&mut analyzer.library.function_facts);
    let load = analyzer.finish();
    functions.resize_with(load.registrations.len(), Facts::default);
    (load, functions)
}

/// Loops nested deeper than this are analysed in one pass over their body (see
/// [`Analyzer::looping`]): at most 4 passes a level, 4^4 = 256 for the innermost body.
const ITERATED_LOOP_DEPTH: usize = 4;

/// Calls evaluated with their own arguments nest at most this deep; deeper calls (and
/// recursive ones) take the function's joined summary.
const CONTEXT_DEPTH: usize = 4;

/// Statements a round may evaluate at call sites. Calls with distinct arguments are
/// each evaluated once per round, which for helpers calling helpers at many places
/// with different values multiplies (10 call sites 4 levels deep: 10^4 evaluations);
/// past this budget calls take the joined summary, so the work stays linear.
const CONTEXT_BUDGET: usize = 20_000;

/// Where a branch of control flow starts: enough to undo it and merge it.
///
/// Branches do not copy the locals: writes are journaled (slot, old value) and a
/// branch's end collects and undoes only what it changed, so an `if` costs what
/// it assigns, not what is in scope.
#[derive(Clone)]
struct Fork {
    journal: usize,
    flow: Flow,
}

/// The end state of one branch, as changes against its fork.
#[derive(Clone, Debug)]
struct Branch {
    changes: Vec<(usize, Value)>,
    flow: Flow,
}

/// Which summaries a round has read so far.
#[derive(Default)]
struct Reads {
    declared: FxHashSet<usize>,
    tables: FxHashSet<usize>,
    fn_inputs: FxHashSet<usize>,
    fn_returns: FxHashSet<usize>,
    /// Locals a remembered test or correlation relied on no function assigning.
    correlated: FxHashSet<usize>,
}

/// What is known of a function defined in the script, across its call sites.
#[derive(Clone, Debug, Default)]
struct FnSummary {
    /// Each parameter, joined over every direct call.
    params: Vec<Value>,
    /// Extra arguments (`...`), joined over every direct call.
    varargs: Value,
    /// Some direct call was seen.
    called: bool,
    /// Some call could not be evaluated with its own arguments (recursion, nesting,
    /// budget): the findings of that call come from the definition's analysis.
    fallback: bool,
    seed: u8,
    escaped: bool,
    /// Joined over every analysis of the body: what a call returns when it cannot be
    /// evaluated with its own arguments (recursion, deep nesting). `None`: none yet.
    returns: Option<Values>,
}

/// Where a function is defined, so a call can evaluate its body again.
#[derive(Clone, Copy)]
struct Definition<'a> {
    body: &'a FunctionBody,
    method: bool,
    /// How many scope entries were visible to the body, and the declaration of the
    /// last one: a call sees the same scope below that entry when it is still there.
    visible: usize,
    top: Option<usize>,
}

/// The function body being analysed: where its `return`s go.
struct Frame {
    /// Joined over its `return`s so far; `None`: none yet.
    returns: Option<Values>,
    /// Seed states at its `return`s and its end.
    exit_seed: u8,
    /// Keys known to exist at all of its `return`s and its end; `None`: none yet.
    exit_existing: Option<exists::Existing>,
    /// What `...` holds.
    varargs: Values,
    /// Its parameters are the scope entries from `fn_base` up to this one.
    params_end: usize,
}

/// One evaluation of a function with a call's own arguments, remembered for the round.
#[derive(Clone, Debug)]
struct Evaluated {
    args: Vec<Value>,
    varargs: Values,
    seed: u8,
    existing: exists::Existing,
    returns: Values,
    exit_seed: u8,
    exit_existing: Option<exists::Existing>,
}

impl Evaluated {
    /// Whether it was evaluated with these inputs: a silent call with them takes its
    /// outcome instead of walking the body.
    fn has_inputs(&self, seed: u8, existing: &exists::Existing, args: &[Value], varargs: &Values) -> bool {
        self.seed == seed && self.existing == *existing && self.args == args && self.varargs == *varargs
    }
}

/// The walk over the script: its state in five parts, each changed as one.
struct Analyzer<'a> {
    /// Replay recorded evaluations ([`memo`]); off only to test that replaying changes
    /// nothing.
    replay: bool,
    /// Record every local's name where it is declared and read, with its value
    /// ([`Facts::local_refs`]): for an editor's outline, not for the lints.
    outline: bool,
    source: &'a str,
    /// The script's annotation comments, and which of their targets some assignment
    /// took (in any round or pass).
    notes: &'a Annotations,
    notes_taken: Vec<bool>,
    /// The locals in scope, their values and the journal that undoes a branch.
    locals: Locals,
    /// What holds at this point: forked at each branch, joined where branches meet.
    flow: Flow,
    /// Where the walk is: function bodies, loops, calls evaluated in context.
    walk: Walk,
    /// What is known across functions and rounds.
    summary: Summaries<'a>,
    /// Function libraries: what is analysed, what each registration did.
    library: LibraryState,
    facts: Facts,
}

/// The locals in scope, their values and the journal that undoes a branch's writes.
#[derive(Default)]
struct Locals {
    /// Names in scope, innermost last: (name, offset of the declaring token).
    scopes: Vec<(Arc<str>, usize)>,
    /// For each entry of `scopes`: the Redis global it is named after, if any.
    shadowing: Vec<Option<Kind>>,
    /// For each name, the indices of `scopes` that hold it, innermost last.
    names: FxHashMap<Arc<str>, Vec<usize>>,
    /// The current value of each entry of `scopes`.
    values: Vec<Value>,
    /// For each entry of `scopes`: the count of `assignments` at its last assignment
    /// (0: none), never undone, so an `if` sees whether its branches assigned a local
    /// its condition tests.
    written: Vec<u64>,
    /// Assignments to locals so far this round.
    assignments: u64,
    /// `(slot, value before the write)` for writes made while a branch is open.
    journal: Vec<(usize, Value)>,
    /// Open branches; writes are journaled only while one is.
    forks: usize,
    /// Scope ranges a body evaluated at a call site must not see (the caller's locals).
    hidden: Vec<Range<usize>>,
    /// Scope entries below this index belong to enclosing functions (upvalues).
    fn_base: usize,
}

impl Locals {
    /// No local in scope, the memory kept for the next round.
    fn clear(&mut self) {
        // every field named: one added here is cleared too
        let Locals {
            scopes,
            shadowing,
            names,
            values,
            written,
            assignments,
            journal,
            forks,
            hidden,
            fn_base,
        } = self;
        scopes.clear();
        shadowing.clear();
        names.clear();
        values.clear();
        written.clear();
        *assignments = 0;
        journal.clear();
        hidden.clear();
        *forks = 0;
        *fn_base = 0;
    }
}

/// The flow facts: what holds at one point of the walk. A [`Fork`] keeps them, a
/// [`Branch`] ends with its own, and [`Flow::join`] meets those that reach a merge,
/// so a fact added here is forked, restored and joined with the others.
#[derive(Clone, Debug, PartialEq)]
struct Flow {
    /// False after `return`, `break` or `error(...)` until control flow merges.
    reachable: bool,
    /// [`seed`] bits: whether `math.randomseed` ran on the way here.
    seed: u8,
    /// Keys known to exist here (see [`exists`]).
    existing: exists::Existing,
    /// Locals an `if` left different under its test, while that test would still
    /// give the same answer (see [`refine::Correlated`]).
    correlated: refine::Correlations,
}

impl Flow {
    /// At the start of a script: no seed, no key known to exist.
    fn start() -> Self {
        Flow {
            reachable: true,
            seed: seed::UNSEEDED,
            existing: exists::Existing::default(),
            correlated: refine::Correlations::default(),
        }
    }

    /// Where the branches that reach a merge meet: reachable when one is, any seed
    /// state one had, the keys all of them know, the correlations all of them keep;
    /// `None` when none is reachable.
    fn join<'b>(branches: impl Iterator<Item = &'b Flow> + Clone) -> Option<Flow> {
        let mut live = branches.filter(|flow| flow.reachable).peekable();
        live.peek()?;
        Some(Flow {
            reachable: true,
            seed: live.clone().fold(0, |seed, flow| seed | flow.seed),
            existing: exists::meet(live.clone().map(|flow| &flow.existing)),
            correlated: refine::Correlations::meet(live.map(|flow| &flow.correlated)),
        })
    }
}

/// Where the walk is, and what holds from there on whatever the path.
struct Walk {
    /// The function bodies being analysed, innermost last.
    frames: Vec<Frame>,
    /// Per enclosing loop: its fork and the states at its `break`s.
    breaks: Vec<(Fork, Vec<Branch>)>,
    loop_depth: usize,
    /// Facts are recorded (not a loop pass that only looks for the fixed point, not a
    /// definition whose calls report its findings).
    recording: bool,
    /// Functions being evaluated with a call's own arguments, innermost last.
    evaluating: Vec<usize>,
    /// Reading a library member in a test (`table.unpack or unpack`, `if bit then`):
    /// a missing one is `nil` there, not an error.
    probing: bool,
    /// `KEYS`/`ARGV` were changed or metatables set: value identities no longer tell
    /// keys apart, so no key is known to exist from here on.
    untracked: bool,
    /// `redis.setresp(3)` was called: replies have RESP3 shapes (maps, `nil`, ...),
    /// which the reply lints do not model, so they are unknown from there on.
    resp3: bool,
    /// The leading positional fields of each table constructor as last evaluated,
    /// while no write may have replaced them: `table.concat({KEYS[1], 'job', id}, ':')`
    /// appends to the first, `{id, data_key, meta_prefix}` keeps a key at `[2]`, and
    /// `unpack({KEYS[1], owner, 'NX'})` passes the key first.
    fields: FxHashMap<usize, Vec<Value>>,
    /// Evaluating the condition of an `if`, `while` or `repeat` (its tests, not the
    /// values inside them): a reply tested there is tested for truth.
    condition: bool,
    /// The tables whose fields a body evaluated at a call site may have written
    /// (`None`: any table), for its callers to forget what they knew of them
    /// ([`Analyzer::forget_field_facts`]).
    wrote: Vec<Option<usize>>,
    /// Evaluations being recorded for [`memo`], and the effects logged for them.
    memo_open: usize,
    memo_log: Vec<memo::Effect>,
}

impl Walk {
    /// At the start of a round.
    fn start() -> Self {
        Walk {
            frames: Vec::new(),
            breaks: Vec::new(),
            loop_depth: 0,
            recording: true,
            evaluating: Vec::new(),
            probing: false,
            condition: false,
            untracked: false,
            resp3: false,
            fields: FxHashMap::default(),
            wrote: Vec::new(),
            memo_open: 0,
            memo_log: Vec::new(),
        }
    }
}

/// What is known across functions: summaries that only grow, kept across rounds, and
/// this round's evaluations and reads of them.
#[derive(Default)]
struct Summaries<'a> {
    /// Every value assigned to a local, by the offset of its declaration: what an
    /// upvalue may hold when a function reads it.
    declared: FxHashMap<usize, Value>,
    /// What is stored into each table of the script, by constructor.
    tables: FxHashMap<usize, Value>,
    fns: FxHashMap<usize, FnSummary>,
    definitions: FxHashMap<usize, Definition<'a>>,
    /// Evaluations at call sites, per function; cleared every round.
    evaluated: FxHashMap<usize, Vec<Evaluated>>,
    /// Recorded evaluations at call sites, per function, to replay ([`memo`]), in any
    /// round.
    recorded: FxHashMap<usize, Vec<std::rc::Rc<memo::Recorded>>>,
    /// Counts the growths of summaries (and new definitions), over every round.
    version: u64,
    /// The value of `version` when each summary last grew.
    stamps: FxHashMap<memo::Summary, u64>,
    /// Evaluations replayed, over every round.
    replays: usize,
    /// Of those, silent ones (in a definition's walk, in a loop's first passes).
    silent_replays: usize,
    /// Statements evaluated at call sites this round (see [`CONTEXT_BUDGET`]).
    context_statements: usize,
    /// Locals some function assigns as an upvalue, by the offset of their declaration:
    /// a call may change them unseen, so no test of them is remembered.
    closure_written: FxHashSet<usize>,
    /// Summaries read this round; one that grows after being read makes the round
    /// stale, and only then is another round needed.
    read: Reads,
    changed: bool,
}

/// Function libraries: what is analysed, and what each registration's function did.
struct LibraryState {
    mode: Mode,
    /// In a library: the named and positional fields of each table constructor, for
    /// the table form of `redis.register_function{...}` and its flags.
    constructed: FxHashMap<usize, Constructed>,
    /// While a registered callback runs: the depth of its frame, whose `return`s are
    /// the function's replies.
    callback_frame: Option<usize>,
    /// What each registered callback did, by registration.
    function_facts: Vec<Facts>,
}

impl<'a> Analyzer<'a> {
    fn new(source: &'a str, notes: &'a Annotations) -> Self {
        Analyzer {
            replay: true,
            source,
            notes,
            notes_taken: vec![false; notes.targets.len()],
            locals: Locals::default(),
            flow: Flow::start(),
            walk: Walk::start(),
            summary: Summaries::default(),
            library: LibraryState {
                mode: Mode::Script,
                constructed: FxHashMap::default(),
                callback_frame: None,
                function_facts: Vec::new(),
            },
            facts: Facts::default(),
            outline: false,
        }
    }

    /// The facts of the last round, with the annotation targets no assignment took.
    fn finish(mut self) -> Facts {
        self.facts.untaken_annotations = (0..self.notes_taken.len()).filter(|&t| !self.notes_taken[t]).collect();
        self.facts
    }

    fn round(&mut self, ast: &'a Ast) {
        // what holds along the walk starts afresh; the summaries are kept
        self.summary.changed = false;
        self.summary.read = Reads::default();
        self.summary.evaluated.clear();
        self.summary.context_statements = 0;
        self.facts = Facts::default();
        self.locals.clear();
        self.flow = Flow::start();
        self.walk = Walk::start();
        self.library.callback_frame = None;
        self.library.function_facts.clear();
        self.block(ast.nodes());
        // a library's top level ends without a reply
        if self.flow.reachable && self.library.mode == Mode::Script {
            let end = self.source.trim_end().len();
            self.facts.falls_off_end = Some(end..end);
        }
    }

    /// True while analysing where nothing is recorded: a body evaluated at a call
    /// site, or a loop pass that only looks for the fixed point.
    fn in_context(&self) -> bool {
        !self.walk.evaluating.is_empty()
    }

    // ---- scopes and variables ----------------------------------------------------

    fn declare(&mut self, token: &TokenReference, value: Value) {
        let name: Arc<str> = lua::token_text(token).into();
        let range = lua::range(token);
        let global = globals::global(&name);
        if self.walk.recording && global.is_some() {
            let alias = match (globals::global(&name), value.func) {
                (Some(Kind::Function), Some(Func::Builtin(&("", f)))) => f == &*name,
                _ => matches!(value.table, Some(Table::Library(lib)) if lib == &*name),
            };
            self.facts.shadows.push(Shadow {
                name: name.to_string(),
                range: range.clone(),
                alias,
                misuse: None,
            });
        }
        if self.outline && self.walk.recording {
            self.facts.local_refs.push((range.clone(), range.start, value.clone()));
        }
        self.declare_named(name, range.start, value);
        if let Some(last) = self.locals.shadowing.last_mut() {
            *last = global;
        }
    }

    fn declare_named(&mut self, name: Arc<str>, decl: usize, value: Value) {
        if !self.in_context() {
            self.join_summary(decl, &value);
        }
        self.locals
            .names
            .entry(name.clone())
            .or_default()
            .push(self.locals.scopes.len());
        self.locals.scopes.push((name, decl));
        self.locals.shadowing.push(None);
        self.locals.values.push(value);
        self.locals.written.push(0);
    }

    /// Leaves the scopes above `len`. `journal_start` is the journal length when
    /// they were entered: later entries for the dropped slots are discarded, or an
    /// undo could write into a slot that a new local reuses.
    fn pop_scopes(&mut self, len: usize, journal_start: usize) {
        for (name, _) in self.locals.scopes.drain(len..) {
            if let Some(stack) = self.locals.names.get_mut(&name) {
                stack.pop();
            }
        }
        self.locals.values.truncate(len);
        self.locals.written.truncate(len);
        self.locals.shadowing.truncate(len);
        self.flow.correlated.forget_from(len);
        if journal_start < self.locals.journal.len() {
            let mut kept = journal_start;
            for i in journal_start..self.locals.journal.len() {
                if self.locals.journal[i].0 < len {
                    self.locals.journal.swap(kept, i);
                    kept += 1;
                }
            }
            self.locals.journal.truncate(kept);
        }
    }

    /// The innermost visible scope entry called `name`: a body evaluated at a call
    /// site does not see the caller's locals.
    fn resolve(&self, name: &str) -> Option<usize> {
        let stack = self.locals.names.get(name)?;
        if self.locals.hidden.is_empty() {
            return stack.last().copied();
        }
        stack
            .iter()
            .rev()
            .copied()
            .find(|slot| !self.locals.hidden.iter().any(|range| range.contains(slot)))
    }

    fn fork(&mut self) -> Fork {
        self.locals.forks += 1;
        Fork {
            journal: self.locals.journal.len(),
            flow: self.flow.clone(),
        }
    }

    /// The locals changed since `fork`, with their current values, without undoing.
    fn changes_since(&self, fork: &Fork) -> Vec<(usize, Value)> {
        let mut changes: Vec<(usize, Value)> = Vec::new();
        for (slot, _) in &self.locals.journal[fork.journal..] {
            if *slot < self.locals.values.len() && !changes.iter().any(|c| c.0 == *slot) {
                changes.push((*slot, self.locals.values[*slot].clone()));
            }
        }
        changes
    }

    /// Ends a branch: returns what it changed and puts the state back as at `fork`.
    fn end_branch(&mut self, fork: &Fork) -> Branch {
        let branch = Branch {
            changes: self.changes_since(fork),
            flow: std::mem::replace(&mut self.flow, fork.flow.clone()),
        };
        while self.locals.journal.len() > fork.journal {
            let (slot, old) = self.locals.journal.pop().expect("journal longer than the fork");
            if slot < self.locals.values.len() {
                self.locals.values[slot] = old;
            }
        }
        branch
    }

    /// Joins the branches that reach here (the fork's own state counts only as one
    /// of them when listed); returns whether any local changed.
    fn merge(&mut self, branches: &[Branch]) -> bool {
        self.locals.forks -= 1;
        let Some(flow) = Flow::join(branches.iter().map(|b| &b.flow)) else {
            self.flow.reachable = false;
            return false;
        };
        self.flow = flow;
        // a `break` leaves the loop body's scopes with what it remembered of them
        self.flow.correlated.forget_from(self.locals.values.len());
        let live: Vec<&Branch> = branches.iter().filter(|b| b.flow.reachable).collect();
        let mut slots: Vec<usize> = live.iter().flat_map(|b| b.changes.iter().map(|c| c.0)).collect();
        slots.sort_unstable();
        slots.dedup();
        let mut changed = false;
        for slot in slots {
            if slot >= self.locals.values.len() {
                continue;
            }
            let before = self.locals.values[slot].clone();
            let mut joined = Value::bottom();
            for branch in &live {
                let value = branch.changes.iter().find(|c| c.0 == slot).map_or(&before, |c| &c.1);
                joined = joined.join(value);
            }
            if joined != before {
                changed = true;
                // the join of what the branches left: no new assignment
                self.store_slot(slot, joined);
            }
        }
        changed
    }

    /// The branch that leaves `fork`'s state unchanged (a skipped `else`, a loop
    /// that runs zero times).
    fn unchanged(fork: &Fork) -> Branch {
        Branch {
            changes: Vec::new(),
            flow: fork.flow.clone(),
        }
    }

    fn join_summary(&mut self, decl: usize, value: &Value) {
        let entry = self.summary.declared.entry(decl).or_insert_with(Value::bottom);
        // an upvalue is read at any time: what its fields held once is no fact then
        let joined = entry.join(&value.stripped());
        if joined != *entry {
            *entry = joined;
            let read = self.summary.read.declared.contains(&decl);
            self.summary_grew(memo::Summary::Declared(decl), read);
        }
    }

    /// Records a read of the local in `slot` at `range`, for an outline.
    fn outline_read(&mut self, range: Range<usize>, slot: usize, value: &Value) {
        if self.outline && self.walk.recording {
            let decl = self.locals.scopes[slot].1;
            self.facts.local_refs.push((range, decl, value.clone()));
        }
    }

    fn read_slot(&mut self, index: usize) -> Value {
        if index < self.locals.fn_base {
            // an upvalue can be read at any time: take everything ever assigned to it
            let decl = self.locals.scopes[index].1;
            self.summary.read.declared.insert(decl);
            self.memo_log(|| memo::Effect::Read(memo::Summary::Declared(decl)));
            return self.summary.declared.get(&decl).cloned().unwrap_or_else(Value::unknown);
        }
        self.locals.values[index].clone()
    }

    /// Assigns the local in `slot`: tests of it and correlations about it made before
    /// no longer hold.
    fn write_slot(&mut self, index: usize, value: Value) {
        if index >= self.locals.fn_base {
            self.locals.assignments += 1;
            if let Some(written) = self.locals.written.get_mut(index) {
                *written = self.locals.assignments;
            }
            self.flow.correlated.forget(index);
        } else {
            // an upvalue: any call of this function may change it unseen
            let decl = self.locals.scopes[index].1;
            if self.summary.closure_written.insert(decl) {
                let read = self.summary.read.correlated.contains(&decl);
                self.summary_grew(memo::Summary::Closure(decl), read);
            }
        }
        self.store_slot(index, value);
    }

    /// Whether some function assigns the local declared at `decl` as an upvalue, as
    /// far as the round knows (a read of a summary: one that learns otherwise later
    /// runs the round again, and replays no evaluation that read it).
    fn closure_written(&mut self, decl: usize) -> bool {
        self.summary.read.correlated.insert(decl);
        self.memo_log(|| memo::Effect::Read(memo::Summary::Closure(decl)));
        self.summary.closure_written.contains(&decl)
    }

    /// Puts `value` in `slot`, journaled (for an assignment, or a merge's join).
    fn store_slot(&mut self, index: usize, value: Value) {
        // a body evaluated at a call site changes no summary: its definition did
        if !self.in_context() {
            let decl = self.locals.scopes[index].1;
            self.join_summary(decl, &value);
        }
        if index >= self.locals.fn_base {
            let old = std::mem::replace(&mut self.locals.values[index], value);
            if self.locals.forks > 0 {
                self.locals.journal.push((index, old));
            }
        } else {
            // a caller's local changes under it, unseen where the caller reads it:
            // a key it names may no longer be the one made sure of
            self.flow.existing.clear();
        }
    }

    /// Narrows a local for the code a guard protects (no summary changes: the
    /// narrowed value is part of what the local already holds).
    fn narrow_slot(&mut self, index: usize, value: Value) {
        if index >= self.locals.fn_base && index < self.locals.values.len() {
            let old = std::mem::replace(&mut self.locals.values[index], value);
            if self.locals.forks > 0 {
                self.locals.journal.push((index, old));
            }
        }
    }

    fn read_name(&mut self, token: &TokenReference) -> Value {
        let name = lua::token_text(token);
        let range = lua::range(token);
        if let Some(index) = self.resolve(name) {
            let value = self.read_slot(index);
            self.outline_read(range, index, &value);
            return value;
        }
        let global = globals::global(name);
        if self.library.mode != Mode::Script && global.is_some() {
            // functions have no `KEYS`/`ARGV` (their callback gets them), and while a
            // library loads, `redis` is its only global
            let arguments = matches!(global, Some(Kind::Arguments));
            if arguments && self.walk.recording && self.library.mode == Mode::Load {
                // Redis refuses the whole library: its own lint says so
                self.facts.load_time.push((range.clone(), name.to_owned()));
            } else if arguments && self.walk.recording {
                self.facts.undefined.push(Undefined {
                    range: range.clone(),
                    path: name.to_owned(),
                    library: None,
                    method: false,
                });
            }
            if self.library.mode == Mode::Load && name != "redis" && !arguments && self.walk.recording {
                self.facts.load_time.push((range.clone(), name.to_owned()));
            }
            if arguments {
                return Value::unknown().at(range);
            }
        }
        match global {
            Some(Kind::Arguments) if name == "KEYS" => Value::table(Some(Table::Keys)),
            Some(Kind::Arguments) => Value::table(Some(Table::Argv)),
            Some(Kind::Library(_)) => Value::table(Some(Table::Library(static_name(name)))),
            Some(Kind::Function) => Value::func(Func::builtin("", static_name(name))),
            Some(Kind::Number) => Value::number(None),
            Some(Kind::String) => Value::string(None),
            Some(Kind::Other) => Value::unknown(),
            None => {
                // Valkey's name for `redis` is analysed as `redis`; the lints report it
                // unless the script targets Valkey
                let alias = globals::valkey_alias(name);
                if self.walk.recording {
                    if alias.is_some() && self.library.mode == Mode::Load {
                        self.facts.load_time.push((range.clone(), name.to_owned()));
                    } else {
                        self.facts.undefined.push(Undefined {
                            range: range.clone(),
                            path: name.to_owned(),
                            library: None,
                            method: false,
                        });
                    }
                }
                match alias {
                    Some(library) => Value::table(Some(Table::Library(library))),
                    None => Value::unknown().at(range),
                }
            }
        }
    }

    /// Records that `value` was stored in table `target`.
    fn store_into(&mut self, target: &Value, value: &Value) {
        if self.in_context() {
            return;
        }
        if let Some(Table::Local(id)) = target.table {
            if self.walk.recording {
                self.facts.tables.grow(id);
            }
            let entry = self.summary.tables.entry(id).or_insert_with(Value::bottom);
            let joined = entry.join(&value.stripped());
            if joined != *entry {
                *entry = joined;
                let read = self.summary.read.tables.contains(&id);
                self.summary_grew(memo::Summary::Table(id), read);
            }
        }
    }

    /// A write to a field of `target` (`t.x = v`, `table.insert(t, v)`, or an unseen
    /// function that may write any table): every local that holds that table (any
    /// table, for `None`) forgets what it knew of its fields. In a body evaluated at a
    /// call site, the callers forget it too when the call returns
    /// ([`Self::forget_written_since`]).
    fn forget_field_facts(&mut self, table: Option<usize>) {
        if self.in_context() {
            self.walk.wrote.push(table);
            self.memo_log(|| memo::Effect::Wrote(table));
        }
        self.strip_field_facts(table);
    }

    /// Every local of this function that holds `table` (any table, for `None`)
    /// forgets what it knew of its fields.
    fn strip_field_facts(&mut self, table: Option<usize>) {
        for slot in self.locals.fn_base..self.locals.values.len() {
            let value = &self.locals.values[slot];
            let holds = value.fields.is_some()
                && match table {
                    Some(id) => value.table == Some(Table::Local(id)),
                    None => true,
                };
            if holds {
                let forgotten = value.without_fields();
                self.narrow_slot(slot, forgotten);
            }
        }
    }

    /// After a call whose body was evaluated: the tables it wrote (recorded from
    /// `mark` on) lose their field facts here too. The record is kept for the calls
    /// around this one, and dropped once none is left.
    fn forget_written_since(&mut self, mark: usize) {
        if self.walk.wrote.len() <= mark {
            return;
        }
        let written: Vec<Option<usize>> = self.walk.wrote[mark..].to_vec();
        if written.contains(&None) {
            self.strip_field_facts(None);
        } else {
            for table in written {
                self.strip_field_facts(table);
            }
        }
        if !self.in_context() {
            self.walk.wrote.truncate(mark);
        }
    }

    /// The table a write to a field of `target` may change: `Some(Some(id))` a table
    /// the script built, `Some(None)` any (a value the analysis cannot see into),
    /// `None` none the script built (`KEYS`, a reply, a string).
    fn written_table(target: &Value) -> Option<Option<usize>> {
        match target.table {
            _ if target.has(kind::OPAQUE) => Some(None),
            Some(Table::Local(id)) => Some(Some(id)),
            Some(Table::Keys | Table::Argv | Table::Library(_) | Table::Reply(..)) => None,
            Some(Table::Annotated(_)) | None if target.has(kind::TABLE) => Some(None),
            _ => None,
        }
    }

    /// A value that leaves the analysis's sight (stored, passed to an unknown
    /// function, returned from a function): functions it holds may be called with
    /// anything, and `KEYS`/`ARGV` may be read in full.
    fn note_escape(&mut self, value: &Value) {
        if self.in_context() {
            return;
        }
        match (value.func, value.table) {
            (Some(Func::Local(offset)), _) => {
                let summary = self.summary.fns.entry(offset).or_default();
                if !summary.escaped {
                    summary.escaped = true;
                    if self.summary.read.fn_inputs.contains(&offset) {
                        // what a function is called with is read where it is defined only
                        self.summary.changed = true;
                    }
                }
            }
            (_, Some(Table::Keys)) => self.facts.keys_dynamic = true,
            (_, Some(Table::Argv)) => self.facts.argv_dynamic = true,
            _ => {}
        }
    }

    fn read_table(&mut self, id: usize) -> Option<&Value> {
        self.summary.read.tables.insert(id);
        self.memo_log(|| memo::Effect::Read(memo::Summary::Table(id)));
        self.summary.tables.get(&id)
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
            Some(Table::Reply(reply, _)) => value::elements_of(reply, false),
            _ if table.only(kind::PARAM) => Value::of(kind::PARAM),
            _ => Value::of(kind::FIELD),
        }
    }

    /// Records a shadowing local used as the global it hides.
    fn misuse_shadow(&mut self, slot: usize, at: Range<usize>) {
        if !self.walk.recording {
            return;
        }
        let decl = self.locals.scopes[slot].1;
        self.misuse_decl(decl, at);
    }

    /// Records that the shadowing local declared at `decl` is used as the global it hides.
    fn misuse_decl(&mut self, decl: usize, at: Range<usize>) {
        self.memo_log(|| memo::Effect::Misuse(decl, at.clone()));
        if let Some(shadow) = self
            .facts
            .shadows
            .iter_mut()
            .find(|s| s.range.start == decl && s.misuse.is_none())
        {
            shadow.misuse = Some(at);
        }
    }
}

/// A `name = value` field of a table constructor: the name, where it and the value
/// are written, the value.
pub(crate) type NamedField = (Arc<str>, Range<usize>, Range<usize>, Value);

/// The fields of a table constructor, kept in libraries only.
#[derive(Clone, Debug, Default)]
pub(crate) struct Constructed {
    /// `name = value` and `['name'] = value`.
    pub(crate) named: Vec<NamedField>,
    /// Entries without a key: where each is written, its value.
    pub(crate) positional: Vec<(Range<usize>, Value)>,
    /// `[key] = value` entries whose key is no literal string: where the key is
    /// written and what it is (entries whose value is `nil` are not in the table).
    pub(crate) keyed: Vec<(Range<usize>, Value)>,
    /// The last entry spreads (`{f()}`, `{...}`): more entries than written.
    pub(crate) grown: bool,
}

/// Values for `n` targets from an expression list whose last entry may spread.
fn spread_to(values: Values, n: usize) -> Vec<Value> {
    (0..n).map(|i| values.nth(i)).collect()
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
