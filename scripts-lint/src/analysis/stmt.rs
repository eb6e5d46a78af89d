//! Statements: blocks, assignments, branches, loops and function definitions.

use full_moon::ast::{Block, Expression, FunctionBody, Index, LastStmt, Parameter, Prefix, Stmt, Suffix, Var};
use full_moon::tokenizer::TokenReference;

use super::{
    Analyzer, Branch, Definition, Fork, Frame, GlobalWrite, GlobalWriteKind, ITERATED_LOOP_DEPTH, Marker, Return,
    Table, Value, Values, kind, lua, seed, spread_to,
};
use crate::analysis::Func;
use crate::analysis::value::FieldName;

impl<'a> Analyzer<'a> {
    pub(super) fn block(&mut self, block: &'a Block) {
        let (mark, journal) = (self.locals.scopes.len(), self.locals.journal.len());
        for stmt in block.stmts() {
            self.stmt(stmt);
        }
        if let Some(last) = block.last_stmt() {
            self.last_stmt(last);
        }
        self.pop_scopes(mark, journal);
    }

    fn last_stmt(&mut self, last: &'a LastStmt) {
        match last {
            LastStmt::Return(ret) => {
                let args = self.expr_list(ret.returns().iter());
                for arg in &args {
                    self.note_escape(&arg.value);
                }
                if let Some(frame) = self.walk.frames.last_mut() {
                    let values = super::call::values_of(&args);
                    frame.returns = Values::join_into(&frame.returns, &values);
                    frame.exit_seed |= self.flow.seed;
                    if self.flow.reachable {
                        super::exists::meet_into(&mut frame.exit_existing, &self.flow.existing);
                    }
                }
                // the main chunk's `return`s are the script's replies, as a registered
                // function's are the function's
                if self.walk.frames.is_empty() || self.library.callback_frame == Some(self.walk.frames.len()) {
                    let first = args.first().map_or_else(Value::nil, |a| {
                        if a.spread {
                            a.value.join(&Value::nil())
                        } else {
                            a.value.clone()
                        }
                    });
                    if let Some(arg) = args.first() {
                        self.converted_use(&arg.value, &arg.range, None);
                    }
                    if self.walk.recording && self.flow.reachable {
                        let end = args.last().map_or(lua::range(ret.token()).end, |v| v.range.end);
                        self.facts.returns.push(Return {
                            range: lua::range(ret.token()).start..end,
                            value: first,
                        });
                    }
                }
                self.flow.reachable = false;
            }
            LastStmt::Break(_) => {
                if let Some((fork, _)) = self.walk.breaks.last() {
                    let branch = Branch {
                        changes: self.changes_since(fork),
                        flow: self.flow.clone(),
                    };
                    if let Some((_, exits)) = self.walk.breaks.last_mut() {
                        exits.push(branch);
                    }
                }
                self.flow.reachable = false;
            }
            _ => {}
        }
    }

