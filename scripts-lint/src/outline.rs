//! [`outline`]: what an editor asks of a script at a place (hover, go to definition),
//! read from the same analysis the lints read: the commands it calls, its reads of
//! `KEYS` and `ARGV` (a library callback's `keys` and `args`), and every local where
//! it is declared and read, with what it can hold there.
//!
//! ```
//! let source = "local rcall = redis.call\nlocal n = rcall('ZADD', KEYS[1], 1, ARGV[1])\nreturn n\n";
//! let outline = scripts_lint::outline(source);
//! assert_eq!(outline.calls[0].command, Some("ZADD"));
//! assert_eq!(&source[outline.calls[0].name.clone()], "'ZADD'");
//! assert_eq!(outline.params[0].index, 1);
//! // `n` where it is returned: ZADD replies a number, or `false` when aborted
//! let n = outline.locals.iter().find(|l| &source[l.range.clone()] == "n" && l.range.start > 60).unwrap();
//! assert!(n.holds.contains("a number"), "{}", n.holds);
//! ```

use std::collections::BTreeMap;
use std::ops::Range;

use crate::analysis::{self, Func, Table, Value, kind};
use crate::redis::commands::{self, Resolved};
use crate::{parse, shebang};

/// What an editor asks of a script.
#[derive(Clone, Debug, Default)]
pub struct Outline {
    /// Each `redis.call`/`redis.pcall` (however it is reached) whose command is a literal.
    pub calls: Vec<Call>,
    /// Each `KEYS[i]`/`ARGV[i]` with a constant `i` (a callback's `keys[i]`/`args[i]`).
    pub params: Vec<ParamRead>,
    /// Each name of a local where it is declared or read, in source order.
    pub locals: Vec<LocalRef>,
}

/// A command call.
#[derive(Clone, Debug)]
pub struct Call {
    /// The whole call.
    pub range: Range<usize>,
    /// The command name's literal, quotes included.
    pub name: Range<usize>,
    /// The command or subcommand as the command table names it (`ZADD`,
    /// `OBJECT|ENCODING`); `None` when no server knows it.
    pub command: Option<&'static str>,
}

/// A read of `KEYS[i]` or `ARGV[i]`.
#[derive(Clone, Debug)]
pub struct ParamRead {
    /// `KEYS[1]`, the index expression included.
    pub range: Range<usize>,
    /// `KEYS` (else `ARGV`).
    pub key: bool,
    /// The 1-based index.
    pub index: usize,
    /// In a function library: the registered name of the function whose callback
    /// reads it (`None` in a script, or when callbacks of several functions share the
    /// helper that reads it).
    pub function: Option<String>,
}

/// A name of a local, where it is declared or read.
#[derive(Clone, Debug)]
pub struct LocalRef {
    /// The name.
    pub range: Range<usize>,
    /// Where its declaring name starts.
    pub declared: usize,
    /// What it can hold there, in Lua terms ("a number, or `false` (a null reply)").
    pub holds: String,
    /// The reply of which command(s) it holds, when it holds one.
    pub replies: Vec<&'static str>,
    /// For a local function: where its `function` keyword is.
    pub function: Option<usize>,
}

/// The outline of `source`, a script or a function library (`#!lua name=`); empty
/// when it does not parse.
pub fn outline(source: &str) -> Outline {
    let blanked = shebang::blank(source);
    let lua = blanked.as_deref().unwrap_or(source);
    let (compiled, nesting) = crate::compile(lua);
    let library = crate::library_line::read_library(source).name.is_some();
    let chunk = if library {
        parse::Chunk::Library
    } else {
        parse::Chunk::Script
    };
    crate::with_stack(crate::stack_needed(&nesting), || {
        let Ok(ast) = parse::parse_scanned(lua, &nesting, &compiled, chunk) else {
            return Outline::default();
        };
        let annotations = crate::annotation::read(lua, &ast);
        collect(analysis::analyse_outline(source, &ast, &annotations, library))
    })
}

