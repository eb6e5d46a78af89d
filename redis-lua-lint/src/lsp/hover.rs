//! Hover: a command's documentation as a script sees it (summary, syntax, arity, key
//! positions, the reply in Lua, since when, whether the configured oldest server lets
//! a script call it), the declared parameter behind `KEYS[i]`/`ARGV[i]` (behind a
//! library callback's `keys[i]`/`args[i]`, its function's), and what a local holds. All
//! from the command documents and the analysis; nothing hand-written per command.

use std::path::Path;

use scripts_decl::scan::Declared;
use scripts_lint::header;
use scripts_lint::redis::commands::{self, BeginSearch, Command, FindKeys};
use scripts_lint::redis::{docs, replies, syntax};
use scripts_lint::{Outline, Param, ParamRead, ParamType, Signature, Target};

use super::context;
use super::project::Project;
use crate::{lint, rules};

/// What the file at `path` is checked with: a script's signature, or a function
/// library's declared functions, and the oldest server.
pub(crate) struct Signatures {
    /// A script's, when something declares it.
    pub(crate) script: Option<Signature>,
    /// A function library's functions by registered name, when the file is one (empty
    /// when nothing declares them).
    pub(crate) library: Option<Vec<(String, Signature)>>,
    pub(crate) target: Target,
}

impl Signatures {
    /// The signature behind a read of `KEYS`/`ARGV` (a library callback's parameters).
    fn of(&self, read: &ParamRead) -> Option<&Signature> {
        match (&self.library, &read.function) {
            (Some(functions), Some(name)) => functions.iter().find(|(n, _)| n == name).map(|(_, s)| s),
            (Some(_), None) => None,
            (None, _) => self.script.as_ref(),
        }
    }
}

/// What the file at `path` is checked with.
pub(crate) fn signatures(project: &Project, path: &Path, text: &str) -> Signatures {
    if let Some((_, declaration)) = project.declarations(path).first() {
        return match &declaration.declared {
            Declared::Script(signature) => Signatures {
                script: Some(signature.clone()),
                library: None,
                target: signature.target,
            },
            Declared::Library(library) => Signatures {
                script: None,
                library: Some(if library.declared {
                    library.functions.clone()
                } else {
                    Vec::new()
                }),
                target: library.target,
            },
        };
    }
    let (settings, _) = project.settings(path);
    let (signature, unknown, _, _) = lint::signature(&settings, path, &header::parse(text));
    let target = signature.target;
    let known = !(unknown.keys && unknown.args);
    Signatures {
        library: lint::is_library(text).then(Vec::new),
        script: known.then_some(signature),
        target,
    }
}

/// Markdown for what is at `offset`, if anything.
pub(crate) fn hover(
    text: &str,
    offset: usize,
    outline: &Outline,
    signatures: &Signatures,
) -> Option<(std::ops::Range<usize>, String)> {
    let target = signatures.target;
    if let Some(site) = context::command_at(text, offset) {
        let name = &text[site.name.clone()];
        let command = match &site.container {
            Some(container) => commands::subcommand(container, name),
            None => commands::lookup(name),
        }?;
        return Some((site.name, command_doc(command, target)));
    }
    if let Some(read) = outline.params.iter().find(|p| p.range.contains(&offset)) {
        let written = &text[read.range.clone()];
        let declared = signatures
            .of(read)
            .and_then(|s| param_at(if read.key { &s.keys } else { &s.args }, read.index));
        let passed = if read.key {
            "a key the caller passes"
        } else {
            "a string the caller passes"
        };
        let what = match (declared, &signatures.library, &read.function) {
            (Some(param), _, _) => describe_param(param, read.key),
            (None, Some(_), None) => format!("{passed} (callbacks of several functions reach this read)"),
            (None, Some(_), Some(name)) => format!("{passed} (nothing declares the function `{name}`)"),
            (None, None, _) if read.key => format!("{passed} (no signature declares the keys)"),
            (None, None, _) => format!("{passed} (no signature declares the arguments)"),
        };
        return Some((read.range.clone(), format!("`{written}`: {what}")));
    }
    if let Some(local) = outline
        .locals
        .iter()
        .find(|l| l.range.contains(&offset) || l.range.end == offset)
    {
        let name = &text[local.range.clone()];
        let mut out = format!("`{name}` holds {}", local.holds);
        for command in &local.replies {
            if replies::lookup(command).is_some_and(|reply| reply.map) {
                out.push_str(&format!(
                    "\n\n`{}` replies a map, which a script receives as a flat array of field, value pairs",
                    command.replace('|', " ")
                ));
            }
        }
        return Some((local.range.clone(), out));
    }
    None
}

