//! Lua 5.1's parser (`lparser.c` of 5.1.5), rule for rule, driving the code generator
//! as Lua does, so each refusal comes at the same token and line as in Redis.

use std::borrow::Cow;

use super::code::{BinOpr, UNARY_PRIORITY, UnOpr};
use super::func::{Block, Compiler, Exp, FuncState, Kind, R};
use super::instr::{LFIELDS_PER_FLUSH, MAXARG_BX, MULTRET, NO_JUMP, op};
use super::lex::{Lexer, Tk};
use super::{Refusal, What};

/// `LUAI_MAXCCALLS`: nested blocks and expressions.
const MAX_LEVELS: u32 = 200;
/// `LUAI_MAXVARS`: locals in scope in one function.
const MAX_VARS: i32 = 200;
/// `LUAI_MAXUPVALUES`: upvalues of one function.
const MAX_UPVALUES: usize = 60;
/// `SHRT_MAX`: locals one function declares in all.
const MAX_LOCVARS: usize = 32767;

/// Registers a statement may take before a shadow pass hands over to the real code
/// generator: Lua's 250, less a margin.
const SHADOW_REGISTERS: usize = 240;

const VARARG_HASARG: u8 = 1;
const VARARG_ISVARARG: u8 = 2;
const VARARG_NEEDSARG: u8 = 4;

/// A constructor being compiled (`ConsControl`).
struct Constructor {
    v: Exp,
    table: i32,
    nh: i32,
    na: i32,
    tostore: i32,
}

impl<'a> Compiler<'a> {
    pub(super) fn new(source: &'a str) -> Self {
        Compiler {
            ls: Lexer::new(source),
            fs: FuncState::new(0),
            outer: Vec::new(),
            levels: 0,
            targets: Vec::new(),
            last: (0, 0),
            failed: None,
            shadow: false,
            needs_exact: false,
            inner_tokens: 0,
            peak_locals: 0,
            max_levels: 0,
            operators: 0,
        }
    }

    /// `luaY_parser`: the main chunk, a vararg function.
    pub(super) fn main(&mut self) -> R<()> {
        self.fs.is_vararg = VARARG_ISVARARG;
        let parsed = self
            .next()
            .and_then(|()| self.chunk())
            .and_then(|()| self.check(Tk::Eos));
        if parsed.is_ok() {
            self.close_func();
        }
        // the code generator's refusal came first, whatever the parser met after it
        match self.failed.take() {
            Some(refusal) => Err(refusal),
            None => parsed,
        }
    }

    pub(super) fn into_masks(self) -> Vec<(usize, u8)> {
        self.ls.masks
    }

    fn next(&mut self) -> R<()> {
        if let Some(refusal) = self.failed.take() {
            return Err(refusal);
        }
        self.last = (self.ls.t.range.0 as usize, self.ls.t.range.1 as usize);
        self.ls.next()
    }

    /// How deep the script nests (see [`super::Depth`]).
    pub(super) fn depth(&self) -> super::Depth {
        super::Depth {
            deepest: self.max_levels as usize + 2,
            operators: self.operators,
            too_deep_at: None,
        }
    }

    fn syntax_error(&self, what: What, message: impl Into<String>) -> Box<Refusal> {
        self.ls.syntax_error(what, message)
    }

    fn error_expected(&self, token: Tk) -> Box<Refusal> {
        self.syntax_error(What::Syntax, format!("'{}' expected", token.text()))
    }

    /// `errorlimit`: a limit of the function at `level` (its position among the
    /// functions being compiled), reported at the lexer's line, about the last token.
    fn errorlimit(&self, level: usize, limit: usize, what: &str, kind: What) -> Box<Refusal> {
        let linedefined = self.fs_at_ref(level).linedefined;
        let message = if linedefined == 0 {
            format!("main function has more than {limit} {what}")
        } else {
            format!("function at line {linedefined} has more than {limit} {what}")
        };
        let mut refusal = self.ls.error(kind, message, None, self.ls.here());
        refusal.focus = Some(self.last.0..self.last.1);
        refusal
    }

    fn testnext(&mut self, c: Tk) -> R<bool> {
        if self.ls.t.tk == c {
            self.next()?;
            Ok(true)
        } else {
            Ok(false)
        }
    }

    fn check(&self, c: Tk) -> R<()> {
        if self.ls.t.tk != c {
            return Err(self.error_expected(c));
        }
        Ok(())
    }

    fn checknext(&mut self, c: Tk) -> R<()> {
        self.check(c)?;
        self.next()
    }

