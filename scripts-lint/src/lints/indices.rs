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

    /// The header directive that declares the table's entries: `keys`, `args`.
    fn directive(self) -> &'static str {
        match self {
            Table::Keys => "keys",
            Table::Argv => "args",
        }
    }

    /// "a key", "an argument".
    fn a(self) -> &'static str {
        match self {
            Table::Keys => "a key",
            Table::Argv => "an argument",
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
            let count = match fixed {
                0 => format!("no {}s", table.what()),
                1 => format!("1 {}", table.what()),
                n => format!("{n} {}s", table.what()),
            };
            // where the count comes from, and how to change it there
            let header = table.directive();
            let names = if fixed == 0 {
                String::new()
            } else {
                format!(" ({})", param_names(params))
            };
            let passed = match host {
                crate::Host::Rust => format!("the function passes {count}{names}"),
                crate::Host::Header => format!("the `--! {header}:` header declares {count}{names}"),
                crate::Host::Config => {
                    format!("its `signature` in `redis-lua-lint.toml` declares {count}{names}")
                }
                crate::Host::FileName => format!("its file name says it takes {count}"),
            };
            let add = match host {
                crate::Host::Rust => match table {
                    Table::Keys => "add a `#[key]` parameter for it".to_owned(),
                    Table::Argv => "add a Rust parameter for it".to_owned(),
                },
                crate::Host::Header => format!("add {} for it to the `--! {header}:` header", table.a()),
                crate::Host::Config => {
                    format!(
                        "add {} for it to the `{header}:` of its `signature` in `redis-lua-lint.toml`",
                        table.a()
                    )
                }
                crate::Host::FileName => {
                    format!(
                        "if the script takes {shown} {}s, end its file name with `-{shown}.lua`",
                        table.what()
                    )
                }
            };
            out.push((
                range.clone(),
                format!("`{name}[{shown}]` is always nil: {passed}"),
                format!("{add}, or read an entry that exists"),
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
    host: crate::Host,
) -> Vec<(ParamRef, String, String)> {
    if dynamic {
        return Vec::new();
    }
    let header = table.directive();
    let remove = match host {
        crate::Host::Rust => "remove the parameter".to_owned(),
        crate::Host::Header => format!("remove it from the `--! {header}:` header"),
        crate::Host::Config => "remove it from its `signature` in `redis-lua-lint.toml`".to_owned(),
        crate::Host::FileName => "lower the count its file name ends with".to_owned(),
    };
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
                    format!("read them with `for i = {position}, #{name} do ... {name}[i] ... end`, or {remove}"),
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
                format!("read it as `{name}[{position}]`, or {remove}"),
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
