//! Unit tests of the analysis: what it concludes about small scripts.

use super::*;

fn facts(source: &str) -> Facts {
    crate::with_stack(16 * 1024 * 1024, || {
        let ast = crate::parse::parse(source).expect("test scripts parse");
        analyse(source, &ast, &crate::annotation::read(source, &ast))
    })
}

/// The facts of an outline (an editor's analysis, which also records locals).
fn outline_facts(source: &str) -> Facts {
    crate::with_stack(16 * 1024 * 1024, || {
        let ast = crate::parse::parse(source).expect("test scripts parse");
        analyse_outline(source, &ast, &crate::annotation::read(source, &ast), false).swap_remove(0)
    })
}

/// The facts of `source` as text, and how many evaluations were replayed, with
/// replaying on or off.
fn facts_replayed(source: &str, replay: bool) -> (String, usize) {
    let (facts, replays, _) = facts_replayed_silently(source, replay);
    (facts, replays)
}

/// [`facts_replayed`], with how many of the replayed evaluations were silent ones.
fn facts_replayed_silently(source: &str, replay: bool) -> (String, usize, usize) {
    crate::with_stack(16 * 1024 * 1024, || {
        let ast = crate::parse::parse(source).expect("test scripts parse");
        let notes = crate::annotation::read(source, &ast);
        let mut analyzer = Analyzer::new(source, &notes);
        analyzer.replay = replay;
        for _ in 0..4 {
            analyzer.round(&ast);
            if !analyzer.summary.changed {
                break;
            }
        }
        let (replays, silent) = (analyzer.summary.replays, analyzer.summary.silent_replays);
        (format!("{:#?}", analyzer.finish()), replays, silent)
    })
}

fn call_args(source: &str) -> Vec<Vec<u32>> {
    facts(source)
        .calls
        .iter()
        .map(|c| c.args.iter().map(|a| a.value.kinds).collect())
        .collect()
}

#[test]
fn keys_flow_through_locals_aliases_and_loops() {
    let calls = call_args(
        "local k = KEYS[1]\nlocal rcall = redis.call\nrcall('GET', k)\nfor _, key in ipairs(KEYS) do redis.call('DEL', key) end\nfor i = 1, #KEYS do redis.call('DEL', KEYS[i]) end\nredis.call('MGET', unpack(KEYS))",
    );
    assert_eq!(calls.len(), 4);
    for call in &calls {
        assert_eq!(call[1], kind::KEY, "{calls:?}");
    }
}

#[test]
fn reassignment_on_any_path_is_seen() {
    let facts = facts("local k = KEYS[1]\nif ARGV[1] == 'x' then k = 'fixed' end\nreturn redis.call('GET', k)");
    let value = &facts.calls[0].args[1].value;
    assert!(value.has(kind::KEY) && value.has(kind::STRING));
}

#[test]
fn straight_line_reassignment_replaces_the_value() {
    let facts = facts("local n = ARGV[1]\nn = tonumber(n)\nreturn n + 1");
    assert!(facts.numeric_uses.is_empty(), "{:?}", facts.numeric_uses);
}

#[test]
fn argv_in_arithmetic_through_locals() {
    let facts = facts("local a = ARGV[1]\nlocal b = a\nreturn b * 2");
    assert_eq!(facts.numeric_uses.len(), 1);
    assert_eq!(facts.numeric_uses[0].value.argv_index, Some(1));
}

#[test]
fn tonumber_wrappers_are_numbers() {
    let facts =
        facts("local n = tonumber(ARGV[1]) or 0\nlocal m = tonumber(redis.call('GET', KEYS[1]) or '0')\nreturn n + m");
    assert!(facts.numeric_uses.is_empty(), "{:?}", facts.numeric_uses);
}

#[test]
fn local_function_parameters_take_their_call_sites() {
    let facts = facts(
        "local function bump(key, by)\n  return redis.call('INCRBY', key, by)\nend\nbump(KEYS[1], 1)\nbump(KEYS[2], 2)",
    );
    // the body is evaluated for each call, with that call's arguments
    assert_eq!(facts.calls.len(), 2);
    assert!(facts.calls.iter().all(|c| c.args[1].value.kinds == kind::KEY));
    let facts = crate::analysis::tests::facts(
        "local function bump(key)\n  return redis.call('INCR', key)\nend\nbump(KEYS[1])\nbump('other')",
    );
    assert_eq!(facts.calls[0].args[1].value.kinds, kind::KEY);
    assert_eq!(facts.calls[1].args[1].value.kinds, kind::STRING);
}

#[test]
fn tables_built_in_the_script_keep_their_elements() {
    let facts = facts("local ks = {KEYS[1], KEYS[2]}\nfor _, k in ipairs(ks) do redis.call('GET', k) end");
    assert_eq!(facts.calls[0].args[1].value.kinds, kind::KEY);
}

