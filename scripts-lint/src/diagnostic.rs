//! What a check reports: findings with byte ranges into the Lua source.
//!
//! Positions stay Lua byte ranges until rendering, so the same finding can be
//! shown against a Rust string literal, a `.lua` file or a CLI's input.

use std::fmt;
use std::ops::Range;

/// How a finding is reported.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Level {
    /// Not reported.
    Allow,
    /// Reported as a compiler warning; the build goes on.
    Warn,
    /// Reported as a compiler error; the build fails.
    Deny,
}

impl Level {
    /// The attribute word that selects this level: `allow`, `warn` or `deny`.
    pub fn as_str(self) -> &'static str {
        match self {
            Level::Allow => "allow",
            Level::Warn => "warn",
            Level::Deny => "deny",
        }
    }
}

impl fmt::Display for Level {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// A byte range of the Lua source, with an optional message shown under it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Label {
    /// Byte range into the Lua source (may be empty at end of input).
    pub range: Range<usize>,
    /// Text printed beside the underline.
    pub message: Option<String>,
}

impl Label {
    /// A label without text.
    pub fn new(range: Range<usize>) -> Self {
        Label { range, message: None }
    }

    /// A label with text.
    pub fn with_message(range: Range<usize>, message: impl Into<String>) -> Self {
        Label {
            range,
            message: Some(message.into()),
        }
    }
}

/// A Rust parameter a finding is about (0-based, in the order of its role).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ParamRef {
    /// The n-th `#[key]` parameter.
    Key(usize),
    /// The n-th argument parameter.
    Arg(usize),
    /// The n-th function declared for a function library.
    Function(usize),
}

/// One finding of one lint.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Diagnostic {
    /// The lint's stable name, as used in `allow(...)`.
    pub lint: &'static str,
    /// The level it is reported at, after the script's overrides.
    pub level: Level,
    /// One line, lowercase, no trailing period.
    pub message: String,
    /// Where the problem is.
    pub primary: Label,
    /// Related places ("assigned here", "declared here").
    pub secondary: Vec<Label>,
    /// What to write instead.
    pub help: Option<String>,
    /// Extra facts ("Redis passes every `ARGV` entry as a string").
    pub notes: Vec<String>,
    /// Set when the finding is about a Rust parameter rather than a place in the Lua
    /// (an unused key): the macro points at the parameter, the text has no snippet.
    pub param: Option<ParamRef>,
    /// The one certain fix, when there is one: edits of the Lua source that a tool
    /// may apply without asking (`redis-lua-lint --fix`, an editor's quick fix).
    pub fix: Option<Fix>,
}

/// A machine-applicable fix: replacements of byte ranges of the Lua source that,
/// applied together, make the finding go away without changing what a correct
/// script does. A finding with two possible readings has none (its `help` says
/// what to consider instead).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Fix {
    /// What the fix does, one line in the message style (``write `not x` ``).
    pub message: String,
    /// The replacements, non-overlapping, in source order.
    pub edits: Vec<Edit>,
}

/// One replacement of a byte range of the Lua source.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Edit {
    /// Byte range into the Lua source (empty for an insertion).
    pub range: Range<usize>,
    /// The text written in its place.
    pub replacement: String,
}

impl Edit {
    /// Replaces `range` with `replacement`.
    pub fn new(range: Range<usize>, replacement: impl Into<String>) -> Self {
        Edit {
            range,
            replacement: replacement.into(),
        }
    }
}

/// What [`apply_fixes`] made of a source.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Fixed {
    /// The source with the fixes applied.
    pub text: String,
    /// How many fixes were applied (a fix repeated by another finding counts once).
    pub applied: usize,
    /// How many were left out because they touch a place an earlier fix changed, or
    /// do not fit the source: applying the fixes again to a re-checked text may take them.
    pub skipped: usize,
}

