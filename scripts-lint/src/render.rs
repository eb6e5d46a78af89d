//! Rendering a finding as text: the lint, the Lua position, the host-file position,
//! the offending line with a caret, and the help line.

use annotate_snippets::{AnnotationKind, Group, Level as SnippetLevel, Renderer, Snippet};

use crate::diagnostic::{Diagnostic, Level};
use crate::source_map::{LineIndex, SourceMap};

/// Renders `diagnostic` for `source` (the Lua text), positioned through `map`.
///
/// The first line is the headline `[lint] message`; the rest is the snippet. The
/// compiler prints our text after its own `error:`/`warning:` prefix, so the
/// headline carries no level of its own.
pub fn render(diagnostic: &Diagnostic, source: &str, map: &SourceMap) -> String {
    if diagnostic.param.is_some() {
        // about a Rust parameter: the compiler's own span shows where, no Lua to quote
        let mut group = Group::with_level(snippet_level(diagnostic.level));
        for note in &diagnostic.notes {
            group = group.element(SnippetLevel::NOTE.message(note.as_str()));
        }
        if let Some(help) = &diagnostic.help {
            group = group.element(SnippetLevel::HELP.message(help.as_str()));
        }
        let body = Renderer::plain().render(&[group]);
        return format!("[{}] {}\n{body}", diagnostic.lint, diagnostic.message);
    }
    let lines = LineIndex::new(source);
    let start = diagnostic.primary.range.start.min(source.len());
    let lua = lines.position(source, start);
    let host = map.host_position(start);

    let mut primary = AnnotationKind::Primary.span(clamp(&diagnostic.primary.range, source));
    if let Some(label) = &diagnostic.primary.message {
        primary = primary.label(label.as_str());
    }
    let mut snippet = Snippet::source(source).line_start(1).fold(true).annotation(primary);
    for label in &diagnostic.secondary {
        let mut annotation = AnnotationKind::Context.span(clamp(&label.range, source));
        if let Some(message) = &label.message {
            annotation = annotation.label(message.as_str());
        }
        snippet = snippet.annotation(annotation);
    }

    let mut group = Group::with_level(snippet_level(diagnostic.level)).element(snippet);
    for note in &diagnostic.notes {
        group = group.element(SnippetLevel::NOTE.message(note.as_str()));
    }
    if let Some(help) = &diagnostic.help {
        group = group.element(SnippetLevel::HELP.message(help.as_str()));
    }
    let body = Renderer::plain().render(&[group]);

    // align `-->` with the snippet's gutter, which is as wide as its largest line number
    let last_line = std::iter::once(&diagnostic.primary)
        .chain(&diagnostic.secondary)
        .map(|label| lines.position(source, label.range.end.min(source.len())).line)
        .max()
        .unwrap_or(lua.line);
    let indent = " ".repeat(last_line.to_string().len());
    format!(
        "[{lint}] {message}\n{indent}--> {path}:{hline}:{hcol} (lua line {lline}, column {lcol})\n{body}",
        lint = diagnostic.lint,
        message = diagnostic.message,
        path = map.path(),
        hline = host.line,
        hcol = host.column,
        lline = lua.line,
        lcol = lua.column,
    )
}

fn snippet_level(level: Level) -> SnippetLevel<'static> {
    match level {
        Level::Deny => SnippetLevel::ERROR,
        Level::Warn | Level::Allow => SnippetLevel::WARNING,
    }
}

/// Keeps spans inside the text and on character boundaries, so rendering never panics.
fn clamp(range: &std::ops::Range<usize>, source: &str) -> std::ops::Range<usize> {
    let mut start = range.start.min(source.len());
    let mut end = range.end.clamp(start, source.len());
    while !source.is_char_boundary(start) {
        start -= 1;
    }
    while !source.is_char_boundary(end) {
        end += 1;
    }
    start..end
}
