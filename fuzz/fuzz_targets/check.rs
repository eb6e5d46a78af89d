//! Fuzz target: `scripts_lint::check` and `scripts_lint::render` must never panic
//! or hang, whatever the script text and whatever the Rust signature.
//!
//! Input layout:
//! - no `0xFF` byte (every seed, every UTF-8 text): the whole input is the script,
//!   and the signature comes from its `--!` header lines ([`scripts_lint::header`]),
//!   as in the lint fixtures
//!   (`--! keys: a, rest..`, `--! args: n:i64`, `--! returns: Option<i64>`,
//!   `--! read_only`, `--! deny: lint_name`), so the seeds run with the signature
//!   they were written for;
//! - otherwise the bytes before the last `0xFF` are the script (lossy UTF-8) and the
//!   bytes after it pick the signature (see [`signature_from_bytes`]).
//!
//! Run: `cargo +nightly fuzz run check fuzz/corpus/check fuzz/seeds scripts-lint/tests/lints --
//! -dict=fuzz/lua.dict -timeout=5` (more in docs/reliability.md).

#![no_main]

use libfuzzer_sys::fuzz_target;
use scripts_lint::{Host, Level, Param, ParamType, ReturnType, Signature, SourceMap, Target, check, header, lints, render};

fuzz_target!(|data: &[u8]| {
    let (script, signature) = match data.iter().rposition(|&b| b == 0xFF) {
        Some(split) => (&data[..split], signature_from_bytes(&data[split + 1..])),
        None => {
            let text = String::from_utf8_lossy(data);
            // a header's mistakes do not matter here: what it could read is the signature
            (data, header::parse(&text).signature)
        }
    };
    let source = String::from_utf8_lossy(script);
    let report = check(&source, &signature);

    // as a `.lua` file, and as the raw string literal `r#"..."#` at line 3, column 9
    let file = SourceMap::file("fuzz.lua", &source);
    let host = format!("r#\"{source}\"#");
    let literal = SourceMap::embedded("src/lib.rs", &host, 3, 9, vec![(0, 3)]);
    for diagnostic in &report.diagnostics {
        let text = render(diagnostic, &source, &file);
        assert!(text.starts_with('['), "a rendering starts with its lint: {text}");
        let _ = render(diagnostic, &source, &literal);
    }
    let _ = report.has_errors();
});

const TYPES: [ParamType; 7] = ParamType::ALL;

/// One of the return types, with how it is written.
fn return_type(pick: u8) -> (&'static str, ReturnType) {
    match pick % 11 {
        0 => ("redis::Value", ReturnType::Any),
        1 => ("()", ReturnType::Unit),
        2 => ("i64", ReturnType::Integer),
        3 => ("f64", ReturnType::Float),
        4 => ("bool", ReturnType::Bool),
        5 => ("String", ReturnType::Text),
        6 => ("Vec<u8>", ReturnType::Bytes),
        7 => ("Vec<String>", ReturnType::List),
        8 => ("(i64, String)", ReturnType::Tuple(2)),
        9 => ("Json<T>", ReturnType::Json),
        _ => ("", ReturnType::Any),
    }
}

const LEVELS: [Level; 3] = [Level::Allow, Level::Warn, Level::Deny];

/// The signature picked by the bytes after the last `0xFF`:
/// - `b[0]`: low nibble the number of keys, high nibble the number of arguments;
/// - `b[1]`: bit 0 `read_only`, bits 1..=4 the return type, bits 5..=6 how many
///   `Option<...>` wrap it, bit 7 whether the first key is a prefix;
/// - `b[2]`, `b[3]` and `b[4]`, `b[5]`: up to two level overrides, each a lint
///   (0 none, past the end an unknown name) and a level;
/// - `b[6..]`: one byte per parameter, keys first: its type, bit 7 a slice;
/// - the byte after the parameters: the target server (`min_version`).
fn signature_from_bytes(b: &[u8]) -> Signature {
    let at = |i: usize| b.get(i).copied().unwrap_or(0);
    let (keys, args) = (usize::from(at(0) & 0x0F), usize::from(at(0) >> 4));
    let param = |i: usize, prefix: &str| {
        let spec = at(6 + i);
        Param::new(
            format!("{prefix}{i}"),
            TYPES[usize::from(spec & 0x7F) % TYPES.len()],
            spec & 0x80 != 0,
        )
    };
    let (text, mut returns) = return_type((at(1) >> 1) & 0x0F);
    let mut return_text = text.to_owned();
    for _ in 0..(at(1) >> 5) & 0x03 {
        returns = ReturnType::Option(Box::new(returns));
        return_text = format!("Option<{return_text}>");
    }
    let mut levels = Vec::new();
    for (lint, level) in [(at(2), at(3)), (at(4), at(5))] {
        if lint == 0 {
            continue;
        }
        let name = match lints::ALL.get(usize::from(lint - 1)) {
            Some(info) => info.name.to_owned(),
            None => format!("no_such_lint_{lint}"),
        };
        levels.push((name, LEVELS[usize::from(level) % LEVELS.len()]));
    }
    let mut keys: Vec<Param> = (0..keys).map(|i| param(i, "key")).collect();
    if let Some(first) = keys.first_mut().filter(|_| at(1) & 0x80 != 0) {
        first.prefix = true;
    }
    let target = Target::ALL[usize::from(at(6 + keys.len() + args)) % Target::ALL.len()];
    Signature {
        args: (keys.len()..keys.len() + args).map(|i| param(i, "arg")).collect(),
        keys,
        returns,
        return_text,
        read_only: at(1) & 1 != 0,
        levels,
        target,
        // the `--!` directives path gives header wording
        host: Host::Rust,
    }
}
