//! Which Rust types may fill `KEYS` and `ARGV`.

use redis::ToSingleRedisArg;

/// A type that can be one Redis key: text or bytes.
///
/// Numbers and booleans are rejected on purpose: a key is a name, and an `i64`
/// in key position is almost always a forgotten format string.
#[diagnostic::on_unimplemented(
    message = "`{Self}` cannot be a Redis key",
    label = "not a key type",
    note = "a `#[key]` parameter takes `&str`, `String`, `&[u8]` or `Vec<u8>`; the last one may be a slice of them (`&[&str]`)"
)]
pub trait Key: ToSingleRedisArg {}

impl Key for &str {}
impl Key for String {}
impl Key for &[u8] {}
impl Key for Vec<u8> {}
impl Key for std::borrow::Cow<'_, str> {}
impl<T: Key> Key for &T {}

/// A type that fills exactly one `ARGV` entry.
///
/// Every `redis` type serialised into a single value qualifies (strings, bytes,
/// integers, floats, booleans). Types that expand into several values (tuples,
/// vectors) must be the last parameter, written as a slice.
#[diagnostic::on_unimplemented(
    message = "`{Self}` is not one Redis argument",
    label = "does not convert into exactly one `ARGV` entry",
    note = "use a string, bytes, a number or a bool; several values go in a slice as the last parameter (`&[T]`)"
)]
pub trait Arg: ToSingleRedisArg {}

impl<T: ToSingleRedisArg> Arg for T {}
