//! Every script compiled into the binary, collected at link time (loading them all
//! is in `load.rs`).

use crate::library::Library;
use crate::script::Script;

/// A script the macro registered; collected with `inventory`.
#[doc(hidden)]
pub struct Registered(pub &'static Script);

inventory::collect!(Registered);

/// Every script compiled into this binary, in no particular order (library
/// functions not included: see [`libraries`]).
pub fn scripts() -> impl Iterator<Item = &'static Script> {
    inventory::iter::<Registered>
        .into_iter()
        .map(|r| r.0)
        .filter(|script| script.function().is_none())
}

/// Every function library compiled into this binary, once each.
pub fn libraries() -> Vec<&'static Library> {
    let mut libraries: Vec<&'static Library> = Vec::new();
    for registered in inventory::iter::<Registered> {
        if let Some(function) = registered.0.function()
            && !libraries.iter().any(|known| std::ptr::eq(*known, function.library))
        {
            libraries.push(function.library);
        }
    }
    libraries
}
