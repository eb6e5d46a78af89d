use super::{Context, Lint, LintInfo, Resolved, display_name, reply_command};
use crate::analysis::{Arg, kind};
use crate::diagnostic::{Diagnostic, Level};
use crate::redis::keys::key_args;
use crate::redis::replies::{self, ArgType};

#[doc = include_str!("invalid_argument.md")]
pub(crate) struct InvalidArgument;

impl Lint for InvalidArgument {
    const INFO: LintInfo = LintInfo {
        name: "invalid_argument",
        default_level: Level::Deny,
        allowable: true,
        always_denied_because: None,
        summary: "a command argument Redis refuses: a table, boolean, `nil`, or a fraction where an integer is due",
        doc: include_str!("invalid_argument.md"),
    };

    fn check(cx: &Context<'_>, out: &mut Vec<Diagnostic>) {
        for (call, resolved) in cx.commands() {
            let refused = kind::TABLE | kind::STATUS | kind::ERROR | kind::BOOL | kind::NIL | kind::MISSING | kind::FUNCTION;
            if call.args.iter().skip(1).any(|a| a.value.has(refused)) {
                // key positions are `key_not_from_keys`'s
                let keys = match resolved {
                    Some(&Resolved::Known(command)) => key_args(command, &call.args).positions,
                    _ => Vec::new(),
                };
                for (index, arg) in call.args.iter().enumerate().skip(1) {
                    if !keys.contains(&index) {
                        refused_type(cx, arg, out);
                    }
                }
            }
            let Some(&Resolved::Known(command)) = resolved else { continue };
            // only a number that may have a fraction can miss an integer position
            if !call.args.iter().any(|a| a.value.fraction) {
                continue;
            }
            let Some(reply) = replies::lookup(command.name) else { continue };
            let words = if command.name.contains('|') { 2 } else { 1 };
            let literals: Vec<Option<&str>> = call
                .args
                .iter()
                .skip(words)
                .map(Arg::literal)
                .collect();
            for (index, arg) in call.args.iter().enumerate().skip(words) {
                let documented = reply.arg_type(index - words, &literals);
                if !matches!(documented, Some(ArgType::Integer | ArgType::UnixTime)) || !arg.value.fraction {
                    continue;
                }
                if !arg.value.only(kind::NUMBER) || arg.spread {
                    continue;
                }
                let name = display_name(command);
                // a known fraction fails every time; a division may come out whole
                let certain = arg.value.number.is_some_and(|n| n.fract() != 0.0);
                let message = match arg.value.number {
                    Some(n) if certain => format!("`{name}` takes an integer here, and this is {n}"),
                    _ => format!("`{name}` takes an integer here, and this number may have a fraction"),
                };
                let mut finding = Self::finding(arg.range.clone(), message)
                    .label("not an integer")
                    .note(format!(
                        "a fractional number is sent as text (`1.5`), and `{name}` answers `value is not an integer or out of range`"
                    ))
                    .help(format!("round it: `math.floor({})`", cx.text(&arg.range)));
                if !certain {
                    finding.level = Level::Warn;
                }
                out.push(finding);
            }
        }
    }
}

/// Reports an argument whose value is (or may be) a table, boolean or `nil`.
fn refused_type(cx: &Context<'_>, arg: &Arg, out: &mut Vec<Diagnostic>) {
    let value = &arg.value;
    let refused = kind::TABLE | kind::STATUS | kind::ERROR | kind::BOOL | kind::NIL | kind::MISSING | kind::FUNCTION;
    // A null reply read straight from a command may be passed on; anything else is
    // reported only when it can be nothing but refused: the analysis joins the fields
    // of a table into one summary, which must not make every field "maybe a table".
    if !value.may_be_missing() && !value.only(refused) {
        return;
    }
    let text = cx.text(&arg.range);
    let (what, help) = if value.has(kind::MISSING) {
        let falsy = match (value.has(kind::MISSING_FALSE), value.has(kind::MISSING_NIL)) {
            (true, true) => "`false` or `nil`",
            (true, false) => "`false`",
            _ => "`nil`",
        };
        (
            format!("`{text}` is {falsy} when {} finds nothing", reply_command(value)),
            "give it a default (`... or ''`), or test it before the call".to_owned(),
        )
    } else if value.has(kind::TABLE | kind::STATUS | kind::ERROR) {
        (
            format!("`{text}` is a table"),
            "pass its entries (`unpack(t)`), a field (`t.ok`), or `cjson.encode(t)`".to_owned(),
        )
    } else if value.has(kind::BOOL) {
        (format!("`{text}` is a boolean"), "pass `1`/`0` or a string instead".to_owned())
    } else if value.has(kind::NIL) {
        (format!("`{text}` may be nil"), "give it a value on every path, or test it before the call".to_owned())
    } else {
        (format!("`{text}` is a function"), "pass the value it returns".to_owned())
    };
    let certain = value.only(refused) && !value.has(kind::MISSING);
    let message = if certain {
        format!("{what}: Redis refuses it as a command argument")
    } else {
        format!("{what}, which Redis refuses as a command argument")
    };
    let mut finding = InvalidArgument::finding(arg.range.clone(), message)
        .label("not a string or a number")
        .note("Redis raises `Lua redis lib command arguments must be strings or integers`")
        .help(help);
    // a reply may be null only where the data allows it, which the script may know
    // better (it checked the key, or wrote it): a warning
    if value.may_be_missing() {
        finding.level = Level::Warn;
    }
    out.push(finding);
}
