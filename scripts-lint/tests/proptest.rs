//! Property smoke test: whatever the text, `check` returns, in bounded time, and every
//! finding renders. A quick companion of the cargo-fuzz target (`fuzz/`), run by
//! `cargo test`: 256 cases per property by default, more with `PROPTEST_CASES=10000`.
//!
//! Three generators: Lua-like programs built from statements and expressions, token
//! soup (keywords, names, `KEYS`/`ARGV` indexing, `redis.call`, numbers, strings,
//! operators of every Lua version, brackets balanced or not, comments, shebangs, CRLF,
//! tabs, multi-byte characters), and mutations of the lint fixtures.

use std::path::Path;
use std::sync::OnceLock;
use std::time::{Duration, Instant};

use proptest::prelude::*;
use proptest::sample::{Index, select};
use proptest::test_runner::RngAlgorithm;
use scripts_lint::{
    Host, Level, LibrarySignature, Param, ParamType, ReturnType, Signature, SourceMap, Target, check, check_library,
    header, lints, render,
};

/// A hang detector, not a speed test (speed is measured by `benches/check.rs`): a few
/// KB take milliseconds even in debug, and the bound leaves room for a loaded machine.
const BOUND: Duration = Duration::from_secs(30);

/// Checks `source` (as a script, and in a function library), renders every finding, and fails on a panic (proptest catches it
/// and shrinks the input) or when the two together are slow.
fn check_and_render(source: &str, signature: &Signature) -> Result<(), TestCaseError> {
    let started = Instant::now();
    let report = check(source, signature);
    let map = SourceMap::file("proptest.lua", source);
    for diagnostic in &report.diagnostics {
        let text = render(diagnostic, source, &map);
        prop_assert!(text.starts_with(&format!("[{}]", diagnostic.lint)), "{text}");
    }
    // the same text as a function library's top level, and as a registered function
    for library in [
        format!("#!lua name=p\n{source}"),
        format!("#!lua name=p\nredis.register_function('f', function(KEYS, ARGV)\n{source}\nend)\n"),
    ] {
        let declared = LibrarySignature {
            functions: vec![("f".to_owned(), signature.clone())],
            declared: true,
            ..LibrarySignature::default()
        };
        let report = check_library(&library, &declared);
        let map = SourceMap::file("proptest.lua", &library);
        for diagnostic in report.all() {
            prop_assert!(
                library.get(diagnostic.primary.range.clone()).is_some(),
                "{diagnostic:?}"
            );
            let text = render(diagnostic, &library, &map);
            prop_assert!(text.starts_with(&format!("[{}]", diagnostic.lint)), "{text}");
        }
    }
    // the same text as a `.lua` file's header: its mistakes render like findings
    for error in header::parse(source).errors {
        prop_assert!(source.get(error.range.clone()).is_some(), "{error:?} in {source:?}");
        let text = render(&error.to_diagnostic(), source, &map);
        prop_assert!(text.starts_with(&format!("[{}]", header::LINT)), "{text}");
    }
    let elapsed = started.elapsed();
    prop_assert!(
        elapsed < BOUND,
        "check and render took {elapsed:?} for {} bytes: {source:?}",
        source.len()
    );
    Ok(())
}

// ---- the Rust side ----------------------------------------------------------------

const TYPES: [ParamType; 7] = ParamType::ALL;

fn return_type() -> impl Strategy<Value = ReturnType> {
    let leaf = select(vec![
        ReturnType::Any,
        ReturnType::Unit,
        ReturnType::Integer,
        ReturnType::Float,
        ReturnType::Bool,
        ReturnType::Text,
        ReturnType::Bytes,
        ReturnType::List,
        ReturnType::Tuple(2),
        ReturnType::Json,
    ]);
    leaf.prop_recursive(2, 3, 1, |inner| inner.prop_map(|t| ReturnType::Option(Box::new(t))))
}

