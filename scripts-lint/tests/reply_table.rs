//! Generator and check for `src/redis/replies_table.rs`: what every command replies as
//! a script sees it, and the types of its arguments, from the `reply_schema` and
//! `arguments` of `data/command-docs-valkey-8.0.1.jsonl` (verbatim upstream JSON).
//!
//! The schema describes the RESP3 reply; scripts start in RESP2, where a null is
//! `false`, a double is a string and a map is a flat array. The schema tells a simple
//! string (a status, `{ok = ...}` in Lua) from a bulk string only by a constant such as
//! `"OK"`; the commands whose status reply the schema calls a string, and those whose
//! null reply it leaves out or invents, were found by `tests/tests/reply_shapes.rs`
//! against a live server and are listed in `tests/generated/mod.rs` (`CORRECTIONS`),
//! which the hover docs apply too. Regenerate with
//! `SCRIPTS_BLESS=1 cargo test -p scripts-lint --test reply_table`.

use std::collections::BTreeMap;
use std::fmt::Write as _;

use scripts_lint::redis::replies::{self, ArgType, shape};
use serde_json::Value;

mod generated;

use generated::{Corrected, crate_path};

/// Arguments the docs call integers that the server takes as floating-point numbers
/// (seen against a live server by `tests/tests/reply_shapes.rs`): (argument name,
/// commands).
const FLOATS_DOCUMENTED_AS_INTEGERS: &[(&str, &[&str])] = &[
    ("increment", &["ZINCRBY"]),
    ("weight", &["ZINTER", "ZINTERSTORE", "ZUNION", "ZUNIONSTORE"]),
];

/// Array replies with one element per argument (or a fixed count): not unbounded.
const BOUNDED_BY_ARGUMENTS: &[&str] = &[
    "GEOHASH",
    "GEOPOS",
    "HEXPIRE",
    "HEXPIREAT",
    "HEXPIRETIME",
    "HMGET",
    "HPERSIST",
    "HPEXPIRE",
    "HPEXPIREAT",
    "HPEXPIRETIME",
    "HPTTL",
    "HTTL",
    "MGET",
    "SMISMEMBER",
    "ZMSCORE",
];

/// One command's reply, as the generator derives it.
#[derive(Debug, Default, PartialEq)]
struct Derived {
    shapes: u8,
    elements: u8,
    map: bool,
    bounded: bool,
    leading: Vec<ArgType>,
    tokens: Vec<(String, Vec<ArgType>)>,
}

/// Shapes of a schema (RESP3) as a script sees them; `None` when the schema does not
/// say.
fn shapes(schema: &Value, out: &mut Derived, top: bool) -> Option<()> {
    let object = schema.as_object()?;
    for union in ["oneOf", "anyOf"] {
        if let Some(alternatives) = object.get(union) {
            for alternative in alternatives.as_array()? {
                shapes(alternative, out, top)?;
            }
            return Some(());
        }
    }
    if let Some(constant) = object.get("const") {
        out.shapes |= if constant.is_string() {
            shape::STATUS
        } else {
            shape::INTEGER
        };
        return Some(());
    }
    match object.get("type")?.as_str()? {
        "integer" => out.shapes |= shape::INTEGER,
        // a double is a bulk string in RESP2
        "string" | "number" => out.shapes |= shape::BULK,
        "null" => out.shapes |= shape::NIL,
        "array" => {
            out.shapes |= shape::ARRAY;
            if top {
                out.bounded |= object.contains_key("maxItems");
            }
            let mut inner = Derived::default();
            match object.get("items") {
                Some(Value::Array(tuple)) => {
                    for item in tuple {
                        shapes(item, &mut inner, false)?;
                    }
                }
                Some(item) => shapes(item, &mut inner, false)?,
                None => {}
            }
            // RESP2 sends nested pairs flat: an element may be either level
            out.elements |= inner.shapes | inner.elements;
        }
        "object" => {
            out.shapes |= shape::ARRAY;
            if top {
                out.map = true;
            }
            let mut inner = Derived::default();
            for field in ["additionalProperties", "properties", "patternProperties"] {
                match object.get(field) {
                    Some(Value::Object(properties)) if field != "additionalProperties" => {
                        for value in properties.values() {
                            shapes(value, &mut inner, false)?;
                        }
                    }
                    Some(value @ Value::Object(_)) => shapes(value, &mut inner, false)?,
                    _ => {}
                }
            }
            // the field names, then their values
            out.elements |= shape::BULK | inner.shapes | inner.elements;
        }
        _ => return None,
    }
    Some(())
}

