//! The `#!lua name=<library>` line of a function library, read as Redis 7.0.15 reads it
//! (src/functions.c `functionExtractLibMetaData`, the same in Valkey 8.0): the text
//! must start with `#!` and hold a newline; the line is split like a command line
//! (src/sds.c `sdssplitargs`: quotes, `\x41` escapes, a quote that does not end a word
//! refused); the first word less its `#!` names the engine (case-insensitive, `lua`
//! the only one); every other word is `name=<library>` (prefix case-insensitive),
//! given once; names are letters, digits and underscores.

use std::ops::Range;

use crate::shebang::Problem;

/// What the `#!lua name=<library>` line says.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub(crate) struct LibraryLine {
    /// The library's name and where it is written: the text after `name=`, quotes
    /// included (the whole word when a quote opens before the `=`).
    pub(crate) name: Option<(String, Range<usize>)>,
    pub(crate) problems: Vec<Problem>,
}

/// What Redis says of an invalid library or function name (7.0 to 7.4 and Valkey 8
/// alike, for functions too).
pub(crate) const INVALID_NAME: &str =
    "Library names can only contain letters, numbers, or underscores(_) and must be at least one character long";

/// True for a name Redis accepts for a library or a function (src/functions.c
/// `functionsVerifyName`).
pub(crate) fn valid_name(name: &str) -> bool {
    !name.is_empty() && name.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'_')
}

/// True when `a` and `b` name one function: Redis keeps functions in a dictionary whose
/// keys compare without case (src/functions.c `functionDictType`: `dictSdsCaseHash`,
/// `dictSdsKeyCaseCompare`), so `FCALL balance` calls `Balance` and one library cannot
/// register both.
pub(crate) fn same_name(a: &str, b: &str) -> bool {
    a.eq_ignore_ascii_case(b)
}

/// `name` made valid, for help texts.
pub(crate) fn valid_spelling(name: &str) -> String {
    let spelled: String = name
        .chars()
        .map(|c| if c.is_ascii_alphanumeric() { c } else { '_' })
        .collect();
    if spelled.is_empty() {
        "mylib".to_owned()
    } else {
        spelled
    }
}

/// One word of the line: its text once quotes and escapes are read, and where it is
/// written.
struct Word {
    text: String,
    range: Range<usize>,
}

