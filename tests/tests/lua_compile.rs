//! `lua_syntax` against what a real server compiles: Redis 7.0.15 (`SCRIPT LOAD`,
//! `FUNCTION LOAD` for libraries) is the judge. For every script here, the checker
//! must agree with the server both ways: a script the server compiles has no
//! `lua_syntax` finding, and a script it refuses has one, on the line the server
//! names, carrying the server's text (`user_script:3: no loop to break near 'end'`).
//!
//! The scripts: a table of the refusals of Lua 5.1's parser, lexer and code generator
//! at their limits (200 locals fit, 201 do not), the limits only megabyte scripts
//! reach, the `lua_syntax` fixtures of `scripts-lint/tests/lints/lua_syntax/`, and a
//! few hundred generated programs.

use std::path::Path;

use scripts_lint::{Diagnostic, LibrarySignature, LineIndex, Signature, check, check_library};
use scripts_tests::RedisServer;

/// What the server says of a script: `None` when it compiles, else its text after
/// the "Error compiling ...: " prefix.
fn server_verdict(con: &mut redis::Connection, source: &str) -> Option<String> {
    let library = source.starts_with("#!lua name=");
    let mut command = if library {
        let mut c = redis::cmd("FUNCTION");
        c.arg("LOAD").arg("REPLACE");
        c
    } else {
        let mut c = redis::cmd("SCRIPT");
        c.arg("LOAD");
        c
    };
    match command.arg(source).query::<redis::Value>(con) {
        Ok(_) => None,
        Err(error) => {
            let detail = error.detail().unwrap_or_default().to_owned();
            let text = detail
                .strip_prefix("Error compiling script (new function): ")
                .or_else(|| detail.strip_prefix("Error compiling function: "))
                .unwrap_or_else(|| panic!("not a compile error: {error}"));
            Some(text.to_owned())
        }
    }
}

/// The checker's `lua_syntax` findings for a script or library.
fn findings(source: &str) -> Vec<Diagnostic> {
    let all: Vec<Diagnostic> = if source.starts_with("#!lua name=") {
        check_library(source, &LibrarySignature::default())
            .all()
            .cloned()
            .collect()
    } else {
        check(source, &Signature::default().permissive()).diagnostics
    };
    all.into_iter().filter(|d| d.lint == "lua_syntax").collect()
}

/// Why the checker disagrees with the server on `source`, if it does.
fn disagreement(source: &str, verdict: Option<&str>) -> Option<String> {
    let found = findings(source);
    let Some(text) = verdict else {
        return (!found.is_empty())
            .then(|| format!("the server compiles it, the checker says: {:?}", found[0].message));
    };
    let wanted = format!("Redis does not compile this: `{text}`");
    let Some(finding) = found.iter().find(|d| d.notes.iter().any(|n| same_text(n, &wanted))) else {
        let notes: Vec<&String> = found.iter().flat_map(|d| &d.notes).collect();
        return Some(format!(
            "the server says `{text}`; the checker's findings: {:?}, notes {notes:?}",
            found.iter().map(|d| &d.message).collect::<Vec<_>>()
        ));
    };
    // the line Redis names is where the finding is; for a plain syntax error full_moon
    // may have reported the same mistake earlier (a bracket never closed, which Lua
    // notices where the next statement starts)
    let line: Option<usize> = text.split(':').nth(1).and_then(|n| n.parse().ok());
    if let Some(line) = line {
        let lines = LineIndex::new(source);
        let start = lines.line_of(finding.primary.range.start) + 1;
        let end = lines.line_of(finding.primary.range.end) + 1;
        let plain = !NOT_PLAIN.iter().any(|kind| text.contains(kind));
        if start > line || (end < line && !plain) {
            return Some(format!(
                "the server names line {line}, the finding is on lines {start}..={end}"
            ));
        }
    }
    None
}

