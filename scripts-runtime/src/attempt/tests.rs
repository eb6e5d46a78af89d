//! The decision as a table: every server reply the runtime knows, for every kind of
//! request, with the next step and whether the script ran; then the second attempts
//! (after `EVAL`, after a load, after redirects and waits) and pipelines' replies.

use super::*;
use crate::error::Error;
use crate::library::Library;
use crate::location::Location;
use crate::script::Script;

const NODE: Route = Route::Node;
const SLOT: Route = Route::Slot(Some(42));

/// The columns of [`ROWS`]: each kind of request, where it can be sent.
const COLUMNS: [(Request, Route); 7] = [
    (Request::Script, NODE),
    (Request::Script, SLOT),
    (Request::Function, NODE),
    (Request::Function, SLOT),
    (Request::Foreign, SLOT),
    (Request::Pipeline, SLOT),
    (Request::Transaction, SLOT),
];

/// Shorthands of the expected steps.
const EVAL: &str = "eval";
const LOAD: &str = "load";
const NO: &str = "fail no";
const NO_RELOAD: &str = "fail no, reload";
const YES: &str = "fail yes";
const YES_RELOAD: &str = "fail yes, reload";
const UNKNOWN: &str = "fail unknown";
const MOVED: &str = "moved 42 10.0.0.2:7002";
const ASK: &str = "ask 42 10.0.0.2:7002";
const WAIT: &str = "wait 25 ms";

/// A refusal no request recovers from: nothing ran (a pipeline refused as a whole
/// may have been refused for a slot that moved).
const REFUSED: [&str; 7] = [NO, NO, NO, NO, NO, NO_RELOAD, NO_RELOAD];
/// An error the script raised or returned: it ran.
const RAN: [&str; 7] = [YES, YES, YES, YES, YES, YES_RELOAD, YES_RELOAD];

