//! Recorded evaluations of local functions, replayed at later calls with the same inputs.
//!
//! A helper is evaluated at each call with that call's arguments, and its findings
//! are that call's. Real scripts call the same helpers many times with the same
//! abstract arguments (BullMQ's scripts are helpers calling helpers), and walking the
//! body again gives the same answer: what an evaluation does depends only on
//!
//! - its arguments, the flow facts at the call (seed state, keys known to exist, the
//!   tests remembered of locals), and
//!   where the walk is (the functions being evaluated, which decide recursion and depth;
//!   how deep in loops, which decides how loops iterate; the scope ranges hidden from it;
//!   whether `KEYS`/`ARGV` still identify keys; RESP3);
//! - the summaries it reads (upvalues, tables, what functions return, where they are
//!   defined): those only grow, each growth is stamped with a count
//!   ([`Summaries::version`]), and an evaluation is replayed only where none of those
//!   it read grew since it started, in this round or a later one (a replay reads them
//!   again for the round's fixed point, and remembers again the evaluations the round's
//!   silent calls reuse);
//! - the leading fields of table constructors ([`Walk::fields`]), which any code writes:
//!   each read of them while an evaluation is recorded is logged with what it read, and
//!   an evaluation is replayed only where every such read would read the same;
//! - the statements left in the round's budget of evaluations ([`CONTEXT_BUDGET`]);
//! - for a silent evaluation (one that records no findings: in the walk of a helper's
//!   definition, in a loop's first passes), what the round remembers of the
//!   evaluations its own silent calls take instead of walking ([`Effect::Hit`]):
//!   replayed only where the round now remembers the same outcome for each.
//!
//! Its output is what it returns, the flow facts and flags it leaves, the facts it
//! recorded ([`Facts::open`]/[`Facts::close`]) and its other effects, logged as
//! [`Effect`]s: writes of table fields, the tables whose fields the callers must
//! forget, annotation targets taken, shadowing locals misused. A replay records all of them again, so a loop's first pass drops a replayed
//! evaluation's facts as it drops a walked one's, and an evaluation around a replayed
//! one logs its effects as its own. An evaluation that defines a function is not kept:
//! the definition's scope is the call's.

use std::ops::Range;
use std::rc::Rc;

use super::facts::{FactsDelta, FactsMark};
use super::{Analyzer, CONTEXT_BUDGET, Evaluated, ITERATED_LOOP_DEPTH, Value, Values, exists};
use rustc_hash::FxHashMap;

/// What an evaluation does besides its facts and flow, in order (see the module).
#[derive(Clone, Debug)]
pub(super) enum Effect {
    /// The leading fields of the table built at an offset were read: what they were.
    ReadFields(usize, Option<Vec<Value>>),
    /// ... were written.
    WriteFields(usize, Option<Vec<Value>>),
    /// An annotation target was taken.
    Note(usize),
    /// The shadowing local declared at an offset was misused at a range.
    Misuse(usize, Range<usize>),
    /// A function was defined: the evaluation is not kept.
    Defined,
    /// A summary was read.
    Read(Summary),
    /// An evaluation was remembered for the round's silent calls.
    Evaluated(usize, Rc<Evaluated>),
    /// A silent call of the function defined at an offset took what the round had
    /// remembered of an evaluation with its inputs.
    Hit(usize, Rc<Evaluated>),
    /// A call of the function defined at an offset was evaluated or not, as it is on
    /// the stack of those being evaluated or not.
    Checked(usize),
    /// A call found a definition visible to this many scope entries, the last one
    /// declared at an offset, in scope or not.
    Visible(usize, Option<usize>, bool),
    /// A call was evaluated or not with this many evaluations under way (see
    /// [`super::CONTEXT_DEPTH`]).
    Depth(usize),
    /// A loop was iterated or not this deep in loops (see [`ITERATED_LOOP_DEPTH`]).
    Loop(usize),
    /// The fields of a table (any table, for `None`) were written, for the callers to
    /// forget (see [`Walk::wrote`](super::Walk)).
    Wrote(Option<usize>),
}

/// A summary an evaluation reads.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub(super) enum Summary {
    /// What a local may hold, by its declaration.
    Declared(usize),
    /// What is stored into a table, by its constructor.
    Table(usize),
    /// What a function returns, by its definition.
    Returns(usize),
    /// Where a function is defined.
    Definition(usize),
    /// Whether some function assigns a local as an upvalue, by its declaration (a test
    /// of such a local is not remembered: see [`super::refine`]).
    Closure(usize),
}

