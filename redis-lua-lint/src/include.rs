//! `--- @include "<name>"`: BullMQ's script preprocessor, and the map from the spliced
//! text back to the file each byte was written in.
//!
//! The loader replaces each include line with the named file (relative to the including
//! file, `.lua` added when the name has no extension), recursively, each file at most
//! once per script: a later include of a file already spliced is dropped. Redis only
//! ever sees the spliced text, so that is what is checked; findings are then moved back
//! to the file and offset where their text is written.

use std::collections::HashSet;
use std::ops::Range;
use std::path::{Path, PathBuf};
use std::sync::Arc;

/// One file taking part in a spliced script (the script itself first).
#[derive(Clone, Debug)]
pub(crate) struct Part {
    /// Absolute, lexically normalised.
    pub(crate) path: PathBuf,
    pub(crate) text: Arc<str>,
}

/// A run of bytes copied from one file.
#[derive(Clone, Copy, Debug)]
struct Segment {
    /// Where the run starts in the spliced text.
    start: usize,
    /// Index into [`Spliced::parts`].
    part: usize,
    /// Where the run starts in that file.
    part_start: usize,
    len: usize,
}

/// An include line whose file could not be read.
#[derive(Debug)]
pub(crate) struct Unresolved {
    /// Index into [`Spliced::parts`] of the file the line is in.
    pub(crate) part: usize,
    /// The quoted name, in that file.
    pub(crate) range: Range<usize>,
    pub(crate) message: String,
}

/// A script with its includes spliced in.
#[derive(Debug)]
pub(crate) struct Spliced {
    pub(crate) text: String,
    pub(crate) parts: Vec<Part>,
    segments: Vec<Segment>,
    pub(crate) unresolved: Vec<Unresolved>,
    /// The bytes of every file spliced so far: the spliced text is never longer.
    total: usize,
}

/// Deeper include chains than this are reported rather than followed (a chain this
/// long is a mistake; the limit keeps the recursion bounded).
const MAX_DEPTH: usize = 64;

impl Spliced {
    /// `root` alone (no includes, or includes not asked for).
    pub(crate) fn identity(root: Part) -> Self {
        let len = root.text.len();
        Spliced {
            text: root.text.to_string(),
            parts: vec![root],
            segments: vec![Segment {
                start: 0,
                part: 0,
                part_start: 0,
                len,
            }],
            unresolved: Vec::new(),
            total: len,
        }
    }

    /// `root` with its includes spliced in, files read through `read` (which returns
    /// the text or a message saying why not).
    pub(crate) fn splice(root: Part, read: &mut dyn FnMut(&Path) -> Result<Arc<str>, String>) -> Self {
        if !root.text.contains("@include") {
            return Self::identity(root);
        }
        let mut spliced = Spliced {
            text: String::with_capacity(root.text.len()),
            parts: Vec::new(),
            segments: Vec::new(),
            unresolved: Vec::new(),
            total: 0,
        };
        let mut seen = HashSet::from([root.path.clone()]);
        spliced.add(root, &mut seen, read, 0);
        spliced
    }

    fn copy(&mut self, part: usize, range: Range<usize>) {
        if range.is_empty() {
            return;
        }
        let text = self.parts[part].text.clone();
        self.segments.push(Segment {
            start: self.text.len(),
            part,
            part_start: range.start,
            len: range.len(),
        });
        self.text.push_str(&text[range]);
    }

