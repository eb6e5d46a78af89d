use std::collections::HashMap;

use super::{Context, Lint, LintInfo, name_at, suggest, sure};
use crate::analysis::{Callback, Registration, RegistrationForm, WrongType};
use crate::diagnostic::{Diagnostic, Edit, Level};
use crate::library_line::{INVALID_NAME, valid_name, valid_spelling};
use crate::redis::globals;
use crate::shebang::FLAGS;

// what a library's top level has while it loads (src/function_lua.c), for notes
const AT_LOAD: &str = "while `FUNCTION LOAD` runs the top level, its only global is `redis`, holding only `register_function`, `log`, `LOG_*`, `REDIS_VERSION` and `REDIS_VERSION_NUM`";

// the fields of the table form (src/function_lua.c `luaRegisterFunctionReadNamedArgs`)
const FIELDS: [&str; 4] = ["function_name", "callback", "flags", "description"];

// the table form, for help texts
const TABLE_FORM: &str =
    "redis.register_function{function_name = 'name', callback = name, flags = {'no-writes'}}";

#[doc = include_str!("invalid_library.md")]
pub(crate) struct InvalidLibrary;

impl Lint for InvalidLibrary {
    const INFO: LintInfo = LintInfo {
        name: "invalid_library",
        default_level: Level::Deny,
        allowable: false,
        always_denied_because: Some("Redis refuses to load the whole library"),
        summary: "a function library `FUNCTION LOAD` refuses",
        doc: include_str!("invalid_library.md"),
    };

    fn check(cx: &Context<'_>, out: &mut Vec<Diagnostic>) {
        let Some(library) = cx.library.filter(|l| l.function.is_none()) else {
            return;
        };
        for problem in &library.line.problems {
            out.push(super::line_problem::<Self>(problem));
        }
        for (range, what) in &cx.facts.load_time {
            // Valkey's `server` exists there while a library loads
            if globals::valkey_alias(what).is_some() && cx.signature.target.is_valkey() {
                continue;
            }
            out.push(load_time(cx, range, what));
        }
        if library.registrations.is_empty() && library.line.problems.is_empty() {
            let end = library.line.name.as_ref().map_or(0..0, |(_, range)| range.clone());
            out.push(
                Self::finding(end, "the library registers no function: Redis answers `No functions registered`")
                    .label("this library")
                    .help(format!("register each function: `{TABLE_FORM}`")),
            );
        }
        let mut first: HashMap<&str, std::ops::Range<usize>> = HashMap::new();
        for registration in library.registrations {
            registration_problems(cx, registration, &mut first, out);
        }
    }
}

/// The fix of a misspelt field or flag: `near` where `written` is, as a name or inside
/// its quotes.
fn respell(
    cx: &Context<'_>,
    finding: Diagnostic,
    range: &std::ops::Range<usize>,
    written: &str,
    near: Option<&str>,
) -> Diagnostic {
    match (near, name_at(cx, range, written)) {
        (Some(near), Some(at)) => finding.fix(format!("write `{near}`"), vec![Edit::new(at, near)]),
        _ => finding,
    }
}

