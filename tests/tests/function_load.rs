//! `FUNCTION LOAD` is the judge of `invalid_library`: each library below is loaded on a
//! real `redis-server`, and the checker must agree with it both ways. A library the
//! server refuses gets an `invalid_library` finding quoting the server's reply (its
//! text after `ERR`, `Error registering functions:` and the Lua position), or a
//! `lua_syntax` one where Lua's compiler refused it (`Error compiling function:`); a
//! library it loads gets neither.
//!
//! The table covers the ways a library is written that the checker reads: the
//! `#!lua name=` line (split as `sdssplitargs` splits it: quotes, escapes, case),
//! every argument of `redis.register_function` in the positional and the table form,
//! and what exists while a library loads. The libraries of the repository (lint
//! fixtures, examples, test libraries) are judged the same way. Then what fails only
//! when a function runs: `redis.register_function` and Valkey's `server` inside a
//! function load fine and fail at `FCALL`, which the checker reports as
//! `undefined_global` with the server's words.

use std::path::{Path, PathBuf};

use scripts::redis;
use scripts_lint::{Diagnostic, LibrarySignature, check_library};
use scripts_tests::RedisServer;

/// A callback, for the cases whose callback does not matter.
const F: &str = "function(keys, args) return 1 end";

/// A body that registers one valid function, after the cases' `#!` lines.
const REGISTERS: &str = "redis.register_function('f', function(keys, args) return 1 end)";

