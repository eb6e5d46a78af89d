use scripts::redis_script;

#[redis_script(file = "lua/does_not_exist.lua")]
async fn missing(con: &mut impl scripts::AsyncConnection) -> scripts::Result<i64> {}

#[redis_script(file = "../../../../tests/lua")]
async fn directory(con: &mut impl scripts::AsyncConnection) -> scripts::Result<i64> {}

#[redis_script(file = "../../../../tests/lua/binary.bin")]
async fn binary(con: &mut impl scripts::AsyncConnection) -> scripts::Result<i64> {}

#[redis_script(file = "../../../../tests/lua/incr_by.lua")]
async fn both(con: &mut impl scripts::AsyncConnection) -> scripts::Result<i64> {
    "return 1"
}

fn main() {}
