//! The Redis command table: what each command is called, how many arguments it takes,
//! where its keys are and whether a script may call it.
//!
//! The data comes from the command JSON of three servers (Redis 7.0.15, Redis 7.4 and
//! Valkey 8.0.1), exported to the TSVs in `scripts-lint/data/` and turned into
//! `commands_table.rs` by `tests/command_table.rs`. A script runs on whichever server the
//! application talks to, so one entry covers every version, and the fields that differ
//! between versions in a way a lint cares about ([`Command::versions`],
//! [`Command::noscript_in`]) keep one bit per version instead of picking a winner.
//!
//! ```
//! use scripts_lint::redis::commands::{self, version};
//!
//! let blpop = commands::lookup("blpop").unwrap();
//! assert!(blpop.is_blocking());
//! // refused in scripts by 7.0 only: 7.2 made blocking commands non-blocking in scripts
//! assert_eq!(blpop.noscript_in, version::REDIS_7_0);
//! assert!(commands::subcommand("object", "encoding").is_some());
//! ```

/// Command flags (`command_flags` in the command JSON), one bit each in [`Command::flags`].
pub mod flag {
    /// May modify the keyspace; in a script it makes the script a writer, which replicas
    /// and `EVAL_RO` refuse.
    pub const WRITE: u32 = 1 << 0;
    /// Reads keys and never modifies them.
    pub const READONLY: u32 = 1 << 1;
    /// May grow memory use, so the server refuses it with `OOM` above `maxmemory`.
    pub const DENYOOM: u32 = 1 << 2;
    /// Refused inside scripts. Changed between versions, so check
    /// [`Command::noscript_in`](super::Command::noscript_in) rather than this bit.
    pub const NOSCRIPT: u32 = 1 << 3;
    /// May block the calling client (inside scripts, 7.2 and later never block).
    pub const BLOCKING: u32 = 1 << 4;
    /// Not a write, yet may propagate to replicas and the AOF (`EVAL`, `PUBLISH`), so a
    /// read-only replica or `EVAL_RO` may still refuse it.
    pub const MAY_REPLICATE: u32 = 1 << 5;
    /// Constant or logarithmic time; never delays the server noticeably.
    pub const FAST: u32 = 1 << 6;
    /// Allowed while the server loads its dataset.
    pub const LOADING: u32 = 1 << 7;
    /// Allowed on a replica whose link to its master is down.
    pub const STALE: u32 = 1 << 8;
    /// Administrative; needs the `@admin` ACL category.
    pub const ADMIN: u32 = 1 << 9;
    /// Part of Pub/Sub.
    pub const PUBSUB: u32 = 1 << 10;
    /// Its key arguments may all be absent (`EVAL script 0`), so a missing key is no error.
    pub const NO_MANDATORY_KEYS: u32 = 1 << 11;
    /// Allowed while a script or function is busy (`SCRIPT KILL`, `FUNCTION KILL`).
    pub const ALLOW_BUSY: u32 = 1 << 12;
    /// Behaves as if `ASKING` had been sent first (`RESTORE-ASKING`).
    pub const ASKING: u32 = 1 << 13;
    /// Refused while a replica loads a dataset asynchronously.
    pub const NO_ASYNC_LOADING: u32 = 1 << 14;
    /// Allowed before the client authenticates.
    pub const NO_AUTH: u32 = 1 << 15;
    /// Refused inside `MULTI`.
    pub const NO_MULTI: u32 = 1 << 16;
    /// Exists only on Sentinel.
    pub const ONLY_SENTINEL: u32 = 1 << 17;
    /// Refused unless the matching `enable-*-command` setting allows it.
    pub const PROTECTED: u32 = 1 << 18;
    /// Also exists on Sentinel.
    pub const SENTINEL: u32 = 1 << 19;
    /// Hidden from `MONITOR`.
    pub const SKIP_MONITOR: u32 = 1 << 20;
    /// Hidden from the slow log.
    pub const SKIP_SLOWLOG: u32 = 1 << 21;
    /// May touch keys it was not given (`SCAN`, `RANDOMKEY`): on a cluster those live on
    /// other nodes, and a script cannot declare them in `KEYS`.
    pub const TOUCHES_ARBITRARY_KEYS: u32 = 1 << 22;
}

