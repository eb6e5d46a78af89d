//! Regressions found with the cargo-fuzz target (`fuzz/`, see docs/reliability.md)
//! that a fixture under `tests/lints/` cannot pin down: hangs, which need a clock, and
//! shapes too large to write by hand. Each input must be checked, and every finding
//! rendered, without a panic and well within the bound.

use std::time::{Duration, Instant};

use scripts_lint::{Signature, SourceMap, check, render};

/// A hang detector, not a speed test (speed is measured by `benches/check.rs`): each
/// of these takes well under a second once fixed, debug build included, and took
/// minutes to forever before. The inputs are sized so that the old quadratic behaviour
/// would pass this bound several times over, and the bound leaves room for a loaded
/// CI machine.
const BOUND: Duration = Duration::from_secs(30);

fn assert_checks_quickly(source: &str) -> scripts_lint::Report {
    let started = Instant::now();
    let report = check(source, &Signature::default());
    let map = SourceMap::file("fuzz.lua", source);
    for diagnostic in &report.diagnostics {
        render(diagnostic, source, &map);
    }
    let elapsed = started.elapsed();
    assert!(elapsed < BOUND, "took {elapsed:?}:\n{source}");
    report
}

/// `depth` nested numeric `for` loops, each changing a local of its own.
fn nested_loops(depth: usize) -> String {
    let mut source = String::new();
    for i in 0..depth {
        source.push_str(&format!("local v{i} = 1\n"));
    }
    for i in 0..depth {
        source.push_str(&format!("for i{i} = 1, 2 do\nv{i} = 'a'\n"));
    }
    source.push_str("redis.call('GET', 'literal')\n");
    source.push_str(&"end\n".repeat(depth));
    source
}

/// Every pass over a changing loop re-ran the loops nested in it, twice at least:
/// 2^depth passes (20 levels took 4 s in release, 24 never finished). 40 levels is
/// the most Lua 5.1 compiles: each loop keeps four locals in scope, next to its own
/// `v`, 200 in all.
#[test]
fn deeply_nested_loops_do_not_hang() {
    let report = assert_checks_quickly(&nested_loops(40));
    // the deep body is still analysed: the literal key is found
    assert!(report.diagnostics.iter().any(|d| d.lint == "key_not_from_keys"));
}

/// The same through functions: a function defined in a loop is analysed on every pass
/// over that loop, and the nesting depth started again from zero inside it.
#[test]
fn loops_nested_through_functions_do_not_hang() {
    let depth = 30;
    let mut source = String::new();
    for i in 0..depth {
        source.push_str(&format!(
            "local v{i} = 1\nfor i{i} = 1, 2 do\nv{i} = 'a'\nlocal function f{i}()\n"
        ));
    }
    source.push_str("return 1\n");
    source.push_str(&"end\nend\n".repeat(depth));
    assert_checks_quickly(&source);
}

/// The 4 outer loops are still iterated to a fixed point (4 passes each at most), so
/// a large body under them costs 4^4 passes: still milliseconds.
#[test]
fn big_body_under_iterated_loops_is_bounded() {
    let mut source = String::new();
    for i in 0..4 {
        source.push_str(&format!("local a{i}, b{i}, c{i} = 1, 1, 1\n"));
    }
    for i in 0..4 {
        source.push_str(&format!("while a{i} do\na{i} = b{i}\nb{i} = c{i}\nc{i} = {{}}\n"));
    }
    for i in 0..60 {
        source.push_str(&format!("redis.call('SET', KEYS[1], a0 .. b1 .. c2 .. a3, {i})\n"));
    }
    source.push_str(&"end\n".repeat(4));
    assert_checks_quickly(&source);
}

/// Rendering went through the whole script for each finding (annotate-snippets walked
/// every line, and the line index was rebuilt): a 64 KiB script of 7000 undefined
/// globals took 20 s to render in a debug build. Each render now costs its own lines.
#[test]
fn many_findings_render_in_linear_time() {
    let source = "print(1)\n".repeat(12_000);
    let report = check(&source, &Signature::default());
    assert_eq!(report.diagnostics.len(), 12_000);
    let started = Instant::now();
    let map = SourceMap::file("fuzz.lua", &source);
    for diagnostic in &report.diagnostics {
        render(diagnostic, &source, &map);
    }
    // the map of an embedded script indexes its host text, not the script: still linear
    // in what each render shows, plus one pass over the script per finding
    let embedded = SourceMap::embedded("src/lib.rs", &format!("r\"{source}\""), 1, 1, vec![(0, 2)]);
    for diagnostic in report.diagnostics.iter().take(500) {
        render(diagnostic, &source, &embedded);
    }
    let elapsed = started.elapsed();
    assert!(elapsed < BOUND, "rendering 12,000 findings took {elapsed:?}");
}

/// `suggest` computed the edit distance from an unknown command name to every known
/// command: length times length each, so a 4 KiB name took a second in a debug build and
/// a thousand unknown (module) commands 14 s. Candidates too long or too short to be
/// within the allowed edits are now skipped.
#[test]
fn long_unknown_names_are_cheap_to_suggest_for() {
    let long_name = format!("return redis.call('{}', KEYS[1])\n", "x".repeat(20_000));
    let report = assert_checks_quickly(&long_name);
    assert!(report.diagnostics.iter().any(|d| d.lint == "unknown_command"));
    let many: String = (0..1000)
        .map(|i| format!("redis.call('abcdefghijklmnopqrstuvwxyzabcdefghijklmnopqrstuvwxyz{i}')\n"))
        .collect();
    assert_checks_quickly(&many);
    let long_global = format!("return {}\n", "y".repeat(20_000));
    assert_checks_quickly(&long_global);
}

