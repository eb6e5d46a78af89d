use super::{Context, Lint, LintInfo, reply_command};
use crate::diagnostic::{Diagnostic, Level};

/// ### What it does
/// Finds `unpack(...)` of an array reply whose length grows with the data:
/// `SMEMBERS`, `HGETALL`, `HKEYS`, `LRANGE key 0 -1`, `ZRANGE` over a whole set,
/// `KEYS`, ... (a literal count, range or `LIMIT` bounds it; `unpack(t, i, j)` unpacks
/// a chunk and is fine).
///
/// ### Why this is bad
/// Lua 5.1 unpacks at most about 8,000 values (`too many results to unpack`), so the
/// script breaks as the data grows, and an empty reply unpacks to no argument at all
/// (`wrong number of arguments`).
///
/// ### Example
/// ```lua
/// redis.call('SADD', KEYS[2], unpack(redis.call('SMEMBERS', KEYS[1])))   -- bad
/// redis.call('SUNIONSTORE', KEYS[2], KEYS[2], KEYS[1])                   -- good
/// ```
pub(crate) struct UnboundedUnpack;

impl Lint for UnboundedUnpack {
    const INFO: LintInfo = LintInfo {
        name: "unbounded_unpack",
        default_level: Level::Deny,
        allowable: true,
        summary: "`unpack` of a reply whose length grows with the data",
    };

    fn check(cx: &Context<'_>, out: &mut Vec<Diagnostic>) {
        for unpacked in &cx.facts.unpacks {
            let command = reply_command(&unpacked.value);
            out.push(
                Self::finding(
                    unpacked.range.clone(),
                    format!("{command} can reply any number of elements, and `unpack` takes at most about 8,000"),
                )
                .label("unbounded")
                .note("past that Lua raises `too many results to unpack`; an empty reply unpacks to no argument at all")
                .help("work in chunks (`for i = 1, #t, 1000 do ... unpack(t, i, math.min(i + 999, #t)) ... end`), or let a command do it server-side (`SUNIONSTORE`, `ZUNIONSTORE`, `COPY`)"),
            );
        }
    }
}
