use scripts::redis_script;

#[redis_script]
const fn constant(con: &mut impl scripts::Connection) -> scripts::Result<i64> {
    "return 1"
}

#[redis_script]
unsafe fn not_unsafe(con: &mut impl scripts::Connection) -> scripts::Result<i64> {
    "return 1"
}

#[redis_script]
extern "C" fn foreign(con: &mut impl scripts::Connection) -> scripts::Result<i64> {
    "return 1"
}

fn main() {}