/// The refusals full_moon's grammar lets through: the checker reports them on their
/// own, on Redis's line.
const NOT_PLAIN: &[&str] = &[
    "local variables",
    "upvalues",
    "outside a vararg function",
    "no loop to break",
    "ambiguous syntax",
    "too complex",
    "syntax levels",
    "variables in assignment",
    "malformed number",
    "escape sequence",
    "constant table",
    "control structure",
];

/// Redis quotes a whole token; the checker's note cuts a long one with `...`.
fn same_text(note: &str, wanted: &str) -> bool {
    note == wanted
        || note
            .strip_suffix("'`")
            .and_then(|n| n.strip_suffix("..."))
            .is_some_and(|cut| wanted.starts_with(cut))
}

fn locals(n: usize) -> String {
    (0..n).map(|i| format!("local v{i} = {i}\n")).collect()
}

fn list(n: usize, item: impl Fn(usize) -> String) -> String {
    (0..n).map(item).collect::<Vec<_>>().join(", ")
}

/// Each refusal of Lua 5.1's lexer, parser and code generator, at its limit and one
/// past it, and what compiles although other Lua tools refuse it.
fn cases() -> Vec<(String, String)> {
    let upvalues = |n: usize| {
        format!(
            "{}local function f()\n  return {}\nend\nreturn f()\n",
            locals(n),
            (0..n).map(|i| format!("v{i}")).collect::<Vec<_>>().join(" + ")
        )
    };
    let mut cases: Vec<(&str, String)> = vec![
        ("200 locals", locals(200)),
        ("201 locals", locals(201)),
        (
            "200 locals in a function",
            format!("local function f(a, b)\n{}end\n", locals(198)),
        ),
        (
            "201 locals in a function",
            format!("local function f(a, b)\n{}end\n", locals(199)),
        ),
        (
            "a vararg function's arg counts",
            format!("local function f(...)\n{}end\n", locals(200)),
        ),
        ("a for loop keeps four", format!("{}for i = 1, 2 do end\n", locals(196))),
        (
            "a for loop keeps four, one too many",
            format!("{}for i = 1, 2 do end\n", locals(197)),
        ),
        (
            "201 locals in one statement",
            format!("local {} = 1\n", list(201, |i| format!("a{i}"))),
        ),
        ("60 upvalues", upvalues(60)),
        ("61 upvalues", upvalues(61)),
        ("... in the main chunk", "return select('#', ...)\n".into()),
        (
            "... in a vararg function",
            "local function f(...) return ... end\nreturn f(1)\n".into(),
        ),
        (
            "... in a function without it",
            "local function f(a) return ... end\n".into(),
        ),
        (
            "... in a closure of a vararg function",
            "local function f(...)\n  return function() return ... end\nend\n".into(),
        ),
        (
            "the arg table",
            "local function f(...) return arg.n end\nreturn f(1, 2)\n".into(),
        ),
        ("break outside a loop", "local x = 1\nbreak\n".into()),
        (
            "break in a function in a loop",
            "for i = 1, 2 do\n  local f = function() break end\nend\n".into(),
        ),
        ("break in a repeat", "repeat break until true\n".into()),
        ("break not last", "while true do break print(1) end\n".into()),
        ("ambiguous call", "local a = tostring\n(print)('x')\n".into()),
        ("a call on its line", "local a = tostring(\n'x')\nreturn a\n".into()),
        (
            "ambiguous call after \\r\\n lines",
            "local a = 1\r\nlocal b = a\r\n(print)(b)\r\n".into(),
        ),
        (
            "248 arguments",
            format!("return tostring({})\n", list(248, |i| i.to_string())),
        ),
        (
            "249 arguments",
            format!("return tostring({})\n", list(249, |i| i.to_string())),
        ),
        (
            "a long table constructor",
            format!("return #{{{}}}\n", list(3000, |i| i.to_string())),
        ),
        (
            "250 registers through a concatenation",
            format!("return {}\n", list(240, |i| format!("'{i}'")).replace(", ", " .. ")),
        ),
        ("constants beyond the operand range", {
            let strings = list(300, |i| format!("'s{i}'"));
            format!(
                "local t = {{{strings}}}\nreturn tostring({})\n",
                list(200, |i| format!("'s{i}'"))
            )
        }),
        (
            "198 brackets",
            format!("return {}1{}\n", "(".repeat(198), ")".repeat(198)),
        ),
        (
            "199 brackets",
            format!("return {}1{}\n", "(".repeat(199), ")".repeat(199)),
        ),
        ("199 blocks", format!("{}{}\n", "do ".repeat(199), "end ".repeat(199))),
        ("200 blocks", format!("{}{}\n", "do ".repeat(200), "end ".repeat(200))),
        (
            "a 198-term concatenation",
            format!("return {}\n", vec!["'a'"; 198].join(" .. ")),
        ),
        (
            "a 199-term concatenation",
            format!("return {}\n", vec!["'a'"; 199].join(" .. ")),
        ),
        ("200 targets", format!("{} = 1\n", list(200, |i| format!("a{i}")))),
        ("201 targets", format!("{} = 1\n", list(201, |i| format!("a{i}")))),
        ("hexadecimal float", "return 0x1p4\n".into()),
        ("hexadecimal float, capitals", "return 0XAP2 + 0x1P0\n".into()),
        ("hexadecimal float, negative exponent", "return 0x1p-4\n".into()),
        ("hexadecimal float with a fraction", "return 0x1.8p1\n".into()),
        ("0x alone", "return 0x\n".into()),
        ("a number running into a name", "return 1_000\n".into()),
        ("a number running into ..", "return 3..'x'\n".into()),
        ("exponent without digits", "return 1e\n".into()),
        ("an overflowing number", "return 1e400\n".into()),
        ("escape 255", "return '\\255'\n".into()),
        ("escape 256", "return '\\256'\n".into()),
        (
            "an unknown escape stands for its character",
            "return '\\q\\z\\x41'\n".into(),
        ),
        ("escaped line break", "return 'a\\\nb'\n".into()),
        ("escaped \\r\\n", "return 'a\\\r\nb'\n".into()),
        ("unfinished string", "return 'abc\n".into()),
        ("unfinished string at the end", "return 'abc".into()),
        ("unfinished long string", "return [==[abc]=]\n".into()),
        ("unfinished long comment", "--[[ notes\nreturn 1\n".into()),
        ("invalid long string delimiter", "return [=\n".into()),
        // Lua 5.1.5 refuses it ("nesting of [[...]] is deprecated"); Redis's fix for
        // CVE-2025-46819 dropped the check, and the server here has the fix
        ("[[ inside a long string", "return [[ a [[ b ]]\n".into()),
        ("[[ inside a long comment", "--[[ a [[ b ]]\nreturn 1\n".into()),
        ("vertical tab and form feed", "local a =\x0b1\x0creturn a\n".into()),
        ("a NUL after a number", "return 1\0 + 2\n".into()),
        ("a lone semicolon", ";\nreturn 1\n".into()),
        ("two semicolons", "local a = 1;;\n".into()),
        ("goto is a name", "local goto = 1\nreturn goto\n".into()),
        ("goto statement", "for i = 1, 2 do\n  goto continue\nend\n".into()),
        ("integer division", "return 7 // 2\n".into()),
        ("bitwise and", "return 6 & 3\n".into()),
        ("compound assignment", "local x = 1\nx += 1\n".into()),
        ("a # line", "# comment\nreturn 1\n".into()),
        ("unclosed call", "return tostring('x'\n".into()),
        ("an expression as a statement", "local x = 1\nx\n".into()),
        (
            "a call as an assignment target",
            "local a\na, tostring() = 1, 2\n".into(),
        ),
        (
            "a library with too many locals",
            format!(
                "#!lua name=wide\n{}redis.register_function('f', function() return v0 end)\n",
                locals(201)
            ),
        ),
        (
            "a library with a break",
            "#!lua name=brk\nlocal function f()\n  break\nend\nredis.register_function('f', f)\n".into(),
        ),
        (
            "a library with a hexadecimal float",
            "#!lua name=hex\nredis.register_function('f', function() return 0x1p4 end)\n".into(),
        ),
    ];
    cases.sort_by_key(|(name, _)| *name);
    cases
        .into_iter()
        .map(|(name, source)| (name.to_owned(), source))
        .collect()
}