#[test]
fn seeds_reaching_random() {
    let f = facts("return math.random(10)");
    assert_eq!(f.randoms[0].1, seed::UNSEEDED);
    let f = facts("math.randomseed(tonumber(ARGV[1]))\nreturn math.random(10)");
    assert_eq!(f.randoms[0].1, seed::SEEDED);
    let f = facts("math.randomseed(42)\nreturn math.random(10)");
    assert_eq!(f.randoms[0].1, seed::CONSTANT);
    let f = facts("if ARGV[1] == 'x' then math.randomseed(tonumber(ARGV[2])) end\nreturn math.random(10)");
    assert_eq!(f.randoms[0].1, seed::UNSEEDED | seed::SEEDED);
}

#[test]
fn globals_reads_and_writes() {
    let f = facts(
        "print('x')\nlocal t = os.time()\ncount = 1\nfunction helper() end\nlocal s = ARGV[1]:trim()\nreturn string.foo",
    );
    let paths: Vec<&str> = f.undefined.iter().map(|u| u.path.as_str()).collect();
    assert_eq!(paths, ["print", "os", "string.trim", "string.foo"]);
    let writes: Vec<&str> = f.global_writes.iter().map(|w| w.name.as_str()).collect();
    assert_eq!(writes, ["count", "helper"]);
}

#[test]
fn shadowed_globals() {
    let f = facts("local table = {}\nlocal function f(redis) return redis end\nfor _, KEYS in ipairs({}) do end");
    let names: Vec<&str> = f.shadows.iter().map(|s| s.name.as_str()).collect();
    assert_eq!(names, ["table", "redis", "KEYS"]);
}

#[test]
fn returns_and_falling_off_the_end() {
    let f = facts("if ARGV[1] == 'a' then return 1 end");
    assert_eq!(f.returns.len(), 1);
    assert!(f.falls_off_end.is_some());
    let f = facts("if ARGV[1] == 'a' then return 1 else return 'x' end");
    assert_eq!(f.returns.len(), 2);
    assert!(f.falls_off_end.is_none());
    let f = facts("if not ARGV[1] then error('missing') end\nreturn 1");
    assert!(f.falls_off_end.is_none());
}

#[test]
fn key_and_argv_reads() {
    let f = facts("return {KEYS[1], KEYS[3], ARGV[2]}");
    let keys: Vec<f64> = f.key_reads.iter().map(|r| r.0).collect();
    assert_eq!(keys, [1.0, 3.0]);
    assert!(!f.keys_dynamic);
    let f = facts("for i = 1, #ARGV do local x = ARGV[i] end");
    assert!(f.argv_dynamic);
}

#[test]
fn loops_converge_with_values_from_later_iterations() {
    let f = facts("local k = KEYS[1]\nfor i = 1, 3 do\n  redis.call('GET', k)\n  k = 'other'\nend");
    assert!(
        f.calls[0].args[1].value.has(kind::STRING),
        "the second iteration sees the literal"
    );
}

#[test]
fn deep_loop_nesting_stays_bounded() {
    let depth = 60;
    let source = format!(
        "{}redis.call('GET', KEYS[1]){}",
        "while true do ".repeat(depth),
        " end".repeat(depth)
    );
    let f = facts(&source);
    assert_eq!(f.calls.len(), 1);
}
#[test]
fn ranges_include_closing_brackets() {
    // full_moon ends an `x[i]` node before its `]`; the analysis's ranges must not
    let source = "local a = 1 + ARGV[1]\nreturn KEYS[1]";
    let f = facts(source);
    let used = &f.numeric_uses[0];
    assert_eq!(&source[used.range.clone()], "ARGV[1]");
    assert_eq!(&source[f.key_reads[0].1.clone()], "KEYS[1]");
    assert_eq!(&source[f.returns[0].range.clone()], "return KEYS[1]");
}

fn key_arg(facts: &Facts, call: usize) -> &Value {
    &facts.calls[call].args[1].value
}

#[test]
fn each_call_returns_what_it_passed() {
    let f = facts(
        "local function id(x) return x end\nlocal a = id(KEYS[1])\nlocal b = id('literal')\nredis.call('GET', a)\nredis.call('GET', b)",
    );
    assert_eq!(key_arg(&f, 0).kinds, kind::KEY);
    assert_eq!(key_arg(&f, 0).key_index, Some(1));
    assert_eq!(key_arg(&f, 1).kinds, kind::STRING);
}

#[test]
fn several_return_values_keep_their_positions() {
    let f = facts(
        "local function two(a, b) return a, b end\nlocal x, y = two(KEYS[2], KEYS[1])\nredis.call('GET', x)\nredis.call('GET', y)",
    );
    assert_eq!(key_arg(&f, 0).key_index, Some(2));
    assert_eq!(key_arg(&f, 1).key_index, Some(1));
    assert!(!key_arg(&f, 1).has(kind::NIL));
}

#[test]
fn values_forwarded_through_helpers_keep_their_origin() {
    let f = facts(
        "local function a(k) return k end\nlocal function b(k) return a(k) end\nlocal function c(k) return b(a(k)) end\nredis.call('DEL', c(KEYS[1]))",
    );
    assert_eq!(key_arg(&f, 0).kinds, kind::KEY);
}

