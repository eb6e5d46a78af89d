//! Expressions: literals, operators, tables, indexing and call chains.

use std::ops::Range;
use std::sync::Arc;

use full_moon::ast::{
    BinOp, Call, Expression, Field, FunctionArgs, Index, Prefix, Suffix, TableConstructor, UnOp, Var,
};
use full_moon::tokenizer::{Symbol, TokenType};

use super::refine::Test;
use super::value::{ANY_KEY, FieldName, key_bit, keys_from, set_field};
use super::{
    Analyzer, Arg, ConvertedUse, Func, Marker, NumericOp, NumericUse, Operand, ReplyUse, ReplyUseKind, Table,
    Undefined, Value, Values, kind, lua, static_member,
};
use crate::annotation::FieldKey;
use crate::redis::globals::{self, Kind};

impl<'a> Analyzer<'a> {
    /// Evaluates a list where the last expression may expand to several values; its
    /// values become one argument each, and a trailing `spread` argument stands for
    /// any number more.
    pub(super) fn expr_list(&mut self, expressions: impl Iterator<Item = &'a Expression>) -> Vec<Arg> {
        let expressions: Vec<&Expression> = expressions.collect();
        let count = expressions.len();
        let mut out = Vec::with_capacity(count);
        for (i, expression) in expressions.into_iter().enumerate() {
            let range = lua::expr_range(expression);
            if i + 1 == count && lua::may_expand(expression) {
                let values = self.expr_values(expression);
                for value in values.fixed {
                    out.push(Arg {
                        range: range.clone(),
                        value,
                        spread: false,
                    });
                }
                if let Some(rest) = values.rest {
                    out.push(Arg {
                        range,
                        value: *rest,
                        spread: true,
                    });
                }
            } else {
                let value = self.expr(expression);
                out.push(Arg {
                    range,
                    value,
                    spread: false,
                });
            }
        }
        out
    }

    /// Every value of an expression that may produce several (a call, `...`).
    pub(super) fn expr_values(&mut self, expression: &'a Expression) -> Values {
        match expression {
            Expression::FunctionCall(call) => {
                self.chain(call.prefix(), call.suffixes().collect(), lua::expr_range(expression))
            }
            Expression::Var(Var::Expression(var)) => {
                self.chain(var.prefix(), var.suffixes().collect(), lua::expr_range(expression))
            }
            Expression::Symbol(token)
                if matches!(
                    token.token_type(),
                    TokenType::Symbol {
                        symbol: Symbol::Ellipsis
                    }
                ) =>
            {
                match self.walk.frames.last() {
                    Some(frame) => frame.varargs.clone(),
                    None => Values::many(Value::unknown()),
                }
            }
            other => Values::one(self.expr(other)),
        }
    }

    pub(super) fn expr(&mut self, expression: &'a Expression) -> Value {
        // inside a condition, a sub-expression is a value, not a test (`if f(x or 0) then`)
        if self.walk.condition {
            self.walk.condition = false;
            let value = self.value_of(expression);
            self.walk.condition = true;
            return value;
        }
        self.value_of(expression)
    }

