//! What the compiler keeps while compiling: the function being compiled
//! (`FuncState`), its blocks, the expressions being built (`expdesc`), and the state
//! of the whole compilation.

use super::Refusal;
use super::instr::{BITRK, NO_JUMP, NO_REG, abc, arg_b, arg_c, arg_sbx, get_op, is_test, op, set_a, set_c, set_op};
use super::lex::{FxHashMap, Lexer};

pub(super) type R<T> = Result<T, Box<Refusal>>;

/// What an expression is, so far (`expkind` of `lparser.h`).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(super) enum Kind {
    Void,
    Nil,
    True,
    False,
    /// A constant: `info` is its index.
    K,
    /// A number not yet in the constant table.
    KNum,
    /// A local: `info` is its register.
    Local,
    /// An upvalue: `info` is its index.
    Upval,
    /// A global: `info` is the name's constant.
    Global,
    /// `t[k]`: `info` is the table's register, `aux` the key's register or constant.
    Indexed,
    /// A comparison: `info` is its jump.
    Jmp,
    /// An instruction that may still write anywhere: `info` is its position.
    Relocable,
    /// A value in register `info`.
    NonReloc,
    /// An open call: `info` is its instruction.
    Call,
    /// `...`: `info` is its instruction.
    Vararg,
}

/// `expdesc`: an expression being compiled.
#[derive(Clone, Copy, Debug)]
pub(super) struct Exp {
    pub(super) k: Kind,
    pub(super) info: i32,
    pub(super) aux: i32,
    pub(super) nval: f64,
    /// Jumps taken when the expression is true, and when false.
    pub(super) t: i32,
    pub(super) f: i32,
}

impl Exp {
    #[inline]
    pub(super) fn new(k: Kind, info: i32) -> Exp {
        Exp {
            k,
            info,
            aux: 0,
            nval: 0.0,
            t: NO_JUMP,
            f: NO_JUMP,
        }
    }

    #[inline]
    pub(super) fn number(nval: f64) -> Exp {
        Exp {
            nval,
            ..Exp::new(Kind::KNum, 0)
        }
    }

    #[inline]
    pub(super) fn has_jumps(&self) -> bool {
        self.t != self.f
    }

    #[inline]
    pub(super) fn is_numeral(&self) -> bool {
        self.k == Kind::KNum && self.t == NO_JUMP && self.f == NO_JUMP
    }

    #[inline]
    pub(super) fn has_multret(&self) -> bool {
        matches!(self.k, Kind::Call | Kind::Vararg)
    }
}

/// A key of a function's constant table.
#[derive(Clone, Copy, PartialEq, Eq, Hash)]
pub(super) enum Const {
    Nil,
    Bool(bool),
    /// A number's bits, `-0` as `0` (equal keys in a Lua table).
    Num(u64),
    /// An interned string.
    Str(u32),
}

/// `BlockCnt`: a block being compiled.
pub(super) struct Block {
    pub(super) breaklist: i32,
    pub(super) nactvar: i32,
    pub(super) upval: bool,
    pub(super) isbreakable: bool,
}

/// `FuncState` and the parts of its `Proto` the compiler reads.
pub(super) struct FuncState {
    pub(super) code: Vec<u32>,
    pub(super) consts: FxHashMap<Const, i32>,
    pub(super) nk: i32,
    pub(super) np: i32,
    /// Every local the function declared, by name (`locvars`).
    pub(super) locvars: Vec<u32>,
    /// The locals in scope, as indices into `locvars`, and those being declared.
    pub(super) actvar: Vec<u16>,
    pub(super) nactvar: i32,
    /// Kind (`Local` or `Upval`) and index of each upvalue in the enclosing function.
    pub(super) upvalues: Vec<(Kind, i32)>,
    pub(super) freereg: i32,
    pub(super) maxstacksize: i32,
    pub(super) lasttarget: i32,
    pub(super) jpc: i32,
    /// The last jump of each pending jump list of two jumps or more, at the list's
    /// first jump (`NO_JUMP` elsewhere): Lua walks a list to its end on every append,
    /// which makes a chain of `n` `and`s cost `n * n / 2` steps. See
    /// [`FuncState::last`] for why it is always exact.
    pub(super) tails: Vec<i32>,
    pub(super) blocks: Vec<Block>,
    pub(super) is_vararg: u8,
    /// The line of its `function` (0 for the main chunk), which limit messages name.
    pub(super) linedefined: u32,
}

