use super::{Context, Lint, LintInfo};
use crate::analysis::seed;
use crate::diagnostic::{Diagnostic, Level};

/// ### What it does
/// Finds `math.random` calls that can run before `math.randomseed` on some path
/// (an error), or after seeding with a constant (a warning).
///
/// ### Why this is bad
/// Redis seeds the generator once at startup with a fixed value (Redis 7) or at
/// every call (Redis 6): the "random" sequence is the same after every restart, so
/// ids or members built from it collide. A constant seed repeats it on every call.
///
/// ### Example
/// ```lua
/// local id = math.random(1000000)                 -- bad: same ids after each restart
/// redis.call('ZADD', KEYS[1], now, ARGV[2])       -- good: a unique id from the caller
/// ```
pub(crate) struct UnseededRandom;

impl Lint for UnseededRandom {
    const INFO: LintInfo = LintInfo {
        name: "unseeded_random",
        default_level: Level::Deny,
        allowable: true,
        summary: "`math.random` without a prior `math.randomseed` (a constant seed: warn)",
    };

    fn check(cx: &Context<'_>, out: &mut Vec<Diagnostic>) {
        const HELP: &str = "take uniqueness from the caller (pass an id in `ARGV`), or seed first: `math.randomseed(tonumber(ARGV[n]))`";
        for (range, state) in &cx.facts.randoms {
            if state & seed::UNSEEDED != 0 {
                let when = if *state == seed::UNSEEDED { "" } else { "on some paths " };
                out.push(
                    Self::finding(range.clone(), format!("`math.random` runs {when}before `math.randomseed`"))
                        .label("unseeded")
                        .note("Redis seeds the generator with a fixed value, so the sequence repeats after every restart")
                        .help(HELP),
                );
            } else if state & seed::CONSTANT != 0 {
                let mut finding = Self::finding(
                    range.clone(),
                    "`math.random` after `math.randomseed` with a constant: every call draws the same numbers",
                )
                .label("seeded with a constant")
                .help(HELP);
                finding.level = Level::Warn;
                out.push(finding);
            }
        }
    }
}
