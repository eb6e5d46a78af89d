//! `Json<T>`: a script reply produced by `cjson.encode`, decoded with serde.

use redis::{FromRedisValue, ParsingError, Value};
use serde::de::DeserializeOwned;

/// A reply that is a JSON document (a script ending in `return cjson.encode(t)`),
/// decoded into `T`.
///
/// ```
/// # use scripts_runtime::Json;
/// # use redis::FromRedisValue;
/// #[derive(serde::Deserialize)]
/// struct Stock { sku: String, count: i64 }
/// let reply = redis::Value::BulkString(br#"{"sku":"a1","count":3}"#.to_vec());
/// let Json(stock) = Json::<Stock>::from_redis_value(reply).unwrap();
/// assert_eq!((stock.sku.as_str(), stock.count), ("a1", 3));
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
