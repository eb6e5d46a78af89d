//! Annotation comments: a script declares, next to the value, that a local holds a key
//! or a key prefix the signature cannot name, because the caller passes it one level
//! deeper than `KEYS` and `ARGV` (a field of a msgpack or JSON argument):
//!
//! ```lua
//! local args = cmsgpack.unpack(ARGV[1]) -- redis-lua-lint: prefix(args[1]) key(args[5], args[9])
//! -- redis-lua-lint: prefix(parentKey)
//! local parentKey = opts.parent
//! ```
//!
//! Written in the style of the inline suppressions (`-- redis-lua-lint: allow(...)`)
//! and read here, by the checker, so they work alike in `.lua` files and in Rust string
//! literals. A comment after code on its line annotates the assignment that ends there;
//! a comment on a line of its own annotates the assignment that starts next. Each
//! target names a local that assignment assigns (`local x = ...` or `x = ...`), or a
//! field of it (`args[1]`, `opts.parent`, `opts['parent']`): from there on the checker
//! takes that value as a declared key (`key(...)`) or key prefix (`prefix(...)`, a key
//! the script also builds keys from by appending, as `#[key(prefix)]` declares).
//!
//! Such keys are keys the script does not declare: the check's report lists them
//! ([`crate::DerivedKeys`]), and no run-time check of their hash tag is possible.

use std::collections::HashMap;
use std::ops::Range;
use std::sync::Arc;

use full_moon::ast::Ast;
use full_moon::node::Node;
use full_moon::tokenizer::{Token, TokenReference, TokenType};

/// The marker annotations share with the inline suppressions.
pub const MARKER: &str = "redis-lua-lint:";

/// The name annotation mistakes are reported under.
pub const LINT: &str = "invalid_annotation";

/// The annotation words: `prefix(...)` and `key(...)`.
pub const ROLES: [&str; 2] = ["prefix", "key"];

/// The words of the inline suppressions, which a tool reads (`allow(...)`; `warn` and
/// `deny` are refused there with their own message).
const SUPPRESSIONS: [&str; 3] = ["allow", "warn", "deny"];

/// True when `text` (what follows [`MARKER`] in a comment) is an annotation, which the
/// checker reads (`prefix(...)`, `key(...)`, or a misspelling of them: a word and a
/// bracket), rather than a suppression (`allow(...)`), which a tool reads.
pub fn is_annotation(text: &str) -> bool {
    let text = text.trim_start();
    let word_len = text
        .find(|c: char| !(c.is_ascii_alphanumeric() || c == '_'))
        .unwrap_or(text.len());
    let word = &text[..word_len];
    !word.is_empty() && !SUPPRESSIONS.contains(&word) && text[word_len..].trim_start().starts_with('(')
}

/// What an annotation declares a value to be.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Role {
    /// `key(...)`: a key.
    Key,
    /// `prefix(...)`: a key prefix, which the script builds keys from by appending.
    Prefix,
}

/// A field of a local named by an annotation: `args[1]`, `opts.parent`.
#[derive(Clone, Debug, PartialEq)]
pub(crate) enum FieldKey {
    Number(f64),
    Name(Arc<str>),
}

/// One value an annotation declares.
#[derive(Clone, Debug)]
pub(crate) struct Target {
    /// The annotation comment it is written in (an index into the comments).
    pub(crate) comment: usize,
    pub(crate) role: Role,
    /// The local.
    pub(crate) local: Arc<str>,
    /// The field of the local, when the target names one.
    pub(crate) field: Option<FieldKey>,
    /// Where the target is written in the comment.
    pub(crate) range: Range<usize>,
    /// For a field: the table of its local's fields (an index into
    /// [`Annotations::tables`]).
    pub(crate) table: Option<usize>,
}

impl Target {
    /// The target as written: `args[1]`.
    pub(crate) fn text<'s>(&self, source: &'s str) -> &'s str {
        source.get(self.range.clone()).unwrap_or("")
    }
}

/// The targets naming fields of one local in one comment: a table whose listed fields
/// are keys or prefixes.
#[derive(Clone, Debug)]
pub(crate) struct AnnotatedTable {
    /// Each field with its target (an index into [`Annotations::targets`]).
    pub(crate) fields: Vec<(FieldKey, usize)>,
}

/// A mistake in an annotation comment.
#[derive(Clone, Debug)]
pub(crate) struct Problem {
    pub(crate) range: Range<usize>,
    pub(crate) message: String,
    pub(crate) help: String,
}

