use std::ops::Range;

use super::{Context, Lint, LintInfo, Resolved, argv_name, display_name, param_at};
use crate::Param;
use crate::analysis::value::ANY_KEY;
use crate::analysis::{Value, kind};
use crate::annotation::Role;
use crate::diagnostic::{Diagnostic, Level};
use crate::redis::keys::key_args;
use crate::{DerivedKeys, KeySource};

#[doc = include_str!("key_not_from_keys.md")]
pub(crate) struct KeyNotFromKeys;

/// Values that are keys, or that a caller the analysis does not see supplies (an
/// argument declared a prefix is one too, see [`keyish`]).
const KEYISH: u32 = kind::KEY | kind::DERIVED | kind::PARAM | kind::ANNOTATED;

const CLUSTER_NOTE: &str =
    "Redis Cluster routes a script by its declared keys; a key made inside the script may live on another node";

impl Lint for KeyNotFromKeys {
    const INFO: LintInfo = LintInfo {
        name: "key_not_from_keys",
        default_level: Level::Deny,
        allowable: true,
        always_denied_because: None,
        summary: "a key argument of `redis.call` that does not come from `KEYS` (or a prefix it extends: a key or argument declared a prefix, an annotated value)",
        doc: include_str!("key_not_from_keys.md"),
    };

    fn check(cx: &Context<'_>, out: &mut Vec<Diagnostic>) {
        for (call, resolved) in cx.commands() {
            let Some(&Resolved::Known(command)) = resolved else { continue };
            let keys = key_args(command, &call.args);
            let name = display_name(command);
            let mut reported = false;
            for &position in &keys.positions {
                let Some(arg) = call.args.get(position) else { continue };
                let value = &arg.value;
                let keyish = keyish(cx, value);
                let not_prefix = not_prefixes(cx, value);
                if value.only(keyish) && not_prefix.is_empty() {
                    continue;
                }
                let some_paths = if value.has(keyish) { "on some paths, " } else { "" };
                let mut finding = if value.only(keyish) {
                    // a key built from a key, an argument or an annotated value that is
                    // not declared a prefix
                    Self::finding(
                        arg.range.clone(),
                        format!(
                            "the key passed to `{name}` is built from {}, which is not declared a prefix",
                            describe_sources(cx, &not_prefix)
                        ),
                    )
                    .label(appended_to(&not_prefix))
                    .note(CLUSTER_NOTE)
                    .help(prefix_help(cx, &not_prefix))
                } else {
                    let (label, level) = describe(value, keyish);
                    let mut finding = Self::finding(
                        arg.range.clone(),
                        format!("{some_paths}the key passed to `{name}` does not come from `KEYS`"),
                    )
                    .label(label)
                    .note(CLUSTER_NOTE)
                    .help(format!("pass the key as {} and read it as `KEYS[n]`", cx.key_parameter()));
                    finding.level = level;
                    finding
                };
                // the origin may come after the use: a later call of the function it is in
                if let Some(origin) = &value.origin()
                    && !arg.range.contains(&origin.start)
                    && !origin.contains(&arg.range.start)
                {
                    finding = finding.secondary(origin.clone(), "the value comes from here");
                }
                out.push(finding);
                reported = true;
            }
            if let (Some(why), false) = (keys.uncertain, reported) {
                let all_keys = call.args.iter().skip(1).all(|a| a.value.only(keyish(cx, &a.value)));
                if !all_keys {
                    let mut finding = Self::finding(
                        call.args.first().map_or(call.range.clone(), |a| a.range.clone()),
                        format!("cannot tell which arguments of `{name}` are keys: {why}"),
                    )
                    .label("keys not checked")
                    .help("pass the key count and keywords as literals so every key can be checked against `KEYS`");
                    finding.level = Level::Warn;
                    out.push(finding);
                }
            }
        }
    }
}

