//! Shared by `keys_out_of_range`/`argv_out_of_range` and `unused_key`/`unused_arg`:
//! constant `KEYS[i]`/`ARGV[i]` reads against what the Rust signature passes.

use std::ops::Range;

use super::param_names;
use crate::Param;
use crate::diagnostic::ParamRef;

/// One of the two argument tables.
#[derive(Clone, Copy)]
pub(crate) enum Table {
    Keys,
    Argv,
}

impl Table {
    pub(crate) fn name(self) -> &'static str {
        match self {
            Table::Keys => "KEYS",
            Table::Argv => "ARGV",
        }
    }

    fn what(self) -> &'static str {
        match self {
            Table::Keys => "key",
            Table::Argv => "argument",
        }
    }

    fn param(self, index: usize) -> ParamRef {
        match self {
            Table::Keys => ParamRef::Key(index),
            Table::Argv => ParamRef::Arg(index),
        }
    }
}

/// A constant index read that can never hold a value: (range, message, help).
pub(crate) fn out_of_range(
    table: Table,
    reads: &[(f64, Range<usize>)],
    params: &[Param],
    host: crate::Host,
) -> Vec<(Range<usize>, String, String)> {
    let name = table.name();
    let fixed = params.iter().filter(|p| !p.variadic).count();
    let variadic = params.iter().any(|p| p.variadic);
    let mut out = Vec::new();
    for (index, range) in reads {
        if *index < 1.0 || index.fract() != 0.0 {
            let shown = format_index(*index);
            out.push((
                range.clone(),
                format!("`{name}[{shown}]` is always nil: `{name}` holds entries 1, 2, 3, ..."),
                format!("Lua tables start at 1: the first {} is `{name}[1]`", table.what()),
            ));
        } else if !variadic && *index > fixed as f64 {
            let shown = format_index(*index);
            let passed = match fixed {
                0 => format!("the function passes no {}s", table.what()),
                1 => format!("the function passes 1 {} ({})", table.what(), param_names(params)),
                n => format!("the function passes {n} {}s ({})", table.what(), param_names(params)),
            };
            out.push((
                range.clone(),
                format!("`{name}[{shown}]` is always nil: {passed}"),
                match (table, host) {
                    (Table::Keys, crate::Host::Rust) => "add a `#[key]` parameter for it, or read an entry that exists",
                    (Table::Keys, crate::Host::Header) => {
                        "add a key for it to the `--! keys:` header, or read an entry that exists"
                    }
                    (_, crate::Host::Rust) => "add a Rust parameter for it, or read an entry that exists",
                    (_, crate::Host::Header) => {
                        "add an argument for it to the `--! args:` header, or read an entry that exists"
                    }
                }
                .to_owned(),
            ));
        }
    }
    out
}

/// Declared parameters the script never reads: (parameter, message, help).
pub(crate) fn unused(
    table: Table,
    reads: &[(f64, Range<usize>)],
    dynamic: bool,
    params: &[Param],
) -> Vec<(ParamRef, String, String)> {
    if dynamic {
        return Vec::new();
    }
    let name = table.name();
    let mut out = Vec::new();
    for (i, param) in params.iter().enumerate() {
        let position = i + 1;
        if param.variadic {
            let read = reads.iter().any(|(index, _)| *index >= position as f64);
            if !read {
                out.push((
                    table.param(i),
                    format!(
                        "the {}s in `{}` (`{name}[{position}]` onwards) are never read by the script",
                        table.what(),
                        param.name
                    ),
                    format!(
                        "read them with `for i = {position}, #{name} do ... {name}[i] ... end`, or remove the parameter"
                    ),
                ));
            }
        } else if !reads.iter().any(|(index, _)| *index == position as f64) {
            out.push((
                table.param(i),
                format!(
                    "{} `{}` (`{name}[{position}]`) is never read by the script",
                    table.what(),
                    param.name
                ),
                format!("read it as `{name}[{position}]`, or remove the parameter"),
            ));
        }
    }
    out
}

fn format_index(index: f64) -> String {
    if index.fract() == 0.0 {
        format!("{}", index as i64)
    } else {
        format!("{index}")
    }
}
