use std::collections::HashMap;
use std::ops::Range;

use full_moon::LuaVersion;
use full_moon::tokenizer::{Lexer, LexerResult, TokenType};

use super::{Context, Lint, LintInfo};
use crate::diagnostic::{Diagnostic, Level};

#[doc = include_str!("server_error_code.md")]
pub(crate) struct ServerErrorCode;

impl Lint for ServerErrorCode {
    const INFO: LintInfo = LintInfo {
        name: "server_error_code",
        default_level: Level::Deny,
        allowable: false,
        always_denied_because: Some("clients take such an error for the server's own, and may run the script again"),
        summary: "an error reply with a code clients take for the server's (`NOSCRIPT`, `BUSY`, `MOVED`, ...)",
        doc: include_str!("server_error_code.md"),
    };

    fn check(cx: &Context<'_>, out: &mut Vec<Diagnostic>) {
        // both `error_reply` and `err` contain it: most scripts need no second look
        if !cx.source.contains("err") {
            return;
        }
        // the parser never sees the shebang line (see `shebang::blank`): neither does this
        let blanked = crate::shebang::blank(cx.source);
        let tokens = tokens(blanked.as_deref().unwrap_or(cx.source));
        let scan = Scan::new(&tokens);
        let mut helpers = Vec::new();
        let mut seen = std::collections::HashSet::new();
        for site in scan.sites() {
            match site.value {
                Value::Constant(text) => {
                    if let Some(code) = reserved(cx, &text, site.reply) {
                        out.push(finding(code, text.range, site.reply, None, cx.unit()));
                    }
                }
                // a helper that builds the error from its parameter: its calls tell the code
                Value::Param(name, rest) => {
                    let Some(function) = scan.owner(site.at) else { continue };
                    if let (Some(function), Some(position)) =
                        (function.name, function.params.iter().position(|p| *p == name))
                        && seen.insert((function, position))
                    {
                        helpers.push(Helper {
                            function,
                            position,
                            reply: site.reply,
                            rest,
                            continued: scan.continued(site.start),
                            param: site.range,
                        });
                    }
                }
            }
        }
        for (helper, mut text) in scan.helper_calls(&helpers) {
            let helper = &helpers[helper];
            // `code .. ' ' .. message`: the argument goes on with what the helper appends
            if text.complete {
                match &helper.rest {
                    Some(rest) => {
                        text.text.push_str(&rest.text);
                        text.complete = rest.complete;
                    }
                    None => text.complete = !helper.continued,
                }
            }
            if let Some(code) = reserved(cx, &text, helper.reply) {
                out.push(finding(
                    code,
                    text.range,
                    helper.reply,
                    Some(helper.param.clone()),
                    cx.unit(),
                ));
            }
        }
    }
}

/// A local function that builds an error reply starting with one of its parameters.
struct Helper<'t> {
    function: &'t str,
    /// The parameter's position (0-based).
    position: usize,
    reply: bool,
    /// String literals appended to the parameter.
    rest: Option<Text>,
    /// Something is appended to the parameter.
    continued: bool,
    /// The parameter where the error is built, for the label.
    param: Range<usize>,
}