/// What Redis refuses in one `redis.register_function` call, each with its reply
/// (src/function_lua.c `luaRegisterFunctionReadArgs` and what it calls, then
/// src/functions.c `functionLibCreateFunction`). `first` holds the names registered
/// before it.
fn registration_problems<'r>(
    cx: &Context<'_>,
    registration: &'r Registration,
    first: &mut HashMap<&'r str, std::ops::Range<usize>>,
    out: &mut Vec<Diagnostic>,
) {
    let call = registration.range.clone();
    match registration.form {
        RegistrationForm::Positional(n) if n != 2 && n != usize::MAX => {
            let mut finding = InvalidLibrary::finding(
                call.clone(),
                format!("`redis.register_function` takes a name and a callback, or one table, not {n} arguments: Redis answers `wrong number of arguments to redis.register_function`"),
            )
            .label("called here");
            finding = if n > 2 {
                let name = registration
                    .name
                    .as_ref()
                    .and_then(|(name, _)| name.as_deref())
                    .unwrap_or("name");
                let callback = registration
                    .callback
                    .as_ref()
                    .map(|(_, range)| cx.text(range))
                    .filter(|text| !text.is_empty() && !text.contains('\n'))
                    .unwrap_or(name);
                finding.help(format!(
                    "flags and a description go in the table form: `redis.register_function{{function_name = '{name}', callback = {callback}, flags = {{'no-writes'}}}}`"
                ))
            } else {
                finding.help("pass the function's name and its callback: `redis.register_function('name', name)`")
            };
            out.push(finding);
            return;
        }
        RegistrationForm::Unread { table: false } => {
            out.push(
                InvalidLibrary::finding(call, "`redis.register_function` with one argument takes a table of named fields: Redis answers `calling redis.register_function with a single argument is only applicable to Lua table (representing named arguments).`")
                    .label("not a table")
                    .help(format!("write `{TABLE_FORM}`, or pass a name and a callback")),
            );
            return;
        }
        RegistrationForm::Unread { table: true } => return,
        _ => {}
    }
    let table = registration.form == RegistrationForm::Table;
    match &registration.name {
        None if table => out.push(
            InvalidLibrary::finding(call.clone(), "the registration has no `function_name`: Redis answers `redis.register_function must get a function name argument`")
                .label("no name")
                .help("add `function_name = 'name'`"),
        ),
        Some((Some(name), range)) if !valid_name(name) => out.push(
            InvalidLibrary::finding(range.clone(), format!("`{name}` is not a valid function name: Redis answers `{INVALID_NAME}`"))
                .label("invalid")
                .note("Redis says `Library names` here, though the name is the function's")
                .help(format!("use letters, digits and `_` only, e.g. `{}`", valid_spelling(name))),
        ),
        Some((Some(name), range)) => {
            if let Some(earlier) = first.get(&**name) {
                out.push(
                    InvalidLibrary::finding(range.clone(), format!("`{name}` is registered twice: Redis answers `Function already exists in the library`"))
                        .label("registered again")
                        .secondary(earlier.clone(), "first registered here")
                        .help("give each function its own name, or drop one registration"),
                );
            } else {
                first.insert(name, range.clone());
            }
        }
        _ => {}
    }
    match &registration.callback {
        None if table => out.push(
            InvalidLibrary::finding(call.clone(), "the registration has no `callback`: Redis answers `redis.register_function must get a callback argument`")
                .label("no callback")
                .help("add `callback = function(keys, args) ... end`"),
        ),
        Some((Callback::NotFunction, range)) => {
            let (which, reply) = if table {
                ("`callback`", "callback argument given to redis.register_function must be a function")
            } else {
                ("the second argument", "second argument to redis.register_function must be a function")
            };
            out.push(
                InvalidLibrary::finding(range.clone(), format!("{which} of `redis.register_function` is not a function: Redis answers `{reply}`"))
                    .label("not a function")
                    .help("pass the function itself: `function(keys, args) ... end` or the name of a local function"),
            );
        }
        _ => {}
    }
    for (field, range) in &registration.unknown_fields {
        let finding = InvalidLibrary::finding(
            range.clone(),
            format!("`redis.register_function` has no field `{field}`: Redis answers `unknown argument given to redis.register_function`"),
        )
        .label("unknown field");
        let finding = match suggest(field, FIELDS) {
            Some(near) => finding.help(format!("did you mean `{near}`?")),
            None => finding.help("the fields are `function_name`, `callback`, `flags` and `description`"),
        };
        out.push(respell(cx, finding, range, field, sure(field, FIELDS)));
    }
    for (range, wrong) in &registration.wrong_types {
        out.push(wrong_type(*wrong, table, range.clone()));
    }
    if let Some((range, false)) = &registration.flags_unread {
        out.push(
            InvalidLibrary::finding(range.clone(), "`flags` must be a table of flags: Redis answers `flags argument to redis.register_function must be a table representing function flags`")
                .label("not a table")
                .help("write the flags as a table: `flags = {'no-writes'}`"),
        );
    }
    for (flag, range) in &registration.flags {
        let Some(flag) = flag else { continue };
        if FLAGS.iter().any(|known| known.eq_ignore_ascii_case(flag)) {
            continue;
        }
        let finding = InvalidLibrary::finding(
            range.clone(),
            format!("unknown function flag `{flag}`: Redis answers `unknown flag given`"),
        )
        .label("unknown flag");
        let all = FLAGS.iter().map(|f| format!("`{f}`")).collect::<Vec<_>>().join(", ");
        let read_only = ["read-only", "readonly", "read_only", "ro", "no-write", "nowrites"]
            .iter()
            .any(|word| word.eq_ignore_ascii_case(flag));
        out.push(match suggest(flag, FLAGS.iter().copied()) {
            _ if read_only => respell(
                cx,
                finding.help(format!(
                    "write `flags = {{'no-writes'}}`: such functions are called with `FCALL_RO`; the flags are {all}"
                )),
                range,
                flag,
                Some("no-writes"),
            ),
            Some(near) => respell(
                cx,
                finding.help(format!("did you mean `{near}`? the flags are {all}")),
                range,
                flag,
                sure(flag, FLAGS.iter().copied()),
            ),
            None => finding.help(format!("the flags are {all}")),
        });
    }
}

