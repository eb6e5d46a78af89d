//! `redis-lua-lint lsp` spoken to over stdio, as an editor does: JSON-RPC messages
//! with `Content-Length` headers. Each test waits for what it expects with a deadline
//! (it never asserts a time).

use std::io::{BufRead, BufReader, Read, Write};
use std::path::{Path, PathBuf};
use std::process::{Child, ChildStdin, Command, Stdio};
use std::sync::mpsc::{Receiver, RecvTimeoutError, channel};
use std::time::{Duration, Instant};

use serde_json::{Value, json};

const DEADLINE: Duration = Duration::from_secs(60);

struct Client {
    child: Child,
    stdin: ChildStdin,
    messages: Receiver<Value>,
    /// Notifications and responses read but not yet asked for.
    seen: Vec<Value>,
    next_id: i64,
}

fn fixture(relative: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/lsp").join(relative)
}

fn uri(path: &Path) -> String {
    format!("file://{}", path.display())
}

impl Client {
    fn start(root: &Path, options: Value, capabilities: Value) -> Client {
        Client::start_with_env(root, options, capabilities, &[])
    }

    fn start_with_env(root: &Path, options: Value, capabilities: Value, env: &[(&str, &str)]) -> Client {
        let mut child = Command::new(env!("CARGO_BIN_EXE_redis-lua-lint"))
            .args(["lsp", "--stdio"])
            .envs(env.iter().copied())
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(Stdio::inherit())
            .spawn()
            .expect("the server starts");
        let stdin = child.stdin.take().unwrap();
        let stdout = child.stdout.take().unwrap();
        let (tx, rx) = channel();
        std::thread::spawn(move || {
            let mut reader = BufReader::new(stdout);
            loop {
                let mut length = 0;
                loop {
                    let mut line = String::new();
                    if reader.read_line(&mut line).unwrap_or(0) == 0 {
                        return;
                    }
                    let line = line.trim();
                    if line.is_empty() {
                        break;
                    }
                    if let Some(n) = line.strip_prefix("Content-Length: ") {
                        length = n.parse().unwrap();
                    }
                }
                let mut body = vec![0; length];
                if reader.read_exact(&mut body).is_err() {
                    return;
                }
                if tx.send(serde_json::from_slice(&body).unwrap()).is_err() {
                    return;
                }
            }
        });
        let mut client = Client {
            child,
            stdin,
            messages: rx,
            seen: Vec::new(),
            next_id: 0,
        };
        let result = client.request(
            "initialize",
            json!({
                "processId": null,
                "rootUri": uri(root),
                "capabilities": capabilities,
                "initializationOptions": options,
            }),
        );
        assert!(result["capabilities"]["hoverProvider"].as_bool().unwrap(), "{result}");
        client.notify("initialized", json!({}));
        client
    }

    fn send_raw(&mut self, body: &[u8]) {
        write!(self.stdin, "Content-Length: {}\r\n\r\n", body.len()).unwrap();
        self.stdin.write_all(body).unwrap();
        self.stdin.flush().unwrap();
    }

    fn send(&mut self, message: Value) {
        self.send_raw(message.to_string().as_bytes());
    }

    fn notify(&mut self, method: &str, params: Value) {
        self.send(json!({"jsonrpc": "2.0", "method": method, "params": params}));
    }

    /// The next message matching `wanted`, waiting up to the deadline.
    fn wait(&mut self, what: &str, wanted: impl Fn(&Value) -> bool) -> Value {
        if let Some(i) = self.seen.iter().position(&wanted) {
            return self.seen.remove(i);
        }
        let end = Instant::now() + DEADLINE;
        loop {
            match self
                .messages
                .recv_timeout(end.saturating_duration_since(Instant::now()))
            {
                Ok(message) if wanted(&message) => return message,
                Ok(message) => self.seen.push(message),
                Err(RecvTimeoutError::Timeout) => panic!("no {what} within {DEADLINE:?}; seen: {:#?}", self.seen),
                Err(RecvTimeoutError::Disconnected) => panic!("the server went away waiting for {what}"),
            }
        }
    }

    fn request(&mut self, method: &str, params: Value) -> Value {
        self.next_id += 1;
        let id = self.next_id;
        self.send(json!({"jsonrpc": "2.0", "id": id, "method": method, "params": params}));
        let response = self.wait(&format!("a response to {method}"), |m| m["id"] == json!(id));
        assert!(response.get("error").is_none(), "{method}: {response}");
        response["result"].clone()
    }