/// Everything besides the summaries an evaluation's walk depends on.
#[derive(Clone, PartialEq)]
pub(super) struct Key {
    args: Vec<Value>,
    varargs: Values,
    seed: u8,
    existing: exists::Existing,
    hidden: Vec<Range<usize>>,
    untracked: bool,
    resp3: bool,
    condition: bool,
    /// Whether it records findings (a silent one, in a definition or a loop's first
    /// passes, does not).
    recording: bool,
    /// The tests remembered where it is called (a test in the body of an upvalue
    /// remembered by the caller narrows like the caller's).
    correlated: super::refine::Correlations,
}

/// A nesting level an evaluation started at (of evaluations, of loops), and how much
/// deeper it checked the level against its limit (`None`: never).
pub(super) struct Level {
    at: usize,
    more: Option<usize>,
}

impl Level {
    /// Whether starting at `at` instead, every check against `limit` gives the same.
    fn holds(&self, at: usize, limit: usize) -> bool {
        match self.more {
            None => true,
            Some(more) => at == self.at || (self.at + more < limit && at + more < limit),
        }
    }
}

/// One recorded evaluation: its inputs and its output.
pub(super) struct Recorded {
    key: Key,
    /// [`Summaries::version`] when it started.
    at: u64,
    /// The functions whose calls it evaluated or not, and whether each was on the stack
    /// of those being evaluated.
    checked: Vec<(usize, bool)>,
    /// How many evaluations were under way, and how many more it started at most.
    depth: Level,
    /// How deep in loops it started, and how many loops deeper it checked at most.
    loops: Level,
    statements: usize,
    effects: Vec<Effect>,
    facts: FactsDelta,
    returns: Values,
    exit_seed: u8,
    exit_existing: exists::Existing,
    exit_correlated: super::refine::Correlations,
    untracked: bool,
    resp3: bool,
}

/// An evaluation being recorded.
pub(super) struct Open {
    key: Key,
    depth: usize,
    loops: usize,
    at: u64,
    facts: FactsMark,
    log: usize,
    statements: usize,
}

impl<'a> Analyzer<'a> {
    /// The inputs of an evaluation of a function visible to `visible` scope entries
    /// with `args` here; `None` where evaluations are not kept (in a library, whose
    /// callbacks change what is recorded where).
    pub(super) fn memo_key(&self, args: &[Value], varargs: &Values, visible: usize) -> Option<Key> {
        if !self.replay || self.library.mode != super::Mode::Script {
            return None;
        }
        Some(Key {
            args: args.to_vec(),
            varargs: varargs.clone(),
            seed: self.flow.seed,
            existing: self.flow.existing.clone(),
            // the caller's locals are hidden from the body, which sees only scope
            // entries below `visible`
            hidden: (self.locals.hidden.iter())
                .map(|r| r.start.min(visible)..r.end.min(visible))
                .filter(|r| !r.is_empty())
                .collect(),
            untracked: self.walk.untracked,
            resp3: self.walk.resp3,
            condition: self.walk.condition,
            recording: self.walk.recording,
            correlated: self.flow.correlated.clone(),
        })
    }

