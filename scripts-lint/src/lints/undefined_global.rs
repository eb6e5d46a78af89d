use super::{Context, Lint, LintInfo, suggest, sure_in_case};
use crate::analysis::Undefined;
use crate::diagnostic::{Diagnostic, Edit, Level};
use crate::redis::globals::{self, Kind};

#[doc = include_str!("undefined_global.md")]
pub(crate) struct UndefinedGlobal;

impl Lint for UndefinedGlobal {
    const INFO: LintInfo = LintInfo {
        name: "undefined_global",
        default_level: Level::Deny,
        allowable: true,
        always_denied_because: None,
        summary: "a global or library member Redis does not provide",
        doc: include_str!("undefined_global.md"),
    };

    fn check(cx: &Context<'_>, out: &mut Vec<Diagnostic>) {
        // each name's closest globals, found once
        let mut near_globals: rustc_hash::FxHashMap<&str, (Option<&str>, Option<&str>)> = Default::default();
        for undefined in &cx.facts.undefined {
            let path = &undefined.path;
            let finding = match undefined.library {
                None if globals::valkey_alias(path).is_some() => {
                    if cx.signature.target.is_valkey() {
                        continue;
                    }
                    valkey_alias(cx, undefined.range.clone(), path)
                }
                Some("redis") if path == "redis.register_function" => registration_at_call_time(cx, undefined.range.clone()),
                None => {
                    let finding = Self::finding(
                        undefined.range.clone(),
                        format!("`{path}` does not exist in {}", where_(cx)),
                    )
                    .label("undefined global");
                    if let Some(library) = cx.library
                        && matches!(path.as_str(), "KEYS" | "ARGV")
                    {
                        let (index, position, what) = if path == "KEYS" {
                            (0, "first", "keys")
                        } else {
                            (1, "second", "arguments")
                        };
                        let params = library
                            .function
                            .and_then(|n| library.registrations.get(n))
                            .map_or(&[][..], |r| &r.params[..]);
                        let help = match params.get(index) {
                            Some(param) => format!("write `{param}[i]`: the callback's {position} parameter holds the {what}"),
                            None => format!(
                                "declare the callback `function(keys, args)` and read `{}[i]`",
                                if index == 0 { "keys" } else { "args" }
                            ),
                        };
                        out.push(
                            finding
                                .note(format!("`FCALL` passes the {what} to the callback as its {position} parameter"))
                                .help(help),
                        );
                        continue;
                    }
                    if let Some(why) = globals::absent(path) {
                        out.push(finding.help(why));
                        continue;
                    }
                    // a script checked without the files it includes reads their
                    // functions as undefined globals, often the same few many times
                    let (near, sure) = *near_globals.entry(path.as_str()).or_insert_with(|| {
                        let names = || globals::GLOBALS.iter().map(|g| g.0);
                        let near = suggest(path, names());
                        (near, near.and_then(|_| sure_in_case(path, names())))
                    });
                    match near {
                        Some(near) => respell(cx, finding.help(format!("did you mean `{near}`?")), undefined, path, sure),
                        None => finding.help(format!(
                            "declare it with `local {path} = ...` or use one of the globals Redis provides"
                        )),
                    }
                }
                Some(library) => {
                    let member = path.rsplit('.').next().unwrap_or(path);
                    let members = match globals::global(library) {
                        Some(Kind::Library(members)) => members,
                        _ => &[],
                    };
                    let message = if undefined.method {
                        format!("strings have no method `{member}`")
                    } else {
                        format!("`{path}` does not exist in {}", where_(cx))
                    };
                    let finding = Self::finding(undefined.range.clone(), message).label("undefined");
                    // `table.unpack`: a later Lua's name, whose 5.1 spelling is no typo away
                    let later_lua = (!undefined.method).then(|| globals::absent_member(path)).flatten();
                    match suggest(member, members.iter().map(|m| m.0)) {
                        _ if later_lua.is_some() => finding
                            .note("Redis embeds Lua 5.1; this name comes from a later Lua")
                            .help(later_lua.unwrap_or_default()),
                        Some(near) if undefined.method => respell(
                            cx,
                            finding.help(format!("did you mean `:{near}()`?")),
                            undefined,
                            member,
                            sure_in_case(member, members.iter().map(|m| m.0)),
                        ),
                        Some(near) => respell(
                            cx,
                            finding.help(format!("did you mean `{library}.{near}`?")),
                            undefined,
                            member,
                            sure_in_case(member, members.iter().map(|m| m.0)),
                        ),
                        None => {
                            let names: Vec<&str> = members.iter().map(|m| m.0).collect();
                            finding.help(format!("`{library}` has: {}", names.join(", ")))
                        }
                    }
                }
            };
            out.push(finding);
        }
    }
}

/// `server`, Valkey's name for `redis`, read where the target is not Valkey.
fn valkey_alias(cx: &Context<'_>, range: std::ops::Range<usize>, path: &str) -> Diagnostic {
    let redis = globals::valkey_alias(path).unwrap_or("redis");
    UndefinedGlobal::finding(range, format!("`{path}` does not exist in {}", where_(cx)))
        .label("Valkey only")
        .note(format!(
            "Redis answers `Script attempted to access nonexistent global variable '{path}'`: `{path}` is Valkey's name for `{redis}` (Valkey 7.2.5 and later)"
        ))
        .help(format!(
            "write `{redis}`, which both have; or, if every server it runs on is Valkey 8.0 or later, declare {}",
            cx.declare_min_version(crate::Target::Valkey8_0)
        ))
}

/// `redis.register_function` where it is `nil`: in a function as `FCALL` runs it, or
/// in a script.
fn registration_at_call_time(cx: &Context<'_>, range: std::ops::Range<usize>) -> Diagnostic {
    let finding = UndefinedGlobal::finding(range, format!("`redis.register_function` does not exist in {}", where_(cx)))
        .label("nil here");
    match cx.library {
        Some(_) => finding
            .note("it exists only while `FUNCTION LOAD` runs the library's top level; calling it from a function fails with `attempt to call field 'register_function' (a nil value)`")
            .help("register every function at the library's top level, after its definition: `redis.register_function('name', name)`"),
        None => finding
            .note("`EVAL` scripts cannot register functions; calling it fails with `attempt to call field 'register_function' (a nil value)`")
            .help("put the function in a library (first line `#!lua name=mylib`), loaded with `FUNCTION LOAD` and called with `FCALL`"),
    }
}

/// Where the code runs, for messages: Redis scripts, or Redis functions.
fn where_(cx: &Context<'_>) -> &'static str {
    match cx.library {
        Some(_) => "Redis functions",
        None => "Redis scripts",
    }
}

/// The fix of a misspelt name: the one sure candidate in its place. A name read with
/// `.` or `:`, or a global, ends where the read does; one written as a string
/// (`string['trim']`) ends with `]` and is left alone.
fn respell(cx: &Context<'_>, finding: Diagnostic, undefined: &Undefined, name: &str, near: Option<&str>) -> Diagnostic {
    let range = &undefined.range;
    match near {
        Some(near) if cx.text(range).ends_with(name) => finding.fix(
            format!("write `{near}`"),
            vec![Edit::new(range.end - name.len()..range.end, near)],
        ),
        _ => finding,
    }
}
