//! A Rust file with CRLF line endings and a `.lua` file with CRLF endings: the
//! reported lines and columns are the ones an editor shows.

use scripts::redis_script;

#[redis_script]
fn crlf_literal(con: &mut impl scripts::Connection, limit: i64) -> scripts::Result<i64> {
    r#"
    local limit = tonumber(ARGV[1])
    return limit +
    "#
}

#[redis_script(file = "../../../../tests/lua/crlf_broken.lua")]
fn crlf_file(con: &mut impl scripts::Connection, n: i64) -> scripts::Result<i64> {}

fn main() {}