    /// Replays an evaluation of `offset` recorded with `key`, when one is kept and every
    /// table field it read reads the same here; returns what it returned.
    pub(super) fn replay(&mut self, offset: usize, key: &Key) -> Option<Values> {
        let statements = self.summary.context_statements;
        let recorded = (self.summary.recorded.get(&offset)?.iter())
            .find(|r| {
                r.key == *key
                    && statements + r.statements <= CONTEXT_BUDGET
                    && r.checked.iter().all(|(f, on)| self.walk.evaluating.contains(f) == *on)
                    && r.depth.holds(self.walk.evaluating.len(), super::CONTEXT_DEPTH)
                    && r.loops.holds(self.walk.loop_depth, ITERATED_LOOP_DEPTH)
                    && self.reads_hold(r.at, &r.effects)
            })?
            .clone();
        self.facts.replay(&recorded.facts);
        for effect in &recorded.effects {
            match effect {
                Effect::Read(summary) => {
                    // read again this round, for the rounds' fixed point
                    let read = &mut self.summary.read;
                    match *summary {
                        Summary::Declared(decl) => read.declared.insert(decl),
                        Summary::Table(id) => read.tables.insert(id),
                        Summary::Returns(offset) => read.fn_returns.insert(offset),
                        Summary::Closure(decl) => read.correlated.insert(decl),
                        Summary::Definition(_) => false,
                    };
                    self.memo_log(|| effect.clone());
                }
                Effect::Evaluated(function, evaluated) => {
                    let all = self.summary.evaluated.entry(*function).or_default();
                    let same = |e: &Evaluated| {
                        e.has_inputs(evaluated.seed, &evaluated.existing, &evaluated.args, &evaluated.varargs)
                    };
                    if !all.iter().any(same) {
                        all.push(Evaluated::clone(evaluated));
                    }
                    self.memo_log(|| effect.clone());
                }
                Effect::ReadFields(..) | Effect::Checked(_) | Effect::Visible(..) | Effect::Hit(..) => {
                    if self.walk.memo_open > 0 {
                        self.walk.memo_log.push(effect.clone());
                    }
                }
                Effect::WriteFields(id, fields) => self.set_fields(*id, fields.clone()),
                Effect::Note(index) => self.take_note(*index),
                Effect::Wrote(table) => {
                    // the caller forgets them when the call returns, as after a walk
                    self.walk.wrote.push(*table);
                    self.memo_log(|| effect.clone());
                }
                Effect::Misuse(decl, at) => self.misuse_decl(*decl, at.clone()),
                Effect::Defined => unreachable!("not kept"),
                // logged below, from here
                Effect::Depth(_) | Effect::Loop(_) => {}
            }
        }
        let (depth, loops) = (self.walk.evaluating.len(), self.walk.loop_depth);
        if let Some(more) = recorded.depth.more {
            self.memo_log(|| Effect::Depth(depth + more));
        }
        if let Some(more) = recorded.loops.more {
            self.memo_log(|| Effect::Loop(loops + more));
        }
        self.summary.context_statements += recorded.statements;
        self.summary.replays += 1;
        if !recorded.key.recording {
            self.summary.silent_replays += 1;
        }
        self.flow.seed = recorded.exit_seed;
        self.flow.existing.clone_from(&recorded.exit_existing);
        self.flow.correlated.clone_from(&recorded.exit_correlated);
        self.walk.untracked = recorded.untracked;
        self.walk.resp3 = recorded.resp3;
        Some(recorded.returns.clone())
    }

    /// Whether what `effects` read reads the same now: each table field (after the
    /// writes before it in `effects`), each summary (not grown since `at`), each
    /// definition's scope.
    fn reads_hold(&self, at: u64, effects: &[Effect]) -> bool {
        let mut written: FxHashMap<usize, Option<&Vec<Value>>> = FxHashMap::default();
        // the evaluations remembered by the replay before each silent call's lookup
        let mut evaluated: Vec<(usize, &Evaluated)> = Vec::new();
        for effect in effects {
            match effect {
                Effect::Evaluated(function, e) => evaluated.push((*function, e)),
                Effect::Hit(function, then) => {
                    let inputs = |e: &&Evaluated| e.has_inputs(then.seed, &then.existing, &then.args, &then.varargs);
                    let now = (self.summary.evaluated.get(function).into_iter().flatten())
                        .find(inputs)
                        .or_else(|| {
                            (evaluated.iter())
                                .filter(|(f, _)| f == function)
                                .map(|(_, e)| *e)
                                .find(inputs)
                        });
                    if !now.is_some_and(|now| {
                        now.returns == then.returns
                            && now.exit_seed == then.exit_seed
                            && now.exit_existing == then.exit_existing
                    }) {
                        return false;
                    }
                }
                Effect::ReadFields(id, then) => {
                    let now = match written.get(id) {
                        Some(fields) => *fields,
                        None => self.walk.fields.get(id),
                    };
                    if now != then.as_ref() {
                        return false;
                    }
                }
                Effect::WriteFields(id, fields) => {
                    written.insert(*id, fields.as_ref());
                }
                Effect::Read(summary) if self.summary.stamps.get(summary).is_some_and(|&grown| grown > at) => {
                    return false;
                }
                Effect::Visible(visible, top, seen) if self.in_scope(*visible, *top) != *seen => return false,
                _ => {}
            }
        }
        true
    }