fn collect(all: Vec<analysis::Facts>) -> Outline {
    let mut calls: BTreeMap<usize, Call> = BTreeMap::new();
    let mut params: BTreeMap<usize, ParamRead> = BTreeMap::new();
    // a helper's body is analysed once per call: what a name holds is joined over them
    let mut locals: BTreeMap<usize, (Range<usize>, usize, Value)> = BTreeMap::new();
    for (i, facts) in all.iter().enumerate() {
        // the first facts are the script's (a library's load); then one per registration
        let function: Option<String> = i
            .checked_sub(1)
            .and_then(|r| all[0].registrations.get(r))
            .and_then(|r| r.name.as_ref())
            .and_then(|(name, _)| name.as_deref())
            .map(str::to_owned);
        for call in &facts.calls {
            let Some(first) = call.args.first() else { continue };
            let Some(name) = first.literal() else { continue };
            let sub = call.args.get(1).and_then(|a| a.literal());
            let command = match commands::resolve(name, sub) {
                Resolved::Known(command) | Resolved::Container(command) | Resolved::UnknownSubcommand(command, _) => {
                    Some(command.name)
                }
                Resolved::Unknown(_) => None,
            };
            calls.entry(first.range.start).or_insert(Call {
                range: call.range.clone(),
                name: first.range.clone(),
                command,
            });
        }
        for (reads, key) in [(&facts.key_reads, true), (&facts.argv_reads, false)] {
            for (index, range) in reads {
                if *index >= 1.0 && index.fract() == 0.0 {
                    params
                        .entry(range.start)
                        .and_modify(|read| {
                            if read.function != function {
                                read.function = None;
                            }
                        })
                        .or_insert_with(|| ParamRead {
                            range: range.clone(),
                            key,
                            index: *index as usize,
                            function: function.clone(),
                        });
                }
            }
        }
        for (range, declared, value) in &facts.local_refs {
            locals
                .entry(range.start)
                .and_modify(|(_, _, joined)| *joined = joined.join(value))
                .or_insert_with(|| (range.clone(), *declared, value.clone()));
        }
    }
    Outline {
        calls: calls.into_values().collect(),
        params: params.into_values().collect(),
        locals: locals
            .into_values()
            .map(|(range, declared, value)| LocalRef {
                range,
                declared,
                holds: describe(&value),
                replies: value.reply.map(|r| r.command).into_iter().collect(),
                function: match value.func {
                    Some(Func::Local(offset)) if value.only(kind::FUNCTION) => Some(offset),
                    _ => None,
                },
            })
            .collect(),
    }
}

/// What a value can be, in Lua terms, the possibilities joined with "or".
fn describe(value: &Value) -> String {
    let mut parts: Vec<String> = Vec::new();
    let mut add = |bit: u32, text: String| {
        if value.has(bit) && !parts.contains(&text) {
            parts.push(text);
        }
    };
    add(kind::NUMBER, "a number".to_owned());
    add(
        kind::KEY,
        match value.key_index {
            Some(i) => format!("the key `KEYS[{i}]`"),
            None => "a key from `KEYS`".to_owned(),
        },
    );
    add(kind::DERIVED, "a key built from a `KEYS` entry".to_owned());
    add(
        kind::ARGV,
        match value.argv_index {
            Some(i) => format!("the string `ARGV[{i}]`"),
            None => "a string from `ARGV`".to_owned(),
        },
    );
    add(
        kind::STRING,
        match value.literals() {
            Some(words) if words.len() <= 4 => {
                let quoted: Vec<String> = words.iter().map(|w| format!("`'{w}'`")).collect();
                format!("the string {}", quoted.join(" or "))
            }
            _ => "a string".to_owned(),
        },
    );
    add(kind::CONCAT, "a string".to_owned());
    add(kind::REPLY, "a string (a bulk reply)".to_owned());
    add(kind::STATUS, "the status table `{ok = ...}`".to_owned());
    add(
        kind::ERROR,
        "the error table `{err = ...}` (from `redis.pcall`)".to_owned(),
    );
    add(kind::MISSING_FALSE, "`false` (a null reply)".to_owned());
    add(kind::MISSING_NIL, "`nil` (a null or missing value)".to_owned());
    add(kind::NIL, "`nil`".to_owned());
    add(
        kind::BOOL,
        match value.boolean {
            Some(b) => format!("`{b}`"),
            None => "a boolean".to_owned(),
        },
    );
    add(
        kind::TABLE,
        match value.table {
            Some(Table::Reply(reply, _)) if reply.map => {
                "a flat table of pairs `{field1, value1, ...}` (a map reply)".to_owned()
            }
            Some(Table::Reply(..)) => "a table (an array reply, indexed from 1)".to_owned(),
            Some(Table::Keys) => "the `KEYS` table".to_owned(),
            Some(Table::Argv) => "the `ARGV` table".to_owned(),
            Some(Table::Library(name)) => format!("the `{name}` library"),
            _ => "a table".to_owned(),
        },
    );
    add(kind::FUNCTION, "a function".to_owned());
    if value.has(kind::OPAQUE) || parts.is_empty() {
        parts.push("anything (the analysis cannot tell)".to_owned());
    }
    let mut text = parts.join(", or ");
    if let Some(reply) = value.reply {
        text.push_str(&format!(" (the reply of `{}`)", reply.command.replace('|', " ")));
    }
    text
}