/// The table, checked on both sides: the server's verdict is stated for the
/// interesting cases, so a server that changes shows here first.
#[test]
fn the_checker_compiles_what_redis_compiles() {
    let server = RedisServer::start();
    let mut con = server.connection();
    let mut problems = Vec::new();
    let mut refused = 0;
    for (name, source) in cases() {
        let verdict = server_verdict(&mut con, &source);
        refused += usize::from(verdict.is_some());
        if let Some(problem) = disagreement(&source, verdict.as_deref()) {
            problems.push(format!("{name}: {problem}"));
        }
    }
    assert!(problems.is_empty(), "{}", problems.join("\n"));
    assert!(refused >= 40, "only {refused} refusals: the table lost its teeth");
}

/// Facts the table relies on, as the server states them.
#[test]
fn redis_states_the_limits() {
    let server = RedisServer::start();
    let mut con = server.connection();
    let facts = [
        (
            locals(201),
            Some("user_script:201: main function has more than 200 local variables"),
        ),
        (locals(200), None),
        (
            "local function f() return ... end\n".to_owned(),
            Some("user_script:1: cannot use '...' outside a vararg function near '...'"),
        ),
        (
            "break\n".to_owned(),
            Some("user_script:2: no loop to break near '<eof>'"),
        ),
        (
            "local a = f\n(g)()\n".to_owned(),
            Some("user_script:2: ambiguous syntax (function call x new statement) near '('"),
        ),
        ("return 0x1p4\n".to_owned(), None),
    ];
    for (source, expected) in facts {
        assert_eq!(server_verdict(&mut con, &source).as_deref(), expected, "{source}");
    }
    // hexadecimal floats have the value strtod gives them
    let value: i64 = redis::cmd("EVAL")
        .arg("return 0x1p4 + 0XAP2")
        .arg(0)
        .query(&mut con)
        .unwrap();
    assert_eq!(value, 56);
}