/// Every error reply the runtime reads, as the server writes it (after the `-`),
/// with the first step for each of [`COLUMNS`].
const ROWS: &[(&str, [&str; 7])] = &[
    // the server lacks the script (Redis 2.6 to 7.4; Valkey 8): one `EVAL`
    (
        "NOSCRIPT No matching script. Please use EVAL.",
        [EVAL, EVAL, NO, NO, NO, NO_RELOAD, NO_RELOAD],
    ),
    (
        "NOSCRIPT No matching script.",
        [EVAL, EVAL, NO, NO, NO, NO_RELOAD, NO_RELOAD],
    ),
    // no library registers the function: load it, call once more
    ("ERR Function not found", [NO, NO, LOAD, LOAD, NO, NO_RELOAD, NO_RELOAD]),
    // redirects: followed on a cluster when they name the request's slot (`MOVED`:
    // seen in `tests/tests/failover.rs`, from a primary demoted by `CLUSTER FAILOVER`)
    (
        "MOVED 42 10.0.0.2:7002",
        [NO, MOVED, NO, MOVED, MOVED, NO_RELOAD, NO_RELOAD],
    ),
    ("ASK 42 10.0.0.2:7002", [NO, ASK, NO, ASK, ASK, NO_RELOAD, NO_RELOAD]),
    ("MOVED 43 10.0.0.2:7002", REFUSED),
    ("ASK 43 10.0.0.2:7002", REFUSED),
    (
        "MOVED 42 [::1]:7002",
        [
            NO,
            "moved 42 [::1]:7002",
            NO,
            "moved 42 [::1]:7002",
            "moved 42 [::1]:7002",
            NO_RELOAD,
            NO_RELOAD,
        ],
    ),
    // a migration splits the keys: waited out on a cluster
    (
        "TRYAGAIN Multiple keys request during rehashing of slot",
        [NO, WAIT, NO, WAIT, WAIT, NO_RELOAD, NO_RELOAD],
    ),
    // the cluster cannot serve the slot: read the slot map again (`The cluster is
    // down`: seen in `tests/tests/failover.rs`, between a primary's failure and its
    // replica's promotion)
    (
        "CLUSTERDOWN The cluster is down",
        [NO, NO_RELOAD, NO, NO_RELOAD, NO_RELOAD, NO_RELOAD, NO_RELOAD],
    ),
    (
        "CLUSTERDOWN Hash slot not served",
        [NO, NO_RELOAD, NO, NO_RELOAD, NO_RELOAD, NO_RELOAD, NO_RELOAD],
    ),
    (
        "CLUSTERDOWN The cluster is down and only accepts read commands",
        [NO, NO_RELOAD, NO, NO_RELOAD, NO_RELOAD, NO_RELOAD, NO_RELOAD],
    ),
    // other refusals: nothing ran, nothing to recover
    (
        "BUSY Redis is busy running a script. You can only call SCRIPT KILL or SHUTDOWN NOSAVE.",
        REFUSED,
    ),
    (
        "BUSY Valkey is busy running a script. You can only call SCRIPT KILL or SHUTDOWN NOSAVE.",
        REFUSED,
    ),
    ("OOM command not allowed when used memory > 'maxmemory'.", REFUSED),
    (
        "OOM allow-oom flag is not set on the script, can not run it when used memory > 'maxmemory'",
        REFUSED,
    ),
    ("READONLY You can't write against a read only replica.", REFUSED),
    ("CROSSSLOT Keys in request don't hash to the same slot", REFUSED),
    ("LOADING Redis is loading the dataset in memory", REFUSED),
    ("LOADING Valkey is loading the dataset in memory", REFUSED),
    (
        "MASTERDOWN Link with MASTER is down and replica-serve-stale-data is set to 'no'.",
        REFUSED,
    ),
    ("NOREPLICAS Not enough good replicas to write.", REFUSED),
    (
        "MISCONF Redis is configured to save RDB snapshots, but it's currently unable to persist to disk.",
        REFUSED,
    ),
    (
        "MISCONF Valkey is configured to save RDB snapshots, but it's currently unable to persist to disk.",
        REFUSED,
    ),
    (
        "MISCONF Errors writing to the AOF file: No space left on device",
        REFUSED,
    ),
    (
        "NOPERM User alice has no permissions to run the 'evalsha' command",
        REFUSED,
    ),
    ("NOAUTH Authentication required.", REFUSED),
    (
        "ERR Error compiling script (new function): user_script:1: '=' expected near 'x'",
        REFUSED,
    ),
    ("ERR Number of keys can't be greater than number of args", REFUSED),
    ("ERR Number of keys can't be negative", REFUSED),
    ("ERR value is not an integer or out of range", REFUSED),
    ("ERR unknown command 'EVALSHA_RO', with args beginning with: ", REFUSED),
    ("ERR wrong number of arguments for 'evalsha' command", REFUSED),
    ("ERR Can not run script on cluster, 'no-cluster' flag is set.", REFUSED),
    (
        "ERR Can not execute a script with write flag using *_ro command.",
        REFUSED,
    ),
    ("ERR Invalid script shebang", REFUSED),
    ("ERR Unexpected engine in script shebang: js", REFUSED),
    ("ERR Unknown lua shebang option: x", REFUSED),
    ("ERR Unexpected flag in script shebang: y", REFUSED),
    ("ERR max number of clients reached", REFUSED),
    ("ERR Protocol error: invalid multibulk length", REFUSED),
    // a discarded transaction ran nothing; from a script, the text is its own
    (
        "EXECABORT Transaction discarded because of previous errors.",
        [YES, YES, YES, YES, YES, YES_RELOAD, NO_RELOAD],
    ),
    // raised while the script ran (Redis 7 suffix, Redis 6 prefix): it ran, and
    // whatever the code, nothing is sent again
    (
        "ERR user_script:1: Script attempted to access nonexistent global variable 'x' script: 7c69090d716b3b899dd0365cfdda40b6cf8ae98d, on @user_script:1.",
        RAN,
    ),
    ("ERR Error running script (call to f_0123): @user_script:2: oops", RAN),
    (
        "WRONGTYPE Operation against a key holding the wrong kind of value script: 0a1b, on @user_script:3.",
        RAN,
    ),
    (
        "ERR Script killed by user with SCRIPT KILL... script: 0a1b, on @user_script:2.",
        RAN,
    ),
    (
        "OOM command not allowed when used memory > 'maxmemory'. script: 0a1b, on @user_script:1.",
        RAN,
    ),
    (
        "READONLY You can't write against a read only replica. script: 0a1b, on @user_script:1.",
        RAN,
    ),
    ("ERR boom script: bank_v1a2b3c4d, on @user_function:4.", RAN),
    (
        "NOSCRIPT No matching script. Please use EVAL. script: 0a, on @user_script:1.",
        RAN,
    ),
    ("ERR Function not found script: 0a, on @user_script:1.", RAN),
    ("MOVED 42 10.0.0.2:7002 script: 0a, on @user_script:1.", RAN),
    (
        "TRYAGAIN Multiple keys request during rehashing of slot script: 0a, on @user_script:1.",
        RAN,
    ),
    // returned by the script (`redis.error_reply`, `{err = ...}`): the server's
    // codes with other words are the script's, it ran
    ("no fields", RAN),
    ("APP_NOT_FOUND user 42", RAN),
    ("ERR", RAN),
    ("NOSCRIPT fake", RAN),
    ("ERR Function not found here", RAN),
    ("BUSY later", RAN),
    ("OOM quota", RAN),
    ("READONLY archived", RAN),
    ("CROSSSLOT mine", RAN),
    ("TRYAGAIN soon", RAN),
    ("CLUSTERDOWN maybe", RAN),
    ("LOADING data", RAN),
    ("MASTERDOWN later", RAN),
    ("NOPERM mine", RAN),
    ("MOVED elsewhere", RAN),
    ("MOVED 16384 10.0.0.2:7002", RAN),
    ("ASK 42 nowhere", RAN),
];

