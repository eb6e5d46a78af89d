//! The `#!lua flags=...` line, parsed as Redis does (src/eval.c
//! `evalExtractShebangFlags`): it must start at byte 0, the first word must be
//! exactly `#!lua`, every other word `flags=a,b` with known, case-sensitive flags.

use std::ops::Range;

/// Flags Redis accepts in a script's shebang.
pub(crate) const FLAGS: &[&str] = &[
    "no-writes",
    "allow-oom",
    "allow-stale",
    "no-cluster",
    "allow-cross-slot-keys",
];

/// A problem with the shebang line.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) struct Problem {
    pub(crate) range: Range<usize>,
    pub(crate) message: String,
    pub(crate) help: String,
}

/// What the shebang line says.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub(crate) struct Shebang {
    /// The valid flags, in order.
    pub(crate) flags: Vec<String>,
    pub(crate) problems: Vec<Problem>,
}

impl Shebang {
    pub(crate) fn has(&self, flag: &str) -> bool {
        self.flags.iter().any(|f| f == flag)
    }
}

/// Reads the shebang of `source`, if it has one. A `#!` preceded only by blank space
/// is reported as misplaced.
pub(crate) fn read(source: &str) -> Option<Shebang> {
    let start = source.len() - source.trim_start().len();
    if !source[start..].starts_with("#!") {
        return None;
    }
    let line_end = source[start..].find('\n').map_or(source.len(), |n| start + n);
    let mut shebang = Shebang::default();
    if start > 0 {
        shebang.problems.push(Problem {
            range: start..line_end,
            message: "the shebang is not at the start of the script, so Redis reads it as Lua and fails".to_owned(),
            help: "put `#!lua` on the very first line, right after the opening quote: `r#\"#!lua flags=no-writes`"
                .to_owned(),
        });
    }
    if line_end == source.len() {
        shebang.problems.push(Problem {
            range: start..line_end,
            message: "a shebang without a script after it: Redis answers `Invalid script shebang`".to_owned(),
            help: "end the shebang line with a newline and write the script below it".to_owned(),
        });
    }
    let line = &source[start..line_end];
    let mut words = words(line)
        .into_iter()
        .map(|(r, w)| (start + r.start..start + r.end, w));
    match words.next() {
        Some((_, "#!lua")) => {}
        Some((range, engine)) => shebang.problems.push(Problem {
            range,
            message: format!("unknown script engine `{engine}`: Redis answers `Unexpected engine in script shebang`"),
            help: "scripts run by EVAL start with exactly `#!lua`".to_owned(),
        }),
        None => {}
    }
    for (range, word) in words {
        let Some(list) = word.strip_prefix("flags=") else {
            shebang.problems.push(Problem {
                range,
                message: format!("unknown shebang option `{word}`: Redis answers `Unknown lua shebang option`"),
                help: "the only option is `flags=`, e.g. `#!lua flags=no-writes,allow-oom`".to_owned(),
            });
            continue;
        };
        if list.is_empty() {
            continue;
        }
        let mut offset = range.start + "flags=".len();
        for flag in list.split(',') {
            let flag_range = offset..offset + flag.len().max(1);
            offset += flag.len() + 1;
            if FLAGS.contains(&flag) {
                shebang.flags.push(flag.to_owned());
                continue;
            }
            let help = match crate::suggest::suggest(flag, FLAGS.iter().copied()) {
                Some(near) => format!(
                    "did you mean `{near}`? flags are lowercase with dashes: {}",
                    FLAGS.join(", ")
                ),
                None if flag.is_empty() => "remove the empty flag (a doubled or trailing comma)".to_owned(),
                None => format!("the flags are {}", FLAGS.join(", ")),
            };
            shebang.problems.push(Problem {
                range: flag_range,
                message: format!("unknown script flag `{flag}`: Redis answers `Unexpected flag in script shebang`"),
                help,
            });
        }
    }
    Some(shebang)
}

/// Whitespace-separated words with their ranges in `line`.
fn words(line: &str) -> Vec<(Range<usize>, &str)> {
    let mut out = Vec::new();
    let mut start = None;
    for (i, c) in line.char_indices().chain(std::iter::once((line.len(), ' '))) {
        match (c.is_whitespace(), start) {
            (true, Some(s)) => {
                out.push((s..i, &line[s..i]));
                start = None;
            }
            (false, None) => start = Some(i),
            _ => {}
        }
    }
    out
}

/// `source` with its shebang line blanked out (same length, so offsets still match),
/// for the Lua parser.
///
/// Redis compiles the script without its shebang line (eval.c keeps only the line
/// feed), and a misplaced one is reported by `invalid_shebang`, not again as a syntax
/// error. full_moon is never shown a shebang: its own handling drops the first token
/// after one when that token has an error (`#!lua\n"abc` parsed clean) and panics
/// with "current() called past EOF" when the token is an unclosed comment.
pub(crate) fn blank(source: &str) -> Option<String> {
    let start = source.len() - source.trim_start().len();
    if !source[start..].starts_with("#!") {
        return None;
    }
    let end = source[start..].find('\n').map_or(source.len(), |n| start + n);
    let mut text = source.to_owned();
    text.replace_range(start..end, &" ".repeat(end - start));
    Some(text)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn valid_shebangs() {
        let s = read("#!lua flags=no-writes,allow-oom\nreturn 1").unwrap();
        assert_eq!(s.flags, ["no-writes", "allow-oom"]);
        assert!(s.problems.is_empty());
        assert!(read("#!lua\nreturn 1").unwrap().problems.is_empty());
        assert!(read("#!lua flags=\nreturn 1").unwrap().problems.is_empty());
        assert!(read("return 1").is_none());
    }

    #[test]
    fn invalid_shebangs() {
        let bad = |src: &str| {
            read(src)
                .unwrap()
                .problems
                .into_iter()
                .map(|p| p.message)
                .collect::<Vec<_>>()
        };
        assert!(bad("#!python\nreturn 1")[0].contains("engine"));
        assert!(bad("#!lua name=x\nreturn 1")[0].contains("option"));
        assert!(bad("#!lua flags=no_writes\nreturn 1")[0].contains("flag `no_writes`"));
        assert!(bad("#!lua flags=no-writes,\nreturn 1")[0].contains("flag ``"));
        assert!(bad("\n  #!lua\nreturn 1")[0].contains("not at the start"));
        assert!(bad("#!lua")[0].contains("Invalid script shebang"));
    }

    #[test]
    fn shebang_is_blanked_for_the_parser() {
        let blanked = blank("\n#!lua\nreturn 1").unwrap();
        assert_eq!(blanked, "\n     \nreturn 1");
        // the `\r` of a CRLF belongs to the shebang line, as in Redis
        assert_eq!(
            blank("#!lua flags=\r\nreturn 1").unwrap(),
            format!("{}\nreturn 1", " ".repeat(13))
        );
        assert!(blank("return 1").is_none());
    }
}
