//! Reading requests back: which commands run a script, their keys, and the
//! commands of a packed request (the blocking `ConnectionLike` gets bytes), so a
//! request that runs scripts is sent at most once, to its slot's primary.

use redis::{Cmd, ErrorKind, RedisError, RedisResult};

use crate::slot::key_slot;

/// The commands that run a script or a library function. Whoever sends them, the
/// wrappers send them at most once.
const SCRIPT_COMMANDS: &[&str] = &["EVAL", "EVALSHA", "EVAL_RO", "EVALSHA_RO", "FCALL", "FCALL_RO"];

/// True when `cmd` runs a script: checked before anything else, so plain commands
/// pass through without their arguments being collected.
pub(super) fn runs_script(cmd: &Cmd) -> bool {
    matches!(cmd.args_iter().next(), Some(redis::Arg::Simple(name))
        if SCRIPT_COMMANDS.iter().any(|c| c.as_bytes().eq_ignore_ascii_case(name)))
}

/// The arguments of `cmd`, command name first.
pub(super) fn args_of(cmd: &Cmd) -> Vec<&[u8]> {
    cmd.args_iter()
        .filter_map(|arg| match arg {
            redis::Arg::Simple(bytes) => Some(bytes),
            _ => None,
        })
        .collect()
}

/// The name `cmd` starts with.
pub(super) fn command_name(cmd: &Cmd) -> Option<String> {
    match cmd.args_iter().next() {
        Some(redis::Arg::Simple(name)) => Some(String::from_utf8_lossy(name).into_owned()),
        _ => None,
    }
}

/// The commands of a packed request (`*<n>\r\n$<len>\r\n<bytes>\r\n...`, as redis-rs
/// writes a `Cmd` or a pipeline), each as its arguments; `None` when it is not that.
pub(super) fn parse_packed(mut bytes: &[u8]) -> Option<Vec<Vec<&[u8]>>> {
    fn number(bytes: &mut &[u8], prefix: u8) -> Option<usize> {
        let end = bytes.windows(2).position(|w| w == b"\r\n")?;
        let (line, rest) = bytes.split_at(end);
        let (&first, digits) = line.split_first()?;
        if first != prefix {
            return None;
        }
        *bytes = &rest[2..];
        std::str::from_utf8(digits).ok()?.parse().ok()
    }
    let mut cmds = Vec::new();
    while !bytes.is_empty() {
        let count = number(&mut bytes, b'*')?;
        let mut args = Vec::with_capacity(count);
        for _ in 0..count {
            let len = number(&mut bytes, b'$')?;
            if bytes.len() < len + 2 || &bytes[len..len + 2] != b"\r\n" {
                return None;
            }
            args.push(&bytes[..len]);
            bytes = &bytes[len + 2..];
        }
        cmds.push(args);
    }
    Some(cmds)
}

/// The keys of a command when it runs a script (`EVALSHA <sha> <numkeys> <key>...`),
/// `None` for any other command.
fn script_keys<'a>(args: &[&'a [u8]]) -> Option<Vec<&'a [u8]>> {
    let name = std::str::from_utf8(args.first()?).ok()?;
    if !SCRIPT_COMMANDS.iter().any(|c| c.eq_ignore_ascii_case(name)) {
        return None;
    }
    let numkeys: usize = std::str::from_utf8(args.get(2)?).ok()?.parse().ok()?;
    Some(args.iter().skip(3).take(numkeys).copied().collect())
}

