//! Lua 5.1's lexer (`llex.c` of 5.1.5, as Redis embeds it), with its errors: tokens are
//! read one at a time as the parser asks, so an error is raised at the same point of
//! the text, with the same line, as in Redis.
//!
//! Character classes are the C locale's (Redis sets only `LC_COLLATE`): names are ASCII
//! letters, digits and `_`; white space is space, `\t`, `\n`, `\v`, `\f`, `\r`.

use std::borrow::Cow;
use std::collections::HashMap;
use std::hash::{BuildHasherDefault, Hasher};
use std::ops::Range;

use super::{Refusal, What, number};

/// End of input, as `zgetc` returns it.
const EOZ: i32 = -1;

/// A token: a single character, a reserved word, or a multi-character symbol.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(super) enum Tk {
    Char(u8),
    And,
    Break,
    Do,
    Else,
    Elseif,
    End,
    False,
    For,
    Function,
    If,
    In,
    Local,
    Nil,
    Not,
    Or,
    Repeat,
    Return,
    Then,
    True,
    Until,
    While,
    Concat,
    Dots,
    Eq,
    Ge,
    Le,
    Ne,
    Number,
    Name,
    String,
    Eos,
}

impl Tk {
    /// `luaX_token2str`: how an error message names a token.
    pub(super) fn text(self) -> Cow<'static, str> {
        Cow::Borrowed(match self {
            Tk::Char(c) if c.is_ascii_control() => return Cow::Owned(format!("char({c})")),
            // C prints the byte itself; a byte of a UTF-8 sequence alone reads as U+FFFD
            Tk::Char(c) => return Cow::Owned(String::from_utf8_lossy(&[c]).into_owned()),
            Tk::And => "and",
            Tk::Break => "break",
            Tk::Do => "do",
            Tk::Else => "else",
            Tk::Elseif => "elseif",
            Tk::End => "end",
            Tk::False => "false",
            Tk::For => "for",
            Tk::Function => "function",
            Tk::If => "if",
            Tk::In => "in",
            Tk::Local => "local",
            Tk::Nil => "nil",
            Tk::Not => "not",
            Tk::Or => "or",
            Tk::Repeat => "repeat",
            Tk::Return => "return",
            Tk::Then => "then",
            Tk::True => "true",
            Tk::Until => "until",
            Tk::While => "while",
            Tk::Concat => "..",
            Tk::Dots => "...",
            Tk::Eq => "==",
            Tk::Ge => ">=",
            Tk::Le => "<=",
            Tk::Ne => "~=",
            Tk::Number => "<number>",
            Tk::Name => "<name>",
            Tk::String => "<string>",
            Tk::Eos => "<eof>",
        })
    }
}

/// The reserved word `word` is, if it is one: picked by its length and first letters,
/// then compared once (most names are not reserved, and fail at the first test).
fn reserved(word: &[u8]) -> Option<Tk> {
    let (tk, text): (Tk, &[u8]) = match (word.len(), word.first()?, word.get(1)) {
        (3, b'a', _) => (Tk::And, b"and"),
        (5, b'b', _) => (Tk::Break, b"break"),
        (2, b'd', _) => (Tk::Do, b"do"),
        (4, b'e', _) => (Tk::Else, b"else"),
        (6, b'e', _) => (Tk::Elseif, b"elseif"),
        (3, b'e', _) => (Tk::End, b"end"),
        (5, b'f', _) => (Tk::False, b"false"),
        (3, b'f', _) => (Tk::For, b"for"),
        (8, b'f', _) => (Tk::Function, b"function"),
        (2, b'i', Some(b'f')) => (Tk::If, b"if"),
        (2, b'i', _) => (Tk::In, b"in"),
        (5, b'l', _) => (Tk::Local, b"local"),
        (3, b'n', Some(b'i')) => (Tk::Nil, b"nil"),
        (3, b'n', _) => (Tk::Not, b"not"),
        (2, b'o', _) => (Tk::Or, b"or"),
        (6, b'r', Some(b'e')) if word.get(2) == Some(&b'p') => (Tk::Repeat, b"repeat"),
        (6, b'r', _) => (Tk::Return, b"return"),
        (4, b't', Some(b'h')) => (Tk::Then, b"then"),
        (4, b't', _) => (Tk::True, b"true"),
        (5, b'u', _) => (Tk::Until, b"until"),
        (5, b'w', _) => (Tk::While, b"while"),
        _ => return None,
    };
    (word == text).then_some(tk)
}

