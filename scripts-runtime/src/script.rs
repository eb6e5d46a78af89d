//! The compile-time descriptor of one script.

use crate::library::{Function, Library};
use crate::location::Location;
use crate::prefix::{PrefixArg, PrefixKey};

/// A script as `#[redis_script]` compiled it: source, SHA1 (computed at compile
/// time), how many keys and args it takes, and where it is written.
///
/// The generated companion module exposes it as `name::SCRIPT`.
#[derive(Debug)]
pub struct Script {
    name: &'static str,
    source: &'static str,
    sha1: &'static str,
    keys: usize,
    variadic_keys: bool,
    args: usize,
    variadic_args: bool,
    read_only: bool,
    location: Location,
    lines: &'static [u32],
    prefixes: &'static [PrefixKey],
    arg_prefixes: &'static [PrefixArg],
    function: Option<Function>,
}

impl Script {
    /// Used by the generated code; the fields are checked by the macro.
    #[doc(hidden)]
    #[allow(clippy::too_many_arguments)]
    pub const fn __new(
        name: &'static str,
        source: &'static str,
        sha1: &'static str,
        (keys, variadic_keys): (usize, bool),
        (args, variadic_args): (usize, bool),
        read_only: bool,
        location: Location,
        lines: &'static [u32],
    ) -> Self {
        Script {
            name,
            source,
            sha1,
            keys,
            variadic_keys,
            args,
            variadic_args,
            read_only,
            location,
            lines,
            prefixes: &[],
            arg_prefixes: &[],
            function: None,
        }
    }

    /// Used by the generated code: a function of `library` registered as `name`,
    /// called with `FCALL` (`FCALL_RO` when read-only).
    #[doc(hidden)]
    pub const fn __in_library(mut self, library: &'static Library, name: &'static str) -> Self {
        self.function = Some(Function { library, name });
        self
    }

    /// The library function this descriptor calls, for a `#[redis_library]` function;
    /// `None` for a script.
    pub fn function(&self) -> Option<Function> {
        self.function
    }

    /// Used by the generated code: the `#[key(prefix)]` parameters.
    #[doc(hidden)]
    pub const fn __with_prefixes(mut self, prefixes: &'static [PrefixKey]) -> Self {
        self.prefixes = prefixes;
        self
    }

    /// Used by the generated code: the `#[arg(prefix)]` parameters.
    #[doc(hidden)]
    pub const fn __with_arg_prefixes(mut self, prefixes: &'static [PrefixArg]) -> Self {
        self.arg_prefixes = prefixes;
        self
    }

    /// The Rust function's name.
    pub fn name(&self) -> &'static str {
        self.name
    }

    /// The Lua text, exactly as sent to Redis (for a library function, its library's).
    pub fn source(&self) -> &'static str {
        self.source
    }

    /// Lowercase hex SHA1 of [`source`](Self::source), as `SCRIPT LOAD` returns it
    /// (for a library function, of its library's text).
    pub fn sha1(&self) -> &'static str {
        self.sha1
    }

    /// Number of fixed `KEYS` entries; more follow when [`variadic_keys`](Self::variadic_keys).
    pub fn key_count(&self) -> usize {
        self.keys
    }

    /// True when the last key parameter is a slice.
    pub fn variadic_keys(&self) -> bool {
        self.variadic_keys
    }

    /// Number of fixed `ARGV` entries; more follow when [`variadic_args`](Self::variadic_args).
    pub fn arg_count(&self) -> usize {
        self.args
    }

    /// True when the last argument parameter is a slice.
    pub fn variadic_args(&self) -> bool {
        self.variadic_args
    }

    /// True when the script is flagged `no-writes` or proven to call only read-only
    /// commands (a library function: registered with the `no-writes` flag).
    pub fn read_only(&self) -> bool {
        self.read_only
    }

    /// Where the Lua text starts in the Rust (or `.lua`) source.
    pub fn location(&self) -> Location {
        self.location
    }

    /// The `#[key(prefix)]` parameters: keys the script builds other keys from, each
    /// checked for a hash tag before a call is sent.
    pub fn prefix_keys(&self) -> &'static [PrefixKey] {
        self.prefixes
    }

    /// The `#[arg(prefix)]` parameters: arguments the script builds keys from, which
    /// it does not declare in `KEYS`. Before a call is sent each value is checked for a
    /// hash tag, and on a cluster for the slot of the call's keys.
    pub fn prefix_args(&self) -> &'static [PrefixArg] {
        self.arg_prefixes
    }

    /// The source line where Lua line `lua_line` (1-based, as in Redis errors) is written;
    /// `None` when the [`location`](Self::location) is unknown.
    pub fn source_line(&self, lua_line: u32) -> Option<u32> {
        let index = usize::try_from(lua_line).ok()?.checked_sub(1)?;
        self.lines.get(index).copied()
    }
}
