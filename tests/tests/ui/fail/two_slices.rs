use scripts::redis_script;

#[redis_script]
async fn two_key_slices(
    con: &mut impl scripts::AsyncConnection,
    #[key] sources: &[&str],
    #[key] targets: &[&str],
) -> scripts::Result<i64> {
    "return #KEYS"
}

#[redis_script]
async fn slice_before_arg(con: &mut impl scripts::AsyncConnection, values: &[i64], label: &str) -> scripts::Result<i64> {
    "return #ARGV"
}

fn main() {}
