use super::{Context, Lint, LintInfo};
use crate::analysis::seed;
use crate::diagnostic::{Diagnostic, Level};

#[doc = include_str!("unseeded_random.md")]
pub(crate) struct UnseededRandom;

impl Lint for UnseededRandom {
    const INFO: LintInfo = LintInfo {
        name: "unseeded_random",
        default_level: Level::Deny,
        allowable: true,
        always_denied_because: None,
        summary: "`math.random` without a prior `math.randomseed` (a constant seed: warn)",
        doc: include_str!("unseeded_random.md"),
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
