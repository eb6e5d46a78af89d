//! `check` must never overflow its caller's stack, however deep the script nests: it
//! estimates the stack it needs from a scan of the text and moves to a bigger stack
//! when too little is left. Each shape here is checked from a thread with a small
//! stack, at the deepest nesting Lua 5.1 accepts (200 levels) and with operator chains
//! far longer than anyone writes; a wrong estimate crashes this test binary.

use scripts_lint::{Signature, check};

/// Smaller than any stack a proc macro or a test runs on.
const SMALL_STACK: usize = 64 * 1024;

/// Runs `check` on a thread with [`SMALL_STACK`] and returns how many findings it has.
fn check_on_small_stack(source: String) -> usize {
    std::thread::Builder::new()
        .stack_size(SMALL_STACK)
        .spawn(move || check(&source, &Signature::default()).diagnostics.len())
        .expect("spawn a checking thread")
        .join()
        .expect("check does not panic")
}

/// `open` repeated `depth` times, then `middle`, then `close` repeated.
fn nested(open: &str, middle: &str, close: &str, depth: usize) -> String {
    format!("{}{middle}{}\n", open.repeat(depth), close.repeat(depth))
}

/// The shapes Lua refuses before 200 levels, for running out of something else:
/// locals, registers, or levels taken three at a time.
const OTHER_LIMITS: [&str; 4] = ["generic fors", "closures", "calls", "methods"];

/// Each construct Lua's parser (and full_moon's, and the analysis) recurses on, nested
/// `levels` deep; with `within_lua`, the shapes of [`OTHER_LIMITS`] only as deep as Lua
/// compiles them.
fn shapes(levels: usize, within_lua: bool) -> Vec<(&'static str, String)> {
    let or = |deepest: usize| if within_lua { deepest } else { levels };
    vec![
        ("brackets", format!("return {}", nested("(", "KEYS[1]", ")", levels))),
        ("blocks", nested("do ", "redis.call('GET', KEYS[1]) ", "end ", levels)),
        (
            "ifs",
            nested("if ARGV[1] then ", "redis.call('GET', KEYS[1]) ", "end ", levels),
        ),
        (
            "elses",
            nested("if ARGV[1] then else ", "redis.call('GET', KEYS[1]) ", "end ", levels),
        ),
        (
            "whiles",
            format!(
                "local x = 1\n{}",
                nested(
                    "while x do x = ARGV[1] ",
                    "redis.call('SET', KEYS[1], x) ",
                    "end ",
                    levels
                )
            ),
        ),
        (
            "repeats",
            format!(
                "local x = 1\n{}",
                nested(
                    "repeat x = ARGV[1] ",
                    "redis.call('SET', KEYS[1], x) ",
                    "until x ",
                    levels
                )
            ),
        ),
        (
            // five locals in scope per loop: 40 loops fill Lua's 200
            "generic fors",
            nested(
                "for k, v in pairs(ARGV) do ",
                "redis.call('SET', KEYS[1], v) ",
                "end ",
                or(40),
            ),
        ),
        (
            "local functions",
            nested("local function f() ", "return KEYS[1] ", "end ", levels),
        ),
        (
            // three levels per closure
            "closures",
            format!("return {}", nested("(function() return ", "KEYS[1]", " end)()", or(65))),
        ),
        (
            "tables",
            format!("return cjson.encode({})", nested("{a=", "1", "}", levels)),
        ),
        (
            // two registers per pending call: Lua's 250 run out first
            "calls",
            format!("return {}", nested("redis.call('GET', ", "KEYS[1]", ")", or(124))),
        ),
        (
            "methods",
            format!("local t = {{}}\nreturn t{}", nested(":m(t", "", ")", or(123))),
        ),
        (
            "indexes",
            format!("local t = {{}}\nreturn t{}", nested("[t", "", "]", levels)),
        ),
        (
            "assigned indexes",
            format!("local t = {{}}\nt{} = 1", nested("[t", "", "]", levels).trim_end()),
        ),
        ("unary operators", format!("return {}1", "- ".repeat(levels))),
        (
            "concatenations",
            format!("return {}", vec!["ARGV[1]"; levels].join("..")),
        ),
        ("powers", format!("return {}", vec!["2"; levels].join("^"))),
    ]
}

/// Each construct at the deepest nesting Lua accepts.
#[test]
fn the_deepest_nesting_lua_accepts_fits_the_estimate() {
    // 200 levels at most, the innermost statement taking up to three of them
    for (name, source) in shapes(197, true) {
        // the deepest shapes must be within Lua's limit, or the test proves nothing
        let findings = check_on_small_stack(source.clone());
        let report = check(&source, &Signature::default());
        assert!(
            report.diagnostics.iter().all(|d| d.lint != "lua_syntax"),
            "{name} should parse: {:?}",
            report.diagnostics.first().map(|d| &d.message)
        );
        assert_eq!(findings, report.diagnostics.len(), "{name}");
    }
}

/// The shapes of [`OTHER_LIMITS`] 197 levels deep: Lua refuses them, and full_moon
/// still parses them for its own findings, within the estimate.
#[test]
fn shapes_lua_refuses_for_other_limits_fit_the_estimate() {
    for (name, source) in shapes(197, false)
        .into_iter()
        .filter(|(name, _)| OTHER_LIMITS.contains(name))
    {
        let findings = check_on_small_stack(source.clone());
        let report = check(&source, &Signature::default());
        assert!(report.diagnostics.iter().any(|d| d.lint == "lua_syntax"), "{name}");
        assert_eq!(findings, report.diagnostics.len(), "{name}");
    }
}

/// A left-associative chain has no depth limit in Lua, and full_moon recurses once per
/// operator on it.
#[test]
fn long_operator_chains_fit_the_estimate() {
    let terms = 100_000;
    for (name, operator) in [("additions", " + "), ("comparisons", " == "), ("conjunctions", " and ")] {
        let source = format!("return {}\n", vec!["tonumber(ARGV[1])"; terms].join(operator));
        let report = check(&source, &Signature::default());
        assert_eq!(check_on_small_stack(source), report.diagnostics.len(), "{name}");
    }
}

/// Beyond Lua's limit the scan stops and the script is refused before any parsing.
#[test]
fn nesting_beyond_the_limit_is_refused_on_a_small_stack() {
    let findings = check_on_small_stack(nested("(", "1", ")", 10_000));
    assert_eq!(findings, 1);
}
