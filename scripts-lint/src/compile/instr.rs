//! Lua 5.1's instructions (`lopcodes.h`): the code generator reads back what it
//! wrote (opcodes, registers, jump offsets), so they are encoded as in Lua.

pub(super) const NO_JUMP: i32 = -1;
pub(super) const MULTRET: i32 = -1;
pub(super) const NO_REG: i32 = 255;
/// `MAXSTACK` of `llimits.h`: registers per function.
pub(super) const MAXSTACK: i32 = 250;
pub(super) const BITRK: i32 = 1 << 8;
pub(super) const MAXINDEXRK: i32 = BITRK - 1;
pub(super) const MAXARG_BX: i32 = (1 << 18) - 1;
pub(super) const MAXARG_SBX: i32 = MAXARG_BX >> 1;
pub(super) const MAXARG_C: i32 = (1 << 9) - 1;
pub(super) const LFIELDS_PER_FLUSH: i32 = 50;

/// Opcodes, in Lua 5.1's order.
#[allow(dead_code)]
pub(super) mod op {
    pub(crate) const MOVE: u32 = 0;
    pub(crate) const LOADK: u32 = 1;
    pub(crate) const LOADBOOL: u32 = 2;
    pub(crate) const LOADNIL: u32 = 3;
    pub(crate) const GETUPVAL: u32 = 4;
    pub(crate) const GETGLOBAL: u32 = 5;
    pub(crate) const GETTABLE: u32 = 6;
    pub(crate) const SETGLOBAL: u32 = 7;
    pub(crate) const SETUPVAL: u32 = 8;
    pub(crate) const SETTABLE: u32 = 9;
    pub(crate) const NEWTABLE: u32 = 10;
    pub(crate) const SELF: u32 = 11;
    pub(crate) const ADD: u32 = 12;
    pub(crate) const SUB: u32 = 13;
    pub(crate) const MUL: u32 = 14;
    pub(crate) const DIV: u32 = 15;
    pub(crate) const MOD: u32 = 16;
    pub(crate) const POW: u32 = 17;
    pub(crate) const UNM: u32 = 18;
    pub(crate) const NOT: u32 = 19;
    pub(crate) const LEN: u32 = 20;
    pub(crate) const CONCAT: u32 = 21;
    pub(crate) const JMP: u32 = 22;
    pub(crate) const EQ: u32 = 23;
    pub(crate) const LT: u32 = 24;
    pub(crate) const LE: u32 = 25;
    pub(crate) const TEST: u32 = 26;
    pub(crate) const TESTSET: u32 = 27;
    pub(crate) const CALL: u32 = 28;
    pub(crate) const TAILCALL: u32 = 29;
    pub(crate) const RETURN: u32 = 30;
    pub(crate) const FORLOOP: u32 = 31;
    pub(crate) const FORPREP: u32 = 32;
    pub(crate) const TFORLOOP: u32 = 33;
    pub(crate) const SETLIST: u32 = 34;
    pub(crate) const CLOSE: u32 = 35;
    pub(crate) const CLOSURE: u32 = 36;
    pub(crate) const VARARG: u32 = 37;
}

/// `testTMode`: the instruction is a test, followed by the jump it controls.
#[inline]
pub(super) fn is_test(opcode: u32) -> bool {
    matches!(opcode, op::EQ | op::LT | op::LE | op::TEST | op::TESTSET | op::TFORLOOP)
}

#[inline]
pub(super) fn get_op(i: u32) -> u32 {
    i & 0x3f
}
#[inline]
pub(super) fn set_op(i: &mut u32, o: u32) {
    *i = (*i & !0x3f) | o;
}
#[inline]
pub(super) fn arg_a(i: u32) -> i32 {
    ((i >> 6) & 0xff) as i32
}
#[inline]
pub(super) fn set_a(i: &mut u32, a: i32) {
    *i = (*i & !(0xff << 6)) | (((a as u32) & 0xff) << 6);
}
#[inline]
pub(super) fn arg_b(i: u32) -> i32 {
    ((i >> 23) & 0x1ff) as i32
}
#[inline]
pub(super) fn set_b(i: &mut u32, b: i32) {
    *i = (*i & !(0x1ff << 23)) | (((b as u32) & 0x1ff) << 23);
}
#[inline]
pub(super) fn arg_c(i: u32) -> i32 {
    ((i >> 14) & 0x1ff) as i32
}
#[inline]
pub(super) fn set_c(i: &mut u32, c: i32) {
    *i = (*i & !(0x1ff << 14)) | (((c as u32) & 0x1ff) << 14);
}
#[inline]
pub(super) fn arg_sbx(i: u32) -> i32 {
    ((i >> 14) & 0x3ffff) as i32 - MAXARG_SBX
}
#[inline]
pub(super) fn set_sbx(i: &mut u32, sbx: i32) {
    *i = (*i & !(0x3ffff << 14)) | ((((sbx + MAXARG_SBX) as u32) & 0x3ffff) << 14);
}
#[inline]
pub(super) fn abc(o: u32, a: i32, b: i32, c: i32) -> u32 {
    o | ((a as u32) << 6) | ((b as u32) << 23) | ((c as u32) << 14)
}
#[inline]
pub(super) fn abx(o: u32, a: i32, bx: u32) -> u32 {
    o | ((a as u32) << 6) | (bx << 14)
}
