//! Printing a run: findings in the chosen format, then notes and a summary.

mod github;
mod human;
mod json;
mod sarif;

use std::io::{self, Write};

use scripts_lint::Level;

use crate::cli::Format;
use crate::lint::Finding;

/// Everything a run found, sorted by file and place.
#[derive(Debug, Default)]
pub(crate) struct Run {
    pub(crate) findings: Vec<Finding>,
    /// Scripts checked.
    pub(crate) scripts: usize,
    /// Files checked as part of those scripts only (spliced includes).
    pub(crate) included: usize,
    /// Scripts whose key and argument counts nothing declared.
    pub(crate) unknown_counts: usize,
    /// Scripts whose keys were declared (by their file name) but not their arguments.
    pub(crate) unknown_args: usize,
    /// Scripts with `--- @include` lines that were not spliced.
    pub(crate) unspliced: usize,
    /// Files that could not be read (or written), as messages.
    pub(crate) input_errors: Vec<String>,
    /// What `--fix` did, when asked: the findings are then those left after it.
    pub(crate) fixed: Option<Fixed>,
}

/// What `--fix` did.
#[derive(Debug, Default)]
pub(crate) struct Fixed {
    /// Fixes applied.
    pub(crate) applied: usize,
    /// Files changed.
    pub(crate) files: usize,
    /// The files were written (else shown as a diff).
    pub(crate) written: bool,
    /// Files left as they were, and why.
    pub(crate) refused: Vec<String>,
}

impl Run {
    pub(crate) fn errors(&self) -> usize {
        self.findings.iter().filter(|f| f.level() == Level::Deny).count()
    }

    pub(crate) fn warnings(&self) -> usize {
        self.findings.iter().filter(|f| f.level() == Level::Warn).count()
    }

    /// The notes said once per run, each with its help line.
    fn notes(&self) -> Vec<(String, &'static str)> {
        let mut notes = Vec::new();
        for refused in self.fixed.iter().flat_map(|f| &f.refused) {
            notes.push((
                refused.clone(),
                "its findings stay as they are; please report the script if a fix broke it",
            ));
        }
        let declare = "declare them in a header (`--! keys: job  args: token`), in `redis-lua-lint.toml` \
                       (`[[scripts]]`), or name files `name-N.lua` and pass `--keys-from-file-name`";
        if self.unknown_counts > 0 {
            notes.push((
                format!(
                    "{} no keys or arguments: `keys_out_of_range`, `argv_out_of_range`, \
                     `unused_key` and `unused_arg` were skipped for {}",
                    self.how_many(self.unknown_counts),
                    them(self.unknown_counts)
                ),
                declare,
            ));
        }
        if self.unknown_args > 0 {
            notes.push((
                format!(
                    "{} no arguments: `argv_out_of_range` and `unused_arg` were skipped for {}",
                    self.how_many(self.unknown_args),
                    them(self.unknown_args)
                ),
                "declare them in a header (`--! args: token, ttl:integer`) or in `redis-lua-lint.toml` (`[[scripts]]`)",
            ));
        }
        if self.unspliced > 0 {
            notes.push((
                format!("{} {} `--- @include` lines", scripts(self.unspliced), if self.unspliced == 1 { "has" } else { "have" }),
                "pass `--includes` (or set `includes = true` in `redis-lua-lint.toml`) to check them with the files they include",
            ));
        }
        notes
    }

    /// "the script declares", "all 3 scripts declare", "2 of 5 scripts declare".
    fn how_many(&self, n: usize) -> String {
        match (n, self.scripts) {
            (1, 1) => "the script declares".to_owned(),
            (2, 2) => "both scripts declare".to_owned(),
            (n, total) if n == total => format!("all {n} scripts declare"),
            (1, total) => format!("1 of {total} scripts declares"),
            (n, total) => format!("{n} of {total} scripts declare"),
        }
    }