/// `(what, library)`: `$R` stands for [`REGISTERS`], `$F` for [`F`].
const CASES: &[(&str, &str)] = &[
    // the `#!lua name=` line
    ("plain", "#!lua name=lib\n$R"),
    ("engine and option in capitals", "#!LUA NAME=lib\n$R"),
    ("mixed case", "#!Lua Name=lib\n$R"),
    ("a double-quoted name", "#!lua name=\"lib\"\n$R"),
    ("a single-quoted name", "#!lua name='lib'\n$R"),
    ("the whole option quoted", "#!lua \"name=lib\"\n$R"),
    ("tabs, trailing spaces and CRLF", "#!lua\tname=lib   \r\n$R"),
    ("a quoted engine, a quote inside a word", "#!\"lua\" name=li\"b\"\n$R"),
    ("an escape in quotes", "#!lua name=\"\\x6cib\"\n$R"),
    ("an unclosed quote", "#!lua name=\"lib\n$R"),
    ("a closing quote followed by text", "#!lua name=\"li\"b\n$R"),
    ("a quoted name with a space", "#!lua name=\"a b\"\n$R"),
    ("only the `#!` line", "#!lua name=lib"),
    ("two names", "#!lua name=a name=b\n$R"),
    ("a script's flags", "#!lua name=a flags=no-writes\n$R"),
    ("an unknown option before the name", "#!lua x=1 name=a\n$R"),
    ("no name", "#!lua\n$R"),
    ("nothing after `#!`", "#!\n$R"),
    ("an empty name", "#!lua name=\n$R"),
    ("a dash in the name", "#!lua name=my-lib\n$R"),
    ("another engine", "#!python name=lib\n$R"),
    ("a space after `#!`", "#! lua name=lib\n$R"),
    ("a blank before `#!`", " #!lua name=lib\n$R"),
    ("no `#!` line", "$R"),
    ("a comment instead", "--!lua name=lib\n$R"),
    // the positional form
    (
        "a local function",
        "#!lua name=lib\nlocal function f(keys, args) return 1 end\nredis.register_function('f', f)",
    ),
    ("no arguments", "#!lua name=lib\nredis.register_function()"),
    (
        "flags as a third argument",
        "#!lua name=lib\nredis.register_function('f', $F, {'no-writes'})",
    ),
    (
        "a trailing nil",
        "#!lua name=lib\nredis.register_function('f', $F, nil)",
    ),
    ("the name alone", "#!lua name=lib\nredis.register_function('f')"),
    ("nil alone", "#!lua name=lib\nredis.register_function(nil)"),
    ("a number as the name", "#!lua name=lib\nredis.register_function(1, $F)"),
    (
        "a fraction as the name",
        "#!lua name=lib\nredis.register_function(1.5, $F)",
    ),
    (
        "a boolean as the name",
        "#!lua name=lib\nredis.register_function(true, $F)",
    ),
    ("nil as the name", "#!lua name=lib\nredis.register_function(nil, $F)"),
    ("a table as the name", "#!lua name=lib\nredis.register_function({}, $F)"),
    (
        "a number as the callback",
        "#!lua name=lib\nredis.register_function('f', 1)",
    ),
    (
        "nil as the callback",
        "#!lua name=lib\nredis.register_function('f', nil)",
    ),
    (
        "a string as the callback",
        "#!lua name=lib\nredis.register_function('f', 'f')",
    ),
    (
        "a dash in the function's name",
        "#!lua name=lib\nredis.register_function('f-1', $F)",
    ),
    (
        "an empty function name",
        "#!lua name=lib\nredis.register_function('', $F)",
    ),
    (
        "a function named `_`",
        "#!lua name=lib\nredis.register_function('_', $F)",
    ),
    (
        "a function name starting with a digit",
        "#!lua name=lib\nredis.register_function('1st', $F)",
    ),
    (
        "a Rust keyword as the name",
        "#!lua name=lib\nredis.register_function('move', $F)",
    ),
    (
        "one name twice",
        "#!lua name=lib\nredis.register_function('f', $F)\nredis.register_function('f', $F)",
    ),
    (
        "names differing in case",
        "#!lua name=lib\nredis.register_function('f', $F)\nredis.register_function('F', $F)",
    ),
    // the table form
    (
        "every field, in any case",
        "#!lua name=lib\nredis.register_function{FUNCTION_NAME = 'f', CallBack = $F, Flags = {'No-Writes'}, DESCRIPTION = 'x'}",
    ),
    ("positional entries", "#!lua name=lib\nredis.register_function{'f', $F}"),
    (
        "a boolean key",
        "#!lua name=lib\nredis.register_function{[true] = 1, function_name = 'f', callback = $F}",
    ),
    (
        "a number key",
        "#!lua name=lib\nredis.register_function{[1] = 'x', function_name = 'f', callback = $F}",
    ),
    (
        "a nil entry",
        "#!lua name=lib\nredis.register_function{nil, function_name = 'f', callback = $F}",
    ),
    (
        "the name set to nil",
        "#!lua name=lib\nredis.register_function{function_name = nil, callback = $F}",
    ),
    (
        "a boolean name",
        "#!lua name=lib\nredis.register_function{function_name = true, callback = $F}",
    ),
    (
        "a number name",
        "#!lua name=lib\nredis.register_function{function_name = 1, callback = $F}",
    ),
    (
        "a number callback",
        "#!lua name=lib\nredis.register_function{function_name = 'f', callback = 1}",
    ),
    (
        "the callback set to nil",
        "#!lua name=lib\nredis.register_function{function_name = 'f', callback = nil}",
    ),
    (
        "no callback",
        "#!lua name=lib\nredis.register_function{function_name = 'f'}",
    ),
    ("no name", "#!lua name=lib\nredis.register_function{callback = $F}"),
    (
        "a number description",
        "#!lua name=lib\nredis.register_function{function_name = 'f', callback = $F, description = 1}",
    ),
    (
        "a table description",
        "#!lua name=lib\nredis.register_function{function_name = 'f', callback = $F, description = {}}",
    ),
    (
        "a number flag",
        "#!lua name=lib\nredis.register_function{function_name = 'f', callback = $F, flags = {1}}",
    ),
    (
        "a table flag",
        "#!lua name=lib\nredis.register_function{function_name = 'f', callback = $F, flags = {{}}}",
    ),
    (
        "an unknown flag after a nil",
        "#!lua name=lib\nredis.register_function{function_name = 'f', callback = $F, flags = {'no-writes', nil, 'bogus'}}",
    ),
    (
        "a named entry among the flags",
        "#!lua name=lib\nredis.register_function{function_name = 'f', callback = $F, flags = {'no-writes', x = 'bogus'}}",
    ),
    (
        "flags as a string",
        "#!lua name=lib\nredis.register_function{function_name = 'f', callback = $F, flags = 'no-writes'}",
    ),
    (
        "flags set to nil",
        "#!lua name=lib\nredis.register_function{function_name = 'f', callback = $F, flags = nil}",
    ),
    (
        "no flags",
        "#!lua name=lib\nredis.register_function{function_name = 'f', callback = $F, flags = {}}",
    ),
    (
        "every flag, in any case",
        "#!lua name=lib\nredis.register_function{function_name = 'f', callback = $F, flags = {'NO-WRITES', 'Allow-OOM', 'allow-stale', 'no-cluster', 'allow-cross-slot-keys'}}",
    ),
    (
        "a misspelt flag",
        "#!lua name=lib\nredis.register_function{function_name = 'f', callback = $F, flags = {'no_writes'}}",
    ),
    (
        "an unknown field",
        "#!lua name=lib\nredis.register_function{function_name = 'f', callback = $F, flag = {'no-writes'}}",
    ),
    // through helpers and aliases
    (
        "a registering helper",
        "#!lua name=lib\nlocal function register(name, callback, flags)\n  redis.register_function{function_name = name, callback = callback, flags = flags}\nend\nregister('f', $F, {'no-writes'})\nregister('g', $F)",
    ),
    (
        "a registering helper given a bad flag",
        "#!lua name=lib\nlocal function register(name, callback, flags)\n  redis.register_function{function_name = name, callback = callback, flags = flags}\nend\nregister('f', $F, {'read-only'})",
    ),
    (
        "a module table of callbacks",
        "#!lua name=lib\nlocal M = {}\nfunction M.f(keys, args) return 1 end\nM.g = function(keys, args) return 2 end\nredis.register_function('f', M.f)\nredis.register_function{function_name = 'g', callback = M.g}",
    ),
    (
        "an alias of register_function",
        "#!lua name=lib\nlocal register = redis.register_function\nregister('f', $F)",
    ),
    // what exists while the library loads
    ("nothing registered", "#!lua name=lib\nlocal x = 1"),
    (
        "registering only inside a function",
        "#!lua name=lib\nlocal function later() redis.register_function('g', function() return 1 end) end",
    ),
    (
        "log and version at load time",
        "#!lua name=lib\nredis.log(redis.LOG_NOTICE, 'loading on ' .. redis.REDIS_VERSION .. ' ' .. redis.REDIS_VERSION_NUM)\n$R",
    ),
    (
        "Valkey's `server` at load time",
        "#!lua name=lib\nlocal api = server\n$R",
    ),
    (
        "`redis.call` at load time",
        "#!lua name=lib\nredis.call('SET', 'k', 1)\n$R",
    ),
    (
        "an alias of `redis.call`",
        "#!lua name=lib\nlocal rcall = redis.call\n$R",
    ),
    ("`KEYS` at load time", "#!lua name=lib\nlocal first = KEYS[1]\n$R"),
    ("a library at load time", "#!lua name=lib\nlocal floor = math.floor\n$R"),
    ("`setresp` at load time", "#!lua name=lib\nredis.setresp(3)\n$R"),
    (
        "a member `redis` lacks",
        "#!lua name=lib\nlocal x = redis.nonexistent\n$R",
    ),
];