    fn check_match(&mut self, what: Tk, who: Tk, line: u32) -> R<()> {
        if self.testnext(what)? {
            return Ok(());
        }
        if line == self.ls.line {
            return Err(self.error_expected(what));
        }
        Err(self.syntax_error(
            What::Syntax,
            format!("'{}' expected (to close '{}' at line {line})", what.text(), who.text()),
        ))
    }

    fn str_checkname(&mut self) -> R<u32> {
        self.check(Tk::Name)?;
        let name = self.ls.t.str;
        self.next()?;
        Ok(name)
    }

    fn codestring(&mut self, s: u32) -> R<Exp> {
        Ok(Exp::new(Kind::K, self.string_k(s)))
    }

    fn checkname(&mut self) -> R<Exp> {
        let name = self.str_checkname()?;
        self.codestring(name)
    }

    fn fs_at_ref(&self, level: usize) -> &FuncState {
        if level == self.outer.len() {
            &self.fs
        } else {
            &self.outer[level]
        }
    }

    fn fs_at(&mut self, level: usize) -> &mut FuncState {
        if level == self.outer.len() {
            &mut self.fs
        } else {
            &mut self.outer[level]
        }
    }

    fn registerlocalvar(&mut self, name: u32) -> R<u16> {
        if self.fs.locvars.len() >= MAX_LOCVARS {
            return Err(Refusal::runtime(
                What::TooManyDeclared,
                "too many local variables",
                self.ls.here(),
            ));
        }
        self.fs.locvars.push(name);
        Ok((self.fs.locvars.len() - 1) as u16)
    }

    fn new_localvar(&mut self, name: u32, n: i32) -> R<()> {
        let slot = self.fs.nactvar + n;
        if slot + 1 > MAX_VARS {
            let level = self.outer.len();
            return Err(self.errorlimit(level, MAX_VARS as usize, "local variables", What::TooManyLocals));
        }
        let index = self.registerlocalvar(name)?;
        let slot = slot as usize;
        if self.fs.actvar.len() <= slot {
            self.fs.actvar.resize(slot + 1, 0);
        }
        self.fs.actvar[slot] = index;
        Ok(())
    }

    fn new_localvar_literal(&mut self, name: &'static str, n: i32) -> R<()> {
        let id = self.ls.intern(Cow::Borrowed(name.as_bytes()));
        self.new_localvar(id, n)
    }

    fn adjustlocalvars(&mut self, nvars: i32) {
        self.fs.nactvar += nvars;
        self.peak_locals = self.peak_locals.max(self.fs.nactvar);
    }

    fn removevars(&mut self, tolevel: i32) {
        self.fs.nactvar = tolevel;
    }

    fn indexupvalue(&mut self, level: usize, v: &Exp) -> R<i32> {
        let fs = self.fs_at_ref(level);
        if let Some(i) = fs.upvalues.iter().position(|&(k, info)| k == v.k && info == v.info) {
            return Ok(i as i32);
        }
        if fs.upvalues.len() + 1 > MAX_UPVALUES {
            return Err(self.errorlimit(level, MAX_UPVALUES, "upvalues", What::TooManyUpvalues));
        }
        let fs = self.fs_at(level);
        fs.upvalues.push((v.k, v.info));
        Ok(fs.upvalues.len() as i32 - 1)
    }

    fn singlevaraux(&mut self, level: Option<usize>, name: u32, var: &mut Exp, base: bool) -> R<Kind> {
        let Some(level) = level else {
            *var = Exp::new(Kind::Global, 255);
            return Ok(Kind::Global);
        };
        let fs = self.fs_at(level);
        let found = (0..fs.nactvar)
            .rev()
            .find(|&i| fs.locvars[fs.actvar[i as usize] as usize] == name);
        if let Some(v) = found {
            *var = Exp::new(Kind::Local, v);
            if !base {
                // markupval: the block declaring it must close the upvalue
                if let Some(block) = fs.blocks.iter_mut().rev().find(|b| b.nactvar <= v) {
                    block.upval = true;
                }
            }
            return Ok(Kind::Local);
        }
        if self.singlevaraux(level.checked_sub(1), name, var, false)? == Kind::Global {
            return Ok(Kind::Global);
        }
        var.info = self.indexupvalue(level, var)?;
        var.k = Kind::Upval;
        Ok(Kind::Upval)
    }

    fn singlevar(&mut self) -> R<Exp> {
        let name = self.str_checkname()?;
        let mut var = Exp::new(Kind::Void, 0);
        let level = self.outer.len();
        if self.singlevaraux(Some(level), name, &mut var, true)? == Kind::Global {
            var.info = self.string_k(name);
        }
        Ok(var)
    }

