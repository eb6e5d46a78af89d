//! What a condition says about the locals it tests: in `if x then ... end` the body
//! sees `x` without `nil`/`false`, after `if not x then return end` so does the rest
//! of the block, and in `x and f(x)` so does the call.
//!
//! A test of locals against literals (`action == 'create'`, `not force`) answers the
//! same way each time while those locals keep their values. So where an `if` with
//! such a test leaves another local different in its branches, what the local holds
//! under the test and under its negation is remembered ([`Correlated`], a flow fact),
//! and a later test of the same condition narrows the local back, as it narrows the
//! locals it tests: `if action == 'create' then other = KEYS[1] .. 'tmp' end ... if
//! action == 'create' then redis.call('DEL', other) end` deletes the key built from
//! `KEYS[1]`. An assignment to a tested local or to the remembered one forgets it.

use std::sync::Arc;

use full_moon::ast::{BinOp, Call, Expression, FunctionArgs, Index, Prefix, Suffix, UnOp, Var};
use full_moon::tokenizer::{Symbol, TokenType};

use super::value::FieldName;
use super::{Analyzer, Branch, Value, lua};

/// Narrowed values of locals (slot, value), applied in order.
pub(crate) type Narrowing = Vec<(usize, Value)>;

/// What holds when a condition is true, and when it is false.
#[derive(Clone, Debug, Default)]
pub(crate) struct Test {
    pub(crate) when_true: Narrowing,
    pub(crate) when_false: Narrowing,
}

impl Test {
    /// `a and b`: true when both are (b was tested where a held); false when either
    /// is not, which narrows only the locals both narrow.
    pub(crate) fn and(self, right: Test) -> Test {
        Test {
            when_false: either(&self.when_false, &right.when_false),
            when_true: self.when_true.into_iter().chain(right.when_true).collect(),
        }
    }

    /// `a or b`: false when both are (b was tested where a did not hold); true when
    /// either is.
    pub(crate) fn or(self, right: Test) -> Test {
        Test {
            when_true: either(&self.when_true, &right.when_true),
            when_false: self.when_false.into_iter().chain(right.when_false).collect(),
        }
    }

    fn swap(self) -> Test {
        Test {
            when_true: self.when_false,
            when_false: self.when_true,
        }
    }
}

/// What holds when one of two narrowings does: the locals both narrow, joined.
fn either(a: &Narrowing, b: &Narrowing) -> Narrowing {
    let last = |n: &Narrowing, slot: usize| n.iter().rev().find(|(s, _)| *s == slot).map(|(_, v)| v.clone());
    let mut out: Narrowing = Vec::new();
    for (slot, _) in a {
        if out.iter().any(|(s, _)| s == slot) {
            continue;
        }
        if let (Some(x), Some(y)) = (last(a, *slot), last(b, *slot)) {
            out.push((*slot, x.join(&y)));
        }
    }
    out
}

/// Conditions nest at most this deep before the rest is evaluated without narrowing:
/// each level recurses, and operator chains can be arbitrarily long.
const TEST_DEPTH: usize = 32;

/// True for a variable read with no call in it: `x`, `t.field`, `table.unpack`.
pub(super) fn is_plain_var(expression: &Expression) -> bool {
    match expression {
        Expression::Var(Var::Name(_)) => true,
        Expression::Var(Var::Expression(var)) => !var.suffixes().any(|s| matches!(s, Suffix::Call(_))),
        Expression::Parentheses { expression, .. } => is_plain_var(expression),
        _ => false,
    }
}

impl<'a> Analyzer<'a> {
    /// Applies narrowings to the locals (journaled: the branch that applied them undoes
    /// them at its end).
    pub(super) fn narrow(&mut self, narrowing: &Narrowing) {
        for (slot, value) in narrowing {
            // a call in the condition may have written the table since it was tested
            // (`if t.x and reset(t) then`): what its fields held is then forgotten
            let forgotten =
                value.fields.is_some() && self.locals.values.get(*slot).is_some_and(|now| now.fields.is_none());
            if forgotten {
                self.narrow_slot(*slot, value.without_fields());
            } else {
                self.narrow_slot(*slot, value.clone());
            }
        }
    }

