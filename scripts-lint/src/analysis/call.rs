//! Calls: local functions (evaluated with each call's own arguments) and the
//! functions Redis provides.

use std::ops::Range;
use std::sync::Arc;

use full_moon::ast::Parameter;

use super::{
    Analyzer, Arg, CONTEXT_BUDGET, CONTEXT_DEPTH, CommandCall, Evaluated, Frame, Func, Marker, Table, Value, Values,
    kind, seed,
};
use crate::redis::commands::{self, Resolved};
use crate::redis::replies;

/// The values a list of arguments stands for (a trailing `spread` one: any number more).
pub(super) fn values_of(args: &[Arg]) -> Values {
    let mut values = Values::default();
    for arg in args {
        if arg.spread {
            values.rest = Some(Box::new(arg.value.clone()));
        } else {
            values.fixed.push(arg.value.clone());
        }
    }
    values
}

/// The shapes and boundedness of `reply` given a call's literal options.
fn read_options(reply: &'static replies::Reply, args: &[Arg], spread: bool) -> (u8, bool) {
    // literal words, numbers written as Redis receives them
    let owned: Vec<Option<std::borrow::Cow<'_, str>>> = args.iter().map(Arg::word).collect();
    let words: Vec<Option<&str>> = owned.iter().map(|w| w.as_deref()).collect();
    // with a spread, an option may hide in it: only rules about the words before it
    // hold (`XADD key NOMKSTREAM` comes before the fields)
    let shapes = if spread && reply.command != "XADD" {
        reply.shapes
    } else {
        replies::refine(reply, &words[1..])
    };
    let bounded = reply.bounded || (!spread && replies::bounded_by(reply, &words[1..]));
    (shapes, bounded)
}

/// What a call the analysis cannot see into returns: something, then any number more.
fn unknown_result(range: Range<usize>) -> Values {
    Values {
        fixed: std::iter::once(Value::unknown().at(range)).collect(),
        rest: Some(Box::new(Value::unknown())),
    }
}

impl<'a> Analyzer<'a> {
    pub(super) fn call(&mut self, callee: Value, args: Vec<Arg>, range: Range<usize>) -> Values {
        match callee.func {
            Some(Func::Builtin(&(lib, name))) => self.builtin(lib, name, args, range),
            Some(Func::Local(offset)) => self.call_local(offset, args, range),
            None => {
                for arg in &args {
                    self.note_escape(&arg.value);
                }
                // a function the analysis cannot see into may delete any key, or write
                // any table it reaches
                self.flow.existing.clear();
                self.forget_field_facts(None);
                if callee.only(kind::PARAM) {
                    Values::many(Value::of(kind::PARAM))
                } else {
                    unknown_result(range)
                }
            }
        }
    }

    /// How many named parameters (and `self`) a script function takes, when known.
    fn arity(&self, offset: usize) -> Option<usize> {
        let definition = self.summary.definitions.get(&offset)?;
        let named = definition
            .body
            .parameters()
            .iter()
            .filter(|p| matches!(p, Parameter::Name(_)))
            .count();
        Some(named + usize::from(definition.method))
    }

