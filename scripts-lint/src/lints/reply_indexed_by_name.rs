use super::{Context, Lint, LintInfo, reply_command};
use crate::analysis::{NamedRead, Table, kind};
use crate::diagnostic::{Diagnostic, Level};

#[doc = include_str!("reply_indexed_by_name.md")]
pub(crate) struct ReplyIndexedByName;

impl Lint for ReplyIndexedByName {
    const INFO: LintInfo = LintInfo {
        name: "reply_indexed_by_name",
        default_level: Level::Deny,
        allowable: true,
        always_denied_because: None,
        summary: "a field read by name on an array, string or number reply (`HGETALL`, `GET`), which has none",
        doc: include_str!("reply_indexed_by_name.md"),
    };

    fn check(cx: &Context<'_>, out: &mut Vec<Diagnostic>) {
        for read in &cx.facts.named_reads {
            let command = reply_command(&read.base);
            let name = &read.name;
            if read.method {
                out.push(method_finding(read, &command));
                continue;
            }
            if read.base.table.is_none() && read.base.has(kind::STATUS | kind::ERROR) {
                // `ok` and `err` are not recorded
                out.push(
                    Self::finding(
                        read.range.clone(),
                        format!("{command} replies with a status reply, the table `{{ok = ...}}`, in a script: `.{name}` is always nil"),
                    )
                    .label("always nil")
                    .note("a status reply has one field, `ok`, its text (and an error reply under `redis.pcall` one, `err`)")
                    .help("read its text: `.ok`"),
                );
                continue;
            }
            let Some(Table::Reply(reply, _)) = read.base.table else {
                // a string or a number: no fields
                let (shape, outcome) = if read.base.has(kind::NUMBER) {
                    ("a number", "raises `attempt to index a number value`")
                } else if read.base.has(kind::REPLY) {
                    ("a string", "is always nil (a string's fields are the string library's)")
                } else {
                    ("`false` (a null reply)", "raises `attempt to index a boolean value`")
                };
                out.push(
                    Self::finding(read.range.clone(), format!("{command} replies with {shape} in a script: `.{name}` {outcome}"))
                        .label("no such field")
                        .note("only status (`.ok`) and error (`.err`) replies are tables with names")
                        .help("use the reply itself; for a JSON value, decode it first: `cjson.decode(reply).".to_owned() + name + "`"),
                );
                continue;
            };
            let (shape, help) = if reply.map {
                (
                    "a flat array `{field1, value1, field2, value2, ...}`",
                    format!(
                        "ask for the field (`HGET key '{name}'`), or walk the pairs: `for i = 1, #h, 2 do local field, value = h[i], h[i + 1] ... end`"
                    ),
                )
            } else {
                ("an array", "read its entries by position: `r[1]`, `r[2]`, ...".to_owned())
            };
            out.push(
                Self::finding(read.range.clone(), format!("{command} replies with {shape} in a script: `.{name}` is always nil"))
                    .label("always nil")
                    .note("scripts receive replies in RESP2, where maps are flat arrays")
                    .help(help),
            );
        }
    }
}

/// A method called on a reply that has none: a number, a status or error table, an array.
fn method_finding(read: &NamedRead, command: &str) -> Diagnostic {
    let name = &read.name;
    let (shape, outcome, help) = if read.base.has(kind::NUMBER) {
        (
            "a number",
            "raises `attempt to index a number value`".to_owned(),
            format!("call it on a string: `tostring(...)` of the number, or the reply meant (`:{name}(...)`)"),
        )
    } else if read.base.table.is_none() && read.base.has(kind::STATUS | kind::ERROR) {
        (
            "a status reply, the table `{ok = ...}`,",
            format!("raises `attempt to call method '{name}' (a nil value)`"),
            format!("call it on the status text: `.ok:{name}(...)`"),
        )
    } else if read.base.table.is_some() {
        (
            "an array",
            format!("raises `attempt to call method '{name}' (a nil value)`"),
            format!("call it on an element: `r[1]:{name}(...)`"),
        )
    } else if read.base.has(kind::REPLY) {
        (
            "a string",
            format!("raises `attempt to call method '{name}' (a nil value)`: the string library has no `{name}`"),
            "call a function of the string library (`upper`, `sub`, `find`, ...)".to_owned(),
        )
    } else {
        (
            "`false` (a null reply)",
            "raises `attempt to index a boolean value`".to_owned(),
            "test the reply first: `if r then ... end`".to_owned(),
        )
    };
    ReplyIndexedByName::finding(read.range.clone(), format!("{command} replies with {shape} in a script: `:{name}(...)` {outcome}"))
        .label("no such method")
        .note("only strings have methods (the string library's); a reply that is a number or a table has none")
        .help(help)
}
