//! Lua 5.1's code generator (`lcode.c` of 5.1.5), as far as it decides what compiles:
//! registers (at most 250 per function: "function or expression too complex"), the
//! constant table (which also decides which operands need a register), and jumps (at
//! most 131,071 instructions: "control structure too long"). Instructions are built
//! as Lua builds them, because the generator reads them back (jump lists threaded
//! through the code, a `LOADNIL` merged with the one before, a `NOT` removed before a
//! test); line information and the debug tables, which decide nothing, are left out.

use super::func::{Compiler, Const, Exp, Kind};
use super::instr::{
    BITRK, LFIELDS_PER_FLUSH, MAXARG_BX, MAXARG_C, MAXARG_SBX, MAXINDEXRK, MAXSTACK, MULTRET, NO_JUMP, NO_REG, abc,
    abx, arg_a, arg_b, get_op, op, set_a, set_b, set_c, set_sbx,
};
use super::shadow;
use super::{Refusal, What};

impl Compiler<'_> {
    #[inline]
    fn code(&mut self, i: u32) -> i32 {
        self.dischargejpc();
        // "code size overflow" needs 2^31 instructions: beyond a Redis argument's 512 MB
        self.fs.code.push(i);
        self.fs.pc() - 1
    }

    #[inline]
    pub(super) fn code_abc(&mut self, o: u32, a: i32, b: i32, c: i32) -> i32 {
        if self.shadow {
            return 0;
        }
        self.code(abc(o, a, b, c))
    }

    #[inline]
    pub(super) fn code_abx(&mut self, o: u32, a: i32, bx: i32) -> i32 {
        if self.shadow {
            return 0;
        }
        self.code(abx(o, a, bx as u32))
    }

    #[inline]
    pub(super) fn code_asbx(&mut self, o: u32, a: i32, sbx: i32) -> i32 {
        if self.shadow {
            return 0;
        }
        self.code_abx(o, a, sbx + MAXARG_SBX)
    }

    pub(super) fn nil(&mut self, from: i32, n: i32) {
        if self.shadow {
            return;
        }
        let fs = &mut self.fs;
        let pc = fs.pc();
        if pc > fs.lasttarget {
            if pc == 0 {
                if from >= fs.nactvar {
                    return;
                }
            } else {
                let previous = &mut fs.code[pc as usize - 1];
                if get_op(*previous) == op::LOADNIL {
                    let pfrom = arg_a(*previous);
                    let pto = arg_b(*previous);
                    if pfrom <= from && from <= pto + 1 {
                        if from + n - 1 > pto {
                            set_b(previous, from + n - 1);
                        }
                        return;
                    }
                }
            }
        }
        self.code_abc(op::LOADNIL, from, from + n - 1, 0);
    }

    #[inline]
    pub(super) fn jump(&mut self) -> i32 {
        if self.shadow {
            return NO_JUMP;
        }
        let jpc = std::mem::replace(&mut self.fs.jpc, NO_JUMP);
        let j = self.code_asbx(op::JMP, 0, NO_JUMP);
        self.concat(j, jpc)
    }

    #[inline]
    pub(super) fn ret(&mut self, first: i32, nret: i32) {
        if self.shadow {
            return;
        }
        self.code_abc(op::RETURN, first, nret + 1, 0);
    }

    #[inline]
    fn condjump(&mut self, o: u32, a: i32, b: i32, c: i32) -> i32 {
        self.code_abc(o, a, b, c);
        self.jump()
    }

    /// Points the jump at `pc` to `dest`; false when it is too far (refused).
    #[inline]
    fn fixjump(&mut self, pc: i32, dest: i32) -> bool {
        let offset = dest - (pc + 1);
        if offset.abs() > MAXARG_SBX {
            self.fail(self.ls.syntax_error(What::ControlTooLong, "control structure too long"));
            return false;
        }
        set_sbx(&mut self.fs.code[pc as usize], offset);
        true
    }

    #[inline]
    fn removevalues(&mut self, mut list: i32) {
        while list != NO_JUMP {
            self.fs.patchtestreg(list, NO_REG);
            list = self.fs.getjump(list);
        }
    }

    #[inline]
    fn patchlistaux(&mut self, mut list: i32, vtarget: i32, reg: i32, dtarget: i32) {
        while list != NO_JUMP {
            let next = self.fs.getjump(list);
            if self.fs.patchtestreg(list, reg) {
                self.fixjump(list, vtarget);
            } else {
                self.fixjump(list, dtarget);
            }
            list = next;
        }
    }

    #[inline]
    fn dischargejpc(&mut self) {
        let pc = self.fs.pc();
        let jpc = std::mem::replace(&mut self.fs.jpc, NO_JUMP);
        self.patchlistaux(jpc, pc, NO_REG, pc)
    }

    #[inline]
    pub(super) fn patchlist(&mut self, list: i32, target: i32) {
        if self.shadow {
            return;
        }
        if target == self.fs.pc() {
            self.patchtohere(list)
        } else {
            self.patchlistaux(list, target, NO_REG, target)
        }
    }

    #[inline]
    pub(super) fn patchtohere(&mut self, list: i32) {
        if self.shadow {
            return;
        }
        self.fs.getlabel();
        let jpc = self.fs.jpc;
        self.fs.jpc = self.concat(jpc, list);
    }

    /// `luaK_concat`: the list `l1` with `l2` appended. Lua walks `l1` to its last
    /// jump; here the last jump of each list is recorded (see `FuncState::last`), so
    /// an append costs the same however long the list.
    pub(super) fn concat(&mut self, l1: i32, l2: i32) -> i32 {
        if self.shadow {
            return NO_JUMP;
        }
        if l2 == NO_JUMP {
            return l1;
        }
        if l1 == NO_JUMP {
            return l2;
        }
        let last = self.fs.last(l1);
        let new_last = self.fs.last(l2);
        if self.fixjump(last, l2) {
            self.fs.set_last(l1, new_last);
        }
        l1
    }

    #[inline]
    pub(super) fn checkstack(&mut self, n: i32) {
        if self.shadow {
            return;
        }
        let newstack = self.fs.freereg + n;
        if newstack > self.fs.maxstacksize {
            if newstack >= MAXSTACK {
                self.fail(
                    self.ls
                        .syntax_error(What::TooComplex, "function or expression too complex"),
                );
                return;
            }
            self.fs.maxstacksize = newstack;
        }
    }

    #[inline]
    pub(super) fn reserveregs(&mut self, n: i32) {
        if self.shadow {
            self.fs.freereg += n;
            return;
        }
        self.checkstack(n);
        self.fs.freereg += n;
    }

    #[inline]
    fn addk(&mut self, key: Const) -> i32 {
        if let Some(&index) = self.fs.consts.get(&key) {
            return index;
        }
        if self.fs.nk >= MAXARG_BX {
            self.fail(Refusal::runtime(
                What::ConstantOverflow,
                "constant table overflow",
                self.ls.here(),
            ));
            return 0;
        }
        let index = self.fs.nk;
        self.fs.consts.insert(key, index);
        self.fs.nk += 1;
        index
    }

    #[inline]
    pub(super) fn string_k(&mut self, s: u32) -> i32 {
        if self.shadow {
            return 0;
        }
        self.addk(Const::Str(s))
    }

    #[inline]
    pub(super) fn number_k(&mut self, r: f64) -> i32 {
        if self.shadow {
            return 0;
        }
        let r = if r == 0.0 { 0.0 } else { r };
        self.addk(Const::Num(r.to_bits()))
    }

    #[inline]
    pub(super) fn setreturns(&mut self, e: &Exp, nresults: i32) {
        if self.shadow {
            return;
        }
        match e.k {
            Kind::Call => set_c(&mut self.fs.code[e.info as usize], nresults + 1),
            Kind::Vararg => {
                let freereg = self.fs.freereg;
                let i = &mut self.fs.code[e.info as usize];
                set_b(i, nresults + 1);
                set_a(i, freereg);
                self.reserveregs(1);
            }
            _ => {}
        }
    }

    #[inline]
    pub(super) fn setmultret(&mut self, e: &Exp) {
        if self.shadow {
            return;
        }
        self.setreturns(e, MULTRET)
    }

    #[inline]
    pub(super) fn setoneret(&mut self, e: &mut Exp) {
        if self.shadow {
            return shadow::one_result(e);
        }
        match e.k {
            Kind::Call => {
                e.k = Kind::NonReloc;
                e.info = arg_a(self.fs.code[e.info as usize]);
            }
            Kind::Vararg => {
                set_b(&mut self.fs.code[e.info as usize], 2);
                e.k = Kind::Relocable;
            }
            _ => {}
        }
    }

    pub(super) fn dischargevars(&mut self, e: &mut Exp) {
        if self.shadow {
            return shadow::discharge(e);
        }
        match e.k {
            Kind::Local => e.k = Kind::NonReloc,
            Kind::Upval => {
                e.info = self.code_abc(op::GETUPVAL, 0, e.info, 0);
                e.k = Kind::Relocable;
            }
            Kind::Global => {
                e.info = self.code_abx(op::GETGLOBAL, 0, e.info);
                e.k = Kind::Relocable;
            }
            Kind::Indexed => {
                self.fs.freereg(e.aux);
                self.fs.freereg(e.info);
                e.info = self.code_abc(op::GETTABLE, 0, e.info, e.aux);
                e.k = Kind::Relocable;
            }
            Kind::Vararg | Kind::Call => self.setoneret(e),
            _ => {}
        }
    }

    #[inline]
    fn code_label(&mut self, a: i32, b: i32, jump: i32) -> i32 {
        self.fs.getlabel();
        self.code_abc(op::LOADBOOL, a, b, jump)
    }

    fn discharge2reg(&mut self, e: &mut Exp, reg: i32) {
        self.dischargevars(e);
        match e.k {
            Kind::Nil => self.nil(reg, 1),
            Kind::False | Kind::True => {
                self.code_abc(op::LOADBOOL, reg, i32::from(e.k == Kind::True), 0);
            }
            Kind::K => {
                self.code_abx(op::LOADK, reg, e.info);
            }
            Kind::KNum => {
                let k = self.number_k(e.nval);
                self.code_abx(op::LOADK, reg, k);
            }
            Kind::Relocable => set_a(&mut self.fs.code[e.info as usize], reg),
            Kind::NonReloc => {
                if reg != e.info {
                    self.code_abc(op::MOVE, reg, e.info, 0);
                }
            }
            _ => return,
        }
        e.info = reg;
        e.k = Kind::NonReloc;
    }

    #[inline]
    fn discharge2anyreg(&mut self, e: &mut Exp) {
        if e.k != Kind::NonReloc {
            self.reserveregs(1);
            let reg = self.fs.freereg - 1;
            self.discharge2reg(e, reg);
        }
    }

    fn exp2reg(&mut self, e: &mut Exp, reg: i32) {
        self.discharge2reg(e, reg);
        if e.k == Kind::Jmp {
            e.t = self.concat(e.t, e.info);
        }
        if e.has_jumps() {
            let mut p_f = NO_JUMP;
            let mut p_t = NO_JUMP;
            if self.fs.need_value(e.t) || self.fs.need_value(e.f) {
                let fj = if e.k == Kind::Jmp { NO_JUMP } else { self.jump() };
                p_f = self.code_label(reg, 0, 1);
                p_t = self.code_label(reg, 1, 0);
                self.patchtohere(fj);
            }
            let end = self.fs.getlabel();
            self.patchlistaux(e.f, end, reg, p_f);
            self.patchlistaux(e.t, end, reg, p_t);
        }
        e.f = NO_JUMP;
        e.t = NO_JUMP;
        e.info = reg;
        e.k = Kind::NonReloc;
    }

    #[inline]
    pub(super) fn exp2nextreg(&mut self, e: &mut Exp) {
        if self.shadow {
            return shadow::to_register(e);
        }
        self.dischargevars(e);
        self.fs.freeexp(e);
        self.reserveregs(1);
        let reg = self.fs.freereg - 1;
        self.exp2reg(e, reg)
    }

    #[inline]
    pub(super) fn exp2anyreg(&mut self, e: &mut Exp) -> i32 {
        if self.shadow {
            shadow::to_register(e);
            return e.info;
        }
        self.dischargevars(e);
        if e.k == Kind::NonReloc {
            if !e.has_jumps() {
                return e.info;
            }
            if e.info >= self.fs.nactvar {
                let reg = e.info;
                self.exp2reg(e, reg);
                return e.info;
            }
        }
        self.exp2nextreg(e);
        e.info
    }

    #[inline]
    pub(super) fn exp2val(&mut self, e: &mut Exp) {
        if self.shadow {
            return shadow::discharge(e);
        }
        if e.has_jumps() {
            self.exp2anyreg(e);
        } else {
            self.dischargevars(e)
        }
    }

    pub(super) fn exp2rk(&mut self, e: &mut Exp) -> i32 {
        if self.shadow {
            return shadow::to_rk(e);
        }
        self.exp2val(e);
        match e.k {
            Kind::KNum | Kind::True | Kind::False | Kind::Nil if self.fs.nk <= MAXINDEXRK => {
                e.info = match e.k {
                    Kind::Nil => self.addk(Const::Nil),
                    Kind::KNum => self.number_k(e.nval),
                    _ => self.addk(Const::Bool(e.k == Kind::True)),
                };
                e.k = Kind::K;
                return e.info | BITRK;
            }
            Kind::K if e.info <= MAXINDEXRK => return e.info | BITRK,
            _ => {}
        }
        self.exp2anyreg(e)
    }

    pub(super) fn storevar(&mut self, var: &Exp, ex: &mut Exp) {
        if self.shadow {
            return;
        }
        match var.k {
            Kind::Local => {
                self.fs.freeexp(ex);
                return self.exp2reg(ex, var.info);
            }
            Kind::Upval => {
                let e = self.exp2anyreg(ex);
                self.code_abc(op::SETUPVAL, e, var.info, 0);
            }
            Kind::Global => {
                let e = self.exp2anyreg(ex);
                self.code_abx(op::SETGLOBAL, e, var.info);
            }
            Kind::Indexed => {
                let e = self.exp2rk(ex);
                self.code_abc(op::SETTABLE, var.info, var.aux, e);
            }
            _ => {}
        }
        self.fs.freeexp(ex);
    }

    #[inline]
    pub(super) fn self_(&mut self, e: &mut Exp, key: &mut Exp) {
        if self.shadow {
            return shadow::to_register(e);
        }
        self.exp2anyreg(e);
        self.fs.freeexp(e);
        let func = self.fs.freereg;
        self.reserveregs(2);
        let rk = self.exp2rk(key);
        self.code_abc(op::SELF, func, e.info, rk);
        self.fs.freeexp(key);
        e.info = func;
        e.k = Kind::NonReloc;
    }

    #[inline]
    fn invertjump(&mut self, e: &Exp) {
        let at = self.fs.getjumpcontrol(e.info);
        let i = &mut self.fs.code[at];
        let a = arg_a(*i);
        set_a(i, i32::from(a == 0));
    }

    #[inline]
    fn jumponcond(&mut self, e: &mut Exp, cond: i32) -> i32 {
        if e.k == Kind::Relocable {
            let ie = self.fs.code[e.info as usize];
            if get_op(ie) == op::NOT {
                // the `not` becomes the test's sense
                self.fs.code.pop();
                return self.condjump(op::TEST, arg_b(ie), 0, i32::from(cond == 0));
            }
        }
        self.discharge2anyreg(e);
        self.fs.freeexp(e);
        self.condjump(op::TESTSET, NO_REG, e.info, cond)
    }

    #[inline]
    pub(super) fn goiftrue(&mut self, e: &mut Exp) {
        if self.shadow {
            return shadow::to_register(e);
        }
        self.dischargevars(e);
        let pc = match e.k {
            Kind::K | Kind::KNum | Kind::True => NO_JUMP,
            Kind::Jmp => {
                self.invertjump(e);
                e.info
            }
            _ => self.jumponcond(e, 0),
        };
        e.f = self.concat(e.f, pc);
        self.patchtohere(e.t);
        e.t = NO_JUMP;
    }

    #[inline]
    fn goiffalse(&mut self, e: &mut Exp) {
        self.dischargevars(e);
        let pc = match e.k {
            Kind::Nil | Kind::False => NO_JUMP,
            Kind::Jmp => e.info,
            _ => self.jumponcond(e, 1),
        };
        e.t = self.concat(e.t, pc);
        self.patchtohere(e.f);
        e.f = NO_JUMP;
    }

    fn codenot(&mut self, e: &mut Exp) {
        self.dischargevars(e);
        match e.k {
            Kind::Nil | Kind::False => e.k = Kind::True,
            Kind::K | Kind::KNum | Kind::True => e.k = Kind::False,
            Kind::Jmp => self.invertjump(e),
            Kind::Relocable | Kind::NonReloc => {
                self.discharge2anyreg(e);
                self.fs.freeexp(e);
                e.info = self.code_abc(op::NOT, 0, e.info, 0);
                e.k = Kind::Relocable;
            }
            _ => {}
        }
        std::mem::swap(&mut e.f, &mut e.t);
        self.removevalues(e.f);
        self.removevalues(e.t);
    }

    #[inline]
    pub(super) fn indexed(&mut self, t: &mut Exp, k: &mut Exp) {
        if self.shadow {
            shadow::to_rk(k);
            t.k = Kind::Indexed;
            return;
        }
        t.aux = self.exp2rk(k);
        t.k = Kind::Indexed;
    }

    fn codearith(&mut self, o: u32, e1: &mut Exp, e2: &mut Exp) {
        if constfolding(o, e1, e2) {
            return;
        }
        let o2 = if o != op::UNM && o != op::LEN {
            self.exp2rk(e2)
        } else {
            0
        };
        let o1 = self.exp2rk(e1);
        if o1 > o2 {
            self.fs.freeexp(e1);
            self.fs.freeexp(e2);
        } else {
            self.fs.freeexp(e2);
            self.fs.freeexp(e1);
        }
        e1.info = self.code_abc(o, 0, o1, o2);
        e1.k = Kind::Relocable;
    }

    #[inline]
    fn codecomp(&mut self, o: u32, mut cond: i32, e1: &mut Exp, e2: &mut Exp) {
        let mut o1 = self.exp2rk(e1);
        let mut o2 = self.exp2rk(e2);
        self.fs.freeexp(e2);
        self.fs.freeexp(e1);
        if cond == 0 && o != op::EQ {
            std::mem::swap(&mut o1, &mut o2);
            cond = 1;
        }
        e1.info = self.condjump(o, cond, o1, o2);
        e1.k = Kind::Jmp;
    }

    pub(super) fn prefix(&mut self, o: UnOpr, e: &mut Exp) {
        if self.shadow {
            return shadow::value(e);
        }
        let mut e2 = Exp::number(0.0);
        match o {
            UnOpr::Minus => {
                if !e.is_numeral() {
                    self.exp2anyreg(e);
                }
                self.codearith(op::UNM, e, &mut e2)
            }
            UnOpr::Not => self.codenot(e),
            UnOpr::Len => {
                self.exp2anyreg(e);
                self.codearith(op::LEN, e, &mut e2)
            }
        }
    }

    #[inline]
    pub(super) fn infix(&mut self, o: BinOpr, v: &mut Exp) {
        if self.shadow {
            return shadow::discharge(v);
        }
        match o {
            BinOpr::And => self.goiftrue(v),
            BinOpr::Or => self.goiffalse(v),
            BinOpr::Concat => self.exp2nextreg(v),
            BinOpr::Add | BinOpr::Sub | BinOpr::Mul | BinOpr::Div | BinOpr::Mod | BinOpr::Pow => {
                if !v.is_numeral() {
                    self.exp2rk(v);
                }
            }
            _ => {
                self.exp2rk(v);
            }
        }
    }

    pub(super) fn posfix(&mut self, o: BinOpr, e1: &mut Exp, e2: &mut Exp) {
        if self.shadow {
            return shadow::value(e1);
        }
        match o {
            BinOpr::And => {
                self.dischargevars(e2);
                e2.f = self.concat(e2.f, e1.f);
                *e1 = *e2;
            }
            BinOpr::Or => {
                self.dischargevars(e2);
                e2.t = self.concat(e2.t, e1.t);
                *e1 = *e2;
            }
            BinOpr::Concat => {
                self.exp2val(e2);
                if e2.k == Kind::Relocable && get_op(self.fs.code[e2.info as usize]) == op::CONCAT {
                    self.fs.freeexp(e1);
                    set_b(&mut self.fs.code[e2.info as usize], e1.info);
                    e1.k = Kind::Relocable;
                    e1.info = e2.info;
                } else {
                    self.exp2nextreg(e2);
                    self.codearith(op::CONCAT, e1, e2)
                }
            }
            BinOpr::Add => self.codearith(op::ADD, e1, e2),
            BinOpr::Sub => self.codearith(op::SUB, e1, e2),
            BinOpr::Mul => self.codearith(op::MUL, e1, e2),
            BinOpr::Div => self.codearith(op::DIV, e1, e2),
            BinOpr::Mod => self.codearith(op::MOD, e1, e2),
            BinOpr::Pow => self.codearith(op::POW, e1, e2),
            BinOpr::Eq => self.codecomp(op::EQ, 1, e1, e2),
            BinOpr::Ne => self.codecomp(op::EQ, 0, e1, e2),
            BinOpr::Lt => self.codecomp(op::LT, 1, e1, e2),
            BinOpr::Le => self.codecomp(op::LE, 1, e1, e2),
            BinOpr::Gt => self.codecomp(op::LT, 0, e1, e2),
            BinOpr::Ge => self.codecomp(op::LE, 0, e1, e2),
        }
    }

    #[inline]
    pub(super) fn setlist(&mut self, base: i32, nelems: i32, tostore: i32) {
        if self.shadow {
            return;
        }
        let c = (nelems - 1) / LFIELDS_PER_FLUSH + 1;
        let b = if tostore == MULTRET { 0 } else { tostore };
        if c <= MAXARG_C {
            self.code_abc(op::SETLIST, base, b, c);
        } else {
            self.code_abc(op::SETLIST, base, b, 0);
            self.code(c as u32);
        }
        self.fs.freereg = base + 1;
    }
}