/// Where a request that runs scripts goes: `Ok(None)` when none of `cmds` runs a
/// script (redis-rs routes and retries it), else `Ok(Some(slot))`: the slot of the
/// script calls' keys, or, when they have none, of the first argument of the first
/// other command that has one (redis-rs routes a pipeline by its first key too), or
/// no slot (any node). Script calls whose keys hash to different slots are refused
/// before anything is sent: one node runs the whole request.
pub(super) fn script_slot<'c>(cmds: impl Iterator<Item = Vec<&'c [u8]>>) -> RedisResult<Option<Option<u16>>> {
    let mut scripts = false;
    // the slot of the script calls' keys, and the first key seen in it
    let mut first: Option<(u16, &[u8])> = None;
    let mut other: Option<u16> = None;
    for cmd in cmds {
        let Some(keys) = script_keys(&cmd) else {
            if other.is_none()
                && let Some(key) = cmd.get(1)
            {
                other = Some(key_slot(key));
            }
            continue;
        };
        scripts = true;
        for key in keys {
            let slot = key_slot(key);
            match first {
                Some((first_slot, first_key)) if first_slot != slot => {
                    return Err(RedisError::from((
                        ErrorKind::Server(redis::ServerErrorKind::CrossSlot),
                        "the script calls of one pipeline must have all their keys in one hash slot (the cluster wrapper sends it once, to one node); nothing was sent: give the keys one hash tag, such as `{user42}`",
                        format!(
                            "`{}` is in slot {first_slot}, `{}` in slot {slot}",
                            String::from_utf8_lossy(first_key),
                            String::from_utf8_lossy(key)
                        ),
                    )));
                }
                Some(_) => {}
                None => first = Some((slot, key)),
            }
        }
    }
    let slot = first.map(|(slot, _)| slot);
    Ok(scripts.then_some(slot.or(other)))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn script_commands_are_told_apart_and_routed_by_their_keys() {
        let evalsha = |keys: &[&str]| {
            let mut cmd = redis::cmd("evalsha");
            cmd.arg("0123").arg(keys.len()).arg(keys).arg("argument");
            cmd
        };
        let mut plain = redis::cmd("HINCRBY");
        plain.arg("other").arg("f").arg(1);
        assert_eq!(
            script_keys(&args_of(&evalsha(&["a", "b"]))),
            Some(vec![&b"a"[..], b"b"])
        );
        assert_eq!(script_keys(&args_of(&plain)), None);
        let mut fcall = redis::cmd("FCALL_RO");
        fcall.arg("f").arg(0);
        assert_eq!(script_keys(&args_of(&fcall)), Some(vec![]));

        // no script: redis-rs's path
        assert_eq!(script_slot([&plain].into_iter().map(args_of)).unwrap(), None);
        // the script calls' keys decide, whatever comes first
        let slot = key_slot(b"{q}");
        let calls = [plain.clone(), evalsha(&["x{q}"]), evalsha(&["y{q}", "z{q}"])];
        assert_eq!(script_slot(calls.iter().map(args_of)).unwrap(), Some(Some(slot)));
        // key-less script calls follow the first other command with an argument
        assert_eq!(
            script_slot([&fcall, &plain].into_iter().map(args_of)).unwrap(),
            Some(Some(key_slot(b"other")))
        );
        assert_eq!(script_slot([&fcall].into_iter().map(args_of)).unwrap(), Some(None));
        // script calls in two slots: refused
        let error = script_slot([evalsha(&["a{1}"]), evalsha(&["a{2}"])].iter().map(args_of)).unwrap_err();
        assert_eq!(error.kind(), ErrorKind::Server(redis::ServerErrorKind::CrossSlot));
    }

    #[test]
    fn packed_requests_read_back_as_their_commands() {
        let mut pipe = redis::pipe();
        pipe.cmd("EVALSHA").arg("0123").arg(1).arg("a{q}").arg("").cmd("PING");
        let packed = pipe.get_packed_pipeline();
        let cmds = parse_packed(&packed).unwrap();
        assert_eq!(
            cmds,
            [vec![&b"EVALSHA"[..], b"0123", b"1", b"a{q}", b""], vec![&b"PING"[..]]]
        );
        assert_eq!(script_slot(cmds.into_iter()).unwrap(), Some(Some(key_slot(b"{q}"))));
        let one = redis::cmd("GET").arg("k").get_packed_command();
        assert_eq!(parse_packed(&one).unwrap(), [vec![&b"GET"[..], b"k"]]);
        // not what redis-rs writes: left to redis-rs
        assert_eq!(parse_packed(b"PING\r\n"), None);
        assert_eq!(parse_packed(b"*1\r\n$4\r\nPIN"), None);
        assert_eq!(parse_packed(b"*1\r\n$x\r\n"), None);
    }
}
