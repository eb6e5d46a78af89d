//! Which Rust types may fill `KEYS` and `ARGV`.

use redis::ToSingleRedisArg;

/// A type that can be one Redis key: text or bytes.
///
/// Numbers and booleans are rejected on purpose: a key is a name, and an `i64`
/// in key position is almost always a forgotten format string.
///
/// A type of your own (a `UserId` newtype, say) becomes a key with two `redis` impls
/// and an empty one of this trait:
///
/// ```
/// use redis::{RedisWrite, ToRedisArgs, ToSingleRedisArg};
///
/// struct UserId(u64);
///
/// impl ToRedisArgs for UserId {
///     fn write_redis_args<W: ?Sized + RedisWrite>(&self, out: &mut W) {
///         out.write_arg_fmt(format_args!("user:{{{}}}", self.0))
///     }
/// }
/// impl ToSingleRedisArg for UserId {}
/// impl scripts_runtime::Key for UserId {} // `scripts::Key` through the facade
/// ```
#[diagnostic::on_unimplemented(
    message = "`{Self}` cannot be a Redis key",
    label = "not a key type",
    note = "a `#[key]` parameter takes `&str`, `String`, `&[u8]`, `Vec<u8>` or `impl AsRef<str>`; the last one may be a slice of them (`&[&str]`)",
    note = "for a type of your own, implement `redis::ToRedisArgs` and `redis::ToSingleRedisArg`, then `impl scripts::Key for {Self} {{}}`"
)]
pub trait Key: ToSingleRedisArg {}

impl Key for &str {}
impl Key for String {}
impl Key for &[u8] {}
impl Key for Vec<u8> {}
impl Key for std::borrow::Cow<'_, str> {}
// `&UserId` is reported as `&UserId` itself, not as "`UserId: Key` is required by this impl"
#[diagnostic::do_not_recommend]
impl<T: Key> Key for &T {}

/// A type that fills exactly one `ARGV` entry.
///
/// Every `redis` type serialised into a single value qualifies (strings, bytes,
/// integers, floats, booleans), and so does [`Json<T>`](crate::Json) (with the `json`
/// feature): the value encoded as JSON text, for `cjson.decode(ARGV[n])`. Types that
/// expand into several values (tuples, vectors) must be the last parameter, written as
/// a slice.
#[diagnostic::on_unimplemented(
    message = "`{Self}` is not one Redis argument",
    label = "does not convert into exactly one `ARGV` entry",
    note = "use a string, bytes, a number, a bool or `scripts::Json<T>`; several values go in a slice as the last parameter (`&[T]`)",
    note = "for a type of your own, implement `redis::ToRedisArgs` and `redis::ToSingleRedisArg` for `{Self}`"
)]
pub trait Arg: ToSingleRedisArg {}

// without this, rustc reports the missing `ToSingleRedisArg` and lists every type
// `redis` implements it for ("and 37 others") instead of this trait's message
#[diagnostic::do_not_recommend]
impl<T: ToSingleRedisArg> Arg for T {}
