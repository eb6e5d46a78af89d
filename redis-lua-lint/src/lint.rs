//! Checking one script file: its signature (header, configuration, file name), its
//! includes, the check itself, and the findings moved back to the files they are in.

use std::ops::Range;
use std::path::Path;
use std::sync::Arc;

use scripts_lint::header::{self, Header};
use scripts_lint::{
    Diagnostic, Level, LibrarySignature, LineIndex, Param, ParamRef, ParamType, Position, Signature, check,
    check_library,
};

use scripts_decl::scan::Declared;

use crate::config::Settings;
use crate::include::{Part, Spliced};
use crate::paths;
use crate::rules::UNRESOLVED_INCLUDE;
use crate::suppress::Suppressions;

/// A file's text, shared by the findings in it.
#[derive(Debug)]
pub(crate) struct Source {
    /// Absolute, lexically normalised (a language server publishes findings by file).
    pub(crate) path: std::path::PathBuf,
    /// As shown in the output.
    pub(crate) shown: String,
    pub(crate) text: Arc<str>,
    pub(crate) lines: LineIndex,
}

/// Where a finding is, in the file it is written in.
#[derive(Clone, Debug)]
pub(crate) struct Span {
    pub(crate) range: Range<usize>,
    pub(crate) start: Position,
    pub(crate) end: Position,
}

/// One finding, placed in the file where its text is written.
#[derive(Debug)]
pub(crate) struct Finding {
    /// Lint, level, message, help, notes; its ranges are in `source`'s text.
    pub(crate) diagnostic: Diagnostic,
    pub(crate) source: Arc<Source>,
    /// `None`: about the file as a whole (a key declared outside it, never read).
    pub(crate) span: Option<Span>,
    /// Related places in the same file.
    pub(crate) labels: Vec<(Span, Option<String>)>,
    /// The script checked, as shown: differs from `source.shown` for a finding in an
    /// included file (the first script, in path order, when several include it).
    pub(crate) script: String,
}

impl Finding {
    pub(crate) fn level(&self) -> Level {
        self.diagnostic.level
    }

    /// Sort and deduplication key: file, place, lint, message.
    pub(crate) fn key(&self) -> (&str, usize, usize, &'static str, &str) {
        let range = self.span.as_ref().map_or(0..0, |s| s.range.clone());
        (
            &self.source.shown,
            range.start,
            range.end,
            self.diagnostic.lint,
            &self.diagnostic.message,
        )
    }
}

/// Which counts a script's signature had to leave open because nothing declared them
/// (not set when a header tried to, and is reported as wrong).
#[derive(Clone, Copy, Debug, Default)]
pub(crate) struct Unknown {
    pub(crate) keys: bool,
    pub(crate) args: bool,
}

/// The outcome of checking one script.
#[derive(Debug, Default)]
pub(crate) struct Outcome {
    pub(crate) findings: Vec<Finding>,
    pub(crate) unknown: Unknown,
    /// It has `--- @include` lines, and includes are off.
    pub(crate) unspliced_includes: bool,
}

/// Reads an included file (cached across scripts by the caller).
pub(crate) type Reader<'a> = dyn FnMut(&Path) -> Result<Arc<str>, String> + 'a;

