//! Number literals as Lua 5.1 reads them: `luaO_str2d`, which is C's `strtod` on the
//! whole token (so hexadecimal integers and, through glibc's `strtod`, hexadecimal
//! floats such as `0x1p4`), with a `strtoul` fallback for hexadecimal integers.
//!
//! The token itself comes from `read_numeral` (see [`token_end`]), which takes more
//! than a number: `3..2`, `1e` and `0x1p-4` are single tokens that fail here, and
//! Redis refuses them as "malformed number".

/// Where the numeral starting at `start` ends, as `read_numeral` of `llex.c` reads it:
/// digits and `.`, then an optional sign after an `E`/`e`, then any letters, digits
/// and `_` (a NUL byte counts as the `E` and as the sign). `start` is at a digit, or at a `.` followed by one.
pub(crate) fn token_end(bytes: &[u8], start: usize) -> usize {
    let mut i = start;
    while i < bytes.len() && (bytes[i].is_ascii_digit() || bytes[i] == b'.') {
        i += 1;
    }
    // `check_next` tests with `strchr`, which also matches a NUL byte
    if matches!(bytes.get(i), Some(b'e' | b'E' | 0)) {
        i += 1;
        if matches!(bytes.get(i), Some(b'+' | b'-' | 0)) {
            i += 1;
        }
    }
    while i < bytes.len() && (bytes[i].is_ascii_alphanumeric() || bytes[i] == b'_') {
        i += 1;
    }
    i
}

/// The value of a whole numeral, as `luaO_str2d` gives it, or `None` where Lua 5.1
/// reports a malformed number.
///
/// `strtod` must read the whole text (trailing white space aside, which a token never
/// has). The `strtoul` fallback of `luaO_str2d`, tried when `strtod` stops at an `x`,
/// never reads further than glibc's `strtod`, which reads hexadecimal itself: `0x`
/// without digits stops both at the `x`.
pub(crate) fn str2d(text: &[u8]) -> Option<f64> {
    // C reads the token as a string: up to a NUL byte `read_numeral` took in
    let text = text.split(|&b| b == 0).next().unwrap_or_default();
    let (value, used) = strtod(text)?;
    if used == text.len() {
        return Some(value);
    }
    if matches!(text[used], b'x' | b'X') {
        let (value, used) = strtoul16(text);
        return (used == text.len()).then_some(value);
    }
    text[used..].iter().all(u8::is_ascii_whitespace).then_some(value)
}

/// The longest prefix of `text` that C's `strtod` reads (no sign, no `inf`/`nan`: a
/// numeral starts with a digit or a `.`), its value and length; `None` when it reads
/// nothing.
fn strtod(text: &[u8]) -> Option<(f64, usize)> {
    if let [b'0', b'x' | b'X', rest @ ..] = text
        && let Some((value, used)) = hex_float(rest)
    {
        return Some((value, 2 + used));
    }
    let digits = |from: usize| text[from..].iter().take_while(|b| b.is_ascii_digit()).count();
    let whole = digits(0);
    let mut end = whole;
    let mut fraction = 0;
    if text.get(end) == Some(&b'.') {
        fraction = digits(end + 1);
        end += 1 + fraction;
    }
    if whole + fraction == 0 {
        return None;
    }
    if matches!(text.get(end), Some(b'e' | b'E')) {
        let sign = usize::from(matches!(text.get(end + 1), Some(b'+' | b'-')));
        let exponent = digits(end + 1 + sign);
        if exponent > 0 {
            end += 1 + sign + exponent;
        }
    }
    // the prefix is ASCII digits, `.`, `e` and a sign: valid UTF-8, and a grammar
    // Rust's correctly rounded parser accepts, as glibc's strtod rounds correctly
    let prefix = std::str::from_utf8(&text[..end]).ok()?;
    Some((prefix.parse().ok()?, end))
}

