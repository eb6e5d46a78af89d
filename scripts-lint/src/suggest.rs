//! "Did you mean ...?": the candidate closest to a misspelt name, for every message that
//! refuses an unknown name (a lint, a command, a flag, a directive, a type). A leaf: the
//! parser, the header reader, the lints and the macro all use it.

/// The candidate closest to `word`, when one is close enough to be a likely typo.
/// The edits allowed grow with the word: `GTE` -> `GET` (a swap) but not `zzzz` -> `GET`.
pub fn suggest<'a>(word: &str, candidates: impl IntoIterator<Item = &'a str>) -> Option<&'a str> {
    let allowed = match word.chars().count() {
        0..=3 => 1,
        4..=6 => 2,
        _ => 3,
    };
    suggest_within(word, candidates, allowed)
}

/// The candidate closest to `word` at most `edits` edits away (insertions, deletions,
/// substitutions, swaps of neighbours), in any case.
pub fn suggest_within<'a>(word: &str, candidates: impl IntoIterator<Item = &'a str>, edits: usize) -> Option<&'a str> {
    let word = word.to_ascii_lowercase();
    let length = word.chars().count();
    candidates
        .into_iter()
        // the distance is at least the difference in length; skipping what is too long
        // or short keeps a long word from costing its length times every candidate's
        // (a 4 KiB command name took a second to check in a debug build)
        .filter(|candidate| candidate.chars().count().abs_diff(length) <= edits)
        .map(|candidate| {
            (
                strsim::damerau_levenshtein(&word, &candidate.to_ascii_lowercase()),
                candidate,
            )
        })
        .filter(|(distance, _)| *distance <= edits)
        .min_by_key(|(distance, _)| *distance)
        .map(|(_, candidate)| candidate)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn suggestions_catch_typos_only() {
        assert_eq!(suggest("tonumbr", ["tonumber", "tostring"]), Some("tonumber"));
        assert_eq!(suggest("GTE", ["GET", "SET", "DEL"]), Some("GET"));
        assert_eq!(suggest("zzzz", ["GET", "SET"]), None);
    }

    #[test]
    fn a_fixed_number_of_edits() {
        assert_eq!(suggest_within("kye", ["key"], 1), Some("key"));
        assert_eq!(suggest_within("keys", ["key"], 1), Some("key"));
        assert_eq!(suggest_within("Key", ["key"], 1), Some("key"));
        assert_eq!(suggest_within("keep", ["key"], 1), None);
        assert_eq!(suggest_within("keep", ["key"], 2), Some("key"));
    }
}
