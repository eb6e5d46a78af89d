//! The compile-time descriptor of a Redis function library (loading it is in
//! `load.rs`).

use redis::Cmd;

use crate::location::Location;

/// A function library as `#[redis_library]` compiled it: the Lua text sent with
/// `FUNCTION LOAD`, the name it is loaded under, and where it is written.
///
/// With versioned names (the default), the library and every function it registers
/// are loaded under names that carry a hash of the library's text (`bank_v1a2b3c4d`,
/// `transfer_v1a2b3c4d`): two builds of an application with different libraries can
/// share a server, each calling the code it was compiled with, as `EVALSHA` scripts
/// do. With `stable_names`, they are loaded under the names written in the Lua, and a
/// load replaces whatever library of that name the server has.
///
/// The generated module exposes it as `LIBRARY`.
#[derive(Debug)]
pub struct Library {
    declared_name: &'static str,
    name: &'static str,
    source: &'static str,
    versioned: bool,
    location: Location,
    lines: &'static [u32],
}

impl Library {
    /// Used by the generated code; the fields are checked by the macro.
    #[doc(hidden)]
    pub const fn __new(
        declared_name: &'static str,
        name: &'static str,
        source: &'static str,
        versioned: bool,
        location: Location,
        lines: &'static [u32],
    ) -> Self {
        Library {
            declared_name,
            name,
            source,
            versioned,
            location,
            lines,
        }
    }

    /// The name the library is loaded under (`bank_v1a2b3c4d` when versioned).
    pub fn name(&self) -> &'static str {
        self.name
    }

    /// The name in its `#!lua name=` line.
    pub fn declared_name(&self) -> &'static str {
        self.declared_name
    }

    /// The Lua text, exactly as sent with `FUNCTION LOAD` (with the versioned names).
    pub fn source(&self) -> &'static str {
        self.source
    }

    /// True when the library and its functions are loaded under versioned names.
    pub fn versioned(&self) -> bool {
        self.versioned
    }

    /// Where the Lua text starts in the Rust (or `.lua`) source.
    pub fn location(&self) -> Location {
        self.location
    }

    /// The source line where Lua line `lua_line` (1-based) is written.
    pub fn source_line(&self, lua_line: u32) -> Option<u32> {
        let index = usize::try_from(lua_line).ok()?.checked_sub(1)?;
        self.lines.get(index).copied()
    }

    /// `FUNCTION LOAD REPLACE <source>`: loading the same text again is harmless, and
    /// under stable names a new build replaces the old one.
    pub fn load_command(&self) -> Cmd {
        let mut cmd = redis::cmd("FUNCTION");
        cmd.arg("LOAD").arg("REPLACE").arg(self.source);
        cmd
    }
}

/// A function of a library: what a [`Script`](crate::Script) descriptor points at
/// when it calls a function with `FCALL` rather than a script with `EVALSHA`.
#[derive(Clone, Copy, Debug)]
pub struct Function {
    /// The library that registers it.
    pub library: &'static Library,
    /// The name it is registered under (versioned when the library is).
    pub name: &'static str,
}
