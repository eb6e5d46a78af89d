//! [`check_library`](crate::check_library): a function library checked once for what
//! runs while `FUNCTION LOAD` loads it, then once per registered function, as `FCALL`
//! runs it, against that function's declaration.

use std::collections::HashSet;
use std::ops::Range;

use crate::analysis::{self, Callback};
use crate::library_line;
use crate::lints::{self, Context, Library};
use crate::shebang::{self, Shebang};
use crate::{Diagnostic, FunctionReport, LibraryReport, LibrarySignature, Signature, parse, settle};

pub(crate) fn check(
    source: &str,
    lua: &str,
    nesting: &parse::Nesting,
    compiled: &crate::compile::Compiled,
    signature: &LibrarySignature,
) -> LibraryReport {
    let line = library_line::read_library(source);
    let name = line.name.as_ref().map(|(name, _)| name.clone());
    let name_range = line.name.as_ref().map(|(_, range)| range.clone());
    let ast = match parse::parse_scanned(lua, nesting, compiled, parse::Chunk::Library) {
        Ok(ast) => ast,
        Err(syntax_errors) => {
            return LibraryReport {
                diagnostics: syntax_errors,
                name,
                name_range,
                functions: Vec::new(),
            };
        }
    };
    let annotations = crate::annotation::read(lua, &ast);
    let (load, mut function_facts) = analysis::analyse_library(source, &ast, &annotations);
    let library = |function| Library {
        line: &line,
        signature,
        registrations: &load.registrations,
        function,
    };
    let top = Signature {
        levels: signature.levels.clone(),
        target: signature.target,
        host: signature.host,
        ..Signature::default()
    }
    .permissive();
    let cx = Context::new(source, &load, &top, None, &annotations).in_library(library(None));
    let mut diagnostics = Vec::new();
    lints::run(&cx, &mut diagnostics);
    settle(&mut diagnostics, &top.levels);
    // a helper two functions call is reported once, under the first
    let mut seen: HashSet<(&'static str, Range<usize>, String)> = diagnostics
        .iter()
        .filter(|d| d.param.is_none())
        .map(|d| (d.lint, d.primary.range.clone(), d.message.clone()))
        .collect();
    let mut functions = Vec::new();
    for (i, registration) in load.registrations.iter().enumerate() {
        let name = registration
            .name
            .as_ref()
            .and_then(|(name, _)| name.as_deref())
            .map(str::to_owned);
        let mut flags: Vec<String> = Vec::new();
        for flag in registration.flags.iter().filter_map(|(flag, _)| flag.as_deref()) {
            let flag = flag.to_ascii_lowercase();
            if shebang::FLAGS.contains(&flag.as_str()) && !flags.contains(&flag) {
                flags.push(flag);
            }
        }
        let declaration = name.as_deref().and_then(|name| {
            signature
                .functions
                .iter()
                .position(|(declared, _)| library_line::same_name(declared, name))
        });
        let mut report = FunctionReport {
            read_only: flags.iter().any(|f| f == "no-writes"),
            name,
            name_literal: registration.name_literal.clone(),
            flags,
            declaration,
            diagnostics: Vec::new(),
            derived_keys: Vec::new(),
        };
        if let Some((Callback::Function(_), _)) = registration.callback {
            let facts = std::mem::take(&mut function_facts[i]);
            let declared = declaration.map(|d| signature.functions[d].1.clone());
            let own = declared.unwrap_or_else(|| top.clone());
            let mut levels = signature.levels.clone();
            levels.extend(own.levels.iter().cloned());
            let function = Signature {
                levels,
                target: signature.target,
                host: signature.host,
                ..own
            };
            // the flags play the part of a script's `#!lua flags=` line
            let flagged = Shebang {
                flags: report.flags.clone(),
                problems: Vec::new(),
            };
            let cx = Context::new(source, &facts, &function, Some(&flagged), &annotations).in_library(library(Some(i)));
            let mut found: Vec<Diagnostic> = Vec::new();
            lints::run(&cx, &mut found);
            settle(&mut found, &function.levels);
            let keys = registration.params.first().map_or("keys", String::as_str);
            let args = registration.params.get(1).map_or("args", String::as_str);
            for diagnostic in &mut found {
                speak_of_parameters(diagnostic, keys, args);
            }
            found.retain(|d| d.param.is_some() || seen.insert((d.lint, d.primary.range.clone(), d.message.clone())));
            report.diagnostics = found;
            report.derived_keys = lints::derived_keys(&cx);
        }
        functions.push(report);
    }
    LibraryReport {
        diagnostics,
        name,
        name_range,
        functions,
    }
}

/// The lints speak of `EVAL`'s `KEYS` and `ARGV`; a function receives them as its
/// callback's parameters, so its findings name those (`keys[1]`, `args`). A finding
/// about the globals themselves keeps their names.
fn speak_of_parameters(diagnostic: &mut Diagnostic, keys: &str, args: &str) {
    if diagnostic.lint == "undefined_global" {
        return;
    }
    let rename = |text: &mut String| {
        if text.contains("KEYS") || text.contains("ARGV") {
            *text = text
                .replace("`KEYS`", &format!("`{keys}`"))
                .replace("KEYS[", &format!("{keys}["))
                .replace("`ARGV`", &format!("`{args}`"))
                .replace("ARGV[", &format!("{args}["))
                .replace("`ARGV` entry", &format!("`{args}` entry"));
        }
    };
    rename(&mut diagnostic.message);
    for label in std::iter::once(&mut diagnostic.primary).chain(&mut diagnostic.secondary) {
        if let Some(message) = &mut label.message {
            rename(message);
        }
    }
    if let Some(help) = &mut diagnostic.help {
        rename(help);
    }
    for note in &mut diagnostic.notes {
        rename(note);
    }
}