/// A step as the table writes it.
fn show(step: Step<'_>) -> String {
    match step {
        Step::Return => "return".to_owned(),
        Step::Eval => EVAL.to_owned(),
        Step::Load => LOAD.to_owned(),
        Step::Again => "again".to_owned(),
        Step::Redirect { slot, node, asking } => {
            format!("{} {slot} {node}", if asking { "ask" } else { "moved" })
        }
        Step::Wait(wait) => format!("wait {} ms", wait.as_millis()),
        Step::Fail { ran, reload } => {
            let ran = match ran {
                Ran::Yes => "yes",
                Ran::No => "no",
                Ran::Unknown => "unknown",
            };
            format!("fail {ran}{}", if reload { ", reload" } else { "" })
        }
    }
}

/// The server's error reply `text`, as redis-rs hands it over.
fn server_error(text: &str) -> RedisError {
    let value = redis::parse_redis_value(format!("-{text}\r\n").as_bytes()).unwrap();
    value.extract_error().unwrap_err()
}

/// The first step for `came`.
fn first(request: Request, route: Route, came: Came<'_>) -> String {
    show(Attempt::new(request, route).next(came))
}

static LIBRARY: Library = Library::__new(
    "bank",
    "bank_v1a2b3c4d",
    "#!lua name=bank_v1a2b3c4d",
    true,
    UNKNOWN_PLACE,
    &[],
);
static SCRIPT: Script = Script::__new(
    "call",
    "return 1",
    "e0e1f9fabfc9d4800c877a703b823ac0578ff8db",
    (1, false),
    (0, false),
    false,
    UNKNOWN_PLACE,
    &[],
);
static FUNCTION: Script = Script::__new(
    "transfer",
    "#!lua name=bank_v1a2b3c4d",
    "",
    (1, false),
    (0, false),
    false,
    UNKNOWN_PLACE,
    &[],
)
.__in_library(&LIBRARY, "transfer_v1a2b3c4d");
const UNKNOWN_PLACE: Location = Location {
    file: "",
    line: 0,
    column: 0,
};

