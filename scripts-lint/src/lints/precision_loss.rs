use super::{Context, Lint, LintInfo, param_at};
use crate::ParamType;
use crate::analysis::ConvertedUse;
use crate::redis::commands;
use crate::diagnostic::{Diagnostic, Level};

#[doc = include_str!("precision_loss.md")]
pub(crate) struct PrecisionLoss;

impl Lint for PrecisionLoss {
    const INFO: LintInfo = LintInfo {
        name: "precision_loss",
        default_level: Level::Deny,
        allowable: true,
        always_denied_because: None,
        summary: "number literals beyond 2^53 (deny); 64-bit Rust integers fed to `tonumber` (warn)",
        doc: include_str!("precision_loss.md"),
    };

    fn check(cx: &Context<'_>, out: &mut Vec<Diagnostic>) {
        for (range, value, text) in &cx.facts.numbers {
            let Some(exact) = integer_literal(text) else { continue };
            if exact > (1u128 << 53) && (*value as u128) != exact {
                out.push(
                    Self::finding(range.clone(), format!("`{text}` cannot be represented exactly: Lua reads it as {value:.0}"))
                        .label("beyond 2^53")
                        .note("Lua 5.1 numbers are doubles, exact only up to 2^53 = 9007199254740992")
                        .help("pass large integers as strings in `ARGV`; commands such as `INCRBY` parse them exactly"),
                );
            }
        }
        for ConvertedUse {
            index,
            range: used,
            converted,
            command,
        } in &cx.facts.converted_uses
        {
            let Some(param) = param_at(&cx.signature.args, *index) else { continue };
            if param.ty != ParamType::Int64 || command.as_deref().is_some_and(takes_doubles_or_durations) {
                continue;
            }
            let mut finding = Self::finding(
                used.clone(),
                format!(
                    "`tonumber(ARGV[{index}])` of `{}`, a 64-bit integer, is written back: values beyond 2^53 arrive rounded",
                    param.name
                ),
            )
            .label("may be rounded")
            .help(format!(
                "pass `ARGV[{index}]` itself (Redis parses the string exactly), e.g. `redis.call('INCRBY', KEYS[1], ARGV[{index}])`"
            ));
            if let Some(converted) = converted
                && !converted.contains(&used.start)
            {
                finding = finding.secondary(converted.clone(), "converted to a double here");
            }
            finding.level = Level::Warn;
            out.push(finding);
        }
    }
}

/// Commands whose numeric arguments are scores, coordinates or times, where a double
/// is what Redis stores or a 2^53 bound is never near.
fn takes_doubles_or_durations(command: &str) -> bool {
    commands::lookup(command).is_some_and(|c| matches!(c.group, "sorted_set" | "geo" | "generic"))
}

/// The exact value of a decimal or hexadecimal integer literal, hexadecimal floats
/// with a binary exponent (`0x20000000000001p3`, which Lua reads through `strtod`)
/// included.
fn integer_literal(text: &str) -> Option<u128> {
    match text.strip_prefix("0x").or_else(|| text.strip_prefix("0X")) {
        Some(hex) => match hex.split_once(['p', 'P']) {
            Some((mantissa, exponent)) => {
                let mantissa = u128::from_str_radix(mantissa, 16).ok()?;
                let exponent: u32 = exponent.parse().ok()?;
                (exponent < 128 && mantissa.leading_zeros() >= exponent).then(|| mantissa << exponent)
            }
            None => u128::from_str_radix(hex, 16).ok(),
        },
        None => text.parse().ok(),
    }
}
