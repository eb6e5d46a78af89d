//! The Redis Lua checker behind `#[redis_script]`.
//!
//! A plain library (no `syn`, no `proc_macro`): it parses a script as Lua 5.1 with
//! full_moon, runs the lints against the Redis scripting environment and returns
//! findings as byte ranges, which [`render`] turns into rustc-style text.
//!
//! ```
//! use scripts_lint::{check, render, Signature, SourceMap};
//!
//! let source = "return redis.call('GET', KEYS[1]\n";
//! let report = check(source, &Signature::default());
//! let finding = &report.diagnostics[0];
//! assert_eq!(finding.lint, "lua_syntax");
//! let text = render(finding, source, &SourceMap::file("get.lua", source));
//! assert!(text.contains("get.lua:1:"));
//! ```

mod diagnostic;
pub mod lints;
mod parse;
pub mod redis;
mod render;
mod source_map;

pub use diagnostic::{Diagnostic, Label, Level};
pub use render::render;
pub use source_map::{LineIndex, Position, SourceMap};

/// What the Rust side declares about a script: how many keys and args it passes.
#[derive(Clone, Debug, Default)]
pub struct Signature {
    /// Number of `KEYS` entries the function passes.
    pub keys: Count,
    /// Number of `ARGV` entries the function passes.
    pub args: Count,
}

/// How many values a signature passes: a fixed number, or at least some (a slice).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Count {
    /// Exactly this many.
    Exact(usize),
    /// This many fixed parameters followed by a slice of any length.
    AtLeast(usize),
}

impl Default for Count {
    fn default() -> Self {
        Count::Exact(0)
    }
}

/// The outcome of checking one script.
#[derive(Debug, Default)]
pub struct Report {
    /// Every finding, in source order, at its effective level (allowed ones removed).
    pub diagnostics: Vec<Diagnostic>,
}

impl Report {
    /// True when a finding fails the build.
    pub fn has_errors(&self) -> bool {
        self.diagnostics.iter().any(|d| d.level == Level::Deny)
    }
}

/// Stack for parsing and linting. full_moon and the lint visitors recurse once per
/// nesting level, about 20 KiB a level in a debug build (how proc macros are usually
/// built); [`parse`](crate::parse) refuses more than 200 levels, as Lua 5.1 does, so
/// this leaves a wide margin. Only touched pages are committed.
const CHECK_STACK: usize = 64 * 1024 * 1024;

/// Checks `source` against the Redis environment and `signature`.
///
/// Runs on a thread of its own with a large stack, so no input can overflow the
/// caller's stack (a proc macro's, or a test thread's 2 MiB).
pub fn check(source: &str, signature: &Signature) -> Report {
    std::thread::scope(|scope| {
        match std::thread::Builder::new()
            .name("scripts-lint".into())
            .stack_size(CHECK_STACK)
            .spawn_scoped(scope, || check_here(source, signature))
        {
            Ok(handle) => handle.join().unwrap_or_else(|panic| std::panic::resume_unwind(panic)),
            // no thread available: check on the caller's stack rather than not at all
            Err(_) => check_here(source, signature),
        }
    })
}

fn check_here(source: &str, signature: &Signature) -> Report {
    let _ = signature;
    let mut diagnostics = match parse::parse(source) {
        Ok(_ast) => Vec::new(),
        Err(syntax_errors) => syntax_errors,
    };
    diagnostics.sort_by_key(|d| d.primary.range.start);
    Report { diagnostics }
}