fn params(prefix: &'static str) -> impl Strategy<Value = Vec<Param>> {
    let spec = (
        0..TYPES.len(),
        proptest::bool::weighted(0.2),
        proptest::bool::weighted(0.2),
    );
    proptest::collection::vec(spec, 0..4).prop_map(move |specs| {
        specs
            .into_iter()
            .enumerate()
            .map(|(i, (ty, variadic, is_prefix))| {
                let param = Param::new(format!("{prefix}{i}"), TYPES[ty], variadic);
                // keys and text arguments can be prefixes
                if is_prefix
                    && (prefix == "key" || matches!(TYPES[ty], ParamType::Text | ParamType::Bytes | ParamType::Other))
                {
                    param.prefix()
                } else {
                    param
                }
            })
            .collect()
    })
}

fn signature() -> impl Strategy<Value = Signature> {
    let level = select(vec![Level::Allow, Level::Warn, Level::Deny]);
    let override_ = (0..lints::ALL.len() + 1, level).prop_map(|(i, level)| {
        let name = lints::ALL.get(i).map_or("no_such_lint", |l| l.name);
        (name.to_owned(), level)
    });
    (
        params("key"),
        params("arg"),
        return_type(),
        any::<bool>(),
        proptest::collection::vec(override_, 0..3),
        select(Target::ALL.to_vec()),
    )
        .prop_map(|(keys, args, returns, read_only, levels, target)| Signature {
            keys,
            args,
            return_text: format!("{returns:?}"),
            returns,
            read_only,
            levels,
            target,
            host: Host::Rust,
        })
}

// ---- pieces of Lua ----------------------------------------------------------------

const KEYWORDS: &[&str] = &[
    "and", "break", "do", "else", "elseif", "end", "false", "for", "function", "if", "in", "local", "nil", "not", "or",
    "repeat", "return", "then", "true", "until", "while", "goto",
];

const NAMES: &[&str] = &[
    "x",
    "y",
    "n",
    "t",
    "KEYS",
    "ARGV",
    "redis",
    "cjson",
    "math",
    "string",
    "table",
    "bit",
    "struct",
    "cmsgpack",
    "os",
    "tonumber",
    "tostring",
    "unpack",
    "pairs",
    "ipairs",
    "select",
    "type",
    "error",
    "pcall",
    "assert",
    "print",
    "self",
    "_G",
    "loadstring",
    "setmetatable",
    "rawset",
    "math.random",
    "math.randomseed",
    "math.huge",
    "string.format",
    "table.insert",
    "cjson.encode",
    "cjson.decode",
    "redis.sha1hex",
    "redis.status_reply",
    "redis.error_reply",
    "redis.log",
    "redis.setresp",
    "os.time",
    "é",
    "名前",
];

const COMMANDS: &[&str] = &[
    "GET",
    "SET",
    "set",
    "sEt",
    "DEL",
    "INCRBY",
    "EXPIRE",
    "HSET",
    "HGETALL",
    "ZADD",
    "ZUNIONSTORE",
    "LRANGE",
    "BLPOP",
    "XREAD",
    "XADD",
    "EVAL",
    "EVALSHA",
    "MULTI",
    "EXEC",
    "SCRIPT",
    "TIME",
    "RANDOMKEY",
    "SPOP",
    "SORT",
    "CLIENT",
    "CONFIG",
    "OBJECT",
    "MSET",
    "MGET",
    "PUBLISH",
    "WAIT",
    "GEORADIUS",
    "KEYS",
    "NOSUCHCOMMAND",
    "",
    "CONFIG|GET",
    "ge t",
];

const OPERATORS: &[&str] = &[
    "+", "-", "*", "/", "%", "^", "#", "==", "~=", "<=", ">=", "<", ">", "=", ";", ":", ",", ".", "..", "...", "(",
    ")", "{", "}", "[", "]", "//", "&", "|", "~", "<<", ">>", "!=", "+=", "-=", "::", "@", "$", "`", "?", "\\", "!",
];

const BINOPS: &[&str] = &[
    "+", "-", "*", "/", "%", "^", "..", "==", "~=", "<", "<=", ">", ">=", "and", "or", "//", "&", "<<",
];

/// Characters of plain string text and (with `_` for the punctuation) of names.
const WORD_CHARS: &[char] = &['a', 'b', 'x', 'K', 'Z', '0', '1', '9', ' ', ':', '_', '-'];