#[test]
fn every_server_reply_for_every_request() {
    let mut mismatches = Vec::new();
    for (text, expected) in ROWS {
        let error = server_error(text);
        let came = Came::of_error(&error);
        for ((request, route), expected) in COLUMNS.iter().zip(expected) {
            let step = first(*request, *route, came);
            if step != *expected {
                mismatches.push(format!(
                    "{text:?} for {request:?} on {route:?}: {step}, expected {expected}"
                ));
            }
        }
        // the error a call returns says the same as the table: it ran when the
        // decision gave up with `Ran::Yes`, not when it recovered or refused
        for (script, request) in [(&SCRIPT, Request::Script), (&FUNCTION, Request::Function)] {
            let ran = match Attempt::new(request, SLOT).next(came) {
                Step::Fail { ran, .. } => ran,
                _ => Ran::No,
            };
            let typed = Error::from_redis(script, server_error(text));
            if typed.ran() != ran {
                mismatches.push(format!(
                    "{text:?}: {typed:?} says {:?}, the decision {ran:?}",
                    typed.ran()
                ));
            }
        }
    }
    assert!(mismatches.is_empty(), "{}", mismatches.join("\n"));
}

/// Every way a send can end without a server's error reply.
#[test]
fn replies_lost_replies_and_requests_never_sent() {
    let io = |kind| RedisError::from(std::io::Error::from(kind));
    let cases: [(&str, RedisResult<Value>, [&str; 7]); 8] = [
        ("a reply", Ok(Value::Int(1)), ["return"; 7]),
        ("a timeout", Err(io(std::io::ErrorKind::TimedOut)), [UNKNOWN; 7]),
        // seen in `tests/tests/failover.rs`, as the next two: calls in flight on a
        // killed primary
        (
            "a reset connection",
            Err(io(std::io::ErrorKind::ConnectionReset)),
            [UNKNOWN; 7],
        ),
        ("a broken pipe", Err(io(std::io::ErrorKind::BrokenPipe)), [UNKNOWN; 7]),
        (
            "the connection closed",
            Err(io(std::io::ErrorKind::UnexpectedEof)),
            [UNKNOWN; 7],
        ),
        (
            "a reply that does not parse",
            Err(RedisError::from((ErrorKind::Parse, "invalid reply"))),
            [UNKNOWN; 7],
        ),
        // seen in `tests/tests/failover.rs`: connecting to a killed primary
        (
            "a connection refused",
            Err(io(std::io::ErrorKind::ConnectionRefused)),
            [NO, NO_RELOAD, NO, NO_RELOAD, NO_RELOAD, NO_RELOAD, NO_RELOAD],
        ),
        (
            "a request the client refused",
            Err(RedisError::from((ErrorKind::InvalidClientConfig, "no password"))),
            [NO, NO_RELOAD, NO, NO_RELOAD, NO_RELOAD, NO_RELOAD, NO_RELOAD],
        ),
    ];
    for (what, result, expected) in cases {
        for ((request, route), expected) in COLUMNS.iter().zip(expected) {
            assert_eq!(
                first(*request, *route, Came::of(&result)),
                expected,
                "{what} for {request:?} on {route:?}"
            );
        }
        if let Err(error) = result {
            let ran = match Attempt::new(Request::Script, NODE).next(Came::of_error(&error)) {
                Step::Fail { ran, .. } => ran,
                other => panic!("{what}: {other:?}"),
            };
            assert_eq!(Error::from_redis(&SCRIPT, error).ran(), ran, "{what}");
        }
    }
}

/// Steps in turn for the replies `texts` (`+` a reply, `!` a lost one, else an error).
fn steps(request: Request, route: Route, texts: &[&str]) -> Vec<String> {
    let mut attempt = Attempt::new(request, route);
    texts
        .iter()
        .map(|text| match *text {
            "+" => show(attempt.next(Came::Reply)),
            "!" => show(attempt.next(Came::Lost)),
            text => {
                let error = server_error(text);
                show(attempt.next(Came::of_error(&error)))
            }
        })
        .collect()
}

