//! How deep full_moon and the analysis will recurse on a script, counted on the
//! tokens Lua's lexer reads: the rules of `parse::Nesting::scan` (which reads the
//! bytes itself, and still does when Lua stops before the end of a script), so that
//! a script Lua compiles is scanned once, by the lexer that compiles it.

use super::lex::Tk;

/// Deeper than this is "chunk has too many syntax levels" in Lua 5.1.
const MAX_LEVELS: usize = 200;

/// What `parse::Nesting` holds, for a whole script.
#[derive(Clone, Copy, Debug, Default, PartialEq)]
pub(crate) struct Depth {
    /// The deepest level reached.
    pub(crate) deepest: usize,
    /// Binary operators (a comparison written with `=` counts once).
    pub(crate) operators: usize,
    /// Byte offset of the first token nested deeper than Lua's 200 levels.
    pub(crate) too_deep_at: Option<usize>,
}

/// The counters of `parse::Nesting::scan`, token by token.
#[derive(Default)]
pub(super) struct DepthScan {
    depth: usize,
    unary_run: usize,
    chain: usize,
    /// The counters of the expressions a bracket or block interrupts, and their sum.
    enclosing: Vec<(usize, usize)>,
    outer: usize,
    prev_operand: bool,
    found: Depth,
}

impl DepthScan {
    /// Counts the token `tk` that starts at `start`.
    #[inline]
    pub(super) fn token(&mut self, tk: Tk, start: usize) {
        let mut operand = false;
        match tk {
            Tk::String | Tk::Number | Tk::Name | Tk::Nil | Tk::True | Tk::False => operand = true,
            Tk::Char(b'(' | b'{' | b'[') | Tk::Function | Tk::Do | Tk::Then | Tk::Repeat => {
                self.depth += 1;
                self.enter();
            }
            Tk::Char(b')' | b'}' | b']') | Tk::End | Tk::Until | Tk::Elseif => {
                self.depth = self.depth.saturating_sub(1);
                self.leave();
                operand = true;
            }
            // the byte scan reads `...` as a `.` and a `..`
            Tk::Concat | Tk::Dots | Tk::Char(b'^') => {
                self.chain += 1;
                self.found.operators += 1;
            }
            Tk::Char(b'-' | b'#') if !self.prev_operand => self.unary_run += 1,
            Tk::Not => self.unary_run += 1,
            Tk::And | Tk::Or => self.found.operators += 1,
            // `==`, `<=`, `>=`, `~=`: an operator, then an `=` that ends the expression
            Tk::Eq | Tk::Le | Tk::Ge | Tk::Ne => {
                self.found.operators += 1;
                self.reset();
            }
            Tk::Char(b',' | b';' | b'=')
            | Tk::Local
            | Tk::Return
            | Tk::If
            | Tk::While
            | Tk::For
            | Tk::In
            | Tk::Else
            | Tk::Break => self.reset(),
            Tk::Char(c) => self.found.operators += usize::from(b"+-*/%<>~".contains(&c)),
            Tk::Eos => return,
        }
        if operand {
            self.unary_run = 0;
        }
        self.prev_operand = operand;
        let level = self.depth + self.outer + self.unary_run + self.chain;
        if level > MAX_LEVELS && self.found.too_deep_at.is_none() {
            self.found.too_deep_at = Some(start);
        }
        self.found.deepest = self.found.deepest.max(level);
    }

    pub(super) fn finish(&self) -> Depth {
        self.found
    }

    fn reset(&mut self) {
        self.unary_run = 0;
        self.chain = 0;
    }

    /// A bracket or block opens inside the current expression: keep its counters.
    fn enter(&mut self) {
        self.enclosing.push((self.chain, self.unary_run));
        self.outer += self.chain + self.unary_run;
        (self.chain, self.unary_run) = (0, 0);
    }

    /// A bracket or block closes: back in the expression it interrupted.
    fn leave(&mut self) {
        let (chain, unary_run) = self.enclosing.pop().unwrap_or_default();
        self.outer = self.outer.saturating_sub(chain + unary_run);
        (self.chain, self.unary_run) = (chain, unary_run);
    }
}