    /// The diagnostics published for `uri` at `version` (older publications skipped).
    fn diagnostics(&mut self, uri: &str, version: i64) -> Vec<Value> {
        let message = self.wait(&format!("diagnostics of {uri} v{version}"), |m| {
            m["method"] == "textDocument/publishDiagnostics"
                && m["params"]["uri"] == uri
                && m["params"]["version"] == json!(version)
        });
        message["params"]["diagnostics"].as_array().unwrap().clone()
    }

    fn open(&mut self, uri: &str, text: &str) {
        self.notify(
            "textDocument/didOpen",
            json!({"textDocument": {"uri": uri, "languageId": "lua", "version": 1, "text": text}}),
        );
    }

    fn stop(mut self) {
        self.request("shutdown", Value::Null);
        self.notify("exit", Value::Null);
        let status = self.child.wait().unwrap();
        assert!(status.success(), "{status}");
    }
}

fn codes(diagnostics: &[Value]) -> Vec<(String, u64, u64)> {
    diagnostics
        .iter()
        .map(|d| {
            (
                d["code"].as_str().unwrap().to_owned(),
                d["range"]["start"]["line"].as_u64().unwrap(),
                d["range"]["start"]["character"].as_u64().unwrap(),
            )
        })
        .collect()
}

fn at(line: u64, character: u64) -> Value {
    json!({"line": line, "character": character})
}

