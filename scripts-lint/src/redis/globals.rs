//! The globals Redis gives a script (`EVAL`, Redis 7.0 to 7.4, Valkey 8), as data.
//!
//! Source: `shared/redis/lua-facts.md` §1-2 and appendix A1 (deps/lua luaL_Reg tables,
//! src/script_lua.c allow lists). `getfenv`, `setfenv` and `newproxy` are left out:
//! the October 2025 security releases removed them by default (CVE-2025-46818).

/// What a global or library member is, as far as the checker cares.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Kind {
    /// A function.
    Function,
    /// A number (`math.pi`, `redis.LOG_WARNING`).
    Number,
    /// A string (`_VERSION`, `redis.REDIS_VERSION`).
    String,
    /// A table of members (a library).
    Library(&'static [(&'static str, Kind)]),
    /// `KEYS` and `ARGV`.
    Arguments,
    /// Anything else (`cjson.null`, `_G`).
    Other,
}

use Kind::{Function as F, Number as N, String as S};

const STRING: &[(&str, Kind)] = &[
    ("byte", F),
    ("char", F),
    ("dump", F),
    ("find", F),
    ("format", F),
    ("gfind", F),
    ("gmatch", F),
    ("gsub", F),
    ("len", F),
    ("lower", F),
    ("match", F),
    ("rep", F),
    ("reverse", F),
    ("sub", F),
    ("upper", F),
];

const TABLE: &[(&str, Kind)] = &[
    ("concat", F),
    ("foreach", F),
    ("foreachi", F),
    ("getn", F),
    ("insert", F),
    ("maxn", F),
    ("remove", F),
    ("setn", F),
    ("sort", F),
];

const MATH: &[(&str, Kind)] = &[
    ("abs", F),
    ("acos", F),
    ("asin", F),
    ("atan", F),
    ("atan2", F),
    ("ceil", F),
    ("cos", F),
    ("cosh", F),
    ("deg", F),
    ("exp", F),
    ("floor", F),
    ("fmod", F),
    ("frexp", F),
    ("huge", N),
    ("ldexp", F),
    ("log", F),
    ("log10", F),
    ("max", F),
    ("min", F),
    ("mod", F),
    ("modf", F),
    ("pi", N),
    ("pow", F),
    ("rad", F),
    ("random", F),
    ("randomseed", F),
    ("sin", F),
    ("sinh", F),
    ("sqrt", F),
    ("tan", F),
    ("tanh", F),
];

const BIT: &[(&str, Kind)] = &[
    ("arshift", F),
    ("band", F),
    ("bnot", F),
    ("bor", F),
    ("bswap", F),
    ("bxor", F),
    ("lshift", F),
    ("rol", F),
    ("ror", F),
    ("rshift", F),
    ("tobit", F),
    ("tohex", F),
];

const CJSON: &[(&str, Kind)] = &[
    ("_NAME", S),
    ("_VERSION", S),
    ("decode", F),
    ("decode_invalid_numbers", F),
    ("decode_max_depth", F),
    ("encode", F),
    ("encode_invalid_numbers", F),
    ("encode_keep_buffer", F),
    ("encode_max_depth", F),
    ("encode_number_precision", F),
    ("encode_sparse_array", F),
    ("new", F),
    ("null", Kind::Other),
];

const CMSGPACK: &[(&str, Kind)] = &[
    ("_COPYRIGHT", S),
    ("_DESCRIPTION", S),
    ("_NAME", S),
    ("_VERSION", S),
    ("pack", F),
    ("unpack", F),
    ("unpack_limit", F),
    ("unpack_one", F),
];

const STRUCT: &[(&str, Kind)] = &[("pack", F), ("size", F), ("unpack", F)];

const COROUTINE: &[(&str, Kind)] = &[
    ("create", F),
    ("resume", F),
    ("running", F),
    ("status", F),
    ("wrap", F),
    ("yield", F),
];