#[test]
fn uncalled_functions_take_whatever_a_caller_passes() {
    let f = facts("local function drop(k) return redis.call('DEL', k) end\nreturn 1");
    assert_eq!(key_arg(&f, 0).kinds, kind::PARAM);
}

#[test]
fn guards_remove_nil() {
    let f = facts(
        "local k = ARGV[1] ~= '' and KEYS[1] or nil\nif k then redis.call('GET', k) end\nlocal _ = k and redis.call('DEL', k)\nif not k then return end\nredis.call('INCR', k)",
    );
    for call in 0..3 {
        assert_eq!(key_arg(&f, call).kinds, kind::KEY, "call {call}");
    }
    let f = facts("local k = ARGV[1] ~= '' and KEYS[1] or nil\nif k == nil then return end\nredis.call('GET', k)");
    assert_eq!(key_arg(&f, 0).kinds, kind::KEY);
    let f = facts("local k = ARGV[1] ~= '' and KEYS[1] or nil\nassert(k)\nredis.call('GET', k)");
    assert_eq!(key_arg(&f, 0).kinds, kind::KEY);
}

/// The kinds of the key each `DEL` of `source` is passed, in order.
fn deleted(source: &str) -> Vec<u32> {
    facts(source)
        .calls
        .iter()
        .filter(|c| c.args[0].value.literal() == Some("DEL"))
        .map(|c| c.args[1].value.kinds)
        .collect()
}

/// `k` is `KEYS[1]` where `a == 'x'` and `ARGV[2]` elsewhere.
const CORRELATED: &str = "local a = ARGV[1]\nlocal k = ARGV[2]\nif a == 'x' then k = KEYS[1] end\n";

#[test]
fn a_test_repeated_narrows_what_the_first_one_set() {
    let f = |rest: &str| deleted(&format!("{CORRELATED}{rest}"));
    // the same test, its negation, an `else`, an early return, an `elseif`
    assert_eq!(f("if a == 'x' then redis.call('DEL', k) end"), [kind::KEY]);
    assert_eq!(f("if 'x' == a then redis.call('DEL', k) end"), [kind::KEY]);
    assert_eq!(f("if a ~= 'x' then return end\nredis.call('DEL', k)"), [kind::KEY]);
    assert_eq!(f("if not (a == 'x') then else redis.call('DEL', k) end"), [kind::KEY]);
    assert_eq!(
        f("if a == 'y' then elseif a == 'x' then redis.call('DEL', k) end"),
        [kind::KEY]
    );
    assert_eq!(
        f("if a == 'x' then redis.call('DEL', k) else redis.call('DEL', k) end"),
        [kind::KEY, kind::ARGV]
    );
    // `and` of a remembered test narrows where both hold
    assert_eq!(f("if a == 'x' and k ~= '' then redis.call('DEL', k) end"), [kind::KEY]);
    // truthiness, `not`, `and` and `or` of tests, in negation normal form
    let g = "local f = ARGV[1] ~= ''\nlocal k = ARGV[2]\nif not f then k = KEYS[1] end\n";
    assert_eq!(
        deleted(&format!("{g}if f then else redis.call('DEL', k) end")),
        [kind::KEY]
    );
    let h = "local a, b = ARGV[1], ARGV[3]\nlocal k = ARGV[2]\nif a == 'x' or not b then k = KEYS[1] end\n";
    assert_eq!(
        deleted(&format!("{h}if not (a ~= 'x' and b) then redis.call('DEL', k) end")),
        [kind::KEY]
    );
    // in an `elseif` chain, the i-th test holds where one of the first i branches ran
    let chain = "local a = ARGV[1]\nlocal k = ARGV[2]\nif a == 'x' then k = KEYS[1] elseif a == 'y' then k = KEYS[2] else k = 'z' end\n";
    assert_eq!(
        deleted(&format!("{chain}if a == 'x' then redis.call('DEL', k) end")),
        [kind::KEY]
    );
    assert_eq!(
        deleted(&format!("{chain}if a == 'y' then redis.call('DEL', k) end")),
        [kind::KEY]
    );
    assert_eq!(
        deleted(&format!("{chain}if a ~= 'y' then redis.call('DEL', k) end")),
        [kind::KEY | kind::STRING]
    );
}