impl FuncState {
    pub(super) fn new(linedefined: u32) -> FuncState {
        FuncState {
            code: Vec::new(),
            consts: FxHashMap::default(),
            nk: 0,
            np: 0,
            locvars: Vec::new(),
            actvar: Vec::new(),
            nactvar: 0,
            upvalues: Vec::new(),
            freereg: 0,
            // registers 0 and 1 are always valid
            maxstacksize: 2,
            lasttarget: -1,
            jpc: NO_JUMP,
            tails: Vec::new(),
            blocks: Vec::new(),
            is_vararg: 0,
            linedefined,
        }
    }

    #[inline]
    pub(super) fn pc(&self) -> i32 {
        self.code.len() as i32
    }

    /// The jump after `pc` in its list, or where the jump at `pc` goes once patched.
    #[inline]
    pub(super) fn getjump(&self, pc: i32) -> i32 {
        #[cfg(test)]
        LINKS.with(|links| links.set(links.get() + 1));
        self.link(pc)
    }

    #[inline]
    fn link(&self, pc: i32) -> i32 {
        let offset = arg_sbx(self.code[pc as usize]);
        if offset == NO_JUMP { NO_JUMP } else { pc + 1 + offset }
    }

    /// The last jump of the pending list starting at `list`, which Lua's
    /// `luaK_concat` finds by walking the list.
    ///
    /// `tails` holds it for every list of two jumps or more:
    /// - a list is made longer only by [`Compiler::concat`], which records the new
    ///   last jump when it writes the link (a link too long is refused, not written,
    ///   and the list stays as it was);
    /// - a jump is the first of a longer list only once something was appended to
    ///   it, so a list of one jump (its link is `NO_JUMP`) has no entry;
    /// - a list stops being pending when it is patched (`patchlistaux`, on the lists
    ///   `dischargejpc`, `patchlist` and `exp2reg` consume) or dropped, and its
    ///   jumps are never pending again;
    /// - as in Lua, whoever holds a list (`jpc`, an expression's `t` and `f` and a
    ///   comparison's `info`, a block's `breaklist`, the parser's `escapelist`,
    ///   `flist`, `condexit` and `prep`) gives it up when it is appended to another
    ///   list or patched, so nothing is ever appended to a list that is the end of a
    ///   longer one (which would leave the longer one's entry behind). The one
    ///   holder kept, a comparison's `info` after `goiftrue` or `goiffalse` put its
    ///   jump on `f` or `t`, is never read again: `cond` and `posfix` read the list.
    ///
    /// So the walk from the recorded jump follows no link, and the tests assert the
    /// recorded jump is where Lua's walk ends. Were an append ever missed, the
    /// recorded jump would still be on the list and the walk would still end there.
    #[inline]
    pub(super) fn last(&self, list: i32) -> i32 {
        let mut last = match self.tails.get(list as usize) {
            Some(&tail) if tail != NO_JUMP => tail,
            _ => list,
        };
        #[cfg(test)]
        assert_eq!(
            last,
            self.walk_to_last(list),
            "the recorded end of the jump list at {list}"
        );
        loop {
            let next = self.getjump(last);
            if next == NO_JUMP {
                return last;
            }
            last = next;
        }
    }

    /// Records `last` as the last jump of the list starting at `list`.
    #[inline]
    pub(super) fn set_last(&mut self, list: i32, last: i32) {
        let at = list as usize;
        if at >= self.tails.len() {
            self.tails.resize(self.code.len().max(at + 1), NO_JUMP);
        }
        self.tails[at] = last;
    }

    /// Lua's walk to the end of a list, uncounted: what [`FuncState::last`] must find.
    #[cfg(test)]
    fn walk_to_last(&self, mut list: i32) -> i32 {
        loop {
            let next = self.link(list);
            if next == NO_JUMP {
                return list;
            }
            list = next;
        }
    }

