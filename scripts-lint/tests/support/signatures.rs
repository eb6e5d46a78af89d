//! The Rust side of a test script, shared by the lint fixtures (`tests/lints.rs`), the
//! proptest smoke test and the cargo-fuzz target (`fuzz/fuzz_targets/check.rs`), each
//! of which includes this file with `#[path]`.
//!
//! A script may start with `--!` lines describing the function it belongs to:
//! `--! keys: queue(prefix), job, rest..` (`..` marks a slice, `(prefix)` a key the
//! script may append to), `--! args: amount:i64, label`, `--! returns: Option<i64>`,
//! `--! read_only`, `--! min_version: 7.4`, `--! deny: nondeterministic_command`.
//! Without `keys`/`args` lines the function passes no keys and no arguments.

#![allow(dead_code)]

use scripts_lint::{Level, Param, ParamType, ReturnType, Signature};

/// Every parameter type, for generators that pick one.
pub(crate) const TYPES: [ParamType; 7] = [
    ParamType::Int64,
    ParamType::Int,
    ParamType::Float,
    ParamType::Text,
    ParamType::Bytes,
    ParamType::Bool,
    ParamType::Other,
];

/// The signature the `--!` lines at the top of `source` describe, and the names of the
/// directives it does not know (the fixtures refuse them, the fuzzer ignores them).
pub(crate) fn from_directives(source: &str) -> (Signature, Vec<String>) {
    let mut signature = Signature {
        return_text: "redis::Value".into(),
        ..Signature::default()
    };
    let mut unknown = Vec::new();
    let lines = source.lines().skip(usize::from(source.starts_with("#!")));
    for line in lines.map_while(|l| l.strip_prefix("--!")) {
        let (key, value) = line.split_once(':').unwrap_or((line, ""));
        let list = || {
            value
                .split(',')
                .filter(|s| !s.trim().is_empty())
                .map(param)
                .collect::<Vec<_>>()
        };
        match key.trim() {
            "keys" => signature.keys = list(),
            "args" => signature.args = list(),
            "returns" => {
                signature.returns = return_type(value);
                signature.return_text = value.trim().to_owned();
            }
            "read_only" => signature.read_only = true,
            "min_version" => match value.parse() {
                Ok(target) => signature.target = target,
                Err(_) => unknown.push(format!("min_version: {}", value.trim())),
            },
            level @ ("allow" | "warn" | "deny") => {
                let level = match level {
                    "allow" => Level::Allow,
                    "warn" => Level::Warn,
                    _ => Level::Deny,
                };
                signature.levels.push((value.trim().to_owned(), level));
            }
            other => unknown.push(other.to_owned()),
        }
    }
    (signature, unknown)
}

/// `name`, `name:type` or `name..` (a slice), any of them followed by `(prefix)`.
fn param(spec: &str) -> Param {
    let spec = spec.trim();
    let (spec, prefix) = match spec.strip_suffix("(prefix)") {
        Some(spec) => (spec.trim(), true),
        None => (spec, false),
    };
    let (spec, variadic) = match spec.strip_suffix("..") {
        Some(name) => (name, true),
        None => (spec, false),
    };
    let (name, ty) = spec.split_once(':').unwrap_or((spec, "text"));
    let ty = match ty.trim() {
        "i64" | "u64" | "usize" => ParamType::Int64,
        "i32" | "u32" | "int" => ParamType::Int,
        "f64" => ParamType::Float,
        "bytes" => ParamType::Bytes,
        "bool" => ParamType::Bool,
        "other" => ParamType::Other,
        _ => ParamType::Text,
    };
    let param = Param::new(name.trim(), ty, variadic);
    if prefix { param.prefix() } else { param }
}

/// A Rust return type as written, as the checker classifies it.
fn return_type(text: &str) -> ReturnType {
    let text = text.trim();
    if let Some(inner) = text.strip_prefix("Option<").and_then(|t| t.strip_suffix('>')) {
        return ReturnType::Option(Box::new(return_type(inner)));
    }
    match text {
        "i64" | "u64" | "i32" | "usize" => ReturnType::Integer,
        "f64" => ReturnType::Float,
        "bool" => ReturnType::Bool,
        "String" => ReturnType::Text,
        "Vec<u8>" => ReturnType::Bytes,
        "()" => ReturnType::Unit,
        t if t.starts_with("Json<") => ReturnType::Json,
        t if t.starts_with("Vec<") || t.starts_with("HashMap<") => ReturnType::List,
        // fields at the top level of the parentheses
        t if t.starts_with('(') => {
            let mut depth = 0usize;
            let commas = t.chars().filter(|c| {
                match c {
                    '(' | '<' | '[' => depth += 1,
                    ')' | '>' | ']' => depth = depth.saturating_sub(1),
                    _ => {}
                }
                *c == ',' && depth == 1
            });
            ReturnType::Tuple(commas.count() + 1)
        }
        _ => ReturnType::Any,
    }
}