    pub(super) fn call_local(&mut self, offset: usize, args: Vec<Arg>, range: Range<usize>) -> Values {
        let values = values_of(&args);
        if !self.in_context() {
            for arg in &args {
                self.note_escape(&arg.value);
            }
            let arity = self.arity(offset);
            let seed = self.flow.seed;
            let summary = self.summary.fns.entry(offset).or_default();
            let mut grew = !summary.called;
            summary.called = true;
            let params = arity.unwrap_or(values.fixed.len()).max(summary.params.len());
            if summary.params.len() < params {
                summary.params.resize(params, Value::bottom());
            }
            // parameters beyond the arguments receive nil
            for (i, param) in summary.params.iter_mut().enumerate() {
                let mut joined = param.join(&values.nth(i));
                joined.fields = None;
                grew |= joined != *param;
                *param = joined;
            }
            if let Some(arity) = arity {
                let mut extra = values.rest.as_deref().cloned().unwrap_or_default();
                for value in values.fixed.iter().skip(arity) {
                    extra = extra.join(value);
                }
                let joined = summary.varargs.join(&extra);
                grew |= joined != summary.varargs;
                summary.varargs = joined;
            }
            if summary.seed | seed != summary.seed {
                summary.seed |= seed;
                grew = true;
            }
            // what a function is called with is read where it is defined only
            self.summary.changed |= grew && self.summary.read.fn_inputs.contains(&offset);
        }
        self.summary.read.fn_returns.insert(offset);
        let wrote = self.walk.wrote.len();
        self.memo_log(|| super::memo::Effect::Read(super::memo::Summary::Returns(offset)));
        if let Some(returns) = self.evaluate(offset, &values) {
            self.forget_written_since(wrote);
            return returns;
        }
        // not evaluated with this call's arguments: it may delete any key, or write any
        // table it reaches
        self.flow.existing.clear();
        self.forget_field_facts(None);
        if self.walk.recording {
            // this call's findings must come from the definition's analysis
            let summary = self.summary.fns.entry(offset).or_default();
            if !summary.fallback {
                summary.fallback = true;
                self.summary.changed = true;
            }
        }
        match self.summary.fns.get(&offset).and_then(|s| s.returns.clone()) {
            Some(returns) => returns,
            None => unknown_result(range),
        }
    }