#[test]
fn one_eval_and_at_most_three_loads_per_call() {
    let noscript = "NOSCRIPT No matching script. Please use EVAL.";
    assert_eq!(steps(Request::Script, NODE, &[noscript, noscript]), [EVAL, NO]);
    assert_eq!(steps(Request::Script, NODE, &[noscript, "+"]), [EVAL, "return"]);
    let missing = "ERR Function not found";
    assert_eq!(
        steps(Request::Function, NODE, &[missing, "+", missing]),
        [LOAD, "again", LOAD],
        "the load's reply, then the call's: deleted again between the load and the call"
    );
    assert_eq!(
        steps(
            Request::Function,
            SLOT,
            &[missing, "+", missing, "+", missing, "+", missing]
        ),
        [LOAD, "again", LOAD, "again", LOAD, "again", NO],
        "three loads at most"
    );
    assert_eq!(
        steps(Request::Function, NODE, &[missing, "+", "+"]),
        [LOAD, "again", "return"]
    );
    // the load refused or lost: the call did not run, and is not sent again
    assert_eq!(
        steps(Request::Function, SLOT, &[missing, "ERR Library 'bank' already exists"]),
        [LOAD, NO]
    );
    assert_eq!(steps(Request::Function, SLOT, &[missing, "!"]), [LOAD, NO]);
    // the load's reply is read as the load's, even when it looks like a refusal
    assert_eq!(
        steps(Request::Function, SLOT, &[missing, "MOVED 42 10.0.0.2:7002"]),
        [LOAD, NO]
    );
    // after the fallback, redirects are still followed, the fallback not repeated
    assert_eq!(
        steps(Request::Script, SLOT, &[noscript, "MOVED 42 10.0.0.2:7002", noscript]),
        [EVAL, MOVED, NO]
    );
}

#[test]
fn redirects_and_waits_are_bounded() {
    let moved = "MOVED 42 10.0.0.2:7002";
    let mut expected = vec![MOVED; 5];
    expected.push(NO);
    assert_eq!(steps(Request::Script, SLOT, &[moved; 6]), expected);
    assert_eq!(
        steps(Request::Foreign, SLOT, &[moved, "ASK 42 10.0.0.2:7002", moved, "+"]),
        [MOVED, ASK, MOVED, "return"]
    );
    let tryagain = "TRYAGAIN Multiple keys request during rehashing of slot";
    assert_eq!(
        steps(Request::Script, SLOT, &[tryagain; 6]),
        [
            "wait 25 ms",
            "wait 50 ms",
            "wait 100 ms",
            "wait 200 ms",
            "wait 400 ms",
            NO
        ]
    );
    // a call without keys goes to any node: a redirect names no slot of its own
    assert_eq!(steps(Request::Script, Route::Slot(None), &[moved]), [NO]);
    assert_eq!(steps(Request::Script, Route::Slot(None), &[tryagain]), ["wait 25 ms"]);
}

/// A pipeline's replies, as a node sends them back (`:1` a reply, else an error).
fn replies(texts: &[&str]) -> Vec<Value> {
    texts
        .iter()
        .map(|text| {
            let resp = if text.starts_with(':') {
                format!("{text}\r\n")
            } else {
                format!("-{text}\r\n")
            };
            redis::parse_redis_value(resp.as_bytes()).unwrap()
        })
        .collect()
}