/// Functions that load and fail when called: `(what, library, function, what the
/// server answers and the checker's finding quotes)`.
const CALL_TIME: &[(&str, &str, &str, &str)] = &[
    (
        "registering inside a function",
        "#!lua name=lib\nredis.register_function('f', function(keys, args)\n  redis.register_function('g', function() return 1 end)\n  return 1\nend)",
        "f",
        "attempt to call field 'register_function' (a nil value)",
    ),
    (
        "registering in a helper a function calls",
        "#!lua name=lib\nlocal function define(name)\n  redis.register_function(name, function() return 1 end)\nend\nredis.register_function('f', function(keys, args)\n  define('g')\n  return 1\nend)",
        "f",
        "attempt to call field 'register_function' (a nil value)",
    ),
    (
        "registering again through the helper that registered the function",
        "#!lua name=lib\nlocal function expose(name, callback)\n  redis.register_function{function_name = name, callback = callback}\nend\nlocal function later(keys, args)\n  expose('g', function() return 1 end)\n  return 1\nend\nexpose('f', later)",
        "f",
        "attempt to call field 'register_function' (a nil value)",
    ),
    (
        "Valkey's `server` in a function",
        "#!lua name=lib\nredis.register_function('f', function(keys, args)\n  return server.call('PING')\nend)",
        "f",
        "Script attempted to access nonexistent global variable 'server'",
    ),
];