/// Numbers, from ordinary to past `f64` and `u128`, well formed or not.
fn number() -> impl Strategy<Value = String> {
    prop_oneof![
        (0u32..100).prop_map(|n| n.to_string()),
        any::<u64>().prop_map(|n| n.to_string()),
        any::<u128>().prop_map(|n| format!("0x{n:X}")),
        any::<f64>().prop_map(|f| format!("{f:e}")),
        (0u32..1000, 0u32..1000).prop_map(|(a, b)| format!("{a}.{b}")),
        select(vec![
            "9007199254740993",
            "18446744073709551616",
            "0xFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFF",
            "1e308",
            "1e309",
            "1e-400",
            ".5",
            "3.",
            "0x",
            "1e",
            "1..2",
            "0x1p4",
            "1/0",
            "-1/0",
            "0/0",
            "-0",
        ])
        .prop_map(str::to_owned),
    ]
}

/// String contents: plain text, escapes valid and not, quotes, line breaks, any character.
fn string_content() -> impl Strategy<Value = String> {
    let piece = prop_oneof![
        4 => proptest::collection::vec(select(WORD_CHARS.to_vec()), 0..8).prop_map(String::from_iter),
        1 => select(vec![
            "\\n", "\\t", "\\\\", "\\'", "\\\"", "\\0", "\\65", "\\255", "\\256", "\\999", "\\z", "\\x41", "\\u{48}",
            "\\", "\\\n", "\n", "\r\n", "'", "\"", "]]", "]=]", "[[", "--", "`",
        ])
        .prop_map(str::to_owned),
        1 => any::<char>().prop_map(String::from),
    ];
    proptest::collection::vec(piece, 0..6).prop_map(|pieces| pieces.concat())
}

fn string_literal() -> impl Strategy<Value = String> {
    prop_oneof![
        (select(vec!['\'', '"']), string_content(), proptest::bool::weighted(0.9)).prop_map(|(q, body, closed)| {
            if closed {
                format!("{q}{body}{q}")
            } else {
                format!("{q}{body}")
            }
        }),
        (0usize..4, string_content(), proptest::bool::weighted(0.9)).prop_map(|(level, body, closed)| {
            let eq = "=".repeat(level);
            if closed {
                format!("[{eq}[{body}]{eq}]")
            } else {
                format!("[{eq}[{body}")
            }
        }),
    ]
}

fn comment() -> impl Strategy<Value = String> {
    prop_oneof![
        string_content().prop_map(|c| format!("-- {}\n", c.replace(['\n', '\r'], " "))),
        (0usize..3, string_content(), proptest::bool::weighted(0.9)).prop_map(|(level, body, closed)| {
            let eq = "=".repeat(level);
            if closed {
                format!("--[{eq}[{body}]{eq}]")
            } else {
                format!("--[{eq}[{body}")
            }
        }),
        Just("--! keys: a, b..\n".to_owned()),
    ]
}

fn shebang() -> impl Strategy<Value = String> {
    select(vec![
        "#!lua\n",
        "#!lua flags=no-writes\n",
        "#!lua flags=no-writes,allow-oom,allow-stale,no-cluster,allow-cross-slot-keys\r\n",
        "#!lua flags=no_writes,,\n",
        "#!lua name=x\n",
        "#!python\n",
        "#!lua",
        "#!",
        "  #!lua\n",
    ])
    .prop_map(str::to_owned)
}

fn index_expr() -> impl Strategy<Value = String> {
    prop_oneof![
        (1i64..5).prop_map(|n| n.to_string()),
        any::<i64>().prop_map(|n| n.to_string()),
        number(),
        select(vec![
            "#ARGV",
            "#KEYS",
            "#KEYS + 1",
            "i",
            "'1'",
            "nil",
            "x",
            "1.5",
            "-1",
            "0"
        ])
        .prop_map(str::to_owned),
    ]
}

fn keys_or_argv() -> impl Strategy<Value = String> {
    (select(vec!["KEYS", "ARGV"]), index_expr()).prop_map(|(table, i)| format!("{table}[{i}]"))
}

// ---- Lua-like programs ----------------------------------------------------------