/// A lint's explanation, as `redis-lua-lint --explain` prints it, for a finding under
/// the cursor.
pub(crate) fn explain(lint: &str) -> Option<String> {
    let rule = rules::find(lint)?;
    Some(format!(
        "**`{}`**: {}\n\n{}\n\n(`redis-lua-lint --explain {}`)",
        rule.name,
        rule.summary,
        rules::doc(rule),
        rule.name
    ))
}

/// The `index`-th (1-based) parameter, a slice taking the rest.
fn param_at(params: &[Param], index: usize) -> Option<&Param> {
    params.get(index - 1).or_else(|| params.last().filter(|p| p.variadic))
}

fn describe_param(param: &Param, key: bool) -> String {
    let ty = match param.ty {
        ParamType::Int64 => "a 64-bit integer (as a string; past 2^53 `tonumber` loses precision)",
        ParamType::Int => "an integer (as a string: `tonumber` it)",
        ParamType::Float => "a floating-point number (as a string: `tonumber` it)",
        ParamType::Text => "text",
        ParamType::Bytes => "bytes",
        ParamType::Bool => "a boolean (as the string `1` or `0`... as the client writes it)",
        ParamType::Other => "a value",
    };
    let role = if key {
        if param.prefix { "the key prefix" } else { "the key" }
    } else {
        "the argument"
    };
    let slice = if param.variadic { " (one of a slice)" } else { "" };
    format!("{role} `{}`{slice}: {ty}", param.name)
}

/// A command's documentation in Markdown.
pub(crate) fn command_doc(command: &Command, target: Target) -> String {
    let shown = command.name.replace('|', " ");
    let mut out = format!(
        "**{shown}** ({}, since {})",
        command.group.replace('_', " "),
        command.since
    );
    if let Some(doc) = docs::lookup(command.name) {
        out.push_str(&format!("\n\n{}", doc.summary));
    }
    if let Some(syntax) = syntax::syntax(command.name) {
        out.push_str(&format!("\n\n```\n{syntax}\n```"));
    }
    let words = if command.name.contains('|') { 2 } else { 1 };
    let arity = usize::from(command.arity.unsigned_abs()).saturating_sub(words);
    out.push_str(&format!(
        "\n\nArguments after the name: {} {arity}",
        if command.arity < 0 { "at least" } else { "exactly" }
    ));
    let keys = key_positions(command);
    if !keys.is_empty() {
        out.push_str(&format!("\n\nKeys: {keys}"));
    }
    if let Some(doc) = docs::lookup(command.name).filter(|d| !d.replies.is_empty()) {
        out.push_str("\n\nThe reply in Lua:");
        for (lua, when) in doc.replies {
            if when.is_empty() {
                out.push_str(&format!("\n- {lua}"));
            } else {
                out.push_str(&format!("\n- {lua}: {when}"));
            }
        }
    }
    let mut traits = Vec::new();
    if command.is_write() {
        traits.push("writes");
    } else if command.is_readonly() {
        traits.push("reads only");
    }
    if command.is_nondeterministic() {
        traits.push("its reply may differ between calls on the same data");
    }
    if command.is_blocking() {
        traits.push("blocking (never blocks inside a script)");
    }
    if !traits.is_empty() {
        out.push_str(&format!("\n\n{}", traits.join("; ")));
    }
    let verdict = if !target.has(command) {
        match Target::first_with(command) {
            Some(first) => format!("not on {}: it comes with {}", target.spelling(), first.spelling()),
            None => format!("not on {}", target.spelling()),
        }
    } else if target.refuses_in_scripts(command) {
        format!("refused inside scripts on {}", target.spelling())
    } else {
        format!("scripts may call it on {}", target.spelling())
    };
    out.push_str(&format!("\n\nWith `min_version` {}: {verdict}", target.spelling()));
    out
}

