//! Line/column arithmetic, and the map from Lua byte offsets to the place the
//! user edits: a Rust string literal (possibly with escapes) or a `.lua` file.

/// A 1-based line and a 1-based column counted in characters, as rustc prints them.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub struct Position {
    /// 1-based line.
    pub line: usize,
    /// 1-based column, in characters (a tab counts as one, as in rustc's `-->` lines).
    pub column: usize,
}

/// Byte offsets of line starts, for offset -> line:column lookups.
#[derive(Clone, Debug)]
pub struct LineIndex {
    starts: Vec<usize>,
    /// Offsets of the `\r`s that end a line on their own (not part of `\r\n`).
    lone_crs: Vec<usize>,
}

impl LineIndex {
    /// Index `text`; `\n`, `\r\n` and a lone `\r` all end a line, as in Lua.
    pub fn new(text: &str) -> Self {
        let bytes = text.as_bytes();
        let mut starts = vec![0];
        let mut lone_crs = Vec::new();
        // memchr finds the line ends many bytes at a time: every file is indexed, and a
        // loop over each byte was over 1% of a run over a corpus
        for i in memchr::memchr2_iter(b'\n', b'\r', bytes) {
            match bytes[i] {
                // the `\n` of a `\r\n`: the line was counted at its `\r`
                b'\n' if i > 0 && bytes[i - 1] == b'\r' => {}
                b'\n' => starts.push(i + 1),
                _ if bytes.get(i + 1) == Some(&b'\n') => starts.push(i + 2),
                _ => {
                    starts.push(i + 1);
                    lone_crs.push(i);
                }
            }
        }
        LineIndex { starts, lone_crs }
    }

    /// 0-based line number of `offset` counting `\n`s only, as annotate-snippets does
    /// (a lone `\r` does not end its lines).
    pub(crate) fn lf_line_of(&self, offset: usize) -> usize {
        self.line_of(offset) - self.lone_crs.partition_point(|&cr| cr < offset)
    }

    /// 0-based line number containing `offset`.
    pub fn line_of(&self, offset: usize) -> usize {
        match self.starts.binary_search(&offset) {
            Ok(line) => line,
            Err(next) => next - 1,
        }
    }

    /// Byte offset where 0-based `line` starts.
    pub fn line_start(&self, line: usize) -> usize {
        self.starts[line]
    }

    /// Number of lines (an empty text has one).
    pub fn len(&self) -> usize {
        self.starts.len()
    }

    /// Always false: even an empty text has one line.
    pub fn is_empty(&self) -> bool {
        false
    }

    /// The position of `offset` in `text` (the text this index was built from).
    /// Offsets inside a multi-byte character count as that character.
    pub fn position(&self, text: &str, offset: usize) -> Position {
        let offset = offset.min(text.len());
        let line = self.line_of(offset);
        let start = self.starts[line];
        Position {
            line: line + 1,
            column: count_chars(text, start, offset) + 1,
        }
    }
}

/// Characters of `text` from `start` (a line start) to `offset`, which may fall inside
/// a character: that character counts.
fn count_chars(text: &str, start: usize, offset: usize) -> usize {
    let mut end = offset;
    while !text.is_char_boundary(end) {
        end -= 1;
    }
    // `str::chars().count()` is the standard library's optimised count, fast even in the
    // debug builds proc macros run in; a byte-by-byte count made rendering thousands of
    // findings on one long line take seconds there
    text.get(start..end).map_or(0, |line| line.chars().count()) + usize::from(end != offset)
}

/// Where a script's text lives in the file the user edits.
///
/// For a raw string literal the Lua text is a verbatim slice of the host text; for an
/// escaped literal each decoded piece maps to its own place (`segments`); for a `.lua`
/// file the map is the identity.
///
/// A map may also be *unplaced* ([`unplaced`](Self::unplaced)): the Lua text is known
/// but not where it is written, as under an IDE's proc-macro server that gives spans no
/// file. Findings then name the script and the Lua position only.
#[derive(Clone, Debug)]
pub struct SourceMap {
    /// The file; for an unplaced map, the script's name.
    path: String,
    placed: bool,
    host: String,
    host_lines: LineIndex,
    start_line: usize,
    start_column: usize,
    segments: Vec<(usize, usize)>,
    /// Rendering adds `(lua line L, column C)` after the host position.
    lua_position: bool,
}

impl SourceMap {
    /// The script is the whole file at `path`.
    pub fn file(path: impl Into<String>, source: &str) -> Self {
        Self::embedded(path, source, 1, 1, vec![(0, 0)])
    }

    /// The script is the whole `.lua` file at `path`, and nothing else is edited: the
    /// rendering shows `path:line:column` alone, without the Lua position that
    /// [`file`](Self::file) repeats (which is the same).
    pub fn lua_file(path: impl Into<String>, source: &str) -> Self {
        SourceMap {
            lua_position: false,
            ..Self::file(path, source)
        }
    }

    /// The script is decoded from `host` (e.g. a literal's token text), which starts
    /// at `start_line:start_column` (both 1-based) of `path`. `segments` lists
    /// `(lua_offset, host_offset)` pairs, sorted by Lua offset: from each Lua offset on,
    /// bytes advance one for one in both texts until the next pair.
    pub fn embedded(
        path: impl Into<String>,
        host: &str,
        start_line: usize,
        start_column: usize,
        mut segments: Vec<(usize, usize)>,
    ) -> Self {
        if segments.first().is_none_or(|s| s.0 != 0) {
            segments.insert(0, (0, 0));
        }
        SourceMap {
            path: path.into(),
            placed: true,
            host: host.to_owned(),
            host_lines: LineIndex::new(host),
            start_line,
            start_column,
            segments,
            lua_position: true,
        }
    }

