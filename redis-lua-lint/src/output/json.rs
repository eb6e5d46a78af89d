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

use std::io::{self, Write};

use serde::Serialize;

use super::human::level_word;
use crate::lint::{Finding, Span, span_of};

#[derive(Serialize)]
struct Object<'a> {
    file: &'a str,
    line: Option<usize>,
    column: Option<usize>,
    end_line: Option<usize>,
    end_column: Option<usize>,
    start: Option<usize>,
    end: Option<usize>,
    lint: &'a str,
    level: &'a str,
    message: &'a str,
    help: Option<&'a str>,
    notes: &'a [String],
    labels: Vec<LabelObject<'a>>,
    script: &'a str,
    fix: Option<FixObject<'a>>,
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
        lint: d.lint,
        level: level_word(d.level),
        message: &d.message,
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
    }
}

/// A JSON array of findings, pretty-printed.
pub(super) fn array(out: &mut dyn Write, findings: &[Finding]) -> io::Result<()> {
    let objects: Vec<Object<'_>> = findings.iter().map(object).collect();
    serde_json::to_writer_pretty(&mut *out, &objects)?;
    writeln!(out)
}

/// One compact JSON object per line.
pub(super) fn lines(out: &mut dyn Write, findings: &[Finding]) -> io::Result<()> {
    for finding in findings {
        serde_json::to_writer(&mut *out, &object(finding))?;
        writeln!(out)?;
    }
    Ok(())
}
