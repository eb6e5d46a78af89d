use scripts::redis_script;

/// Moves a job from one list to another; the job's key is built from the prefix.
#[redis_script(file = "lua/move.lua")]
pub async fn move_job(
    con: &mut impl scripts::AsyncConnection,
    #[key] from: &str,
    #[key] to: &str,
    id: &str,
) -> scripts::Result<i64> {}

/// Account balances.
#[scripts::redis_library(file = "lua/ledger.lua")]
pub mod ledger {
    /// Adds `amount` to the balance of `account`: the new balance.
    pub async fn deposit(
        con: &mut impl scripts::AsyncConnection,
        #[key] account: &str,
        amount: i64,
        now: &str,
    ) -> scripts::Result<i64>;

    /// Moves `amount` unless the day's total passes `daily_limit`.
    pub async fn transfer(
        con: &mut impl scripts::AsyncConnection,
        #[key] from: &str,
        #[key] to: &str,
        #[key] spent_today: &str,
        amount: i64,
        daily_limit: i64,
        now: &str,
    ) -> scripts::Result<i64>;

    /// The balance of `account`.
    pub async fn balance(con: &mut impl scripts::AsyncConnection, #[key] account: &str) -> scripts::Result<i64>;
}