/// The codes, each with what Redis means by it.
const CODES: &[(&str, &str)] = &[
    (
        "NOSCRIPT",
        "the script is not cached, and clients send it again with `EVAL`",
    ),
    ("BUSY", "another script runs past the time limit and nothing else runs"),
    ("OOM", "it is over `maxmemory` and refuses the command"),
    (
        "READONLY",
        "a replica refuses a write, and cluster clients send it again to the primary",
    ),
    (
        "MOVED",
        "another node serves the key's slot, and cluster clients send the command there",
    ),
    (
        "ASK",
        "the key's slot is migrating, and cluster clients send the command to the importing node",
    ),
    (
        "TRYAGAIN",
        "a slot migration splits the keys, and cluster clients send the command again after a wait",
    ),
    (
        "CLUSTERDOWN",
        "the cluster cannot serve the slot, and cluster clients send the command again after a wait",
    ),
    ("CROSSSLOT", "the keys hash to different slots and the command did not run"),
    (
        "LOADING",
        "it is loading its data set, and clients send the command again after a wait",
    ),
    (
        "MASTERDOWN",
        "a replica lost its primary, and cluster clients send the command again after a wait",
    ),
    ("NOREPLICAS", "too few replicas acknowledge writes and the write did not run"),
    ("MISCONF", "it cannot persist to disk and the write did not run"),
    ("EXECABORT", "a transaction was discarded and none of its commands ran"),
    ("NOTBUSY", "`SCRIPT KILL` found no script running"),
    ("UNKILLABLE", "`SCRIPT KILL` found a script that already wrote"),
    ("NOPERM", "the ACL refused the command and it did not run"),
    ("NOAUTH", "the connection is not authenticated and the command did not run"),
    ("WRONGPASS", "`AUTH` was given wrong credentials"),
];

/// The server's reply to `FCALL` of a function no library registers (src/functions.c),
/// with what Redis means by it; the runtime matches it exactly.
const FUNCTION_NOT_FOUND: (&str, &str) = (
    "ERR Function not found",
    "`FCALL` names a function no loaded library registers, and this crate's runtime then loads the library and calls again",
);

/// The reserved code or server text an error text starts with, if any.
fn reserved(cx: &Context<'_>, text: &Text, reply: bool) -> Option<(&'static str, &'static str)> {
    if cx.library.is_some() {
        let bare = if reply { text.text.strip_prefix('-').unwrap_or(&text.text) } else { &text.text };
        // appended text may be empty: only a complete, different text is safe
        let matches = if text.complete {
            bare == FUNCTION_NOT_FOUND.0
        } else {
            bare.starts_with(FUNCTION_NOT_FOUND.0)
        };
        if matches {
            return Some(FUNCTION_NOT_FOUND);
        }
    }
    reserved_code(&text.text, text.complete, reply)
}

/// The reserved code an error text starts with, if any. `reply`: built by
/// `redis.error_reply`, which turns a text without a space into `ERR <text>` and drops
/// one leading `-`; `complete`: the whole text is known, not only its start.
fn reserved_code(text: &str, complete: bool, reply: bool) -> Option<(&'static str, &'static str)> {
    let text = if reply { text.strip_prefix('-').unwrap_or(text) } else { text };
    let code = match text.split_once(' ') {
        Some((code, _)) => code,
        None if complete && !reply => text,
        // `error_reply('BUSY')` is sent as `ERR BUSY`; `'BUS' .. x` is not known
        None => return None,
    };
    CODES.iter().find(|(c, _)| *c == code).copied()
}

fn finding(
    (code, meaning): (&'static str, &'static str),
    range: Range<usize>,
    reply: bool,
    helper: Option<Range<usize>>,
    unit: &str,
) -> Diagnostic {
    // a whole server text (`ERR Function not found`) rather than a code
    let (what, own, alternative) = if code.contains(' ') {
        ("text", "NOT_FOUND".to_owned(), "other words after `ERR`")
    } else {
        ("code", format!("APP_{code}"), "`ERR ...`")
    };
    let example = if reply {
        format!("redis.error_reply('{own} ...')")
    } else {
        format!("{{err = '{own} ...'}}")
    };
    let diagnostic = ServerErrorCode::finding(
        range,
        format!(
            "this error reply has the {what} `{code}`, which Redis replies when {meaning}: clients take it for the server's own, and may run {unit} again or report that it did not run"
        ),
    )
    .label(format!("read as the server's `{code}`"))
    .help(format!("use a code of your own, such as `{example}`, or {alternative}"));
    match helper {
        Some(range) => diagnostic.secondary(range, "the helper builds its error from this parameter"),
        None => diagnostic,
    }
}

/// A token of the script, without whitespace and comments.
#[derive(Debug)]
struct Token {
    kind: Kind,
    range: Range<usize>,
}