const REDIS: &[(&str, Kind)] = &[
    ("LOG_DEBUG", N),
    ("LOG_NOTICE", N),
    ("LOG_VERBOSE", N),
    ("LOG_WARNING", N),
    ("REDIS_VERSION", S),
    ("REDIS_VERSION_NUM", N),
    ("REPL_ALL", N),
    ("REPL_AOF", N),
    ("REPL_NONE", N),
    ("REPL_REPLICA", N),
    ("REPL_SLAVE", N),
    ("acl_check_cmd", F),
    ("breakpoint", F),
    ("call", F),
    ("debug", F),
    ("error_reply", F),
    ("log", F),
    ("pcall", F),
    ("replicate_commands", F),
    ("set_repl", F),
    ("setresp", F),
    ("sha1hex", F),
    ("status_reply", F),
];

/// Every global a script can read, sorted by name.
pub static GLOBALS: &[(&str, Kind)] = &[
    ("ARGV", Kind::Arguments),
    ("KEYS", Kind::Arguments),
    ("_G", Kind::Other),
    ("_VERSION", S),
    ("__redis__err__handler", F),
    ("assert", F),
    ("bit", Kind::Library(BIT)),
    ("cjson", Kind::Library(CJSON)),
    ("cmsgpack", Kind::Library(CMSGPACK)),
    ("collectgarbage", F),
    ("coroutine", Kind::Library(COROUTINE)),
    ("error", F),
    ("gcinfo", F),
    ("getmetatable", F),
    ("ipairs", F),
    ("load", F),
    ("loadstring", F),
    ("math", Kind::Library(MATH)),
    ("next", F),
    ("pairs", F),
    ("pcall", F),
    ("rawequal", F),
    ("rawget", F),
    ("rawset", F),
    ("redis", Kind::Library(REDIS)),
    ("select", F),
    ("setmetatable", F),
    ("string", Kind::Library(STRING)),
    ("struct", Kind::Library(STRUCT)),
    ("table", Kind::Library(TABLE)),
    ("tonumber", F),
    ("tostring", F),
    ("type", F),
    ("unpack", F),
    ("xpcall", F),
];

/// Globals a script might expect but Redis does not provide, with what to write instead.
pub static ABSENT: &[(&str, &str)] = &[
    ("debug", "Redis removes the `debug` library from scripts"),
    ("dofile", "scripts cannot read files; pass data in `ARGV`"),
    (
        "getfenv",
        "removed by default since the October 2025 security releases (CVE-2025-46818)",
    ),
    ("io", "scripts cannot do I/O; pass data in `ARGV` and return results"),
    ("loadfile", "scripts cannot read files; pass data in `ARGV`"),
    ("module", "scripts cannot define modules; use local functions"),
    (
        "newproxy",
        "removed by default since the October 2025 security releases (CVE-2025-46818)",
    ),
    (
        "os",
        "Redis 7.0 to 7.2 have no `os` library and 7.4 only `os.clock`; for the time use `redis.call('TIME')`",
    ),
    ("package", "scripts cannot load packages"),
    (
        "print",
        "scripts have no output; log with `redis.log(redis.LOG_NOTICE, msg)`",
    ),
    (
        "require",
        "scripts cannot load modules; put the code in the script or in a local function",
    ),
    (
        "setfenv",
        "removed by default since the October 2025 security releases (CVE-2025-46818)",
    ),
];

/// Globals only Valkey has, each with the global it is another name for.
///
/// Valkey's scripting API table is `server`, and `redis` an alias of it: Valkey 8.0.1
/// `src/script_lua.c` `luaRegisterServerAPI` sets the table as the global
/// `SERVER_API_NAME` (`"server"`, `src/script_lua.h`) and then as `REDIS_API_NAME`
/// (`"redis"`); for function libraries `src/function_lua.c` `luaEngineInitEngine` does
/// the same with the table a library sees while it loads, and a function called by
/// `FCALL` sees the script globals. It came with "Adding server.call/pcall option to
/// LUA scripting" (valkey-io/valkey#136, commit 620d325 of April 2024), first
/// released in Valkey 7.2.5, Valkey's first release; Redis has only `redis`.
pub static VALKEY_ALIASES: &[(&str, &str)] = &[("server", "redis")];

