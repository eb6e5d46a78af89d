use std::ops::Range;

use super::{Context, Lint, LintInfo};
use crate::ReturnType;
use crate::analysis::{Marker, Table, Value, kind};
use crate::diagnostic::{Diagnostic, Level};

#[doc = include_str!("return_type_mismatch.md")]
pub(crate) struct ReturnTypeMismatch;

impl Lint for ReturnTypeMismatch {
    const INFO: LintInfo = LintInfo {
        name: "return_type_mismatch",
        default_level: Level::Deny,
        allowable: true,
        always_denied_because: None,
        summary: "a Lua return shape the Rust return type cannot decode",
        doc: include_str!("return_type_mismatch.md"),
    };

    fn check(cx: &Context<'_>, out: &mut Vec<Diagnostic>) {
        let expected = &cx.signature.returns;
        let rust = cx.signature.return_text.as_str();
        let mut check = |range: Range<usize>, shapes: Vec<Shape>, what: &str, described: Option<String>| {
            let mut problems = shapes.iter().filter(|s| **s != Shape::Error).map(|s| mismatch(cx, expected, s));
            let Some(first) = problems.next() else { return };
            let Some((description, help)) = first else { return };
            if problems.any(|p| p.is_none()) {
                return;
            }
            let description = described.unwrap_or(description);
            out.push(
                Self::finding(range, format!("{what} {description}, which `{rust}` cannot hold"))
                    .label("does not fit the return type")
                    .help(help),
            );
        };
        for ret in &cx.facts.returns {
            let shapes = shapes(cx, &ret.value);
            // a command's reply: say which, and every shape it may have
            let described = (ret.value.reply.is_some() && ret.value.only(kind::REPLY_SHAPES)).then(|| {
                format!(
                    "the reply of {} ({})",
                    super::reply_command(&ret.value),
                    describe_all(&shapes)
                )
            });
            check(ret.range.clone(), shapes, "this returns", described);
        }
        if let Some(end) = &cx.facts.falls_off_end {
            check(
                end.clone(),
                vec![Shape::Nil],
                "the script can end without `return`: it replies",
                None,
            );
        }
    }
}

/// What a reply looks like to the client.
#[derive(Clone, Debug, PartialEq)]
enum Shape {
    Integer,
    Text(Option<String>),
    Nil,
    /// A table; its length when it is a table literal of known length.
    Array(Option<usize>),
    Status,
    Error,
    Json,
    Unknown,
}

fn shapes(cx: &Context<'_>, value: &Value) -> Vec<Shape> {
    match value.marker {
        Some(Marker::Error) => return vec![Shape::Error],
        Some(Marker::Status) => return vec![Shape::Status],
        Some(Marker::Json) => return vec![Shape::Json],
        _ => {}
    }
    let mut out = Vec::new();
    if value.has(kind::NUMBER) {
        out.push(Shape::Integer);
    }
    if value.has(kind::STRINGY) {
        out.push(Shape::Text(value.literal().map(str::to_owned)));
    }
    if value.has(kind::NIL | kind::MISSING) {
        out.push(Shape::Nil);
    }
    if value.has(kind::STATUS) {
        out.push(Shape::Status);
    }
    if value.has(kind::ERROR) {
        out.push(Shape::Error);
    }
    if value.has(kind::BOOL) {
        // true replies 1, false replies nil
        match value.boolean {
            Some(true) => out.push(Shape::Integer),
            Some(false) => out.push(Shape::Nil),
            None => out.extend([Shape::Integer, Shape::Nil]),
        }
    }
    if value.has(kind::TABLE) {
        out.push(Shape::Array(literal_length(cx, value)));
    }
    if value.has(kind::FIELD | kind::UNKNOWN | kind::FUNCTION | kind::PARAM) {
        out.push(Shape::Unknown);
    }
    out
}

/// "a number or nil" for a list of shapes.
fn describe_all(shapes: &[Shape]) -> String {
    let mut names: Vec<&str> = Vec::new();
    for shape in shapes {
        let name = match shape {
            Shape::Integer => "a number",
            Shape::Text(_) => "a string",
            Shape::Nil => "nil",
            Shape::Array(_) => "an array",
            Shape::Status => "a status",
            Shape::Error => "an error",
            Shape::Json => "JSON",
            Shape::Unknown => "something else",
        };
        if !names.contains(&name) {
            names.push(name);
        }
    }
    match names.split_last() {
        Some((last, [])) => (*last).to_owned(),
        Some((last, rest)) => format!("{} or {last}", rest.join(", ")),
        None => "nothing".to_owned(),
    }
}