/// A hexadecimal float after its `0x`: hex digits with an optional `.`, at least one
/// digit, then an optional binary exponent `p` with at least one decimal digit. The
/// value rounded to nearest, ties to even, as glibc rounds.
fn hex_float(text: &[u8]) -> Option<(f64, usize)> {
    let mut mantissa: u64 = 0;
    // binary exponent of the mantissa's last bit, and whether nonzero bits were dropped
    let mut exponent: i64 = 0;
    let mut sticky = false;
    let mut digits = 0;
    let mut seen_point = false;
    let mut i = 0;
    while i < text.len() {
        let c = text[i];
        if c == b'.' && !seen_point {
            seen_point = true;
            i += 1;
            continue;
        }
        let Some(digit) = (c as char).to_digit(16) else { break };
        digits += 1;
        if mantissa >> 60 == 0 {
            mantissa = mantissa << 4 | u64::from(digit);
            if seen_point {
                exponent -= 4;
            }
        } else {
            sticky |= digit != 0;
            if !seen_point {
                exponent += 4;
            }
        }
        i += 1;
    }
    if digits == 0 {
        return None;
    }
    if matches!(text.get(i), Some(b'p' | b'P')) {
        let negative = text.get(i + 1) == Some(&b'-');
        let sign = usize::from(matches!(text.get(i + 1), Some(b'+' | b'-')));
        let start = i + 1 + sign;
        let count = text[start.min(text.len())..]
            .iter()
            .take_while(|b| b.is_ascii_digit())
            .count();
        if count > 0 {
            let mut power: i64 = 0;
            for &b in &text[start..start + count] {
                // beyond any double's range either way: saturate
                power = (power * 10 + i64::from(b - b'0')).min(1 << 40);
            }
            exponent += if negative { -power } else { power };
            i = start + count;
        }
    }
    Some((compose(mantissa, exponent, sticky), i))
}

/// `mantissa * 2^exponent` (plus a little when `sticky`), correctly rounded.
fn compose(mantissa: u64, exponent: i64, sticky: bool) -> f64 {
    if mantissa == 0 {
        return 0.0;
    }
    let shift = mantissa.leading_zeros();
    let m = mantissa << shift;
    // value = m * 2^(e), m in [2^63, 2^64): the leading bit's weight is 2^(e + 63)
    let e = exponent - i64::from(shift);
    let top = e + 63;
    if top > 1023 {
        return f64::INFINITY;
    }
    // bits to drop from m: 11 for a normal double, more below the normal range
    let drop = if top >= -1022 { 11 } else { 11 + (-1022 - top) };
    if drop > 64 {
        return 0.0;
    }
    let (kept, rest_high, rest_sticky) = if drop == 64 {
        (0, m >> 63 == 1, m << 1 != 0 || sticky)
    } else {
        let rest = m & ((1u64 << drop) - 1);
        let half = 1u64 << (drop - 1);
        (m >> drop, rest & half != 0, rest & (half - 1) != 0 || sticky)
    };
    let round_up = rest_high && (rest_sticky || kept & 1 == 1);
    let kept = kept + u64::from(round_up);
    if top >= -1022 {
        // kept in [2^52, 2^53]; 2^53 carries into the exponent
        let (kept, top) = if kept >> 53 == 1 {
            (kept >> 1, top + 1)
        } else {
            (kept, top)
        };
        if top > 1023 {
            return f64::INFINITY;
        }
        f64::from_bits(((top + 1023) as u64) << 52 | (kept & ((1u64 << 52) - 1)))
    } else {
        // subnormal: the bits are the mantissa; 2^52 is the smallest normal
        f64::from_bits(kept)
    }
}

