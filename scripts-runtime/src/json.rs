//! `Json<T>`: a script reply produced by `cjson.encode`, decoded with serde; or an
//! argument encoded as JSON for `cjson.decode`.

use redis::{FromRedisValue, ParsingError, RedisWrite, ToRedisArgs, ToSingleRedisArg, Value};
use serde::Serialize;
use serde::de::DeserializeOwned;

/// JSON text on the wire, a Rust value in your code: a reply produced by
/// `return cjson.encode(t)` decoded into `T`, or an argument encoded from `T` for the
/// script to read with `cjson.decode(ARGV[n])`.
///
/// ```
/// # use scripts_runtime::Json;
/// # use redis::{FromRedisValue, ToRedisArgs};
/// #[derive(serde::Deserialize, serde::Serialize)]
/// struct Stock { sku: String, count: i64 }
///
/// // a reply
/// let reply = redis::Value::BulkString(br#"{"sku":"a1","count":3}"#.to_vec());
/// let Json(stock) = Json::<Stock>::from_redis_value(reply).unwrap();
/// assert_eq!((stock.sku.as_str(), stock.count), ("a1", 3));
///
/// // an argument: one `ARGV` entry
/// assert_eq!(Json(&stock).to_redis_args(), [br#"{"sku":"a1","count":3}"#.to_vec()]);
/// ```
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Json<T>(pub T);

impl<T> Json<T> {
    /// The decoded value.
    pub fn into_inner(self) -> T {
        self.0
    }
}

impl<T> std::ops::Deref for Json<T> {
    type Target = T;
    fn deref(&self) -> &T {
        &self.0
    }
}

impl<T: DeserializeOwned> FromRedisValue for Json<T> {
    fn from_redis_value(v: Value) -> Result<Self, ParsingError> {
        let bytes: &[u8] = match &v {
            Value::BulkString(bytes) => bytes,
            Value::SimpleString(text) => text.as_bytes(),
            Value::VerbatimString { text, .. } => text.as_bytes(),
            other => {
                return Err(format!("expected a JSON string (`return cjson.encode(...)`), got {other:?}").into());
            }
        };
        serde_json::from_slice(bytes)
            .map(Json)
            .map_err(|e| format!("the reply is not the expected JSON: {e}").into())
    }
}

/// One argument: the value as JSON text.
///
/// # Panics
///
/// When `T`'s `Serialize` fails, as [`ToString`] panics when `Display` fails: a map
/// whose keys are not strings or numbers (`HashMap<(i32, i32), _>`), or a hand-written
/// `Serialize` that returns an error. Derived impls of plain structs never fail.
impl<T: Serialize> ToRedisArgs for Json<T> {
    fn write_redis_args<W>(&self, out: &mut W)
    where
        W: ?Sized + RedisWrite,
    {
        if let Err(e) = serde_json::to_writer(out.writer_for_next_arg(), &self.0) {
            panic!(
                "`Json<{}>` argument cannot be encoded as JSON: {e}",
                crate::type_name::short(std::any::type_name::<T>())
            );
        }
    }
}

impl<T: Serialize> ToSingleRedisArg for Json<T> {}