    /// Evaluates a script function's body with one call's arguments, silently, for
    /// what it returns (and the seed state it leaves). `None` when it cannot be: not
    /// defined yet, recursive, nested too deep, or called where its definition's
    /// scope is gone.
    fn evaluate(&mut self, offset: usize, args: &Values) -> Option<Values> {
        self.memo_log(|| super::memo::Effect::Read(super::memo::Summary::Definition(offset)));
        self.memo_log(|| super::memo::Effect::Checked(offset));
        let depth = self.walk.evaluating.len();
        self.memo_log(|| super::memo::Effect::Depth(depth));
        let definition = *self.summary.definitions.get(&offset)?;
        if self.walk.evaluating.len() >= CONTEXT_DEPTH
            || self.walk.evaluating.contains(&offset)
            || self.summary.context_statements > CONTEXT_BUDGET
        {
            return None;
        }
        let visible = definition.visible;
        let in_scope = self.in_scope(visible, definition.top);
        self.memo_log(|| super::memo::Effect::Visible(visible, definition.top, in_scope));
        if !in_scope {
            return None;
        }
        let arity = self.arity(offset)?;
        let params: Vec<Value> = (0..arity).map(|i| args.nth(i)).collect();
        let varargs = Values {
            fixed: args.fixed.iter().skip(arity).cloned().collect(),
            rest: args.rest.clone(),
        };
        let memo = if self.walk.recording {
            None
        } else {
            self.summary.evaluated.get(&offset)
        };
        if let Some(done) = memo.and_then(|all| {
            all.iter()
                .find(|e| e.has_inputs(self.flow.seed, &self.flow.existing, &params, &varargs))
        }) {
            // what this round evaluated before: an evaluation around this one that is
            // replayed in a later round must find the same there
            if self.walk.memo_open > 0 {
                self.walk
                    .memo_log
                    .push(super::memo::Effect::Hit(offset, std::rc::Rc::new(done.clone())));
            }
            let returns = done.returns.clone();
            if done.exit_seed != 0 {
                self.flow.seed = done.exit_seed;
            }
            if let Some(existing) = &done.exit_existing {
                self.flow.existing.clone_from(existing);
            }
            // which tables that evaluation wrote is not kept
            self.forget_field_facts(None);
            return Some(returns);
        }
        // an evaluation is walked again, or replayed from one with the same inputs (a
        // recorded one records its findings as this call's)
        let key = self.memo_key(&params, &varargs, visible);
        if let Some(key) = &key
            && let Some(returns) = self.replay(offset, key)
        {
            return Some(returns);
        }
        let open = key.map(|key| self.memo_open(key));
        let entry_seed = self.flow.seed;
        let entry_existing = self.flow.existing.clone();
        let saved = (
            self.flow.reachable,
            self.locals.fn_base,
            self.walk.loop_depth,
            self.walk.recording,
            self.walk.probing,
        );
        let saved_breaks = std::mem::take(&mut self.walk.breaks);
        let (mark, journal) = (self.locals.scopes.len(), self.locals.journal.len());
        self.locals.hidden.push(visible..mark);
        self.walk.evaluating.push(offset);
        self.walk.probing = false;
        self.flow.reachable = true;
        self.locals.fn_base = mark;
        self.walk.frames.push(Frame {
            returns: None,
            exit_seed: 0,
            exit_existing: None,
            varargs: varargs.clone(),
            params_end: mark,
        });
        let mut given = params.iter().cloned();
        if definition.method {
            self.declare_named("self".into(), offset, given.next().unwrap_or_else(Value::nil));
        }
        for parameter in definition.body.parameters() {
            if let Parameter::Name(token) = parameter {
                let value = given.next().unwrap_or_else(Value::nil);
                self.declare(token, value);
            }
        }
        if let Some(dots) = super::lua::vararg(definition.body) {
            self.declare_named("arg".into(), super::lua::range(dots).start, Value::of(kind::TABLE));
        }
        // the scope entries declared so far are the parameters
        if let Some(frame) = self.walk.frames.last_mut() {
            frame.params_end = self.locals.scopes.len();
        }
        self.block(definition.body.block());
        if self.flow.reachable && self.walk.recording && self.library.callback_frame == Some(self.walk.frames.len()) {
            // a registered function that ends without `return` replies nil
            let end = super::lua::range(definition.body.end_token()).start;
            self.facts.falls_off_end = Some(end..end);
        }
        let mut frame = self.walk.frames.pop().expect("pushed above");
        if self.flow.reachable {
            frame.returns = Values::join_into(&frame.returns, &Values::default());
            frame.exit_seed |= self.flow.seed;
            super::exists::meet_into(&mut frame.exit_existing, &self.flow.existing);
        }
        // a body that never returns (it always raises) gives its callers nothing
        let returns = frame.returns.unwrap_or_default();
        self.pop_scopes(mark, journal);
        self.locals.hidden.pop();
        self.walk.evaluating.pop();
        (
            self.flow.reachable,
            self.locals.fn_base,
            self.walk.loop_depth,
            self.walk.recording,
            self.walk.probing,
        ) = saved;
        self.walk.breaks = saved_breaks;
        self.flow.seed = if frame.exit_seed != 0 {
            frame.exit_seed
        } else {
            entry_seed
        };
        self.flow.existing = frame.exit_existing.clone().unwrap_or_else(|| entry_existing.clone());
        let evaluated = Evaluated {
            args: params,
            varargs,
            seed: entry_seed,
            existing: entry_existing,
            returns: returns.clone(),
            exit_seed: frame.exit_seed,
            exit_existing: frame.exit_existing,
        };
        self.memo_log(|| super::memo::Effect::Evaluated(offset, std::rc::Rc::new(evaluated.clone())));
        self.summary.evaluated.entry(offset).or_default().push(evaluated);
        if let Some(open) = open {
            self.memo_close(offset, open, &returns);
        }
        Some(returns)
    }

