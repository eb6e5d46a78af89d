//! Small helpers over full_moon nodes: byte ranges, token text, literal values.

use std::ops::Range;

use full_moon::ast::{
    Call, Expression, FunctionArgs, FunctionBody, Index, Parameter, Prefix, Suffix, TableConstructor, Var,
};
use full_moon::node::Node;
use full_moon::tokenizer::{StringLiteralQuoteType, Symbol, TokenReference, TokenType};

/// Byte range of a token, without surrounding whitespace and comments.
///
/// Read from the token itself rather than through full_moon's `Node::range`, whose
/// two `Option`s and `?`s cost a dozen calls each in an unoptimised build, and ranges
/// are taken for every name and operand walked.
pub(crate) fn range(token: &TokenReference) -> Range<usize> {
    let (start, end) = (
        token.token().start_position().bytes(),
        token.token().end_position().bytes(),
    );
    start..end.max(start)
}

/// Byte range of a composite node, without surrounding whitespace and comments.
pub(crate) fn node_range(node: &impl Node) -> Range<usize> {
    match node.range() {
        Some((start, end)) => start.bytes()..end.bytes().max(start.bytes()),
        None => 0..0,
    }
}

/// Byte range of an expression, closing brackets included.
///
/// Never asks full_moon for the range of a composite node: its derived `Node::range`
/// computes a node's start and end from both ends of every child, so the work
/// multiplies at each level, about 8x per `[...]` in `t[t[t[...]]]` (8 levels: 22 s in
/// a debug build); and its `Index::Brackets` ends before the closing `]`. The start
/// and end are found here by walking down the left and right edges of the tree only,
/// in loops, so a long operator chain costs its length and needs no stack.
pub(crate) fn expr_range(expression: &Expression) -> Range<usize> {
    let start = expr_start(expression);
    start..expr_end(expression).max(start)
}

fn expr_start(mut expression: &Expression) -> usize {
    loop {
        return match expression {
            Expression::BinaryOperator { lhs, .. } => {
                expression = lhs;
                continue;
            }
            Expression::Parentheses { contained, .. } => range(contained.tokens().0).start,
            Expression::UnaryOperator { unop, .. } => range(unop.token()).start,
            Expression::Function(function) => range(function.function_token()).start,
            Expression::FunctionCall(call) => prefix_start(call.prefix()),
            Expression::TableConstructor(table) => range(table.braces().tokens().0).start,
            Expression::Number(token) | Expression::String(token) | Expression::Symbol(token) => range(token).start,
            Expression::Var(Var::Name(token)) => range(token).start,
            Expression::Var(Var::Expression(var)) => prefix_start(var.prefix()),
            // only the Luau and CfxLua variants are left, and the Lua 5.1 parser
            // never builds them
            other => node_range(other).start,
        };
    }
}

fn expr_end(mut expression: &Expression) -> usize {
    loop {
        return match expression {
            Expression::BinaryOperator { rhs, .. } => {
                expression = rhs;
                continue;
            }
            Expression::UnaryOperator {
                expression: operand, ..
            } => {
                expression = operand;
                continue;
            }
            Expression::Parentheses { contained, .. } => range(contained.tokens().1).end,
            Expression::Function(function) => range(function.body().end_token()).end,
            Expression::FunctionCall(call) => {
                suffixes_end(call.suffixes()).unwrap_or_else(|| prefix_end(call.prefix()))
            }
            Expression::TableConstructor(table) => range(table.braces().tokens().1).end,
            Expression::Number(token) | Expression::String(token) | Expression::Symbol(token) => range(token).end,
            Expression::Var(Var::Name(token)) => range(token).end,
            Expression::Var(Var::Expression(var)) => {
                suffixes_end(var.suffixes()).unwrap_or_else(|| prefix_end(var.prefix()))
            }
            other => node_range(other).end,
        };
    }
}

fn prefix_start(prefix: &Prefix) -> usize {
    match prefix {
        Prefix::Name(token) => range(token).start,
        Prefix::Expression(expression) => expr_start(expression),
        other => node_range(other).start,
    }
}

fn prefix_end(prefix: &Prefix) -> usize {
    match prefix {
        Prefix::Name(token) => range(token).end,
        Prefix::Expression(expression) => expr_end(expression),
        other => node_range(other).end,
    }
}

fn suffixes_end<'a>(suffixes: impl Iterator<Item = &'a Suffix>) -> Option<usize> {
    suffixes.last().map(|suffix| suffix_range(suffix).end)
}

/// Byte range of a prefix and its suffixes: `redis.call('GET', k)`, `t.x[1]`.
pub(crate) fn chain_range<'a>(prefix: &Prefix, suffixes: impl Iterator<Item = &'a Suffix>) -> Range<usize> {
    let start = prefix_start(prefix);
    start..suffixes_end(suffixes).unwrap_or_else(|| prefix_end(prefix)).max(start)
}

/// Byte range of a table constructor, braces included.
pub(crate) fn table_range(table: &TableConstructor) -> Range<usize> {
    let (open, close) = table.braces().tokens();
    range(open).start..range(close).end
}