fn expr() -> impl Strategy<Value = String> {
    let leaf = prop_oneof![
        3 => keys_or_argv(),
        2 => select(NAMES.to_vec()).prop_map(str::to_owned),
        2 => number(),
        2 => string_literal(),
        1 => select(vec!["nil", "true", "false", "...", "{}", "#ARGV"]).prop_map(str::to_owned),
    ];
    leaf.prop_recursive(3, 12, 3, |inner| {
        let list = proptest::collection::vec(inner.clone(), 0..4).prop_map(|v| v.join(", "));
        let command = prop_oneof![select(COMMANDS.to_vec()).prop_map(|c| format!("'{c}'")), inner.clone(),];
        prop_oneof![
            (inner.clone(), select(BINOPS.to_vec()), inner.clone()).prop_map(|(a, op, b)| format!("{a} {op} {b}")),
            (select(vec!["-", "not ", "#", "~"]), inner.clone()).prop_map(|(op, a)| format!("{op}{a}")),
            (select(vec!["call", "pcall"]), command, list.clone())
                .prop_map(|(f, c, args)| format!("redis.{f}({c}{}{args})", if args.is_empty() { "" } else { ", " })),
            (select(NAMES.to_vec()), list.clone()).prop_map(|(f, args)| format!("{f}({args})")),
            (
                inner.clone(),
                select(vec!["upper", "sub", "len", "rep", "byte", "trim"]),
                list.clone()
            )
                .prop_map(|(v, m, args)| format!("({v}):{m}({args})")),
            list.clone().prop_map(|l| format!("{{{l}}}")),
            (inner.clone(), inner.clone()).prop_map(|(a, b)| format!("{{n = {a}, [{b}] = 1, ok = 'x'}}")),
            (inner.clone(), inner.clone()).prop_map(|(t, k)| format!("({t})[{k}]")),
            inner.clone().prop_map(|e| format!("({e})")),
            inner.clone().prop_map(|e| format!("function(a, ...) return {e} end")),
        ]
    })
}

fn statements() -> impl Strategy<Value = String> {
    let name = select(vec!["x", "y", "n", "t", "k", "v", "i", "redis", "KEYS", "tonumber"]);
    let simple = prop_oneof![
        (name.clone(), expr()).prop_map(|(n, e)| format!("local {n} = {e}")),
        (name.clone(), expr()).prop_map(|(n, e)| format!("{n} = {e}")),
        (name.clone(), expr()).prop_map(|(n, e)| format!("{n}.f = {e}")),
        expr().prop_map(|e| format!("redis.call('SET', KEYS[1], {e})")),
        expr().prop_map(|e| format!("return {e}")),
        expr().prop_map(|e| format!("error({e})")),
        Just("math.randomseed(redis.call('TIME')[1])".to_owned()),
        Just("break".to_owned()),
        Just("return".to_owned()),
    ];
    simple.prop_recursive(4, 24, 3, move |inner| {
        let block = proptest::collection::vec(inner, 0..4).prop_map(|v| v.join("\n"));
        prop_oneof![
            (expr(), block.clone(), block.clone()).prop_map(|(c, a, b)| format!("if {c} then\n{a}\nelse\n{b}\nend")),
            (expr(), block.clone()).prop_map(|(c, b)| format!("while {c} do\n{b}\nend")),
            (block.clone(), expr()).prop_map(|(b, c)| format!("repeat\n{b}\nuntil {c}")),
            (expr(), block.clone()).prop_map(|(e, b)| format!("for i = 1, {e} do\n{b}\nend")),
            (select(vec!["ipairs(ARGV)", "pairs(KEYS)", "next, t"]), block.clone())
                .prop_map(|(it, b)| format!("for k, v in {it} do\n{b}\nend")),
            block.clone().prop_map(|b| format!("do\n{b}\nend")),
            (name.clone(), block.clone())
                .prop_map(|(n, b)| format!("local function {n}(a, b)\n{b}\nend\n{n}(KEYS[1])")),
            (name.clone(), block).prop_map(|(n, b)| format!("function {n}(...)\n{b}\nend")),
        ]
    })
}