/// Checks the script at `path` (absolute; `shown` in the output) whose text is `text`.
pub(crate) fn script(settings: &Settings, path: &Path, shown: &str, text: Arc<str>, read: &mut Reader<'_>) -> Outcome {
    let header = header::parse(&text);
    let (signature, unknown) = signature(settings, path, &header);
    let root = Part {
        path: path.to_path_buf(),
        text: text.clone(),
    };
    let spliced = if settings.includes {
        Spliced::splice(root, read)
    } else {
        Spliced::identity(root)
    };
    let unspliced_includes = !settings.includes && !crate::include::included_by(path, &text).is_empty();

    let library = is_library(&spliced.text);
    // a library's functions take their keys and arguments as parameters, which no
    // header declares: nothing to note about open counts
    let unknown = if library { Unknown::default() } else { unknown };
    let diagnostics = if library {
        // a function library: nothing declares its functions here, so each is checked
        // on its own (any keys and arguments), with the configured levels and target
        let declared = LibrarySignature {
            levels: signature.levels.clone(),
            target: signature.target,
            host: signature.host,
            ..LibrarySignature::default()
        };
        check_library(&spliced.text, &declared).all().cloned().collect()
    } else {
        check(&spliced.text, &signature).diagnostics
    };

    // every file taking part, with its suppressions, indexed once
    let sources: Vec<Arc<Source>> = spliced
        .parts
        .iter()
        .enumerate()
        .map(|(i, part)| {
            Arc::new(Source {
                path: part.path.clone(),
                shown: if i == 0 {
                    shown.to_owned()
                } else {
                    paths::display(&part.path, &settings.cwd)
                },
                text: part.text.clone(),
                lines: LineIndex::new(&part.text),
            })
        })
        .collect();
    let suppressions: Vec<Suppressions> = sources.iter().map(|s| Suppressions::parse(&s.text, &s.lines)).collect();

    let mut findings = Vec::new();
    let own = |part: usize, diagnostic: Diagnostic| {
        // the command's own lints take the configured levels too
        let level = effective_level(&signature.levels, diagnostic.lint, diagnostic.level);
        (level != Level::Allow).then_some((part, Diagnostic { level, ..diagnostic }))
    };
    let mut placed: Vec<(usize, Diagnostic)> = Vec::new();
    placed.extend(header.errors.iter().filter_map(|e| own(0, e.to_diagnostic())));
    for unresolved in &spliced.unresolved {
        let diagnostic = Diagnostic::new(
            UNRESOLVED_INCLUDE,
            Level::Deny,
            unresolved.range.clone(),
            unresolved.message.clone(),
        )
        .help("write the path relative to this file; `.lua` is added when the name has no extension");
        placed.extend(own(unresolved.part, diagnostic));
    }
    for (i, suppression) in suppressions.iter().enumerate() {
        placed.extend(suppression.problems.iter().filter_map(|d| own(i, d.clone())));
    }
    for mut diagnostic in diagnostics {
        if let Some(param) = diagnostic.param {
            // about a parameter: at its name in the header, when the header declared it
            let range = match param {
                ParamRef::Key(i) if header.has_keys => header.key_ranges.get(i),
                ParamRef::Arg(i) if header.has_args => header.arg_ranges.get(i),
                _ => None,
            };
            if let Some(range) = range {
                diagnostic.param = None;
                diagnostic.primary.range = range.clone();
                diagnostic.secondary.clear();
            }
            placed.push((0, diagnostic));
            continue;
        }
        let (part, range) = spliced.locate_range(&diagnostic.primary.range);
        diagnostic.primary.range = range;
        diagnostic.fix = diagnostic.fix.take().and_then(|fix| located_fix(&spliced, part, fix));
        let mut secondary = Vec::new();
        for label in std::mem::take(&mut diagnostic.secondary) {
            let (label_part, range) = spliced.locate_range(&label.range);
            if label_part == part {
                secondary.push(scripts_lint::Label { range, ..label });
            } else {
                // in another file: say where, since the snippet shows one file
                let source = &sources[label_part];
                let at = source.lines.position(&source.text, range.start);
                let what = label.message.unwrap_or_else(|| "related".to_owned());
                diagnostic
                    .notes
                    .push(format!("{what}: {}:{}:{}", source.shown, at.line, at.column));
            }
        }
        diagnostic.secondary = secondary;
        placed.push((part, diagnostic));
    }

    for (part, mut diagnostic) in placed {
        let source = &sources[part];
        let span = (diagnostic.param.is_none()).then(|| span(source, &diagnostic.primary.range));
        if suppressions[part].allows(diagnostic.lint, span.as_ref().map(|s| s.start.line - 1)) {
            continue;
        }
        if settings.deny_warnings && diagnostic.level == Level::Warn {
            diagnostic.level = Level::Deny;
        }
        let labels = diagnostic
            .secondary
            .iter()
            .map(|label| (span_of(source, &label.range), label.message.clone()))
            .collect();
        findings.push(Finding {
            diagnostic,
            source: source.clone(),
            span,
            labels,
            script: shown.to_owned(),
        });
    }
    Outcome {
        findings,
        unknown,
        unspliced_includes,
    }
}