#[test]
fn a_remembered_test_is_forgotten_when_it_may_answer_otherwise() {
    let f = |rest: &str| deleted(&format!("{CORRELATED}{rest}"));
    let both = kind::KEY | kind::ARGV;
    // another literal, another local, another spelling of the literal
    assert_eq!(f("if a == 'y' then redis.call('DEL', k) end"), [both]);
    assert_eq!(f("local b = a\nif b == 'x' then redis.call('DEL', k) end"), [both]);
    assert_eq!(f("if a == \"x\" then redis.call('DEL', k) end"), [both]);
    // the tested local or the narrowed one assigned in between, on some path
    assert_eq!(f("a = ARGV[3]\nif a == 'x' then redis.call('DEL', k) end"), [both]);
    assert_eq!(
        f("if ARGV[4] then a = 'x' end\nif a == 'x' then redis.call('DEL', k) end"),
        [both]
    );
    assert_eq!(
        f("if ARGV[4] then k = ARGV[4] end\nif a == 'x' then redis.call('DEL', k) end"),
        [both]
    );
    // a branch of the first `if` assigns what it tests
    assert_eq!(
        deleted(
            "local a = ARGV[1]\nlocal k = ARGV[2]\nif a == 'x' then k = KEYS[1]; a = 'y' end\nif a == 'x' then redis.call('DEL', k) end"
        ),
        [kind::KEY | kind::ARGV]
    );
    // a shadowing local of the same name is another local
    assert_eq!(
        f("local a = ARGV[3]\nif a == 'x' then redis.call('DEL', k) end"),
        [both]
    );
    // a function assigns the tested local as an upvalue, whether or not it is called
    assert_eq!(
        f("local function reset() a = ARGV[3] end\nreset()\nif a == 'x' then redis.call('DEL', k) end"),
        [both]
    );
    assert_eq!(
        deleted(
            "local a = ARGV[1]\nlocal function reset() a = ARGV[3] end\nlocal k = ARGV[2]\nif a == 'x' then k = KEYS[1] end\nif a == 'x' then redis.call('DEL', k) end"
        ),
        [both]
    );
}

#[test]
fn a_loop_that_changes_a_tested_local_forgets_the_test_in_every_pass() {
    // the new value of `a` is no different to the analysis from the old one: only
    // the remembered test tells the passes apart
    let f = deleted(
        "local a = ARGV[1] == 'x'\nlocal k = ARGV[2]\nif a then k = KEYS[1] end\nfor i = 1, 3 do\n  if a then redis.call('DEL', k) end\n  a = ARGV[3] == 'x'\nend",
    );
    assert_eq!(f, [kind::KEY | kind::ARGV]);
    // a loop that leaves them alone keeps it
    let f = deleted(
        "local a = ARGV[1]\nlocal k = ARGV[2]\nif a == 'x' then k = KEYS[1] end\nfor i = 1, 3 do\n  if a == 'x' then redis.call('DEL', k) end\n  redis.call('INCR', KEYS[2])\nend",
    );
    assert_eq!(f, [kind::KEY]);
    // nor does it outlive the locals: a new local in the same slot is not narrowed
    let f = deleted(
        "do\n  local a = ARGV[1]\n  local k = ARGV[2]\n  if a == 'x' then k = KEYS[1] end\nend\nlocal b = ARGV[1]\nlocal j = ARGV[2]\nif b == 'x' then redis.call('DEL', j) end",
    );
    assert_eq!(f, [kind::ARGV]);
    // also when it leaves the loop it was made in by `break`
    let f = deleted(
        "repeat\n  local a = ARGV[1]\n  local k = ARGV[2]\n  if a == 'x' then k = KEYS[1] end\n  break\nuntil true\nlocal b = ARGV[1]\nlocal j = ARGV[2]\nif b == 'x' then redis.call('DEL', j) end",
    );
    assert_eq!(f, [kind::ARGV]);
}

#[test]
fn keys_built_by_appending_are_derived() {
    let f = facts(
        "local p = KEYS[2]\nredis.call('GET', p .. 'x' .. ARGV[1])\nredis.call('GET', string.format('%s:%s', KEYS[1], 1))\nredis.call('GET', 'x' .. KEYS[1])\nredis.call('GET', string.format('x:%s', KEYS[1]))",
    );
    assert_eq!(key_arg(&f, 0).kinds, kind::DERIVED);
    assert_eq!(key_arg(&f, 0).derived_from, 1 << 2);
    assert_eq!(key_arg(&f, 1).kinds, kind::DERIVED);
    assert_eq!(key_arg(&f, 1).derived_from, 1 << 1);
    assert_eq!(key_arg(&f, 2).kinds, kind::CONCAT);
    assert_eq!(key_arg(&f, 3).kinds, kind::STRING);
}

#[test]
fn command_names_from_a_few_literals() {
    let f = facts("local c = ARGV[1] == 'l' and 'LPUSH' or 'RPUSH'\nredis.call(c, KEYS[1], 'x')");
    assert_eq!(
        f.calls[0].names().map(Iterator::collect::<Vec<_>>),
        Some(vec!["LPUSH", "RPUSH"])
    );
}

#[test]
fn feature_tests_of_missing_members_are_not_reads() {
    let f = facts("local u = table.unpack or unpack\nif table.pack then end\nreturn u(KEYS)");
    assert!(f.undefined.is_empty(), "{:?}", f.undefined);
    let f = facts("return table.unpack(KEYS)");
    assert_eq!(f.undefined.len(), 1);
}

