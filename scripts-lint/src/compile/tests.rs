//! The port against what Redis 7.0.15 replied to the same scripts (`SCRIPT LOAD`,
//! recorded here; tests/tests/lua_compile.rs asks a live server).

use super::*;

/// Lua's text for `source` as a script, or `None` when it compiles.
fn refusal(source: &str) -> Option<String> {
    compile(source).refusal.map(|r| r.lua_text("user_script"))
}

#[test]
fn refuses_what_redis_refuses_with_its_text() {
    let cases: &[(&str, Option<&str>)] = &[
        (
            "local function f() return ... end\n",
            Some("user_script:1: cannot use '...' outside a vararg function near '...'"),
        ),
        ("break\n", Some("user_script:2: no loop to break near '<eof>'")),
        (
            "while true do local function f() break end end\n",
            Some("user_script:1: no loop to break near 'end'"),
        ),
        (
            "local a = f\n(g)()\n",
            Some("user_script:2: ambiguous syntax (function call x new statement) near '('"),
        ),
        (
            "return f\n(1)\n",
            Some("user_script:2: ambiguous syntax (function call x new statement) near '('"),
        ),
        (
            "x = 1\r\ny = 2\r\nreturn z\r\n(1)\r\n",
            Some("user_script:4: ambiguous syntax (function call x new statement) near '('"),
        ),
        ("return 1 & 2", Some("user_script:1: '<eof>' expected near '&'")),
        ("return 1 // 2", Some("user_script:1: unexpected symbol near '/'")),
        ("# comment\nreturn 1", Some("user_script:1: unexpected symbol near '#'")),
        (";", Some("user_script:1: unexpected symbol near ';'")),
        ("return 1;;", Some("user_script:1: '<eof>' expected near ';'")),
        ("x", Some("user_script:1: '=' expected near '<eof>'")),
        ("(x)", Some("user_script:1: syntax error near '<eof>'")),
        ("a, f() = 1, 2", Some("user_script:1: syntax error near '='")),
        (
            "return x:y",
            Some("user_script:1: function arguments expected near '<eof>'"),
        ),
        (
            "local function f(..., a) end",
            Some("user_script:1: ')' expected near ','"),
        ),
        ("for i do end", Some("user_script:1: '=' or 'in' expected near 'do'")),
        (
            "if x then else elseif y then end",
            Some("user_script:1: 'end' expected near 'elseif'"),
        ),
        ("return 5..2", Some("user_script:1: malformed number near '5..2'")),
        ("local x = 'a' 'b'", Some("user_script:1: unexpected symbol near ''b''")),
        ("return ....x", Some("user_script:1: '<eof>' expected near '.'")),
        ("return x.1", Some("user_script:1: '<eof>' expected near '.1'")),
        ("local é = 1", Some("user_script:1: '<name>' expected near '�'")),
        ("return 1\u{0}", None),
        ("return [[ [[ ]]\n", None),
        ("--[[ a [[ b ]]\nreturn 1\n", None),
        (
            "--[[ unfinished\nreturn 1\n",
            Some("user_script:3: unfinished long comment near '<eof>'"),
        ),
        (
            "return 1 --[[",
            Some("user_script:1: unfinished long comment near '<eof>'"),
        ),
        (
            "return 'a\\256'\n",
            Some("user_script:1: escape sequence too large near ''a'"),
        ),
        ("return 'abc\n'\n", Some("user_script:1: unfinished string near ''abc'")),
        ("return 'abc\n", Some("user_script:1: unfinished string near ''abc'")),
        (
            "return [==[a]=]\n",
            Some("user_script:2: unfinished long string near '<eof>'"),
        ),
        (
            "return [=\n",
            Some("user_script:1: invalid long string delimiter near '[='"),
        ),
        (
            "return [==x\n",
            Some("user_script:1: invalid long string delimiter near '[=='"),
        ),
        ("return 0x1p4\n", None),
        ("return 0x1p-4\n", Some("user_script:1: malformed number near '0x1p'")),
        ("return 0x1.8p1\n", Some("user_script:1: malformed number near '.8p1'")),
        ("return 0x\n", Some("user_script:1: malformed number near '0x'")),
        ("return 3..2\n", Some("user_script:1: malformed number near '3..2'")),
        ("return 1e\n", Some("user_script:1: malformed number near '1e'")),
        ("return 08\n", None),
        ("return 1e400\n", None),
        ("return '\\z'\n", None),
        ("return 'a\\\r\nb'\n", None),
        ("return\u{b}1", None),
        ("local goto = 1 return goto", None),
        ("function x(a, ...) return arg end\n", None),
        ("local f = function(a, b, ...) return select('#', ...) end\n", None),
        ("repeat local x; local function f() return x end; until x\n", None),
    ];
    for (source, expected) in cases {
        assert_eq!(refusal(source).as_deref(), *expected, "{source:?}");
    }
}

