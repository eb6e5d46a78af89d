//! Diagnostics after an edit, as the language server computes them: `redis-lua-lint
//! lsp` is started with no debounce (`debounceMs: 0`), a real queue script is opened,
//! then each round inserts a character in a comment (`didChange`, incremental) and
//! times until the diagnostics of that version arrive. That is the server's time for
//! an edit (reading the change, splicing the includes, the check, publishing), the
//! debounce excluded.
//!
//! ```sh
//! BULLMQ_SCRIPT=/path/to/bullmq/dist/cjs/commands/moveToFinished-14.lua \
//!   cargo bench -p redis-lua-lint --bench lsp_edit
//! ```
//!
//! `BULLMQ_SCRIPT` names a script to use: it is copied with its folder's `includes/`
//! next to a `redis-lua-lint.toml` saying `includes = true` (the third-party corpus
//! does not ship in the repository). Without it the bench generates a queue script
//! of the same shape (about 1,100 lines with its includes: local helpers, an alias of
//! `redis.call`, keys built from a prefix, guards and early returns). `ROUNDS` sets
//! the rounds (default 50). Target: the median under 50 ms; the bench exits with an
//! error when it is over.

use std::io::{BufRead, BufReader, Write};
use std::path::{Path, PathBuf};
use std::process::{Command, ExitCode, Stdio};
use std::time::{Duration, Instant};

use serde_json::{Value, json};

fn main() -> ExitCode {
    let dir = std::env::temp_dir().join(format!("lsp-edit-bench-{}", std::process::id()));
    std::fs::create_dir_all(dir.join("includes")).unwrap();
    let script = match std::env::var_os("BULLMQ_SCRIPT") {
        Some(path) => copy_with_includes(Path::new(&path), &dir),
        None => generate(&dir),
    };
    std::fs::write(dir.join("redis-lua-lint.toml"), "includes = true\n").unwrap();
    let rounds: usize = std::env::var("ROUNDS").ok().and_then(|r| r.parse().ok()).unwrap_or(50);
    let text = std::fs::read_to_string(&script).unwrap();
    let lines_with_includes = spliced_lines(&script, &mut Vec::new());

    let mut server = Command::new(env!("CARGO_BIN_EXE_redis-lua-lint"))
        .arg("lsp")
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .spawn()
        .expect("the server starts");
    let mut stdin = server.stdin.take().unwrap();
    let mut stdout = BufReader::new(server.stdout.take().unwrap());
    let mut send = |message: Value| {
        let body = message.to_string();
        write!(stdin, "Content-Length: {}\r\n\r\n{body}", body.len()).unwrap();
        stdin.flush().unwrap();
    };
    let uri = format!("file://{}", script.display());
    send(json!({"jsonrpc": "2.0", "id": 1, "method": "initialize", "params": {
        "processId": null, "rootUri": format!("file://{}", dir.display()), "capabilities": {},
        "initializationOptions": {"debounceMs": 0}}}));
    wait(&mut stdout, |m| m["id"] == 1);
    send(json!({"jsonrpc": "2.0", "method": "initialized", "params": {}}));
    send(
        json!({"jsonrpc": "2.0", "method": "textDocument/didOpen", "params": {"textDocument": {
        "uri": uri, "languageId": "lua", "version": 1, "text": text}}}),
    );
    let first = wait(&mut stdout, |m| m["params"]["version"] == 1);
    let findings = first["params"]["diagnostics"].as_array().map_or(0, Vec::len);
    // a comment line to type into
    let line = text.lines().position(|l| l.trim_start().starts_with("--")).unwrap_or(0);
    let mut times = Vec::new();
    for round in 0..rounds {
        let version = 2 + round;
        let started = Instant::now();
        send(json!({"jsonrpc": "2.0", "method": "textDocument/didChange", "params": {
            "textDocument": {"uri": uri, "version": version},
            "contentChanges": [{"range": {"start": {"line": line, "character": 2},
                                          "end": {"line": line, "character": 2}}, "text": "x"}]}}));
        wait(&mut stdout, |m| {
            m["method"] == "textDocument/publishDiagnostics" && m["params"]["version"] == json!(version)
        });
        times.push(started.elapsed());
    }
    send(json!({"jsonrpc": "2.0", "id": 2, "method": "shutdown"}));
    send(json!({"jsonrpc": "2.0", "method": "exit"}));
    let _ = server.wait();
    std::fs::remove_dir_all(&dir).ok();

    times.sort();
    let ms = |d: Duration| d.as_secs_f64() * 1000.0;
    let median = times[times.len() / 2];
    println!(
        "{}: {lines_with_includes} lines with its includes, {findings} findings; {rounds} edits: \
         median {:.1} ms, p90 {:.1} ms, min {:.1} ms, max {:.1} ms",
        script.file_name().unwrap().to_string_lossy(),
        ms(median),
        ms(times[times.len() * 9 / 10]),
        ms(times[0]),
        ms(times[times.len() - 1]),
    );
    if median > Duration::from_millis(50) {
        eprintln!("the median is over the 50 ms target");
        return ExitCode::from(1);
    }
    ExitCode::SUCCESS
}