/// The kinds that make a key at a key position: [`KEYISH`], and an `ARGV` entry the
/// signature declares a prefix (a prefix used as a key as it is).
fn keyish(cx: &Context<'_>, value: &Value) -> u32 {
    let prefix = match (value.argv_index, value.argv_mask) {
        (Some(index), _) => arg_is_prefix(cx, index as usize),
        // `ARGV[i]` for `i = 2, #ARGV`: every entry it may be is a prefix
        (None, mask) if mask != 0 => (1..63).filter(|i| mask & (1 << i) != 0).all(|i| arg_is_prefix(cx, i)),
        _ => false,
    };
    if prefix && value.has(kind::ARGV) { KEYISH | kind::ARGV } else { KEYISH }
}

fn arg_is_prefix(cx: &Context<'_>, index: usize) -> bool {
    param_at(&cx.signature.args, index).is_some_and(|p| p.prefix)
}

/// Where a derived key may come from that may not be built from.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Source<'a> {
    /// `KEYS[i]` not declared a prefix (`0`: any entry, with no key parameter).
    Key(usize, Option<&'a Param>),
    /// `ARGV[i]` not declared a prefix (`0`: an entry the analysis cannot pin down).
    Arg(usize, Option<&'a Param>),
    /// An annotation target declaring a key (not a prefix).
    Note(usize),
}

/// What a value at a key position is built from that is not declared a prefix: the
/// `KEYS` and `ARGV` entries and annotated keys it is appended to.
fn not_prefixes<'a>(cx: &Context<'a>, value: &Value) -> Vec<Source<'a>> {
    let mut found: Vec<Source<'a>> = Vec::new();
    if !value.has(kind::DERIVED) {
        return found;
    }
    let mut add = |source: Source<'a>| {
        let same_param = |a: &Source<'a>| match (a, &source) {
            (Source::Key(_, Some(p)), Source::Key(_, Some(q))) | (Source::Arg(_, Some(p)), Source::Arg(_, Some(q))) => {
                p.name == q.name
            }
            (a, b) => a == b,
        };
        if !found.iter().any(same_param) {
            found.push(source);
        }
    };
    for (params, mask, key) in [
        (&cx.signature.keys, value.derived_from, true),
        (&cx.signature.args, value.args_from, false),
    ] {
        let make = |index: usize, param: Option<&'a Param>| {
            if key {
                Source::Key(index, param)
            } else {
                Source::Arg(index, param)
            }
        };
        for index in 1..63 {
            if mask & (1 << index) != 0 {
                let param = param_at(params, index);
                if param.is_none_or(|p| !p.prefix) {
                    add(make(index, param));
                }
            }
        }
        if mask & ANY_KEY != 0 {
            if params.is_empty() {
                add(make(0, None));
            }
            for (i, param) in params.iter().enumerate() {
                if !param.prefix {
                    add(make(i + 1, Some(param)));
                }
            }
        }
    }
    // an annotated key appended to (a direct one is a key as it is: only the
    // annotations a derived string may come from count, when no direct one joins it)
    if !value.has(kind::ANNOTATED) {
        for (index, target) in cx.annotations.targets.iter().enumerate() {
            if target.role == Role::Key && value.notes_from & crate::analysis::value::note_bit(index) != 0 {
                add(Source::Note(index));
            }
        }
    }
    found
}