    /// Evaluates `expression` as a test whose value is used too (`assert(x)`): its
    /// value, and what it says about locals.
    pub(super) fn test(&mut self, expression: &'a Expression) -> (Value, Test) {
        self.test_at(expression, 0, false)
    }

    /// `condition`: only the truth of `expression` is used (an `if`'s condition, the
    /// operand of `not`), which the fixes of comparisons read.
    pub(super) fn test_at(&mut self, expression: &'a Expression, depth: usize, condition: bool) -> (Value, Test) {
        if depth > TEST_DEPTH {
            return (self.expr(expression), Test::default());
        }
        let (value, test) = self.test_operand(expression, depth, condition);
        // an operand the condition tests itself (not `not x`, which records its own,
        // nor `a and b`, whose operands do)
        if self.walk.condition
            && !matches!(
                expression,
                Expression::Parentheses { .. } | Expression::UnaryOperator { .. } | Expression::BinaryOperator { .. }
            )
        {
            self.reply_use(lua::expr_range(expression), super::ReplyUseKind::Truth, &value);
        }
        (value, test)
    }

    fn test_operand(&mut self, expression: &'a Expression, depth: usize, condition: bool) -> (Value, Test) {
        match expression {
            Expression::Parentheses { expression, .. } => self.test_at(expression, depth + 1, condition),
            Expression::UnaryOperator {
                unop: UnOp::Not(_),
                expression,
            } => {
                let (value, test) = self.test_at(expression, depth + 1, true);
                if !self.walk.condition {
                    self.reply_use(lua::expr_range(expression), super::ReplyUseKind::Truth, &value);
                }
                (Value::boolean(None), test.swap())
            }
            Expression::Var(Var::Name(token)) => match self.resolve(lua::token_text(token)) {
                Some(slot) => {
                    let value = self.read_slot(slot);
                    self.outline_read(lua::range(token), slot, &value);
                    let mut test = if slot >= self.locals.fn_base {
                        Test {
                            when_true: vec![(slot, value.truthy())],
                            when_false: vec![(slot, value.falsy())],
                        }
                    } else {
                        Test::default()
                    };
                    self.correlations(expression, &mut test);
                    (value, test)
                }
                None => (self.read_name(token), Test::default()),
            },
            Expression::BinaryOperator { .. } => self.binary_chain(expression, depth, condition),
            // `t.x` of a local whose field is known: narrowed like a local
            _ if let Some((slot, name)) = self.local_field(expression) => {
                let value = self.expr(expression);
                let table = self.locals.values[slot].clone();
                let test = match table.field(&name) {
                    Some(field) => Test {
                        when_true: vec![(slot, table.with_field(name.clone(), &field.truthy()))],
                        when_false: vec![(slot, table.with_field(name, &field.falsy()))],
                    },
                    None => Test::default(),
                };
                (value, test)
            }
            _ if is_plain_var(expression) => {
                // a missing library member read as a test is `nil`: feature detection
                let probing = std::mem::replace(&mut self.walk.probing, true);
                let value = self.expr(expression);
                self.walk.probing = probing;
                (value, Test::default())
            }
            _ => (self.expr(expression), Test::default()),
        }
    }

    /// Evaluates `rhs` where `narrowing` holds, then undoes it.
    pub(super) fn test_where(
        &mut self,
        narrowing: &Narrowing,
        rhs: &'a Expression,
        depth: usize,
        condition: bool,
    ) -> (Value, Test) {
        // `rhs` may not run: keys it made sure of are not sure after, keys it deleted are gone
        let before = self.flow.existing.clone();
        if narrowing.is_empty() {
            let result = self.test_at(rhs, depth + 1, condition);
            let after = std::mem::replace(&mut self.flow.existing, before);
            self.flow.existing.intersect(&after);
            return result;
        }
        let fork = self.fork();
        self.narrow(narrowing);
        let result = self.test_at(rhs, depth + 1, condition);
        let branch = self.end_branch(&fork);
        self.locals.forks -= 1;
        self.flow.existing.intersect(&branch.flow.existing);
        result
    }