/// The limits only a large script reaches, at the limit and one past it: locals
/// declared in all (32,767), constants (262,143), the span of a jump (131,071
/// instructions). The first two carry no line: Lua raises them outside its parser.
#[test]
fn large_scripts_agree_with_redis() {
    let server = RedisServer::start();
    let mut con = server.connection();
    let declared = |n: usize| "do local a end\n".repeat(n);
    let constants = |n: usize| format!("local t = {{{}}}\n", list(n, |i| format!("'s{i}'")).replace(", ", ","));
    let jump = |n: usize| format!("if x then\n{}end\n", "y = 1\n".repeat(n));
    let cases = [
        (declared(32_767), None),
        (declared(32_768), Some("too many local variables")),
        (constants(262_143), None),
        (constants(262_144), Some("constant table overflow")),
        (jump(65_530), None),
        (
            jump(65_600),
            Some("user_script:65603: control structure too long near '<eof>'"),
        ),
    ];
    let mut problems = Vec::new();
    for (source, expected) in cases {
        let verdict = server_verdict(&mut con, &source);
        assert_eq!(verdict.as_deref(), expected, "{} bytes", source.len());
        if let Some(problem) = disagreement(&source, verdict.as_deref()) {
            problems.push(format!("{} bytes: {problem}", source.len()));
        }
    }
    redis::cmd("SCRIPT").arg("FLUSH").query::<()>(&mut con).unwrap();
    assert!(problems.is_empty(), "{}", problems.join("\n"));
}