#[derive(Debug, PartialEq)]
enum Kind {
    Name(String),
    /// A string literal as written, escapes and all, without its quotes.
    Str(String),
    /// A symbol or keyword, as written.
    Sym(String),
    Other,
}

/// The tokens of `lua`; none when it does not lex (the parser reported it already).
fn tokens(lua: &str) -> Vec<Token> {
    let tokens = match Lexer::new(lua, LuaVersion::lua51()).collect() {
        LexerResult::Ok(tokens) => tokens,
        LexerResult::Recovered(..) | LexerResult::Fatal(_) => return Vec::new(),
    };
    tokens
        .into_iter()
        .filter_map(|token| {
            let range = token.start_position().bytes()..token.end_position().bytes();
            let kind = match token.token_type() {
                TokenType::Whitespace { .. }
                | TokenType::SingleLineComment { .. }
                | TokenType::MultiLineComment { .. }
                | TokenType::Shebang { .. }
                | TokenType::Eof => return None,
                TokenType::Identifier { identifier } => Kind::Name(identifier.to_string()),
                TokenType::StringLiteral { literal, .. } => Kind::Str(literal.to_string()),
                TokenType::Symbol { symbol } => Kind::Sym(symbol.to_string()),
                _ => Kind::Other,
            };
            Some(Token { kind, range })
        })
        .collect()
}

/// The known start of an error text.
#[derive(Debug)]
struct Text {
    text: String,
    /// The whole text is known (no non-constant operand follows).
    complete: bool,
    range: Range<usize>,
}

/// What an error text is made of.
enum Value<'t> {
    /// Starts with string literals.
    Constant(Text),
    /// Starts with the variable of this name, maybe followed (`..`) by string
    /// literals: their text, or `None` when something else follows.
    Param(&'t str, Option<Text>),
}

/// Where an error reply is built.
struct Site<'t> {
    /// `redis.error_reply(...)` (else a `{err = ...}` table).
    reply: bool,
    value: Value<'t>,
    /// The token index of the site.
    at: usize,
    /// The token index where its text starts.
    start: usize,
    /// The first token of its text, for a helper's label.
    range: Range<usize>,
}

/// A function in the script: its name (when it has one) and parameters.
struct Function<'t> {
    name: Option<&'t str>,
    params: Vec<&'t str>,
}

/// The token scan: one pass finds the functions (by counting the keywords that open
/// and close blocks), the others read error sites and calls. All loops, no recursion:
/// long scripts and deep nesting cost nothing more.
struct Scan<'t> {
    tokens: &'t [Token],
    functions: Vec<Function<'t>>,
    /// The innermost function each token is in.
    owners: Vec<Option<usize>>,
}

impl<'t> Scan<'t> {
    fn new(tokens: &'t [Token]) -> Self {
        let mut functions = Vec::new();
        let mut owners = Vec::with_capacity(tokens.len());
        // (index in `functions`, depth its body opened at)
        let mut open: Vec<(usize, usize)> = Vec::new();
        let mut depth = 0usize;
        for (i, token) in tokens.iter().enumerate() {
            if let Kind::Sym(symbol) = &token.kind {
                match symbol.as_str() {
                    "function" => {
                        let (name, params) = Self::header(tokens, i);
                        functions.push(Function { name, params });
                        open.push((functions.len() - 1, depth));
                        depth += 1;
                    }
                    "if" | "do" | "repeat" => depth += 1,
                    "end" | "until" => {
                        depth = depth.saturating_sub(1);
                        if open.last().is_some_and(|&(_, at)| at == depth) {
                            open.pop();
                        }
                    }
                    _ => {}
                }
            }
            owners.push(open.last().map(|&(index, _)| index));
        }
        Scan {
            tokens,
            functions,
            owners,
        }
    }

