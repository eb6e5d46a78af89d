//! The LuaCATS signature of every function Redis gives a script: what the checker's
//! globals table (`scripts_lint::redis::globals`) names, with the parameters and
//! returns Lua 5.1 and Redis document. One entry per function, by its path; the first
//! lines are its description, then `@param` and `@return` lines (and `@generic`,
//! `@overload`), as LuaCATS writes them after `---`. A test holds this list and the
//! globals table to each other.

/// `(path, LuaCATS lines)`.
pub(super) const SIGNATURES: &[(&str, &str)] = &[
    // the base library (Lua 5.1, as Redis leaves it)
    (
        "assert",
        "Raises an error when `v` is `false` or `nil` (with `message`, else \"assertion failed!\"); otherwise returns all its arguments.
@generic T
@param v? T
@param message? any
@param ... any
@return T
@return any ...",
    ),
    (
        "collectgarbage",
        "Controls the garbage collector.
@param opt? \"collect\"|\"stop\"|\"restart\"|\"count\"|\"step\"|\"setpause\"|\"setstepmul\"
@param arg? integer
@return any",
    ),
    (
        "error",
        "Raises an error with `message` (a string, or a table such as `redis.error_reply(...)`).
@param message any
@param level? integer",
    ),
    ("gcinfo", "The memory Lua uses, in KB (Lua 5.0; `collectgarbage('count')`).\n@return integer"),
    (
        "getmetatable",
        "The metatable of `object` (its `__metatable` field when it has one).
@param object any
@return table?",
    ),
    (
        "ipairs",
        "Iterates over the array part of `t`: `for i, v in ipairs(t) do`.
@generic V
@param t V[]
@return fun(t: V[], i?: integer): integer, V
@return V[]
@return integer",
    ),
    (
        "load",
        "Loads a chunk from the pieces `func` returns.
@param func function
@param chunkname? string
@return function?
@return string? message",
    ),
    (
        "loadstring",
        "Loads a chunk from a string (not run).
@param s string
@param chunkname? string
@return function?
@return string? message",
    ),
    (
        "next",
        "The entry of `t` after key `k` (the first one without `k`).
@generic K, V
@param t table<K, V>
@param k? K
@return K?
@return V?",
    ),
    (
        "pairs",
        "Iterates over every entry of `t`: `for k, v in pairs(t) do`.
@generic K, V
@param t table<K, V>
@return fun(t: table<K, V>, k?: K): K, V
@return table<K, V>
@return nil",
    ),
    (
        "pcall",
        "Calls `f` in protected mode: `true` and its results, or `false` and the error.
@param f function
@param ... any
@return boolean success
@return any ...",
    ),
    ("rawequal", "Equality without metamethods.\n@param v1 any\n@param v2 any\n@return boolean"),
    ("rawget", "`t[k]` without metamethods.\n@param t table\n@param k any\n@return any"),
    ("rawset", "`t[k] = v` without metamethods.\n@param t table\n@param k any\n@param v any\n@return table"),
    (
        "select",
        "The arguments after the `n`-th, or their count with `'#'`.
@param n integer|\"#\"
@param ... any
@return any ...",
    ),
    (
        "setmetatable",
        "Sets the metatable of `t` (`nil` removes it) and returns `t`.
@generic T: table
@param t T
@param metatable? table
@return T",
    ),
    (
        "tonumber",
        "Converts `e` to a number, or `nil` when it is not one (in `base` 2 to 36 for a string).
@param e any
@param base? integer
@return number?",
    ),
    ("tostring", "Converts `v` to a string.\n@param v any\n@return string"),
    (
        "type",
        "The type of `v`, as a string.
@param v any
@return \"nil\"|\"number\"|\"string\"|\"boolean\"|\"table\"|\"function\"|\"thread\"|\"userdata\"",
    ),
    (
        "unpack",
        "The elements `i` to `j` of `list` (Lua 5.1: a global, not `table.unpack`); about 8,000 at most.
@generic T
@param list T[]
@param i? integer
@param j? integer
@return T ...",
    ),
    (
        "xpcall",
        "Calls `f` in protected mode, with `err` as the error handler.
@param f function
@param err function
@return boolean success
@return any ...",
    ),
    (
        "__redis__err__handler",
        "The error handler Redis runs scripts with (internal).
@param err any
@return table",
    ),
    // string
    ("string.byte", "The codes of the characters `i` to `j`.\n@param s string\n@param i? integer\n@param j? integer\n@return integer ..."),
    ("string.char", "The string of the characters with these codes.\n@param ... integer\n@return string"),
    ("string.dump", "The binary representation of function `f`.\n@param f function\n@return string"),
    (
        "string.find",
        "Where `pattern` is first found in `s`, and its captures.
@param s string
@param pattern string
@param init? integer
@param plain? boolean
@return integer? start
@return integer? end
@return any ... captured",
    ),
    ("string.format", "A string built from a `printf`-style format.\n@param format string\n@param ... any\n@return string"),
    ("string.gfind", "Lua 5.0's name of `string.gmatch`.\n@param s string\n@param pattern string\n@return fun(): string?, ..."),
    ("string.gmatch", "Iterates over the matches of `pattern` in `s`.\n@param s string\n@param pattern string\n@return fun(): string?, ..."),
    (
        "string.gsub",
        "`s` with the matches of `pattern` replaced, and how many were.
@param s string
@param pattern string
@param repl string|table|function
@param n? integer
@return string
@return integer count",
    ),
    ("string.len", "The length of `s` in bytes.\n@param s string\n@return integer"),
    ("string.lower", "`s` in lowercase.\n@param s string\n@return string"),
    (
        "string.match",
        "The captures of the first match of `pattern` in `s` (the match without captures).
@param s string
@param pattern string
@param init? integer
@return string? ...",
    ),
    ("string.rep", "`n` copies of `s`.\n@param s string\n@param n integer\n@return string"),
    ("string.reverse", "`s` reversed.\n@param s string\n@return string"),
    ("string.sub", "The characters `i` to `j` of `s`.\n@param s string\n@param i integer\n@param j? integer\n@return string"),
    ("string.upper", "`s` in uppercase.\n@param s string\n@return string"),
    // table
    (
        "table.concat",
        "The elements `i` to `j` of `list`, joined with `sep`.
@param list table
@param sep? string
@param i? integer
@param j? integer
@return string",
    ),
    ("table.foreach", "Calls `f(k, v)` for each entry of `t` (Lua 5.0).\n@param t table\n@param f fun(k: any, v: any): any\n@return any"),
    ("table.foreachi", "Calls `f(i, v)` for each element of `t` (Lua 5.0).\n@param t table\n@param f fun(i: integer, v: any): any\n@return any"),
    ("table.getn", "The length of `t` (Lua 5.0; `#t`).\n@param t table\n@return integer"),
    (
        "table.insert",
        "Inserts `value` at `pos` of `list`, or at its end.
@param list table
@param pos integer
@param value any
@overload fun(list: table, value: any)",
    ),
    ("table.maxn", "The largest positive numeric key of `t`.\n@param t table\n@return number"),
    ("table.remove", "Removes the element at `pos` of `list` (its last), and returns it.\n@param list table\n@param pos? integer\n@return any"),
    ("table.setn", "Sets the length of `t` (Lua 5.0; raises in 5.1).\n@param t table\n@param n integer"),
    ("table.sort", "Sorts `list` in place, with `<` or `comp`.\n@generic T\n@param list T[]\n@param comp? fun(a: T, b: T): boolean"),
    // math
    ("math.abs", "The absolute value of `x`.\n@param x number\n@return number"),
    ("math.acos", "The arc cosine of `x`, in radians.\n@param x number\n@return number"),
    ("math.asin", "The arc sine of `x`, in radians.\n@param x number\n@return number"),
    ("math.atan", "The arc tangent of `x`, in radians.\n@param x number\n@return number"),
    ("math.atan2", "The arc tangent of `y / x`, in radians.\n@param y number\n@param x number\n@return number"),
    ("math.ceil", "The smallest integer at least `x`.\n@param x number\n@return integer"),
    ("math.cos", "The cosine of `x` (radians).\n@param x number\n@return number"),
    ("math.cosh", "The hyperbolic cosine of `x`.\n@param x number\n@return number"),
    ("math.deg", "`x` radians in degrees.\n@param x number\n@return number"),
    ("math.exp", "e to the power `x`.\n@param x number\n@return number"),
    ("math.floor", "The largest integer at most `x`.\n@param x number\n@return integer"),
    ("math.fmod", "The remainder of `x / y`, rounded toward zero.\n@param x number\n@param y number\n@return number"),
    ("math.frexp", "`m` and `e` with `x = m * 2^e`.\n@param x number\n@return number m\n@return integer e"),
    ("math.ldexp", "`m * 2^e`.\n@param m number\n@param e integer\n@return number"),
    ("math.log", "The natural logarithm of `x` (Lua 5.1: no base).\n@param x number\n@return number"),
    ("math.log10", "The base-10 logarithm of `x`.\n@param x number\n@return number"),
    ("math.max", "The largest of its arguments.\n@param x number\n@param ... number\n@return number"),
    ("math.min", "The smallest of its arguments.\n@param x number\n@param ... number\n@return number"),
    ("math.mod", "Lua 5.0's name of `math.fmod`.\n@param x number\n@param y number\n@return number"),
    ("math.modf", "The integral and fractional parts of `x`.\n@param x number\n@return number\n@return number"),
    ("math.pow", "`x ^ y`.\n@param x number\n@param y number\n@return number"),
    ("math.rad", "`x` degrees in radians.\n@param x number\n@return number"),
    (
        "math.random",
        "A pseudo-random number: in [0, 1), in [1, m], or in [m, n]. Redis seeds it the same way every time: call `math.randomseed` first.
@param m? integer
@param n? integer
@return number",
    ),
    ("math.randomseed", "Seeds `math.random`.\n@param x number"),
    ("math.sin", "The sine of `x` (radians).\n@param x number\n@return number"),
    ("math.sinh", "The hyperbolic sine of `x`.\n@param x number\n@return number"),
    ("math.sqrt", "The square root of `x`.\n@param x number\n@return number"),
    ("math.tan", "The tangent of `x` (radians).\n@param x number\n@return number"),
    ("math.tanh", "The hyperbolic tangent of `x`.\n@param x number\n@return number"),
    // coroutine
    ("coroutine.create", "A new coroutine running `f`.\n@param f function\n@return thread"),
    (
        "coroutine.resume",
        "Starts or resumes `co`: `true` and what it yields or returns, or `false` and the error.
@param co thread
@param ... any
@return boolean success
@return any ...",
    ),
    ("coroutine.running", "The running coroutine (`nil` in the main one).\n@return thread?"),
    ("coroutine.status", "The status of `co`.\n@param co thread\n@return \"running\"|\"suspended\"|\"normal\"|\"dead\""),
    ("coroutine.wrap", "A function that resumes a new coroutine running `f`.\n@param f function\n@return function"),
    ("coroutine.yield", "Suspends the running coroutine.\n@param ... any\n@return any ..."),
    // bit (LuaBitOp): 32-bit operations on numbers
    ("bit.arshift", "`x` shifted right by `n` bits, keeping the sign.\n@param x integer\n@param n integer\n@return integer"),
    ("bit.band", "The bitwise and of its arguments.\n@param x integer\n@param ... integer\n@return integer"),
    ("bit.bnot", "The bitwise not of `x`.\n@param x integer\n@return integer"),
    ("bit.bor", "The bitwise or of its arguments.\n@param x integer\n@param ... integer\n@return integer"),
    ("bit.bswap", "`x` with its bytes swapped.\n@param x integer\n@return integer"),
    ("bit.bxor", "The bitwise exclusive or of its arguments.\n@param x integer\n@param ... integer\n@return integer"),
    ("bit.lshift", "`x` shifted left by `n` bits.\n@param x integer\n@param n integer\n@return integer"),
    ("bit.rol", "`x` rotated left by `n` bits.\n@param x integer\n@param n integer\n@return integer"),
    ("bit.ror", "`x` rotated right by `n` bits.\n@param x integer\n@param n integer\n@return integer"),
    ("bit.rshift", "`x` shifted right by `n` bits.\n@param x integer\n@param n integer\n@return integer"),
    ("bit.tobit", "`x` as a signed 32-bit number.\n@param x number\n@return integer"),
    ("bit.tohex", "`x` in hexadecimal, `n` digits (uppercase when `n` is negative).\n@param x integer\n@param n? integer\n@return string"),
    // cjson
    ("cjson.decode", "The Lua value of a JSON text (`null` is `cjson.null`).\n@param text string\n@return any"),
    ("cjson.encode", "The JSON text of a value (an empty table is `{}`).\n@param value any\n@return string"),
    (
        "cjson.decode_invalid_numbers",
        "Whether `decode` accepts `NaN`, `Infinity` and hexadecimal numbers.
@param setting? boolean
@return boolean",
    ),
    ("cjson.decode_max_depth", "How deep `decode` nests.\n@param depth? integer\n@return integer"),
    (
        "cjson.encode_invalid_numbers",
        "What `encode` does with `NaN` and infinities.
@param setting? boolean|\"null\"
@return boolean|\"null\"",
    ),
    ("cjson.encode_keep_buffer", "Whether `encode` keeps its buffer between calls.\n@param keep? boolean\n@return boolean"),
    ("cjson.encode_max_depth", "How deep `encode` nests.\n@param depth? integer\n@return integer"),
    ("cjson.encode_number_precision", "The significant digits `encode` writes.\n@param precision? integer\n@return integer"),
    (
        "cjson.encode_sparse_array",
        "How `encode` treats sparse arrays.
@param convert? boolean
@param ratio? integer
@param safe? integer
@return boolean convert
@return integer ratio
@return integer safe",
    ),
    ("cjson.new", "A new instance of the module, with its own settings.\n@return cjsonlib"),
    // cmsgpack
    ("cmsgpack.pack", "The MessagePack encoding of its arguments, one after the other.\n@param ... any\n@return string"),
    ("cmsgpack.unpack", "Every value of a MessagePack text.\n@param data string\n@return any ..."),
    (
        "cmsgpack.unpack_limit",
        "At most `limit` values of a MessagePack text from `offset`: the next offset (-1 at the end), then the values.
@param data string
@param limit integer
@param offset? integer
@return integer offset
@return any ...",
    ),
    (
        "cmsgpack.unpack_one",
        "One value of a MessagePack text from `offset`: the next offset (-1 at the end), then the value.
@param data string
@param offset? integer
@return integer offset
@return any",
    ),
    // struct
    ("struct.pack", "Binary data packed by `format`.\n@param format string\n@param ... any\n@return string"),
    ("struct.size", "The size of the data `format` packs.\n@param format string\n@return integer"),
    (
        "struct.unpack",
        "The values `format` reads from `data` at `offset`, then the offset after them.
@param format string
@param data string
@param offset? integer
@return any ...",
    ),
    // redis
    (
        "redis.call",
        "Runs a Redis command; raises the error of a command that fails. Its reply in Lua: an integer is a number, a bulk string a string, a null reply `false` (never `nil`), a status `{ok = 'OK'}`, an array or map a table (a map as a flat array of pairs).
@param command redis.Command|string
@param ... string|number
@return any",
    ),
    (
        "redis.pcall",
        "Runs a Redis command, as `redis.call` does, but returns the error of a command that fails as a table `{err = '...'}`.
@param command redis.Command|string
@param ... string|number
@return any",
    ),
    (
        "redis.error_reply",
        "An error reply `{err = message}` (`ERR ` is prepended to a message without a code); it is sent only when returned.
@param message string
@return redis.ErrorReply",
    ),
    (
        "redis.status_reply",
        "A status reply `{ok = message}`; it is sent only when returned.
@param message string
@return redis.StatusReply",
    ),
    ("redis.sha1hex", "The SHA1 of `s`, in hexadecimal.\n@param s string\n@return string"),
    (
        "redis.log",
        "Writes to the server's log, at `level` (`redis.LOG_WARNING`, ...).
@param level integer
@param message any
@param ... any",
    ),
    (
        "redis.setresp",
        "The protocol of the replies the script gets from now on: 2 (the default) or 3.
@param version 2|3",
    ),
    (
        "redis.set_repl",
        "Where the script's writes are replicated (`redis.REPL_ALL`, ...).
@param flags integer",
    ),
    (
        "redis.replicate_commands",
        "Replicates the script's effects rather than the script (Redis 7: always so).
@return boolean",
    ),
    ("redis.breakpoint", "A breakpoint for the Lua debugger (`redis-cli --ldb`).\n@return boolean"),
    ("redis.debug", "Prints its arguments in the Lua debugger's console.\n@param ... any"),
    (
        "redis.acl_check_cmd",
        "Whether the user running the script may run this command with these arguments.
@param command string
@param ... string|number
@return boolean",
    ),
    (
        "redis.register_function",
        "Registers a function of a library (`#!lua name=...`, `FUNCTION LOAD`), by name and callback, or as a table; only while the library loads.
@param name string
@param callback fun(keys: string[], args: string[]): any
@overload fun(spec: { function_name: string, callback: fun(keys: string[], args: string[]): any, flags?: string[], description?: string })",
    ),
];