/// A token with its value: a number's, or the interned text of a name or string.
#[derive(Clone, Copy, Debug)]
pub(super) struct Token {
    pub(super) tk: Tk,
    pub(super) num: f64,
    pub(super) str: u32,
    /// Byte offsets (a Redis argument is at most 512 MB).
    pub(super) range: (u32, u32),
}

impl Token {
    const EOS: Token = Token {
        tk: Tk::Eos,
        num: 0.0,
        str: 0,
        range: (0, 0),
    };
}

/// FxHash's multiplier.
const FX_K: u64 = 0x51_7c_c1_b7_27_22_0a_95;

/// The FxHash function: names and strings are short, and SipHash's start-up cost
/// dominates on them.
#[derive(Default)]
pub(super) struct FxHasher(u64);

impl Hasher for FxHasher {
    fn finish(&self) -> u64 {
        // a product carries each bit of its operands upwards only: without folding
        // the high bits down, numbers whose low bits are all zero (every integer as a
        // double) would share the low bits that pick a bucket, and a function's
        // constant table would fill one bucket's probe sequence (quadratic)
        let h = (self.0 ^ (self.0 >> 32)).wrapping_mul(FX_K);
        h ^ (h >> 32)
    }

    fn write(&mut self, bytes: &[u8]) {
        let mut chunks = bytes.chunks_exact(8);
        for chunk in &mut chunks {
            let word = u64::from_le_bytes(chunk.try_into().unwrap_or_default());
            self.write_u64(word);
        }
        for &b in chunks.remainder() {
            self.write_u64(u64::from(b));
        }
    }

    fn write_u64(&mut self, word: u64) {
        self.0 = (self.0.rotate_left(5) ^ word).wrapping_mul(FX_K);
    }

    fn write_u8(&mut self, b: u8) {
        self.write_u64(u64::from(b));
    }

    fn write_u32(&mut self, n: u32) {
        self.write_u64(u64::from(n));
    }

    fn write_usize(&mut self, n: usize) {
        self.write_u64(n as u64);
    }
}

pub(super) type FxHashMap<K, V> = HashMap<K, V, BuildHasherDefault<FxHasher>>;

/// Lua's string table: one id per distinct text, names and strings alike (a
/// function's constant `'x'` and its global `x` share one). Open addressing over a
/// hash of the text; source texts are borrowed.
struct Strings<'a> {
    /// Id + 1 of the text in each slot, 0 when empty; a power of two in length.
    slots: Vec<u32>,
    /// Each text with its hash and length.
    texts: Vec<(u64, usize, Cow<'a, [u8]>)>,
}

impl Default for Strings<'_> {
    fn default() -> Self {
        Strings {
            slots: vec![0; 256],
            texts: Vec::new(),
        }
    }
}

impl<'a> Strings<'a> {
    fn intern(&mut self, text: Cow<'a, [u8]>) -> u32 {
        let hash = hash_text(&text);
        let slot = self.slot(hash, &text);
        if self.slots[slot] != 0 {
            return self.slots[slot] - 1;
        }
        let id = self.texts.len() as u32;
        self.texts.push((hash, text.len(), text));
        self.slots[slot] = id + 1;
        if self.texts.len() * 2 > self.slots.len() {
            self.slots = vec![0; self.slots.len() * 2];
            for (i, (hash, _, _)) in self.texts.iter().enumerate() {
                let slot = Self::free_slot(&self.slots, *hash);
                self.slots[slot] = i as u32 + 1;
            }
        }
        id
    }

    /// The slot holding `text`, or the empty one where it goes.
    fn slot(&self, hash: u64, text: &[u8]) -> usize {
        let mask = self.slots.len() - 1;
        let mut slot = hash as usize & mask;
        loop {
            match self.slots[slot] {
                0 => return slot,
                id => {
                    // up to eight bytes, the hash and length tell the text (each step of
                    // `hash_text` can be undone)
                    let (h, len, t) = &self.texts[id as usize - 1];
                    if *h == hash && *len == text.len() && (*len <= 8 || **t == *text) {
                        return slot;
                    }
                }
            }
            slot = (slot + 1) & mask;
        }
    }

    fn free_slot(slots: &[u32], hash: u64) -> usize {
        let mask = slots.len() - 1;
        let mut slot = hash as usize & mask;
        while slots[slot] != 0 {
            slot = (slot + 1) & mask;
        }
        slot
    }
}

