//! What the tests that generate a table from Redis's documents share: where files are,
//! the check that the committed table is what the generator gives, and the replies a
//! live server sends that the documents do not say.

use std::path::PathBuf;

/// `relative` to the crate root.
pub(crate) fn crate_path(relative: &str) -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join(relative)
}

/// Passes when the committed `table` (relative to the crate root) is `rendered`. With
/// `SCRIPTS_BLESS=1` it writes `rendered` there instead; otherwise it fails naming the
/// first line that differs, the `source` the table comes from and the command (`test`,
/// the test target) that regenerates it.
pub(crate) fn check_committed(table: &str, rendered: &str, source: &str, test: &str) {
    let path = crate_path(table);
    let committed = std::fs::read_to_string(&path).unwrap_or_default();
    if rendered == committed {
        return;
    }
    if std::env::var_os("SCRIPTS_BLESS").is_some_and(|v| v == "1") {
        std::fs::write(&path, rendered).unwrap_or_else(|e| panic!("cannot write {}: {e}", path.display()));
        eprintln!("rewrote {}", path.display());
        return;
    }
    let first_difference = rendered
        .lines()
        .zip(committed.lines())
        .position(|(a, b)| a != b)
        .unwrap_or_else(|| rendered.lines().count().min(committed.lines().count()));
    panic!(
        "{table} is out of date with {source} (first difference on line {}:\n  committed: {:?}\n  generated: {:?}).\n\
         Regenerate it with:\n    SCRIPTS_BLESS=1 cargo test -p scripts-lint --test {test}",
        first_difference + 1,
        committed.lines().nth(first_difference).unwrap_or("<end of file>"),
        rendered.lines().nth(first_difference).unwrap_or("<end of file>"),
    );
}

/// A reply a live server sends that the command's `reply_schema` in
/// `data/command-docs-valkey-8.0.1.jsonl` does not say, seen by
/// `tests/tests/reply_shapes.rs` (which runs every command against a real server). The
/// reply table (`tests/reply_table.rs`) and the hover docs (`tests/command_docs.rs`)
/// both apply this one list, so the lints and the editor cannot disagree.
#[allow(dead_code)] // each test target that includes this module reads what it needs
pub(crate) enum Corrected {
    /// The string the schema gives is sent as a simple string: a status, `{ok = ...}` in
    /// Lua. `holds` says what the status holds, for the hover docs.
    Status { holds: &'static str },
    /// The reply is also null, `false` in Lua, `when` the words say.
    NullToo { when: &'static str },
    /// The null the schema gives never comes; `instead` says what comes in its place.
    NeverNull { instead: &'static str },
}

/// Every correction, by command as the command table names it (`OBJECT|FREQ`).
#[allow(dead_code)]
pub(crate) const CORRECTIONS: &[(&str, Corrected)] = &[
    (
        "LMOVE",
        Corrected::NullToo {
            when: "The source list does not exist",
        },
    ),
    (
        "OBJECT|FREQ",
        Corrected::NullToo {
            when: "Key does not exist",
        },
    ),
    (
        "OBJECT|IDLETIME",
        Corrected::NullToo {
            when: "Key does not exist",
        },
    ),
    (
        "OBJECT|REFCOUNT",
        Corrected::NullToo {
            when: "Key does not exist",
        },
    ),
    (
        "TYPE",
        Corrected::Status {
            holds: "Type of the key (`string`, `list`, `set`, `zset`, `hash`, `stream`)",
        },
    ),
    (
        "TYPE",
        Corrected::NeverNull {
            instead: "`none` when the key does not exist",
        },
    ),
];

/// The corrections of `command`.
#[allow(dead_code)]
pub(crate) fn corrections(command: &str) -> impl Iterator<Item = &'static Corrected> + '_ {
    CORRECTIONS
        .iter()
        .filter(move |(name, _)| *name == command)
        .map(|(_, c)| c)
}