fn program() -> impl Strategy<Value = String> {
    (
        proptest::option::weighted(0.2, shebang()),
        proptest::collection::vec(statements(), 1..8),
        select(vec!["\n", "\r\n", "\n\t", " ; "]),
    )
        .prop_map(|(shebang, stmts, sep)| format!("{}{}", shebang.unwrap_or_default(), stmts.join(sep)))
}

// ---- token soup -------------------------------------------------------------------

fn token() -> impl Strategy<Value = String> {
    let leaf = prop_oneof![
        3 => select(KEYWORDS.to_vec()).prop_map(str::to_owned),
        3 => select(NAMES.to_vec()).prop_map(str::to_owned),
        2 => (select(vec!['a', 'k', 'Z', '_']), proptest::collection::vec(select(WORD_CHARS.to_vec()), 0..6))
            .prop_map(|(first, rest)| format!("{first}{}", String::from_iter(rest).replace([' ', ':', '-'], "_"))),
        3 => keys_or_argv(),
        2 => (select(vec!["call", "pcall"]), select(COMMANDS.to_vec()))
            .prop_map(|(f, c)| format!("redis.{f}('{c}', KEYS[1], ARGV[1])")),
        1 => (select(vec!["call", "pcall"]), string_content()).prop_map(|(f, c)| format!("redis.{f}('{c}')")),
        2 => number(),
        2 => string_literal(),
        4 => select(OPERATORS.to_vec()).prop_map(str::to_owned),
        1 => comment(),
        1 => shebang(),
        3 => select(vec![" ", "\n", "\r\n", "\r", "\t", "\x0b", "\x0c", "  \t"]).prop_map(str::to_owned),
        1 => any::<char>().prop_map(String::from),
        1 => select(vec!["é", "✓", "🚀", "\u{200b}", "\u{feff}", "\u{3000}", "\0"]).prop_map(str::to_owned),
    ];
    // balanced brackets around runs of tokens, besides the stray ones above
    leaf.prop_recursive(2, 16, 6, |inner| {
        (
            select(vec![
                ("(", ")"),
                ("{", "}"),
                ("[", "]"),
                ("do ", " end"),
                ("function() ", " end"),
            ]),
            proptest::collection::vec(inner, 0..6),
        )
            .prop_map(|((open, close), tokens)| format!("{open}{}{close}", tokens.join(" ")))
    })
}

fn soup() -> impl Strategy<Value = String> {
    (
        proptest::option::weighted(0.15, shebang()),
        proptest::collection::vec((token(), select(vec![" ", "", "\n", "\t", "\r\n"])), 0..48),
    )
        .prop_map(|(shebang, tokens)| {
            let mut text = shebang.unwrap_or_default();
            for (token, sep) in tokens {
                text.push_str(&token);
                text.push_str(sep);
            }
            text
        })
}

// ---- mutated fixtures ---------------------------------------------------------------

fn fixtures() -> &'static [String] {
    static FIXTURES: OnceLock<Vec<String>> = OnceLock::new();
    FIXTURES.get_or_init(|| {
        let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/lints");
        let mut paths = Vec::new();
        for dir in std::fs::read_dir(&root).expect("tests/lints exists") {
            for file in std::fs::read_dir(dir.expect("a lint directory").path()).expect("readable") {
                let path = file.expect("a fixture").path();
                if path.extension().is_some_and(|e| e == "lua") {
                    paths.push(path);
                }
            }
        }
        paths.sort();
        paths
            .iter()
            .map(|p| std::fs::read_to_string(p).expect("UTF-8 fixture"))
            .collect()
    })
}

#[derive(Clone, Debug)]
enum Mutation {
    Delete(Index, usize),
    Insert(Index, String),
    Duplicate(Index, usize),
    Truncate(Index),
    Replace(Index, char),
    Swap(Index, Index),
    Crlf,
    Repeat(usize),
}

