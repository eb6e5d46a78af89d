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
    /// Scripts whose key and argument counts nothing declared, as shown.
    pub(crate) unknown_counts: Vec<String>,
    /// Scripts whose keys were declared (by their file name) but not their arguments.
    pub(crate) unknown_args: Vec<String>,
    /// Scripts with `--- @include` lines that were not spliced.
    pub(crate) unspliced: Vec<String>,
    /// Files that could not be read, as messages.
    pub(crate) input_errors: Vec<String>,
}

impl Run {
    pub(crate) fn errors(&self) -> usize {
        self.findings.iter().filter(|f| f.level() == Level::Deny).count()
    }

    pub(crate) fn warnings(&self) -> usize {
        self.findings.iter().filter(|f| f.level() == Level::Warn).count()
    }

    /// The notes said once per run, each with its help line. Each names its scripts:
    /// the first few, or all when `verbose`.
    fn notes(&self, verbose: bool) -> Vec<(String, &'static str)> {
        let mut notes = Vec::new();
        let declare = "declare them in a header (`--! keys: job  args: token`), in `redis-lua-lint.toml` \
                       (`[[scripts]]`), or name files `name-N.lua` and pass `--keys-from-file-name`";
        if !self.unknown_counts.is_empty() {
            let n = self.unknown_counts.len();
            notes.push((
                format!(
                    "{} no keys or arguments{}: `keys_out_of_range`, `argv_out_of_range`, \
                     `unused_key` and `unused_arg` were skipped for {}",
                    self.how_many(n),
                    named(&self.unknown_counts, self.scripts, verbose),
                    them(n)
                ),
                declare,
            ));
        }
        if !self.unknown_args.is_empty() {
            let n = self.unknown_args.len();
            notes.push((
                format!(
                    "{} no arguments{}: `argv_out_of_range` and `unused_arg` were skipped for {}",
                    self.how_many(n),
                    named(&self.unknown_args, self.scripts, verbose),
                    them(n)
                ),
                "declare them in a header (`--! args: token, ttl:integer`) or in `redis-lua-lint.toml` (`[[scripts]]`)",
            ));
        }
        if !self.unspliced.is_empty() {
            let n = self.unspliced.len();
            notes.push((
                format!(
                    "{} {} `--- @include` lines, not expanded{}",
                    scripts(n),
                    if n == 1 { "has" } else { "have" },
                    named(&self.unspliced, self.scripts, verbose)
                ),
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
        format!("{checked}: {found}{unread}")
    }
}

fn plural(n: usize, one: &str, many: &str) -> String {
    format!("{n} {}", if n == 1 { one } else { many })
}

/// The scripts a note is about, in parentheses: none when the run checked one script
/// (it is the one), the first few and how many more unless `verbose`.
fn named(shown: &[String], total: usize, verbose: bool) -> String {
    const FEW: usize = 3;
    if total == 1 {
        return String::new();
    }
    let mut sorted: Vec<&String> = shown.iter().collect();
    sorted.sort();
    let listed: Vec<String> = sorted
        .iter()
        .take(if verbose { usize::MAX } else { FEW })
        .map(|s| format!("`{s}`"))
        .collect();
    let rest = sorted.len() - listed.len();
    if rest == 0 {
        format!(" ({})", listed.join(", "))
    } else {
        format!(" ({} and {rest} more; `--verbose` lists them)", listed.join(", "))
    }
}

fn them(n: usize) -> &'static str {
    if n == 1 { "it" } else { "them" }
}

fn scripts(n: usize) -> String {
    plural(n, "script", "scripts")
}

/// Prints `run` in `format`: findings to standard output; notes and the summary after
/// them for `human`/`concise`, to standard error for the machine formats (whose
/// standard output is the document alone).
pub(crate) fn print(
    run: &Run,
    format: Format,
    color: anstream::ColorChoice,
    quiet: bool,
    verbose: bool,
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
        Format::Human | Format::Concise => &mut out,
        _ => &mut err,
    };
    for (note, help) in run.notes(verbose) {
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