    fn builtin(&mut self, lib: &'static str, name: &'static str, mut args: Vec<Arg>, range: Range<usize>) -> Values {
        let first = args.first().map(|a| a.value.clone()).unwrap_or_else(Value::nil);
        // `table.sort(t, f)`, `string.gsub(s, p, f)`, ...: `f` runs unseen; `table.insert`
        // and friends on `KEYS`/`ARGV` change what `KEYS[i]` names
        if matches!(
            (lib, name),
            ("table", "sort" | "foreach" | "foreachi") | ("string", "gsub") | ("coroutine", _) | ("", "loadstring")
        ) {
            self.flow.existing.clear();
            self.forget_field_facts(None);
        }
        // they change the fields of their first argument
        if matches!(
            (lib, name),
            ("table", "insert" | "remove" | "sort" | "setn") | ("", "rawset")
        ) && let Some(table) = Self::written_table(&first)
        {
            self.forget_field_facts(table);
        }
        if lib == "table"
            && matches!(first.table, Some(Table::Keys | Table::Argv))
            && name != "getn"
            && name != "concat"
        {
            self.stop_tracking();
        }
        if matches!((lib, name), ("", "tonumber") | ("cjson", "decode") | ("string", _))
            && let Some(arg) = args.first()
        {
            self.reply_use(arg.range.clone(), super::ReplyUseKind::Passed(lib, name), &arg.value);
        }
        let one = |value: Value| Values::one(value);
        match (lib, name) {
            ("redis", "call" | "pcall") => {
                for arg in &args {
                    self.note_escape(&arg.value);
                }
                let command = args.first().and_then(|a| a.value.string.as_deref().map(str::to_owned));
                for arg in args.iter().skip(1) {
                    self.converted_use(&arg.value, &arg.range, command.clone());
                }
                let mut reply = self.reply(&args).at(range.clone());
                if self.known_present(&args) {
                    reply.kinds &= !kind::MISSING_FALSE;
                }
                self.after_command(&args, name == "pcall");
                if name == "pcall" {
                    reply.kinds |= kind::ERROR;
                }
                if self.walk.recording {
                    self.facts.calls.push(CommandCall {
                        range: range.clone(),
                        args: args.into(),
                    });
                }
                one(reply)
            }
            // marked with the function, so a call that drops the reply can be told apart
            ("redis", "status_reply") => one(Value {
                func: Some(Func::builtin("redis", "status_reply")),
                ..Value::of(kind::STATUS).marked(Marker::Status)
            }),
            ("redis", "error_reply") => one(Value {
                func: Some(Func::builtin("redis", "error_reply")),
                ..Value::of(kind::ERROR).marked(Marker::Error)
            }),
            ("redis", "register_function") => {
                self.register(&args, range);
                one(Value::nil())
            }
            ("redis", "sha1hex") => one(Value::string(None).at(range)),
            ("redis", "setresp") => {
                if first.number != Some(2.0) {
                    self.walk.resp3 = true;
                }
                one(Value::nil())
            }
            ("redis", "log" | "set_repl" | "debug" | "breakpoint") => one(Value::nil()),
            ("redis", "replicate_commands" | "acl_check_cmd") => one(Value::boolean(None)),
            ("", "tonumber") => {
                let mut value = Value::number(None).at(range);
                value.fraction = first.fraction;
                value.tonumber_of = first.argv_index;
                // `tonumber(false)` and `tonumber(nil)` are nil
                if first.may_be_missing() {
                    value.kinds |= kind::MISSING_NIL;
                    value.reply = first.reply;
                }
                if first.has(kind::NIL) {
                    value.kinds |= kind::NIL;
                }
                one(value)
            }
            // a key stays a key through `tostring`
            ("", "tostring") if first.only(kind::STRINGY) => one(first),
            ("", "tostring" | "type") | ("cjson", "null") => one(Value::string(None).at(range)),
            ("", "error") => one(Value {
                func: Some(Func::builtin("", "error")),
                ..Value::unknown()
            }
            .marked(Marker::Error)),
            ("", "assert") => {
                let mut values = values_of(&args);
                if let Some(first) = values.fixed.first_mut() {
                    *first = first.truthy();
                }
                values
            }
            ("", "unpack") => {
                self.note_escape(&first);
                if matches!(first.table, Some(Table::Reply(_, false))) && args.len() == 1 && self.walk.recording {
                    self.facts.unpacks.push(super::Unpacked {
                        range: range.clone(),
                        value: first.clone(),
                    });
                }
                let elements = self.elements(&first).at(range.clone());
                // `unpack(t)` of a table whose leading fields are known passes them first
                let known = match first.table {
                    Some(Table::Local(id)) if args.len() == 1 && first.only(kind::TABLE) => self.fields(id),
                    _ => None,
                };
                match known {
                    Some(fields) => Values {
                        fixed: fields.iter().map(|f| f.clone().at(range.clone())).collect(),
                        rest: Some(Box::new(elements)),
                    },
                    None => Values::many(elements),
                }
            }
            ("", "ipairs" | "pairs") => {
                self.note_escape(&first);
                let key = if name == "ipairs" {
                    Value::number(None)
                } else {
                    Value::of(kind::NUMBER | kind::STRING)
                };
                let element = self.elements(&first);
                one(Value {
                    iterates: Some(Arc::new((key, element))),
                    ..Value::func(Func::builtin("", "ipairs"))
                }
                .marked(Marker::Iterator))
            }
            ("", "select") => {
                if first.string.as_deref() == Some("#") {
                    one(Value::number(None))
                } else {
                    let mut rest = Value::bottom();
                    for arg in args.iter().skip(1) {
                        rest = rest.join(&arg.value);
                    }
                    Values::many(if rest.kinds == 0 { Value::unknown() } else { rest })
                }
            }
            ("", "setmetatable") => {
                // metamethods run functions where the analysis sees a plain index
                self.stop_tracking();
                self.forget_field_facts(None);
                // `__index` answers for a field that is `nil`
                one(first.without_fields())
            }
            ("", "rawget") => {
                let key = args.get(1).map(|a| a.value.clone()).unwrap_or_else(Value::nil);
                one(self.index(first, key, range))
            }
            ("", "pcall" | "xpcall") => {
                if args.is_empty() {
                    return unknown_result(range);
                }
                let callee = args.remove(0).value;
                if name == "xpcall" {
                    args.clear();
                }
                let results = self.call(callee, args, range.clone());
                // the call may have stopped anywhere (and `xpcall`'s handler ran unseen):
                // what it made sure of may not be so, what it deleted is gone
                self.flow.existing.clear();
                // `true` and the results, or `false` and the error message
                Values {
                    fixed: [
                        Value::boolean(None),
                        results.first().join(&Value::string(None)).at(range),
                    ]
                    .into_iter()
                    .collect(),
                    rest: Some(Box::new(Value::unknown())),
                }
            }
            ("math", "random") => {
                let seed = self.flow.seed;
                if self.walk.recording {
                    self.facts.randoms.push((range.clone(), seed));
                }
                one(if args.is_empty() {
                    Value::fraction()
                } else {
                    Value::number(None)
                })
            }
            ("math", "randomseed") => {
                let constant = first.only(kind::NUMBER) && first.number.is_some();
                self.flow.seed = if constant { seed::CONSTANT } else { seed::SEEDED };
                one(Value::nil())
            }
            ("math", "floor" | "ceil" | "abs" | "max" | "min" | "mod" | "fmod") => one(Value::number(None)),
            ("math", "modf" | "frexp") => Values {
                fixed: [Value::number(None), Value::fraction()].into_iter().collect(),
                rest: None,
            },
            ("math", _) => one(Value::fraction()),
            ("bit", _) | ("string", "len" | "byte") | ("table", "getn" | "maxn") => one(Value::number(None)),
            ("string", "find") => Values::many(Value::of(kind::NUMBER | kind::NIL)),
            ("string", "format") => one(self.format(&args).at(range)),
            ("table", "concat") => one(self.joined(&first).at(range)),
            ("string", _) | ("cmsgpack", "pack") | ("struct", "pack") => one(Value::string(None).at(range)),
            ("table", "insert") => {
                if args.len() > 2 {
                    self.forget_fields(&first, 1);
                }
                if let Some(value) = args.last().map(|a| a.value.clone()) {
                    self.note_escape(&value);
                    if args.len() >= 2 {
                        self.store_into(&first, &value);
                    }
                }
                one(Value::nil())
            }
            ("table", "remove") => {
                self.forget_fields(&first, 1);
                one(self.elements(&first).join(&Value::nil()))
            }
            ("table", "sort") => {
                self.forget_fields(&first, 1);
                one(Value::nil())
            }
            ("table", "foreach" | "foreachi" | "setn") => one(Value::nil()),
            ("cjson", "encode") => one(Value::string(None).marked(Marker::Json).at(range)),
            ("cjson", "decode") => one(Value::table(None).at(range)),
            ("cmsgpack", "unpack") | ("struct", "unpack") => unknown_result(range),
            _ => {
                for arg in &args {
                    self.note_escape(&arg.value);
                }
                unknown_result(range)
            }
        }
    }