    fn value_of(&mut self, expression: &'a Expression) -> Value {
        if let Expression::BinaryOperator { .. } = expression {
            return self.binary_chain(expression, 0, false).0;
        }
        let range = lua::expr_range(expression);
        match expression {
            Expression::Number(_) => {
                // the script's own text: full_moon was shown `0x1p4` as `0x104`
                let text = lua::source(self.source, range.clone());
                let number = lua::parse_number(text);
                if self.walk.recording
                    && let Some(n) = number
                {
                    self.facts.numbers.push((range.clone(), n, text.into()));
                }
                Value::number(number).at(range)
            }
            Expression::String(token) => Value::string(lua::string_value(token).map(Arc::from)).at(range),
            Expression::Symbol(token) => match token.token_type() {
                TokenType::Symbol { symbol: Symbol::Nil } => Value::nil().at(range),
                TokenType::Symbol { symbol: Symbol::True } => Value::boolean(Some(true)),
                TokenType::Symbol { symbol: Symbol::False } => Value::boolean(Some(false)),
                TokenType::Symbol {
                    symbol: Symbol::Ellipsis,
                } => self.expr_values(expression).into_first(),
                _ => Value::unknown().at(range),
            },
            Expression::Parentheses { expression, .. } => self.expr(expression),
            Expression::UnaryOperator { unop, expression } => {
                let (operand, several) = self.operand(expression);
                match unop {
                    UnOp::Minus(_) => {
                        let number = operand.number.map(|n| -n);
                        self.reply_use(lua::expr_range(expression), ReplyUseKind::Negation, &operand);
                        if operand.has(NUMERIC_WATCH) {
                            let side = Side {
                                value: operand,
                                range: lua::expr_range(expression),
                                several,
                            };
                            self.numeric_use(&side, NumericOp::Negation);
                        }
                        Value::number(number).at(range)
                    }
                    UnOp::Not(_) => {
                        self.reply_use(lua::expr_range(expression), ReplyUseKind::Truth, &operand);
                        Value::boolean(None)
                    }
                    _ => {
                        self.reply_use(lua::expr_range(expression), ReplyUseKind::Length, &operand);
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
            Expression::FunctionCall(_) => self.expr_values(expression).into_first(),
            Expression::TableConstructor(table) => self.table_constructor(table),
            Expression::Var(Var::Name(token)) => self.read_name(token),
            Expression::Var(Var::Expression(_)) => self.expr_values(expression).into_first(),
            _ => Value::unknown().at(range),
        }
    }

    /// A binary expression, with the operators chained on its left evaluated in a loop:
    /// `a + b + c` is `(a + b) + c`, nested one level per operator on the left, and Lua
    /// takes such chains at any length (only right nesting counts toward its 200
    /// levels). Recursing down them overflowed the stack past 2,500 terms in a debug
    /// build, and taking each level's range from full_moon, which walks down to the
    /// leftmost operand every time, made them quadratic.
    ///
    /// `and`/`or` evaluate their right side where the left one narrowed the locals it
    /// tests (`x and f(x)`), and the chain returns what it says about locals as a test.
    ///
    /// `condition`: only the chain's truth is used (see [`super::Comparison::condition`]);
    /// so it is for the operands of its `and`/`or`, which are its loosest operators.
    pub(super) fn binary_chain(&mut self, expression: &'a Expression, depth: usize, condition: bool) -> (Value, Test) {
        let mut spine = Vec::new();
        let mut leftmost = expression;
        while let Expression::BinaryOperator { lhs, binop, rhs } = leftmost {
            // with the expression each operator ends: what a remembered test may be
            spine.push((binop, &**rhs, leftmost));
            leftmost = lhs;
        }
        spine.reverse();
        let logical = |op: &BinOp| matches!(op, BinOp::And(_) | BinOp::Or(_));
        let mut lrange = lua::expr_range(leftmost);
        let start = lrange.start;
        let (mut left, mut test, mut several) = if spine.iter().any(|(op, ..)| logical(op)) {
            // in `x == 1 or y` the condition tests `x == 1`, not `x`
            let outer = self.walk.condition;
            self.walk.condition &= logical(spine[0].0);
            let (value, test) = self.test_at(leftmost, depth + 1, condition && logical(spine[0].0));
            self.walk.condition = outer;
            // where the value is used, not only its truth (`x and a or b`), the truth
            // of the left operand decides which side `and` gives (`not x` records its
            // own test, a parenthesised one is left alone)
            if !outer
                && matches!(spine[0].0, BinOp::And(_))
                && !matches!(
                    leftmost,
                    Expression::Parentheses { .. }
                        | Expression::UnaryOperator { .. }
                        | Expression::BinaryOperator { .. }
                )
            {
                self.reply_use(lrange.clone(), ReplyUseKind::And, &value);
            }
            (value, test, lua::may_expand(leftmost))
        } else {
            let (value, several) = self.operand(leftmost);
            (value, Test::default(), several)
        };
        for (i, &(binop, rhs, node)) in spine.iter().enumerate() {
            let rrange = lua::expr_range(rhs);
            let range = start..rrange.end.max(start);
            match binop {
                BinOp::And(_) => {
                    let (right, right_test) = self.test_where(&test.when_true, rhs, depth, condition);
                    left = right.join(&left.falsy());
                    test = test.and(right_test);
                }
                BinOp::Or(_) => {
                    let (right, right_test) = self.test_where(&test.when_false, rhs, depth, condition);
                    left = left.truthy().join(&right);
                    test = test.or(right_test);
                }
                _ => {
                    let (right, right_several) = self.operand(rhs);
                    test = if i == 0 {
                        self.nil_comparison(binop, leftmost, rhs, &left)
                    } else {
                        Test::default()
                    };
                    if self.walk.recording
                        && is_comparison(binop)
                        && (compared(&left, &right) || !self.walk.frames.is_empty())
                    {
                        let used_as_condition = condition && spine.get(i + 1).is_none_or(|(op, ..)| logical(op));
                        self.facts.comparisons.push(super::Comparison {
                            range: range.clone(),
                            op: comparison_op(binop),
                            left: Operand {
                                range: lrange.clone(),
                                value: Arc::new(left.clone()),
                                primary: i == 0 && primary(leftmost),
                            },
                            right: Operand {
                                range: rrange.clone(),
                                value: Arc::new(right.clone()),
                                primary: primary(rhs),
                            },
                            condition: used_as_condition,
                        });
                    }
                    let sides = [
                        Side {
                            value: left,
                            range: lrange,
                            several,
                        },
                        Side {
                            value: right,
                            range: rrange,
                            several: right_several,
                        },
                    ];
                    left = self.binary(sides, binop, range.clone());
                }
            }
            if matches!(
                binop,
                BinOp::And(_) | BinOp::Or(_) | BinOp::TwoEqual(_) | BinOp::TildeEqual(_)
            ) {
                self.correlations(node, &mut test);
            }
            several = false;
            lrange = range;
        }
        (left, test)
    }

    /// Evaluates an operand of an operator, which takes its first value only: the
    /// value, and whether the expression may give more than one (a call of a function
    /// the analysis does not know, `...`), which `tonumber(...)` around it would take too.
    pub(super) fn operand(&mut self, expression: &'a Expression) -> (Value, bool) {
        if !lua::may_expand(expression) {
            return (self.expr(expression), false);
        }
        let values = self.expr_values(expression);
        let several = values.rest.is_some() || values.fixed.len() > 1;
        (values.into_first(), several)
    }

    fn binary(&mut self, [left, right]: [Side; 2], binop: &BinOp, range: Range<usize>) -> Value {
        let op = match binop {
            BinOp::Plus(_) => Some("+"),
            BinOp::Minus(_) => Some("-"),
            BinOp::Star(_) => Some("*"),
            BinOp::Slash(_) => Some("/"),
            BinOp::Percent(_) => Some("%"),
            BinOp::Caret(_) => Some("^"),
            _ => None,
        };
        if let Some(op) = op {
            for side in [&left, &right] {
                if side.value.has(NUMERIC_WATCH) {
                    self.numeric_use(side, NumericOp::Arithmetic(op));
                }
                self.reply_use(side.range.clone(), ReplyUseKind::Arithmetic(op), &side.value);
            }
            let (left, right) = (left.value, right.value);
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
            if let Some(origin) = left.origin().filter(|_| left.tonumber_of.is_some()) {
                result.set_origin(origin);
            } else if let Some(origin) = right.origin().filter(|_| right.tonumber_of.is_some()) {
                result.set_origin(origin);
            }
            return result;
        }
        match binop {
            BinOp::TwoDots(_) => {
                for side in [&left, &right] {
                    if side.value.may_be_missing() {
                        self.numeric_use(side, NumericOp::Concat);
                    }
                    self.reply_use(side.range.clone(), ReplyUseKind::Concat, &side.value);
                }
                let mut joined = concat(&left.value).at(range);
                joined.id = super::exists::joined(&left.value, &right.value).and_then(std::num::NonZeroU64::new);
                joined
            }
            BinOp::LessThan(_) | BinOp::GreaterThan(_) | BinOp::LessThanEqual(_) | BinOp::GreaterThanEqual(_) => {
                let op = match binop {
                    BinOp::LessThan(_) => "<",
                    BinOp::GreaterThan(_) => ">",
                    BinOp::LessThanEqual(_) => "<=",
                    _ => ">=",
                };
                let both = left.value.has(kind::ARGV) && right.value.has(kind::ARGV);
                for side in [&left, &right] {
                    self.reply_use(side.range.clone(), ReplyUseKind::Ordering(op), &side.value);
                }
                for (side, other) in [(&left, &right.value), (&right, &left.value)] {
                    // against a string made in the script the comparison is meant to
                    // be alphabetical (`ARGV[1] < 'm'`); a missing value raises anyway
                    let alphabetical = other.only(kind::STRING) && !side.value.may_be_missing();
                    if side.value.has(NUMERIC_WATCH) && !alphabetical {
                        self.compared_use(side, NumericOp::Ordering(op, both), other.kinds);
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
                for (side, other) in [(&left, &right.value), (&right, &left.value)] {
                    if side.value.has(kind::ARGV | kind::REPLY) && other.only(kind::NUMBER) {
                        self.numeric_use(side, NumericOp::Equality(op));
                    }
                }
                Value::boolean(None)
            }
            _ => Value::unknown().at(range),
        }
    }

    pub(super) fn converted_use(&mut self, value: &Value, range: &Range<usize>, command: Option<String>) {
        if let (Some(index), true) = (value.tonumber_of, self.walk.recording) {
            self.facts.converted_uses.push(ConvertedUse {
                index: index as usize,
                range: range.clone(),
                converted: value.origin(),
                command,
            });
        }
    }

    /// Records a use its type decides, of a reply that may be a table or a number.
    pub(super) fn reply_use(&mut self, range: Range<usize>, how: ReplyUseKind, value: &Value) {
        let typed = value.has(kind::STATUS | kind::ERROR)
            || (value.reply.is_some() && value.has(kind::NUMBER | kind::TABLE))
            || (value.may_be_missing() && !matches!(how, ReplyUseKind::Truth | ReplyUseKind::And));
        // in a function, every use: a helper evaluated with each call's arguments is
        // reported only where every call gets the wrong type
        if (typed || !self.walk.frames.is_empty()) && self.walk.recording {
            self.facts.reply_uses.push(ReplyUse {
                range,
                how,
                value: Arc::new(value.clone()),
            });
        }
    }

    pub(super) fn numeric_use(&mut self, side: &Side, op: NumericOp) {
        self.compared_use(side, op, 0);
    }

    /// A use in a comparison, with the other side's kinds.
    fn compared_use(&mut self, side: &Side, op: NumericOp, other: u32) {
        if self.walk.recording {
            self.facts.numeric_uses.push(NumericUse {
                range: side.range.clone(),
                op,
                value: side.value.clone(),
                other,
                several: side.several,
            });
        }
    }

    /// A prefix followed by indexes and calls: `redis.call('GET', k)`, `t.x[1]`, `s:upper()`.
    pub(super) fn chain(&mut self, prefix: &'a Prefix, suffixes: Vec<&'a Suffix>, range: Range<usize>) -> Values {
        // a local named like a global, used as that global right away (`type(x)` after
        // `local type = ARGV[1]`)
        let mut shadow = None;
        let mut current = match prefix {
            Prefix::Name(token) => {
                let name = lua::token_text(token);
                match self.resolve(name) {
                    Some(slot) => {
                        if let Some(global) = self.locals.shadowing[slot] {
                            shadow = Some((slot, Some(global)));
                        }
                        let value = self.read_slot(slot);
                        self.outline_read(lua::range(token), slot, &value);
                        Values::one(value)
                    }
                    None => Values::one(self.read_name(token)),
                }
            }
            Prefix::Expression(expression) => Values::one(self.expr(expression)),
            _ => Values::one(Value::unknown()),
        };
        let start = range.start;
        // Valkey's name for `redis` (undefined on Redis, and reported so) builds the same
        // error reply: `server.error_reply(...)`
        let server_error_reply = matches!(suffixes.first(), Some(Suffix::Index(Index::Dot { name, .. })) if lua::token_text(name) == "error_reply")
            && matches!(prefix, Prefix::Name(token) if lua::token_text(token) == "server")
            && self.resolve("server").is_none();
        let probing = std::mem::replace(&mut self.walk.probing, false);
        let count = suffixes.len();
        for (i, suffix) in suffixes.into_iter().enumerate() {
            let upto = start..lua::suffix_range(suffix).end;
            let base = std::mem::take(&mut current).into_first();
            let mut misused = false;
            if let Some((slot, global)) = shadow.take() {
                misused = match (suffix, global) {
                    (Suffix::Call(_), Some(Kind::Function)) => !base.has(kind::FUNCTION | kind::PARAM | kind::UNKNOWN),
                    (Suffix::Index(Index::Dot { name, .. }), Some(Kind::Library(members))) => {
                        // a string indexes the string library: `local string = 'x'` still has `string.format`
                        let still_works = base.only(kind::STRINGY)
                            && Some(members)
                                == globals::global("string").and_then(|g| match g {
                                    Kind::Library(m) => Some(m),
                                    _ => None,
                                });
                        let the_library = matches!(base.table, Some(Table::Library(_)));
                        globals::member(members, lua::token_text(name)).is_some()
                            && !still_works
                            && !the_library
                            && !base.has(kind::PARAM | kind::UNKNOWN | kind::FIELD)
                    }
                    _ => false,
                };
                if misused {
                    self.misuse_shadow(slot, upto.clone());
                }
            }
            // only a plain read (no call after it) is a feature test; and a shadowing
            // local used as its global is reported as that, not as a missing member
            self.walk.probing = (probing && i + 1 == count) || misused;
            current = match suffix {
                Suffix::Index(Index::Dot { name, .. }) => {
                    Values::one(self.index_name(base, lua::token_text(name), start..lua::range(name).end))
                }
                Suffix::Index(Index::Brackets { expression, .. }) => {
                    self.walk.probing = false;
                    let key = self.expr(expression);
                    Values::one(self.index(base, key, upto))
                }
                Suffix::Call(Call::AnonymousCall(written)) => {
                    // the name first: most calls are `redis.call`, whose library matches
                    let builds_error = matches!(base.func, Some(Func::Builtin(&(lib, name))) if name == "error_reply" && lib == "redis")
                        || (server_error_reply && i == 1);
                    let (args, asserted) = self.call_args(&base, written);
                    let values = self.call(base, args, upto);
                    if builds_error {
                        self.error_reply_call(written);
                    }
                    if let Some(narrowing) = asserted {
                        // `assert(x)` returned: `x` holds from here on
                        self.narrow(&narrowing);
                    }
                    values
                }
                Suffix::Call(Call::MethodCall(method)) => {
                    let name = lua::token_text(method.name());
                    let callee = self.method(&base, name, lua::range(method.name()));
                    let receiver = start..lua::range(method.colon_token()).start;
                    // a string method called on what may be the `false` of a null reply
                    // raises there, as `string.upper(v)` does (on what is only `false`,
                    // the method's lookup is the certain mistake, a named read)
                    if base.may_be_missing()
                        && base.has(kind::STRINGY)
                        && base.only(kind::STRINGY | kind::MISSING)
                        && globals::member(globals::string_methods(), name).is_some()
                    {
                        let name = static_member(globals::string_methods(), name);
                        self.reply_use(receiver.clone(), ReplyUseKind::Method(name), &base);
                    }
                    let mut args = vec![Arg {
                        range: receiver,
                        value: base,
                        spread: false,
                    }];
                    args.extend(self.call_args(&callee, method.args()).0);
                    self.call(callee, args, upto)
                }
                _ => Values::one(Value::unknown()),
            };
        }
        self.walk.probing = probing;
        current
    }

    /// The arguments of a call to `callee`; for `assert(x)` also what holds after it.
    fn call_args(&mut self, callee: &Value, args: &'a FunctionArgs) -> (Vec<Arg>, Option<super::refine::Narrowing>) {
        match args {
            FunctionArgs::Parentheses { arguments, .. } => {
                let builtin = match callee.func {
                    Some(Func::Builtin(&(lib, name))) => Some((lib, name)),
                    _ => None,
                };
                let mut iter = arguments.iter();
                match (builtin, arguments.iter().next()) {
                    (Some(("", "assert")), Some(first)) => {
                        let (value, test) = self.test(first);
                        iter.next();
                        let mut out = vec![Arg {
                            range: lua::expr_range(first),
                            value,
                            spread: false,
                        }];
                        out.extend(self.expr_list(iter));
                        (out, Some(test.when_true))
                    }
                    (Some(("", "type")), Some(first)) if super::refine::is_plain_var(first) => {
                        // `type(table.unpack)` asks whether it exists
                        let probing = std::mem::replace(&mut self.walk.probing, true);
                        let out = self.expr_list(iter);
                        self.walk.probing = probing;
                        (out, None)
                    }
                    _ => (self.expr_list(iter), None),
                }
            }
            FunctionArgs::String(token) => (
                vec![Arg {
                    range: lua::range(token),
                    value: Value::string(lua::string_value(token).map(Arc::from)),
                    spread: false,
                }],
                None,
            ),
            FunctionArgs::TableConstructor(table) => (
                vec![Arg {
                    range: lua::table_range(table),
                    value: self.table_constructor(table),
                    spread: false,
                }],
                None,
            ),
            _ => (Vec::new(), None),
        }
    }

    /// `{...}`: a table of the script, identified by where it is written, whose
    /// elements are joined into one summary.
    fn table_constructor(&mut self, table: &'a TableConstructor) -> Value {
        let range = lua::table_range(table);
        let offset = range.start;
        let mut marker = None;
        let count = table.fields().len();
        let mut shape = super::TableShape::default();
        // a library's `register_function{...}` reads its fields back
        let library = self.library.mode != super::Mode::Script;
        let mut constructed = super::Constructed::default();
        // the leading positional fields, up to a field that may shift or replace them
        let mut fields: Option<Vec<Value>> = Some(Vec::new());
        // every field written with a literal key, as it is when the constructor ends
        let mut known: Vec<(FieldName, Value)> = Vec::new();
        let mut position = 0u32;
        // `{[1] = a, b}` stores `b` at 1 last: positions are not followed past a numeric key
        let mut positions = true;
        for (i, field) in table.fields().iter().enumerate() {
            let value = match field {
                Field::ExpressionKey {
                    key,
                    value: field_value,
                    ..
                } => {
                    let key_value = self.expr(key);
                    if key_value.has(kind::NUMBER) {
                        fields = None;
                    }
                    if !key_value.only(kind::NUMBER) {
                        shape.named.push(lua::expr_range(key));
                    }
                    let value = self.expr(field_value);
                    match FieldName::of(&key_value) {
                        Some(key @ FieldName::Name(_)) => set_field(&mut known, key, &value),
                        _ if key_value.only(kind::NUMBER) => {
                            positions = false;
                            known.retain(|(k, _)| matches!(k, FieldName::Name(_)));
                        }
                        // a key the analysis cannot tell may replace any field
                        _ => {
                            positions = false;
                            known.clear();
                        }
                    }
                    if key_value.literal() == Some("err") {
                        self.error_reply(field_value, false);
                    }
                    if library {
                        let at = lua::expr_range(field_value);
                        match key_value.string.clone() {
                            Some(name) => constructed.named.push((name, lua::expr_range(key), at, value.clone())),
                            None if !value.only(kind::NIL) => constructed.keyed.push((lua::expr_range(key), key_value)),
                            None => {}
                        }
                    }
                    value
                }
                Field::NameKey {
                    key,
                    value: field_value,
                    ..
                } => {
                    match lua::token_text(key) {
                        "err" => marker = Some(Marker::Error),
                        "ok" if marker.is_none() => marker = Some(Marker::Status),
                        _ => {}
                    }
                    shape.named.push(lua::range(key));
                    let value = self.expr(field_value);
                    set_field(&mut known, FieldName::Name(lua::token_text(key).into()), &value);
                    if lua::token_text(key) == "err" {
                        self.error_reply(field_value, false);
                    }
                    if library {
                        let at = lua::expr_range(field_value);
                        constructed
                            .named
                            .push((lua::token_text(key).into(), lua::range(key), at, value.clone()));
                    }
                    value
                }
                Field::NoKey(value) if i + 1 == count && lua::may_expand(value) => {
                    // `{f()}`, `{...}`: every value the last one produces
                    shape.grown = true;
                    fields = None;
                    let values = self.expr_values(value);
                    if positions {
                        for v in values.fixed.iter() {
                            position += 1;
                            set_field(&mut known, FieldName::Pos(position), v);
                        }
                    }
                    let mut all = values.rest.as_deref().cloned().unwrap_or_default();
                    for v in values.fixed.iter() {
                        all = all.join(v);
                    }
                    if all.kinds == 0 { Value::nil() } else { all }
                }
                Field::NoKey(value) => {
                    let v = self.expr(value);
                    position += 1;
                    if let Some(fields) = fields.as_mut() {
                        fields.push(v.stripped().into_owned());
                    }
                    if positions {
                        set_field(&mut known, FieldName::Pos(position), &v);
                    }
                    shape.positional.push((lua::expr_range(value), v.clone()));
                    if library {
                        constructed.positional.push((lua::expr_range(value), v.clone()));
                    }
                    v
                }
                _ => Value::unknown(),
            };
            self.note_escape(&value);
            self.store_into(&Value::table(Some(Table::Local(offset))), &value);
        }
        constructed.grown = shape.grown;
        self.set_fields(offset, fields.filter(|f| !f.is_empty()));
        if self.walk.recording {
            self.facts.tables.insert(offset, shape);
        }
        if library {
            self.library.constructed.insert(offset, constructed);
        }
        let mut value = Value::table(Some(Table::Local(offset))).at(range);
        // no field known is what no list says, without an allocation
        if !known.is_empty() && !self.walk.untracked {
            value.fields = Some(known.into());
        }
        match marker {
            Some(marker) => value.marked(marker),
            None => value,
        }
    }

    pub(super) fn index_name(&mut self, base: Value, name: &str, range: Range<usize>) -> Value {
        match base.table {
            Some(Table::Library(lib)) => {
                let Some(Kind::Library(members)) = globals::global(lib) else {
                    return Value::unknown();
                };
                if lib == "redis" && self.library.mode != super::Mode::Script {
                    // only while the library loads: a function that runs finds it `nil`
                    if name == "register_function" && self.library.mode == super::Mode::Load {
                        return Value::func(Func::builtin("redis", "register_function"));
                    }
                    // while a library loads, `redis` has only a few members
                    if self.library.mode == super::Mode::Load
                        && self.walk.recording
                        && !super::LOAD_TIME_MEMBERS.contains(&name)
                    {
                        self.facts.load_time.push((range.clone(), format!("redis.{name}")));
                        return Value::unknown().at(range);
                    }
                }
                match globals::member(members, name) {
                    Some(Kind::Function) => Value::func(Func::builtin(lib, static_member(members, name))),
                    Some(Kind::Number) => Value::number(None),
                    Some(Kind::String) => Value::string(None),
                    Some(_) => Value::unknown(),
                    // feature detection: a missing member is nil, not an error
                    None if self.walk.probing => Value::nil().at(range),
                    None => {
                        if self.walk.recording {
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

    pub(super) fn index(&mut self, base: Value, key: Value, range: Range<usize>) -> Value {
        let constant = key.number.filter(|_| key.only(kind::NUMBER));
        match base.table {
            Some(Table::Keys) => {
                match constant {
                    Some(i) => {
                        if self.walk.recording {
                            self.facts.key_reads.push((i, range.clone()));
                        }
                    }
                    None => self.facts.keys_dynamic = true,
                }
                let key_index = constant.filter(|i| i.fract() == 0.0 && *i >= 1.0).map(|i| i as u32);
                let key_mask = match (key_index, key.at_least) {
                    (Some(i), _) => key_bit(Some(i)),
                    (None, Some(from)) if key.only(kind::NUMBER) => keys_from(from),
                    _ => ANY_KEY,
                };
                Value {
                    key_index,
                    key_mask,
                    ..Value::of(kind::KEY)
                }
                .at(range)
            }
            Some(Table::Argv) => {
                match constant {
                    Some(i) => {
                        if self.walk.recording {
                            self.facts.argv_reads.push((i, range.clone()));
                        }
                    }
                    None => self.facts.argv_dynamic = true,
                }
                let argv_index = constant.filter(|i| i.fract() == 0.0 && *i >= 1.0).map(|i| i as u32);
                // `ARGV[i]` for `i = 2, #ARGV` is one of the entries after the first
                let argv_mask = match (argv_index, key.at_least) {
                    (None, Some(from)) if key.only(kind::NUMBER) && from > 1 => keys_from(from),
                    _ => 0,
                };
                Value {
                    argv_index,
                    argv_mask,
                    ..Value::of(kind::ARGV)
                }
                .at(range)
            }
            Some(Table::Library(lib)) => match key.literal() {
                Some(name) => {
                    let name = name.to_owned();
                    self.index_name(Value::table(Some(Table::Library(lib))), &name, range)
                }
                _ => Value::unknown().at(range),
            },
            // a field whose value the local holding the table knows
            Some(Table::Local(_))
                if let Some(field) = FieldName::of(&key).and_then(|field| base.field(&field).cloned()) =>
            {
                field.at(range)
            }
            // a positional field no write replaced since the constructor: itself
            Some(Table::Local(id))
                if let Some(field) = constant
                    .filter(|n| n.fract() == 0.0 && *n >= 1.0)
                    .and_then(|n| self.fields(id)?.get(n as usize - 1).cloned()) =>
            {
                field.at(range)
            }
            Some(Table::Local(id)) => match self.read_table(id) {
                // the fields of a table share one summary: which of them may be a
                // missing reply is not known, so none is said to be
                Some(elements) if elements.kinds != 0 => {
                    let mut value = elements.clone();
                    if value.may_be_missing() {
                        value.kinds = value.kinds & !kind::MISSING | kind::UNKNOWN;
                    }
                    value.from_field = true;
                    value
                }
                _ => Value::of(kind::FIELD).at(range),
            },
            Some(Table::Annotated(table)) => {
                let notes = self.notes;
                let field = notes.tables.get(table as usize).and_then(|table| {
                    table.fields.iter().find(|(field, _)| match field {
                        FieldKey::Number(n) => constant == Some(*n),
                        FieldKey::Name(name) => key.literal() == Some(&**name),
                    })
                });
                match field {
                    Some(&(_, target)) => super::value::annotated(target, &Value::bottom()).at(range),
                    // the other fields are what the table holds, which is not followed
                    None => Value::of(kind::FIELD).at(range),
                }
            }
            Some(Table::Reply(reply, _)) => match key.literal() {
                // `h.owner`: arrays have no names (unless the value may be a status or
                // error table, whose `ok`/`err` this reads)
                Some(name) => {
                    let meant = (name == "ok" && base.has(kind::STATUS)) || (name == "err" && base.has(kind::ERROR));
                    if !meant && self.walk.recording {
                        self.facts.named_reads.push(super::NamedRead {
                            range: range.clone(),
                            base: base.clone(),
                            name: name.to_owned(),
                            method: false,
                        });
                    }
                    let mut value = if meant { Value::string(None) } else { Value::nil() };
                    if meant {
                        value.kinds |= kind::NIL;
                    }
                    value.at(range)
                }
                None => {
                    let at_index = constant.is_some_and(|i| i >= 1.0 && i.fract() == 0.0);
                    super::value::elements_of(reply, at_index).at(range)
                }
            },
            None if base.has(kind::STATUS | kind::ERROR) && key.only(kind::STRING) => {
                // `res.ok`, `res.err`: the text of a status or error reply
                let name = key.string.as_deref().unwrap_or("");
                let field = match name {
                    "ok" if base.has(kind::STATUS) => Value::string(None),
                    "err" if base.has(kind::ERROR) => Value::string(None),
                    _ => Value::nil(),
                };
                // a status reply has one field, `ok`; `err` is how a `pcall` reply is
                // tested, so only another literal name is a mistake
                if self.walk.recording
                    && base.reply.is_some()
                    && base.only(kind::STATUS | kind::ERROR)
                    && !matches!(name, "ok" | "err")
                    && let Some(name) = key.literal()
                {
                    self.facts.named_reads.push(super::NamedRead {
                        range: range.clone(),
                        base: base.clone(),
                        name: name.to_owned(),
                        method: false,
                    });
                }
                if base.only(kind::STATUS | kind::ERROR) && !(base.has(kind::STATUS) && base.has(kind::ERROR)) {
                    field.at(range)
                } else {
                    field.join(&Value::nil()).at(range)
                }
            }
            None if base.reply.is_some()
                && base.only(kind::NUMBER | kind::REPLY | kind::MISSING_FALSE)
                && key
                    .literal()
                    .is_some_and(|name| !(base.has(kind::REPLY) && string_member(name))) =>
            {
                // `n.count` of a count, `v.name` of a string: no such field
                if self.walk.recording {
                    self.facts.named_reads.push(super::NamedRead {
                        range: range.clone(),
                        base: base.clone(),
                        name: key.literal().unwrap_or_default().to_owned(),
                        method: false,
                    });
                }
                Value::nil().at(range)
            }
            None if base.only(kind::STRINGY) => {
                // indexing a string reaches the string library (its metatable)
                match key.string.as_deref() {
                    Some(name) => self.index_name(Value::table(Some(Table::Library("string"))), name, range),
                    None => Value::unknown().at(range),
                }
            }
            None if base.only(kind::PARAM) => Value::of(kind::PARAM),
            None => Value::of(kind::FIELD).at(range),
        }
    }

    /// The function `value:name(...)` calls.
    fn method(&mut self, value: &Value, name: &str, range: Range<usize>) -> Value {
        if value.only(kind::STRINGY) {
            return match globals::member(globals::string_methods(), name) {
                Some(_) => Value::func(Func::builtin("string", static_member(globals::string_methods(), name))),
                None => {
                    if self.walk.recording {
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
        let mark = self.facts.named_reads.len();
        let callee = self.index(value.clone(), Value::string(Some(name.into())), range);
        for read in &mut self.facts.named_reads[mark..] {
            read.method = true;
        }
        callee
    }
}

/// An operand of an operator: its value, where it is written, and whether the
/// expression may give more than one value (see [`Analyzer::operand`]).
pub(super) struct Side {
    pub(super) value: Value,
    pub(super) range: Range<usize>,
    pub(super) several: bool,
}

/// A member of the string library, which indexing a string reaches (`s.len`).
fn string_member(name: &str) -> bool {
    matches!(globals::global("string"), Some(Kind::Library(members)) if globals::member(members, name).is_some())
}

/// Values whose use as a number a lint looks at: `ARGV` strings, reply strings, and
/// null replies.
const NUMERIC_WATCH: u32 = kind::ARGV | kind::REPLY | kind::MISSING;

fn is_comparison(binop: &BinOp) -> bool {
    matches!(
        binop,
        BinOp::TwoEqual(_)
            | BinOp::TildeEqual(_)
            | BinOp::LessThan(_)
            | BinOp::GreaterThan(_)
            | BinOp::LessThanEqual(_)
            | BinOp::GreaterThanEqual(_)
    )
}

/// A comparison the lints read: with a reply on one side, or with `nil` (whose fix,
/// in a helper, must suit every value the helper compares).
fn compared(left: &Value, right: &Value) -> bool {
    left.reply.is_some() || right.reply.is_some() || left.only(kind::NIL) || right.only(kind::NIL)
}

/// A name, an index, a call or a parenthesised expression.
fn primary(expression: &Expression) -> bool {
    matches!(
        expression,
        Expression::Var(_) | Expression::FunctionCall(_) | Expression::Parentheses { .. }
    )
}

fn comparison_op(binop: &BinOp) -> &'static str {
    match binop {
        BinOp::TwoEqual(_) => "==",
        BinOp::TildeEqual(_) => "~=",
        BinOp::LessThan(_) => "<",
        BinOp::GreaterThan(_) => ">",
        BinOp::LessThanEqual(_) => "<=",
        _ => ">=",
    }
}

/// The value of `left .. anything`: a string built by appending to a possible key
/// prefix (a key, an argument, an annotated value, or such a string already) is a
/// derived string that remembers which (whether it may serve as a key is the
/// signature's to say); a caller's value stays one; any other start makes a new string.
pub(super) fn concat(left: &Value) -> Value {
    const PREFIXES: u32 = kind::KEY | kind::DERIVED | kind::ARGV | kind::ANNOTATED;
    let mut kinds = 0;
    if left.has(PREFIXES) {
        kinds |= kind::DERIVED;
    }
    if left.has(kind::PARAM) {
        kinds |= kind::PARAM;
    }
    if left.kinds & !(PREFIXES | kind::PARAM) != 0 {
        kinds |= kind::CONCAT;
    }
    let mut value = Value::of(kinds);
    if left.has(kind::KEY) {
        value.derived_from |= left.key_sources();
    }
    if left.has(kind::ARGV) {
        value.args_from |= match (left.argv_index, left.argv_mask) {
            (None, mask) if mask != 0 => mask,
            (index, _) => key_bit(index),
        };
    }
    value.derived_from |= left.derived_from;
    value.args_from |= left.args_from;
    value.notes_from |= left.notes_from;
    value
}
