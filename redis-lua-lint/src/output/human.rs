//! `human`: the rendering of `#[redis_script]`'s compiler messages (the same
//! `scripts_lint::render`), one block per finding; `concise`: one line per finding.

use std::io::{self, Write};

use anstyle::{AnsiColor, Style};
use scripts_lint::{Level, SourceMap, render, render_color};

use crate::lint::Finding;

pub(super) const ERROR: Style = AnsiColor::Red.on_default().bold();
pub(super) const WARNING: Style = AnsiColor::Yellow.on_default().bold();
pub(super) const NOTE: Style = AnsiColor::Green.on_default().bold();
pub(super) const SUMMARY: Style = Style::new().bold();
const HEADLINE: Style = Style::new().bold();
/// annotate-snippets' colour for line numbers and `|` (bright blue, bold).
const GUTTER: Style = AnsiColor::BrightBlue.on_default().bold();

pub(super) fn level_word(level: Level) -> &'static str {
    match level {
        Level::Deny => "error",
        Level::Warn | Level::Allow => "warning",
    }
}

fn level_style(level: Level) -> Style {
    match level {
        Level::Deny => ERROR,
        Level::Warn | Level::Allow => WARNING,
    }
}

pub(super) fn findings(out: &mut dyn Write, findings: &[Finding], colored: bool) -> io::Result<()> {
    for finding in findings {
        let source = &finding.source;
        let map = SourceMap::lua_file(&source.shown, &source.text);
        let text = if colored {
            render_color(&finding.diagnostic, &source.text, &map)
        } else {
            render(&finding.diagnostic, &source.text, &map)
        };
        let (headline, body) = text.split_once('\n').unwrap_or((&text, ""));
        // the arrow in the gutter's colour, as rustc has it
        let arrow = format!("{}-->{}", GUTTER.render(), GUTTER.render_reset());
        let body = if colored {
            body.replacen("-->", &arrow, 1)
        } else {
            body.to_owned()
        };
        let style = level_style(finding.level());
        writeln!(
            out,
            "{}{}{}: {}{headline}{}",
            style.render(),
            level_word(finding.level()),
            style.render_reset(),
            HEADLINE.render(),
            HEADLINE.render_reset(),
        )?;
        if finding.span.is_none() {
            // about the file as a whole: the rendering has no place to show
            writeln!(out, " --> {}", source.shown)?;
        }
        // a blank line between findings, as rustc prints them
        writeln!(out, "{body}\n")?;
    }
    Ok(())
}

pub(super) fn concise(out: &mut dyn Write, findings: &[Finding]) -> io::Result<()> {
    for finding in findings {
        let place = match &finding.span {
            Some(span) => format!("{}:{}:{}", finding.source.shown, span.start.line, span.start.column),
            None => finding.source.shown.clone(),
        };
        let d = &finding.diagnostic;
        writeln!(out, "{place}: {}[{}] {}", level_word(d.level), d.lint, d.message)?;
    }
    Ok(())
}