#[test]
fn a_helper_that_seeds_seeds_its_caller() {
    let f = facts("local function seed() math.randomseed(tonumber(ARGV[1])) end\nseed()\nreturn math.random(10)");
    assert_eq!(f.randoms[0].1, seed::SEEDED);
}

#[test]
fn string_comparisons_with_argv_are_not_numeric() {
    let f = facts("if ARGV[1] < 'm' then return 1 end\nif ARGV[1] < string.lower(ARGV[2]) then return 2 end\nreturn 0");
    assert!(f.numeric_uses.is_empty(), "{:?}", f.numeric_uses);
    let f = facts("if ARGV[1] < ARGV[2] then return 1 end\nreturn 0");
    assert_eq!(f.numeric_uses.len(), 1);
}

#[test]
fn loops_from_a_constant_know_which_keys_they_reach() {
    let f = facts(
        "for i = 3, #KEYS do redis.call('GET', KEYS[i] .. 'x') end\nfor i = 1, #KEYS do redis.call('GET', KEYS[i] .. 'y') end",
    );
    let from3 = key_arg(&f, 0).derived_from;
    assert_eq!(from3 & 0b110, 0, "not KEYS[1] or KEYS[2]");
    assert_ne!(from3 & (1 << 3), 0);
    assert_eq!(key_arg(&f, 1).derived_from, value::ANY_KEY);
}

/// What is known of each error reply's text: (text, complete, the text at its range).
fn error_texts(source: &str) -> Vec<(String, bool, String)> {
    facts(source)
        .error_replies
        .iter()
        .map(|e| (e.text.clone(), e.complete, source[e.range.clone()].to_owned()))
        .collect()
}

#[test]
fn error_replies_keep_what_is_known_of_their_text() {
    let texts = error_texts(
        "if ARGV[1] == 'a' then return redis.error_reply('BUSY ' .. ARGV[2]) end\n\
         if ARGV[1] == 'b' then return {err = ('READONLY' .. ' x')} end\n\
         if ARGV[1] == 'c' then return redis.error_reply(string.format('OOM %s', ARGV[2])) end\n\
         if ARGV[1] == 'd' then return redis.error_reply 'MOVED 1 h' end\n\
         return {['err'] = 'TRYAGAIN'}",
    );
    let expected = [
        ("BUSY ", false, "'BUSY '"),
        ("READONLY x", true, "'READONLY' .. ' x'"),
        ("OOM ", false, "'OOM %s'"),
        ("MOVED 1 h", true, "'MOVED 1 h'"),
        ("TRYAGAIN", true, "'TRYAGAIN'"),
    ]
    .map(|(t, c, r)| (t.to_owned(), c, r.to_owned()));
    assert_eq!(texts, expected);
    // nothing known of the start: nothing recorded
    assert!(error_texts("return redis.error_reply(ARGV[1] .. ' x')").is_empty());
}

#[test]
fn error_replies_through_locals_helpers_and_aliases() {
    let source = "local code = 'NOSCRIPT'\n\
                  local reply = redis.error_reply\n\
                  local function fail(c, m) return reply(c .. ': ' .. m) end\n\
                  if ARGV[1] then return fail('BUSY', 'held') end\n\
                  return redis.error_reply(code)";
    let facts = facts(source);
    // (text, complete, where it is written, the local it comes through)
    type Seen<'s> = (&'s str, bool, &'s str, Option<(&'s str, bool)>);
    let errors: Vec<Seen<'_>> = facts
        .error_replies
        .iter()
        .map(|e| {
            let through = e.through.as_ref().map(|(at, param)| (&source[at.clone()], *param));
            (e.text.as_str(), e.complete, &source[e.range.clone()], through)
        })
        .collect();
    assert_eq!(
        errors,
        [
            // the helper, evaluated with this call's arguments: the caller's literal
            ("BUSY: held", true, "'BUSY'", Some(("c", true))),
            ("NOSCRIPT", true, "'NOSCRIPT'", Some(("code", false))),
        ]
    );
}

/// A body that records some of every kind of fact a script can: a kind added to
/// `Facts` belongs here (`a_loop_analysed_again_records_its_body_once` says which).
const EVERY_FACT: &str = "\
  local v = redis.call('GET', KEYS[1])
  local total = ARGV[1] + math.random(10)
  local count = #KEYS + select('#', unpack(ARGV))
  print(v)
  counter = total
  local type = 'shadow'
  redis.call('SET', KEYS[1], tonumber(ARGV[2]))
  if ARGV[3] then return 1 end
  if redis.call('GET', KEYS[2]) == nil then total = 0 end
  local owner = redis.call('HGETALL', KEYS[1]).owner
  local items = {unpack(redis.call('LRANGE', KEYS[1], 0, -1))}
  local pair = {1, 2}
  if redis.call('EXISTS', KEYS[2]) then pair = {} end
  pair.name = owner
  redis.error_reply('dropped')
  local unused = 1 -- redis-lua-lint: key(other)
  if count > 1 then return {err = 'APP_FAILED ' .. type} end