    /// The name and parameters of the function whose `function` keyword is at `i`.
    fn header(tokens: &'t [Token], i: usize) -> (Option<&'t str>, Vec<&'t str>) {
        let name_at = |j: usize| match tokens.get(j).map(|t| &t.kind) {
            Some(Kind::Name(name)) => Some(name.as_str()),
            _ => None,
        };
        let sym_at = |j: usize, s: &str| matches!(tokens.get(j).map(|t| &t.kind), Some(Kind::Sym(x)) if x == s);
        let mut j = i + 1;
        // `function name(` and `local function name(`; `local name = function(`
        let mut name = None;
        if let Some(n) = name_at(j) {
            name = Some(n);
            j += 1;
            // `function M.f(` / `function M:f(`: a field, not a name to call by
            while sym_at(j, ".") || sym_at(j, ":") {
                name = None;
                j += 2;
            }
        } else if i >= 2 && sym_at(i - 1, "=") && i >= 3 && sym_at(i - 3, "local") {
            name = name_at(i - 2);
        }
        let mut params = Vec::new();
        if sym_at(j, "(") {
            j += 1;
            while let Some(token) = tokens.get(j) {
                match &token.kind {
                    Kind::Name(p) => params.push(p.as_str()),
                    Kind::Sym(s) if s == ")" => break,
                    _ => {}
                }
                j += 1;
            }
        }
        (name, params)
    }

