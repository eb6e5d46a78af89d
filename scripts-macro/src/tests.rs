//! Hostile input through the whole macro: huge scripts, deep nesting, empty and
//! comment-only scripts, garbage token streams. The macro must answer every one
//! with an expansion or a clear error, never a panic or a stack overflow.

use proc_macro2::{Literal, TokenStream};
use quote::quote;

use crate::expand::script;

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