/// Folds an operation on two numerals, as Lua does (never into a NaN, never
/// dividing by zero), which decides what enters the constant table.
fn constfolding(o: u32, e1: &mut Exp, e2: &Exp) -> bool {
    if !e1.is_numeral() || !e2.is_numeral() {
        return false;
    }
    let (v1, v2) = (e1.nval, e2.nval);
    let r = match o {
        op::ADD => v1 + v2,
        op::SUB => v1 - v2,
        op::MUL => v1 * v2,
        op::DIV if v2 == 0.0 => return false,
        op::DIV => v1 / v2,
        op::MOD if v2 == 0.0 => return false,
        op::MOD => v1 - (v1 / v2).floor() * v2,
        op::POW => v1.powf(v2),
        op::UNM => -v1,
        _ => return false,
    };
    if r.is_nan() {
        return false;
    }
    e1.nval = r;
    true
}

/// Unary operators.
#[derive(Clone, Copy, PartialEq, Eq)]
pub(super) enum UnOpr {
    Minus,
    Not,
    Len,
}

/// Binary operators, with their priorities.
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
pub(super) enum BinOpr {
    Add,
    Sub,
    Mul,
    Div,
    Mod,
    Pow,
    Concat,
    Ne,
    Eq,
    Lt,
    Le,
    Gt,
    Ge,
    And,
    Or,
}

impl BinOpr {
    /// Left and right priority: `^` and `..` are right associative.
    #[inline]
    pub(super) fn priority(self) -> (u32, u32) {
        match self {
            BinOpr::Add | BinOpr::Sub => (6, 6),
            BinOpr::Mul | BinOpr::Div | BinOpr::Mod => (7, 7),
            BinOpr::Pow => (10, 9),
            BinOpr::Concat => (5, 4),
            BinOpr::Ne | BinOpr::Eq | BinOpr::Lt | BinOpr::Le | BinOpr::Gt | BinOpr::Ge => (3, 3),
            BinOpr::And => (2, 2),
            BinOpr::Or => (1, 1),
        }
    }
}

/// Priority of unary operators.
pub(super) const UNARY_PRIORITY: u32 = 8;