    /// What `x == nil`, `x ~= nil` and `type(x) == 'string'` say about the local `x`.
    pub(super) fn nil_comparison(
        &mut self,
        binop: &BinOp,
        lhs: &'a Expression,
        rhs: &'a Expression,
        left: &Value,
    ) -> Test {
        if let Some(test) = self.type_comparison(binop, lhs, rhs) {
            return test;
        }
        let symbol = |e: &Expression| match e {
            Expression::Symbol(token) => match token.token_type() {
                TokenType::Symbol { symbol: Symbol::Nil } => Some(false),
                TokenType::Symbol { symbol: Symbol::False } => Some(true),
                _ => None,
            },
            _ => None,
        };
        let Some(is_false) = symbol(rhs) else {
            return Test::default();
        };
        // `x == nil`, or `t.x == nil` of a local whose field is known
        let (slot, field) = match lhs {
            Expression::Var(Var::Name(token)) => {
                let Some(slot) = self
                    .resolve(lua::token_text(token))
                    .filter(|slot| *slot >= self.locals.fn_base)
                else {
                    return Test::default();
                };
                (slot, None)
            }
            _ => match self.local_field(lhs) {
                Some((slot, name)) if self.locals.values[slot].field(&name).is_some() => (slot, Some(name)),
                _ => return Test::default(),
            },
        };
        let (when_true, when_false) = if is_false {
            // `x == false`: a null reply, or a boolean false
            (left.only_false(), left.not_false())
        } else {
            (Value::nil(), left.not_nil())
        };
        let held = |value: Value| match &field {
            Some(name) => self.locals.values[slot].with_field(name.clone(), &value),
            None => value,
        };
        let equal = Test {
            when_true: vec![(slot, held(when_true))],
            when_false: vec![(slot, held(when_false))],
        };
        match binop {
            BinOp::TwoEqual(_) => equal,
            BinOp::TildeEqual(_) => equal.swap(),
            _ => Test::default(),
        }
    }

    /// `t.x`, `t['x']` or `t[2]` of a local `t` of this function: its slot and the field.
    fn local_field(&self, expression: &Expression) -> Option<(usize, FieldName)> {
        let Expression::Var(Var::Expression(var)) = expression else {
            return None;
        };
        let Prefix::Name(token) = var.prefix() else {
            return None;
        };
        let mut suffixes = var.suffixes();
        let (Some(Suffix::Index(index)), None) = (suffixes.next(), suffixes.next()) else {
            return None;
        };
        let name = match index {
            Index::Dot { name, .. } => FieldName::Name(lua::token_text(name).into()),
            Index::Brackets { expression, .. } => match &**expression {
                Expression::String(token) => FieldName::Name(lua::string_value(token)?.into()),
                Expression::Number(token) => FieldName::of(&Value::number(lua::token_text(token).parse().ok()))?,
                _ => return None,
            },
            _ => return None,
        };
        let slot = self
            .resolve(lua::token_text(token))
            .filter(|slot| *slot >= self.locals.fn_base)?;
        Some((slot, name))
    }

    /// `type(x) == 'table'` (or `~=`): `x` is of that type where it holds.
    fn type_comparison(&mut self, binop: &BinOp, lhs: &'a Expression, rhs: &'a Expression) -> Option<Test> {
        let Expression::FunctionCall(call) = lhs else {
            return None;
        };
        let Prefix::Name(callee) = call.prefix() else {
            return None;
        };
        if lua::token_text(callee) != "type" || self.resolve("type").is_some() {
            return None;
        }
        let mut suffixes = call.suffixes();
        let (Some(Suffix::Call(Call::AnonymousCall(args))), None) = (suffixes.next(), suffixes.next()) else {
            return None;
        };
        let FunctionArgs::Parentheses { arguments, .. } = &**args else {
            return None;
        };
        let Some(Expression::Var(Var::Name(token))) = arguments.iter().next().filter(|_| arguments.len() == 1) else {
            return None;
        };
        let Expression::String(name) = rhs else { return None };
        let name = lua::string_value(name)?;
        let slot = self
            .resolve(lua::token_text(token))
            .filter(|slot| *slot >= self.locals.fn_base)?;
        let value = self.locals.values.get(slot)?.clone();
        let equal = Test {
            when_true: vec![(slot, value.of_type(&name))],
            when_false: vec![(slot, value.not_of_type(&name))],
        };
        match binop {
            BinOp::TwoEqual(_) => Some(equal),
            BinOp::TildeEqual(_) => Some(equal.swap()),
            _ => None,
        }
    }
}

