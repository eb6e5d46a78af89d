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
    render_with(diagnostic, source, map, Renderer::plain())
}

/// [`render`], with the snippet in colour (ANSI escapes): the gutter, the underline and
/// the labels in the colours rustc uses, for a terminal.
pub fn render_color(diagnostic: &Diagnostic, source: &str, map: &SourceMap) -> String {
    render_with(diagnostic, source, map, Renderer::styled())
}

fn render_with(diagnostic: &Diagnostic, source: &str, map: &SourceMap, renderer: Renderer) -> String {
    if diagnostic.param.is_some() {
        // about a Rust parameter: the compiler's own span shows where, no Lua to quote
        let mut group = Group::with_level(snippet_level(diagnostic.level));
        for note in &diagnostic.notes {
            group = group.element(SnippetLevel::NOTE.message(note.as_str()));
        }
        if let Some(help) = &diagnostic.help {
            group = group.element(SnippetLevel::HELP.message(help.as_str()));
        }
        let body = renderer.render(&[group]);
        return format!("[{}] {}\n{body}", diagnostic.lint, diagnostic.message);
    }
    // a `.lua` file's map indexes this very text already: rendering each of many
    // findings then costs what its lines cost, not a pass over the script
    let indexed;
    let lines = match map.index_of(source) {
        Some(lines) => lines,
        None => {
            indexed = LineIndex::new(source);
            &indexed
        }
    };
    let start = diagnostic.primary.range.start.min(source.len());
    let lua = lines.position(source, start);
    let host = map.host_position(start);

    // annotate-snippets walks all of its source on every render, which made a script
    // with thousands of findings render in quadratic time (a 64 KiB script of `print(1)`
    // lines: 20 s in a debug build). Hand it only the lines the labels touch.
    let (window, first_line) = window(lines, diagnostic, source);
    let local = |range: &std::ops::Range<usize>| {
        let range = clamp(range, source);
        range.start - window.start..range.end - window.start
    };
    let text = &source[window.clone()];
    let mut primary = AnnotationKind::Primary.span(local(&diagnostic.primary.range));
    if let Some(label) = &diagnostic.primary.message {
        primary = primary.label(label.as_str());
    }
    let mut snippet = Snippet::source(text)
        .line_start(first_line + 1)
        .fold(true)
        .annotation(primary);
    for label in &diagnostic.secondary {
        let mut annotation = AnnotationKind::Context.span(local(&label.range));
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
    let body = renderer.render(&[group]);

    // align `-->` with the snippet's gutter, which is as wide as its largest line number
    let last_line = std::iter::once(&diagnostic.primary)
        .chain(&diagnostic.secondary)
        .map(|label| lines.line_of(label.range.end.min(source.len())) + 1)
        .max()
        .unwrap_or(lua.line);
    let indent = " ".repeat(last_line.to_string().len());
    if !map.shows_lua_position() {
        // a `.lua` file: its own line and column are the Lua ones
        return format!(
            "[{lint}] {message}\n{indent}--> {path}:{line}:{column}\n{body}",
            lint = diagnostic.lint,
            message = diagnostic.message,
            path = map.path(),
            line = host.line,
            column = host.column,
        );
    }
    let place = if map.is_placed() {
        format!(
            "{path}:{hline}:{hcol} (lua line {lline}, column {lcol})",
            path = map.path(),
            hline = host.line,
            hcol = host.column,
            lline = lua.line,
            lcol = lua.column,
        )
    } else {
        // no file known: the Lua position is the truth, a Rust one would be invented
        format!("script `{}`, lua line {}, column {}", map.path(), lua.line, lua.column)
    };
    format!(
        "[{lint}] {message}\n{indent}--> {place}\n{body}",
        lint = diagnostic.lint,
        message = diagnostic.message,
    )
}

fn snippet_level(level: Level) -> SnippetLevel<'static> {
    match level {
        Level::Deny => SnippetLevel::ERROR,
        Level::Warn | Level::Allow => SnippetLevel::WARNING,
    }
}

/// The byte range of the whole lines the labels of `diagnostic` touch, and the 0-based
/// number of its first line, as annotate-snippets counts lines: ended by `\n` only, and
/// without an empty last line after a final `\n` (the very end shows on the line before).
fn window(lines: &LineIndex, diagnostic: &Diagnostic, source: &str) -> (std::ops::Range<usize>, usize) {
    let ranges = std::iter::once(&diagnostic.primary)
        .chain(&diagnostic.secondary)
        .map(|label| clamp(&label.range, source));
    let (start, end) = ranges.fold((source.len(), 0), |(start, end), r| {
        (start.min(r.start), end.max(r.end))
    });
    let start = start.min(end);
    let before = if start == source.len() && source.ends_with('\n') {
        &source[..start - 1]
    } else {
        &source[..start]
    };
    let mut window_start = before.rfind('\n').map_or(0, |n| n + 1);
    let mut window_end = source[end..].find('\n').map_or(source.len(), |n| end + n + 1);
    // annotate-snippets shows at most 140 columns of a line, but reads all of it: a long
    // line (a minified script) is cut to `LINE_CONTEXT` characters beside the labels,
    // which is still more than it shows, so each of its findings costs that much only
    if start - window_start > LONG_LINE {
        let back = source[window_start..start].char_indices().rev().nth(LINE_CONTEXT - 1);
        window_start += back.map_or(0, |(i, _)| i);
    }
    if window_end - end > LONG_LINE {
        let ahead = source[end..window_end].char_indices().nth(LINE_CONTEXT);
        window_end = ahead.map_or(window_end, |(i, _)| end + i);
    }
    let first_line = lines.lf_line_of(window_start);
    (window_start..window_end, first_line)
}

/// Lines longer than this (in bytes) either side of a finding's labels are cut for
/// annotate-snippets; shorter ones render exactly as before.
const LONG_LINE: usize = 4096;
/// Characters of a long line kept either side of the labels.
const LINE_CONTEXT: usize = 256;

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

#[cfg(test)]
mod tests {
    use super::*;

    fn finding() -> Diagnostic {
        Diagnostic::new("dynamic_command", Level::Warn, 18..22, "dynamic").help("write a literal")
    }

    #[test]
    fn a_lua_file_shows_its_own_position_once() {
        let source = "local c = 'GET'\nredis.call(c)\n";
        let text = render(&finding(), source, &SourceMap::lua_file("a.lua", source));
        assert!(
            text.starts_with("[dynamic_command] dynamic\n --> a.lua:2:3\n"),
            "{text}"
        );
        let text = render(&finding(), source, &SourceMap::file("a.lua", source));
        assert!(text.contains("--> a.lua:2:3 (lua line 2, column 3)"), "{text}");
    }

    #[test]
    fn colour_is_the_same_text_with_escapes() {
        let source = "local c = 'GET'\nredis.call(c)\n";
        let map = SourceMap::lua_file("a.lua", source);
        let plain = render(&finding(), source, &map);
        let color = render_color(&finding(), source, &map);
        assert!(color.contains('\x1b'));
        let mut stripped = String::new();
        let mut chars = color.chars();
        while let Some(c) = chars.next() {
            if c == '\x1b' {
                chars.by_ref().find(|&c| c == 'm');
            } else {
                stripped.push(c);
            }
        }
        assert_eq!(stripped, plain);
    }
}