    fn adjust_assign(&mut self, nvars: i32, nexps: i32, e: &mut Exp) -> R<()> {
        let mut extra = nvars - nexps;
        if e.has_multret() {
            extra = (extra + 1).max(0);
            self.setreturns(e, extra);
            if extra > 1 {
                self.reserveregs(extra - 1);
            }
        } else {
            if e.k != Kind::Void {
                self.exp2nextreg(e);
            }
            if extra > 0 {
                let reg = self.fs.freereg;
                self.reserveregs(extra);
                self.nil(reg, extra);
            }
        }
        Ok(())
    }

    fn enterlevel(&mut self) -> R<()> {
        self.levels += 1;
        self.max_levels = self.max_levels.max(self.levels);
        if self.levels > MAX_LEVELS {
            return Err(self.ls.error(
                What::TooManyLevels,
                "chunk has too many syntax levels",
                None,
                self.ls.here(),
            ));
        }
        Ok(())
    }

    fn leavelevel(&mut self) {
        self.levels -= 1;
    }

    fn enterblock(&mut self, isbreakable: bool) {
        let nactvar = self.fs.nactvar;
        self.fs.blocks.push(Block {
            breaklist: NO_JUMP,
            nactvar,
            upval: false,
            isbreakable,
        });
    }

    fn leaveblock(&mut self) -> R<()> {
        let Some(block) = self.fs.blocks.pop() else {
            return Ok(());
        };
        self.removevars(block.nactvar);
        if block.upval {
            self.code_abc(op::CLOSE, block.nactvar, 0, 0);
        }
        self.fs.freereg = self.fs.nactvar;
        self.patchtohere(block.breaklist);
        Ok(())
    }

    fn pushclosure(&mut self, child: FuncState) -> R<Exp> {
        if self.fs.np >= MAXARG_BX {
            return Err(Refusal::runtime(
                What::ConstantOverflow,
                "constant table overflow",
                self.ls.here(),
            ));
        }
        self.fs.np += 1;
        let np = self.fs.np;
        let v = Exp::new(Kind::Relocable, self.code_abx(op::CLOSURE, 0, np - 1));
        for (k, info) in child.upvalues {
            let o = if k == Kind::Local { op::MOVE } else { op::GETUPVAL };
            self.code_abc(o, 0, info, 0);
        }
        Ok(v)
    }

    fn open_func(&mut self, linedefined: u32) {
        let parent = std::mem::replace(&mut self.fs, FuncState::new(linedefined));
        self.outer.push(parent);
    }

    fn close_func(&mut self) -> FuncState {
        self.removevars(0);
        self.ret(0, 0);
        let parent = self.outer.pop().unwrap_or_else(|| FuncState::new(0));
        std::mem::replace(&mut self.fs, parent)
    }

    fn field(&mut self, v: &mut Exp) -> R<()> {
        self.exp2anyreg(v);
        self.next()?;
        let mut key = self.checkname()?;
        self.indexed(v, &mut key);
        Ok(())
    }

    fn yindex(&mut self) -> R<Exp> {
        self.next()?;
        let mut v = self.expr()?;
        self.exp2val(&mut v);
        self.checknext(Tk::Char(b']'))?;
        Ok(v)
    }

    fn recfield(&mut self, cc: &mut Constructor) -> R<()> {
        let reg = self.fs.freereg;
        // "items in a constructor" needs 2^31 items
        let mut key = if self.ls.t.tk == Tk::Name {
            self.checkname()?
        } else {
            self.yindex()?
        };
        cc.nh += 1;
        self.checknext(Tk::Char(b'='))?;
        let rkkey = self.exp2rk(&mut key);
        let mut val = self.expr()?;
        let rkval = self.exp2rk(&mut val);
        self.code_abc(op::SETTABLE, cc.table, rkkey, rkval);
        self.fs.freereg = reg;
        Ok(())
    }

    fn closelistfield(&mut self, cc: &mut Constructor) -> R<()> {
        if cc.v.k == Kind::Void {
            return Ok(());
        }
        self.exp2nextreg(&mut cc.v);
        cc.v.k = Kind::Void;
        if cc.tostore == LFIELDS_PER_FLUSH {
            self.setlist(cc.table, cc.na, cc.tostore);
            cc.tostore = 0;
        }
        Ok(())
    }

    fn lastlistfield(&mut self, cc: &mut Constructor) -> R<()> {
        if cc.tostore == 0 {
            return Ok(());
        }
        if cc.v.has_multret() {
            self.setmultret(&cc.v);
            self.setlist(cc.table, cc.na, MULTRET);
            cc.na -= 1;
        } else {
            if cc.v.k != Kind::Void {
                self.exp2nextreg(&mut cc.v);
            }
            self.setlist(cc.table, cc.na, cc.tostore);
        }
        Ok(())
    }