    /// What a `redis.call` with these arguments replies, as far as the command's
    /// documentation and the literal options tell; unknown after `redis.setresp(3)`.
    fn reply(&self, args: &[Arg]) -> Value {
        if self.walk.resp3 {
            return Value::unknown();
        }
        let Some(names) = super::command_names(args) else {
            return Value::unknown();
        };
        let spread = args.last().is_some_and(|a| a.spread);
        let sub = args.get(1).and_then(Arg::literal);
        let mut value = Value::bottom();
        for name in names {
            let reply = match commands::resolve(name, sub) {
                Resolved::Known(command) => replies::lookup(command.name),
                _ => None,
            };
            let Some(reply) = reply else {
                return Value::unknown();
            };
            let (shapes, bounded) = if replies::reads_options(reply) {
                read_options(reply, args, spread)
            } else {
                (reply.shapes, reply.bounded)
            };
            value = value.join(&super::value::reply_value(reply, shapes, bounded));
        }
        value
    }

    /// `table.concat(t, sep)` of a table built in the script: what appending the rest to
    /// its first field makes (`table.concat({KEYS[1], 'job', id}, ':')` is a key derived
    /// from `KEYS[1]`), else a new string.
    fn joined(&mut self, table: &Value) -> Value {
        let first = match table.table {
            Some(Table::Local(id)) if table.only(kind::TABLE) => self.fields(id).and_then(|f| f.first()),
            _ => None,
        };
        match first {
            Some(first) => {
                let mut value = super::expr::concat(first);
                if value.has(kind::CONCAT) {
                    value.kinds = (value.kinds & !kind::CONCAT) | kind::STRING;
                }
                value
            }
            None => Value::string(None),
        }
    }