#[cfg(test)]
mod tests {
    use super::*;

    fn at<'a>(source: &str, outline: &'a Outline, text: &str, nth: usize) -> &'a LocalRef {
        outline
            .locals
            .iter()
            .filter(|l| &source[l.range.clone()] == text)
            .nth(nth)
            .unwrap_or_else(|| panic!("no {text} #{nth}"))
    }

    #[test]
    fn locals_say_what_they_hold_where_they_are_read() {
        let source = "local function bump(key, by)\n  return redis.call('INCRBY', key, by)\nend\n\
                      local v = redis.call('GET', KEYS[1])\n\
                      if not v then return bump(KEYS[1], 1) end\nreturn v\n";
        let outline = outline(source);
        let declared = at(source, &outline, "v", 0);
        assert!(declared.holds.contains("`false` (a null reply)"), "{}", declared.holds);
        assert_eq!(declared.replies, ["GET"]);
        // narrowed by the guard: no longer `false` where it is returned
        let returned = at(source, &outline, "v", 2);
        assert_eq!(returned.range.start, source.rfind('v').unwrap());
        assert!(!returned.holds.contains("false"), "{}", returned.holds);
        assert!(returned.holds.contains("a string"), "{}", returned.holds);
        // a helper's call leads to its name
        let call = at(source, &outline, "bump", 1);
        assert_eq!(call.declared, source.find("bump").unwrap());
        assert!(call.function.is_some());
        let calls: Vec<_> = outline.calls.iter().map(|c| c.command).collect();
        assert_eq!(calls, [Some("INCRBY"), Some("GET")]);
        assert_eq!(outline.params.len(), 2);
        assert!(outline.params.iter().all(|p| p.key && p.index == 1));
    }

    #[test]
    fn a_library_callbacks_parameters_are_its_keys_and_arguments() {
        let source = "#!lua name=lib\nredis.register_function('get', function(keys, args)\n  return redis.call('GET', keys[1]) .. args[2]\nend)\n";
        let outline = outline(source);
        let reads: Vec<(bool, usize, &str)> = outline
            .params
            .iter()
            .map(|p| (p.key, p.index, &source[p.range.clone()]))
            .collect();
        assert_eq!(reads, [(true, 1, "keys[1]"), (false, 2, "args[2]")]);
        assert!(outline.params.iter().all(|p| p.function.as_deref() == Some("get")));
        assert!(super::outline("return redis.call('GET'").calls.is_empty());
    }

    #[test]
    fn a_read_belongs_to_the_function_whose_callback_makes_it() {
        let source = "#!lua name=lib\n\
                      local function current(keys) return redis.call('GET', keys[1]) end\n\
                      local function set(keys, args) redis.call('SET', keys[1], args[1]) return current(keys) end\n\
                      local function get(keys) return current(keys) end\n\
                      redis.register_function('set', set)\n\
                      redis.register_function{function_name = 'get', callback = get, flags = {'no-writes'}}\n";
        let outline = outline(source);
        let owner = |nth: usize, text: &str| {
            let at = source.match_indices(text).nth(nth).unwrap().0;
            let read = outline.params.iter().find(|p| p.range.start == at).unwrap();
            read.function.clone()
        };
        assert_eq!(owner(1, "keys[1]"), Some("set".to_owned()));
        assert_eq!(owner(0, "args[1]"), Some("set".to_owned()));
        // the helper both callbacks call: no one function
        assert_eq!(owner(0, "keys[1]"), None);
        let script = super::outline("return redis.call('GET', KEYS[1])");
        assert_eq!(script.params[0].function, None);
    }
}
