use super::{Context, Lint, LintInfo};
use crate::analysis::{Marker, Table, kind};
use crate::diagnostic::{Diagnostic, Level};

/// ### What it does
/// Finds returned tables that do not survive the conversion to a Redis reply:
/// tables with named fields (`{count = n}`), `nil` entries, and `false` entries.
///
/// ### Why this is bad
/// Redis converts a returned table to an array reply: it reads entries 1, 2, ... up
/// to the first `nil`, drops every named field, and sends `false` as a nil element. So
/// `return {count = n}` arrives as an empty array, `return {a, nil, c}` as `{a}`, and
/// `return {ok, false, 3}` as `{ok, nil, 3}`.
///
/// ### Example
/// ```lua
/// return {count = n, key = KEYS[1]}              -- bad: an empty array
/// return {n, KEYS[1]}                            -- good: an array
/// return cjson.encode({count = n, key = KEYS[1]})  -- good: decode with scripts::Json<T>
/// ```
pub(crate) struct LossyReturn;

impl Lint for LossyReturn {
    const INFO: LintInfo = LintInfo {
        name: "lossy_return",
        default_level: Level::Deny,
        allowable: true,
        summary: "a returned table with named fields, `nil` or `false` entries, which the reply loses",
    };

    fn check(cx: &Context<'_>, out: &mut Vec<Diagnostic>) {
        for ret in &cx.facts.returns {
            let Some(Table::Local(id)) = ret.value.table else { continue };
            if !ret.value.only(kind::TABLE) || matches!(ret.value.marker, Some(Marker::Error | Marker::Status)) {
                continue;
            }
            let Some(shape) = cx.facts.tables.get(&id) else { continue };
            if let Some(first) = shape.named.first() {
                let kept = if shape.positional.is_empty() && !shape.grown {
                    "the client gets an empty array".to_owned()
                } else {
                    "only its positional entries arrive".to_owned()
                };
                let mut finding = Self::finding(
                    ret.range.clone(),
                    format!("this table has named fields, which a reply drops: {kept}"),
                )
                .label("named fields are lost")
                .help("return a flat array (`{'count', n, 'key', KEYS[1]}`), or JSON: `return cjson.encode(t)`, decoded with `scripts::Json<T>`");
                finding = finding.secondary(first.clone(), "a named field");
                out.push(finding);
                continue;
            }
            let last = shape.positional.len().saturating_sub(1);
            for (i, (range, value)) in shape.positional.iter().enumerate() {
                if value.has(kind::NIL | kind::MISSING_NIL) && (i < last || shape.grown) {
                    out.push(
                        Self::finding(range.clone(), "a `nil` entry ends the array reply here: the entries after it are lost")
                            .label("may be nil")
                            .secondary(ret.range.clone(), "returned here")
                            .help("give it a value (`x or ''`, `x or false` sends a nil element and keeps the rest)"),
                    );
                    break;
                }
                if value.has(kind::MISSING_FALSE) {
                    let text = cx.text(range);
                    out.push(
                        Self::finding(
                            range.clone(),
                            format!(
                                "`{text}` is `false` when {} finds nothing, and `false` in a returned table arrives as a nil element",
                                super::reply_command(value)
                            ),
                        )
                        .label("may be sent as nil")
                        .secondary(ret.range.clone(), "returned here")
                        .help(format!("give it a default the client can read: `{text} or ''`")),
                    );
                } else if value.has(kind::BOOL) && value.boolean != Some(true) {
                    out.push(
                        Self::finding(range.clone(), "`false` in a returned table arrives as a nil element")
                            .label("sent as nil")
                            .secondary(ret.range.clone(), "returned here")
                            .help("return `0`/`1` (or a string) for a flag the client must read"),
                    );
                }
            }
        }
    }
}