fn expand(template: &str) -> String {
    template.replace("$R", REGISTERS).replace("$F", F)
}

/// `FUNCTION LOAD` on an empty server: `Ok` with the library's name, or the error.
fn load(con: &mut redis::Connection, source: &str) -> Result<String, String> {
    let () = redis::cmd("FUNCTION").arg("FLUSH").query(con).unwrap();
    redis::cmd("FUNCTION")
        .arg("LOAD")
        .arg(source)
        .query::<String>(con)
        .map_err(|e| format!("{} {}", e.code().unwrap_or(""), e.detail().unwrap_or("")))
}

/// The reply's own words: without `ERR`, `Error registering functions:` and the Lua
/// position (`user_function:2:`).
fn words(reply: &str) -> &str {
    let mut text = reply.trim();
    for prefix in [
        "ERR ",
        "Error registering functions: ",
        "Error compiling function: ",
        "ERR ",
    ] {
        text = text.strip_prefix(prefix).unwrap_or(text);
    }
    if let Some(rest) = text.strip_prefix("user_function:")
        && let Some((line, rest)) = rest.split_once(": ")
        && line.bytes().all(|b| b.is_ascii_digit())
    {
        text = rest;
    }
    text
}

/// Whether a finding says `text`, in its message or a note.
fn says(finding: &Diagnostic, text: &str) -> bool {
    finding.message.contains(text) || finding.notes.iter().any(|note| note.contains(text))
}

/// The findings of `lint` for `source`, checked as a library nobody declared.
fn findings(source: &str, lint: &str) -> Vec<Diagnostic> {
    check_library(source, &LibrarySignature::default())
        .all()
        .filter(|d| d.lint == lint)
        .cloned()
        .collect()
}

/// Where the two disagree about `source`, if they do.
/// The lint that reports a refusal: what Lua's compiler refuses is `lua_syntax` (the
/// library never runs), what the loader refuses `invalid_library`.
fn judging_lint(reply: &str) -> &'static str {
    if reply.contains("Error compiling function") {
        "lua_syntax"
    } else {
        "invalid_library"
    }
}

fn disagreement(what: &str, source: &str, verdict: &Result<String, String>) -> Option<String> {
    // a library the server loads gets neither; a refused one the lint of its refusal
    let refusals: Vec<Diagnostic> = match verdict {
        Ok(_) => ["invalid_library", "lua_syntax"]
            .iter()
            .flat_map(|lint| findings(source, lint))
            .collect(),
        Err(reply) => findings(source, judging_lint(reply)),
    };
    let messages: Vec<&str> = refusals.iter().map(|d| d.message.as_str()).collect();
    match verdict {
        Ok(_) if refusals.is_empty() => None,
        Ok(name) => Some(format!(
            "{what}: the server loaded `{name}`, the checker refuses it: {messages:#?}\n{source}"
        )),
        Err(reply) if refusals.iter().any(|d| says(d, words(reply))) => None,
        Err(reply) => Some(format!(
            "{what}: the server answers `{reply}`, the checker says {messages:#?}\n{source}"
        )),
    }
}