/// The type of an argument as documented, corrected where the server disagrees.
fn documented(command: &str, argument: &Value) -> Option<ArgType> {
    let kind = argument.get("type").and_then(Value::as_str)?;
    let name = argument.get("name").and_then(Value::as_str).unwrap_or("");
    let float = FLOATS_DOCUMENTED_AS_INTEGERS
        .iter()
        .any(|(argument, commands)| *argument == name && commands.contains(&command));
    if float && kind == "integer" {
        return Some(ArgType::Double);
    }
    arg_type(kind)
}

fn arg_type(kind: &str) -> Option<ArgType> {
    Some(match kind {
        "key" => ArgType::Key,
        "string" => ArgType::String,
        "integer" => ArgType::Integer,
        "double" => ArgType::Double,
        "unix-time" => ArgType::UnixTime,
        "pattern" => ArgType::Pattern,
        _ => return None,
    })
}

/// The leading required arguments with a plain type, up to the first optional,
/// repeated, token-introduced or composite one.
fn leading(command: &str, arguments: &[Value]) -> Vec<ArgType> {
    let mut out = Vec::new();
    for argument in arguments {
        let flag = |name: &str| argument.get(name).and_then(Value::as_bool).unwrap_or(false);
        if flag("optional") || flag("multiple") || argument.get("token").is_some() {
            break;
        }
        match documented(command, argument) {
            Some(ty) => out.push(ty),
            None => break,
        }
    }
    out
}

/// Every token followed by typed arguments, anywhere in the tree. A token that means
/// different things in different places is left out.
fn tokens(command: &str, arguments: &[Value], out: &mut BTreeMap<String, Option<Vec<ArgType>>>) {
    for argument in arguments {
        let kind = argument.get("type").and_then(Value::as_str).unwrap_or("");
        let children = argument.get("arguments").and_then(Value::as_array);
        if let Some(token) = argument.get("token").and_then(Value::as_str) {
            let types = match (kind, children) {
                ("block", Some(children)) => children
                    .iter()
                    .map(|c| documented(command, c))
                    .collect::<Option<Vec<_>>>(),
                _ => documented(command, argument).map(|ty| vec![ty]),
            };
            if let Some(types) = types {
                let token = token.to_ascii_uppercase();
                match out.get(&token) {
                    Some(Some(seen)) if *seen != types => {
                        out.insert(token, None);
                    }
                    Some(_) => {}
                    None => {
                        out.insert(token, Some(types));
                    }
                }
            }
        }
        if let Some(children) = children {
            tokens(command, children, out);
        }
    }
}

fn derive(line: &Value) -> Option<(String, Derived)> {
    let name = line.get("command")?.as_str()?.replace(' ', "|").to_ascii_uppercase();
    let mut derived = Derived::default();
    shapes(line.get("reply_schema")?, &mut derived, true)?;
    for correction in generated::corrections(&name) {
        match correction {
            Corrected::Status { .. } if derived.shapes & shape::BULK != 0 => {
                derived.shapes = derived.shapes & !shape::BULK | shape::STATUS;
            }
            Corrected::Status { .. } => {}
            Corrected::NullToo { .. } => derived.shapes |= shape::NIL,
            Corrected::NeverNull { .. } => derived.shapes &= !shape::NIL,
        }
    }
    derived.bounded |= BOUNDED_BY_ARGUMENTS.contains(&name.as_str());
    if derived.shapes & shape::ARRAY == 0 {
        derived.bounded = false;
        derived.elements = 0;
    }
    let arguments = line
        .get("arguments")
        .and_then(Value::as_array)
        .cloned()
        .unwrap_or_default();
    derived.leading = leading(&name, &arguments);
    let mut found = BTreeMap::new();
    tokens(&name, &arguments, &mut found);
    derived.tokens = found.into_iter().filter_map(|(t, types)| Some((t, types?))).collect();
    Some((name, derived))
}

fn source() -> String {
    let path = crate_path("data/command-docs-valkey-8.0.1.jsonl");
    std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()))
}

fn derive_all() -> BTreeMap<String, Derived> {
    let text = source();
    let mut lines = text.lines();
    let header: Value = serde_json::from_str(lines.next().expect("a header line")).expect("JSON");
    assert!(header.get("source").is_some(), "the first line describes the source");
    let mut out = BTreeMap::new();
    for (number, line) in lines.enumerate() {
        let value: Value = serde_json::from_str(line).unwrap_or_else(|e| panic!("line {}: {e}", number + 2));
        if let Some((name, derived)) = derive(&value) {
            out.insert(name, derived);
        }
    }
    out
}