/// The annotations of a script.
#[derive(Clone, Debug, Default)]
pub(crate) struct Annotations {
    /// Every target, in the order written.
    pub(crate) targets: Vec<Target>,
    /// The tables whose fields targets name.
    pub(crate) tables: Vec<AnnotatedTable>,
    /// Each comment's whole range.
    pub(crate) comments: Vec<Range<usize>>,
    /// Comments that annotate the statement starting at an offset.
    at_start: HashMap<usize, Vec<usize>>,
    /// Comments that annotate the statement ending at an offset.
    at_end: HashMap<usize, Vec<usize>>,
    /// What could not be read.
    pub(crate) problems: Vec<Problem>,
}

impl Annotations {
    /// True when the script has no annotation.
    pub(crate) fn is_empty(&self) -> bool {
        self.comments.is_empty() && self.problems.is_empty()
    }

    /// The comments annotating a statement that spans `range`.
    pub(crate) fn of_statement(&self, range: Range<usize>) -> impl Iterator<Item = usize> + '_ {
        let starting = self.at_start.get(&range.start).into_iter().flatten();
        let ending = self.at_end.get(&range.end).into_iter().flatten();
        starting.chain(ending).copied()
    }

    /// The targets of comment `comment`, with their indices.
    pub(crate) fn targets_of(&self, comment: usize) -> impl Iterator<Item = (usize, &Target)> + '_ {
        self.targets
            .iter()
            .enumerate()
            .filter(move |(_, t)| t.comment == comment)
    }
}

/// Reads the annotation comments of `source`, parsed as `ast`.
pub(crate) fn read(source: &str, ast: &Ast) -> Annotations {
    let mut out = Annotations::default();
    // the usual script has none: one scan of the text, no walk over the tokens
    if !source.contains(MARKER) {
        return out;
    }
    // (full_moon hands out a call's tokens out of source order)
    let visit = |token: &TokenReference, out: &mut Annotations| {
        let (start, end) = match token.range() {
            Some((start, end)) => (start.bytes(), end.bytes()),
            None => return,
        };
        let semicolon = source.get(start..end) == Some(";");
        for trivia in token.leading_trivia() {
            if let Some((range, text)) = comment(trivia) {
                // on a line of its own (code before it on its line belongs to the
                // previous token's trailing trivia): the statement starting next
                out.comment(range, text, Attach::Start(start));
            }
        }
        // a `;` ends no statement: the one before it ends where the code before it does
        let statement_end = if semicolon {
            source[..start].trim_end().len()
        } else {
            end
        };
        for trivia in token.trailing_trivia() {
            if let Some((range, text)) = comment(trivia) {
                out.comment(range, text, Attach::End(statement_end));
            }
        }
    };
    // taken from the back and reversed: the same tokens in the same order, but
    // full_moon's forward iteration removes each token from the front of its pending
    // list, a cost growing with the statements left (a million instructions in a long script)
    let mut tokens: Vec<&TokenReference> = ast.nodes().tokens().rev().collect();
    tokens.reverse();
    for token in tokens {
        visit(token, &mut out);
    }
    visit(ast.eof(), &mut out);
    out
}

/// Where a comment attaches.
#[derive(Clone, Copy)]
enum Attach {
    /// To the statement that starts at this offset.
    Start(usize),
    /// To the statement that ends at this offset.
    End(usize),
}

/// A single-line comment's range and text.
fn comment(token: &Token) -> Option<(Range<usize>, &str)> {
    match token.token_type() {
        TokenType::SingleLineComment { comment } => {
            let start = token.start_position().bytes();
            Some((start..token.end_position().bytes(), comment.as_str()))
        }
        _ => None,
    }
}

impl Annotations {
    /// One single-line comment at `range`, whose text after `--` is `text`.
    fn comment(&mut self, range: Range<usize>, text: &str, attach: Attach) {
        let Some(marker) = text.find(MARKER) else { return };
        // only `-- redis-lua-lint: ...`, with nothing but dashes and spaces before the marker
        if !text[..marker].chars().all(|c| c == '-' || c.is_whitespace()) {
            return;
        }
        let after = &text[marker + MARKER.len()..];
        if !is_annotation(after) {
            // a suppression, or a word for another tool
            return;
        }
        // the comment text starts after `--` at the comment's start
        let body_at = range.start + (range.len() - text.len()) + marker + MARKER.len();
        let index = self.comments.len();
        let before = self.targets.len();
        self.items(after, body_at, index);
        if self.targets.len() == before {
            return;
        }
        self.comments.push(range);
        let (place, at) = match attach {
            Attach::Start(at) => (&mut self.at_start, at),
            Attach::End(at) => (&mut self.at_end, at),
        };
        place.entry(at).or_default().push(index);
        // group the fields each local's targets name into one table
        let mut tables: Vec<(Arc<str>, usize)> = Vec::new();
        for target in before..self.targets.len() {
            let Some(field) = self.targets[target].field.clone() else {
                continue;
            };
            let local = self.targets[target].local.clone();
            let table = match tables.iter().find(|(name, _)| *name == local) {
                Some(&(_, table)) => table,
                None => {
                    self.tables.push(AnnotatedTable { fields: Vec::new() });
                    tables.push((local, self.tables.len() - 1));
                    self.tables.len() - 1
                }
            };
            self.tables[table].fields.push((field, target));
            self.targets[target].table = Some(table);
        }
    }