#[test]
fn a_queue_script_is_checked_as_typed_with_hover_completion_fixes_and_definitions() {
    let dir = fixture("queue");
    let script = dir.join("moveToActive-3.lua");
    let text = std::fs::read_to_string(&script).unwrap();
    let mut client = Client::start(&dir, json!({"debounceMs": 20}), json!({}));
    let script_uri = uri(&script);
    client.open(&script_uri, &text);
    // the configuration turns includes on: `lockJob` and `rcall` are found in the helper
    let diagnostics = client.diagnostics(&script_uri, 1);
    let found = codes(&diagnostics);
    // hover on a finding explains its lint
    let hover = client.request(
        "textDocument/hover",
        json!({"textDocument": {"uri": script_uri}, "position": at(28, 20)}),
    );
    let shown = hover["contents"]["value"].as_str().unwrap();
    assert!(shown.starts_with("**`reply_without_tonumber`**"), "{shown}");
    assert!(
        shown.contains("#### Why this is bad") && shown.contains("redis-lua-lint --explain reply_without_tonumber"),
        "{shown}"
    );
    assert_eq!(
        found,
        [
            ("reply_without_tonumber".to_owned(), 28, 18),
            ("argv_without_tonumber".to_owned(), 30, 25)
        ],
        "{found:?}"
    );

    // an incremental edit: `ARGV[2] * 1` -> `tonumber(ARGV[2])`
    client.notify(
        "textDocument/didChange",
        json!({"textDocument": {"uri": script_uri, "version": 2}, "contentChanges": [
            {"range": {"start": at(30, 25), "end": at(30, 36)}, "text": "tonumber(ARGV[2])"}
        ]}),
    );
    assert_eq!(
        codes(&client.diagnostics(&script_uri, 2)),
        [("reply_without_tonumber".to_owned(), 28, 18)]
    );

    // hover on the command name: ZADD's reply as a script sees it
    let hover = client.request(
        "textDocument/hover",
        json!({"textDocument": {"uri": script_uri}, "position": at(19, 10)}),
    );
    let shown = hover["contents"]["value"].as_str().unwrap();
    assert!(shown.contains("**ZADD**") && shown.contains("`false`"), "{shown}");
    // on `KEYS[3]`: the header's parameter
    let hover = client.request(
        "textDocument/hover",
        json!({"textDocument": {"uri": script_uri}, "position": at(12, 16)}),
    );
    assert!(
        hover["contents"]["value"]
            .as_str()
            .unwrap()
            .contains("the key prefix `prefix`"),
        "{hover}"
    );
    // on a local holding a reply
    let hover = client.request(
        "textDocument/hover",
        json!({"textDocument": {"uri": script_uri}, "position": at(23, 7)}),
    );
    assert!(
        hover["contents"]["value"]
            .as_str()
            .unwrap()
            .contains("`false` (a null reply)"),
        "{hover}"
    );

    // go to definition: the include line opens the helper; a helper's call its name
    let target = client.request(
        "textDocument/definition",
        json!({"textDocument": {"uri": script_uri}, "position": at(14, 18)}),
    );
    assert_eq!(target["uri"], uri(&dir.join("includes/lockJob.lua")));
    let target = client.request(
        "textDocument/definition",
        json!({"textDocument": {"uri": script_uri}, "position": at(29, 17)}),
    );
    assert_eq!(target["range"]["start"], at(16, 15), "{target}");
    // a helper defined in an included file
    let target = client.request(
        "textDocument/definition",
        json!({"textDocument": {"uri": script_uri}, "position": at(30, 2)}),
    );
    assert_eq!(target["uri"], uri(&dir.join("includes/lockJob.lua")), "{target}");
    assert_eq!(target["range"]["start"], at(3, 15), "{target}");
    // completion after `rcall('HS`
    client.notify(
        "textDocument/didChange",
        json!({"textDocument": {"uri": script_uri, "version": 3}, "contentChanges": [
            {"range": {"start": at(31, 0), "end": at(31, 0)}, "text": "rcall('HS"}
        ]}),
    );
    let items = client.request(
        "textDocument/completion",
        json!({"textDocument": {"uri": script_uri}, "position": at(31, 9)}),
    );
    let labels: Vec<&str> = items
        .as_array()
        .unwrap()
        .iter()
        .map(|i| i["label"].as_str().unwrap())
        .collect();
    assert!(labels.contains(&"HSET") && labels.contains(&"HSETNX"), "{labels:?}");
    assert!(!labels.contains(&"GET"), "{labels:?}");
    let hset = items.as_array().unwrap().iter().find(|i| i["label"] == "HSET").unwrap();
    assert!(
        hset["detail"].as_str().unwrap().starts_with("HSET key field value"),
        "{hset}"
    );

    // `KEYS[` with the declared names, `redis.` and the Lua library as Redis has them
    client.notify(
        "textDocument/didChange",
        json!({"textDocument": {"uri": script_uri, "version": 4}, "contentChanges": [
            {"range": {"start": at(31, 0), "end": at(31, 0)}, "text": "KEYS[\nredis.\nstring.\ni\n"}
        ]}),
    );
    let mut complete = |line, character| -> Vec<(String, String)> {
        let items = client.request(
            "textDocument/completion",
            json!({"textDocument": {"uri": script_uri}, "position": at(line, character)}),
        );
        items
            .as_array()
            .unwrap()
            .iter()
            .map(|i| {
                (
                    i["label"].as_str().unwrap().to_owned(),
                    i["detail"].as_str().unwrap_or("").to_owned(),
                )
            })
            .collect()
    };
    let keys = complete(31, 5);
    assert_eq!(
        keys,
        [("1", "wait"), ("2", "active"), ("3", "prefix (key prefix)")].map(|(i, d)| (i.to_owned(), d.to_owned()))
    );
    let labels = |items: Vec<(String, String)>| items.into_iter().map(|(label, _)| label).collect::<Vec<_>>();
    let redis = labels(complete(32, 6));
    for member in [
        "call",
        "pcall",
        "sha1hex",
        "error_reply",
        "status_reply",
        "log",
        "LOG_WARNING",
    ] {
        assert!(redis.contains(&member.to_owned()), "{member}: {redis:?}");
    }
    let string = labels(complete(33, 7));
    assert!(
        string.contains(&"format".to_owned()) && string.contains(&"rep".to_owned()),
        "{string:?}"
    );
    // names starting with `i`: `ipairs`, not `io`, which scripts do not have
    let i = labels(complete(34, 1));
    assert!(
        i.contains(&"ipairs".to_owned()) && !i.contains(&"io".to_owned()),
        "{i:?}"
    );
    client.stop();
}

