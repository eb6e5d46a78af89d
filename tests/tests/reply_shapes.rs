//! The checker's reply table (`scripts_lint::redis::replies`, generated from the
//! upstream reply schemas) against what a real server hands a script: every command a
//! script may call on this server is run inside `EVAL` with arguments built from its
//! documented arguments, on data of the command's type and on a missing key, with
//! each of its optional tokens in turn, and the Lua type of each reply (number,
//! string, `false`, status table, array) must be one the table allows.
//!
//! Every argument the table documents as an integer is also given `1.5`, which the
//! server must refuse: the docs call some arguments integers that take fractions
//! (`ZINCRBY`'s increment), and `invalid_argument` must not report those.
//!
//! A command whose invocations all fail (arguments the builder cannot guess, a
//! cluster-only command) is not verified; the test requires every command scripts
//! commonly call to be verified, and at least 200 in all.

use std::collections::BTreeMap;

use scripts_lint::redis::commands::{self, Command};
use scripts_lint::redis::replies::{self, Reply, shape};
use scripts_tests::RedisServer;
use serde_json::Value;

/// Runs one command with `redis.pcall` and names the Lua type of its reply.
const PROBE: &str = r#"
local r = redis.pcall(unpack(ARGV))
local t = type(r)
if t == 'table' then
  if r.err then return 'error:' .. r.err end
  if r.ok then return 'status' end
  return 'array'
elseif t == 'boolean' then
  return r and 'true' or 'false'
end
return t
"#;

/// Commands the builder must reach: the ones scripts call all the time.
const MUST_VERIFY: &[&str] = &[
    "APPEND",
    "DECRBY",
    "DEL",
    "EXISTS",
    "EXPIRE",
    "GET",
    "GETDEL",
    "GETSET",
    "HDEL",
    "HEXISTS",
    "HGET",
    "HGETALL",
    "HINCRBY",
    "HINCRBYFLOAT",
    "HKEYS",
    "HLEN",
    "HMGET",
    "HSET",
    "HSETNX",
    "INCR",
    "INCRBY",
    "INCRBYFLOAT",
    "LINDEX",
    "LLEN",
    "LPOP",
    "LPUSH",
    "LRANGE",
    "LREM",
    "MGET",
    "PEXPIRE",
    "PTTL",
    "PUBLISH",
    "RPOP",
    "RPUSH",
    "SADD",
    "SCARD",
    "SET",
    "SETNX",
    "SISMEMBER",
    "SMEMBERS",
    "SPOP",
    "SREM",
    "STRLEN",
    "TIME",
    "TTL",
    "TYPE",
    "XADD",
    "XLEN",
    "ZADD",
    "ZCARD",
    "ZINCRBY",
    "ZRANGE",
    "ZRANGEBYSCORE",
    "ZRANK",
    "ZREM",
    "ZREMRANGEBYSCORE",
    "ZSCORE",
];

/// Never run: they reach the network or block.
const SKIP: &[&str] = &["MIGRATE", "WAIT", "WAITAOF"];

fn docs() -> BTreeMap<String, Value> {
    let path = concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/../scripts-lint/data/command-docs-valkey-8.0.1.jsonl"
    );
    let text = std::fs::read_to_string(path).unwrap_or_else(|e| panic!("{path}: {e}"));
    text.lines()
        .skip(1)
        .map(|line| serde_json::from_str::<Value>(line).expect("JSON"))
        .map(|doc| {
            (
                doc["command"].as_str().unwrap().replace(' ', "|").to_ascii_uppercase(),
                doc,
            )
        })
        .collect()
}