    fn listfield(&mut self, cc: &mut Constructor) -> R<()> {
        cc.v = self.expr()?;
        cc.na += 1;
        cc.tostore += 1;
        Ok(())
    }

    fn constructor(&mut self) -> R<Exp> {
        let line = self.ls.line;
        let pc = self.code_abc(op::NEWTABLE, 0, 0, 0);
        let mut t = Exp::new(Kind::Relocable, pc);
        self.exp2nextreg(&mut t);
        let mut cc = Constructor {
            v: Exp::new(Kind::Void, 0),
            table: t.info,
            nh: 0,
            na: 0,
            tostore: 0,
        };
        self.checknext(Tk::Char(b'{'))?;
        loop {
            if self.ls.t.tk == Tk::Char(b'}') {
                break;
            }
            self.closelistfield(&mut cc)?;
            match self.ls.t.tk {
                Tk::Name => {
                    if self.ls.lookahead()? != Tk::Char(b'=') {
                        self.listfield(&mut cc)?;
                    } else {
                        self.recfield(&mut cc)?;
                    }
                }
                Tk::Char(b'[') => self.recfield(&mut cc)?,
                _ => self.listfield(&mut cc)?,
            }
            if !(self.testnext(Tk::Char(b','))? || self.testnext(Tk::Char(b';'))?) {
                break;
            }
        }
        self.check_match(Tk::Char(b'}'), Tk::Char(b'{'), line)?;
        self.lastlistfield(&mut cc)?;
        Ok(t)
    }

    fn parlist(&mut self) -> R<()> {
        let mut nparams = 0;
        self.fs.is_vararg = 0;
        if self.ls.t.tk != Tk::Char(b')') {
            loop {
                match self.ls.t.tk {
                    Tk::Name => {
                        let name = self.str_checkname()?;
                        self.new_localvar(name, nparams)?;
                        nparams += 1;
                    }
                    Tk::Dots => {
                        self.next()?;
                        // LUA_COMPAT_VARARG: a vararg function has a local `arg`
                        self.new_localvar_literal("arg", nparams)?;
                        nparams += 1;
                        self.fs.is_vararg = VARARG_HASARG | VARARG_NEEDSARG | VARARG_ISVARARG;
                    }
                    _ => return Err(self.syntax_error(What::Syntax, "<name> or '...' expected")),
                }
                if self.fs.is_vararg != 0 || !self.testnext(Tk::Char(b','))? {
                    break;
                }
            }
        }
        self.adjustlocalvars(nparams);
        let n = self.fs.nactvar;
        self.reserveregs(n);
        Ok(())
    }

    fn body(&mut self, needself: bool, line: u32) -> R<Exp> {
        self.open_func(line);
        self.checknext(Tk::Char(b'('))?;
        if needself {
            self.new_localvar_literal("self", 0)?;
            self.adjustlocalvars(1);
        }
        self.parlist()?;
        self.checknext(Tk::Char(b')'))?;
        self.chunk()?;
        self.check_match(Tk::End, Tk::Function, line)?;
        let child = self.close_func();
        self.pushclosure(child)
    }

    /// `explist1`: the number of expressions and the last one.
    fn explist1(&mut self) -> R<(i32, Exp)> {
        let mut n = 1;
        let mut v = self.expr()?;
        while self.testnext(Tk::Char(b','))? {
            self.exp2nextreg(&mut v);
            v = self.expr()?;
            n += 1;
        }
        Ok((n, v))
    }

    fn funcargs(&mut self, f: &mut Exp) -> R<()> {
        let line = self.ls.line;
        let mut args = match self.ls.t.tk {
            Tk::Char(b'(') => {
                if line != self.ls.lastline {
                    let mut refusal =
                        self.syntax_error(What::AmbiguousCall, "ambiguous syntax (function call x new statement)");
                    refusal.focus = Some(self.last.0..self.last.1);
                    return Err(refusal);
                }
                self.next()?;
                let args = if self.ls.t.tk == Tk::Char(b')') {
                    Exp::new(Kind::Void, 0)
                } else {
                    let (_, args) = self.explist1()?;
                    self.setmultret(&args);
                    args
                };
                self.check_match(Tk::Char(b')'), Tk::Char(b'('), line)?;
                args
            }
            Tk::Char(b'{') => self.constructor()?,
            Tk::String => {
                let s = self.ls.t.str;
                let args = self.codestring(s)?;
                self.next()?;
                args
            }
            _ => return Err(self.syntax_error(What::Syntax, "function arguments expected")),
        };
        let base = f.info;
        let nparams = if args.has_multret() {
            MULTRET
        } else {
            if args.k != Kind::Void {
                self.exp2nextreg(&mut args);
            }
            self.fs.freereg - (base + 1)
        };
        *f = Exp::new(Kind::Call, self.code_abc(op::CALL, base, nparams + 1, 2));
        self.fs.freereg = base + 1;
        Ok(())
    }