fn locals(n: usize) -> String {
    (0..n).map(|i| format!("local v{i} = {i}\n")).collect()
}

#[test]
fn at_most_200_locals_in_scope() {
    assert_eq!(refusal(&locals(200)), None);
    assert_eq!(
        refusal(&locals(201)).as_deref(),
        Some("user_script:201: main function has more than 200 local variables")
    );
    // a function's parameters count, and a vararg function's hidden `arg`
    let function = |params: &str, n: usize| format!("local function f({params})\n{}end\n", locals(n));
    assert_eq!(refusal(&function("a, b", 198)), None);
    assert!(
        refusal(&function("a, b", 199))
            .is_some_and(|t| t.ends_with("function at line 1 has more than 200 local variables"))
    );
    assert_eq!(refusal(&function("...", 199)), None);
    assert!(refusal(&function("...", 200)).is_some());
    // a numeric `for` keeps four in scope
    assert_eq!(refusal(&format!("{}for i = 1, 2 do end\n", locals(196))), None);
    assert!(refusal(&format!("{}for i = 1, 2 do end\n", locals(197))).is_some());
    // scopes that ended free theirs
    assert_eq!(refusal(&format!("do\n{}end\n{}", locals(150), locals(150))), None);
}

#[test]
fn at_most_60_upvalues() {
    let uses = |n: usize| {
        let sum: Vec<String> = (0..n).map(|i| format!("v{i}")).collect();
        format!("{}local function f()\n  return {}\nend\n", locals(n), sum.join(" + "))
    };
    assert_eq!(refusal(&uses(60)), None);
    assert_eq!(
        refusal(&uses(61)).as_deref(),
        Some("user_script:64: function at line 62 has more than 60 upvalues")
    );
}

#[test]
fn registers_levels_and_assignments() {
    let call = |n: usize| {
        format!(
            "return f({})\n",
            (0..n).map(|i| i.to_string()).collect::<Vec<_>>().join(", ")
        )
    };
    assert_eq!(refusal(&call(248)), None);
    assert_eq!(
        refusal(&call(249)).as_deref(),
        Some("user_script:2: function or expression too complex near '<eof>'")
    );
    // a constructor flushes every 50 items: any length fits
    let table = format!("return {{{}}}\n", vec!["x"; 3000].join(", "));
    assert_eq!(refusal(&table), None);
    let parens = |n: usize| format!("return {}1{}\n", "(".repeat(n), ")".repeat(n));
    assert_eq!(refusal(&parens(198)), None);
    assert_eq!(
        refusal(&parens(199)).as_deref(),
        Some("user_script:1: chunk has too many syntax levels")
    );
    let assign = |n: usize| {
        format!(
            "{} = 1\n",
            (0..n).map(|i| format!("a{i}")).collect::<Vec<_>>().join(", ")
        )
    };
    // the limit is 200 less the levels open (one, the main chunk): the check comes
    // before the target it counts
    assert_eq!(refusal(&assign(200)), None);
    assert_eq!(
        refusal(&assign(201)).as_deref(),
        Some("user_script:1: main function has more than 199 variables in assignment")
    );
}

#[test]
fn constants_beyond_255_take_registers() {
    // 300 distinct constants: the later ones are no longer operands, and a call of
    // 200 of them still fits
    let strings: Vec<String> = (0..300).map(|i| format!("'s{i}'")).collect();
    let source = format!(
        "local t = {{{}}}\nreturn f({})\n",
        strings.join(", "),
        strings[..200].join(", ")
    );
    assert_eq!(refusal(&source), None);
}

#[test]
fn masks_what_full_moon_reads_otherwise() {
    let masked = |source: &str| compile(source).masked(source);
    assert_eq!(masked("return 0x1p4").as_deref(), Some("return 0x104"));
    assert_eq!(masked("return\u{b}1").as_deref(), Some("return 1"));
    assert_eq!(masked("return 'a\\\r\nb'").as_deref(), Some("return 'a\\\r b'"));
    assert_eq!(masked("return 1\u{0}+5").as_deref(), Some("return 1   "));
    assert_eq!(masked("return 'a' .\u{0} 'b'").as_deref(), Some("return 'a' .. 'b'"));
    assert_eq!(masked("return 1"), None);
}