/// The global `name` is Valkey's other name for, when it is one of Valkey's own.
pub fn valkey_alias(name: &str) -> Option<&'static str> {
    VALKEY_ALIASES.iter().find(|a| a.0 == name).map(|a| a.1)
}

/// Library members of later Lua versions (5.2 to 5.4) that Lua 5.1 lacks, with what to
/// write in Lua 5.1 instead.
pub static ABSENT_MEMBERS: &[(&str, &str)] = &[
    ("math.tointeger", "use `math.floor(x)` (Lua 5.1 numbers are all floats)"),
    (
        "math.type",
        "use `type(x) == 'number'` (Lua 5.1 has no integer subtype)",
    ),
    (
        "math.ult",
        "Lua 5.1 has no integers to compare unsigned; compare numbers with `<`",
    ),
    ("string.pack", "use `struct.pack`, which Redis provides"),
    ("string.packsize", "use `struct.size`, which Redis provides"),
    ("string.unpack", "use `struct.unpack`, which Redis provides"),
    ("table.move", "copy with a numeric `for` loop"),
    (
        "table.pack",
        "use a table constructor `{...}`, and `select('#', ...)` for the count",
    ),
    ("table.unpack", "use `unpack`: in Lua 5.1 it is a global, `unpack(t)`"),
];

/// What to write instead of `path` (`table.unpack`), when it is a later Lua's library
/// member.
pub fn absent_member(path: &str) -> Option<&'static str> {
    ABSENT_MEMBERS.iter().find(|a| a.0 == path).map(|a| a.1)
}

/// The global called `name`.
pub fn global(name: &str) -> Option<Kind> {
    // asked for every name the analysis declares or reads: one hash of a short name
    // instead of a binary search's seven string comparisons
    static BY_NAME: std::sync::OnceLock<rustc_hash::FxHashMap<&str, Kind>> = std::sync::OnceLock::new();
    BY_NAME
        .get_or_init(|| GLOBALS.iter().copied().collect())
        .get(name)
        .copied()
}

/// Why `name` is not a global, when it is a known absentee.
pub fn absent(name: &str) -> Option<&'static str> {
    ABSENT.iter().find(|a| a.0 == name).map(|a| a.1)
}

/// The member `name` of library `members`.
pub fn member(members: &[(&'static str, Kind)], name: &str) -> Option<Kind> {
    members.iter().find(|m| m.0 == name).map(|m| m.1)
}

/// The members of the `string` library, which strings also have as methods.
pub fn string_methods() -> &'static [(&'static str, Kind)] {
    STRING
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn globals_are_sorted_for_binary_search() {
        assert!(GLOBALS.windows(2).all(|w| w[0].0 < w[1].0));
    }

    #[test]
    fn lookups() {
        assert_eq!(global("tonumber"), Some(Kind::Function));
        assert!(matches!(global("redis"), Some(Kind::Library(_))));
        assert_eq!(global("print"), None);
        assert!(absent("print").unwrap().contains("redis.log"));
        let Some(Kind::Library(math)) = global("math") else {
            panic!()
        };
        assert_eq!(member(math, "random"), Some(Kind::Function));
        assert_eq!(member(math, "pi"), Some(Kind::Number));
        assert_eq!(member(math, "round"), None);
        assert!(absent_member("table.unpack").unwrap().contains("use `unpack`"));
        assert_eq!(absent_member("table.insert"), None);
        assert_eq!(valkey_alias("server"), Some("redis"));
        assert_eq!(valkey_alias("redis"), None);
        assert_eq!(global("server"), None, "Redis has no `server`");
    }
}