/// Command tips, one bit each in [`Command::tips`]. Only the tips that say something about
/// a script's result are kept; the cluster request and response policies are not.
pub mod tip {
    /// The reply can differ between calls on the same data (`TIME`, `SPOP`, `RANDOMKEY`).
    pub const NONDETERMINISTIC_OUTPUT: u8 = 1 << 0;
    /// The reply holds the same elements on the same data, but in no fixed order
    /// (`SMEMBERS`, `HGETALL`, `KEYS`).
    pub const NONDETERMINISTIC_OUTPUT_ORDER: u8 = 1 << 1;
}

/// The servers the table was built from, one bit each in [`Command::versions`] and
/// [`Command::noscript_in`].
pub mod version {
    /// Redis 7.0 (the data is from 7.0.15).
    pub const REDIS_7_0: u8 = 1;
    /// Redis 7.4.
    pub const REDIS_7_4: u8 = 2;
    /// Valkey 8.0 (the data is from 8.0.1).
    pub const VALKEY_8_0: u8 = 4;
}

/// Key-spec flags, one bit each in [`KeySpec::flags`]: what the command does to the keys a
/// spec finds.
pub mod key_flag {
    /// Reads the value without changing it.
    pub const RO: u16 = 1 << 0;
    /// Reads and changes the value.
    pub const RW: u16 = 1 << 1;
    /// Replaces the value without reading it.
    pub const OW: u16 = 1 << 2;
    /// Removes the key.
    pub const RM: u16 = 1 << 3;
    /// Returns, copies or otherwise uses the data in the value.
    pub const ACCESS: u16 = 1 << 4;
    /// Changes data in the value.
    pub const UPDATE: u16 = 1 << 5;
    /// Adds data to the value without changing or removing what is there.
    pub const INSERT: u16 = 1 << 6;
    /// Removes data from the value.
    pub const DELETE: u16 = 1 << 7;
    /// Not a key, but hashed to a slot like one (shard channels): it still has to live on
    /// the node that runs the command.
    pub const NOT_KEY: u16 = 1 << 8;
    /// The spec may miss some keys; the server finds the rest with the command's own
    /// key-extraction function.
    pub const INCOMPLETE: u16 = 1 << 9;
    /// The real flags depend on the arguments (`SET ... GET` also reads).
    pub const VARIABLE_FLAGS: u16 = 1 << 10;
}

/// Where a key spec starts looking for keys. Positions count the command name as 0 (and,
/// for a subcommand, the subcommand name as 1), as in the server's `argv`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum BeginSearch {
    /// The first key is at this position.
    Index(u16),
    /// The first key follows `keyword`, searched for from `startfrom` (negative: counted
    /// from the end, searching backwards).
    Keyword {
        /// The keyword, uppercase (`STREAMS`, `STORE`).
        keyword: &'static str,
        /// Where the search starts.
        startfrom: i16,
    },
    /// Cannot be described; the server calls the command's own key-extraction function.
    Unknown,
}

/// How a key spec finds the keys after [`BeginSearch`] found the first one.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum FindKeys {
    /// Keys every `step` arguments up to `lastkey`, relative to the first key.
    Range {
        /// Last key relative to the first (negative: counted from the end, -1 the last
        /// argument).
        lastkey: i16,
        /// Distance between keys (2 for `MSET key value ...`).
        step: u16,
        /// With `lastkey` -1, only the first 1/`limit` of the remaining arguments are keys
        /// (`XREAD STREAMS k1 k2 id1 id2` has limit 2); 0 means all of them.
        limit: u16,
    },
    /// The number of keys is itself an argument (`EVAL script numkeys key ...`).
    Keynum {
        /// Position of the count, relative to where the search began.
        keynumidx: u16,
        /// Position of the first key, relative to where the search began.
        firstkey: u16,
        /// Distance between keys.
        step: u16,
    },
    /// Cannot be described; the server calls the command's own key-extraction function.
    Unknown,
}

/// One way a command locates some of its keys.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct KeySpec {
    /// Where the search starts.
    pub begin: BeginSearch,
    /// How the keys are found from there.
    pub find: FindKeys,
    /// What the command does to those keys ([`key_flag`] bits).
    pub flags: u16,
}