#[test]
fn a_nil_comparison_is_fixed_by_its_quick_fix() {
    let dir = fixture("queue");
    let path = dir.join("fix.lua");
    let script_uri = uri(&path);
    let text = "--! keys: job\nif redis.call('GET', KEYS[1]) == nil then\n  return 0\nend\nreturn 1\n";
    let mut client = Client::start(&dir, json!({"debounceMs": 0}), json!({}));
    client.open(&script_uri, text);
    let diagnostics = client.diagnostics(&script_uri, 1);
    assert_eq!(codes(&diagnostics)[0].0, "reply_compared_with_nil");
    // a finding's labels are its related places
    let related = &diagnostics[0]["relatedInformation"][0];
    assert_eq!(related["location"]["uri"], script_uri, "{diagnostics:#?}");
    assert_eq!(related["location"]["range"]["start"], at(1, 33), "{related}");
    assert_eq!(related["message"], "a null reply is `false`, not `nil`", "{related}");
    let actions = client.request(
        "textDocument/codeAction",
        json!({"textDocument": {"uri": script_uri}, "range": diagnostics[0]["range"],
               "context": {"diagnostics": diagnostics}}),
    );
    let edits = actions[0]["edit"]["changes"][&script_uri].as_array().unwrap().clone();
    assert_eq!(actions[0]["kind"], "quickfix");
    let mut fixed = text.to_owned();
    // edits on line 1, applied from the last
    let line_start = fixed.find('\n').unwrap() + 1;
    for edit in edits.iter().rev() {
        assert_eq!(edit["range"]["start"]["line"], 1);
        let start = line_start + edit["range"]["start"]["character"].as_u64().unwrap() as usize;
        let end = line_start + edit["range"]["end"]["character"].as_u64().unwrap() as usize;
        fixed.replace_range(start..end, edit["newText"].as_str().unwrap());
    }
    assert_eq!(
        fixed,
        text.replace(
            "if redis.call('GET', KEYS[1]) == nil then",
            "if not redis.call('GET', KEYS[1]) then"
        )
    );
    client.stop();
}

#[test]
fn positions_are_utf8_when_the_client_offers_it_else_utf16() {
    let dir = fixture("queue");
    let path = dir.join("unicode.lua");
    let script_uri = uri(&path);
    // `é` and `😀` before the bug: 2 and 4 bytes, 1 and 2 UTF-16 units
    let text = "--! args: n\nlocal s = 'é😀' return ARGV[1] + 1\n";
    for (capabilities, column) in [
        (json!({}), 23),
        (json!({"general": {"positionEncodings": ["utf-8", "utf-16"]}}), 26),
    ] {
        let mut client = Client::start(&dir, json!({"debounceMs": 0}), capabilities);
        client.open(&script_uri, text);
        assert_eq!(
            codes(&client.diagnostics(&script_uri, 1)),
            [("argv_without_tonumber".to_owned(), 1, column)]
        );
        client.stop();
    }
}

#[test]
fn bad_input_never_stops_the_server() {
    let dir = fixture("queue");
    let mut client = Client::start(&dir, json!({"debounceMs": 0}), json!({}));
    // not JSON, not UTF-8, JSON that is no message: each answered, the next read
    client.send_raw(b"{not json");
    let error = client.wait("a parse error", |m| m["error"]["code"] == json!(-32700));
    assert_eq!(error["id"], Value::Null);
    client.send_raw(b"\xff\xfe\xfd");
    client.wait("a parse error", |m| m["error"]["code"] == json!(-32700));
    client.send(json!({"jsonrpc": "2.0", "id": 99, "method": 5}));
    let error = client.wait("an invalid request", |m| m["error"]["code"] == json!(-32600));
    assert_eq!(error["id"], 99);
    // an unknown request, and parameters of the wrong shape
    client.send(json!({"jsonrpc": "2.0", "id": 100, "method": "textDocument/hover", "params": 3}));
    client.wait("an error", |m| m["id"] == 100 && m["error"].is_object());

    // a script including a file that is not UTF-8 (a Latin-1 comment)
    let latin1 = dir.join("includes/latin1.lua");
    std::fs::write(&latin1, b"-- caf\xe9\nlocal function helper() return 1 end\n").unwrap();
    let path = dir.join("uses_latin1.lua");
    let script_uri = uri(&path);
    client.open(&script_uri, "--- @include \"includes/latin1\"\nreturn 1\n");
    let diagnostics = client.diagnostics(&script_uri, 1);
    std::fs::remove_file(&latin1).ok();
    assert_eq!(codes(&diagnostics), [("unresolved_include".to_owned(), 0, 14)]);
    assert!(
        diagnostics[0]["message"].as_str().unwrap().contains("not UTF-8"),
        "{diagnostics:?}"
    );

    // a 5,000-line script typed into, one character at a time
    let big = dir.join("big.lua");
    let big_uri = uri(&big);
    let line = "redis.call('INCR', KEYS[1])\n";
    let mut text = format!("--! keys: counter  args: n\n{}", line.repeat(5_000));
    client.open(&big_uri, &text);
    // the argument is not read yet
    let first = codes(&client.diagnostics(&big_uri, 1));
    assert!(
        first.iter().all(|(code, line, _)| code == "unused_arg" && *line == 0),
        "{first:?}"
    );
    let typed = "return ARGV[1] + 1\n";
    for (i, c) in typed.chars().enumerate() {
        client.notify(
            "textDocument/didChange",
            json!({"textDocument": {"uri": big_uri, "version": 2 + i}, "contentChanges": [
                {"range": {"start": at(5_001, i as u64), "end": at(5_001, i as u64)}, "text": c.to_string()}
            ]}),
        );
    }
    text.push_str(typed);
    let last = 1 + typed.len() as i64;
    // every publication in the order it came, up to the last version's
    let is_big = |m: &Value| m["method"] == "textDocument/publishDiagnostics" && m["params"]["uri"] == big_uri;
    let mut published = Vec::new();
    loop {
        let message = client.wait("diagnostics of the typed file", is_big);
        published.push(message["params"]["version"].as_i64().unwrap());
        if published.last() == Some(&last) {
            assert_eq!(
                codes(message["params"]["diagnostics"].as_array().unwrap()),
                [("argv_without_tonumber".to_owned(), 5_001, 7)]
            );
            break;
        }
    }
    // hover still answers, from the edited text
    let hover = client.request(
        "textDocument/hover",
        json!({"textDocument": {"uri": big_uri}, "position": at(3, 13)}),
    );
    assert!(hover["contents"]["value"].as_str().unwrap().contains("**INCR**"));
    // debounced, and a stale result never comes after a newer one
    published.extend(
        client
            .seen
            .iter()
            .filter(|m| is_big(m))
            .map(|m| m["params"]["version"].as_i64().unwrap()),
    );
    assert!(published.windows(2).all(|w| w[0] < w[1]), "{published:?}");
    assert_eq!(published.last(), Some(&last), "{published:?}");
    client.stop();
}

