//! Pipelines (and transactions) that run scripts: sent once, to the primary of
//! their script calls' slot, and settled. Sent again only when every reply is that
//! node's `MOVED` for the slot (nothing ran); when the node refused only some of
//! its commands, the others ran, and the pipeline fails with an error that says so
//! rather than a `MOVED` callers would act on.

use redis::{ErrorKind, RedisError, RedisResult, Value};

use super::routing::{AsyncSockets, BlockingSockets, Cluster, Routed};
use crate::attempt::{Attempt, Came, ErrorReply, Redirect, Request, Route, Step, cluster_refusal};
use crate::transport::{AsyncNodes, BlockingNodes, Nodes, Sent};

/// What was sent: only a plain pipeline (`offset` 0) shows each command's reply; a
/// transaction's replies are its `EXEC`'s.
fn request(offset: usize) -> Request {
    if offset == 0 {
        Request::Pipeline
    } else {
        Request::Transaction
    }
}

fn came(sent: &Sent<Vec<Value>>) -> Came<'_> {
    match sent {
        Sent::Done(Ok(values)) => Came::Replies(values),
        Sent::Done(Err(error)) => Came::of_error(error),
        Sent::Unreachable(_) => Came::NotSent,
    }
}

/// Sends a pipeline that runs scripts to the primary of `slot` as the decision
/// says (see the module docs); `name_of` names its commands for errors.
pub(super) async fn run_async<S: AsyncSockets>(
    mut nodes: Routed<'_, S>,
    pipeline: &S::Pipeline,
    (offset, count): (usize, usize),
    slot: Option<u16>,
    name_of: impl Fn(usize) -> Option<String>,
) -> RedisResult<Vec<Value>> {
    let route = Route::Slot(slot);
    let mut attempt = Attempt::new(request(offset), route);
    let mut node = nodes.first(route).await?;
    loop {
        let sent = nodes.sockets.send_pipeline(&node, pipeline, offset, count).await;
        let (refused, reload) = match attempt.next(came(&sent)) {
            Step::Redirect { slot, node: to, .. } => {
                node = nodes.redirect(slot, to, true);
                continue;
            }
            Step::Fail { reload, .. } => (true, reload),
            _ => (false, false),
        };
        return settle(sent, refused, reload, nodes.cluster, name_of);
    }
}

/// [`run_async`] over blocking sockets.
pub(super) fn run_blocking<S: BlockingSockets>(
    mut nodes: Routed<'_, S>,
    pipeline: &S::Pipeline,
    (offset, count): (usize, usize),
    slot: Option<u16>,
    name_of: impl Fn(usize) -> Option<String>,
) -> RedisResult<Vec<Value>> {
    let route = Route::Slot(slot);
    let mut attempt = Attempt::new(request(offset), route);
    let mut node = nodes.first(route)?;
    loop {
        let sent = nodes.sockets.send_pipeline(&node, pipeline, offset, count);
        let (refused, reload) = match attempt.next(came(&sent)) {
            Step::Redirect { slot, node: to, .. } => {
                node = nodes.redirect(slot, to, true);
                continue;
            }
            Step::Fail { reload, .. } => (true, reload),
            _ => (false, false),
        };
        return settle(sent, refused, reload, nodes.cluster, name_of);
    }
}

/// What the caller gets once the decision returns or gives up (`refused`: on
/// replies, some of the pipeline's commands were refused; `reload`: the slot map
/// may be stale).
fn settle(
    sent: Sent<Vec<Value>>,
    refused: bool,
    reload: bool,
    cluster: &Cluster,
    name_of: impl Fn(usize) -> Option<String>,
) -> RedisResult<Vec<Value>> {
    if reload {
        cluster.reload();
    }
    let values = match sent {
        Sent::Done(result) => result?,
        Sent::Unreachable(error) => return Err(error),
    };
    learn_moves(&values, cluster);
    if refused && let Some(error) = partly_refused(name_of, &values) {
        return Err(error);
    }
    Ok(values)
}