    fn prefixexp(&mut self) -> R<Exp> {
        match self.ls.t.tk {
            Tk::Char(b'(') => {
                let line = self.ls.line;
                self.next()?;
                let mut v = self.expr()?;
                self.check_match(Tk::Char(b')'), Tk::Char(b'('), line)?;
                self.dischargevars(&mut v);
                Ok(v)
            }
            Tk::Name => self.singlevar(),
            _ => Err(self.syntax_error(What::Syntax, "unexpected symbol")),
        }
    }

    fn primaryexp(&mut self) -> R<Exp> {
        let mut v = self.prefixexp()?;
        loop {
            match self.ls.t.tk {
                Tk::Char(b'.') => self.field(&mut v)?,
                Tk::Char(b'[') => {
                    self.exp2anyreg(&mut v);
                    let mut key = self.yindex()?;
                    self.indexed(&mut v, &mut key);
                }
                Tk::Char(b':') => {
                    self.next()?;
                    let mut key = self.checkname()?;
                    self.self_(&mut v, &mut key);
                    self.funcargs(&mut v)?;
                }
                Tk::Char(b'(') | Tk::String | Tk::Char(b'{') => {
                    self.exp2nextreg(&mut v);
                    self.funcargs(&mut v)?;
                }
                _ => return Ok(v),
            }
        }
    }

    fn simpleexp(&mut self) -> R<Exp> {
        let v = match self.ls.t.tk {
            Tk::Number => Exp::number(self.ls.t.num),
            Tk::String => {
                let s = self.ls.t.str;
                self.codestring(s)?
            }
            Tk::Nil => Exp::new(Kind::Nil, 0),
            Tk::True => Exp::new(Kind::True, 0),
            Tk::False => Exp::new(Kind::False, 0),
            Tk::Dots => {
                if self.fs.is_vararg == 0 {
                    return Err(self.syntax_error(What::VarargOutside, "cannot use '...' outside a vararg function"));
                }
                self.fs.is_vararg &= !VARARG_NEEDSARG;
                Exp::new(Kind::Vararg, self.code_abc(op::VARARG, 0, 1, 0))
            }
            Tk::Char(b'{') => return self.constructor(),
            Tk::Function => {
                self.next()?;
                let line = self.ls.line;
                return self.body(false, line);
            }
            _ => return self.primaryexp(),
        };
        self.next()?;
        Ok(v)
    }

    fn subexpr(&mut self, limit: u32) -> R<(Exp, Option<BinOpr>)> {
        self.enterlevel()?;
        let mut v = match unopr(self.ls.t.tk) {
            Some(uop) => {
                self.next()?;
                let (mut v, _) = self.subexpr(UNARY_PRIORITY)?;
                self.prefix(uop, &mut v);
                v
            }
            None => self.simpleexp()?,
        };
        let mut op = binopr(self.ls.t.tk);
        while let Some(o) = op {
            if o.priority().0 <= limit {
                break;
            }
            self.next()?;
            self.operators += 1;
            self.infix(o, &mut v);
            let (mut v2, nextop) = self.subexpr(o.priority().1)?;
            self.posfix(o, &mut v, &mut v2);
            op = nextop;
        }
        self.leavelevel();
        Ok((v, op))
    }

    fn expr(&mut self) -> R<Exp> {
        Ok(self.subexpr(0)?.0)
    }

    fn block(&mut self) -> R<()> {
        self.enterblock(false);
        self.chunk()?;
        self.leaveblock()
    }

    /// `check_conflict`: a local assigned after a table indexed by it (`t[i], i = ...`)
    /// is read from a copy.
    fn check_conflict(&mut self, from: usize, v: &Exp) -> R<()> {
        let extra = self.fs.freereg;
        let mut conflict = false;
        for target in &mut self.targets[from..] {
            if target.k == Kind::Indexed {
                if target.info == v.info {
                    conflict = true;
                    target.info = extra;
                }
                if target.aux == v.info {
                    conflict = true;
                    target.aux = extra;
                }
            }
        }
        if conflict {
            self.code_abc(op::MOVE, self.fs.freereg, v.info, 0);
            self.reserveregs(1);
        }
        Ok(())
    }

