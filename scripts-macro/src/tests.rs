//! Hostile input through the whole macro: huge scripts, deep nesting, empty and
//! comment-only scripts, garbage token streams. The macro must answer every one
//! with an expansion or a clear error, never a panic or a stack overflow.

use proc_macro2::{Literal, TokenStream};
use quote::quote;

use crate::script;

fn expand_fn(lua: &str) -> String {
    let literal = Literal::string(lua);
    let item = quote! {
        fn hostile(con: &mut impl scripts::Connection, #[key] k: &str) -> scripts::Result<()> { #literal }
    };
    script(TokenStream::new(), item).to_string()
}

fn errors(expansion: &str) -> usize {
    expansion.matches("compile_error").count()
}

#[test]
fn a_one_mebibyte_script_is_checked() {
    let line = "redis.call('INCR', KEYS[1])\n";
    let lua = line.repeat((1 << 20) / line.len() + 1);
    assert!(lua.len() > 1 << 20);
    let started = std::time::Instant::now();
    let expansion = expand_fn(&lua);
    assert_eq!(errors(&expansion), 0, "a valid 1 MiB script expands without errors");
    assert!(started.elapsed().as_secs() < 60, "took {:?}", started.elapsed());
    // and a broken one reports its error
    let broken = format!("{lua}return redis.call('GET', KEYS[1]");
    assert_eq!(errors(&expand_fn(&broken)), 1);
}

#[test]
fn ten_thousand_nested_levels_are_one_clear_error() {
    for lua in [
        format!("return {}1{}", "(".repeat(10_000), ")".repeat(10_000)),
        format!("{}{}", "do ".repeat(10_000), "end ".repeat(10_000)),
        format!("return {}", "{".repeat(10_000)),
        format!("if true then {}", "if true then ".repeat(10_000)),
    ] {
        let expansion = expand_fn(&lua);
        assert_eq!(errors(&expansion), 1, "{}", &expansion[..200.min(expansion.len())]);
        assert!(expansion.contains("too many syntax levels"));
    }
}

#[test]
fn empty_and_comment_only_scripts_compile() {
    for lua in [
        "",
        "   \n\t\n",
        "-- nothing to do\n",
        "--[[ a\nlong\ncomment ]]",
        "#!lua flags=no-writes\n",
    ] {
        let expansion = expand_fn(lua);
        assert_eq!(errors(&expansion), 0, "{lua:?}: {expansion}");
    }
}

#[test]
fn garbage_input_gives_errors_not_panics() {
    let items: Vec<TokenStream> = vec![
        quote!(),
        quote!(fn),
        quote!(fn f),
        quote!(fn f()),
        quote!(
            fn f() {}
        ),
        quote!(
            fn f(con: &mut C) -> scripts::Result<i64> {
                1 + 1
            }
        ),
        quote!(
            fn f(
                #[key]
                #[key]
                k: &str,
            ) -> Result {
                ""
            }
        ),
        quote!(
            struct S;
        ),
        quote!(impl X { fn f(&self) {} }),
        quote!(impl X { #[redis_script] fn f(&self) {} }),
        quote!(
            impl<T> Tr for X<T> {
                #[redis_script]
                fn f() -> scripts::Result<()> {
                    ""
                }
            }
        ),
        quote!(impl X { #[redis_script = 1] fn f(con: &mut C) -> scripts::Result<Self> { "" } type A = (); }),
        quote!(impl dyn X { #[scripts::redis_script(file)] async fn r#type(con: &mut C, #[key] k: Self) -> scripts::Result<()> {} }),
        quote!(
            fn f(con: &mut C, ...) -> scripts::Result<()> {
                ""
            }
        ),
        quote!(
            fn f<'a, T: Trait, const N: usize>(con: &'a mut T, #[key] k: [u8; N]) -> scripts::Result<()> {
                ""
            }
        ),
        quote!(
            async unsafe extern "C" fn f(self) -> scripts::Result<()> {
                b""
            }
        ),
        quote!(
            fn f(con: &mut C) -> scripts::Result<()> {
                r#"return"#;
            }
        ),
        quote!(
            fn f(con: &mut C) -> scripts::Result<()> {
                "\u{0}\u{7f}\u{10ffff}"
            }
        ),
    ];
    let attrs: Vec<TokenStream> = vec![
        quote!(),
        quote!(file),
        quote!(file =),
        quote!(file = 1),
        quote!(allow),
        quote!(allow(1)),
        quote!(deny(a::b)),
        quote!(warn(key_not_from_keys, key_not_from_keys)),
        quote!(read_only = true),
        quote!(, , ,),
        quote!(file = "/dev/null"),
        quote!(file = "\0"),
    ];
    for item in &items {
        for attr in &attrs {
            let result = std::panic::catch_unwind(|| script(attr.clone(), item.clone()));
            assert!(result.is_ok(), "panicked on #[redis_script({attr})] {item}");
        }
    }
}

/// rust-analyzer's proc-macro server gives spans no file (`Span::file()` is empty and
/// `start()` is relative to the literal). Outside a compiler, as here, proc-macro2
/// names the file `<unspecified>`: the same unknown file, so this expansion is the
/// IDE's.
#[test]
fn an_unknown_file_gives_the_lua_position_and_no_rust_one() {
    assert!(!crate::diag::is_real_file(""));
    assert!(!crate::diag::is_real_file("<unspecified>"));
    assert!(crate::diag::is_real_file("src/key_lint.rs"));
    let file = proc_macro2::Span::call_site().file();
    assert!(!crate::diag::is_real_file(&file), "{file}");

    let broken = quote! {
        fn read_one(con: &mut impl scripts::Connection, #[key] k: &str) -> scripts::Result<i64> {
            "local x = 1\nreturn redis.call('GET', KEYS[1]"
        }
    };
    let expansion = script(TokenStream::new(), broken).to_string();
    assert!(
        expansion.contains("--> script `read_one`, lua line 2, column 18"),
        "{expansion}"
    );
    // no `--> :2:18 (lua line 2, column 18)`: a position relative to the literal
    assert!(!expansion.contains("(lua line"), "{expansion}");

    // and the descriptor says the place is unknown instead of `file: "", line: 1`
    let valid = quote! {
        fn read_one(con: &mut impl scripts::Connection, #[key] k: &str) -> scripts::Result<i64> {
            "local x = 1\nreturn redis.call('GET', KEYS[1])"
        }
    };
    let expansion = script(TokenStream::new(), valid).to_string();
    let location = quote!(::scripts::__private::Location {
        file: "",
        line: 0,
        column: 0
    })
    .to_string();
    assert!(expansion.contains(&location), "{expansion}");
    assert_eq!(errors(&expansion), 0);
}

#[test]
fn an_impl_block_gets_associated_consts_and_companion_types() {
    let item = quote! {
        impl Repo {
            #[redis_script]
            pub async fn move_funds(con: &mut impl scripts::AsyncConnection, #[key] from: &str) -> scripts::Result<i64> {
                "return redis.call('INCR', KEYS[1])"
            }
            #[scripts::redis_script(allow(unused_key))]
            fn broken(con: &mut impl scripts::Connection, #[key] k: &str) -> scripts::Result<i64> {
                "return redis.call('GET', KEYS[1]"
            }
            fn other(&self) {}
        }
    };
    let expansion = script(TokenStream::new(), item).to_string();
    assert_eq!(errors(&expansion), 1, "{expansion}");
    for part in [
        "pub const MOVE_FUNDS : RepoMoveFundsScript = RepoMoveFundsScript",
        "pub struct RepoMoveFundsScript",
        "const BROKEN : RepoBrokenScript = RepoBrokenScript",
        "fn other (& self) { }",
    ] {
        assert!(expansion.contains(part), "{part}: {expansion}");
    }
    assert!(!expansion.contains("# [redis_script"), "{expansion}");
    assert!(!expansion.contains("mod move_funds"), "{expansion}");
}

#[test]
fn a_misspelt_key_attribute_is_one_error() {
    for (attr, expected) in [
        (quote!(#[keys]), "did you mean `#[key]`?"),
        (quote!(#[Key]), "did you mean `#[key]`?"),
        (quote!(#[kye]), "did you mean `#[key]`?"),
        (quote!(#[prefix]), "did you mean `#[key(prefix)]`?"),
        (quote!(#[args(prefix)]), "did you mean `#[arg(prefix)]`?"),
        (quote!(#[argv]), "did you mean `#[arg(prefix)]`?"),
        (quote!(#[arg_prefix]), "did you mean `#[arg(prefix)]`?"),
    ] {
        let item = quote! {
            fn typo(con: &mut impl scripts::Connection, #attr k: &str) -> scripts::Result<i64> {
                "return redis.call('INCR', KEYS[1])"
            }
        };
        let expansion = script(TokenStream::new(), item).to_string();
        assert_eq!(errors(&expansion), 1, "{expansion}");
        assert!(expansion.contains(expected), "{expansion}");
    }
    // other parameter attributes are left alone
    let item = quote! {
        fn fine(con: &mut impl scripts::Connection, #[key] k: &str, #[allow(unused)] n: i64) -> scripts::Result<i64> {
            "return redis.call('INCRBY', KEYS[1], ARGV[1])"
        }
    };
    assert_eq!(errors(&script(TokenStream::new(), item).to_string()), 0);
}

#[test]
fn the_docs_list_argument_prefixes_and_the_keys_built_from_them() {
    let item = quote! {
        /// Adds a job.
        async fn add(
            con: &mut impl scripts::AsyncConnection,
            #[key] wait: &str,
            #[arg(prefix)] prefix: &str,
            packed: &[u8],
        ) -> scripts::Result<i64> {
            "local args = cmsgpack.unpack(ARGV[2]) -- redis-lua-lint: prefix(args[1])\n\
             redis.call('HSET', ARGV[1] .. 'job', 'a', 1)\n\
             redis.call('HSET', args[1] .. 'other', 'a', 1)\n\
             return redis.call('LPUSH', KEYS[1], ARGV[1] .. 'x')"
        }
    };
    let expansion = script(TokenStream::new(), item).to_string();
    assert_eq!(errors(&expansion), 0, "{expansion}");
    for part in [
        "`prefix`: `ARGV[1]`, an argument prefix (`#[arg(prefix)]`)",
        "Keys the script builds that it does not declare in `KEYS`",
        "from `ARGV[1]` (`prefix`): 1 use",
        "from `args[1]`, which an annotation in the script declares a prefix (no run-time check of its hash tag is possible): 1 use",
        "__with_arg_prefixes",
    ] {
        assert!(expansion.contains(part), "{part}: {expansion}");
    }
}

#[test]
fn an_arg_attribute_is_a_prefix_or_an_error() {
    for (attr, expected) in [
        (quote!(#[arg]), "is an argument already: write `#[arg(prefix)]`"),
        (quote!(#[arg()]), "is an argument already: write `#[arg(prefix)]`"),
        (quote!(#[arg = 1]), "is an argument already: write `#[arg(prefix)]`"),
        (quote!(#[arg(prefixed)]), "unknown `#[arg]` option `prefixed`"),
        (quote!(#[arg(allow_untagged)]), "write `#[arg(prefix, allow_untagged)]`"),
        (quote!(#[arg(prefix)] #[arg(prefix)]), "`#[arg]` is given twice"),
        (
            quote!(#[key] #[arg(prefix)]),
            "a parameter is a key or an argument, not both",
        ),
    ] {
        // the first attribute decides what the parameter is
        let lua = if attr.to_string().starts_with("# [key]") {
            "return redis.call('INCR', KEYS[1] .. 'n')"
        } else {
            "return redis.call('INCR', ARGV[1] .. 'n')"
        };
        let item = quote! {
            fn wrong(con: &mut impl scripts::Connection, #attr scope: &str) -> scripts::Result<i64> {
                #lua
            }
        };
        let expansion = script(TokenStream::new(), item).to_string();
        // one error: the keys built from the argument do not repeat it
        assert_eq!(errors(&expansion), 1, "{attr}: {expansion}");
        assert!(expansion.contains(expected), "{attr}: {expansion}");
    }
}

#[test]
fn a_script_over_the_size_limit_is_one_clear_error_without_checking() {
    let line = "redis.call('SET', KEYS[1], 'v')\n";
    let lua = line.repeat(100_000);
    let expansion = expand_fn(&lua);
    assert_eq!(errors(&expansion), 1, "{}", &expansion[..expansion.len().min(2000)]);
    assert!(expansion.contains("the script is 3200000 bytes, more than the 2097152 bytes (2 MiB) the checker reads"));
    // the function is still declared, so callers type-check
    assert!(expansion.contains("fn hostile"));

    // from a file: refused before it is read
    let dir = std::env::temp_dir().join(format!("scripts-macro-too-large-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let path = dir.join("big.lua");
    std::fs::write(&path, &lua).unwrap();
    let file = path.to_str().unwrap();
    let item = quote! {
        fn hostile(con: &mut impl scripts::Connection, #[key] k: &str) -> scripts::Result<()> {}
    };
    let expansion = script(quote!(file = #file), item).to_string();
    let _ = std::fs::remove_dir_all(&dir);
    assert_eq!(errors(&expansion), 1, "{}", &expansion[..expansion.len().min(2000)]);
    assert!(
        expansion.contains("big.lua`: the script is 3200000 bytes"),
        "{expansion}"
    );
}
