use scripts::redis_script;

#[redis_script]
async fn no_return(con: &mut impl scripts::AsyncConnection) {
    "return 1"
}

#[redis_script]
async fn plain(con: &mut impl scripts::AsyncConnection) -> i64 {
    "return 1"
}

#[redis_script]
async fn custom_error(con: &mut impl scripts::AsyncConnection) -> Result<i64, String> {
    "return 1"
}

fn main() {}
