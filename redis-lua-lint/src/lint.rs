//! Checking one script file: its signature (header, configuration, file name), its
//! includes, the check itself, and the findings moved back to the files they are in.

use std::ops::Range;
use std::path::{Path, PathBuf};
use std::sync::Arc;

use scripts_lint::header::{self, Header};
use scripts_lint::{
    DerivedKeys, Diagnostic, Host, KeySource, Level, LibrarySignature, LineIndex, Param, ParamRef, ParamType, Position,
    Signature, check, check_library,
};

use scripts_decl::scan::Declared;

use crate::config::{Scripts, Settings};
use crate::include::{Part, Spliced};
use crate::paths;
use crate::rules::UNRESOLVED_INCLUDE;
use crate::suppress::Suppressions;

/// A file's text, shared by the findings in it.
#[derive(Debug)]
pub(crate) struct Source {
    /// Absolute, lexically normalised.
    pub(crate) path: PathBuf,
    /// As shown in the output.
    pub(crate) shown: String,
    pub(crate) text: Arc<str>,
    pub(crate) lines: LineIndex,
    /// The configuration file: its findings are about the scripts it declares, not
    /// about Lua it holds.
    pub(crate) is_config: bool,
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
    /// Lint, level, message, help, notes, fix; its ranges are in `source`'s text (a fix
    /// whose edits are not all in that file is dropped).
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

/// What declared a script's keys: a header or the configuration, the file name (a count,
/// no roles), or nothing.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub(crate) enum KeysFrom {
    #[default]
    Declaration,
    FileName,
    Nothing,
}

/// A place in a file of the run, for the per-script records.
#[derive(Clone, Debug)]
pub(crate) struct Place {
    pub(crate) file: String,
    pub(crate) span: Span,
}

/// Keys a script reaches that are not its `KEYS` entries, built from one prefix (or
/// that prefix itself, for an argument or an annotated value).
#[derive(Clone, Debug)]
pub(crate) struct KeysFromPrefix {
    /// `KEYS[1]`, `ARGV[3]`, or the annotated value as written (`args[1]`).
    pub(crate) from: String,
    /// The declared parameter's name, when a declaration names it.
    pub(crate) param: Option<String>,
    /// `key prefix`, `argument prefix`, `annotated prefix`, `annotated key`.
    pub(crate) role: &'static str,
    /// What made it a prefix: `signature`, `file name` (a key counted from the file
    /// name, taken as a prefix because the script appends to it), `nothing` (no
    /// signature: the same), `annotation`.
    pub(crate) declared_by: &'static str,
    /// A caller can check the value's hash tag before sending (it is an entry of `KEYS`
    /// or `ARGV`, not a field inside one).
    pub(crate) tag_checkable: bool,
    /// Where the annotation declares it.
    pub(crate) declared_at: Option<Place>,
    /// Where the script passes keys built from it to commands.
    pub(crate) uses: Vec<Place>,
}

impl KeysFromPrefix {
    /// True for a key counted from the file name (or undeclared) taken as a prefix.
    pub(crate) fn assumed(&self) -> bool {
        matches!(self.declared_by, "file name" | "nothing")
    }

    /// True for keys built from an argument or an annotated value: no declared key's
    /// slot covers them.
    pub(crate) fn outside_keys(&self) -> bool {
        self.role != "key prefix"
    }
}

/// The outcome of checking one script.
#[derive(Debug, Default)]
pub(crate) struct Outcome {
    pub(crate) findings: Vec<Finding>,
    pub(crate) unknown: Unknown,
    /// It has `--- @include` lines, and includes are off.
    pub(crate) unspliced_includes: bool,
    /// The files it includes (spliced), by path.
    pub(crate) included: Vec<PathBuf>,
    /// The script, as shown.
    pub(crate) script: String,
    /// The keys it builds from prefixes, by prefix.
    pub(crate) prefixed: Vec<KeysFromPrefix>,
}

/// Reads an included file (cached across scripts by the caller).
pub(crate) type Reader<'a> = dyn FnMut(&Path) -> Result<Arc<str>, String> + 'a;