/// An argument whose type Redis refuses, with its reply.
fn wrong_type(wrong: WrongType, table: bool, range: std::ops::Range<usize>) -> Diagnostic {
    let (message, label, help) = match wrong {
        WrongType::Name if table => (
            "`function_name` must be a string: Redis answers `function_name argument given to redis.register_function must be a string`",
            "not a string",
            "write the name as a string: `function_name = 'name'`",
        ),
        WrongType::Name => (
            "the first argument of `redis.register_function` must be the function's name: Redis answers `first argument to redis.register_function must be a string`",
            "not a string",
            "pass the name, then the callback: `redis.register_function('name', name)`",
        ),
        WrongType::Description => (
            "`description` must be a string: Redis answers `description argument given to redis.register_function must be a string`",
            "not a string",
            "write the description as a string: `description = 'what it does'`",
        ),
        WrongType::NumberKey => (
            "an entry without a field name in `redis.register_function{...}`: Redis answers `unknown argument given to redis.register_function`",
            "no field name",
            "name every field: `redis.register_function{function_name = 'name', callback = name}`",
        ),
        WrongType::Key => (
            "a field of `redis.register_function{...}` is named by a value that is no string: Redis answers `named argument key given to redis.register_function is not a string`",
            "not a string",
            "name every field: `redis.register_function{function_name = 'name', callback = name}`",
        ),
        WrongType::Flag => (
            "a flag must be a string: Redis answers `unknown flag given`",
            "not a flag",
            "write the flags as strings: `flags = {'no-writes'}`",
        ),
    };
    InvalidLibrary::finding(range, message).label(label).help(help)
}

/// A global (or `redis` member) read while the library loads, with the fix that fits
/// how it is used: an alias becomes a wrapper, a call moves into the function.
fn load_time(cx: &Context<'_>, range: &std::ops::Range<usize>, what: &str) -> Diagnostic {
    let member = what.strip_prefix("redis.").unwrap_or(what);
    let after = cx.source.get(range.end..).unwrap_or("").trim_start();
    let called = after.starts_with('(') || after.starts_with('{') || after.starts_with(['\'', '"']);
    // `math.floor`: the member read from the global, for the wrapper's example
    let field: String = after
        .strip_prefix('.')
        .map(|rest| rest.chars().take_while(|c| c.is_ascii_alphanumeric() || *c == '_').collect())
        .unwrap_or_default();
    let finding = InvalidLibrary::finding(
        range.clone(),
        format!("`{what}` does not exist while the library loads: Redis answers `Script attempted to access nonexistent global variable '{member}'`"),
    )
    .label("read at load time")
    .note(AT_LOAD);
    let help = match (what, called) {
        _ if globals::valkey_alias(what).is_some() => format!(
            "`{what}` is Valkey's name for `redis`: write `redis`, which both have; or, if every server it loads on is Valkey 8.0 or later, declare {}",
            cx.declare_min_version(crate::Target::Valkey8_0)
        ),
        ("KEYS" | "ARGV", _) => {
            let name = if what == "KEYS" { "keys" } else { "args" };
            format!("read `{name}[i]` inside a registered function: `FCALL` passes them as the callback's parameters, `function(keys, args)`")
        }
        (_, true) => format!("call `{what}(...)` inside the registered function that needs it"),
        (_, false) if what.starts_with("redis.") => format!(
            "keep the short name with a wrapper, looked up when a function runs: `local function r{member}(...) return {what}(...) end`"
        ),
        (_, false) if !field.is_empty() => format!(
            "write `{what}.{field}(...)` where it is used, or keep the short name with a wrapper: `local function {field}(...) return {what}.{field}(...) end`"
        ),
        (_, false) => format!("use `{what}` inside the functions that need it, not at the top level"),
    };
    finding.help(help)
}

#[cfg(test)]
mod tests {
    use crate::{LibrarySignature, check_library};

    /// The messages of every `invalid_library` finding of `source`.
    fn refused(source: &str) -> Vec<String> {
        check_library(source, &LibrarySignature::default())
            .all()
            .filter(|d| d.lint == "invalid_library")
            .map(|d| d.message.clone())
            .collect()
    }