#[test]
fn pipelines_are_sent_again_only_when_every_reply_is_moved_for_their_slot() {
    let moved = "MOVED 42 10.0.0.2:7002";
    let cases: &[(&[&str], &str)] = &[
        (&[moved, moved], MOVED),
        (&[moved], MOVED),
        // one ran: the rest ran too, and the refusal is not "send again"
        (&[moved, ":1"], YES),
        (&[":1", "TRYAGAIN Multiple keys request during rehashing of slot"], YES),
        (&[":1", "CLUSTERDOWN Hash slot not served"], YES),
        (&[":1", "ASK 42 10.0.0.2:7002"], YES),
        // every command refused, but not as a whole move of this slot: as they are
        (&["MOVED 43 10.0.0.2:7002"], "return"),
        (&["ASK 42 10.0.0.2:7002", "ASK 42 10.0.0.2:7002"], "return"),
        (&[moved, "MOVED 42 10.0.0.3:7003"], "return"),
        // replies and the script's own errors
        (&[], "return"),
        (&[":1", ":2"], "return"),
        (&[":1", "TRYAGAIN soon"], "return"),
        (
            &[":1", "MOVED 42 10.0.0.2:7002 script: 0a, on @user_script:1."],
            "return",
        ),
    ];
    for (texts, expected) in cases {
        let values = replies(texts);
        assert_eq!(
            first(Request::Pipeline, SLOT, Came::Replies(&values)),
            *expected,
            "{texts:?}"
        );
        // a transaction's replies are `EXEC`'s: it ran
        assert_eq!(
            first(Request::Transaction, SLOT, Came::Replies(&values)),
            "return",
            "{texts:?}"
        );
    }
    // the slot is unknown (no keys): nothing to check a move against
    let values = replies(&[moved]);
    assert_eq!(
        first(Request::Pipeline, Route::Slot(None), Came::Replies(&values)),
        "return"
    );
    // bounded like any redirect
    let mut attempt = Attempt::new(Request::Pipeline, SLOT);
    let followed: Vec<String> = (0..6).map(|_| show(attempt.next(Came::Replies(&values)))).collect();
    assert_eq!(followed, [MOVED, MOVED, MOVED, MOVED, MOVED, "return"]);
}

#[test]
fn cluster_refusals_in_a_pipeline_are_told_from_the_scripts_own_errors() {
    let values = replies(&["MOVED 42 10.0.0.2:7002", "TRYAGAIN soon", ":1"]);
    assert!(matches!(
        cluster_refusal(&values[0]),
        Some(ErrorReply::Redirect(Redirect::Moved, 42, "10.0.0.2:7002"))
    ));
    assert_eq!(cluster_refusal(&values[1]), None);
    assert_eq!(cluster_refusal(&values[2]), None);
}

#[test]
fn raised_errors_are_told_by_their_suffix() {
    // texts observed on redis-server 7.0.15
    assert!(raised_in_script(
        "user_script:1: plain script: 7c69090d716b3b899dd0365cfdda40b6cf8ae98d, on @user_script:1."
    ));
    assert!(raised_in_script(
        "z script: aab5a677fc977ad4de38eb3633ec2a6e9d6f58b9, on @user_script:12."
    ));
    assert!(raised_in_script(
        "Error running script (call to f_0123): @user_script:2: oops"
    ));
    assert!(!raised_in_script("No matching script. Please use EVAL."));
    assert!(!raised_in_script("fake script: x, on @user_script:"));
    assert!(!raised_in_script(""));
}

#[test]
fn only_the_servers_own_noscript_text_counts() {
    assert!(is_noscript_text("No matching script. Please use EVAL."));
    assert!(is_noscript_text("No matching script."));
    assert!(!is_noscript_text("fake"));
    assert!(!is_noscript_text(
        "No matching script. Please use EVAL. script: 0a, on @user_script:1."
    ));
}

#[test]
fn redirects_are_parsed() {
    assert_eq!(parse_redirect("12182 127.0.0.1:7001"), Some((12182, "127.0.0.1:7001")));
    assert_eq!(parse_redirect("3 [::1]:7001"), Some((3, "[::1]:7001")));
    assert_eq!(parse_redirect("16384 127.0.0.1:7001"), None);
    assert_eq!(parse_redirect("x 127.0.0.1:7001"), None);
    assert_eq!(parse_redirect("1 host"), None);
}