    /// A script named `name` whose place in the user's files is not known: positions
    /// are the Lua text's own, and [`render`](crate::render) shows no file.
    pub fn unplaced(name: impl Into<String>, source: &str) -> Self {
        SourceMap {
            placed: false,
            ..Self::file(name, source)
        }
    }

    /// False for an [`unplaced`](Self::unplaced) map, whose host positions are the
    /// Lua text's own and whose [`path`](Self::path) is the script's name.
    pub fn is_placed(&self) -> bool {
        self.placed
    }

    /// False for [`lua_file`](Self::lua_file) maps.
    pub(crate) fn shows_lua_position(&self) -> bool {
        self.lua_position
    }

    /// The index of `text` when it is this map's host text (a `.lua` file's map), so a
    /// render need not index the script again for each finding.
    pub(crate) fn index_of(&self, text: &str) -> Option<&LineIndex> {
        (self.host == text).then_some(&self.host_lines)
    }

    /// The file as rustc names it (the script's name when [unplaced](Self::unplaced)).
    pub fn path(&self) -> &str {
        &self.path
    }

    /// Byte offset into the host text of Lua byte `offset`.
    pub fn host_offset(&self, offset: usize) -> usize {
        let i = match self.segments.binary_search_by_key(&offset, |s| s.0) {
            Ok(i) => i,
            Err(i) => i - 1,
        };
        let (lua, host) = self.segments[i];
        (host + (offset - lua)).min(self.host.len())
    }

    /// Line in the host file of Lua byte `offset`: a binary search, without the
    /// column count of [`host_position`](Self::host_position), so mapping every line
    /// of a large script stays linear.
    pub fn host_line(&self, offset: usize) -> usize {
        self.start_line + self.host_lines.line_of(self.host_offset(offset))
    }

    /// Position in the host file of Lua byte `offset`.
    pub fn host_position(&self, offset: usize) -> Position {
        let inner = self.host_lines.position(&self.host, self.host_offset(offset));
        if inner.line == 1 {
            Position {
                line: self.start_line,
                column: self.start_column + inner.column - 1,
            }
        } else {
            Position {
                line: self.start_line + inner.line - 1,
                column: inner.column,
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_line_end_starts_a_line() {
        for (text, starts, lone_crs) in [
            ("", vec![0], vec![]),
            ("a", vec![0], vec![]),
            ("a\nb\n", vec![0, 2, 4], vec![]),
            ("a\r\nb\r\n", vec![0, 3, 6], vec![]),
            ("a\rb\r", vec![0, 2, 4], vec![1, 3]),
            ("\r\r\n\n\r", vec![0, 1, 3, 4, 5], vec![0, 4]),
            ("\n\r\n\r\r\n", vec![0, 1, 3, 4, 6], vec![3]),
        ] {
            let index = LineIndex::new(text);
            assert_eq!((index.starts, index.lone_crs), (starts, lone_crs), "{text:?}");
        }
    }

    #[test]
    fn positions_count_characters_not_bytes() {
        let text = "a\né\tx\r\nz";
        let index = LineIndex::new(text);
        assert_eq!(index.position(text, 0), Position { line: 1, column: 1 });
        // 'x' is after a two-byte 'é' and a tab: third character of line 2
        let x = text.find('x').unwrap();
        assert_eq!(index.position(text, x), Position { line: 2, column: 3 });
        let z = text.find('z').unwrap();
        assert_eq!(index.position(text, z), Position { line: 3, column: 1 });
        assert_eq!(index.len(), 3);
    }

    #[test]
    fn embedded_first_line_is_shifted_by_the_literal_column() {
        // host text of `r"ab\ncd"` written at line 10, column 5
        let host = "r\"ab\ncd\"";
        let map = SourceMap::embedded("src/lib.rs", host, 10, 5, vec![(0, 2)]);
        assert_eq!(map.host_position(0), Position { line: 10, column: 7 });
        assert_eq!(map.host_position(4), Position { line: 11, column: 2 });
        assert_eq!(map.host_line(4), 11);
        assert_eq!(map.host_line(0), 10);
    }

    #[test]
    fn unplaced_scripts_render_the_lua_position_alone() {
        // what an IDE's proc-macro server gives: no file, so no Rust position either
        let source = "local x = 1\nreturn redis.call('GET', KEYS[1]\n";
        let report = crate::check(source, &crate::Signature::default());
        let map = SourceMap::unplaced("read_one", source);
        assert!(!map.is_placed());
        let text = crate::render(&report.diagnostics[0], source, &map);
        assert!(text.contains("--> script `read_one`, lua line 2, column"), "{text}");
        assert!(!text.contains("read_one:"), "{text}");
    }

    #[test]
    fn segments_follow_escapes() {
        // "a\nb": Lua "a<LF>b", host `"a\nb"`; 'b' is Lua offset 2, host offset 4
        let host = "\"a\\nb\"";
        let map = SourceMap::embedded("f.rs", host, 1, 1, vec![(0, 1), (1, 2), (2, 4)]);
        assert_eq!(map.host_offset(2), 4);
        assert_eq!(map.host_position(2), Position { line: 1, column: 5 });
    }
}
