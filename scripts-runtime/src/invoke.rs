//! Running a call: what generated functions call. The connection runs it (see
//! [`AsyncConnection::run_call`]); here the reply is decoded and the call traced.

use std::future::Future;
use std::marker::PhantomData;
use std::pin::Pin;
use std::task::{Context, Poll};

use redis::{FromRedisValue, Value};

use crate::call::Call;
use crate::connection::{AsyncConnection, Connection};
use crate::error::{Error, Result};
use crate::script::Script;

impl Call<'_> {
    /// Runs the call: `EVALSHA`, and one `EVAL` (whose reply is returned) only when
    /// the server answers its own `NOSCRIPT` reply, which proves the script did not
    /// run. Nothing else is sent again; see [`Error::ran`] for what a failure tells.
    ///
    /// Takes the call by value so that the `EVAL` fallback can drop the `EVALSHA`
    /// command (and any large argument in it) before sending.
    pub fn invoke_async<T: FromRedisValue, C: AsyncConnection>(self, con: &mut C) -> impl Future<Output = Result<T>> {
        let script = self.script();
        #[cfg(feature = "tracing")]
        let span = self.span();
        #[cfg(not(feature = "tracing"))]
        let span = ();
        Invocation {
            run: con.run_call(self),
            script,
            span,
            decoded: PhantomData,
        }
    }

    /// Runs the call on a blocking connection: `EVALSHA`, and one `EVAL` only on the
    /// server's own `NOSCRIPT` reply (see [`invoke_async`](Self::invoke_async)).
    pub fn invoke<T: FromRedisValue, C: Connection>(self, con: &mut C) -> Result<T> {
        let script = self.script();
        #[cfg(feature = "tracing")]
        {
            let span = self.span();
            let result = span.in_scope(|| finish(script, con.run_call(self)));
            span.record("outcome", outcome(&result));
            result
        }
        #[cfg(not(feature = "tracing"))]
        finish(script, con.run_call(self))
    }

    #[cfg(feature = "tracing")]
    fn span(&self) -> tracing::Span {
        tracing::info_span!(
            "redis_script",
            script = self.script().name(),
            sha1 = self.script().sha1(),
            keys = self.key_count(),
            outcome = tracing::field::Empty,
        )
    }
}

#[cfg(feature = "tracing")]
type CallSpan = tracing::Span;
#[cfg(not(feature = "tracing"))]
type CallSpan = ();

pin_project_lite::pin_project! {
    /// A call being run by its connection ([`AsyncConnection::run_call`]), its reply
    /// decoded, traced in the call's span. One struct rather than `async` blocks
    /// around the connection's future: each of those would hold that future twice
    /// (as what it captured and as what it awaits), and the size of a call's future
    /// is a cost of every call in flight (BENCHMARKS.md, section 1).
    struct Invocation<'s, F, T> {
        #[pin]
        run: F,
        script: &'s Script,
        span: CallSpan,
        decoded: PhantomData<fn() -> T>,
    }
}

impl<F: Future<Output = Result<Value>>, T: FromRedisValue> Future for Invocation<'_, F, T> {
    type Output = Result<T>;

    fn poll(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Result<T>> {
        let this = self.project();
        #[cfg(feature = "tracing")]
        let _entered = this.span.enter();
        let reply = std::task::ready!(this.run.poll(cx));
        let result = finish(this.script, reply);
        #[cfg(feature = "tracing")]
        this.span.record("outcome", outcome(&result));
        Poll::Ready(result)
    }
}

/// Decodes a reply into the function's return type.
fn finish<T: FromRedisValue>(script: &Script, reply: Result<Value>) -> Result<T> {
    reply.and_then(|value| {
        T::from_redis_value(value).map_err(|source| Error::Reply {
            script: script.name(),
            expected: std::any::type_name::<T>(),
            source,
        })
    })
}

#[cfg(feature = "tracing")]
fn outcome<T>(result: &Result<T>) -> &'static str {
    match result {
        Ok(_) => "ok",
        Err(Error::Script(_)) => "script_error",
        Err(Error::Busy { .. }) => "busy",
        Err(Error::Killed { .. }) => "killed",
        Err(Error::ReadOnly { .. }) => "read_only",
        Err(Error::CrossSlot { .. }) => "cross_slot",
        Err(Error::NoScript { .. }) => "no_script",
        Err(Error::NoFunction { .. }) => "no_function",
        Err(Error::Load { .. }) => "load",
        Err(Error::OutOfMemory { .. }) => "out_of_memory",
        Err(Error::Redirected { .. }) => "redirected",
        Err(Error::TryAgain { .. }) => "try_again",
        Err(Error::ClusterDown { .. }) => "cluster_down",
        Err(Error::Timeout { .. }) => "timeout",
        Err(Error::Connection { .. }) => "connection",
        Err(Error::Unreachable { .. }) => "unreachable",
        Err(Error::Reply { .. }) => "reply",
        Err(Error::Server { .. }) => "server",
        Err(Error::UntaggedPrefix { .. }) => "untagged_prefix",
    }
}
