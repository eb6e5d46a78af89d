//! Keys and arguments declared a prefix (`#[key(prefix)]`, `#[arg(prefix)]`): the
//! script builds further keys by appending to them, so each value must carry a hash
//! tag for those keys to hash to its slot on Redis Cluster (and, for an argument, that
//! slot must be the slot of the declared keys).

/// A `#[key(prefix)]` parameter of a script, as the macro describes it.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct PrefixKey {
    /// Its position in `KEYS`, 0-based (the first of its entries for a slice).
    pub position: usize,
    /// The Rust parameter's name, for messages.
    pub param: &'static str,
    /// A slice parameter: every key from `position` on is a prefix.
    pub slice: bool,
    /// `#[key(prefix, allow_untagged)]`: a value without a hash tag is accepted except
    /// on a cluster connection.
    pub allow_untagged: bool,
}

/// An `#[arg(prefix)]` parameter of a script, as the macro describes it: an `ARGV`
/// entry the script builds keys from, which it does not declare in `KEYS`.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct PrefixArg {
    /// Its position in `ARGV`, 0-based (the first of its entries for a slice).
    pub position: usize,
    /// The Rust parameter's name, for messages.
    pub param: &'static str,
    /// A slice parameter: every argument from `position` on is a prefix.
    pub slice: bool,
    /// `#[arg(prefix, allow_untagged)]`: a value without a hash tag is accepted except
    /// on a cluster connection.
    pub allow_untagged: bool,
}

/// True when every key made by appending to `prefix` hashes to `prefix`'s own slot:
/// the first `{` is followed, still inside `prefix`, by a `}` with at least one byte
/// between them. Redis Cluster hashes only that tag (src/cluster.c `keyHashSlot`), and
/// appended text can neither move the first `{` nor close the tag differently.
pub fn has_hash_tag(prefix: &[u8]) -> bool {
    let Some(open) = prefix.iter().position(|&b| b == b'{') else {
        return false;
    };
    matches!(prefix[open + 1..].iter().position(|&b| b == b'}'), Some(len) if len > 0)
}

/// A tagged version of an untagged prefix, for the error's suggestion: the last
/// non-empty `:`-separated part in braces (`bull:orders:` -> `bull:{orders}:`).
pub(crate) fn suggest_tagged(prefix: &str) -> String {
    let cleaned: String = prefix.chars().filter(|c| *c != '{' && *c != '}').collect();
    let parts: Vec<&str> = cleaned.split(':').collect();
    match parts.iter().rposition(|p| !p.is_empty()) {
        Some(last) => parts
            .iter()
            .enumerate()
            .map(|(i, p)| if i == last { format!("{{{p}}}") } else { (*p).to_owned() })
            .collect::<Vec<_>>()
            .join(":"),
        None => "{app}:".to_owned(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::slot::key_slot;

    #[test]
    fn tags_must_be_closed_and_non_empty_inside_the_prefix() {
        for tagged in ["bull:{orders}:", "{q}", "a{b}c{", "{{x}}:", "x{y}"] {
            assert!(has_hash_tag(tagged.as_bytes()), "{tagged}");
        }
        for untagged in ["bull:orders:", "", "{}x{y}", "a{b", "}{", "a}b{c"] {
            assert!(!has_hash_tag(untagged.as_bytes()), "{untagged}");
        }
    }

    #[test]
    fn keys_built_from_a_tagged_prefix_share_its_slot() {
        for prefix in ["bull:{orders}:", "{q}", "a{b}c{", "{{x}}:"] {
            for suffix in ["", "job:1", "}", "{z}", "wait", "{}"] {
                let key = format!("{prefix}{suffix}");
                assert_eq!(key_slot(key.as_bytes()), key_slot(prefix.as_bytes()), "{key}");
            }
        }
        // without a tag the appended text moves the key
        assert_ne!(key_slot(b"bull:orders:job:1"), key_slot(b"bull:orders:"));
        // an open tag can be closed by what is appended
        assert_ne!(key_slot(b"a{b}"), key_slot(b"a{b"));
    }

    #[test]
    fn suggestions_tag_the_last_part() {
        assert_eq!(suggest_tagged("bull:orders:"), "bull:{orders}:");
        assert_eq!(suggest_tagged("queue"), "{queue}");
        assert_eq!(suggest_tagged("app:{}:jobs"), "app::{jobs}");
        assert_eq!(suggest_tagged(""), "{app}:");
        assert_eq!(suggest_tagged(":::"), "{app}:");
        assert!(has_hash_tag(suggest_tagged("a:b:c:").as_bytes()));
    }
}