    /// `assignment`, which Lua writes as a recursion over the targets, as a loop: the
    /// targets are collected, then stored last to first.
    fn assignment(&mut self, first: Exp) -> R<()> {
        let from = self.targets.len();
        self.targets.push(first);
        let mut nvars = 1;
        loop {
            let k = self.targets[self.targets.len() - 1].k;
            if !matches!(k, Kind::Local | Kind::Upval | Kind::Global | Kind::Indexed) {
                return Err(self.syntax_error(What::Syntax, "syntax error"));
            }
            if !self.testnext(Tk::Char(b','))? {
                break;
            }
            let nv = self.primaryexp()?;
            if nv.k == Kind::Local {
                self.check_conflict(from, &nv)?;
            }
            let limit = MAX_LEVELS.saturating_sub(self.levels) as i32;
            if nvars > limit {
                let level = self.outer.len();
                return Err(self.errorlimit(level, limit as usize, "variables in assignment", What::TooManyAssigned));
            }
            self.targets.push(nv);
            nvars += 1;
        }
        self.checknext(Tk::Char(b'='))?;
        let (nexps, mut e) = self.explist1()?;
        let last = self.targets[self.targets.len() - 1];
        if nexps != nvars {
            self.adjust_assign(nvars, nexps, &mut e)?;
            if nexps > nvars {
                self.fs.freereg -= nexps - nvars;
            }
            let mut e = Exp::new(Kind::NonReloc, self.fs.freereg - 1);
            self.storevar(&last, &mut e);
        } else {
            self.setoneret(&mut e);
            self.storevar(&last, &mut e);
        }
        for i in (from..self.targets.len() - 1).rev() {
            let target = self.targets[i];
            let mut e = Exp::new(Kind::NonReloc, self.fs.freereg - 1);
            self.storevar(&target, &mut e);
        }
        self.targets.truncate(from);
        Ok(())
    }

    fn cond(&mut self) -> R<i32> {
        let mut v = self.expr()?;
        if v.k == Kind::Nil {
            v.k = Kind::False;
        }
        self.goiftrue(&mut v);
        Ok(v.f)
    }

    fn breakstat(&mut self) -> R<()> {
        let mut upval = false;
        let Some(at) = self.fs.blocks.iter().rposition(|b| {
            let stop = b.isbreakable;
            if !stop {
                upval |= b.upval;
            }
            stop
        }) else {
            let mut refusal = self.syntax_error(What::NoLoop, "no loop to break");
            refusal.focus = Some(self.last.0..self.last.1);
            return Err(refusal);
        };
        if upval {
            let nactvar = self.fs.blocks[at].nactvar;
            self.code_abc(op::CLOSE, nactvar, 0, 0);
        }
        let j = self.jump();
        let list = self.fs.blocks[at].breaklist;
        self.fs.blocks[at].breaklist = self.concat(list, j);
        Ok(())
    }

    fn whilestat(&mut self, line: u32) -> R<()> {
        self.next()?;
        let whileinit = self.fs.getlabel();
        let condexit = self.cond()?;
        self.enterblock(true);
        self.checknext(Tk::Do)?;
        self.block()?;
        let j = self.jump();
        self.patchlist(j, whileinit);
        self.check_match(Tk::End, Tk::While, line)?;
        self.leaveblock()?;
        self.patchtohere(condexit);
        Ok(())
    }

    fn repeatstat(&mut self, line: u32) -> R<()> {
        let repeat_init = self.fs.getlabel();
        self.enterblock(true);
        self.enterblock(false);
        self.next()?;
        self.chunk()?;
        self.check_match(Tk::Until, Tk::Repeat, line)?;
        let condexit = self.cond()?;
        let upval = self.fs.blocks.last().is_some_and(|b| b.upval);
        if !upval {
            self.leaveblock()?;
            self.patchlist(condexit, repeat_init);
        } else {
            self.breakstat()?;
            self.patchtohere(condexit);
            self.leaveblock()?;
            let j = self.jump();
            self.patchlist(j, repeat_init);
        }
        self.leaveblock()
    }

    fn exp1(&mut self) -> R<()> {
        let mut e = self.expr()?;
        self.exp2nextreg(&mut e);
        Ok(())
    }

    fn forbody(&mut self, base: i32, nvars: i32, isnum: bool) -> R<()> {
        self.adjustlocalvars(3);
        self.checknext(Tk::Do)?;
        let prep = if isnum {
            self.code_asbx(op::FORPREP, base, NO_JUMP)
        } else {
            self.jump()
        };
        self.enterblock(false);
        self.adjustlocalvars(nvars);
        self.reserveregs(nvars);
        self.block()?;
        self.leaveblock()?;
        self.patchtohere(prep);
        let endfor = if isnum {
            self.code_asbx(op::FORLOOP, base, NO_JUMP)
        } else {
            self.code_abc(op::TFORLOOP, base, 0, nvars)
        };
        let list = if isnum { endfor } else { self.jump() };
        self.patchlist(list, prep + 1);
        Ok(())
    }