    /// `checked 3 scripts: 1 error, 2 warnings`.
    fn summary(&self) -> String {
        if self.scripts == 0 {
            return format!(
                "no script checked; {}",
                plural(self.input_errors.len(), "input error", "input errors")
            );
        }
        let mut checked = format!("checked {}", scripts(self.scripts));
        if self.included > 0 {
            checked += &format!(" ({} included)", plural(self.included, "file", "files"));
        }
        let (errors, warnings) = (self.errors(), self.warnings());
        let found = match (errors, warnings) {
            (0, 0) => "no problems found".to_owned(),
            (e, 0) => plural(e, "error", "errors"),
            (0, w) => plural(w, "warning", "warnings"),
            (e, w) => format!("{}, {}", plural(e, "error", "errors"), plural(w, "warning", "warnings")),
        };
        let unread = match self.input_errors.len() {
            0 => String::new(),
            n => format!("; {}", plural(n, "input error", "input errors")),
        };
        let fixable = self.findings.iter().filter(|f| f.diagnostic.fix.is_some()).count();
        let fixable = match (&self.fixed, fixable) {
            (None, n) if n > 0 => format!(" ({n} fixable with `--fix`)"),
            _ => String::new(),
        };
        let fixed = match &self.fixed {
            Some(fixed) if fixed.applied == 0 => "nothing to fix; ".to_owned(),
            Some(fixed) if fixed.written => format!(
                "fixed {} in {}; then ",
                plural(fixed.applied, "finding", "findings"),
                plural(fixed.files, "file", "files")
            ),
            Some(fixed) => format!(
                "the diff fixes {} in {}; with it, ",
                plural(fixed.applied, "finding", "findings"),
                plural(fixed.files, "file", "files")
            ),
            None => String::new(),
        };
        format!("{fixed}{checked}: {found}{fixable}{unread}")
    }
}

fn plural(n: usize, one: &str, many: &str) -> String {
    format!("{n} {}", if n == 1 { one } else { many })
}

fn them(n: usize) -> &'static str {
    if n == 1 { "it" } else { "them" }
}

fn scripts(n: usize) -> String {
    plural(n, "script", "scripts")
}

/// Prints `run` in `format`: findings to standard output; notes and the summary after
/// them for `human`/`concise`, to standard error for the machine formats (whose
/// standard output is the document alone). With a `diff` (`--fix --diff`), standard
/// output is the diff alone, and the notes and summary go to standard error.
pub(crate) fn print(
    run: &Run,
    format: Format,
    color: anstream::ColorChoice,
    quiet: bool,
    diff: Option<&str>,
) -> io::Result<()> {
    let mut out = anstream::AutoStream::new(io::stdout().lock(), color);
    let mut err = anstream::AutoStream::new(io::stderr().lock(), color);
    let colored = matches!(
        out.current_choice(),
        anstream::ColorChoice::Always | anstream::ColorChoice::AlwaysAnsi
    );
    for message in &run.input_errors {
        writeln!(
            err,
            "{}error{}: {message}",
            human::ERROR.render(),
            human::ERROR.render_reset()
        )?;
    }
    match format {
        _ if diff.is_some() => write!(out, "{}", diff.unwrap_or_default())?,
        Format::Human => human::findings(&mut out, &run.findings, colored)?,
        Format::Concise => human::concise(&mut out, &run.findings)?,
        Format::Json => json::array(&mut out, &run.findings)?,
        Format::JsonLines => json::lines(&mut out, &run.findings)?,
        Format::Sarif => sarif::document(&mut out, &run.findings)?,
        Format::Github => github::commands(&mut out, &run.findings)?,
    }
    out.flush()?;
    if quiet {
        return Ok(());
    }
    let tail: &mut dyn Write = match format {
        Format::Human | Format::Concise if diff.is_none() => &mut out,
        _ => &mut err,
    };
    for (note, help) in run.notes() {
        writeln!(
            tail,
            "{}note{}: {note}",
            human::NOTE.render(),
            human::NOTE.render_reset()
        )?;
        writeln!(tail, "  = help: {help}")?;
    }
    let summary = run.summary();
    let style = if run.errors() > 0 || !run.input_errors.is_empty() {
        human::ERROR
    } else if run.warnings() > 0 {
        human::WARNING
    } else {
        human::SUMMARY
    };
    writeln!(tail, "{}{summary}{}", style.render(), style.render_reset())?;
    tail.flush()
}
