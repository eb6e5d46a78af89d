//! "Did you mean ...?": the candidate closest to a misspelt name, for every message that
//! refuses an unknown name (a lint, a command, a flag, a directive, a type). A leaf: the
//! parser, the header reader, the lints and the macro all use it; [`sure`] is the
//! stricter one a fix may apply.

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
        .filter(|candidate| letters_apart(&word, candidate, Case::Ignored) <= edits)
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

/// The one candidate `word` is surely a typo of, for a fix applied without asking: one
/// edit away (in any case, so a name written in the wrong case is one too), and no other
/// candidate close, that is within two edits (one for a word of three letters or fewer,
/// where two edits reach most short names: `GTE` is `GET`, though `SET` is two away).
/// For names whose case matters (Lua's), [`sure_in_case`]. [`suggest`] is for help
/// texts, which a person reads and may reject.
pub fn sure<'a>(word: &str, candidates: impl IntoIterator<Item = &'a str>) -> Option<&'a str> {
    sure_by(word, candidates, Case::Ignored)
}

/// [`sure`] for names whose case matters, as Lua's do: `arg` (Lua 5.0's table of a
/// function's extra arguments) is no typo of `ARGV`, which is four edits away.
pub fn sure_in_case<'a>(word: &str, candidates: impl IntoIterator<Item = &'a str>) -> Option<&'a str> {
    sure_by(word, candidates, Case::Kept)
}

/// Whether names are compared in any case ([`sure`]) or as written ([`sure_in_case`]).
#[derive(Clone, Copy)]
enum Case {
    Ignored,
    Kept,
}

impl Case {
    fn text(self, text: &str) -> String {
        match self {
            Case::Ignored => text.to_ascii_lowercase(),
            Case::Kept => text.to_owned(),
        }
    }

    fn byte(self, byte: u8) -> u8 {
        match self {
            Case::Ignored => byte.to_ascii_lowercase(),
            Case::Kept => byte,
        }
    }
}

fn sure_by<'a>(word: &str, candidates: impl IntoIterator<Item = &'a str>, case: Case) -> Option<&'a str> {
    let lower = case.text(word);
    let length = lower.chars().count();
    let close = if length <= 3 { 1 } else { 2 };
    let mut found = None;
    for candidate in candidates {
        if candidate == word {
            return None;
        }
        if candidate.chars().count().abs_diff(length) > close || letters_apart(&lower, candidate, case) > close {
            continue;
        }
        let distance = strsim::damerau_levenshtein(&lower, &case.text(candidate));
        if distance > close {
            continue;
        }
        if found.is_some_and(|f| f != candidate) || distance > 1 {
            return None;
        }
        found = Some(candidate);
    }
    found
}

/// A lower bound of the edits between `word` and `candidate` (`candidate`'s letters
/// folded to `case`), cheap enough to rule out most candidates before the distance
/// itself (which allocates and hashes for every pair): the letters one has and the other
/// lacks, counted with repeats, on the larger side. An insertion, deletion or
/// substitution changes each side's count by at most one, a swap by none. Names of
/// ASCII letters only; any other gives 0, leaving the answer to the distance.
fn letters_apart(word: &str, candidate: &str, case: Case) -> usize {
    if !word.is_ascii() || !candidate.is_ascii() {
        return 0;
    }
    let mut count = [0i32; 128];
    for b in word.bytes() {
        count[usize::from(b)] += 1;
    }
    for b in candidate.bytes() {
        count[usize::from(case.byte(b))] -= 1;
    }
    let (mut more, mut fewer) = (0, 0);
    for b in word.bytes() {
        let n = &mut count[usize::from(b)];
        if *n > 0 {
            more += n.unsigned_abs() as usize;
            *n = 0;
        }
    }
    for b in candidate.bytes() {
        let n = &mut count[usize::from(case.byte(b))];
        if *n < 0 {
            fewer += n.unsigned_abs() as usize;
            *n = 0;
        }
    }
    more.max(fewer)
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
    fn sure_only_of_a_single_close_candidate() {
        assert_eq!(sure("GTE", ["GET", "SET", "DEL"]), Some("GET"));
        assert_eq!(sure("tonumbr", ["tonumber", "tostring"]), Some("tonumber"));
        assert_eq!(sure("Tonumber", ["tonumber", "tostring"]), Some("tonumber"));
        assert_eq!(sure("cal", ["call", "pcall", "sha1hex"]), Some("call"));
        assert_eq!(sure("decod", ["decode", "encode"]), Some("decode"));
        // two edits is a guess, not a typo
        assert_eq!(sure("tnumbr", ["tonumber"]), None);
        // HGET is two edits from HSTE too
        assert_eq!(sure("HSTE", ["HSET", "HGET"]), None);
        assert_eq!(sure("HSTE", ["HSET", "LSET"]), None);
        assert_eq!(sure("HSETT", ["HSET", "HSETNX"]), None);
        // the word itself, or nothing near
        assert_eq!(sure("GET", ["GET", "SET"]), None);
        assert_eq!(sure("zzzz", ["GET", "SET"]), None);
        // a candidate listed twice is still one
        assert_eq!(sure("GTE", ["GET", "GET"]), Some("GET"));
        // Lua's names have a case
        assert_eq!(sure("arg", ["ARGV", "KEYS"]), Some("ARGV"));
        assert_eq!(sure_in_case("arg", ["ARGV", "KEYS"]), None);
        assert_eq!(sure_in_case("Tonumber", ["tonumber", "tostring"]), Some("tonumber"));
        assert_eq!(sure_in_case("KEY", ["KEYS", "ARGV"]), Some("KEYS"));
    }

    #[test]
    fn letters_apart_never_exceeds_the_distance() {
        let names = [
            "ARGV",
            "KEYS",
            "assert",
            "bit",
            "cjson",
            "cmsgpack",
            "error",
            "ipairs",
            "loadstring",
            "math",
            "next",
            "pairs",
            "pcall",
            "redis",
            "select",
            "string",
            "struct",
            "table",
            "tonumber",
            "tostring",
            "type",
            "unpack",
            "tonumbr",
            "GTE",
            "arg",
            "cal",
            "rediss",
            "strnig",
            "tabel",
            "aab",
            "abb",
            "é",
            "ab",
            "ba",
            "",
        ];
        for word in &names {
            for candidate in &names {
                let distance = strsim::damerau_levenshtein(word, candidate);
                assert!(
                    letters_apart(word, candidate, Case::Kept) <= distance,
                    "{word} {candidate}"
                );
                let lower = word.to_ascii_lowercase();
                let folded = strsim::damerau_levenshtein(&lower, &candidate.to_ascii_lowercase());
                assert!(
                    letters_apart(&lower, candidate, Case::Ignored) <= folded,
                    "{word} {candidate}"
                );
            }
        }
        assert_eq!(letters_apart("ab", "ba", Case::Kept), 0);
        assert_eq!(letters_apart("redis", "cjson", Case::Kept), 4);
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