/// Commands that put data of this group's type under `key`.
fn setup(group: &str, key: &str) -> Vec<Vec<String>> {
    let words = |s: &str| s.split(' ').map(|w| w.replace("KEY", key)).collect::<Vec<_>>();
    match group {
        "hash" => vec![words("HSET KEY f 10 g x")],
        "list" => vec![words("RPUSH KEY a b c")],
        "set" => vec![words("SADD KEY a b c")],
        "sorted_set" => vec![words("ZADD KEY 1 a 2 b 3 c")],
        "stream" => vec![words("XADD KEY 1-1 f v"), words("XGROUP CREATE KEY g 0")],
        "geo" => vec![words("GEOADD KEY 13.36 38.11 a 15.08 37.50 b")],
        "hyperloglog" => vec![words("PFADD KEY a b")],
        _ => vec![words("SET KEY 10")],
    }
}

/// A value for an argument of documented type `kind` called `name`.
fn value(kind: &str, name: &str, group: &str, keys: &mut Vec<String>, key: &str) -> Option<String> {
    Some(match (kind, name) {
        // ranges documented as strings (they also take scores and lex bounds)
        ("string", "start") => "0".to_owned(),
        ("string", "stop" | "end") => "-1".to_owned(),
        ("string", "min") => "-inf".to_owned(),
        ("string", "max") => "+inf".to_owned(),
        (kind, _) => return value_of(kind, group, keys, key),
    })
}

fn value_of(kind: &str, group: &str, keys: &mut Vec<String>, key: &str) -> Option<String> {
    Some(match kind {
        "key" => {
            // the first key holds data, later ones are fresh or the same type
            let next = if keys.is_empty() {
                key.to_owned()
            } else {
                format!("{key}:{}", keys.len())
            };
            keys.push(next.clone());
            next
        }
        "string" if group == "hash" => "f".to_owned(),
        "string" => "a".to_owned(),
        "integer" => "1".to_owned(),
        "double" => "1".to_owned(),
        "unix-time" => "1893456000".to_owned(),
        "pattern" => "*".to_owned(),
        _ => return None,
    })
}

/// The required arguments (and `extra`, an optional one chosen by the caller), in order.
fn build(
    arguments: &[Value],
    group: &str,
    key: &str,
    keys: &mut Vec<String>,
    extra: Option<&str>,
    out: &mut Vec<String>,
) -> Option<()> {
    for argument in arguments {
        let optional = argument.get("optional").and_then(Value::as_bool).unwrap_or(false);
        let name = argument.get("name").and_then(Value::as_str).unwrap_or("");
        if optional && Some(name) != extra {
            continue;
        }
        if let Some(token) = argument.get("token").and_then(Value::as_str) {
            out.push(token.to_owned());
        }
        match argument.get("type").and_then(Value::as_str)? {
            "pure-token" => {}
            "oneof" => {
                let first = argument.get("arguments")?.as_array()?.first()?;
                build(
                    std::slice::from_ref(first),
                    group,
                    key,
                    keys,
                    Some(first["name"].as_str()?),
                    out,
                )?;
            }
            "block" => build(argument.get("arguments")?.as_array()?, group, key, keys, extra, out)?,
            kind => out.push(value(kind, name, group, keys, key)?),
        }
    }
    Some(())
}

fn observed(reply: &str) -> Option<u8> {
    Some(match reply {
        "number" => shape::INTEGER,
        "string" => shape::BULK,
        "false" => shape::NIL,
        "status" => shape::STATUS,
        "array" => shape::ARRAY,
        _ => return None,
    })
}