fn mutation() -> impl Strategy<Value = Mutation> {
    prop_oneof![
        3 => (any::<Index>(), 1usize..20).prop_map(|(i, n)| Mutation::Delete(i, n)),
        4 => (any::<Index>(), token()).prop_map(|(i, t)| Mutation::Insert(i, t)),
        2 => (any::<Index>(), 1usize..40).prop_map(|(i, n)| Mutation::Duplicate(i, n)),
        1 => any::<Index>().prop_map(Mutation::Truncate),
        2 => (any::<Index>(), any::<char>()).prop_map(|(i, c)| Mutation::Replace(i, c)),
        1 => (any::<Index>(), any::<Index>()).prop_map(|(a, b)| Mutation::Swap(a, b)),
        1 => Just(Mutation::Crlf),
        1 => (2usize..6).prop_map(Mutation::Repeat),
    ]
}

/// Applies `mutations` to `text`, at character boundaries.
fn mutate(text: &str, mutations: &[Mutation]) -> String {
    let mut chars: Vec<char> = text.chars().collect();
    for mutation in mutations {
        let len = chars.len();
        let at = |i: &Index| if len == 0 { 0 } else { i.index(len + 1) };
        match mutation {
            Mutation::Delete(i, n) => {
                let start = at(i);
                chars.drain(start..(start + n).min(len));
            }
            Mutation::Insert(i, token) => {
                let start = at(i);
                chars.splice(start..start, token.chars());
            }
            Mutation::Duplicate(i, n) => {
                let start = at(i);
                let copy: Vec<char> = chars[start..(start + n).min(len)].to_vec();
                chars.splice(start..start, copy);
            }
            Mutation::Truncate(i) => chars.truncate(at(i)),
            Mutation::Replace(i, c) => {
                if len > 0 {
                    chars[i.index(len)] = *c;
                }
            }
            Mutation::Swap(a, b) => {
                if len > 0 {
                    chars.swap(a.index(len), b.index(len));
                }
            }
            Mutation::Crlf => {
                chars = chars
                    .iter()
                    .flat_map(|&c| if c == '\n' { vec!['\r', '\n'] } else { vec![c] })
                    .collect();
            }
            Mutation::Repeat(n) => {
                // keep inputs to a few KB
                if len * n <= 8192 {
                    chars = chars.repeat(*n);
                }
            }
        }
    }
    chars.into_iter().collect()
}

proptest! {
    #![proptest_config(ProptestConfig {
        // `PROPTEST_CASES` still overrides this
        cases: std::env::var("PROPTEST_CASES").ok().and_then(|n| n.parse().ok()).unwrap_or(256),
        // ChaCha, the default, is slow unoptimised; these inputs need no crypto-grade randomness
        rng_algorithm: RngAlgorithm::XorShift,
        ..ProptestConfig::default()
    })]

    #[test]
    fn lua_like_programs_never_crash(source in program(), signature in signature()) {
        check_and_render(&source, &signature)?;
    }

    #[test]
    fn token_soup_never_crashes(source in soup(), signature in signature()) {
        check_and_render(&source, &signature)?;
    }

    #[test]
    fn headers_read_back_what_was_written(signature in signature()) {
        // what a header can say: the last parameter alone may take the rest, levels of
        // known lints (`lua_syntax` only denied), the return type in its own words
        let mut signature = signature;
        for params in [&mut signature.keys, &mut signature.args] {
            let last = params.len().saturating_sub(1);
            for (i, param) in params.iter_mut().enumerate() {
                param.variadic &= i == last;
            }
        }
        signature.levels.retain(|(name, level)| {
            lints::find(name).is_some_and(|lint| lint.allowable || *level == Level::Deny)
        });
        signature.return_text.clear();
        // a header is read back as a header, whatever host wrote the signature
        signature.host = scripts_lint::Host::Header;
        let line = header::write(&signature);
        let read = header::parse_directives(&line);
        prop_assert!(read.errors.is_empty(), "{line}: {:?}", read.errors);
        prop_assert!(read.declares_counts());
        let mut read = read.signature;
        read.return_text.clear();
        prop_assert_eq!(format!("{read:?}"), format!("{signature:?}"), "{}", line);
    }

    #[test]
    fn mutated_fixtures_never_crash(
        fixture in any::<Index>(),
        mutations in proptest::collection::vec(mutation(), 1..8),
        signature in signature(),
    ) {
        let fixtures = fixtures();
        let source = mutate(&fixtures[fixture.index(fixtures.len())], &mutations);
        check_and_render(&source, &signature)?;
    }
}
