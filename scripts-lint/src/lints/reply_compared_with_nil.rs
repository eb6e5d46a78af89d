use super::{Context, Lint, LintInfo, reply_command};
use crate::analysis::{Comparison, Operand, kind};
use crate::diagnostic::{Diagnostic, Edit, Level};

#[doc = include_str!("reply_compared_with_nil.md")]
pub(crate) struct ReplyComparedWithNil;

impl Lint for ReplyComparedWithNil {
    const INFO: LintInfo = LintInfo {
        name: "reply_compared_with_nil",
        default_level: Level::Deny,
        allowable: true,
        always_denied_because: None,
        summary: "a reply compared with `nil`, which a null reply never is (it is `false`)",
        doc: include_str!("reply_compared_with_nil.md"),
    };

    fn check(cx: &Context<'_>, out: &mut Vec<Diagnostic>) {
        // a helper's comparison is recorded once per call: one finding per place,
        // naming the command of every call that reaches it with a reply
        let mut reported: Vec<&std::ops::Range<usize>> = Vec::new();
        for comparison in &cx.facts.comparisons {
            let Some((reply, nil)) = reply_and_nil(comparison).filter(|(reply, _)| missed(&reply.value)) else {
                continue;
            };
            if reported.contains(&&comparison.range) {
                continue;
            }
            reported.push(&comparison.range);
            let mut commands: Vec<String> = Vec::new();
            for other in cx.facts.comparisons.iter().filter(|other| other.range == comparison.range) {
                if let Some((reply, _)) = reply_and_nil(other).filter(|(reply, _)| missed(&reply.value)) {
                    let command = reply_command(&reply.value);
                    if !commands.contains(&command) {
                        commands.push(command);
                    }
                }
            }
            let command = match commands.as_slice() {
                [one] => format!("{one} never replies"),
                [init @ .., last] => format!("{} and {last} never reply", init.join(", ")),
                [] => "the command never replies".to_owned(),
            };
            let never = if comparison.op == "==" { "never true" } else { "always true" };
            let help = if comparison.op == "==" {
                format!("test `if not {0} then` (missing) or `{0} == false`", cx.text(&reply.range))
            } else {
                format!("test `if {0} then` (present) or `{0} ~= false`", cx.text(&reply.range))
            };
            let mut finding = Self::finding(
                comparison.range.clone(),
                format!("{command} `nil` to a script: `{} nil` is {never}", comparison.op),
            )
            .label(never)
            .secondary(nil.range.clone(), "a null reply is `false`, not `nil`")
            .note("Redis converts a null reply (a missing key or field) into `false` for Lua")
            .help(help);
            // a helper's comparison is evaluated once per call: each must be a reply
            // that is `false` only when null, or the fix would change another caller
            let mut evaluations = cx.facts.comparisons.iter().filter(|other| other.range == comparison.range);
            let certain = evaluations
                .clone()
                .all(|other| reply_and_nil(other).is_some_and(|(reply, _)| exact(&reply.value)));
            // a field of a table the script built may be absent, so `nil` after all:
            // `not x` and `x` as a condition test both right, `x ~= false` would not
            let field = evaluations.any(|other| other.left.value.from_field || other.right.value.from_field);
            let as_value = comparison.op == "~=" && !comparison.condition;
            if certain && !(field && as_value) {
                let (message, edits) = fix(cx, comparison, reply, nil);
                finding = finding.fix(message, edits);
            }
            out.push(finding);
        }
    }
}

/// A reply a comparison with `nil` misses: it may be a null reply (`false`) and is never
/// really `nil` (as `tonumber` of a missing value may be). Where no null reply reaches
/// the comparison (a reply that is never null, `reply or ''`, or a value an earlier
/// `v == false or` already took), `== nil` is only redundant.
fn missed(value: &crate::analysis::Value) -> bool {
    !value.has(kind::NIL | kind::MISSING_NIL | kind::OPAQUE) && value.has(kind::MISSING_FALSE)
}

/// The reply and the `nil` of an `==`/`~=` between them.
fn reply_and_nil(comparison: &Comparison) -> Option<(&Operand, &Operand)> {
    if !matches!(comparison.op, "==" | "~=") {
        return None;
    }
    let (left, right) = (&comparison.left, &comparison.right);
    if right.value.only(kind::NIL) && left.value.reply.is_some() {
        Some((left, right))
    } else if left.value.only(kind::NIL) && right.value.reply.is_some() {
        Some((right, left))
    } else {
        None
    }
}

/// A truth test of the value says what `== nil` meant: it is never `nil`, and `false`
/// only as a null reply (not a boolean the script made).
fn exact(value: &crate::analysis::Value) -> bool {
    let may_be_false = value.has(kind::BOOL) && value.boolean != Some(true);
    !value.has(kind::NIL | kind::MISSING_NIL | kind::OPAQUE) && !may_be_false
}

/// `x == nil` -> `not x`; `x ~= nil` -> `x` where only its truth is used, else
/// `x ~= false` (a boolean still).
fn fix(cx: &Context<'_>, comparison: &Comparison, reply: &Operand, nil: &Operand) -> (String, Vec<Edit>) {
    let text = cx.text(&reply.range);
    let whole = &comparison.range;
    // what stands between the reply and the end of the comparison, or its start
    let (before, after) = if reply.range.start == whole.start {
        (whole.start..whole.start, reply.range.end..whole.end)
    } else {
        (whole.start..reply.range.start, whole.end..whole.end)
    };
    if comparison.op == "==" {
        let (open, close) = if reply.primary { ("not ", "") } else { ("not (", ")") };
        return (
            format!("test the reply: `{open}{text}{close}`"),
            edits([Edit::new(before, open), Edit::new(after, close)]),
        );
    }
    if comparison.condition {
        return (
            format!("test the reply: `{text}`"),
            edits([Edit::new(before, ""), Edit::new(after, "")]),
        );
    }
    let written = if nil.range.start < reply.range.start {
        format!("false ~= {text}")
    } else {
        format!("{text} ~= false")
    };
    (
        format!("compare with `false`: `{written}`"),
        vec![Edit::new(nil.range.clone(), "false")],
    )
}

/// The edits that change something.
fn edits<const N: usize>(all: [Edit; N]) -> Vec<Edit> {
    all.into_iter()
        .filter(|e| !(e.range.is_empty() && e.replacement.is_empty()))
        .collect()
}