/// Applies `fixes` to `source`, each whole or not at all: a fix whose edits overlap or
/// touch those of a fix before it (in source order), or fall outside the source, is
/// left out. Two edits at one place in two fixes could be applied in either order, so
/// they count as overlapping.
///
/// ```
/// use scripts_lint::{Edit, Fix, apply_fixes};
///
/// let fix = Fix { message: "test the reply".into(), edits: vec![Edit::new(3..3, "not "), Edit::new(4..11, "")] };
/// let fixed = apply_fixes("if v == nil then end", [&fix]);
/// assert_eq!(fixed.text, "if not v then end");
/// ```
pub fn apply_fixes<'f>(source: &str, fixes: impl IntoIterator<Item = &'f Fix>) -> Fixed {
    let mut fixes: Vec<&Fix> = fixes.into_iter().filter(|f| !f.edits.is_empty()).collect();
    fixes.sort_by_key(|f| (f.edits[0].range.start, f.edits[0].range.end));
    let fits = |e: &Edit| {
        e.range.start <= e.range.end
            && source.is_char_boundary(e.range.start)
            && source.is_char_boundary(e.range.end)
            && e.range.end <= source.len()
    };
    let clash = |a: &Edit, b: &Edit| {
        let (a, b) = (&a.range, &b.range);
        // overlapping, or touching where one of them is an insertion
        (a.start < b.end && b.start < a.end) || ((a.is_empty() || b.is_empty()) && a.start <= b.end && b.start <= a.end)
    };
    let mut taken: Vec<&Fix> = Vec::new();
    let mut skipped = 0;
    for fix in fixes {
        if taken.iter().any(|t| t.edits == fix.edits) {
            continue;
        }
        let ordered = fix.edits.windows(2).all(|w| w[0].range.end <= w[1].range.start);
        let free = || {
            taken
                .iter()
                .all(|t| t.edits.iter().all(|a| fix.edits.iter().all(|b| !clash(a, b))))
        };
        if fix.edits.iter().all(fits) && ordered && free() {
            taken.push(fix);
        } else {
            skipped += 1;
        }
    }
    let mut edits: Vec<&Edit> = taken.iter().flat_map(|f| &f.edits).collect();
    edits.sort_by_key(|e| (e.range.start, e.range.end));
    let mut text = String::with_capacity(source.len());
    let mut at = 0;
    for edit in edits {
        text.push_str(&source[at..edit.range.start]);
        text.push_str(&edit.replacement);
        at = edit.range.end;
    }
    text.push_str(&source[at..]);
    Fixed {
        text,
        applied: taken.len(),
        skipped,
    }
}

impl Diagnostic {
    /// A finding at `range` with `message`; add help and labels with the builder methods.
    pub fn new(lint: &'static str, level: Level, range: Range<usize>, message: impl Into<String>) -> Self {
        Diagnostic {
            lint,
            level,
            message: message.into(),
            primary: Label::new(range),
            secondary: Vec::new(),
            help: None,
            notes: Vec::new(),
            param: None,
            fix: None,
        }
    }

    /// Makes the finding about a Rust parameter.
    pub fn about(mut self, param: ParamRef) -> Self {
        self.param = Some(param);
        self
    }

    /// Text under the primary underline.
    pub fn label(mut self, message: impl Into<String>) -> Self {
        self.primary.message = Some(message.into());
        self
    }

    /// A related place.
    pub fn secondary(mut self, range: Range<usize>, message: impl Into<String>) -> Self {
        self.secondary.push(Label::with_message(range, message));
        self
    }

    /// What to write instead.
    pub fn help(mut self, help: impl Into<String>) -> Self {
        self.help = Some(help.into());
        self
    }

    /// An extra fact.
    pub fn note(mut self, note: impl Into<String>) -> Self {
        self.notes.push(note.into());
        self
    }

    /// The one certain fix: `edits` described by `message`.
    pub fn fix(mut self, message: impl Into<String>, edits: Vec<Edit>) -> Self {
        self.fix = Some(Fix {
            message: message.into(),
            edits,
        });
        self
    }
}
