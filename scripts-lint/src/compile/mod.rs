//! What Lua 5.1 refuses to compile, decided as Redis decides it: a port of the lexer,
//! parser and code generator of the Lua 5.1.5 Redis embeds (`llex.c`, `lparser.c`,
//! `lcode.c`, with Redis's `luaconf.h`), run over the script before full_moon builds
//! the tree the lints read.
//!
//! full_moon's Lua 5.1 grammar accepts scripts Lua refuses (more than 200 locals in a
//! function, `break` outside a loop, a call too large for the 250 registers) and the
//! reverse (`0x1p4`), so what compiles is decided here, and each refusal comes with
//! the line and the text Redis gives: `user_script:3: no loop to break near 'end'`.
//!
//! Left out, because no script Redis accepts can reach them: "chunk has too many
//! lines" and "code size overflow" (2^31 lines or instructions), "items in a
//! constructor" (2^31 items) and "lexical element too long" (half the address space),
//! all beyond a Redis argument's 512 MB. Left out because Redis no longer makes it:
//! "nesting of [[...]] is deprecated" (see `lex.rs`).
//!
//! Redis 7.0.15 is the judge: `tests/tests/lua_compile.rs` checks the port against a
//! live server.

use std::ops::Range;

mod code;
mod func;
mod instr;
mod lex;
pub(crate) mod number;
mod parser;
mod shadow;

/// Why Lua refused a script, for the help text.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum What {
    /// An unexpected or missing token.
    Syntax,
    /// A character or bracket the lexer cannot read.
    Lexical,
    MalformedNumber,
    UnfinishedString,
    UnfinishedLongString,
    UnfinishedLongComment,
    /// `\256` and above.
    EscapeTooLarge,
    /// More than 200 locals in scope in one function.
    TooManyLocals,
    /// More than 32,767 locals declared in one function.
    TooManyDeclared,
    /// More than 60 upvalues in one function.
    TooManyUpvalues,
    /// More than 200 nested blocks and expressions.
    TooManyLevels,
    /// Too many targets on the left of one `=`.
    TooManyAssigned,
    /// More than 250 registers.
    TooComplex,
    /// More than 262,143 constants or nested functions in one function.
    ConstantOverflow,
    /// A jump over more than 131,071 instructions.
    ControlTooLong,
    /// A line starting with `(` after an expression.
    AmbiguousCall,
    /// `break` outside a loop.
    NoLoop,
    /// `...` in a function without `...` parameters.
    VarargOutside,
}

/// A script Lua 5.1 refuses to compile: the first error, as Lua raises it.
#[derive(Clone, Debug)]
pub(crate) struct Refusal {
    pub(crate) what: What,
    /// Lua's message, after its `chunk:line:` prefix and before " near": "no loop to
    /// break".
    pub(crate) message: String,
    /// The text of the token Lua names ("near 'end'"), when it names one.
    pub(crate) near: Option<String>,
    /// The line Lua names; `None` for the errors Lua raises without a position
    /// ("constant table overflow").
    pub(crate) line: Option<u32>,
    /// The token Lua stopped at, or the part of a token it could not read: on the
    /// line Lua names.
    pub(crate) at: Range<usize>,
    /// What the message is about when that is not where Lua stopped: the 201st local,
    /// the expression before an ambiguous `(`.
    pub(crate) focus: Option<Range<usize>>,
}

impl Refusal {
    fn runtime(what: What, message: &str, at: Range<usize>) -> Box<Refusal> {
        Box::new(Refusal {
            what,
            message: message.to_owned(),
            near: None,
            line: None,
            at,
            focus: None,
        })
    }

    /// The error as Lua words it for a chunk named `chunk` (`user_script` for
    /// scripts, `user_function` for libraries): `user_script:3: no loop to break near 'end'`.
    pub(crate) fn lua_text(&self, chunk: &str) -> String {
        let message = match &self.near {
            Some(near) => format!("{} near '{near}'", self.message),
            None => self.message.clone(),
        };
        match self.line {
            Some(line) => format!("{chunk}:{line}: {message}"),
            None => message,
        }
    }
}

/// How deep a script Lua compiled nests, for `parse::Nesting` (the stack full_moon
/// and the analysis need is sized from it).
#[derive(Clone, Copy, Debug, Default, PartialEq)]
pub(crate) struct Depth {
    /// Lua's deepest nesting of blocks and expressions, plus two: never less than what
    /// `parse::Nesting::scan` counts on the same text (it counts a bracket as it opens,
    /// and a function's parameter list as a level of its own).
    pub(crate) deepest: usize,
    /// Binary operators.
    pub(crate) operators: usize,
    /// Always `None`: Lua refuses more than 200 levels.
    pub(crate) too_deep_at: Option<usize>,
}

/// The outcome of compiling a script as Lua 5.1.
pub(crate) struct Compiled {
    /// The first error, where Lua stops; `None` when Redis compiles the script.
    pub(crate) refusal: Option<Box<Refusal>>,
    /// Bytes to replace, up to where Lua stopped, so that full_moon reads the text as
    /// Lua does, each by an ASCII byte: `\v` and `\f` between tokens (white space to
    /// Lua) by a space, the `p` of a hexadecimal float (`0x1p4`, which full_moon's
    /// Lua 5.1 grammar refuses) by `0`, the second character of an escaped `\r\n` in
    /// a string (full_moon ends the string there) by a space, and the NUL bytes Lua's
    /// lexer takes into a number (with the rest of the number) or a `..`.
    pub(crate) masks: Vec<(usize, u8)>,
    /// How deep the script nests, when Lua read all of it (see [`Depth`]).
    pub(crate) depth: Option<Depth>,
}

impl Compiled {
    /// `source` as full_moon must read it: the same length and line breaks, so every
    /// position still points into `source`.
    pub(crate) fn masked(&self, source: &str) -> Option<String> {
        if self.masks.is_empty() {
            return None;
        }
        let mut bytes = source.as_bytes().to_vec();
        for &(at, byte) in &self.masks {
            bytes[at] = byte;
        }
        // ASCII replaced by ASCII
        String::from_utf8(bytes).ok()
    }
}

/// Scripts with more tokens than this are compiled with the code generator at once:
/// a function of that size could hold a jump over more than 131,071 instructions.
const SHADOW_TOKENS: usize = 20_000;

/// Compiles `source` (a script with its shebang line blanked, as Redis loads it) as
/// Lua 5.1.
///
/// A first pass runs the lexer and parser with the code generator in shadow (see
/// [`shadow`]): when it reads the whole script, no statement long enough to run out
/// of registers and no more tokens than a jump could span, Lua compiles the script.
/// Otherwise (a refusal, whose place may depend on the generator, or a statement too
/// long to be sure) the second pass, with the generator, decides.
pub(crate) fn compile(source: &str) -> Compiled {
    let mut first = func::Compiler::new(source);
    first.shadow = true;
    let refused = first.main().is_err();
    if !refused && !first.needs_exact && first.ls.consumed <= SHADOW_TOKENS {
        let depth = Some(first.depth());
        return Compiled {
            refusal: None,
            masks: first.into_masks(),
            depth,
        };
    }
    exact(source)
}

/// Compiles `source` with the code generator.
fn exact(source: &str) -> Compiled {
    let mut compiler = func::Compiler::new(source);
    let refusal = compiler.main().err();
    let depth = refusal.is_none().then(|| compiler.depth());
    Compiled {
        refusal,
        masks: compiler.into_masks(),
        depth,
    }
}

#[cfg(test)]
mod tests;