fn hash_text(text: &[u8]) -> u64 {
    let mut h = (text.len() as u64).wrapping_mul(FX_K);
    let mut words = text.chunks_exact(8);
    for word in &mut words {
        let word = u64::from_le_bytes(word.try_into().unwrap_or_default());
        h = (h.rotate_left(5) ^ word).wrapping_mul(FX_K);
    }
    let rest = words.remainder();
    if !rest.is_empty() {
        let word = rest.iter().rev().fold(0u64, |w, &b| w << 8 | u64::from(b));
        h = (h.rotate_left(5) ^ word).wrapping_mul(FX_K);
    }
    // the low bits pick the slot: fold the high ones in
    h ^ (h >> 29)
}

/// Where the line holding `from` ends (its `\n` or `\r`, or the end of `text`):
/// eight bytes at a time, for comments.
fn line_end(text: &[u8], from: usize) -> usize {
    const ONES: u64 = 0x0101_0101_0101_0101;
    const HIGHS: u64 = 0x8080_8080_8080_8080;
    let has = |word: u64, byte: u8| {
        let x = word ^ (ONES * u64::from(byte));
        x.wrapping_sub(ONES) & !x & HIGHS != 0
    };
    let mut at = from.min(text.len());
    while let Some(chunk) = text.get(at..at + 8) {
        let word = u64::from_le_bytes(chunk.try_into().unwrap_or_default());
        if has(word, b'\n') || has(word, b'\r') {
            break;
        }
        at += 8;
    }
    at + text[at..]
        .iter()
        .position(|&c| c == b'\n' || c == b'\r')
        .unwrap_or(text.len() - at)
}

/// Bytes that continue a name: ASCII letters, digits and `_` (C's `isalnum`).
static NAME: [bool; 256] = {
    let mut table = [false; 256];
    let mut c = 0;
    while c < 256 {
        table[c] = (c as u8).is_ascii_alphanumeric() || c == b'_' as usize;
        c += 1;
    }
    table
};

/// What the last token read left in Lua's token buffer, which error messages quote
/// ("near '...'"): a stretch of the source (names, numbers), or the saved text of a
/// string (its quotes, escapes decoded).
#[derive(Clone, Copy)]
enum Buffer {
    Source(usize, usize),
    Saved,
}

pub(super) struct Lexer<'a> {
    src: &'a [u8],
    /// Where `current` is (`src.len()` and beyond: end of input).
    pos: usize,
    /// Lua's `linenumber`: the line the lexer is on.
    pub(super) line: u32,
    /// Lua's `lastline`: the line of the last token consumed.
    pub(super) lastline: u32,
    pub(super) t: Token,
    /// The token `luaX_lookahead` read, when `has_ahead`.
    ahead: Token,
    has_ahead: bool,
    buffer: Buffer,
    saved: Vec<u8>,
    /// Where the token being read started.
    token_start: usize,
    strings: Strings<'a>,
    /// Bytes to change before full_moon reads the text (see [`super::Compiled`]).
    pub(super) masks: Vec<(usize, u8)>,
    /// How many tokens the parser took.
    pub(super) consumed: usize,
}

impl<'a> Lexer<'a> {
    pub(super) fn new(src: &'a str) -> Self {
        Lexer {
            src: src.as_bytes(),
            pos: 0,
            line: 1,
            lastline: 1,
            t: Token::EOS,
            ahead: Token::EOS,
            has_ahead: false,
            buffer: Buffer::Saved,
            saved: Vec::new(),
            token_start: 0,
            strings: Strings::default(),
            masks: Vec::new(),
            consumed: 0,
        }
    }

    fn current(&self) -> i32 {
        self.src.get(self.pos).map_or(EOZ, |&c| i32::from(c))
    }

    fn at_newline(&self) -> bool {
        matches!(self.src.get(self.pos), Some(b'\n' | b'\r'))
    }

    fn save(&mut self, c: u8) {
        self.saved.push(c);
    }

    /// `check_next`: consumes the current character if it is in `set`. Lua tests
    /// with `strchr`, which also finds the NUL ending `set`: a NUL byte passes too
    /// (`.\0` reads as `..`, and a NUL after a numeral joins it).
    fn check_next(&mut self, set: &[u8]) -> bool {
        match self.src.get(self.pos) {
            Some(&c) if c == 0 || set.contains(&c) => {
                self.pos += 1;
                true
            }
            _ => false,
        }
    }

    fn save_and_next(&mut self) {
        if let Some(&c) = self.src.get(self.pos) {
            self.saved.push(c);
        }
        self.pos += 1;
    }

