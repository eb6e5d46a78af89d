use super::{Context, Lint, LintInfo};
use crate::analysis::ErrorReply;
use crate::diagnostic::{Diagnostic, Level};

#[doc = include_str!("server_error_code.md")]
pub(crate) struct ServerErrorCode;

impl Lint for ServerErrorCode {
    const INFO: LintInfo = LintInfo {
        name: "server_error_code",
        default_level: Level::Deny,
        allowable: false,
        always_denied_because: Some("clients take such an error for the server's own, and may run the script again"),
        summary: "an error reply with a code clients take for the server's (`NOSCRIPT`, `BUSY`, `MOVED`, ...)",
        doc: include_str!("server_error_code.md"),
    };

    // the analysis records every error reply with what is known of its text, through
    // locals and helpers evaluated with each call's arguments (`analysis::errors`)
    fn check(cx: &Context<'_>, out: &mut Vec<Diagnostic>) {
        for error in &cx.facts.error_replies {
            if let Some(code) = reserved(cx, error) {
                out.push(finding(code, error, cx.unit()));
            }
        }
    }
}

/// The codes, each with what Redis means by it.
const CODES: &[(&str, &str)] = &[
    (
        "NOSCRIPT",
        "the script is not cached, and clients send it again with `EVAL`",
    ),
    ("BUSY", "another script runs past the time limit and nothing else runs"),
    ("OOM", "it is over `maxmemory` and refuses the command"),
    (
        "READONLY",
        "a replica refuses a write, and cluster clients send it again to the primary",
    ),
    (
        "MOVED",
        "another node serves the key's slot, and cluster clients send the command there",
    ),
    (
        "ASK",
        "the key's slot is migrating, and cluster clients send the command to the importing node",
    ),
    (
        "TRYAGAIN",
        "a slot migration splits the keys, and cluster clients send the command again after a wait",
    ),
    (
        "CLUSTERDOWN",
        "the cluster cannot serve the slot, and cluster clients send the command again after a wait",
    ),
    ("CROSSSLOT", "the keys hash to different slots and the command did not run"),
    (
        "LOADING",
        "it is loading its data set, and clients send the command again after a wait",
    ),
    (
        "MASTERDOWN",
        "a replica lost its primary, and cluster clients send the command again after a wait",
    ),
    ("NOREPLICAS", "too few replicas acknowledge writes and the write did not run"),
    ("MISCONF", "it cannot persist to disk and the write did not run"),
    ("EXECABORT", "a transaction was discarded and none of its commands ran"),
    ("NOTBUSY", "`SCRIPT KILL` found no script running"),
    ("UNKILLABLE", "`SCRIPT KILL` found a script that already wrote"),
    ("NOPERM", "the ACL refused the command and it did not run"),
    ("NOAUTH", "the connection is not authenticated and the command did not run"),
    ("WRONGPASS", "`AUTH` was given wrong credentials"),
];

/// The server's reply to `FCALL` of a function no library registers (src/functions.c),
/// with what Redis means by it; the runtime matches it exactly.
const FUNCTION_NOT_FOUND: (&str, &str) = (
    "ERR Function not found",
    "`FCALL` names a function no loaded library registers, and this crate's runtime then loads the library and calls again",
);

/// The reserved code or server text an error reply starts with, if any.
fn reserved(cx: &Context<'_>, error: &ErrorReply) -> Option<(&'static str, &'static str)> {
    if cx.library.is_some() {
        let text = &error.text;
        let bare = if error.reply { text.strip_prefix('-').unwrap_or(text) } else { text };
        // appended text may be empty: only a complete, different text is safe
        let matches = if error.complete {
            bare == FUNCTION_NOT_FOUND.0
        } else {
            bare.starts_with(FUNCTION_NOT_FOUND.0)
        };
        if matches {
            return Some(FUNCTION_NOT_FOUND);
        }
    }
    reserved_code(&error.text, error.complete, error.reply)
}

/// The reserved code an error text starts with, if any. `reply`: built by
/// `redis.error_reply`, which turns a text without a space into `ERR <text>` and drops
/// one leading `-`; `complete`: the whole text is known, not only its start.
fn reserved_code(text: &str, complete: bool, reply: bool) -> Option<(&'static str, &'static str)> {
    let text = if reply { text.strip_prefix('-').unwrap_or(text) } else { text };
    let code = match text.split_once(' ') {
        Some((code, _)) => code,
        None if complete && !reply => text,
        // `error_reply('BUSY')` is sent as `ERR BUSY`; `'BUS' .. x` is not known
        None => return None,
    };
    CODES.iter().find(|(c, _)| *c == code).copied()
}

fn finding((code, meaning): (&'static str, &'static str), error: &ErrorReply, unit: &str) -> Diagnostic {
    // a whole server text (`ERR Function not found`) rather than a code
    let (what, own, alternative) = if code.contains(' ') {
        ("text", "NOT_FOUND".to_owned(), "other words after `ERR`")
    } else {
        ("code", format!("APP_{code}"), "`ERR ...`")
    };
    let example = if error.reply {
        format!("redis.error_reply('{own} ...')")
    } else {
        format!("{{err = '{own} ...'}}")
    };
    let diagnostic = ServerErrorCode::finding(
        error.range.clone(),
        format!(
            "this error reply has the {what} `{code}`, which Redis replies when {meaning}: clients take it for the server's own, and may run {unit} again or report that it did not run"
        ),
    )
    .label(format!("read as the server's `{code}`"))
    .help(format!("use a code of your own, such as `{example}`, or {alternative}"));
    match &error.through {
        // the text is written elsewhere: where the reply takes it from
        Some((at, parameter)) if *at != error.range => diagnostic.secondary(at.clone(), through(*parameter)),
        _ => diagnostic,
    }
}

/// The label of the local an error reply takes its text from.
fn through(parameter: bool) -> &'static str {
    if parameter {
        "the helper builds its error from this parameter"
    } else {
        "the error reply is built from this local"
    }
}