/// The shadow pass decides alone only when the code generator could not refuse:
/// statements near Lua's 250 registers, from every construct that takes registers,
/// after many locals and inside `repeat` (whose condition sees the block's locals),
/// get the same verdict as from the code generator.
#[test]
fn the_shadow_pass_hands_long_statements_to_the_code_generator() {
    let mut seed: u64 = 0x9e37_79b9_7f4a_7c15;
    let mut below = |n: usize| {
        seed ^= seed << 13;
        seed ^= seed >> 7;
        seed ^= seed << 17;
        (seed % n as u64) as usize
    };
    let mut refused = 0;
    for round in 0..400 {
        let locals = [0, 50, 120, 190, 199][below(5)];
        let n = 60 + below(200);
        let items = |item: &dyn Fn(usize) -> String| (0..n).map(item).collect::<Vec<_>>().join(", ");
        let statement = match round % 8 {
            0 => format!("f({})", items(&|i| format!("v{}", i % 7))),
            1 => format!("local t = {{{}}}", items(&|i| format!("{{{i}}}"))),
            2 => format!("return {}", items(&|i| format!("'s{i}'")).replace(", ", " .. ")),
            3 => format!("x:m({})", items(&|i| format!("g({i})"))),
            4 => format!(
                "local a = {}",
                items(&|i| format!("(v{} + {i})", i % 5)).replace(", ", " * ")
            ),
            5 => format!(
                "repeat {} until f({})",
                locals_in(below(150)),
                items(&|i| i.to_string())
            ),
            6 => format!("a, b, c = {}", items(&|i| format!("t[{i}]"))),
            _ => format!("return f(x, {})", items(&|i| format!("h(v{}, {i})", i % 3))),
        };
        let source = format!("{}{statement}\n", locals_in(locals));
        let two_pass = compile(&source).refusal.map(|r| r.lua_text("user_script"));
        let exact = exact(&source).refusal.map(|r| r.lua_text("user_script"));
        assert_eq!(two_pass, exact, "{source}");
        refused += usize::from(exact.is_some());
    }
    // both verdicts are exercised
    assert!(refused > 50 && refused < 350, "{refused} refused");
}

fn locals_in(n: usize) -> String {
    (0..n).map(|i| format!("local v{i} = {i}\n")).collect()
}

/// The nesting the stack is sized from, taken from Lua's levels, is never less than
/// what the byte scan counts on the same script.
#[test]
fn lua_levels_cover_the_byte_scan() {
    let nested =
        |open: &str, middle: &str, close: &str, n: usize| format!("{}{middle}{}", open.repeat(n), close.repeat(n));
    let mut sources = vec![
        "local function f() end\nreturn f()".to_owned(),
        "local t = {}\nreturn #t".to_owned(),
        "return function(a, b) return a .. b end".to_owned(),
        "return a + b * c ^ d .. e .. f".to_owned(),
        "local x = not not - - #t".to_owned(),
        "f(function() end, {}, (1))".to_owned(),
    ];
    for n in [1, 2, 10, 50, 150, 195] {
        sources.push(format!("return {}", nested("(", "1", ")", n)));
        sources.push(nested("do ", "f()", " end", n));
        sources.push(nested("if x then ", "f()", " end", n));
        sources.push(format!("return {}", nested("{", "", "}", n)));
        sources.push(format!("return {}", nested("f(", "", ")", n.min(120))));
        sources.push(nested("local function f() ", "", " end", n));
        sources.push(format!("return {}", nested("function() return ", "1", " end", n / 2)));
        sources.push(format!("return {}1", "- ".repeat(n)));
        sources.push(format!("return {}", vec!["'a'"; n].join(" .. ")));
        sources.push(format!("return t{}", nested("[t", "", "]", n)));
    }
    for source in &sources {
        let compiled = compile(source);
        let depth = compiled.depth.unwrap_or_else(|| panic!("Lua compiles {source}"));
        let scanned = crate::parse::Nesting::scan(source);
        assert!(
            scanned.deepest <= depth.deepest,
            "{} > {}: {source}",
            scanned.deepest,
            depth.deepest
        );
    }
}