/// C's `strtoul(text, &end, 16)` on a numeral: an optional `0x`, hex digits,
/// saturating at `u64::MAX`; the value as a double and the length read (1 for `0x`
/// without digits, whose `x` it stops at).
fn strtoul16(text: &[u8]) -> (f64, usize) {
    let skip = match text {
        [b'0', b'x' | b'X', d, ..] if d.is_ascii_hexdigit() => 2,
        _ => 0,
    };
    let mut value: u64 = 0;
    let mut i = skip;
    while let Some(digit) = text.get(i).and_then(|&c| (c as char).to_digit(16)) {
        value = value.saturating_mul(16).saturating_add(u64::from(digit));
        i += 1;
    }
    (value as f64, i)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn value(text: &str) -> Option<f64> {
        str2d(text.as_bytes())
    }

    #[test]
    fn decimal_numerals() {
        assert_eq!(value("10"), Some(10.0));
        assert_eq!(value("1."), Some(1.0));
        assert_eq!(value(".5"), Some(0.5));
        assert_eq!(value("1.e5"), Some(1e5));
        assert_eq!(value("1e+5"), Some(1e5));
        assert_eq!(value("08"), Some(8.0));
        assert_eq!(value("1e400"), Some(f64::INFINITY));
        assert_eq!(value("9007199254740993"), Some(9007199254740992.0));
        for malformed in [
            "3..2", "1e", "1e+", "1.5.3", "1_000", "0b101", "5e5e5", "1f", "0x", "1x5", "0xg",
        ] {
            assert_eq!(value(malformed), None, "{malformed}");
        }
    }

    #[test]
    fn hexadecimal_numerals() {
        assert_eq!(value("0x10"), Some(16.0));
        assert_eq!(value("0XfF"), Some(255.0));
        assert_eq!(value("0x1e"), Some(30.0));
        assert_eq!(value("0x1p4"), Some(16.0));
        assert_eq!(value("0X1P4"), Some(16.0));
        assert_eq!(value("0xAp0"), Some(10.0));
        assert_eq!(value("0x1p1024"), Some(f64::INFINITY));
        assert_eq!(value("0x1p1023"), Some(2f64.powi(1023)));
        assert_eq!(value("0x10000000000000000"), Some(2f64.powi(64)));
        // beyond 53 bits: round to nearest, ties to even
        assert_eq!(value("0x20000000000001"), Some(9007199254740992.0));
        assert_eq!(value("0x20000000000003"), Some(9007199254740996.0));
        assert_eq!(value("0x200000000000011"), Some(144115188075855904.0));
        // strtod stops at the `p` without digits, or at a sign `read_numeral` never takes
        for malformed in ["0x1p", "0x1P", "0x1p4a", "0xp4", "0x1g"] {
            assert_eq!(value(malformed), None, "{malformed}");
        }
    }

    #[test]
    fn hex_floats_the_lexer_never_produces_still_round() {
        // `strtod` reads these; `read_numeral` cuts them at the `.` or the sign
        assert_eq!(hex_float(b"1.8p1"), Some((3.0, 5)));
        assert_eq!(hex_float(b"1p-1074"), Some((f64::from_bits(1), 7)));
        assert_eq!(hex_float(b"1p-1075"), Some((0.0, 7)));
        assert_eq!(hex_float(b"1.8p-1074"), Some((f64::from_bits(2), 9)));
        assert_eq!(hex_float(b"1p-1022"), Some((f64::MIN_POSITIVE, 7)));
        assert_eq!(
            hex_float(b"fffffffffffffp-1074"),
            Some((f64::from_bits(0xf_ffff_ffff_ffff), 19))
        );
    }

    #[test]
    fn tokens_as_read_numeral_cuts_them() {
        let end = |s: &str| token_end(s.as_bytes(), 0);
        assert_eq!(end("3..2"), 4);
        assert_eq!(end("0x1p-4"), 4);
        assert_eq!(end("1e-5+1"), 4);
        assert_eq!(end("0x1.8p1"), 3);
        assert_eq!(end("12abc_9 x"), 7);
        assert_eq!(end(".5)"), 2);
    }
}
