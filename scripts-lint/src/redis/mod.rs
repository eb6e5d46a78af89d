//! The Redis scripting environment as data: the command table and the globals.

pub mod commands;
pub mod globals;
pub(crate) mod keys;
pub mod replies;
pub mod syntax;
pub mod target;
