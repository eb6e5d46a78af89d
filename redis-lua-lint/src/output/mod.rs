//! Printing a run: findings in the chosen format, then notes and a summary.

mod github;
mod human;
mod json;
mod sarif;

use std::io::{self, Write};

use scripts_lint::Level;

use crate::cli::Format;
use crate::lint::{Finding, KeysFromPrefix};

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
    /// Files that could not be read (or written), as messages.
    pub(crate) input_errors: Vec<String>,
    /// The scripts that build keys from prefixes (in the order checked), with those keys.
    pub(crate) prefixed: Vec<(String, Vec<KeysFromPrefix>)>,
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

    /// The notes said once per run, each with its help line. Each names its scripts:
    /// the first few, or all when `verbose`.
    fn notes(&self, verbose: bool) -> Vec<(String, &'static str)> {
        let mut notes = Vec::new();
        for refused in self.fixed.iter().flat_map(|f| &f.refused) {
            notes.push((
                refused.clone(),
                "its findings stay as they are; please report the script if a fix broke it",
            ));
        }
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
        let outside: Vec<String> = self
            .prefixed
            .iter()
            .filter(|(_, keys)| keys.iter().any(KeysFromPrefix::outside_keys))
            .map(|(script, _)| format!("`{script}`"))
            .collect();
        if !outside.is_empty() {
            notes.push((
                format!(
                    "{} keys {} not {} in `KEYS`, built from argument prefixes or annotated values: {}",
                    scripts_reach(outside.len()),
                    if outside.len() == 1 { "it does" } else { "they do" },
                    "declare",
                    listed(&outside, "; ", verbose)
                ),
                "on Redis Cluster pass each such prefix with a hash tag of the declared keys' slot (`bull:{orders}:`); \
                 Dragonfly and Kvrocks run them only with their undeclared-keys option; \
                 `--format json` lists where each key comes from (`undeclared_keys`)",
            ));
        }
        let assumed: Vec<String> = self
            .prefixed
            .iter()
            .filter_map(|(script, keys)| {
                let taken: Vec<&str> = keys.iter().filter(|k| k.assumed()).map(|k| k.from.as_str()).collect();
                (!taken.is_empty()).then(|| format!("`{script}`: `{}`", taken.join("`, `")))
            })
            .collect();
        if !assumed.is_empty() {
            notes.push((
                format!(
                    "keys whose role nothing declares (counted from a file name, or not declared) were taken as prefixes where the script builds keys from them: {}",
                    listed(&assumed, "; ", verbose)
                ),
                "declare them `name(prefix)` in a header or `redis-lua-lint.toml` to make it explicit, and pass them with a hash tag (`bull:{orders}:`)",
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

/// "1 script reaches", "3 scripts reach".
fn scripts_reach(n: usize) -> String {
    if n == 1 {
        "1 script reaches".to_owned()
    } else {
        format!("{n} scripts reach")
    }
}

/// The first few of `names` joined by `separator`, then how many more (all when
/// `verbose`).
fn listed(names: &[String], separator: &str, verbose: bool) -> String {
    const FEW: usize = 3;
    let shown = if verbose { names.len() } else { names.len().min(FEW) };
    let mut out = names[..shown].join(separator);
    if names.len() > shown {
        out += &format!(" and {} more; `--verbose` lists them", names.len() - shown);
    }
    out
}

fn plural(n: usize, one: &str, many: &str) -> String {
    format!("{n} {}", if n == 1 { one } else { many })
}

/// The scripts a note is about, in parentheses: none when the run checked one script
/// (it is the one), the first few and how many more unless `verbose`.
fn named(shown: &[String], total: usize, verbose: bool) -> String {
    if total == 1 {
        return String::new();
    }
    let mut sorted: Vec<String> = shown.iter().map(|s| format!("`{s}`")).collect();
    sorted.sort();
    format!(" ({})", listed(&sorted, ", ", verbose))
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
///
/// Standard output is written whole at the end. The human formats are rendered into a
/// buffer and written through `anstream` (which strips colour, and control characters
/// quoted from a script, where the reader is no terminal); the machine formats and the
/// diff hold no colour and go to a buffered standard output as they are: `anstream`
/// scanning each byte of a large JSON document was an eighth of a run's instructions.
pub(crate) fn print(
    run: &Run,
    format: Format,
    color: anstream::ColorChoice,
    quiet: bool,
    verbose: bool,
    diff: Option<&str>,
) -> io::Result<()> {
    let mut err = anstream::AutoStream::new(io::stderr().lock(), color);
    for message in &run.input_errors {
        writeln!(
            err,
            "{}error{}: {message}",
            human::ERROR.render(),
            human::ERROR.render_reset()
        )?;
    }
    let mut out = io::BufWriter::new(io::stdout().lock());
    match format {
        _ if diff.is_some() => out.write_all(diff.unwrap_or_default().as_bytes())?,
        Format::Json => json::array(&mut out, &run.findings, &run.prefixed)?,
        Format::JsonLines => json::lines(&mut out, &run.findings, &run.prefixed)?,
        Format::Sarif => sarif::document(&mut out, &run.findings, &run.prefixed)?,
        Format::Github => github::commands(&mut out, &run.findings)?,
        Format::Human | Format::Concise => return print_human(run, format, color, quiet, verbose),
    }
    out.flush()?;
    if quiet {
        return Ok(());
    }
    tail(&mut err, run, verbose)?;
    err.flush()
}

/// `human` or `concise`, then the notes and the summary, to standard output.
fn print_human(run: &Run, format: Format, color: anstream::ColorChoice, quiet: bool, verbose: bool) -> io::Result<()> {
    let mut out = anstream::AutoStream::new(io::stdout().lock(), color);
    let colored = matches!(
        out.current_choice(),
        anstream::ColorChoice::Always | anstream::ColorChoice::AlwaysAnsi
    );
    let mut text = Vec::new();
    if format == Format::Human {
        human::findings(&mut text, &run.findings, colored)?;
    } else {
        human::concise(&mut text, &run.findings)?;
    }
    if !quiet {
        tail(&mut text, run, verbose)?;
    }
    out.write_all(&text)?;
    out.flush()
}

/// The notes, each with its help line, then the summary.
fn tail(out: &mut dyn Write, run: &Run, verbose: bool) -> io::Result<()> {
    for (note, help) in run.notes(verbose) {
        writeln!(
            out,
            "{}note{}: {note}",
            human::NOTE.render(),
            human::NOTE.render_reset()
        )?;
        writeln!(out, "  = help: {help}")?;
    }
    let summary = run.summary();
    let style = if run.errors() > 0 || !run.input_errors.is_empty() {
        human::ERROR
    } else if run.warnings() > 0 {
        human::WARNING
    } else {
        human::SUMMARY
    };
    writeln!(out, "{}{summary}{}", style.render(), style.render_reset())
}
