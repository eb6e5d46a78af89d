//! Small helpers over full_moon nodes: byte ranges, token text, literal values.

use std::ops::Range;

use full_moon::ast::{Expression, Index, Suffix, Var};
use full_moon::node::Node;
use full_moon::tokenizer::{StringLiteralQuoteType, Symbol, TokenReference, TokenType};

/// Byte range of a node, without surrounding whitespace and comments.
pub(crate) fn range(node: &impl Node) -> Range<usize> {
    match node.range() {
        Some((start, end)) => start.bytes()..end.bytes().max(start.bytes()),
        None => 0..0,
    }
}

/// Byte range of an expression. full_moon ends an `x[i]` node before its closing
/// `]` (its `Index::Brackets` lacks a full range), so the end is taken from the
/// bracket token where an expression ends with one.
pub(crate) fn expr_range(expression: &Expression) -> Range<usize> {
    let plain = match expression {
        // full_moon finds where `a + b + c` starts by recursing down its left operands,
        // one level per operator: past a few thousand terms (which Lua accepts) that
        // overflowed the stack. Walk down to the leftmost operand in a loop instead.
        Expression::BinaryOperator { rhs, .. } => {
            let mut leftmost = expression;
            while let Expression::BinaryOperator { lhs, .. } = leftmost {
                leftmost = lhs;
            }
            let start = range(leftmost).start;
            start..range(&**rhs).end.max(start)
        }
        _ => range(expression),
    };
    plain.start..expr_end(expression).max(plain.end)
}

fn expr_end(expression: &Expression) -> usize {
    match expression {
        Expression::BinaryOperator { rhs, .. } => expr_end(rhs),
        Expression::UnaryOperator { expression, .. } => expr_end(expression),
        Expression::Var(Var::Expression(var)) => match var.suffixes().last() {
            Some(suffix) => suffix_range(suffix).end,
            None => range(expression).end,
        },
        _ => range(expression).end,
    }
}

/// Byte range of a suffix (`.x`, `[i]`, `(args)`, `:m()`), closing bracket included.
pub(crate) fn suffix_range(suffix: &Suffix) -> Range<usize> {
    match suffix {
        Suffix::Index(Index::Brackets { brackets, .. }) => {
            let (open, close) = brackets.tokens();
            range(open).start..range(close).end
        }
        other => range(other),
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

/// A Lua 5.1 number literal's value: decimal with optional fraction and exponent,
/// or hexadecimal (integers only in 5.1).
pub(crate) fn parse_number(text: &str) -> Option<f64> {
    if let Some(hex) = text.strip_prefix("0x").or_else(|| text.strip_prefix("0X")) {
        return u128::from_str_radix(hex, 16).ok().map(|n| n as f64);
    }
    text.parse::<f64>().ok()
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
    }
}