#[test]
fn every_classified_reply_matches_a_live_server() {
    let server = RedisServer::start();
    let mut con = server.connection();
    let docs = docs();
    let mut verified = Vec::new();
    let mut mismatches = Vec::new();
    for reply in replies::all() {
        let Some(command) = commands::lookup(reply.command) else {
            continue;
        };
        let runs_here = command.known_in(commands::version::REDIS_7_0)
            && command.noscript_in & commands::version::REDIS_7_0 == 0
            && !SKIP.contains(&reply.command);
        let Some(doc) = docs.get(reply.command).filter(|_| runs_here) else {
            continue;
        };
        let seen = probe(&mut con, command, reply, doc);
        if seen.is_empty() {
            continue;
        }
        for (invocation, shape) in &seen {
            if reply.shapes & shape == 0 {
                mismatches.push(format!(
                    "{invocation}: replied {shape:#b}, the table says {:#b}",
                    reply.shapes
                ));
            }
        }
        verified.push(reply.command);
    }
    assert!(
        mismatches.is_empty(),
        "replies the table does not allow:\n{}",
        mismatches.join("\n")
    );
    let missing: Vec<&&str> = MUST_VERIFY.iter().filter(|c| !verified.contains(c)).collect();
    assert!(missing.is_empty(), "not verified: {missing:?}");
    assert!(verified.len() >= 200, "only {} commands verified", verified.len());
    let accepted: Vec<String> = replies::all()
        .iter()
        .filter(|r| verified.contains(&r.command))
        .flat_map(|r| fractions_accepted(&mut con, r, &docs[r.command]))
        .collect();
    assert!(
        accepted.is_empty(),
        "arguments documented as integers that take a fraction:\n{}",
        accepted.join("\n")
    );
}

/// Runs `command` in its invocations; returns each successful one with its shape.
fn probe(con: &mut scripts::redis::Connection, command: &Command, reply: &Reply, doc: &Value) -> Vec<(String, u8)> {
    let words: Vec<String> = reply.command.split('|').map(str::to_owned).collect();
    let arguments = doc["arguments"].as_array().cloned().unwrap_or_default();
    let optional: Vec<&str> = arguments
        .iter()
        .filter(|a| a.get("optional").and_then(Value::as_bool).unwrap_or(false))
        .filter_map(|a| a.get("name").and_then(Value::as_str))
        .collect();
    let mut out = Vec::new();
    for extra in std::iter::once(None).chain(optional.iter().map(|o| Some(*o))) {
        for with_data in [true, false] {
            let key = "probe";
            let mut keys = Vec::new();
            let mut args = words.clone();
            if build(&arguments, command.group, key, &mut keys, extra, &mut args).is_none() {
                continue;
            }
            let () = scripts::redis::cmd("FLUSHALL").query(con).unwrap();
            if with_data {
                for key in &keys {
                    for setup in setup(command.group, key) {
                        let _: scripts::redis::RedisResult<scripts::redis::Value> =
                            scripts::redis::cmd(&setup[0]).arg(&setup[1..]).query(con);
                    }
                }
            }
            let result: String = scripts::redis::cmd("EVAL")
                .arg(PROBE)
                .arg(0)
                .arg(&args)
                .query(con)
                .unwrap_or_else(|e| format!("error:{e}"));
            if let Some(shape) = observed(&result) {
                out.push((args.join(" "), shape));
            }
        }
    }
    out
}

