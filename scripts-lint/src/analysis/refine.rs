//! What a condition says about the locals it tests: in `if x then ... end` the body
//! sees `x` without `nil`/`false`, after `if not x then return end` so does the rest
//! of the block, and in `x and f(x)` so does the call.

use full_moon::ast::{BinOp, Call, Expression, FunctionArgs, Index, Prefix, Suffix, UnOp, Var};
use full_moon::tokenizer::{Symbol, TokenType};

use super::value::FieldName;
use super::{Analyzer, Value, lua};

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
                    let test = if slot >= self.locals.fn_base {
                        Test {
                            when_true: vec![(slot, value.truthy())],
                            when_false: vec![(slot, value.falsy())],
                        }
                    } else {
                        Test::default()
                    };
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
