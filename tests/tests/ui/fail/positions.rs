//! Reported positions stay right with escapes, tabs and multi-byte characters
//! before the error: `-->` names the exact Rust line and column of the Lua token.

use scripts::redis_script;

#[redis_script]
fn escaped(con: &mut impl scripts::Connection) -> scripts::Result<i64> {
	"local caf\u{e9} = '\u{e9}t\u{e9}'\n\tlocal x = = 1"
}

#[redis_script]
fn raw(con: &mut impl scripts::Connection) -> scripts::Result<i64> {
	r#"
	local café = "été" -- ünïcödé
	return café ..
	"#
}

fn main() {}