/// Invocations where an argument the table says is an integer got `1.5` and the
/// server did not refuse it.
fn fractions_accepted(con: &mut scripts::redis::Connection, reply: &Reply, doc: &Value) -> Vec<String> {
    use scripts_lint::redis::replies::ArgType;
    let Some(command) = commands::lookup(reply.command) else {
        return Vec::new();
    };
    let words: Vec<String> = reply.command.split('|').map(str::to_owned).collect();
    let arguments = doc["arguments"].as_array().cloned().unwrap_or_default();
    let mut out = Vec::new();
    let mut keys = Vec::new();
    let mut base = words.clone();
    if build(&arguments, command.group, "probe", &mut keys, None, &mut base).is_none() {
        return out;
    }
    let mut tries: Vec<Vec<String>> = Vec::new();
    for (i, ty) in reply.leading.iter().enumerate() {
        if matches!(ty, ArgType::Integer | ArgType::UnixTime) && words.len() + i < base.len() {
            let mut args = base.clone();
            args[words.len() + i] = "1.5".to_owned();
            tries.push(args);
        }
    }
    for argument in &arguments {
        let (Some(token), Some(name)) = (argument["token"].as_str(), argument["name"].as_str()) else {
            continue;
        };
        let Some((_, types)) = reply.tokens.iter().find(|(t, _)| t.eq_ignore_ascii_case(token)) else {
            continue;
        };
        if !matches!(types.first(), Some(ArgType::Integer | ArgType::UnixTime)) {
            continue;
        }
        let mut keys = Vec::new();
        let mut args = words.clone();
        if build(&arguments, command.group, "probe", &mut keys, Some(name), &mut args).is_none() {
            continue;
        }
        if let Some(at) = args
            .iter()
            .position(|a| a.eq_ignore_ascii_case(token))
            .filter(|at| at + 1 < args.len())
        {
            args[at + 1] = "1.5".to_owned();
            tries.push(args);
        }
    }
    for args in tries {
        let () = scripts::redis::cmd("FLUSHALL").query(con).unwrap();
        for key in &keys {
            for setup in setup(command.group, key) {
                let _: scripts::redis::RedisResult<scripts::redis::Value> =
                    scripts::redis::cmd(&setup[0]).arg(&setup[1..]).query(con);
            }
        }
        let result: String = scripts::redis::cmd("EVAL")
            .arg(PROBE)
            .arg(0)
            .arg(&args)
            .query(con)
            .unwrap_or_else(|e| format!("error:{e}"));
        if !result.starts_with("error:") {
            out.push(format!("{} (replied {result})", args.join(" ")));
        }
    }
    out
}

/// What `scripts-lint`'s analysis assumes of keys a script made sure of
/// (`analysis/exists.rs`): after `SET ... PX <ms> NX` the key stays while the script
/// runs, however long it runs past the expiry, because time stands still in a
/// script; and it is gone for the next command.
#[test]
fn a_key_set_with_an_expiry_stays_while_the_script_runs() {
    let server = RedisServer::start();
    let mut con = server.connection();
    let during: (Option<String>, i64) = scripts::redis::cmd("EVAL")
        .arg(
            "redis.call('SET', KEYS[1], 'v', 'PX', 1, 'NX')
             local x = 0
             for i = 1, 5000000 do x = x + i end
             return {redis.call('GET', KEYS[1]), redis.call('EXISTS', KEYS[1])}",
        )
        .arg(1)
        .arg("frozen")
        .query(&mut con)
        .unwrap();
    assert_eq!(during, (Some("v".to_owned()), 1), "the key stayed during the script");
    std::thread::sleep(std::time::Duration::from_millis(5));
    let after: Option<String> = scripts::redis::cmd("GET").arg("frozen").query(&mut con).unwrap();
    assert_eq!(after, None, "and expired after it");
}

