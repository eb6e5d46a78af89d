//! Completion: command names (and a container's subcommands) inside the quotes of a
//! command call, with their syntax and summary; `KEYS[n]`/`ARGV[n]` with the declared
//! names; the `redis.*` API and the Lua 5.1 library as Redis exposes it (the checker's
//! table of globals: no `os`, `io`, `require`).

use lsp_types::{
    CompletionItem, CompletionItemKind, CompletionTextEdit, Documentation, MarkupContent, MarkupKind, TextEdit,
};
use scripts_lint::redis::commands::{self, Command};
use scripts_lint::redis::globals::{self, Kind};
use scripts_lint::redis::{docs, syntax};
use scripts_lint::{Param, Signature, Target};

use super::context::{self, Typing};
use super::position::Lines;

/// The completions at `offset` of `text`.
pub(crate) fn complete(
    text: &str,
    offset: usize,
    lines: &Lines<'_>,
    signature: Option<&Signature>,
    target: Target,
) -> Vec<CompletionItem> {
    let Some(typing) = context::typing(text, offset) else {
        return Vec::new();
    };
    match typing {
        Typing::Command(site) => {
            let typed = &text[site.name.start..offset.max(site.name.start)];
            let edit_range = lines.range(&site.name);
            let candidates: Vec<(&'static Command, String)> = match &site.container {
                Some(container) => {
                    let prefix = format!("{}|", container.to_ascii_uppercase());
                    commands::all()
                        .iter()
                        .filter_map(|c| c.name.strip_prefix(&prefix).map(|sub| (c, sub.to_owned())))
                        .collect()
                }
                None => commands::all()
                    .iter()
                    .filter(|c| !c.name.contains('|'))
                    .map(|c| (c, c.name.to_owned()))
                    .collect(),
            };
            candidates
                .into_iter()
                .filter(|(c, label)| {
                    label.to_ascii_uppercase().starts_with(&typed.to_ascii_uppercase())
                        && target.has(c)
                        && !target.refuses_in_scripts(c)
                })
                .map(|(command, label)| {
                    // in the case the user writes names in
                    let label = if typed.chars().any(|c| c.is_ascii_lowercase()) {
                        label.to_ascii_lowercase()
                    } else {
                        label
                    };
                    CompletionItem {
                        label: label.clone(),
                        kind: Some(CompletionItemKind::FUNCTION),
                        detail: syntax::syntax(command.name).map(str::to_owned),
                        documentation: docs::lookup(command.name).map(|d| {
                            Documentation::MarkupContent(MarkupContent {
                                kind: MarkupKind::Markdown,
                                value: d.summary.to_owned(),
                            })
                        }),
                        filter_text: Some(label.clone()),
                        text_edit: Some(CompletionTextEdit::Edit(TextEdit::new(edit_range, label))),
                        ..CompletionItem::default()
                    }
                })
                .collect()
        }
        Typing::Index { key, typed } => {
            let params: &[Param] = match signature {
                Some(s) if key => &s.keys,
                Some(s) => &s.args,
                None => &[],
            };
            let range = lines.range(&typed);
            params
                .iter()
                .enumerate()
                .filter(|(_, p)| !p.variadic)
                .map(|(i, param)| {
                    let index = (i + 1).to_string();
                    CompletionItem {
                        label: index.clone(),
                        kind: Some(CompletionItemKind::FIELD),
                        detail: Some(format!(
                            "{}{}",
                            param.name,
                            if param.prefix { " (key prefix)" } else { "" }
                        )),
                        filter_text: Some(index.clone()),
                        text_edit: Some(CompletionTextEdit::Edit(TextEdit::new(range, index))),
                        ..CompletionItem::default()
                    }
                })
                .collect()
        }
        Typing::Member { library, typed } => {
            let Some(Kind::Library(members)) = globals::global(&library) else {
                return Vec::new();
            };
            let prefix = &text[typed.clone()];
            let range = lines.range(&typed);
            members
                .iter()
                .filter(|(name, _)| name.starts_with(prefix))
                .map(|(name, kind)| item(name, *kind, Some(&library), range))
                .collect()
        }
        Typing::Name { typed } => {
            let prefix = &text[typed.clone()];
            if prefix.is_empty() {
                return Vec::new();
            }
            let range = lines.range(&typed);
            globals::GLOBALS
                .iter()
                .filter(|(name, _)| name.starts_with(prefix))
                .map(|(name, kind)| item(name, *kind, None, range))
                .collect()
        }
    }
}

fn item(name: &str, kind: Kind, library: Option<&str>, range: lsp_types::Range) -> CompletionItem {
    let (kind, detail) = match kind {
        Kind::Function => (CompletionItemKind::FUNCTION, "function"),
        Kind::Number => (CompletionItemKind::CONSTANT, "number"),
        Kind::String => (CompletionItemKind::CONSTANT, "string"),
        Kind::Library(_) => (CompletionItemKind::MODULE, "library"),
        Kind::Arguments => (CompletionItemKind::VARIABLE, "the script's arguments"),
        Kind::Other => (CompletionItemKind::VALUE, "value"),
    };
    CompletionItem {
        label: name.to_owned(),
        kind: Some(kind),
        detail: Some(match library {
            Some(library) => format!("{library}.{name}: {detail}"),
            None => detail.to_owned(),
        }),
        text_edit: Some(CompletionTextEdit::Edit(TextEdit::new(range, name.to_owned()))),
        ..CompletionItem::default()
    }
}