/// Byte range of a suffix (`.x`, `[i]`, `(args)`, `:m()`), closing bracket included.
pub(crate) fn suffix_range(suffix: &Suffix) -> Range<usize> {
    match suffix {
        Suffix::Index(Index::Brackets { brackets, .. }) => {
            let (open, close) = brackets.tokens();
            range(open).start..range(close).end
        }
        Suffix::Index(Index::Dot { dot, name }) => range(dot).start..range(name).end,
        Suffix::Call(Call::AnonymousCall(args)) => args_range(args),
        Suffix::Call(Call::MethodCall(method)) => range(method.colon_token()).start..args_range(method.args()).end,
        other => node_range(other),
    }
}

fn args_range(args: &FunctionArgs) -> Range<usize> {
    match args {
        FunctionArgs::Parentheses { parentheses, .. } => {
            let (open, close) = parentheses.tokens();
            range(open).start..range(close).end
        }
        FunctionArgs::String(token) => range(token),
        FunctionArgs::TableConstructor(table) => table_range(table),
        other => node_range(other),
    }
}

/// The source text of `range`, or "" when it is not on character boundaries.
pub(crate) fn source(source: &str, range: Range<usize>) -> &str {
    source.get(range).unwrap_or("")
}

/// The text of a name or number token.
pub(crate) fn token_text(token: &TokenReference) -> &str {
    match token.token_type() {
        TokenType::Identifier { identifier } => identifier.as_str(),
        TokenType::Number { text } => text.as_str(),
        _ => "",
    }
}

/// The `...` of a vararg function's parameters. Lua 5.1, as Redis builds it
/// (`LUA_COMPAT_VARARG`), gives such a function a local `arg`: the table of its extra
/// arguments (nil when the body uses `...` itself).
pub(crate) fn vararg(body: &FunctionBody) -> Option<&TokenReference> {
    body.parameters().iter().find_map(|p| match p {
        Parameter::Ellipsis(dots) => Some(dots),
        _ => None,
    })
}

/// True when an expression may produce several values (a call or `...`), which
/// matters as the last expression of a list.
pub(crate) fn may_expand(expression: &Expression) -> bool {
    match expression {
        Expression::FunctionCall(_) => true,
        Expression::Symbol(token) => matches!(
            token.token_type(),
            TokenType::Symbol {
                symbol: Symbol::Ellipsis
            }
        ),
        Expression::Var(full_moon::ast::Var::Expression(var)) => {
            matches!(var.suffixes().last(), Some(Suffix::Call(_)))
        }
        _ => false,
    }
}

/// A Lua 5.1 number literal's value, as Lua reads it: decimal with optional fraction
/// and exponent, or hexadecimal (`0xff`, and through C's `strtod` `0x1p4`).
pub(crate) fn parse_number(text: &str) -> Option<f64> {
    crate::compile::number::str2d(text.as_bytes())
}

/// The value of a string literal token, escapes decoded (Lua 5.1 rules).
pub(crate) fn string_value(token: &TokenReference) -> Option<String> {
    let TokenType::StringLiteral {
        literal, quote_type, ..
    } = token.token_type()
    else {
        return None;
    };
    if *quote_type == StringLiteralQuoteType::Brackets {
        // a long string drops a newline right after its opening bracket
        let text = literal.as_str();
        return Some(
            text.strip_prefix("\r\n")
                .or_else(|| text.strip_prefix('\n'))
                .unwrap_or(text)
                .to_owned(),
        );
    }
    let text = literal.as_str();
    let mut out = String::with_capacity(text.len());
    let mut chars = text.chars().peekable();
    while let Some(c) = chars.next() {
        if c != '\\' {
            out.push(c);
            continue;
        }
        match chars.next()? {
            'n' => out.push('\n'),
            't' => out.push('\t'),
            'r' => out.push('\r'),
            'a' => out.push('\x07'),
            'b' => out.push('\x08'),
            'f' => out.push('\x0c'),
            'v' => out.push('\x0b'),
            '\n' => out.push('\n'),
            d if d.is_ascii_digit() => {
                let mut code = d.to_digit(10)?;
                for _ in 0..2 {
                    match chars.peek().and_then(|c| c.to_digit(10)) {
                        Some(next) => {
                            code = code * 10 + next;
                            chars.next();
                        }
                        None => break,
                    }
                }
                out.push(char::from_u32(code)?);
            }
            other => out.push(other),
        }
    }
    Some(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn numbers() {
        assert_eq!(parse_number("10"), Some(10.0));
        assert_eq!(parse_number("0x10"), Some(16.0));
        assert_eq!(parse_number("1e3"), Some(1000.0));
        assert_eq!(parse_number(".5"), Some(0.5));
        assert_eq!(parse_number("9007199254740993"), Some(9007199254740992.0));
        assert_eq!(parse_number("0x1p4"), Some(16.0));
        assert_eq!(
            parse_number("0xffffffffffffffffffffffffffffffffff"),
            Some(2f64.powi(136))
        );
    }
}