/// One command or subcommand, merged across the servers in [`version`].
///
/// Every field except [`versions`](Self::versions) and [`noscript_in`](Self::noscript_in)
/// comes from the newest Redis that has the command (7.4, else 7.0), else from Valkey: the
/// table describes Redis first, and falls back to Valkey only for what Redis lacks.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Command {
    /// Uppercase name; a subcommand is `CONTAINER|SUB` (`OBJECT|ENCODING`).
    pub name: &'static str,
    /// Argument count including the command name (and, for a subcommand, the subcommand
    /// name): N means exactly N, -N at least N. See [`arity_allows`](Self::arity_allows).
    pub arity: i16,
    /// [`flag`] bits.
    pub flags: u32,
    /// [`tip`] bits.
    pub tips: u8,
    /// Where the keys are, in the server's order.
    pub key_specs: &'static [KeySpec],
    /// [`version`] bits of the servers that have the command.
    pub versions: u8,
    /// [`version`] bits of the servers that refuse the command inside scripts.
    pub noscript_in: u8,
    /// Documentation group (`string`, `sorted_set`, `server`, ...).
    pub group: &'static str,
    /// The server version that introduced the command.
    pub since: &'static str,
}

impl Command {
    /// True when the command can change data: `MAY_REPLICATE` counts, because a replica
    /// or `EVAL_RO` refuses it just the same.
    pub fn is_write(&self) -> bool {
        self.flags & (flag::WRITE | flag::MAY_REPLICATE) != 0
    }

    /// True when the command reads keys and never writes.
    pub fn is_readonly(&self) -> bool {
        self.flags & flag::READONLY != 0
    }

    /// True when every server that has the command refuses it inside scripts; a command
    /// refused by only some of them is a portability warning, not an error.
    pub fn is_noscript_everywhere(&self) -> bool {
        self.versions != 0 && self.noscript_in & self.versions == self.versions
    }

    /// True when the command may block the client.
    pub fn is_blocking(&self) -> bool {
        self.flags & flag::BLOCKING != 0
    }

    /// True when the reply can differ between calls on the same data. An unordered reply
    /// ([`tip::NONDETERMINISTIC_OUTPUT_ORDER`]) does not count: its contents are fixed.
    pub fn is_nondeterministic(&self) -> bool {
        self.tips & tip::NONDETERMINISTIC_OUTPUT != 0
    }

    /// True when a call with `count` arguments, the command name(s) included, has an
    /// acceptable number of arguments.
    pub fn arity_allows(&self, count_including_command_name: usize) -> bool {
        let arity = usize::from(self.arity.unsigned_abs());
        if self.arity < 0 {
            count_including_command_name >= arity
        } else {
            count_including_command_name == arity
        }
    }

    /// True when the server(s) in `version` (a [`version`] bit, or several or-ed together:
    /// any of them) have the command.
    pub fn known_in(&self, version: u8) -> bool {
        self.versions & version != 0
    }
}

include!("commands_table.rs");

/// Every command and subcommand, sorted by name in byte order so lookups can binary-search.
pub static COMMANDS: &[Command] = TABLE;

/// Longer than any command name (the longest is 33 bytes), so a name that does not fit
/// cannot be in the table and lookups never need the heap.
const NAME_BUF: usize = 64;

/// Uppercases `parts` joined by `|` into `buf`; None when they do not fit.
fn uppercase_joined<'a>(parts: &[&str], buf: &'a mut [u8; NAME_BUF]) -> Option<&'a [u8]> {
    let mut len = 0;
    for (i, part) in parts.iter().enumerate() {
        let separator = if i == 0 { None } else { Some(b'|') };
        for byte in separator.into_iter().chain(part.bytes()) {
            *buf.get_mut(len)? = byte.to_ascii_uppercase();
            len += 1;
        }
    }
    Some(&buf[..len])
}

fn find(parts: &[&str]) -> Option<&'static Command> {
    find_index(parts).map(|index| &COMMANDS[index])
}

fn find_index(parts: &[&str]) -> Option<usize> {
    let mut buf = [0; NAME_BUF];
    let key = uppercase_joined(parts, &mut buf)?;
    COMMANDS
        .binary_search_by(|command| command.name.as_bytes().cmp(key))
        .ok()
}

/// True when the entry at `index` is a container: its subcommands (`NAME|SUB`) sort
/// after it, among the few names that start with it (`GET`, `GETBIT`, `GETDEL`, ...).
fn is_container(index: usize) -> bool {
    let name = COMMANDS[index].name.as_bytes();
    COMMANDS[index + 1..]
        .iter()
        .map(|command| command.name.as_bytes())
        .take_while(|other| other.starts_with(name))
        .any(|other| other.get(name.len()) == Some(&b'|'))
}

