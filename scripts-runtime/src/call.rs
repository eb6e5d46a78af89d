//! One call of a script: the EVALSHA command, sent with an EVAL fallback.

use redis::{Cmd, FromRedisValue, ServerErrorKind, Value};

use crate::args::{Arg, Key};
use crate::connection::{AsyncConnection, Connection};
use crate::error::{Error, Result};
use crate::script::Script;

/// A script call being built: `EVALSHA <sha1> <numkeys> keys... args...`.
///
/// Generated functions build one per call; it is public for the companion
/// module's pipeline helpers and for code that assembles calls by hand.
#[derive(Debug)]
pub struct Call<'s> {
    script: &'s Script,
    cmd: Cmd,
    numkeys: usize,
}

impl<'s> Call<'s> {
    /// Starts a call of `script` that will pass `numkeys` keys.
    pub fn new(script: &'s Script, numkeys: usize) -> Self {
        let mut cmd = redis::cmd("EVALSHA");
        cmd.arg(script.sha1()).arg(numkeys);
        Call { script, cmd, numkeys }
    }

    /// Appends one key.
    pub fn key<K: Key>(&mut self, key: K) -> &mut Self {
        self.cmd.arg(key);
        self
    }

    /// Appends every key of a slice.
    pub fn keys<K: Key, S: AsRef<[K]>>(&mut self, keys: S) -> &mut Self {
        for key in keys.as_ref() {
            self.cmd.arg(key);
        }
        self
    }

    /// Appends one argument.
    pub fn arg<A: Arg>(&mut self, arg: A) -> &mut Self {
        self.cmd.arg(arg);
        self
    }

    /// Appends every argument of a slice.
    pub fn args<A: Arg, S: AsRef<[A]>>(&mut self, args: S) -> &mut Self {
        for arg in args.as_ref() {
            self.cmd.arg(arg);
        }
        self
    }

    /// The script being called.
    pub fn script(&self) -> &'s Script {
        self.script
    }

    /// The EVALSHA command as built so far.
    pub fn command(&self) -> &Cmd {
        &self.cmd
    }

    /// The same call as `EVAL <source> ...`, sent when the server lacks the script.
    pub fn eval_command(&self) -> Cmd {
        let mut eval = redis::cmd("EVAL");
        eval.arg(self.script.source()).arg(self.numkeys);
        for arg in self.cmd.args_iter().skip(3) {
            if let redis::Arg::Simple(bytes) = arg {
                eval.arg(bytes);
            }
        }
        eval
    }

    /// Runs the call: EVALSHA, and on `NOSCRIPT` one EVAL whose reply is returned.
    pub async fn invoke_async<T: FromRedisValue, C: AsyncConnection>(&self, con: &mut C) -> Result<T> {
        let reply = match con.req_packed_command(&self.cmd).await.and_then(Value::extract_error) {
            Err(e) if is_noscript(&e) => {
                let eval = self.eval_command();
                con.req_packed_command(&eval).await.and_then(Value::extract_error)
            }
            other => other,
        };
        self.decode(reply)
    }

    /// Runs the call on a blocking connection: EVALSHA, and on `NOSCRIPT` one EVAL.
    pub fn invoke<T: FromRedisValue, C: Connection>(&self, con: &mut C) -> Result<T> {
        let reply = match con.req_command(&self.cmd).and_then(Value::extract_error) {
            Err(e) if is_noscript(&e) => con.req_command(&self.eval_command()).and_then(Value::extract_error),
            other => other,
        };
        self.decode(reply)
    }

    fn decode<T: FromRedisValue>(&self, reply: redis::RedisResult<Value>) -> Result<T> {
        let value = reply.map_err(|e| Error::from_redis(self.script, e))?;
        T::from_redis_value(value).map_err(|source| Error::Reply {
            script: self.script.name(),
            expected: std::any::type_name::<T>(),
            source,
        })
    }
}

fn is_noscript(error: &redis::RedisError) -> bool {
    error.kind() == redis::ErrorKind::Server(ServerErrorKind::NoScript)
}
