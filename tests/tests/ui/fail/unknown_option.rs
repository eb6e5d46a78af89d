use scripts::redis_script;

#[redis_script(cache = false, file_name = "x.lua")]
async fn options(con: &mut impl scripts::AsyncConnection) -> scripts::Result<i64> {
    "return 1"
}

fn main() {}