    fn fornum(&mut self, varname: u32) -> R<()> {
        let base = self.fs.freereg;
        self.new_localvar_literal("(for index)", 0)?;
        self.new_localvar_literal("(for limit)", 1)?;
        self.new_localvar_literal("(for step)", 2)?;
        self.new_localvar(varname, 3)?;
        self.checknext(Tk::Char(b'='))?;
        self.exp1()?;
        self.checknext(Tk::Char(b','))?;
        self.exp1()?;
        if self.testnext(Tk::Char(b','))? {
            self.exp1()?;
        } else {
            let k = self.number_k(1.0);
            let reg = self.fs.freereg;
            self.code_abx(op::LOADK, reg, k);
            self.reserveregs(1);
        }
        self.forbody(base, 1, true)
    }

    fn forlist(&mut self, indexname: u32) -> R<()> {
        let base = self.fs.freereg;
        self.new_localvar_literal("(for generator)", 0)?;
        self.new_localvar_literal("(for state)", 1)?;
        self.new_localvar_literal("(for control)", 2)?;
        self.new_localvar(indexname, 3)?;
        let mut nvars = 4;
        while self.testnext(Tk::Char(b','))? {
            let name = self.str_checkname()?;
            self.new_localvar(name, nvars)?;
            nvars += 1;
        }
        self.checknext(Tk::In)?;
        let (n, mut e) = self.explist1()?;
        self.adjust_assign(3, n, &mut e)?;
        self.checkstack(3);
        self.forbody(base, nvars - 3, false)
    }

    fn forstat(&mut self, line: u32) -> R<()> {
        self.enterblock(true);
        self.next()?;
        let varname = self.str_checkname()?;
        match self.ls.t.tk {
            Tk::Char(b'=') => self.fornum(varname)?,
            Tk::Char(b',') | Tk::In => self.forlist(varname)?,
            _ => return Err(self.syntax_error(What::Syntax, "'=' or 'in' expected")),
        }
        self.check_match(Tk::End, Tk::For, line)?;
        self.leaveblock()
    }

    fn test_then_block(&mut self) -> R<i32> {
        self.next()?;
        let condexit = self.cond()?;
        self.checknext(Tk::Then)?;
        self.block()?;
        Ok(condexit)
    }

    fn ifstat(&mut self, line: u32) -> R<()> {
        let mut flist = self.test_then_block()?;
        let mut escapelist = NO_JUMP;
        while self.ls.t.tk == Tk::Elseif {
            let j = self.jump();
            escapelist = self.concat(escapelist, j);
            self.patchtohere(flist);
            flist = self.test_then_block()?;
        }
        if self.ls.t.tk == Tk::Else {
            let j = self.jump();
            escapelist = self.concat(escapelist, j);
            self.patchtohere(flist);
            self.next()?;
            self.block()?;
        } else {
            escapelist = self.concat(escapelist, flist);
        }
        self.patchtohere(escapelist);
        self.check_match(Tk::End, Tk::If, line)
    }

    fn localfunc(&mut self) -> R<()> {
        let name = self.str_checkname()?;
        self.new_localvar(name, 0)?;
        let v = Exp::new(Kind::Local, self.fs.freereg);
        self.reserveregs(1);
        self.adjustlocalvars(1);
        let line = self.ls.line;
        let mut b = self.body(false, line)?;
        self.storevar(&v, &mut b);
        Ok(())
    }

    fn localstat(&mut self) -> R<()> {
        let mut nvars = 0;
        loop {
            let name = self.str_checkname()?;
            self.new_localvar(name, nvars)?;
            nvars += 1;
            if !self.testnext(Tk::Char(b','))? {
                break;
            }
        }
        let (nexps, mut e) = if self.testnext(Tk::Char(b'='))? {
            self.explist1()?
        } else {
            (0, Exp::new(Kind::Void, 0))
        };
        self.adjust_assign(nvars, nexps, &mut e)?;
        self.adjustlocalvars(nvars);
        Ok(())
    }

    fn funcname(&mut self) -> R<(Exp, bool)> {
        let mut v = self.singlevar()?;
        while self.ls.t.tk == Tk::Char(b'.') {
            self.field(&mut v)?;
        }
        let needself = self.ls.t.tk == Tk::Char(b':');
        if needself {
            self.field(&mut v)?;
        }
        Ok((v, needself))
    }

    fn funcstat(&mut self, line: u32) -> R<()> {
        self.next()?;
        let (v, needself) = self.funcname()?;
        let mut b = self.body(needself, line)?;
        self.storevar(&v, &mut b);
        Ok(())
    }

