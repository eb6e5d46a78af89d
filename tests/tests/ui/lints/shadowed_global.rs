//! `shadowed_global`: one rejected script, with the compiler output users see.

use scripts::redis_script;

/// `type` hides the built-in and is then called as it: an error (the shadowing alone
/// would be a warning).
#[redis_script]
async fn describe(con: &mut impl scripts::AsyncConnection, #[key] key: &str, type_name: &str) -> scripts::Result<String> {
    r#"
    local type = ARGV[1]
    local value = redis.call('GET', KEYS[1])
    if type(value) == type then return value end
    return ''
    "#
}

fn main() {}
