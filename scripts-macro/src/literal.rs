//! Maps a string literal's decoded text back to its token text, so findings at a
//! Lua byte offset point at the right Rust line and column, escapes included.

/// A literal's value with `(value_offset, token_offset)` pairs: from each value
/// offset on, bytes advance one for one in both texts until the next pair.
pub(crate) struct Decoded {
    pub(crate) value: String,
    pub(crate) segments: Vec<(usize, usize)>,
}

/// Decodes the token text of a string literal (`"..."`, `r"..."`, `r#"..."#`).
/// `None` for anything else (byte strings, C strings, malformed text).
pub(crate) fn decode(token: &str) -> Option<Decoded> {
    if let Some(rest) = token.strip_prefix('r') {
        let hashes = rest.bytes().take_while(|&b| b == b'#').count();
        let open = 1 + hashes + 1;
        let close = 1 + hashes;
        if token.len() < open + close || token.as_bytes()[open - 1] != b'"' {
            return None;
        }
        let value = token.get(open..token.len() - close)?.to_owned();
        return Some(Decoded {
            value,
            segments: vec![(0, open)],
        });
    }
    let inner = token.strip_prefix('"')?.strip_suffix('"')?;
    let bytes = inner.as_bytes();
    let mut value = String::with_capacity(inner.len());
    let mut segments = vec![(0, 1)];
    let mut i = 0;
    while i < bytes.len() {
        if bytes[i] != b'\\' {
            let run = inner[i..].find('\\').map_or(inner.len(), |n| i + n);
            value.push_str(&inner[i..run]);
            i = run;
            continue;
        }
        segments.push((value.len(), 1 + i));
        let escape = *bytes.get(i + 1)?;
        i += 2;
        match escape {
            b'n' => value.push('\n'),
            b'r' => value.push('\r'),
            b't' => value.push('\t'),
            b'\\' => value.push('\\'),
            b'0' => value.push('\0'),
            b'\'' => value.push('\''),
            b'"' => value.push('"'),
            b'x' => {
                let code = u8::from_str_radix(inner.get(i..i + 2)?, 16).ok()?;
                value.push(char::from(code));
                i += 2;
            }
            b'u' => {
                let close = inner[i..].find('}')? + i;
                let hex: String = inner.get(i + 1..close)?.chars().filter(|&c| c != '_').collect();
                value.push(char::from_u32(u32::from_str_radix(&hex, 16).ok()?)?);
                i = close + 1;
            }
            b'\n' | b'\r' => {
                while i < bytes.len() && matches!(bytes[i], b' ' | b'\t' | b'\n' | b'\r') {
                    i += 1;
                }
            }
            _ => return None,
        }
        segments.push((value.len(), 1 + i));
    }
    Some(Decoded { value, segments })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn host_of(d: &Decoded, offset: usize) -> usize {
        let i = d.segments.partition_point(|s| s.0 <= offset) - 1;
        d.segments[i].1 + offset - d.segments[i].0
    }

    #[test]
    fn raw_strings_are_verbatim_after_the_prefix() {
        let d = decode("r#\"return \"x\"\"#").unwrap();
        assert_eq!(d.value, "return \"x\"");
        assert_eq!(host_of(&d, 7), 3 + 7);
        let d = decode("r\"a\"").unwrap();
        assert_eq!(d.value, "a");
    }

    #[test]
    fn escapes_map_back_to_their_token_position() {
        let token = r#""a\nb\t\u{e9}\x41 \
              c""#;
        let d = decode(token).unwrap();
        assert_eq!(d.value, "a\nb\té\x41 c");
        let c = d.value.find('c').unwrap();
        assert_eq!(&token[host_of(&d, c)..host_of(&d, c) + 1], "c");
        let b = d.value.find('b').unwrap();
        assert_eq!(&token[host_of(&d, b)..host_of(&d, b) + 1], "b");
    }

    #[test]
    fn non_string_literals_are_refused() {
        assert!(decode("b\"x\"").is_none());
        assert!(decode("42").is_none());
        assert!(decode("\"bad \\q escape\"").is_none());
    }
}
