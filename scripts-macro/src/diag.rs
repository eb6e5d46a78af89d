//! Phase 2 glue: runs `scripts_lint::check` on the script (`check_library` on a
//! function library) and turns its findings into compile errors (deny) and real
//! compiler warnings (warn).

use proc_macro2::{Literal, Span, TokenStream};
use quote::{format_ident, quote_spanned};

use scripts_lint::{Level, LibraryReport, LibrarySignature, ParamRef, Report, Signature, SourceMap};

use crate::cache::{self, Cache};
use crate::errors::Errors;
use crate::literal;
use crate::parse::{Body, Param, Role, ScriptFn};

/// A checked script: its Lua text, where that text lives, and the findings.
pub(crate) struct Checked {
    pub(crate) located: Located,
    pub(crate) report: Report,
    /// The SHA-1 of the Lua text, in hexadecimal.
    pub(crate) sha1: String,
}

impl Checked {
    /// Compile errors for deny-level findings, warning items for warn-level ones
    /// (`always_warn`: kept even where the crate allows `deprecated`). Findings about a
    /// parameter (an unused key) point at that parameter.
    pub(crate) fn emit(&self, params: &[Param], always_warn: bool, errors: &mut Errors) -> TokenStream {
        let mut warnings = TokenStream::new();
        for diagnostic in &self.report.diagnostics {
            let param = diagnostic.param.and_then(|p| param_span(params, p));
            self.located
                .emit_one(diagnostic, param, always_warn, errors, &mut warnings);
        }
        warnings
    }
}

fn param_span(params: &[Param], param: ParamRef) -> Option<Span> {
    let (role, index) = match param {
        ParamRef::Key(i) => (Role::Key, i),
        ParamRef::Arg(i) => (Role::Arg, i),
        // about a library's declarations, never a script's
        ParamRef::Function(_) => return None,
    };
    params
        .iter()
        .filter(|p| p.role == role)
        .nth(index)
        .map(|p| p.ident.span())
}