#[test]
fn a_lua_file_named_by_a_rust_declaration_is_checked_with_its_signature() {
    let dir = fixture("crate");
    let path = dir.join("lua/move.lua");
    let script_uri = uri(&path);
    let text = std::fs::read_to_string(&path).unwrap();
    let mut client = Client::start(&dir, json!({"debounceMs": 0}), json!({}));
    client.open(&script_uri, &text);
    let diagnostics = client.diagnostics(&script_uri, 1);
    // two `#[key]` parameters, and the script reads `KEYS[3]`; no header needed
    assert_eq!(
        codes(&diagnostics),
        [("keys_out_of_range".to_owned(), 3, 19)],
        "{diagnostics:#?}"
    );

    // a function library a `#[redis_library]` names: each callback's `keys[i]`/`args[i]`
    // are its own function's parameters
    let ledger = dir.join("lua/ledger.lua");
    let ledger_uri = uri(&ledger);
    client.open(&ledger_uri, &std::fs::read_to_string(&ledger).unwrap());
    let diagnostics = client.diagnostics(&ledger_uri, 1);
    assert_eq!(codes(&diagnostics), [], "{diagnostics:#?}");
    let mut hover = |line, character| {
        let shown = client.request(
            "textDocument/hover",
            json!({"textDocument": {"uri": ledger_uri}, "position": at(line, character)}),
        );
        shown["contents"]["value"].as_str().unwrap().to_owned()
    };
    let shown = hover(25, 55);
    assert!(shown.contains("the argument `amount`: a 64-bit integer"), "{shown}");
    let shown = hover(38, 40);
    assert!(shown.contains("the key `spent_today`"), "{shown}");
    let shown = hover(34, 27);
    assert!(shown.contains("the argument `daily_limit`"), "{shown}");
    // the helper every function calls: no one function's parameter
    let shown = hover(12, 34);
    assert!(shown.contains("callbacks of several functions"), "{shown}");
    client.stop();
}

