//! `github`: GitHub Actions workflow commands, which the runner turns into annotations
//! on the files of a pull request:
//! `::error file=lua/lock.lua,line=3,col=12,endLine=3,endColumn=20,title=key_not_from_keys::message`.

use std::io::{self, Write};

use scripts_lint::Level;

use crate::lint::Finding;

/// Escapes a command's message (`%`, line breaks).
fn data(text: &str) -> String {
    text.replace('%', "%25").replace('\r', "%0D").replace('\n', "%0A")
}

/// Escapes a command's property value (also `:` and `,`, which separate properties).
fn property(text: &str) -> String {
    data(text).replace(':', "%3A").replace(',', "%2C")
}

pub(super) fn commands(out: &mut dyn Write, findings: &[Finding]) -> io::Result<()> {
    for finding in findings {
        let d = &finding.diagnostic;
        let command = match d.level {
            Level::Deny => "error",
            Level::Warn | Level::Allow => "warning",
        };
        let mut properties = format!("file={}", property(&finding.source.shown));
        if let Some(span) = &finding.span {
            properties += &format!(
                ",line={},col={},endLine={},endColumn={}",
                span.start.line, span.start.column, span.end.line, span.end.column
            );
        }
        properties += &format!(",title={}", property(d.lint));
        let mut message = d.message.clone();
        if let Some(help) = &d.help {
            message += &format!("\nhelp: {help}");
        }
        writeln!(out, "::{command} {properties}::{}", data(&message))?;
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn escapes_follow_the_runner() {
        assert_eq!(data("50% off\nnow"), "50%25 off%0Anow");
        assert_eq!(property("a:b,c"), "a%3Ab%2Cc");
    }
}