/// Keeps the slot map up to date from the `MOVED` replies in a pipeline's replies.
fn learn_moves(values: &[Value], cluster: &Cluster) {
    for value in values {
        if let Some(ErrorReply::Redirect(Redirect::Moved, slot, node)) = cluster_refusal(value) {
            cluster.learn(slot, node);
        }
    }
}

/// When some, but not all, replies of a pipeline are cluster refusals (`MOVED`,
/// `ASK`, `TRYAGAIN`, `CLUSTERDOWN`): the error to return instead of the replies.
/// Those commands belong to another slot and did not run, but the others did, script
/// calls included, and callers take these codes as "send again".
fn partly_refused(name_of: impl Fn(usize) -> Option<String>, values: &[Value]) -> Option<RedisError> {
    let (index, Value::ServerError(error)) = values
        .iter()
        .enumerate()
        .find(|(_, value)| cluster_refusal(value).is_some())?
    else {
        return None;
    };
    if values.iter().all(|value| cluster_refusal(value).is_some()) {
        // nothing ran: the server's own replies say so, and sending again is safe
        return None;
    }
    let name = name_of(index).unwrap_or_default();
    Some(RedisError::from((
        ErrorKind::Client,
        "a pipeline with script calls ran on the node of their slot, which refused some of its other commands (they belong to another slot); the rest ran, script calls included: do not send it again, and keep every key of such a pipeline in one hash slot",
        format!(
            "command {} (`{name}`): {} {}",
            index + 1,
            error.code(),
            error.details().unwrap_or("")
        ),
    )))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::cluster::packed::command_name;
    use crate::cluster::settings::NodeSettings;

    /// Where the decision sends a pipeline whose replies are `values`, if anywhere.
    fn moved_whole(values: &[Value], slot: Option<u16>) -> Option<String> {
        match Attempt::new(Request::Pipeline, Route::Slot(slot)).next(Came::Replies(values)) {
            Step::Redirect { node, .. } => Some(node.to_owned()),
            _ => None,
        }
    }

    #[test]
    fn a_pipeline_is_sent_again_only_when_every_reply_is_moved_for_its_slot() {
        // a server's error reply, as a pipeline holds it
        let reply = |text: &str| redis::parse_redis_value(format!("-{text}\r\n").as_bytes()).unwrap();
        let moved = reply("MOVED 42 10.0.0.2:7002");
        assert_eq!(
            moved_whole(&[moved.clone(), moved.clone()], Some(42)).as_deref(),
            Some("10.0.0.2:7002")
        );
        assert_eq!(moved_whole(&[moved.clone(), Value::Int(1)], Some(42)), None, "one ran");
        assert_eq!(
            moved_whole(std::slice::from_ref(&moved), Some(43)),
            None,
            "another slot"
        );
        assert_eq!(moved_whole(&[reply("ASK 42 10.0.0.2:7002")], Some(42)), None);
        assert_eq!(moved_whole(&[], Some(42)), None);
        // some refused, some ran: an error that says so, not a `MOVED` to act on
        let mut pipe = redis::pipe();
        pipe.cmd("EVALSHA").arg("0123").arg(1).arg("a{42}").cmd("INCR").arg("b");
        let pipe = |index: usize| pipe.cmd_iter().nth(index).and_then(command_name);
        let error = partly_refused(pipe, &[Value::Int(1), moved.clone()]).unwrap();
        assert_eq!(error.kind(), ErrorKind::Client);
        assert!(
            error.to_string().contains("command 2 (`INCR`): MOVED 42 10.0.0.2:7002"),
            "{error}"
        );
        assert!(
            partly_refused(pipe, &[moved.clone(), moved.clone()]).is_none(),
            "nothing ran"
        );
        assert!(partly_refused(pipe, &[Value::Int(1), Value::Int(2)]).is_none());
        let cluster = Cluster::new(NodeSettings::new("redis://seed:7000/").unwrap());
        learn_moves(&[Value::Int(1), moved], &cluster);
        assert_eq!(cluster.node(Some(42)).ok().as_deref(), Some("10.0.0.2:7002"));
    }
}
