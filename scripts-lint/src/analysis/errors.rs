//! Error replies: `redis.error_reply(text)` and tables with an `err` field
//! (`{err = text}`, `error({err = text})`), each recorded with what is known of its
//! text where it is built, for the lints that read error codes.
//!
//! The text is read from the expression that builds it, with the values the analysis
//! has there: string literals joined with `..`, `string.format`'s text up to its first
//! directive, and locals that hold one literal string. A helper that builds its error
//! from a parameter is evaluated at each call with that call's arguments (see
//! [`super`]), so the text it gets from a caller is known there, and where it is
//! written (the caller's literal) with it.

use std::ops::Range;

use full_moon::ast::{BinOp, Call, Expression, FunctionArgs, Prefix, Suffix, Var};
use full_moon::tokenizer::TokenReference;

use super::{Analyzer, ErrorReply, lua};

/// One operand of the `..` chain that builds a text, as far as it is known.
enum Piece {
    /// A string literal (its text) or `string.format(...)` (its text up to the first
    /// directive, and whether that is all of it), written at this range.
    Written(String, bool, Range<usize>),
    /// A local holding one literal string: its text, where the literal is written
    /// (when known), where the local is read, and whether it is a parameter of the
    /// function the reply is built in.
    Local(String, Option<Range<usize>>, Range<usize>, bool),
    /// Something else: the text goes on unknown from here.
    Unknown,
}

/// The operands of the `..` chain `expression` is, in order, brackets removed.
fn operands<'a>(expression: &'a Expression, out: &mut Vec<&'a Expression>) {
    // a loop down the right side: `a .. b .. c` nests to the right (`..` is
    // right-associative), and a long chain must not cost stack
    let mut expression = expression;
    loop {
        match expression {
            Expression::Parentheses { expression: inner, .. } => expression = inner,
            Expression::BinaryOperator {
                lhs,
                binop: BinOp::TwoDots(_),
                rhs,
            } => {
                operands(lhs, out);
                expression = rhs;
            }
            other => {
                out.push(other);
                return;
            }
        }
    }
}

impl Analyzer<'_> {
    /// `redis.error_reply(...)`, after its arguments were evaluated: records the error
    /// reply its first argument builds.
    pub(super) fn error_reply_call(&mut self, args: &FunctionArgs) {
        match args {
            FunctionArgs::Parentheses { arguments, .. } => {
                if let Some(text) = arguments.iter().next() {
                    self.error_reply(text, true);
                }
            }
            FunctionArgs::String(token) => {
                if let Some(text) = lua::string_value(token) {
                    self.record_error_reply(ErrorReply {
                        reply: true,
                        text,
                        complete: true,
                        range: lua::range(token),
                        through: None,
                    });
                }
            }
            _ => {}
        }
    }

    /// An error reply whose text is `expression` (already evaluated): `reply` when
    /// `redis.error_reply` builds it, else an `{err = ...}` table.
    pub(super) fn error_reply(&mut self, expression: &Expression, reply: bool) {
        let mut parts = Vec::new();
        operands(expression, &mut parts);
        let mut text = String::new();
        let mut complete = true;
        let mut range: Option<Range<usize>> = None;
        let mut through = None;
        // the literals written at the start, for the range that shows the text
        let mut written_run = true;
        for (i, part) in parts.into_iter().enumerate() {
            match self.piece(part) {
                Piece::Written(piece, whole, at) => {
                    text.push_str(&piece);
                    if written_run {
                        range = Some(range.map_or(at.clone(), |r| r.start..at.end));
                    }
                    if !whole {
                        complete = false;
                        break;
                    }
                }
                Piece::Local(piece, origin, at, param) => {
                    text.push_str(&piece);
                    if i == 0 {
                        range = Some(origin.unwrap_or_else(|| at.clone()));
                        through = Some((at, param));
                    }
                    written_run = false;
                }
                Piece::Unknown => {
                    complete = false;
                    break;
                }
            }
        }
        // nothing known of its start: no code to read
        let Some(range) = range.filter(|_| !text.is_empty()) else {
            return;
        };
        self.record_error_reply(ErrorReply {
            reply,
            text,
            complete,
            range,
            through,
        });
    }

    fn record_error_reply(&mut self, error: ErrorReply) {
        if self.walk.recording {
            self.facts.error_replies.push(error);
        }
    }

    /// What one operand of a text is known to be.
    fn piece(&mut self, operand: &Expression) -> Piece {
        match operand {
            Expression::String(token) => match lua::string_value(token) {
                Some(text) => Piece::Written(text, true, lua::range(token)),
                None => Piece::Unknown,
            },
            Expression::Var(Var::Name(token)) => self.local_piece(token),
            Expression::FunctionCall(call) => match format_text(call.prefix(), call.suffixes().collect()) {
                // `string.format`, unless a local is named `string`
                Some(piece) if self.resolve("string").is_none() => piece,
                _ => Piece::Unknown,
            },
            _ => Piece::Unknown,
        }
    }

    /// A local read in a text: known when it holds one literal string.
    fn local_piece(&mut self, token: &TokenReference) -> Piece {
        let Some(slot) = self.resolve(lua::token_text(token)) else {
            return Piece::Unknown;
        };
        let value = self.read_slot(slot);
        let Some(text) = value.literal() else {
            return Piece::Unknown;
        };
        let param = slot >= self.locals.fn_base && self.walk.frames.last().is_some_and(|frame| slot < frame.params_end);
        Piece::Local(text.to_owned(), value.origin(), lua::range(token), param)
    }
}

/// `string.format('LITERAL', ...)`: the literal up to its first `%`, and whether that is
/// all of it.
fn format_text(prefix: &Prefix, suffixes: Vec<&Suffix>) -> Option<Piece> {
    let Prefix::Name(library) = prefix else {
        return None;
    };
    let [
        Suffix::Index(full_moon::ast::Index::Dot { name, .. }),
        Suffix::Call(Call::AnonymousCall(args)),
    ] = suffixes.as_slice()
    else {
        return None;
    };
    if lua::token_text(library) != "string" || lua::token_text(name) != "format" {
        return None;
    }
    let FunctionArgs::Parentheses { arguments, .. } = &**args else {
        return None;
    };
    let Some(Expression::String(format)) = arguments.iter().next() else {
        return None;
    };
    let text = lua::string_value(format)?;
    let known = text.split('%').next().unwrap_or_default();
    Some(Piece::Written(
        known.to_owned(),
        !text.contains('%'),
        lua::range(format),
    ))
}
