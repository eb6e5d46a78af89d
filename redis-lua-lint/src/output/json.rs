//! `json` and `json-lines`: one object per finding, with these fields (stable; new
//! fields may be added, none renamed or removed):
//!
//! | field | type | meaning |
//! |---|---|---|
//! | `file` | string | the file the finding is written in, `/`-separated, relative to the working directory when inside it |
//! | `line`, `column` | integer or null | where it starts, 1-based; the column counts characters. `null` for a finding about the file as a whole |
//! | `end_line`, `end_column` | integer or null | where it ends (exclusive) |
//! | `start`, `end` | integer or null | the same place as byte offsets into the file |
//! | `lint` | string | the lint's name, as written in `allow(...)` |
//! | `level` | string | `"error"` or `"warning"` |
//! | `message` | string | what is wrong, one line |
//! | `help` | string or null | what to write instead |
//! | `notes` | array of strings | extra facts |
//! | `labels` | array of objects | related places in the same file: `line`, `column`, `end_line`, `end_column`, `message` (string or null) |
//! | `script` | string | the script checked: differs from `file` when the finding is in a file it includes (the first such script in path order; `notes` names them all) |
//! | `fix` | object or null | the one certain fix (`redis-lua-lint --fix` applies it): `message` (string), `edits` (array of objects: `start`, `end` byte offsets into `file`, `line`, `column`, `end_line`, `end_column` as above, and `replacement`, the text written there; an insertion has `start` = `end`). `null` when the finding has none |
//! | `kind` | string | `"finding"` |
//!
//! After the findings, one object per script that reaches keys other than its `KEYS`
//! entries by building them from a prefix: `kind` is `"script"`, `lint` and `fix` are null, `level`
//! is `"note"`, `file` and `script` name the script, and `undeclared_keys` lists each
//! prefix (see [`KeysObject`]): a property of the script, not a finding.

use std::borrow::Cow;
use std::io::{self, Write};

use serde::Serialize;

use super::human::level_word;
use crate::lint::{Finding, KeysFromPrefix, Place, Span, span_of};

#[derive(Serialize)]
struct Object<'a> {
    file: &'a str,
    line: Option<usize>,
    column: Option<usize>,
    end_line: Option<usize>,
    end_column: Option<usize>,
    start: Option<usize>,
    end: Option<usize>,
    /// `None` (null) for a script's record only
    lint: Option<&'a str>,
    level: &'a str,
    message: Cow<'a, str>,
    help: Option<&'a str>,
    notes: &'a [String],
    labels: Vec<LabelObject<'a>>,
    script: &'a str,
    fix: Option<FixObject<'a>>,
    kind: &'static str,
}

#[derive(Serialize)]
struct FixObject<'a> {
    message: &'a str,
    edits: Vec<EditObject<'a>>,
}

#[derive(Serialize)]
struct EditObject<'a> {
    start: usize,
    end: usize,
    line: usize,
    column: usize,
    end_line: usize,
    end_column: usize,
    replacement: &'a str,
}

/// A script's keys built from prefixes: the finding fields (null where they do not
/// apply), then `undeclared_keys`.
#[derive(Serialize)]
struct ScriptObject<'a> {
    #[serde(flatten)]
    fields: Object<'a>,
    undeclared_keys: Vec<KeysObject<'a>>,
}

/// One prefix the script builds keys from.
#[derive(Serialize)]
pub(super) struct KeysObject<'a> {
    /// `KEYS[1]`, `ARGV[3]`, or the annotated value as written (`args[1]`).
    from: &'a str,
    /// The declared parameter's name, when a declaration names it.
    param: Option<&'a str>,
    /// `key prefix`, `argument prefix`, `annotated prefix` or `annotated key`.
    role: &'static str,
    /// `signature`, `file name` or `nothing` (a key whose role nothing declares, taken
    /// as a prefix because the script appends to it), `annotation`.
    declared_by: &'static str,
    /// A caller can check the value's hash tag before sending: false for an annotated
    /// value, which travels inside another argument.
    tag_checkable: bool,
    /// The key's slot is the slot of a declared key (a `KEYS` prefix): false for an
    /// argument or an annotated value, whose keys need the prefix in that slot.
    in_declared_slot: bool,
    /// Where an annotation declares it.
    declared_at: Option<PlaceObject<'a>>,
    /// Where the script passes keys built from it to commands.
    uses: Vec<PlaceObject<'a>>,
}

#[derive(Serialize)]
pub(super) struct PlaceObject<'a> {
    file: &'a str,
    line: usize,
    column: usize,
}

fn place(place: &Place) -> PlaceObject<'_> {
    PlaceObject {
        file: &place.file,
        line: place.span.start.line,
        column: place.span.start.column,
    }
}