    /// `prefix(a, b[1]) key(c)`, starting at byte `at`.
    fn items(&mut self, text: &str, at: usize, comment: usize) {
        let mut rest = text;
        let mut offset = at;
        loop {
            let skipped = rest.len() - rest.trim_start_matches([' ', '\t', ',']).len();
            rest = &rest[skipped..];
            offset += skipped;
            if rest.is_empty() {
                return;
            }
            let word_len = rest
                .find(|c: char| !(c.is_ascii_alphanumeric() || c == '_'))
                .unwrap_or(rest.len());
            let word = &rest[..word_len];
            let role = match word {
                "prefix" => Role::Prefix,
                "key" => Role::Key,
                _ => {
                    // at least one character, so the finding has something to point at
                    let shown = match word {
                        "" => &rest[..rest.chars().next().map_or(0, char::len_utf8)],
                        word => word,
                    };
                    let help = match crate::suggest::suggest(word, ROLES) {
                        Some(near) => format!("did you mean `{near}`?"),
                        None => "write `prefix(name)` for a local holding a key prefix, `key(name)` for a local holding a key".into(),
                    };
                    self.problems.push(Problem {
                        range: offset..offset + shown.len(),
                        message: format!("unknown annotation `{shown}`"),
                        help,
                    });
                    return;
                }
            };
            let after_word = &rest[word_len..];
            let spaces = after_word.len() - after_word.trim_start().len();
            let Some(inner) = after_word[spaces..].strip_prefix('(') else {
                self.problems.push(Problem {
                    range: offset..offset + word_len,
                    message: format!("`{word}` needs the value it declares in brackets"),
                    help: format!("write `{word}(name)`, naming the local the assignment sets"),
                });
                return;
            };
            let inner_at = offset + word_len + spaces + 1;
            let Some(close) = inner.find(')') else {
                self.problems.push(Problem {
                    range: offset..at + text.len(),
                    message: format!("`{word}(` is not closed"),
                    help: format!("write `{word}(name)`"),
                });
                return;
            };
            let list = &inner[..close];
            let mut item_at = inner_at;
            let mut any = false;
            for part in list.split(',') {
                let trimmed = part.trim();
                let start = item_at + (part.len() - part.trim_start().len());
                item_at += part.len() + 1;
                if trimmed.is_empty() {
                    continue;
                }
                any = true;
                let range = start..start + trimmed.len();
                match target(trimmed) {
                    Ok((local, field)) => self.targets.push(Target {
                        comment,
                        role,
                        local: local.into(),
                        field,
                        range,
                        table: None,
                    }),
                    Err(why) => self.problems.push(Problem {
                        range,
                        message: format!("cannot read `{trimmed}` as a value: {why}"),
                        help: "name a local (`prefix`), or a field of one with a constant index or name (`args[1]`, `opts.parent`)".into(),
                    }),
                }
            }
            if !any {
                self.problems.push(Problem {
                    range: offset..inner_at + close + 1,
                    message: format!("`{word}()` declares nothing"),
                    help: format!("name the local it declares: `{word}(name)`"),
                });
            }
            let consumed = word_len + spaces + 1 + close + 1;
            rest = &rest[consumed..];
            offset += consumed;
        }
    }
}