    fn add(
        &mut self,
        file: Part,
        seen: &mut HashSet<PathBuf>,
        read: &mut dyn FnMut(&Path) -> Result<Arc<str>, String>,
        depth: usize,
    ) {
        let part = self.parts.len();
        let text = file.text.clone();
        self.total += text.len();
        let dir = file.path.parent().map(Path::to_path_buf).unwrap_or_default();
        self.parts.push(file);
        let mut copied = 0;
        let mut line_start = 0;
        while line_start < text.len() {
            let line_end = text[line_start..].find('\n').map_or(text.len(), |n| line_start + n);
            let line = text[line_start..line_end].trim_end_matches('\r');
            if let Some(name) = directive(line) {
                let name_range = line_start + name.start..line_start + name.end;
                let name = &line[name];
                let path = resolve(&dir, name);
                if seen.contains(&path) {
                    // included already: the line goes, as in the loader
                    self.copy(part, copied..line_start);
                    copied = line_start + line.len();
                } else if depth >= MAX_DEPTH {
                    self.unresolved.push(Unresolved {
                        part,
                        range: name_range,
                        message: format!("includes nest deeper than {MAX_DEPTH} files"),
                    });
                } else {
                    match read(&path) {
                        Ok(included) if self.total + included.len() > scripts_lint::MAX_SCRIPT_BYTES => {
                            let len = self.total + included.len();
                            self.unresolved.push(Unresolved {
                                part,
                                range: name_range,
                                message: format!(
                                    "cannot include `{name}`: {}",
                                    scripts_lint::size_refusal(len).unwrap_or_default()
                                ),
                            });
                        }
                        Ok(included) => {
                            seen.insert(path.clone());
                            self.copy(part, copied..line_start);
                            self.add(Part { path, text: included }, seen, read, depth + 1);
                            copied = line_start + line.len();
                        }
                        Err(message) => self.unresolved.push(Unresolved {
                            part,
                            range: name_range,
                            message: format!("cannot include `{name}`: {message}"),
                        }),
                    }
                }
            }
            line_start = line_end + 1;
        }
        self.copy(part, copied..text.len());
    }

    /// The file and offset where byte `offset` of the spliced text is written.
    pub(crate) fn locate(&self, offset: usize) -> (usize, usize) {
        let Some(last) = self.segments.last() else {
            return (0, 0);
        };
        let i = self.segments.partition_point(|s| s.start <= offset).saturating_sub(1);
        let segment = self.segments[i];
        if offset >= last.start + last.len {
            return (last.part, last.part_start + last.len);
        }
        (
            segment.part,
            segment.part_start + (offset - segment.start).min(segment.len),
        )
    }

    /// `range` of the spliced text, in the file where it starts (cut at the end of the
    /// run copied from that file).
    pub(crate) fn locate_range(&self, range: &Range<usize>) -> (usize, Range<usize>) {
        let (part, start) = self.locate(range.start);
        let i = self
            .segments
            .partition_point(|s| s.start <= range.start)
            .saturating_sub(1);
        let run_end = self.segments.get(i).map_or(start, |s| s.part_start + s.len);
        let len = range.end.saturating_sub(range.start);
        (part, start..(start + len).min(run_end.max(start)))
    }
}

impl Spliced {
    /// `range` of the spliced text in file `part`, when all of it was copied from one
    /// run of that file: where an edit of the spliced text is made in the file. An
    /// empty range between two runs belongs to both.
    pub(crate) fn locate_in(&self, range: &Range<usize>, part: usize) -> Option<Range<usize>> {
        self.segments
            .iter()
            .filter(|s| s.part == part)
            .find(|s| s.start <= range.start && range.end <= s.start + s.len)
            .map(|s| s.part_start + (range.start - s.start)..s.part_start + (range.end - s.start))
    }
}

/// The files `text` (of the file at `path`) includes directly.
pub(crate) fn included_by(path: &Path, text: &str) -> Vec<PathBuf> {
    if !text.contains("@include") {
        return Vec::new();
    }
    let dir = path.parent().map(Path::to_path_buf).unwrap_or_default();
    text.lines()
        .filter_map(|line| directive(line.trim_end_matches('\r')).map(|name| resolve(&dir, &line[name])))
        .collect()
}

/// The name of an include line: `--- @include "name"` (two or three dashes, either
/// quote, an optional `;`), as a range of `line`.
pub(crate) fn directive(line: &str) -> Option<Range<usize>> {
    let indent = line.len() - line.trim_start_matches([' ', '\t']).len();
    let rest = &line[indent..];
    let dashes = rest.bytes().take_while(|&b| b == b'-').count();
    if !(2..=3).contains(&dashes) {
        return None;
    }
    let after_dashes = &rest[dashes..];
    let spaces = after_dashes.len() - after_dashes.trim_start_matches([' ', '\t']).len();
    let keyword = after_dashes[spaces..].strip_prefix("@include")?;
    let gap = keyword.len() - keyword.trim_start_matches([' ', '\t']).len();
    if gap == 0 {
        return None;
    }
    let quoted = &keyword[gap..];
    let quote = quoted.chars().next().filter(|c| matches!(c, '"' | '\''))?;
    let close = quoted[1..].find(quote)?;
    if close == 0 || !quoted[1 + close + 1..].trim_matches([' ', '\t', ';']).is_empty() {
        return None;
    }
    let start = line.len() - quoted.len() + 1;
    Some(start..start + close)
}