/// Reads messages until one matches.
fn wait(stdout: &mut impl BufRead, wanted: impl Fn(&Value) -> bool) -> Value {
    loop {
        let mut length = 0;
        loop {
            let mut line = String::new();
            assert!(stdout.read_line(&mut line).unwrap() > 0, "the server went away");
            let line = line.trim();
            if line.is_empty() {
                break;
            }
            if let Some(n) = line.strip_prefix("Content-Length: ") {
                length = n.parse().unwrap();
            }
        }
        let mut body = vec![0; length];
        stdout.read_exact(&mut body).unwrap();
        let message: Value = serde_json::from_slice(&body).unwrap();
        if wanted(&message) {
            return message;
        }
    }
}

/// The lines of `script` with its includes spliced in, as the loader does: each
/// `--- @include "name"` relative to the including file, `.lua` added when the name has
/// no extension, each file once.
fn spliced_lines(script: &Path, seen: &mut Vec<PathBuf>) -> usize {
    if seen.iter().any(|s| s == script) {
        return 0;
    }
    seen.push(script.to_owned());
    let Ok(text) = std::fs::read_to_string(script) else {
        return 0;
    };
    let mut lines = 0;
    for line in text.lines() {
        let name = line
            .trim_start()
            .strip_prefix("---")
            .and_then(|rest| rest.trim_start().strip_prefix("@include"))
            .and_then(|rest| rest.trim().strip_prefix('"'))
            .and_then(|rest| rest.split('"').next());
        match name {
            Some(name) => {
                let mut path = script.parent().unwrap().join(name);
                if path.extension().is_none() {
                    path.set_extension("lua");
                }
                lines += spliced_lines(&path, seen);
            }
            None => lines += 1,
        }
    }
    lines
}

/// Copies the script and its folder's `includes/` into `dir`.
fn copy_with_includes(script: &Path, dir: &Path) -> PathBuf {
    let target = dir.join(script.file_name().unwrap());
    std::fs::copy(script, &target).unwrap();
    if let Ok(entries) = std::fs::read_dir(script.parent().unwrap().join("includes")) {
        for entry in entries.flatten() {
            std::fs::copy(entry.path(), dir.join("includes").join(entry.file_name())).unwrap();
        }
    }
    target
}

/// A queue script of BullMQ's shape: a 240-line main script including 12 helpers of
/// about 65 lines each.
fn generate(dir: &Path) -> PathBuf {
    let mut main = String::from(
        "--[[\n  Moves a job to the finished set (generated, the shape of BullMQ's moveToFinished).\n]]\n\
         local rcall = redis.call\n",
    );
    for h in 0..12 {
        main.push_str(&format!("--- @include \"includes/helper{h}\"\n"));
        let mut helper = format!("--[[\n  Helper {h}: trims and moves jobs.\n]]\n");
        for f in 0..6 {
            helper.push_str(&format!(
                "local function helper{h}_{f}(prefix, jobId, limit)\n\
                 \x20 local jobKey = prefix .. jobId\n\
                 \x20 local count = rcall(\"ZCARD\", prefix .. \"completed\")\n\
                 \x20 if count > limit then\n\
                 \x20   local ids = rcall(\"ZRANGE\", prefix .. \"completed\", 0, count - limit - 1)\n\
                 \x20   for _, id in ipairs(ids) do\n\
                 \x20     rcall(\"DEL\", prefix .. id, prefix .. id .. \":logs\")\n\
                 \x20   end\n\
                 \x20   rcall(\"ZREMRANGEBYRANK\", prefix .. \"completed\", 0, count - limit - 1)\n\
                 \x20 end\n\
                 \x20 return rcall(\"HGET\", jobKey, \"attemptsMade\")\nend\n"
            ));
        }
        std::fs::write(dir.join(format!("includes/helper{h}.lua")), helper).unwrap();
    }
    main.push_str("--! keys: wait, active, prefix(prefix)  args: jobId, token, limit:integer\n");
    main.push_str("local prefix = KEYS[3]\nlocal jobId = ARGV[1]\nlocal limit = tonumber(ARGV[3])\n");
    main.push_str("if rcall(\"EXISTS\", prefix .. jobId) == 0 then\n  return -1\nend\n");
    for i in 0..40 {
        let h = i % 12;
        let f = i % 6;
        main.push_str(&format!(
            "-- step {i}\nlocal attempts{i} = helper{h}_{f}(prefix, jobId, limit)\n\
             if attempts{i} and tonumber(attempts{i}) > limit then\n  rcall(\"LREM\", KEYS[2], 0, jobId)\nend\n"
        ));
    }
    main.push_str("rcall(\"LPUSH\", KEYS[1], jobId)\nreturn 0\n");
    let path = dir.join("moveToFinished-generated.lua");
    std::fs::write(&path, main).unwrap();
    path
}