/// `name`, `name[1]`, `name.field`, `name['field']`.
fn target(text: &str) -> Result<(&str, Option<FieldKey>), &'static str> {
    let name_len = text
        .find(|c: char| !(c.is_ascii_alphanumeric() || c == '_'))
        .unwrap_or(text.len());
    let name = &text[..name_len];
    if name.is_empty() || name.starts_with(|c: char| c.is_ascii_digit()) {
        return Err("it does not start with a name");
    }
    let rest = text[name_len..].trim();
    if rest.is_empty() {
        return Ok((name, None));
    }
    if let Some(field) = rest.strip_prefix('.') {
        let field = field.trim();
        let valid = !field.is_empty()
            && !field.starts_with(|c: char| c.is_ascii_digit())
            && field.chars().all(|c| c.is_ascii_alphanumeric() || c == '_');
        return if valid {
            Ok((name, Some(FieldKey::Name(field.into()))))
        } else {
            Err("a field name is a Lua name")
        };
    }
    let Some(index) = rest.strip_prefix('[').and_then(|r| r.strip_suffix(']')) else {
        return Err("only one field of a local can be named");
    };
    let index = index.trim();
    for quote in ['\'', '"'] {
        if let Some(field) = index.strip_prefix(quote).and_then(|f| f.strip_suffix(quote)) {
            return Ok((name, Some(FieldKey::Name(field.into()))));
        }
    }
    match index.parse::<f64>() {
        Ok(n) if n.is_finite() => Ok((name, Some(FieldKey::Number(n)))),
        _ => Err("an index is a number or a quoted string"),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn annotations(source: &str) -> Annotations {
        let ast = full_moon::parse_fallible(source, full_moon::LuaVersion::lua51()).into_ast();
        read(source, &ast)
    }

    #[test]
    fn tokens_taken_from_the_back_come_in_source_order() {
        for source in [
            include_str!("../tests/lints/key_not_from_keys/good_annotated_msgpack_prefix.lua"),
            include_str!("../tests/lints/invalid_annotation/good_annotations.lua"),
            include_str!("../tests/lints/invalid_annotation/bad_annotations.lua"),
        ] {
            let ast = full_moon::parse_fallible(source, full_moon::LuaVersion::lua51()).into_ast();
            let forward: Vec<*const TokenReference> = ast.nodes().tokens().map(|t| t as *const _).collect();
            let mut back: Vec<*const TokenReference> = ast.nodes().tokens().rev().map(|t| t as *const _).collect();
            back.reverse();
            assert!(forward.len() > 100);
            assert_eq!(forward, back);
        }
    }

    #[test]
    fn trailing_and_leading_comments_attach_to_their_assignments() {
        let source = "local a = 1\nlocal args = cmsgpack.unpack(ARGV[1]); -- redis-lua-lint: prefix(args[1]) key(args[5], args.parent)\n\
                      -- redis-lua-lint: key(p)\n\n-- other\nlocal p = args[2]\n";
        let found = annotations(source);
        assert!(found.problems.is_empty(), "{:?}", found.problems);
        let texts: Vec<&str> = found.targets.iter().map(|t| t.text(source)).collect();
        assert_eq!(texts, ["args[1]", "args[5]", "args.parent", "p"]);
        assert_eq!(found.targets[0].role, Role::Prefix);
        assert_eq!(found.targets[3].role, Role::Key);
        assert_eq!(found.tables.len(), 1);
        assert_eq!(found.tables[0].fields.len(), 3);
        let line2 = source.find("local args").unwrap();
        let end2 = source.find("; --").unwrap();
        assert_eq!(found.of_statement(line2..end2).collect::<Vec<_>>(), [0]);
        let line6 = source.find("local p").unwrap();
        assert_eq!(found.of_statement(line6..source.len() - 1).collect::<Vec<_>>(), [1]);
    }

    #[test]
    fn suppressions_and_strings_are_not_annotations() {
        let found = annotations("-- redis-lua-lint: allow(float_return)\nlocal s = '-- redis-lua-lint: prefix(x)'\n");
        assert!(found.is_empty());
        assert!(is_annotation(" prefix (x)"));
        assert!(
            is_annotation(" prefixes(x)"),
            "a misspelling is the checker's to report"
        );
        assert!(!is_annotation(" allow(prefix)"));
        assert!(!is_annotation(" deny(x)"));
        assert!(!is_annotation(" prefixes"));
    }

    #[test]
    fn mistakes_are_problems() {
        for (source, message) in [
            (
                "local x = 1 -- redis-lua-lint: prefix(x) keys(y)\n",
                "unknown annotation `keys`",
            ),
            ("local x = 1 -- redis-lua-lint: prefix(x[i])\n", "cannot read `x[i]`"),
            ("local x = 1 -- redis-lua-lint: prefix(x\n", "`prefix(` is not closed"),
            ("local x = 1 -- redis-lua-lint: key()\n", "`key()` declares nothing"),
            ("local x = 1 -- redis-lua-lint: key(x.a.b)\n", "cannot read `x.a.b`"),
        ] {
            let found = annotations(source);
            assert!(
                found.problems.iter().any(|p| p.message.starts_with(message)),
                "{source}: {:?}",
                found.problems
            );
        }
    }
}