/// A test of locals against literals, which answers the same way each time while the
/// locals keep their values (no call, no metamethod: `==` with a literal never calls
/// `__eq`). In negation normal form, so `x ~= 'a'` and `not (x == 'a')` are one test.
#[derive(Clone, Debug, PartialEq)]
pub(crate) enum Cond {
    /// The local in `slot` is truthy, or equal to the literal written as `literal`
    /// (its source text: two spellings of one value are two tests, never one test
    /// mistaken for another); `holds: false` for the negation.
    Is {
        slot: usize,
        literal: Option<Arc<str>>,
        holds: bool,
    },
    /// `and` of the tests.
    All(Vec<Cond>),
    /// `or` of the tests.
    Any(Vec<Cond>),
}

impl Cond {
    /// The test that holds exactly when this one does not.
    fn negated(&self) -> Cond {
        match self {
            Cond::Is { slot, literal, holds } => Cond::Is {
                slot: *slot,
                literal: literal.clone(),
                holds: !holds,
            },
            Cond::All(all) => Cond::Any(all.iter().map(Cond::negated).collect()),
            Cond::Any(any) => Cond::All(any.iter().map(Cond::negated).collect()),
        }
    }

    /// Every local it tests.
    fn slots(&self, out: &mut Vec<usize>) {
        match self {
            Cond::Is { slot, .. } => out.push(*slot),
            Cond::All(parts) | Cond::Any(parts) => parts.iter().for_each(|p| p.slots(out)),
        }
    }

    /// The last local it tests.
    fn last_slot(&self) -> usize {
        match self {
            Cond::Is { slot, .. } => *slot,
            Cond::All(parts) | Cond::Any(parts) => parts.iter().map(Cond::last_slot).max().unwrap_or(0),
        }
    }

    fn tests(&self, slot: usize) -> bool {
        match self {
            Cond::Is { slot: s, .. } => *s == slot,
            Cond::All(parts) | Cond::Any(parts) => parts.iter().any(|p| p.tests(slot)),
        }
    }

    /// `self` joined by `and` (`all`) or `or` with `other`, flattened.
    fn combine(self, other: Cond, all: bool) -> Cond {
        let mut parts = Vec::new();
        for part in [self, other] {
            match part {
                Cond::All(inner) if all => parts.extend(inner),
                Cond::Any(inner) if !all => parts.extend(inner),
                part => parts.push(part),
            }
        }
        if all { Cond::All(parts) } else { Cond::Any(parts) }
    }
}

/// Locals an `if` left different in its branches, with what each holds where its
/// test holds and where it does not: remembered while the test would answer the same
/// and the locals keep their values.
#[derive(Clone, Debug, PartialEq)]
pub(crate) struct Correlated {
    pub(crate) test: Arc<Cond>,
    /// `(slot, value where the test holds, value where it does not)`.
    pub(crate) values: Vec<(usize, Value, Value)>,
}

impl Correlated {
    /// The last local it mentions.
    fn last_slot(&self) -> usize {
        let values = self.values.iter().map(|v| v.0).max().unwrap_or(0);
        self.test.last_slot().max(values)
    }
}

/// At most this many tests are remembered at one point; the oldest are forgotten.
const MAX_CORRELATED: usize = 16;