/// The number of entries a returned table literal replies, when fixed: no named
/// fields, nothing added after it was built, no entry that may be nil.
fn literal_length(cx: &Context<'_>, value: &Value) -> Option<usize> {
    let Some(Table::Local(id)) = value.table else { return None };
    let shape = cx.facts.tables.get(&id)?;
    let fixed = shape.named.is_empty()
        && !shape.grown
        && shape.positional.iter().all(|(_, v)| !v.has(kind::NIL | kind::MISSING_NIL | kind::OPAQUE));
    fixed.then_some(shape.positional.len())
}

/// `None` when `shape` fits `expected`, else what it is and what to write instead.
fn mismatch(cx: &Context<'_>, expected: &ReturnType, shape: &Shape) -> Option<(String, String)> {
    use ReturnType as R;
    use Shape as S;
    let nil_help = || format!("return a value on every path, or make the type optional: {}", cx.optional_return());
    let problem = |what: &str, help: &str| Some((what.to_owned(), help.to_owned()));
    match (expected, shape) {
        (_, S::Unknown | S::Error) | (R::Any | R::Unit, _) => None,
        (R::Option(_), S::Nil) => None,
        (R::Option(inner), shape) => mismatch(cx, inner, shape),
        (R::Integer | R::Float, S::Integer) => None,
        (R::Integer, S::Text(Some(text))) if text.trim().parse::<i64>().is_err() => {
            problem(&format!("the string `'{text}'`"), "return a number, or change the type to `String`")
        }
        (R::Float, S::Text(Some(text))) if text.trim().parse::<f64>().is_err() => {
            problem(&format!("the string `'{text}'`"), "return a number, or change the type to `String`")
        }
        (R::Integer | R::Float, S::Text(_)) => None,
        (R::Integer | R::Float | R::Text | R::Tuple(_), S::Nil) => Some(("nil".to_owned(), nil_help())),
        (R::Integer | R::Float | R::Bool | R::Text, S::Array(_)) => problem(
            "a table (an array reply)",
            "return a single value, or change the type to a `Vec<...>` or a tuple",
        ),
        (R::Integer | R::Float, S::Status) => problem("a status reply", "return a number, or change the type to `String`"),
        (R::Integer | R::Float | R::Bool, S::Json) => {
            problem("a JSON string", &format!("decode it with {}, or return a number", cx.json_return()))
        }
        (R::Bool, S::Integer | S::Nil | S::Status) => None,
        (R::Bool, S::Text(_)) => problem("a string", "return `1`/`0` (or `true`/`false`), or change the type to `String`"),
        (R::Text, S::Integer | S::Text(_) | S::Status | S::Json) => None,
        (R::Bytes, S::Text(_) | S::Nil | S::Json | S::Array(_)) => None,
        (R::Bytes, S::Integer | S::Status) => problem("a number or status", "return a string, or change the type"),
        (R::List, S::Text(_) | S::Nil | S::Array(_)) => None,
        (R::List, S::Integer) => problem("a number", "return a table `{...}`, or change the type to a number"),
        (R::List, S::Status) => problem("a status reply", "return a table `{...}`"),
        (R::List, S::Json) => problem("a JSON string", &format!("decode it with {}", cx.json_return())),
        (R::Tuple(fields), S::Array(Some(len))) if len != fields => problem(
            &format!("a table of {len} value{}", if *len == 1 { "" } else { "s" }),
            &format!("return {fields} values (`return {{a, b}}`), one per tuple field"),
        ),
        (R::Tuple(_), S::Array(_)) => None,
        (R::Tuple(_), _) => problem("a single value", "return a table with one entry per tuple field: `return {a, b}`"),
        (R::Json, S::Json) => None,
        (R::Json, S::Text(Some(text))) if looks_like_json(text) => None,
        (R::Json, S::Text(None)) => None,
        (R::Json, S::Text(Some(text))) => {
            problem(&format!("the string `'{text}'`, which is not JSON"), "return `cjson.encode(value)`")
        }
        (R::Json, S::Array(_)) => problem("a table", "encode it: `return cjson.encode(t)`"),
        (R::Json, S::Integer | S::Nil | S::Status) => problem("a value that is not JSON text", "return `cjson.encode(value)`"),
    }
}

fn looks_like_json(text: &str) -> bool {
    let text = text.trim();
    text.starts_with(['{', '[', '"', '-'])
        || text.starts_with(|c: char| c.is_ascii_digit())
        || matches!(text, "true" | "false" | "null")
}
