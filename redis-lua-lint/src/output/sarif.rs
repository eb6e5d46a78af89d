//! `sarif`: a SARIF 2.1.0 log for code scanning, with every lint as a rule (its summary,
//! its documentation, its default level).

use std::io::{self, Write};

use scripts_lint::Level;
use scripts_lint::lints::LintInfo;
use serde_json::{Value, json};

use crate::lint::{Finding, KeysFromPrefix, Span, span_of};
use crate::rules;

fn sarif_level(level: Level) -> &'static str {
    match level {
        Level::Deny => "error",
        Level::Warn => "warning",
        Level::Allow => "none",
    }
}

fn rule(rule: &&LintInfo) -> Value {
    let doc = rules::doc(rule);
    json!({
        "id": rule.name,
        "name": rule.name,
        "shortDescription": { "text": rule.summary },
        "fullDescription": { "text": rule.summary },
        "help": { "text": doc, "markdown": doc },
        "defaultConfiguration": { "level": sarif_level(rule.default_level) },
        "properties": { "tags": ["redis", "lua"] },
    })
}

/// A file name as a URI reference: relative names stay relative (to the directory the
/// command ran in, which code scanning takes as the repository root), absolute ones
/// become `file:` URIs.
fn uri(shown: &str) -> String {
    let mut out = String::with_capacity(shown.len());
    if shown.starts_with('/') {
        out.push_str("file://");
    }
    for byte in shown.bytes() {
        match byte {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'.' | b'_' | b'~' | b'/' => out.push(byte as char),
            other => out.push_str(&format!("%{other:02X}")),
        }
    }
    out
}

fn region(span: &Span) -> Value {
    json!({
        "startLine": span.start.line,
        "startColumn": span.start.column,
        "endLine": span.end.line,
        "endColumn": span.end.column,
    })
}

fn location(uri: &str, span: Option<&Span>) -> Value {
    let mut physical = json!({ "artifactLocation": { "uri": uri } });
    if let Some(span) = span {
        physical["region"] = region(span);
    }
    json!({ "physicalLocation": physical })
}

fn result(finding: &Finding, rules: &[&LintInfo]) -> Value {
    let d = &finding.diagnostic;
    let uri = uri(&finding.source.shown);
    let mut text = d.message.clone();
    if let Some(help) = &d.help {
        text += &format!("\nhelp: {help}");
    }
    let mut result = json!({
        "ruleId": d.lint,
        "level": sarif_level(d.level),
        "message": { "text": text },
        "locations": [location(&uri, finding.span.as_ref())],
    });
    if let Some(index) = rules.iter().position(|r| r.name == d.lint) {
        result["ruleIndex"] = json!(index);
    }
    let related: Vec<Value> = finding
        .labels
        .iter()
        .enumerate()
        .map(|(id, (span, message))| {
            let mut related = location(&uri, Some(span));
            related["id"] = json!(id);
            if let Some(message) = message {
                related["message"] = json!({ "text": message });
            }
            related
        })
        .collect();
    if !related.is_empty() {
        result["relatedLocations"] = json!(related);
    }
    if let Some(fix) = &d.fix {
        // the edits, as SARIF's replacements of regions of the file (an empty region
        // is an insertion)
        let replacements: Vec<Value> = fix
            .edits
            .iter()
            .map(|edit| {
                let span = span_of(&finding.source, &edit.range);
                let mut deleted = region(&span);
                deleted["byteOffset"] = json!(span.range.start);
                deleted["byteLength"] = json!(span.range.len());
                json!({ "deletedRegion": deleted, "insertedContent": { "text": edit.replacement } })
            })
            .collect();
        result["fixes"] = json!([{
            "description": { "text": fix.message },
            "artifactChanges": [{ "artifactLocation": { "uri": uri }, "replacements": replacements }],
        }]);
    }
    result
}

/// A script that builds keys from prefixes, as an artifact whose property bag lists
/// them (a property of the file, not a result: code scanning shows no alert for it).
fn artifact(script: &str, keys: &[KeysFromPrefix]) -> Value {
    json!({
        "location": { "uri": uri(script) },
        "roles": ["analysisTarget"],
        "properties": {
            "undeclaredKeys": keys.iter().map(|k| serde_json::to_value(super::json::keys_object(k)).expect("plain data serializes")).collect::<Vec<_>>(),
            "undeclaredKeysSummary": super::json::keys_message(keys),
            "undeclaredKeysHelp": super::json::KEYS_HELP,
        },
    })
}

pub(super) fn document(
    out: &mut dyn Write,
    findings: &[Finding],
    prefixed: &[(String, Vec<KeysFromPrefix>)],
) -> io::Result<()> {
    let rules = rules::all();
    let log = json!({
        "$schema": "https://json.schemastore.org/sarif-2.1.0.json",
        "version": "2.1.0",
        "runs": [{
            "tool": {
                "driver": {
                    "name": "redis-lua-lint",
                    "version": env!("CARGO_PKG_VERSION"),
                    "rules": rules.iter().map(rule).collect::<Vec<_>>(),
                }
            },
            // columns count characters, as the other formats do
            "columnKind": "unicodeCodePoints",
            "results": findings.iter().map(|f| result(f, &rules)).collect::<Vec<_>>(),
        }],
    });
    let mut log = log;
    if !prefixed.is_empty() {
        log["runs"][0]["artifacts"] = json!(
            prefixed
                .iter()
                .map(|(script, keys)| artifact(script, keys))
                .collect::<Vec<_>>()
        );
    }
    let mut text = serde_json::to_vec_pretty(&log)?;
    text.push(b'\n');
    out.write_all(&text)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn file_names_become_uri_references() {
        assert_eq!(uri("lua/lock.lua"), "lua/lock.lua");
        assert_eq!(uri("my scripts/a+b.lua"), "my%20scripts/a%2Bb.lua");
        assert_eq!(uri("/abs/x.lua"), "file:///abs/x.lua");
        assert_eq!(uri("é.lua"), "%C3%A9.lua");
    }
}