    /// The id of a string, the same for equal texts (Lua interns every string).
    pub(super) fn intern(&mut self, text: Cow<'a, [u8]>) -> u32 {
        self.strings.intern(text)
    }

    /// Where the current token is.
    pub(super) fn here(&self) -> Range<usize> {
        self.t.range.0 as usize..self.t.range.1 as usize
    }

    /// `luaX_lexerror`: an error at the lexer's line, "near" the text of `token`.
    pub(super) fn error(
        &self,
        what: What,
        message: impl Into<String>,
        token: Option<Tk>,
        at: Range<usize>,
    ) -> Box<Refusal> {
        Box::new(Refusal {
            what,
            message: message.into(),
            near: token.map(|token| self.token_text(token)),
            line: Some(self.line),
            at,
            focus: None,
        })
    }

    /// `luaX_syntaxerror`: an error near the current token.
    pub(super) fn syntax_error(&self, what: What, message: impl Into<String>) -> Box<Refusal> {
        self.error(what, message, Some(self.t.tk), self.here())
    }

    /// `txtToken`: names, strings and numbers are quoted from the token buffer (up to
    /// a NUL byte, as C's `%s` prints it).
    fn token_text(&self, token: Tk) -> String {
        match token {
            Tk::Name | Tk::String | Tk::Number => {
                let bytes = match self.buffer {
                    Buffer::Source(start, end) => &self.src[start..end],
                    Buffer::Saved => &self.saved[..],
                };
                let bytes = bytes.split(|&b| b == 0).next().unwrap_or_default();
                String::from_utf8_lossy(bytes).into_owned()
            }
            other => other.text().into_owned(),
        }
    }

    /// A lexical error in the token being read, which the message quotes.
    #[inline(never)]
    fn lex_error(&self, what: What, message: &str, token: Option<Tk>) -> Box<Refusal> {
        let end = self.pos.min(self.src.len());
        self.error(what, message, token, self.token_start..end)
    }

    fn inclinenumber(&mut self) {
        let old = self.current();
        self.pos += 1;
        if self.at_newline() && self.current() != old {
            self.pos += 1;
        }
        // "chunk has too many lines" needs more than 2^31 lines: beyond a Redis
        // argument's 512 MB
        self.line += 1;
    }

    /// `luaX_next`: the next token becomes the current one.
    pub(super) fn next(&mut self) -> Result<(), Box<Refusal>> {
        self.consumed += 1;
        self.lastline = self.line;
        self.t = if self.has_ahead {
            self.has_ahead = false;
            self.ahead
        } else {
            self.llex()?
        };
        Ok(())
    }

    /// `luaX_lookahead`.
    pub(super) fn lookahead(&mut self) -> Result<Tk, Box<Refusal>> {
        let token = self.llex()?;
        self.ahead = token;
        self.has_ahead = true;
        Ok(token.tk)
    }

    fn token(&self, tk: Tk) -> Token {
        Token {
            tk,
            num: 0.0,
            str: 0,
            range: (self.token_start as u32, self.pos.min(self.src.len()) as u32),
        }
    }

