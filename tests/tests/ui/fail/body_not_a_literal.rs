use scripts::redis_script;

#[redis_script]
async fn rust_code(con: &mut impl scripts::AsyncConnection) -> scripts::Result<i64> {
    let script = "return 1";
    script
}

#[redis_script]
async fn empty(con: &mut impl scripts::AsyncConnection) -> scripts::Result<i64> {}

#[redis_script]
async fn included(con: &mut impl scripts::AsyncConnection) -> scripts::Result<i64> {
    include_str!("script.lua")
}

#[redis_script]
async fn bytes(con: &mut impl scripts::AsyncConnection) -> scripts::Result<i64> {
    b"return 1"
}

fn main() {}