/// Checks the `.lua` file at `path` (`shown` in the output, `text` its text) as the build
/// checks it for the Rust declaration that names it: against that declaration's
/// signature and nothing else. The macro reads no header, configuration, include or
/// inline suppression, so none applies here either.
pub(crate) fn declared(path: &Path, shown: &str, text: Arc<str>, declared: &Declared) -> Outcome {
    let diagnostics: Vec<Diagnostic> = match declared {
        Declared::Script(signature) => check(&text, signature).diagnostics,
        Declared::Library(signature) => check_library(&text, signature).all().cloned().collect(),
    };
    let source = Arc::new(Source {
        path: path.to_path_buf(),
        shown: shown.to_owned(),
        lines: LineIndex::new(&text),
        text,
    });
    let findings = diagnostics
        .into_iter()
        .map(|diagnostic| Finding {
            // about a Rust parameter (an unused key): the declaration is elsewhere
            span: diagnostic
                .param
                .is_none()
                .then(|| span(&source, &diagnostic.primary.range)),
            labels: diagnostic
                .secondary
                .iter()
                .map(|label| (span_of(&source, &label.range), label.message.clone()))
                .collect(),
            diagnostic,
            source: source.clone(),
            script: shown.to_owned(),
        })
        .collect();
    Outcome {
        findings,
        ..Outcome::default()
    }
}

/// `fix` with its edits moved to the file they are in, when all of them are in `part`
/// (the finding's file) and none crosses into another file: a fix is applied to one file.
fn located_fix(spliced: &Spliced, part: usize, mut fix: scripts_lint::Fix) -> Option<scripts_lint::Fix> {
    for edit in &mut fix.edits {
        let (edit_part, range) = spliced.locate_range(&edit.range);
        if edit_part != part || range.len() != edit.range.len() {
            return None;
        }
        edit.range = range;
    }
    Some(fix)
}

/// True for a Redis function library (`FUNCTION LOAD`'s text): a first line
/// `#!lua name=...`, where a script's would be `#!lua` or `#!lua flags=...`.
pub(crate) fn is_library(text: &str) -> bool {
    let first = text.lines().next().unwrap_or("");
    first.starts_with("#!") && first.split_whitespace().any(|word| word.starts_with("name="))
}

fn span(source: &Source, range: &Range<usize>) -> Span {
    span_of(source, range)
}

fn span_of(source: &Source, range: &Range<usize>) -> Span {
    let start = range.start.min(source.text.len());
    let end = range.end.clamp(start, source.text.len());
    Span {
        range: start..end,
        start: source.lines.position(&source.text, start),
        end: source.lines.position(&source.text, end),
    }
}

/// The last level written for `lint`, else `default`.
fn effective_level(levels: &[(String, Level)], lint: &str, default: Level) -> Level {
    levels
        .iter()
        .rev()
        .find(|(name, _)| name == lint)
        .map_or(default, |(_, level)| *level)
}