/// Where a command's keys are, in words (argument positions after the name).
fn key_positions(command: &Command) -> String {
    let words = if command.name.contains('|') { 2 } else { 1 };
    let mut parts = Vec::new();
    for spec in command.key_specs {
        let part = match (spec.begin, spec.find) {
            (BeginSearch::Index(i), FindKeys::Range { lastkey: 0, .. }) => {
                format!("argument {}", usize::from(i).saturating_sub(words - 1))
            }
            (BeginSearch::Index(i), FindKeys::Range { lastkey: -1, step, .. }) => {
                let from = usize::from(i).saturating_sub(words - 1);
                if step <= 1 {
                    format!("every argument from {from}")
                } else {
                    format!("argument {from} and every {step} arguments after it")
                }
            }
            (BeginSearch::Index(i), FindKeys::Range { lastkey, .. }) => format!(
                "arguments {} to {}",
                usize::from(i).saturating_sub(words - 1),
                (i as i32 + lastkey as i32 - (words as i32 - 1)).max(0)
            ),
            (BeginSearch::Index(i), FindKeys::Keynum { .. }) => format!(
                "a count at argument {}, then that many keys",
                usize::from(i).saturating_sub(words - 1)
            ),
            (BeginSearch::Keyword { keyword, .. }, _) => format!("after `{keyword}`"),
            _ => "found by the server (not described)".to_owned(),
        };
        if !parts.contains(&part) {
            parts.push(part);
        }
    }
    parts.join("; ")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn zadd_says_what_its_reply_is_in_lua() {
        let zadd = commands::lookup("ZADD").unwrap();
        let doc = command_doc(zadd, Target::Redis7_0);
        assert!(doc.starts_with("**ZADD** (sorted set, since 1.2.0)"), "{doc}");
        assert!(doc.contains("Adds one or more members to a sorted set"), "{doc}");
        assert!(doc.contains("ZADD key [NX | XX]"), "{doc}");
        assert!(doc.contains("Arguments after the name: at least 3"), "{doc}");
        assert!(doc.contains("Keys: argument 1"), "{doc}");
        assert!(doc.contains("- `false`: Operation was aborted"), "{doc}");
        assert!(doc.contains("scripts may call it on 7.0"), "{doc}");
        let hexpire = commands::lookup("HEXPIRE").unwrap();
        assert!(command_doc(hexpire, Target::Redis7_0).contains("not on 7.0: it comes with 7.4"));
        let blpop = commands::lookup("BLPOP").unwrap();
        assert!(command_doc(blpop, Target::Redis7_0).contains("refused inside scripts on 7.0"));
        let hgetall = command_doc(commands::lookup("HGETALL").unwrap(), Target::Redis7_0);
        assert!(hgetall.contains("a flat table of pairs"), "{hgetall}");
        let set = command_doc(commands::lookup("SET").unwrap(), Target::Redis7_0);
        assert!(set.contains("the status table `{ok = 'OK'}`"), "{set}");
        let mset = commands::lookup("MSET").unwrap();
        let doc = command_doc(mset, Target::Redis7_0);
        assert!(doc.contains("Keys: argument 1 and every 2 arguments after it"), "{doc}");
    }
}