/// The command called `name`, in any case (`get`, `GET`); `CONTAINER|SUB` finds a
/// subcommand.
pub fn lookup(name: &str) -> Option<&'static Command> {
    find(&[name])
}

/// The subcommand `sub` of `container`, in any case (`subcommand("object", "encoding")`).
pub fn subcommand(container: &str, sub: &str) -> Option<&'static Command> {
    find(&[container, sub])
}

/// True when `name` is a container (`OBJECT`, `CLIENT`), whose behaviour depends on the
/// subcommand: its own entry carries no flags or key specs.
pub fn has_subcommands(name: &str) -> bool {
    let mut buf = [0; NAME_BUF];
    // the trailing empty part makes the prefix `NAME|`
    let Some(prefix) = uppercase_joined(&[name, ""], &mut buf) else {
        return false;
    };
    let first = COMMANDS.partition_point(|command| command.name.as_bytes() < prefix);
    COMMANDS
        .get(first)
        .is_some_and(|command| command.name.as_bytes().starts_with(prefix))
}

/// What a command name resolves to in the table.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Resolved<'a> {
    /// A known command (or subcommand, for containers like `OBJECT ENCODING`).
    Known(&'static Command),
    /// A container command whose subcommand is not a literal.
    Container(&'static Command),
    /// A name no supported server knows.
    Unknown(&'a str),
    /// A container with a literal subcommand it does not have.
    UnknownSubcommand(&'static Command, &'a str),
}

/// What the command `name` runs, given `sub`, the literal word after it when there is
/// one (a container's subcommand: `CLIENT KILL`, `OBJECT ENCODING`). The one place a
/// call's name is looked up, for the analysis and the lints alike.
pub(crate) fn resolve<'a>(name: &'a str, sub: Option<&'a str>) -> Resolved<'a> {
    let Some(index) = find_index(&[name]) else {
        return Resolved::Unknown(name);
    };
    let command = &COMMANDS[index];
    if !is_container(index) {
        return Resolved::Known(command);
    }
    match sub {
        Some(sub) => match subcommand(command.name, sub) {
            Some(known) => Resolved::Known(known),
            None => Resolved::UnknownSubcommand(command, sub),
        },
        None => Resolved::Container(command),
    }
}

/// The whole table, sorted by name.
pub fn all() -> &'static [Command] {
    COMMANDS
}

#[cfg(test)]
mod tests {
    use super::*;

    const EVERY_VERSION: u8 = version::REDIS_7_0 | version::REDIS_7_4 | version::VALKEY_8_0;

    fn get(name: &str) -> &'static Command {
        lookup(name).unwrap_or_else(|| panic!("{name} is not in the table"))
    }

    #[test]
    fn table_is_sorted_unique_and_fits_the_lookup_buffer() {
        for pair in COMMANDS.windows(2) {
            assert!(pair[0].name < pair[1].name, "{} before {}", pair[0].name, pair[1].name);
        }
        for command in COMMANDS {
            assert!(
                command.name.len() < NAME_BUF,
                "{} is too long for lookups",
                command.name
            );
            assert_eq!(command.name, command.name.to_ascii_uppercase());
            assert_ne!(command.versions, 0, "{} is in no version", command.name);
            assert_eq!(command.noscript_in & !command.versions, 0, "{}", command.name);
        }
    }

    #[test]
    fn lookup_ignores_case() {
        assert_eq!(get("get").name, "GET");
        assert_eq!(get("GeT").name, "GET");
        assert!(std::ptr::eq(get("get"), get("GET")));
        assert_eq!(get("object|encoding").name, "OBJECT|ENCODING");
    }

    #[test]
    fn unknown_names_are_none() {
        assert!(lookup("").is_none());
        assert!(lookup("NOSUCHCOMMAND").is_none());
        assert!(lookup("GETT").is_none());
        assert!(lookup("GE").is_none());
        assert!(lookup("GET ").is_none());
        assert!(lookup(&"A".repeat(200)).is_none());
        assert!(lookup("gét").is_none());
        assert!(subcommand("object", "nosuch").is_none());
        assert!(subcommand("get", "encoding").is_none());
    }

    #[test]
    fn set_and_get() {
        let set = get("SET");
        assert_eq!(set.arity, -3);
        assert!(set.is_write());
        assert!(!set.is_readonly());
        assert_eq!(set.flags, flag::WRITE | flag::DENYOOM);
        assert_eq!(set.versions, EVERY_VERSION);
        assert_eq!(set.group, "string");
        assert_eq!(set.since, "1.0.0");
        assert!(!set.arity_allows(2));
        assert!(set.arity_allows(3));
        assert!(set.arity_allows(6));

        let get_ = get("GET");
        assert!(get_.is_readonly());
        assert!(!get_.is_write());
        assert_eq!(get_.arity, 2);
        assert!(get_.arity_allows(2));
        assert!(!get_.arity_allows(1));
        assert!(!get_.arity_allows(3));
        assert_eq!(
            get_.key_specs,
            &[KeySpec {
                begin: BeginSearch::Index(1),
                find: FindKeys::Range {
                    lastkey: 0,
                    step: 1,
                    limit: 0
                },
                flags: key_flag::RO | key_flag::ACCESS,
            }]
        );
    }

    #[test]
    fn may_replicate_counts_as_write() {
        let publish = get("PUBLISH");
        assert_eq!(publish.flags & flag::WRITE, 0);
        assert!(publish.is_write());
    }

    #[test]
    fn script_and_transaction_commands_are_noscript_everywhere() {
        for name in [
            "MULTI",
            "EXEC",
            "EVAL",
            "EVALSHA",
            "FCALL",
            "SUBSCRIBE",
            "WATCH",
            "CONFIG|SET",
        ] {
            let command = get(name);
            assert_eq!(command.noscript_in, EVERY_VERSION, "{name}");
            assert!(command.is_noscript_everywhere(), "{name}");
        }
        assert!(!get("GET").is_noscript_everywhere());
        assert_eq!(get("GET").noscript_in, 0);
    }

    #[test]
    fn blocking_list_commands_are_noscript_in_7_0_only() {
        for name in ["BLPOP", "BRPOP", "BLMOVE", "BRPOPLPUSH", "BZPOPMIN", "BZPOPMAX"] {
            let command = get(name);
            assert!(command.is_blocking(), "{name}");
            assert_eq!(command.noscript_in, version::REDIS_7_0, "{name}");
            assert!(!command.is_noscript_everywhere(), "{name}");
            // flags come from 7.4, which no longer refuses them
            assert_eq!(command.flags & flag::NOSCRIPT, 0, "{name}");
        }
        // WAIT went the same way, and gained BLOCKING on the way
        let wait = get("WAIT");
        assert_eq!(wait.noscript_in, version::REDIS_7_0);
        assert!(wait.is_blocking());
    }

    #[test]
    fn zunionstore_has_an_index_spec_and_a_keynum_spec() {
        let specs = get("ZUNIONSTORE").key_specs;
        assert_eq!(specs.len(), 2);
        assert_eq!(specs[0].begin, BeginSearch::Index(1));
        assert_eq!(
            specs[0].find,
            FindKeys::Range {
                lastkey: 0,
                step: 1,
                limit: 0
            }
        );
        assert_eq!(specs[0].flags, key_flag::OW | key_flag::UPDATE);
        assert_eq!(specs[1].begin, BeginSearch::Index(2));
        assert_eq!(
            specs[1].find,
            FindKeys::Keynum {
                keynumidx: 0,
                firstkey: 1,
                step: 1
            }
        );
        assert_eq!(specs[1].flags, key_flag::RO | key_flag::ACCESS);
    }

    #[test]
    fn xread_keys_follow_streams() {
        let xread = get("XREAD");
        assert!(xread.is_readonly());
        assert!(xread.is_blocking());
        assert_eq!(
            xread.key_specs,
            &[KeySpec {
                begin: BeginSearch::Keyword {
                    keyword: "STREAMS",
                    startfrom: 1
                },
                find: FindKeys::Range {
                    lastkey: -1,
                    step: 1,
                    limit: 2
                },
                flags: key_flag::RO | key_flag::ACCESS,
            }]
        );
    }

    #[test]
    fn sort_keys_are_unknown() {
        let specs = get("SORT").key_specs;
        assert_eq!(specs.len(), 3);
        assert!(
            specs[1..]
                .iter()
                .all(|s| s.begin == BeginSearch::Unknown && s.find == FindKeys::Unknown)
        );
    }

    #[test]
    fn containers_are_found_next_to_their_subcommands() {
        for (index, command) in COMMANDS.iter().enumerate() {
            assert_eq!(is_container(index), has_subcommands(command.name), "{}", command.name);
        }
    }

    #[test]
    fn names_resolve_with_their_subcommand() {
        let known = |name, sub| match resolve(name, sub) {
            Resolved::Known(command) => command.name,
            other => panic!("{name} {sub:?}: {other:?}"),
        };
        assert_eq!(known("get", None), "GET");
        assert_eq!(known("GET", Some("k")), "GET");
        assert_eq!(known("client", Some("kill")), "CLIENT|KILL");
        assert_eq!(known("OBJECT|ENCODING", None), "OBJECT|ENCODING");
        assert!(matches!(resolve("OBJECT", None), Resolved::Container(c) if c.name == "OBJECT"));
        assert!(
            matches!(resolve("object", Some("nope")), Resolved::UnknownSubcommand(c, "nope") if c.name == "OBJECT")
        );
        assert_eq!(resolve("GTE", None), Resolved::Unknown("GTE"));
    }

    #[test]
    fn subcommands() {
        let encoding = subcommand("object", "encoding").expect("OBJECT|ENCODING");
        assert_eq!(encoding.name, "OBJECT|ENCODING");
        assert!(std::ptr::eq(encoding, get("OBJECT|ENCODING")));
        assert_eq!(encoding.arity, 3);
        assert!(encoding.is_readonly());
        assert_eq!(encoding.key_specs[0].begin, BeginSearch::Index(2));
        assert!(subcommand("Client", "No-Evict").is_some());

        assert!(has_subcommands("OBJECT"));
        assert!(has_subcommands("client"));
        assert!(has_subcommands("XINFO"));
        assert!(!has_subcommands("GET"));
        assert!(!has_subcommands("OBJECT|ENCODING"));
        assert!(!has_subcommands("OBJEC"));
        assert!(!has_subcommands("NOSUCHCOMMAND"));
        assert!(!has_subcommands(""));
    }

    #[test]
    fn nondeterministic_commands() {
        for name in ["TIME", "SPOP", "RANDOMKEY", "SRANDMEMBER", "SCAN"] {
            assert!(get(name).is_nondeterministic(), "{name}");
        }
        // same members every time, in no particular order
        let smembers = get("SMEMBERS");
        assert!(!smembers.is_nondeterministic());
        assert_eq!(smembers.tips, tip::NONDETERMINISTIC_OUTPUT_ORDER);
        assert!(!get("GET").is_nondeterministic());
    }

    #[test]
    fn versions_record_where_a_command_exists() {
        let hexpire = get("HEXPIRE");
        assert_eq!(hexpire.versions, version::REDIS_7_4);
        assert!(hexpire.known_in(version::REDIS_7_4));
        assert!(!hexpire.known_in(version::REDIS_7_0));
        assert!(!hexpire.known_in(version::VALKEY_8_0));
        assert_eq!(hexpire.since, "7.4.0");

        let waitaof = get("WAITAOF");
        assert_eq!(waitaof.versions, version::REDIS_7_4 | version::VALKEY_8_0);

        let capa = subcommand("CLIENT", "CAPA").expect("CLIENT|CAPA");
        assert_eq!(capa.versions, version::VALKEY_8_0);
        assert_eq!(capa.since, "8.0.0");
        assert!(capa.known_in(version::REDIS_7_0 | version::VALKEY_8_0));
        assert!(!capa.known_in(version::REDIS_7_0 | version::REDIS_7_4));

        let show = subcommand("script", "show").expect("SCRIPT|SHOW");
        assert_eq!(show.versions, version::VALKEY_8_0);
        // refused by Valkey, the only server that has it
        assert!(show.is_noscript_everywhere());

        assert_eq!(get("GET").versions, EVERY_VERSION);
    }

    #[test]
    fn newest_redis_row_wins() {
        // 7.0 took exactly 3 arguments; 7.2 added WITHSCORE
        assert_eq!(get("ZRANK").arity, -3);
        // 7.4 and Valkey differ (Valkey adds MAY_REPLICATE); Redis 7.4 is used
        assert_eq!(get("CLUSTER|SETSLOT").flags & flag::MAY_REPLICATE, 0);
    }

    #[test]
    fn all_is_the_table() {
        assert_eq!(all().len(), COMMANDS.len());
        assert!(all().len() > 400);
    }
}