/// Checks the script at `path` (absolute; `shown` in the output) whose text is `text`.
pub(crate) fn script(settings: &Settings, path: &Path, shown: &str, text: Arc<str>, read: &mut Reader<'_>) -> Outcome {
    let header = header::parse(&text);
    let (signature, unknown, keys_from, counted_by) = signature(settings, path, &header);
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
    let mut derived = Vec::new();
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
        let report = check(&spliced.text, &signature);
        derived = report.derived_keys;
        report.diagnostics
    };

    // every file taking part, with its suppressions, indexed once
    let mut sources: Vec<Arc<Source>> = spliced
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
                is_config: false,
            })
        })
        .collect();
    let mut suppressions: Vec<Suppressions> = sources.iter().map(|s| Suppressions::parse(&s.text, &s.lines)).collect();
    // a parameter the configuration declared is pointed at there, in a part of its own
    let declared_in_config = match (counted_by, &settings.config) {
        (Some(entry), Some(config)) => entry.signature.as_ref().zip(entry.signature_at).map(|(declared, at)| {
            sources.push(Arc::new(Source {
                path: config.path.clone(),
                shown: paths::display(&config.path, &settings.cwd),
                text: config.text.clone(),
                lines: LineIndex::new(&config.text),
                is_config: true,
            }));
            suppressions.push(Suppressions::default());
            (sources.len() - 1, declared, at)
        }),
        _ => None,
    };

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
            // about a parameter, shown where it is declared: a fix's edits, made in the
            // script, would not be where the finding is
            diagnostic.fix = None;
            // at its name in the header, when the header declared it
            let range = match param {
                ParamRef::Key(i) if header.has_keys => header.key_ranges.get(i),
                ParamRef::Arg(i) if header.has_args => header.arg_ranges.get(i),
                _ => None,
            };
            if let Some(range) = range {
                diagnostic.param = None;
                diagnostic.primary.range = range.clone();
                diagnostic.secondary.clear();
                placed.push((0, diagnostic));
                continue;
            }
            let in_config = declared_in_config.and_then(|(part, declared, at)| {
                let range = match param {
                    ParamRef::Key(i) => declared.key_ranges.get(i),
                    ParamRef::Arg(i) => declared.arg_ranges.get(i),
                    _ => None,
                }?;
                Some((part, range.start + at..range.end + at))
            });
            match in_config {
                Some((part, range)) => {
                    diagnostic.param = None;
                    diagnostic.primary.range = range;
                    diagnostic.secondary.clear();
                    placed.push((part, diagnostic));
                }
                None => placed.push((0, diagnostic)),
            }
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
    let prefixed = derived
        .iter()
        .map(|keys| {
            let place = |range: &Range<usize>| {
                let (part, range) = spliced.locate_range(range);
                let source = &sources[part];
                Place {
                    file: source.shown.clone(),
                    span: span_of(source, &range),
                }
            };
            describe_keys(keys, &signature, keys_from, place)
        })
        .collect();
    if unspliced_includes && let Some(first) = findings.iter_mut().find(|f| f.diagnostic.lint == "undefined_global") {
        // the helpers an include would define are unknown: say so where it shows first
        first.diagnostic.notes.push(
            "this script's `--- @include` lines were not expanded, so what they define is unknown here: \
             pass `--includes` (or set `includes = true` in `redis-lua-lint.toml`)"
                .to_owned(),
        );
    }
    Outcome {
        findings,
        unknown,
        unspliced_includes,
        included: spliced.parts.iter().skip(1).map(|part| part.path.clone()).collect(),
        script: shown.to_owned(),
        prefixed,
    }
}