    /// Starts recording an evaluation with inputs `key`.
    pub(super) fn memo_open(&mut self, key: Key) -> Open {
        self.walk.memo_open += 1;
        Open {
            key,
            at: self.summary.version,
            depth: self.walk.evaluating.len(),
            loops: self.walk.loop_depth,
            facts: self.facts.open(),
            log: self.walk.memo_log.len(),
            statements: self.summary.context_statements,
        }
    }

    /// Ends recording the evaluation of `offset` begun with `open`, which returned
    /// `returns`, and keeps it unless it defined a function or ran out of budget.
    pub(super) fn memo_close(&mut self, offset: usize, open: Open, returns: &Values) {
        let facts = self.facts.close(open.facts);
        let effects = self.walk.memo_log[open.log..].to_vec();
        self.walk.memo_open -= 1;
        if self.walk.memo_open == 0 {
            self.walk.memo_log.clear();
        }
        let statements = self.summary.context_statements - open.statements;
        if effects.iter().any(|e| matches!(e, Effect::Defined)) || self.summary.context_statements > CONTEXT_BUDGET {
            return;
        }
        let checked = (effects.iter())
            .filter_map(|e| match e {
                Effect::Checked(f) => Some((*f, self.walk.evaluating.contains(f))),
                _ => None,
            })
            .collect();
        let deepest =
            |level: fn(&Effect) -> Option<usize>, from: usize| effects.iter().filter_map(level).map(|l| l - from).max();
        let depth = Level {
            at: open.depth,
            more: deepest(|e| if let Effect::Depth(d) = e { Some(*d) } else { None }, open.depth),
        };
        let loops = Level {
            at: open.loops,
            more: deepest(|e| if let Effect::Loop(d) = e { Some(*d) } else { None }, open.loops),
        };
        let recorded = Recorded {
            key: open.key,
            at: open.at,
            checked,
            depth,
            loops,
            statements,
            effects,
            facts,
            returns: returns.clone(),
            exit_seed: self.flow.seed,
            exit_existing: self.flow.existing.clone(),
            exit_correlated: self.flow.correlated.clone(),
            untracked: self.walk.untracked,
            resp3: self.walk.resp3,
        };
        self.summary.recorded.entry(offset).or_default().push(Rc::new(recorded));
    }

    /// Logs `effect` for the evaluations being recorded.
    pub(super) fn memo_log(&mut self, effect: impl FnOnce() -> Effect) {
        if self.walk.memo_open > 0 {
            self.walk.memo_log.push(effect());
        }
    }

    /// The leading fields of the table built at `id`, as far as known.
    pub(super) fn fields(&mut self, id: usize) -> Option<&Vec<Value>> {
        if self.walk.memo_open > 0 {
            let fields = self.walk.fields.get(&id).cloned();
            self.walk.memo_log.push(Effect::ReadFields(id, fields));
        }
        self.walk.fields.get(&id)
    }

    /// Sets (`None`: forgets) the leading fields of the table built at `id`.
    pub(super) fn set_fields(&mut self, id: usize, fields: Option<Vec<Value>>) {
        if self.walk.memo_open > 0 {
            self.walk.memo_log.push(Effect::WriteFields(id, fields.clone()));
        }
        match fields {
            Some(fields) => self.walk.fields.insert(id, fields),
            None => self.walk.fields.remove(&id),
        };
    }

    /// `summary` grew: evaluations recorded before that read it are not replayed, and
    /// when some walk read it this round (`read`), the round is stale.
    pub(super) fn summary_grew(&mut self, summary: Summary, read: bool) {
        self.summary.changed |= read;
        self.summary_stamp(summary);
    }

    /// `summary` changed: evaluations recorded before that read it are not replayed.
    pub(super) fn summary_stamp(&mut self, summary: Summary) {
        self.summary.version += 1;
        self.summary.stamps.insert(summary, self.summary.version);
    }

    /// Whether a definition visible to `visible` scope entries, the last declared at
    /// `top`, is in scope here: the scope it saw is still there.
    pub(super) fn in_scope(&self, visible: usize, top: Option<usize>) -> bool {
        visible <= self.locals.scopes.len() && (visible == 0 || Some(self.locals.scopes[visible - 1].1) == top)
    }

    /// Marks annotation target `index` taken.
    pub(super) fn take_note(&mut self, index: usize) {
        self.memo_log(|| Effect::Note(index));
        self.notes_taken[index] = true;
    }
}