/// The tests remembered at one point of the walk, shared between the flows forked from
/// it until one changes them (forks are many, changes few): nothing is allocated
/// while there are none.
#[derive(Clone, Debug, Default)]
pub(crate) struct Correlations {
    all: Option<Arc<Vec<Correlated>>>,
    /// The last local any of them mentions: leaving a scope above it changes nothing.
    last: usize,
}

impl PartialEq for Correlations {
    fn eq(&self, other: &Correlations) -> bool {
        self.all == other.all
    }
}

impl Correlations {
    pub(crate) fn is_empty(&self) -> bool {
        self.all.is_none()
    }

    fn new(all: Vec<Correlated>) -> Correlations {
        let last = all.iter().map(Correlated::last_slot).max().unwrap_or(0);
        Correlations {
            all: (!all.is_empty()).then(|| Arc::new(all)),
            last,
        }
    }

    fn iter(&self) -> std::slice::Iter<'_, Correlated> {
        self.all.as_deref().map_or([].iter(), |all| all.iter())
    }

    fn same(&self, other: &Correlations) -> bool {
        match (&self.all, &other.all) {
            (None, None) => true,
            (Some(a), Some(b)) => Arc::ptr_eq(a, b),
            _ => false,
        }
    }

    /// Keeps what `keep` keeps (and may change), copying only when something changes.
    fn retain(&mut self, changes: impl Fn(&Correlated) -> bool, mut keep: impl FnMut(&mut Correlated) -> bool) {
        let Some(all) = &mut self.all else { return };
        if !all.iter().any(changes) {
            return;
        }
        let all = Arc::make_mut(all);
        all.retain_mut(|c| keep(c));
        self.last = all.iter().map(Correlated::last_slot).max().unwrap_or(0);
        if all.is_empty() {
            self.all = None;
        }
    }

    /// What every one of the flows keeps: the tests all of them remember, with the
    /// locals they agree on.
    pub(super) fn meet<'b>(mut flows: impl Iterator<Item = &'b Correlations> + Clone) -> Correlations {
        let Some(first) = flows.next() else {
            return Correlations::default();
        };
        if flows.clone().all(|other| other.same(first)) {
            return first.clone();
        }
        if first.is_empty() || flows.clone().any(Correlations::is_empty) {
            return Correlations::default();
        }
        let mut kept = Vec::new();
        for correlated in first.iter() {
            let mut values = correlated.values.clone();
            for other in flows.clone() {
                match other.iter().find(|o| o.test == correlated.test) {
                    Some(other) => values.retain(|v| other.values.contains(v)),
                    None => values.clear(),
                }
            }
            if !values.is_empty() {
                kept.push(Correlated {
                    test: correlated.test.clone(),
                    values,
                });
            }
        }
        Correlations::new(kept)
    }

    /// True when `end` still remembers everything `self` did (a loop's pass keeps
    /// what held at its entry).
    pub(super) fn kept_in(&self, end: &Correlations) -> bool {
        self.same(end)
            || self.iter().all(|s| {
                end.iter()
                    .find(|e| e.test == s.test)
                    .is_some_and(|e| s.values.iter().all(|v| e.values.contains(v)))
            })
    }

    /// Forgets what the local in `slot` was tested for and holds: it was assigned.
    pub(super) fn forget(&mut self, slot: usize) {
        self.retain(
            |c| c.test.tests(slot) || c.values.iter().any(|v| v.0 == slot),
            |c| {
                if c.test.tests(slot) {
                    return false;
                }
                c.values.retain(|v| v.0 != slot);
                !c.values.is_empty()
            },
        );
    }

    /// Forgets the locals from `len` on: they left scope.
    pub(super) fn forget_from(&mut self, len: usize) {
        if self.last < len {
            return;
        }
        let outlives = |c: &Correlated| c.test.last_slot() < len;
        self.retain(
            |c| !outlives(c) || c.values.iter().any(|v| v.0 >= len),
            |c| {
                if !outlives(c) {
                    return false;
                }
                c.values.retain(|v| v.0 < len);
                !c.values.is_empty()
            },
        );
    }

    /// Adds what an `if` correlated; a test remembered already takes the new values.
    fn remember(&mut self, correlated: Vec<Correlated>) {
        let last = correlated.iter().map(Correlated::last_slot).max().unwrap_or(0);
        self.last = self.last.max(last);
        let all = Arc::make_mut(self.all.get_or_insert_with(Default::default));
        for new in correlated {
            match all.iter_mut().find(|c| c.test == new.test) {
                Some(old) => {
                    for value in new.values {
                        old.values.retain(|v| v.0 != value.0);
                        old.values.push(value);
                    }
                }
                None => {
                    if all.len() >= MAX_CORRELATED {
                        all.remove(0);
                    }
                    all.push(new);
                }
            }
        }
    }
}

