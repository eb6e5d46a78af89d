use super::{Context, Lint, LintInfo, Resolved, argv_name, display_name};
use crate::analysis::kind;
use crate::diagnostic::{Diagnostic, Level};
use crate::redis::keys::key_args;

/// ### What it does
/// Checks every key position of `redis.call`/`redis.pcall` (found from the
/// command's key specs, including `numkeys` counts and keywords such as `STREAMS`)
/// and reports values that do not come from `KEYS`: literals, `ARGV`, concatenations,
/// table fields, or values the analysis cannot trace. It follows locals on every
/// path, `ipairs(KEYS)`, `for i = 1, #KEYS`, `unpack(KEYS)`, aliases of
/// `redis.call` and local functions whose parameters receive keys.
///
/// ### Why this is bad
/// Redis Cluster routes a script by the keys it declares. A key built inside the
/// script can live on another node: it works on one server and fails in a cluster
/// with `Script attempted to access a non local key in a cluster node`.
///
/// ### Example
/// ```lua
/// redis.call('GET', 'user:' .. ARGV[1])   -- bad: the key is built in the script
/// redis.call('GET', KEYS[1])              -- good: pass the key as a #[key] parameter
/// ```
pub(crate) struct KeyNotFromKeys;

impl Lint for KeyNotFromKeys {
    const INFO: LintInfo = LintInfo {
        name: "key_not_from_keys",
        default_level: Level::Deny,
        allowable: true,
        summary: "a key argument of `redis.call` that does not come from `KEYS`",
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
                if value.only(kind::KEY) {
                    continue;
                }
                let (label, level) = describe(cx, value);
                let some_paths = if value.has(kind::KEY) { "on some paths, " } else { "" };
                let mut finding = Self::finding(
                    arg.range.clone(),
                    format!("{some_paths}the key passed to `{name}` does not come from `KEYS`"),
                )
                .label(label)
                .note("Redis Cluster routes a script by its declared keys; a key made inside the script may live on another node")
                .help("declare the key as a `#[key]` parameter and read it as `KEYS[n]`");
                finding.level = level;
                if let Some(origin) = &value.origin
                    && !arg.range.contains(&origin.start)
                    && origin.start < arg.range.start
                {
                    finding = finding.secondary(origin.clone(), "the value comes from here");
                }
                out.push(finding);
                reported = true;
            }
            if let (Some(why), false) = (keys.uncertain, reported) {
                let all_keys = call.args.iter().skip(1).all(|a| a.value.only(kind::KEY));
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

/// What a non-key value is, for the label, and the level to report it at: values
/// the analysis cannot see into are a warning, not an error.
fn describe(cx: &Context<'_>, value: &crate::analysis::Value) -> (String, Level) {
    let others = value.kinds & !kind::KEY;
    if others & kind::ARGV != 0 {
        return (format!("comes from {}", argv_name(value)), Level::Deny);
    }
    if others & kind::CONCAT != 0 {
        return ("built with `..`".to_owned(), Level::Deny);
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
    let _ = cx;
    ("cannot tell where this value comes from".to_owned(), Level::Warn)
}
