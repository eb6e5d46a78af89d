use scripts::redis_script;

#[redis_script]
struct Script;

fn main() {}