/// The record of keys built from one prefix.
fn describe_keys(
    keys: &DerivedKeys,
    signature: &Signature,
    keys_from: KeysFrom,
    place: impl Fn(&Range<usize>) -> Place,
) -> KeysFromPrefix {
    let named = |params: &[Param], index: usize| {
        let fixed = params.iter().filter(|p| !p.variadic).count();
        let param = if index <= fixed {
            params.get(index - 1)
        } else {
            params.iter().find(|p| p.variadic)
        };
        param.map(|p| p.name.clone())
    };
    let uses = keys.uses.iter().map(&place).collect();
    match &keys.from {
        KeySource::Key(index) => KeysFromPrefix {
            from: format!("KEYS[{index}]"),
            param: (keys_from == KeysFrom::Declaration)
                .then(|| named(&signature.keys, *index))
                .flatten(),
            role: "key prefix",
            declared_by: match keys_from {
                KeysFrom::Declaration => "signature",
                KeysFrom::FileName => "file name",
                KeysFrom::Nothing => "nothing",
            },
            tag_checkable: true,
            declared_at: None,
            uses,
        },
        KeySource::Arg(index) => KeysFromPrefix {
            from: format!("ARGV[{index}]"),
            param: named(&signature.args, *index),
            role: "argument prefix",
            declared_by: "signature",
            tag_checkable: true,
            declared_at: None,
            uses,
        },
        KeySource::Annotation { target, prefix, at } => KeysFromPrefix {
            from: target.clone(),
            param: None,
            role: if *prefix { "annotated prefix" } else { "annotated key" },
            declared_by: "annotation",
            tag_checkable: false,
            declared_at: Some(place(at)),
            uses,
        },
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
        is_config: false,
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
fn located_fix(spliced: &Spliced, part: usize, fix: scripts_lint::Fix) -> Option<scripts_lint::Fix> {
    let edits = fix
        .edits
        .into_iter()
        .map(|edit| {
            Some(scripts_lint::Edit::new(
                spliced.locate_in(&edit.range, part)?,
                edit.replacement,
            ))
        })
        .collect::<Option<Vec<_>>>()?;
    Some(scripts_lint::Fix { edits, ..fix })
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

/// Where `range` of the file is, by line and column.
pub(crate) fn span_of(source: &Source, range: &Range<usize>) -> Span {
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
/// open counts, with the lints that need them quiet. Also what declared its keys.
///
/// A declaration that gives `args:` but no `keys:` declares no keys, except that with
/// keys counted from file names the file name still gives them: `args: a, prefix(p)` in
/// the configuration of `moveToActive-11.lua` declares its arguments, and its 11 keys
/// come from its name. With it, the configuration entry whose `signature` declared the
/// counts, when one did and the header did not (findings about its parameters point
/// there).
pub(crate) fn signature<'a>(
    settings: &'a Settings,
    path: &Path,
    header: &Header,
) -> (Signature, Unknown, KeysFrom, Option<&'a Scripts>) {
    let mut signature = Header::default().signature;
    let (mut keys_declared, mut args_declared) = (false, false);
    let mut counted_by = None;
    if let Some(target) = settings.target {
        signature.target = target;
    }
    // help texts say what to write where the signature was written
    let mut merge = |signature: &mut Signature, declared: &Header, host: Host| {
        // a header with mistakes may have read a list wrong (`keys: a b`): its counts are
        // not trusted, so the count checks do not pile onto the header's own error
        let counted = declared.declares_counts() && declared.errors.is_empty();
        let counted_before = keys_declared || args_declared;
        if counted {
            if declared.has_keys {
                signature.keys = declared.signature.keys.clone();
                keys_declared = true;
            }
            if declared.has_args {
                signature.args = declared.signature.args.clone();
                args_declared = true;
            }
        }
        let mut declares = counted;
        if declared.has_returns {
            signature.returns = declared.signature.returns.clone();
            signature.return_text = declared.signature.return_text.clone();
            declares = true;
        }
        signature.read_only |= declared.signature.read_only;
        if declared.has_min_version {
            signature.target = declared.signature.target;
            declares = true;
        }
        // counts decide the texts that matter most: a later `min_version` alone does not
        // move them from where the counts were declared
        if declares && (counted || !counted_before) {
            signature.host = host;
        }
        signature.levels.extend(declared.signature.levels.iter().cloned());
        counted
    };
    if let Some(config) = &settings.config {
        signature.levels.extend(config.levels.iter().cloned());
        for entry in config.scripts_for(path) {
            signature.levels.extend(entry.levels.iter().cloned());
            if let Some(declared) = &entry.signature
                && merge(&mut signature, declared, Host::Config)
            {
                counted_by = Some(entry);
            }
        }
    }
    // the command line outranks the configuration; the file's own header outranks both
    signature.levels.extend(settings.levels.iter().cloned());
    if merge(&mut signature, header, Host::Header) {
        counted_by = None;
    }
    let from_name = settings.keys_from_file_name.then(|| keys_in_file_name(path)).flatten();
    if keys_declared {
        return (signature, Unknown::default(), KeysFrom::Declaration, counted_by);
    }
    if args_declared {
        // the arguments are declared; the keys are none unless the file name counts them
        return match from_name {
            Some(keys) => {
                signature.keys = keys_named(keys);
                (signature, Unknown::default(), KeysFrom::FileName, counted_by)
            }
            None => {
                signature.keys.clear();
                (signature, Unknown::default(), KeysFrom::Declaration, counted_by)
            }
        };
    }
    let broken = header.declares_counts();
    if let Some(keys) = from_name {
        signature.keys = keys_named(keys);
        signature.args = vec![Param::new("args", ParamType::Other, true)];
        signature.levels.push(("unused_arg".to_owned(), Level::Allow));
        signature.host = Host::FileName;
        return (
            signature,
            Unknown {
                keys: false,
                args: !broken,
            },
            KeysFrom::FileName,
            None,
        );
    }
    let open = !broken;
    (
        signature.permissive(),
        Unknown { keys: open, args: open },
        KeysFrom::Nothing,
        None,
    )
}

/// `count` keys counted from a file name. Which of them the script builds other keys
/// from is not in the name: each is taken as a prefix where the script appends to it
/// (the run lists where: [`KeysFromPrefix::assumed`]), as for a script nothing declares.
fn keys_named(count: usize) -> Vec<Param> {
    (1..=count)
        .map(|i| Param::new(format!("key{i}"), ParamType::Text, false).prefix())
        .collect()
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
        let (signature, unknown, _, _) = signature(&settings, Path::new("/q/x-3.lua"), &header);
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
        let (signature, unknown, _, _) = signature(settings, Path::new(path), &header::parse(""));
        (signature, unknown)
    }

    #[test]
    fn declared_arguments_keep_the_keys_a_file_name_counts() {
        let settings = Settings {
            keys_from_file_name: true,
            ..Settings::default()
        };
        let header = header::parse("--! args: id, prefix(prefix)\n");
        let (counted, unknown, from, _) = signature(&settings, Path::new("/q/move-3.lua"), &header);
        assert_eq!(counted.key_count(), Count::Exact(3));
        assert_eq!(counted.arg_count(), Count::Exact(2));
        assert!(counted.args[1].prefix);
        assert!(!unknown.keys && !unknown.args);
        assert_eq!(from, KeysFrom::FileName);
        // without a count in the name, `args:` alone declares no keys
        let (uncounted, _, from, _) = signature(&settings, Path::new("/q/move.lua"), &header);
        assert_eq!(uncounted.key_count(), Count::Exact(0));
        assert_eq!(from, KeysFrom::Declaration);
    }
}
