use super::{Context, Lint, LintInfo, Resolved, display_name};
use crate::diagnostic::{Diagnostic, Level};

#[doc = include_str!("undeclared_key_access.md")]
pub(crate) struct UndeclaredKeyAccess;

impl Lint for UndeclaredKeyAccess {
    const INFO: LintInfo = LintInfo {
        name: "undeclared_key_access",
        default_level: Level::Deny,
        allowable: true,
        always_denied_because: None,
        summary: "a command that reaches keys the script does not declare (`KEYS`, `SCAN`, `SORT ... BY`)",
        doc: include_str!("undeclared_key_access.md"),
    };

    fn check(cx: &Context<'_>, out: &mut Vec<Diagnostic>) {
        for (call, resolved) in cx.commands() {
            let Some(&Resolved::Known(command)) = resolved else { continue };
            let name = display_name(command);
            match command.name {
                "KEYS" | "SCAN" | "RANDOMKEY" => out.push(
                    Self::finding(
                        call.args[0].range.clone(),
                        format!("`{name}` reaches keys the script does not declare in `KEYS`"),
                    )
                    .label("undeclared keys")
                    .note("on Redis Cluster it sees only the keys of the node the script runs on, and it walks the whole keyspace while the server waits")
                    .help("keep the names in a set the script is given as a key (`SADD`/`SMEMBERS KEYS[n]`), or find keys from the client with `SCAN`"),
                ),
                "SORT" | "SORT_RO" => {
                    for (i, arg) in call.args.iter().enumerate() {
                        let token = arg.value.literal();
                        let (Some(token), Some(pattern)) = (token, call.args.get(i + 1)) else { continue };
                        let text = pattern.value.literal();
                        let harmless = match token.to_ascii_uppercase().as_str() {
                            "BY" => text.is_some_and(|t| t.eq_ignore_ascii_case("nosort")),
                            "GET" => text == Some("#"),
                            _ => continue,
                        };
                        if harmless {
                            continue;
                        }
                        out.push(
                            Self::finding(
                                pattern.range.clone(),
                                format!("`{name} ... {}` reads keys named by a pattern, which the script does not declare", token.to_ascii_uppercase()),
                            )
                            .label("undeclared keys")
                            .note("on Redis Cluster those keys may live on other nodes")
                            .help("keep the weights or fields in one hash passed as a key and read it with `HMGET`, or sort in the client"),
                        );
                    }
                }
                _ => {}
            }
        }
    }
}
