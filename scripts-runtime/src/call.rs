//! One call of a script being built: the `EVALSHA` (or `FCALL`) command, its `EVAL`
//! form, and the checks made before sending (running it is in `invoke.rs`).

use redis::{Cmd, Pipeline};

use crate::args::{Arg, Key};
use crate::error::{Error, Result};
use crate::prefix::has_hash_tag;
use crate::script::Script;
use crate::slot::key_slot;

/// Bytes reserved per key and fixed argument when a call starts: keys and arguments
/// are mostly short (a name with a hash tag, a number); longer ones grow the buffer.
const BYTES_PER_PARAM: usize = 32;

/// The longest `usize` in decimal (the key count).
const MAX_DIGITS: usize = 20;

/// A script call being built: `EVALSHA <sha1> <numkeys> keys... args...`
/// (`EVALSHA_RO` for a read-only script, so it can run on a replica).
///
/// Generated functions build one per call; the companion module's `call(...)`
/// returns one for pipelines and code that assembles calls by hand.
#[derive(Debug)]
pub struct Call<'s> {
    script: &'s Script,
    cmd: Cmd,
    numkeys: usize,
}

impl<'s> Call<'s> {
    /// Starts a call of `script` that will pass `numkeys` keys.
    pub fn new(script: &'s Script, numkeys: usize) -> Self {
        // `FCALL <function> <numkeys> ...` has the shape of `EVALSHA <sha1> <numkeys> ...`
        let (name, target) = match script.function() {
            Some(function) if script.read_only() => ("FCALL_RO", function.name),
            Some(function) => ("FCALL", function.name),
            None if script.read_only() => ("EVALSHA_RO", script.sha1()),
            None => ("EVALSHA", script.sha1()),
        };
        // Sized for the whole call up front, so the usual call allocates each of the
        // command's two buffers once instead of growing them argument by argument.
        let params = numkeys + script.arg_count();
        let mut cmd = Cmd::with_capacity(
            3 + params,
            name.len() + target.len() + MAX_DIGITS + BYTES_PER_PARAM * params,
        );
        cmd.arg(name).arg(target).arg(numkeys);
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

    /// How many keys the call passes.
    #[cfg(feature = "tracing")]
    pub(crate) fn key_count(&self) -> usize {
        self.numkeys
    }

    /// The EVALSHA (or FCALL) command as built so far.
    pub fn command(&self) -> &Cmd {
        &self.cmd
    }

    /// The same call as `EVAL <source> ...` (`EVAL_RO` when read-only): sent when
    /// the server lacks the script, and in pipelines. A library function has no such
    /// form: its `FCALL` command.
    pub fn eval_command(&self) -> Cmd {
        if self.script.function().is_some() {
            return self.cmd.clone();
        }
        let name = if self.script.read_only() { "EVAL_RO" } else { "EVAL" };
        // sized exactly: the script text would otherwise grow the buffer several times
        let (count, bytes) = self
            .cmd
            .args_iter()
            .skip(3)
            .fold((0, 0), |(count, bytes), arg| match arg {
                redis::Arg::Simple(arg) => (count + 1, bytes + arg.len()),
                _ => (count, bytes),
            });
        let mut eval = Cmd::with_capacity(3 + count, name.len() + self.script.source().len() + MAX_DIGITS + bytes);
        eval.arg(name).arg(self.script.source()).arg(self.numkeys);
        for arg in self.cmd.args_iter().skip(3) {
            if let redis::Arg::Simple(bytes) = arg {
                eval.arg(bytes);
            }
        }
        eval
    }

    /// The keys of the call, as sent.
    pub fn key_bytes(&self) -> impl Iterator<Item = &[u8]> {
        self.cmd
            .args_iter()
            .skip(3)
            .take(self.numkeys)
            .filter_map(|arg| match arg {
                redis::Arg::Simple(bytes) => Some(bytes),
                _ => None,
            })
    }

    /// The arguments of the call, as sent.
    fn arg_bytes(&self) -> impl Iterator<Item = &[u8]> {
        self.cmd.args_iter().skip(3 + self.numkeys).filter_map(|arg| match arg {
            redis::Arg::Simple(bytes) => Some(bytes),
            _ => None,
        })
    }

    /// The values of the `#[arg(prefix)]` parameters, as sent, with the parameter each
    /// belongs to.
    fn prefix_arg_values(&self) -> Vec<(&'static crate::PrefixArg, &[u8])> {
        let prefixes = self.script.prefix_args();
        if prefixes.is_empty() {
            return Vec::new();
        }
        let args: Vec<&[u8]> = self.arg_bytes().collect();
        let mut out = Vec::new();
        for prefix in prefixes {
            let end = if prefix.slice { args.len() } else { prefix.position + 1 };
            for value in args.get(prefix.position..end).unwrap_or_default() {
                out.push((prefix, *value));
            }
        }
        out
    }

    /// Fails when the keys hash to more than one cluster slot, naming each key and
    /// its slot; the server would refuse the call with `CROSSSLOT`. The values of
    /// `#[arg(prefix)]` parameters count as keys here: the keys the script builds from
    /// them must be in the slot of the declared ones.
    pub fn check_slots(&self) -> Result<()> {
        let slots: Vec<(String, u16)> = self
            .key_bytes()
            .chain(self.prefix_arg_values().into_iter().map(|(_, value)| value))
            .map(|key| (String::from_utf8_lossy(key).into_owned(), key_slot(key)))
            .collect();
        match slots.first() {
            Some((_, first)) if slots.iter().any(|(_, slot)| slot != first) => Err(Error::CrossSlot {
                script: self.script.name(),
                keys: slots,
                source: None,
            }),
            _ => Ok(()),
        }
    }

    /// Fails when a `#[key(prefix)]` or `#[arg(prefix)]` value has no hash tag (see
    /// [`has_hash_tag`](crate::has_hash_tag)): the keys the script builds from it could
    /// hash to other cluster slots. `cluster` is whether the call goes to a cluster
    /// (`None`: not known, as for pipelines); `allow_untagged` prefixes pass unless it
    /// does.
    pub fn check_prefixes(&self, cluster: Option<bool>) -> Result<()> {
        for (prefix, value) in self.prefix_arg_values() {
            if prefix.allow_untagged && cluster != Some(true) {
                continue;
            }
            if !has_hash_tag(value) {
                return Err(Error::UntaggedPrefix {
                    script: self.script.name(),
                    param: prefix.param,
                    value: String::from_utf8_lossy(value).into_owned(),
                    cluster: prefix.allow_untagged,
                });
            }
        }
        let prefixes = self.script.prefix_keys();
        if prefixes.is_empty() {
            return Ok(());
        }
        let keys: Vec<&[u8]> = self.key_bytes().collect();
        for prefix in prefixes {
            if prefix.allow_untagged && cluster != Some(true) {
                continue;
            }
            let end = if prefix.slice { keys.len() } else { prefix.position + 1 };
            for key in keys.get(prefix.position..end).unwrap_or_default() {
                if !has_hash_tag(key) {
                    return Err(Error::UntaggedPrefix {
                        script: self.script.name(),
                        param: prefix.param,
                        value: String::from_utf8_lossy(key).into_owned(),
                        cluster: prefix.allow_untagged,
                    });
                }
            }
        }
        Ok(())
    }

    /// Adds the call to a pipeline (plain or `atomic()`) as `EVAL`.
    ///
    /// A pipeline cannot recover from `NOSCRIPT` halfway (commands after it have
    /// already run), so it carries the script text: the call works whether or not
    /// the server has the script cached, and caches it for later `EVALSHA` calls.
    /// After [`load_all`](crate::load_all), [`add_loaded_to`](Self::add_loaded_to)
    /// sends the shorter `EVALSHA`.
    ///
    /// A library function is added as `FCALL`, which has no self-contained form: load
    /// the library first ([`Library::load`](crate::Library::load) or
    /// [`load_all`](crate::load_all)), or that entry fails with `Function not found`.
    ///
    /// Fails, adding nothing, when a `#[key(prefix)]` or `#[arg(prefix)]` value has no
    /// hash tag.
    pub fn add_to(self, pipe: &mut Pipeline) -> Result<&mut Pipeline> {
        self.check_prefixes(None)?;
        Ok(pipe.add_command(self.into_eval().cmd))
    }

    /// Adds the call to a pipeline as `EVALSHA`: only for scripts known to be loaded
    /// (see [`load_all`](crate::load_all)); otherwise that pipeline entry fails with
    /// `NOSCRIPT`.
    ///
    /// Fails, adding nothing, when a `#[key(prefix)]` or `#[arg(prefix)]` value has no
    /// hash tag.
    pub fn add_loaded_to(self, pipe: &mut Pipeline) -> Result<&mut Pipeline> {
        self.check_prefixes(None)?;
        Ok(pipe.add_command(self.cmd))
    }

    /// The same call as `EVAL`, the `EVALSHA` command dropped as soon as the `EVAL`
    /// one is built: a large argument is held twice for that moment only, not for
    /// the whole fallback.
    pub(crate) fn into_eval(mut self) -> Self {
        self.fall_back_to_eval();
        self
    }

    /// The `NOSCRIPT` fallback: [`into_eval`](Self::into_eval) in place.
    pub(crate) fn fall_back_to_eval(&mut self) {
        if self.script.function().is_none() {
            // built before the `EVALSHA` command is dropped, by this assignment
            self.cmd = self.eval_command();
        }
    }

    /// The slot of the call's keys (of the first key: [`check_slots`](Self::check_slots)
    /// has made sure they share it), or of its first `#[arg(prefix)]` value when it
    /// declares no key; `None` without either.
    #[cfg_attr(not(feature = "cluster"), allow(dead_code))]
    pub(crate) fn slot(&self) -> Option<u16> {
        match self.key_bytes().next() {
            Some(key) => Some(key_slot(key)),
            None => self.prefix_arg_values().first().map(|(_, value)| key_slot(value)),
        }
    }
}