    fn kind(&self, i: usize) -> Option<&'t Kind> {
        self.tokens.get(i).map(|t| &t.kind)
    }

    fn is_sym(&self, i: usize, symbol: &str) -> bool {
        matches!(self.kind(i), Some(Kind::Sym(s)) if s == symbol)
    }

    /// Every place an error reply is built.
    fn sites(&self) -> Vec<Site<'t>> {
        let mut sites = Vec::new();
        for i in 0..self.tokens.len() {
            let (reply, start) = match self.kind(i) {
                // `redis.error_reply(x)`, `redis.error_reply 'x'` (also `server.`, Valkey's name)
                Some(Kind::Name(name)) if name == "error_reply" && self.is_sym(i.wrapping_sub(1), ".") => {
                    if self.is_sym(i + 1, "(") {
                        (true, i + 2)
                    } else if matches!(self.kind(i + 1), Some(Kind::Str(_))) {
                        (true, i + 1)
                    } else {
                        continue;
                    }
                }
                // `{err = x}`, `{..., err = x}`
                Some(Kind::Name(name)) if name == "err" && self.is_sym(i + 1, "=") && self.field_start(i) => {
                    (false, i + 2)
                }
                // `{['err'] = x}`
                Some(Kind::Sym(s))
                    if s == "["
                        && matches!(self.kind(i + 1), Some(Kind::Str(k)) if k == "err")
                        && self.is_sym(i + 2, "]")
                        && self.is_sym(i + 3, "=")
                        && self.field_start(i) =>
                {
                    (false, i + 4)
                }
                _ => continue,
            };
            let Some(value) = self.value(start) else { continue };
            let mut first = start;
            while self.is_sym(first, "(") {
                first += 1;
            }
            sites.push(Site {
                reply,
                value,
                at: i,
                start,
                range: self.tokens.get(first).map_or(0..0, |t| t.range.clone()),
            });
        }
        sites
    }

    /// True when the token at `i` starts a field of a table constructor.
    fn field_start(&self, i: usize) -> bool {
        i > 0 && (self.is_sym(i - 1, "{") || self.is_sym(i - 1, ",") || self.is_sym(i - 1, ";"))
    }

    /// What the expression starting at token `i` is known to start with.
    fn value(&self, mut i: usize) -> Option<Value<'t>> {
        while self.is_sym(i, "(") {
            i += 1;
        }
        match self.kind(i)? {
            Kind::Str(_) => Some(Value::Constant(self.constant(i))),
            // `string.format('BUSY %s', x)`: the text up to the first directive
            Kind::Name(lib)
                if lib == "string"
                    && self.is_sym(i + 1, ".")
                    && matches!(self.kind(i + 2), Some(Kind::Name(f)) if f == "format")
                    && self.is_sym(i + 3, "(")
                    && matches!(self.kind(i + 4), Some(Kind::Str(_))) =>
            {
                let Text { text, range, .. } = self.constant(i + 4);
                let complete = !text.contains('%');
                let text = text.split('%').next().unwrap_or_default().to_owned();
                Some(Value::Constant(Text { text, complete, range }))
            }
            // a plain variable (not a field or a call)
            Kind::Name(name)
                if !(self.is_sym(i + 1, ".")
                    || self.is_sym(i + 1, ":")
                    || self.is_sym(i + 1, "[")
                    || self.is_sym(i + 1, "(")) =>
            {
                let rest = (self.is_sym(i + 1, "..") && matches!(self.kind(i + 2), Some(Kind::Str(_))))
                    .then(|| self.constant(i + 2));
                Some(Value::Param(name, rest))
            }
            _ => None,
        }
    }

    /// True when the operand at token `i` (after any `(`) is followed by `..`.
    fn continued(&self, mut i: usize) -> bool {
        while self.is_sym(i, "(") {
            i += 1;
        }
        self.is_sym(i + 1, "..")
    }

    /// The string literals from token `i` joined by `..`.
    fn constant(&self, mut i: usize) -> Text {
        let start = self.tokens[i].range.start;
        let mut text = String::new();
        let mut end = start;
        while let Some(Kind::Str(part)) = self.kind(i) {
            text.push_str(part);
            end = self.tokens[i].range.end;
            if self.is_sym(i + 1, "..") && matches!(self.kind(i + 2), Some(Kind::Str(_))) {
                i += 2;
            } else {
                break;
            }
        }
        Text {
            complete: !self.is_sym(i + 1, ".."),
            text,
            range: start..end,
        }
    }

    /// The innermost function token `i` is in.
    fn owner(&self, i: usize) -> Option<&Function<'t>> {
        self.owners.get(i).copied().flatten().map(|f| &self.functions[f])
    }

    /// The known start of the argument each helper builds its error from, at every
    /// call of the helper: `(helper index, text)`.
    fn helper_calls(&self, helpers: &[Helper<'_>]) -> Vec<(usize, Text)> {
        let mut out = Vec::new();
        let mut by_name: HashMap<&str, Vec<usize>> = HashMap::new();
        for (index, helper) in helpers.iter().enumerate() {
            by_name.entry(helper.function).or_default().push(index);
        }
        if by_name.is_empty() {
            return out;
        }
        for i in 0..self.tokens.len() {
            let Some(Kind::Name(name)) = self.kind(i) else { continue };
            let called = self.is_sym(i + 1, "(")
                && !self.is_sym(i.wrapping_sub(1), "function")
                && !self.is_sym(i.wrapping_sub(1), ".")
                && !self.is_sym(i.wrapping_sub(1), ":");
            let Some(wanted) = by_name.get(name.as_str()).filter(|_| called) else {
                continue;
            };
            let last = wanted.iter().map(|&h| helpers[h].position).max().unwrap_or(0);
            // walk the arguments at this call's bracket depth, up to the last one wanted
            let (mut j, mut depth, mut argument) = (i + 2, 0usize, 0usize);
            let mut at_start = true;
            while j < self.tokens.len() && argument <= last {
                if at_start {
                    at_start = false;
                    for &h in wanted {
                        if helpers[h].position == argument
                            && let Some(Value::Constant(text)) = self.value(j)
                        {
                            out.push((h, text));
                        }
                    }
                }
                match self.kind(j) {
                    Some(Kind::Sym(s)) if matches!(s.as_str(), "(" | "{" | "[") => depth += 1,
                    Some(Kind::Sym(s)) if matches!(s.as_str(), ")" | "}" | "]") => {
                        if depth == 0 {
                            break;
                        }
                        depth -= 1;
                    }
                    Some(Kind::Sym(s)) if s == "," && depth == 0 => {
                        argument += 1;
                        at_start = true;
                    }
                    _ => {}
                }
                j += 1;
            }
        }
        out
    }
}