/// The parser kept the first error of each line by searching a list of the lines
/// reported so far: quadratic, 5 s for 16,000 broken lines in a debug build.
#[test]
fn thousands_of_syntax_errors_are_reported_in_linear_time() {
    let report = assert_checks_quickly(&"x x\n".repeat(36_000));
    assert!(report.diagnostics.len() >= 36_000);
}

/// The same on one long line (a minified script): annotate-snippets read the whole
/// line for each finding, and columns were counted byte by byte, three times per
/// render: 7,000 findings on one 63 KiB line took 21 s to render in a debug build.
#[test]
fn many_findings_on_one_long_line_render_in_linear_time() {
    let source = format!("{}\n", "print(1) ".repeat(3000));
    let report = check(&source, &Signature::default());
    assert_eq!(report.diagnostics.len(), 3000);
    let started = Instant::now();
    let map = SourceMap::file("fuzz.lua", &source);
    let rendered: Vec<String> = report.diagnostics.iter().map(|d| render(d, &source, &map)).collect();
    let elapsed = started.elapsed();
    assert!(elapsed < BOUND, "rendering 3000 findings on one line took {elapsed:?}");
    // the line is cut around the finding as annotate-snippets always cut it
    let last = rendered.last().unwrap();
    assert!(
        last.contains("--> fuzz.lua:1:26992 (lua line 1, column 26992)"),
        "{last}"
    );
    assert!(last.contains("1 | ...") && last.contains("print(1) print(1)"), "{last}");
}

/// full_moon's derived `Node::range` computes a node's start and end from both ends of
/// every child, so asking it for the range of `t[t[t[...]]]` multiplied the work by
/// about 8 at each level: 8 levels took 22 s in a debug build, 20 would take years.
/// Ranges of expressions are now found by walking the tree's left and right edges.
#[test]
fn nested_indexes_do_not_hang() {
    let depth = 60;
    let index = format!("t{}{}", "[t".repeat(depth), "]".repeat(depth));
    for source in [
        format!("local t = {{}}\nreturn {index}\n"),
        format!("local t = {{}}\n{index} = 1\n"),
        format!("local t = {{}}\nreturn -{index} .. #{index}\n"),
        format!("local t = {{}}\nreturn redis.call('GET', {index})\n"),
        format!(
            "local t = {{}}\nreturn t{}1{}\n",
            "[(t)[".repeat(depth / 2),
            "]]".repeat(depth / 2)
        ),
        format!("local t = {{}}\nreturn t{}\n", ":m(t)".repeat(depth)),
    ] {
        assert_checks_quickly(&source);
    }
}

/// Each call of a local function is evaluated with its own arguments; helpers calling
/// helpers at many places with different values multiply those evaluations (10 call
/// sites on each of 6 levels: 10^6 bodies without the budget).
#[test]
fn helpers_calling_helpers_with_distinct_arguments_are_bounded() {
    let mut source = String::from("local function h0(x) return redis.call('GET', x) end\n");
    for level in 1..7 {
        source.push_str(&format!("local function h{level}(x)\n  local r = {{}}\n"));
        for site in 0..10 {
            source.push_str(&format!("  for i = 1, 2 do r[i] = h{}(x .. '{site}') end\n", level - 1));
        }
        source.push_str("  return r\nend\n");
    }
    source.push_str("return h6(KEYS[1])\n");
    let report = assert_checks_quickly(&source);
    // every key is still seen as built from KEYS[1] (which this signature lacks)
    let keys: Vec<_> = report
        .diagnostics
        .iter()
        .filter(|d| d.lint == "key_not_from_keys")
        .collect();
    assert!(!keys.is_empty());
    assert!(
        keys.iter().all(|d| d.message.contains("not declared a prefix")),
        "{keys:?}"
    );
}

/// Recursion (direct and mutual) takes the joined summary instead of evaluating again.
#[test]
fn recursive_helpers_terminate() {
    let source = "local function walk(k, n)\n  if n > 0 then return walk(k, n - 1) end\n  return redis.call('GET', k)\nend\nlocal even, odd\nfunction even(n) if n == 0 then return true end return odd(n - 1) end\nfunction odd(n) if n == 0 then return false end return even(n - 1) end\nwalk(KEYS[1], 3)\nreturn even(10)\n";
    let report = assert_checks_quickly(source);
    assert!(
        report.diagnostics.iter().all(|d| d.lint != "key_not_from_keys"),
        "{:?}",
        report.diagnostics
    );
}

/// `server_error_code` reads the error replies the analysis records: each helper is
/// evaluated at each of its calls, once, so thousands of helpers, error sites and calls
/// cost their number, not its square. (Lua 5.1 keeps at most 200 locals in scope in a
/// function: the helpers come 100 to a function.)
#[test]
fn many_error_helpers_and_calls_are_checked_in_linear_time() {
    let mut source = String::new();
    for part in 0..20 {
        source += &format!("local function part{part}()\n");
        for i in part * 100..part * 100 + 100 {
            source += &format!("local function fail{i}(code, m) return redis.error_reply(code .. ' ' .. m) end\n");
        }
        for i in part * 100..part * 100 + 100 {
            source += &format!("if ARGV[1] == '{i}' then return fail{i}('BUSY', 'x') end\n");
        }
        source += "end\n";
    }
    source += &"if ARGV[1] then return {err = 'NOSCRIPT x'} end\n".repeat(2000);
    let report = assert_checks_quickly(&source);
    let found = report
        .diagnostics
        .iter()
        .filter(|d| d.lint == "server_error_code")
        .count();
    assert_eq!(found, 4000);
}
