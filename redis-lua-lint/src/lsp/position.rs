//! Byte offsets of a text and LSP positions: a 0-based line and a column counted in
//! the negotiated encoding's code units (UTF-16 by default, UTF-8 when the client
//! offers it). Lines end at `\n`, `\r\n` or a lone `\r`, as in LSP and in Lua.

use std::ops::Range;

use lsp_types::Position;
use scripts_lint::LineIndex;

/// How columns are counted.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub(crate) enum Encoding {
    /// UTF-16 code units: LSP's default, which every client supports.
    #[default]
    Utf16,
    /// Bytes.
    Utf8,
}

/// A text with its line starts, for conversions both ways.
pub(crate) struct Lines<'a> {
    text: &'a str,
    index: LineIndex,
    encoding: Encoding,
}

impl<'a> Lines<'a> {
    pub(crate) fn new(text: &'a str, encoding: Encoding) -> Self {
        Lines {
            text,
            index: LineIndex::new(text),
            encoding,
        }
    }

    /// The text of 0-based `line`, without its end of line.
    fn line(&self, line: usize) -> (usize, &'a str) {
        let start = self.index.line_start(line);
        let end = if line + 1 < self.index.len() {
            self.index.line_start(line + 1)
        } else {
            self.text.len()
        };
        (start, self.text[start..end].trim_end_matches(['\n', '\r']))
    }

    /// The position of byte `offset` (one inside a character counts as its start).
    pub(crate) fn position(&self, offset: usize) -> Position {
        let mut offset = offset.min(self.text.len());
        while !self.text.is_char_boundary(offset) {
            offset -= 1;
        }
        let line = self.index.line_of(offset);
        let (start, content) = self.line(line);
        let before = &content[..(offset - start).min(content.len())];
        let column = match self.encoding {
            Encoding::Utf8 => before.len(),
            Encoding::Utf16 => before.encode_utf16().count(),
        };
        Position::new(line as u32, column as u32)
    }

    pub(crate) fn range(&self, range: &Range<usize>) -> lsp_types::Range {
        lsp_types::Range::new(self.position(range.start), self.position(range.end))
    }

    /// The byte offset of `position`, clamped to its line (a column past the end is
    /// the end of the line, a line past the end the end of the text), never inside a
    /// character.
    pub(crate) fn offset(&self, position: Position) -> usize {
        let line = position.line as usize;
        if line >= self.index.len() {
            return self.text.len();
        }
        let (start, content) = self.line(line);
        let wanted = position.character as usize;
        let mut units = 0;
        for (i, c) in content.char_indices() {
            if units >= wanted {
                return start + i;
            }
            units += match self.encoding {
                Encoding::Utf8 => c.len_utf8(),
                Encoding::Utf16 => c.len_utf16(),
            };
        }
        start + content.len()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn columns_count_code_units_of_the_encoding() {
        // `é` is 2 bytes and 1 UTF-16 unit; `😀` 4 bytes and 2 units
        let text = "local s = 'é😀'\r\nreturn KEYS[1]\rx";
        let at = text.find("KEYS").unwrap();
        for encoding in [Encoding::Utf16, Encoding::Utf8] {
            let lines = Lines::new(text, encoding);
            assert_eq!(lines.position(at), Position::new(1, 7));
            assert_eq!(lines.offset(Position::new(1, 7)), at);
            assert_eq!(lines.position(text.len()), Position::new(2, 1));
        }
        let quote = text.rfind('\'').unwrap();
        assert_eq!(Lines::new(text, Encoding::Utf16).position(quote), Position::new(0, 14));
        assert_eq!(Lines::new(text, Encoding::Utf8).position(quote), Position::new(0, 17));
        for encoding in [Encoding::Utf16, Encoding::Utf8] {
            let lines = Lines::new(text, encoding);
            assert_eq!(lines.offset(lines.position(quote)), quote);
            // past the end of a line: its end; past the last line: the text's end
            assert_eq!(lines.offset(Position::new(0, 99)), text.find('\r').unwrap());
            assert_eq!(lines.offset(Position::new(9, 0)), text.len());
        }
        // between the emoji's two UTF-16 units: the next character; inside its bytes: its start
        let emoji = text.find('😀').unwrap();
        assert_eq!(Lines::new(text, Encoding::Utf16).offset(Position::new(0, 12)), emoji);
        assert_eq!(
            Lines::new(text, Encoding::Utf16).offset(Position::new(0, 13)),
            emoji + 4
        );
        assert_eq!(
            Lines::new(text, Encoding::Utf16).position(emoji + 2),
            Position::new(0, 12)
        );
    }
}