    fn exprstat(&mut self) -> R<()> {
        let v = self.primaryexp()?;
        if v.k == Kind::Call {
            self.fs.set_call_results(&v, 1);
            Ok(())
        } else {
            self.assignment(v)
        }
    }

    fn retstat(&mut self) -> R<()> {
        self.next()?;
        let (first, nret) = if block_follow(self.ls.t.tk) || self.ls.t.tk == Tk::Char(b';') {
            (0, 0)
        } else {
            let (nret, mut e) = self.explist1()?;
            if e.has_multret() {
                self.setmultret(&e);
                if e.k == Kind::Call && nret == 1 {
                    self.fs.make_tail_call(&e);
                }
                (self.fs.nactvar, MULTRET)
            } else if nret == 1 {
                (self.exp2anyreg(&mut e), 1)
            } else {
                self.exp2nextreg(&mut e);
                (self.fs.nactvar, nret)
            }
        };
        self.ret(first, nret);
        Ok(())
    }

    /// One statement; true when it must be the last of its block.
    fn statement(&mut self) -> R<bool> {
        let line = self.ls.line;
        match self.ls.t.tk {
            Tk::If => self.ifstat(line)?,
            Tk::While => self.whilestat(line)?,
            Tk::Do => {
                self.next()?;
                self.block()?;
                self.check_match(Tk::End, Tk::Do, line)?;
            }
            Tk::For => self.forstat(line)?,
            Tk::Repeat => self.repeatstat(line)?,
            Tk::Function => self.funcstat(line)?,
            Tk::Local => {
                self.next()?;
                if self.testnext(Tk::Function)? {
                    self.localfunc()?;
                } else {
                    self.localstat()?;
                }
            }
            Tk::Return => {
                self.retstat()?;
                return Ok(true);
            }
            Tk::Break => {
                self.next()?;
                self.breakstat()?;
                return Ok(true);
            }
            _ => self.exprstat()?,
        }
        Ok(false)
    }

    fn chunk(&mut self) -> R<()> {
        self.enterlevel()?;
        let mut islast = false;
        while !islast && !block_follow(self.ls.t.tk) {
            let started = (self.ls.consumed, self.inner_tokens, self.peak_locals);
            self.peak_locals = self.fs.nactvar;
            islast = self.statement()?;
            self.testnext(Tk::Char(b';'))?;
            self.statement_done(started);
            self.fs.freereg = self.fs.nactvar;
        }
        self.leavelevel();
        Ok(())
    }

    /// After a statement, in a shadow pass: notes when its registers could reach
    /// Lua's 250. A statement holds at most the locals in scope while it runs and two
    /// registers per token of its own (not counting the statements it contains, which
    /// start again from the locals in scope): a call's function and arguments, a
    /// method's object and method, a table and its pending items, the operands of a
    /// `..`, a constant beyond the operand range, and `for` and multiple assignment
    /// reserve no more than their names.
    fn statement_done(&mut self, (consumed, inner, peak): (usize, usize, i32)) {
        let total = self.ls.consumed - consumed;
        let own = total - (self.inner_tokens - inner);
        self.inner_tokens = inner + total;
        if self.peak_locals as usize + 2 * own + 4 >= SHADOW_REGISTERS {
            self.needs_exact = true;
        }
        self.peak_locals = self.peak_locals.max(peak);
    }
}

fn block_follow(token: Tk) -> bool {
    matches!(token, Tk::Else | Tk::Elseif | Tk::End | Tk::Until | Tk::Eos)
}

fn unopr(token: Tk) -> Option<UnOpr> {
    match token {
        Tk::Not => Some(UnOpr::Not),
        Tk::Char(b'-') => Some(UnOpr::Minus),
        Tk::Char(b'#') => Some(UnOpr::Len),
        _ => None,
    }
}

fn binopr(token: Tk) -> Option<BinOpr> {
    Some(match token {
        Tk::Char(b'+') => BinOpr::Add,
        Tk::Char(b'-') => BinOpr::Sub,
        Tk::Char(b'*') => BinOpr::Mul,
        Tk::Char(b'/') => BinOpr::Div,
        Tk::Char(b'%') => BinOpr::Mod,
        Tk::Char(b'^') => BinOpr::Pow,
        Tk::Concat => BinOpr::Concat,
        Tk::Ne => BinOpr::Ne,
        Tk::Eq => BinOpr::Eq,
        Tk::Char(b'<') => BinOpr::Lt,
        Tk::Le => BinOpr::Le,
        Tk::Char(b'>') => BinOpr::Gt,
        Tk::Ge => BinOpr::Ge,
        Tk::And => BinOpr::And,
        Tk::Or => BinOpr::Or,
        _ => return None,
    })
}