/// Reads the first line of a library.
pub(crate) fn read_library(source: &str) -> LibraryLine {
    let mut out = LibraryLine::default();
    let problem = |range: Range<usize>, message: String, help: &str| Problem {
        range,
        message,
        help: help.to_owned(),
    };
    // C string functions read the text: a NUL ends it
    let text = source.split('\0').next().unwrap_or("");
    let first_line_end = source.find('\n').unwrap_or(source.len());
    if !text.starts_with("#!") {
        out.problems.push(problem(
            0..first_line_end.min(1),
            "a function library starts with `#!lua name=<library>`: Redis answers `Missing library metadata`"
                .to_owned(),
            "make the first line `#!lua name=mylib` (letters, digits and `_`)",
        ));
        return out;
    }
    let Some(line_end) = text.find('\n') else {
        out.problems.push(problem(
            0..first_line_end,
            "the library has no line after `#!lua`: Redis answers `Invalid library metadata`".to_owned(),
            "end the `#!lua name=...` line with a newline and write the library's code below it",
        ));
        return out;
    };
    let words = match split_words(&source[..line_end]) {
        Ok(words) => words,
        Err(at) => {
            out.problems.push(problem(
                at..line_end,
                "a quote in the `#!lua` line is not closed, or is followed by more text: Redis answers `Invalid library metadata`".to_owned(),
                "write the line without quotes: `#!lua name=mylib`",
            ));
            return out;
        }
    };
    let mut words = words.into_iter();
    let engine = words.next().map(|word| (word.text[2..].to_owned(), word.range));
    for word in words {
        let written = &source[word.range.clone()];
        let Some(name) = word
            .text
            .get(..5)
            .filter(|p| p.eq_ignore_ascii_case("name="))
            .map(|_| &word.text[5..])
        else {
            out.problems.push(problem(
                word.range,
                format!(
                    "unknown library option `{}`: Redis answers `Invalid metadata value given: {}`",
                    word.text, word.text
                ),
                "the only option is `name=`; function flags go in `redis.register_function`",
            ));
            continue;
        };
        if out.name.is_some() {
            out.problems.push(problem(
                word.range,
                format!("a second library name `{name}`: Redis answers `Invalid metadata value, name argument was given multiple times`"),
                "give the library one `name=`",
            ));
            continue;
        }
        if !valid_name(name) {
            out.problems.push(Problem {
                range: word.range,
                message: format!("`{name}` is not a valid library name: Redis answers `{INVALID_NAME}`"),
                help: format!("use letters, digits and `_` only: `name={}`", valid_spelling(name)),
            });
            // reported once: not also as a missing name
            out.name = Some((name.to_owned(), 0..0));
            continue;
        }
        // where the name itself is written, for tools that rename the library
        let prefixed = written.get(..5).is_some_and(|p| p.eq_ignore_ascii_case("name="));
        let range = if prefixed {
            word.range.start + 5..word.range.end
        } else {
            word.range
        };
        out.name = Some((name.to_owned(), range));
    }
    match &out.name {
        None if out.problems.is_empty() => out.problems.push(problem(
            0..line_end,
            "the library has no name: Redis answers `Library name was not given`".to_owned(),
            "add it: `#!lua name=mylib`",
        )),
        // an invalid name was reported where it is written
        Some((_, range)) if range.is_empty() => out.name = None,
        _ => {}
    }
    match engine {
        Some((engine, _)) if engine.eq_ignore_ascii_case("lua") => {}
        Some((engine, range)) => {
            let (message, help) = if engine.is_empty() {
                (
                    "no engine after `#!`: Redis answers `Engine '' not found`".to_owned(),
                    "write `#!lua name=mylib`, with no space after `#!`",
                )
            } else {
                (
                    format!("unknown engine `{engine}`: Redis answers `Engine '{engine}' not found`"),
                    "start the library with `#!lua name=mylib`: `lua` is the only engine",
                )
            };
            out.problems.push(problem(range, message, help));
        }
        None => {}
    }
    out
}

