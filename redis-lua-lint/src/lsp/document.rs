//! An open document: its text as the editor has it, at the editor's version.

use std::path::PathBuf;

use lsp_types::{TextDocumentContentChangeEvent, Uri};

use super::position::{Encoding, Lines};

/// One open file.
#[derive(Debug, Clone)]
pub(crate) struct Document {
    pub(crate) uri: Uri,
    /// The file, for `file:` URIs.
    pub(crate) path: Option<PathBuf>,
    pub(crate) version: i32,
    pub(crate) text: String,
    /// Bumped at each change of this file or of one it shares a check with: a result
    /// of an older generation is stale and never published.
    pub(crate) generation: u64,
}

impl Document {
    /// Applies the editor's changes in order (each range is in the text as the
    /// previous change left it).
    pub(crate) fn apply(&mut self, version: i32, changes: Vec<TextDocumentContentChangeEvent>, encoding: Encoding) {
        for change in changes {
            match change.range {
                Some(range) => {
                    let lines = Lines::new(&self.text, encoding);
                    let start = lines.offset(range.start);
                    let end = lines.offset(range.end).max(start);
                    self.text.replace_range(start..end, &change.text);
                }
                None => self.text = change.text,
            }
        }
        self.version = version;
    }
}

/// The file a `file:` URI names.
pub(crate) fn path_of(uri: &Uri) -> Option<PathBuf> {
    let url = url::Url::parse(uri.as_str()).ok()?;
    if url.scheme() != "file" {
        return None;
    }
    url.to_file_path().ok()
}

/// The `file:` URI of `path`.
pub(crate) fn uri_of(path: &std::path::Path) -> Option<Uri> {
    let url = url::Url::from_file_path(path).ok()?;
    url.as_str().parse().ok()
}

#[cfg(test)]
mod tests {
    use super::*;
    use lsp_types::{Position, Range};

    #[test]
    fn incremental_changes_apply_in_order_with_non_ascii_text() {
        let uri: Uri = "file:///q/a%20b.lua".parse().unwrap();
        assert_eq!(path_of(&uri), Some(PathBuf::from("/q/a b.lua")));
        assert_eq!(
            uri_of(&PathBuf::from("/q/a b.lua")).unwrap().as_str(),
            "file:///q/a%20b.lua"
        );
        let mut doc = Document {
            uri,
            path: None,
            version: 1,
            text: "-- café 😀\nreturn 1\n".into(),
            generation: 0,
        };
        let change = |line, from, to, text: &str| TextDocumentContentChangeEvent {
            range: Some(Range::new(Position::new(line, from), Position::new(line, to))),
            range_length: None,
            text: text.into(),
        };
        // after `😀` (2 UTF-16 units at column 8): ` ok`; then `1` -> `2`
        doc.apply(2, vec![change(0, 10, 10, " ok"), change(1, 7, 8, "2")], Encoding::Utf16);
        assert_eq!(doc.text, "-- café 😀 ok\nreturn 2\n");
        assert_eq!(doc.version, 2);
        // a UTF-8 column inside the emoji's bytes: after it
        doc.apply(3, vec![change(0, 10, 10, "!")], Encoding::Utf8);
        assert_eq!(doc.text, "-- café 😀! ok\nreturn 2\n");
    }
}