/// A real compiler warning on stable Rust: using a `#[deprecated]` item makes rustc
/// warn with the item's note, once per use, at the use's span. The item is a local
/// macro named after the lint, the shortest path rustc prints: the warning reads
/// "use of deprecated macro `unused_key`: key `unused` ... is never read" (a constant
/// would print its whole path, `module::name::_::unused_key`).
///
/// Being rustc's `deprecated` lint, a crate-level `#![allow(deprecated)]` hides these
/// warnings; `always_warn = true` in `scripts.toml` re-enables the lint on each of them.
fn warning(lint: &str, text: &str, span: Span, always_warn: bool) -> TokenStream {
    let name = format_ident!("{}", lint, span = span);
    // the macro's name already says which lint
    let note = text.strip_prefix(&format!("[{lint}] ")).unwrap_or(text);
    let level = always_warn.then(|| quote_spanned!(Span::call_site()=> #[warn(deprecated)]));
    quote_spanned! {span=>
        #level
        const _: () = {
            #[deprecated(note = #note)]
            macro_rules! #name {
                () => {
                    ()
                };
            }
            #name!()
        };
    }
}

/// Whether a span's file is one the user edits: under rust-analyzer's proc-macro
/// server `Span::file()` is empty and `start()` is relative to the literal, and outside
/// a compiler (the unit tests) proc-macro2 names spans `<unspecified>` or `<parsed
/// string N>`; compilers without the file API answer `<token stream>`.
pub(crate) fn is_real_file(file: &str) -> bool {
    let placeholder = file.starts_with('<') && file.ends_with('>');
    !file.is_empty() && !placeholder
}

/// The Lua text of a body, where it lives in the user's files, and what findings
/// point at.
pub(crate) struct Located {
    pub(crate) source: String,
    pub(crate) map: SourceMap,
    /// What findings point at on stable: the literal, or the `file = ...` value.
    span: Span,
    /// The literal token, for exact token spans where `subspan` works (nightly).
    literal: Option<Literal>,
}

impl Located {
    fn span_of(&self, range: std::ops::Range<usize>) -> Span {
        let Some(literal) = &self.literal else { return self.span };
        let start = self.map.host_offset(range.start);
        let end = self.map.host_offset(range.end).max(start + 1);
        literal.subspan(start..end).unwrap_or(self.span)
    }

    /// Pushes one finding: a compile error when denied, a warning item when warned.
    fn emit_one(
        &self,
        diagnostic: &scripts_lint::Diagnostic,
        param: Option<Span>,
        always_warn: bool,
        errors: &mut Errors,
        warnings: &mut TokenStream,
    ) {
        let text = scripts_lint::render(diagnostic, &self.source, &self.map);
        let span = match diagnostic.param {
            Some(_) => param.unwrap_or(self.span),
            None => self.span_of(diagnostic.primary.range.clone()),
        };
        match diagnostic.level {
            Level::Deny => errors.at(span, text),
            Level::Warn => warnings.extend(warning(diagnostic.lint, &text, span, always_warn)),
            Level::Allow => {}
        }
    }
}

/// Reads the Lua text of `body` and maps it to its place in the user's files. `name`
/// names the script where its place is not known (an IDE).
pub(crate) fn locate(body: &Body, name: &str) -> Located {
    match body {
        Body::Literal(lit) => {
            let token = lit.token();
            let text = token.to_string();
            let start = lit.span().start();
            let file = lit.span().file();
            let value = lit.value();
            if !is_real_file(&file) {
                // a position relative to the literal would look like a real one: give none
                let map = SourceMap::unplaced(name, &value);
                return Located {
                    source: value,
                    map,
                    span: lit.span(),
                    // subspans need the token's own offsets, which an unplaced map lacks
                    literal: None,
                };
            }
            let segments = match literal::decode(&text) {
                Some(decoded) if decoded.value == value => decoded.segments,
                // A literal form this decoder does not know: positions fall back to the literal's start.
                _ => vec![(0, 0)],
            };
            let map = SourceMap::embedded(file, &text, start.line, start.column + 1, segments);
            Located {
                source: value,
                map,
                span: lit.span(),
                literal: Some(token),
            }
        }
        Body::File { lit, path, text } => {
            // relative to the compiler's working directory, as rustc prints its own paths
            let cwd = std::env::current_dir().unwrap_or_default();
            let shown = path.strip_prefix(&cwd).unwrap_or(path).to_string_lossy().into_owned();
            Located {
                source: text.clone(),
                map: SourceMap::file(shown, text),
                span: lit.span(),
                literal: None,
            }
        }
    }
}

/// Reads the Lua text of `body`, maps it to its place in the user's files, and checks it.
/// `name` names the script where its place is not known (an IDE).
pub(crate) fn check(body: &Body, signature: &Signature, name: &str) -> Checked {
    let located = locate(body, name);
    let sha1 = cache::sha1_hex(&located.source);
    let report = match Cache::current() {
        Some(cache) => cache.check(&located.source, &sha1, signature),
        None => scripts_lint::check(&located.source, signature),
    };
    Checked { located, report, sha1 }
}

/// A checked function library.
pub(crate) struct CheckedLibrary {
    pub(crate) located: Located,
    pub(crate) report: LibraryReport,
}

impl CheckedLibrary {
    /// Compile errors and warning items for every finding: about the library (a
    /// declaration naming no registered function points at that declaration), and
    /// in each function (about a parameter: at the parameter of its declaration).
    /// Each declaration comes with where the registered name it calls is written.
    pub(crate) fn emit(
        &self,
        declarations: &[(&ScriptFn, Span)],
        always_warn: bool,
        errors: &mut Errors,
    ) -> TokenStream {
        let mut warnings = TokenStream::new();
        for diagnostic in &self.report.diagnostics {
            let param = match diagnostic.param {
                Some(ParamRef::Function(i)) => declarations.get(i).map(|(_, name)| *name),
                _ => None,
            };
            self.located
                .emit_one(diagnostic, param, always_warn, errors, &mut warnings);
        }
        for function in &self.report.functions {
            let params = function
                .declaration
                .and_then(|d| declarations.get(d))
                .map_or(&[][..], |(d, _)| &d.params[..]);
            for diagnostic in &function.diagnostics {
                let param = diagnostic.param.and_then(|p| param_span(params, p));
                self.located
                    .emit_one(diagnostic, param, always_warn, errors, &mut warnings);
            }
        }
        warnings
    }
}

/// Reads and checks the library in `body`.
pub(crate) fn check_library(body: &Body, signature: &LibrarySignature, name: &str) -> CheckedLibrary {
    let located = locate(body, name);
    let report = scripts_lint::check_library(&located.source, signature);
    CheckedLibrary { located, report }
}