#[test]
fn the_checker_refuses_exactly_what_function_load_refuses() {
    let server = RedisServer::start();
    let mut con = server.connection();
    let mut refused = 0;
    let mut failures = Vec::new();
    for (what, template) in CASES {
        let source = expand(template);
        let verdict = load(&mut con, &source);
        refused += usize::from(verdict.is_err());
        failures.extend(disagreement(what, &source, &verdict));
    }
    assert!(failures.is_empty(), "{}", failures.join("\n\n"));
    // both sides of the table are exercised
    assert!(
        refused >= 40 && CASES.len() - refused >= 25,
        "{refused} of {} refused",
        CASES.len()
    );
}

/// Every library of the repository: lint fixtures (good and bad), examples, the
/// libraries tests load.
fn repository_libraries() -> Vec<PathBuf> {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("..");
    let mut out = Vec::new();
    let mut dirs: Vec<PathBuf> = [
        "scripts-lint/tests/lints",
        "scripts/examples/lua",
        "tests/lua",
        "redis-lua-lint/tests/fixtures",
    ]
    .iter()
    .map(|dir| root.join(dir))
    .collect();
    while let Some(dir) = dirs.pop() {
        for entry in std::fs::read_dir(&dir).unwrap_or_else(|e| panic!("{}: {e}", dir.display())) {
            let path = entry.unwrap().path();
            if path.is_dir() {
                dirs.push(path);
            } else if path.extension().is_some_and(|e| e == "lua")
                && std::fs::read_to_string(&path).is_ok_and(|text| text.starts_with("#!lua name="))
            {
                out.push(path);
            }
        }
    }
    out.sort();
    out
}

#[test]
fn the_repository_libraries_are_judged_the_same_way() {
    let server = RedisServer::start();
    let mut con = server.connection();
    let libraries = repository_libraries();
    assert!(libraries.len() >= 12, "{libraries:?}");
    let mut failures = Vec::new();
    for path in &libraries {
        let source = std::fs::read_to_string(path).unwrap();
        let verdict = load(&mut con, &source);
        failures.extend(disagreement(&path.display().to_string(), &source, &verdict));
    }
    assert!(failures.is_empty(), "{}", failures.join("\n\n"));
}

#[test]
fn what_fails_only_when_a_function_runs_is_reported_with_the_servers_words() {
    let server = RedisServer::start();
    let mut con = server.connection();
    for (what, source, function, text) in CALL_TIME {
        assert_eq!(load(&mut con, source), Ok("lib".to_owned()), "{what}: it loads");
        let reply = redis::cmd("FCALL")
            .arg(*function)
            .arg(0)
            .query::<redis::Value>(&mut con)
            .map_err(|e| e.to_string());
        let Err(reply) = reply else {
            panic!("{what}: `FCALL {function}` replied {reply:?}");
        };
        assert!(reply.contains(text), "{what}: the server answers {reply}");
        assert_eq!(findings(source, "invalid_library"), [], "{what}: the library loads");
        let found = findings(source, "undefined_global");
        assert!(found.iter().any(|d| says(d, text)), "{what}: {found:#?}");
    }
}

#[test]
fn function_names_compare_without_case_as_fcall_compares_them() {
    let server = RedisServer::start();
    let mut con = server.connection();
    let source = "#!lua name=lib\nredis.register_function{function_name = 'Depth', flags = {'no-writes'},\n  callback = function(keys) return 7 end}";
    assert_eq!(load(&mut con, source), Ok("lib".to_owned()));
    for called in ["Depth", "depth", "DEPTH"] {
        let reply: i64 = redis::cmd("FCALL").arg(called).arg(0).query(&mut con).unwrap();
        assert_eq!(reply, 7, "`FCALL {called}`");
    }
    // so a declaration `depth` calls `Depth`: neither unregistered nor undeclared
    let declared = LibrarySignature {
        functions: vec![("depth".to_owned(), scripts_lint::Signature::default())],
        declared: true,
        ..LibrarySignature::default()
    };
    let report = check_library(source, &declared);
    let findings: Vec<&str> = report.all().map(|d| d.lint).collect();
    assert_eq!(findings, Vec::<&str>::new());
    assert_eq!(report.functions[0].declaration, Some(0));
}
