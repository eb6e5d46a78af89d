//! One check for an editor: the findings in one open file, by the command line's own
//! path (`lint`, `run`: headers, configuration, includes, inline suppressions), or as
//! the build checks it when a Rust declaration names the file; then turned into LSP
//! diagnostics and quick fixes in the negotiated position encoding.

use std::collections::HashMap;
use std::path::PathBuf;
use std::sync::Arc;

use lsp_types::{
    Diagnostic, DiagnosticRelatedInformation, DiagnosticSeverity, Location, NumberOrString, TextEdit, Uri,
};
use scripts_lint::Level;

use super::document::uri_of;
use super::position::{Encoding, Lines};
use super::project::Project;
use crate::files::{self, Input};
use crate::lint::{self, Finding};
use crate::{paths, rules, run};

/// What a check needs, taken from the server's state when it starts.
pub(crate) struct Job {
    pub(crate) uri: Uri,
    pub(crate) path: PathBuf,
    pub(crate) version: i32,
    pub(crate) generation: u64,
    pub(crate) text: Arc<str>,
    /// Every open file's text, by path: used instead of the disk.
    pub(crate) open: HashMap<PathBuf, Arc<str>>,
    pub(crate) project: Arc<Project>,
    pub(crate) encoding: Encoding,
}

/// A finding's one certain fix, as the edit an editor applies.
#[derive(Clone, Debug)]
pub(crate) struct QuickFix {
    pub(crate) title: String,
    pub(crate) diagnostic: Diagnostic,
    pub(crate) edits: Vec<TextEdit>,
}

/// The outcome of a check.
pub(crate) struct Checked {
    pub(crate) uri: Uri,
    pub(crate) version: i32,
    pub(crate) generation: u64,
    pub(crate) diagnostics: Vec<Diagnostic>,
    pub(crate) fixes: Vec<QuickFix>,
    /// What the user should hear of once: an invalid configuration, a checker bug.
    pub(crate) problems: Vec<String>,
}

/// Checks the file of `job`.
pub(crate) fn check(job: &Job) -> Checked {
    let mut problems = Vec::new();
    let path = &job.path;
    let declared = job.project.declarations(path);
    let findings: Vec<Finding> = if !declared.is_empty() {
        let mut findings: Vec<Finding> = Vec::new();
        for (_, declaration) in &declared {
            let shown = path.to_string_lossy();
            for finding in lint::declared(path, &shown, job.text.clone(), &declaration.declared).findings {
                // a file two declarations name: each finding once
                if !findings.iter().any(|f| f.key() == finding.key()) {
                    findings.push(finding);
                }
            }
        }
        findings
    } else {
        let (settings, problem) = job.project.settings(path);
        problems.extend(problem);
        let files_checked = if settings.includes {
            job.project.sharing_a_check(path)
        } else {
            vec![path.clone()]
        };
        let inputs: Vec<Input> = files_checked
            .into_iter()
            .filter_map(|file| {
                let text = if file == *path {
                    job.text.clone()
                } else {
                    match job.open.get(&file) {
                        Some(text) => text.clone(),
                        None => files::read_text(&file).ok()?,
                    }
                };
                Some(Input {
                    shown: paths::display(&file, &settings.cwd),
                    path: file,
                    text,
                })
            })
            .collect();
        let run = run::check_all(&settings, inputs, job.open.clone());
        problems.extend(run.input_errors);
        run.findings.into_iter().filter(|f| f.source.path == *path).collect()
    };

    let lines = Lines::new(&job.text, job.encoding);
    let mut diagnostics = Vec::new();
    let mut fixes = Vec::new();
    for finding in &findings {
        let diagnostic = to_lsp(finding, &job.uri, &lines, &declared);
        if let Some(fix) = &finding.diagnostic.fix {
            fixes.push(QuickFix {
                title: fix.message.clone(),
                diagnostic: diagnostic.clone(),
                edits: fix
                    .edits
                    .iter()
                    .map(|edit| TextEdit::new(lines.range(&edit.range), edit.replacement.clone()))
                    .collect(),
            });
        }
        diagnostics.push(diagnostic);
    }
    Checked {
        uri: job.uri.clone(),
        version: job.version,
        generation: job.generation,
        diagnostics,
        fixes,
        problems,
    }
}

/// One finding as an LSP diagnostic: the lint's name as its code, its help and notes
/// in the message, its labels as related places, and what the lint is about (its
/// one-line summary and the command that explains it) in `data`.
fn to_lsp(
    finding: &Finding,
    uri: &Uri,
    lines: &Lines<'_>,
    declared: &[(&std::path::Path, &scripts_decl::scan::Declaration)],
) -> Diagnostic {
    let d = &finding.diagnostic;
    let range = match &finding.span {
        Some(span) => lines.range(&span.range),
        None => lsp_types::Range::default(),
    };
    let mut message = d.message.clone();
    if let Some(help) = &d.help {
        message.push_str(&format!("\nhelp: {help}"));
    }
    for note in &d.notes {
        message.push_str(&format!("\nnote: {note}"));
    }
    let mut related: Vec<DiagnosticRelatedInformation> = finding
        .labels
        .iter()
        .map(|(span, label)| DiagnosticRelatedInformation {
            location: Location::new(uri.clone(), lines.range(&span.range)),
            message: label.clone().unwrap_or_else(|| "related".to_owned()),
        })
        .collect();
    if finding.span.is_none() {
        // about a parameter of the Rust declaration: point at it
        for (rust, declaration) in declared {
            if let Some(rust_uri) = uri_of(rust) {
                let at = lsp_types::Position::new(declaration.at.0.saturating_sub(1) as u32, declaration.at.1 as u32);
                related.push(DiagnosticRelatedInformation {
                    location: Location::new(rust_uri, lsp_types::Range::new(at, at)),
                    message: format!("declared by `{}`", declaration.name),
                });
            }
        }
    }
    let summary = rules::find(d.lint).map(|rule| rule.summary);
    Diagnostic {
        range,
        severity: Some(match d.level {
            Level::Deny => DiagnosticSeverity::ERROR,
            Level::Warn | Level::Allow => DiagnosticSeverity::WARNING,
        }),
        code: Some(NumberOrString::String(d.lint.to_owned())),
        code_description: None,
        source: Some("redis-lua-lint".to_owned()),
        message,
        related_information: (!related.is_empty()).then_some(related),
        tags: None,
        data: Some(serde_json::json!({
            "lint": d.lint,
            "summary": summary,
            "explain": format!("redis-lua-lint --explain {}", d.lint),
        })),
    }
}