fn shape_names(bits: u8) -> String {
    let names: Vec<&str> = [
        (shape::INTEGER, "INTEGER"),
        (shape::BULK, "BULK"),
        (shape::NIL, "NIL"),
        (shape::STATUS, "STATUS"),
        (shape::ARRAY, "ARRAY"),
    ]
    .iter()
    .filter(|(bit, _)| bits & bit != 0)
    .map(|(_, name)| *name)
    .collect();
    if names.is_empty() {
        return "0".to_owned();
    }
    names
        .iter()
        .map(|n| format!("shape::{n}"))
        .collect::<Vec<_>>()
        .join(" | ")
}

fn types(types: &[ArgType]) -> String {
    let names: Vec<String> = types.iter().map(|t| format!("ArgType::{t:?}")).collect();
    format!("&[{}]", names.join(", "))
}

fn render(all: &BTreeMap<String, Derived>) -> String {
    let mut out = String::from(
        "// @generated by scripts-lint/tests/reply_table.rs from\n\
         // scripts-lint/data/command-docs-valkey-8.0.1.jsonl. Do not edit by hand: change the data or\n\
         // the generator, then regenerate with\n\
         //     SCRIPTS_BLESS=1 cargo test -p scripts-lint --test reply_table\n\n\
         static REPLIES: &[Reply] = &[\n",
    );
    for (name, d) in all {
        let tokens: Vec<String> = d
            .tokens
            .iter()
            .map(|(token, t)| format!("(\"{token}\", {})", types(t)))
            .collect();
        let _ = writeln!(
            out,
            "    Reply {{\n        command: \"{name}\",\n        shapes: {},\n        elements: {},\n        map: {},\n        bounded: {},\n        leading: {},\n        tokens: &[{}],\n    }},",
            shape_names(d.shapes),
            shape_names(d.elements),
            d.map,
            d.bounded,
            types(&d.leading),
            tokens.join(", ")
        );
    }
    out.push_str("];\n");
    out
}

#[test]
fn committed_table_matches_the_data() {
    generated::check_committed(
        "src/redis/replies_table.rs",
        &render(&derive_all()),
        "data/command-docs-valkey-8.0.1.jsonl",
        "reply_table",
    );
}

#[test]
fn compiled_table_equals_the_derivation() {
    let all = derive_all();
    assert_eq!(replies::all().len(), all.len());
    for reply in replies::all() {
        let derived = &all[reply.command];
        assert_eq!(reply.shapes, derived.shapes, "{}", reply.command);
        assert_eq!(reply.map, derived.map, "{}", reply.command);
    }
}

#[test]
fn known_commands_have_their_lua_shapes() {
    let all = derive_all();
    let get = |name: &str| all.get(name).unwrap_or_else(|| panic!("{name} missing"));
    assert_eq!(get("GET").shapes, shape::BULK | shape::NIL);
    assert_eq!(get("INCR").shapes, shape::INTEGER);
    assert_eq!(get("SET").shapes, shape::BULK | shape::NIL | shape::STATUS);
    assert_eq!(get("TYPE").shapes, shape::STATUS);
    assert_eq!(get("PING").shapes, shape::BULK | shape::STATUS);
    // a double is a string in RESP2
    assert_eq!(get("ZSCORE").shapes, shape::BULK | shape::NIL);
    let hgetall = get("HGETALL");
    assert!(hgetall.map && !hgetall.bounded);
    assert_eq!(hgetall.elements, shape::BULK);
    let smembers = get("SMEMBERS");
    assert!(!smembers.map && !smembers.bounded);
    assert!(get("MGET").bounded);
    assert_eq!(get("MGET").elements, shape::BULK | shape::NIL);
    assert!(get("SCAN").bounded, "a cursor and a page: two items");
    assert_eq!(get("EXPIRE").leading, [ArgType::Key, ArgType::Integer]);
    assert!(
        get("SET")
            .tokens
            .iter()
            .any(|(t, ty)| t == "EX" && ty == &[ArgType::Integer])
    );
    assert!(
        get("ZRANGEBYSCORE")
            .tokens
            .iter()
            .any(|(t, ty)| t == "LIMIT" && ty == &[ArgType::Integer, ArgType::Integer])
    );
}

#[test]
fn unknown_schemas_are_left_out() {
    assert!(derive(&serde_json::json!({"command": "X", "reply_schema": null})).is_none());
    assert!(derive(&serde_json::json!({"command": "X", "reply_schema": {"type": "weird"}})).is_none());
}
