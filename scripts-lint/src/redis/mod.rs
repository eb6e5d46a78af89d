//! The Redis scripting environment as data: the command table and the globals.

pub mod commands;
#[cfg(feature = "docs")]
pub mod docs;
pub mod globals;
pub(crate) mod keys;
pub mod replies;
pub mod syntax;
pub mod target;