    fn llex(&mut self) -> Result<Token, Box<Refusal>> {
        self.saved.clear();
        self.buffer = Buffer::Saved;
        loop {
            self.token_start = self.pos;
            let Some(&c) = self.src.get(self.pos) else {
                return Ok(self.token(Tk::Eos));
            };
            match c {
                b'\n' | b'\r' => self.inclinenumber(),
                b'-' => {
                    self.pos += 1;
                    if self.current() != i32::from(b'-') {
                        return Ok(self.token(Tk::Char(b'-')));
                    }
                    self.skip_comment()?;
                }
                b'[' => {
                    let sep = self.skip_sep();
                    if sep >= 0 {
                        return self.read_long_string(true, sep);
                    } else if sep == -1 {
                        return Ok(self.token(Tk::Char(b'[')));
                    }
                    return Err(self.lex_error(What::Lexical, "invalid long string delimiter", Some(Tk::String)));
                }
                b'=' | b'<' | b'>' | b'~' => {
                    self.pos += 1;
                    if self.current() != i32::from(b'=') {
                        return Ok(self.token(Tk::Char(c)));
                    }
                    self.pos += 1;
                    return Ok(self.token(match c {
                        b'=' => Tk::Eq,
                        b'<' => Tk::Le,
                        b'>' => Tk::Ge,
                        _ => Tk::Ne,
                    }));
                }
                b'"' | b'\'' => return self.read_string(c),
                b'.' => {
                    self.pos += 1;
                    if self.check_next(b".") {
                        let tk = if self.check_next(b".") { Tk::Dots } else { Tk::Concat };
                        for at in self.token_start..self.pos {
                            if self.src[at] == 0 {
                                self.masks.push((at, b'.'));
                            }
                        }
                        return Ok(self.token(tk));
                    }
                    if !self.src.get(self.pos).is_some_and(u8::is_ascii_digit) {
                        return Ok(self.token(Tk::Char(b'.')));
                    }
                    return self.read_numeral();
                }
                b' ' | b'\t' => {
                    self.pos += 1;
                    while matches!(self.src.get(self.pos), Some(b' ' | b'\t')) {
                        self.pos += 1;
                    }
                }
                // white space to C, not to full_moon
                0x0b | 0x0c => {
                    self.masks.push((self.pos, b' '));
                    self.pos += 1;
                }
                b'0'..=b'9' => return self.read_numeral(),
                c if c.is_ascii_alphabetic() || c == b'_' => {
                    let start = self.pos;
                    let rest = &self.src[start..];
                    self.pos += rest.iter().position(|&c| !NAME[usize::from(c)]).unwrap_or(rest.len());
                    let word = &self.src[start..self.pos];
                    if let Some(tk) = reserved(word) {
                        return Ok(self.token(tk));
                    }
                    self.buffer = Buffer::Source(start, self.pos);
                    let id = self.intern(Cow::Borrowed(word));
                    return Ok(Token {
                        str: id,
                        ..self.token(Tk::Name)
                    });
                }
                _ => {
                    self.pos += 1;
                    return Ok(self.token(Tk::Char(c)));
                }
            }
        }
    }

    /// After `--`: a long comment, or the rest of the line.
    #[inline(never)]
    fn skip_comment(&mut self) -> Result<(), Box<Refusal>> {
        self.pos += 1;
        if self.current() == i32::from(b'[') {
            let sep = self.skip_sep();
            self.saved.clear();
            if sep >= 0 {
                self.read_long_string(false, sep)?;
                self.saved.clear();
                return Ok(());
            }
        }
        self.pos = line_end(self.src, self.pos);
        Ok(())
    }

    #[inline(never)]
    fn read_numeral(&mut self) -> Result<Token, Box<Refusal>> {
        let start = self.token_start;
        self.pos = number::token_end(self.src, start);
        self.buffer = Buffer::Source(start, self.pos);
        let text = &self.src[start..self.pos];
        // most numbers are small integers: their value needs no parsing
        if text.len() <= 15 && text.iter().all(u8::is_ascii_digit) {
            let num = text.iter().fold(0u64, |n, &d| n * 10 + u64::from(d - b'0')) as f64;
            return Ok(Token {
                num,
                ..self.token(Tk::Number)
            });
        }
        match number::str2d(text) {
            Some(num) => {
                // full_moon reads neither a NUL byte (C's strings end there, so what
                // follows it in the token is not part of the number) nor `0x1p4`
                let nul = text.iter().position(|&b| b == 0).unwrap_or(text.len());
                self.masks.extend((start + nul..self.pos).map(|at| (at, b' ')));
                if text.starts_with(b"0x") || text.starts_with(b"0X") {
                    let p = text[..nul].iter().position(|&b| b == b'p' || b == b'P');
                    self.masks.extend(p.map(|p| (start + p, b'0')));
                }
                Ok(Token {
                    num,
                    ..self.token(Tk::Number)
                })
            }
            None => Err(self.lex_error(What::MalformedNumber, "malformed number", Some(Tk::Number))),
        }
    }

    /// At a `[` or `]`: the level of the long bracket it opens or closes (the number
    /// of `=`), or `-(level) - 1` when the second bracket is missing.
    fn skip_sep(&mut self) -> i64 {
        let s = self.current();
        self.save_and_next();
        let mut count = 0;
        while self.current() == i32::from(b'=') {
            self.save_and_next();
            count += 1;
        }
        if self.current() == s { count } else { -count - 1 }
    }