/// The limits only a large script reaches: locals declared in all (32,767), constants
/// (262,143) and the span of a jump (131,071 instructions). The first two carry no
/// position: Lua raises them as run-time errors, outside the parser.
#[test]
fn limits_of_large_scripts() {
    let declared = |n: usize| "do local a end\n".repeat(n);
    assert_eq!(refusal(&declared(32767)), None);
    assert_eq!(refusal(&declared(32768)).as_deref(), Some("too many local variables"));
    let constants = |n: usize| {
        let strings: Vec<String> = (0..n).map(|i| format!("'s{i}'")).collect();
        format!("local t = {{{}}}\n", strings.join(","))
    };
    assert_eq!(refusal(&constants(262_143)), None);
    assert_eq!(refusal(&constants(262_144)).as_deref(), Some("constant table overflow"));
    let jump = |n: usize| format!("if x then\n{}end\n", "y = 1\n".repeat(n));
    assert_eq!(refusal(&jump(65_530)), None);
    assert_eq!(
        refusal(&jump(65_600)).as_deref(),
        Some("user_script:65603: control structure too long near '<eof>'")
    );
}

/// Links followed in jump lists while the code generator compiles `source`.
fn links(source: &str) -> u64 {
    func::LINKS.with(|links| links.set(0));
    exact(source);
    func::LINKS.with(|links| links.get())
}

/// Lua walks a jump list to its end on every append: a chain of `n` `and`s, `or`s,
/// `elseif`s or `break`s costs `n * n / 2` links there. Here each append costs the
/// same however long the list, so four times the chain is four times the links.
#[test]
fn long_jump_lists_cost_linear_work() {
    let term = "tonumber(ARGV[1])";
    let chain = |operator: &str, n: usize| format!("return {}\n", vec![term; n].join(operator));
    let shapes: [(&str, &dyn Fn(usize) -> String); 6] = [
        ("and", &|n| chain(" and ", n)),
        ("or", &|n| chain(" or ", n)),
        ("and in a condition", &|n| {
            format!("if {} then return 1 end\n", vec![term; n].join(" and "))
        }),
        ("and/or", &|n| chain(" and x or ", n)),
        ("elseif", &|n| {
            let branches: String = (1..n).map(|i| format!("elseif a == '{i}' then return {i}\n")).collect();
            format!("local a = ARGV[1]\nif a == '0' then return 0\n{branches}end\n")
        }),
        ("break", &|n| {
            let breaks: String = (0..n).map(|i| format!("if a == '{i}' then break end\n")).collect();
            format!("local a = ARGV[1]\nwhile true do\n{breaks}end\n")
        }),
    ];
    for (name, make) in shapes {
        let (small, large) = (links(&make(1_000)), links(&make(4_000)));
        assert!(
            large <= 4 * small + 100 && large <= 10 * 4_000,
            "{name}: {small} links for 1,000 terms, {large} for 4,000"
        );
    }
}