/// The label of a key built from what is not declared a prefix.
fn appended_to(sources: &[Source<'_>]) -> &'static str {
    let all = |f: fn(&Source<'_>) -> bool| sources.iter().all(f);
    if all(|s| matches!(s, Source::Key(..))) {
        "built by appending to a key"
    } else if all(|s| matches!(s, Source::Arg(..))) {
        "built by appending to an argument"
    } else if all(|s| matches!(s, Source::Note(..))) {
        "built by appending to an annotated key"
    } else {
        "built by appending to them"
    }
}

fn describe_sources(cx: &Context<'_>, sources: &[Source<'_>]) -> String {
    let names: Vec<String> = sources
        .iter()
        .map(|source| match *source {
            Source::Key(0, _) => "`KEYS`".to_owned(),
            Source::Key(i, Some(p)) if p.variadic => format!("`KEYS[{i}]` (from the slice `{}`)", p.name),
            Source::Key(i, Some(p)) => format!("`KEYS[{i}]` (`{}`)", p.name),
            Source::Key(i, None) => format!("`KEYS[{i}]`"),
            Source::Arg(0, _) => format!("an entry of `{}`", cx.argv_spelling()),
            // a header's rest (or no declaration at all) names no one entry
            Source::Arg(i, Some(p)) if p.variadic && !cx.in_rust() => format!("`ARGV[{i}]`"),
            Source::Arg(i, Some(p)) if p.variadic => format!("`ARGV[{i}]` (from the slice `{}`)", p.name),
            Source::Arg(i, Some(p)) => format!("`ARGV[{i}]` (`{}`)", p.name),
            Source::Arg(i, None) => format!("`ARGV[{i}]`"),
            Source::Note(t) => format!("`{}` (an annotated key)", cx.annotations.targets[t].text(cx.source)),
        })
        .collect();
    names.join(" or ")
}

fn prefix_help(cx: &Context<'_>, sources: &[Source<'_>]) -> String {
    if let Some(target) = sources.iter().find_map(|s| match s {
        Source::Note(t) => Some(&cx.annotations.targets[*t]),
        _ => None,
    }) {
        let text = target.text(cx.source);
        return format!(
            "if `{text}` is a prefix the script builds keys from, write `prefix({text})` in its annotation instead of `key({text})`; otherwise pass this key as {}",
            cx.key_parameter()
        );
    }
    let args: Vec<&Source<'_>> = sources.iter().filter(|s| matches!(s, Source::Arg(..))).collect();
    if !args.is_empty() {
        let declared: Vec<String> = args
            .iter()
            .filter_map(|s| match s {
                Source::Arg(_, Some(p)) if !p.variadic || cx.in_rust() => {
                    Some(cx.declare_arg_prefix(&p.name))
                }
                _ => None,
            })
            .collect();
        let declare = if declared.is_empty() {
            let position = match args[0] {
                Source::Arg(i, _) if *i > 0 => format!(" (`ARGV[{i}]`)"),
                _ => String::new(),
            };
            format!(
                "if it is a prefix the script builds keys from, declare that argument{position} a prefix ({})",
                cx.declare_arg_prefix("name")
            )
        } else {
            format!("if it is a prefix the script builds keys from, declare {}", declared.join(" and "))
        };
        let guard = if cx.in_rust() {
            "the runtime then refuses a value without a hash tag (`bull:{orders}:`) or in another slot than the declared keys"
        } else {
            "callers must then pass it with a hash tag (`bull:{orders}:`) in the slot of the declared keys"
        };
        return format!(
            "{declare}: {guard}; keys built from an argument are not declared in `KEYS`, so Dragonfly and Kvrocks also need their undeclared-keys option; otherwise pass this key as {}",
            cx.key_parameter()
        );
    }
    let declared: Vec<String> = sources
        .iter()
        .filter_map(|s| match s {
            Source::Key(_, Some(p)) => Some(cx.declare_prefix(&p.name)),
            _ => None,
        })
        .collect();
    let declare = if declared.is_empty() {
        format!("declare the key it is built from a prefix ({})", cx.declare_prefix("name"))
    } else {
        format!("if it is a prefix the script builds keys from, declare {}", declared.join(" and "))
    };
    let guard = if cx.in_rust() {
        "the runtime then refuses a value without a hash tag (`bull:{orders}:`)"
    } else {
        "callers must then pass it with a hash tag (`bull:{orders}:`)"
    };
    format!(
        "{declare}: {guard}, so every key built from it stays in its slot; otherwise pass this key as {}",
        cx.key_parameter()
    )
}

/// What a non-key value is, for the label, and the level to report it at: values
/// the analysis cannot see into are a warning, not an error.
fn describe(value: &Value, keyish: u32) -> (String, Level) {
    let others = value.kinds & !keyish;
    if others & kind::ARGV != 0 {
        return (format!("comes from {}", argv_name(value)), Level::Deny);
    }
    if others & (kind::REPLY | kind::MISSING) != 0 {
        return (format!("comes from the reply of {}", super::reply_command(value)), Level::Deny);
    }
    if others & kind::CONCAT != 0 {
        return ("built with `..`, not starting with a key".to_owned(), Level::Deny);
    }
    if others & kind::STRING != 0 {
        return match value.string.as_deref() {
            Some(text) => (format!("the literal `'{text}'`"), Level::Deny),
            None => ("a string made in the script".to_owned(), Level::Deny),
        };
    }
    if others & kind::NUMBER != 0 {
        return ("a number".to_owned(), Level::Deny);
    }
    if others & kind::FIELD != 0 {
        return ("read from a table field".to_owned(), Level::Deny);
    }
    if others & kind::NIL != 0 {
        return ("may be nil".to_owned(), Level::Deny);
    }
    ("cannot tell where this value comes from".to_owned(), Level::Warn)
}

/// Every key the script passes to a command that is built from a prefix (a `KEYS`
/// prefix, an argument declared a prefix, an annotated value) or is such an argument or
/// annotated value itself, grouped by where it comes from. Keys the lint reports are
/// not listed: only what the script may use.
pub(crate) fn derived_keys(cx: &Context<'_>) -> Vec<DerivedKeys> {
    let mut out: Vec<DerivedKeys> = Vec::new();
    let mut add = |from: KeySource, range: &Range<usize>| match out.iter_mut().find(|d| d.from == from) {
        Some(found) => {
            if !found.uses.contains(range) {
                found.uses.push(range.clone());
            }
        }
        None => out.push(DerivedKeys {
            from,
            uses: vec![range.clone()],
        }),
    };
    for (call, resolved) in cx.commands() {
        let Some(&Resolved::Known(command)) = resolved else { continue };
        for &position in &key_args(command, &call.args).positions {
            let Some(arg) = call.args.get(position) else { continue };
            let value = &arg.value;
            let keyish = keyish(cx, value);
            if !value.only(keyish) || !not_prefixes(cx, value).is_empty() {
                continue;
            }
            if value.has(kind::DERIVED) {
                for index in prefixes_in(&cx.signature.keys, value.derived_from) {
                    add(KeySource::Key(index), &arg.range);
                }
                for index in prefixes_in(&cx.signature.args, value.args_from) {
                    add(KeySource::Arg(index), &arg.range);
                }
            }
            if value.has(kind::ARGV) {
                match value.argv_index {
                    Some(index) => add(KeySource::Arg(index as usize), &arg.range),
                    None => {
                        for index in prefixes_in(&cx.signature.args, value.argv_mask) {
                            add(KeySource::Arg(index), &arg.range);
                        }
                    }
                }
            }
            for (index, target) in cx.annotations.targets.iter().enumerate() {
                if value.notes_from & crate::analysis::value::note_bit(index) != 0 {
                    let from = KeySource::Annotation {
                        target: target.text(cx.source).to_owned(),
                        prefix: target.role == Role::Prefix,
                        at: target.range.clone(),
                    };
                    add(from, &arg.range);
                }
            }
        }
    }
    out.sort_by_key(|d| d.from.order());
    for found in &mut out {
        found.uses.sort_by_key(|r| r.start);
    }
    out
}

/// The 1-based positions of the prefix parameters `mask` names (every prefix parameter
/// for an entry the analysis cannot pin down).
fn prefixes_in(params: &[Param], mask: u64) -> Vec<usize> {
    let mut out = Vec::new();
    for index in 1..63 {
        if mask & (1 << index) != 0 && param_at(params, index).is_some_and(|p| p.prefix) {
            out.push(index);
        }
    }
    if mask & ANY_KEY != 0 {
        let fixed = params.iter().filter(|p| !p.variadic).count();
        for (i, param) in params.iter().enumerate() {
            if param.prefix && !out.contains(&(i + 1)) && (i < fixed || param.variadic) {
                out.push(i + 1);
            }
        }
    }
    out
}