/// The `lua_syntax` fixtures: every `bad_` one is refused, every `good_` one compiles,
/// with the checker agreeing.
#[test]
fn the_lua_syntax_fixtures_agree_with_redis() {
    let server = RedisServer::start();
    let mut con = server.connection();
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("../scripts-lint/tests/lints/lua_syntax");
    let mut problems = Vec::new();
    let mut count = 0;
    for entry in std::fs::read_dir(&dir).expect("the fixtures exist") {
        let path = entry.unwrap().path();
        if path.extension().is_none_or(|e| e != "lua") {
            continue;
        }
        let name = path.file_name().unwrap().to_string_lossy().into_owned();
        let source = std::fs::read_to_string(&path).unwrap();
        let verdict = server_verdict(&mut con, &source);
        if name.starts_with("good") && verdict.is_some() {
            problems.push(format!("{name}: the server refuses a good fixture: {verdict:?}"));
        }
        if name.starts_with("bad") && verdict.is_none() {
            problems.push(format!("{name}: the server compiles a bad fixture"));
        }
        if let Some(problem) = disagreement(&source, verdict.as_deref()) {
            problems.push(format!("{name}: {problem}"));
        }
        count += 1;
    }
    assert!(problems.is_empty(), "{}", problems.join("\n"));
    assert!(count >= 15, "only {count} fixtures");
}

/// A small deterministic generator of Lua programs: mostly valid, with the
/// constructs the refusals are about (varargs, `break`, nesting, many arguments),
/// and one program in three mutated (a token dropped, doubled or inserted).
struct Programs(u64);

impl Programs {
    fn next(&mut self) -> u64 {
        // xorshift64*
        self.0 ^= self.0 >> 12;
        self.0 ^= self.0 << 25;
        self.0 ^= self.0 >> 27;
        self.0.wrapping_mul(0x2545_f491_4f6c_dd1d)
    }

    fn below(&mut self, n: u64) -> u64 {
        self.next() % n
    }

