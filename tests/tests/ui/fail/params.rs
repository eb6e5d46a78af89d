use scripts::redis_script;

#[redis_script]
fn destructured(con: &mut impl scripts::Connection, (a, b): (i64, i64)) -> scripts::Result<i64> {
    "return ARGV[1] .. ARGV[2]"
}

#[redis_script]
fn key_with_args(con: &mut impl scripts::Connection, #[key(hash_tag)] user: &str) -> scripts::Result<i64> {
    "return redis.call('INCR', KEYS[1])"
}

fn main() {}