";

#[test]
fn a_loop_analysed_again_records_its_body_once() {
    // the `while` loops back (`n` changes), so its first pass is dropped and the body
    // analysed again from the fixed point; the `if` runs it once
    let looped_source = format!("local n = 0\nwhile n < 3 do\n  n = n + 1\n{EVERY_FACT}end\nreturn n\n");
    let once_source = format!("local n = 0\nif n < 3 then\n  n = n + 1\n{EVERY_FACT}end\nreturn n\n");
    assert_eq!(facts(&looped_source).sizes(), facts(&once_source).sizes());
    // an editor's outline records the locals too: they roll back alike
    let looped = outline_facts(&looped_source);
    let once = outline_facts(&once_source);
    assert_eq!(looped.sizes(), once.sizes());
    // only a library records these, and a script's end is not in its loop
    let elsewhere = ["registrations", "load_time", "falls_off_end"];
    for (kind, size) in once.sizes() {
        assert!(
            size > 0 || elsewhere.contains(&kind),
            "EVERY_FACT records no `{kind}`: add a statement that does"
        );
    }
}

#[test]
fn a_library_loop_analysed_again_records_its_body_once() {
    let library = |looping: &str| {
        let source = format!(
            "#!lua name=lib\nlocal n = 0\n{looping}\n  n = n + 1\n  local text = tostring\n  redis.register_function('f' .. n, function(keys) return redis.call('GET', keys[1]) end)\nend\n"
        );
        // Redis hides the `#!lua` line from Lua's compiler: so does the checker
        let source = crate::shebang::blank(&source).expect("a shebang line");
        crate::with_stack(16 * 1024 * 1024, || {
            let ast = crate::parse::parse(&source).expect("parses");
            analyse_library(&source, &ast, &crate::annotation::read(&source, &ast))
        })
    };
    let (looped, looped_functions) = library("while n < 2 do");
    let (once, once_functions) = library("if n < 2 then");
    assert_eq!(looped.sizes(), once.sizes());
    assert_eq!(looped.registrations.len(), 1);
    assert_eq!(looped.load_time.len(), 1);
    assert_eq!(looped_functions.len(), once_functions.len());
}

#[test]
fn comparisons_know_when_only_their_truth_is_used() {
    let source = "local v = redis.call('GET', KEYS[1])\n\
                  if v == nil then return 1 end\n\
                  if not (v ~= nil) then return 2 end\n\
                  while v == nil and ARGV[1] do break end\n\
                  local kept = v ~= nil\n\
                  local either = v == nil or 'x'\n\
                  local twice = v == nil == false\n\
                  if v == nil == false then return 3 end\n\
                  assert(v ~= nil)\n\
                  return kept";
    let facts = facts(source);
    let seen: Vec<(&str, bool)> = facts
        .comparisons
        .iter()
        .filter(|c| c.right.value.only(kind::NIL))
        .map(|c| (&source[c.range.clone()], c.condition))
        .collect();
    assert_eq!(
        seen,
        [
            ("v == nil", true),
            ("v ~= nil", true),
            ("v == nil", true),
            ("v ~= nil", false),
            ("v == nil", false),
            ("v == nil", false),
            ("v == nil", false),
            ("v ~= nil", false),
        ]
    );
    // the reply's side is a name, which `not` may be written before
    assert!(facts.comparisons.iter().all(|c| c.left.primary));
}

#[test]
fn strings_built_from_an_argument_remember_it() {
    let f = facts(
        "local p = ARGV[3]\nredis.call('GET', p .. 'x')\nredis.call('GET', string.format('%s:%s', ARGV[2], 1))\n\
         redis.call('GET', 'x' .. ARGV[1])\nfor i = 1, #ARGV do redis.call('GET', ARGV[i] .. 'y') end",
    );
    assert_eq!(key_arg(&f, 0).kinds, kind::DERIVED);
    assert_eq!(key_arg(&f, 0).args_from, 1 << 3);
    assert_eq!(key_arg(&f, 0).derived_from, 0);
    assert_eq!(key_arg(&f, 1).args_from, 1 << 2);
    assert_eq!(key_arg(&f, 2).kinds, kind::CONCAT);
    assert_eq!(key_arg(&f, 3).args_from, value::ANY_KEY);
}

#[test]
fn table_concat_appends_to_the_first_field() {
    let f = facts(
        "redis.call('GET', table.concat({KEYS[1], 'job', ARGV[1]}, ':'))\n\
         local parts = {ARGV[2], 'x'}\nredis.call('GET', table.concat(parts))\n\
         parts[1] = 'lit'\nredis.call('GET', table.concat(parts))\n\
         redis.call('GET', table.concat({'x', KEYS[1]}, ':'))\n\
         local more = {KEYS[1]}\ntable.insert(more, 1, 'x')\nredis.call('GET', table.concat(more))",
    );
    assert_eq!(key_arg(&f, 0).kinds, kind::DERIVED);
    assert_eq!(key_arg(&f, 0).derived_from, 1 << 1);
    assert_eq!(key_arg(&f, 1).args_from, 1 << 2);
    for call in 2..5 {
        assert_eq!(key_arg(&f, call).kinds, kind::STRING, "call {call}");
    }
}

