//! What the tests that generate a table from Redis's documents share: where files are,
//! and the check that the committed table is what the generator gives.

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