    fn stmt(&mut self, stmt: &'a Stmt) {
        if self.in_context() {
            self.summary.context_statements += 1;
        }
        match stmt {
            Stmt::LocalAssignment(local) => {
                let args = self.expr_list(local.expressions().iter());
                let names: Vec<&TokenReference> = local.names().iter().collect();
                let mut values = spread_to(super::call::values_of(&args), names.len());
                if !self.notes.is_empty() {
                    let start = lua::range(local.local_token()).start;
                    let end = match (local.expressions().last(), names.last()) {
                        (Some(last), _) => lua::expr_range(last.value()).end,
                        (None, Some(name)) => lua::range(name).end,
                        (None, None) => start,
                    };
                    let assigned: Vec<Option<&str>> = names.iter().map(|n| Some(lua::token_text(n))).collect();
                    self.annotate(start..end, &assigned, &mut values);
                }
                for (name, value) in names.into_iter().zip(values) {
                    self.declare(name, value);
                }
            }
            Stmt::Assignment(assignment) => {
                let args = self.expr_list(assignment.expressions().iter());
                let vars: Vec<&Var> = assignment.variables().iter().collect();
                let mut values = spread_to(super::call::values_of(&args), vars.len());
                if !self.notes.is_empty()
                    && let (Some(first), Some(last)) = (vars.first(), assignment.expressions().last())
                {
                    let start = match first {
                        Var::Name(token) => lua::range(token).start,
                        Var::Expression(var) => lua::chain_range(var.prefix(), var.suffixes()).start,
                        _ => lua::expr_range(last.value()).start,
                    };
                    let end = lua::expr_range(last.value()).end;
                    // only a local can be annotated: an assigned global is reported anyway
                    let assigned: Vec<Option<&str>> = vars
                        .iter()
                        .map(|var| match var {
                            Var::Name(token) => Some(lua::token_text(token)).filter(|n| self.resolve(n).is_some()),
                            _ => None,
                        })
                        .collect();
                    self.annotate(start..end, &assigned, &mut values);
                }
                for (var, value) in vars.into_iter().zip(values) {
                    self.assign(var, value);
                }
            }
            Stmt::FunctionCall(call) => {
                let values = self.chain(
                    call.prefix(),
                    call.suffixes().collect(),
                    lua::chain_range(call.prefix(), call.suffixes()),
                );
                // `error(...)` never returns: what follows is unreachable
                let value = values.into_first();
                if value.marker == Some(Marker::Error) && matches!(value.func, Some(Func::Builtin(&("", "error")))) {
                    self.flow.reachable = false;
                }
                // `redis.error_reply(...)` alone builds a reply and drops it
                if let (Some(marker), Some(Func::Builtin(&("redis", _)))) = (value.marker, value.func)
                    && self.walk.recording
                {
                    let range = lua::chain_range(call.prefix(), call.suffixes());
                    self.facts.discarded.push((range, marker));
                }
            }
            Stmt::Do(block) => self.block(block.block()),
            Stmt::If(if_stmt) => {
                let assignments = self.locals.assignments;
                let fork = self.fork();
                let mut branches = Vec::new();
                let mark = self.facts.reply_uses.len();
                let first = self.condition(if_stmt.condition());
                if gives_a_default(if_stmt) {
                    // `if not n then n = 0 end`: a test that cannot fail is harmless there
                    let tested = self.facts.reply_uses.split_off(mark);
                    let kept = tested.into_iter().filter(|u| u.how != super::ReplyUseKind::Truth);
                    self.facts.reply_uses.extend(kept);
                }
                self.narrow(&first.when_true);
                self.block(if_stmt.block());
                branches.push(self.end_branch(&fork));
                // each later branch runs only when every condition before it was false
                let mut failed = vec![first.when_false];
                for else_if in if_stmt.else_if().into_iter().flatten() {
                    for narrowing in &failed {
                        self.narrow(narrowing);
                    }
                    let test = self.condition(else_if.condition());
                    self.narrow(&test.when_true);
                    self.block(else_if.block());
                    branches.push(self.end_branch(&fork));
                    failed.push(test.when_false);
                }
                for narrowing in &failed {
                    self.narrow(narrowing);
                }
                if let Some(else_block) = if_stmt.else_block() {
                    self.block(else_block);
                }
                branches.push(self.end_branch(&fork));
                let correlated = self.correlate(if_stmt, assignments, &branches);
                self.merge(&branches);
                self.remember_correlated(correlated);
            }
            Stmt::While(while_loop) => self.looping(false, |this| {
                let test = this.condition(while_loop.condition());
                this.narrow(&test.when_true);
                this.block(while_loop.block());
            }),
            Stmt::Repeat(repeat) => self.looping(true, |this| {
                // the `until` condition sees the body's locals
                let (mark, journal) = (this.locals.scopes.len(), this.locals.journal.len());
                for stmt in repeat.block().stmts() {
                    this.stmt(stmt);
                }
                if let Some(last) = repeat.block().last_stmt() {
                    this.last_stmt(last);
                }
                let _ = this.condition(repeat.until());
                this.pop_scopes(mark, journal);
            }),
            Stmt::NumericFor(numeric) => {
                let mut bounds = Vec::with_capacity(3);
                for bound in [Some(numeric.start()), Some(numeric.end()), numeric.step()]
                    .into_iter()
                    .flatten()
                {
                    let (value, several) = self.operand(bound);
                    let side = super::expr::Side {
                        value,
                        range: lua::expr_range(bound),
                        several,
                    };
                    if side.value.has(kind::ARGV | kind::REPLY | kind::MISSING) {
                        self.numeric_use(&side, super::NumericOp::ForBound);
                    }
                    bounds.push(side.value);
                }
                // counting up from a constant: the index is never below it (`KEYS[i]`
                // for `i = 2, #KEYS` is one of the keys after the first)
                let step_up = bounds.get(2).is_none_or(|step| step.number.is_some_and(|n| n > 0.0));
                let mut index = Value::number(None);
                if step_up {
                    index.at_least = bounds[0]
                        .number
                        .filter(|n| bounds[0].only(kind::NUMBER) && n.fract() == 0.0 && (1.0..63.0).contains(n))
                        .map(|n| n as u8);
                }
                self.looping(false, |this| {
                    let (mark, journal) = (this.locals.scopes.len(), this.locals.journal.len());
                    this.declare(numeric.index_variable(), index.clone());
                    this.block(numeric.block());
                    this.pop_scopes(mark, journal);
                });
            }
            Stmt::GenericFor(generic) => {
                let args = self.expr_list(generic.expressions().iter());
                let (key, element) = match args.first().and_then(|a| a.value.iterates.clone()) {
                    Some(pair) => (pair.0.clone(), pair.1.clone()),
                    None => (Value::unknown(), Value::unknown()),
                };
                self.looping(false, |this| {
                    let (mark, journal) = (this.locals.scopes.len(), this.locals.journal.len());
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
                let range = lua::node_range(name);
                match names.as_slice() {
                    [single] if !method => match self.resolve(lua::token_text(single)) {
                        Some(index) => self.write_slot(index, function),
                        None => self.global_write(range, lua::token_text(single), GlobalWriteKind::Function),
                    },
                    [first, ..] => {
                        let base = self.read_name(first);
                        if let Some(Table::Library(_)) = base.table {
                            let path = lua::source(self.source, range.clone()).to_owned();
                            self.global_write(range, &path, GlobalWriteKind::LibraryField);
                        } else {
                            self.store_into(&base, &function);
                            if let Some(table) = Self::written_table(&base) {
                                self.forget_field_facts(table);
                            }
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
        let depth = self.walk.loop_depth;
        self.memo_log(|| super::memo::Effect::Loop(depth));
        if self.walk.loop_depth >= ITERATED_LOOP_DEPTH {
            // no later pass is analysed: a key made sure of before the loop may be
            // deleted by a pass before the one recorded
            self.flow.existing.clear();
        }
        let mark = self.facts.mark();
        let iteration = self.fork();
        self.walk.breaks.push((iteration.clone(), Vec::new()));
        self.walk.loop_depth += 1;
        body(self);
        self.walk.loop_depth -= 1;
        let (_, mut exits) = self.walk.breaks.pop().expect("pushed above");
        let end = self.end_branch(&iteration);
        // Every pass over a loop's body runs the loops nested in it again, so the passes
        // multiply: past a few levels (counted through nested functions as well) the
        // first iteration is all there is. Re-running deeper loops even once more made
        // the work 2^depth, a hang for 20 nested loops. Their later iterations reach
        // them through summaries only, and the code after them sees zero or one.
        let loops_back = self.walk.loop_depth < ITERATED_LOOP_DEPTH
            && end.flow.reachable
            && (end.flow.seed != iteration.flow.seed
                || end.flow.existing != iteration.flow.existing
                || !iteration.flow.correlated.kept_in(&end.flow.correlated)
                || end.changes.iter().any(|(slot, v)| *v != self.locals.values[*slot]));
        if loops_back {
            self.facts.truncate(mark);
            let mut stable = !self.merge(&[Self::unchanged(&iteration), end]);
            let recording = std::mem::replace(&mut self.walk.recording, false);
            for _ in 0..2 {
                if stable {
                    break;
                }
                let iteration = self.fork();
                let end = self.iterate(&iteration, &mut body);
                stable = !self.merge(&[Self::unchanged(&iteration), end]);
            }
            self.walk.recording = recording;
            let iteration = self.fork();
            self.walk.breaks.push((iteration.clone(), Vec::new()));
            self.walk.loop_depth += 1;
            body(self);
            self.walk.loop_depth -= 1;
            let (_, recorded_exits) = self.walk.breaks.pop().expect("pushed above");
            exits = recorded_exits;
            let end = self.end_branch(&iteration);
            if !exits_at_end {
                exits.push(Self::unchanged(&iteration));
            }
            exits.push(end);
            self.merge(&exits);
            return;
        }
        if !exits_at_end {
            exits.push(Self::unchanged(&iteration));
        }
        exits.push(end);
        self.merge(&exits);
    }

    /// One unrecorded iteration from `iteration`; its end state joined with its
    /// `break`s, as one branch.
    fn iterate(&mut self, iteration: &Fork, body: &mut impl FnMut(&mut Self)) -> Branch {
        self.walk.breaks.push((iteration.clone(), Vec::new()));
        self.walk.loop_depth += 1;
        body(self);
        self.walk.loop_depth -= 1;
        let (_, exits) = self.walk.breaks.pop().expect("pushed above");
        let mut end = self.end_branch(iteration);
        for exit in exits.into_iter().filter(|e| e.flow.reachable) {
            for (slot, value) in exit.changes {
                match end.changes.iter_mut().find(|c| c.0 == slot) {
                    Some(change) => change.1 = change.1.join(&value),
                    None => end.changes.push((slot, value)),
                }
            }
            if end.flow.reachable {
                end.flow.existing.intersect(&exit.flow.existing);
                end.flow.correlated =
                    super::refine::Correlations::meet([&end.flow.correlated, &exit.flow.correlated].into_iter());
            } else {
                end.flow.existing = exit.flow.existing;
                end.flow.correlated = exit.flow.correlated;
            }
            end.flow.reachable = true;
            end.flow.seed |= exit.flow.seed;
        }
        end
    }

    /// Applies the annotation comments next to the assignment spanning `range` to the
    /// values it assigns to the locals `assigned` (`None`: not a local).
    fn annotate(&mut self, range: std::ops::Range<usize>, assigned: &[Option<&str>], values: &mut [Value]) {
        let notes = self.notes;
        for comment in notes.of_statement(range) {
            for (index, target) in notes.targets_of(comment) {
                let Some(slot) = assigned.iter().position(|name| *name == Some(&*target.local)) else {
                    continue;
                };
                self.take_note(index);
                let value = &mut values[slot];
                *value = match target.table {
                    // a field of it: reads of that field are the key or prefix
                    Some(table) => Value {
                        kinds: value.kinds | kind::TABLE,
                        table: Some(Table::Annotated(table as u32)),
                        ..value.clone()
                    },
                    None => super::value::annotated(index, value),
                };
            }
        }
    }

    fn assign(&mut self, var: &'a Var, value: Value) {
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
                let target = self
                    .chain(expression.prefix(), init.to_vec(), full.clone())
                    .into_first();
                // a field stored by name: the table is no longer a plain array
                let mut named = matches!(last, Suffix::Index(Index::Dot { .. }));
                let mut field = match last {
                    Suffix::Index(Index::Dot { name, .. }) => Some(FieldName::Name(lua::token_text(name).into())),
                    _ => None,
                };
                if let Suffix::Index(Index::Brackets { expression: key, .. }) = last {
                    let key = self.expr(key);
                    field = FieldName::of(&key);
                    named = !key.has(kind::NUMBER);
                    if !named {
                        // `t[3] = v` replaces the third field on; an unknown index any
                        let from = key
                            .number
                            .filter(|n| key.only(kind::NUMBER) && n.fract() == 0.0 && *n >= 1.0)
                            .map_or(1, |n| n as usize);
                        self.forget_fields(&target, from);
                    }
                }
                if let (true, Some(Table::Local(id)), true) = (named, target.table, self.walk.recording) {
                    self.facts.tables.name_field(id, lua::suffix_range(last));
                }
                if let Some(Table::Library(_)) = target.table {
                    let path = lua::source(self.source, full.clone()).to_owned();
                    self.global_write(full, &path, GlobalWriteKind::LibraryField);
                }
                if let Some(Table::Keys | Table::Argv) = target.table {
                    // `KEYS[1] = KEYS[2]`: `KEYS[1]` no longer names one key
                    self.stop_tracking();
                }
                self.note_escape(&value);
                self.store_into(&target, &value);
                self.write_field(expression.prefix(), init.is_empty(), &target, field, &value);
            }
            _ => {}
        }
    }

    /// `t.x = value` (`t[2] = value`): the local `t` holds a table the script built
    /// whose field `x` is now `value`, and every other copy of the table forgets what it
    /// knew of its fields (an alias, a caller's local). A write through anything else
    /// (`a.b.x = v`, an upvalue, a computed key) only forgets.
    fn write_field(&mut self, prefix: &Prefix, direct: bool, target: &Value, field: Option<FieldName>, value: &Value) {
        let Some(table) = Self::written_table(target) else {
            return;
        };
        // the local written through, as it was: its other fields keep their values
        let through = match (prefix, direct, table, self.walk.untracked) {
            (Prefix::Name(token), true, Some(_), false) => self
                .resolve(lua::token_text(token))
                .filter(|slot| *slot >= self.locals.fn_base && self.locals.values[*slot].only(kind::TABLE))
                .map(|slot| (slot, self.locals.values[slot].clone())),
            _ => None,
        };
        self.forget_field_facts(table);
        if let (Some((slot, before)), Some(field)) = (through, field) {
            self.narrow_slot(slot, before.with_field(field, value));
        }
    }

    fn global_write(&mut self, range: std::ops::Range<usize>, name: &str, kind: GlobalWriteKind) {
        if self.walk.recording {
            self.facts.global_writes.push(GlobalWrite {
                range,
                name: name.to_owned(),
                kind,
            });
        }
    }

    /// A function expression or statement: registers the body so calls can evaluate
    /// it with their own arguments, and analyses it once where it is written, each
    /// parameter joined over every call site (or whatever a caller passes, when the
    /// analysis sees no call). Returns the function value.
    pub(super) fn function(&mut self, offset: usize, body: &'a FunctionBody, method: bool) -> Value {
        let (visible, top) = (self.locals.scopes.len(), self.locals.scopes.last().map(|s| s.1));
        let replaced = self.summary.definitions.insert(
            offset,
            Definition {
                body,
                method,
                visible,
                top,
            },
        );
        // a call may now evaluate it, where it could not before: see `memo`
        if replaced.is_none_or(|d| (d.visible, d.top) != (visible, top)) {
            self.summary_stamp(super::memo::Summary::Definition(offset));
        }
        self.memo_log(|| super::memo::Effect::Defined);
        if self.in_context() {
            // defined inside a body evaluated at a call site: it was analysed where written
            return Value::func(Func::Local(offset));
        }
        self.summary.read.fn_inputs.insert(offset);
        let summary = self.summary.fns.get(&offset).cloned().unwrap_or_default();
        let saved = (
            self.flow.reachable,
            self.flow.seed,
            self.locals.fn_base,
            self.walk.loop_depth,
            self.walk.recording,
        );
        // callers unseen here: no key is known to exist on entry
        let saved_existing = std::mem::take(&mut self.flow.existing);
        // the calls report the body's findings, each with its own arguments; while a
        // library loads, only what it runs is recorded
        self.walk.recording &=
            (summary.escaped || !summary.called || summary.fallback) && self.library.mode != super::Mode::Load;
        let saved_breaks = std::mem::take(&mut self.walk.breaks);
        let (mark, journal) = (self.locals.scopes.len(), self.locals.journal.len());
        // The body sees the locals in scope (as upvalues) and runs with the seed
        // state of its callers; a function nobody calls directly may run at any time.
        self.flow.seed = if summary.escaped || summary.seed == 0 {
            seed::UNSEEDED | seed::SEEDED
        } else {
            summary.seed
        };
        self.flow.reachable = true;
        self.locals.fn_base = mark;
        // `loop_depth` carries on into the body: a function defined in a loop is
        // analysed on every pass over that loop, so its loops multiply the passes too.
        let unseen_callers = summary.escaped || !summary.called;
        let caller = |value: Value| {
            if unseen_callers {
                value.join(&Value::of(kind::PARAM))
            } else if value.kinds == 0 {
                Value::nil()
            } else {
                value
            }
        };
        let varargs = Values::many(caller(summary.varargs.clone()));
        self.walk.frames.push(Frame {
            returns: None,
            exit_seed: 0,
            exit_existing: None,
            varargs,
            params_end: mark,
        });
        let mut index = 0;
        if method {
            self.declare_named(
                "self".into(),
                offset,
                caller(summary.params.first().cloned().unwrap_or_default()),
            );
            index = 1;
        }
        for parameter in body.parameters() {
            if let Parameter::Name(token) = parameter {
                let value = caller(summary.params.get(index).cloned().unwrap_or_default());
                self.declare(token, value);
                index += 1;
            }
        }
        if let Some(dots) = lua::vararg(body) {
            self.declare_named("arg".into(), lua::range(dots).start, Value::of(kind::TABLE));
        }
        // the scope entries declared so far are the parameters
        if let Some(frame) = self.walk.frames.last_mut() {
            frame.params_end = self.locals.scopes.len();
        }
        self.block(body.block());
        let mut frame = self.walk.frames.pop().expect("pushed above");
        if self.flow.reachable {
            frame.returns = Values::join_into(&frame.returns, &Values::default());
        }
        if let Some(returns) = &frame.returns {
            self.add_returns(offset, returns);
        }
        self.pop_scopes(mark, journal);
        (
            self.flow.reachable,
            self.flow.seed,
            self.locals.fn_base,
            self.walk.loop_depth,
            self.walk.recording,
        ) = saved;
        self.flow.existing = saved_existing;
        self.walk.breaks = saved_breaks;
        Value::func(Func::Local(offset))
    }

    /// Joins what one analysis of a body returned into its summary.
    pub(super) fn add_returns(&mut self, offset: usize, returns: &Values) {
        if self.in_context() {
            return;
        }
        // a caller that takes this summary did not see the body's writes
        let stripped;
        let returns = if returns
            .fixed
            .iter()
            .chain(returns.rest.as_deref())
            .any(|v| v.fields.is_some())
        {
            stripped = Values {
                fixed: returns.fixed.iter().map(Value::without_fields).collect(),
                rest: returns.rest.as_deref().map(|v| Box::new(v.without_fields())),
            };
            &stripped
        } else {
            returns
        };
        let summary = self.summary.fns.entry(offset).or_default();
        let joined = Values::join_into(&summary.returns, returns);
        if joined != summary.returns {
            summary.returns = joined;
            let read = self.summary.read.fn_returns.contains(&offset);
            self.summary_grew(super::memo::Summary::Returns(offset), read);
        }
    }

    /// Evaluates a condition and returns what it says about the locals it tests.
    pub(super) fn condition(&mut self, expression: &'a Expression) -> super::refine::Test {
        let outer = std::mem::replace(&mut self.walk.condition, true);
        let test = self.test_at(expression, 0, true).1;
        self.walk.condition = outer;
        test
    }
}

/// `if not x then x = <value> end`, with nothing else: a default for a local.
fn gives_a_default(if_stmt: &full_moon::ast::If) -> bool {
    use full_moon::ast::{Expression, Stmt, UnOp, Var};
    if if_stmt.else_if().is_some() || if_stmt.else_block().is_some() {
        return false;
    }
    let Expression::UnaryOperator {
        unop: UnOp::Not(_),
        expression,
    } = if_stmt.condition()
    else {
        return false;
    };
    let Expression::Var(Var::Name(tested)) = &**expression else {
        return false;
    };
    let mut stmts = if_stmt.block().stmts();
    let (Some(Stmt::Assignment(assignment)), None) = (stmts.next(), stmts.next()) else {
        return false;
    };
    if if_stmt.block().last_stmt().is_some() {
        return false;
    }
    let mut vars = assignment.variables().iter();
    matches!((vars.next(), vars.next()), (Some(Var::Name(name)), None) if lua::token_text(name) == lua::token_text(tested))
}