    fn pick<'s>(&mut self, items: &[&'s str]) -> &'s str {
        items[self.below(items.len() as u64) as usize]
    }

    fn name(&mut self) -> String {
        self.pick(&["a", "b", "t", "k", "v", "f", "arg", "KEYS", "ARGV", "n"])
            .to_owned()
    }

    fn expr(&mut self, depth: u32, vararg: bool) -> String {
        let roll = self.below(100);
        if depth > 4 || roll < 30 {
            return match self.below(8) {
                0 => self.pick(&["1", "2.5", "0x1f", "0x1p4", "1e3", ".5"]).to_owned(),
                1 => self.pick(&["'a'", "\"b\"", "[[c]]", "'\\65'", "''"]).to_owned(),
                2 => self.pick(&["nil", "true", "false"]).to_owned(),
                3 if vararg || self.below(3) == 0 => "...".to_owned(),
                _ => self.name(),
            };
        }
        match roll {
            30..=49 => {
                let op = self.pick(&["+", "-", "*", "/", "%", "^", "..", "==", "~=", "<", ">=", "and", "or"]);
                format!("{} {op} {}", self.expr(depth + 1, vararg), self.expr(depth + 1, vararg))
            }
            50..=57 => format!("{}{}", self.pick(&["-", "not ", "#"]), self.expr(depth + 1, vararg)),
            58..=65 => format!("({})", self.expr(depth + 1, vararg)),
            66..=79 => {
                let n = if self.below(10) == 0 {
                    self.below(260)
                } else {
                    self.below(4)
                };
                let args: Vec<String> = (0..n).map(|_| self.expr(depth + 2, vararg)).collect();
                format!("{}({})", self.name(), args.join(", "))
            }
            80..=89 => {
                let n = self.below(5);
                let items: Vec<String> = (0..n).map(|_| self.expr(depth + 1, vararg)).collect();
                format!("{{{}}}", items.join(", "))
            }
            _ => {
                let dots = self.below(3) == 0;
                let body = self.block(depth + 1, dots, false);
                format!("function({})\n{body}end", if dots { "a, ..." } else { "a" })
            }
        }
    }

    fn statement(&mut self, depth: u32, vararg: bool, looping: bool) -> String {
        let roll = if depth > 3 { self.below(40) } else { self.below(100) };
        match roll {
            0..=14 => format!("local {} = {}", self.name(), self.expr(depth, vararg)),
            15..=24 => format!("{} = {}", self.name(), self.expr(depth, vararg)),
            25..=34 => format!("{}({})", self.name(), self.expr(depth, vararg)),
            35..=39 => (if looping || self.below(3) == 0 {
                "break"
            } else {
                "do break end"
            })
            .to_owned(),
            40..=54 => format!(
                "while {} do\n{}end",
                self.expr(depth, vararg),
                self.block(depth + 1, vararg, true)
            ),
            55..=64 => format!(
                "for {} = 1, {} do\n{}end",
                self.name(),
                self.expr(depth, vararg),
                self.block(depth + 1, vararg, true)
            ),
            65..=79 => format!(
                "if {} then\n{}else\n{}end",
                self.expr(depth, vararg),
                self.block(depth + 1, vararg, looping),
                self.block(depth + 1, vararg, looping)
            ),
            80..=89 => {
                let dots = self.below(2) == 0;
                let body = self.block(depth + 1, dots, false);
                format!(
                    "local function {}({})\n{body}end",
                    self.name(),
                    if dots { "..." } else { "x" }
                )
            }
            _ => format!(
                "repeat\n{}until {}",
                self.block(depth + 1, vararg, true),
                self.expr(depth, vararg)
            ),
        }
    }

    fn block(&mut self, depth: u32, vararg: bool, looping: bool) -> String {
        let n = self.below(if depth < 3 { 5 } else { 2 });
        let mut out = String::new();
        for _ in 0..n {
            out += &self.statement(depth, vararg, looping);
            out += self.pick(&["\n", "\n", ";\n", " "]);
        }
        out
    }

    fn program(&mut self) -> String {
        let source = self.block(0, true, false);
        if self.below(3) != 0 {
            return source;
        }
        let mut words: Vec<String> = source.split(' ').map(str::to_owned).collect();
        let at = self.below(words.len() as u64) as usize;
        match self.below(3) {
            0 => {
                words.remove(at);
            }
            1 => {
                let word = words[at].clone();
                words.insert(at, word);
            }
            _ => {
                let inserted = self.pick(&[
                    "(", ")", "end", ",", "=", "...", "break", "\n(", "[[", "'", "0x", "1e", ";", "{",
                ]);
                words.insert(at, inserted.to_owned());
            }
        }
        words.join(" ")
    }
}

/// Generated programs: the server's verdict and text, and the checker's, must agree
/// on every one.
#[test]
fn generated_programs_agree_with_redis() {
    let server = RedisServer::start();
    let mut con = server.connection();
    let mut programs = Programs(0x5eed_1a2a);
    let (mut compiled, mut refused) = (0, 0);
    let mut problems = Vec::new();
    for _ in 0..400 {
        let source = programs.program();
        let verdict = server_verdict(&mut con, &source);
        if verdict.is_some() {
            refused += 1;
        } else {
            compiled += 1;
        }
        if let Some(problem) = disagreement(&source, verdict.as_deref()) {
            problems.push(format!("{problem}\n--- program\n{source}\n---"));
        }
    }
    redis::cmd("SCRIPT").arg("FLUSH").query::<()>(&mut con).unwrap();
    assert!(problems.is_empty(), "{}", problems.join("\n\n"));
    // both sides of the line are exercised
    assert!(
        compiled >= 50 && refused >= 50,
        "{compiled} compiled, {refused} refused"
    );
}