#[test]
fn a_panic_is_caught_reported_once_and_the_server_goes_on() {
    let dir = fixture("queue");
    // the server's fault injection: a check or a request on a text with this marker panics
    let marker = "-- crash here";
    let mut client = Client::start_with_env(
        &dir,
        json!({"debounceMs": 0}),
        json!({}),
        &[("REDIS_LUA_LINT_LSP_CRASH_ON", marker), ("RUST_BACKTRACE", "0")],
    );
    let crashing = uri(&dir.join("crashing.lua"));
    let text = format!("--! args: n\n{marker}\nreturn ARGV[1] + 1\n");
    client.open(&crashing, &text);
    let told = |m: &Value| {
        m["method"] == "window/showMessage" && m["params"]["message"].as_str().unwrap().contains("internal error")
    };
    let shown = client.wait("the panic reported", told);
    assert!(
        shown["params"]["message"]
            .as_str()
            .unwrap()
            .contains("injected failure"),
        "{shown}"
    );
    // typed into: it panics again, and is not reported again
    client.notify(
        "textDocument/didChange",
        json!({"textDocument": {"uri": crashing, "version": 2}, "contentChanges": [
            {"range": {"start": at(1, 0), "end": at(1, 0)}, "text": " "}
        ]}),
    );
    // a request panicking is answered with an error, and the server goes on
    for _ in 0..2 {
        client.next_id += 1;
        let id = client.next_id;
        client.send(json!({"jsonrpc": "2.0", "id": id, "method": "textDocument/hover",
                           "params": {"textDocument": {"uri": crashing}, "position": at(2, 8)}}));
        let response = client.wait("an error response", |m| m["id"] == json!(id));
        assert_eq!(response["error"]["code"], -32603, "{response}");
    }
    // another file is checked meanwhile
    let healthy = uri(&dir.join("healthy.lua"));
    client.open(&healthy, "--! args: n\nreturn ARGV[1] + 1\n");
    assert_eq!(
        codes(&client.diagnostics(&healthy, 1)),
        [("argv_without_tonumber".to_owned(), 1, 7)]
    );
    // the marker removed: the file is checked again, after its version 2 failed
    client.notify(
        "textDocument/didChange",
        json!({"textDocument": {"uri": crashing, "version": 3}, "contentChanges": [
            {"range": {"start": at(1, 0), "end": at(1, 14)}, "text": ""}
        ]}),
    );
    assert_eq!(
        codes(&client.diagnostics(&crashing, 3)),
        [("argv_without_tonumber".to_owned(), 2, 7)]
    );
    let hover = client.request(
        "textDocument/hover",
        json!({"textDocument": {"uri": crashing}, "position": at(2, 8)}),
    );
    assert!(
        hover["contents"]["value"].as_str().unwrap().contains("ARGV[1]"),
        "{hover}"
    );
    // no diagnostics of a version that failed; one report per kind of failure
    let seen = std::mem::take(&mut client.seen);
    assert!(
        !seen
            .iter()
            .any(|m| m["method"] == "textDocument/publishDiagnostics" && m["params"]["uri"] == crashing),
        "{seen:#?}"
    );
    let reports: Vec<&Value> = seen.iter().filter(|m| told(m)).collect();
    assert_eq!(reports.len(), 1, "{reports:#?}");
    client.stop();
}

#[test]
fn a_helper_is_checked_as_part_of_the_scripts_that_include_it() {
    let dir = fixture("queue");
    let script = dir.join("moveToActive-3.lua");
    let helper = dir.join("includes/lockJob.lua");
    let (script_uri, helper_uri) = (uri(&script), uri(&helper));
    let mut client = Client::start(&dir, json!({"debounceMs": 0}), json!({}));
    client.open(&helper_uri, &std::fs::read_to_string(&helper).unwrap());
    // alone, `rcall` would be an unknown global and `lockJob` unused: in the script
    // that includes it (not open), neither is
    let diagnostics = client.diagnostics(&helper_uri, 1);
    assert_eq!(codes(&diagnostics), [], "{diagnostics:#?}");
    client.open(&script_uri, &std::fs::read_to_string(&script).unwrap());
    assert_eq!(codes(&client.diagnostics(&script_uri, 1)).len(), 2);
    // what the includer passes decides: `token` is `ARGV[1]`, a string
    client.notify(
        "textDocument/didChange",
        json!({"textDocument": {"uri": helper_uri, "version": 2}, "contentChanges": [
            {"range": {"start": at(5, 36), "end": at(5, 36)}, "text": " + 1"}
        ]}),
    );
    let diagnostics = client.diagnostics(&helper_uri, 2);
    assert_eq!(
        codes(&diagnostics),
        [("argv_without_tonumber".to_owned(), 5, 31)],
        "{diagnostics:#?}"
    );
    let message = diagnostics[0]["message"].as_str().unwrap();
    assert!(message.contains("(from `ARGV[1]`)"), "{message}");
    // the includer is checked again with the edited helper (its version unchanged)
    assert_eq!(codes(&client.diagnostics(&script_uri, 1)).len(), 2);
    client.stop();
}