/// The reply matrix of the lint docs (`reply_type_mismatch.md`), cell by cell: what
/// Lua 5.1 inside Redis does with each kind of reply in each use. `raises: ...` is the
/// error the use raises, otherwise the Lua type and value it gives.
const MATRIX: &[(&str, &str)] = &[
    // integer
    ("redis.call('EXISTS', 'nope') and 'true' or 'false'", "string: true"),
    ("redis.call('EXISTS', 'cnt') == '1'", "boolean: false"),
    ("redis.call('EXISTS', 'cnt') == nil", "boolean: false"),
    (
        "#redis.call('EXISTS', 'cnt')",
        "raises: user_script:1: attempt to get length of a number value",
    ),
    (
        "redis.call('EXISTS', 'cnt').x",
        "raises: user_script:1: attempt to index a number value",
    ),
    ("'n' .. redis.call('EXISTS', 'cnt')", "string: n1"),
    ("cjson.decode(redis.call('EXISTS', 'cnt'))", "number: 1"),
    ("string.len(redis.call('EXISTS', 'cnt'))", "number: 1"),
    // bulk string
    ("redis.call('GET', 'cnt') == 10", "boolean: false"),
    (
        "redis.call('GET', 'cnt') < 11",
        "raises: user_script:1: attempt to compare string with number",
    ),
    ("redis.call('GET', 'cnt') + 1", "number: 11"),
    (
        "redis.call('GET', 'str') + 1",
        "raises: user_script:1: attempt to perform arithmetic on a string value",
    ),
    ("redis.call('GET', 'str').name", "nil: nil"),
    ("#redis.call('GET', 'str')", "number: 3"),
    // `false` (a null reply)
    ("redis.call('GET', 'nope') == nil", "boolean: false"),
    ("redis.call('GET', 'nope') == false", "boolean: true"),
    (
        "'x' .. redis.call('GET', 'nope')",
        "raises: user_script:1: attempt to concatenate a boolean value",
    ),
    (
        "redis.call('GET', 'nope') + 1",
        "raises: user_script:1: attempt to perform arithmetic on a boolean value",
    ),
    (
        "redis.call('GET', 'nope').x",
        "raises: user_script:1: attempt to index a boolean value",
    ),
    ("tonumber(redis.call('GET', 'nope'))", "nil: nil"),
    ("tonumber(redis.call('GET', 'nope') or 0)", "number: 0"),
    (
        "redis.call('SET', 'nx', '1', 'NX') and redis.call('SET', 'nx', '1', 'NX')",
        "boolean: false",
    ),
    // status
    (
        "'x' .. redis.call('SET', 's', '1')",
        "raises: user_script:1: attempt to concatenate a table value",
    ),
    ("redis.call('PING') == 'PONG'", "boolean: false"),
    ("redis.call('PING').ok", "string: PONG"),
    ("#redis.call('PING')", "number: 0"),
    ("tonumber(redis.call('PING'))", "nil: nil"),
    (
        "string.lower(redis.call('PING'))",
        "raises: user_script:1: bad argument #1 to 'lower' (string expected, got table)",
    ),
    (
        "cjson.decode(redis.call('PING'))",
        "raises: user_script:1: bad argument #1 to 'decode' (string expected, got table)",
    ),
    (
        "redis.call('PING') + 1",
        "raises: user_script:1: attempt to perform arithmetic on a table value",
    ),
    (
        "redis.call('PING') < 1",
        "raises: user_script:1: attempt to compare table with number",
    ),
    // `TYPE` of a missing key is the status `none`, never a null (its schema says null)
    ("redis.call('TYPE', 'no-such-key').ok", "string: none"),
    // a status reply has one field, `ok`; no methods
    ("redis.call('PING').status", "nil: nil"),
    ("redis.call('PING').err", "nil: nil"),
    (
        "(function() local n = 0 for k in pairs(redis.call('SET', 's', '1')) do n = n + 1 end return n end)()",
        "number: 1",
    ),
    (
        "redis.call('PING'):lower()",
        "raises: user_script:1: attempt to call method 'lower' (a nil value)",
    ),
    // a count on the left of `and` is true: `and` gives its right side, `or` the count
    ("redis.call('EXISTS', 'nope') and 'yes' or 'no'", "string: yes"),
    ("redis.call('EXISTS', 'nope') and true", "boolean: true"),
    ("redis.call('EXISTS', 'nope') or 5", "number: 0"),
    // methods: a number and a table have none; a string has the string library's
    (
        "redis.call('EXISTS', 'nope'):upper()",
        "raises: user_script:1: attempt to index a number value",
    ),
    (
        "redis.call('LRANGE', 'l', 0, -1):sub(1, 3)",
        "raises: user_script:1: attempt to call method 'sub' (a nil value)",
    ),
    ("redis.call('GET', 'str'):upper()", "string: ABC"),
    (
        "redis.call('GET', 'nope'):upper()",
        "raises: user_script:1: attempt to index a boolean value",
    ),
    ("(redis.call('GET', 'nope') or ''):upper()", "string: "),
    // error table under `pcall`
    ("redis.pcall('INCR', 'str') == 'ERR'", "boolean: false"),
    (
        "redis.pcall('INCR', 'str') + 1",
        "raises: user_script:1: attempt to perform arithmetic on a table value",
    ),
    ("redis.pcall('INCR', 'str') and 'true' or 'false'", "string: true"),
    // arrays, and arrays whose elements may be `false`
    ("redis.call('LRANGE', 'l', 0, -1) == 'x'", "boolean: false"),
    (
        "'x' .. redis.call('LRANGE', 'l', 0, -1)",
        "raises: user_script:1: attempt to concatenate a table value",
    ),
    ("tonumber(redis.call('LRANGE', 'l', 0, -1))", "nil: nil"),
    ("#redis.call('LRANGE', 'l', 0, -1)", "number: 2"),
    ("redis.call('LRANGE', 'l', 0, -1) == nil", "boolean: false"),
    ("redis.call('HGETALL', 'h').a", "nil: nil"),
    ("redis.call('HMGET', 'h', 'a', 'zz')[2] == nil", "boolean: false"),
    ("redis.call('HMGET', 'h', 'a', 'zz')[2] == false", "boolean: true"),
    ("redis.call('HMGET', 'h', 'a', 'zz')[3] == nil", "boolean: true"),
    // a double is a string
    ("redis.call('ZSCORE', 'z', 'm') == 1.5", "boolean: false"),
    ("redis.call('ZSCORE', 'z', 'm') + 1", "number: 2.5"),
    // as a command argument
    (
        "redis.call('SET', 't', redis.call('PING'))",
        "raises: ERR Lua redis lib command arguments must be strings or integers",
    ),
    (
        "redis.call('SET', 't', redis.call('LRANGE', 'l', 0, -1))",
        "raises: ERR Lua redis lib command arguments must be strings or integers",
    ),
    (
        "redis.call('SET', 't', redis.call('GET', 'nope'))",
        "raises: ERR Lua redis lib command arguments must be strings or integers",
    ),
    ("redis.call('SET', 't', redis.call('INCR', 'cnt')).ok", "string: OK"),
    // kept in a field of a table the script built: the reply itself
    ("({ v = redis.call('GET', 'nope') }).v == nil", "boolean: false"),
    (
        "({ redis.call('EXISTS', 'nope') })[1] and 'true' or 'false'",
        "string: true",
    ),
    // the fields of a `cjson.decode` result: a missing one is `nil`, a JSON `null` is
    // `cjson.null`, a userdata that is true in a test; a scalar decodes to itself
    ("cjson.decode('{}').a == nil", "boolean: true"),
    ("cjson.decode('{\"a\":null}').a == nil", "boolean: false"),
    ("cjson.decode('{\"a\":null}').a == cjson.null", "boolean: true"),
    ("cjson.decode('{\"a\":null}').a and 'true' or 'false'", "string: true"),
    ("type(cjson.decode('{\"a\":null}').a)", "string: userdata"),
    ("cjson.decode('5')", "number: 5"),
];

#[test]
fn the_reply_matrix_of_the_lint_docs_matches_a_live_server() {
    let server = RedisServer::start();
    let mut con = server.connection();
    let mut wrong = Vec::new();
    for (expression, expected) in MATRIX {
        let _: () = scripts::redis::cmd("FLUSHALL").query(&mut con).unwrap();
        let script = format!(
            "redis.call('SET', 'cnt', '10') redis.call('SET', 'str', 'abc') redis.call('HSET', 'h', 'a', '1') \
             redis.call('RPUSH', 'l', 'x', 'y') redis.call('ZADD', 'z', '1.5', 'm') \
             local ok, r = pcall(function() return {expression} end) \
             if not ok then return 'raises: ' .. tostring(r) end \
             return type(r) .. ': ' .. tostring(r)"
        );
        let got: String = scripts::redis::cmd("EVAL").arg(script).arg(0).query(&mut con).unwrap();
        if got != *expected {
            wrong.push(format!("{expression}: expected `{expected}`, got `{got}`"));
        }
    }
    assert!(wrong.is_empty(), "{}", wrong.join("\n"));
}