/// The recorded end of each jump list (`FuncState::last`, which asserts in tests that
/// it is where Lua's walk ends) on every script of the repository and on generated
/// programs mixing every construct that makes jumps, compiled with the code generator.
#[test]
fn recorded_ends_of_jump_lists_are_where_lua_walks_to() {
    let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR"));
    let mut dirs = vec![
        root.join("tests"),
        root.join("../fuzz/seeds"),
        root.join("../tests/lua"),
    ];
    let mut scripts = Vec::new();
    while let Some(dir) = dirs.pop() {
        for entry in std::fs::read_dir(&dir).unwrap_or_else(|e| panic!("{}: {e}", dir.display())) {
            let path = entry.expect("a directory entry").path();
            if path.is_dir() {
                dirs.push(path);
            } else if path.extension().is_some_and(|e| e == "lua") {
                let bytes = std::fs::read(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
                scripts.push(String::from_utf8_lossy(&bytes).into_owned());
            }
        }
    }
    assert!(scripts.len() > 100, "{} scripts", scripts.len());
    let mut program = Program::new(0x2545_f491_4f6c_dd1d);
    scripts.extend((0..300).map(|_| program.chunk()));
    let mut refused = 0;
    for source in &scripts {
        refused += usize::from(exact(source).refusal.is_some());
    }
    assert!(refused < scripts.len() / 2, "{refused} of {} refused", scripts.len());
}

/// Random Lua programs made of the constructs that make jump lists: `and`, `or`,
/// `not`, comparisons, `if`/`elseif`/`else`, loops with `break`, nested functions.
struct Program {
    seed: u64,
    loops: usize,
}

impl Program {
    fn new(seed: u64) -> Program {
        Program { seed, loops: 0 }
    }

    fn below(&mut self, n: usize) -> usize {
        self.seed ^= self.seed << 13;
        self.seed ^= self.seed >> 7;
        self.seed ^= self.seed << 17;
        (self.seed % n as u64) as usize
    }

    fn exp(&mut self, depth: usize) -> String {
        const ATOMS: [&str; 10] = ["x", "t.y", "1", "'a'", "nil", "true", "false", "f(x)", "ARGV[1]", "l"];
        if depth == 0 {
            return ATOMS[self.below(ATOMS.len())].to_owned();
        }
        let shallower = depth - 1 - self.below(depth);
        let (a, b) = (self.exp(depth - 1), self.exp(shallower));
        match self.below(12) {
            0 | 1 => format!("{a} and {b}"),
            2 | 3 => format!("{a} or {b}"),
            4 => format!("not {a}"),
            5 => format!("({a})"),
            6 => format!("{a} == {b}"),
            7 => format!("{a} < {b}"),
            8 => format!("{a} ~= {b}"),
            9 => format!("{a} .. {b}"),
            10 => format!("{{{a}, {b}}}"),
            _ => format!("g({a}, {b})"),
        }
    }

    fn block(&mut self, depth: usize) -> String {
        let n = 1 + self.below(4);
        let mut out: String = (0..n).map(|_| self.statement(depth)).collect();
        if self.below(5) == 0 {
            out.push_str(&format!("return {}\n", self.exp(3)));
        } else if self.loops > 0 && self.below(4) == 0 {
            out.push_str("break\n");
        }
        out
    }

    fn statement(&mut self, depth: usize) -> String {
        let choice = if depth == 0 { self.below(3) } else { self.below(11) };
        let depth_of_e = 1 + self.below(4);
        let e = self.exp(depth_of_e);
        match choice {
            0 => format!("local l = {e}\n"),
            1 => format!("x = {e}\n"),
            2 => format!("t.y = {e}\n"),
            3 | 4 => {
                let mut out = format!("if {e} then\n{}", self.block(depth - 1));
                for _ in 0..self.below(4) {
                    let c = self.exp(3);
                    out.push_str(&format!("elseif {c} then\n{}", self.block(depth - 1)));
                }
                if self.below(2) == 0 {
                    out.push_str(&format!("else\n{}", self.block(depth - 1)));
                }
                out + "end\n"
            }
            5 => self.looped(|p| format!("while {e} do\n{}end\n", p.block(depth - 1))),
            6 => self.looped(|p| format!("repeat\n{}until {e}\n", p.block(depth - 1))),
            7 => self.looped(|p| format!("for i = 1, #x do\n{}end\n", p.block(depth - 1))),
            8 => self.looped(|p| format!("for k, v in pairs(t) do\n{}end\n", p.block(depth - 1))),
            9 => {
                let loops = std::mem::take(&mut self.loops);
                let body = self.block(depth - 1);
                self.loops = loops;
                format!("local function h(a, ...)\n{body}end\n")
            }
            _ => format!("do\n{}end\n", self.block(depth - 1)),
        }
    }

    fn looped(&mut self, body: impl FnOnce(&mut Program) -> String) -> String {
        self.loops += 1;
        let out = body(self);
        self.loops -= 1;
        out
    }

    fn chunk(&mut self) -> String {
        let n = 2 + self.below(8);
        (0..n).map(|_| self.statement(4)).collect()
    }
}

/// Lua keeps a function's constants in a hash table (`addk`), and so does the port:
/// numbers must spread over its buckets like any key, though every integer as a
/// double has all its low bits zero (a multiplicative hash alone gave them one
/// bucket, and 150,000 numbers took 16 s).
#[test]
fn numeric_constants_spread_over_the_hash_table() {
    use std::hash::{BuildHasher, BuildHasherDefault};
    let build = BuildHasherDefault::<lex::FxHasher>::default();
    let buckets = |keys: &mut dyn Iterator<Item = func::Const>| {
        keys.map(|k| build.hash_one(k) & 0xffff)
            .collect::<std::collections::HashSet<_>>()
            .len()
    };
    // 65,536 keys over 65,536 buckets: about 41,400 distinct when the hash is random
    let n = 1_u32 << 16;
    let integers = buckets(&mut (0..n).map(|i| func::Const::Num(f64::from(i).to_bits())));
    let large = buckets(&mut (0..n).map(|i| func::Const::Num((f64::from(i) * 4_294_967_296.0).to_bits())));
    let strings = buckets(&mut (0..n).map(func::Const::Str));
    for (name, distinct) in [
        ("integers", integers),
        ("multiples of 2^32", large),
        ("strings", strings),
    ] {
        assert!(distinct > 35_000, "{name}: {distinct} buckets");
    }
}