    #[inline]
    pub(super) fn getjumpcontrol(&self, pc: i32) -> usize {
        let pc = pc as usize;
        if pc >= 1 && is_test(get_op(self.code[pc - 1])) {
            pc - 1
        } else {
            pc
        }
    }

    #[inline]
    pub(super) fn need_value(&self, mut list: i32) -> bool {
        while list != NO_JUMP {
            if get_op(self.code[self.getjumpcontrol(list)]) != op::TESTSET {
                return true;
            }
            list = self.getjump(list);
        }
        false
    }

    #[inline]
    pub(super) fn patchtestreg(&mut self, node: i32, reg: i32) -> bool {
        let at = self.getjumpcontrol(node);
        let i = self.code[at];
        if get_op(i) != op::TESTSET {
            return false;
        }
        if reg != NO_REG && reg != arg_b(i) {
            set_a(&mut self.code[at], reg);
        } else {
            self.code[at] = abc(op::TEST, arg_b(i), 0, arg_c(i));
        }
        true
    }

    #[inline]
    pub(super) fn freereg(&mut self, reg: i32) {
        if reg & BITRK == 0 && reg >= self.nactvar {
            self.freereg -= 1;
        }
    }

    #[inline]
    pub(super) fn freeexp(&mut self, e: &Exp) {
        if e.k == Kind::NonReloc {
            self.freereg(e.info);
        }
    }

    #[inline]
    pub(super) fn getlabel(&mut self) -> i32 {
        self.lasttarget = self.pc();
        self.pc()
    }

    #[inline]
    pub(super) fn set_call_results(&mut self, e: &Exp, results: i32) {
        if let Some(i) = self.code.get_mut(e.info as usize) {
            set_c(i, results);
        }
    }

    #[inline]
    pub(super) fn make_tail_call(&mut self, e: &Exp) {
        if let Some(i) = self.code.get_mut(e.info as usize) {
            set_op(i, op::TAILCALL);
        }
    }
}

#[cfg(test)]
thread_local! {
    /// Links followed in jump lists (calls to [`FuncState::getjump`]) on this thread,
    /// for the test that a long `and` chain costs linear work.
    pub(super) static LINKS: std::cell::Cell<u64> = const { std::cell::Cell::new(0) };
}

/// The state of one compilation: the lexer, the function being compiled and the
/// ones enclosing it.
pub(super) struct Compiler<'a> {
    pub(super) ls: Lexer<'a>,
    pub(super) fs: FuncState,
    pub(super) outer: Vec<FuncState>,
    /// `nCcalls`: the current nesting of blocks and expressions.
    pub(super) levels: u32,
    /// The left-hand sides of the assignments being compiled.
    pub(super) targets: Vec<Exp>,
    /// Where the last token consumed was, for limit errors that name it.
    pub(super) last: (usize, usize),
    /// The first refusal of the code generator. Lua raises it at once; here the
    /// generator records it and goes on, and the parser stops at its next token: the
    /// generator's functions need no error path.
    pub(super) failed: Option<Box<Refusal>>,
    /// A first pass: the code generator only keeps the kinds of expressions (see
    /// [`super::shadow`]), and the statements long enough for its limits are noted.
    pub(super) shadow: bool,
    /// In a shadow pass, a statement was long enough to need the real generator.
    pub(super) needs_exact: bool,
    /// Tokens read in the statements finished inside the statement being compiled.
    pub(super) inner_tokens: usize,
    /// The most locals in scope since the statement being compiled started.
    pub(super) peak_locals: i32,
    /// The deepest `levels` reached, and the binary operators read.
    pub(super) max_levels: u32,
    pub(super) operators: usize,
}

impl Compiler<'_> {
    /// Records a refusal of the code generator (the first one counts).
    #[inline]
    pub(super) fn fail(&mut self, refusal: Box<Refusal>) {
        if self.failed.is_none() {
            self.failed = Some(refusal);
        }
    }
}