    #[inline(never)]
    fn read_long_string(&mut self, string: bool, sep: i64) -> Result<Token, Box<Refusal>> {
        self.save_and_next();
        if self.at_newline() {
            self.inclinenumber();
        }
        loop {
            match self.current() {
                EOZ => {
                    let (what, message) = if string {
                        (What::UnfinishedLongString, "unfinished long string")
                    } else {
                        (What::UnfinishedLongComment, "unfinished long comment")
                    };
                    return Err(self.lex_error(what, message, Some(Tk::Eos)));
                }
                // Lua 5.1.5 (LUA_COMPAT_LSTR 1) refuses a `[[` inside `[[...]]`, "nesting
                // of [[...]] is deprecated"; Redis's fix for CVE-2025-46819 (7.2.11,
                // 7.4.6, 8.2.2, and distribution builds of older releases such as
                // Debian's 7.0.15) changed what `skip_sep` returns, and the check never
                // fires since. The bracket is text, as in those builds.
                0x5d /* ] */ => {
                    if self.skip_sep() == sep {
                        self.save_and_next();
                        break;
                    }
                }
                0x0a | 0x0d => {
                    self.save(b'\n');
                    self.inclinenumber();
                    if !string {
                        self.saved.clear();
                    }
                }
                _ => {
                    if string {
                        self.save_and_next();
                    } else {
                        self.pos += 1;
                    }
                }
            }
        }
        if !string {
            return Ok(self.token(Tk::Eos));
        }
        let level = 2 + sep as usize;
        let content = self.saved[level..self.saved.len() - level].to_vec();
        let id = self.intern(Cow::Owned(content));
        Ok(Token {
            str: id,
            ..self.token(Tk::String)
        })
    }

    #[inline(never)]
    fn read_string(&mut self, quote: u8) -> Result<Token, Box<Refusal>> {
        // most strings have no escape and end on their line: their text is the source's
        let start = self.pos;
        let body = &self.src[start + 1..];
        if let Some(end) = body
            .iter()
            .position(|&c| c == quote || c == b'\\' || c == b'\n' || c == b'\r')
            && body[end] == quote
        {
            self.pos = start + 1 + end + 1;
            self.buffer = Buffer::Source(start, self.pos);
            let id = self.intern(Cow::Borrowed(&self.src[start + 1..start + 1 + end]));
            return Ok(Token {
                str: id,
                ..self.token(Tk::String)
            });
        }
        self.save_and_next();
        loop {
            let c = self.current();
            if c == i32::from(quote) {
                break;
            }
            match c {
                EOZ => return Err(self.lex_error(What::UnfinishedString, "unfinished string", Some(Tk::Eos))),
                0x0a | 0x0d => {
                    return Err(self.lex_error(What::UnfinishedString, "unfinished string", Some(Tk::String)));
                }
                0x5c /* \ */ => {
                    self.pos += 1;
                    let escaped = match self.current() {
                        EOZ => continue,
                        0x0a | 0x0d => {
                            self.save(b'\n');
                            let newline = self.pos;
                            self.inclinenumber();
                            // one escaped line break of two characters: full_moon
                            // escapes only the first and ends the string at the second
                            if self.pos == newline + 2 {
                                self.masks.push((newline + 1, b' '));
                            }
                            continue;
                        }
                        c => c as u8,
                    };
                    let decoded = match escaped {
                        b'a' => 0x07,
                        b'b' => 0x08,
                        b'f' => 0x0c,
                        b'n' => b'\n',
                        b'r' => b'\r',
                        b't' => b'\t',
                        b'v' => 0x0b,
                        b'0'..=b'9' => {
                            let mut value: u32 = 0;
                            let mut digits = 0;
                            while digits < 3 && self.src.get(self.pos).is_some_and(u8::is_ascii_digit) {
                                value = 10 * value + u32::from(self.src[self.pos] - b'0');
                                self.pos += 1;
                                digits += 1;
                            }
                            if value > 255 {
                                return Err(self.lex_error(
                                    What::EscapeTooLarge,
                                    "escape sequence too large",
                                    Some(Tk::String),
                                ));
                            }
                            self.save(value as u8);
                            continue;
                        }
                        // `\\`, `\"`, `\'` and any other character stand for themselves
                        _ => {
                            self.save_and_next();
                            continue;
                        }
                    };
                    self.save(decoded);
                    self.pos += 1;
                }
                _ => self.save_and_next(),
            }
        }
        self.save_and_next();
        let content = &self.saved[1..self.saved.len() - 1];
        let source = &self.src[self.token_start + 1..self.pos - 1];
        let text = if content == source {
            Cow::Borrowed(source)
        } else {
            Cow::Owned(content.to_vec())
        };
        let id = self.intern(text);
        Ok(Token {
            str: id,
            ..self.token(Tk::String)
        })
    }
}
