use scripts::redis_script;

/// Moves a job from one list to another; the job's key is built from the prefix.
#[redis_script(file = "lua/move.lua")]
pub async fn move_job(
    con: &mut impl scripts::AsyncConnection,
    #[key] from: &str,
    #[key] to: &str,
    id: &str,
) -> scripts::Result<i64> {}
