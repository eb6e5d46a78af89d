use super::{Context, Lint, LintInfo, Resolved, argv_name, display_name, param_at};
use crate::Param;
use crate::analysis::kind;
use crate::analysis::value::ANY_KEY;
use crate::diagnostic::{Diagnostic, Level};
use crate::redis::keys::key_args;

#[doc = include_str!("key_not_from_keys.md")]
pub(crate) struct KeyNotFromKeys;

/// Values that are keys, or that a caller the analysis does not see supplies.
const KEYISH: u32 = kind::KEY | kind::DERIVED | kind::PARAM;

const CLUSTER_NOTE: &str =
    "Redis Cluster routes a script by its declared keys; a key made inside the script may live on another node";

impl Lint for KeyNotFromKeys {
    const INFO: LintInfo = LintInfo {
        name: "key_not_from_keys",
        default_level: Level::Deny,
        allowable: true,
        always_denied_because: None,
        summary: "a key argument of `redis.call` that does not come from `KEYS` (or a declared key prefix it extends)",
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
                let not_prefix = if value.has(kind::DERIVED) {
                    not_prefixes(cx, value.derived_from)
                } else {
                    None
                };
                if value.only(KEYISH) && not_prefix.is_none() {
                    continue;
                }
                let some_paths = if value.has(KEYISH) { "on some paths, " } else { "" };
                let mut finding = match (value.only(KEYISH), not_prefix) {
                    // a key built from a key that is not declared a prefix
                    (true, Some(params)) => Self::finding(
                        arg.range.clone(),
                        format!(
                            "the key passed to `{name}` is built from {}, which is not declared a prefix",
                            describe_params(&params)
                        ),
                    )
                    .label("built by appending to a key")
                    .note(CLUSTER_NOTE)
                    .help(prefix_help(cx, &params)),
                    _ => {
                        let (label, level) = describe(value);
                        let mut finding = Self::finding(
                            arg.range.clone(),
                            format!("{some_paths}the key passed to `{name}` does not come from `KEYS`"),
                        )
                        .label(label)
                        .note(CLUSTER_NOTE)
                        .help(format!("pass the key as {} and read it as `KEYS[n]`", cx.key_parameter()));
                        finding.level = level;
                        finding
                    }
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
                let all_keys = call.args.iter().skip(1).all(|a| a.value.only(KEYISH));
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

/// The key parameters a derived key may be built from that are not declared prefixes
/// (`Some(empty)`: built from a `KEYS` entry no parameter fills); `None` when every
/// one is a prefix.
fn not_prefixes<'a>(cx: &Context<'a>, from: u64) -> Option<Vec<(usize, Option<&'a Param>)>> {
    let keys = &cx.signature.keys;
    let mut found: Vec<(usize, Option<&Param>)> = Vec::new();
    let mut add = |index: usize, param: Option<&'a Param>| {
        if param.is_none_or(|p| !p.prefix) && !found.iter().any(|(_, p)| p.map(|p| &p.name) == param.map(|p| &p.name))
        {
            found.push((index, param));
        }
    };
    for index in 1..63 {
        if from & (1 << index) != 0 {
            add(index, param_at(keys, index));
        }
    }
    if from & ANY_KEY != 0 {
        if keys.is_empty() {
            add(0, None);
        }
        for (i, param) in keys.iter().enumerate() {
            add(i + 1, Some(param));
        }
    }
    (!found.is_empty()).then_some(found)
}

fn describe_params(params: &[(usize, Option<&Param>)]) -> String {
    let names: Vec<String> = params
        .iter()
        .map(|(index, param)| match (index, param) {
            (0, _) => "`KEYS`".to_owned(),
            (i, Some(p)) if p.variadic => format!("`KEYS[{i}]` (from the slice `{}`)", p.name),
            (i, Some(p)) => format!("`KEYS[{i}]` (`{}`)", p.name),
            (i, None) => format!("`KEYS[{i}]`"),
        })
        .collect();
    names.join(" or ")
}

fn prefix_help(cx: &Context<'_>, params: &[(usize, Option<&Param>)]) -> String {
    let declared: Vec<String> = params
        .iter()
        .filter_map(|(_, p)| p.map(|p| cx.declare_prefix(&p.name)))
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
fn describe(value: &crate::analysis::Value) -> (String, Level) {
    let others = value.kinds & !KEYISH;
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
