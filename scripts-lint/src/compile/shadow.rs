//! The code generator in shadow: what it does to the kinds of expressions, without
//! generating code, for a first pass that decides only what the parser decides.
//!
//! The parser reads an expression's kind for a few decisions: a call or `...` left
//! open gives several values, a call alone is a statement, only a name or an index
//! can be assigned to. Those kinds come from the parser (a suffix, a name) or from
//! discharging (parentheses make a single value); the rest of the generator's
//! bookkeeping (registers, constants, jumps) decides only its own refusals, which a
//! statement can reach only when it is long (see `Compiler::statement_done`).

use super::func::{Exp, Kind};
use super::instr::NO_JUMP;

/// `dischargevars`: a variable or open call becomes a value.
pub(super) fn discharge(e: &mut Exp) {
    e.k = match e.k {
        Kind::Local | Kind::Call => Kind::NonReloc,
        Kind::Upval | Kind::Global | Kind::Indexed | Kind::Vararg => Kind::Relocable,
        other => other,
    };
}

/// `setoneret`: an open call or `...` gives one value.
pub(super) fn one_result(e: &mut Exp) {
    e.k = match e.k {
        Kind::Call => Kind::NonReloc,
        Kind::Vararg => Kind::Relocable,
        other => other,
    };
}

/// `exp2nextreg`, `exp2anyreg`: the value is in a register.
pub(super) fn to_register(e: &mut Exp) {
    e.k = Kind::NonReloc;
    e.t = NO_JUMP;
    e.f = NO_JUMP;
}

/// `exp2RK`: a constant stays one, anything else goes to a register.
pub(super) fn to_rk(e: &mut Exp) -> i32 {
    discharge(e);
    match e.k {
        Kind::KNum | Kind::True | Kind::False | Kind::Nil | Kind::K => e.k = Kind::K,
        _ => to_register(e),
    }
    0
}

/// The result of an operator: a value, neither a variable nor a call.
pub(super) fn value(e: &mut Exp) {
    e.k = Kind::Relocable;
    e.t = NO_JUMP;
    e.f = NO_JUMP;
}