/// The file an include names, from the including file's directory.
pub(crate) fn resolve(dir: &Path, name: &str) -> PathBuf {
    let mut file = PathBuf::from(name);
    if file.extension().is_none() {
        file.set_extension("lua");
    }
    crate::paths::absolute(dir, &file)
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::collections::HashMap;

    fn part(path: &str, text: &str) -> Part {
        Part {
            path: PathBuf::from(path),
            text: text.into(),
        }
    }

    #[test]
    fn include_lines_in_every_spelling() {
        for line in [
            "--- @include \"a\"",
            "-- @include 'a'",
            "  ---\t@include \"a\";",
            "--- @include \"a\"  ",
        ] {
            let range = directive(line).unwrap_or_else(|| panic!("{line}"));
            assert_eq!(&line[range], "a");
        }
        for line in [
            "---- @include \"a\"",
            "--- @include",
            "--- @includes \"a\"",
            "--- @include \"a\" x",
            "--- @include \"\"",
            "x --- @include \"a\"",
        ] {
            assert_eq!(directive(line), None, "{line}");
        }
    }

    #[test]
    fn splices_once_and_maps_back() {
        let files = HashMap::from([
            (
                "/q/includes/a.lua",
                "--- @include \"b\"\nlocal function a() return b() end\n",
            ),
            ("/q/includes/b.lua", "local function b() return 1 end\n"),
        ]);
        let mut read = |path: &Path| {
            files
                .get(path.to_str().unwrap())
                .map(|t| Arc::from(*t))
                .ok_or_else(|| "no such file or directory".to_owned())
        };
        let root = "local x = 1\n--- @include \"includes/a\"\n--- @include \"includes/b.lua\"\n--- @include \"missing\"\nreturn a()\n";
        let spliced = Spliced::splice(part("/q/main.lua", root), &mut read);
        assert_eq!(
            spliced.text,
            "local x = 1\nlocal function b() return 1 end\n\nlocal function a() return b() end\n\n\n--- @include \"missing\"\nreturn a()\n"
        );
        assert_eq!(spliced.parts.len(), 3);
        // `b()` in `a`'s body maps to a.lua
        let at = spliced.text.find("b() end\n\n\n").unwrap();
        let (part, offset) = spliced.locate(at);
        assert_eq!(spliced.parts[part].path, Path::new("/q/includes/a.lua"));
        assert_eq!(&spliced.parts[part].text[offset..offset + 3], "b()");
        // `return a()` maps to the root, at its own offset
        let at = spliced.text.find("return a()").unwrap();
        assert_eq!(spliced.locate(at), (0, root.find("return a()").unwrap()));
        assert_eq!(spliced.unresolved.len(), 1);
        assert_eq!(&root[spliced.unresolved[0].range.clone()], "missing");
        // the end of the text maps to the end of the root
        assert_eq!(spliced.locate(spliced.text.len()), (0, root.len()));
    }

    #[test]
    fn an_include_that_would_pass_the_size_limit_is_refused() {
        let half = "local x = 1\n".repeat(scripts_lint::MAX_SCRIPT_BYTES / 2 / 12 + 1);
        let mut read = |_: &Path| Ok::<_, String>(Arc::from(half.as_str()));
        let root = "--- @include \"a\"\n--- @include \"b\"\nreturn 1\n";
        let spliced = Spliced::splice(part("/q/m.lua", root), &mut read);
        assert!(spliced.text.len() <= scripts_lint::MAX_SCRIPT_BYTES);
        assert_eq!(spliced.unresolved.len(), 1);
        assert_eq!(&root[spliced.unresolved[0].range.clone()], "b");
        let message = &spliced.unresolved[0].message;
        assert!(message.starts_with("cannot include `b`: the script is "), "{message}");
        assert!(message.contains("2097152 bytes (2 MiB)"), "{message}");
    }

    #[test]
    fn ranges_stop_at_the_file_they_start_in() {
        let mut read = |_: &Path| Ok::<_, String>(Arc::from("x"));
        let spliced = Spliced::splice(part("/q/m.lua", "a\n--- @include \"i\"\nb"), &mut read);
        assert_eq!(spliced.text, "a\nx\nb");
        assert_eq!(spliced.locate_range(&(0..5)), (0, 0..2));
        assert_eq!(spliced.locate_range(&(2..3)), (1, 0..1));
    }
}