/// The signature of the script at `path`: configuration entries matching it, then its
/// header; counts from `name-N.lua` when asked and nothing declared them; otherwise
/// open counts, with the lints that need them quiet.
pub(crate) fn signature(settings: &Settings, path: &Path, header: &Header) -> (Signature, Unknown) {
    let mut signature = Header::default().signature;
    let mut counts = false;
    if let Some(target) = settings.target {
        signature.target = target;
    }
    let mut merge = |signature: &mut Signature, declared: &Header| {
        // a header with mistakes may have read a list wrong (`keys: a b`): its counts are
        // not trusted, so the count checks do not pile onto the header's own error
        if declared.declares_counts() && declared.errors.is_empty() {
            signature.keys = declared.signature.keys.clone();
            signature.args = declared.signature.args.clone();
            counts = true;
        }
        if declared.has_returns {
            signature.returns = declared.signature.returns.clone();
            signature.return_text = declared.signature.return_text.clone();
        }
        signature.read_only |= declared.signature.read_only;
        if declared.has_min_version {
            signature.target = declared.signature.target;
        }
        signature.levels.extend(declared.signature.levels.iter().cloned());
    };
    if let Some(config) = &settings.config {
        signature.levels.extend(config.levels.iter().cloned());
        for entry in config.scripts_for(path) {
            signature.levels.extend(entry.levels.iter().cloned());
            if let Some(declared) = &entry.signature {
                merge(&mut signature, declared);
            }
        }
    }
    // the command line outranks the configuration; the file's own header outranks both
    signature.levels.extend(settings.levels.iter().cloned());
    merge(&mut signature, header);
    if counts {
        return (signature, Unknown::default());
    }
    let broken = header.declares_counts();
    if settings.keys_from_file_name
        && let Some(keys) = keys_in_file_name(path)
    {
        // which keys the script builds others from is not in the name: each may be a
        // prefix (its callers give it the hash tag)
        signature.keys = (1..=keys)
            .map(|i| Param::new(format!("key{i}"), ParamType::Text, false).prefix())
            .collect();
        signature.args = vec![Param::new("args", ParamType::Other, true)];
        signature.levels.push(("unused_arg".to_owned(), Level::Allow));
        return (
            signature,
            Unknown {
                keys: false,
                args: !broken,
            },
        );
    }
    let open = !broken;
    (signature.permissive(), Unknown { keys: open, args: open })
}

/// N in `name-N.lua`.
fn keys_in_file_name(path: &Path) -> Option<usize> {
    let stem = path.file_stem()?.to_str()?;
    let (_, digits) = stem.rsplit_once('-')?;
    if digits.is_empty() || digits.len() > 3 || !digits.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    digits.parse().ok()
}

#[cfg(test)]
mod tests {
    use super::*;
    use scripts_lint::Count;

    #[test]
    fn file_names_give_key_counts() {
        assert_eq!(keys_in_file_name(Path::new("/q/addDelayedJob-6.lua")), Some(6));
        assert_eq!(keys_in_file_name(Path::new("/q/release-lock-1.lua")), Some(1));
        assert_eq!(keys_in_file_name(Path::new("/q/lock.lua")), None);
        assert_eq!(keys_in_file_name(Path::new("/q/v-2024.lua")), None);
    }

    #[test]
    fn the_header_outranks_the_configuration_and_counts_stay_open_without_either() {
        let settings = Settings {
            keys_from_file_name: true,
            levels: vec![("dynamic_command".into(), Level::Deny)],
            ..Settings::default()
        };
        let header = header::parse("--! keys: a  allow: dynamic_command\n");
        let (signature, unknown) = signature(&settings, Path::new("/q/x-3.lua"), &header);
        assert_eq!(signature.key_count(), Count::Exact(1));
        assert!(!unknown.keys && !unknown.args);
        assert_eq!(
            effective_level(&signature.levels, "dynamic_command", Level::Warn),
            Level::Allow
        );

        let (signature, unknown) = signature_for_empty(&settings, "/q/x-3.lua");
        assert_eq!(signature.key_count(), Count::Exact(3));
        assert!(!unknown.keys && unknown.args);
        let (signature, unknown) = signature_for_empty(&settings, "/q/x.lua");
        assert_eq!(signature.key_count(), Count::AtLeast(0));
        assert!(unknown.keys && unknown.args);
    }

    fn signature_for_empty(settings: &Settings, path: &str) -> (Signature, Unknown) {
        signature(settings, Path::new(path), &header::parse(""))
    }
}
