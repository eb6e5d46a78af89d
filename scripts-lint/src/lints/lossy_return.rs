use super::{Context, Lint, LintInfo};
use crate::analysis::{Marker, Table, kind};
use crate::diagnostic::{Diagnostic, Level};

#[doc = include_str!("lossy_return.md")]
pub(crate) struct LossyReturn;

impl Lint for LossyReturn {
    const INFO: LintInfo = LintInfo {
        name: "lossy_return",
        default_level: Level::Deny,
        allowable: true,
        always_denied_because: None,
        summary: "a returned table with named fields, `nil` or `false` entries, which the reply loses",
        doc: include_str!("lossy_return.md"),
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
                .help(format!(
                    "return a flat array (`{{'count', n, 'key', KEYS[1]}}`), or JSON: `return cjson.encode(t)`, decoded with {}",
                    cx.json_return()
                ));
                finding = finding.secondary(first.clone(), "a named field");
                out.push(finding);
                continue;
            }
            for (i, (range, value)) in shape.positional.iter().enumerate() {
                // a `nil` that cuts off an entry that may hold something; `{nil, nil}`
                // (an empty reply on purpose) loses nothing
                let later = shape.positional[i + 1..].iter().any(|(_, v)| !v.only(kind::NIL)) || shape.grown;
                if value.only(kind::NIL) && later {
                    out.push(
                        Self::finding(range.clone(), "a `nil` entry ends the array reply here: the entries after it are lost")
                            .label("may be nil")
                            .secondary(ret.range.clone(), "returned here")
                            .help("give it a value (`x or ''`, `x or false` sends a nil element and keeps the rest)"),
                    );
                    break;
                }
                // a null reply passed on arrives as the nil the client expects for it;
                // a script boolean `false` arriving as nil is a surprise: a warning
                if value.has(kind::BOOL) && value.boolean != Some(true) {
                    let mut finding = Self::finding(range.clone(), "`false` in a returned table arrives as a nil element")
                        .label("sent as nil")
                        .secondary(ret.range.clone(), "returned here")
                        .help("return `0`/`1` (or a string) for a flag the client must read");
                    finding.level = Level::Warn;
                    out.push(finding);
                }
            }
        }
    }
}