#[test]
fn annotations_declare_locals_and_fields() {
    let f = facts(
        "local args = cmsgpack.unpack(ARGV[1]) -- redis-lua-lint: prefix(args[1]) key(args.parent)\n\
         local function use(k) return redis.call('GET', k) end\n\
         use(args[1] .. 'job')\nredis.call('GET', args.parent)\nredis.call('GET', args[2])\n\
         -- redis-lua-lint: key(lock)\nlocal lock = args[3]\nredis.call('GET', lock)\n\
         local other = args[4] -- redis-lua-lint: key(nothing)",
    );
    let (job, parent, second, lock) = (key_arg(&f, 0), key_arg(&f, 1), key_arg(&f, 2), key_arg(&f, 3));
    assert_eq!(job.kinds, kind::DERIVED);
    assert_eq!(job.notes_from, value::note_bit(0));
    assert_eq!(parent.kinds, kind::ANNOTATED);
    assert_eq!(parent.notes_from, value::note_bit(1));
    assert_eq!(second.kinds, kind::FIELD, "a field no annotation names");
    assert_eq!(lock.kinds, kind::ANNOTATED);
    assert_eq!(lock.notes_from, value::note_bit(2));
    assert_eq!(f.untaken_annotations, [3]);
}

#[test]
fn replies_are_tested_for_truth_only_where_a_condition_tests_them() {
    // `n or 0` and `f(n or 0)` use `n` as a value; `if n` and `not n` test it
    let f = facts(
        "local n = redis.call('EXISTS', KEYS[1])\nlocal d = n or 0\nlocal gone = not n\n\
         if tostring(n or 0) then return 1 end\nif n then return d end\nreturn gone\n",
    );
    let tested: Vec<_> = f
        .reply_uses
        .iter()
        .filter(|u| u.how == super::ReplyUseKind::Truth)
        .map(|u| u.range.clone())
        .collect();
    assert_eq!(tested.len(), 2, "{tested:?}");
}

#[test]
fn an_element_at_a_literal_position_of_hmget_is_a_string_or_false() {
    let f = facts(
        "local v = redis.call('HMGET', KEYS[1], 'a', 'b')\nlocal r = redis.call('LRANGE', KEYS[1], 0, 1)\n\
         return v[1] + v[tonumber(ARGV[1])] + r[1]\n",
    );
    let kinds: Vec<u32> = f.numeric_uses.iter().map(|u| u.value.kinds).collect();
    assert_eq!(kinds[0], kind::REPLY | kind::MISSING_FALSE);
    // a computed position may be past the end; `LRANGE` has no null elements
    assert_eq!(kinds[1], kind::REPLY | kind::MISSING_FALSE | kind::UNKNOWN);
    assert_eq!(kinds[2], kind::REPLY | kind::UNKNOWN);
}

/// A queue script as BullMQ writes them: helpers calling helpers with the same
/// arguments from many places, in loops and branches, with tables of fields, keys built
/// from a prefix, guards, early returns, an upvalue a helper assigns, a shadowing local
/// and `math.random` after a seed.
const HELPERS: &str = r#"
local rcall = redis.call
local prefix = ARGV[1]
local jobId = ARGV[2]
local count = 0
local function toKey(name)
  return prefix .. name
end
local function getState(id)
  local state = rcall("HGET", toKey(id), "state")
  if not state then
    return nil
  end
  return state
end
local function removeJob(id, hard)
  local key = toKey(id)
  local parts = {key, "logs", id}
  rcall("DEL", table.concat(parts, ":"))
  if hard then
    rcall("DEL", key .. ":logs")
  end
  count = count + 1
  return parts[1]
end
local function moveTo(id, target)
  local state = getState(id)
  if state == "active" then
    rcall("LREM", toKey("active"), 0, id)
  end
  rcall("RPUSH", toKey(target), id)
  return state
end
local function cleanSet(set, limit)
  local ids = rcall("ZRANGE", set, 0, limit)
  local n = 0
  for _, id in ipairs(ids) do
    removeJob(id, true)
    moveTo(id, "wait")
    n = n + 1
  end
  return n