/// The words of `line` as src/sds.c `sdssplitargs` splits them, each with where it is
/// written; `Err` with where the word starts whose quote is not closed or is followed
/// by more than a space.
fn split_words(line: &str) -> Result<Vec<Word>, usize> {
    let bytes = line.as_bytes();
    // the C string's terminator past the end
    let at = |i: usize| bytes.get(i).copied().unwrap_or(0);
    // C's `isspace`
    let space = |c: u8| matches!(c, b' ' | b'\t' | b'\n' | 0x0b | 0x0c | b'\r');
    let mut words = Vec::new();
    let mut i = 0;
    loop {
        while at(i) != 0 && space(at(i)) {
            i += 1;
        }
        if at(i) == 0 {
            return Ok(words);
        }
        let start = i;
        let mut text: Vec<u8> = Vec::new();
        let (mut double, mut single) = (false, false);
        let end = loop {
            let c = at(i);
            if double {
                if c == b'\\' && at(i + 1) == b'x' && at(i + 2).is_ascii_hexdigit() && at(i + 3).is_ascii_hexdigit() {
                    let hex = std::str::from_utf8(&bytes[i + 2..i + 4]).unwrap_or("0");
                    text.push(u8::from_str_radix(hex, 16).unwrap_or(0));
                    i += 3;
                } else if c == b'\\' && at(i + 1) != 0 {
                    i += 1;
                    text.push(match at(i) {
                        b'n' => b'\n',
                        b'r' => b'\r',
                        b't' => b'\t',
                        b'b' => 0x08,
                        b'a' => 0x07,
                        other => other,
                    });
                } else if c == b'"' {
                    if at(i + 1) != 0 && !space(at(i + 1)) {
                        return Err(start);
                    }
                    break i + 1;
                } else if c == 0 {
                    return Err(start);
                } else {
                    text.push(c);
                }
            } else if single {
                if c == b'\\' && at(i + 1) == b'\'' {
                    i += 1;
                    text.push(b'\'');
                } else if c == b'\'' {
                    if at(i + 1) != 0 && !space(at(i + 1)) {
                        return Err(start);
                    }
                    break i + 1;
                } else if c == 0 {
                    return Err(start);
                } else {
                    text.push(c);
                }
            } else {
                match c {
                    b' ' | b'\n' | b'\r' | b'\t' | 0 => break i,
                    b'"' => double = true,
                    b'\'' => single = true,
                    _ => text.push(c),
                }
            }
            i += 1;
        };
        i = end;
        words.push(Word {
            text: String::from_utf8_lossy(&text).into_owned(),
            range: start..end,
        });
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn words(line: &str) -> Result<Vec<String>, usize> {
        split_words(line).map(|words| words.into_iter().map(|w| w.text).collect())
    }

    #[test]
    fn lines_split_as_redis_splits_them() {
        assert_eq!(words("#!lua name=a").unwrap(), ["#!lua", "name=a"]);
        assert_eq!(words("#!lua  name=\"a b\"\t\r").unwrap(), ["#!lua", "name=a b"]);
        assert_eq!(
            words("#!lua name='a\\'b' \"\\x61\\n\"").unwrap(),
            ["#!lua", "name=a'b", "a\n"]
        );
        assert_eq!(words("#!\"lua\" na'me=a'").unwrap(), ["#!lua", "name=a"]);
        assert_eq!(words("#!lua na'me'=a"), Err(6));
        assert_eq!(words("#!lua name=\"a"), Err(6));
        assert_eq!(words("#!lua name=\"a\"b"), Err(6));
        assert_eq!(words("#!lua 'x'y"), Err(6));
    }

    #[test]
    fn library_lines() {
        let line = read_library("#!lua name=bank\nlocal x = 1");
        assert_eq!(line.name.as_ref().map(|n| n.0.as_str()), Some("bank"));
        assert_eq!(line.name.unwrap().1, 11..15);
        assert!(line.problems.is_empty());
        for accepted in [
            "#!LUA name=bank\n",
            "#!Lua NAME=bank\n",
            "#!lua name=\"bank\"\n",
            "#!lua 'name=bank'\n",
            "#!lua\tname=bank   \r\n",
            "#!\"lua\" name=b\"ank\"\n",
        ] {
            let line = read_library(accepted);
            assert_eq!(line.problems, [], "{accepted:?}");
            assert_eq!(line.name.map(|n| n.0).as_deref(), Some("bank"), "{accepted:?}");
        }
        assert_eq!(read_library("#!lua name=\"bank\"\n").name.unwrap().1, 11..17);
        assert_eq!(read_library("#!lua \"name=bank\"\n").name.unwrap().1, 6..17);
        let message = |src: &str| read_library(src).problems[0].message.clone();
        assert!(message("local x = 1").contains("Missing library metadata"));
        assert!(message(" #!lua name=a\n").contains("Missing library metadata"));
        assert!(message("#!lua name=a").contains("Invalid library metadata"));
        assert!(message("#!lua name=a\0\n").contains("Invalid library metadata"));
        assert!(message("#!lua name=\"a\n").contains("Invalid library metadata"));
        assert!(message("#!lua\n").contains("Library name was not given"));
        assert!(message("#!\n").contains("Library name was not given"));
        assert!(message("#!lua name=my-lib\n").contains(INVALID_NAME));
        assert!(message("#!lua name=\n").contains(INVALID_NAME));
        assert!(message("#!lua name=\"a b\"\n").contains(INVALID_NAME));
        assert!(message("#!lua name=a flags=no-writes\n").contains("Invalid metadata value given: flags=no-writes"));
        assert!(message("#!lua name=a name=b\n").contains("name argument was given multiple times"));
        assert!(message("#!python name=a\n").contains("Engine 'python' not found"));
        assert!(message("#! lua name=a\n").contains("Invalid metadata value given: lua"));
        assert_eq!(read_library("#!lua name=my-lib\n").problems.len(), 1);
    }
}
