//! Unusual but valid scripts compile: empty, only comments, raw strings with `#`
//! delimiters holding `"#`, a shebang with no code after it.
#![deny(warnings)]

use scripts::redis_script;

#[redis_script]
fn empty(con: &mut impl scripts::Connection) -> scripts::Result<()> {
    ""
}

#[redis_script]
fn only_comments(con: &mut impl scripts::Connection) -> scripts::Result<()> {
    r#"
    -- nothing to do yet
    --[[ a long
         comment ]]
    "#
}

#[redis_script]
fn hashes(con: &mut impl scripts::Connection, #[key] k: &str) -> scripts::Result<String> {
    r###"
    local quoted = "a \"#quoted\"# text" .. '"##'
    redis.call('SET', KEYS[1], quoted)
    return quoted
    "###
}

#[redis_script]
fn shebang_only(con: &mut impl scripts::Connection) -> scripts::Result<()> {
    "#!lua flags=no-writes\n"
}

fn main() {
    assert_eq!(empty::SCRIPT.source(), "");
    assert!(hashes::SCRIPT.source().contains("\"##"));
    assert!(shebang_only::SCRIPT.read_only());
}