impl<'a> Analyzer<'a> {
    /// The test `expression` makes, when it is a test of locals of this function
    /// against literals.
    fn cond(&self, expression: &Expression, depth: usize) -> Option<Cond> {
        if depth > TEST_DEPTH {
            return None;
        }
        match expression {
            Expression::Parentheses { expression, .. } => self.cond(expression, depth + 1),
            Expression::UnaryOperator {
                unop: UnOp::Not(_),
                expression,
            } => Some(self.cond(expression, depth + 1)?.negated()),
            Expression::Var(Var::Name(token)) => Some(Cond::Is {
                slot: self.tested_local(token)?,
                literal: None,
                holds: true,
            }),
            Expression::BinaryOperator { lhs, binop, rhs } => match binop {
                BinOp::And(_) | BinOp::Or(_) => {
                    let left = self.cond(lhs, depth + 1)?;
                    let right = self.cond(rhs, depth + 1)?;
                    Some(left.combine(right, matches!(binop, BinOp::And(_))))
                }
                BinOp::TwoEqual(_) | BinOp::TildeEqual(_) => {
                    let (name, literal) = match (&**lhs, &**rhs) {
                        (Expression::Var(Var::Name(name)), other) | (other, Expression::Var(Var::Name(name))) => {
                            (name, literal(other)?)
                        }
                        _ => return None,
                    };
                    Some(Cond::Is {
                        slot: self.tested_local(name)?,
                        literal: Some(literal),
                        holds: matches!(binop, BinOp::TwoEqual(_)),
                    })
                }
                _ => None,
            },
            _ => None,
        }
    }

    /// The slot of the local `token` names, when a test of it can be remembered: a
    /// local of this function (an upvalue reads whatever was ever assigned).
    fn tested_local(&self, token: &full_moon::tokenizer::TokenReference) -> Option<usize> {
        let slot = self.resolve(lua::token_text(token))?;
        (slot >= self.locals.fn_base).then_some(slot)
    }

    /// True when no function assigns the local in `slot` as an upvalue (as far as the
    /// round knows: one that learns otherwise later is run again).
    fn unshared(&mut self, slot: usize) -> bool {
        let decl = self.locals.scopes[slot].1;
        !self.closure_written(decl)
    }

    /// Adds to `test` what the remembered correlations say where `expression` holds
    /// and where it does not.
    pub(super) fn correlations(&mut self, expression: &Expression, test: &mut Test) {
        if self.flow.correlated.is_empty() {
            return;
        }
        let Some(cond) = self.cond(expression, 0) else {
            return;
        };
        let negated = cond.negated();
        for correlated in self.flow.correlated.iter() {
            let swap = if *correlated.test == cond {
                false
            } else if *correlated.test == negated {
                true
            } else {
                continue;
            };
            for (slot, when_true, when_false) in &correlated.values {
                let (yes, no) = if swap {
                    (when_false, when_true)
                } else {
                    (when_true, when_false)
                };
                test.when_true.push((*slot, yes.clone()));
                test.when_false.push((*slot, no.clone()));
            }
        }
    }