    /// `table.insert(t, 1, v)`, `table.remove(t)`, `table.sort(t)`, `t[k] = v`: the
    /// positional fields of `t` from `from` (1-based; 1: all) may no longer be the ones
    /// it was built with.
    pub(super) fn forget_fields(&mut self, table: &Value, from: usize) {
        if let Some(Table::Local(id)) = table.table {
            let kept = match self.fields(id) {
                Some(fields) if from > 1 => Some(fields.iter().take(from - 1).cloned().collect()),
                _ => None,
            };
            self.set_fields(id, kept);
        }
    }

    /// `string.format(fmt, ...)`: a key when the format starts with `%s` filled by a
    /// key, so the result only appends to it (`'%s:job:%s'`); otherwise a new string.
    fn format(&mut self, args: &[Arg]) -> Value {
        let (Some(format), Some(first)) = (args.first(), args.get(1)) else {
            return Value::string(None);
        };
        let leads = format
            .value
            .literals()
            .is_some_and(|all| all.iter().all(|f| f.starts_with("%s")));
        if !leads {
            return Value::string(None);
        }
        let mut value = super::expr::concat(&first.value);
        if value.has(kind::CONCAT) {
            value.kinds = (value.kinds & !kind::CONCAT) | kind::STRING;
        }
        value
    }
}