end
local function pick(list)
  local type = "x"
  math.randomseed(5)
  return list[math.random(#list)] .. type
end
moveTo(jobId, "completed")
moveTo(jobId, "completed")
removeJob(jobId, false)
removeJob(jobId, false)
if ARGV[3] == "1" then
  cleanSet(KEYS[1], 10)
  cleanSet(KEYS[1], 10)
else
  moveTo(jobId, "failed")
end
for i = 1, 3 do
  moveTo(jobId, "completed")
  removeJob(jobId, false)
end
local total = cleanSet(KEYS[2], 5) + cleanSet(KEYS[2], 5)
pick({"a", "b"})
pick({"a", "b"})
return {total, count, moveTo(jobId, "completed")}
"#;

#[test]
fn replayed_evaluations_record_what_walking_the_body_records() {
    let (walked, none) = facts_replayed(HELPERS, false);
    let (replayed, replays) = facts_replayed(HELPERS, true);
    assert_eq!(none, 0);
    assert!(replays > 5, "{replays} evaluations replayed");
    assert_eq!(walked, replayed);
}

/// A queue script whose helpers are called from the definitions of other helpers, so
/// that from the second round on those definitions are walked silently (their calls
/// report the findings) and evaluate their calls silently: some with the same inputs
/// as an evaluation the round remembered (taken from it), some over a table whose
/// summary and an upvalue whose value grow in a later round.
const SILENT_HELPERS: &str = r#"
local rcall = redis.call
local prefix = KEYS[1]
local maxEvents = tonumber(ARGV[1])
local seen = {}
local lastId = nil
local function toKey(name)
  return prefix .. name
end
local function isLocked(id)
  local owner = rcall("GET", toKey(id) .. ":lock")
  if owner == false then
    return false
  end
  return true
end
local function track(id)
  seen[#seen + 1] = id
  lastId = id
  return #seen
end
local function trimEvents(limit)
  if limit and limit > 0 then
    rcall("XTRIM", toKey("events"), "MAXLEN", "~", limit)
  end
end
local function removeIfUnlocked(id)
  if isLocked(id) then
    return 0
  end
  rcall("DEL", toKey(id), toKey(id) .. ":logs")
  track(id)
  return 1
end
local function cleanList(list, limit)
  local ids = rcall("LRANGE", toKey(list), 0, limit - 1)
  local removed = 0
  for _, id in ipairs(ids) do
    removed = removed + removeIfUnlocked(id)
    if isLocked(id) then
      track(lastId or id)
    end
  end
  trimEvents(maxEvents)
  return removed
end
local function cleanAll(limit)
  local total = cleanList("wait", limit) + cleanList("paused", limit)
  for _, id in ipairs(seen) do
    removeIfUnlocked(id)
  end
  return total
end
local removed = cleanAll(100)
removed = removed + cleanAll(100)
if removed > 0 then
  rcall("XADD", toKey("events"), "*", "event", "cleaned", "count", removed)
end
return {removed, #seen}
"#;

#[test]
fn silent_evaluations_are_replayed_across_rounds_as_they_were_walked() {
    let (walked, none, _) = facts_replayed_silently(SILENT_HELPERS, false);
    let (replayed, _, silent) = facts_replayed_silently(SILENT_HELPERS, true);
    assert_eq!(none, 0);
    assert!(silent > 5, "{silent} silent evaluations replayed");
    assert_eq!(walked, replayed);
}

#[test]
fn replaying_changes_no_fixture_s_facts() {
    let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/lints");
    let mut checked = 0;
    for lint in std::fs::read_dir(&root).expect("fixtures") {
        for file in std::fs::read_dir(lint.expect("entry").path()).expect("fixtures of a lint") {
            let path = file.expect("entry").path();
            if path.extension().is_none_or(|e| e != "lua") {
                continue;
            }
            let source = std::fs::read_to_string(&path).expect("fixture");
            // fixtures of syntax errors (some of which full_moon cannot parse without
            // the checker's guards) have no analysis
            let parses = crate::with_stack(16 * 1024 * 1024, || {
                std::panic::catch_unwind(|| crate::parse::parse(&source).is_ok()).unwrap_or(false)
            });
            if !parses {
                continue;
            }
            assert_eq!(
                facts_replayed(&source, false).0,
                facts_replayed(&source, true).0,
                "{}",
                path.display()
            );
            checked += 1;
        }
    }
    assert!(checked > 100, "{checked} fixtures");
}

/// A helper that writes a field of the table it is given, called twice with the same
/// inputs: the second call is replayed, and the caller must forget the field after it
/// as after the first (else `job.owner == nil` would be "never nil").
const WRITES_ITS_ARGUMENT: &str = r#"
local rcall = redis.call
local function release(t)
  t.owner = nil
  return true
end
local job = {}
job.owner = rcall('GET', KEYS[1])
release(job)
job.owner = rcall('GET', KEYS[1])
release(job)
if job.owner == nil then
  return 0
end
return 1
"#;

#[test]
fn a_replayed_helper_makes_its_caller_forget_the_fields_it_wrote() {
    let (walked, _) = facts_replayed(WRITES_ITS_ARGUMENT, false);
    let (replayed, replays) = facts_replayed(WRITES_ITS_ARGUMENT, true);
    assert!(replays > 0, "the second call is replayed");
    assert_eq!(walked, replayed);
    let report = crate::check(WRITES_ITS_ARGUMENT, &crate::Signature::default());
    let lints: Vec<&str> = report.diagnostics.iter().map(|d| d.lint).collect();
    assert!(!lints.contains(&"reply_compared_with_nil"), "{lints:?}");
}