    #[test]
    fn a_valid_library_is_accepted() {
        let source = "#!lua name=bank\n\
            local function transfer(keys, args)\n\
              redis.call('DECRBY', keys[1], args[1])\n\
              return redis.call('INCRBY', keys[2], args[1])\n\
            end\n\
            redis.log(redis.LOG_NOTICE, 'loading bank ' .. redis.REDIS_VERSION)\n\
            redis.register_function('transfer', transfer)\n\
            redis.register_function{function_name = 'balance', flags = {'NO-WRITES', 'allow-stale'},\n\
              description = 'a balance', callback = function(keys) return redis.call('GET', keys[1]) end}\n";
        assert_eq!(refused(source), Vec::<String>::new());
    }

    #[test]
    fn what_redis_refuses_is_reported_with_its_reply() {
        let cases = [
            ("local x = 1\nredis.register_function('f', function() return 1 end)", "Missing library metadata"),
            ("#!lua name=a\nlocal x = 1", "No functions registered"),
            ("#!lua name=a\nredis.register_function('f', function() return 1 end, {'no-writes'})", "wrong number of arguments"),
            ("#!lua name=a\nredis.register_function('f', 1)", "is not a function"),
            ("#!lua name=a\nredis.register_function('f-1', function() return 1 end)", "not a valid function name"),
            ("#!lua name=a\nlocal f = function() return 1 end\nredis.register_function('f', f)\nredis.register_function('f', f)", "Function already exists"),
            ("#!lua name=a\nredis.register_function{callback = function() return 1 end}", "must get a function name"),
            ("#!lua name=a\nredis.register_function{function_name = 'f'}", "must get a callback"),
            ("#!lua name=a\nredis.register_function{function_name = 'f', callback = function() end, flag = {}}", "unknown argument"),
            ("#!lua name=a\nredis.register_function{function_name = 'f', callback = function() end, flags = {'no_writes'}}", "unknown flag given"),
            ("#!lua name=a\nredis.register_function{function_name = 'f', callback = function() end, flags = 'no-writes'}", "must be a table"),
            ("#!lua name=a\nlocal floor = math.floor\nredis.register_function('f', function() return 1 end)", "'math'"),
            ("#!lua name=a\nlocal n = tonumber('1')\nredis.register_function('f', function() return 1 end)", "'tonumber'"),
            ("#!lua name=a\nredis.call('SET', 'k', 1)\nredis.register_function('f', function() return 1 end)", "'call'"),
            ("#!lua name=a\nredis.setresp(3)\nredis.register_function('f', function() return 1 end)", "'setresp'"),
        ];
        for (source, reply) in cases {
            let found = refused(source);
            assert!(found.iter().any(|m| m.contains(reply)), "{source}\n{found:#?}");
        }
    }

    #[test]
    fn a_top_level_alias_is_told_to_become_a_wrapper() {
        let source = "#!lua name=a\nlocal rcall = redis.call\nlocal now = redis.call('TIME')\n\
            redis.register_function('f', function(keys) return rcall('GET', keys[1]) end)";
        let report = check_library(source, &LibrarySignature::default());
        let helps: Vec<String> = report.all().filter_map(|d| d.help.clone()).collect();
        assert!(
            helps[0].contains("`local function rcall(...) return redis.call(...) end`"),
            "{helps:?}"
        );
        assert!(helps[1].contains("inside the registered function"), "{helps:?}");
    }

    #[test]
    fn code_that_runs_only_when_called_is_not_load_time() {
        let source = "#!lua name=a\n\
            local function now(keys, args)\n\
              local t = redis.call('TIME')\n\
              return math.floor(tonumber(t[1]) / 60)\n\
            end\n\
            local function register(name, callback, flags)\n\
              redis.register_function{function_name = name, callback = callback, flags = flags}\n\
            end\n\
            register('now', now, {'no-writes'})\n";
        assert_eq!(refused(source), Vec::<String>::new());
        let report = check_library(source, &LibrarySignature::default());
        assert_eq!(report.functions.len(), 1);
        assert_eq!(report.functions[0].name.as_deref(), Some("now"));
        assert!(report.functions[0].read_only);
        // the name is written at the helper's call: that literal is what a rename edits
        let literal = report.functions[0].name_literal.clone().expect("a literal name");
        assert_eq!(&source[literal.clone()], "'now'");
        assert!(source[..literal.start].ends_with("register("));
    }
}