    /// After an `if`'s branches (`branches`: the `if`'s, each `elseif`'s, then the
    /// `else` or the path that skips them all; the locals as at the fork), before they
    /// merge: what each of its conditions that is a test of locals against literals
    /// says about the locals the branches assigned and left different. The `i`-th test holds where
    /// one of the first `i` branches ran (the first whose test held), and fails where
    /// any branch but the `i`-th ran. A test of a local some live branch assigned
    /// (after `assignments`) says nothing.
    pub(super) fn correlate(
        &mut self,
        if_stmt: &full_moon::ast::If,
        assignments: u64,
        branches: &[Branch],
    ) -> Vec<Correlated> {
        let mut out = Vec::new();
        let base = self.locals.fn_base;
        let written = &self.locals.written;
        // a local some branch assigned (not one only narrowed, as a guard's test does)
        let assigned = |slot: usize| slot >= base && written.get(slot).is_some_and(|n| *n > assignments);
        let live = || branches.iter().filter(|b| b.flow.reachable);
        if !live().any(|b| b.changes.iter().any(|c| assigned(c.0))) {
            return out;
        }
        let mut slots: Vec<usize> = live()
            .flat_map(|b| b.changes.iter().map(|c| c.0))
            .filter(|slot| assigned(*slot))
            .collect();
        slots.sort_unstable();
        slots.dedup();
        // only the locals some branches leave different
        slots.retain(|&slot| {
            let before = &self.locals.values[slot];
            let mut held = live().map(|b| held_at_end(b, slot, before));
            let first = held.next();
            held.any(|v| Some(v) != first)
        });
        if slots.is_empty() {
            return out;
        }
        let conditions =
            std::iter::once(if_stmt.condition()).chain(if_stmt.else_if().into_iter().flatten().map(|e| e.condition()));
        let mut tested = Vec::new();
        for (i, condition) in conditions.enumerate() {
            let Some(cond) = self.cond(condition, 0) else { continue };
            tested.clear();
            cond.slots(&mut tested);
            if tested
                .iter()
                .any(|slot| self.locals.written[*slot] > assignments || !self.unshared(*slot))
            {
                continue;
            }
            let mut values = Vec::new();
            for &slot in &slots {
                if cond.tests(slot) {
                    continue;
                }
                let before = &self.locals.values[slot];
                let (mut yes, mut no) = (Value::bottom(), Value::bottom());
                let (mut yes_live, mut no_live) = (false, false);
                for (j, branch) in branches.iter().enumerate().filter(|(_, b)| b.flow.reachable) {
                    let held = held_at_end(branch, slot, before);
                    if j <= i {
                        yes = yes.join(held);
                        yes_live = true;
                    }
                    if j != i {
                        no = no.join(held);
                        no_live = true;
                    }
                }
                // without field facts: a later write to a field of the table goes through
                // the local, not through what is remembered here
                let (yes, no) = (yes.without_fields(), no.without_fields());
                if yes_live && no_live && yes != no {
                    values.push((slot, yes, no));
                }
            }
            values.retain(|v| self.unshared(v.0));
            if !values.is_empty() {
                out.push(Correlated {
                    test: Arc::new(cond),
                    values,
                });
            }
        }
        out
    }

    /// Remembers what an `if` correlated (after its branches merged).
    pub(super) fn remember_correlated(&mut self, correlated: Vec<Correlated>) {
        if !correlated.is_empty() && self.flow.reachable {
            self.flow.correlated.remember(correlated);
        }
    }
}

/// What the local in `slot` holds at the end of `branch`, which started with `before`.
fn held_at_end<'b>(branch: &'b Branch, slot: usize, before: &'b Value) -> &'b Value {
    branch.changes.iter().find(|c| c.0 == slot).map_or(before, |c| &c.1)
}

/// The source text of a literal string, number, `nil`, `true` or `false`.
fn literal(expression: &Expression) -> Option<Arc<str>> {
    let token = match expression {
        Expression::String(token) | Expression::Number(token) => token,
        Expression::Symbol(token)
            if matches!(
                token.token_type(),
                TokenType::Symbol {
                    symbol: Symbol::Nil | Symbol::True | Symbol::False
                }
            ) =>
        {
            token
        }
        _ => return None,
    };
    Some(token.token().to_string().into())
}