pub(super) fn keys_object(keys: &KeysFromPrefix) -> KeysObject<'_> {
    KeysObject {
        from: &keys.from,
        param: keys.param.as_deref(),
        role: keys.role,
        declared_by: keys.declared_by,
        tag_checkable: keys.tag_checkable,
        in_declared_slot: !keys.outside_keys(),
        declared_at: keys.declared_at.as_ref().map(place),
        uses: keys.uses.iter().map(place).collect(),
    }
}

/// The message of a script's record: which prefixes.
pub(super) fn keys_message(keys: &[KeysFromPrefix]) -> String {
    let from: Vec<String> = keys
        .iter()
        .map(|k| match &k.param {
            Some(param) => format!("`{}` (`{param}`)", k.from),
            None => format!("`{}`", k.from),
        })
        .collect();
    format!(
        "the script reaches keys it does not declare in `KEYS`, built from {}",
        from.join(", ")
    )
}

/// The help of a script's record.
pub(super) const KEYS_HELP: &str = "on Redis Cluster every prefix needs a hash tag, of the declared keys' slot for an argument or an annotated value (`bull:{orders}:`); Dragonfly and Kvrocks run such scripts only with their undeclared-keys option";

fn script_object<'a>(script: &'a str, keys: &'a [KeysFromPrefix]) -> ScriptObject<'a> {
    ScriptObject {
        fields: Object {
            file: script,
            line: None,
            column: None,
            end_line: None,
            end_column: None,
            start: None,
            end: None,
            lint: None,
            level: "note",
            message: Cow::Owned(keys_message(keys)),
            help: Some(KEYS_HELP),
            notes: &[],
            labels: Vec::new(),
            script,
            fix: None,
            kind: "script",
        },
        undeclared_keys: keys.iter().map(keys_object).collect(),
    }
}

#[derive(Serialize)]
struct LabelObject<'a> {
    line: usize,
    column: usize,
    end_line: usize,
    end_column: usize,
    message: Option<&'a str>,
}

fn object(finding: &Finding) -> Object<'_> {
    let span: Option<&Span> = finding.span.as_ref();
    let d = &finding.diagnostic;
    Object {
        file: &finding.source.shown,
        line: span.map(|s| s.start.line),
        column: span.map(|s| s.start.column),
        end_line: span.map(|s| s.end.line),
        end_column: span.map(|s| s.end.column),
        start: span.map(|s| s.range.start),
        end: span.map(|s| s.range.end),
        lint: Some(d.lint),
        level: level_word(d.level),
        message: Cow::Borrowed(&d.message),
        help: d.help.as_deref(),
        notes: &d.notes,
        labels: finding
            .labels
            .iter()
            .map(|(span, message)| LabelObject {
                line: span.start.line,
                column: span.start.column,
                end_line: span.end.line,
                end_column: span.end.column,
                message: message.as_deref(),
            })
            .collect(),
        script: &finding.script,
        fix: d.fix.as_ref().map(|fix| FixObject {
            message: &fix.message,
            edits: fix
                .edits
                .iter()
                .map(|edit| {
                    let span = span_of(&finding.source, &edit.range);
                    EditObject {
                        start: span.range.start,
                        end: span.range.end,
                        line: span.start.line,
                        column: span.start.column,
                        end_line: span.end.line,
                        end_column: span.end.column,
                        replacement: &edit.replacement,
                    }
                })
                .collect(),
        }),
        kind: "finding",
    }
}

/// One object of the output: a finding or a script's record.
#[derive(Serialize)]
#[serde(untagged)]
enum Entry<'a> {
    Finding(Object<'a>),
    Script(ScriptObject<'a>),
}

/// Every object of a run: the findings, then the scripts' records.
fn all<'a>(findings: &'a [Finding], prefixed: &'a [(String, Vec<KeysFromPrefix>)]) -> Vec<Entry<'a>> {
    let findings = findings.iter().map(|f| Entry::Finding(object(f)));
    let scripts = prefixed
        .iter()
        .map(|(script, keys)| Entry::Script(script_object(script, keys)));
    findings.chain(scripts).collect()
}

/// A JSON array of findings and scripts' records, pretty-printed.
///
/// The JSON formats are serialised into memory and written at once: serde_json writes
/// each token and indentation separately, a call through `out` apiece otherwise.
pub(super) fn array(
    out: &mut dyn Write,
    findings: &[Finding],
    prefixed: &[(String, Vec<KeysFromPrefix>)],
) -> io::Result<()> {
    let mut text = serde_json::to_vec_pretty(&all(findings, prefixed))?;
    text.push(b'\n');
    out.write_all(&text)
}

/// One compact JSON object per line.
pub(super) fn lines(
    out: &mut dyn Write,
    findings: &[Finding],
    prefixed: &[(String, Vec<KeysFromPrefix>)],
) -> io::Result<()> {
    let mut text = Vec::new();
    for entry in all(findings, prefixed) {
        serde_json::to_writer(&mut text, &entry)?;
        text.push(b'\n');
    }
    out.write_all(&text)
}
